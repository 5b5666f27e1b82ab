// TopKV2 and InTopKV2: the k largest entries of each row, and whether a target class is among
// them, with TF's shape rules, messages, tie order (lower index first) and TopKV2's gradient.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/thread_pool.h"
#include "ops/indexing_helpers.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using namespace indexing;

void top_k_shape(InferenceContext& c) {
  require_int(c, 1);
  const Shape& s = c.input_shape(0);
  if (s.has_rank() && s.rank() < 1)
    c.value_error("Shape must be at least rank 1 but is rank 0 with input shapes: ",
                  shapes_string(c));
  const Shape& ks = c.input_shape(1);
  if (ks.has_rank() && ks.rank() != 0)
    c.value_error("Input must be scalar but has rank ", ks.rank(),
                  " with input shapes: ", shapes_string(c));
  std::optional<int64_t> k = const_scalar(c, 1);
  if (k && *k < 0)
    c.value_error("Dimension size, given by scalar input 1, must be non-negative but is ", *k,
                  " with input shapes: ", shapes_string(c));
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    c.set_output(1, DType::kInt32, Shape::unknown_rank());
    return;
  }
  Dims dims = s.dims();
  int64_t& last = dims.back();
  if (k && last >= 0 && last < *k)
    c.value_error("input must have last dimension >= k = ", *k, " but is ", last,
                  " with input shapes: ", shapes_string(c));
  last = k ? *k : kUnknownDim;
  c.set_output(0, c.input_dtype(0), Shape(dims));
  c.set_output(1, DType::kInt32, Shape(dims));
}

// The value a row is ordered by: the element itself, or float for the 16-bit floats.
template <typename T>
auto sort_key(T v) {
  if constexpr (std::is_arithmetic_v<T>)
    return v;
  else
    return static_cast<float>(v);
}

// Descending by value, NaN first as the largest, ties by lower index: a strict weak order
// even with NaNs (TF's order among NaNs is unspecified).
template <typename K>
bool ranks_before(K a, int32_t ia, K b, int32_t ib) {
  if constexpr (std::is_floating_point_v<K>) {
    if (std::isnan(a) != std::isnan(b)) return std::isnan(a);
    if (std::isnan(a)) return ia < ib;
  }
  if (a != b) return a > b;
  return ia < ib;
}

template <typename T>
constexpr bool is_orderable_v =
    !std::is_same_v<T, bool> && !std::is_same_v<T, complex64> && !std::is_same_v<T, complex128>;

void top_k_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& kt = c.input(1);
  if (kt.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "k must be a scalar, got shape ", tf_shape(kt.dims()));
  const int64_t k = kt.scalar_as_int();
  if (k < 0) c.fail(ErrorCode::kInvalidArgument, "Need k >= 0, got ", k);
  if (x.rank() < 1)
    c.fail(ErrorCode::kInvalidArgument, "input must be >= 1-D, got shape ", tf_shape(x.dims()));
  const int64_t n = x.dims().back();
  if (n < k)
    c.fail(ErrorCode::kInvalidArgument, "input must have at least k columns. Had ", n, ", needed ",
           k);
  if (n > kInt32Max)
    c.fail(ErrorCode::kInvalidArgument, "TopKV2: last dimension ", n,
           " exceeds the int32 indices' range");
  Dims dims = x.dims();
  dims.back() = k;
  Tensor& values = c.allocate_output(0, x.dtype(), dims);
  Tensor& indices = c.allocate_output(1, DType::kInt32, dims);
  const int64_t rows = n == 0 ? 0 : x.num_elements() / n;
  visit_numeric_dtype(
      x.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        if constexpr (!is_orderable_v<T>) {
          c.fail(ErrorCode::kInvalidArgument, "TopKV2 is not supported for dtype ",
                 dtype_tf_name(x.dtype()));
        } else {
          const T* in = x.data<T>();
          T* out = values.data<T>();
          int32_t* idx = indices.data<int32_t>();
          c.pool().parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(n, 1)),
                                [&](int64_t r0, int64_t r1) {
                                  std::vector<int32_t> order(static_cast<size_t>(n));
                                  for (int64_t r = r0; r < r1; ++r) {
                                    const T* row = in + r * n;
                                    std::iota(order.begin(), order.end(), 0);
                                    auto before = [&](int32_t a, int32_t b) {
                                      return ranks_before(sort_key(row[a]), a, sort_key(row[b]), b);
                                    };
                                    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                                                      before);
                                    for (int64_t j = 0; j < k; ++j) {
                                      const int32_t i = order[static_cast<size_t>(j)];
                                      out[r * k + j] = row[i];
                                      idx[r * k + j] = i;
                                    }
                                  }
                                });
        }
      },
      "TopKV2");
}

