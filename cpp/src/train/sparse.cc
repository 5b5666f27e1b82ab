// TF1's sparse_ops.py composites, node for node.
#include "varflow/train/sparse.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

namespace {

// The element count of a Const int vector, or -1 when `t` is not one.
int64_t constant_elements(const Output& t, bool allow_minus_one) {
  if (t.node->type() != "Const") return -1;
  const Tensor value = t.node->attrs().get<Tensor>("value").cast(DType::kInt64);
  int64_t count = 1;
  for (int64_t i = 0; i < value.num_elements(); ++i) {
    const int64_t d = value.data<int64_t>()[i];
    if (d == -1 && allow_minus_one) return -1;
    count *= d;
  }
  return count;
}

// The values of an int vector known while the graph is built, as TF1's constant_value: a
// Const (through a Cast), or the Shape of a tensor whose shape is fully defined.
std::optional<std::vector<int64_t>> constant_vector(const Output& t) {
  const Node* node = t.node;
  if (node->type() == "Cast") node = node->inputs()[0].node;
  if (node->type() == "Shape") {
    const Shape& shape = node->inputs()[0].shape();
    if (!shape.fully_defined()) return std::nullopt;
    return shape.dims();
  }
  if (node->type() != "Const") return std::nullopt;
  const Tensor value = node->attrs().get<Tensor>("value").cast(DType::kInt64);
  if (value.rank() != 1) return std::nullopt;
  return std::vector<int64_t>(value.data<int64_t>(), value.data<int64_t>() + value.num_elements());
}

std::string numpy_str(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? " " : "") + std::to_string(values[i]);
  return s + "]";
}

// TF1's control_flow_ops.with_dependencies: `x` through an Identity "control_dependency" that
// runs after `check`.
Output after(Node* check, Output x) {
  ControlDependencies deps(x.graph(), {check});
  return tf::op("Identity", {x}, "control_dependency");
}

// TF1's check_ops.assert_equal / assert_less_equal of x against y, in their scope `name`.
Node* check(const std::string& name, const char* comparison, const char* symbol, Output x,
            Output y) {
  NameScope scope(x.graph(), name);
  return tf::binary_assert(x, y, comparison,
                           {std::string("Condition x ") + symbol + " y did not hold element-wise:",
                            "x (" + x.name() + ") = ", x, "y (" + y.name() + ") = ", y});
}

}  // namespace

SparseTensorParts sparse_retain(Graph& graph, const SparseTensorParts& input, Output to_retain) {
  const Shape& keep = to_retain.shape();
  VF_CHECK(!keep.has_rank() || keep.rank() == 1, ErrorCode::kValue,
           "Shape must be rank 1 but is rank ", keep.rank());
  const Shape& values = input.values.shape();
  const int64_t n = values.has_rank() && values.rank() == 1 ? values.dim(0) : kUnknownDim;
  const int64_t m = keep.has_rank() ? keep.dim(0) : kUnknownDim;
  VF_CHECK(n == kUnknownDim || m == kUnknownDim || n == m, ErrorCode::kValue, "Dimensions ", n,
           " and ", m, " are not compatible");
  Output where = tf::op("Where", {to_retain});
  Output where_true = tf::op("Reshape", {where, tf::int32_vector(graph, {-1})});
  Output axis = tf::int32_scalar(graph, 0);
  Output indices = tf::op("GatherV2", {input.indices, where_true, axis});
  Output kept = tf::op("GatherV2", {input.values, where_true, axis});
  return {indices, kept, tf::op("Identity", {input.dense_shape})};
}

SparseTensorParts sparse_reshape(Graph& graph, const SparseTensorParts& input, Output shape,
                                 const std::string& name) {
  NameScope scope(graph, name.empty() ? "SparseReshape" : name);
  shape = tf::cast(shape, DType::kInt64);
  Node* reshaped = tf::op("SparseReshape", {input.indices, input.dense_shape, shape}).node;
  const int64_t n_in = constant_elements(input.dense_shape, false);
  const int64_t n_out = constant_elements(shape, true);
  VF_CHECK(n_in < 0 || n_out < 0 || n_in == n_out, ErrorCode::kValue,
           "Cannot reshape a tensor with ", n_in, " elements to a shape of ", n_out,
           " elements for 'SparseReshape'");
  return {reshaped->output(0), tf::op("Identity", {input.values}), reshaped->output(1)};
}

