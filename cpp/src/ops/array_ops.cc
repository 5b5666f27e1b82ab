// Array ops: constants, placeholders, identity, shapes, reshape, fill, cast, range, broadcasting,
// pack/unpack and transposes.
//
// Every op checks its inputs twice: in the shape rule, against what is known at graph-build
// time (ValueError / TypeError with TF1's message), and in the kernel, against the actual
// values (InvalidArgumentError), because with placeholders of unknown shape the shape rule
// sees nothing. Sizes computed from user values use checked arithmetic: an overflow is an
// error, never a wrapped small shape.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/element_copy.h"
#include "core/tensor_cast.h"
#include "kernels/elementwise.h"
#include "kernels/reduce.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// A shape vector longer than this is not a rank anybody means (TF's TensorShape allows 254);
// the shape rules leave such ranks unknown rather than allocate them.
constexpr int64_t kMaxRank = 254;

std::string tf_shape(const Dims& dims) { return Shape(dims).to_tf_string(); }

std::string input_shapes(const InferenceContext& c) {
  std::string all;
  for (int k = 0; k < c.num_inputs(); ++k) all += (k ? ", " : "") + c.input_shape(k).to_tf_string();
  return all;
}

// TF's WithRankAtMost.
void require_rank_at_most(InferenceContext& c, int i, int rank) {
  const Shape& s = c.input_shape(i);
  if (s.has_rank() && s.rank() > rank)
    c.value_error("Shape must be at most rank ", rank, " but is rank ", s.rank(),
                  " with input shapes: ", input_shapes(c));
}

void require_int(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kInt32, DType::kInt64});
}

// An int32/int64 attr-like dtype (out_type) must be one of those two.
void require_int_attr(InferenceContext& c, const char* attr, DType d) {
  if (d != DType::kInt32 && d != DType::kInt64)
    c.type_error("Value passed to parameter '", attr, "' has DataType ", dtype_name(d),
                 " not in list of allowed values: int32, int64");
}

// The shape given by int vector input i: from its constant value (-1 entries stay unknown,
// anything below -1 is TF's "Invalid value in tensor used for shape"), else a rank from the
// input's own shape, else unknown.
Shape shape_input(InferenceContext& c, int i) {
  const Tensor* t = c.constant_input(i);
  const Shape& s = c.input_shape(i);
  // tf.stack of scalar sizes, or a tf.concat of shape pieces: TF1's partial shape (the
  // constant sizes known).
  const std::string& built_by = c.input(i).node->type();
  if (!t && (built_by == "Pack" || built_by == "ConcatV2"))
    return shape_rules::shape_from_input(c, i);
  if (!t) {
    if (s.has_rank() && s.rank() == 1 && s.dim(0) >= 0 && s.dim(0) <= kMaxRank)
      return Shape(Dims(static_cast<size_t>(s.dim(0)), kUnknownDim));
    return Shape::unknown_rank();
  }
  Dims dims = t->as_dims();
  for (int64_t d : dims)
    if (d < -1) c.value_error("Invalid value in tensor used for shape: ", d);
  return Shape(dims);
}

// Run time: input i must be a vector of non-negative sizes (a shape to build a tensor of).
Dims dims_input(KernelContext& c, int i, const char* what) {
  const Tensor& t = c.input(i);
  if (t.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, what, " must represent a vector, got shape ",
           tf_shape(t.dims()));
  Dims dims = t.as_dims();
  for (int64_t d : dims)
    if (d < 0) c.fail(ErrorCode::kInvalidArgument, "Dimension ", d, " must be >= 0");
  return dims;
}

void require_scalar_input(KernelContext& c, int i, const char* what) {
  if (c.input(i).rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, what, " must be a scalar, not shape ",
           tf_shape(c.input(i).dims()));
}

// --- Const / Placeholder / Identity -------------------------------------------------------------
void const_kernel(KernelContext& c) { c.set_output(0, c.attrs().get<Tensor>("value")); }

void placeholder_kernel(KernelContext& c) {
  const Node& n = c.node();
  c.fail(ErrorCode::kInvalidArgument, "You must feed a value for placeholder tensor '", n.name(),
         "' with dtype ", dtype_tf_name(n.output_dtype(0)), " and shape ",
         n.output_shape(0).to_tf_string());
}

void identity_kernel(KernelContext& c) { c.set_output(0, c.input(0)); }

void check_shape_attr(InferenceContext& c, const Shape& s) {
  if (!s.has_rank()) return;
  for (int64_t d : s.dims())
    if (d < -1)
      c.value_error("Dimension ", d, " must be >= 0 (or -1 for unknown) in shape ",
                    s.to_tf_string());
}

void placeholder_shape(InferenceContext& c) {
  const DType d = c.attrs().get<DType>("dtype");
  if (dtype_size(d) == 0) c.type_error("Placeholder needs a valid dtype");
  Shape s = c.attrs().get<Shape>("shape");
  check_shape_attr(c, s);
  c.set_output(0, d, s);
}

void placeholder_with_default_shape(InferenceContext& c) {
  Shape s = c.attrs().get<Shape>("shape");
  check_shape_attr(c, s);
  if (!s.compatible_with(c.input_shape(0)))
    c.value_error("Shape of the default ", c.input_shape(0).to_tf_string(),
                  " is not compatible with ", s.to_tf_string());
  c.set_output(0, c.input_dtype(0), s);
}

