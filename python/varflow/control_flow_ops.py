"""NoOp, group and tuple; tf.cond, tf.case and tf.while_loop (control flow in the C++ graph:
varflow/control_flow.h)."""

from __future__ import annotations

import builtins
import collections.abc

from varflow import _core, nest
from varflow.graph import (
    Operation,
    Tensor,
    convert_to_tensor,
    core_callback,
    get_default_graph,
    name_scope,
)
from varflow.tensor_array_ops import TensorArray


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


# --- control flow ----------------------------------------------------------------------------
def _eager() -> bool:
    from varflow.eager.context import executing_eagerly

    if not executing_eagerly():
        return False
    get_default_graph()._value_dependent_control_flow = True
    return True


def _as_branch_value(value, graph):
    """A tensor for one leaf a branch or loop body returned (an Operation becomes a True
    that depends on it, as TF1's cond returns for ops)."""
    if isinstance(value, TensorArray):
        return value.flow
    if isinstance(value, Operation):
        with graph.control_dependencies([value]):
            return convert_to_tensor(True)
    return convert_to_tensor(value)


def _packed(template, values: list):
    """`values` (tensors) packed like `template`, with TensorArrays rebuilt around flows."""
    leaves = nest.flatten(template)
    wrapped = [
        TensorArray._with_flow(leaf, v) if isinstance(leaf, TensorArray) else v
        for leaf, v in zip(leaves, values, strict=False)
    ]
    return nest.pack_sequence_as(template, wrapped)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """`true_fn()` if `pred` else `false_fn()`, in the graph: only the branch taken runs
    (TF1's ``tf.cond``).

    The ops the functions create belong to their branch (named under ``cond/``) and run only
    when it is taken; tensors from outside are read directly. Variables created in a branch
    are created outside it, once.

    Args:
      pred: boolean scalar tensor.
      true_fn: callable returning a tensor, an Operation, or a nested structure of them.
      false_fn: callable returning the same structure and dtypes as true_fn.
      strict: keep a single-element list or tuple result as it is (else it is unpacked).
      name: name scope (default ``cond``).
      fn1: deprecated name of true_fn.
      fn2: deprecated name of false_fn.

    Returns:
      The taken branch's results, in true_fn's structure.

    Raises:
      TypeError: if a function is not callable or `pred` is a Python bool.
      ValueError: if the branches return different structures, numbers or dtypes of
        results, or no result.
    """
    if fn1 is not None:
        if true_fn is not None:
            raise TypeError("cond(): true_fn and fn1 may not be set simultaneously.")
        true_fn = fn1
    if fn2 is not None:
        if false_fn is not None:
            raise TypeError("cond(): false_fn and fn2 may not be set simultaneously.")
        false_fn = fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if isinstance(pred, bool):
        raise TypeError("pred must not be a Python bool")
    if _eager():
        result = true_fn() if bool(pred) else false_fn()
        return result if strict else _unpack_singleton(result)

    graph = get_default_graph()
    structures = {}

    def branch(fn, key):
        def build():
            result = fn()
            if result is None:
                raise ValueError("true_fn and false_fn must have a return value.")
            structures[key] = result
            return [_as_branch_value(v, graph)._output for v in nest.flatten(result)]

        return core_callback(build)

    with name_scope(name, "cond", [pred]) as scope:
        pred = convert_to_tensor(pred)
        outputs = _core.cond(
            pred._output, branch(true_fn, "true"), branch(false_fn, "false"), scope
        )
    try:
        nest.assert_same_structure(structures["true"], structures["false"], check_types=False)
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"Outputs of true_fn and false_fn must have the same structure: {e}"
        ) from None
    result = _packed(structures["true"], [graph._tensor_for(o) for o in outputs])
    return result if strict else _unpack_singleton(result)


