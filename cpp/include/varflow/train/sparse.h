// TF1's SparseTensor composites for C++ hosts (tf.sparse.retain, tf.sparse.reshape,
// tf.sparse.fill_empty_rows), over a SparseTensor's three tensors. The Python API's functions
// are these.
//
// Errors: kValue for a to_retain that is not a vector, or whose static length differs from the
// values', and for a constant reshape of a constant dense shape to another element count;
// otherwise what the op builders raise (SparseReshape, SparseFillEmptyRows check at run time).
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

// A SparseTensor's three tensors: int64 indices [n, rank], values [n], dense_shape [rank].
struct SparseTensorParts {
  Output indices, values, dense_shape;
};

// The entries where the bool vector `to_retain` is true (a "Where", then a gather of the
// indices and of the values); the dense shape through an Identity.
SparseTensorParts sparse_retain(Graph& graph, const SparseTensorParts& input, Output to_retain);

// The same entries in a dense shape of `shape` (int64; at most one -1), in the scope `name`
// (default "SparseReshape"): the SparseReshape op's indices and shape, the values through an
// Identity.
SparseTensorParts sparse_reshape(Graph& graph, const SparseTensorParts& input, Output shape,
                                 const std::string& name = "");

// Each empty row given one entry, at column 0, of `default_value` (of the values' dtype), in
// the scope `name` (default "SparseFillEmptyRows"); also the bool vector of the rows that were
// empty.
std::pair<SparseTensorParts, Output> sparse_fill_empty_rows(Graph& graph,
                                                            const SparseTensorParts& input,
                                                            const Arg& default_value,
                                                            const std::string& name = "");

// tf.sparse.from_dense: the non-zero (for strings: non-empty) elements of `tensor`, in
// row-major order, in the scope `name` (default "dense_to_sparse"); dense_shape is int64.
SparseTensorParts sparse_from_dense(Graph& graph, Output tensor, const std::string& name = "");

// tf.sparse.reset_shape: the same entries with the dense shape `new_shape` (an int vector,
// cast to int64), or without one the tightest shape holding the indices (max + 1 per axis).
// A new_shape that cannot hold the input raises kValue when both shapes are constants, and
// otherwise fails at run time (Asserts that its length equals the input's rank and that each
// dimension is at least the input's).
SparseTensorParts sparse_reset_shape(Graph& graph, const SparseTensorParts& input,
                                     std::optional<Output> new_shape = std::nullopt);

}  // namespace varflow::train
