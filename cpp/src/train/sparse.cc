// TF1's sparse_ops.py composites, node for node.
#include "varflow/train/sparse.h"

#include <cstdint>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"

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

}  // namespace varflow::train