// --- Shape / Size / Rank ------------------------------------------------------------------------
DType out_type(const AttrMap& attrs) { return attrs.get<DType>("out_type"); }

void shape_of_shape(InferenceContext& c) {
  const DType t = out_type(c.attrs());
  require_int_attr(c, "out_type", t);
  const Shape& s = c.input_shape(0);
  c.set_output(0, t, s.has_rank() ? Shape({s.rank()}) : Shape({kUnknownDim}));
}

void shape_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const DType t = out_type(c.attrs());
  Tensor& out = c.allocate_output(0, t, {x.rank()});
  for (int i = 0; i < x.rank(); ++i) {
    if (t == DType::kInt32) {
      if (x.dim(i) > kInt32Max)
        c.fail(ErrorCode::kInvalidArgument, "Shape output type is 32-bit  but dim ", i, " is ",
               x.dim(i));
      out.data<int32_t>()[i] = static_cast<int32_t>(x.dim(i));
    } else {
      out.data<int64_t>()[i] = x.dim(i);
    }
  }
}

void size_shape(InferenceContext& c) {
  const DType t = out_type(c.attrs());
  require_int_attr(c, "out_type", t);
  c.set_output(0, t, Shape{});
}

void size_kernel(KernelContext& c) {
  const DType t = out_type(c.attrs());
  const int64_t n = c.input(0).num_elements();
  Tensor& out = c.allocate_output(0, t, {});
  if (t == DType::kInt32) {
    if (n > kInt32Max)
      c.fail(ErrorCode::kInvalidArgument,
             "Number of elements was larger than representable by 32-bit output type");
    *out.data<int32_t>() = static_cast<int32_t>(n);
  } else {
    *out.data<int64_t>() = n;
  }
}

void rank_kernel(KernelContext& c) {
  *c.allocate_output(0, DType::kInt32, {}).data<int32_t>() = c.input(0).rank();
}

template <typename V>
std::string join(const V& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s;
}

// --- Reshape ------------------------------------------------------------------------------------
// Resolves a requested shape with at most one -1 against the input's element count, with
// TF1's messages; the product of the requested sizes is computed without overflow.
Dims resolve_reshape(KernelContext& c, const Tensor& x, const Tensor& shape) {
  if (shape.rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "sizes input must be 1-D, not ", tf_shape(shape.dims()));
  Dims dims = shape.as_dims();
  int64_t known = 1;
  bool overflow = false;
  int unknown = -1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == -1) {
      if (unknown >= 0)
        c.fail(ErrorCode::kInvalidArgument, "Only one input size may be -1, not both ", unknown,
               " and ", i);
      unknown = static_cast<int>(i);
    } else if (dims[i] < 0) {
      c.fail(ErrorCode::kInvalidArgument, "Size ", i, " must be non-negative, not ", dims[i]);
    } else {
      overflow |= __builtin_mul_overflow(known, dims[i], &known);
    }
  }
  for (int64_t d : dims)  // a zero size makes the product 0 whatever the others are
    if (d == 0) known = 0, overflow = false;
  if (overflow)
    c.fail(ErrorCode::kInvalidArgument, "Shape [", join(dims), "] has too many elements");
  const int64_t n = x.num_elements();
  if (unknown >= 0) {
    if (known == 0)
      c.fail(ErrorCode::kInvalidArgument,
             "Reshape cannot infer the missing input size for an empty tensor unless all "
             "specified input sizes are non-zero");
    if (n % known != 0)
      c.fail(ErrorCode::kInvalidArgument, "Input to reshape is a tensor with ", n,
             " values, but the requested shape requires a multiple of ", known);
    dims[static_cast<size_t>(unknown)] = n / known;
  } else if (known != n) {
    c.fail(ErrorCode::kInvalidArgument, "Input to reshape is a tensor with ", n,
           " values, but the requested shape has ", known);
  }
  return dims;
}

void reshape_kernel(KernelContext& c) {
  c.set_output(0, c.input(0).reshaped(resolve_reshape(c, c.input(0), c.input(1))));
}

void reshape_shape(InferenceContext& c) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 1);
  Shape target = shape_input(c, 1);
  const Shape& in = c.input_shape(0);
  if (!c.constant_input(1)) {
    c.set_output(0, c.input_dtype(0), target);
    return;
  }
  Dims dims = target.dims();
  int unknown = -1;
  int64_t known = 1;
  bool overflow = false;
  int64_t overflow_a = 0, overflow_b = 0;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] < 0) {
      if (unknown >= 0)
        c.value_error("Cannot infer multiple unknown dimensions in shape ", target.to_tf_string());
      unknown = static_cast<int>(i);
    } else if (!overflow && __builtin_mul_overflow(known, dims[i], &known)) {
      overflow = true;
      overflow_a = known;
      overflow_b = dims[i];
    }
  }
  for (int64_t d : dims)
    if (d == 0) known = 0, overflow = false;
  if (overflow)
    c.value_error("Negative dimension size caused by overflow when multiplying ", overflow_a,
                  " and ", overflow_b);
  const int64_t n = in.num_elements();
  if (n >= 0) {
    if (unknown >= 0 && known > 0) {
      if (n % known != 0)
        c.value_error("Dimension size must be evenly divisible by ", known, " but is ", n,
                      " (cannot reshape a tensor with ", n, " elements to shape ",
                      target.to_tf_string(), ")");
      dims[static_cast<size_t>(unknown)] = n / known;
    } else if (unknown >= 0 && n > 0) {
      c.value_error("Cannot reshape a tensor with ", n, " elements to shape ",
                    target.to_tf_string(), " (0 elements)");
    } else if (unknown < 0 && known != n) {
      c.value_error("Cannot reshape a tensor with ", n, " elements to shape ",
                    target.to_tf_string(), " (", known, " elements)");
    }
  }
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

