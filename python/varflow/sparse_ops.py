"""TF1's sparse ops (``tf.sparse.*`` and the ``tf.sparse_*`` names) over the C++ sparse ops.

Each function keeps TF1's signature, default names and build-time errors; the work is one
registered op (SparseToDense, SparseReorder, SparseReshape, SparseAdd, SparseTensorDenseAdd,
SparseReduceSum, SparseTensorDenseMatMul, SparseFillEmptyRows, SparseSegment*, GatherNd,
ScatterNd), whose kernel validates the indices.
"""

from __future__ import annotations

import numpy as np

from varflow import _core, dtypes
from varflow import graph as graph_module
from varflow.graph import Tensor, convert_to_tensor, get_default_graph, name_scope
from varflow.sparse_tensor import (
    SparseTensor,
    SparseTensorValue,
    _convert_to_sparse_tensor,
    convert_to_tensor_or_sparse_tensor,  # noqa: F401 - tf.sparse's name
    sparse_placeholder,
)

__all__ = [
    "SparseTensor",
    "SparseTensorValue",
    "add",
    "fill_empty_rows",
    "from_dense",
    "gather_nd",
    "reduce_sum",
    "reorder",
    "reset_shape",
    "reshape",
    "retain",
    "scatter_nd",
    "sparse_add",
    "sparse_fill_empty_rows",
    "sparse_placeholder",
    "sparse_reduce_sum",
    "sparse_reorder",
    "sparse_reshape",
    "sparse_retain",
    "sparse_segment_mean",
    "sparse_segment_sqrt_n",
    "sparse_segment_sum",
    "sparse_tensor_dense_matmul",
    "sparse_tensor_to_dense",
    "sparse_to_dense",
    "to_dense",
]


def _create(op_type, inputs, attrs=None, name=None):
    return graph_module.get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return _create(op_type, inputs, attrs, name)._outputs[0]


def _to_core(sp: SparseTensor) -> list:
    return [sp.indices._output, sp.values._output, sp.dense_shape._output]


def _from_core(parts) -> SparseTensor:
    graph = get_default_graph()
    return SparseTensor(*(graph._tensor_for(o) for o in parts))


def _identity(t):
    return _op("Identity", [t])


