// tf.metrics over class ids (varflow/train/metrics.h): confusion_matrix, mean_iou and
// mean_per_class_accuracy, node for node as TF1's metrics_impl.py and confusion_matrix.py.
#include <tuple>

#include "train/metrics_util.h"
#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/metrics.h"

namespace varflow::train {

using metrics_util::collect;
using metrics_util::div_no_nan;
using metrics_util::scope_name;

namespace {

bool rank_may_exceed_one(const Shape& s) { return !s.has_rank() || s.rank() > 1; }

Output flat(Output x) {
  Output shape = ops::constant(x.graph(), Tensor::from_vector<int32_t>({-1}, {1}), "Const");
  return tf::op("Reshape", {x, shape});
}

Output flat_if_needed(Output x) { return rank_may_exceed_one(x.shape()) ? flat(x) : x; }

// tf.one_hot(ids, depth, dtype=dtype): a "one_hot" scope of on/off values and the depth.
Output one_hot(Output ids, int64_t depth, DType dtype) {
  Graph& g = ids.graph();
  NameScope scope(g, "one_hot");
  Output on = ops::constant(g, Tensor::scalar<double>(1).cast(dtype), "on_value");
  Output off = ops::constant(g, Tensor::scalar<double>(0).cast(dtype), "off_value");
  Output d = ops::scalar<int32_t>(g, static_cast<int32_t>(depth), "Const");
  return ops::op(g, "OneHot", {ids, d, on, off}, {{"axis", int64_t{-1}}}, scope.scope());
}

// Class ids in [0, num_classes), checked at run time as TF1's confusion_matrix does.
Output checked_ids(Output ids, int64_t num_classes, const std::string& what) {
  const double n = static_cast<double>(num_classes);
  return metrics_util::checked(
      ids, {{"assert_non_negative", "LessEqual", ">= 0", std::nullopt, DType::kInt32,
             "`" + what + "` contains negative values"},
            {"assert_less", "Less", "<", n, DType::kInt32, "`" + what + "` out of bound"}});
}

}  // namespace

Output confusion_matrix(Graph& g, const Arg& labels_arg, const Arg& predictions_arg,
                        int64_t num_classes, DType dtype, const std::string& name,
                        const std::optional<Arg>& weights) {
  NameScope scope(g, name.empty() ? "confusion_matrix" : name);
  Output labels = labels_arg.tensor(g, std::nullopt, "labels");
  Output predictions = predictions_arg.tensor(g, std::nullopt, "predictions");
  std::tie(labels, predictions) = remove_squeezable_dimensions(g, labels, predictions);
  labels = tf::cast(labels, DType::kInt64);
  predictions = tf::cast(predictions, DType::kInt64);
  // TF1's sanity checks: a class id outside [0, num_classes) fails the run instead of being
  // dropped from the matrix.
  labels = checked_ids(labels, num_classes, "labels");
  predictions = checked_ids(predictions, num_classes, "predictions");
  Output labels_oh = one_hot(labels, num_classes, DType::kFloat64);
  Output predictions_oh = one_hot(predictions, num_classes, DType::kFloat64);
  if (weights) {
    Output w = tf::cast(weights->tensor(g, std::nullopt, "weights"), DType::kFloat64);
    Output axis = ops::scalar<int32_t>(g, -1, "Const");
    labels_oh = tf::op("Mul", {labels_oh, tf::op("ExpandDims", {w, axis})});
  }
  Output counts = ops::matmul(labels_oh, predictions_oh, true, false, "MatMul");
  return tf::cast(counts, dtype);
}

Metric mean_iou(Graph& g, const Arg& labels_arg, const Arg& predictions_arg, int64_t num_classes,
                const std::optional<Arg>& weights_arg, const MetricOptions& options) {
  NameScope scope(g, scope_name(options, options.name, "mean_iou"));
  Output predictions = predictions_arg.tensor(g, std::nullopt);
  Output labels = labels_arg.tensor(g, std::nullopt);
  metrics_util::assert_compatible(predictions.shape(), labels.shape());
  Variable total_cm =
      metric_variable(g, {num_classes, num_classes}, DType::kFloat64, "total_confusion_matrix");
  predictions = flat_if_needed(tf::cast(predictions, DType::kInt64));
  labels = flat_if_needed(tf::cast(labels, DType::kInt64));
  std::optional<Arg> weights;
  if (weights_arg) weights = flat_if_needed(weights_arg->tensor(g, std::nullopt));
  Output current_cm =
      confusion_matrix(g, labels, predictions, num_classes, DType::kFloat64, "", weights);
  Output update = total_cm.assign_add(current_cm);

  auto sum_over = [&](Output x, int32_t axis) {
    Output a = ops::scalar<int32_t>(g, axis, "Const");
    return tf::cast(tf::reduce("Sum", x, a, false), DType::kFloat32);
  };
  Output cm = total_cm.value();
  Output sum_over_row = sum_over(cm, 0);
  Output sum_over_col = sum_over(cm, 1);
  Tensor eye = Tensor::zeros(DType::kFloat64, {num_classes, num_classes});
  for (int64_t i = 0; i < num_classes; ++i) eye.data<double>()[i * num_classes + i] = 1.0;
  Output diagonal = tf::op("Mul", {cm, ops::constant(g, eye, "Const")});
  Output cm_diag = sum_over(diagonal, 1);
  Output denominator = tf::sub(tf::add(sum_over_row, sum_over_col), cm_diag);
  Output nonzero = tf::op("NotEqual", {denominator, tf::k(denominator, 0.0)});
  Output num_valid_entries =
      tf::reduce("Sum", tf::cast(nonzero, DType::kFloat32), std::nullopt, false);
  Output positive = tf::op("Greater", {denominator, tf::k(denominator, 0.0)});
  denominator = tf::op("Select", {positive, denominator, tf::op("OnesLike", {denominator})});
  Output iou = tf::op("Div", {cm_diag, denominator});
  Output iou_sum = tf::reduce("Sum", iou, std::nullopt, false, "mean_iou");
  Output value = div_no_nan(iou_sum, num_valid_entries);
  collect(g, options.metrics_collections, value);
  collect(g, options.updates_collections, update);
  return {value, update};
}

Metric mean_per_class_accuracy(Graph& g, const Arg& labels_arg, const Arg& predictions_arg,
                               int64_t num_classes, const std::optional<Arg>& weights_arg,
                               const MetricOptions& options) {
  NameScope scope(g, scope_name(options, options.name, "mean_accuracy"));
  Output labels = tf::cast(labels_arg.tensor(g, std::nullopt), DType::kInt64);
  Output predictions = predictions_arg.tensor(g, std::nullopt);
  labels = flat_if_needed(labels);
  predictions = flat_if_needed(predictions);
  metrics_util::assert_compatible(predictions.shape(), labels.shape());
  Variable total = metric_variable(g, {num_classes}, DType::kFloat32, "total");
  Variable count = metric_variable(g, {num_classes}, DType::kFloat32, "count");
  predictions = tf::cast(predictions, labels.dtype());
  Output is_correct = tf::cast(tf::op("Equal", {predictions, labels}), DType::kFloat32);
  Output ones = tf::op("OnesLike", {is_correct});
  if (weights_arg) {
    Output weights = flat_if_needed(weights_arg->tensor(g, std::nullopt));
    weights = tf::cast(weights, DType::kFloat32);
    is_correct = tf::mul(is_correct, weights);
    ones = tf::mul(ones, weights);
  }
  // TF1 scatter-adds into the rows named by the labels; a one-hot sum adds the same.
  Output rows = one_hot(labels, num_classes, DType::kFloat32);
  auto per_class = [&](Output x) {
    Output axis = ops::scalar<int32_t>(g, -1, "Const");
    Output spread = tf::mul(rows, tf::op("ExpandDims", {x, axis}));
    return tf::reduce("Sum", spread, ops::scalar<int32_t>(g, 0, "Const"), false);
  };
  Output update_total = total.assign_add(per_class(ones));
  Output update_count = count.assign_add(per_class(is_correct));
  auto at_least_zero = [](Output x) { return tf::op("Maximum", {x, tf::k(x, 0.0)}); };
  Output accuracies = div_no_nan(count.value(), at_least_zero(total.value()));
  Output value = tf::reduce("Mean", accuracies, std::nullopt, false, "mean_accuracy");
  collect(g, options.metrics_collections, value);
  Output update = div_no_nan(update_count, at_least_zero(update_total), "update_op");
  collect(g, options.updates_collections, update);
  return {value, update};
}

}  // namespace varflow::train
