"""tf.map_fn, tf.scan, tf.foldl and tf.foldr: loops over the first dimension of tensors,
built as TF1 builds them, on tf.while_loop and TensorArrays, by C++ (varflow/train/functional.h),
which calls the Python function back to build each step."""

from __future__ import annotations

from varflow import _core, dtypes, nest
from varflow.graph import convert_to_tensor, core_callback, get_default_graph


def _flat_elems(elems):
    return [convert_to_tensor(e, name="elems") for e in nest.flatten(elems)]


def _tensors(outputs):
    graph = get_default_graph()
    return [graph._tensor_for(o) for o in outputs]


def _same_count(structure, flat, out):
    if len(flat) != len(nest.flatten(structure)):
        raise ValueError(
            "The two structures don't have the same number of elements. First structure: "
            f"{structure}, second structure: {out}."
        )


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
    flat_elems = _flat_elems(elems)
    out_structure = elems if dtype is None else dtype
    out_dtypes = [dtypes.as_dtype(d) for d in nest.flatten(dtype)] if dtype is not None else None

    def step(element):
        out = fn(nest.pack_sequence_as(elems, _tensors(element)))
        flat = nest.flatten(out)
        _same_count(out_structure, flat, out)
        kinds = out_dtypes or [e.dtype for e in flat_elems]
        return [convert_to_tensor(v, dtype=d)._output for v, d in zip(flat, kinds, strict=True)]

    results = _core.map_fn(
        get_default_graph()._core,
        core_callback(step),
        [e._output for e in flat_elems],
        [d._core for d in out_dtypes] if out_dtypes else [],
        bool(back_prop),
        bool(infer_shape),
        name or "",
    )
    return nest.pack_sequence_as(out_structure, _tensors(results))


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
    flat_elems = _flat_elems(elems)
    structure, flat_init = _accumulator(elems, initializer)
    results = _core.scan(
        get_default_graph()._core,
        core_callback(_accumulator_step(fn, elems, structure)),
        [e._output for e in flat_elems],
        flat_init,
        bool(reverse),
        bool(back_prop),
        bool(infer_shape),
        name or "",
    )
    return nest.pack_sequence_as(structure, _tensors(results))


def _accumulator(elems, initializer):
    """The accumulator's structure, and its first value flat for C++ (None: the first
    element, in elems' structure)."""
    if initializer is None:
        return elems, None
    return initializer, [convert_to_tensor(a)._output for a in nest.flatten(initializer)]


def _accumulator_step(fn, elems, structure):
    """The C++ loop's step: fn over the accumulator and element in their structures."""

    def step(accumulator, element):
        acc = nest.pack_sequence_as(structure, _tensors(accumulator))
        out = fn(acc, nest.pack_sequence_as(elems, _tensors(element)))
        flat = nest.flatten(out)
        _same_count(structure, flat, out)
        return [convert_to_tensor(v)._output for v in flat]

    return step


def _fold(fn, elems, initializer, back_prop, reverse, name):
    if not callable(fn):
        raise TypeError("fn must be callable.")
    flat_elems = _flat_elems(elems)
    structure, flat_init = _accumulator(elems, initializer)
    results = _core.fold(
        get_default_graph()._core,
        core_callback(_accumulator_step(fn, elems, structure)),
        [e._output for e in flat_elems],
        flat_init,
        bool(reverse),
        bool(back_prop),
        name or "",
    )
    return nest.pack_sequence_as(structure, _tensors(results))


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
    return _fold(fn, elems, initializer, back_prop, False, name)


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
    return _fold(fn, elems, initializer, back_prop, True, name)


__all__ = ["foldl", "foldr", "map_fn", "scan"]
