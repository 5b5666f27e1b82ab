// Ops between values and index sets: Where (the indices of true elements), OneHot (indices to
// one-hot rows) and ListDiff (a set difference with the kept indices).
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

// --- Where -------------------------------------------------------------------------------------
// Where(input) -> int64 [num_true, rank]: the coordinates of the true (non-zero) elements.
void where_shape(InferenceContext& c) {
  shape_rules::require_dtype(
      c, 0, {DType::kBool, DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  const Shape& s = c.input_shape(0);
  c.set_output(0, DType::kInt64,
               s.has_rank() ? Shape({kUnknownDim, static_cast<int64_t>(s.rank())})
                            : Shape({kUnknownDim, kUnknownDim}));
}

void where_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int r = x.rank();
  // TF1's WhereOp handles ranks 1 to 8 only; varflow takes any rank, a scalar included, as
  // NumPy's argwhere does (a true scalar gives one row of no coordinates).
  std::vector<int64_t> hits;
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* v = x.data<T>();
    for (int64_t i = 0; i < x.num_elements(); ++i)
      if (v[i] != T{0}) hits.push_back(i);
  });
  Tensor& out = c.allocate_output(0, DType::kInt64, Dims{static_cast<int64_t>(hits.size()), r});
  int64_t* o = out.data<int64_t>();
  for (size_t n = 0; n < hits.size(); ++n) {
    int64_t flat = hits[n];
    for (int i = r; i-- > 0;) {
      o[n * static_cast<size_t>(r) + static_cast<size_t>(i)] = flat % x.dim(i);
      flat /= x.dim(i);
    }
  }
}

// --- OneHot ------------------------------------------------------------------------------------
// OneHot's axis is -1 (last) or in [0, rank(indices)]: the output has one more dimension.
std::string one_hot_axis_error(int64_t axis, int64_t indices_rank) {
  return str_cat("Expected axis to be -1 or between [0, ", indices_rank + 1,
                 ").  But received: ", axis);
}

void one_hot_shape(InferenceContext& c) {
  require_int(c, 0);
  require_int(c, 1);
  for (int i = 1; i < 4; ++i) shape_rules::require_rank(c, i, 0);
  if (c.input_dtype(2) != c.input_dtype(3))
    c.type_error("Input 'off_value' of 'OneHot' Op has type ", dtype_name(c.input_dtype(3)),
                 " that does not match type ", dtype_name(c.input_dtype(2)),
                 " of argument 'on_value'.");
  const Shape& s = c.input_shape(0);
  int64_t axis = c.attrs().get<int64_t>("axis");
  if (axis < -1) c.value_error("axis must be >= -1");
  auto depth = const_scalar(c, 1);
  if (depth && *depth < 0)
    c.value_error("Dimension size, given by scalar input 1 (depth), must be non-negative but is ",
                  *depth);
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(2), Shape::unknown_rank());
    return;
  }
  if (axis > s.rank()) c.value_error(one_hot_axis_error(axis, s.rank()));
  if (axis == -1) axis = s.rank();
  Dims dims = s.dims();
  dims.insert(dims.begin() + axis, depth ? *depth : kUnknownDim);
  c.set_output(0, c.input_dtype(2), Shape(dims));
}

template <typename I>
void one_hot_fill(const Tensor& idx, int64_t depth, int64_t outer, int64_t inner, const char* on,
                  const char* off, size_t es, char* dst, DType dtype) {
  const I* ix = idx.data<I>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t d = 0; d < depth; ++d)
      for (int64_t i = 0; i < inner; ++i)
        copy_raw(dtype, dst + static_cast<size_t>((o * depth + d) * inner + i) * es,
                 ix[o * inner + i] == d ? on : off, es);
}

