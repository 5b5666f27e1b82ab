// Tile, Pad, PadV2, MirrorPad and MirrorPadGrad, with TF1's gradients (array_grad.py).
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

// --- Tile / Pad / OneHot / ListDiff ------------------------------------------------------------
void tile_shape(InferenceContext& c) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 1);
  const Shape& s = c.input_shape(0);
  auto len = vector_length(c.input_shape(1));
  if (s.has_rank() && len && *len != s.rank())
    c.value_error("Shape must be rank ", *len, " but is rank ", s.rank(), " (multiples has ", *len,
                  " elements for an input of rank ", s.rank(),
                  ") with input shapes: ", shapes_string(c));
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), len ? unknown_dims(*len) : Shape::unknown_rank());
    return;
  }
  Dims dims(static_cast<size_t>(s.rank()), kUnknownDim);
  if (const Tensor* m = c.constant_input(1)) {
    std::vector<int64_t> mv = int_values(*m);
    for (int i = 0; i < s.rank(); ++i) {
      const size_t u = static_cast<size_t>(i);
      if (mv[u] < 0) c.value_error("Expected multiples[", i, "] >= 0, but got ", mv[u]);
      if (s.dim(i) >= 0 && __builtin_mul_overflow(s.dim(i), mv[u], &dims[u]))
        c.value_error("Negative dimension size caused by overflow when multiplying ", s.dim(i),
                      " and ", mv[u]);
    }
  }
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void tile_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& mt = c.input(1);
  if (mt.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "Expected multiples to be 1-D, but got shape ",
           tf_shape(mt.dims()));
  std::vector<int64_t> m = int_values(mt);
  if (static_cast<int>(m.size()) != x.rank())
    c.fail(ErrorCode::kInvalidArgument, "Expected multiples argument to be a vector of length ",
           x.rank(), " but got length ", m.size());
  Dims dims(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] < 0)
      c.fail(ErrorCode::kInvalidArgument, "Expected multiples[", i, "] >= 0, but got ", m[i]);
    if (__builtin_mul_overflow(x.dims()[i], m[i], &dims[i]))
      c.fail(ErrorCode::kInvalidArgument, "Encountered overflow when multiplying ", x.dims()[i],
             " with ", m[i], " for dimension ", i, " of the tiled output");
  }
  Tensor& out = c.allocate_output(0, x.dtype(), dims);
  kernels::tile(x, m, out);
}

Grads tile_grad(GradContext& c) {
  Graph& g = c.graph();
  Output in_shape = op(g, "Shape", {c.input(0)}, {{"out_type", DType::kInt32}});
  Output mult = c.input(1).dtype() == DType::kInt32 ? c.input(1) : cast(c.input(1), DType::kInt32);
  Output split_shape =
      reshape(op(g, "Transpose",
                 {op(g, "Pack", {mult, in_shape}, {{"axis", int64_t{0}}}), int_const(g, {1, 0})}),
              int_const(g, {-1}));
  Output axes = op(g, "Range", {i32(g, 0), op(g, "Size", {split_shape}), i32(g, 2)});
  Output summed = op(g, "Sum", {reshape(c.grad(), split_shape), axes}, {{"keep_dims", false}});
  return Grads{summed, std::nullopt};
}

