#include "varflow/train/layers.h"

#include "train/tf_math.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

Regularizer l2_regularizer(double scale) {
  VF_CHECK(scale >= 0, ErrorCode::kValue, "Setting a scale less than 0 on a regularizer: ", scale);
  return [scale](Graph& g, const Variable& v) -> std::optional<Output> {
    if (scale == 0) return std::nullopt;  // TF1 logs "Scale of 0 disables regularizer."
    NameScope scope(g, "l2_regularizer");
    return l2_penalty(g, v.value(), scale, scope.scope());
  };
}

Output l2_penalty(Graph& graph, Output weights, const Arg& scale, const std::string& name) {
  Output s = scale.tensor(graph, weights.dtype(), "scale");
  return ops::Mul(s, ops::L2Loss(weights), name);
}

Regularizer l1_regularizer(double scale) {
  VF_CHECK(scale >= 0, ErrorCode::kValue, "Setting a scale less than 0 on a regularizer: ", scale);
  return [scale](Graph& g, const Variable& v) -> std::optional<Output> {
    if (scale == 0) return std::nullopt;
    NameScope scope(g, "l1_regularizer");
    return l1_penalty(g, v.value(), scale, scope.scope());
  };
}

Output l1_penalty(Graph& graph, Output weights, const Arg& scale, const std::string& name) {
  Output s = scale.tensor(graph, weights.dtype(), "scale");
  return ops::Mul(s, tf::reduce("Sum", ops::Abs(weights), std::nullopt, false), name);
}

Regularizer sum_regularizer(std::vector<Regularizer> regularizers, const std::string& scope) {
  return [regularizers = std::move(regularizers), scope](
             Graph& g, const Variable& v) -> std::optional<Output> {
    NameScope name(g, scope.empty() ? "sum_regularizer" : scope);
    std::vector<Output> penalties;
    for (const Regularizer& r : regularizers)
      if (r)
        if (std::optional<Output> p = r(g, v)) penalties.push_back(*p);
    if (penalties.empty()) return std::nullopt;
    return ops::AddN(penalties, name.scope());
  };
}

Regularizer l1_l2_regularizer(double scale_l1, double scale_l2) {
  if (scale_l1 == 0 && scale_l2 == 0) return nullptr;
  return sum_regularizer({l1_regularizer(scale_l1), l2_regularizer(scale_l2)}, "l1_l2_regularizer");
}

bool check_get_variable(const std::string& name, const std::optional<FoundVariable>& found,
                        const Shape& shape, DType dtype, Reuse reuse,
                        const std::string& defined_at) {
  if (found) {
    if (reuse == Reuse::kCreate) {
      std::string message = "Variable " + name +
                            " already exists, disallowed. Did you mean to set reuse=True or "
                            "reuse=tf.AUTO_REUSE in VarScope?";
      if (!defined_at.empty()) message += " Originally defined at:\n\n" + defined_at;
      raise(ErrorCode::kValue, message);
    }
    VF_CHECK(shape.compatible_with(found->shape), ErrorCode::kValue, "Trying to share variable ",
             name, ", but specified shape ", shape.to_string(), " and found shape ",
             found->shape.to_string(), ".");
    VF_CHECK(dtype == found->dtype, ErrorCode::kValue, "Trying to share variable ", name,
             ", but specified dtype ", dtype_name(dtype), " and found dtype ",
             dtype_name(found->dtype), ".");
    return true;
  }
  VF_CHECK(reuse != Reuse::kReuse, ErrorCode::kValue, "Variable ", name,
           " does not exist, or was not created with tf.get_variable(). Did you mean to set "
           "reuse=tf.AUTO_REUSE in VarScope?");
  return false;
}

Variable get_variable(Graph& graph, const std::string& name, const Dims& shape,
                      const GetVariableOptions& options) {
  std::optional<FoundVariable> found;
  Node* existing = graph.find_node(name);
  if (existing) {
    VF_CHECK(graph.variable_info(existing), ErrorCode::kValue, "Variable ", name,
             " already exists, disallowed: ", name, " names a node that is not a variable");
    Variable v = Variable::from_node(existing);
    found = FoundVariable{v.shape(), v.dtype()};
  }
  const Reuse reuse =
      options.auto_reuse ? Reuse::kAuto : (options.reuse ? Reuse::kReuse : Reuse::kCreate);
  if (check_get_variable(name, found, Shape(shape), options.dtype, reuse))
    return Variable::from_node(existing);
  for (int64_t d : shape)
    VF_CHECK(d >= 0, ErrorCode::kValue, "Shape of a new variable (", name,
             ") must be fully defined, but instead was ", dims_to_string(shape), ".");
  Initializer initializer = options.initializer;
  if (!initializer) {
    if (is_any_floating(options.dtype))
      initializer = glorot_uniform_initializer();
    else if (is_any_integer(options.dtype) || options.dtype == DType::kBool)
      initializer = zeros_initializer();
    else
      raise(ErrorCode::kValue, "An initializer for variable ", name, " of ",
            dtype_name(options.dtype), " is required");
  }
  // As TF1: outside the caller's control dependencies and name scope.
  graph.push_control_dependencies({}, true);
  Variable v;
  try {
    NameScope root(graph, "");
    VariableOptions vo;
    vo.name = name;
    vo.trainable = options.trainable;
    vo.collections = options.collections;
    vo.dtype = options.dtype;
    v = Variable::create(
        graph,
        [&](Graph& g) {
          NameScope scope(g, "Initializer");
          return initializer(g, shape, options.dtype);
        },
        vo);
    if (options.regularizer) {
      NameScope regularizer(graph, name + "/Regularizer/");
      if (std::optional<Output> loss = options.regularizer(graph, v))
        graph.add_to_collection(graph_keys::kRegularizationLosses, *loss);
    }
  } catch (...) {
    graph.pop_control_dependencies();
    throw;
  }
  graph.pop_control_dependencies();
  return v;
}

