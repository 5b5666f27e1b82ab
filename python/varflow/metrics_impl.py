"""``tf.metrics``: TF1's streaming metrics, each a ``(value, update_op)`` pair.

A metric keeps its running sums in local variables (``accuracy/total``, ``accuracy/count``, ...)
that join LOCAL_VARIABLES and METRIC_VARIABLES and start at zero after
``tf.local_variables_initializer()``. Running ``update_op`` adds a batch and returns the metric
over every batch so far; ``value`` reads it without adding anything. The formulas, names and
defaults are TF 1.15's (``tensorflow/python/ops/metrics_impl.py``).

TF1's run-time range checks are Assert ops here too: predictions in [0, 1] for ``auc`` and the
``*_at_thresholds`` metrics (when they are not float32, as in TF1), class ids in
[0, num_classes) for ``confusion_matrix`` and ``mean_iou``. Inputs of unknown rank (placeholders
with ``shape=None``) are squeezed or expanded at run time with ``tf.cond``, as TF1 does. The
top-k family (``precision_at_k``, ``recall_at_k``, ``average_precision_at_k``, ...) is in
``varflow.metrics_topk``.

The graphs are built in C++ (``varflow/train/metrics.h``, which a C++ host calls directly);
this module gives them TF1's Python signatures and opens TF1's ``tf.variable_scope`` for them.
"""

from __future__ import annotations

import functools

from varflow import _core, dtypes
from varflow.clip_ops import core_arg
from varflow.graph import (
    add_to_collections,
    core_callback,
    get_default_graph,
)
from varflow.tf_logging import warning
from varflow.variable_scope import variable_scope
from varflow.variables import Variable


def graph_only(metric):
    """Wraps a metric so that it refuses to run when eager execution is enabled, as TF1 does.

    Args:
      metric: The metric function to wrap.

    Returns:
      A function with the same signature and docstring as `metric`.
    """

    @functools.wraps(metric)
    def wrapper(*args, **kwargs):
        import varflow

        executing_eagerly = getattr(varflow, "executing_eagerly", None)
        if executing_eagerly is not None and executing_eagerly():
            raise RuntimeError(
                f"tf.metrics.{metric.__name__} is not supported when eager execution is enabled."
            )
        return metric(*args, **kwargs)

    return wrapper


def metric_variable(shape, dtype, validate_shape=True, name=None) -> Variable:
    """Creates a zero-initialised, non-trainable variable for a metric's running state.

    The variable is in `GraphKeys.LOCAL_VARIABLES` and `GraphKeys.METRIC_VARIABLES`, so
    `tf.local_variables_initializer()` resets it.

    Args:
      shape: Shape of the created variable.
      dtype: Type of the created variable.
      validate_shape: Whether the shape of the variable is fixed.
      name: Name of the created variable.

    Returns:
      A `Variable`.
    """
    graph = get_default_graph()
    node = _core.metric_variable(
        graph._core,
        [int(d) for d in shape],
        dtypes.as_dtype(dtype)._core,
        name or "Variable",
        bool(validate_shape),
    )
    return graph._variable_for(node)


def remove_squeezable_dimensions(labels, predictions, expected_rank_diff=0, name=None):
    """Squeezes last dim if ranks differ from expected by exactly 1 (TF1's confusion_matrix
    helper).

    With both ranks known at graph-build time the squeeze is decided then; otherwise it is a
    `tf.cond` on the run-time ranks, as in TF1.

    Args:
      labels: Label values, a `Tensor` whose dimensions match `predictions`.
      predictions: Predicted values, a `Tensor` of arbitrary dimensions.
      expected_rank_diff: Expected result of `rank(predictions) - rank(labels)`.
      name: Name of the op.

    Returns:
      Tuple of `labels` and `predictions`, possibly with last dim squeezed.
    """
    graph = get_default_graph()
    labels, predictions = _core.remove_squeezable_dimensions(
        graph._core, core_arg(labels), core_arg(predictions), int(expected_rank_diff), name or ""
    )
    return graph._tensor_for(labels), graph._tensor_for(predictions)


