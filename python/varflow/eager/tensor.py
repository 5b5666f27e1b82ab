"""Eager tensors: the value an op produced when it ran, with TF's printing and conversions.

An EagerTensor keeps its value as a NumPy array that shares the C++ buffer. While the node that
produced it is still in the eager graph (same release epoch), ops read it through that node, so
a GradientTape can follow it; afterwards it enters a graph again as a constant.
"""

from __future__ import annotations

import numpy as np

from varflow import dtypes
from varflow.graph import Operation, Tensor
from varflow.tensor_shape import TensorShape


def _shape_text(shape) -> str:
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "(" + ", ".join(str(d) for d in shape) + ")"


class EagerTensor(Tensor):
    """A computed value (TF's ``tf.Tensor`` in eager mode)."""

    __slots__ = ("_array", "_dtype", "_eager_graph", "_epoch", "_live", "_node_output")

    def __init__(self, graph, output, array=None, live=False):
        """Wraps a value the eager context computed; eager tensors are made by running ops.

        Args:
          graph: The eager graph (context) the value belongs to.
          output: The C++ core's output handle.
          array: The value as a NumPy array, if already fetched.
          live: True for a variable's own output, whose value is read at each use.
        """
        self._eager_graph = graph
        self._node_output = output
        self._epoch = graph._context.epoch
        self._live = live  # a variable's own output: its value is read at each use
        self._dtype = dtypes.as_dtype(output.dtype)
        self._array = None if live else (graph._context.value(output) if array is None else array)

    @classmethod
    def _from_value(cls, graph, array):
        """A value no node of the eager graph holds (a tf.function's result): ops that use it
        read it as a constant."""
        t = cls.__new__(cls)
        t._eager_graph = graph
        t._node_output = None
        t._epoch = -1
        t._live = False
        t._dtype = dtypes.as_dtype(array.dtype)
        t._array = array
        return t

    # --- what the graph code reads ---------------------------------------------------------
    @property
    def _output(self):
        if self._alive():
            return self._node_output
        context = self._eager_graph._context
        # Its op was released: the value enters the graph again as a constant.
        self._node_output = context.constant(self._array, "Const")
        self._epoch = context.epoch
        return self._node_output

    def _detach(self) -> None:
        """Makes later uses read the value as a constant (ops run under stop_recording)."""
        if not self._live:
            self._epoch = -1

    def _alive(self) -> bool:
        return self._live or self._epoch == self._eager_graph._context.epoch

    @property
    def _op(self):
        if not self._alive():
            raise AttributeError("Tensor.op is meaningless when eager execution is enabled.")
        return EagerOperation(self._eager_graph, self._node_output.node)

    @property
    def _index(self):
        return self._node_output.index

    @property
    def op(self):
        """The op that computed this value (TF: meaningless in eager mode, once released)."""
        return self._op

    @property
    def graph(self):
        """The eager graph."""
        return self._eager_graph

    @property
    def name(self) -> str:
        """A variable's own output has TF's name; other eager values have none."""
        if self._live:  # a variable's own output
            return f"{self._node_output.node.name}:{self._node_output.index}"
        raise AttributeError("Tensor.name is meaningless when eager execution is enabled.")

    @property
    def dtype(self) -> dtypes.DType:
        """The value's dtype."""
        return self._dtype

    @property
    def shape(self) -> TensorShape:
        """The value's shape (a variable's declared shape)."""
        if self._live:
            return TensorShape(self._node_output.shape)
        return TensorShape(self._array.shape)

    @property
    def device(self) -> str:
        """Where the value lives: the CPU, as TF names it."""
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def set_shape(self, shape) -> None:
        """Checks `shape` against the value's shape (an eager value's shape is known).

        Args:
          shape: A `TensorShape` (or list) that must be compatible with the value's shape.

        Raises:
          ValueError: If `shape` is not compatible with the value's shape.
        """
        if not self.shape.is_compatible_with(shape):
            raise ValueError(
                f"Tensor's shape {self.shape} is not compatible with supplied shape "
                f"{TensorShape(shape)}"
            )

    def consumers(self):
        """Graph-only (TF raises in eager mode)."""
        raise AttributeError("Tensor.consumers is meaningless when eager execution is enabled.")

    def eval(self, feed_dict=None, session=None):
        """Refuses: `eval` is graph-only; use `.numpy()` (TF's message).

        Args:
          feed_dict: Ignored.
          session: Ignored.

        Raises:
          NotImplementedError: Always.
        """
        raise NotImplementedError(
            "eval is not supported when eager execution is enabled, is .numpy() what you're "
            "looking for?"
        )

    # --- the value --------------------------------------------------------------------------
    def _value(self) -> np.ndarray:
        if self._live:
            return self._eager_graph._context.value(self._node_output)
        return self._array

    def numpy(self):
        """The value as a NumPy array (a copy), or a NumPy scalar for a rank-0 tensor."""
        value = self._value()
        return value[()] if value.ndim == 0 else value.copy()

    def __array__(self, dtype=None, copy=None):
        value = self._value()
        return value.astype(dtype) if dtype is not None else value.copy()

    def __bool__(self) -> bool:
        return bool(self._value())

    def __float__(self) -> float:
        return float(self._value())

    def __int__(self) -> int:
        return int(self._value())

    def __index__(self) -> int:
        value = self._value()
        if value.ndim != 0 or value.dtype.kind not in "iub":
            raise TypeError("Only integer scalar tensors can be converted to an index")
        return int(value)

    def __len__(self) -> int:
        value = self._value()
        if value.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return int(value.shape[0])

    def __iter__(self):
        value = self._value()
        if value.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for i in range(value.shape[0]):
            yield self[i]

    def __hash__(self) -> int:
        return id(self)

    def __format__(self, format_spec) -> str:
        value = self._value()
        if value.ndim == 0 and format_spec:
            return format(value[()], format_spec)
        return format(str(self), format_spec)

    def __str__(self) -> str:
        return (
            f"tf.Tensor({_numpy_text(self._value())}, shape={_shape_text(self._value().shape)}, "
            f"dtype={self._dtype.name})"
        )

    def __repr__(self) -> str:
        value = self._value()
        return (
            f"<tf.Tensor: shape={_shape_text(value.shape)}, dtype={self._dtype.name}, "
            f"numpy={_numpy_text(value, is_repr=True)}>"
        )


