"""TF1's ``tf.nn.embedding_lookup_sparse`` and ``tf.nn.safe_embedding_lookup_sparse``.

As TF1: rows of the SparseTensor of ids become segments (ids' row index = segment id), the
embeddings of a segment are combined by "sum", "mean" or "sqrtn" (weighted when weights are
given), and the gradient flows to `params` through the SparseSegment* gradients (dense here,
since varflow has no IndexedSlices). The result has ``max(row) + 1`` rows, as in TF1;
`safe_embedding_lookup_sparse` fills empty rows so the result has the SparseTensor's row count.
embedding_lookup_sparse is C++ (``varflow/train/embeddings.h``).
"""

from __future__ import annotations

from varflow import _core
from varflow import graph as graph_module
from varflow.graph import convert_to_tensor
from varflow.sparse_tensor import SparseTensor, _convert_to_sparse_tensor

_COMBINERS = ("mean", "sqrtn", "sum")


def _params_list(params) -> list:
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Need at least one param")
        return list(params)
    return [params]


def _parts(sp) -> list:
    return [sp.indices._output, sp.values._output, sp.dense_shape._output]


def embedding_lookup_sparse(
    params,
    sp_ids,
    sp_weights,
    partition_strategy="mod",
    name=None,
    combiner=None,
    max_norm=None,
):
    """Computes embeddings for the given ids and weights.

    Args:
      params: A single tensor representing the complete embedding tensor, or a list of
        tensors (partitioned), as in `tf.nn.embedding_lookup`.
      sp_ids: N x M `SparseTensor` of int64 ids where N is typically batch size and M is
        arbitrary.
      sp_weights: Either a `SparseTensor` of float / double weights, or `None` to indicate all
        weights should be taken to be 1. It must have the same indices as `sp_ids`.
      partition_strategy: As in `tf.nn.embedding_lookup`.
      name: Optional name for the op.
      combiner: A string specifying the reduction op: "sum", "mean" (the default) or
        "sqrtn".
      max_norm: If not `None`, each embedding is clipped if its l2-norm is larger than this.

    Returns:
      A dense tensor representing the combined embeddings for the sparse ids: one row per
      segment up to the largest row index of `sp_ids` that has an id.

    Raises:
      TypeError: If `sp_ids` is not a `SparseTensor`, or `sp_weights` is neither `None` nor a
        `SparseTensor`.
      ValueError: If `combiner` is not one of {"mean", "sqrtn", "sum"}.
    """
    if combiner is None:
        combiner = "mean"
    if combiner not in _COMBINERS:
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor")
    ignore_weights = sp_weights is None
    if not ignore_weights and not isinstance(sp_weights, SparseTensor):
        raise TypeError("sp_weights must be either None or SparseTensor")
    params_list = [convert_to_tensor(p)._output for p in _params_list(params)]
    graph = graph_module.get_default_graph()

    return graph._tensor_for(
        _core.embedding_lookup_sparse(
            graph._core,
            params_list,
            _parts(sp_ids),
            None if ignore_weights else _parts(sp_weights),
            combiner,
            partition_strategy,
            None if max_norm is None else float(max_norm),
            name or "",
        )
    )


def safe_embedding_lookup_sparse(
    embedding_weights,
    sparse_ids,
    sparse_weights=None,
    combiner="mean",
    default_id=None,
    name=None,
    partition_strategy="div",
    max_norm=None,
):
    """Lookup embedding results, accounting for invalid IDs and empty features.

    Invalid ids (< 0) are pruned from the input ids and weights, as well as any ids with
    non-positive weight (for "mean" and "sqrtn"). Rows with no ids get `default_id`'s
    embedding, or zeros when `default_id` is None. The result has the shape of `sparse_ids`
    without its last dimension, plus the embedding dimensions.

    Args:
      embedding_weights: A single tensor representing the complete embedding tensor, or a
        list of tensors all of the same shape except for the first dimension.
      sparse_ids: `SparseTensor` of shape `[d_0, d_1, ..., d_n]` containing the ids.
      sparse_weights: `SparseTensor` of the same shape as `sparse_ids`, containing float
        weights corresponding to `sparse_ids`, or `None` if all weights are assumed to be 1.0.
      combiner: A string specifying how to combine embedding results for each entry:
        "mean" (the default), "sqrtn" or "sum".
      default_id: The id to use for an entry with no features.
      name: A name for this operation (optional).
      partition_strategy: As in `tf.nn.embedding_lookup`.
      max_norm: If not `None`, all embeddings are l2-normalized to max_norm before combining.

    Returns:
      A dense tensor of shape `[d_0, d_1, ..., d_{n-1}, e_1, ..., e_m]`.

    Raises:
      ValueError: If `embedding_weights` is empty.
    """
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    if isinstance(embedding_weights, (list, tuple)):
        embedding_weights = list(embedding_weights)
        if not embedding_weights:
            raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    else:
        embedding_weights = [embedding_weights]
    dtype = sparse_weights.dtype if sparse_weights is not None else None
    embedding_weights = [convert_to_tensor(w, dtype=dtype) for w in embedding_weights]
    sparse_ids = _convert_to_sparse_tensor(sparse_ids)
    graph = graph_module.get_default_graph()
    if combiner not in _COMBINERS:
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
    return graph._tensor_for(
        _core.safe_embedding_lookup_sparse(
            graph._core,
            [w._output for w in embedding_weights],
            _parts(sparse_ids),
            None if sparse_weights is None else _parts(_convert_to_sparse_tensor(sparse_weights)),
            combiner,
            None if default_id is None else int(default_id),
            partition_strategy,
            None if max_norm is None else float(max_norm),
            name or "",
        )
    )
