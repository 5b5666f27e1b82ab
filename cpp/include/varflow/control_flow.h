// Control flow: tf.cond and tf.while_loop for C++ hosts, and the TensorArray ops loops use.
//
// A branch or a loop is a region of the graph (Region in graph.h): the nodes its functions
// build live in the graph with TF1 names ("cond/...", "while/..."), and run only under the If
// or While node built when the region is complete. Tensors of enclosing regions are read
// directly (they become the If/While node's inputs); a loop's variables are LoopVar nodes.
// The executor runs only the branch taken, and the loop body as many times as the condition
// says. Gradients (varflow/gradients.h) go through both: an If's gradient is an If over the
// branches' gradients, a While's a loop that runs the body's gradient backwards over the
// values the forward loop saved.
//
// Errors: kValue (ValueError) for a predicate or condition that is not a boolean scalar,
// branches whose outputs differ in number or dtype, a body whose outputs do not match the loop
// variables (number, dtype, or a shape outside the loop variable's shape invariant), and for an
// input taken from a region the new node is not in; kType for non-boolean predicates. Run time:
// kInvalidArgument for a predicate value that is not one boolean, kernels' errors inside.
// In an eager graph (EagerContext, Graph::executes_eagerly) cond and while_loop run at once: the
// predicate's value picks the branch, and the body is built (so run) once per iteration while
// the condition's value holds, up to maximum_iterations; no region or If/While node is made.
// Thread-safety: builders modify the graph; one thread at a time per graph.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"

namespace varflow::ops {

using BranchFn = std::function<std::vector<Output>()>;
// tf.cond: the outputs of then_fn when `pred` is true, else those of else_fn. Only the taken
// branch runs.
std::vector<Output> cond(Output pred, const BranchFn& then_fn, const BranchFn& else_fn,
                         const std::string& name = "cond");

using LoopConditionFn = std::function<Output(const std::vector<Output>&)>;
using LoopBodyFn = std::function<std::vector<Output>(const std::vector<Output>&)>;
struct WhileOptions {
  // One per loop variable; an empty list means each variable keeps its initial shape. A
  // Shape::unknown_rank() (or partly known shape) lets the variable's shape change.
  std::vector<Shape> shape_invariants;
  std::optional<Output> maximum_iterations;
  // false: no gradient flows through the loop (TF1's back_prop=False).
  bool back_prop = true;
  std::string name = "while";
};
// tf.while_loop: runs body while cond holds, starting from loop_vars; returns their last
// values.
std::vector<Output> while_loop(const LoopConditionFn& cond, const LoopBodyFn& body,
                               const std::vector<Output>& loop_vars,
                               const WhileOptions& options = {});

// The lower level the builders above and the gradients use: regions filled by the caller.
// if_node makes the If node of two branch regions (their results set) in the current region;
// while_node the While node of a loop region (loop_vars, condition and results set), with its
// initial values. Both record the node as the regions' owner.
Node* if_node(Output pred, int then_region, int else_region, const std::string& name = "Merge");
Node* while_node(const std::vector<Output>& initial_values, int loop_region,
                 std::optional<Output> maximum_iterations, bool back_prop = true,
                 const std::string& name = "Exit");
// A loop variable of `loop_region`: what the condition and body read.
Output loop_var(Graph& graph, int loop_region, DType dtype, const Shape& shape,
                const std::string& name = "LoopVar");
// `value` with at least the static shape `shape`: itself when it already has it, else an
// EnsureShape (tf.ensure_shape) that checks the run-time shape.
Output fit_to_shape(Output value, const Shape& shape);
// `value` as a result of region `region`: itself if built there, else an Identity built there
// (a region's result must be its own node, as TF1's branch outputs are).
Output region_result(Graph& graph, int region, Output value);

}  // namespace varflow::ops
