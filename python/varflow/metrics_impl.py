"""``tf.metrics``: TF1's streaming metrics, each a ``(value, update_op)`` pair.

A metric keeps its running sums in local variables (``accuracy/total``, ``accuracy/count``, ...)
that join LOCAL_VARIABLES and METRIC_VARIABLES and start at zero after
``tf.local_variables_initializer()``. Running ``update_op`` adds a batch and returns the metric
over every batch so far; ``value`` reads it without adding anything. The formulas, names and
defaults are TF 1.15's (``tensorflow/python/ops/metrics_impl.py``).

Differences from TF1: shapes must have a known rank at graph-build time (TF1 squeezes or
expands with ``tf.cond`` at run time otherwise), and the run-time range checks TF1 adds as
Assert ops (predictions in [0, 1] for ``auc`` and the ``*_at_thresholds`` metrics, class ids in
[0, num_classes) for ``mean_iou``) are not made: varflow has no Assert op yet.
"""

from __future__ import annotations

import functools

from varflow import array_ops, dtypes, math_ops, state_ops
from varflow.graph import (
    GraphKeys,
    add_to_collections,
    constant,
    control_dependencies,
    convert_to_tensor,
    name_scope,
)
from varflow.tf_logging import warning
from varflow.variable_scope import variable_scope
from varflow.variables import Variable


def graph_only(metric):
    """TF1's metrics are graph constructs; in eager mode TF1 refuses them with this message."""

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
    """A zero-initialised, non-trainable variable in LOCAL_VARIABLES and METRIC_VARIABLES."""
    return Variable(
        lambda: array_ops.zeros(shape, dtype),
        trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
        validate_shape=validate_shape,
        name=name,
    )


def _static_rank(t, what: str, metric: str) -> int:
    ndims = t.shape.ndims
    if ndims is None:
        raise ValueError(
            f"tf.metrics.{metric} needs the rank of {what} ('{t.name}') at graph-build time; "
            "give the placeholder a shape such as [None] (varflow does not choose the squeeze "
            "at run time as TF1 does)"
        )
    return ndims


def _last_dim_may_be_one(t) -> bool:
    last = t.shape.as_list()[-1]
    return last is None or last == 1


def _remove_squeezable_dimensions(predictions, labels, weights, metric):
    """TF1's rule: squeeze a trailing size-1 dimension off predictions or labels when their
    ranks differ by one, and fit the weights' rank to the predictions' the same way."""
    predictions = convert_to_tensor(predictions)
    if labels is not None:
        labels = convert_to_tensor(labels)
        rank_diff = _static_rank(predictions, "predictions", metric) - _static_rank(
            labels, "labels", metric
        )
        if rank_diff == 1 and _last_dim_may_be_one(predictions):
            predictions = array_ops.squeeze(predictions, [-1])
        elif rank_diff == -1 and _last_dim_may_be_one(labels):
            labels = array_ops.squeeze(labels, [-1])
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = convert_to_tensor(weights)
    weights_rank = _static_rank(weights, "weights", metric)
    if weights_rank == 0:
        return predictions, labels, weights
    predictions_rank = _static_rank(predictions, "predictions", metric)
    if weights_rank - predictions_rank == 1:
        weights = array_ops.squeeze(weights, [-1])
    elif predictions_rank - weights_rank == 1:
        weights = array_ops.expand_dims(weights, -1)
    return predictions, labels, weights


def _broadcast_weights(weights, values):
    """``weights`` broadcast to the shape of ``values`` (unchanged when already equal)."""
    if (
        weights.shape.is_fully_defined()
        and values.shape.is_fully_defined()
        and weights.shape.as_list() == values.shape.as_list()
    ):
        return weights
    return math_ops.multiply(weights, array_ops.ones_like(values))


def _div_no_nan(x, y, name=None):
    """x / y, and 0 where y is 0 (TF1's div_no_nan)."""
    y_is_zero = math_ops.equal(y, array_ops.zeros_like(y))
    safe_y = math_ops.where(y_is_zero, array_ops.ones_like(y), y)
    quotient = math_ops.div(x, safe_y)
    return math_ops.where(y_is_zero, array_ops.zeros_like(quotient), quotient, name=name)


