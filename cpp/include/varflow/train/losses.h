// tf.losses (TF1's ops/losses/losses_impl.py): per-element losses, weighted and reduced by a
// Reduction, the result added to a loss collection (LOSSES by default). As in TF1 the weighting
// and reduction run in float32 and the result is cast back to the losses' dtype. Each loss
// opens the scope `name` (default TF1's: "mean_squared_error", ...) and names its nodes as TF1.
// Graph-building errors throw kValue (incompatible shapes, weights of higher rank).
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

enum class Reduction {
  kNone,                 // "none": the weighted losses themselves
  kSum,                  // "weighted_sum"
  kMean,                 // "weighted_mean": sum / sum of the broadcast weights
  kSumOverBatchSize,     // "weighted_sum_over_batch_size": sum / number of elements
  kSumByNonzeroWeights,  // "weighted_sum_by_nonzero_weights" (TF1's default; also
                         // SUM_OVER_NONZERO_WEIGHTS): sum / number of non-zero weights
};
// TF1's key of a Reduction, and back (kValue "Invalid Reduction Key <key>.").
const char* reduction_key(Reduction reduction);
Reduction parse_reduction(const std::string& key);

// Where a loss goes: a collection key, or nullopt (none).
struct LossOptions {
  std::optional<std::string> loss_collection = "losses";
  Reduction reduction = Reduction::kSumByNonzeroWeights;
};

// Weights `losses` (weights broadcast against them, of rank <= theirs) and reduces them.
// Divisions by a zero count give 0. A nonzero numeric weight counts every element as present.
// Default scope "weighted_loss".
Output compute_weighted_loss(Graph& graph, const Arg& losses, const Arg& weights = 1.0,
                             const std::string& name = "", const LossOptions& options = {});
// (predictions - labels)^2.
Output mean_squared_error(Graph& graph, const Arg& labels, const Arg& predictions,
                          const Arg& weights = 1.0, const std::string& name = "",
                          const LossOptions& options = {});
// |predictions - labels|.
Output absolute_difference(Graph& graph, const Arg& labels, const Arg& predictions,
                           const Arg& weights = 1.0, const std::string& name = "",
                           const LossOptions& options = {});
// 0.5 * min(|e|, delta)^2 + delta * (|e| - min(|e|, delta)), e = predictions - labels.
Output huber_loss(Graph& graph, const Arg& labels, const Arg& predictions, const Arg& weights = 1.0,
                  const Arg& delta = 1.0, const std::string& name = "",
                  const LossOptions& options = {});
// -labels * log(predictions + epsilon) - (1 - labels) * log(1 - predictions + epsilon).
Output log_loss(Graph& graph, const Arg& labels, const Arg& predictions, const Arg& weights = 1.0,
                const Arg& epsilon = 1e-7, const std::string& name = "",
                const LossOptions& options = {});
// softmax_cross_entropy's label smoothing: onehot_labels * (1 - s) + s / num_classes, with
// num_classes the last dimension (read at run time when it is unknown; kValue when even the
// rank is). The Python softmax losses apply it before tf.nn's softmax cross entropy.
Output smooth_onehot_labels(Graph& graph, Output onehot_labels, double label_smoothing);
// tf.losses.softmax_cross_entropy: softmax_cross_entropy_with_logits "xentropy" of the logits
// and the one-hot labels (cast to the logits' dtype, smoothed towards 1 / num_classes by
// label_smoothing, gradient stopped as "labels_stop_gradient"), weighted and reduced. kValue
// when the shapes are incompatible. Default scope "softmax_cross_entropy_loss".
Output softmax_cross_entropy(Graph& graph, const Arg& onehot_labels, const Arg& logits,
                             const Arg& weights = 1.0, double label_smoothing = 0,
                             const std::string& name = "", const LossOptions& options = {});
// sigmoid_cross_entropy_with_logits against labels smoothed towards 0.5 by label_smoothing.
Output sigmoid_cross_entropy(Graph& graph, const Arg& multi_class_labels, const Arg& logits,
                             const Arg& weights = 1.0, double label_smoothing = 0,
                             const std::string& name = "", const LossOptions& options = {});

// tf.losses.get_losses: the tensors of `loss_collection` whose names match `scope` (a regular
// expression matched from the start, Graph::get_collection; empty: all), in the order added.
std::vector<Output> get_losses(Graph& graph, const std::string& scope = "",
                               const std::string& loss_collection = graph_keys::kLosses);
// tf.losses.get_regularization_losses: get_losses of REGULARIZATION_LOSSES.
std::vector<Output> get_regularization_losses(Graph& graph, const std::string& scope = "");
// tf.losses.get_regularization_loss: the sum of the regularization losses (AddN `name`, an
// Identity for one), or a float32 Const 0.0 when there are none.
Output get_regularization_loss(Graph& graph, const std::string& scope = "",
                               const std::string& name = "total_regularization_loss");
// tf.losses.get_total_loss: the sum (AddN `name`, an Identity for one) of the losses and, with
// add_regularization_losses, the regularization losses, both filtered by `scope`. kValue when
// there is nothing to sum.
Output get_total_loss(Graph& graph, bool add_regularization_losses = true,
                      const std::string& name = "total_loss", const std::string& scope = "");

}  // namespace varflow::train
