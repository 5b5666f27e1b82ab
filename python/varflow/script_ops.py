"""Python functions as graph ops: tf.py_func, tf.numpy_function and tf.py_function.

Each call registers its Python callable with the C++ core under a fresh token ("pyfunc_N", as
TF1 names them); the op's kernel calls it with NumPy arrays (or, for py_function, eager
tensors) and checks what it returns. A callable is dropped when its graph is.
"""

from __future__ import annotations

import itertools
import threading
import weakref

import numpy as np

from varflow import _core, dtypes
from varflow.graph import Operation, Tensor, convert_to_tensor, get_default_graph

_tokens = itertools.count()
_token_lock = threading.Lock()


def _next_token() -> str:
    with _token_lock:
        return f"pyfunc_{next(_tokens)}"


def _as_arrays(result) -> list:
    """TF1's FuncRegistry._convert: each returned value as a NumPy array of its own dtype (a
    Python float is float64, an int int64); str values are encoded as UTF-8 bytes."""
    if result is None:
        return []
    values = list(result) if isinstance(result, (list, tuple)) else [result]
    arrays = []
    for value in values:
        array = np.asarray(value, order="C")
        if array.dtype.kind == "U":
            array = np.vectorize(lambda s: s.encode("utf-8"), otypes=[object])(array)
        elif array.dtype.kind == "S":
            array = array.astype(object)
        arrays.append(array)
    return arrays


def _release_with_graph(graph, tokens) -> None:
    """Unregisters `tokens` when `graph` is garbage collected (TF1 keeps a graph's py_funcs
    alive exactly as long as the graph)."""
    weakref.finalize(graph, _unregister_all, tokens)


def _unregister_all(tokens) -> None:
    for token in tokens:
        _core.unregister_host_function(token)


def _type_list(Tout):
    is_list = isinstance(Tout, (list, tuple))
    return is_list, [dtypes.as_dtype(t) for t in (Tout if is_list else [Tout])]


def _build(op_type, func_for_core, inp, Tout, name, extra_tokens=()):
    graph = get_default_graph()
    inputs = [convert_to_tensor(x) for x in inp]
    is_list, out_types = _type_list(Tout)
    token = _next_token()
    _core.register_host_function(token, func_for_core)
    tokens = [token, *(token + suffix for suffix, _ in extra_tokens)]
    for suffix, fn in extra_tokens:
        _core.register_host_function(token + suffix, fn)
    if not getattr(graph, "_is_eager", False):
        _release_with_graph(graph, tokens)
    attrs = {
        "token": token,
        "Tin": [int(t.dtype.base_dtype._core) for t in inputs],
        "Tout": [int(t.base_dtype._core) for t in out_types],
    }
    op = graph.create_op(op_type, inputs, attrs, name=name or op_type)
    if not out_types:
        return op
    outputs = list(op._outputs)
    return outputs if is_list else outputs[0]


def _numpy_caller(func):
    def call(arrays):
        return _as_arrays(func(*arrays))

    return call


def py_func(func, inp, Tout, stateful=True, name=None) -> Tensor | list[Tensor] | Operation:
    """Wraps a python function and uses it as a TensorFlow op.

    Given a python function `func`, which takes numpy arrays as its arguments and returns numpy
    arrays as its outputs, wrap this function as an operation in a graph. The op runs `func`
    each time it runs, on the session's thread, holding the GIL for the call; the arrays it
    receives are copies, so it may modify them. Its outputs have unknown shapes (use
    `set_shape` where they are known). The op has no gradient (`tf.gradients` gives None
    through it), as in TF1.

    Args:
      func: A Python function, which accepts `ndarray` objects as arguments and returns a
        list of `ndarray` objects (or a single `ndarray`). Each returned value must have the
        dtype of the corresponding entry of `Tout` exactly: a Python float is float64, an int
        int64.
      inp: A list of `Tensor` objects.
      Tout: A list or tuple of dtypes, or a single dtype, giving what `func` returns.
      stateful: If True (default), the op is stateful (`PyFunc`): it runs every time, and is
        never pruned or merged. If False, it is `PyFuncStateless`.
      name: A name for the operation (optional).

    Returns:
      A list of `Tensor` (or a single `Tensor` if `Tout` is a single dtype) that `func`
      computes; the `Operation` when `Tout` is empty.

    Raises:
      InvalidArgumentError: At run time, when `func` returns the wrong number of values or a
        value of the wrong dtype, or raises ValueError or TypeError. Other exceptions raise
        TF1's classes: StopIteration OutOfRangeError, NotImplementedError
        UnimplementedError, MemoryError ResourceExhaustedError, anything else UnknownError;
        the message holds the Python traceback.
    """
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    return _build(op_type, _numpy_caller(func), inp, Tout, name)


