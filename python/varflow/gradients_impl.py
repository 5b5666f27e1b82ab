"""``tf.gradients``: symbolic differentiation in the C++ core."""

from __future__ import annotations

import enum

from varflow import _core
from varflow.graph import Tensor, convert_to_tensor, get_default_graph


class UnconnectedGradients(enum.Enum):
    """Controls how gradient computation behaves when y does not depend on x.

    The gradient of y with respect to x can be zero in two different ways: there could be
    no differentiable path in the graph connecting x to y, or y could depend on x only
    through a path of zero gradient. `NONE` (the default) gives None for the former, `ZERO`
    gives zeros of x's shape.
    """

    NONE = "none"
    ZERO = "zero"


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def gradients(
    ys,
    xs,
    grad_ys=None,
    name="gradients",
    colocate_gradients_with_ops=False,
    gate_gradients=False,
    aggregation_method=None,
    stop_gradients=None,
    unconnected_gradients=UnconnectedGradients.NONE,
):
    """Constructs symbolic derivatives of sum of `ys` w.r.t. x in `xs`.

    `ys` and `xs` are each a `Tensor` or a list of tensors. `grad_ys` is a list of `Tensor`,
    holding the gradients received by the `ys`. The list must be the same length as `ys`.

    `gradients()` adds ops to the graph to output the derivatives of `ys` with respect to
    `xs`. It returns a list of `Tensor` of length `len(xs)` where each tensor is the
    `sum(dy/dx)` for y in `ys`. The gradient graph is built by varflow's C++ core, with the
    `gradients/...` names TF1 gives.

    Args:
      ys: A `Tensor` or list of tensors to be differentiated.
      xs: A `Tensor` or list of tensors to be used for differentiation.
      grad_ys: Optional. A `Tensor` or list of tensors the same size as `ys` and holding
        the gradients computed for each y in `ys`.
      name: Optional name to use for grouping all the gradient ops together. defaults to
        'gradients'.
      colocate_gradients_with_ops: Accepted for TF1 compatibility (one device).
      gate_gradients: If True, add a tuple around the gradients returned for an operations.
        This avoids some race conditions.
      aggregation_method: Specifies the method used to combine gradient terms. Accepted;
        varflow adds them with `AddN`.
      stop_gradients: Optional. A `Tensor` or list of tensors not to differentiate through.
      unconnected_gradients: Optional. Specifies the gradient value returned when the given
        input tensors are unconnected. Accepted values are constants defined in the class
        `tf.UnconnectedGradients` and the default value is `none`.

    Returns:
      A list of `sum(dy/dx)` for each x in `xs` (None where the `ys` do not depend on x and
      `unconnected_gradients` is `NONE`).

    Raises:
      LookupError: if one of the operations between `x` and `y` does not have a registered
        gradient function.
      ValueError: if the arguments are invalid.
      RuntimeError: if called in Eager mode (use `tf.GradientTape`).
    """
    if get_default_graph()._is_eager:
        raise RuntimeError(
            "tf.gradients is not supported when eager execution is enabled. Use "
            "tf.GradientTape instead."
        )
    ys = [convert_to_tensor(y) for y in _as_list(ys)]
    xs = [convert_to_tensor(x) for x in _as_list(xs)]
    graph = ys[0].graph if ys else get_default_graph()
    if grad_ys is None:
        grad_ys = [None] * len(ys)
    else:
        grad_ys = _as_list(grad_ys)
        if len(grad_ys) != len(ys):
            raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
        grad_ys = [
            None if g is None else convert_to_tensor(g, dtype=y.dtype.base_dtype)
            for g, y in zip(grad_ys, ys)
        ]
    stop = [convert_to_tensor(t)._output for t in _as_list(stop_gradients or [])]
    mode = UnconnectedGradients(unconnected_gradients)
    outs = _core.gradients(
        [y._output for y in ys],
        [x._output for x in xs],
        [None if g is None else g._output for g in grad_ys],
        stop,
        mode is UnconnectedGradients.ZERO,
        name or "gradients",
        bool(gate_gradients),
    )
    return [None if o is None else graph._tensor_for(o) for o in outs]


__all__ = ["Tensor", "gradients"]
