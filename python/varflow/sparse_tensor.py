"""TF1's ``tf.SparseTensor``, ``tf.SparseTensorValue`` and ``tf.sparse_placeholder``.

A SparseTensor is three dense tensors in COO layout: ``indices`` (int64 ``[N, rank]``),
``values`` (``[N]``) and ``dense_shape`` (int64 ``[rank]``). ``Session.run`` fetches one as a
`SparseTensorValue` and takes a `SparseTensorValue` or an ``(indices, values, dense_shape)``
tuple as the feed of one.
"""

from __future__ import annotations

import collections

import numpy as np

from varflow import dtypes
from varflow import graph as graph_module
from varflow.tensor_shape import TensorShape


class SparseTensorValue(
    collections.namedtuple("SparseTensorValue", ["indices", "values", "dense_shape"])
):
    """The value of a `SparseTensor` as NumPy arrays (what ``Session.run`` returns for one)."""

    __slots__ = ()


class SparseTensor:
    """Represents a sparse tensor (TF1's ``tf.SparseTensor``).

    TensorFlow represents a sparse tensor as three separate dense tensors: `indices`, `values`,
    and `dense_shape`. `indices` is a 2-D int64 tensor of shape `[N, ndims]` holding the
    indices of the elements that contain nonzero values; `values` is a 1-D tensor of shape
    `[N]` with the value of each of them; `dense_shape` is a 1-D int64 tensor of shape
    `[ndims]`, the shape of the dense tensor. By convention `indices` are sorted in row-major
    order; `tf.sparse.reorder` sorts them.

    Example: ``SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])``
    represents ``[[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]``.
    """

    @classmethod
    def from_value(cls, sparse_tensor_value) -> SparseTensor:
        """A `SparseTensor` of constants from a `SparseTensorValue` (or passes a SparseTensor).

        Args:
          sparse_tensor_value: A `SparseTensorValue` (or a `SparseTensor`, returned as is).

        Returns:
          A `SparseTensor`.
        """
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        return cls(
            indices=sparse_tensor_value.indices,
            values=sparse_tensor_value.values,
            dense_shape=sparse_tensor_value.dense_shape,
        )

    def __init__(self, indices, values, dense_shape):
        """Creates a `SparseTensor`.

        Args:
          indices: A 2-D int64 tensor of shape `[N, ndims]`.
          values: A 1-D tensor of any type and shape `[N]`.
          dense_shape: A 1-D int64 tensor of shape `[ndims]`.

        Raises:
          ValueError: If the components' static shapes are inconsistent.
        """
        with graph_module.name_scope(None, "SparseTensor", []):
            self._indices = _int64_tensor(indices, "indices")
            self._values = graph_module.convert_to_tensor(values, name="values")
            self._dense_shape = _int64_tensor(dense_shape, "dense_shape")
        ix, vals, shape = self._indices.shape, self._values.shape, self._dense_shape.shape
        if ix.ndims is not None and ix.ndims != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {ix.ndims} for indices")
        if vals.ndims is not None and vals.ndims != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {vals.ndims} for values")
        if shape.ndims is not None and shape.ndims != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {shape.ndims} for dense_shape")
        n_ix = ix.as_list()[0] if ix.ndims == 2 else None
        n_v = vals.as_list()[0] if vals.ndims == 1 else None
        if n_ix is not None and n_v is not None and n_ix != n_v:
            raise ValueError(
                f"Dimensions {n_ix} and {n_v} are not compatible: indices has {n_ix} rows "
                f"and values {n_v} entries"
            )
        r_ix = ix.as_list()[1] if ix.ndims == 2 else None
        r_s = shape.as_list()[0] if shape.ndims == 1 else None
        if r_ix is not None and r_s is not None and r_ix != r_s:
            raise ValueError(
                f"Dimensions {r_ix} and {r_s} are not compatible: indices has {r_ix} columns "
                f"and dense_shape {r_s} entries"
            )
        self._static_shape = _static_shape(self._dense_shape)
        from varflow import session

        session._composite_feeds[0] = True

    # --- TF1's properties -------------------------------------------------------------------
    @property
    def indices(self):
        """The indices of the non-zero values: an int64 tensor of shape `[N, ndims]`."""
        return self._indices

    @property
    def values(self):
        """The non-zero values: a 1-D tensor of any dtype."""
        return self._values

    @property
    def dense_shape(self):
        """The shape of the dense tensor: an int64 tensor of shape `[ndims]`."""
        return self._dense_shape

    @property
    def dtype(self):
        """The `DType` of elements in this tensor."""
        return self._values.dtype

    @property
    def op(self):
        """The `Operation` that produces `values` as an output."""
        return self._values.op

    @property
    def graph(self):
        """The `Graph` that contains the index, value, and dense_shape tensors."""
        return self._indices.graph

    @property
    def shape(self) -> TensorShape:
        """The static `TensorShape` of the dense tensor (unknown parts as None)."""
        return self._static_shape

    def get_shape(self) -> TensorShape:
        """The static `TensorShape` of the dense tensor (as `shape`)."""
        return self._static_shape

    def eval(self, feed_dict=None, session=None) -> SparseTensorValue:
        """Evaluates this sparse tensor in a `Session` (the default one if none is given).

        Args:
          feed_dict: A dictionary that maps `Tensor` objects to feed values.
          session: The `Session` to use; the default session if None.

        Returns:
          A `SparseTensorValue`.
        """
        from varflow.session import _session_or_default

        return _session_or_default(session, self.graph).run(self, feed_dict=feed_dict)

    def consumers(self):
        """The operations that read any of the three components."""
        seen, out = set(), []
        for t in (self._indices, self._values, self._dense_shape):
            for op in t.consumers():
                if id(op) not in seen:
                    seen.add(id(op))
                    out.append(op)
        return out

    # --- Session.run: fetched as its three parts, fed as its three parts ---------------------
    @property
    def _fetch_parts(self):
        return [self._indices, self._values, self._dense_shape]

    @staticmethod
    def _fetch_combine(values):
        return SparseTensorValue(*values)

    def _feed_parts(self, value):
        """The (tensor, value) feeds that feeding `value` to this sparse tensor means."""
        if isinstance(value, SparseTensor):
            raise TypeError(
                "The value of a feed cannot be a tf.SparseTensor object; feed a "
                "tf.SparseTensorValue or an (indices, values, dense_shape) tuple"
            )
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            raise TypeError(
                f"Cannot feed {type(value).__name__} to SparseTensor {self!s}: feed a "
                "tf.SparseTensorValue or an (indices, values, dense_shape) tuple"
            )
        indices, values, dense_shape = value
        indices = np.asarray(indices, dtype=np.int64)
        if indices.ndim == 1 and indices.size == 0:
            indices = indices.reshape(0, np.asarray(dense_shape).size)
        return [
            (self._indices, indices),
            (self._values, values),
            (self._dense_shape, np.asarray(dense_shape, dtype=np.int64)),
        ]

    def __str__(self) -> str:
        return (
            f"SparseTensor(indices={self._indices}, values={self._values}, "
            f"dense_shape={self._dense_shape})"
        )

    __repr__ = __str__


