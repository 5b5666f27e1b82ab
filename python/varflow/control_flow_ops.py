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
    """Creates an op that does nothing, a target for control edges.

    Args:
      name: A name for the operation (optional); defaults to ``NoOp``.

    Returns:
      The created ``Operation`` (a ``NoOp`` node, with no outputs).
    """
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
    """Creates an op that runs all of ``inputs``.

    The op is a ``NoOp`` with a control edge from each input (from a tensor's producing
    op): running it runs them all, and it has no output.

        train = tf.group(update_w, update_b, name="train")
        sess.run(train)

    Args:
      *inputs: Zero or more tensors or operations to group, possibly nested in lists, tuples
        or dicts (dicts are read in sorted-key order, as TF1's ``nest.flatten`` reads them).
      name: A name for this operation (optional); defaults to ``group_deps``.

    Returns:
      An ``Operation`` that executes all its inputs.

    Raises:
      TypeError: if an input is neither a tensor nor an operation.
    """
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
    """Returns ``tensors`` gated so that none is available before all are computed.

    Each result is an ``Identity`` of its tensor behind a ``group`` of them all (and of
    ``control_inputs``), so any consumer of one result waits for every tensor: a join
    after computations that may run in parallel. The optimizers' ``GATE_OP`` gradients are
    gated this way.

    Args:
      tensors: A list of tensors (``None`` entries are passed through).
      name: (optional) A name to use as a ``name_scope`` for the operation; defaults to
        ``tuple``.
      control_inputs: More ops (or tensors) to wait for, whose values are not returned.

    Returns:
      Same as ``tensors``: a list of the gated identities (``None`` where ``tensors`` had
      ``None``).

    Raises:
      TypeError: if an element of ``tensors`` or ``control_inputs`` is neither a tensor nor
        an operation.
    """
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
    """Returns ``true_fn()`` if ``pred`` is true, else ``false_fn()``; only that branch runs.

    Both functions return a tensor, an Operation, or a (nested) tuple, list or dict of
    them, with the same structure and dtypes in both branches.

    The functions are called once each, at graph build; the ops they create belong to their
    branch (named under ``cond/``) and run only when that branch is taken, as one functional
    ``If`` node that the executor runs. Tensors created outside the functions are read
    directly, and run whichever branch is taken: in

        scale = tf.exp(w)
        y = tf.cond(training, lambda: x * scale, lambda: tf.identity(x))

    ``tf.exp`` runs at every step, the product only when ``training`` is true. Variables
    created in a branch are created outside it, once. An Operation returned by a branch
    becomes a boolean ``True`` that runs it.

    Example, the absolute difference of two numbers:

        x, y = tf.constant(3.0), tf.constant(5.0)
        d = tf.cond(x > y, lambda: x - y, lambda: y - x)  # 2.0

    Args:
      pred: A boolean scalar tensor choosing the branch.
      true_fn: The callable building the branch taken when ``pred`` is true.
      false_fn: The callable building the branch taken when ``pred`` is false.
      strict: If False (the default, as in TF1), a result that is a one-element list or
        tuple is unpacked to its element; if True, it is returned as the branch made it.
      name: The name scope of the branches' ops (default ``cond``).
      fn1: Deprecated name of ``true_fn``.
      fn2: Deprecated name of ``false_fn``.

    Returns:
      The taken branch's results, in ``true_fn``'s structure.

    Raises:
      TypeError: if ``true_fn`` or ``false_fn`` is not callable, both a function and its
        deprecated name are given, or ``pred`` is a Python bool.
      ValueError: if the branches return different structures, numbers or dtypes of
        results, or nothing.
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
      default: callable for when no predicate holds; None uses the last pair's callable,
        which then asserts (as TF1) that its predicate holds.
      exclusive: True asserts at run time that at most one predicate holds
        (InvalidArgumentError "Input error: exclusive=True: more than 1 conditions (...)
        evaluated as True").
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
    all_preds = [p for p, _ in pairs]
    if default is None:
        if not pairs:
            raise ValueError("pred_fn_pairs and default cannot both be empty")
        default = _asserting_default(pairs[-1][0], pairs[-1][1], all_preds)
        pairs = pairs[:-1]
    with name_scope(name, "case"):
        fn = default
        for pred, branch_fn in reversed(pairs):
            fn = _chained_cond(pred, branch_fn, fn)
        if exclusive:
            from varflow.graph import control_dependencies

            check = _assert_at_most_n_true(all_preds, 1, "Input error: exclusive=True")
            with control_dependencies([check]):
                result = fn()
        else:
            result = fn()
    return result if strict else _unpack_singleton(result)


def _assert_at_most_n_true(preds, n, msg):
    """An Assert that at most `n` of the bool scalars `preds` hold (TF1's message)."""
    from varflow import array_ops, dtypes, math_ops
    from varflow.check_ops import Assert

    preds_c = array_ops.stack(preds, name="preds_c")
    num_true = math_ops.reduce_sum(math_ops.cast(preds_c, dtypes.int32), name="num_true_conds")
    names = ", ".join(getattr(p, "name", "?") for p in preds)
    data = [f"{msg}: more than {n} conditions ({names}) evaluated as True:", preds_c]
    return Assert(math_ops.less_equal(num_true, n), data, summarize=len(preds))


def _asserting_default(pred, action, all_preds):
    """TF1's default for `case(default=None)`: the last pair's callable, asserting that its
    predicate holds (none holding is an input error) and that no other one does."""

    def default():
        from varflow import array_ops
        from varflow.check_ops import Assert
        from varflow.graph import control_dependencies

        checks = [
            Assert(
                pred,
                [
                    "Input error: None of conditions evaluated as True:",
                    array_ops.stack(all_preds, name="preds_c"),
                ],
            )
        ]
        if len(all_preds) > 1:
            checks.insert(
                0,
                _assert_at_most_n_true(
                    all_preds[:-1],
                    0,
                    f"Implementation error: selected default action #{len(all_preds) - 1} was "
                    "called, but some of other predicates are True: ",
                ),
            )
        with control_dependencies(checks):
            out = action()
            return nest.map_structure(
                lambda t: array_ops.identity(t) if isinstance(t, Tensor) else t, out
            )

    return default


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
    """Repeats ``body`` while ``cond`` holds, and returns the loop variables' final values.

    ``loop_vars`` is a tensor, a ``TensorArray``, or a tuple, namedtuple or list (nested or
    not) of them; Python numbers and NumPy arrays are converted to tensors. ``cond`` and
    ``body`` are called with the loop variables as separate arguments (one per element of
    a list or tuple): ``cond`` returns a boolean scalar tensor, ``body`` the next values, in
    the structure, dtypes and shape invariants of ``loop_vars``.

    ``cond`` and ``body`` are called once each, at graph build, to make the loop's
    condition and body; the loop itself runs when its result is evaluated, as one
    functional ``While`` node that the executor runs (its body is a sub-plan). The body's
    ops are named under ``while/``; tensors from outside the loop are read directly.

    A loop variable keeps the shape it enters the loop with, unless ``shape_invariants``
    allows a less specific one: a ``ValueError`` names a variable whose shape changes across
    iterations. ``maximum_iterations`` bounds the number of iterations even if ``cond``
    stays true.

    Gradients flow through the loop: the forward loop saves the values the backward loop
    needs (``back_prop=False`` stops them). Gradients of those gradients are TF1's
    ``TypeError`` ("Second-order gradient for while loops not supported."), as in TF1's
    control flow v1.

    Unlike TF1, iterations never overlap: each runs its condition, then its body, before the
    next starts, so ``parallel_iterations`` changes nothing. The values are the same as
    TF1's (every op of an iteration reads that iteration's values, whichever order TF1 runs
    independent ops in; stateful ops without control dependencies see iteration order here,
    an arbitrary interleaving in TF1); the cost is that independent iterations (a ``map_fn``
    of small ops) use one core at a time where TF1 may spread up to ``parallel_iterations``
    of them over the inter-op threads (docs/control_flow.md). ``swap_memory`` changes
    nothing either.

    Example, the sum of 1..10:

        i0, total0 = tf.constant(1), tf.constant(0)
        _, total = tf.while_loop(lambda i, t: i <= 10, lambda i, t: (i + 1, t + i),
                                 [i0, total0])  # total: 55

    Loop variables may nest; here a namedtuple steps through the Fibonacci numbers:

        Fib = collections.namedtuple("Fib", "a, b")
        n, fib = tf.while_loop(lambda n, f: n < 10,
                               lambda n, f: (n + 1, Fib(f.b, f.a + f.b)),
                               (tf.constant(0), Fib(tf.constant(0), tf.constant(1))))
        # fib: Fib(a=55, b=89)

    Args:
      cond: The loop condition: a callable of the loop variables returning a boolean
        scalar tensor.
      body: The loop body: a callable of the loop variables returning their next values.
      loop_vars: The initial values: tensors, ``TensorArray``s, arrays or numbers, possibly
        nested in tuples, namedtuples and lists.
      shape_invariants: The shape invariants for the loop variables, in the structure of
        ``loop_vars`` (``TensorShape``s or lists with ``None`` for a dimension that may
        vary). Default: each variable's initial shape.
      parallel_iterations: How many iterations TF1 may run at once; a positive integer.
        varflow runs the iterations one after another (same values; see above).
      back_prop: If False, ``tf.gradients`` does not go through the loop.
      swap_memory: Accepted for TF1 compatibility (GPU-CPU memory swapping; varflow runs on
        the CPU).
      name: The name scope of the loop's ops (default ``while``).
      maximum_iterations: Optional int32 scalar: the loop stops after this many
        iterations even if ``cond`` still holds.
      return_same_structure: If True, the result always has the structure of
        ``loop_vars``; if False (TF1's default), a single loop variable comes back alone.

    Returns:
      The loop variables' values after the last iteration, in the structure of
      ``loop_vars`` (a single tensor for one loop variable unless
      ``return_same_structure``); ``TensorArray``s come back as ``TensorArray``s.

    Raises:
      TypeError: if ``cond`` or ``body`` is not callable, or ``parallel_iterations`` is not
        positive.
      ValueError: if ``loop_vars`` is empty, or the body's results do not match the loop
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