std::pair<SparseTensorParts, Output> sparse_fill_empty_rows(Graph& graph,
                                                            const SparseTensorParts& input,
                                                            const Arg& default_value,
                                                            const std::string& name) {
  NameScope scope(graph, name.empty() ? "SparseFillEmptyRows" : name);
  Output value = default_value.tensor(graph, input.values.dtype(), "Const");
  VF_CHECK(value.dtype() == input.values.dtype(), ErrorCode::kType,
           "default_value must have the values' dtype ", dtype_name(input.values.dtype()), ", got ",
           dtype_name(value.dtype()));
  Node* filled =
      tf::op("SparseFillEmptyRows", {input.indices, input.values, input.dense_shape, value}).node;
  return {{filled->output(0), filled->output(1), input.dense_shape}, filled->output(2)};
}

SparseTensorParts sparse_from_dense(Graph& graph, Output tensor, const std::string& name) {
  NameScope scope(graph, name.empty() ? "dense_to_sparse" : name);
  Output zeros = tf::op("ZerosLike", {tensor});
  Output indices = tf::op("Where", {tf::op("NotEqual", {tensor, zeros})});
  Output values = tf::op("GatherNd", {tensor, indices});
  Output shape = ops::op(graph, "Shape", {tensor}, {{"out_type", DType::kInt64}}, "Shape");
  return {indices, values, shape};
}

SparseTensorParts sparse_reset_shape(Graph& graph, const SparseTensorParts& input,
                                     std::optional<Output> new_shape) {
  Output indices = tf::op("Identity", {input.indices});
  Output values = tf::op("Identity", {input.values});
  Output in_shape = tf::op("Identity", {input.dense_shape});
  if (!new_shape) {
    Output low_bound = tf::reduce("Max", indices, std::vector<int64_t>{0}, false);
    Output zero = ops::constant(graph, Tensor::scalar<int64_t>(0), "Const");
    Output tight = tf::op("AddV2", {low_bound, tf::op("OnesLike", {in_shape})}, "Add");
    return {indices, values, tf::op("Maximum", {zero, tight})};
  }
  const Shape& given = new_shape->shape();
  VF_CHECK(!given.has_rank() || given.rank() == 1, ErrorCode::kValue, "Shape ",
           tf::shape_str(given), " must have rank 1");
  Output shape = tf::cast(*new_shape, DType::kInt64);
  const Shape& in_rank = input.dense_shape.shape();
  if (given.has_rank() && in_rank.has_rank() && in_rank.rank() == 1) {
    const int64_t a = given.dim(0), b = in_rank.dim(0);
    VF_CHECK(a == kUnknownDim || b == kUnknownDim || a == b, ErrorCode::kValue, "Dimension ", a,
             " and ", b, " are not compatible");
  }
  const auto wanted = constant_vector(shape);
  const auto held = constant_vector(input.dense_shape);
  if (wanted && held) {
    bool fits = wanted->size() == held->size();
    for (size_t i = 0; fits && i < held->size(); ++i) fits = (*held)[i] <= (*wanted)[i];
    VF_CHECK(fits, ErrorCode::kValue,
             "Requested new_shape should have dimension sizes >= sp_input.shape.  Found "
             "new_shape (",
             numpy_str(*wanted), "), sp_input.shape (", numpy_str(*held), ").");
    return {indices, values, shape};
  }
  Output in_length = ops::Shape(in_shape);
  Output out_length = ops::Shape(shape);
  shape = after(check("assert_equal", "Equal", "==", in_length, out_length), shape);
  shape = after(check("assert_less_equal", "LessEqual", "<=", in_shape, shape), shape);
  return {indices, values, shape};
}

}  // namespace varflow::train
