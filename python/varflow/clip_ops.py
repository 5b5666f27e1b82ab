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
    """Wraps `value` for the C++ composite functions (losses, nn, clipping...).

    The result is a `_core.Arg` that converts `value` as TF1 does,
    `convert_to_tensor(value, dtype, name)`, when C++ reaches it.

    Args:
      value: A `Tensor`, variable or Python/NumPy value.
      numeric: If true, a Python number is also handed over as it is, for formulas that
        branch on it.

    Returns:
      A `_core.Arg`.
    """

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
    """Clips tensor values to a specified min and max.

    Given a tensor `t`, this operation returns a tensor of the same type and shape as `t`
    with its values clipped to `clip_value_min` and `clip_value_max`: any values less than
    `clip_value_min` are set to `clip_value_min`, and any values greater than
    `clip_value_max` are set to `clip_value_max`.

    Args:
      t: A `Tensor`.
      clip_value_min: A 0-D (scalar) `Tensor`, or a `Tensor` with the same shape as `t`. The
        minimum value to clip by.
      clip_value_max: A 0-D (scalar) `Tensor`, or a `Tensor` with the same shape as `t`. The
        maximum value to clip by.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.

    Raises:
      ValueError: If the clip tensors would trigger array broadcasting that would make the
        returned tensor larger than the input.
    """
    out = _core.clip_by_value(
        _graph(),
        core_arg(_values(t)),
        core_arg(clip_value_min),
        core_arg(clip_value_max),
        "clip_by_value" if name is None else name,
    )
    return _rewrap(t, _tensor(out))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Clips tensor values to a maximum L2-norm.

    Given a tensor `t`, and a maximum clip value `clip_norm`, this operation normalizes `t`
    so that its L2-norm is less than or equal to `clip_norm`, along the dimensions given in
    `axes`: `t * clip_norm / max(l2norm(t), clip_norm)`. A zero norm gives no NaN.

    Args:
      t: A `Tensor`.
      clip_norm: A 0-D (scalar) `Tensor` > 0. A maximum clipping value.
      axes: A 1-D (vector) `Tensor` of type int32 containing the dimensions to use for
        computing the L2-norm. If `None` (the default), uses all dimensions.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.
    """
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
    """Computes the global norm of multiple tensors.

    Given a tuple or list of tensors `t_list`, this operation returns the global norm of the
    elements in all tensors in `t_list`: `sqrt(sum([l2norm(t)**2 for t in t_list]))`, in one
    `GlobalNorm` op. Any entries in `t_list` that are of type None are ignored.

    Args:
      t_list: A tuple or list of mixed `Tensors`, or None.
      name: A name for the operation (optional).

    Returns:
      A 0-D (scalar) `Tensor` of type `float`.

    Raises:
      TypeError: If `t_list` is not a sequence.
    """
    _check_sequence(t_list)
    args = [None if t is None else core_arg(_values(t)) for t in t_list]
    return _tensor(_core.global_norm(_graph(), args, "global_norm" if name is None else name))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Clips values of multiple tensors by the ratio of the sum of their norms.

    Given a tuple or list of tensors `t_list`, and a clipping ratio `clip_norm`, this
    operation returns a list of clipped tensors `list_clipped` and the global norm
    (`global_norm`) of all tensors in `t_list`: each tensor is scaled by
    `clip_norm / max(global_norm, clip_norm)`. Any of the entries of `t_list` that are of
    type `None` are ignored. An infinite global norm makes every output NaN (TF1's error
    signal).

    Args:
      t_list: A tuple or list of mixed `Tensors`, or None.
      clip_norm: A 0-D (scalar) `Tensor` > 0. The clipping ratio.
      use_norm: A 0-D (scalar) `Tensor` of type `float` (optional). The global norm to use.
        If not provided, `global_norm()` is used to compute the norm.
      name: A name for the operation (optional).

    Returns:
      list_clipped: A list of `Tensors` of the same type as `list_t`.
      global_norm: A 0-D (scalar) `Tensor` representing the global norm.

    Raises:
      TypeError: If `t_list` is not a sequence.
    """
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
    """Clips tensor values to a maximum average L2-norm.

    Given a tensor `t`, and a maximum clip value `clip_norm`, this operation normalizes `t`
    so that its average L2-norm is less than or equal to `clip_norm`:
    `t * clip_norm * min(n_elements / l2norm(t), 1 / clip_norm)`.

    Args:
      t: A `Tensor`.
      clip_norm: A 0-D (scalar) `Tensor` > 0. A maximum clipping value.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.
    """
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