def _collect(collections, tensor) -> None:
    if collections:
        add_to_collections(collections, tensor)


def _collection_keys(collections) -> list:
    """A collections argument as the list of keys C++ adds to (a string is one key)."""
    if not collections:
        return []
    return [collections] if isinstance(collections, str) else list(collections)


def _scope_opener(values):
    """The C++ metrics' MetricScopeFn: enters (and leaves) `tf.variable_scope(name,
    default_name, values)`, as TF1 opens it, and returns the name scope it opened."""

    def open_scope(name, default_name):
        with variable_scope(name or None, default_name, values):
            return get_default_graph()._core.name_scope

    return core_callback(open_scope)


def _call_core_metric(core_fn, args, weights, options, metrics_collections, updates_collections,
                     name, *scope):  # fmt: skip
    """Calls the C++ metric `core_fn(graph, *args, weights, *options, metrics keys, updates
    keys, name, *scope)` and returns its (value, update_op) as tensors."""
    graph = get_default_graph()
    value, update_op = core_fn(
        graph._core,
        *args,
        None if weights is None else core_arg(weights),
        *options,
        _collection_keys(metrics_collections),
        _collection_keys(updates_collections),
        name or "",
        *scope,
    )
    return graph._tensor_for(value), graph._tensor_for(update_op)


def _core_metric(core_fn, scope_values, args, weights, metrics_collections,
                 updates_collections, name, *options):  # fmt: skip
    """`_call_core_metric` of a metric that opens its variable scope like TF1's."""
    return _call_core_metric(
        core_fn, args, weights, options, metrics_collections, updates_collections, name,
        _scope_opener(scope_values),
    )  # fmt: skip