// --- ZerosLike / OnesLike / Fill ----------------------------------------------------------------
void like_shape(InferenceContext& c) { c.set_output(0, c.input_dtype(0), c.input_shape(0)); }

// out[...] = the scalar `value` (same dtype), with a typed fill the compiler vectorises.
void fill_value(Tensor& out, const Tensor& value) {
  visit_any_dtype(out.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T v = value.data<T>()[0];  // the same dtype as out (the shape rule checks)
    std::fill(out.data<T>(), out.data<T>() + out.num_elements(), v);
  });
}

void zeros_like_kernel(KernelContext& c) {
  Tensor& out = c.allocate_output(0, c.input(0).dtype(), c.input(0).dims());
  zero_raw(out.dtype(), out.raw(), out.nbytes());
}

void ones_like_kernel(KernelContext& c) {
  Tensor& out = c.allocate_output(0, c.input(0).dtype(), c.input(0).dims());
  // A typed 1 with Cast's rules, made on the stack: this runs every step of a gradient.
  visit_numeric_dtype(
      out.dtype(),
      [&](auto tag) {
        using T = decltype(tag);
        std::fill(out.data<T>(), out.data<T>() + out.num_elements(),
                  cast_detail::convert_one<T>(1.0));
      },
      "OnesLike");
}

void fill_shape(InferenceContext& c) {
  require_int(c, 0);
  shape_rules::require_rank(c, 0, 1);
  shape_rules::require_rank(c, 1, 0);
  if (const Tensor* t = c.constant_input(0))
    for (int64_t d : t->as_dims())
      if (d < 0) c.value_error("Fill dimensions must be >= 0");
  c.set_output(0, c.input_dtype(1), shape_input(c, 0));
}

void fill_kernel(KernelContext& c) {
  const Dims dims = dims_input(c, 0, "dims");
  if (c.input(1).rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "value must represent a scalar, got shape ",
           tf_shape(c.input(1).dims()));
  Tensor& out = c.allocate_output(0, c.input(1).dtype(), dims);
  fill_value(out, c.input(1));
}

// --- Cast ---------------------------------------------------------------------------------------
// Every pair of dtypes converts (Tensor::cast): to bool is "!= 0" (NaN is true), from bool is
// 0/1, integer narrowing wraps modulo 2^32, and a float that is NaN or outside an integer type's
// range becomes that type's minimum, as TF1 and NumPy give on x86 — defined, never UB.
void cast_shape(InferenceContext& c) {
  const DType to = c.attrs().get<DType>("DstT");
  if (dtype_size(to) == 0) c.type_error("Cast needs a valid DstT");
  const DType from = c.attrs().get<DType>("SrcT");
  if (from != DType::kInvalid) {
    if (from != c.input_dtype(0))
      c.type_error("Input 'x' of 'Cast' Op has type ", dtype_name(c.input_dtype(0)),
                   " that does not match its attr SrcT = ", dtype_name(from));
  }
  c.set_output(0, to, c.input_shape(0));
}

void cast_kernel(KernelContext& c) {
  const DType to = c.attrs().get<DType>("DstT");
  const Tensor& x = c.input(0);
  if (x.dtype() == to) {
    c.set_output(0, x);
    return;
  }
  x.cast_into(c.allocate_output(0, to, x.dims()));  // last run's buffer, not a new one
}

// --- Range --------------------------------------------------------------------------------------
// The element count of Range(start, limit, delta) in T's own arithmetic, as TF1 computes it,
// but without overflow: integer spans in 128 bits, and counts beyond int64 an error.
// Returns "" and sets *n, or TF1's message.
// A Range argument in a message: integral values (of a float dtype too) in full, others in
// their shortest round-trip form, so that 3221225472 never reads as 3.22123e+09.
template <typename T>
std::string range_value(T v) {
  if constexpr (std::is_integral_v<T>) {
    return std::to_string(v);
  } else {
    if (std::isfinite(v) && v == std::trunc(v) && std::abs(v) < T(9.2e18))
      return std::to_string(static_cast<int64_t>(v));
    char buf[64];
    const auto end = std::to_chars(buf, buf + sizeof(buf), v).ptr;
    return std::string(buf, end);
  }
}

template <typename T>
std::string range_count(T start, T limit, T delta, int64_t* n) {
  if (delta == T(0)) return str_cat("Requires delta != 0: ", range_value(delta));
  if (delta > T(0)) {
    if (!(start <= limit))
      return str_cat("Requires start <= limit when delta > 0: ", range_value(start), "/",
                     range_value(limit));
  } else if (!(start >= limit)) {
    return str_cat("Requires start >= limit when delta < 0: ", range_value(start), "/",
                   range_value(limit));
  }
  const std::string too_many =
      str_cat("Requires ((limit - start) / delta) <= ", std::numeric_limits<int64_t>::max());
  if constexpr (std::is_integral_v<T>) {
    __int128 span = static_cast<__int128>(limit) - static_cast<__int128>(start);
    __int128 step = delta;
    if (span < 0) span = -span;
    if (step < 0) step = -step;
    const __int128 count = (span + step - 1) / step;
    if (count > kInt64Max) return too_many;
    *n = static_cast<int64_t>(count);
  } else {
    const T count = std::ceil(std::abs((limit - start) / delta));
    // 2^63 is the first double above int64's range; the negated test also catches NaN.
    if (!(static_cast<double>(count) < 9223372036854775808.0)) return too_many;
    *n = static_cast<int64_t>(count);
  }
  return "";
}

