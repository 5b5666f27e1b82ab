// TF1's higher-order functions for C++ hosts: tf.map_fn, tf.scan, tf.foldl and tf.foldr over
// the first dimension of tensors, built as TF1 builds them: a tf.while_loop (control_flow.h)
// reading each element from a TensorArray and, for map_fn and scan, writing each result to
// another, so the graph does not grow with the number of elements, the length may be unknown
// until run time, and gradients flow through the loop. The Python API's functions are these,
// with the Python function called back to build each step.
//
// Elements and results are flat lists of tensors (a nested structure is its leaves in order).
// Errors: kValue for scalar elements, elements of different lengths known at build time, a
// function returning another number of tensors than the loop carries, and results whose shapes
// change across elements (infer_shape); kType for a result of another dtype than expected;
// otherwise what `fn` and the op builders raise. In an eager graph (EagerContext) the loop runs
// as it is built. Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"

namespace varflow::train {

// One element (a slice [i] of each of elems) to its results.
using ElementFn = std::function<std::vector<Output>(const std::vector<Output>& element)>;
// The accumulator and one element to the next accumulator.
using AccumulatorFn = std::function<std::vector<Output>(const std::vector<Output>& accumulator,
                                                        const std::vector<Output>& element)>;

struct LoopFnOptions {
  // false: no gradient flows through the loop (TF1's back_prop=False).
  bool back_prop = true;
  // map_fn and scan: each result must have the first one's shape (checked when built), and the
  // stacked results get it as their static shape.
  bool infer_shape = true;
  // The name scope; empty: "map", "scan", "foldl" or "foldr".
  std::string name;
};

// tf.map_fn: fn applied to each element, its results stacked along a new first dimension.
// `dtypes` are fn's result dtypes (empty: those of elems, one result per elems tensor).
std::vector<Output> map_fn(Graph& graph, const ElementFn& fn, const std::vector<Output>& elems,
                           const std::vector<DType>& dtypes = {},
                           const LoopFnOptions& options = {});

// tf.scan: every accumulator a = fn(a, x) over the elements x (from the last one when
// `reverse`), stacked. Without an initializer the first accumulator is the first element (the
// last one when reversed), which is also the first row of the result.
std::vector<Output> scan(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                         const std::optional<std::vector<Output>>& initializer = std::nullopt,
                         bool reverse = false, const LoopFnOptions& options = {});

// tf.foldl / tf.foldr: the last accumulator of a = fn(a, x) from the first element to the last
// (foldr: from the last to the first); without an initializer the first (last) element starts.
std::vector<Output> foldl(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                          const std::optional<std::vector<Output>>& initializer = std::nullopt,
                          const LoopFnOptions& options = {});
std::vector<Output> foldr(Graph& graph, const AccumulatorFn& fn, const std::vector<Output>& elems,
                          const std::optional<std::vector<Output>>& initializer = std::nullopt,
                          const LoopFnOptions& options = {});

}  // namespace varflow::train
