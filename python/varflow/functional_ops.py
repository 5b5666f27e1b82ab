"""tf.map_fn, tf.scan, tf.foldl and tf.foldr: loops over the first dimension of tensors,
built as TF1 builds them, on tf.while_loop and TensorArrays."""

from __future__ import annotations

from varflow import dtypes, nest
from varflow.control_flow_ops import while_loop
from varflow.graph import convert_to_tensor, name_scope
from varflow.tensor_array_ops import TensorArray


def _length(flat_elems):
    from varflow.array_ops import shape

    first = flat_elems[0]
    if first.shape.rank == 0:
        raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
    static = first.shape[0].value if first.shape.rank is not None else None
    return static, (static if static is not None else shape(first)[0])


def _unstacked(flat_elems, n):
    return [
        TensorArray(e.dtype, size=n, element_shape=e.shape[1:], infer_shape=True).unstack(e)
        for e in flat_elems
    ]


def _with_length(t, static):
    from varflow.array_ops import ensure_shape

    if static is None or t.shape.rank is None or t.shape[0].value is not None:
        return t
    return ensure_shape(t, [static, *t.shape.as_list()[1:]])


def map_fn(
    fn,
    elems,
    dtype=None,
    parallel_iterations=None,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    name=None,
):
    """`fn` applied to each element of `elems` along its first dimension, stacked
    (TF1's ``tf.map_fn``).

    Args:
      fn: callable taking one element (in elems' structure) and returning a tensor or a
        structure of them.
      elems: tensor or nested structure of tensors sharing their first dimension.
      dtype: the structure of dtypes fn returns, when it differs from elems'.
      parallel_iterations: accepted for TF1 compatibility; the iterations run one after
        another, with TF1's values (see ``tf.while_loop``).
      back_prop: False stops gradients through the loop.
      swap_memory: accepted for TF1 compatibility.
      infer_shape: check that every result has the first one's shape.
      name: name scope (default ``map``).

    Returns:
      fn's results stacked along a new first dimension, in dtype's (or elems') structure.

    Raises:
      TypeError: if fn is not callable.
      ValueError: if elems are scalars or fn's results do not match dtype.
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope(name, "map"):
        flat_elems = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
        static, n = _length(flat_elems)
        out_structure = elems if dtype is None else dtype
        out_dtypes = (
            [dtypes.as_dtype(d) for d in nest.flatten(dtype)]
            if dtype is not None
            else [e.dtype for e in flat_elems]
        )
        elems_ta = _unstacked(flat_elems, n)
        results_ta = [
            TensorArray(d, size=n, infer_shape=infer_shape, dynamic_size=False) for d in out_dtypes
        ]

        def body(i, *tas):
            element = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            out = fn(element)
            flat = nest.flatten(out)
            if len(flat) != len(results_ta):
                raise ValueError(
                    "The two structures don't have the same number of elements. First structure: "
                    f"{out_structure}, second structure: {out}."
                )
            return (i + 1, *tuple(ta.write(i, convert_to_tensor(v, dtype=ta.dtype)) for ta, v in zip(tas, flat, strict=False)))

        outs = while_loop(
            lambda i, *_: i < n,
            body,
            (convert_to_tensor(0, dtype=dtypes.int32), *tuple(results_ta)),
            back_prop=back_prop,
            return_same_structure=True,
        )
        stacked = [_with_length(ta.stack(), static) for ta in outs[1:]]
        return nest.pack_sequence_as(out_structure, stacked)


def scan(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    infer_shape=True,
    reverse=False,
    name=None,
):
    """The running results of ``a = fn(a, x)`` over the elements x of `elems`
    (TF1's ``tf.scan``).

    Args:
      fn: callable (accumulator, element) -> new accumulator, in initializer's structure.
      elems: tensor or nested structure of tensors sharing their first dimension.
      initializer: the first accumulator; None starts from the first element.
      parallel_iterations: accepted for TF1 compatibility; the iterations run one after
        another, with TF1's values (see ``tf.while_loop``).
      back_prop: False stops gradients through the loop.
      swap_memory: accepted for TF1 compatibility.
      infer_shape: check that every accumulator has the first one's shape.
      reverse: scan from the last element to the first.
      name: name scope (default ``scan``).

    Returns:
      Every accumulator, stacked, in initializer's (or elems') structure.

    Raises:
      TypeError: if fn is not callable.
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope(name, "scan"):
        flat_elems = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
        static, n = _length(flat_elems)
        elems_ta = _unstacked(flat_elems, n)
        step = -1 if reverse else 1
        first = (n - 1) if reverse else 0
        if initializer is None:
            structure = elems
            flat_init = [ta.read(first) for ta in elems_ta]
            start = first + step
        else:
            structure = initializer
            flat_init = [convert_to_tensor(a) for a in nest.flatten(initializer)]
            start = first
        results_ta = [
            TensorArray(a.dtype, size=n, infer_shape=infer_shape, element_shape=a.shape)
            for a in flat_init
        ]
        if initializer is None:
            results_ta = [ta.write(first, a) for ta, a in zip(results_ta, flat_init, strict=False)]
        k = len(flat_init)

        def body(i, *state):
            acc, tas = state[:k], state[k:]
            x = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            out = fn(nest.pack_sequence_as(structure, list(acc)), x)
            flat = [convert_to_tensor(v) for v in nest.flatten(out)]
            return (i + step, *tuple(flat), *tuple(ta.write(i, v) for ta, v in zip(tas, flat, strict=False)))

        def more(i, *_):
            return i >= 0 if reverse else i < n

        outs = while_loop(
            more,
            body,
            (convert_to_tensor(start, dtype=dtypes.int32), *tuple(flat_init), *tuple(results_ta)),
            back_prop=back_prop,
            return_same_structure=True,
        )
        stacked = [_with_length(ta.stack(), static) for ta in outs[1 + k :]]
        return nest.pack_sequence_as(structure, stacked)