template <typename T>
void range_fill(Tensor& out, T start, T delta) {
  T* o = out.data<T>();
  const int64_t n = out.num_elements();
  if constexpr (std::is_integral_v<T>) {
    // Every value lies between start and limit, so it fits T; the product and sum are done
    // modulo 2^64 where i * delta alone may not fit.
    const uint64_t s = static_cast<uint64_t>(static_cast<int64_t>(start));
    const uint64_t d = static_cast<uint64_t>(static_cast<int64_t>(delta));
    for (int64_t i = 0; i < n; ++i)
      o[i] = static_cast<T>(static_cast<int64_t>(s + static_cast<uint64_t>(i) * d));
  } else {
    for (int64_t i = 0; i < n; ++i)
      o[i] = static_cast<T>(static_cast<double>(start) +
                            static_cast<double>(i) * static_cast<double>(delta));
  }
}

template <typename Fn>
void visit_range_dtype(DType d, Fn&& fn) {
  switch (d) {
    case DType::kInt32:
      return fn(int32_t{});
    case DType::kInt64:
      return fn(int64_t{});
    case DType::kFloat32:
      return fn(float{});
    case DType::kFloat64:
      return fn(double{});
    default:
      return;
  }
}

void range_shape(InferenceContext& c) {
  const DType d = shape_rules::same_dtype(c);
  shape_rules::require_dtype(c, 0,
                             {DType::kInt32, DType::kInt64, DType::kFloat32, DType::kFloat64});
  for (int i = 0; i < 3; ++i) shape_rules::require_rank(c, i, 0);
  const Tensor *s = c.constant_input(0), *l = c.constant_input(1), *dt = c.constant_input(2);
  int64_t n = kUnknownDim;
  if (s && l && dt) {
    visit_range_dtype(d, [&](auto tag) {
      using T = decltype(tag);
      std::string err = range_count<T>(s->data<T>()[0], l->data<T>()[0], dt->data<T>()[0], &n);
      if (!err.empty()) c.value_error(err);
    });
  }
  c.set_output(0, d, Shape({n}));
}

void range_kernel(KernelContext& c) {
  require_scalar_input(c, 0, "start");
  require_scalar_input(c, 1, "limit");
  require_scalar_input(c, 2, "delta");
  visit_range_dtype(c.input(0).dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T start = c.input(0).data<T>()[0], limit = c.input(1).data<T>()[0];
    const T delta = c.input(2).data<T>()[0];
    int64_t n = 0;
    std::string err = range_count<T>(start, limit, delta, &n);
    if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
    range_fill<T>(c.allocate_output(0, c.input(0).dtype(), {n}), start, delta);
  });
}

// --- BroadcastTo / SumToShape -------------------------------------------------------------------
void broadcast_to_shape(InferenceContext& c) {
  require_int(c, 1);
  require_rank_at_most(c, 1, 1);
  Shape target = shape_input(c, 1);
  const Shape& in = c.input_shape(0);
  if (target.has_rank() && in.has_rank()) {
    if (in.rank() > target.rank())
      c.value_error("Shape must be at most rank ", target.rank(), " but is rank ", in.rank(),
                    " (the input has more dimensions than the target shape ", target.to_tf_string(),
                    ") with input shapes: ", input_shapes(c));
    const int lead = target.rank() - in.rank();
    Dims dims = target.dims();
    for (int i = 0; i < in.rank(); ++i) {
      const int64_t a = in.dim(i);
      int64_t& t = dims[static_cast<size_t>(i + lead)];
      if (a >= 0 && t >= 0 && a != 1 && a != t)
        c.value_error("Dimensions must be equal, but are ", a, " and ", t,
                      " with input shapes: ", input_shapes(c), " (broadcasting ", in.to_tf_string(),
                      " to ", target.to_tf_string(), ")");
    }
  }
  c.set_output(0, c.input_dtype(0), target);
}

// out = x broadcast to `shape` (NumPy rules).
void broadcast_to_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Dims dims = dims_input(c, 1, "shape");
  if (x.rank() > static_cast<int>(dims.size()))
    c.fail(ErrorCode::kInvalidArgument, "Rank of input (", x.rank(),
           ") must be no greater than rank of output shape (", dims.size(), ").");
  const size_t lead = dims.size() - static_cast<size_t>(x.rank());
  for (int i = 0; i < x.rank(); ++i)
    if (x.dim(i) != 1 && x.dim(i) != dims[lead + static_cast<size_t>(i)])
      c.fail(ErrorCode::kInvalidArgument, "Incompatible shapes: ", tf_shape(x.dims()), " vs. ",
             tf_shape(dims));
  if (x.dims() == dims) {
    c.set_output(0, x);
    return;
  }
  Tensor& out = c.allocate_output(0, x.dtype(), dims);
  kernels::broadcast_to(x, out, c.pool());
}

