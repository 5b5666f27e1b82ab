// The composite tf.nn / tf.layers functions of varflow/train/nn.h, node for node as TF1's
// nn_impl.py, nn_ops.py and layers/normalization.py.
#include "varflow/train/nn.h"

#include <algorithm>
#include <cstdio>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/training_util.h"

namespace varflow::train {

namespace {

std::string or_default(const std::string& name, const char* default_name) {
  return name.empty() ? default_name : name;
}

// A bool tensor shaped like `like` holding the scalar bool tensor `training`.
Output broadcast_cond(Graph& g, const Arg& training, Output like) {
  Output t = tf::cast(training.tensor(g, std::nullopt), like.dtype());
  Output filled = tf::add(tf::op("ZerosLike", {like}), t);
  Output half = tf::k(filled, 0.5);
  return tf::op("Greater", {filled, half});
}

Output assign_sub(const Variable& var, Output value, const std::string& name) {
  return ops::op(var.graph(), "AssignSub", {var.ref(), value}, {{"use_locking", false}}, name);
}

}  // namespace

Output sigmoid_cross_entropy_with_logits(Graph& g, const Arg& labels_arg, const Arg& logits_arg,
                                         const std::string& name) {
  NameScope scope(g, or_default(name, "logistic_loss"));
  Output logits = logits_arg.tensor(g, std::nullopt, "logits");
  Output labels = labels_arg.tensor(g, logits.dtype(), "labels");
  if (!labels.shape().compatible_with(logits.shape()))
    raise(ErrorCode::kValue, "logits and labels must have the same shape (",
          tf::shape_str(logits.shape()), " vs ", tf::shape_str(labels.shape()), ")");
  Output zeros = tf::op("ZerosLike", {logits});
  Output cond = tf::op("GreaterEqual", {logits, zeros});
  Output relu_logits = tf::op("Select", {cond, logits, zeros});
  Output neg_abs_logits = tf::op("Select", {cond, tf::op("Neg", {logits}), logits});
  Output linear = tf::sub(relu_logits, tf::mul(logits, labels));
  Output softplus = tf::op("Log1p", {tf::op("Exp", {neg_abs_logits})});
  return tf::op("Add", {linear, softplus}, scope.scope());
}

std::pair<Output, Output> moments(Graph& g, const Arg& x, const std::vector<int64_t>& axes,
                                  bool keep_dims, const std::string& name) {
  NameScope scope(g, or_default(name, "moments"));
  Output y = x.tensor(g, std::nullopt);
  Output mean = tf::reduce("Mean", y, axes, true, "mean");
  Output centered = tf::op("SquaredDifference", {y, tf::op("StopGradient", {mean})});
  Output variance = tf::reduce("Mean", centered, axes, true, "variance");
  if (!keep_dims) {  // squeeze the size-1 axes (a sum over them)
    mean = tf::reduce("Sum", mean, axes, false, "Squeeze");
    variance = tf::reduce("Sum", variance, axes, false, "Squeeze_1");
  }
  return {mean, variance};
}

Output batch_normalization(Graph& g, const Arg& x_arg, const Arg& mean_arg, const Arg& variance_arg,
                           const std::optional<Arg>& offset, const std::optional<Arg>& scale,
                           const Arg& variance_epsilon, const std::string& name) {
  NameScope s(g, or_default(name, "batchnorm"));
  Output x = x_arg.tensor(g, std::nullopt);
  Output variance = variance_arg.tensor(g, std::nullopt);
  Output inv = tf::op("Rsqrt", {tf::add(variance, variance_epsilon.tensor(g, variance.dtype()))});
  if (scale) inv = tf::mul(inv, scale->tensor(g, inv.dtype()));
  Output shift;
  if (offset) {
    Output mean = mean_arg.tensor(g, inv.dtype());
    Output centred = tf::mul(mean, inv);
    Output off = offset->tensor(g, centred.dtype());
    shift = tf::sub(off, centred);
  } else {
    Output neg_mean = tf::neg(mean_arg.tensor(g, std::nullopt));
    shift = tf::mul(neg_mean, inv);
  }
  return tf::add(tf::mul(x, inv), shift);
}

Output variational_dropout(Graph& graph, Output value, Output noise, const Arg& keep_prob) {
  Output keep = keep_prob.tensor(graph, noise.dtype(), "Const");
  Output binary = tf::op("Floor", {tf::add(keep, noise)});
  Output kept = tf::mul(tf::truediv(value, tf::cast(keep, value.dtype())), binary);
  graph.refine_output_shape(*kept.node, 0, kept.shape().merge_with(value.shape()));
  return kept;
}

Output dropout(Graph& g, const Arg& x_arg, const Arg& rate, const std::optional<Arg>& noise_shape,
               std::optional<int64_t> seed, const std::string& name) {
  NameScope scope(g, or_default(name, "dropout"));
  Output x = x_arg.tensor(g, std::nullopt, "x");
  const DType dtype = x.dtype();
  if (!is_floating(dtype))
    raise(ErrorCode::kValue,
          "x has to be a floating point tensor since it's going to be scaled. Got a ",
          tf::dtype_str(dtype), " tensor instead.");
  Output scale, rate_t;
  if (std::optional<double> r = rate.number()) {
    if (!(*r >= 0 && *r < 1)) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%g", *r);
      raise(ErrorCode::kValue, "rate must be a scalar tensor or a float in the range [0, 1), got ",
            buf);
    }
    if (*r == 0) return x;
    scale = tf::k(x, 1.0 / (1.0 - *r));
    rate_t = tf::k(x, *r, "rate");
  } else {
    rate_t = rate.tensor(g, dtype, "rate");
    scale = tf::truediv(1.0, tf::sub(1.0, rate_t));
  }
  Output shape = noise_shape ? noise_shape->tensor(g, DType::kInt32)
                             : tf::op("Shape", {x}, "", {{"out_type", DType::kInt32}});
  const Seeds seeds = random_seeds(g, seed);
  AttrMap attrs{{"dtype", dtype}};
  if (seeds.seed) {
    attrs.set("seed", *seeds.seed);
    attrs.set("seed2", *seeds.seed2);
  }
  Output random = ops::op(g, "RandomUniform", {shape}, std::move(attrs), "random_uniform");
  Output keep_mask = tf::op("GreaterEqual", {random, rate_t});
  Output scaled = tf::mul(x, scale);
  return tf::op("Mul", {scaled, tf::cast(keep_mask, dtype)}, scope.scope());
}

