"""``tf.metrics``' top-k family: precision@k, recall@k and average precision@k, TF1's way.

TF1 (``tensorflow/python/ops/metrics_impl.py``) counts per row the sizes of set operations
between the top-k class ids and the row's labels (``tf.sets``): true positives are the ids in
both, false positives the predicted ids not among the labels, false negatives the labels not
predicted; repeated ids count once. Here the same counts come from dense comparisons: each row's
labels become a padded matrix with a validity mask (a ``SparseTensor``'s missing entries are
invalid), an id counts when it is valid and no earlier valid entry of its row holds the same id.
The running sums are float64 local variables named as TF's
(``precision_at_5/true_positive_at_5``, ``average_precision_at_5/max``, ...), in
LOCAL_VARIABLES and METRIC_VARIABLES.
"""

from __future__ import annotations

from varflow import array_ops, dtypes, math_ops, state_ops
from varflow.control_flow_ops import cond
from varflow.graph import (
    control_dependencies,
    convert_to_tensor,
    name_scope,
)
from varflow.metrics_impl import _collect, metric_variable
from varflow.sparse_tensor import SparseTensor, SparseTensorValue


def _at_k_name(name, k=None, class_id=None):
    name = f"{name}_at_{k}" if k is not None else f"{name}_at_k"
    if class_id is not None:
        name = f"{name}_class{class_id}"
    return name


class _Ids:
    """A padded id matrix ``[..., n]`` and its validity mask (a set of ids per row)."""

    def __init__(self, ids, valid):
        self.ids = ids
        self.valid = valid

    @classmethod
    def of(cls, value):
        if isinstance(value, SparseTensorValue):
            value = SparseTensor.from_value(value)
        if isinstance(value, SparseTensor):
            from varflow import sparse_ops

            values = math_ops.cast(value.values, dtypes.int64)
            ids = sparse_ops.sparse_to_dense(value.indices, value.dense_shape, values, -1)
            valid = sparse_ops.sparse_to_dense(
                value.indices, value.dense_shape, array_ops.ones_like(values, dtypes.int32), 0
            )
            return cls(ids, math_ops.cast(valid, dtypes.bool))
        ids = math_ops.cast(convert_to_tensor(value), dtypes.int64)
        return cls(ids, None)

    def map(self, fn):
        return _Ids(fn(self.ids), None if self.valid is None else fn(self.valid))

    def mask(self):
        if self.valid is None:
            return array_ops.ones_like(self.ids, dtypes.bool)
        return self.valid


def _maybe_expand_labels(labels: _Ids, predictions):
    """TF1's rule: labels of rank ``rank(predictions) - 1`` gain a trailing dimension of 1."""
    labels_rank = labels.ids.shape.ndims
    predictions_rank = predictions.shape.ndims
    if labels_rank is not None and predictions_rank is not None:
        if predictions_rank == labels_rank:
            return labels
        if predictions_rank == labels_rank + 1:
            return labels.map(lambda t: array_ops.expand_dims(t, -1))
        raise ValueError(
            f"Unexpected labels shape {labels.ids.shape} for predictions shape "
            f"{predictions.shape}. Predictions rank should be the same rank as labels rank or "
            "labels rank plus one ."
        )
    expand = math_ops.equal(array_ops.rank(predictions), array_ops.rank(labels.ids) + 1)
    return labels.map(
        lambda t: cond(expand, lambda: array_ops.expand_dims(t, -1), lambda: array_ops.identity(t))
    )


def _rows(t):
    """``t`` reshaped to ``[rows, last]``."""
    return array_ops.reshape(t, array_ops.stack([-1, array_ops.shape(t)[-1]]))