def _fold(fn, elems, initializer, back_prop, reverse, name, default_name):
    if not callable(fn):
        raise TypeError("fn must be callable.")
    with name_scope(name, default_name):
        flat_elems = [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]
        _, n = _length(flat_elems)
        elems_ta = _unstacked(flat_elems, n)
        step = -1 if reverse else 1
        first = (n - 1) if reverse else 0
        if initializer is None:
            structure = elems
            flat_init = [ta.read(first) for ta in elems_ta]
            start = first + step
        else:
            structure = initializer
            flat_init = [convert_to_tensor(a) for a in nest.flatten(initializer)]
            start = first

        def body(i, *acc):
            x = nest.pack_sequence_as(elems, [ta.read(i) for ta in elems_ta])
            out = fn(nest.pack_sequence_as(structure, list(acc)), x)
            return (i + step, *tuple(convert_to_tensor(v) for v in nest.flatten(out)))

        outs = while_loop(
            lambda i, *_: (i >= 0) if reverse else (i < n),
            body,
            (convert_to_tensor(start, dtype=dtypes.int32), *tuple(flat_init)),
            back_prop=back_prop,
            return_same_structure=True,
        )
        return nest.pack_sequence_as(structure, list(outs[1:]))


def foldl(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """``a = fn(a, x)`` over the elements of `elems` from first to last (TF1's ``tf.foldl``).

    Args:
      fn: callable (accumulator, element) -> new accumulator.
      elems: tensor or nested structure of tensors sharing their first dimension.
      initializer: the first accumulator; None starts from the first element.
      parallel_iterations: accepted for TF1 compatibility; the iterations run one after
        another, with TF1's values (see ``tf.while_loop``).
      back_prop: False stops gradients through the loop.
      swap_memory: accepted for TF1 compatibility.
      name: name scope (default ``foldl``).

    Returns:
      The last accumulator.
    """
    return _fold(fn, elems, initializer, back_prop, False, name, "foldl")


def foldr(
    fn,
    elems,
    initializer=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
):
    """``a = fn(a, x)`` over the elements of `elems` from last to first (TF1's ``tf.foldr``).

    Args:
      fn: callable (accumulator, element) -> new accumulator.
      elems: tensor or nested structure of tensors sharing their first dimension.
      initializer: the first accumulator; None starts from the last element.
      parallel_iterations: accepted for TF1 compatibility; the iterations run one after
        another, with TF1's values (see ``tf.while_loop``).
      back_prop: False stops gradients through the loop.
      swap_memory: accepted for TF1 compatibility.
      name: name scope (default ``foldr``).

    Returns:
      The last accumulator.
    """
    return _fold(fn, elems, initializer, back_prop, True, name, "foldr")


__all__ = ["foldl", "foldr", "map_fn", "scan"]