# --- dense <-> sparse --------------------------------------------------------------------------
def sparse_to_dense(
    sparse_indices, output_shape, sparse_values, default_value=0, validate_indices=True, name=None
) -> Tensor:
    """Converts a sparse representation into a dense tensor (op ``SparseToDense``).

    ``dense[sparse_indices[i]] = sparse_values[i]`` (or the scalar `sparse_values`) and
    `default_value` everywhere else.

    Args:
      sparse_indices: A 0-D, 1-D, or 2-D int32/int64 `Tensor` of index positions.
      output_shape: A 1-D `Tensor` of the same type as `sparse_indices`: the dense shape.
      sparse_values: A 0-D or 1-D `Tensor`: the values at the indices.
      default_value: A 0-D `Tensor` of `sparse_values`' type for the other positions.
      validate_indices: If True, indices must be sorted and unique (checked when run).
      name: A name for the operation (optional).

    Returns:
      Dense `Tensor` of shape `output_shape`, of `sparse_values`' type.

    Raises:
      InvalidArgumentError: When run, for an index outside `output_shape`, or (with
        `validate_indices`) unsorted or repeated indices.
    """
    sparse_indices = convert_to_tensor(sparse_indices)
    if sparse_indices.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"sparse_indices must be int32 or int64, got {sparse_indices.dtype.name}")
    output_shape = convert_to_tensor(output_shape, dtype=sparse_indices.dtype.base_dtype)
    sparse_values = convert_to_tensor(sparse_values)
    default_value = convert_to_tensor(default_value, dtype=sparse_values.dtype.base_dtype)
    return _op(
        "SparseToDense",
        [sparse_indices, output_shape, sparse_values, default_value],
        {"validate_indices": bool(validate_indices)},
        name,
    )


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """Converts a `SparseTensor` into a dense tensor (op ``SparseToDense``).

    Args:
      sp_input: The input `SparseTensor`.
      default_value: Scalar value to set for indices not specified in `sp_input`; zero (the
        empty string for strings) by default.
      validate_indices: If True, indices must be sorted and unique (checked when run).
      name: A name prefix for the returned tensors (optional).

    Returns:
      A dense tensor with shape `sp_input.dense_shape` and the values of `sp_input`.

    Raises:
      TypeError: If `sp_input` is not a `SparseTensor`.
      InvalidArgumentError: When run, for out-of-bounds, unsorted or repeated indices.
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    dtype = sp_input.dtype.base_dtype
    if default_value is None:
        default_value = b"" if dtype == dtypes.string else np.zeros([], dtype.as_numpy_dtype)
    default_value = convert_to_tensor(default_value, dtype=dtype)
    return _op(
        "SparseToDense",
        [sp_input.indices, sp_input.dense_shape, sp_input.values, default_value],
        {"validate_indices": bool(validate_indices)},
        name,
    )


to_dense = sparse_tensor_to_dense


def from_dense(tensor, name=None) -> SparseTensor:
    """A `SparseTensor` of the non-zero (non-empty for strings) elements of a dense tensor.

    Args:
      tensor: A dense `Tensor`.
      name: A name prefix for the returned tensors (optional).

    Returns:
      The `SparseTensor`, with indices in row-major order.
    """
    tensor = convert_to_tensor(tensor)
    return _from_core(
        _core.sparse_from_dense(get_default_graph()._core, tensor._output, name or "")
    )


def gather_nd(params, indices, name=None, batch_dims=0) -> Tensor:
    """Gathers slices of `params` at the index tuples of `indices`' last dimension.

    Args:
      params: A `Tensor`.
      indices: An int32/int64 `Tensor` of shape `[..., K]` with `K <= rank(params)`.
      name: A name for the operation (optional).
      batch_dims: Only 0 is supported.

    Returns:
      A `Tensor` of shape `indices.shape[:-1] + params.shape[K:]`.

    Raises:
      ValueError: For `batch_dims` other than 0 or `K > rank(params)`.
      InvalidArgumentError: When run, for an index tuple outside `params`.
    """
    if batch_dims != 0:
        raise ValueError(f"gather_nd: batch_dims={batch_dims} is not supported (only 0)")
    return _op("GatherNd", [convert_to_tensor(params), convert_to_tensor(indices)], None, name)


def scatter_nd(indices, updates, shape, name=None) -> Tensor:
    """A zero tensor of `shape` with `updates` added at the index tuples of `indices`.

    Args:
      indices: An int32/int64 `Tensor` of shape `[..., K]`.
      updates: A `Tensor` of shape `indices.shape[:-1] + shape[K:]`.
      shape: A 1-D `Tensor` of `indices`' dtype: the output shape.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `updates`' dtype and shape `shape` (repeated indices sum).

    Raises:
      InvalidArgumentError: When run, for an index outside `shape` or mismatched updates.
    """
    indices = convert_to_tensor(indices)
    shape = convert_to_tensor(shape, dtype=indices.dtype.base_dtype)
    return _op("ScatterNd", [indices, convert_to_tensor(updates), shape], None, name)


# --- reordering, reshaping, retaining ----------------------------------------------------------
def sparse_reorder(sp_input, name=None) -> SparseTensor:
    """Reorders a `SparseTensor` into the canonical, row-major ordering (op ``SparseReorder``).

    Args:
      sp_input: The input `SparseTensor`.
      name: A name prefix for the returned tensors (optional).

    Returns:
      A `SparseTensor` with the same shape and non-empty values, in canonical ordering.

    Raises:
      TypeError: If `sp_input` is not a `SparseTensor`.
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    op = _create(
        "SparseReorder", [sp_input.indices, sp_input.values, sp_input.dense_shape], None, name
    )
    return SparseTensor(op.outputs[0], op.outputs[1], _identity(sp_input.dense_shape))


reorder = sparse_reorder


def sparse_reshape(sp_input, shape, name=None) -> SparseTensor:
    """Reshapes a `SparseTensor` to represent values in a new dense shape (op ``SparseReshape``).

    At most one dimension of `shape` may be -1; it is inferred from the number of dense
    elements.

    Args:
      sp_input: The input `SparseTensor`.
      shape: A 1-D (vector) int64 `Tensor` specifying the new dense shape.
      name: A name prefix for the returned tensors (optional).

    Returns:
      A `SparseTensor` with the same non-empty values but with indices calculated by the new
      dense shape.

    Raises:
      TypeError: If `sp_input` is not a `SparseTensor`.
      ValueError: If the static shapes' element counts differ.
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    shape = convert_to_tensor(shape, dtype=dtypes.int64)
    return _from_core(
        _core.sparse_reshape(
            get_default_graph()._core, _to_core(sp_input), shape._output, name or ""
        )
    )


reshape = sparse_reshape


def sparse_retain(sp_input, to_retain) -> SparseTensor:
    """Retains the entries of a `SparseTensor` where the bool vector `to_retain` is True.

    Args:
      sp_input: The input `SparseTensor` with `N` non-empty elements.
      to_retain: A bool vector of length `N` with `M` true values.

    Returns:
      A `SparseTensor` with the same shape as the input and `M` non-empty elements.

    Raises:
      ValueError: If `to_retain` is not a vector, or its static length is not `N`.
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    to_retain = convert_to_tensor(to_retain, dtype=dtypes.bool)
    return _from_core(
        _core.sparse_retain(get_default_graph()._core, _to_core(sp_input), to_retain._output)
    )


