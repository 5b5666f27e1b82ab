// Ops that add, remove, join and cut dimensions: ExpandDims, Squeeze, ConcatV2, Split and SplitV,
// with ConcatOffset for Concat's gradient; gradients follow TF1's array_grad.py.
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

// --- ExpandDims / Squeeze --------------------------------------------------------------------
void expand_dims_shape(InferenceContext& c) {
  require_int(c, 1);
  const Shape& s = c.input_shape(0);
  const Tensor* dt = c.constant_input(1);
  if (dt && dt->num_elements() != 1)
    c.value_error("'dim' input must be a tensor with a single value");
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  const int64_t r = s.rank();
  if (!dt) {
    c.set_output(0, c.input_dtype(0), unknown_dims(r + 1));
    return;
  }
  const int64_t d = dt->scalar_as_int();
  auto at = normalize_axis(d, r + 1);
  if (!at) c.value_error("dim ", d, " not in the interval [", -r - 1, ", ", r, "].");
  Dims dims = s.dims();
  dims.insert(dims.begin() + *at, 1);
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void expand_dims_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int64_t r = x.rank();
  if (c.input(1).num_elements() != 1)
    c.fail(ErrorCode::kInvalidArgument, "'dim' must be a tensor with a single value");
  const int64_t d = c.input(1).scalar_as_int();
  auto at = normalize_axis(d, r + 1);
  if (!at)
    c.fail(ErrorCode::kInvalidArgument, "Tried to expand dim index ", d, " for tensor with ", r,
           " dimensions.");
  Dims dims = x.dims();
  dims.insert(dims.begin() + *at, 1);
  c.set_output(0, x.reshaped(dims));
}

std::vector<int64_t> squeeze_axes(const AttrMap& attrs) {
  return attrs.get<std::vector<int64_t>>("squeeze_dims");
}

