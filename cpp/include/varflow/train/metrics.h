// tf.metrics (TF1's ops/metrics_impl.py): streaming metrics, each a (value, update_op) pair.
//
// A metric keeps its running sums in metric variables: zero-initialised, non-trainable, in
// LOCAL_VARIABLES and METRIC_VARIABLES (so local_variables_initializer resets them), named as
// TF1 names them ("accuracy/total", "accuracy/count", ...). Running update_op adds a batch and
// returns the metric over every batch so far; value reads it without adding anything.
//
// Inputs are Args (varflow/train/arg.h), converted where TF1 converts them so that nodes are
// built in TF1's order. As in TF1, a trailing size-1 dimension is squeezed off predictions or
// labels whose ranks differ by one, and weights are fitted to the predictions' rank the same
// way; where a rank is unknown at graph-build time that is decided at run time with tf.cond
// (varflow/control_flow.h). Each metric opens its variable scope (MetricOptions) and adds its
// value and update_op to MetricOptions' collections.
//
// Errors (kValue, TF1's ValueError messages): "Shapes (2,) and (3,) are incompatible" for
// predictions and labels that cannot match, and those listed with each function.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"
#include "varflow/variable.h"

namespace varflow::train {

// TF1's GraphKeys.METRIC_VARIABLES.
inline constexpr const char* kMetricVariables = "metric_variables";

// A metric: its current value, and the op that adds a batch and returns the updated value.
struct Metric {
  Output value;
  Output update_op;
};

// Opens a metric's variable scope: called with the scope name (empty: none given) and the
// metric's default name where TF1 enters `tf.variable_scope(name, default_name)`; returns the
// full name scope it opened ("outer/accuracy/"), which the metric re-enters. The Python API
// passes one that enters its tf.variable_scope (and leaves it again).
using MetricScopeFn =
    std::function<std::string(const std::string& name, const std::string& default_name)>;

struct MetricOptions {
  std::vector<std::string> metrics_collections;  // the value goes into each
  std::vector<std::string> updates_collections;  // the update_op goes into each
  // The metric's scope (default the metric's TF1 name, "accuracy", ...), made unique as
  // tf.name_scope does, unless open_scope opens it.
  std::string name;
  MetricScopeFn open_scope;
};

// A zero-initialised (tf.zeros "zeros"), non-trainable variable `name` of `shape` in
// LOCAL_VARIABLES and METRIC_VARIABLES: TF1's metric_variable. A name ending in "/" is taken
// verbatim (the top-k metrics name theirs after their scope). kValue for a negative dimension.
Variable metric_variable(Graph& graph, const Dims& shape, DType dtype, const std::string& name,
                         bool validate_shape = true);

// TF1's confusion_matrix.remove_squeezable_dimensions, in the scope `name` (default
// "remove_squeezable_dimensions"): squeezes the last dimension off predictions (or labels)
// when rank(predictions) - rank(labels) is expected_rank_diff + 1 (or - 1) and that dimension
// may be 1; a tf.cond on the run-time ranks when either rank is unknown. Returns (labels,
// predictions).
std::pair<Output, Output> remove_squeezable_dimensions(Graph& graph, const Arg& labels,
                                                       const Arg& predictions,
                                                       int64_t expected_rank_diff = 0,
                                                       const std::string& name = "");

// tf.metrics.mean: total / count of float32 values (weighted: sum(values * weights) /
// sum(weights)), 0 while count is 0. Variables "mean/total", "mean/count"; value "value",
// update_op "update_op". Weights of rank 0 or of the values' rank (+-1 squeezed or expanded)
// broadcast against them.
Metric mean(Graph& graph, const Arg& values, const std::optional<Arg>& weights = std::nullopt,
            const MetricOptions& options = {});
// tf.metrics.accuracy: the mean of predictions == labels (predictions cast to the labels'
// dtype), scope "accuracy".
Metric accuracy(Graph& graph, const Arg& labels, const Arg& predictions,
                const std::optional<Arg>& weights = std::nullopt,
                const MetricOptions& options = {});
// tf.metrics.mean_absolute_error: the mean of |predictions - labels|.
Metric mean_absolute_error(Graph& graph, const Arg& labels, const Arg& predictions,
                           const std::optional<Arg>& weights = std::nullopt,
                           const MetricOptions& options = {});
// tf.metrics.mean_squared_error: the mean of (labels - predictions)^2.
Metric mean_squared_error(Graph& graph, const Arg& labels, const Arg& predictions,
                          const std::optional<Arg>& weights = std::nullopt,
                          const MetricOptions& options = {});
// tf.metrics.root_mean_squared_error: Sqrt of mean_squared_error in the scope
// "root_mean_squared_error".
Metric root_mean_squared_error(Graph& graph, const Arg& labels, const Arg& predictions,
                               const std::optional<Arg>& weights = std::nullopt,
                               const MetricOptions& options = {});
// tf.metrics.mean_tensor: the element-wise mean (variables "total_tensor", "count_tensor" of
// the values' shape). kValue "tf.metrics.mean_tensor needs a fully defined shape for its
// values, got (?,)" when the values' shape is not fully defined.
Metric mean_tensor(Graph& graph, const Arg& values,
                   const std::optional<Arg>& weights = std::nullopt,
                   const MetricOptions& options = {});
// tf.metrics.percentage_below: the mean of values < threshold (threshold converted to the
// values' dtype), scope "percentage_below_threshold".
Metric percentage_below(Graph& graph, const Arg& values, const Arg& threshold,
                        const std::optional<Arg>& weights = std::nullopt,
                        const MetricOptions& options = {});
// tf.metrics.mean_relative_error: the mean of |labels - predictions| / normalizer, 0 where
// the normalizer is 0.
Metric mean_relative_error(Graph& graph, const Arg& labels, const Arg& predictions,
                           const Arg& normalizer, const std::optional<Arg>& weights = std::nullopt,
                           const MetricOptions& options = {});
// tf.metrics.mean_cosine_distance: 1 - the mean of sum(labels * predictions, dim) (inputs
// assumed unit-normalised); the subtractions are built outside the metric's scope, as TF1.
Metric mean_cosine_distance(Graph& graph, const Arg& labels, const Arg& predictions, int64_t dim,
                            const std::optional<Arg>& weights = std::nullopt,
                            const MetricOptions& options = {});

// The outcomes the counting metrics count (labels and predictions cast to bool).
enum class Outcome { kTruePositives, kFalsePositives, kTrueNegatives, kFalseNegatives };
// TF1's name of an outcome ("true_positives", ...).
const char* outcome_name(Outcome outcome);
// tf.metrics.true_positives / false_positives / true_negatives / false_negatives: the running
// (weighted) count of the outcome, variable "<outcome>/count"; value an Identity of it,
// update_op its AssignAdd. kValue "weights '<name>' must have rank 0 or <r> (the rank of the
// values), not <w>" for weights of another known rank.
Metric count_outcome(Graph& graph, Outcome outcome, const Arg& labels, const Arg& predictions,
                     const std::optional<Arg>& weights = std::nullopt,
                     const MetricOptions& options = {});
// tf.metrics.precision: tp / (tp + fp), 0 while there is no positive prediction; tp and fp
// are nested true_positives / false_positives metrics ("precision/true_positives/count").
Metric precision(Graph& graph, const Arg& labels, const Arg& predictions,
                 const std::optional<Arg>& weights = std::nullopt,
                 const MetricOptions& options = {});
// tf.metrics.recall: tp / (tp + fn), 0 while there is no positive label.
Metric recall(Graph& graph, const Arg& labels, const Arg& predictions,
              const std::optional<Arg>& weights = std::nullopt, const MetricOptions& options = {});

// --- at thresholds (metrics_thresholds.cc) ---------------------------------------------------
// A prediction is positive at a threshold when it is greater than it. Predictions are cast to
// float32 and labels to bool; predictions of another dtype than float32 are first checked to be
// in [0, 1] by run-time Asserts (assert_greater_equal / assert_less_equal, "predictions must be
// in [0, 1]"), as TF1 does. The running counts are float32 variables of [len(thresholds)]
// named "true_positives", "false_negatives", "true_negatives", "false_positives" in the
// metric's scope.

// tf.metrics.true_positives_at_thresholds (and the other outcomes): the counts per threshold,
// value an Identity of the variable, update_op its AssignAdd. Default scope the outcome's name.
Metric count_outcome_at_thresholds(Graph& graph, Outcome outcome, const Arg& labels,
                                   const Arg& predictions, const std::vector<double>& thresholds,
                                   const std::optional<Arg>& weights = std::nullopt,
                                   const MetricOptions& options = {});
// tf.metrics.precision_at_thresholds: tp / (1e-7 + tp + fp) per threshold ("precision_value",
// "precision_update_op"), scope "precision_at_thresholds".
Metric precision_at_thresholds(Graph& graph, const Arg& labels, const Arg& predictions,
                               const std::vector<double>& thresholds,
                               const std::optional<Arg>& weights = std::nullopt,
                               const MetricOptions& options = {});
// tf.metrics.recall_at_thresholds: tp / (1e-7 + tp + fn) per threshold, scope
// "recall_at_thresholds".
Metric recall_at_thresholds(Graph& graph, const Arg& labels, const Arg& predictions,
                            const std::vector<double>& thresholds,
                            const std::optional<Arg>& weights = std::nullopt,
                            const MetricOptions& options = {});

// tf.metrics.auc: the area under the ROC curve (curve "ROC") or the precision-recall curve
// ("PR") by a Riemann sum over num_thresholds thresholds (evenly spaced in (0, 1), plus -1e-7
// and 1 + 1e-7; or the sorted `thresholds` between those two). summation_method is
// "trapezoidal", "minoring", "majoring" or, for PR, "careful_interpolation" (TF1's interpolated
// PR-AUC; for ROC the same as trapezoidal). Scope "auc". kValue "curve must be either ROC or
// PR, <curve> unknown" and "Invalid summation_method: <method>". (TF1 also logs a warning for
// PR with trapezoidal; the Python API does.)
Metric auc(Graph& graph, const Arg& labels, const Arg& predictions,
           const std::optional<Arg>& weights = std::nullopt, int64_t num_thresholds = 200,
           const MetricOptions& options = {}, const std::string& curve = "ROC",
           const std::string& summation_method = "trapezoidal",
           const std::optional<std::vector<double>>& thresholds = std::nullopt);
// tf.metrics.sensitivity_at_specificity: the sensitivity tp / (tp + fn + 1e-7) at the
// threshold whose specificity is closest to `specificity` (the first such). kValue
// "`specificity` must be in the range [0, 1]. Currently, `specificity` got <x>." outside
// [0, 1]. Scope "sensitivity_at_specificity".
Metric sensitivity_at_specificity(Graph& graph, const Arg& labels, const Arg& predictions,
                                  double specificity,
                                  const std::optional<Arg>& weights = std::nullopt,
                                  int64_t num_thresholds = 200, const MetricOptions& options = {});
// tf.metrics.specificity_at_sensitivity: the specificity tn / (tn + fp + 1e-7) at the last
// threshold whose sensitivity is closest to `sensitivity`. kValue as above for `sensitivity`.
// Scope "specificity_at_sensitivity".
Metric specificity_at_sensitivity(Graph& graph, const Arg& labels, const Arg& predictions,
                                  double sensitivity,
                                  const std::optional<Arg>& weights = std::nullopt,
                                  int64_t num_thresholds = 200, const MetricOptions& options = {});

// --- over class ids (metrics_classes.cc) -----------------------------------------------------
// Class ids are cast to int64 and checked at run time to lie in [0, num_classes) (Asserts
// assert_non_negative "`labels` contains negative values" and assert_less "`labels` out of
// bound", the same for `predictions`), as TF1's confusion_matrix does.

// tf.confusion_matrix with num_classes given: rows the labels, columns the predictions,
// weighted by `weights` (of the predictions' shape), cast to `dtype`, in the scope `name`
// (default "confusion_matrix"). Labels and predictions are squeezed by
// remove_squeezable_dimensions.
Output confusion_matrix(Graph& graph, const Arg& labels, const Arg& predictions,
                        int64_t num_classes, DType dtype = DType::kInt32,
                        const std::string& name = "",
                        const std::optional<Arg>& weights = std::nullopt);
// tf.metrics.mean_iou: the mean over classes that occur of tp / (tp + fp + fn), from a
// float64 variable "total_confusion_matrix" of [num_classes, num_classes]; inputs of rank > 1
// are flattened. update_op is the AssignAdd of the batch's confusion matrix. Scope "mean_iou".
Metric mean_iou(Graph& graph, const Arg& labels, const Arg& predictions, int64_t num_classes,
                const std::optional<Arg>& weights = std::nullopt,
                const MetricOptions& options = {});
// tf.metrics.mean_per_class_accuracy: the mean over classes of correct / seen (0 for a class
// never seen), from float32 variables "total" and "count" of [num_classes]. Scope
// "mean_accuracy".
Metric mean_per_class_accuracy(Graph& graph, const Arg& labels, const Arg& predictions,
                               int64_t num_classes,
                               const std::optional<Arg>& weights = std::nullopt,
                               const MetricOptions& options = {});

// --- top k (metrics_topk.cc) -------------------------------------------------------------------
// TF1 counts per row the sizes of set operations (tf.sets) between the top-k class ids and the
// row's labels: true positives are the ids in both, false positives the predicted ids not
// among the labels, false negatives the labels not predicted; repeated ids count once. Here
// the same counts come from dense comparisons (each row's labels a padded id matrix with a
// validity mask). The running sums are float64 variables named after their scopes
// ("precision_at_5/true_positive_at_5", "average_precision_at_5/total", ...). Unlike the other
// metrics these open a name scope (TF1's), not a variable scope: MetricOptions::open_scope is
// not used. Weights of another rank than the counts are checked at run time
// (assert_broadcastable, "weights can not be broadcast to values.").

// The labels of a top-k metric: a dense id tensor ([D1, ... DN, num_labels] or [D1, ... DN]),
// or a SparseTensor's (indices, values, dense_shape), built where TF1 converts it.
struct TopKLabels {
  TopKLabels(const Arg& ids) : dense(ids) {}   // NOLINT: a dense tensor converts implicitly
  TopKLabels(Output ids) : dense(Arg(ids)) {}  // NOLINT
  explicit TopKLabels(std::function<std::array<Output, 3>()> sparse_parts)
      : sparse(std::move(sparse_parts)) {}
  std::optional<Arg> dense;
  std::function<std::array<Output, 3>()> sparse;
};

// tf.metrics.precision_at_top_k: tp / (tp + fp) of the predicted ids (the last dimension of
// predictions_idx) against the labels; with class_id only that class counts. Scope
// "precision_at_<k>[_class<id>]" ("precision_at_k" without k). kValue "Unexpected labels shape
// ..." for labels whose rank is neither the predictions' nor one less.
Metric precision_at_top_k(Graph& graph, const TopKLabels& labels, const Arg& predictions_idx,
                          std::optional<int64_t> k = std::nullopt,
                          std::optional<int64_t> class_id = std::nullopt,
                          const std::optional<Arg>& weights = std::nullopt,
                          const MetricOptions& options = {});
// tf.metrics.recall_at_top_k: tp / (tp + fn), scope "recall_at_<k>[_class<id>]".
Metric recall_at_top_k(Graph& graph, const TopKLabels& labels, const Arg& predictions_idx,
                       std::optional<int64_t> k = std::nullopt,
                       std::optional<int64_t> class_id = std::nullopt,
                       const std::optional<Arg>& weights = std::nullopt,
                       const MetricOptions& options = {});
// tf.metrics.precision_at_k: precision_at_top_k of the top-k ids of `predictions` (TopKV2).
Metric precision_at_k(Graph& graph, const TopKLabels& labels, const Arg& predictions, int64_t k,
                      std::optional<int64_t> class_id = std::nullopt,
                      const std::optional<Arg>& weights = std::nullopt,
                      const MetricOptions& options = {});
// tf.metrics.recall_at_k: recall_at_top_k of the top-k ids of `predictions`.
Metric recall_at_k(Graph& graph, const TopKLabels& labels, const Arg& predictions, int64_t k,
                   std::optional<int64_t> class_id = std::nullopt,
                   const std::optional<Arg>& weights = std::nullopt,
                   const MetricOptions& options = {});
// tf.metrics.average_precision_at_k: the mean over rows of each row's average precision of
// its top-k predictions (label ids >= the number of classes become -1 first; a row without
// labels gives NaN, as in TF1); variables "average_precision_at_<k>/max_1" (TF1's name: the
// labels' Max op took "max", case-blind) and ".../total".
// kValue "Invalid k=<k>. `k` should be >= 1." for k < 1.
Metric average_precision_at_k(Graph& graph, const TopKLabels& labels, const Arg& predictions,
                              int64_t k, const std::optional<Arg>& weights = std::nullopt,
                              const MetricOptions& options = {});

}  // namespace varflow::train