def _first_occurrence(ids, valid):
    """[rows, n] bool: the entry is valid and no earlier valid entry of its row repeats it."""
    n = array_ops.shape(ids)[-1]
    positions = math_ops.range(n)
    earlier = math_ops.less(
        array_ops.expand_dims(positions, 0), array_ops.expand_dims(positions, 1)
    )
    same = math_ops.equal(array_ops.expand_dims(ids, 2), array_ops.expand_dims(ids, 1))
    repeated = math_ops.reduce_any(
        math_ops.logical_and(
            math_ops.logical_and(same, array_ops.expand_dims(valid, 1)),
            array_ops.expand_dims(earlier, 0),
        ),
        axis=2,
    )
    return math_ops.logical_and(valid, math_ops.logical_not(repeated))


def _member_of(a_ids, b_ids, b_valid):
    """[rows, n_a] bool: a's entry equals some valid entry of b's row."""
    same = math_ops.equal(array_ops.expand_dims(a_ids, 2), array_ops.expand_dims(b_ids, 1))
    return math_ops.reduce_any(math_ops.logical_and(same, array_ops.expand_dims(b_valid, 1)), 2)


def _set_count(labels: _Ids, predictions_idx, class_id, kind):
    """Per-row size of a TF set operation between the predicted ids and the labels.

    kind: "tp" (intersection), "fp" (predictions minus labels), "fn" (labels minus
    predictions). Returns a float64 tensor of shape ``predictions_idx.shape[:-1]``.
    """
    pred = _Ids(predictions_idx, None)
    if class_id is not None:
        # TF1's _select_class_id: only the entries equal to class_id remain in either set.
        def select(ids_obj):
            is_class = math_ops.equal(ids_obj.ids, math_ops.cast(class_id, dtypes.int64))
            return _Ids(ids_obj.ids, math_ops.logical_and(ids_obj.mask(), is_class))

        labels, pred = select(labels), select(pred)
    a_ids, a_valid = _rows(pred.ids), _rows(pred.mask())
    b_ids, b_valid = _rows(labels.ids), _rows(labels.mask())
    if kind == "fn":
        a_ids, a_valid, b_ids, b_valid = b_ids, b_valid, a_ids, a_valid
    first = _first_occurrence(a_ids, a_valid)
    in_b = _member_of(a_ids, b_ids, b_valid)
    counted = math_ops.logical_and(first, in_b if kind == "tp" else math_ops.logical_not(in_b))
    per_row = math_ops.reduce_sum(math_ops.cast(counted, dtypes.float64), 1)
    return array_ops.reshape(per_row, array_ops.shape(predictions_idx)[:-1])


def _assert_broadcastable(weights, values, metric):
    """TF1's weights_broadcast_ops.assert_broadcastable: `weights` must be a scalar or have the
    rank of `values` with each dimension 1 or the values' own, checked by an Assert op when run
    (InvalidArgumentError).

    Returns:
      The Assert `Operation`, or None for scalar weights.
    """
    from varflow import check_ops
    from varflow.graph import constant

    # TF1's per-row counts come out of tf.sets with unknown shapes, so its check always runs
    # at run time; only scalar weights are settled at graph build.
    if weights.shape.ndims == 0:
        return None
    w_dyn, v_dyn = array_ops.shape(weights), array_ops.shape(values)

    def dims_ok():
        return math_ops.reduce_all(
            math_ops.logical_or(math_ops.equal(w_dyn, 1), math_ops.equal(w_dyn, v_dyn))
        )

    ok = math_ops.logical_or(
        math_ops.equal(array_ops.rank(weights), 0),
        cond(
            math_ops.equal(array_ops.rank(weights), array_ops.rank(values)),
            dims_ok,
            lambda: constant(False),
        ),
    )
    return check_ops.Assert(
        ok,
        ["weights can not be broadcast to values.", "weights.shape=", w_dyn,
         "values.shape=", v_dyn],
        name="assert_broadcastable",
    )  # fmt: skip


def _weighted(counts, weights, metric):
    if weights is None:
        return counts
    weights = convert_to_tensor(weights)
    check = _assert_broadcastable(weights, counts, metric)
    with control_dependencies([check] if check is not None else []):
        return math_ops.multiply(counts, math_ops.cast(weights, dtypes.float64))


