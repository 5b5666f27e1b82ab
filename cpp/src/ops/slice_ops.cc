// Slicing: Slice and StridedSlice (with StridedSliceGrad, its gradient), as in TF1's
// array_grad.py.
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

// --- Slice ------------------------------------------------------------------------------------
void slice_shape(InferenceContext& c) {
  require_int(c, 1);
  require_int(c, 2);
  shape_rules::require_rank(c, 1, 1);
  shape_rules::require_rank(c, 2, 1);
  const Shape& s = c.input_shape(0);
  const Tensor* b = c.constant_input(1);
  const Tensor* z = c.constant_input(2);
  auto blen = vector_length(c.input_shape(1)), zlen = vector_length(c.input_shape(2));
  if (blen && zlen && *blen != *zlen)
    c.value_error(
        "Dimensions must be equal, but are ", *blen, " and ", *zlen,
        " (begin and size must have the same length) with input shapes: ", shapes_string(c));
  int64_t rank = s.has_rank() ? s.rank() : (blen ? *blen : (zlen ? *zlen : -1));
  for (auto len : {blen, zlen})
    if (len && *len != rank)
      c.value_error("Shape must be rank ", *len, " but is rank ", rank,
                    " with input shapes: ", shapes_string(c));
  if (rank < 0) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  Dims out(static_cast<size_t>(rank), kUnknownDim);
  std::vector<int64_t> begin, size;
  if (b) begin = int_values(*b);
  if (z) size = int_values(*z);
  for (int64_t i = 0; i < rank; ++i) {
    const size_t u = static_cast<size_t>(i);
    const int64_t dim = s.has_rank() ? s.dim(static_cast<int>(i)) : kUnknownDim;
    if (b && (begin[u] < 0 || (dim >= 0 && begin[u] > dim)))
      c.value_error("Expected begin[", i, "] in [0, ", dim >= 0 ? std::to_string(dim) : "?",
                    "], but got ", begin[u]);
    if (!z) continue;
    if (size[u] < -1) c.value_error("Invalid value in tensor used for shape: ", size[u]);
    if (size[u] >= 0) {
      out[u] = size[u];
      if (b && dim >= 0 && size[u] > dim - begin[u])
        c.value_error("Expected size[", i, "] in [0, ", dim - begin[u], "], but got ", size[u]);
    } else if (b && dim >= 0) {
      out[u] = dim - begin[u];
    }
  }
  c.set_output(0, c.input_dtype(0), Shape(out));
}

void slice_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor &bt = c.input(1), &zt = c.input(2);
  const int r = x.rank();
  if (bt.rank() != 1 || zt.rank() != 1 || bt.num_elements() != r || zt.num_elements() != r)
    c.fail(ErrorCode::kInvalidArgument,
           "Expected begin and size arguments to be 1-D tensors of size ", r, ", but got shapes ",
           tf_shape(bt.dims()), " and ", tf_shape(zt.dims()), " instead.");
  std::vector<int64_t> begin = int_values(bt);
  std::vector<int64_t> size = int_values(zt);
  Dims dims(static_cast<size_t>(r));
  for (int i = 0; i < r; ++i) {
    const size_t u = static_cast<size_t>(i);
    const int64_t dim = x.dim(i);
    if (dim == 0 && (begin[u] != 0 || (size[u] != 0 && size[u] != -1)))
      c.fail(ErrorCode::kInvalidArgument, "Expected begin[", i, "] == 0 (got ", begin[u],
             ") and size[", i, "] == 0 (got ", size[u], ") when input.dim_size(", i, ") == 0");
    if (begin[u] < 0 || begin[u] > dim)
      c.fail(ErrorCode::kInvalidArgument, "Expected begin[", i, "] in [0, ", dim, "], but got ",
             begin[u]);
    if (size[u] == -1) size[u] = dim - begin[u];
    if (size[u] < 0 || size[u] > dim - begin[u])
      c.fail(ErrorCode::kInvalidArgument, "Expected size[", i, "] in [0, ", dim - begin[u],
             "], but got ", size[u]);
    dims[u] = size[u];
  }
  Tensor& out = c.allocate_output(0, x.dtype(), dims);
  kernels::strided_gather(x, begin, std::vector<int64_t>(static_cast<size_t>(r), 1), dims,
                          out.raw());
}