// Shape rule of Pad, PadV2, MirrorPad and MirrorPadGrad: paddings is an int [rank, 2] matrix;
// the output is the input plus (or, for MirrorPadGrad, minus) the paddings, checked for
// overflow. (TF1 checks MirrorPad's paddings against the dimension sizes only at run time.)
void padded_shape(InferenceContext& c, bool subtract) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 2);
  const Shape& s = c.input_shape(0);
  const Shape& ps = c.input_shape(1);
  if (ps.has_rank() && ps.dim(1) >= 0 && ps.dim(1) != 2)
    c.value_error("Dimension must be 2 but is ", ps.dim(1),
                  " (paddings must have 2 columns) with input shapes: ", shapes_string(c));
  if (s.has_rank() && ps.has_rank() && ps.dim(0) >= 0 && ps.dim(0) != s.rank())
    c.value_error("Shape must be rank ", ps.dim(0), " but is rank ", s.rank(), " (paddings has ",
                  ps.dim(0), " rows for an input of rank ", s.rank(),
                  ") with input shapes: ", shapes_string(c));
  int64_t rank = s.has_rank() ? s.rank() : -1;
  if (rank < 0 && ps.has_rank() && ps.dim(0) >= 0 && ps.dim(0) <= kMaxRank) rank = ps.dim(0);
  if (rank < 0) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  Dims dims(static_cast<size_t>(rank), kUnknownDim);
  const Tensor* p = c.constant_input(1);
  if (p) {
    std::vector<int64_t> pv = int_values(*p);
    for (int i = 0; i < rank; ++i) {
      const int64_t lo = pv[static_cast<size_t>(2 * i)], hi = pv[static_cast<size_t>(2 * i + 1)];
      if (lo < 0 || hi < 0) c.value_error("Paddings must be non-negative: ", lo, " ", hi);
      const int64_t d = s.has_rank() ? s.dim(i) : kUnknownDim;
      if (d < 0) continue;
      int64_t& o = dims[static_cast<size_t>(i)];
      if (!subtract) {
        int64_t t = 0;
        if (__builtin_add_overflow(d, lo, &t) || __builtin_add_overflow(t, hi, &o))
          c.value_error("Dimension size overflow from adding paddings ", lo, " and ", hi, " to ",
                        d);
      } else {
        if (lo > d || hi > d - lo) {
          int64_t both = 0;
          const bool wraps = __builtin_add_overflow(lo, hi, &both);
          c.value_error("Negative dimension size caused by subtracting ",
                        wraps ? str_cat(lo, " + ", hi) : std::to_string(both), " from ", d);
        }
        o = d - lo - hi;
      }
    }
  }
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void pad_shape(InferenceContext& c) {
  if (c.num_inputs() > 2) {
    if (c.input_dtype(2) != c.input_dtype(0))
      c.type_error("Input 'constant_values' of 'PadV2' Op has type ", dtype_name(c.input_dtype(2)),
                   " that does not match type ", dtype_name(c.input_dtype(0)),
                   " of argument 'input'.");
    shape_rules::require_rank(c, 2, 0);
  }
  padded_shape(c, false);
}

// Run time: paddings (input 1) is a [rank, 2] matrix of non-negative values; returns them
// flat, [lo0, hi0, lo1, hi1, ...].
std::vector<int64_t> paddings_input(KernelContext& c, const char* negative_message) {
  const Tensor& x = c.input(0);
  const Tensor& p = c.input(1);
  if (p.rank() != 2 || p.dim(1) != 2)
    c.fail(ErrorCode::kInvalidArgument,
           "paddings must be a matrix with 2 columns: ", tf_shape(p.dims()));
  if (p.dim(0) != x.rank())
    c.fail(ErrorCode::kInvalidArgument,
           "The first dimension of paddings must be the rank of inputs", tf_shape(p.dims()), " ",
           tf_shape(x.dims()));
  std::vector<int64_t> pv = int_values(p);
  for (size_t i = 0; i < pv.size(); i += 2)
    if (pv[i] < 0 || pv[i + 1] < 0)
      c.fail(ErrorCode::kInvalidArgument, negative_message, pv[i], " ", pv[i + 1]);
  return pv;
}

// x.dims plus paddings, or a run-time error when a dimension overflows int64.
Dims padded_dims(KernelContext& c, const Dims& x, const std::vector<int64_t>& pv) {
  Dims dims(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t t = 0;
    if (__builtin_add_overflow(x[i], pv[2 * i], &t) ||
        __builtin_add_overflow(t, pv[2 * i + 1], &dims[i]))
      c.fail(ErrorCode::kInvalidArgument, "Dimension size overflow from adding paddings ",
             pv[2 * i], " and ", pv[2 * i + 1], " to dimension ", i, " of size ", x[i]);
  }
  return dims;
}

void pad_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  if (c.num_inputs() > 2 && c.input(2).rank() != 0)
    c.fail(ErrorCode::kInvalidArgument,
           "constant_values must be a scalar. Found: ", tf_shape(c.input(2).dims()));
  std::vector<int64_t> pv = paddings_input(c, "Paddings must be non-negative: ");
  const size_t r = static_cast<size_t>(x.rank());
  std::vector<int64_t> begin(r);
  for (size_t i = 0; i < r; ++i) begin[i] = pv[2 * i];
  Tensor& out = c.allocate_output(0, x.dtype(), padded_dims(c, x.dims(), pv));
  if (out.num_elements() == 0) return;
  if (c.num_inputs() > 2) {
    visit_dtype(x.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T v;
      std::memcpy(&v, c.input(2).raw(), sizeof(T));
      std::fill(out.data<T>(), out.data<T>() + out.num_elements(), v);
    });
  } else {
    zero_raw(out.dtype(), out.raw(), out.nbytes());
  }
  kernels::strided_scatter(x.raw(), begin, std::vector<int64_t>(r, 1), x.dims(), out);
}