def _streaming_count(labels, predictions_idx, k, class_id, weights, kind, metric):
    prefix = {"tp": "true_positive", "fp": "false_positive", "fn": "false_negative"}[kind]
    with name_scope(None, _at_k_name(prefix, k, class_id)) as scope:
        counts = _weighted(_set_count(labels, predictions_idx, class_id, kind), weights, metric)
        batch_total = math_ops.reduce_sum(counts)
        var = metric_variable([], dtypes.float64, name=scope)
        return var, state_ops.assign_add(var, batch_total, name="update")


def _ratio_at_top_k(labels, predictions_idx, k, class_id, weights, metrics_collections,
                    updates_collections, name, other, metric):  # fmt: skip
    base = "precision" if other == "fp" else "recall"
    with name_scope(name, _at_k_name(base, k, class_id)) as scope:
        predictions_idx = math_ops.cast(convert_to_tensor(predictions_idx), dtypes.int64)
        labels = _maybe_expand_labels(_Ids.of(labels), predictions_idx)
        tp, tp_update = _streaming_count(labels, predictions_idx, k, class_id, weights, "tp",
                                         metric)  # fmt: skip
        oth, oth_update = _streaming_count(labels, predictions_idx, k, class_id, weights, other,
                                           metric)  # fmt: skip
        value = math_ops.divide(tp, math_ops.add(tp, oth), name=scope)
        _collect(metrics_collections, value)
        update = math_ops.divide(tp_update, math_ops.add(tp_update, oth_update), name="update")
        _collect(updates_collections, update)
        return value, update