def _numpy_text(value: np.ndarray, is_repr: bool = False) -> str:
    """The value as TF prints it: NumPy's formatting (a scalar as its plain number)."""
    if value.ndim == 0:
        return str(value[()])
    return repr(value) if is_repr else np.array2string(value)


class EagerOperation(Operation):
    """An op that already ran: its outputs are EagerTensors. Its name and type outlive the
    node, which a release removes from the eager graph."""

    __slots__ = ("_eager_node", "_epoch", "_name", "_type")

    def __init__(self, graph, node):
        self._graph = graph
        self._eager_node = node
        self._epoch = graph._context.epoch
        self._name = node.name
        self._type = node.type
        self._outputs = tuple(
            EagerTensor(graph, node.output(i), live=self._type == "VariableV2")
            for i in range(node.num_outputs)
        )

    @property
    def _node(self):
        if self._type != "VariableV2" and self._epoch != self._graph._context.epoch:
            raise RuntimeError(f"The eager op {self._name} was released; only its outputs remain.")
        return self._eager_node

    @property
    def name(self) -> str:
        """The node's name (kept after a release)."""
        return self._name

    @property
    def type(self) -> str:
        """The op type (kept after a release)."""
        return self._type

    def run(self, feed_dict=None, session=None) -> None:
        """Does nothing: eager ops ran when they were created.

        Args:
          feed_dict: Ignored.
          session: Ignored.
        """