def _labelled(core_fn, labels, predictions, weights, metrics_collections, updates_collections,
              name):  # fmt: skip
    """`_core_metric` of a C++ metric of (labels, predictions)."""
    return _core_metric(
        core_fn, (predictions, labels, weights), [core_arg(labels), core_arg(predictions)],
        weights, metrics_collections, updates_collections, name,
    )  # fmt: skip


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """Computes the (weighted) mean of the given values.

    The `mean` function creates two local variables, `total` and `count` that are used to
    compute the average of `values`. This average is ultimately returned as `mean` which is
    an idempotent operation that simply divides `total` by `count`.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `mean`. `update_op` increments
    `total` with the reduced sum of the product of `values` and `weights`, and it increments
    `count` with the reduced sum of `weights`. If `weights` is `None`, weights default to 1.
    Use weights of 0 to mask values.

    Args:
      values: A `Tensor` of arbitrary dimensions.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `values`, and
        must be broadcastable to `values` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `values` dimension).
      metrics_collections: An optional list of collections that `mean` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean: A `Tensor` representing the current mean, the value of `total` divided by
        `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_value`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `values`, or if
        either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _core_metric(
        _core.metric_mean, (values, weights), [core_arg(values)], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def accuracy(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Calculates how often `predictions` matches `labels`.

    The `accuracy` function creates two local variables, `total` and `count` that are used
    to compute the frequency with which `predictions` matches `labels`. This frequency is
    ultimately returned as `accuracy`: an idempotent operation that simply divides `total`
    by `count`.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `accuracy`. Internally, an
    `is_correct` operation computes a `Tensor` with elements 1.0 where the corresponding
    elements of `predictions` and `labels` match and 0.0 otherwise. Then `update_op`
    increments `total` with the reduced sum of the product of `weights` and `is_correct`,
    and it increments `count` with the reduced sum of `weights`. If `weights` is `None`,
    weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: The ground truth values, a `Tensor` whose shape matches `predictions`.
      predictions: The predicted values, a `Tensor` of any shape (cast to the labels'
        dtype if they differ).
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `accuracy` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      accuracy: A `Tensor` representing the accuracy, the value of `total` divided by
        `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `accuracy`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _labelled(
        _core.metric_accuracy, labels, predictions, weights, metrics_collections,
        updates_collections, name,
    )  # fmt: skip


def mean_absolute_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Computes the mean absolute error between the labels and predictions.

    The `mean_absolute_error` function creates two local variables, `total` and `count`, that are
    used to compute the mean absolute error. This average is weighted by `weights`, and it is
    ultimately returned as `mean_absolute_error`: an idempotent operation that simply divides
    `total` by `count`.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `mean_absolute_error`. Internally, an
    `absolute_errors` operation is computed, and `update_op` increments `total` with the reduced sum
    of the product of `weights` and that, and it increments `count` with the reduced sum of
    `weights`. If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `mean_absolute_error` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean_absolute_error: A `Tensor` representing the current mean absolute error, the value of
        `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_absolute_error`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _labelled(
        _core.metric_mean_absolute_error, labels, predictions, weights, metrics_collections,
        updates_collections, name,
    )  # fmt: skip


def mean_squared_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Computes the mean squared error between the labels and predictions.

    The `mean_squared_error` function creates two local variables, `total` and `count`, that are
    used to compute the mean squared error. This average is weighted by `weights`, and it is
    ultimately returned as `mean_squared_error`: an idempotent operation that simply divides `total`
    by `count`.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `mean_squared_error`. Internally, a
    `squared_error` operation is computed, and `update_op` increments `total` with the reduced sum
    of the product of `weights` and that, and it increments `count` with the reduced sum of
    `weights`. If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `mean_squared_error` should be added
        to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean_squared_error: A `Tensor` representing the current mean squared error, the value of
        `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_squared_error`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _labelled(
        _core.metric_mean_squared_error, labels, predictions, weights, metrics_collections,
        updates_collections, name,
    )  # fmt: skip


def root_mean_squared_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Computes the root mean squared error between the labels and predictions.

    The `root_mean_squared_error` function creates two local variables, `total` and `count`, that
    are used to compute the root mean squared error. This average is weighted by `weights`, and it
    is ultimately returned as `root_mean_squared_error`: an idempotent operation that simply divides
    `total` by `count`.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `root_mean_squared_error`. Internally, a
    `squared_error` operation (the root is taken of the mean) is computed, and `update_op`
    increments `total` with the reduced sum of the product of `weights` and that, and it increments
    `count` with the reduced sum of `weights`. If `weights` is `None`, weights default to 1. Use
    weights of 0 to mask values.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `root_mean_squared_error` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      root_mean_squared_error: A `Tensor` representing the current root mean squared error, the
        value of `total` divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `root_mean_squared_error`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _labelled(
        _core.metric_root_mean_squared_error, labels, predictions, weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


# The factories below make several TF1 metrics each; this is their shared docstring.
_STREAMING_DOC = """{summary}

{detail}

Args:
  labels: The ground truth values, a `Tensor` whose dimensions must match `predictions`.
    Will be cast to `bool`.
  predictions: {predictions}{thresholds_arg}
  weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
    must be broadcastable to `labels`.
  metrics_collections: An optional list of collections that the metric value should be
    added to.
  updates_collections: An optional list of collections that the update operation should
    be added to.
  name: An optional variable_scope name.

Returns:
  value: A `Tensor` with the {value}.
  update_op: An operation that updates the local variables appropriately and whose value
    matches `value`.

Raises:
  ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
    not `None` and its shape doesn't match `predictions`, or if either
    `metrics_collections` or `updates_collections` are not a list or tuple.
  RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
