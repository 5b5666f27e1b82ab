// tf.losses (varflow/train/losses.h), node for node as TF1's losses_impl.py.
#include "varflow/train/losses.h"

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/nn.h"

namespace varflow::train {

namespace {

constexpr struct {
  Reduction reduction;
  const char* key;
} kReductionKeys[] = {
    {Reduction::kNone, "none"},
    {Reduction::kSum, "weighted_sum"},
    {Reduction::kSumOverBatchSize, "weighted_sum_over_batch_size"},
    {Reduction::kMean, "weighted_mean"},
    {Reduction::kSumByNonzeroWeights, "weighted_sum_by_nonzero_weights"},
};

std::string or_default(const std::string& name, const char* default_name) {
  return name.empty() ? default_name : name;
}

// total / count, 0 where count is 0 (TF's div_no_nan).
Output safe_mean(Output total, Output count) {
  Output zero = tf::k(count, 0.0);
  Output positive = tf::op("Greater", {count, zero});
  Output safe_count = tf::op("Select", {positive, count, tf::op("OnesLike", {count})});
  Output mean = tf::truediv(total, safe_count);
  return tf::op("Select", {positive, mean, tf::op("ZerosLike", {total})}, "value");
}

Output num_elements(Graph& g, Output losses) {
  NameScope scope(g, "num_elements");
  Output size = tf::op("Size", {losses}, scope.scope(), {{"out_type", DType::kInt32}});
  return tf::cast(size, DType::kFloat32);
}

Output num_present(Graph& g, Output losses, const Arg& weights_arg) {
  if (std::optional<double> w = weights_arg.number(); w && *w != 0.0)
    return num_elements(g, losses);
  NameScope scope(g, "num_present");
  Output weights = tf::cast(weights_arg.tensor(g, std::nullopt), DType::kFloat32);
  Output zero = tf::k(weights, 0.0);
  Output is_zero = tf::op("Equal", {weights, zero});
  Output zeros = tf::op("ZerosLike", {weights});
  Output ones = tf::op("OnesLike", {weights});
  Output present = tf::op("Select", {is_zero, zeros, ones});
  Output like = tf::op("OnesLike", {tf::cast(losses, DType::kFloat32)});
  present = tf::mul(present, like);
  return tf::reduce("Sum", present, std::nullopt, false, scope.scope());
}

Output float_tensor(Graph& g, const Arg& x) {
  Output t = x.tensor(g, std::nullopt);
  return is_floating(t.dtype()) ? t : tf::cast(t, DType::kFloat32);
}

void assert_compatible(Output a, Output b) {
  if (!a.shape().compatible_with(b.shape()))
    raise(ErrorCode::kValue, "Shapes ", tf::shape_str(a.shape()), " and ", tf::shape_str(b.shape()),
          " are incompatible");
}

// The float predictions and the labels cast to their dtype, checked compatible.
std::pair<Output, Output> predictions_and_labels(Graph& g, const Arg& labels_arg,
                                                 const Arg& predictions_arg) {
  Output predictions = float_tensor(g, predictions_arg);
  Output labels = tf::cast(labels_arg.tensor(g, std::nullopt), predictions.dtype());
  assert_compatible(predictions, labels);
  return {predictions, labels};
}

}  // namespace

const char* reduction_key(Reduction reduction) {
  for (const auto& r : kReductionKeys)
    if (r.reduction == reduction) return r.key;
  return "";
}

Reduction parse_reduction(const std::string& key) {
  for (const auto& r : kReductionKeys)
    if (key == r.key) return r.reduction;
  raise(ErrorCode::kValue, "Invalid Reduction Key ", key, ".");
}

Output compute_weighted_loss(Graph& g, const Arg& losses_arg, const Arg& weights_arg,
                             const std::string& name, const LossOptions& options) {
  NameScope scope(g, or_default(name, "weighted_loss"));
  Output losses = losses_arg.tensor(g, std::nullopt);
  const DType input_dtype = losses.dtype();
  losses = tf::cast(losses, DType::kFloat32);
  Output weights = tf::cast(weights_arg.tensor(g, std::nullopt), DType::kFloat32);
  const Shape& ws = weights.shape();
  const Shape& ls = losses.shape();
  if (ws.has_rank() && ls.has_rank() && ws.rank() > ls.rank())
    raise(ErrorCode::kValue, "weights can not be broadcast to values. values.rank=", ls.rank(),
          ". weights.rank=", ws.rank(), ".");
  Output weighted = tf::op("Mul", {losses, weights});
  Output loss = weighted;
  if (options.reduction != Reduction::kNone) {
    loss = tf::reduce("Sum", weighted, std::nullopt, false);
    switch (options.reduction) {
      case Reduction::kMean: {
        Output broadcast = tf::mul(tf::op("OnesLike", {losses}), weights);
        loss = safe_mean(loss, tf::reduce("Sum", broadcast, std::nullopt, false));
        break;
      }
      case Reduction::kSumByNonzeroWeights:
        loss = safe_mean(loss, num_present(g, losses, weights_arg));
        break;
      case Reduction::kSumOverBatchSize:
        loss = safe_mean(loss, num_elements(g, losses));
        break;
      default:
        break;
    }
  }
  loss = tf::cast(loss, input_dtype);
  if (options.loss_collection && !options.loss_collection->empty())
    g.add_to_collection(*options.loss_collection, loss);
  return loss;
}

Output mean_squared_error(Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights,
                          const std::string& name, const LossOptions& options) {
  NameScope scope(g, or_default(name, "mean_squared_error"));
  auto [p, l] = predictions_and_labels(g, labels, predictions);
  Output losses = tf::op("SquaredDifference", {p, l});
  return compute_weighted_loss(g, losses, weights, scope.scope(), options);
}

Output absolute_difference(Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights,
                           const std::string& name, const LossOptions& options) {
  NameScope scope(g, or_default(name, "absolute_difference"));
  auto [p, l] = predictions_and_labels(g, labels, predictions);
  Output losses = tf::op("Abs", {tf::op("Sub", {p, l})});
  return compute_weighted_loss(g, losses, weights, scope.scope(), options);
}

Output huber_loss(Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights,
                  const Arg& delta, const std::string& name, const LossOptions& options) {
  NameScope scope(g, or_default(name, "huber_loss"));
  auto [p, l] = predictions_and_labels(g, labels, predictions);
  Output error = tf::op("Sub", {p, l});
  Output abs_error = tf::op("Abs", {error});
  Output quadratic = tf::op("Minimum", {abs_error, delta.tensor(g, abs_error.dtype())});
  Output linear = tf::op("Sub", {abs_error, quadratic});
  Output squared = tf::op("Mul", {quadratic, quadratic});
  Output half = tf::k(squared, 0.5);
  Output quadratic_part = tf::op("Mul", {half, squared});
  Output delta_t = delta.tensor(g, linear.dtype());
  Output linear_part = tf::op("Mul", {delta_t, linear});
  Output losses = tf::op("Add", {quadratic_part, linear_part});
  return compute_weighted_loss(g, losses, weights, scope.scope(), options);
}

Output log_loss(Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights,
                const Arg& epsilon, const std::string& name, const LossOptions& options) {
  NameScope scope(g, or_default(name, "log_loss"));
  auto [p, l] = predictions_and_labels(g, labels, predictions);
  Output log_p = tf::op("Log", {tf::add(p, epsilon.tensor(g, p.dtype()))});
  Output positive = tf::neg(tf::op("Mul", {l, log_p}));
  Output one_minus_l = tf::sub(1.0, l);
  Output one_minus_p = tf::sub(1.0, p);
  Output log_q = tf::op("Log", {tf::add(one_minus_p, epsilon.tensor(g, p.dtype()))});
  Output negative = tf::op("Mul", {one_minus_l, log_q});
  Output losses = tf::sub(positive, negative);
  return compute_weighted_loss(g, losses, weights, scope.scope(), options);
}

Output smooth_onehot_labels(Graph& g, Output labels, double label_smoothing) {
  const Shape& shape = labels.shape();
  Output num_classes;
  if (shape.has_rank() && shape.rank() > 0 && shape.dim(shape.rank() - 1) >= 0) {
    num_classes = tf::k(labels, static_cast<double>(shape.dim(shape.rank() - 1)));
  } else {
    Output dims = tf::op("Shape", {labels}, "", {{"out_type", DType::kInt32}});
    if (!shape.has_rank())
      raise(ErrorCode::kValue, "Cannot infer num from shape ", tf::shape_str(dims.shape()));
    Node* unstack = ops::add_op(g, "Unpack", {dims},
                                {{"axis", int64_t{0}}, {"num", int64_t{shape.rank()}}}, "unstack");
    num_classes = tf::cast(unstack->output(shape.rank() - 1), labels.dtype());
  }
  Output negatives = tf::truediv(label_smoothing, num_classes);
  return tf::add(tf::mul(labels, 1.0 - label_smoothing), negatives);
}

Output softmax_cross_entropy(Graph& g, const Arg& onehot_labels_arg, const Arg& logits_arg,
                             const Arg& weights, double label_smoothing, const std::string& name,
                             const LossOptions& options) {
  NameScope scope(g, or_default(name, "softmax_cross_entropy_loss"));
  Output logits = logits_arg.tensor(g, std::nullopt);
  Output labels = tf::cast(onehot_labels_arg.tensor(g, std::nullopt), logits.dtype());
  assert_compatible(logits, labels);
  if (label_smoothing > 0) labels = smooth_onehot_labels(g, labels, label_smoothing);
  labels = tf::op("StopGradient", {labels}, "labels_stop_gradient");
  Output losses = softmax_cross_entropy_with_logits(g, labels, logits, -1, "xentropy");
  return compute_weighted_loss(g, losses, weights, scope.scope(), options);
}

Output sigmoid_cross_entropy(Graph& g, const Arg& multi_class_labels, const Arg& logits_arg,
                             const Arg& weights, double label_smoothing, const std::string& name,
                             const LossOptions& options) {
  NameScope scope(g, or_default(name, "sigmoid_cross_entropy_loss"));
  Output logits = logits_arg.tensor(g, std::nullopt);
  Output labels = tf::cast(multi_class_labels.tensor(g, std::nullopt), logits.dtype());
  assert_compatible(logits, labels);
  if (label_smoothing > 0) {
    Output kept = tf::mul(labels, 1 - label_smoothing);
    labels = tf::add(kept, 0.5 * label_smoothing);
  }
  Output losses = sigmoid_cross_entropy_with_logits(g, labels, logits, "xentropy");
  return compute_weighted_loss(g, losses, weights, scope.scope(), options);
}

namespace {

std::vector<Output> tensors_of(Graph& g, const std::string& key, const std::string& scope) {
  std::vector<Output> tensors;
  for (const CollectionItem& item : g.get_collection(key, scope))
    if (const Output* t = std::get_if<Output>(&item)) tensors.push_back(*t);
  return tensors;
}

// tf.add_n as TF1's Python builds it: an Identity for one tensor.
Output sum_of(const std::vector<Output>& tensors, const std::string& name) {
  VF_CHECK(!tensors.empty(), ErrorCode::kValue,
           "inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and "
           "shape");
  if (tensors.size() == 1) return tf::op("Identity", tensors, name);
  return ops::add_n(tensors, name.empty() ? "AddN" : name);
}

}  // namespace

std::vector<Output> get_losses(Graph& g, const std::string& scope,
                               const std::string& loss_collection) {
  return tensors_of(g, loss_collection, scope);
}

std::vector<Output> get_regularization_losses(Graph& g, const std::string& scope) {
  return tensors_of(g, graph_keys::kRegularizationLosses, scope);
}

Output get_regularization_loss(Graph& g, const std::string& scope, const std::string& name) {
  std::vector<Output> losses = get_regularization_losses(g, scope);
  if (losses.empty()) return ops::constant(g, Tensor::scalar<float>(0.0f), "Const");
  return sum_of(losses, name);
}

Output get_total_loss(Graph& g, bool add_regularization_losses, const std::string& name,
                      const std::string& scope) {
  std::vector<Output> losses = get_losses(g, scope);
  if (add_regularization_losses)
    for (Output t : get_regularization_losses(g, scope)) losses.push_back(t);
  return sum_of(losses, name);
}

}  // namespace varflow::train
