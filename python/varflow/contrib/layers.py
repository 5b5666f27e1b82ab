"""``tf.contrib.layers`` regularizers with TF1's spelling: ``l1_regularizer(scale)`` returns a
function ``weights -> scale * sum(|weights|)`` (``l2``: ``scale * sum(weights^2) / 2``, i.e.
``scale * tf.nn.l2_loss``) to pass as ``regularizer=`` to ``get_variable`` / ``variable_scope``
or ``kernel_regularizer=`` to ``tf.layers``; the loss lands in REGULARIZATION_LOSSES."""

from __future__ import annotations

import numbers

# nn is imported for its side effect: it must load before contrib.rnn imports rnn_cell_impl.
from varflow import _core, math_ops, nn  # noqa: F401
from varflow.graph import convert_to_tensor, core_callback, name_scope

__all__ = [
    "apply_regularization",
    "l1_l2_regularizer",
    "l1_regularizer",
    "l2_regularizer",
    "sum_regularizer",
]


def _check_scale(scale):
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}")
        return scale != 0.0
    return True


def _penalty_regularizer(penalty, kind, scale, scope):
    """The regularizer `kind` ("l1", "l2"): `penalty` of the weights (a C++ train:: penalty) in
    the scope `scope` (default "<kind>_regularizer"), `scale` converted to the weights' dtype
    as "scale" when C++ asks for it."""

    def regularize(weights):
        with name_scope(scope, f"{kind}_regularizer", [weights]) as name:
            weights = convert_to_tensor(weights)
            dtype = weights.dtype.base_dtype
            graph = weights.graph
            my_scale = _core.Arg(
                core_callback(lambda _, n: convert_to_tensor(scale, dtype=dtype, name=n)._output)
            )
            return graph._tensor_for(penalty(graph._core, weights._output, my_scale, name))

    regularize.__name__ = regularize.__qualname__ = kind
    return regularize


def l1_regularizer(scale, scope=None):
    """Returns a function that can be used to apply L1 regularization to weights.

    L1 regularization encourages sparsity: the penalty is `scale * sum(abs(weights))`.

    Args:
      scale: A scalar multiplier `Tensor` or float. 0.0 disables the regularizer.
      scope: An optional scope name.

    Returns:
      A function with signature `l1(weights)` that applies L1 regularization (and
      returns None when `scale` is 0).

    Raises:
      ValueError: If scale is negative or if scale is not a float.
    """
    if not _check_scale(scale):
        return lambda _: None

    # train::l1_penalty, which the C++ l1_regularizer builds too.
    return _penalty_regularizer(_core.l1_penalty, "l1", scale, scope)


def l2_regularizer(scale, scope=None):
    """Returns a function that can be used to apply L2 regularization to weights.

    Small values of L2 can help prevent overfitting the training data: the penalty
    is `scale * sum(weights ** 2) / 2`.

    Args:
      scale: A scalar multiplier `Tensor` or float. 0.0 disables the regularizer.
      scope: An optional scope name.

    Returns:
      A function with signature `l2(weights)` that applies L2 regularization (and
      returns None when `scale` is 0).

    Raises:
      ValueError: If scale is negative or if scale is not a float.
    """
    if not _check_scale(scale):
        return lambda _: None

    # train::l2_penalty, which the C++ l2_regularizer builds too.
    return _penalty_regularizer(_core.l2_penalty, "l2", scale, scope)


def sum_regularizer(regularizer_list, scope=None):
    """Returns a function that applies the sum of multiple regularizers.

    Args:
      regularizer_list: A list of regularizers to apply (None entries are dropped).
      scope: An optional scope name.

    Returns:
      A function with signature `sum_reg(weights)` that applies the sum of all the input
      regularizers, or None if `regularizer_list` has none.
    """
    regularizer_list = [r for r in regularizer_list if r]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            penalties = [p for p in (r(weights) for r in regularizer_list) if p is not None]
            return math_ops.add_n(penalties, name=name) if penalties else None

    return sum_reg


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """Returns a function that can be used to apply L1 L2 regularizations.

    Args:
      scale_l1: A scalar multiplier `Tensor` for L1 regularization.
      scale_l2: A scalar multiplier `Tensor` for L2 regularization.
      scope: An optional scope name.

    Returns:
      A function with signature `l1_l2(weights)` that applies a weighted sum of L1 L2
      regularization.

    Raises:
      ValueError: If scale is negative or if scale is not a float.
    """
    if (
        isinstance(scale_l1, numbers.Real)
        and isinstance(scale_l2, numbers.Real)
        and scale_l1 == 0.0
        and scale_l2 == 0.0
    ):
        return lambda _: None
    scope = scope or "l1_l2_regularizer"
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def apply_regularization(regularizer, weights_list=None):
    """Returns the summed penalty by applying `regularizer` to the `weights_list`.

    Adding a regularization penalty over the layer weights and embedding weights can help
    prevent overfitting the training data. The total is added to
    `GraphKeys.REGULARIZATION_LOSSES`.

    Args:
      regularizer: A function that takes a single `Tensor` argument and returns a scalar
        `Tensor` output (or None).
      weights_list: List of weights `Tensors` or `Variables` to apply `regularizer` over.
        Defaults to the `GraphKeys.WEIGHTS` collection if `None`.

    Returns:
      A scalar representing the overall regularization penalty.

    Raises:
      ValueError: If there are no weights to regularize.
    """
    from varflow.graph import GraphKeys, add_to_collection, get_collection

    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope(None, "get_regularization_penalty", weights_list) as scope:
        penalties = [p for p in (regularizer(w) for w in weights_list) if p is not None]
        summed = math_ops.add_n(penalties, name=scope) if penalties else convert_to_tensor(0.0)
        add_to_collection(GraphKeys.REGULARIZATION_LOSSES, summed)
        return summed