Output dense_output(Graph& graph, Output inputs, Output kernel, std::optional<Output> bias,
                    const std::function<Output(Output)>& activation) {
  const Shape& in_shape = inputs.shape();
  VF_CHECK(in_shape.has_rank() && in_shape.rank() >= 2, ErrorCode::kValue,
           "Input 0 of layer dense is incompatible with the layer: expected min_ndim=2, found "
           "ndim=",
           in_shape.has_rank() ? std::to_string(in_shape.rank()) : "unknown");
  const Shape& k_shape = kernel.shape();
  VF_CHECK(k_shape.has_rank() && k_shape.rank() == 2, ErrorCode::kValue,
           "dense: the kernel must be a matrix, got shape ", k_shape.to_string());
  const int rank = in_shape.rank();
  const int64_t in_dim = in_shape.dim(rank - 1);
  VF_CHECK(in_dim >= 0, ErrorCode::kValue,
           "The last dimension of the inputs to `Dense` should be defined. Found `None`.");
  VF_CHECK(k_shape.dim(0) < 0 || k_shape.dim(0) == in_dim, ErrorCode::kValue,
           "dense: the inputs' last dimension ", in_dim, " is not the kernel's first, ",
           k_shape.to_string());
  const int64_t units = k_shape.dim(1);
  Output x = inputs.dtype() == kernel.dtype() ? inputs : ops::cast(inputs, kernel.dtype());
  Output out;
  if (rank > 2) {
    bool known = true;
    std::vector<int32_t> out_dims;
    for (int i = 0; i + 1 < rank; ++i) {
      known &= in_shape.dim(i) >= 0;
      out_dims.push_back(static_cast<int32_t>(in_shape.dim(i)));
    }
    out_dims.push_back(static_cast<int32_t>(units));
    Output flat = ops::Reshape(
        x,
        ops::constant(graph, Tensor::from_vector<int32_t>({-1, static_cast<int32_t>(in_dim)}, {2}),
                      "Const"));
    Output product = ops::MatMul(flat, kernel);
    Output out_shape;
    if (known) {
      out_shape = ops::constant(
          graph, Tensor::from_vector<int32_t>(out_dims, {static_cast<int64_t>(out_dims.size())}),
          "Const");
    } else {
      // TF1's Tensordot: unstack the dynamic shape and stack its leading parts with units.
      Output dyn = ops::Shape(x);
      Node* parts = ops::Unpack(dyn, ops::UnpackAttrs().with_num(rank), "unstack").node;
      std::vector<Output> leading;
      for (int i = 0; i + 1 < rank; ++i) leading.push_back(parts->output(i));
      leading.push_back(
          ops::constant(graph, Tensor::scalar<int32_t>(static_cast<int32_t>(units)), "Const"));
      out_shape = ops::Pack(leading, {}, "stack");
    }
    out = ops::Reshape(product, out_shape, "Tensordot");
    // As TF1's Dense.call: the static shape is the inputs' leading dimensions and units, which
    // the Reshape's rule cannot see through a stacked dynamic shape.
    Dims known_dims;
    for (int i = 0; i + 1 < rank; ++i) known_dims.push_back(in_shape.dim(i));
    known_dims.push_back(units);
    graph.refine_output_shape(*out.node, 0, out.shape().merge_with(Shape(known_dims)));
  } else {
    out = ops::MatMul(x, kernel, {}, "MatMul");
  }
  if (bias) {
    NameScope bias_add(graph, "BiasAdd");  // tf.nn.bias_add names its op after its scope
    out = ops::BiasAdd(out, *bias, {}, bias_add.scope());
  }
  if (activation) out = activation(out);
  return out;
}

