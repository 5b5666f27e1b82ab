// C++ op builders: what a host (and every gradient rule) uses to add nodes. Each is a thin
// call of Graph::add_node with TF1's op type and default name.
// Errors: as Graph::add_node (graph.h): kValue for incompatible shapes or bad attribute
// values, kType for dtype mismatches, kNotFound for an op type that is not registered,
// kRuntime on a finalized graph; a kernel's run-time errors surface from Session::run.
// Thread-safety: builders modify the graph; one thread at a time per graph.
#pragma once

#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/tensor.h"

namespace varflow::ops {

Node* add_op(Graph& graph, const std::string& type, const std::vector<Output>& inputs,
             AttrMap attrs = {}, const std::string& name = "");
// Single-output form of add_op.
Output op(Graph& graph, const std::string& type, const std::vector<Output>& inputs,
          AttrMap attrs = {}, const std::string& name = "");

Output constant(Graph& graph, const Tensor& value, const std::string& name = "Const");
template <typename T>
Output scalar(Graph& graph, T value, const std::string& name = "Const") {
  return constant(graph, Tensor::scalar<T>(value), name);
}
// A scalar constant of x's dtype.
Output scalar_like(Output x, double value, const std::string& name = "Const");
Output placeholder(Graph& graph, DType dtype, Shape shape, const std::string& name = "Placeholder");

Output identity(Output x, const std::string& name = "");
Output stop_gradient(Output x, const std::string& name = "");
Output neg(Output x, const std::string& name = "");
Output add(Output x, Output y, const std::string& name = "");
Output sub(Output x, Output y, const std::string& name = "");
Output mul(Output x, Output y, const std::string& name = "");
Output div(Output x, Output y, const std::string& name = "");
Output add_n(const std::vector<Output>& xs, const std::string& name = "");
Output matmul(Output a, Output b, bool transpose_a = false, bool transpose_b = false,
              const std::string& name = "");
Output reduce_sum(Output x, const std::vector<int64_t>& axes, bool keep_dims = false,
                  const std::string& name = "");
Output reduce_mean(Output x, const std::vector<int64_t>& axes, bool keep_dims = false,
                   const std::string& name = "");
Output shape(Output x, const std::string& name = "");
Output reshape(Output x, Output shape, const std::string& name = "");
Output zeros_like(Output x, const std::string& name = "");
Output ones_like(Output x, const std::string& name = "");
Output fill(Output dims, Output value, const std::string& name = "");
Output cast(Output x, DType dtype, const std::string& name = "");
// Sums `x` down to the dynamic shape `target_shape` (the broadcast reduction of backprop).
Output sum_to_shape(Output x, Output target_shape, const std::string& name = "");

Output assign(Output ref, Output value, const std::string& name = "");
Output assign_add(Output ref, Output value, const std::string& name = "");
Output assign_sub(Output ref, Output value, const std::string& name = "");
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