Output dropout_layer(Graph& g, Output inputs, const Arg& rate, const Arg& training,
                     const std::optional<Arg>& noise_shape, std::optional<int64_t> seed,
                     const std::string& name) {
  NameScope scope(g, or_default(name, "dropout"));
  std::optional<double> known = training.number();
  if (known && *known == 0) return ops::identity(inputs, "Identity");
  Output dropped = dropout(g, inputs, rate, noise_shape, seed);
  if (known) return dropped;
  return tf::op("Select", {broadcast_cond(g, training, inputs), dropped, inputs});
}

BatchNormVariables make_batch_norm_variables(Graph& g, int64_t channels, DType dtype, bool center,
                                             bool scale) {
  auto make = [&](const char* name, double value, bool trainable) {
    VariableOptions options;
    options.name = name;
    options.trainable = trainable;
    return Variable::create(
        g,
        [&](Graph& gg) {
          std::vector<double> init(static_cast<size_t>(channels), value);
          return ops::constant(gg, Tensor::from_vector(init, {channels}).cast(dtype),
                               value == 0 ? "Initializer/zeros" : "Initializer/ones");
        },
        options);
  };
  BatchNormVariables vars;
  if (scale) vars.gamma = make("gamma", 1.0, true);
  if (center) vars.beta = make("beta", 0.0, true);
  vars.moving_mean = make("moving_mean", 0.0, false);
  vars.moving_variance = make("moving_variance", 1.0, false);
  return vars;
}

Output batch_normalization_layer(Graph& g, Output inputs, int axis, const BatchNormVariables& vars,
                                 double momentum, double epsilon, const Arg& training) {
  return batch_normalization_layer(g, inputs, std::vector<int>{axis}, vars, momentum, epsilon,
                                   training);
}

