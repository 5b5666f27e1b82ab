// Gather, GatherV2 and UnsortedSegmentSum. Gather's gradient is dense (an UnsortedSegmentSum)
// since varflow has no IndexedSlices.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <unordered_set>

#include "core/element_copy.h"
#include "kernels/strided_copy.h"
#include "kernels/wrapping.h"
#include "ops/indexing_helpers.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using namespace indexing;

// --- Gather / GatherV2 / UnsortedSegmentSum ------------------------------------------------------
std::string index_string(const Dims& dims, int64_t flat) {
  std::string s;
  Dims idx(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    idx[i] = dims[i] == 0 ? 0 : flat % dims[i];
    flat = dims[i] == 0 ? 0 : flat / dims[i];
  }
  for (size_t i = 0; i < idx.size(); ++i) s += (i ? "," : "") + std::to_string(idx[i]);
  return s;
}

Dims gather_dims(const Dims& params, const Dims& indices, int64_t axis) {
  Dims dims(params.begin(), params.begin() + axis);
  dims.insert(dims.end(), indices.begin(), indices.end());
  dims.insert(dims.end(), params.begin() + axis + 1, params.end());
  return dims;
}

void gather_shape(InferenceContext& c) {
  require_int(c, 1);
  if (c.num_inputs() > 2 && c.attrs().get<int64_t>("batch_dims") != 0)
    c.value_error("batch_dims != 0 is not supported (got ", c.attrs().get<int64_t>("batch_dims"),
                  ")");
  std::optional<int64_t> axis_v = int64_t{0};
  if (c.num_inputs() > 2) {
    require_int(c, 2);
    shape_rules::require_rank(c, 2, 0);
    axis_v = const_scalar(c, 2);
  }
  const Shape& p = c.input_shape(0);
  const Shape& ix = c.input_shape(1);
  if (p.has_rank() && p.rank() == 0)
    c.value_error("Shape must be at least rank 1 but is rank 0 with input shapes: ",
                  shapes_string(c));
  if (!p.has_rank() || !ix.has_rank() || !axis_v) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  const int64_t r = p.rank();
  const int64_t axis_in = *axis_v;
  auto at = normalize_axis(axis_in, r);
  if (!at)
    c.value_error("Shape must be at least rank ", (axis_in < 0 ? -axis_in : axis_in + 1),
                  " but is rank ", r, " (axis ", axis_in, " out of range [", -r, ", ", r,
                  ")) with input shapes: ", shapes_string(c));
  c.set_output(0, c.input_dtype(0), Shape(gather_dims(p.dims(), ix.dims(), *at)));
}

template <typename I>
void gather_typed(KernelContext& c, const Tensor& params, const Tensor& indices, int64_t axis,
                  Tensor& out) {
  const int64_t limit = params.dim(static_cast<int>(axis));
  const int64_t n = indices.num_elements();
  const I* ix = indices.data<I>();
  for (int64_t i = 0; i < n; ++i)
    if (ix[i] < 0 || ix[i] >= limit)
      c.fail(ErrorCode::kInvalidArgument, "indices[", index_string(indices.dims(), i),
             "] = ", ix[i], " is not in [0, ", limit, ")");
  // A non-empty output means non-empty params, whose partial products fit int64.
  if (out.num_elements() == 0) return;
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < axis; ++k) outer *= params.dim(k);
  for (int k = static_cast<int>(axis) + 1; k < params.rank(); ++k) inner *= params.dim(k);
  const size_t row = static_cast<size_t>(inner) * dtype_size(params.dtype());
  const char* src = static_cast<const char*>(params.raw());
  char* dst = static_cast<char*>(out.raw());
  for (int64_t o = 0; o < outer; ++o) {
    const char* block = src + static_cast<size_t>(o * limit) * row;
    char* out_block = dst + static_cast<size_t>(o * n) * row;
    for (int64_t i = 0; i < n; ++i)
      copy_raw(params.dtype(), out_block + static_cast<size_t>(i) * row,
               block + static_cast<size_t>(ix[i]) * row, row);
  }
}

void gather_kernel(KernelContext& c) {
  const Tensor& params = c.input(0);
  const Tensor& indices = c.input(1);
  const int64_t axis_v =
      c.num_inputs() > 2 ? scalar_input(c, 2, "axis must be scalar, got shape ") : 0;
  const int64_t r = params.rank();
  if (r == 0) c.fail(ErrorCode::kInvalidArgument, "params must be at least 1 dimensional");
  auto at = normalize_axis(axis_v, r);
  if (!at)
    c.fail(ErrorCode::kInvalidArgument, "Expected axis in the range [", -r, ", ", r, "), but got ",
           axis_v);
  Tensor& out =
      c.allocate_output(0, params.dtype(), gather_dims(params.dims(), indices.dims(), *at));
  if (indices.dtype() == DType::kInt32)
    gather_typed<int32_t>(c, params, indices, *at, out);
  else
    gather_typed<int64_t>(c, params, indices, *at, out);
}