// --- StridedSlice ------------------------------------------------------------------------------
struct SliceSpec {
  std::vector<int64_t> begin, end, strides;
  // Bit sets over the spec's entries; unsigned, so that any attr value is a valid bit set.
  uint64_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
};

struct SliceResult {
  std::vector<int64_t> begin, strides;  // per input dim
  Dims sizes;                           // per input dim (kUnknownDim when unknown)
  Dims final_dims;                      // output shape
};

SliceSpec spec_from(const AttrMap& attrs) {
  SliceSpec s;
  auto mask = [&](const char* k) { return static_cast<uint64_t>(attrs.get<int64_t>(k)); };
  s.begin_mask = mask("begin_mask");
  s.end_mask = mask("end_mask");
  s.ellipsis_mask = mask("ellipsis_mask");
  s.new_axis_mask = mask("new_axis_mask");
  s.shrink_axis_mask = mask("shrink_axis_mask");
  return s;
}

// The number of elements of [0, dim) taken by a full (masked) slice with stride s != 0.
int64_t full_slice_size(int64_t dim, int64_t s) {
  const uint64_t step = s < 0 ? 0 - static_cast<uint64_t>(s) : static_cast<uint64_t>(s);
  return static_cast<int64_t>((static_cast<uint64_t>(dim) + step - 1) / step);
}

