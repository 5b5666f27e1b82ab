"""``tf.sparse``: TF1's sparse tensor API under its module names (``tf.sparse.to_dense`` ...)."""

from varflow.sparse_ops import (
    add,
    fill_empty_rows,
    from_dense,
    reduce_sum,
    reorder,
    reset_shape,
    reshape,
    retain,
    sparse_tensor_dense_matmul,
    to_dense,
)
from varflow.sparse_ops import sparse_placeholder as placeholder
from varflow.sparse_ops import sparse_segment_mean as segment_mean
from varflow.sparse_ops import sparse_segment_sqrt_n as segment_sqrt_n
from varflow.sparse_ops import sparse_segment_sum as segment_sum
from varflow.sparse_ops import sparse_tensor_dense_matmul as matmul
from varflow.sparse_tensor import SparseTensor

__all__ = [
    "SparseTensor",
    "add",
    "fill_empty_rows",
    "from_dense",
    "matmul",
    "placeholder",
    "reduce_sum",
    "reorder",
    "reset_shape",
    "reshape",
    "retain",
    "segment_mean",
    "segment_sqrt_n",
    "segment_sum",
    "sparse_tensor_dense_matmul",
    "to_dense",
]
