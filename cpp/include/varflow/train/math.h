// TF1's math composites for C++ hosts: tf.tensordot, tf.math.logical_xor, log_sigmoid,
// count_nonzero, reduce_logsumexp, tf.sort and tf.argsort, built from registered ops node for
// node as TF1's Python builds them (so their gradients are those ops'). The Python API's
// functions are these.
//
// Errors: kValue for axes out of range or repeated, contraction axes of different counts or
// sizes, a tensor of unknown rank where the function needs one, and an unknown sort direction;
// otherwise what the op builders raise.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

// tf.tensordot(a, b, axes=n): the last n axes of `a` contracted with the first n of `b`, as one
// MatMul between transposed and reshaped operands, in the scope `name` (default "Tensordot").
// Both operands need a known rank; their dimensions may be unknown (read at run time).
Output tensordot(Graph& graph, Output a, Output b, int64_t axes, const std::string& name = "");
// tf.tensordot(a, b, axes=[a_axes, b_axes]): axes.a of `a` contracted with axes.b of `b`,
// pairwise (negative axes count from the end): tensordot(g, a, b, {{1, 2}, {1, 0}}).
struct ContractionAxes {
  std::vector<int64_t> a, b;
};
Output tensordot(Graph& graph, Output a, Output b, const ContractionAxes& axes,
                 const std::string& name = "");

// tf.math.logical_xor: (x | y) & ~(x & y), broadcasting; the LogicalAnd named `name` (default
// "LogicalXor").
Output logical_xor(Output x, Output y, const std::string& name = "");

// tf.math.log_sigmoid: -softplus(-x), in the scope `name` (default "LogSigmoid").
Output log_sigmoid(Graph& graph, const Arg& x, const std::string& name = "");

// tf.math.count_nonzero: the number of elements of x that are not zero (not empty for strings)
// over `axis` (nullopt: all axes; an int or an int vector tensor), as `dtype` (default int64),
// in the scope `name` (default "count_nonzero").
Output count_nonzero(Graph& graph, const Arg& x, const std::optional<Arg>& axis = std::nullopt,
                     bool keepdims = false, DType dtype = DType::kInt64,
                     const std::string& name = "");

// tf.math.reduce_logsumexp: log(sum(exp(x))) over `axis` (nullopt: all axes), shifted by the
// gradient-stopped maximum (zero where that is not finite) so that large inputs neither
// overflow nor small ones underflow, in the scope `name` (default "ReduceLogSumExp").
Output reduce_logsumexp(Graph& graph, const Arg& x, const std::optional<Arg>& axis = std::nullopt,
                        bool keepdims = false, const std::string& name = "");

enum class SortDirection { kAscending, kDescending };
// "ASCENDING" or "DESCENDING"; kValue 'Unknown direction: ...' otherwise.
SortDirection parse_sort_direction(const std::string& direction);

// tf.sort: `values` (of known rank) sorted along `axis`, through TopKV2 over the whole axis
// (the axis moved last and back; ascending is the descending order of the negated values), in
// the scope `name` (default "sort").
Output sort(Graph& graph, Output values, int64_t axis = -1,
            SortDirection direction = SortDirection::kAscending, const std::string& name = "");
// tf.argsort: the int32 indices that sort `values` along `axis`; equal elements keep their
// order (lower index first). Scope `name` (default "argsort").
Output argsort(Graph& graph, Output values, int64_t axis = -1,
               SortDirection direction = SortDirection::kAscending, const std::string& name = "");

}  // namespace varflow::train