Grads pad_grad(GradContext& c) {
  Graph& g = c.graph();
  Output x = c.input(0), a = c.input(1);
  Output rank = op(g, "Rank", {x});
  Output pad_before =
      op(g, "Slice",
         {a, int_const(g, {0, 0}), op(g, "Pack", {rank, i32(g, 1)}, {{"axis", int64_t{0}}})});
  Output begin = reshape(pad_before, int_const(g, {-1}));
  if (begin.dtype() != DType::kInt32) begin = cast(begin, DType::kInt32);
  Output x_grad =
      op(g, "Slice", {c.grad(), begin, op(g, "Shape", {x}, {{"out_type", DType::kInt32}})});
  Grads out{x_grad, std::nullopt};
  if (c.num_inputs() > 2) out.push_back(std::nullopt);
  return out;
}

// --- MirrorPad / MirrorPadGrad -----------------------------------------------------------------
// MirrorPad pads by reflecting the input at its edges: REFLECT leaves the edge out (offset 1),
// SYMMETRIC repeats it (offset 0). MirrorPadGrad folds a padded gradient back onto the input.
int64_t mirror_offset(const AttrMap& attrs) {
  return attrs.get<std::string>("mode") == "REFLECT" ? 1 : 0;
}

// Run-time check of one dimension's (non-negative) paddings against the unpadded size `dim`
// (MirrorPad's input, MirrorPadGrad's output), with TF1's messages. Returns the error or "".
std::string check_mirror_paddings(int64_t lo, int64_t hi, int64_t dim, int64_t offset,
                                  const char* what) {
  if (offset == 0 && (lo > dim || hi > dim))
    return std::string("paddings must be no greater than the ") + what +
           "dimension size: " + std::to_string(lo) + ", " + std::to_string(hi) + " greater than " +
           std::to_string(dim);
  if (offset == 1 && (lo >= dim || hi >= dim))
    return std::string("paddings must be less than the ") + what +
           "dimension size: " + std::to_string(lo) + ", " + std::to_string(hi) + " not less than " +
           std::to_string(dim);
  return "";
}

void mirror_pad_shape_impl(InferenceContext& c, bool grad) {
  const std::string mode = c.attrs().get<std::string>("mode");
  if (mode != "REFLECT" && mode != "SYMMETRIC")
    c.value_error("Value for attr 'mode' of \"", mode,
                  "\" is not in the list of allowed values: \"REFLECT\", \"SYMMETRIC\"");
  padded_shape(c, grad);
}

void mirror_pad_shape(InferenceContext& c) { mirror_pad_shape_impl(c, false); }
void mirror_pad_grad_shape(InferenceContext& c) { mirror_pad_shape_impl(c, true); }

// Validates the paddings of a run. Returns the unpadded dims (MirrorPad's input,
// MirrorPadGrad's output) and sets the padded ones and the flat paddings.
Dims mirror_pad_check(KernelContext& c, bool grad, std::vector<int64_t>& pv, Dims& big) {
  const Tensor& x = c.input(0);
  pv = paddings_input(c, "paddings must be non-negative: ");
  const int64_t offset = mirror_offset(c.attrs());
  const size_t r = static_cast<size_t>(x.rank());
  Dims small(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t lo = pv[2 * i], hi = pv[2 * i + 1], d = x.dims()[i];
    if (grad) {
      if (lo > d || hi > d - lo)
        c.fail(ErrorCode::kInvalidArgument, "paddings must be no greater than the output ",
               "dimension size: ", lo, ", ", hi, " greater than the gradient's dimension ", i,
               " of size ", d, " allows");
      small[i] = d - lo - hi;
    } else {
      small[i] = d;
    }
    std::string err = check_mirror_paddings(lo, hi, small[i], offset, grad ? "output " : "");
    if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  }
  big = grad ? x.dims() : padded_dims(c, x.dims(), pv);
  return small;
}

