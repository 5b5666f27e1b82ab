// TF1's array composites for C++ hosts: tf.eye, tf.sequence_mask, tf.math.bincount and
// tf.einsum, built from registered ops node for node as TF1's Python builds them (so their
// gradients are those ops'). The Python API's functions are these.
//
// Errors: kValue for a negative constant size, a non-scalar maxlen, and einsum equations that
// do not parse or do not fit their operands (messages as TF1's); kType for einsum operands of
// different dtypes; otherwise what the op builders raise. At run time the ops' own checks
// (Range, Bincount, BroadcastTo) apply.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

// tf.eye: a [num_rows, num_columns] identity matrix of `dtype` (num_columns defaults to
// num_rows), broadcast to batch_shape + [num_rows, num_columns] when `batch_shape` (an int32
// vector) is given, in the scope `name` (default "eye"). Sizes are int32 scalars; a constant
// negative one raises kValue.
Output eye(Graph& graph, const Arg& num_rows, const std::optional<Arg>& num_columns = std::nullopt,
           const std::optional<Arg>& batch_shape = std::nullopt, DType dtype = DType::kFloat32,
           const std::string& name = "");

// tf.sequence_mask: mask[..., j] = j < lengths[...], of shape lengths.shape + [maxlen] and
// `dtype`, in the scope `name` (default "SequenceMask"). maxlen (a scalar) defaults to
// max(0, reduce_max(lengths)).
Output sequence_mask(Graph& graph, const Arg& lengths,
                     const std::optional<Arg>& maxlen = std::nullopt, DType dtype = DType::kBool,
                     const std::string& name = "");

// tf.math.bincount: the count (or the summed `weights`) of each value of the int32 tensor
// `arr`, a vector of length max(arr) + 1 (0 when arr is empty), at least `minlength` and at
// most `maxlength` long; of the weights' dtype, or `dtype` without weights. Scope `name`
// (default "bincount").
Output bincount(Graph& graph, const Arg& arr, const std::optional<Arg>& weights = std::nullopt,
                const std::optional<Arg>& minlength = std::nullopt,
                const std::optional<Arg>& maxlength = std::nullopt, DType dtype = DType::kInt32,
                const std::string& name = "");

// tf.boolean_mask: the slices of `tensor` where the bool `mask` (of known rank K >= 1, its
// shape matching `tensor`'s dimensions axis..axis+K-1) is true: those K dimensions flattened
// into one and gathered at the true positions (Where), in the scope `name` (default
// "boolean_mask"). A mask of another static shape raises kValue "Shapes ... are incompatible".
Output boolean_mask(Graph& graph, const Arg& tensor, const Arg& mask, int64_t axis = 0,
                    const std::string& name = "");

// tf.gather(params, indices, axis, batch_dims) with batch_dims != 0 (TF1's _batch_gather):
// for each of the leading `batch_dims` dimensions shared by params and indices, the slices of
// params[b...] along `axis` (default batch_dims; at least batch_dims) picked by indices[b...];
// the result has shape params.shape[:axis] + indices.shape[batch_dims:] +
// params.shape[axis + 1:]. Built from Range, Mul, Reshape, GatherV2 (and Transposes for another
// axis), so its gradient is theirs; in the scope `name` (default "Gather"). Indices outside
// [0, params.shape[axis]) fail at run time (Asserts, kInvalidArgument). A negative
// batch_dims counts from indices' rank. kValue for indices of unknown rank, batch_dims outside
// [0, rank(indices)) or not below rank(params), an axis out of range or below batch_dims, and
// (with an axis other than batch_dims) params of unknown rank.
Output batch_gather(Graph& graph, Output params, Output indices, int64_t batch_dims,
                    std::optional<int64_t> axis = std::nullopt, const std::string& name = "");

// tf.einsum: the contraction `equation` (numpy's format: "ij,jk->ik", "ii->i", "...ij,...jk",
// implicit output without "->") of `inputs`, lowered to Transpose, Reshape, MatMul /
// BatchMatMulV2 and Sum; operands are contracted from left to right, a label repeated in one
// operand takes the diagonal, and dimensions of size 1 broadcast against the batch labels.
// Scope `name` (default "einsum"); the result is an Identity named as the scope.
Output einsum(Graph& graph, const std::string& equation, const std::vector<Output>& inputs,
              const std::string& name = "");

}  // namespace varflow::train
