"""``tf.metrics``' top-k family: precision@k, recall@k and average precision@k, TF1's way.

TF1 (``tensorflow/python/ops/metrics_impl.py``) counts per row the sizes of set operations
between the top-k class ids and the row's labels (``tf.sets``): true positives are the ids in
both, false positives the predicted ids not among the labels, false negatives the labels not
predicted; repeated ids count once. Here the same counts come from dense comparisons: each row's
labels become a padded matrix with a validity mask (a ``SparseTensor``'s missing entries are
invalid), an id counts when it is valid and no earlier valid entry of its row holds the same id.
The running sums are float64 local variables named as TF's
(``precision_at_5/true_positive_at_5``, ``average_precision_at_5/total``, ...), in
LOCAL_VARIABLES and METRIC_VARIABLES. The graphs are built in C++ (``varflow/train/metrics.h``).
"""

from __future__ import annotations

from varflow import _core
from varflow.clip_ops import core_arg
from varflow.graph import core_callback
from varflow.metrics_impl import _call_core_metric
from varflow.sparse_tensor import SparseTensor, SparseTensorValue


def _labels(labels):
    """The C++ metrics' labels: a dense `_core.Arg`, or a callback building a SparseTensor's
    (indices, values, dense_shape) where TF1 converts it."""
    if isinstance(labels, (SparseTensor, SparseTensorValue)):

        def parts():
            value = labels
            if isinstance(value, SparseTensorValue):
                value = SparseTensor.from_value(value)
            return (value.indices._output, value.values._output, value.dense_shape._output)

        return None, core_callback(parts)
    return core_arg(labels), None


def _top_k_metric(core_fn, labels, args, weights, metrics_collections, updates_collections,
                  name):  # fmt: skip
    """Builds a top-k metric with the C++ function `core_fn`; returns (value, update_op)."""
    return _call_core_metric(
        core_fn, [*_labels(labels), *args], weights, (), metrics_collections,
        updates_collections, name,
    )  # fmt: skip


