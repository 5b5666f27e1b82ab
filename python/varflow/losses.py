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

from varflow import _core
from varflow.clip_ops import core_arg
from varflow.graph import (
    GraphKeys,
    _graph_of,
    add_to_collection,
    get_collection,
    get_default_graph,
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
        """Returns every valid reduction key.

        Returns:
          A tuple of strings.
        """
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
        """Checks that `key` is a valid reduction.

        Args:
          key: A reduction string.

        Raises:
          ValueError: If `key` is not one of `Reduction.all()`.
        """
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


# --- util ------------------------------------------------------------------------------------
def add_loss(loss, loss_collection=GraphKeys.LOSSES) -> None:
    """Adds an externally defined loss to the collection of losses.

    Args:
      loss: A loss `Tensor`.
      loss_collection: Optional collection to add the loss to; nothing is added if it is
        empty or None.
    """
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES) -> list:
    """Gets the list of losses from the loss_collection.

    Args:
      scope: An optional scope name for filtering the losses to return.
      loss_collection: Optional losses collection.

    Returns:
      A list of loss tensors.
    """
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None) -> list:
    """Gets the list of regularization losses.

    Args:
      scope: An optional scope name for filtering the losses to return.

    Returns:
      A list of regularization losses as Tensors (`GraphKeys.REGULARIZATION_LOSSES`).
    """
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """Gets the total regularization loss.

    Args:
      scope: An optional scope name for filtering the losses to return.
      name: The name of the returned tensor.

    Returns:
      A scalar regularization loss: the sum of the regularization losses, or the constant 0.0
      if there are none.
    """
    graph = get_default_graph()
    return graph._tensor_for(_core.get_regularization_loss(graph._core, scope or "", name or ""))


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """Returns a tensor whose value represents the total loss.

    In particular, this adds any losses you have added with `tf.add_loss()` (or that the
    `tf.losses` functions added) to any regularization losses that have been added by
    regularization parameters on layers constructors e.g. `tf.layers`.

    Args:
      add_regularization_losses: A boolean indicating whether or not to use the
        regularization losses in the sum.
      name: The name of the returned tensor.
      scope: An optional scope name for filtering the losses to return. Note that this
        filters the losses added with `tf.add_loss()` as well as the regularization losses
        to that scope.

    Returns:
      A `Tensor` whose value represents the total loss.

    Raises:
      ValueError: If `losses` is empty (there are no losses to sum).
    """
    graph = get_default_graph()
    return graph._tensor_for(
        _core.get_total_loss(graph._core, bool(add_regularization_losses), name or "", scope or "")
    )


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
    """Computes the weighted loss.

    The losses are multiplied by `weights` (broadcast against them) and reduced as
    `reduction` says; as in TF1 the weighting and reduction run in float32 and the result is
    cast back to the losses' dtype. The result is added to `loss_collection`.

    Args:
      losses: `Tensor` of shape `[batch_size, d1, ... dN]`.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `losses`, and
        must be broadcastable to `losses`.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: The loss will be added to these collections.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `losses`. If `reduction` is `NONE`, this
      has the same shape as `losses`; otherwise, it is scalar.

    Raises:
      ValueError: If `weights` is None, its shape is not compatible with `losses`, or the
        reduction is not a valid `Reduction` key.
    """
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
    """Adds a Sum-of-Squares loss to the training procedure.

    The per-element loss is `(labels - predictions) ** 2`.

    `weights` acts as a coefficient for the loss: a scalar scales the loss, a tensor of the
    batch size rescales each sample's loss, and a tensor of the losses' shape weighs each
    element.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the
        same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss (a `tf.losses.Reduction` value).

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same shape as
      `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels`, or if the
        shape of `weights` is invalid, or if `labels` or `predictions` is None.
    """
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
    """Adds an Absolute Difference loss to the training procedure.

    The per-element loss is `abs(labels - predictions)`.

    `weights` acts as a coefficient for the loss: a scalar scales the loss, a tensor of the
    batch size rescales each sample's loss, and a tensor of the losses' shape weighs each
    element.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the
        same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss (a `tf.losses.Reduction` value).

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same shape as
      `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels`, or if the
        shape of `weights` is invalid, or if `labels` or `predictions` is None.
    """
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
    """Adds a Huber Loss term to the training procedure.

    For each value x in `error = labels - predictions`, the loss is `0.5 * x ** 2` if
    `|x| <= delta`, else `0.5 * delta ** 2 + delta * (|x| - delta)`.

    `weights` acts as a coefficient for the loss: a scalar scales the loss, a tensor of the
    batch size rescales each sample's loss, and a tensor of the losses' shape weighs each
    element.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'.
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the
        same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss (a `tf.losses.Reduction` value).
      delta: `float`, the point where the huber loss function changes from a quadratic to
        linear.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same shape as
      `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels`, or if the
        shape of `weights` is invalid, or if `labels` or `predictions` is None.
    """
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
    """Adds a Log Loss term to the training procedure.

    The per-element loss is
    `-labels * log(predictions + epsilon) - (1 - labels) * log(1 - predictions + epsilon)`.

    `weights` acts as a coefficient for the loss: a scalar scales the loss, a tensor of the
    batch size rescales each sample's loss, and a tensor of the losses' shape weighs each
    element.

    Args:
      labels: The ground truth output tensor, same dimensions as 'predictions'; values in [0, 1].
      predictions: The predicted outputs.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `labels`, and
        must be broadcastable to `labels` (i.e., all dimensions must be either `1`, or the
        same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss (a `tf.losses.Reduction` value).
      epsilon: A small increment to add to avoid taking a log of zero.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same shape as
      `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `predictions` doesn't match that of `labels`, or if the
        shape of `weights` is invalid, or if `labels` or `predictions` is None.
    """
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
    """Creates a cross-entropy loss using `tf.nn.sigmoid_cross_entropy_with_logits`.

    If `label_smoothing` is nonzero, smooth the labels towards 1/2:
    `new_multiclass_labels = multiclass_labels * (1 - label_smoothing) + 0.5 *
    label_smoothing`. `weights` acts as a coefficient for the loss, as in the other
    `tf.losses` functions.

    Args:
      multi_class_labels: `[batch_size, num_classes]` target integer labels in `{0, 1}`.
      logits: Float `[batch_size, num_classes]` logits outputs of the network.
      weights: Optional `Tensor` whose rank is either 0, or the same rank as `logits`, and
        must be broadcastable to `logits` (i.e., all dimensions must be either `1`, or the
        same as the corresponding `losses` dimension).
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss (a `tf.losses.Reduction` value).
      label_smoothing: If greater than `0` then smooth the labels.

    Returns:
      Weighted loss float `Tensor`. If `reduction` is `NONE`, this has the same shape as
      `logits`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `logits` doesn't match that of `multi_class_labels` or
        if the shape of `weights` is invalid, or if `weights` is None.
    """
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
    """Creates a cross-entropy loss using `tf.nn.softmax_cross_entropy_with_logits_v2`.

    If `label_smoothing` is nonzero, smooth the labels towards `1/num_classes`:
    `new_onehot_labels = onehot_labels * (1 - label_smoothing) + label_smoothing /
    num_classes`. `weights` acts as a coefficient for the loss: a scalar scales it, a tensor
    of shape `[batch_size]` rescales each sample's loss.

    Args:
      onehot_labels: One-hot-encoded labels, `[batch_size, num_classes]`.
      logits: Logits outputs of the network, `[batch_size, num_classes]`.
      weights: Optional `Tensor` that is broadcastable to loss (of shape `[batch_size]`).
      label_smoothing: If greater than 0 then smooth the labels.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `logits`. If `reduction` is `NONE`, this
      has shape `[batch_size]`; otherwise, it is scalar.

    Raises:
      ValueError: If the shape of `logits` doesn't match that of `onehot_labels` or if the
        shape of `weights` is invalid or if `weights` is None.
    """
    _check(onehot_labels, logits, "onehot_labels", "logits")
    Reduction.validate(reduction)
    graph = _graph_of((logits, onehot_labels, weights))
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.softmax_cross_entropy(
            graph._core,
            core_arg(onehot_labels),
            core_arg(logits),
            _weights_arg(weights),
            float(label_smoothing),
            "softmax_cross_entropy_loss" if scope is None else scope,
            _collection(loss_collection),
            reduction,
        )
    return graph._tensor_for(out)