def _int64_tensor(value, name):
    if isinstance(value, graph_module.Tensor):
        if value.dtype.base_dtype != dtypes.int64:
            raise TypeError(
                f"SparseTensor's {name} must be int64, got a tensor of dtype {value.dtype.name}"
            )
        return value
    arr = np.asarray(value)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"SparseTensor's {name} must be integers, got {arr.dtype}")
    return graph_module.constant(arr.astype(np.int64), dtype=dtypes.int64, name=name)


def _static_shape(dense_shape) -> TensorShape:
    numpy = getattr(dense_shape, "numpy", None)
    if callable(numpy):
        return TensorShape([int(v) for v in np.asarray(numpy()).reshape(-1)])
    if dense_shape.op.type == "Const":
        value = dense_shape.op.get_attr("value")
        return TensorShape([int(v) for v in np.asarray(value).reshape(-1)])
    s = dense_shape.shape
    if s.ndims == 1 and s.as_list()[0] is not None:
        return TensorShape([None] * int(s.as_list()[0]))
    return TensorShape(None)


def is_sparse(x) -> bool:
    """Whether `x` is a `SparseTensor` or a `SparseTensorValue`.

    Args:
      x: Any object.

    Returns:
      True for a `SparseTensor` or a `SparseTensorValue`.
    """
    return isinstance(x, (SparseTensor, SparseTensorValue))


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """A `SparseTensor` for a `SparseTensorValue`, a `SparseTensor` as is, else a `Tensor`.

    Args:
      value: A `SparseTensor`, `SparseTensorValue`, or an object `convert_to_tensor` takes.
      dtype: Optional element type for the returned tensor.
      name: Optional name to use if a new `Tensor` is created.

    Returns:
      A `SparseTensor` or a `Tensor`.

    Raises:
      ValueError: If a sparse `value`'s dtype is not `dtype`.
    """
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(
                f"Sparse dtype: requested = {dtypes.as_dtype(dtype).name}, "
                f"actual = {value.dtype.name}"
            )
        return value
    return graph_module.convert_to_tensor(value, dtype=dtype, name=name)


def _convert_to_sparse_tensor(sp_input) -> SparseTensor:
    """`sp_input` as a SparseTensor; a TypeError for anything else (TF1's message)."""
    if isinstance(sp_input, SparseTensorValue):
        return SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    return sp_input


def sparse_placeholder(dtype, shape=None, name=None) -> SparseTensor:
    """Inserts a placeholder for a sparse tensor that will be always fed.

    Feed it a `tf.SparseTensorValue` or an ``(indices, values, dense_shape)`` tuple.

    Args:
      dtype: The type of `values` elements in the tensor to be fed.
      shape: The shape of the tensor to be fed (optional). If fully known, `dense_shape` is a
        constant; otherwise it is a placeholder too.
      name: A name prefix for the operations (optional).

    Returns:
      A `SparseTensor` that may be used as a handle for feeding a value, but not evaluated
      directly.

    Raises:
      RuntimeError: If eager execution is enabled.
    """
    from varflow import array_ops

    if graph_module.get_default_graph()._is_eager:
        raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
    dtype = dtypes.as_dtype(dtype)
    shape_name = f"{name}/shape" if name is not None else None
    rank = None
    dense_shape = None
    if shape is not None:
        dims = TensorShape(shape)
        rank = dims.ndims
        if dims.is_fully_defined():
            dense_shape = graph_module.constant(
                np.asarray(dims.as_list(), dtype=np.int64),
                dtype=dtypes.int64,
                name=shape_name or "Const",
            )
    if dense_shape is None:
        dense_shape = array_ops.placeholder(dtypes.int64, shape=[rank], name=shape_name)
    values = array_ops.placeholder(
        dtype, shape=[None], name=f"{name}/values" if name is not None else None
    )
    indices = array_ops.placeholder(
        dtypes.int64, shape=[None, rank], name=f"{name}/indices" if name is not None else None
    )
    return SparseTensor(indices=indices, values=values, dense_shape=dense_shape)
