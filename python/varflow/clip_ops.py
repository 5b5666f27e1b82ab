"""Clipping (TF1's ``clip_ops.py``): clip_by_value, clip_by_norm, global_norm,
clip_by_global_norm, clip_by_average_norm.

``clip_by_value`` is one ``ClipByValue`` op (with TF's gradient: it flows where
min <= t <= max). ``global_norm`` is one ``GlobalNorm`` op over every tensor of the list
(sum of squares accumulated in double, in one threaded pass; gradient t_i / norm, zero when
the norm is zero), where TF1 builds an L2Loss per tensor, a stack and a sum.

The functions are C++ (``varflow/train/clip.h``); this module keeps TF1's arguments, their
conversion (``_core.Arg`` builders, called where TF1 converts) and IndexedSlices handling.
"""

from __future__ import annotations

from collections.abc import Sequence

from varflow import _core, dtypes
from varflow.graph import (
    convert_to_index_tensor,
    convert_to_tensor,
    core_callback,
    get_default_graph,
)


def _values(t):
    """IndexedSlices-like objects are clipped through their ``.values``."""
    return t.values if hasattr(t, "values") and hasattr(t, "indices") else t


def _rewrap(t, values):
    if hasattr(t, "values") and hasattr(t, "indices"):
        return type(t)(values, t.indices, getattr(t, "dense_shape", None))
    return values


def core_arg(value, numeric=False):
    """``value`` for the C++ composite functions (losses, nn, clipping...): a ``_core.Arg``
    converting it as TF1 does, ``convert_to_tensor(value, dtype, name)``, when C++ reaches it;
    ``numeric`` also hands over a Python number itself, for formulas that branch on it."""

    def build(dtype, name):
        dtype = None if dtype is None else dtypes.as_dtype(dtype)
        return convert_to_tensor(value, dtype=dtype, name=name)._output

    if numeric and isinstance(value, (int, float)):
        return _core.Arg(float(value), core_callback(build))
    return _core.Arg(core_callback(build))


def _graph():
    return get_default_graph()._core


def _tensor(output):
    return get_default_graph()._tensor_for(output)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """``max(min(t, clip_value_max), clip_value_min)``; bounds broadcast to ``t``'s shape."""
    out = _core.clip_by_value(
        _graph(),
        core_arg(_values(t)),
        core_arg(clip_value_min),
        core_arg(clip_value_max),
        "clip_by_value" if name is None else name,
    )
    return _rewrap(t, _tensor(out))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """``t * clip_norm / max(l2norm(t, axes), clip_norm)``; no NaN for a zero norm."""
    axes_arg = (
        None
        if axes is None
        else _core.Arg(core_callback(lambda dtype, name: convert_to_index_tensor(axes)._output))
    )
    out = _core.clip_by_norm(
        _graph(),
        core_arg(_values(t)),
        core_arg(clip_norm),
        axes_arg,
        "clip_by_norm" if name is None else name,
    )
    return _rewrap(t, _tensor(out))


def _check_sequence(t_list):
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")


def global_norm(t_list, name=None):
    """``sqrt(sum_i l2norm(t_i)^2)`` over the non-None entries, in one ``GlobalNorm`` op."""
    _check_sequence(t_list)
    args = [None if t is None else core_arg(_values(t)) for t in t_list]
    return _tensor(_core.global_norm(_graph(), args, "global_norm" if name is None else name))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor by ``clip_norm / max(global_norm, clip_norm)``; returns
    ``(list_clipped, global_norm)``. None entries stay None; an infinite norm makes every
    output NaN (TF1's error signal)."""
    _check_sequence(t_list)
    t_list = list(t_list)
    args = [None if t is None else core_arg(_values(t)) for t in t_list]
    clipped, norm = _core.clip_by_global_norm(
        _graph(),
        args,
        core_arg(clip_norm),
        None if use_norm is None else core_arg(use_norm),
        name or "",
    )
    out = [
        None if c is None else _rewrap(t, _tensor(c)) for t, c in zip(t_list, clipped, strict=True)
    ]
    return out, _tensor(norm)


def clip_by_average_norm(t, clip_norm, name=None):
    """``t * clip_norm * min(n_elements / l2norm(t), 1 / clip_norm)``."""
    out = _core.clip_by_average_norm(
        _graph(), core_arg(t), core_arg(clip_norm), "clip_by_average_norm" if name is None else name
    )
    return _tensor(out)


__all__ = [
    "clip_by_average_norm",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "global_norm",
]