void sum_to_shape_shape(InferenceContext& c) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 1);
  if (!is_numeric(c.input_dtype(0)))
    c.type_error("SumToShape sums its input: it needs a numeric dtype, got ",
                 dtype_name(c.input_dtype(0)));
  c.set_output(0, c.input_dtype(0), shape_input(c, 1));
}

// out = x summed over the axes along which `shape` was broadcast to x's shape: the
// broadcast reduction of backprop.
void sum_to_shape_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Dims target = dims_input(c, 1, "shape");
  if (x.dims() == target) {
    c.set_output(0, x);
    return;
  }
  const int lead = x.rank() - static_cast<int>(target.size());
  if (lead < 0)
    c.fail(ErrorCode::kInvalidArgument, "Cannot reduce shape ", tf_shape(x.dims()), " to ",
           tf_shape(target));
  thread_local std::vector<int> axes;  // reused: steady-state runs do not allocate
  axes.clear();
  for (int i = 0; i < x.rank(); ++i) {
    if (i < lead) {
      axes.push_back(i);
    } else {
      int64_t t = target[static_cast<size_t>(i - lead)];
      if (t == 1 && x.dim(i) != 1) {
        axes.push_back(i);
      } else if (t != x.dim(i)) {
        c.fail(ErrorCode::kInvalidArgument, "Cannot reduce shape ", tf_shape(x.dims()), " to ",
               tf_shape(target));
      }
    }
  }
  Tensor& out = c.allocate_output(0, x.dtype(), target);
  kernels::reduce(kernels::ReduceOp::kSum, x, axes, out);
}

// --- Pack / Unpack ------------------------------------------------------------------------------
// Merges the input shapes as TF's Merge does, with its two messages (rank, then dimension).
Shape merged_input_shapes(InferenceContext& c) {
  Shape s = c.input_shape(0);
  for (int i = 1; i < c.num_inputs(); ++i) {
    const Shape& o = c.input_shape(i);
    if (s.has_rank() && o.has_rank()) {
      if (s.rank() != o.rank())
        c.value_error("Shapes must be equal rank, but are ", s.rank(), " and ", o.rank(),
                      " (values[0] ", c.input_shape(0).to_tf_string(), " vs. values[", i, "] ",
                      o.to_tf_string(), ")");
      for (int k = 0; k < s.rank(); ++k)
        if (s.dim(k) >= 0 && o.dim(k) >= 0 && s.dim(k) != o.dim(k))
          c.value_error("Dimension ", k, " in both shapes must be equal, but are ", s.dim(k),
                        " and ", o.dim(k), ". Shapes are ", s.to_tf_string(), " and ",
                        o.to_tf_string(), ".");
    }
    s = s.merge_with(o);
  }
  return s;
}

void check_n_attr(InferenceContext& c) {
  if (c.attrs().get<int64_t>("N") >= 0 && c.attrs().get<int64_t>("N") != c.num_inputs())
    c.value_error("Attr N = ", c.attrs().get<int64_t>("N"), " does not match the ", c.num_inputs(),
                  " inputs given");
}

// Pack(values..., attrs N, axis): stacks same-shape inputs along a new axis.
void pack_shape(InferenceContext& c) {
  if (c.num_inputs() == 0) c.value_error("Pack needs at least one input");
  check_n_attr(c);
  DType d = shape_rules::same_dtype(c);
  Shape s = merged_input_shapes(c);
  if (!s.has_rank()) {
    c.set_output(0, d, Shape::unknown_rank());
    return;
  }
  const int64_t rank = s.rank() + 1;
  const int64_t axis = c.attrs().get<int64_t>("axis");
  auto at = normalize_axis(axis, rank);
  if (!at) c.value_error("Invalid axis: ", axis, "; must be in [", -rank, ",", rank, ")");
  Dims dims = s.dims();
  dims.insert(dims.begin() + *at, c.num_inputs());
  c.set_output(0, d, Shape(dims));
}

void pack_kernel(KernelContext& c) {
  const Tensor& first = c.input(0);
  const int64_t n = c.num_inputs();
  const int64_t rank = first.rank() + 1;
  const int64_t axis_attr = c.attrs().get<int64_t>("axis");
  auto at = normalize_axis(axis_attr, rank);
  if (!at)
    c.fail(ErrorCode::kInvalidArgument, "axis = ", axis_attr, " not in [", -rank, ", ", rank, ")");
  const int64_t axis = *at;
  for (int64_t k = 1; k < n; ++k) {
    const Tensor& in = c.input(static_cast<int>(k));
    if (in.dims() != first.dims())
      c.fail(ErrorCode::kInvalidArgument,
             "Shapes of all inputs must match: values[0].shape = ", tf_shape(first.dims()),
             " != values[", k, "].shape = ", tf_shape(in.dims()));
  }
  Dims dims = first.dims();
  dims.insert(dims.begin() + axis, n);
  Tensor& out = c.allocate_output(0, first.dtype(), dims);
  // Only a non-empty tensor's partial products are sure to fit int64: (2^40, 2^40, 0) exists.
  if (out.num_elements() == 0) return;
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= first.dim(static_cast<int>(i));
  const size_t chunk = first.nbytes() / static_cast<size_t>(outer);
  char* dst = static_cast<char*>(out.raw());
  for (int64_t k = 0; k < n; ++k) {
    const char* src = static_cast<const char*>(c.input(static_cast<int>(k)).raw());
    for (int64_t o = 0; o < outer; ++o)
      copy_raw(first.dtype(), dst + static_cast<size_t>(o * n + k) * chunk,
               src + static_cast<size_t>(o) * chunk, chunk);
  }
}

