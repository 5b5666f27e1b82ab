"""NoOp, group and tuple."""

from __future__ import annotations

import builtins
import collections.abc

from varflow.graph import Operation, Tensor, get_default_graph, name_scope


def no_op(name=None) -> Operation:
    """An op that does nothing (TF1's tf.no_op), for control dependencies."""
    return get_default_graph().create_op("NoOp", [], name=name or "NoOp")


def _flatten_group_inputs(x, out: list) -> None:
    """TF1's nest.flatten: dicts by sorted key; lists, tuples and dict views in order."""
    if isinstance(x, dict):
        for k in sorted(x):
            _flatten_group_inputs(x[k], out)
    elif isinstance(x, (list, builtins.tuple, collections.abc.MappingView)):
        for item in x:
            _flatten_group_inputs(item, out)
    else:
        out.append(x)


def group(*inputs, name=None) -> Operation:
    """An op that runs all of `inputs`, nested in lists, tuples or dicts (TF1's tf.group)."""
    graph = get_default_graph()
    ops: list = []
    _flatten_group_inputs(inputs, ops)
    for op in ops:
        if not hasattr(op, "device"):
            raise TypeError(
                f"Expected tf.group() expected Tensor arguments not '{op}' with type '{type(op)}'"
            )
    with graph.control_dependencies(ops):
        return no_op(name=name or "group_deps")


def tuple(tensors, name=None, control_inputs=None):
    """Identities of `tensors` that wait until all of them are computed (TF1's tf.tuple)."""
    from varflow import array_ops

    with name_scope(name, "tuple"):
        deps = [t for t in tensors if t is not None] + list(control_inputs or [])
        gate = group(*deps)
        out = []
        with get_default_graph().control_dependencies([gate]):
            for t in tensors:
                out.append(None if t is None else array_ops.identity(t, name="control_dependency"))
        return out


__all__ = ["Tensor", "group", "no_op", "tuple"]