// Calls fn(padded_flat, small_flat) for every element of the padded tensor `big`, row-major,
// with small_flat the element of the unpadded tensor it mirrors. Both tensors exist, so their
// element counts and strides fit int64.
template <typename Fn>
void for_each_mirrored(const Dims& small, const Dims& big, const std::vector<int64_t>& pv,
                       int64_t offset, Fn&& fn) {
  const size_t r = small.size();
  const int64_t total = num_elements(big);
  if (total == 0) return;
  std::vector<int64_t> stride(r, 1);
  for (size_t i = r; i-- > 1;) stride[i - 1] = stride[i] * small[i];
  auto source = [&](size_t i, int64_t o) {
    int64_t x = o - pv[2 * i];
    if (x < 0) x = -x - 1 + offset;
    if (x >= small[i]) x = 2 * small[i] - 1 - offset - x;
    return x;
  };
  std::vector<int64_t> coord(r, 0);
  int64_t src = 0;
  for (size_t i = 0; i < r; ++i) src += source(i, 0) * stride[i];
  for (int64_t k = 0; k < total; ++k) {
    fn(k, src);
    for (size_t i = r; i-- > 0;) {  // advance the coordinate, updating src incrementally
      src -= source(i, coord[i]) * stride[i];
      if (++coord[i] < big[i]) {
        src += source(i, coord[i]) * stride[i];
        break;
      }
      coord[i] = 0;
      src += source(i, 0) * stride[i];
    }
  }
}

void mirror_pad_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  std::vector<int64_t> pv;
  Dims big;
  Dims small = mirror_pad_check(c, false, pv, big);
  Tensor& out = c.allocate_output(0, x.dtype(), big);
  const size_t es = dtype_size(x.dtype());
  const char* in = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(out.raw());
  for_each_mirrored(small, big, pv, mirror_offset(c.attrs()), [&](int64_t k, int64_t s) {
    copy_raw(x.dtype(), dst + static_cast<size_t>(k) * es, in + static_cast<size_t>(s) * es, es);
  });
}

void mirror_pad_grad_kernel(KernelContext& c) {
  const Tensor& dy = c.input(0);
  std::vector<int64_t> pv;
  Dims big;
  Dims small = mirror_pad_check(c, true, pv, big);
  Tensor& out = c.allocate_output(0, dy.dtype(), small);
  visit_dtype(dy.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "MirrorPadGrad does not support bool");
    } else {
      T* o = out.data<T>();
      const T* g = dy.data<T>();
      std::fill(o, o + out.num_elements(), T{0});
      for_each_mirrored(small, big, pv, mirror_offset(c.attrs()),
                        [&](int64_t k, int64_t s) { o[s] = kernels::wrap_add(o[s], g[k]); });
    }
  });
}

}  // namespace

void register_pad_tile_ops(OpRegistry& r) {
  r.add("Tile")
      .inputs({"input", "multiples"})
      .outputs({"output"})
      .shape(tile_shape)
      .kernel(tile_kernel)
      .grad(tile_grad);
  r.add("Pad")
      .inputs({"input", "paddings"})
      .outputs({"output"})
      .shape(pad_shape)
      .kernel(pad_kernel)
      .grad(pad_grad);
  r.add("PadV2")
      .inputs({"input", "paddings", "constant_values"})
      .outputs({"output"})
      .shape(pad_shape)
      .kernel(pad_kernel)
      .grad(pad_grad);
  r.add("MirrorPad")
      .inputs({"input", "paddings"})
      .outputs({"output"})
      .required_attr("mode", AttrType::kString, "REFLECT or SYMMETRIC")
      .shape(mirror_pad_shape)
      .kernel(mirror_pad_kernel)
      .grad([](GradContext& c) {
        Output dx = op(c.graph(), "MirrorPadGrad", {c.grad(), c.input(1)},
                       {{"mode", c.attrs().get<std::string>("mode")}});
        return Grads{dx, std::nullopt};
      });
  r.add("MirrorPadGrad")
      .inputs({"input", "paddings"})
      .outputs({"output"})
      .required_attr("mode", AttrType::kString, "REFLECT or SYMMETRIC")
      .shape(mirror_pad_grad_shape)
      .kernel(mirror_pad_grad_kernel)
      .grad([](GradContext& c) {
        Output dy = op(c.graph(), "MirrorPad", {c.grad(), c.input(1)},
                       {{"mode", c.attrs().get<std::string>("mode")}});
        return Grads{dy, std::nullopt};
      });
}

}  // namespace varflow::ops