void squeeze_shape(InferenceContext& c) {
  const Shape& s = c.input_shape(0);
  std::vector<int64_t> axes = squeeze_axes(c.attrs());
  if (!s.has_rank()) {
    c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  const int64_t r = s.rank();
  std::vector<bool> drop(static_cast<size_t>(r), false);
  for (size_t k = 0; k < axes.size(); ++k) {
    auto at = normalize_axis(axes[k], r);
    if (!at) c.value_error("squeeze_dims[", k, "] not in [", -r, ",", r, ").");
    drop[static_cast<size_t>(*at)] = true;
  }
  Dims dims;
  for (int i = 0; i < r; ++i) {
    const int64_t d = s.dim(i);
    if (!axes.empty()) {
      if (drop[static_cast<size_t>(i)]) {
        if (d != 1 && d != kUnknownDim)
          c.value_error("Can not squeeze dim[", i, "], expected a dimension of 1, got ", d);
        continue;
      }
    } else if (d == 1) {
      continue;
    } else if (d == kUnknownDim) {  // may or may not be squeezed
      c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
      return;
    }
    dims.push_back(d);
  }
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void squeeze_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  std::vector<int64_t> axes = squeeze_axes(c.attrs());
  const int64_t r = x.rank();
  std::vector<bool> drop(static_cast<size_t>(r), false);
  for (int64_t a : axes) {
    auto at = normalize_axis(a, r);
    if (!at)
      c.fail(ErrorCode::kInvalidArgument, "Tried to squeeze dim index ", a, " for tensor with ", r,
             " dimensions.");
    drop[static_cast<size_t>(*at)] = true;
  }
  Dims dims;
  for (int i = 0; i < r; ++i) {
    if (axes.empty() ? x.dim(i) == 1 : drop[static_cast<size_t>(i)]) {
      if (x.dim(i) != 1)
        c.fail(ErrorCode::kInvalidArgument, "Can not squeeze dim[", i,
               "], expected a dimension of 1, got ", x.dim(i));
      continue;
    }
    dims.push_back(x.dim(i));
  }
  c.set_output(0, x.reshaped(dims));
}

// --- ConcatV2 / ConcatOffset ------------------------------------------------------------------
void concat_shape(InferenceContext& c) {
  const int n = c.num_inputs() - 1;
  if (n < 1) c.value_error("ConcatV2 needs at least one value and an axis");
  if (c.attrs().get<int64_t>("N") >= 0 && c.attrs().get<int64_t>("N") != n)
    c.value_error("Attr N = ", c.attrs().get<int64_t>("N"), " does not match the ", n,
                  " values given");
  require_int(c, n);
  shape_rules::require_rank(c, n, 0);
  const DType d = c.input_dtype(0);
  for (int i = 1; i < n; ++i) {
    if (c.input_dtype(i) != d) {
      std::string types;
      for (int k = 0; k < n; ++k)
        types += (k ? ", " : "") + std::string(dtype_name(c.input_dtype(k)));
      c.type_error("Tensors in list passed to 'values' of 'ConcatV2' Op have types [", types,
                   "] that don't all match.");
    }
  }
  int rank = -1;
  for (int i = 0; i < n; ++i) {
    const Shape& s = c.input_shape(i);
    if (!s.has_rank()) continue;
    if (rank >= 0 && s.rank() != rank)
      c.value_error("Shape must be rank ", rank, " but is rank ", s.rank(),
                    " with input shapes: ", shapes_string(c));
    rank = s.rank();
  }
  if (rank == 0) c.value_error("Can't concatenate scalars (use tf.stack instead)");
  auto axis_v = const_scalar(c, n);
  if (rank < 0 || !axis_v) {
    c.set_output(0, d, rank < 0 ? Shape::unknown_rank() : unknown_dims(rank));
    return;
  }
  auto at = normalize_axis(*axis_v, rank);
  if (!at)
    c.value_error("Expected concatenating dimensions in the range [", -rank, ", ", rank,
                  "), but got ", *axis_v);
  const int64_t axis = *at;
  Dims out(static_cast<size_t>(rank), kUnknownDim);
  int64_t total = 0;
  bool total_known = true;
  for (int i = 0; i < n; ++i) {
    const Shape& s = c.input_shape(i);
    if (!s.has_rank()) {
      total_known = false;
      continue;
    }
    for (int k = 0; k < rank; ++k) {
      const int64_t v = s.dim(k);
      if (k == axis) {
        if (v < 0) {
          total_known = false;
        } else if (total_known) {
          const int64_t before = total;
          if (__builtin_add_overflow(before, v, &total))
            c.value_error("Dimension size overflow from adding ", before, " and ", v);
        }
        continue;
      }
      int64_t& o = out[static_cast<size_t>(k)];
      if (v >= 0 && o >= 0 && v != o)
        c.value_error("Dimension ", k, " in both shapes must be equal, but are ", o, " and ", v,
                      ". Shapes are ", c.input_shape(0).to_tf_string(), " and ", s.to_tf_string(),
                      ".");
      if (o < 0) o = v;
    }
  }
  out[static_cast<size_t>(axis)] = total_known ? total : kUnknownDim;
  c.set_output(0, d, Shape(out));
}

void concat_kernel(KernelContext& c) {
  const int n = c.num_inputs() - 1;
  const Tensor& first = c.input(0);
  const int rank = first.rank();
  const int64_t axis_v =
      scalar_input(c, n, "axis tensor should be a scalar integer, but got shape ");
  if (rank == 0)
    c.fail(ErrorCode::kInvalidArgument,
           "ConcatOp : Can't concatenate scalars (use tf.stack instead)");
  auto at = normalize_axis(axis_v, rank);
  if (!at)
    c.fail(ErrorCode::kInvalidArgument,
           "ConcatOp : Expected concatenating dimensions in the range [", -rank, ", ", rank,
           "), but got ", axis_v);
  const int64_t axis = *at;
  Dims dims = first.dims();
  dims[static_cast<size_t>(axis)] = 0;
  for (int i = 0; i < n; ++i) {
    const Tensor& t = c.input(i);
    if (t.rank() != rank)
      c.fail(ErrorCode::kInvalidArgument,
             "ConcatOp : Ranks of all input tensors should match: shape[0] = ",
             tf_shape(first.dims()), " vs. shape[", i, "] = ", tf_shape(t.dims()));
    for (int k = 0; k < rank; ++k)
      if (k != axis && t.dim(k) != first.dim(k))
        c.fail(ErrorCode::kInvalidArgument, "ConcatOp : Dimension ", k,
               " in both shapes must be equal: shape[0] = ", tf_shape(first.dims()), " vs. shape[",
               i, "] = ", tf_shape(t.dims()));
    int64_t& total = dims[static_cast<size_t>(axis)];
    const int64_t before = total;
    if (__builtin_add_overflow(before, t.dim(static_cast<int>(axis)), &total))
      c.fail(ErrorCode::kInvalidArgument, "ConcatOp : the concatenated dimension ", axis,
             " overflows int64: ", before, " + ", t.dim(static_cast<int>(axis)));
  }
  Tensor& out = c.allocate_output(0, first.dtype(), dims);
  if (out.num_elements() == 0) return;
  int64_t outer = 1;
  for (int k = 0; k < axis; ++k) outer *= dims[static_cast<size_t>(k)];
  const int64_t out_row = static_cast<int64_t>(out.nbytes()) / outer;
  char* dst = static_cast<char*>(out.raw());
  int64_t col = 0;
  for (int i = 0; i < n; ++i) {
    const Tensor& t = c.input(i);
    const int64_t row = static_cast<int64_t>(t.nbytes()) / outer;
    kernels::copy_rows(static_cast<const char*>(t.raw()), row, dst + col, out_row, outer, row,
                       t.dtype());
    col += row;
  }
}

// ConcatOffset(concat_dim, shape_0, ..., shape_{N-1}) -> N offsets: where each input starts.
void concat_offset_shape(InferenceContext& c) {
  const int n = c.num_inputs() - 1;
  if (n < 1) c.value_error("ConcatOffset needs concat_dim and at least one shape");
  require_int(c, 0);
  shape_rules::require_rank(c, 0, 0);
  for (int i = 1; i <= n; ++i) {
    shape_rules::require_dtype(c, i, {DType::kInt32});
    shape_rules::require_rank(c, i, 1);
  }
  c.set_num_outputs(n);
  for (int i = 0; i < n; ++i) c.set_output(i, c.input_dtype(1), c.input_shape(1));
}

void concat_offset_kernel(KernelContext& c) {
  const int n = c.num_inputs() - 1;
  const int64_t axis_v =
      scalar_input(c, 0, "Concat dim tensor should be a scalar integer, but got shape ");
  std::vector<int64_t> first = int_values(c.input(1));
  const int64_t rank = static_cast<int64_t>(first.size());
  auto at = normalize_axis(axis_v, rank);
  if (!at)
    c.fail(ErrorCode::kInvalidArgument, "Concat dim is out of range: ", axis_v, " vs. ", rank);
  const size_t axis = static_cast<size_t>(*at);
  int64_t offset = 0;
  for (int i = 0; i < n; ++i) {
    const Tensor& t = c.input(i + 1);
    if (t.rank() != 1 || t.num_elements() != rank)
      c.fail(ErrorCode::kInvalidArgument, "input ", i, " should contain ", rank,
             " elements, but got ", t.num_elements());
    std::vector<int64_t> s = int_values(t);
    for (size_t k = 0; k < s.size(); ++k)
      if (k != axis && s[k] != first[k])
        c.fail(ErrorCode::kInvalidArgument, "All dimensions except ", axis, " must match. Input ",
               i, " has shape [", join(s, " "), "] and doesn't match input 0 with shape [",
               join(first, " "), "].");
    std::vector<int64_t> o(static_cast<size_t>(rank), 0);
    o[axis] = offset;
    if (s[axis] < 0 || __builtin_add_overflow(offset, s[axis], &offset))
      c.fail(ErrorCode::kInvalidArgument, "Input ", i, " has an invalid size ", s[axis],
             " along the concat dimension");
    Tensor& out = c.allocate_output(i, t.dtype(), {rank});  // last run's buffer, not a new one
    for (int64_t k = 0; k < rank; ++k) {
      if (t.dtype() == DType::kInt32)
        out.data<int32_t>()[k] = static_cast<int32_t>(o[static_cast<size_t>(k)]);
      else
        out.data<int64_t>()[k] = o[static_cast<size_t>(k)];
    }
  }
}

// --- Split / SplitV ---------------------------------------------------------------------------
// Copies slab [begin, begin + len) along `axis` of x into out.
void copy_slab(const Tensor& x, int axis, int64_t begin, Tensor& out) {
  // An empty tensor's partial products may not fit int64: (2^40, 2^40, 0) exists.
  if (x.num_elements() == 0 || out.num_elements() == 0) return;
  int64_t outer = 1;
  for (int k = 0; k < axis; ++k) outer *= x.dim(k);
  const int64_t in_row = static_cast<int64_t>(x.nbytes()) / outer;
  const int64_t out_row = static_cast<int64_t>(out.nbytes()) / outer;
  const int64_t unit = in_row / x.dim(axis);
  kernels::copy_rows(static_cast<const char*>(x.raw()) + begin * unit, in_row,
                     static_cast<char*>(out.raw()), out_row, outer, out_row, x.dtype());
}

std::string split_dim_range(int64_t r, int64_t axis) {
  return str_cat("-input rank(-", r, ") <= split_dim < input rank (", r, "), but got ", axis);
}

void split_outputs(InferenceContext& c, int value_input, int64_t num,
                   const std::vector<int64_t>* sizes, std::optional<int64_t> axis_v) {
  const Shape& s = c.input_shape(value_input);
  const DType d = c.input_dtype(value_input);
  c.set_num_outputs(static_cast<int>(num));
  if (!s.has_rank() || !axis_v) {
    for (int i = 0; i < num; ++i)
      c.set_output(i, d, s.has_rank() ? unknown_dims(s.rank()) : Shape::unknown_rank());
    return;
  }
  const int64_t r = s.rank();
  auto at = normalize_axis(*axis_v, r);
  if (!at) c.value_error(split_dim_range(r, *axis_v));
  const int64_t axis = *at;
  const int64_t len = s.dim(static_cast<int>(axis));
  if (!sizes && len >= 0 && len % num != 0)
    c.value_error("Dimension size must be evenly divisible by ", num, " but is ", len);
  for (int i = 0; i < num; ++i) {
    Dims dims = s.dims();
    int64_t part = kUnknownDim;
    if (!sizes) {
      if (len >= 0) part = len / num;
    } else {
      part = (*sizes)[static_cast<size_t>(i)];  // -1: not known until len is
    }
    dims[static_cast<size_t>(axis)] = part;
    c.set_output(i, d, Shape(dims));
  }
}

int64_t num_split_attr(InferenceContext& c, const char* op) {
  const int64_t num = c.attrs().get<int64_t>("num_split");
  if (num < 1)
    c.value_error("Attr 'num_split' of '", op, "' Op passed ", num, " less than minimum 1.");
  if (num > kInt32Max)
    c.value_error("Attr 'num_split' of '", op, "' Op passed ", num, ", too many outputs");
  return num;
}

void split_shape(InferenceContext& c) {  // Split(split_dim, value)
  require_int(c, 0);
  shape_rules::require_rank(c, 0, 0);
  const int64_t num = num_split_attr(c, "Split");
  split_outputs(c, 1, num, nullptr, const_scalar(c, 0));
}

void split_kernel(KernelContext& c) {
  const Tensor& x = c.input(1);
  const int64_t num = c.node().num_outputs();
  const int r = x.rank();
  const Tensor& dim_t = c.input(0);
  if (dim_t.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "split_dim must be a scalar but has rank ", dim_t.rank());
  const int64_t axis_v = dim_t.scalar_as_int();
  auto at = normalize_axis(axis_v, r);
  if (!at) c.fail(ErrorCode::kInvalidArgument, split_dim_range(r, axis_v));
  const int64_t axis = *at;
  const int64_t len = x.dim(static_cast<int>(axis));
  if (len % num != 0)
    c.fail(ErrorCode::kInvalidArgument,
           "Number of ways to split should evenly divide the split dimension, but got split_dim ",
           axis, " (size = ", len, ") and num_split ", num);
  Dims dims = x.dims();
  dims[static_cast<size_t>(axis)] = len / num;
  for (int i = 0; i < num; ++i) {
    Tensor& out = c.allocate_output(i, x.dtype(), dims);
    copy_slab(x, static_cast<int>(axis), i * (len / num), out);
  }
}

// SplitV's size_splits: each >= 0 or one -1 (the rest). Checks the values alone; returns the
// error or "" and the index of the -1 (or -1).
std::string check_split_sizes(const std::vector<int64_t>& sizes, int* unknown,
                              const char* second_unknown) {
  *unknown = -1;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      if (*unknown >= 0) return second_unknown;
      *unknown = static_cast<int>(i);
    } else if (sizes[i] < 0) {
      return str_cat("Split size at index ", i, " must be >= 0. Got: ", sizes[i]);
    }
  }
  return "";
}

