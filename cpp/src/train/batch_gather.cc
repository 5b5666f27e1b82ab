// TF1's array_ops._batch_gather (tf.gather with batch_dims): the batch dimensions folded into
// the indices as offsets, one GatherV2 over the flattened params, and for an axis past the batch
// dimensions a Transpose before and after. Unlike TF1's composite, the indices are checked
// against their row first (Asserts), as GatherV2 with batch_dims checks them: an index past its
// row must fail, not read the next batch's row.
#include <cstdint>
#include <vector>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/array_math.h"

namespace varflow::train {

namespace {

Output index_scalar(Graph& graph, DType dtype, double value, const std::string& name) {
  return ops::constant(graph, Tensor::scalar<double>(value).cast(dtype), name);
}

Output axis0(Graph& graph) { return tf::int32_scalar(graph, 0); }

// The static shape TF1 sets: indices' and params' batch dimensions merged, then indices' other
// dimensions, then params' past the gathered one.
Shape gathered_shape(const Shape& params, const Shape& indices, int64_t batch_dims) {
  if (!params.has_rank() || !indices.has_rank()) return Shape::unknown_rank();
  Dims dims;
  for (int64_t i = 0; i < batch_dims; ++i) {
    const int64_t a = indices.dim(static_cast<int>(i)), b = params.dim(static_cast<int>(i));
    VF_CHECK(a == kUnknownDim || b == kUnknownDim || a == b, ErrorCode::kValue, "Dimension ", a,
             " and ", b, " are not compatible (batch dimension ", i, " of indices and params)");
    dims.push_back(a == kUnknownDim ? b : a);
  }
  dims.insert(dims.end(), indices.dims().begin() + batch_dims, indices.dims().end());
  dims.insert(dims.end(), params.dims().begin() + batch_dims + 1, params.dims().end());
  return Shape(dims);
}

// The gather along axis == batch_dims.
Output gather_after_batch(Graph& graph, Output params, Output indices, int64_t batch_dims) {
  const int64_t indices_rank = indices.shape().rank();
  const DType index_dtype = indices.dtype();
  Output indices_shape = ops::Shape(indices);
  Output params_shape = ops::Shape(params);
  // Offsets fold the batch dimensions into one, so an index past its own row would read the
  // next batch's: each index is checked against params' gathered dimension first.
  Output sizes_for_check = tf::cast(params_shape, index_dtype);
  Output gathered_size = tf::strided_slice_1d(sizes_for_check, batch_dims, batch_dims + 1, 0, 0, 1);
  const std::string what = "tf.gather with batch_dims: indices must lie in [0, params.shape[axis])";
  std::vector<Node*> checks;
  {
    NameScope check(graph, "assert_greater_equal");
    checks.push_back(tf::binary_assert(indices, index_scalar(graph, index_dtype, 0, "Const"),
                                       "GreaterEqual", {what, "indices = ", indices}));
  }
  {
    NameScope check(graph, "assert_less");
    checks.push_back(
        tf::binary_assert(indices, gathered_size, "Less",
                          {what, "indices = ", indices, "params.shape[axis] = ", gathered_size}));
  }
  Output batch_indices;
  {
    ControlDependencies after(graph, checks);
    batch_indices = ops::Identity(indices, "checked_indices");
  }
  Output accumulated = index_scalar(graph, index_dtype, 1, "ones");
  Output sizes = sizes_for_check;
  for (int64_t dim = batch_dims; dim > 0; --dim) {
    Output dim_value = tf::strided_slice_1d(sizes, dim - 1, dim, 0, 0, 1);
    accumulated = tf::mul(accumulated, tf::strided_slice_1d(sizes, dim, dim + 1, 0, 0, 1));
    Output start = index_scalar(graph, index_dtype, 0, "zeros");
    Output step = index_scalar(graph, index_dtype, 1, "ones");
    Output offsets = tf::mul(ops::Range(start, dim_value, step, "Range"), accumulated);
    std::vector<Output> dim_shape;
    for (int64_t i = 0; i < indices_rank; ++i)
      dim_shape.push_back(i == dim - 1 ? dim_value : index_scalar(graph, index_dtype, 1, "Const"));
    batch_indices =
        tf::add(batch_indices, ops::reshape(offsets, ops::Pack(dim_shape, {}, "stack")));
  }
  Output flat_indices = ops::reshape(batch_indices, tf::int32_vector(graph, {-1}));
  Output outer_shape = tf::strided_slice_1d(params_shape, batch_dims + 1, 0, 0, 1, 0);
  Output flat_inner = ops::Prod(tf::strided_slice_1d(params_shape, 0, batch_dims + 1, 1, 0, 0),
                                tf::int32_vector(graph, {0}));
  Output flat_params_shape =
      ops::ConcatV2({ops::Pack({flat_inner}, {}, "stack"), outer_shape, axis0(graph)},
                    ops::ConcatV2Attrs().with_N(2), "concat");
  Output flat_params = ops::reshape(params, flat_params_shape);
  Output flat_result = ops::GatherV2(flat_params, flat_indices, axis0(graph));
  Output result_shape = ops::ConcatV2({indices_shape, outer_shape, axis0(graph)},
                                      ops::ConcatV2Attrs().with_N(2), "concat");
  Output result = ops::reshape(flat_result, result_shape);
  const Shape known = gathered_shape(params.shape(), indices.shape(), batch_dims);
  if (result.shape().compatible_with(known))
    graph.refine_output_shape(*result.node, 0, result.shape().merge_with(known));
  return result;
}

std::vector<int32_t> span(int64_t from, int64_t to) {
  std::vector<int32_t> v;
  for (int64_t i = from; i < to; ++i) v.push_back(static_cast<int32_t>(i));
  return v;
}

}  // namespace

Output batch_gather(Graph& graph, Output params, Output indices, int64_t batch_dims,
                    std::optional<int64_t> axis, const std::string& name) {
  NameScope scope(graph, name.empty() ? "Gather" : name);
  const Shape& index_shape = indices.shape();
  VF_CHECK(index_shape.has_rank(), ErrorCode::kValue,
           "tf.gather does not allow indices tensors with unknown shape when batch_dims is "
           "specified.");
  const int64_t indices_rank = index_shape.rank();
  if (batch_dims < 0) batch_dims += indices_rank;
  VF_CHECK(batch_dims >= 0 && batch_dims < indices_rank, ErrorCode::kValue,
           "batch_dims = ", batch_dims, " must be less than rank(indices) = ", indices_rank);
  const Shape& params_shape = params.shape();
  VF_CHECK(!params_shape.has_rank() || batch_dims < params_shape.rank(), ErrorCode::kValue,
           "batch_dims = ", batch_dims, " must be less than rank(params) = ", params_shape.rank());
  const int64_t gather_axis = axis.value_or(batch_dims);
  if (gather_axis == batch_dims) return gather_after_batch(graph, params, indices, batch_dims);

  VF_CHECK(params_shape.has_rank(), ErrorCode::kValue,
           "tf.gather with batch_dims and an axis other than batch_dims needs params of known "
           "rank");
  const int64_t rank = params_shape.rank();
  VF_CHECK(gather_axis >= -rank && gather_axis < rank, ErrorCode::kValue, "axis (", gather_axis,
           ") out of range [", -rank, ", ", rank, ")");
  const int64_t a = gather_axis < 0 ? gather_axis + rank : gather_axis;
  VF_CHECK(a >= batch_dims, ErrorCode::kValue, "batch_dims = ", batch_dims,
           " must be less than or equal to axis = ", a);
  if (a == batch_dims) return gather_after_batch(graph, params, indices, batch_dims);
  // params[axis] moved up to params[batch_dims], gathered there, and the result's dimensions
  // of params[batch_dims:axis] moved back before those of indices[batch_dims:].
  std::vector<int32_t> to_front = span(0, batch_dims);
  to_front.push_back(static_cast<int32_t>(a));
  for (int32_t i : span(batch_dims, a)) to_front.push_back(i);
  for (int32_t i : span(a + 1, rank)) to_front.push_back(i);
  Output moved = tf::transpose(graph, params, to_front);
  Output result = gather_after_batch(graph, moved, indices, batch_dims);
  const int64_t params_start = indices_rank + a - batch_dims;
  const int64_t result_rank = indices_rank + rank - batch_dims - 1;
  std::vector<int32_t> back = span(0, batch_dims);
  for (int32_t i : span(indices_rank, params_start)) back.push_back(i);
  for (int32_t i : span(batch_dims, indices_rank)) back.push_back(i);
  for (int32_t i : span(params_start, result_rank)) back.push_back(i);
  return tf::transpose(graph, result, back);
}

}  // namespace varflow::train