// TF's ValidateStridedSliceOp. `dims` may hold kUnknownDim (graph time); `values_known` false
// when begin/end/strides are not constants (only the rank of the result is computed).
// Returns an error message or "". Every begin/end value, however large, is clamped before it
// is used, and the size is computed from the clamped bounds, so nothing overflows.
std::string validate_strided_slice(const Dims& dims, const SliceSpec& sp, bool values_known,
                                   SliceResult& res, bool strides_known = true) {
  strides_known = strides_known || values_known;
  const int sparse = static_cast<int>(sp.begin.size());
  if (values_known && (sp.end.size() != sp.begin.size() || sp.strides.size() != sp.begin.size()))
    return "Expected begin, end, and strides to be 1D equal size tensors, but got shapes [" +
           std::to_string(sp.begin.size()) + "], [" + std::to_string(sp.end.size()) + "], and [" +
           std::to_string(sp.strides.size()) + "] instead.";
  if (sparse > kMaxSliceSpec)
    return str_cat("A strided slice spec has at most ", kMaxSliceSpec, " entries, got ", sparse);
  if (sp.ellipsis_mask & (sp.ellipsis_mask - 1))
    return "Multiple ellipses in slice spec not allowed";
  uint64_t ellipsis_mask = sp.ellipsis_mask;
  int sparse_dims = sparse;
  bool ellipsis_seen = false;
  int num_add_axis_after_ellipsis = 0;
  for (int i = 0; i < sparse; ++i) {
    if (ellipsis_seen && (sp.new_axis_mask & (uint64_t{1} << i))) ++num_add_axis_after_ellipsis;
    if (ellipsis_mask & (uint64_t{1} << i)) ellipsis_seen = true;
  }
  if (!ellipsis_seen) {
    ellipsis_mask |= uint64_t{1} << sparse_dims;
    ++sparse_dims;
  }
  const int dense = static_cast<int>(dims.size());
  std::vector<int64_t> begin(static_cast<size_t>(dense), 0), end(static_cast<size_t>(dense), 0),
      strides(static_cast<size_t>(dense), 1);
  std::vector<bool> stride_known(static_cast<size_t>(dense), true);
  std::vector<bool> bmask(static_cast<size_t>(dense), false),
      emask(static_cast<size_t>(dense), false), shrink(static_cast<size_t>(dense), false);
  constexpr int kNewAxis = -1, kShrink = -2;
  std::vector<int> gather;
  int full = 0;
  for (int i = 0; i < sparse_dims; ++i) {
    const uint64_t bit = uint64_t{1} << i;
    if (ellipsis_mask & bit) {
      const int next = std::min(dense - (sparse_dims - i) + 1 + num_add_axis_after_ellipsis, dense);
      for (; full < next; ++full) {
        bmask[static_cast<size_t>(full)] = emask[static_cast<size_t>(full)] = true;
        gather.push_back(full);
      }
    } else if (sp.new_axis_mask & bit) {
      gather.push_back(kNewAxis);
    } else {
      if (full >= dense)
        return "Index out of range using input dim " + std::to_string(full) + "; input has only " +
               std::to_string(dense) + " dims";
      const size_t f = static_cast<size_t>(full);
      if (values_known) {
        begin[f] = sp.begin[static_cast<size_t>(i)];
        end[f] = sp.end[static_cast<size_t>(i)];
      }
      if (strides_known) strides[f] = sp.strides[static_cast<size_t>(i)];
      stride_known[f] = strides_known;
      bmask[f] = (sp.begin_mask & bit) != 0;
      emask[f] = (sp.end_mask & bit) != 0;
      if (sp.shrink_axis_mask & bit) {
        shrink[f] = true;
        gather.push_back(kShrink);
      } else {
        gather.push_back(full);
      }
      ++full;
    }
  }
  res.begin.assign(static_cast<size_t>(dense), 0);
  res.strides.assign(static_cast<size_t>(dense), 1);
  res.sizes.assign(static_cast<size_t>(dense), kUnknownDim);
  for (int i = 0; i < dense; ++i) {
    const size_t u = static_cast<size_t>(i);
    const int64_t s = strides[u];
    if (stride_known[u] && s == 0) return "strides[" + std::to_string(i) + "] must be non-zero";
    const int64_t dim = dims[u];
    if (shrink[u]) res.sizes[u] = 1;
    if (!values_known || dim < 0) {
      // Without begin/end values a dimension that is fully masked still has a known size.
      if (!shrink[u] && dim >= 0 && bmask[u] && emask[u] && stride_known[u])
        res.sizes[u] = full_slice_size(dim, s);
      continue;
    }
    res.strides[u] = s;
    if (shrink[u]) {
      const int64_t x = begin[u] < 0 ? dim + begin[u] : begin[u];
      if (x < 0 || x >= dim)
        return "slice index " + std::to_string(begin[u]) + " of dimension " + std::to_string(i) +
               " out of bounds.";
      res.begin[u] = x;
      res.strides[u] = 1;
      continue;
    }
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
    auto canonical = [&](int64_t x, bool masked, bool is_end) {
      if (masked) return (s > 0) != is_end ? lo : hi;
      const int64_t fwd = x < 0 ? dim + x : x;  // x >= INT64_MIN and dim >= 0: no overflow
      return fwd < lo ? lo : (fwd > hi ? hi : fwd);
    };
    const int64_t b = canonical(begin[u], bmask[u], false);
    const int64_t e = canonical(end[u], emask[u], true);
    const int64_t len = e - b;  // both in [-1, dim]
    int64_t size = 0;
    if (len != 0 && (len < 0) == (s < 0)) size = len / s + (len % s != 0);
    res.begin[u] = b;
    res.sizes[u] = size;
    // One element (or none) is taken whatever the stride; a stride of 1 there keeps the copy's
    // offset arithmetic (stride times the input's row length) in range for strides like -2^63.
    if (size <= 1) res.strides[u] = 1;
  }
  res.final_dims.clear();
  for (int g : gather) {
    if (g == kNewAxis)
      res.final_dims.push_back(1);
    else if (g >= 0)
      res.final_dims.push_back(res.sizes[static_cast<size_t>(g)]);
  }
  return "";
}

