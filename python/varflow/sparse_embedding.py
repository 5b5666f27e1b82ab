"""TF1's ``tf.nn.embedding_lookup_sparse`` and ``tf.nn.safe_embedding_lookup_sparse``.

As TF1: rows of the SparseTensor of ids become segments (ids' row index = segment id), the
embeddings of a segment are combined by "sum", "mean" or "sqrtn" (weighted when weights are
given), and the gradient flows to `params` through the SparseSegment* gradients (dense here,
since varflow has no IndexedSlices). The result has ``max(row) + 1`` rows, as in TF1;
`safe_embedding_lookup_sparse` fills empty rows so the result has the SparseTensor's row count.
embedding_lookup_sparse is C++ (``varflow/train/embeddings.h``).
"""

from __future__ import annotations

from varflow import _core, dtypes
from varflow import graph as graph_module
from varflow.graph import convert_to_tensor, name_scope
from varflow.sparse_ops import _op, sparse_fill_empty_rows, sparse_reshape, sparse_retain
from varflow.sparse_tensor import SparseTensor, _convert_to_sparse_tensor

_COMBINERS = ("mean", "sqrtn", "sum")


def _params_list(params) -> list:
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("Need at least one param")
        return list(params)
    return [params]


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

    def parts(sp):
        return [sp.indices._output, sp.values._output, sp.dense_shape._output]

    return graph._tensor_for(
        _core.embedding_lookup_sparse(
            graph._core,
            params_list,
            parts(sp_ids),
            None if ignore_weights else parts(sp_weights),
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
    with name_scope(name, "embedding_lookup", [*embedding_weights, sparse_ids]):
        # Higher-rank ids become [prod(leading dims), last dim].
        original_shape = sparse_ids.dense_shape
        rank = original_shape.shape.as_list()[0] if original_shape.shape.ndims == 1 else None
        rank_t = _op("Size", [original_shape]) if rank is None else graph_module.constant(int(rank))
        minus_one = _op("Sub", [rank_t, graph_module.constant(1)])
        leading = _op(
            "Slice",
            [
                original_shape,
                graph_module.constant([0]),
                _op("Reshape", [minus_one, graph_module.constant([1])]),
            ],
        )
        flat_rows = _op("Prod", [leading, graph_module.constant(0)], {"keep_dims": False})
        last = _op("GatherV2", [original_shape, minus_one, graph_module.constant(0)])
        new_shape = _op("Pack", [flat_rows, last], {"axis": 0})
        sparse_ids = sparse_reshape(sparse_ids, new_shape)
        if sparse_weights is not None:
            sparse_weights = SparseTensor(
                sparse_ids.indices, sparse_weights.values, sparse_ids.dense_shape
            )
        # Prune invalid ids, and (for mean and sqrtn) non-positive weights.
        is_id_valid = _op(
            "GreaterEqual",
            [sparse_ids.values, _op("ZerosLike", [sparse_ids.values])],
        )
        if sparse_weights is not None:
            sparse_weights = sparse_retain(sparse_weights, is_id_valid)
        sparse_ids = sparse_retain(sparse_ids, is_id_valid)
        if combiner != "sum" and sparse_weights is not None:
            is_weight_valid = _op(
                "Greater", [sparse_weights.values, _op("ZerosLike", [sparse_weights.values])]
            )
            sparse_ids = sparse_retain(sparse_ids, is_weight_valid)
            sparse_weights = sparse_retain(sparse_weights, is_weight_valid)
        sparse_ids, is_row_empty = sparse_fill_empty_rows(sparse_ids, default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(
            embedding_weights,
            sparse_ids,
            sparse_weights,
            combiner=combiner,
            partition_strategy=partition_strategy,
            max_norm=max_norm,
        )
        if default_id is None:
            # Zero the rows that were empty: broadcast the indicator over the embedding.
            width = _op(
                "Slice",
                [_op("Shape", [result]), graph_module.constant([1]), graph_module.constant([-1])],
            )
            tiled = _op(
                "Tile",
                [
                    _op("Reshape", [is_row_empty, graph_module.constant([-1, 1])]),
                    _op(
                        "ConcatV2",
                        [
                            graph_module.constant([1]),
                            _op("Prod", [width, graph_module.constant(0)], {"keep_dims": True}),
                            graph_module.constant(0),
                        ],
                    ),
                ],
            )
            flat = _op(
                "Reshape",
                [
                    result,
                    _op(
                        "ConcatV2",
                        [
                            graph_module.constant([-1]),
                            _op("Prod", [width, graph_module.constant(0)], {"keep_dims": True}),
                            graph_module.constant(0),
                        ],
                    ),
                ],
            )
            flat = _op("Select", [tiled, _op("ZerosLike", [flat]), flat])
            result = _op("Reshape", [flat, _op("Shape", [result])])
        leading32 = _op("Cast", [leading], {"DstT": dtypes.int32._core})
        rest = _op(
            "Slice",
            [_op("Shape", [result]), graph_module.constant([1]), graph_module.constant([-1])],
        )
        final_shape = _op("ConcatV2", [leading32, rest, graph_module.constant(0)])
        return _op("Reshape", [result, final_shape])