retain = sparse_retain


def sparse_reset_shape(sp_input, new_shape=None) -> SparseTensor:
    """A `SparseTensor` with the same entries and `new_shape` (by default the tightest shape).

    Args:
      sp_input: The input `SparseTensor`.
      new_shape: None (the tightest shape holding the indices) or an int vector, at least
        the input's shape in every dimension.

    Returns:
      A `SparseTensor` with the indices and values of `sp_input`.

    Raises:
      TypeError: If `sp_input` is not a `SparseTensor`.
      ValueError: If `new_shape` is not a vector, its length is not the input's rank, or (both
        shapes constant) a dimension is smaller than the input's.
      InvalidArgumentError: When run, for a `new_shape` of another rank or smaller than the
        input's shape (checked when the shapes are not constants).
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    if new_shape is not None:
        new_shape = convert_to_tensor(new_shape)._output
    graph = get_default_graph()
    return _from_core(_core.sparse_reset_shape(graph._core, _to_core(sp_input), new_shape))


reset_shape = sparse_reset_shape


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """Fills empty rows of a 2-D (or higher) `SparseTensor` with `default_value` at column 0.

    Args:
      sp_input: A `SparseTensor` with shape `[N, M, ...]`.
      default_value: The value to fill for empty rows, of `sp_input`'s dtype.
      name: A name prefix for the returned tensors (optional).

    Returns:
      sp_ordered_output: A `SparseTensor` with every row non-empty, ordered by row.
      empty_row_indicator: A bool vector of length `N`, True for the rows that were empty.

    Raises:
      TypeError: If `sp_input` is not a `SparseTensor`.
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    from varflow.clip_ops import core_arg

    graph = get_default_graph()
    filled, empty_rows = _core.sparse_fill_empty_rows(
        graph._core, _to_core(sp_input), core_arg(default_value), name or ""
    )
    return _from_core(filled), graph._tensor_for(empty_rows)


fill_empty_rows = sparse_fill_empty_rows


# --- arithmetic ----------------------------------------------------------------------------------
def sparse_add(a, b, threshold=None, thresh=None):
    """Adds two tensors, at least one of each is a `SparseTensor`.

    Two `SparseTensor`s give a `SparseTensor` (op ``SparseAdd``; both must be in canonical
    order, and sums smaller than `threshold` in magnitude are dropped); a `SparseTensor` and a
    dense `Tensor` give a dense `Tensor` (op ``SparseTensorDenseAdd``).

    Args:
      a: The first operand; `SparseTensor` or `Tensor`.
      b: The second operand; `SparseTensor` or `Tensor`. At least one operand must be sparse.
      threshold: A 0-D `Tensor`: the magnitude below which a sum is dropped (default 0).
      thresh: Deprecated alias for `threshold`.

    Returns:
      A `SparseTensor` or a `Tensor`, representing the sum.

    Raises:
      TypeError: If both `a` and `b` are `Tensor`s.
      InvalidArgumentError: When run, if the shapes differ or the indices are unordered.
    """
    if threshold is None:
        threshold = 0 if thresh is None else thresh
    sparse_a = isinstance(a, (SparseTensor, SparseTensorValue))
    sparse_b = isinstance(b, (SparseTensor, SparseTensorValue))
    if not sparse_a and not sparse_b:
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add()?")
    if sparse_a and sparse_b:
        a = _convert_to_sparse_tensor(a)
        b = _convert_to_sparse_tensor(b)
        if not a.shape.is_compatible_with(b.shape):
            raise ValueError(f"Shapes {a.shape} and {b.shape} are incompatible")
        threshold = convert_to_tensor(threshold, dtype=a.dtype.base_dtype)
        op = _create(
            "SparseAdd",
            [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape, threshold],
        )
        return SparseTensor(op.outputs[0], op.outputs[1], op.outputs[2])
    if sparse_b:
        a, b = b, a
    a = _convert_to_sparse_tensor(a)
    b = convert_to_tensor(b, dtype=a.dtype.base_dtype)
    return _op("SparseTensorDenseAdd", [a.indices, a.values, a.dense_shape, b])


add = sparse_add