// Unpack(value, attrs num, axis): the inverse of Pack.
void unpack_shape(InferenceContext& c) {
  const Shape& s = c.input_shape(0);
  const int64_t axis_attr = c.attrs().get<int64_t>("axis");
  int64_t num = c.attrs().get<int64_t>("num");
  if (num < -1 || num > kInt32Max)
    c.value_error("Attr 'num' of 'Unpack' Op passed ", num, " not in [0, ", kInt32Max, "]");
  if (!s.has_rank()) {
    if (num < 0) c.value_error("Cannot infer num from shape ", s.to_tf_string());
    c.set_num_outputs(static_cast<int>(num));
    for (int i = 0; i < num; ++i) c.set_output(i, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  const int64_t rank = s.rank();
  auto at = normalize_axis(axis_attr, rank);
  if (!at) c.value_error("Invalid axis: ", axis_attr, "; must be in [", -rank, ",", rank, ")");
  const int64_t n = s.dim(static_cast<int>(*at));
  if (num < 0) {
    if (n < 0) c.value_error("Cannot infer num from shape ", s.to_tf_string());
    if (n > kInt32Max) c.value_error("Cannot unpack ", n, " outputs from shape ", s.to_tf_string());
    num = n;
    c.mutable_attrs().set("num", num);
  } else if (n >= 0 && n != num) {
    c.value_error("Dimension must be ", num, " but is ", n,
                  " with input shapes: ", input_shapes(c));
  }
  Dims dims = s.dims();
  dims.erase(dims.begin() + *at);
  c.set_num_outputs(static_cast<int>(num));
  for (int i = 0; i < num; ++i) c.set_output(i, c.input_dtype(0), Shape(dims));
}

void unpack_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int64_t axis_attr = c.attrs().get<int64_t>("axis");
  auto at = normalize_axis(axis_attr, x.rank());
  if (!at)
    c.fail(ErrorCode::kInvalidArgument, "axis = ", axis_attr, " not in [", -x.rank(), ", ",
           x.rank(), ")");
  const int64_t axis = *at;
  const int64_t num = x.dim(static_cast<int>(axis));
  if (num != c.node().num_outputs())
    c.fail(ErrorCode::kInvalidArgument, "Input shape axis ", axis, " must equal ",
           c.node().num_outputs(), ", got shape ", tf_shape(x.dims()));
  Dims dims = x.dims();
  dims.erase(dims.begin() + axis);
  if (x.num_elements() == 0) {  // its partial products may not fit int64: (2^40, 2^40, 0)
    for (int64_t k = 0; k < num; ++k) c.allocate_output(static_cast<int>(k), x.dtype(), dims);
    return;
  }
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x.dim(static_cast<int>(i));
  const size_t chunk = static_cast<size_t>(num_elements(dims) / outer) * dtype_size(x.dtype());
  const char* src = static_cast<const char*>(x.raw());
  for (int64_t k = 0; k < num; ++k) {
    Tensor& out = c.allocate_output(static_cast<int>(k), x.dtype(), dims);
    if (chunk == 0) continue;
    char* dst = static_cast<char*>(out.raw());
    for (int64_t o = 0; o < outer; ++o)
      copy_raw(x.dtype(), dst + static_cast<size_t>(o) * chunk,
               src + static_cast<size_t>(o * num + k) * chunk, chunk);
  }
}

// --- Transpose / InvertPermutation --------------------------------------------------------------
// The first value in [0, n) that `perm` leaves out, or -1 when perm is a permutation (values
// outside [0, n) are reported by the callers first).
int64_t missing_from(const std::vector<int64_t>& perm, int64_t n) {
  std::vector<bool> seen(static_cast<size_t>(n), false);
  for (int64_t a : perm)
    if (a >= 0 && a < n) seen[static_cast<size_t>(a)] = true;
  for (int64_t i = 0; i < n; ++i)
    if (!seen[static_cast<size_t>(i)]) return i;
  return -1;
}

std::vector<int64_t> int_values(const Tensor& t) {
  Dims d = t.as_dims();
  return std::vector<int64_t>(d.begin(), d.end());
}

void transpose_shape(InferenceContext& c) {
  require_int(c, 1);
  shape_rules::require_rank(c, 1, 1);
  const Shape& s = c.input_shape(0);
  const Shape& ps = c.input_shape(1);
  if (s.has_rank() && ps.has_rank() && ps.dim(0) >= 0 && ps.dim(0) != s.rank())
    c.value_error("Dimension must be ", s.rank(), " but is ", ps.dim(0),
                  " with input shapes: ", input_shapes(c));
  const Tensor* perm = c.constant_input(1);
  if (!perm) {
    int64_t rank = s.has_rank() ? s.rank() : (ps.has_rank() ? ps.dim(0) : kUnknownDim);
    if (rank >= 0 && rank <= kMaxRank)
      c.set_output(0, c.input_dtype(0), Shape(Dims(static_cast<size_t>(rank), kUnknownDim)));
    else
      c.set_output(0, c.input_dtype(0), Shape::unknown_rank());
    return;
  }
  std::vector<int64_t> p = int_values(*perm);
  const int64_t rank = static_cast<int64_t>(p.size());
  Dims dims;
  for (int64_t a : p) {
    if (a < 0 || a >= rank) c.value_error("perm dim ", a, " is out of range of input rank ", rank);
    dims.push_back(s.has_rank() ? s.dim(static_cast<int>(a)) : kUnknownDim);
  }
  const int64_t missing = missing_from(p, rank);
  if (missing >= 0) c.value_error(missing, " is missing from {", join(p), "}.");
  c.set_output(0, c.input_dtype(0), Shape(dims));
}

void transpose_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  if (c.input(1).rank() != 1)
    c.fail(ErrorCode::kInvalidArgument, "perm must be rank 1, got shape ",
           tf_shape(c.input(1).dims()));
  std::vector<int64_t> p = int_values(c.input(1));
  const int rank = x.rank();
  if (static_cast<int64_t>(p.size()) != rank)
    c.fail(ErrorCode::kInvalidArgument, "transpose expects a vector of size ", rank,
           ". But input(1) is a vector of size ", p.size());
  for (int64_t a : p)
    if (a < 0 || a >= rank)
      c.fail(ErrorCode::kInvalidArgument, a, " is out of range [0 .. ", rank, ")");
  const int64_t missing = missing_from(p, rank);
  if (missing >= 0)
    c.fail(ErrorCode::kInvalidArgument, missing, " is missing from {", join(p), "}.");
  Dims dims(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i)
    dims[static_cast<size_t>(i)] = x.dims()[static_cast<size_t>(p[static_cast<size_t>(i)])];
  Tensor& out = c.allocate_output(0, x.dtype(), dims);
  if (out.num_elements() == 0) return;  // strides of an empty tensor may not fit int64
  std::vector<int64_t> in_strides(static_cast<size_t>(rank), 1);
  for (int i = rank - 2; i >= 0; --i)
    in_strides[static_cast<size_t>(i)] = in_strides[static_cast<size_t>(i) + 1] * x.dim(i + 1);
  std::vector<int64_t> strides(static_cast<size_t>(rank));
  for (int i = 0; i < rank; ++i)
    strides[static_cast<size_t>(i)] = in_strides[static_cast<size_t>(p[static_cast<size_t>(i)])];
  const size_t size = dtype_size(x.dtype());
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(out.raw());
  std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
  int64_t offset = 0;
  for (int64_t n = 0; n < out.num_elements(); ++n) {
    copy_raw(x.dtype(), dst + static_cast<size_t>(n) * size,
             src + static_cast<size_t>(offset) * size, size);
    for (int i = rank - 1; i >= 0; --i) {
      const size_t u = static_cast<size_t>(i);
      if (++idx[u] < dims[u]) {
        offset += strides[u];
        break;
      }
      offset -= strides[u] * (idx[u] - 1);
      idx[u] = 0;
    }
  }
}