def _unpack_singleton(x):
    if isinstance(x, (list, builtins.tuple)) and not hasattr(type(x), "_fields") and len(x) == 1:
        return x[0]
    return x


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the first callable whose predicate is true, else of `default`
    (TF1's ``tf.case``), as nested tf.cond.

    Args:
      pred_fn_pairs: list of (boolean scalar tensor, callable) pairs, or a dict of them.
      default: callable for when no predicate holds; None uses the last pair's callable
        (TF1 then also asserts that its predicate holds; varflow does not check it).
      exclusive: accepted; varflow does not check that at most one predicate holds.
      strict: as for tf.cond.
      name: name scope.

    Returns:
      The chosen callable's results.

    Raises:
      TypeError: if pred_fn_pairs is not a list of pairs or dict, or an entry is malformed.
    """
    if isinstance(pred_fn_pairs, dict):
        pairs = list(pred_fn_pairs.items())
    elif isinstance(pred_fn_pairs, (list, builtins.tuple)):
        pairs = list(pred_fn_pairs)
    else:
        raise TypeError("fns must be a list, tuple, or dict")
    for pair in pairs:
        if not isinstance(pair, builtins.tuple) or len(pair) != 2:
            raise TypeError("Each entry in pred_fn_pairs must be a 2-tuple")
        if not callable(pair[1]):
            raise TypeError(f"fn for pred {pair[0].name} must be callable.")
    if default is None:
        if not pairs:
            raise ValueError("pred_fn_pairs and default cannot both be empty")
        default = pairs[-1][1]
        pairs = pairs[:-1]
    with name_scope(name, "case"):
        fn = default
        for pred, branch_fn in reversed(pairs):
            fn = _chained_cond(pred, branch_fn, fn)
        result = fn()
    return result if strict else _unpack_singleton(result)


def _chained_cond(pred, true_fn, false_fn):
    return lambda: cond(pred, true_fn, false_fn, strict=True)


def while_loop(
    cond,
    body,
    loop_vars,
    shape_invariants=None,
    parallel_iterations=10,
    back_prop=True,
    swap_memory=False,
    name=None,
    maximum_iterations=None,
    return_same_structure=False,
):
    """Repeats `body` while `cond` holds, in the graph (TF1's ``tf.while_loop``).

    ``cond(*loop_vars)`` and ``body(*loop_vars)`` are called once, to build the loop's
    condition and body; the loop runs when the result is evaluated. The body's ops are named
    under ``while/``; tensors from outside the loop are read directly. Gradients flow through
    the loop (the forward loop saves what the backward loop needs).

    Args:
      cond: callable returning a boolean scalar tensor.
      body: callable returning the loop variables' next values, in their structure.
      loop_vars: tensor, TensorArray, or nested structure of them (and Python numbers).
      shape_invariants: the shapes each loop variable may take (default: its initial shape).
      parallel_iterations: accepted for TF1 compatibility; iterations run in order.
      back_prop: False stops gradients through the loop.
      swap_memory: accepted for TF1 compatibility.
      name: name scope (default ``while``).
      maximum_iterations: optional int32 scalar bounding the number of iterations.
      return_same_structure: return the loop variables' structure even for one variable.

    Returns:
      The loop variables' values after the last iteration.

    Raises:
      TypeError: if cond or body is not callable, or parallel_iterations is not positive.
      ValueError: if loop_vars is empty, or the body's results do not match the loop
        variables in structure, dtype or shape invariant.
    """
    if not callable(cond):
        raise TypeError("cond must be callable.")
    if not callable(body):
        raise TypeError("body must be callable.")
    if parallel_iterations < 1:
        raise TypeError("parallel_iterations must be a positive integer.")
    flat_vars = nest.flatten(loop_vars)
    if not flat_vars:
        raise ValueError("No loop variables provided")
    spread = isinstance(loop_vars, (list, builtins.tuple))

    def call(fn, packed):
        return fn(*packed) if spread else fn(packed)

    if _eager():
        return _eager_while_loop(
            call, cond, body, loop_vars, maximum_iterations, return_same_structure
        )

    graph = get_default_graph()
    with name_scope(name, "while") as scope:
        values = [_as_branch_value(v, graph) for v in flat_vars]
        if shape_invariants is None:
            invariants = [
                v._loop_invariant() if isinstance(v, TensorArray) else _shape_list(t.shape)
                for v, t in zip(flat_vars, values, strict=False)
            ]
        else:
            nest.assert_same_structure(loop_vars, shape_invariants, check_types=False)
            invariants = [_shape_list(_as_tensor_shape(s)) for s in nest.flatten(shape_invariants)]
        limit = None
        if maximum_iterations is not None:
            limit = convert_to_tensor(maximum_iterations, name="maximum_iterations")
        body_structure = {}

        def wrap(outputs):
            return _packed(loop_vars, [graph._tensor_for(o) for o in outputs])

        def cond_fn(outputs):
            result = convert_to_tensor(call(cond, wrap(outputs)))
            return result._output

        def body_fn(outputs):
            result = call(body, wrap(outputs))
            if not nest.is_sequence(result):
                result = [result]
            try:
                nest.assert_same_structure(
                    list(nest.flatten(loop_vars)), list(nest.flatten(result)), check_types=False
                )
                nest.assert_same_structure(
                    list(loop_vars) if spread else [loop_vars],
                    list(result) if isinstance(result, (list, builtins.tuple)) else [result],
                    check_types=False,
                )
            except (TypeError, ValueError) as e:
                raise ValueError(
                    f"The body of tf.while_loop must return the loop variables' structure: {e}"
                ) from None
            body_structure["result"] = result
            return [_as_branch_value(v, graph)._output for v in nest.flatten(result)]

        outputs = _core.while_loop(
            core_callback(cond_fn),
            core_callback(body_fn),
            [v._output for v in values],
            invariants,
            None if limit is None else limit._output,
            bool(back_prop),
            scope,
        )
    # TensorArrays take what the body learned of their element shapes.
    body_result = body_structure["result"]
    leaves = nest.flatten(_packed(body_result, [graph._tensor_for(o) for o in outputs]))
    result = nest.pack_sequence_as(loop_vars if return_same_structure else body_result, leaves)
    if not return_same_structure and len(outputs) == 1:
        return nest.flatten(result)[0]
    return result


def _eager_while_loop(call, cond, body, loop_vars, maximum_iterations, return_same_structure):
    values = loop_vars
    iterations = 0
    limit = None if maximum_iterations is None else int(maximum_iterations)
    while (limit is None or iterations < limit) and bool(call(cond, values)):
        values = call(body, values)
        if not nest.is_sequence(values):
            values = [values]
        iterations += 1
    flat = nest.flatten(values)
    if not return_same_structure and len(flat) == 1:
        return flat[0]
    return values


def _as_tensor_shape(s):
    from varflow.tensor_shape import TensorShape

    return TensorShape(s)


def _shape_list(shape):
    return None if shape.rank is None else shape.as_list()


__all__ = ["Tensor", "case", "cond", "group", "no_op", "tuple", "while_loop"]