// TF1's _TopKGrad: each value's gradient goes back to the input entry it came from (an
// unsorted segment sum over the flattened input, as a scatter of distinct indices).
Grads top_k_grad(GradContext& c) {
  Graph& g = c.graph();
  Output x = c.input(0);
  Output in_shape = op(g, "Shape", {x}, {{"out_type", DType::kInt32}});
  Output n =
      op(g, "StridedSlice", {in_shape, int_const(g, {-1}), int_const(g, {0}), int_const(g, {1})},
         {{"shrink_axis_mask", int64_t{1}}, {"end_mask", int64_t{1}}});
  Output idx = c.output(1);
  Output k = op(g, "StridedSlice",
                {op(g, "Shape", {idx}, {{"out_type", DType::kInt32}}), int_const(g, {-1}),
                 int_const(g, {0}), int_const(g, {1})},
                {{"shrink_axis_mask", int64_t{1}}, {"end_mask", int64_t{1}}});
  Output idx_2d = reshape(idx, op(g, "Pack", {i32(g, -1), k}, {{"axis", int64_t{0}}}));
  Output rows = op(g, "StridedSlice",
                   {op(g, "Shape", {idx_2d}, {{"out_type", DType::kInt32}}), int_const(g, {0}),
                    int_const(g, {1}), int_const(g, {1})},
                   {{"shrink_axis_mask", int64_t{1}}});
  Output offsets = op(g, "ExpandDims", {op(g, "Range", {i32(g, 0), mul(rows, n), n}), i32(g, -1)});
  Output flat_idx = reshape(add(idx_2d, offsets), int_const(g, {-1}));
  Output total = op(g, "Prod", {in_shape, i32(g, 0)}, {{"keep_dims", false}});
  Output dx_flat =
      op(g, "UnsortedSegmentSum", {reshape(c.grad(0), int_const(g, {-1})), flat_idx, total});
  return Grads{reshape(dx_flat, in_shape), std::nullopt};
}

void in_top_k_shape(InferenceContext& c) {
  if (c.input_dtype(0) != DType::kFloat32)
    c.type_error("Input 'predictions' of 'InTopKV2' Op has type ", dtype_name(c.input_dtype(0)),
                 " that does not match expected type of float32.");
  require_int(c, 1);
  require_int(c, 2);
  shape_rules::require_rank(c, 0, 2);
  shape_rules::require_rank(c, 1, 1);
  shape_rules::require_rank(c, 2, 0);
  const Shape& p = c.input_shape(0);
  const Shape& t = c.input_shape(1);
  int64_t batch = p.has_rank() ? p.dim(0) : kUnknownDim;
  const int64_t targets = t.has_rank() ? t.dim(0) : kUnknownDim;
  if (batch >= 0 && targets >= 0 && batch != targets)
    c.value_error("Dimensions must be equal, but are ", batch, " and ", targets,
                  " with input shapes: ", shapes_string(c));
  if (batch < 0) batch = targets;
  c.set_output(0, DType::kBool, Shape({batch}));
}

void in_top_k_kernel(KernelContext& c) {
  const Tensor& p = c.input(0);
  const Tensor& t = c.input(1);
  const Tensor& kt = c.input(2);
  if (p.rank() != 2) c.fail(ErrorCode::kInvalidArgument, "predictions must be 2-dimensional");
  if (t.rank() != 1) c.fail(ErrorCode::kInvalidArgument, "targets must be 1-dimensional");
  if (kt.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "k must be 0-D, got shape ", tf_shape(kt.dims()));
  if (p.dim(0) != t.dim(0))
    c.fail(ErrorCode::kInvalidArgument, "First dimension of predictions ", p.dim(0),
           " must match length of targets ", t.dim(0));
  const int64_t k = kt.scalar_as_int();
  const int64_t classes = p.dim(1);
  const std::vector<int64_t> target = int_values(t);
  Tensor& out = c.allocate_output(0, DType::kBool, {p.dim(0)});
  const float* pred = p.data<float>();
  for (int64_t b = 0; b < p.dim(0); ++b) {
    const int64_t id = target[static_cast<size_t>(b)];
    bool in = false;
    // As TF: an out-of-range target, or any non-finite prediction in the row, is never in
    // the top k; classes tied with the target do not push it out.
    if (id >= 0 && id < classes) {
      const float v = pred[b * classes + id];
      int64_t larger = 0;
      bool finite = true;
      for (int64_t j = 0; j < classes && finite; ++j) {
        const float w = pred[b * classes + j];
        finite = std::isfinite(w);
        larger += w > v;
      }
      in = finite && larger < k;
    }
    out.data<bool>()[b] = in;
  }
}

}  // namespace

void register_top_k_ops(OpRegistry& r) {
  r.add("TopKV2")
      .inputs({"input", "k"})
      .outputs({"values", "indices"})
      .attr("sorted", true, "the k values in descending order (always so here)")
      .shape(top_k_shape)
      .kernel(top_k_kernel)
      .grad(top_k_grad);
  r.add("InTopKV2")
      .inputs({"predictions", "targets", "k"})
      .outputs({"precision"})
      .shape(in_top_k_shape)
      .kernel(in_top_k_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