Output batch_normalization_layer(Graph& g, Output inputs, const std::vector<int>& axes,
                                 const BatchNormVariables& vars, double momentum, double epsilon,
                                 const Arg& training) {
  const Shape& in_shape = inputs.shape();
  if (!in_shape.has_rank()) raise(ErrorCode::kValue, "Input has undefined rank.");
  const int rank = in_shape.rank();
  VF_CHECK(!axes.empty(), ErrorCode::kValue, "batch_normalization needs at least one axis");
  for (size_t k = 0; k < axes.size(); ++k) {
    const int axis = axes[k];
    if (axis < 0 || axis >= rank)
      raise(ErrorCode::kValue, "Invalid axis ", axis, " for input of rank ", rank);
    VF_CHECK(std::find(axes.begin(), axes.begin() + static_cast<long>(k), axis) ==
                 axes.begin() + static_cast<long>(k),
             ErrorCode::kValue, "Duplicate axis: ", axis);
    if (in_shape.dim(axis) < 0)
      raise(ErrorCode::kValue,
            "Input has undefined `axis` dimension. Input shape: ", tf::shape_str(in_shape));
  }
  const int axis = axes[0];
  const int64_t channels = in_shape.dim(axis);
  // Several axes: the variables have the inputs' rank with 1 on the other axes, as the batch
  // statistics kept with their dimensions (TF1's Keras param_shape), so nothing is reshaped.
  const bool several = axes.size() > 1;
  std::vector<int64_t> reduction_axes;
  for (int i = 0; i < rank; ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) reduction_axes.push_back(i);

  // [C] -> broadcastable against the inputs.
  auto params = [&](std::optional<Output> t) -> std::optional<Arg> {
    if (!t) return std::nullopt;
    if (several || axis == rank - 1) return Arg(*t);
    std::vector<int32_t> shape(static_cast<size_t>(rank), 1);
    shape[static_cast<size_t>(axis)] = static_cast<int32_t>(channels);
    Output dims = ops::constant(g, Tensor::from_vector(shape, {rank}), "Const");
    return Arg(ops::reshape(*t, dims, "Reshape"));
  };
  auto value_of = [](const std::optional<Variable>& v) -> std::optional<Output> {
    if (!v) return std::nullopt;
    return v->value();
  };
  auto normalize = [&](Output mean, Output variance) {
    std::optional<Arg> m = params(mean);
    std::optional<Arg> v = params(variance);
    std::optional<Arg> beta = params(value_of(vars.beta));
    std::optional<Arg> gamma = params(value_of(vars.gamma));
    return batch_normalization(g, inputs, *m, *v, beta, gamma, epsilon);
  };

  std::optional<double> known = training.number();
  if (known && *known == 0)
    return normalize(vars.moving_mean.value(), vars.moving_variance.value());

  auto [batch_mean, batch_variance] = moments(g, inputs, reduction_axes, several);
  Output mean = batch_mean, variance = batch_variance;
  std::optional<Output> one_minus_decay;  // a number when training is known
  if (!known) {
    Output cond = broadcast_cond(g, training, batch_mean);
    mean = tf::op("Select", {cond, batch_mean, vars.moving_mean.ref()});
    variance = tf::op("Select", {cond, batch_variance, vars.moving_variance.ref()});
    Output t = tf::cast(training.tensor(g, std::nullopt), inputs.dtype());
    one_minus_decay = tf::mul(t, 1.0 - momentum);
  }
  Output outputs = normalize(mean, variance);

  const std::pair<const Variable*, Output> stats[] = {{&vars.moving_mean, batch_mean},
                                                      {&vars.moving_variance, batch_variance}};
  std::vector<Output> updates;
  for (int i = 0; i < 2; ++i) {
    const auto& [var, value] = stats[i];
    NameScope scope(g, i == 0 ? "AssignMovingAvg" : "AssignMovingAvg_1");
    Output diff = tf::sub(var->value(), value);
    Output step = one_minus_decay ? tf::mul(diff, *one_minus_decay) : tf::mul(diff, 1.0 - momentum);
    updates.push_back(assign_sub(*var, step, scope.scope()));
  }
  for (const Output& u : updates) g.add_to_collection(graph_keys::kUpdateOps, u);
  return outputs;
}

}  // namespace varflow::train