// The constant value of `o` when it is a Const node.
std::optional<int64_t> const_value(Output o) {
  if (o.node->type() != "Const") return std::nullopt;
  const Tensor& t = o.node->attrs().get<Tensor>("value");
  if (t.num_elements() != 1) return std::nullopt;
  return t.scalar_as_int();
}

Output prod_of(Output v) {
  return op(v.graph(), "Prod", {v, i32(v.graph(), 0)}, {{"keep_dims", false}});
}
Output slice1(Output v, Output begin, Output size) {
  Graph& g = v.graph();
  return op(g, "Slice",
            {v, op(g, "Reshape", {begin, int_const(g, {1})}),
             op(g, "Reshape", {size, int_const(g, {1})})});
}

// Dense gradient of GatherV2 (TF1 returns IndexedSlices; varflow sums into a dense tensor).
Grads gather_grad(GradContext& c) {
  Graph& g = c.graph();
  Output params = c.input(0), indices = c.input(1), grad = c.grad();
  Output params_shape = op(g, "Shape", {params}, {{"out_type", DType::kInt32}});
  Output ids = c.input(1).dtype() == DType::kInt32 ? indices : cast(indices, DType::kInt32);
  Output flat_ids = reshape(ids, int_const(g, {-1}));
  Output n = op(g, "Size", {ids});
  std::optional<int64_t> axis =
      c.num_inputs() > 2 ? const_value(c.input(2)) : std::optional<int64_t>(0);
  Grads none_rest(static_cast<size_t>(c.num_inputs() - 1), std::nullopt);
  if (axis && *axis < 0 && params.shape().has_rank()) *axis += params.shape().rank();
  if (!axis || *axis < 0)
    raise(ErrorCode::kUnimplemented, "Gradient of ", c.op().name(), " needs a constant axis");
  if (*axis == 0) {
    Output rest = slice1(params_shape, i32(g, 1), i32(g, -1));
    Output values = reshape(
        grad, op(g, "ConcatV2", {op(g, "Reshape", {n, int_const(g, {1})}), rest, i32(g, 0)}));
    Output num = op(g, "Reshape", {slice1(params_shape, i32(g, 0), i32(g, 1)), int_const(g, {})});
    Grads out{op(g, "UnsortedSegmentSum", {values, flat_ids, num})};
    out.insert(out.end(), none_rest.begin(), none_rest.end());
    return out;
  }
  // axis > 0: view grad as [outer, n, inner], move n to the front, segment-sum, move back.
  const int a = static_cast<int>(*axis);
  Output outer = prod_of(slice1(params_shape, i32(g, 0), i32(g, a)));
  Output inner = prod_of(slice1(params_shape, i32(g, a + 1), i32(g, -1)));
  Output limit = op(g, "Reshape", {slice1(params_shape, i32(g, a), i32(g, 1)), int_const(g, {})});
  Output g3 = reshape(grad, op(g, "Pack", {outer, n, inner}, {{"axis", int64_t{0}}}));
  Output moved = op(g, "Transpose", {g3, int_const(g, {1, 0, 2})});
  Output summed = op(g, "UnsortedSegmentSum", {moved, flat_ids, limit});
  Output back = op(g, "Transpose", {summed, int_const(g, {1, 0, 2})});
  Grads out{reshape(back, params_shape)};
  out.insert(out.end(), none_rest.begin(), none_rest.end());
  return out;
}