"""
_BOOL_PREDICTIONS = """The predicted values, a `Tensor` of arbitrary dimensions. Will be cast to
    `bool`."""
_FLOAT_PREDICTIONS = """A floating point `Tensor` of arbitrary shape and whose values are in the
    range `[0, 1]`."""
_THRESHOLDS_ARG = """
  thresholds: A python list or tuple of float thresholds in `[0, 1]`; a prediction is
    positive when it is greater than the threshold."""


def _condition_metric(default_name):
    def metric(
        labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
        name=None,
    ):  # fmt: skip
        return _core_metric(
            _core.metric_count_outcome, (predictions, labels, weights),
            [default_name, core_arg(labels), core_arg(predictions)], weights,
            metrics_collections, updates_collections, name,
        )  # fmt: skip

    metric.__name__ = default_name
    what = default_name.replace("_", " ")
    metric.__doc__ = _STREAMING_DOC.format(
        summary=f"Sums the weights of {what}.",
        detail=f"If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.\n"
        f"A local variable counts the {what} seen so far.",
        predictions=_BOOL_PREDICTIONS,
        thresholds_arg="",
        value=f"current (weighted) number of {what}",
    )
    return metric


true_positives = _condition_metric("true_positives")
false_positives = _condition_metric("false_positives")
true_negatives = _condition_metric("true_negatives")
false_negatives = _condition_metric("false_negatives")


def _ratio_metric(core_fn, default_name, doc):
    def metric(
        labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
        name=None,
    ):  # fmt: skip
        return _labelled(
            core_fn, labels, predictions, weights, metrics_collections, updates_collections,
            name,
        )  # fmt: skip

    metric.__name__ = default_name
    metric.__doc__ = _STREAMING_DOC.format(
        summary=f"Computes the {default_name} of the predictions with respect to the labels.",
        detail=doc,
        predictions=_BOOL_PREDICTIONS,
        thresholds_arg="",
        value=f"current {default_name}",
    )
    return metric


precision = _ratio_metric(
    _core.metric_precision, "precision", "The precision is `true_positives / (true_positives +\n"
    "false_positives)` over every prediction seen so far, 0 while there is no positive\n"
    "prediction. If `weights` is `None`, weights default to 1."
)  # fmt: skip
recall = _ratio_metric(
    _core.metric_recall, "recall", "The recall is `true_positives / (true_positives +\n"
    "false_negatives)` over every prediction seen so far, 0 while there is no positive\n"
    "label. If `weights` is `None`, weights default to 1."
)  # fmt: skip


def auc(
    labels,
    predictions,
    weights=None,
    num_thresholds=200,
    metrics_collections=None,
    updates_collections=None,
    curve="ROC",
    name=None,
    summation_method="trapezoidal",
    thresholds=None,
):
    """Computes the approximate AUC via a Riemann sum.

    The `auc` function creates four local variables, `true_positives`, `true_negatives`,
    `false_positives` and `false_negatives` that are used to compute the AUC. To discretize
    the AUC curve, a linearly spaced set of thresholds is used to compute pairs of recall and
    precision values (evenly spaced in [0, 1], plus -1e-7 and 1 + 1e-7 at the ends). The area
    under the ROC-curve is therefore computed using the height of the recall values by the
    false positive rate, while the area under the PR-curve is computed using the height of
    the precision values by the recall.

    This value is ultimately returned as `auc`, an idempotent operation that computes the
    area under a discretized curve of precision versus recall values (computed using the
    aforementioned variables). The `num_thresholds` variable controls the degree of
    discretization with larger numbers of thresholds more closely approximating the true AUC.

    Args:
      labels: A `Tensor` whose shape matches `predictions`. Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values are in the
        range `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels`.
      num_thresholds: The number of thresholds to use when discretizing the roc curve.
      metrics_collections: An optional list of collections that `auc` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      curve: Specifies the name of the curve to be computed, 'ROC' [default] or 'PR' for the
        Precision-Recall-curve.
      name: An optional variable_scope name.
      summation_method: Specifies the Riemann summation method used: 'trapezoidal'
        [default], 'minoring' or 'majoring' (or 'careful_interpolation' for 'PR').
      thresholds: An optional list of floating point values to use as the thresholds for
        discretizing the curve. If set, `num_thresholds` is ignored.

    Returns:
      auc: A scalar `Tensor` representing the current area-under-curve.
      update_op: An operation that increments the `true_positives`, `true_negatives`,
        `false_positives` and `false_negatives` variables appropriately and whose value
        matches `auc`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    if curve == "PR" and summation_method == "trapezoidal":
        warning(
            "Trapezoidal rule is known to produce incorrect PR-AUCs; "
            'please switch to "careful_interpolation" instead.'
        )
    return _core_metric(
        _core.metric_auc, (labels, predictions, weights),
        [core_arg(labels), core_arg(predictions)], weights, metrics_collections,
        updates_collections, name, int(num_thresholds), curve, summation_method,
        None if thresholds is None else [float(t) for t in thresholds],
    )  # fmt: skip