void invert_permutation_shape(InferenceContext& c) {
  require_int(c, 0);
  shape_rules::require_rank(c, 0, 1);
  c.set_output(0, c.input_dtype(0), c.input_shape(0));
}

void invert_permutation_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  if (x.rank() != 1) c.fail(ErrorCode::kInvalidArgument, "invert_permutation expects a 1D vector.");
  const int64_t n = x.num_elements();
  if (x.dtype() == DType::kInt32 && n > kInt32Max)
    c.fail(ErrorCode::kInvalidArgument,
           "permutation of nonnegative int32s must have <= int32 max elements");
  std::vector<int64_t> p = int_values(x);
  std::vector<int64_t> inv(p.size(), -1);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t a = p[static_cast<size_t>(i)];
    if (a < 0 || a >= n) c.fail(ErrorCode::kInvalidArgument, a, " is not between 0 and ", n);
    if (inv[static_cast<size_t>(a)] >= 0)
      c.fail(ErrorCode::kInvalidArgument, a, " is duplicated in the input.");
    inv[static_cast<size_t>(a)] = i;
  }
  Tensor& out = c.allocate_output(0, x.dtype(), {n});
  for (int64_t i = 0; i < n; ++i) {
    if (out.dtype() == DType::kInt32)
      out.data<int32_t>()[i] = static_cast<int32_t>(inv[static_cast<size_t>(i)]);
    else
      out.data<int64_t>()[i] = inv[static_cast<size_t>(i)];
  }
}

}  // namespace