def numpy_function(func, inp, Tout, stateful=True, name=None):
    """Wraps a python function and uses it as a TensorFlow op (TF's newer name of `py_func`).

    Args:
      func: A Python function taking and returning NumPy arrays, as for `tf.py_func`.
      inp: A list of `Tensor` objects.
      Tout: A list or tuple of dtypes, or a single dtype.
      stateful: Whether the op is stateful (`PyFunc`, the default) or not (`PyFuncStateless`).
      name: A name for the operation (optional).

    Returns:
      What `tf.py_func` returns.

    Raises:
      InvalidArgumentError: As for `tf.py_func`.
    """
    return py_func(func, inp, Tout, stateful=stateful, name=name)


def _eager_callers(func, num_inputs):
    """The forward host function of a py_function op, which runs `func` on eager tensors under
    a tape, and the gradient's, which replays that tape on the output gradients (TF1's
    EagerFunc and _EagerPyFuncGrad). Forward calls push their tapes and gradient calls pop
    them in order, so a step that runs the op once and its gradient once pairs them up."""
    from varflow.eager import backprop, context

    pending = []
    lock = threading.Lock()
    eager = context.EagerGraph()

    def forward(arrays):
        with eager.as_default():
            args = [convert_to_tensor(a) for a in arrays]
            with backprop.GradientTape(persistent=True) as tape:
                for a in args:
                    tape.watch(a)
                result = func(*args)
            flat = (
                []
                if result is None
                else (list(result) if isinstance(result, (list, tuple)) else [result])
            )
            outputs = [convert_to_tensor(r) for r in flat]
            with lock:
                pending.append((tape, args, outputs))
            return [np.asarray(o.numpy()) for o in outputs]

    def backward(arrays):
        with lock:
            if not pending:
                raise ValueError("the gradient of a py_function ran before its forward call")
            tape, args, outputs = pending.pop(0)
        with eager.as_default():
            dys = [convert_to_tensor(a) for a in arrays]
            grads = tape.gradient(outputs, args, output_gradients=dys)
            return [
                np.zeros(a.shape, a.dtype.as_numpy_dtype) if g is None else np.asarray(g.numpy())
                for g, a in zip(grads, args, strict=True)
            ]

    return forward, backward


def py_function(func, inp, Tout, name=None):
    """Wraps a python function into a TensorFlow op that executes it eagerly.

    Unlike `tf.py_func`, `func` receives eager tensors and may use TensorFlow ops on them;
    the op (`EagerPyFunc`) is differentiable: `tf.gradients` through it replays, on the output
    gradients, a gradient tape recorded while `func` ran. With eager execution enabled,
    `func` is simply called, so an enclosing `GradientTape` sees its ops.

    Args:
      func: A Python function which accepts a list of `Tensor` objects having element types
        that match the corresponding `tf.Tensor` objects in `inp` and returns a list of
        `Tensor` objects (or a single `Tensor`, or `None`) with the dtypes of `Tout`.
      inp: A list of `Tensor` objects.
      Tout: A list or tuple of dtypes, or a single dtype, giving what `func` returns; an empty
        list if it returns nothing.
      name: A name for the operation (optional).

    Returns:
      A list of `Tensor` or a single `Tensor` which `func` computes; the `Operation` when
      `Tout` is empty.

    Raises:
      InvalidArgumentError: At run time, as for `tf.py_func`.
    """
    graph = get_default_graph()
    if getattr(graph, "_is_eager", False):
        is_list, out_types = _type_list(Tout)
        result = func(*[convert_to_tensor(x) for x in inp])
        if not out_types:
            return None
        flat = list(result) if isinstance(result, (list, tuple)) else [result]
        outs = [convert_to_tensor(r, dtype=t) for r, t in zip(flat, out_types, strict=True)]
        return outs if is_list else outs[0]
    forward, backward = _eager_callers(func, len(inp))
    return _build("EagerPyFunc", forward, inp, Tout, name, extra_tokens=((":grad", backward),))