def precision_at_top_k(
    labels, predictions_idx, k=None, class_id=None, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes precision@k of top-k predictions with respect to sparse labels.

    Differs from `precision_at_k` in that predictions must be in the form of top `k` class
    indices, whereas `precision_at_k` expects logits.

    `precision_at_top_k` creates two local variables, `true_positive_at_<k>` and
    `false_positive_at_<k>`, that are used to compute the precision@k frequency. This
    frequency is ultimately returned as `precision_at_<k>`: an idempotent operation that
    simply divides `true_positive_at_<k>` by the total (`true_positive_at_<k>` +
    `false_positive_at_<k>`). Per row, the true positives are the predicted ids found among
    the labels and the false positives the others (each id counted once); `update_op` adds a
    batch's (weighted) counts to the variables and returns the precision.

    Args:
      labels: `int64` `Tensor` or `SparseTensor` with shape [D1, ... DN, num_labels] or
        [D1, ... DN], where the latter implies num_labels=1. N >= 1 and num_labels is the
        number of target classes for the associated prediction. Commonly, N=1 and `labels`
        has shape [batch_size, num_labels]. [D1, ... DN] must match `predictions_idx`.
      predictions_idx: Integer `Tensor` with shape [D1, ... DN, k] where N >= 1. Commonly,
        N=1 and predictions has shape [batch size, k]. The final dimension contains the top
        `k` predicted class indices. [D1, ... DN] must match `labels`.
      k: Integer, k for @k metric. Only used for the default op name.
      class_id: Integer class ID for which we want binary metrics. This should be in range
        [0, num_classes), where num_classes is the last dimension of `predictions`. If
        `class_id` is outside this range, the method returns NAN.
      weights: `Tensor` whose rank is either 0, or n-1, where n is the rank of `labels`. If
        the latter, it must be broadcastable to `labels` (i.e., all dimensions must be either
        `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      precision: Scalar `float64` `Tensor` with the value of `true_positives` divided by the
        sum of `true_positives` and `false_positives`.
      update_op: `Operation` that increments `true_positives` and `false_positives` variables
        appropriately, and whose value matches `precision`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `predictions`, or
        if either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _top_k_metric(
        _core.metric_precision_at_top_k, labels, [core_arg(predictions_idx), k, class_id],
        weights, metrics_collections, updates_collections, name,
    )  # fmt: skip


def recall_at_top_k(
    labels, predictions_idx, k=None, class_id=None, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes recall@k of top-k predictions with respect to sparse labels.

    Differs from `recall_at_k` in that predictions must be in the form of top `k` class
    indices, whereas `recall_at_k` expects logits.

    `recall_at_top_k` creates two local variables, `true_positive_at_<k>` and
    `false_negative_at_<k>`, that are used to compute the recall@k frequency. This frequency
    is ultimately returned as `recall_at_<k>`: an idempotent operation that simply divides
    `true_positive_at_<k>` by the total (`true_positive_at_<k>` + `false_negative_at_<k>`).
    Per row, the true positives are the labels found among the predicted ids and the false
    negatives the labels that are not (each id counted once, ids outside [0, num_classes)
    included); `update_op` adds a batch's (weighted) counts and returns the recall.

    Args:
      labels: `int64` `Tensor` or `SparseTensor` with shape [D1, ... DN, num_labels] or
        [D1, ... DN], where the latter implies num_labels=1. N >= 1 and num_labels is the
        number of target classes for the associated prediction. Commonly, N=1 and `labels`
        has shape [batch_size, num_labels]. [D1, ... DN] must match `predictions_idx`.
        Values should be in range [0, num_classes); values outside this range always count
        towards `false_negative_at_<k>`.
      predictions_idx: Integer `Tensor` with shape [D1, ... DN, k] where N >= 1. Commonly,
        N=1 and predictions has shape [batch size, k]. The final dimension contains the top
        `k` predicted class indices. [D1, ... DN] must match `labels`.
      k: Integer, k for @k metric. Only used for the default op name.
      class_id: Integer class ID for which we want binary metrics. This should be in range
        [0, num_classes), where num_classes is the last dimension of `predictions`. If
        class_id is outside this range, the method returns NAN.
      weights: `Tensor` whose rank is either 0, or n-1, where n is the rank of `labels`. If
        the latter, it must be broadcastable to `labels` (i.e., all dimensions must be either
        `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      recall: Scalar `float64` `Tensor` with the value of `true_positives` divided by the sum
        of `true_positives` and `false_negatives`.
      update_op: `Operation` that increments `true_positives` and `false_negatives` variables
        appropriately, and whose value matches `recall`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `predictions`, or
        if either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _top_k_metric(
        _core.metric_recall_at_top_k, labels, [core_arg(predictions_idx), k, class_id],
        weights, metrics_collections, updates_collections, name,
    )  # fmt: skip


def precision_at_k(
    labels, predictions, k, class_id=None, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes precision@k of the predictions with respect to sparse labels.

    If `class_id` is specified, we calculate precision by considering only the entries in
    the batch for which `class_id` is in the top-k highest `predictions`, and computing the
    fraction of them for which `class_id` is indeed a correct label. If `class_id` is not
    specified, we'll calculate precision as how often on average a class among the top-k
    classes with the highest predicted values of a batch entry is correct and can be found
    in the label for that entry.

    `precision_at_k` creates two local variables, `true_positive_at_<k>` and
    `false_positive_at_<k>`, that are used to compute the precision@k frequency. This
    frequency is ultimately returned as `precision_at_<k>`: an idempotent operation that
    simply divides `true_positive_at_<k>` by the total (`true_positive_at_<k>` +
    `false_positive_at_<k>`).

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `precision_at_<k>`. Internally,
    a `top_k` operation computes a `Tensor` indicating the top `k` `predictions`. Set
    operations applied to `top_k` and `labels` calculate the true positives and false
    positives weighted by `weights`. Then `update_op` increments `true_positive_at_<k>` and
    `false_positive_at_<k>` using these values.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: `int64` `Tensor` or `SparseTensor` with shape [D1, ... DN, num_labels] or
        [D1, ... DN], where the latter implies num_labels=1. N >= 1 and num_labels is the
        number of target classes for the associated prediction. Commonly, N=1 and `labels`
        has shape [batch_size, num_labels]. [D1, ... DN] must match `predictions`. Values
        should be in range [0, num_classes), where num_classes is the last dimension of
        `predictions`. Values outside this range are ignored.
      predictions: Float `Tensor` with shape [D1, ... DN, num_classes] where N >= 1.
        Commonly, N=1 and predictions has shape [batch size, num_classes]. The final
        dimension contains the logit values for each class. [D1, ... DN] must match
        `labels`.
      k: Integer, k for @k metric.
      class_id: Integer class ID for which we want binary metrics. This should be in range
        [0, num_classes], where num_classes is the last dimension of `predictions`. If
        `class_id` is outside this range, the method returns NAN.
      weights: `Tensor` whose rank is either 0, or n-1, where n is the rank of `labels`. If
        the latter, it must be broadcastable to `labels` (i.e., all dimensions must be either
        `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      precision: Scalar `float64` `Tensor` with the value of `true_positives` divided by the
        sum of `true_positives` and `false_positives`.
      update_op: `Operation` that increments `true_positives` and `false_positives` variables
        appropriately, and whose value matches `precision`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `predictions`, or
        if either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _top_k_metric(
        _core.metric_precision_at_k, labels, [core_arg(predictions), int(k), class_id], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def recall_at_k(
    labels, predictions, k, class_id=None, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes recall@k of the predictions with respect to sparse labels.

    If `class_id` is specified, we calculate recall by considering only the entries in the
    batch for which `class_id` is in the label, and computing the fraction of them for which
    `class_id` is in the top-k `predictions`. If `class_id` is not specified, we'll calculate
    recall as how often on average a class among the labels of a batch entry is in the
    top-k `predictions`.

    `recall_at_k` creates two local variables, `true_positive_at_<k>` and
    `false_negative_at_<k>`, that are used to compute the recall_at_k frequency. This
    frequency is ultimately returned as `recall_at_<k>`: an idempotent operation that
    simply divides `true_positive_at_<k>` by the total (`true_positive_at_<k>` +
    `false_negative_at_<k>`).

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `recall_at_<k>`. Internally, a
    `top_k` operation computes a `Tensor` indicating the top `k` `predictions`. Set
    operations applied to `top_k` and `labels` calculate the true positives and false
    negatives weighted by `weights`. Then `update_op` increments `true_positive_at_<k>` and
    `false_negative_at_<k>` using these values.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: `int64` `Tensor` or `SparseTensor` with shape [D1, ... DN, num_labels] or
        [D1, ... DN], where the latter implies num_labels=1. N >= 1 and num_labels is the
        number of target classes for the associated prediction. Commonly, N=1 and `labels`
        has shape [batch_size, num_labels]. [D1, ... DN] must match `predictions`. Values
        should be in range [0, num_classes), where num_classes is the last dimension of
        `predictions`. Values outside this range always count towards
        `false_negative_at_<k>`.
      predictions: Float `Tensor` with shape [D1, ... DN, num_classes] where N >= 1.
        Commonly, N=1 and predictions has shape [batch size, num_classes]. The final
        dimension contains the logit values for each class. [D1, ... DN] must match
        `labels`.
      k: Integer, k for @k metric.
      class_id: Integer class ID for which we want binary metrics. This should be in range
        [0, num_classes), where num_classes is the last dimension of `predictions`. If
        class_id is outside this range, the method returns NAN.
      weights: `Tensor` whose rank is either 0, or n-1, where n is the rank of `labels`. If
        the latter, it must be broadcastable to `labels` (i.e., all dimensions must be either
        `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      recall: Scalar `float64` `Tensor` with the value of `true_positives` divided by the sum
        of `true_positives` and `false_negatives`.
      update_op: `Operation` that increments `true_positives` and `false_negatives` variables
        appropriately, and whose value matches `recall`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `predictions`, or
        if either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _top_k_metric(
        _core.metric_recall_at_k, labels, [core_arg(predictions), int(k), class_id], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def sparse_precision_at_k(
    labels, predictions, k, class_id=None, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Renamed to `precision_at_k`, please use that method instead (TF1's deprecated alias).

    Args:
      labels: As for `precision_at_k`.
      predictions: As for `precision_at_k`.
      k: Integer, k for @k metric.
      class_id: Integer class ID for which we want binary metrics.
      weights: As for `precision_at_k`.
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      precision: Scalar `float64` `Tensor`, as `precision_at_k`'s.
      update_op: `Operation`, as `precision_at_k`'s.

    Raises:
      ValueError: As `precision_at_k`.
      RuntimeError: If eager execution is enabled.
    """
    return precision_at_k(
        labels, predictions, k, class_id, weights, metrics_collections, updates_collections,
        name,
    )  # fmt: skip


def average_precision_at_k(
    labels, predictions, k, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Computes average precision@k of predictions with respect to sparse labels.

    `average_precision_at_k` creates two local variables, `average_precision_at_<k>/total`
    and `average_precision_at_<k>/max`, that are used to compute the frequency. This
    frequency is ultimately returned as `average_precision_at_<k>`: an idempotent operation
    that simply divides `average_precision_at_<k>/total` by `average_precision_at_<k>/max`.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `precision_at_<k>`. Internally, a
    `top_k` operation computes a `Tensor` indicating the top `k` `predictions`. Set
    operations applied to `top_k` and `labels` calculate the true positives and false
    positives weighted by `weights`. Then `update_op` increments `true_positive_at_<k>` and
    `false_positive_at_<k>` using these values.

    The average precision of a row is the sum, over the ranks i <= k whose prediction is a
    label, of the precision of the first i predictions, divided by min(number of labels, k)
    (a `SparseTensor` row's distinct values, a dense row's non-negative entries; label ids
    >= num_classes become -1 first). A row without labels gives NaN, as in TF1.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: `int64` `Tensor` or `SparseTensor` with shape [D1, ... DN, num_labels] or
        [D1, ... DN], where the latter implies num_labels=1. N >= 1 and num_labels is the
        number of target classes for the associated prediction. Commonly, N=1 and `labels`
        has shape [batch_size, num_labels]. [D1, ... DN] must match `predictions`. Values
        should be in range [0, num_classes), where num_classes is the last dimension of
        `predictions`. Values outside this range are ignored.
      predictions: Float `Tensor` with shape [D1, ... DN, num_classes] where N >= 1.
        Commonly, N=1 and `predictions` has shape [batch size, num_classes]. The final
        dimension contains the logit values for each class. [D1, ... DN] must match
        `labels`.
      k: Integer, k for @k metric. This will calculate an average precision for range `[1,k]`,
        as documented above.
      weights: `Tensor` whose rank is either 0, or n-1, where n is the rank of `labels`. If
        the latter, it must be broadcastable to `labels` (i.e., all dimensions must be either
        `1`, or the same as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      mean_average_precision: Scalar `float64` `Tensor` with the mean average precision
        values.
      update: `Operation` that increments variables appropriately, and whose value matches
        `metric`.

    Raises:
      ValueError: if k is invalid.
      RuntimeError: If eager execution is enabled.
    """
    return _top_k_metric(
        _core.metric_average_precision_at_k, labels, [core_arg(predictions), int(k)], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def sparse_average_precision_at_k(
    labels, predictions, k, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Renamed to `average_precision_at_k`, please use that method instead (TF1's alias).

    Args:
      labels: As for `average_precision_at_k`.
      predictions: As for `average_precision_at_k`.
      k: Integer, k for @k metric.
      weights: As for `average_precision_at_k`.
      metrics_collections: An optional list of collections that values should be added to.
      updates_collections: An optional list of collections that updates should be added to.
      name: Name of new update operation, and namespace for other dependent ops.

    Returns:
      mean_average_precision: Scalar `float64` `Tensor`, as `average_precision_at_k`'s.
      update: `Operation`, as `average_precision_at_k`'s.

    Raises:
      ValueError: if k is invalid.
      RuntimeError: If eager execution is enabled.
    """
    return average_precision_at_k(
        labels, predictions, k, weights, metrics_collections, updates_collections, name
    )


__all__ = [
    "average_precision_at_k",
    "precision_at_k",
    "precision_at_top_k",
    "recall_at_k",
    "recall_at_top_k",
    "sparse_average_precision_at_k",
    "sparse_precision_at_k",
]