void one_hot_kernel(KernelContext& c) {
  const Tensor& idx = c.input(0);
  const Tensor& depth_t = c.input(1);
  if (depth_t.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument,
           "depth must be a scalar, but got: ", tf_shape(depth_t.dims()));
  for (int i : {2, 3})
    if (c.input(i).rank() != 0)
      c.fail(ErrorCode::kInvalidArgument, i == 2 ? "on_value" : "off_value",
             " must be a scalar, but got: ", tf_shape(c.input(i).dims()));
  const int64_t depth = depth_t.scalar_as_int();
  if (depth < 0) c.fail(ErrorCode::kInvalidArgument, "depth must be non-negative, got: ", depth);
  int64_t axis = c.attrs().get<int64_t>("axis");
  if (axis < -1 || axis > idx.rank())
    c.fail(ErrorCode::kInvalidArgument, one_hot_axis_error(axis, idx.rank()));
  if (axis == -1) axis = idx.rank();
  Dims dims = idx.dims();
  dims.insert(dims.begin() + axis, depth);
  Tensor& out = c.allocate_output(0, c.input(2).dtype(), dims);
  if (out.num_elements() == 0) return;  // else idx is non-empty and its products fit int64
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < axis; ++k) outer *= idx.dim(k);
  for (int k = static_cast<int>(axis); k < idx.rank(); ++k) inner *= idx.dim(k);
  const size_t es = dtype_size(out.dtype());
  const char* on = static_cast<const char*>(c.input(2).raw());
  const char* off = static_cast<const char*>(c.input(3).raw());
  char* dst = static_cast<char*>(out.raw());
  if (idx.dtype() == DType::kInt32)
    one_hot_fill<int32_t>(idx, depth, outer, inner, on, off, es, dst, out.dtype());
  else
    one_hot_fill<int64_t>(idx, depth, outer, inner, on, off, es, dst, out.dtype());
}

// --- ListDiff ----------------------------------------------------------------------------------
// ListDiff(x, y) -> (out, idx): the values of x not in y, and their positions in x. A set, not
// a sort, so that NaN (equal to nothing) needs no ordering: it is never found in y.
void list_diff_shape(InferenceContext& c) {
  if (c.input_dtype(1) != c.input_dtype(0))
    c.type_error("Input 'y' of 'ListDiff' Op has type ", dtype_name(c.input_dtype(1)),
                 " that does not match type ", dtype_name(c.input_dtype(0)), " of argument 'x'.");
  shape_rules::require_rank(c, 0, 1);
  shape_rules::require_rank(c, 1, 1);
  const DType idx = c.attrs().get<DType>("out_idx");
  if (idx != DType::kInt32 && idx != DType::kInt64)
    c.type_error("Value passed to parameter 'out_idx' has DataType ", dtype_name(idx),
                 " not in list of allowed values: int32, int64");
  c.set_output(0, c.input_dtype(0), Shape({kUnknownDim}));
  c.set_output(1, idx, Shape({kUnknownDim}));
}

void list_diff_kernel(KernelContext& c) {
  const Tensor &x = c.input(0), &y = c.input(1);
  if (x.rank() != 1) c.fail(ErrorCode::kInvalidArgument, "x should be a 1D vector.");
  if (y.rank() != 1) c.fail(ErrorCode::kInvalidArgument, "y should be a 1D vector.");
  const DType idx_type = c.attrs().get<DType>("out_idx");
  if (idx_type == DType::kInt32 && x.num_elements() > kInt32Max)
    c.fail(ErrorCode::kInvalidArgument, "x has ", x.num_elements(),
           " elements, too many for int32 indices");
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* xv = x.data<T>();
    const T* yv = y.data<T>();
    std::unordered_set<T> ys(yv, yv + y.num_elements());
    std::vector<int64_t> idx;
    for (int64_t i = 0; i < x.num_elements(); ++i)
      if (!ys.count(xv[i])) idx.push_back(i);
    const int64_t n = static_cast<int64_t>(idx.size());
    Tensor& out = c.allocate_output(0, x.dtype(), {n});
    T* o = out.data<T>();
    for (int64_t k = 0; k < n; ++k) o[k] = xv[idx[static_cast<size_t>(k)]];
    c.set_output(1, int_vector(idx, idx_type));
  });
}

}  // namespace

void register_index_set_ops(OpRegistry& r) {
  r.add("Where")
      .inputs({"input"})
      .outputs({"index"})
      .shape(where_shape)
      .kernel(where_kernel)
      .not_differentiable();
  r.add("OneHot")
      .inputs({"indices", "depth", "on_value", "off_value"})
      .outputs({"output"})
      .attr("axis", int64_t{-1}, "the new axis: -1 (last) or in [0, rank(indices)]")
      .shape(one_hot_shape)
      .kernel(one_hot_kernel)
      .not_differentiable();
  r.add("ListDiff")
      .inputs({"x", "y"})
      .outputs({"out", "idx"})
      .attr("out_idx", DType::kInt32, "int32 or int64")
      .shape(list_diff_shape)
      .kernel(list_diff_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