def sparse_softmax_cross_entropy(
    labels,
    logits,
    weights=1.0,
    scope=None,
    loss_collection=GraphKeys.LOSSES,
    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
):
    """Cross-entropy loss using `tf.nn.sparse_softmax_cross_entropy_with_logits`.

    `weights` acts as a coefficient for the loss: a scalar scales it, a tensor of the
    labels' shape weighs each sample.

    Args:
      labels: `Tensor` of shape `[d_0, d_1, ..., d_{r-1}]` (where `r` is rank of `labels`
        and result) and dtype `int32` or `int64`. Each entry must be an index in
        `[0, num_classes)`.
      logits: Unscaled log probabilities of shape `[d_0, d_1, ..., d_{r-1}, num_classes]`
        and dtype `float32` or `float64`.
      weights: Coefficients for the loss, broadcastable to `labels`.
      scope: The scope for the operations performed in computing the loss.
      loss_collection: Collection to which the loss will be added.
      reduction: Type of reduction to apply to loss.

    Returns:
      Weighted loss `Tensor` of the same type as `logits`. If `reduction` is `NONE`, this
      has the same shape as `labels`; otherwise, it is scalar.

    Raises:
      ValueError: If the shapes of `logits`, `labels`, and `weights` are incompatible, or if
        any of them are None.
    """
    _check(labels, logits, "labels", "logits")
    # train::sparse_softmax_cross_entropy (varflow/train/layers.h), which C++ hosts call too.
    return _pointwise(
        _core.sparse_softmax_cross_entropy,
        "sparse_softmax_cross_entropy_loss",
        labels,
        logits,
        weights,
        scope,
        loss_collection,
        reduction,
    )


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "losses")
        or f"module 'varflow.losses' has no attribute '{name}'"
    )
