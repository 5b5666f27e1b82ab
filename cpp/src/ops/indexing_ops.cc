// Indexing and restructuring ops: ExpandDims, Squeeze, ConcatV2, Split, SplitV, Slice,
// StridedSlice, Gather/GatherV2, UnsortedSegmentSum, Tile, Pad, MirrorPad(Grad), Where, OneHot,
// and the helpers their gradients use (ConcatOffset, StridedSliceGrad, ListDiff). Gradients
// follow TF1's array_grad.py; Gather's gradient is dense (an UnsortedSegmentSum) since varflow has
// no IndexedSlices.
//
// Every op checks its inputs twice: in the shape rule, against what is known at graph-build
// time (ValueError / TypeError with TF1's message), and in the kernel, against the actual
// values (InvalidArgumentError), because with placeholders of unknown shape the shape rule
// sees nothing. Axes go through normalize_axis; sizes computed from user values (paddings,
// multiples, split sizes, concatenated lengths, slice bounds) use checked arithmetic, so an
// overflow is an error and never a wrapped shape or an out-of-bounds write.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <unordered_set>

#include "kernels/strided_copy.h"
#include "kernels/wrapping.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
// StridedSlice's masks are bit sets over the spec's entries (and one more for an implicit
// ellipsis), so a spec can have at most 62 entries.
constexpr int64_t kMaxSliceSpec = 62;
// A vector input longer than this is not a rank anybody means (TF's TensorShape allows 254);
// the shape rules leave such ranks unknown rather than allocate them.
constexpr int64_t kMaxRank = 254;

std::vector<int64_t> int_values(const Tensor& t) {
  std::vector<int64_t> v(static_cast<size_t>(t.num_elements()));
  for (int64_t i = 0; i < t.num_elements(); ++i)
    v[static_cast<size_t>(i)] =
        t.dtype() == DType::kInt32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  return v;
}

Tensor int_vector(const std::vector<int64_t>& v, DType dtype) {
  Tensor t(dtype, {static_cast<int64_t>(v.size())});
  for (size_t i = 0; i < v.size(); ++i) {
    if (dtype == DType::kInt32)
      t.data<int32_t>()[i] = static_cast<int32_t>(v[i]);
    else
      t.data<int64_t>()[i] = v[i];
  }
  return t;
}

Output int_const(Graph& g, const std::vector<int64_t>& v) {
  return constant(g, int_vector(v, DType::kInt32));
}
Output i32(Graph& g, int32_t v) { return scalar<int32_t>(g, v); }

void require_int(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kInt32, DType::kInt64});
}

// The constant scalar value of input i, if known at graph-build time.
std::optional<int64_t> const_scalar(InferenceContext& c, int i) {
  const Tensor* t = c.constant_input(i);
  if (!t || t->num_elements() != 1) return std::nullopt;
  return t->scalar_as_int();
}

std::string shapes_string(InferenceContext& c) {
  std::string all;
  for (int k = 0; k < c.num_inputs(); ++k) all += (k ? ", " : "") + c.input_shape(k).to_tf_string();
  return all;
}

std::string tf_shape(const Dims& dims) { return Shape(dims).to_tf_string(); }

template <typename V>
std::string join(const V& v, const char* sep = ",") {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

// Run time: input i must be a scalar (rank 0); returns its value.
int64_t scalar_input(KernelContext& c, int i, const std::string& message) {
  const Tensor& t = c.input(i);
  if (t.rank() != 0) c.fail(ErrorCode::kInvalidArgument, message, tf_shape(t.dims()));
  return t.scalar_as_int();
}

// The rank a shape rule can give its output when only a vector input's length tells it.
std::optional<int64_t> vector_length(const Shape& s) {
  if (!s.has_rank() || s.rank() != 1 || s.dim(0) < 0 || s.dim(0) > kMaxRank) return std::nullopt;
  return s.dim(0);
}

Shape unknown_dims(int64_t rank) { return Shape(Dims(static_cast<size_t>(rank), kUnknownDim)); }

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
    kernels::copy_rows(static_cast<const char*>(t.raw()), row, dst + col, out_row, outer, row);
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
    c.set_output(i, int_vector(o, t.dtype()));
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
                     static_cast<char*>(out.raw()), out_row, outer, out_row);
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
  std::memset(out.raw(), 0, out.nbytes());
  kernels::strided_scatter(dy.raw(), res.begin, res.strides, res.sizes, out);
}

AttrMap slice_masks(const AttrMap& a) {
  AttrMap m;
  for (const char* k :
       {"begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"})
    m.set(k, a.get<int64_t>(k));
  return m;
}

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
      std::memcpy(out_block + static_cast<size_t>(i) * row,
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
    std::memset(out.raw(), 0, out.nbytes());
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
    std::memcpy(dst + static_cast<size_t>(k) * es, in + static_cast<size_t>(s) * es, es);
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
                  const char* off, size_t es, char* dst) {
  const I* ix = idx.data<I>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t d = 0; d < depth; ++d)
      for (int64_t i = 0; i < inner; ++i)
        std::memcpy(dst + static_cast<size_t>((o * depth + d) * inner + i) * es,
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
    one_hot_fill<int32_t>(idx, depth, outer, inner, on, off, es, dst);
  else
    one_hot_fill<int64_t>(idx, depth, outer, inner, on, off, es, dst);
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

void register_indexing_ops(OpRegistry& r) {
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