void register_array_ops(OpRegistry& r) {
  r.add("Const")
      .outputs({"output"})
      .required_attr("value", AttrType::kTensor, "the constant")
      .attr("dtype", DType::kFloat32, "the value's dtype (set from the value)")
      .shape([](InferenceContext& c) {
        const Tensor& v = c.attrs().get<Tensor>("value");
        if (!v.defined()) c.value_error("Const needs a defined value");
        c.mutable_attrs().set("dtype", v.dtype());
        v.buffer()->set_shared_state(true);  // fetched values must not alias the constant
        c.set_output(0, v.dtype(), Shape(v.dims()));
      })
      .kernel(const_kernel)
      .not_differentiable();
  r.add("Placeholder")
      .outputs({"output"})
      .required_attr("dtype", AttrType::kType, "the fed value's dtype")
      .attr("shape", Shape::unknown_rank(), "the fed value's shape (may be partial)")
      .placeholder()
      .shape(placeholder_shape)
      .kernel(placeholder_kernel)
      .not_differentiable();
  r.add("PlaceholderWithDefault")
      .inputs({"input"})
      .outputs({"output"})
      .required_attr("shape", AttrType::kShape, "the fed value's shape (may be partial)")
      .shape(placeholder_with_default_shape)
      .kernel(identity_kernel)
      .grad([](GradContext& c) { return Grads{c.grad()}; });
  r.add("Identity")
      .inputs({"input"})
      .outputs({"output"})
      .shape(shape_rules::unchanged)
      .kernel(identity_kernel)
      .grad([](GradContext& c) { return Grads{c.grad()}; });
  r.add("StopGradient")
      .inputs({"input"})
      .outputs({"output"})
      .shape(shape_rules::unchanged)
      .kernel(identity_kernel)
      .not_differentiable();
  r.add("Shape")
      .inputs({"input"})
      .outputs({"output"})
      .attr("out_type", DType::kInt32, "int32 or int64")
      .shape(shape_of_shape)
      .kernel(shape_kernel)
      .not_differentiable();
  r.add("Size")
      .inputs({"input"})
      .outputs({"output"})
      .attr("out_type", DType::kInt32, "int32 or int64")
      .shape(size_shape)
      .kernel(size_kernel)
      .not_differentiable();
  r.add("Rank")
      .inputs({"input"})
      .outputs({"output"})
      .shape([](InferenceContext& c) { c.set_output(0, DType::kInt32, Shape{}); })
      .kernel(rank_kernel)
      .not_differentiable();
  r.add("Reshape")
      .inputs({"tensor", "shape"})
      .outputs({"output"})
      .shape(reshape_shape)
      .kernel(reshape_kernel)
      .grad(
          [](GradContext& c) { return Grads{reshape(c.grad(), shape(c.input(0))), std::nullopt}; });
  r.add("ZerosLike")
      .inputs({"x"})
      .outputs({"y"})
      .shape(like_shape)
      .kernel(zeros_like_kernel)
      .not_differentiable();
  r.add("OnesLike")
      .inputs({"x"})
      .outputs({"y"})
      .shape(like_shape)
      .kernel(ones_like_kernel)
      .not_differentiable();
  r.add("Fill")
      .inputs({"dims", "value"})
      .outputs({"output"})
      .shape(fill_shape)
      .kernel(fill_kernel)
      .grad([](GradContext& c) { return Grads{std::nullopt, reduce_sum(c.grad(), {}, false)}; });
  r.add("Cast")
      .inputs({"x"})
      .outputs({"y"})
      .required_attr("DstT", AttrType::kType, "the output dtype")
      .attr("SrcT", DType::kInvalid, "the input dtype, checked when given")
      .shape(cast_shape)
      .kernel(cast_kernel)
      .grad([](GradContext& c) {
        DType from = c.input(0).dtype(), to = c.output().dtype();
        if (!is_floating(from) || !is_floating(to)) return Grads{std::nullopt};
        return Grads{cast(c.grad(), from)};
      });
  r.add("Range")
      .inputs({"start", "limit", "delta"})
      .outputs({"output"})
      .shape(range_shape)
      .kernel(range_kernel)
      .not_differentiable();
  r.add("BroadcastTo")
      .inputs({"input", "shape"})
      .outputs({"output"})
      .shape(broadcast_to_shape)
      .kernel(broadcast_to_kernel)
      .grad([](GradContext& c) {
        return Grads{sum_to_shape(c.grad(), shape(c.input(0))), std::nullopt};
      });
  r.add("SumToShape")
      .inputs({"input", "shape"})
      .outputs({"output"})
      .shape(sum_to_shape_shape)
      .kernel(sum_to_shape_kernel)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "BroadcastTo", {c.grad(), shape(c.input(0))}), std::nullopt};
      });
  r.add("Pack")
      .inputs({"values"})
      .variadic_inputs()
      .outputs({"output"})
      .attr("axis", int64_t{0}, "the new axis, in [-rank - 1, rank]")
      .attr("N", int64_t{-1}, "the number of inputs, checked when given")
      .shape(pack_shape)
      .kernel(pack_kernel)
      .grad([](GradContext& c) {
        AttrMap attrs{{"num", static_cast<int64_t>(c.num_inputs())},
                      {"axis", c.attrs().get<int64_t>("axis")}};
        Node* unpack = add_op(c.graph(), "Unpack", {c.grad()}, attrs);
        Grads grads;
        for (int i = 0; i < c.num_inputs(); ++i) grads.push_back(unpack->output(i));
        return grads;
      });
  r.add("Unpack")
      .inputs({"value"})
      .outputs({"output"})
      .attr("num", int64_t{-1}, "the number of outputs; -1 infers it from the shape")
      .attr("axis", int64_t{0}, "the axis unpacked, in [-rank, rank)")
      .shape(unpack_shape)
      .kernel(unpack_kernel)
      .grad([](GradContext& c) {
        std::vector<Output> grads;
        for (int i = 0; i < c.op().num_outputs(); ++i) grads.push_back(c.grad(i));
        return Grads{op(c.graph(), "Pack", grads, {{"axis", c.attrs().get<int64_t>("axis")}})};
      });
  r.add("Transpose")
      .inputs({"x", "perm"})
      .outputs({"y"})
      .shape(transpose_shape)
      .kernel(transpose_kernel)
      .grad([](GradContext& c) {
        Output inv = op(c.graph(), "InvertPermutation", {c.input(1)});
        return Grads{op(c.graph(), "Transpose", {c.grad(), inv}), std::nullopt};
      });
  r.add("InvertPermutation")
      .inputs({"x"})
      .outputs({"y"})
      .shape(invert_permutation_shape)
      .kernel(invert_permutation_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