// Resolves the -1 of checked `sizes` against the split dimension's length `len` (known).
// Returns "" or TF1's kernel message.
std::string resolve_split_sizes(std::vector<int64_t>& sizes, int unknown, int64_t len) {
  int64_t known = 0;
  bool overflow = false;
  for (size_t i = 0; i < sizes.size(); ++i)
    if (static_cast<int>(i) != unknown) overflow |= __builtin_add_overflow(known, sizes[i], &known);
  const std::string mismatch = str_cat(
      "Determined shape must either match input shape along split_dim exactly if fully "
      "specified, or be less than the size of the input along split_dim if not fully "
      "specified.  Got: ",
      overflow ? std::string("more than 2^63 - 1") : std::to_string(known));
  if (overflow) return mismatch;
  if (unknown >= 0) {
    if (known > len) return mismatch;
    sizes[static_cast<size_t>(unknown)] = len - known;
  } else if (known != len) {
    return mismatch;
  }
  return "";
}

void split_v_shape(InferenceContext& c) {
  require_int(c, 1);
  require_int(c, 2);
  shape_rules::require_rank(c, 1, 1);
  shape_rules::require_rank(c, 2, 0);
  const int64_t num = num_split_attr(c, "SplitV");
  const Shape& ss = c.input_shape(1);
  if (ss.has_rank() && ss.dim(0) >= 0 && ss.dim(0) != num)
    c.value_error("num_split ", num, " does not match the number of size_splits ", ss.dim(0));
  const Tensor* sizes_t = c.constant_input(1);
  auto axis_v = const_scalar(c, 2);
  if (!sizes_t) {
    split_outputs(c, 0, num, nullptr, std::nullopt);
    return;
  }
  std::vector<int64_t> sizes = int_values(*sizes_t);
  int unknown = -1;
  std::string err = check_split_sizes(sizes, &unknown, "size_splits can only have one -1");
  if (!err.empty()) c.value_error(err);
  const Shape& s = c.input_shape(0);
  if (!axis_v || !s.has_rank()) {
    split_outputs(c, 0, num, nullptr, std::nullopt);
    return;
  }
  const int64_t r = s.rank();
  auto at = normalize_axis(*axis_v, r);
  if (!at) c.value_error(split_dim_range(r, *axis_v));
  const int64_t len = s.dim(static_cast<int>(*at));
  if (len >= 0) {
    const std::vector<int64_t> given = sizes;
    if (!resolve_split_sizes(sizes, unknown, len).empty())
      c.value_error("can't split axis of size ", len, " into pieces of size [", join(given), "]");
  }
  split_outputs(c, 0, num, &sizes, axis_v);
}