def _reduction_axes(sp_input, axis):
    if axis is not None:
        return convert_to_tensor(axis, dtype=dtypes.int32)
    rank = (
        sp_input.dense_shape.shape.as_list()[0] if sp_input.dense_shape.shape.ndims == 1 else None
    )
    if rank is not None:
        return graph_module.constant(np.arange(int(rank), dtype=np.int32))
    from varflow import math_ops

    return math_ops.range(0, _op("Size", [sp_input.dense_shape]))


def sparse_reduce_sum(
    sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None
) -> Tensor:
    """Computes the sum of elements across dimensions of a `SparseTensor` (op ``SparseReduceSum``).

    Args:
      sp_input: The `SparseTensor` to reduce. Should have numeric type.
      axis: The dimensions to reduce; list or scalar. If `None` (the default), reduces all
        dimensions.
      keepdims: If true, retain reduced dimensions with length 1.
      reduction_axes: Deprecated name of `axis`.
      keep_dims: Deprecated alias for `keepdims`.

    Returns:
      The reduced dense `Tensor`.

    Raises:
      ValueError: If both `axis` and `reduction_axes` (or both keep flags) are given.
    """
    if axis is not None and reduction_axes is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_axes'")
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'")
    axis = axis if axis is not None else reduction_axes
    keep = bool(keepdims if keepdims is not None else keep_dims or False)
    sp_input = _convert_to_sparse_tensor(sp_input)
    return _op(
        "SparseReduceSum",
        [sp_input.indices, sp_input.values, sp_input.dense_shape, _reduction_axes(sp_input, axis)],
        {"keep_dims": keep},
    )


reduce_sum = sparse_reduce_sum


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None) -> Tensor:
    """Multiplies a rank-2 `SparseTensor` by a dense matrix (op ``SparseTensorDenseMatMul``).

    Args:
      sp_a: A rank-2 `SparseTensor`.
      b: A dense matrix of `sp_a`'s dtype.
      adjoint_a: Use the transpose of `sp_a` in the product.
      adjoint_b: Use the transpose of `b` in the product.
      name: A name prefix for the returned tensors (optional).

    Returns:
      A dense matrix: ``op(sp_a) * op(b)``.

    Raises:
      ValueError: If the static inner dimensions differ.
      InvalidArgumentError: When run, for indices outside `sp_a`'s shape or mismatched
        dimensions.
    """
    sp_a = _convert_to_sparse_tensor(sp_a)
    with name_scope(name, "SparseTensorDenseMatMul", [sp_a.indices, sp_a.values, b]):
        b = convert_to_tensor(b, dtype=sp_a.dtype.base_dtype, name="b")
        return _op(
            "SparseTensorDenseMatMul",
            [sp_a.indices, sp_a.values, sp_a.dense_shape, b],
            {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)},
        )


matmul = sparse_tensor_dense_matmul


# --- segment reductions ----------------------------------------------------------------------
def _segment(op_type, data, indices, segment_ids, name):
    data = convert_to_tensor(data)
    indices = convert_to_tensor(indices)
    segment_ids = convert_to_tensor(segment_ids)
    return _op(op_type, [data, indices, segment_ids], None, name)


def sparse_segment_sum(data, indices, segment_ids, name=None) -> Tensor:
    """Sums ``data[indices]`` along sorted segments (op ``SparseSegmentSum``).

    Args:
      data: A `Tensor` with data that will be assembled in the output.
      indices: A 1-D int32/int64 `Tensor` of rows of `data`.
      segment_ids: A 1-D int32/int64 `Tensor` of sorted segment ids, one per index.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with `segment_ids[-1] + 1` rows.

    Raises:
      InvalidArgumentError: When run, for unsorted segment ids or indices out of range.
    """
    return _segment("SparseSegmentSum", data, indices, segment_ids, name)


def sparse_segment_mean(data, indices, segment_ids, name=None) -> Tensor:
    """Means of ``data[indices]`` along sorted segments (op ``SparseSegmentMean``).

    Args:
      data: A float32 or float64 `Tensor`.
      indices: A 1-D int32/int64 `Tensor` of rows of `data`.
      segment_ids: A 1-D int32/int64 `Tensor` of sorted segment ids, one per index.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with `segment_ids[-1] + 1` rows.
    """
    return _segment("SparseSegmentMean", data, indices, segment_ids, name)


def sparse_segment_sqrt_n(data, indices, segment_ids, name=None) -> Tensor:
    """Sums of ``data[indices]`` along sorted segments divided by sqrt(segment size).

    Args:
      data: A float32 or float64 `Tensor`.
      indices: A 1-D int32/int64 `Tensor` of rows of `data`.
      segment_ids: A 1-D int32/int64 `Tensor` of sorted segment ids, one per index.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with `segment_ids[-1] + 1` rows.
    """
    return _segment("SparseSegmentSqrtN", data, indices, segment_ids, name)