def _ratio_at_thresholds(core_fn, default_name, prefix):
    def metric(
        labels, predictions, thresholds, weights=None, metrics_collections=None,
        updates_collections=None, name=None,
    ):  # fmt: skip
        return _core_metric(
            core_fn, (predictions, labels, weights),
            [core_arg(labels), core_arg(predictions), [float(t) for t in thresholds]], weights,
            metrics_collections, updates_collections, name,
        )  # fmt: skip

    metric.__name__ = default_name
    metric.__doc__ = _STREAMING_DOC.format(
        summary=f"Computes {prefix} values for different `thresholds` on `predictions`.",
        detail=f"The {prefix} at each threshold is computed from running counts of true positives\n"
        "and of the other outcome, a prediction being positive when it is greater than the\n"
        "threshold (1e-7 is added to the denominator, as in TF1).",
        predictions=_FLOAT_PREDICTIONS,
        thresholds_arg=_THRESHOLDS_ARG,
        value=f"{prefix} at each threshold, shape `[len(thresholds)]`",
    )
    return metric


precision_at_thresholds = _ratio_at_thresholds(
    _core.metric_precision_at_thresholds, "precision_at_thresholds", "precision"
)
recall_at_thresholds = _ratio_at_thresholds(
    _core.metric_recall_at_thresholds, "recall_at_thresholds", "recall"
)


def _count_at_thresholds(default_name):
    def metric(
        labels, predictions, thresholds, weights=None, metrics_collections=None,
        updates_collections=None, name=None,
    ):  # fmt: skip
        return _core_metric(
            _core.metric_count_outcome_at_thresholds, (predictions, labels, weights),
            [default_name, core_arg(labels), core_arg(predictions),
             [float(t) for t in thresholds]],
            weights, metrics_collections, updates_collections, name,
        )  # fmt: skip

    metric.__name__ = f"{default_name}_at_thresholds"
    what = default_name.replace("_", " ")
    metric.__doc__ = _STREAMING_DOC.format(
        summary=f"Computes {what} at provided threshold values.",
        detail=f"A prediction is positive when it is greater than the threshold; a local variable\n"
        f"counts the (weighted) {what} seen so far at each threshold.",
        predictions=_FLOAT_PREDICTIONS,
        thresholds_arg=_THRESHOLDS_ARG,
        value=f"(weighted) {what} at each threshold, shape `[len(thresholds)]`",
    )
    return metric


true_positives_at_thresholds = _count_at_thresholds("true_positives")
false_positives_at_thresholds = _count_at_thresholds("false_positives")
true_negatives_at_thresholds = _count_at_thresholds("true_negatives")
false_negatives_at_thresholds = _count_at_thresholds("false_negatives")


def _at_sensitivity_or_specificity(kind, target, num_thresholds, labels, predictions, weights,
                                   metrics_collections, updates_collections, name):  # fmt: skip
    """sensitivity_at_specificity (kind "sensitivity") or specificity_at_sensitivity."""
    core_fn = (
        _core.metric_sensitivity_at_specificity
        if kind == "sensitivity"
        else _core.metric_specificity_at_sensitivity
    )
    return _core_metric(
        core_fn, (predictions, labels, weights),
        [core_arg(labels), core_arg(predictions), float(target)], weights, metrics_collections,
        updates_collections, name, int(num_thresholds),
    )  # fmt: skip