def _collect(collections, tensor) -> None:
    if collections:
        add_to_collections(collections, tensor)


def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of every value fed so far: ``total / count``."""
    with variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(convert_to_tensor(values), dtypes.float32)
        total = metric_variable([], dtypes.float32, name="total")
        count = metric_variable([], dtypes.float32, name="count")
        if weights is None:
            num_values = math_ops.cast(array_ops.size(values), dtypes.float32)
        else:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights, "mean")
            weights = _broadcast_weights(math_ops.cast(weights, dtypes.float32), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.reduce_sum(weights)
        update_total_op = state_ops.assign_add(total, math_ops.reduce_sum(values))
        after = values
        if values.op.type in ("Placeholder", "PlaceholderWithDefault"):
            # varflow's executor runs a fed placeholder named as a control input (and asks for
            # its feed) where TF1 counts the feed; a data edge to it is fed correctly.
            after = array_ops.identity(values)
        with control_dependencies([after]):
            update_count_op = state_ops.assign_add(count, num_values)
        mean_t = _div_no_nan(total, math_ops.maximum(count, 0.0), name="value")
        _collect(metrics_collections, mean_t)
        update_op = _div_no_nan(
            update_total_op, math_ops.maximum(update_count_op, 0.0), name="update_op"
        )
        _collect(updates_collections, update_op)
        return mean_t, update_op


def accuracy(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """The (weighted) fraction of predictions equal to their labels."""
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, labels, weights, "accuracy"
    )
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_absolute_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, labels, weights, "mean_absolute_error"
    )
    absolute_errors = math_ops.abs(predictions - labels)
    return mean(
        absolute_errors, weights, metrics_collections, updates_collections,
        name or "mean_absolute_error",
    )  # fmt: skip


def mean_squared_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, labels, weights, "mean_squared_error"
    )
    squared_error = math_ops.squared_difference(labels, predictions)
    return mean(
        squared_error, weights, metrics_collections, updates_collections,
        name or "mean_squared_error",
    )  # fmt: skip


def root_mean_squared_error(
    labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, labels, weights, "root_mean_squared_error"
    )
    mse, update_mse_op = mean_squared_error(
        labels, predictions, weights, None, None, name or "root_mean_squared_error"
    )
    rmse = math_ops.sqrt(mse)
    _collect(metrics_collections, rmse)
    update_rmse_op = math_ops.sqrt(update_mse_op)
    _collect(updates_collections, update_rmse_op)
    return rmse, update_rmse_op


def _count_condition(values, weights, metrics_collections, updates_collections):
    """The running (weighted) count of true ``values``."""
    count = metric_variable([], dtypes.float32, name="count")
    values = math_ops.cast(values, dtypes.float32)
    if weights is not None:
        weights = convert_to_tensor(weights)
        w_rank, v_rank = weights.shape.ndims, values.shape.ndims
        if w_rank is not None and v_rank is not None and w_rank not in (0, v_rank):
            raise ValueError(
                f"weights '{weights.name}' must have rank 0 or {v_rank} (the rank of the "
                f"values), not {w_rank}"
            )
        values = math_ops.multiply(values, math_ops.cast(weights, dtypes.float32))
    value_tensor = array_ops.identity(count)
    _collect(metrics_collections, value_tensor)
    update_op = state_ops.assign_add(count, math_ops.reduce_sum(values))
    _collect(updates_collections, update_op)
    return value_tensor, update_op


def _condition_metric(condition, default_name):
    def metric(
        labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
        name=None,
    ):  # fmt: skip
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _remove_squeezable_dimensions(
                math_ops.cast(convert_to_tensor(predictions), dtypes.bool),
                math_ops.cast(convert_to_tensor(labels), dtypes.bool),
                weights,
                default_name,
            )
            return _count_condition(
                condition(labels, predictions), weights, metrics_collections,
                updates_collections,
            )  # fmt: skip

    metric.__name__ = default_name
    metric.__doc__ = f"The running (weighted) number of {default_name.replace('_', ' ')}."
    return metric


true_positives = _condition_metric(
    lambda lab, pred: math_ops.logical_and(lab, pred), "true_positives"
)
false_positives = _condition_metric(
    lambda lab, pred: math_ops.logical_and(math_ops.logical_not(lab), pred), "false_positives"
)
true_negatives = _condition_metric(
    lambda lab, pred: math_ops.logical_and(math_ops.logical_not(lab), math_ops.logical_not(pred)),
    "true_negatives",
)
false_negatives = _condition_metric(
    lambda lab, pred: math_ops.logical_and(lab, math_ops.logical_not(pred)), "false_negatives"
)


def _ratio_metric(numerator_metric, other_metric, default_name, doc):
    def metric(
        labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
        name=None,
    ):  # fmt: skip
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _remove_squeezable_dimensions(
                math_ops.cast(convert_to_tensor(predictions), dtypes.bool),
                math_ops.cast(convert_to_tensor(labels), dtypes.bool),
                weights,
                default_name,
            )
            num, num_update = numerator_metric(labels, predictions, weights)
            other, other_update = other_metric(labels, predictions, weights)

            def ratio(a, b, op_name):
                denominator = a + b
                return math_ops.where(
                    math_ops.greater(denominator, 0.0),
                    math_ops.div(a, denominator),
                    array_ops.zeros_like(denominator),
                    name=op_name,
                )

            value = ratio(num, other, "value")
            _collect(metrics_collections, value)
            update_op = ratio(num_update, other_update, "update_op")
            _collect(updates_collections, update_op)
            return value, update_op

    metric.__name__ = default_name
    metric.__doc__ = doc
    return metric


precision = _ratio_metric(
    true_positives, false_positives, "precision", "true_positives / (true_positives + "
    "false_positives), 0 while there is no positive prediction."
)  # fmt: skip
recall = _ratio_metric(
    true_positives, false_negatives, "recall", "true_positives / (true_positives + "
    "false_negatives), 0 while there is no positive label."
)  # fmt: skip


def _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights, includes, metric):
    """Running tp/fn/tn/fp counts per threshold: a prediction is positive when it is greater
    than the threshold."""
    predictions, labels, weights = _remove_squeezable_dimensions(
        math_ops.cast(convert_to_tensor(predictions), dtypes.float32),
        math_ops.cast(convert_to_tensor(labels), dtypes.bool),
        weights,
        metric,
    )
    num_thresholds = len(thresholds)
    predictions_row = array_ops.reshape(predictions, [1, -1])
    labels_row = array_ops.reshape(labels, [1, -1])
    thresholds_col = array_ops.reshape(constant(thresholds, dtype=dtypes.float32), [-1, 1])
    # [num_thresholds, num_predictions] by broadcasting (TF1 tiles both to that shape).
    pred_is_pos = math_ops.greater(predictions_row, thresholds_col)
    pred_is_neg = math_ops.logical_not(pred_is_pos)
    label_is_pos = math_ops.logical_and(labels_row, array_ops.ones_like(pred_is_pos))
    label_is_neg = math_ops.logical_not(label_is_pos)
    weights_row = None
    if weights is not None:
        weights = _broadcast_weights(math_ops.cast(weights, dtypes.float32), predictions)
        weights_row = array_ops.reshape(weights, [1, -1])
    conditions = {
        "tp": ("true_positives", label_is_pos, pred_is_pos),
        "fn": ("false_negatives", label_is_pos, pred_is_neg),
        "tn": ("true_negatives", label_is_neg, pred_is_neg),
        "fp": ("false_positives", label_is_neg, pred_is_pos),
    }
    values, update_ops = {}, {}
    for key in includes:
        var_name, label_cond, pred_cond = conditions[key]
        var = metric_variable([num_thresholds], dtypes.float32, name=var_name)
        hits = math_ops.cast(math_ops.logical_and(label_cond, pred_cond), dtypes.float32)
        if weights_row is not None:
            hits = math_ops.multiply(hits, weights_row)
        update_ops[key] = state_ops.assign_add(var, math_ops.reduce_sum(hits, 1))
        values[key] = var
    return values, update_ops


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
    """Area under the ROC or PR curve, summed over ``num_thresholds`` thresholds evenly
    spaced in [0, 1] (plus -1e-7 and 1 + 1e-7 at the ends), by the trapezoidal rule unless
    ``summation_method`` says otherwise. Predictions must be probabilities in [0, 1]."""
    with variable_scope(name, "auc", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"curve must be either ROC or PR, {curve} unknown")
        kepsilon = 1e-7
        if thresholds is not None:
            thresholds = sorted(thresholds)
            num_thresholds = len(thresholds) + 2
        else:
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - kepsilon, *thresholds, 1.0 + kepsilon]
        values, update_ops = _confusion_matrix_at_thresholds(
            labels, predictions, thresholds, weights, ("tp", "fn", "tn", "fp"), "auc"
        )
        epsilon = 1.0e-6
        n = num_thresholds

        def interpolate_pr_auc(tp, fp, fn):
            dtp = tp[: n - 1] - tp[1:]
            p = tp + fp
            prec_slope = _div_no_nan(
                dtp, math_ops.maximum(p[: n - 1] - p[1:], 0.0), name="prec_slope"
            )
            intercept = tp[1:] - math_ops.multiply(prec_slope, p[1:])
            safe_p_ratio = math_ops.where(
                math_ops.logical_and(p[: n - 1] > 0.0, p[1:] > 0.0),
                _div_no_nan(p[: n - 1], math_ops.maximum(p[1:], 0.0), name="recall_relative_ratio"),
                array_ops.ones_like(p[1:]),
            )
            return math_ops.reduce_sum(
                _div_no_nan(
                    prec_slope * (dtp + intercept * math_ops.log(safe_p_ratio)),
                    math_ops.maximum(tp[1:] + fn[1:], 0.0),
                    name="pr_auc_increment",
                ),
                name="interpolate_pr_auc",
            )

        def compute_auc(tp, fn, tn, fp, op_name):
            if curve == "PR":
                if summation_method == "trapezoidal":
                    warning(
                        "Trapezoidal rule is known to produce incorrect PR-AUCs; "
                        'please switch to "careful_interpolation" instead.'
                    )
                elif summation_method == "careful_interpolation":
                    return interpolate_pr_auc(tp, fp, fn)
            rec = math_ops.div(tp + epsilon, tp + fn + epsilon)
            if curve == "ROC":
                x = math_ops.div(fp, fp + tn + epsilon)
                y = rec
            else:
                x = rec
                y = math_ops.div(tp + epsilon, tp + fp + epsilon)
            widths = x[: n - 1] - x[1:]
            if summation_method in ("trapezoidal", "careful_interpolation"):
                heights = (y[: n - 1] + y[1:]) / 2.0
            elif summation_method == "minoring":
                heights = math_ops.minimum(y[: n - 1], y[1:])
            elif summation_method == "majoring":
                heights = math_ops.maximum(y[: n - 1], y[1:])
            else:
                raise ValueError(f"Invalid summation_method: {summation_method}")
            return math_ops.reduce_sum(math_ops.multiply(widths, heights), name=op_name)

        auc_value = compute_auc(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        _collect(metrics_collections, auc_value)
        update_op = compute_auc(
            update_ops["tp"], update_ops["fn"], update_ops["tn"], update_ops["fp"], "update_op"
        )
        _collect(updates_collections, update_op)
        return auc_value, update_op


def _ratio_at_thresholds(other_key, default_name, prefix):
    def metric(
        labels, predictions, thresholds, weights=None, metrics_collections=None,
        updates_collections=None, name=None,
    ):  # fmt: skip
        with variable_scope(name, default_name, (predictions, labels, weights)):
            values, update_ops = _confusion_matrix_at_thresholds(
                labels, predictions, thresholds, weights, ("tp", other_key), default_name
            )
            epsilon = 1e-7

            def ratio(tp, other, suffix):
                return math_ops.div(tp, epsilon + tp + other, name=f"{prefix}_{suffix}")

            value = ratio(values["tp"], values[other_key], "value")
            _collect(metrics_collections, value)
            update_op = ratio(update_ops["tp"], update_ops[other_key], "update_op")
            _collect(updates_collections, update_op)
            return value, update_op

    metric.__name__ = default_name
    metric.__doc__ = f"TF1's {default_name}: {prefix} at each of ``thresholds``."
    return metric


precision_at_thresholds = _ratio_at_thresholds("fp", "precision_at_thresholds", "precision")
recall_at_thresholds = _ratio_at_thresholds("fn", "recall_at_thresholds", "recall")


def _count_at_thresholds(key, default_name):
    def metric(
        labels, predictions, thresholds, weights=None, metrics_collections=None,
        updates_collections=None, name=None,
    ):  # fmt: skip
        with variable_scope(name, default_name, (predictions, labels, weights)):
            values, update_ops = _confusion_matrix_at_thresholds(
                labels, predictions, thresholds, weights, (key,), default_name
            )
            value = array_ops.identity(values[key])
            _collect(metrics_collections, value)
            _collect(updates_collections, update_ops[key])
            return value, update_ops[key]

    metric.__name__ = f"{default_name}_at_thresholds"
    metric.__doc__ = f"The running (weighted) {default_name.replace('_', ' ')} per threshold."
    return metric


true_positives_at_thresholds = _count_at_thresholds("tp", "true_positives")
false_positives_at_thresholds = _count_at_thresholds("fp", "false_positives")
true_negatives_at_thresholds = _count_at_thresholds("tn", "true_negatives")
false_negatives_at_thresholds = _count_at_thresholds("fn", "false_negatives")


def mean_tensor(
    values, weights=None, metrics_collections=None, updates_collections=None, name=None
):
    """The elementwise (weighted) mean of every ``values`` tensor fed so far."""
    with variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(convert_to_tensor(values), dtypes.float32)
        if not values.shape.is_fully_defined():
            raise ValueError(
                f"tf.metrics.mean_tensor needs a fully defined shape for its values, got "
                f"{values.shape}"
            )
        shape = values.shape.as_list()
        total = metric_variable(shape, dtypes.float32, name="total_tensor")
        count = metric_variable(shape, dtypes.float32, name="count_tensor")
        num_values = array_ops.ones_like(values)
        if weights is not None:
            values, _, weights = _remove_squeezable_dimensions(values, None, weights, "mean_tensor")
            weights = _broadcast_weights(math_ops.cast(weights, dtypes.float32), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.multiply(num_values, weights)
        update_total_op = state_ops.assign_add(total, values)
        after = values
        if values.op.type in ("Placeholder", "PlaceholderWithDefault"):
            after = array_ops.identity(values)  # see mean()
        with control_dependencies([after]):
            update_count_op = state_ops.assign_add(count, num_values)
        mean_t = _div_no_nan(total, math_ops.maximum(count, 0.0), name="value")
        _collect(metrics_collections, mean_t)
        update_op = _div_no_nan(
            update_total_op, math_ops.maximum(update_count_op, 0.0), name="update_op"
        )
        _collect(updates_collections, update_op)
        return mean_t, update_op


def percentage_below(
    values, threshold, weights=None, metrics_collections=None, updates_collections=None,
    name=None,
):  # fmt: skip
    """The (weighted) fraction of values below ``threshold``."""
    is_below = math_ops.cast(math_ops.less(values, threshold), dtypes.float32)
    return mean(
        is_below, weights, metrics_collections, updates_collections,
        name or "percentage_below_threshold",
    )  # fmt: skip


def mean_relative_error(
    labels, predictions, normalizer, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """The mean of ``|labels - predictions| / normalizer`` (0 where the normalizer is 0)."""
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, labels, weights, "mean_relative_error"
    )
    normalizer = convert_to_tensor(normalizer)
    rank_diff = _static_rank(predictions, "predictions", "mean_relative_error") - _static_rank(
        normalizer, "normalizer", "mean_relative_error"
    )
    if rank_diff == 1 and _last_dim_may_be_one(predictions):
        predictions = array_ops.squeeze(predictions, [-1])
    elif rank_diff == -1 and _last_dim_may_be_one(normalizer):
        normalizer = array_ops.squeeze(normalizer, [-1])
    predictions.shape.assert_is_compatible_with(normalizer.shape)
    normalizer = _broadcast_weights(normalizer, labels)
    relative_errors = math_ops.where(
        math_ops.equal(normalizer, 0.0),
        array_ops.zeros_like(labels),
        math_ops.div(math_ops.abs(labels - predictions), normalizer),
    )
    return mean(
        relative_errors, weights, metrics_collections, updates_collections,
        name or "mean_relative_error",
    )  # fmt: skip


def mean_cosine_distance(
    labels, predictions, dim, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """``1 - mean(sum(labels * predictions, dim))``: for unit-normalised inputs, the mean
    cosine distance."""
    predictions, labels, weights = _remove_squeezable_dimensions(
        predictions, labels, weights, "mean_cosine_distance"
    )
    radial_diffs = math_ops.reduce_sum(
        math_ops.multiply(predictions, labels), axis=[dim], keepdims=True
    )
    mean_distance, update_op = mean(
        radial_diffs, weights, None, None, name or "mean_cosine_distance"
    )
    mean_distance = math_ops.subtract(1.0, mean_distance)
    update_op = math_ops.subtract(1.0, update_op)
    _collect(metrics_collections, mean_distance)
    _collect(updates_collections, update_op)
    return mean_distance, update_op


def mean_per_class_accuracy(
    labels, predictions, num_classes, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """The mean over classes of each class's (weighted) accuracy; a class never seen counts
    as accuracy 0, as in TF1."""
    with variable_scope(name, "mean_accuracy", (predictions, labels, weights)):
        labels = math_ops.cast(convert_to_tensor(labels), dtypes.int64)
        predictions = convert_to_tensor(predictions)
        if _static_rank(labels, "labels", "mean_per_class_accuracy") > 1:
            labels = array_ops.reshape(labels, [-1])
        if _static_rank(predictions, "predictions", "mean_per_class_accuracy") > 1:
            predictions = array_ops.reshape(predictions, [-1])
        predictions.shape.assert_is_compatible_with(labels.shape)
        total = metric_variable([num_classes], dtypes.float32, name="total")
        count = metric_variable([num_classes], dtypes.float32, name="count")
        if labels.dtype != predictions.dtype:
            predictions = math_ops.cast(predictions, labels.dtype)
        is_correct = math_ops.cast(math_ops.equal(predictions, labels), dtypes.float32)
        ones = array_ops.ones_like(is_correct)
        if weights is not None:
            weights = convert_to_tensor(weights)
            if _static_rank(weights, "weights", "mean_per_class_accuracy") > 1:
                weights = array_ops.reshape(weights, [-1])
            weights = math_ops.cast(weights, dtypes.float32)
            is_correct = is_correct * weights
            ones = ones * weights
        # TF1 scatter-adds into the rows named by the labels; a one-hot sum adds the same.
        rows = array_ops.one_hot(labels, int(num_classes), dtype=dtypes.float32)
        update_total_op = state_ops.assign_add(
            total, math_ops.reduce_sum(rows * array_ops.expand_dims(ones, -1), 0)
        )
        update_count_op = state_ops.assign_add(
            count, math_ops.reduce_sum(rows * array_ops.expand_dims(is_correct, -1), 0)
        )
        per_class = _div_no_nan(count, math_ops.maximum(total, 0.0))
        mean_accuracy_v = math_ops.reduce_mean(per_class, name="mean_accuracy")
        _collect(metrics_collections, mean_accuracy_v)
        update_op = _div_no_nan(
            update_count_op, math_ops.maximum(update_total_op, 0.0), name="update_op"
        )
        _collect(updates_collections, update_op)
        return mean_accuracy_v, update_op


def confusion_matrix(
    labels, predictions, num_classes=None, dtype=dtypes.int32, name=None, weights=None
):
    """The ``[num_classes, num_classes]`` matrix counting (or weighting) each (label,
    prediction) pair: rows are labels, columns predictions. ``num_classes`` must be given
    (TF1 can find it at run time from the largest id)."""
    if num_classes is None:
        raise ValueError(
            "varflow's confusion_matrix needs num_classes (TF1 computes it from the largest "
            "label or prediction at run time)"
        )
    with name_scope(name, "confusion_matrix", (predictions, labels, num_classes, weights)):
        labels = convert_to_tensor(labels, name="labels")
        predictions = convert_to_tensor(predictions, name="predictions")
        labels_rank = _static_rank(labels, "labels", "confusion_matrix")
        predictions_rank = _static_rank(predictions, "predictions", "confusion_matrix")
        if predictions_rank - labels_rank == 1 and _last_dim_may_be_one(predictions):
            predictions = array_ops.squeeze(predictions, [-1])
        elif predictions_rank - labels_rank == -1 and _last_dim_may_be_one(labels):
            labels = array_ops.squeeze(labels, [-1])
        labels = math_ops.cast(labels, dtypes.int64)
        predictions = math_ops.cast(predictions, dtypes.int64)
        compute = dtypes.float64
        labels_oh = array_ops.one_hot(labels, int(num_classes), dtype=compute)
        preds_oh = array_ops.one_hot(predictions, int(num_classes), dtype=compute)
        if weights is not None:
            w = math_ops.cast(convert_to_tensor(weights, name="weights"), compute)
            labels_oh = math_ops.multiply(labels_oh, array_ops.expand_dims(w, -1))
        counts = math_ops.matmul(labels_oh, preds_oh, transpose_a=True)
        return math_ops.cast(counts, dtypes.as_dtype(dtype))


def mean_iou(
    labels, predictions, num_classes, weights=None, metrics_collections=None,
    updates_collections=None, name=None,
):  # fmt: skip
    """The mean over classes of intersection / union, from a running confusion matrix;
    classes that never occur are left out of the mean."""
    with variable_scope(name, "mean_iou", (predictions, labels, weights)):
        predictions = convert_to_tensor(predictions)
        labels = convert_to_tensor(labels)
        predictions.shape.assert_is_compatible_with(labels.shape)
        total_cm = metric_variable(
            [num_classes, num_classes], dtypes.float64, name="total_confusion_matrix"
        )
        predictions = math_ops.cast(predictions, dtypes.int64)
        labels = math_ops.cast(labels, dtypes.int64)
        if _static_rank(predictions, "predictions", "mean_iou") > 1:
            predictions = array_ops.reshape(predictions, [-1])
        if _static_rank(labels, "labels", "mean_iou") > 1:
            labels = array_ops.reshape(labels, [-1])
        if weights is not None:
            weights = convert_to_tensor(weights)
            if _static_rank(weights, "weights", "mean_iou") > 1:
                weights = array_ops.reshape(weights, [-1])
        current_cm = confusion_matrix(
            labels, predictions, num_classes, weights=weights, dtype=dtypes.float64
        )
        update_op = state_ops.assign_add(total_cm, current_cm)

        sum_over_row = math_ops.cast(math_ops.reduce_sum(total_cm, 0), dtypes.float32)
        sum_over_col = math_ops.cast(math_ops.reduce_sum(total_cm, 1), dtypes.float32)
        eye = constant(
            [[1.0 if i == j else 0.0 for j in range(num_classes)] for i in range(num_classes)],
            dtype=dtypes.float64,
        )
        cm_diag = math_ops.cast(
            math_ops.reduce_sum(math_ops.multiply(total_cm, eye), 1), dtypes.float32
        )
        denominator = sum_over_row + sum_over_col - cm_diag
        num_valid_entries = math_ops.reduce_sum(
            math_ops.cast(math_ops.not_equal(denominator, 0.0), dtypes.float32)
        )
        denominator = math_ops.where(
            math_ops.greater(denominator, 0.0), denominator, array_ops.ones_like(denominator)
        )
        iou = math_ops.div(cm_diag, denominator)
        mean_iou_v = _div_no_nan(math_ops.reduce_sum(iou, name="mean_iou"), num_valid_entries)
        _collect(metrics_collections, mean_iou_v)
        _collect(updates_collections, update_op)
        return mean_iou_v, update_op