void split_v_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int r = x.rank();
  const Tensor& dim_t = c.input(2);
  if (dim_t.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "split_dim must be a scalar but has rank ", dim_t.rank());
  const int64_t axis_v = dim_t.scalar_as_int();
  auto at = normalize_axis(axis_v, r);
  if (!at) c.fail(ErrorCode::kInvalidArgument, split_dim_range(r, axis_v));
  const int64_t axis = *at;
  const Tensor& sizes_t = c.input(1);
  if (sizes_t.rank() != 1 || sizes_t.num_elements() != c.node().num_outputs())
    c.fail(ErrorCode::kInvalidArgument,
           "size_splits must be a vector of num_split = ", c.node().num_outputs(),
           " elements, got shape ", tf_shape(sizes_t.dims()));
  std::vector<int64_t> sizes = int_values(sizes_t);
  int unknown = -1;
  std::string err = check_split_sizes(sizes, &unknown, "There can only be one -1 in the input.");
  if (err.empty()) err = resolve_split_sizes(sizes, unknown, x.dim(static_cast<int>(axis)));
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  int64_t begin = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Dims dims = x.dims();
    dims[static_cast<size_t>(axis)] = sizes[i];
    Tensor& out = c.allocate_output(static_cast<int>(i), x.dtype(), dims);
    copy_slab(x, static_cast<int>(axis), begin, out);
    begin += sizes[i];
  }
}

}  // namespace