void strided_slice_shape(InferenceContext& c) {
  for (int i = 1; i < 4; ++i) {
    require_int(c, i);
    shape_rules::require_rank(c, i, 1);
  }
  const Shape& s = c.input_shape(0);
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  SliceSpec sp = spec_from(c.attrs());
  const Tensor *b = c.constant_input(1), *e = c.constant_input(2), *st = c.constant_input(3);
  const bool known = b && e && st;
  if (known) {
    sp.begin = int_values(*b);
    sp.end = int_values(*e);
    sp.strides = int_values(*st);
  } else {
    const Shape& bs = c.input_shape(1);
    if (!bs.has_rank() || bs.dim(0) < 0) {
      c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
      return;
    }
    if (bs.dim(0) > kMaxSliceSpec)
      c.value_error("A strided slice spec has at most ", kMaxSliceSpec, " entries, got ",
                    bs.dim(0));
    sp.begin.assign(static_cast<size_t>(bs.dim(0)), 0);
  }
  bool strides_known = known;
  if (!known && st && st->num_elements() == static_cast<int64_t>(sp.begin.size())) {
    sp.strides = int_values(*st);
    strides_known = true;
  }
  SliceResult res;
  std::string err = validate_strided_slice(s.dims(), sp, known, res, strides_known);
  if (!err.empty()) c.value_error(err);
  c.set_output(0, c.input_dtype(0), Shape(res.final_dims));
}

SliceResult run_spec(KernelContext& c, const Dims& dims, int first) {
  const Tensor &b = c.input(first), &e = c.input(first + 1), &s = c.input(first + 2);
  if (b.rank() != 1 || e.rank() != 1 || s.rank() != 1 || e.num_elements() != b.num_elements() ||
      s.num_elements() != b.num_elements())
    c.fail(ErrorCode::kInvalidArgument,
           "Expected begin, end, and strides to be 1D equal size tensors, but got shapes ",
           tf_shape(b.dims()), ", ", tf_shape(e.dims()), ", and ", tf_shape(s.dims()), " instead.");
  SliceSpec sp = spec_from(c.attrs());
  sp.begin = int_values(b);
  sp.end = int_values(e);
  sp.strides = int_values(s);
  SliceResult res;
  std::string err = validate_strided_slice(dims, sp, true, res);
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  return res;
}

void strided_slice_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  SliceResult res = run_spec(c, x.dims(), 1);
  Tensor& out = c.allocate_output(0, x.dtype(), res.final_dims);
  kernels::strided_gather(x, res.begin, res.strides, res.sizes, out.raw());
}

// StridedSliceGrad(shape, begin, end, strides, dy): dy scattered into zeros of `shape`.
void strided_slice_grad_shape(InferenceContext& c) {
  for (int i = 0; i < 4; ++i) {
    require_int(c, i);
    shape_rules::require_rank(c, i, 1);
  }
  const Tensor* t = c.constant_input(0);
  if (!t) {
    auto len = vector_length(c.input_shape(0));
    c.set_output(0, c.input_dtype(4), len ? unknown_dims(*len) : Shape::unknown_rank());
    return;
  }
  Dims dims = t->as_dims();
  for (int64_t d : dims)
    if (d < 0) c.value_error("StridedSliceGrad's shape has a negative dimension: ", tf_shape(dims));
  c.set_output(0, c.input_dtype(4), Shape(dims));
}

void strided_slice_grad_kernel(KernelContext& c) {
  const Tensor& shape_t = c.input(0);
  if (shape_t.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "shape must be a vector, got shape ",
           tf_shape(shape_t.dims()));
  Dims dims = shape_t.as_dims();
  for (int64_t d : dims)
    if (d < 0) c.fail(ErrorCode::kInvalidArgument, "Dimension ", d, " must be >= 0");
  SliceResult res = run_spec(c, dims, 1);
  const Tensor& dy = c.input(4);
  if (Dims(res.final_dims) != dy.dims())
    c.fail(ErrorCode::kInvalidArgument, "shape of dy was ", tf_shape(dy.dims()), " instead of ",
           tf_shape(res.final_dims));
  Tensor& out = c.allocate_output(0, dy.dtype(), dims);
  if (out.nbytes() == 0) return;
  zero_raw(out.dtype(), out.raw(), out.nbytes());
  kernels::strided_scatter(dy.raw(), res.begin, res.strides, res.sizes, out);
}

