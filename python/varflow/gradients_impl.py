"""``tf.gradients``: symbolic differentiation in the C++ core."""

from __future__ import annotations

import enum

from varflow import _core
from varflow.graph import Tensor, convert_to_tensor, get_default_graph


class UnconnectedGradients(enum.Enum):
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
    """Sum over ys of d(y)/d(x) for each x; None where ys do not depend on x."""
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
