// TF1's embedding lookups for C++ hosts: tf.nn.embedding_lookup over one or several
// (partitioned) parameter tensors, and tf.nn.embedding_lookup_sparse, which combines the
// embeddings of each row of a SparseTensor of ids ("sum", "mean", "sqrtn", optionally weighted),
// built as TF1's embedding_ops.py builds them. The Python API's functions are these.
//
// Errors: kValue for no params, an unknown partition strategy ("Unrecognized partition
// strategy: ...") or combiner; otherwise what the op builders raise. At run time an id outside
// the parameters is kInvalidArgument (the Gather's).
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/sparse.h"

namespace varflow::train {

// How ids are split between P parameter tensors: "mod" gives id to partition id % P, "div"
// gives contiguous ranges (the first (max_id + 1) % P partitions one id more).
enum class PartitionStrategy { kMod, kDiv };
// "mod" / "div"; kValue ("Unrecognized partition strategy: x") for another.
PartitionStrategy parse_partition_strategy(const std::string& strategy);

// tf.nn.embedding_lookup: the rows of the virtual concatenation of `params` at `ids`, of shape
// shape(ids) + shape(params[0])[1:], in the scope `name` (default "embedding_lookup"). One
// tensor is one Gather named after the scope; several are each gathered at every id and the
// rows of their own ids selected, so each partition's gradient holds its own rows only. With
// max_norm each embedding is clipped to that L2 norm (clip_by_norm over the embedding axes).
Output embedding_lookup(Graph& graph, const std::vector<Output>& params, Output ids,
                        PartitionStrategy strategy = PartitionStrategy::kMod,
                        std::optional<double> max_norm = std::nullopt,
                        const std::string& name = "");

// How the embeddings of one row of a SparseTensor are combined: their (weighted) sum, mean
// (divided by the weights' sum) or sum divided by the square root of the squared weights' sum.
enum class Combiner { kSum, kMean, kSqrtN };
// "sum" / "mean" / "sqrtn"; kValue ("combiner must be one of 'mean', 'sqrtn' or 'sum'") for
// another.
Combiner parse_combiner(const std::string& combiner);

// tf.nn.embedding_lookup_sparse: for each row r of `ids` (an N x M SparseTensor of int64 ids)
// the combination of params' rows at its ids, weighted by `weights`' values (same indices) when
// given; max(r) + 1 rows, as in TF1 (empty rows below the last are zeros). In the scope `name`
// (default "embedding_lookup_sparse"). Unweighted lookups of one tensor are one
// SparseSegmentSum/Mean/SqrtN op over the params.
Output embedding_lookup_sparse(Graph& graph, const std::vector<Output>& params,
                               const SparseTensorParts& ids,
                               const std::optional<SparseTensorParts>& weights,
                               Combiner combiner = Combiner::kMean,
                               PartitionStrategy strategy = PartitionStrategy::kMod,
                               std::optional<double> max_norm = std::nullopt,
                               const std::string& name = "");

struct SafeEmbeddingLookupOptions {
  Combiner combiner = Combiner::kMean;
  // The embedding of rows with no valid id; absent: zeros.
  std::optional<int64_t> default_id;
  PartitionStrategy partition_strategy = PartitionStrategy::kDiv;  // TF1's default here
  std::optional<double> max_norm;
  std::string name;  // empty: "embedding_lookup"
};

// tf.nn.safe_embedding_lookup_sparse: ids of any rank >= 2 (the leading dimensions flattened
// into rows, then restored), invalid ids (< 0) pruned with their weights, and for "mean" and
// "sqrtn" non-positive weights too; empty rows get default_id's embedding, or zeros. The result
// has the ids' dense shape without its last dimension, plus the embedding dimensions.
Output safe_embedding_lookup_sparse(Graph& graph, const std::vector<Output>& params,
                                    const SparseTensorParts& ids,
                                    const std::optional<SparseTensorParts>& weights,
                                    const SafeEmbeddingLookupOptions& options = {});

}  // namespace varflow::train