def sensitivity_at_specificity(
    labels, predictions, specificity, weights=None, num_thresholds=200, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes the specificity at a given sensitivity.

    The `sensitivity_at_specificity` function creates four local variables, `true_positives`,
    `true_negatives`, `false_positives` and `false_negatives` that are used to compute the
    sensitivity at the given specificity value. The threshold for the given specificity value
    is computed and used to evaluate the corresponding sensitivity.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `sensitivity`. `update_op`
    increments the `true_positives`, `true_negatives`, `false_positives` and
    `false_negatives` counts with the weight of each case found in the `predictions` and
    `labels`.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match `predictions`.
        Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values are in the
        range `[0, 1]`.
      specificity: A scalar value in range `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels`.
      num_thresholds: The number of thresholds to use for matching the given specificity.
      metrics_collections: An optional list of collections that `sensitivity` should be added
        to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      sensitivity: A scalar `Tensor` representing the sensitivity at the given `specificity`
        value.
      update_op: An operation that increments the `true_positives`, `true_negatives`,
        `false_positives` and `false_negatives` variables appropriately and whose value
        matches `sensitivity`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, if `weights` is not
        `None` and its shape doesn't match `predictions`, or if `specificity` is not between 0
        and 1, or if either `metrics_collections` or `updates_collections` are not a list or
        tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _at_sensitivity_or_specificity(
        "sensitivity", specificity, num_thresholds, labels, predictions, weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def specificity_at_sensitivity(
    labels, predictions, sensitivity, weights=None, num_thresholds=200, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes the specificity at a given sensitivity.

    The `specificity_at_sensitivity` function creates four local variables, `true_positives`,
    `true_negatives`, `false_positives` and `false_negatives` that are used to compute the
    specificity at the given sensitivity value. The threshold for the given sensitivity value
    is computed and used to evaluate the corresponding specificity.

    For estimation of the metric over a stream of data, the function creates an `update_op`
    operation that updates these variables and returns the `specificity`. `update_op`
    increments the `true_positives`, `true_negatives`, `false_positives` and
    `false_negatives` counts with the weight of each case found in the `predictions` and
    `labels`.

    If `weights` is `None`, weights default to 1. Use weights of 0 to mask values.

    Args:
      labels: The ground truth values, a `Tensor` whose dimensions must match `predictions`.
        Will be cast to `bool`.
      predictions: A floating point `Tensor` of arbitrary shape and whose values are in the
        range `[0, 1]`.
      sensitivity: A scalar value in range `[0, 1]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels`.
      num_thresholds: The number of thresholds to use for matching the given sensitivity.
      metrics_collections: An optional list of collections that `specificity` should be added
        to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      specificity: A scalar `Tensor` representing the specificity at the given `sensitivity`
        value.
      update_op: An operation that increments the `true_positives`, `true_negatives`,
        `false_positives` and `false_negatives` variables appropriately and whose value
        matches `specificity`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, if `weights` is not
        `None` and its shape doesn't match `predictions`, or if `sensitivity` is not between 0
        and 1, or if either `metrics_collections` or `updates_collections` are not a list or
        tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _at_sensitivity_or_specificity(
        "specificity", sensitivity, num_thresholds, labels, predictions, weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def mean_tensor(
    values, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """Computes the element-wise (weighted) mean of the given tensors.

    In contrast to the `mean` function which returns a scalar with the mean, this function
    returns an average tensor with the same shape as the input tensors. It creates two local
    variables, `total_tensor` and `count_tensor` that are used to compute the average of
    `values`, returned as `mean` (`total` divided by `count`).

    Args:
      values: A `Tensor` of arbitrary dimensions.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `values`, and
        must be broadcastable to `values` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `values` dimension).
      metrics_collections: An optional list of collections that `mean` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean: A float `Tensor` representing the current mean, the value of `total` divided by
        `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_value`.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `values`, or if
        either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _core_metric(
        _core.metric_mean_tensor, (values, weights), [core_arg(values)], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def percentage_below(
    values, threshold, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """Computes the percentage of values less than the given threshold.

    The `percentage_below` function creates two local variables, `total` and `count` that
    are used to compute the percentage of `values` that fall below `threshold`. This rate is
    weighted by `weights`, and it is ultimately returned as `percentage`.

    Args:
      values: A numeric `Tensor` of arbitrary size.
      threshold: A scalar threshold.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `values`, and
        must be broadcastable to `values` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `values` dimension).
      metrics_collections: An optional list of collections that `percentage` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      percentage: A `Tensor` representing the current mean, the value of `total` divided by
        `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately.

    Raises:
      ValueError: If `weights` is not `None` and its shape doesn't match `values`, or if
        either `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled.
    """
    return _core_metric(
        _core.metric_percentage_below, (values, weights),
        [core_arg(values), core_arg(threshold)], weights, metrics_collections,
        updates_collections, name,
    )  # fmt: skip


def mean_relative_error(
    labels, predictions, normalizer, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes the mean relative error by normalizing with the given values.

    The `mean_relative_error` function creates two local variables, `total` and `count` that
    are used to compute the mean of `|labels - predictions| / normalizer` (0 where the
    normalizer is 0), weighted by `weights`, returned as `mean_relative_error`.

    Args:
      labels: A `Tensor` of the same shape as `predictions`.
      predictions: A `Tensor` of arbitrary shape.
      normalizer: A `Tensor` of the same shape as `predictions`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `mean_relative_error` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean_relative_error: A `Tensor` representing the current mean, the value of `total`
        divided by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately and whose value matches `mean_relative_error`.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _core_metric(
        _core.metric_mean_relative_error, (predictions, labels, weights),
        [core_arg(labels), core_arg(predictions), core_arg(normalizer)], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def mean_cosine_distance(
    labels, predictions, dim, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Computes the cosine distance between the labels and predictions.

    The `mean_cosine_distance` function creates two local variables, `total` and `count`
    that are used to compute the average cosine distance between `predictions` and `labels`:
    `1 - mean(sum(labels * predictions, dim))`. It assumes that `predictions` and `labels`
    are already unit-normalized.

    Args:
      labels: A `Tensor` of arbitrary shape.
      predictions: A `Tensor` of the same shape as `labels`.
      dim: The dimension along which the cosine distance is computed.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `mean_distance` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean_distance: A `Tensor` representing the current mean, the value of `total` divided
        by `count`.
      update_op: An operation that increments the `total` and `count` variables
        appropriately.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _core_metric(
        _core.metric_mean_cosine_distance, (predictions, labels, weights),
        [core_arg(labels), core_arg(predictions), int(dim)], weights, metrics_collections,
        updates_collections, name,
    )  # fmt: skip


def mean_per_class_accuracy(
    labels, predictions, num_classes, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Calculates the mean of the per-class accuracies.

    Calculates the accuracy for each class, then takes the mean of that. A class never seen
    counts as accuracy 0, as in TF1. The function creates two local variables, `total` and
    `count`, holding per-class counts, and returns `mean_accuracy` and `update_op`.

    Args:
      labels: A `Tensor` of ground truth labels with shape `[batch size]` and of type
        `int32` or `int64`. The tensor will be flattened if its rank > 1.
      predictions: A `Tensor` of prediction results for semantic labels, whose shape is
        `[batch size]` and type `int32` or `int64`. The tensor will be flattened if its
        rank > 1.
      num_classes: The possible number of labels the prediction task can have. This value
        must be provided, since two variables with shape = `[num_classes]` will be allocated.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `mean_per_class_accuracy` should be
        added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean_accuracy: A `Tensor` representing the mean per class accuracy.
      update_op: An operation that updates the accuracy tensor.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _core_metric(
        _core.metric_mean_per_class_accuracy, (predictions, labels, weights),
        [core_arg(labels), core_arg(predictions), int(num_classes)], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip


def confusion_matrix(
    labels, predictions, num_classes=None, dtype=dtypes.int32, name=None, weights=None
):
    """Computes the confusion matrix from predictions and labels.

    The matrix columns represent the prediction labels and the rows represent the real
    labels. The confusion matrix is always a 2-D array of shape `[n, n]`, where `n` is the
    number of valid labels for a given classification task. Both prediction and labels must
    be 1-D arrays of the same shape in order for this function to work.

    varflow difference: `num_classes` must be given (TF1 can find it at run time from the
    largest label or prediction).

    Args:
      labels: 1-D `Tensor` of real labels for the classification task.
      predictions: 1-D `Tensor` of predictions for a given classification.
      num_classes: The possible number of labels the classification task can have.
      dtype: Data type of the confusion matrix.
      name: Scope name.
      weights: An optional `Tensor` whose shape matches `predictions`.

    Returns:
      A `Tensor` of type `dtype` with shape `[n, n]` representing the confusion matrix,
      where `n` is the number of possible labels in the classification task.

    Raises:
      ValueError: If both predictions and labels are not 1-D vectors and have mismatched
        shapes, or if `weights` is not `None` and its shape doesn't match `predictions`, or
        `num_classes` is not given.
    """
    if num_classes is None:
        raise ValueError(
            "varflow's confusion_matrix needs num_classes (TF1 computes it from the largest "
            "label or prediction at run time)"
        )
    graph = get_default_graph()
    return graph._tensor_for(
        _core.confusion_matrix(
            graph._core, core_arg(labels), core_arg(predictions), int(num_classes),
            dtypes.as_dtype(dtype)._core, name or "",
            None if weights is None else core_arg(weights),
        )
    )  # fmt: skip


def mean_iou(
    labels, predictions, num_classes, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """Calculate per-step mean Intersection-Over-Union (mIOU).

    Mean Intersection-Over-Union is a common evaluation metric for semantic image
    segmentation, which first computes the IOU for each semantic class and then computes the
    average over classes: `IOU = true_positive / (true_positive + false_positive +
    false_negative)`. The predictions are accumulated in a confusion matrix, weighted by
    `weights`; classes that never occur are left out of the mean.

    Args:
      labels: A `Tensor` of ground truth labels with shape `[batch size]` and of type
        `int32` or `int64`. The tensor will be flattened if its rank > 1.
      predictions: A `Tensor` of prediction results for semantic labels, whose shape is
        `[batch size]` and type `int32` or `int64`. The tensor will be flattened if its
        rank > 1.
      num_classes: The possible number of labels the prediction task can have. This value
        must be provided, since a confusion matrix of dimension = `[num_classes,
        num_classes]` will be allocated.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the same
        as the corresponding `labels` dimension).
      metrics_collections: An optional list of collections that `mean_iou` should be added to.
      updates_collections: An optional list of collections that `update_op` should be added
        to.
      name: An optional variable_scope name.

    Returns:
      mean_iou: A `Tensor` representing the mean intersection-over-union.
      update_op: An operation that increments the confusion matrix.

    Raises:
      ValueError: If `predictions` and `labels` have mismatched shapes, or if `weights` is
        not `None` and its shape doesn't match `predictions`, or if either
        `metrics_collections` or `updates_collections` are not a list or tuple.
      RuntimeError: If eager execution is enabled (TF1's metrics are graph constructs).
    """
    return _core_metric(
        _core.metric_mean_iou, (predictions, labels, weights),
        [core_arg(labels), core_arg(predictions), int(num_classes)], weights,
        metrics_collections, updates_collections, name,
    )  # fmt: skip
