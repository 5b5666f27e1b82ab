// The graph arithmetic of tf.train's composite functions, named as TF1's Python builds it:
// `a * b` is a Mul named "mul", tf.multiply a Mul named "Mul", `a / b` a RealDiv in a
// "truediv" scope, and a number next to a tensor a Const of the tensor's dtype created just
// before the op. Keeping these names is what keeps graphs built from C++ and from Python
// identical to TF1's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "varflow/graph.h"
#include "varflow/ops.h"

namespace varflow::train::tf {

// A scalar Const of x's dtype (TF1's conversion of a Python number next to a tensor).
inline Output k(Output like, double value, const std::string& name = "Const") {
  return ops::scalar_like(like, value, name);
}

// Python operators (`a * b`, `a + b`, `a - b`, `a / b`, `-a`).
Output mul(Output a, Output b);
Output mul(double a, Output b);
Output mul(Output a, double b);
Output add(Output a, Output b);
Output add(double a, Output b);
Output add(Output a, double b);
Output sub(Output a, Output b);
Output sub(double a, Output b);
Output sub(Output a, double b);
Output truediv(Output a, Output b, const std::string& name = "");
Output truediv(double a, Output b);
Output truediv(Output a, double b);
Output neg(Output a);

// tf.<op>(...) with its default name (the op type) unless `name` is given.
Output op(const std::string& type, const std::vector<Output>& inputs, const std::string& name = "",
          AttrMap attrs = {});
// tf.cast: x itself when it already has `dtype`.
Output cast(Output x, DType dtype, const std::string& name = "");
// tf.reduce_sum / tf.reduce_mean over `axes` (nullopt: every axis; the axes an int32 Const
// created just before the reduction), or over an axes tensor; default name the op type.
Output reduce(const std::string& type, Output x, const std::optional<std::vector<int64_t>>& axes,
              bool keep_dims, const std::string& name = "");
Output reduce(const std::string& type, Output x, Output axes, bool keep_dims,
              const std::string& name = "");

// int32 Consts named "Const" (TF1's conversion of a Python list or int where a shape, perm or
// axis is wanted).
Output int32_vector(Graph& graph, const std::vector<int32_t>& values);
Output int32_scalar(Graph& graph, int32_t value);

// tf.expand_dims: ExpandDims "ExpandDims" with its axis Const "ExpandDims/dim".
Output expand_dims(Graph& graph, Output x, int32_t axis);
// tf.transpose: Transpose "transpose" with its permutation Const "transpose/perm".
Output transpose(Graph& graph, Output x, const std::vector<int32_t>& perm);

// Python's x[begin:end] (or x[begin] with shrink_axis_mask 1) of a vector, as TF1's
// Tensor.__getitem__ builds it: a "strided_slice" scope of int32 "stack", "stack_1",
// "stack_2" Consts (strides 1).
Output strided_slice_1d(Output x, int64_t begin, int64_t end, int64_t begin_mask, int64_t end_mask,
                        int64_t shrink_axis_mask);

// A scalar string Const named "Const".
Output string_scalar(Graph& graph, const std::string& value);

// TF1's check_ops._binary_assert of `left comparison right` (its scope already open): All of
// the comparison ("Equal", "LessEqual", ...) and an Assert of it printing `data` (strings
// become Consts, in order, in an "Assert" scope).
using AssertData = std::vector<std::variant<std::string, Output>>;
Node* binary_assert(Output left, Output right, const std::string& comparison,
                    const AssertData& data);

// A shape as TF1's Python prints it in errors: "(2, 3)", "(2,)", "()", "<unknown>".
std::string shape_str(const Shape& shape);
// A dtype as TF1's Python prints it in errors: "<dtype: 'float32'>".
std::string dtype_str(DType dtype);

}  // namespace varflow::train::tf
