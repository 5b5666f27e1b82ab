"""``tf.metrics``: TF1's streaming metrics (see ``varflow.metrics_impl``)."""

from __future__ import annotations

from varflow import metrics_impl as _impl
from varflow import metrics_topk as _topk

accuracy = _impl.graph_only(_impl.accuracy)
auc = _impl.graph_only(_impl.auc)
average_precision_at_k = _impl.graph_only(_topk.average_precision_at_k)
false_negatives = _impl.graph_only(_impl.false_negatives)
false_negatives_at_thresholds = _impl.graph_only(_impl.false_negatives_at_thresholds)
false_positives = _impl.graph_only(_impl.false_positives)
false_positives_at_thresholds = _impl.graph_only(_impl.false_positives_at_thresholds)
mean = _impl.graph_only(_impl.mean)
mean_absolute_error = _impl.graph_only(_impl.mean_absolute_error)
mean_cosine_distance = _impl.graph_only(_impl.mean_cosine_distance)
mean_iou = _impl.graph_only(_impl.mean_iou)
mean_per_class_accuracy = _impl.graph_only(_impl.mean_per_class_accuracy)
mean_relative_error = _impl.graph_only(_impl.mean_relative_error)
mean_squared_error = _impl.graph_only(_impl.mean_squared_error)
mean_tensor = _impl.graph_only(_impl.mean_tensor)
percentage_below = _impl.graph_only(_impl.percentage_below)
precision = _impl.graph_only(_impl.precision)
precision_at_k = _impl.graph_only(_topk.precision_at_k)
precision_at_thresholds = _impl.graph_only(_impl.precision_at_thresholds)
precision_at_top_k = _impl.graph_only(_topk.precision_at_top_k)
recall = _impl.graph_only(_impl.recall)
recall_at_k = _impl.graph_only(_topk.recall_at_k)
recall_at_thresholds = _impl.graph_only(_impl.recall_at_thresholds)
recall_at_top_k = _impl.graph_only(_topk.recall_at_top_k)
root_mean_squared_error = _impl.graph_only(_impl.root_mean_squared_error)
sensitivity_at_specificity = _impl.graph_only(_impl.sensitivity_at_specificity)
sparse_average_precision_at_k = _impl.graph_only(_topk.sparse_average_precision_at_k)
sparse_precision_at_k = _impl.graph_only(_topk.sparse_precision_at_k)
specificity_at_sensitivity = _impl.graph_only(_impl.specificity_at_sensitivity)
true_negatives = _impl.graph_only(_impl.true_negatives)
true_negatives_at_thresholds = _impl.graph_only(_impl.true_negatives_at_thresholds)
true_positives = _impl.graph_only(_impl.true_positives)
true_positives_at_thresholds = _impl.graph_only(_impl.true_positives_at_thresholds)


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "metrics")
        or f"module 'varflow.metrics' has no attribute '{name}'"
    )


__all__ = [
    "accuracy",
    "auc",
    "average_precision_at_k",
    "false_negatives",
    "false_negatives_at_thresholds",
    "false_positives",
    "false_positives_at_thresholds",
    "mean",
    "mean_absolute_error",
    "mean_cosine_distance",
    "mean_iou",
    "mean_per_class_accuracy",
    "mean_relative_error",
    "mean_squared_error",
    "mean_tensor",
    "percentage_below",
    "precision",
    "precision_at_k",
    "precision_at_thresholds",
    "precision_at_top_k",
    "recall",
    "recall_at_k",
    "recall_at_thresholds",
    "recall_at_top_k",
    "root_mean_squared_error",
    "sensitivity_at_specificity",
    "sparse_average_precision_at_k",
    "sparse_precision_at_k",
    "specificity_at_sensitivity",
    "true_negatives",
    "true_negatives_at_thresholds",
    "true_positives",
    "true_positives_at_thresholds",
]