def _top_k_indices(predictions, k):
    from varflow import sort_ops

    _, idx = sort_ops.top_k(predictions, k)
    return idx


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
    return _ratio_at_top_k(
        labels, predictions_idx, k, class_id, weights, metrics_collections,
        updates_collections, name, "fp", "precision_at_top_k",
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
    return _ratio_at_top_k(
        labels, predictions_idx, k, class_id, weights, metrics_collections,
        updates_collections, name, "fn", "recall_at_top_k",
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
    with name_scope(name, _at_k_name("precision", k, class_id)) as scope:
        top_k_idx = _top_k_indices(predictions, k)
        return precision_at_top_k(
            labels, top_k_idx, k, class_id, weights, metrics_collections, updates_collections,
            scope,
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
    with name_scope(name, _at_k_name("recall", k, class_id)) as scope:
        top_k_idx = _top_k_indices(predictions, k)
        return recall_at_top_k(
            labels, top_k_idx, k, class_id, weights, metrics_collections, updates_collections,
            scope,
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


def _num_relevant(labels: _Ids, sparse: bool, k):
    """TF1's _num_relevant: min(number of labels, k) per row: a SparseTensor's distinct
    values, a dense tensor's non-negative entries."""
    if sparse:
        count = math_ops.reduce_sum(
            math_ops.cast(_first_occurrence(_rows(labels.ids), _rows(labels.mask())), dtypes.int64),
            1,
        )
        count = array_ops.reshape(count, array_ops.shape(labels.ids)[:-1])
    else:
        count = math_ops.reduce_sum(
            math_ops.cast(math_ops.greater_equal(labels.ids, 0), dtypes.int64), -1
        )
    return math_ops.minimum(count, math_ops.cast(k, dtypes.int64))


def _average_precision_per_row(labels: _Ids, sparse: bool, predictions_idx):
    """[D1, ... DN] float64: the average precision of each row's ranked predictions."""
    predictions_idx = math_ops.cast(predictions_idx, dtypes.int64)
    if predictions_idx.shape.ndims == 0:
        raise ValueError("The rank of `predictions_idx` must be at least 1.")
    k = predictions_idx.shape.as_list()[-1] if predictions_idx.shape.ndims is not None else None
    if k is None:
        raise ValueError(
            "The last dimension of predictions_idx must be set. Currently, it is None."
        )
    labels = _maybe_expand_labels(labels, predictions_idx)
    a_ids = _rows(predictions_idx)
    b_ids, b_valid = _rows(labels.ids), _rows(labels.mask())
    relevant = math_ops.cast(_member_of(a_ids, b_ids, b_valid), dtypes.float64)  # [rows, k]
    tp_per_k = math_ops.cumsum(relevant, axis=-1)
    retrieved_per_k = math_ops.cumsum(array_ops.ones_like(relevant), axis=-1)
    precision_per_k = math_ops.divide(tp_per_k, retrieved_per_k)
    precision_sum = math_ops.reduce_sum(math_ops.multiply(precision_per_k, relevant), -1)
    precision_sum = array_ops.reshape(precision_sum, array_ops.shape(predictions_idx)[:-1])
    num_relevant = math_ops.cast(_num_relevant(labels, sparse, k), dtypes.float64)
    return math_ops.divide(precision_sum, num_relevant)


def _safe_scalar_div(numerator, denominator, name):
    zero = array_ops.zeros_like(denominator)
    is_zero = math_ops.equal(denominator, zero)
    safe = math_ops.where(is_zero, array_ops.ones_like(denominator), denominator)
    return math_ops.where(is_zero, zero, math_ops.divide(numerator, safe), name=name)


def _clean_out_of_range_indices(labels: _Ids, num_classes):
    """Label ids >= num_classes become -1 (TF1's _clean_out_of_range_indices: a `tf.cond` on
    the largest label)."""
    ids = labels.ids
    max_labels = math_ops.reduce_max(ids)

    def clean():
        return math_ops.where(
            math_ops.greater_equal(ids, num_classes), -1 * array_ops.ones_like(ids), ids
        )

    cleaned = cond(
        math_ops.greater_equal(max_labels, num_classes), clean, lambda: array_ops.identity(ids)
    )
    return _Ids(cleaned, labels.valid)


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
    if k < 1:
        raise ValueError(f"Invalid k={k}. `k` should be >= 1.")
    with name_scope(name, _at_k_name("average_precision", k)) as scope:
        predictions = convert_to_tensor(predictions)
        predictions_idx = _top_k_indices(predictions, k)
        sparse = isinstance(labels, (SparseTensor, SparseTensorValue))
        num_classes = math_ops.cast(array_ops.shape(predictions)[-1], dtypes.int64)
        labels = _clean_out_of_range_indices(_Ids.of(labels), num_classes)
        average_precision = _average_precision_per_row(labels, sparse, predictions_idx)
        if weights is not None:
            weights = math_ops.cast(convert_to_tensor(weights), dtypes.float64)
            check = _assert_broadcastable(weights, average_precision, "average_precision_at_k")
            with control_dependencies([check] if check is not None else []):
                weights = math_ops.multiply(weights, array_ops.ones_like(average_precision))
            average_precision = math_ops.multiply(average_precision, weights)
        with name_scope(None, "max") as max_scope:
            max_var = metric_variable([], dtypes.float64, name=max_scope)
            if weights is None:
                batch_max = math_ops.cast(array_ops.size(average_precision), dtypes.float64)
            else:
                batch_max = math_ops.reduce_sum(weights, name="batch_max")
            max_update = state_ops.assign_add(max_var, batch_max, name="update")
        with name_scope(None, "total") as total_scope:
            total_var = metric_variable([], dtypes.float64, name=total_scope)
            batch_total = math_ops.reduce_sum(average_precision, name="batch_total")
            total_update = state_ops.assign_add(total_var, batch_total, name="update")
        value = _safe_scalar_div(total_var, max_var, name="mean")
        _collect(metrics_collections, value)
        update = _safe_scalar_div(total_update, max_update, name=scope)
        _collect(updates_collections, update)
        return value, update


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