DenseLayer dense(Graph& graph, Output inputs, int64_t units, const DenseOptions& options) {
  const std::string prefix = options.variable_scope.empty() ? "" : options.variable_scope + "/";
  std::string name = options.name;
  if (name.empty()) {
    name = "dense";
    for (int i = 1; graph.find_node(prefix + name + "/kernel"); ++i)
      name = "dense_" + std::to_string(i);
  }
  const Shape& in_shape = inputs.shape();
  VF_CHECK(in_shape.has_rank() && in_shape.rank() >= 2, ErrorCode::kValue, "Input 0 of layer ",
           name,
           " is incompatible with the layer: expected min_ndim=2, "
           "found ndim=",
           in_shape.has_rank() ? std::to_string(in_shape.rank()) : "unknown");
  const int64_t in_dim = in_shape.dim(in_shape.rank() - 1);
  VF_CHECK(in_dim >= 0, ErrorCode::kValue,
           "The last dimension of the inputs to `Dense` should be defined. Found `None`.");
  VF_CHECK(units > 0, ErrorCode::kValue, "units of layer ", name, " must be positive, got ", units);
  const DType dtype = is_any_floating(inputs.dtype()) ? inputs.dtype() : DType::kFloat32;

  DenseLayer layer;
  GetVariableOptions kernel;
  kernel.dtype = dtype;
  kernel.initializer = options.kernel_initializer;
  kernel.regularizer = options.kernel_regularizer;
  kernel.trainable = options.trainable;
  layer.kernel = get_variable(graph, prefix + name + "/kernel", {in_dim, units}, kernel);
  if (options.use_bias) {
    GetVariableOptions bias;
    bias.dtype = dtype;
    bias.initializer = options.bias_initializer ? options.bias_initializer : zeros_initializer();
    bias.regularizer = options.bias_regularizer;
    bias.trainable = options.trainable;
    layer.bias = get_variable(graph, prefix + name + "/bias", {units}, bias);
  }

  NameScope scope(graph, name);
  std::optional<Output> bias_value;
  if (layer.bias) bias_value = layer.bias->value();
  layer.output = dense_output(graph, inputs, layer.kernel.value(), bias_value, options.activation);
  return layer;
}

namespace {

// The rank check shared by both functions (TF1's message).
void check_label_rank(const Shape& labels, const Shape& logits) {
  if (labels.has_rank() && logits.has_rank())
    VF_CHECK(labels.rank() == logits.rank() - 1, ErrorCode::kValue,
             "Rank mismatch: Rank of labels (received ", labels.rank(),
             ") should equal rank of logits minus 1 (received ", logits.rank(), ").");
}

}  // namespace

Output sparse_softmax_cross_entropy_with_logits(Graph& graph, const Arg& labels_arg,
                                                const Arg& logits_arg, const std::string& name) {
  NameScope scope(graph, name.empty() ? "SparseSoftmaxCrossEntropyWithLogits" : name);
  const std::string out_name = scope.scope();
  Output labels = labels_arg.tensor(graph, std::nullopt, "Const");
  Output logits = logits_arg.tensor(graph, std::nullopt, "Const");
  VF_CHECK(is_any_integer(labels.dtype()), ErrorCode::kValue, "labels must be int32 or int64, got ",
           dtype_name(labels.dtype()));
  check_label_rank(labels.shape(), logits.shape());
  if (logits.shape().has_rank() && logits.shape().rank() == 2)
    return ops::SparseSoftmaxCrossEntropyWithLogits(logits, labels, out_name)->output(0);
  // Any other rank, known or not: rows of the last axis, [-1, shape(logits)[rank - 1:]].
  Output shape = ops::Shape(logits);
  Output rank = ops::Rank(logits);  // before the constant: arguments are not sequenced
  Output last_axis = ops::Sub(rank, tf::int32_scalar(graph, 1), "sub");
  Output begin = ops::ExpandDims(last_axis, tf::int32_scalar(graph, 0));
  Output last = ops::Slice(shape, begin, tf::int32_vector(graph, {1}));
  Output rows_shape =
      ops::ConcatV2({tf::int32_vector(graph, {-1}), last, tf::int32_scalar(graph, 0)},
                    ops::ConcatV2Attrs().with_N(2), "concat");
  Output flat_logits = ops::Reshape(logits, rows_shape);
  Output flat_labels = ops::Reshape(labels, tf::int32_vector(graph, {-1}));
  Output loss = ops::SparseSoftmaxCrossEntropyWithLogits(flat_logits, flat_labels)->output(0);
  return ops::Reshape(loss, ops::Shape(labels), out_name);
}

Output sparse_softmax_cross_entropy(Graph& graph, const Arg& labels_arg, const Arg& logits_arg,
                                    const Arg& weights, const std::string& name,
                                    const LossOptions& options) {
  NameScope scope(graph, name.empty() ? "sparse_softmax_cross_entropy_loss" : name);
  Output labels = labels_arg.tensor(graph, std::nullopt, "Const");
  if (!is_any_integer(labels.dtype())) labels = ops::cast(labels, DType::kInt64);
  Output losses = sparse_softmax_cross_entropy_with_logits(graph, labels, logits_arg, "xentropy");
  return compute_weighted_loss(graph, losses, weights, scope.scope(), options);
}

}  // namespace varflow::train
