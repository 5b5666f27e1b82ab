"""``tf.losses`` (TF1's ``ops/losses/losses_impl.py`` and ``util.py``).

Each loss computes per-element losses, weights them, reduces them with ``reduction``
(default ``Reduction.SUM_BY_NONZERO_WEIGHTS``: the weighted sum divided by the number of
non-zero weights, 0 when there are none) and adds the result to ``loss_collection``
(``GraphKeys.LOSSES``). As in TF1 the weighting and reduction run in float32 and the result is
cast back to the losses' dtype.

The weighting, the reductions and the losses are C++ (``varflow/train/losses.h``) except the
softmax ones, which call ``tf.nn``'s softmax cross entropy (after the C++ label smoothing) and
``compute_weighted_loss``.
"""

from __future__ import annotations

from varflow import _core, array_ops, dtypes, math_ops, nn
from varflow.clip_ops import core_arg
from varflow.graph import (
    GraphKeys,
    _graph_of,
    add_to_collection,
    constant,
    convert_to_tensor,
    get_collection,
    name_scope,
)

__all__ = [
    "Reduction",
    "absolute_difference",
    "add_loss",
    "compute_weighted_loss",
    "get_losses",
    "get_regularization_loss",
    "get_regularization_losses",
    "get_total_loss",
    "huber_loss",
    "log_loss",
    "mean_squared_error",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]


class Reduction:
    """Types of loss reduction (TF1's ``tf.losses.Reduction``)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (
            cls.NONE,
            cls.SUM,
            cls.MEAN,
            cls.SUM_OVER_BATCH_SIZE,
            cls.SUM_OVER_NONZERO_WEIGHTS,
            cls.SUM_BY_NONZERO_WEIGHTS,
        )

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


# --- util ------------------------------------------------------------------------------------
def add_loss(loss, loss_collection=GraphKeys.LOSSES) -> None:
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    return math_ops.add_n(losses, name=name)


# --- weighting and reduction (C++: varflow/train/losses.h) --------------------------------------
def _weights_arg(weights):
    """A Python float weight is also handed over as a number: a nonzero one counts every
    element as present (TF1's ``_num_present``)."""
    return core_arg(weights, numeric=isinstance(weights, float))


def _collection(loss_collection):
    return loss_collection if loss_collection else None


def compute_weighted_loss(
    losses,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Weights `losses` (weights broadcast against them) and reduces them; see Reduction."""
    Reduction.validate(reduction)
    graph = _graph_of((losses, weights))
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.compute_weighted_loss(
            graph._core,
            core_arg(losses),
            _weights_arg(weights),
            "weighted_loss" if scope is None else scope,
            _collection(loss_collection),
            reduction,
        )
    return graph._tensor_for(out)


def _check(labels, predictions, label_name="labels", pred_name="predictions"):
    if labels is None:
        raise ValueError(f"{label_name} must not be None.")
    if predictions is None:
        raise ValueError(f"{pred_name} must not be None.")


def _assert_compatible(a, b):
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"Shapes {a.shape} and {b.shape} are incompatible")


# --- losses ----------------------------------------------------------------------------------
def _pointwise(
    core_fn, default_name, labels, predictions, weights, scope, loss_collection, reduction, *extra
):
    _check(labels, predictions)
    Reduction.validate(reduction)
    graph = _graph_of((predictions, labels, weights))
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = core_fn(
            graph._core,
            core_arg(labels),
            core_arg(predictions),
            _weights_arg(weights),
            *extra,
            default_name if scope is None else scope,
            _collection(loss_collection),
            reduction,
        )
    return graph._tensor_for(out)


def mean_squared_error(
    labels,
    predictions,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    return _pointwise(
        _core.mean_squared_error,
        "mean_squared_error",
        labels,
        predictions,
        weights,
        scope,
        loss_collection,
        reduction,
    )


def absolute_difference(
    labels,
    predictions,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    return _pointwise(
        _core.absolute_difference,
        "absolute_difference",
        labels,
        predictions,
        weights,
        scope,
        loss_collection,
        reduction,
    )


def huber_loss(
    labels,
    predictions,
    weights=1.0,
    delta=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    return _pointwise(
        _core.huber_loss,
        "huber_loss",
        labels,
        predictions,
        weights,
        scope,
        loss_collection,
        reduction,
        core_arg(delta),
    )


def log_loss(
    labels,
    predictions,
    weights=1.0,
    epsilon=1e-7,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    return _pointwise(
        _core.log_loss,
        "log_loss",
        labels,
        predictions,
        weights,
        scope,
        loss_collection,
        reduction,
        core_arg(epsilon),
    )


def sigmoid_cross_entropy(
    multi_class_labels,
    logits,
    weights=1.0,
    label_smoothing=0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    _check(multi_class_labels, logits, "multi_class_labels", "logits")
    Reduction.validate(reduction)
    graph = _graph_of((logits, multi_class_labels, weights))
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.sigmoid_cross_entropy(
            graph._core,
            core_arg(multi_class_labels),
            core_arg(logits),
            _weights_arg(weights),
            float(label_smoothing),
            "sigmoid_cross_entropy_loss" if scope is None else scope,
            _collection(loss_collection),
            reduction,
        )
    return graph._tensor_for(out)


def softmax_cross_entropy(
    onehot_labels,
    logits,
    weights=1.0,
    label_smoothing=0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    _check(onehot_labels, logits, "onehot_labels", "logits")
    with name_scope(scope, "softmax_cross_entropy_loss", (logits, onehot_labels, weights)) as scope:
        logits = convert_to_tensor(logits)
        onehot_labels = array_ops.cast(convert_to_tensor(onehot_labels), logits.dtype.base_dtype)
        _assert_compatible(logits, onehot_labels)
        if label_smoothing > 0:
            graph = onehot_labels.graph
            onehot_labels = graph._tensor_for(
                _core.smooth_onehot_labels(
                    graph._core, onehot_labels._output, float(label_smoothing)
                )
            )
        onehot_labels = array_ops.stop_gradient(onehot_labels, name="labels_stop_gradient")
        losses = nn.softmax_cross_entropy_with_logits_v2(
            labels=onehot_labels, logits=logits, name="xentropy"
        )
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def sparse_softmax_cross_entropy(
    labels,
    logits,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    _check(labels, logits, "labels", "logits")
    with name_scope(scope, "sparse_softmax_cross_entropy_loss", (logits, labels, weights)) as scope:
        labels = convert_to_tensor(labels)
        if not labels.dtype.base_dtype.is_integer:
            labels = array_ops.cast(labels, dtypes.int64)
        losses = nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=logits, name="xentropy"
        )
        return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)
