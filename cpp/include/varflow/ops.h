// C++ op builders: what a host (and every gradient rule) uses to add nodes. Each is a thin
// call of Graph::add_node with TF1's op type and default name.
// Errors: as Graph::add_node (graph.h): kValue for incompatible shapes or bad attribute
// values, kType for dtype mismatches, kNotFound for an op type that is not registered,
// kRuntime on a finalized graph; a kernel's run-time errors surface from Session::run.
// Thread-safety: builders modify the graph; one thread at a time per graph.
// Builders that take Outputs find the graph through their first input: a null Output there is
// kValue (Output::graph), a null later input kValue from add_node.
#pragma once

#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/tensor.h"

namespace varflow::ops {

// Adds a node of op `type` (Graph::add_node) and returns it: the form for ops with several
// outputs or none.
Node* add_op(Graph& graph, const std::string& type, const std::vector<Output>& inputs,
             AttrMap attrs = {}, const std::string& name = "");
// Single-output form of add_op: output 0 (kInternal for an op without outputs).
Output op(Graph& graph, const std::string& type, const std::vector<Output>& inputs,
          AttrMap attrs = {}, const std::string& name = "");

// tf.constant: a Const node holding `value`, of its dtype. kValue for an undefined `value`.
Output constant(Graph& graph, const Tensor& value, const std::string& name = "Const");
// A scalar Const of T's dtype (DTypeOf<T>).
template <typename T>
Output scalar(Graph& graph, T value, const std::string& name = "Const") {
  return constant(graph, Tensor::scalar<T>(value), name);
}
// A scalar constant of x's dtype (`value` converted as Tensor::cast does; kUnimplemented
// for a string x).
Output scalar_like(Output x, double value, const std::string& name = "Const");
// tf.placeholder: a Placeholder of `dtype` and `shape` (may be partial or of unknown rank); a
// run that needs it unfed raises kInvalidArgument. kType for an invalid dtype, kValue for a
// dimension below -1.
Output placeholder(Graph& graph, DType dtype, Shape shape, const std::string& name = "Placeholder");

// tf.identity (Identity): x unchanged; its gradient passes through.
Output identity(Output x, const std::string& name = "");
// tf.stop_gradient (StopGradient): x unchanged; gradients() does not differentiate through it.
Output stop_gradient(Output x, const std::string& name = "");
// tf.negative (Neg): -x. kType for a dtype Neg does not take.
Output neg(Output x, const std::string& name = "");
// Elementwise x + y (tf.add: AddV2, default name "add"), x - y (Sub), x * y (Mul) and x / y
// (tf.realdiv: RealDiv), with NumPy broadcasting. kType when the dtypes differ or the op does
// not take them, kValue when the static shapes do not broadcast.
Output add(Output x, Output y, const std::string& name = "");
Output sub(Output x, Output y, const std::string& name = "");
Output mul(Output x, Output y, const std::string& name = "");
Output div(Output x, Output y, const std::string& name = "");
// tf.add_n (AddN): the sum of `xs`, all of one dtype and shape (no broadcasting). kValue for
// an empty `xs` or static shapes that differ, kType for differing dtypes or strings; run-time
// shapes that differ raise kInvalidArgument from Session::run.
Output add_n(const std::vector<Output>& xs, const std::string& name = "");
// tf.matmul of two matrices (MatMul), each optionally transposed. kType for differing dtypes
// or one not in float32/float64/int32/int64, kValue for an input of static rank other than 2
// or inner dimensions that differ.
Output matmul(Output a, Output b, bool transpose_a = false, bool transpose_b = false,
              const std::string& name = "");
// tf.reduce_sum (Sum) and tf.reduce_mean (Mean) over `axes` (negative ones count from the
// end); empty `axes` reduces every axis (TF1's axis=None, not axis=[]). keep_dims keeps the
// reduced axes with length 1. kValue for an axis out of range of x's static rank.
Output reduce_sum(Output x, const std::vector<int64_t>& axes, bool keep_dims = false,
                  const std::string& name = "");
Output reduce_mean(Output x, const std::vector<int64_t>& axes, bool keep_dims = false,
                   const std::string& name = "");
// tf.shape (Shape): x's run-time shape as an int32 vector (kInvalidArgument from the run if a
// dimension does not fit int32).
Output shape(Output x, const std::string& name = "");
// tf.reshape (Reshape) to `shape`, an int32/int64 vector with at most one -1. kType for
// another dtype, kValue for a `shape` not of rank 1 or, when it is a constant, one that cannot
// hold x's static element count; the run raises kInvalidArgument for a mismatch.
Output reshape(Output x, Output shape, const std::string& name = "");
// tf.zeros_like (ZerosLike) and tf.ones_like (OnesLike): zeros / ones of x's dtype and shape.
Output zeros_like(Output x, const std::string& name = "");
Output ones_like(Output x, const std::string& name = "");
// tf.fill (Fill): a tensor of shape `dims` (an int32/int64 vector) whose every element is the
// scalar `value`, of value's dtype. kType for non-integer dims; kValue for dims not of rank 1,
// a non-scalar value or a negative constant dimension.
Output fill(Output dims, Output value, const std::string& name = "");
// tf.cast (Cast) to `dtype`: every pair of numeric and bool dtypes converts (Tensor::cast);
// string to or from another dtype raises kUnimplemented from the run. kType for an invalid
// dtype.
Output cast(Output x, DType dtype, const std::string& name = "");
// Sums `x` down to the dynamic shape `target_shape` (the broadcast reduction of backprop).
// SumToShape, varflow's own op. kType for a non-numeric x or a non-integer target_shape,
// kValue for a target_shape not of rank 1; the run raises kInvalidArgument when x cannot be
// reduced to it.
Output sum_to_shape(Output x, Output target_shape, const std::string& name = "");

// tf.assign (Assign, validate_shape and no locking): stores `value` in the variable `ref`
// (initializing it) and returns its ref. kType for a `ref` that is not a variable or a `value`
// of another dtype, kValue for an incompatible shape; the run raises kInvalidArgument when the
// value's shape differs from the initialized variable's.
Output assign(Output ref, Output value, const std::string& name = "");
// tf.assign_add (AssignAdd) and tf.assign_sub (AssignSub): ref += value / ref -= value, with
// assign's checks; the run raises kFailedPrecondition for an uninitialized variable and
// kInvalidArgument for a value with another number of elements.
Output assign_add(Output ref, Output value, const std::string& name = "");
Output assign_sub(Output ref, Output value, const std::string& name = "");
// tf.no_op (NoOp): a node without outputs, to order others (a target, a control input).
Node* no_op(Graph& graph, const std::string& name = "NoOp");
// A NoOp depending on all of `nodes` (TF1's tf.group).
Node* group(Graph& graph, const std::vector<Node*>& nodes, const std::string& name = "group_deps");

}  // namespace varflow::ops

namespace varflow {
inline Output operator+(Output x, Output y) { return ops::add(x, y); }
inline Output operator-(Output x, Output y) { return ops::sub(x, y); }
inline Output operator*(Output x, Output y) { return ops::mul(x, y); }
inline Output operator/(Output x, Output y) { return ops::div(x, y); }
inline Output operator-(Output x) { return ops::neg(x); }
}  // namespace varflow