void register_concat_split_ops(OpRegistry& r) {
  r.add("ExpandDims")
      .inputs({"input", "dim"})
      .outputs({"output"})
      .shape(expand_dims_shape)
      .kernel(expand_dims_kernel)
      .grad(
          [](GradContext& c) { return Grads{reshape(c.grad(), shape(c.input(0))), std::nullopt}; });
  r.add("Squeeze")
      .inputs({"input"})
      .outputs({"output"})
      .attr("squeeze_dims", std::vector<int64_t>{}, "the axes to drop; empty: every size-1 axis")
      .shape(squeeze_shape)
      .kernel(squeeze_kernel)
      .grad([](GradContext& c) { return Grads{reshape(c.grad(), shape(c.input(0)))}; });
  r.add("ConcatV2")
      .inputs({"values", "axis"})
      .variadic_inputs()
      .outputs({"output"})
      .attr("N", int64_t{-1}, "the number of values, checked when given")
      .shape(concat_shape)
      .kernel(concat_kernel)
      .grad([](GradContext& c) {
        Graph& g = c.graph();
        const int n = c.num_inputs() - 1;
        std::vector<Output> offset_inputs{c.input(n)};
        for (int i = 0; i < n; ++i)
          offset_inputs.push_back(op(g, "Shape", {c.input(i)}, {{"out_type", DType::kInt32}}));
        Node* offsets = add_op(g, "ConcatOffset", offset_inputs);
        Grads grads;
        for (int i = 0; i < n; ++i)
          grads.push_back(
              op(g, "Slice",
                 {c.grad(), offsets->output(i), offset_inputs[static_cast<size_t>(i) + 1]}));
        grads.push_back(std::nullopt);
        return grads;
      });
  r.add("ConcatOffset")
      .inputs({"concat_dim", "shape"})
      .variadic_inputs()
      .outputs({"offset"})
      .shape(concat_offset_shape)
      .kernel(concat_offset_kernel)
      .not_differentiable();
  r.add("Split")
      .inputs({"split_dim", "value"})
      .outputs({"output"})
      .required_attr("num_split", AttrType::kInt, "the number of equal parts")
      .shape(split_shape)
      .kernel(split_kernel)
      .grad([](GradContext& c) {
        std::vector<Output> parts;
        for (int i = 0; i < c.op().num_outputs(); ++i) parts.push_back(c.grad(i));
        parts.push_back(c.input(0));
        return Grads{std::nullopt, op(c.graph(), "ConcatV2", parts)};
      });
  r.add("SplitV")
      .inputs({"value", "size_splits", "split_dim"})
      .outputs({"output"})
      .required_attr("num_split", AttrType::kInt, "the number of parts (size_splits' length)")
      .shape(split_v_shape)
      .kernel(split_v_kernel)
      .grad([](GradContext& c) {
        std::vector<Output> parts;
        for (int i = 0; i < c.op().num_outputs(); ++i) parts.push_back(c.grad(i));
        parts.push_back(c.input(2));
        return Grads{op(c.graph(), "ConcatV2", parts), std::nullopt, std::nullopt};
      });
}

}  // namespace varflow::ops
