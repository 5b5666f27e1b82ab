"""``tf.function``: a Python function traced once per input signature and replayed.

The first call with a signature runs the function eagerly, holding the eager graph, and keeps
the nodes it ran as a C++ ``EagerFunction``: everything its results depend on, and every op that
updates a variable (an optimizer step, ``assign_add``), but not the initialisers of variables
the trace created. Later calls run those nodes' kernels again on the new arguments, with no
Python per op. As in TF, Python side effects (print, list appends) happen during tracing only,
and Python values among the arguments are part of the signature.

In graph mode the function is called as it is (its ops join the graph being built); under a
recording GradientTape it runs eagerly, so that the tape sees its ops.
"""

from __future__ import annotations

import functools

import numpy as np

from varflow import graph as graph_module
from varflow.eager.tensor import EagerTensor


def _leaves(structure, out: list) -> None:
    if isinstance(structure, (list, tuple)):
        for s in structure:
            _leaves(s, out)
    elif isinstance(structure, dict):
        for k in sorted(structure):
            _leaves(structure[k], out)
    else:
        out.append(structure)


def _rebuild(structure, replace):
    if isinstance(structure, (list, tuple)):
        items = [_rebuild(s, replace) for s in structure]
        return type(structure)(items) if isinstance(structure, tuple) else items
    if isinstance(structure, dict):  # in _leaves' order
        return {k: _rebuild(structure[k], replace) for k in sorted(structure)}
    return replace(structure)


def _is_tensor_argument(value) -> bool:
    return isinstance(value, (EagerTensor, np.ndarray))


class Function:
    """A traced Python function (what ``tf.function`` returns)."""

    def __init__(self, python_function, input_signature=None, autograph=True):
        """Wraps `python_function`, traced once per input signature when it is called eagerly.

        Args:
          python_function: The Python function to trace.
          input_signature: Not supported by varflow yet (refused rather than ignored).
          autograph: Accepted; varflow does not convert Python control flow.

        Raises:
          ValueError: If `input_signature` is given.
        """
        if input_signature is not None:
            # Said plainly rather than ignored: varflow has no tf.TensorSpec yet, and a
            # signature that is not honoured would retrace where TF would not.
            raise ValueError("varflow's tf.function does not take an input_signature yet")
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._traces: dict = {}

    def __get__(self, instance, owner):
        # Decorating a method: bind it, keeping one trace cache per instance.
        if instance is None:
            return self
        bound = instance.__dict__.get(f"__tf_function_{id(self)}")
        if bound is None:
            bound = Function(self._python_function.__get__(instance, owner))
            instance.__dict__[f"__tf_function_{id(self)}"] = bound
        return bound

    def __call__(self, *args, **kwargs):
        """Calls the function with `args` and `kwargs`.

        Eagerly, it replays the trace for these arguments' signature (tracing first if there is
        none); in graph mode or under a recording tape it runs the Python function itself.

        Args:
          *args: The function's positional arguments.
          **kwargs: The function's keyword arguments.

        Returns:
          What the Python function returns, with tensors as `EagerTensor` values.
        """
        graph = graph_module.get_default_graph()
        if not graph._is_eager or graph._recording():
            return self._python_function(*args, **kwargs)
        arguments: list = []
        _leaves((args, kwargs), arguments)
        tensors = [a for a in arguments if _is_tensor_argument(a)]
        key = tuple(
            ("tensor", str(np.asarray(a).dtype), np.shape(a))
            if _is_tensor_argument(a)
            else ("value", type(a).__name__, a if _hashable(a) else id(a))
            for a in arguments
        )
        trace = self._traces.get(key)
        if trace is None:
            return self._trace(graph, key, args, kwargs)
        core_function, structure = trace
        values = [np.asarray(t._value() if isinstance(t, EagerTensor) else t) for t in tensors]
        results = iter(graph._context.call(core_function, values))
        return _rebuild(
            structure,
            lambda leaf: (
                EagerTensor._from_value(graph, next(results)) if isinstance(leaf, _Result) else leaf
            ),
        )

    def _trace(self, graph, key, args, kwargs):
        context = graph._context
        # tf.cond and tf.while_loop run eagerly here, so a trace holds only the branch taken and
        # the iterations run for these values: such a function is run eagerly on every call
        # instead of replayed (varflow has no autograph to build If/While nodes from Python).
        outer_flag = graph._value_dependent_control_flow
        graph._value_dependent_control_flow = False
        try:
            return self._trace_once(graph, context, key, args, kwargs)
        finally:
            graph._value_dependent_control_flow = outer_flag or graph._value_dependent_control_flow

    def _trace_once(self, graph, context, key, args, kwargs):
        with graph._hold():
            first_node = graph._core.num_nodes
            leaves = []

            def as_leaf(value):
                if not _is_tensor_argument(value):
                    return value
                array = np.asarray(value._value() if isinstance(value, EagerTensor) else value)
                out = context.constant(np.asarray(array, order="C"), "arg")
                leaves.append(out)
                return graph._tensor_for(out)

            traced_args, traced_kwargs = _rebuild((list(args), kwargs), as_leaf)
            result = self._python_function(*traced_args, **traced_kwargs)
            outputs = []

            def mark(leaf):
                if isinstance(leaf, EagerTensor):
                    outputs.append(leaf._output)
                    return _Result()
                return leaf

            structure = _rebuild(result, mark)
            if graph._value_dependent_control_flow:
                return result
            core_function = context.make_function(first_node, leaves, outputs)
        self._traces[key] = (core_function, structure)
        return result


class _Result:
    """Where a tensor stands in a traced function's result structure."""


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def function(func=None, input_signature=None, autograph=True, experimental_compile=None):
    """Creates a callable TensorFlow graph from a Python function.

    `function` constructs a callable that executes a TensorFlow graph created by tracing
    the TensorFlow operations in `func`. Use it as a decorator or a call: `tf.function(f)`.
    varflow keeps each trace as a C++ `EagerFunction` replayed kernel by kernel. Autograph
    is not applied: Python control flow on tensor values follows the values seen while
    tracing.

    Args:
      func: the function to be compiled. If `func` is None, returns a decorator that can be
        invoked with a single argument - `func`.
      input_signature: Not supported by varflow yet (raises ValueError).
      autograph: Whether autograph should be applied on `func` (accepted; not applied).
      experimental_compile: Accepted and ignored.

    Returns:
      If `func` is not None, returns a callable that will execute the compiled function (and
      return zero or more `tf.Tensor` objects). If `func` is None, returns a decorator that,
      when invoked with a single `func` argument, returns a callable equivalent to the case
      above.
    """
    if func is None:
        return lambda f: Function(f, input_signature, autograph)
    return Function(func, input_signature, autograph)