void segment_sum_shape(InferenceContext& c) {
  require_int(c, 1);
  require_int(c, 2);
  shape_rules::require_rank(c, 2, 0);
  shape_rules::require_dtype(c, 0,
                             {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  const Shape& d = c.input_shape(0);
  const Shape& ids = c.input_shape(1);
  auto num = const_scalar(c, 2);
  if (num && *num < 0)
    c.value_error("Dimension size, given by scalar input 2, must be non-negative but is ", *num);
  if (!d.has_rank() || !ids.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  if (ids.rank() > d.rank())
    c.value_error("Shape must be at least rank ", ids.rank(), " but is rank ", d.rank(),
                  " (segment_ids.shape = ", ids.to_tf_string(),
                  " must be a prefix of data.shape = ", d.to_tf_string(),
                  ") with input shapes: ", shapes_string(c));
  for (int i = 0; i < ids.rank(); ++i)
    if (ids.dim(i) >= 0 && d.dim(i) >= 0 && ids.dim(i) != d.dim(i))
      c.value_error("Dimensions must be equal, but are ", d.dim(i), " and ", ids.dim(i),
                    " (segment_ids.shape = ", ids.to_tf_string(),
                    " must be a prefix of data.shape = ", d.to_tf_string(),
                    ") with input shapes: ", shapes_string(c));
  Dims dims{num ? *num : kUnknownDim};
  dims.insert(dims.end(), d.dims().begin() + ids.rank(), d.dims().end());
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

template <typename T, typename I>
void segment_sum_typed(KernelContext& c, const Tensor& data, const Tensor& ids, int64_t num,
                       Tensor& out) {
  const int64_t n = ids.num_elements();
  const I* ix = ids.data<I>();
  for (int64_t i = 0; i < n; ++i)
    if (ix[i] >= num)
      c.fail(ErrorCode::kInvalidArgument, "segment_ids[", index_string(ids.dims(), i),
             "] = ", ix[i], " is out of range [0, ", num, ")");
  T* dst = out.data<T>();
  std::fill(dst, dst + out.num_elements(), T(0));
  if (n == 0) return;
  const int64_t inner = data.num_elements() / n;
  const T* src = data.data<T>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = ix[i];
    if (s < 0) continue;  // dropped, as in TF
    T* row = dst + s * inner;
    const T* in = src + i * inner;
    // Integer sums wrap as in TF1 and NumPy (signed overflow is UB in C++).
    for (int64_t k = 0; k < inner; ++k) row[k] = kernels::wrap_add(row[k], in[k]);
  }
}

void segment_sum_kernel(KernelContext& c) {
  const Tensor& data = c.input(0);
  const Tensor& ids = c.input(1);
  const int64_t num = scalar_input(c, 2, "num_segments should be a scalar, not shape ");
  if (num < 0)
    c.fail(ErrorCode::kInvalidArgument, "Input num_segments == ", num, " must not be negative.");
  bool prefix = ids.rank() <= data.rank();
  for (int i = 0; prefix && i < ids.rank(); ++i) prefix = ids.dim(i) == data.dim(i);
  if (!prefix)
    c.fail(ErrorCode::kInvalidArgument, "data.shape = ", tf_shape(data.dims()),
           " does not start with segment_ids.shape = ", tf_shape(ids.dims()));
  Dims dims{num};
  dims.insert(dims.end(), data.dims().begin() + ids.rank(), data.dims().end());
  Tensor& out = c.allocate_output(0, data.dtype(), dims);
  visit_dtype(data.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "UnsortedSegmentSum does not support bool");
    } else if (ids.dtype() == DType::kInt32) {
      segment_sum_typed<T, int32_t>(c, data, ids, num, out);
    } else {
      segment_sum_typed<T, int64_t>(c, data, ids, num, out);
    }
  });
}

// TF1's _GatherDropNegatives: gather(grad, ids) with zeros where an id is negative.
Grads segment_sum_grad(GradContext& c) {
  Graph& g = c.graph();
  Output ids = c.input(1);
  Output zero = constant(g, Tensor::scalar<int64_t>(0).cast(ids.dtype()));
  Output gathered = op(g, "GatherV2", {c.grad(), op(g, "Maximum", {ids, zero}), i32(g, 0)});
  Output keep = cast(op(g, "GreaterEqual", {ids, zero}), gathered.dtype());
  Output extra = op(g, "Sub", {op(g, "Rank", {gathered}), op(g, "Rank", {ids})});
  Output mask_shape = op(g, "ConcatV2",
                         {op(g, "Shape", {ids}, {{"out_type", DType::kInt32}}),
                          fill(reshape(extra, int_const(g, {1})), i32(g, 1)), i32(g, 0)});
  return Grads{mul(gathered, reshape(keep, mask_shape)), std::nullopt, std::nullopt};
}

}  // namespace

void register_gather_ops(OpRegistry& r) {
  r.add("GatherV2")
      .inputs({"params", "indices", "axis"})
      .outputs({"output"})
      .attr("batch_dims", int64_t{0}, "only 0 is supported")
      .shape(gather_shape)
      .kernel(gather_kernel)
      .grad(gather_grad);
  r.add("Gather")
      .inputs({"params", "indices"})
      .outputs({"output"})
      .shape(gather_shape)
      .kernel(gather_kernel)
      .grad(gather_grad);
  r.add("UnsortedSegmentSum")
      .inputs({"data", "segment_ids", "num_segments"})
      .outputs({"output"})
      .shape(segment_sum_shape)
      .kernel(segment_sum_kernel)
      .grad(segment_sum_grad);
}

}  // namespace varflow::ops