AttrMap slice_masks(const AttrMap& a) {
  AttrMap m;
  for (const char* k :
       {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"})
    m.set(k, a.get<int64_t>(k));
  return m;
}

}  // namespace

void register_slice_ops(OpRegistry& r) {
  r.add("Slice")
      .inputs({"input", "begin", "size"})
      .outputs({"output"})
      .shape(slice_shape)
      .kernel(slice_kernel)
      .grad([](GradContext& c) {
        Graph& g = c.graph();
        Output x = c.input(0);
        Output begin =
            c.input(1).dtype() == DType::kInt32 ? c.input(1) : cast(c.input(1), DType::kInt32);
        Output rank = op(g, "Rank", {x});
        Output shape2 = op(g, "Pack", {rank, i32(g, 1)}, {{"axis", int64_t{0}}});
        Output before = reshape(begin, shape2);
        Output x_shape = op(g, "Shape", {x}, {{"out_type", DType::kInt32}});
        Output y_shape = op(g, "Shape", {c.output()}, {{"out_type", DType::kInt32}});
        Output after = reshape(sub(sub(x_shape, y_shape), begin), shape2);
        Output paddings = op(g, "ConcatV2", {before, after, i32(g, 1)});
        return Grads{op(g, "Pad", {c.grad(), paddings}), std::nullopt, std::nullopt};
      });
  r.add("StridedSlice")
      .inputs({"input", "begin", "end", "strides"})
      .outputs({"output"})
      .attr("begin_mask", int64_t{0}, "bit i: ignore begin[i], take the widest range")
      .attr("end_mask", int64_t{0}, "bit i: ignore end[i], take the widest range")
      .attr("ellipsis_mask", int64_t{0}, "bit i: entry i is an ellipsis (at most one)")
      .attr("new_axis_mask", int64_t{0}, "bit i: entry i inserts an axis of size 1")
      .attr("shrink_axis_mask", int64_t{0}, "bit i: entry i takes one index and drops the axis")
      .shape(strided_slice_shape)
      .kernel(strided_slice_kernel)
      .grad([](GradContext& c) {
        Graph& g = c.graph();
        Output shp = op(g, "Shape", {c.input(0)}, {{"out_type", c.input(1).dtype()}});
        Output dx = op(g, "StridedSliceGrad", {shp, c.input(1), c.input(2), c.input(3), c.grad()},
                       slice_masks(c.attrs()));
        return Grads{dx, std::nullopt, std::nullopt, std::nullopt};
      });
  r.add("StridedSliceGrad")
      .inputs({"shape", "begin", "end", "strides", "dy"})
      .outputs({"output"})
      .attr("begin_mask", int64_t{0}, "bit i: ignore begin[i], take the widest range")
      .attr("end_mask", int64_t{0}, "bit i: ignore end[i], take the widest range")
      .attr("ellipsis_mask", int64_t{0}, "bit i: entry i is an ellipsis (at most one)")
      .attr("new_axis_mask", int64_t{0}, "bit i: entry i inserts an axis of size 1")
      .attr("shrink_axis_mask", int64_t{0}, "bit i: entry i takes one index and drops the axis")
      .shape(strided_slice_grad_shape)
      .kernel(strided_slice_grad_kernel)
      .grad([](GradContext& c) {
        Output dy = op(c.graph(), "StridedSlice", {c.grad(), c.input(1), c.input(2), c.input(3)},
                       slice_masks(c.attrs()));
        return Grads{std::nullopt, std::nullopt, std::nullopt, std::nullopt, dy};
      });
}

}  // namespace varflow::ops
