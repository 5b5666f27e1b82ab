// Elementwise inner loops, compiled once per SIMD variant (VF_ISA_NS = baseline/avx2/avx512).
// Plain loops over restrict pointers: the compiler vectorises them under each variant's flags.
#include <cmath>
#include <type_traits>

#include "kernels/elementwise.h"
#include "kernels/special_functions.h"
#include "kernels/vector_math.h"
#include "kernels/wrapping.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

// Integer division and modulo are defined on every input: the divisor is checked for zero
// before the loop runs, and the one quotient that overflows (INT_MIN / -1) wraps to INT_MIN
// with remainder 0, as NumPy gives, instead of trapping.
template <typename T>
inline T truncate_div(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == T(-1)) return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(a));
    return b == T(0) ? T(0) : a / b;
  } else {
    return a / b;
  }
}

template <typename T>
inline T floor_div(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == T(-1) || b == T(0)) return truncate_div(a, b);
    T q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
  } else {
    return std::floor(a / b);
  }
}

template <typename T>
inline T floor_mod(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == T(-1) || b == T(0)) return T(0);
    T r = a % b;
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
  } else {
    T r = std::fmod(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
  }
}

// The remainder of truncate_div: the sign of `a`, as C's % and std::fmod (TF's TruncateMod).
template <typename T>
inline T truncate_mod(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == T(-1) || b == T(0)) return T(0);
    return a % b;
  } else {
    return std::fmod(a, b);
  }
}

// Integer powers by squaring in O(log b), wrapping on overflow as NumPy does; negative
// exponents are rejected before the loop runs (binary() checks them).
template <typename T>
inline T power(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    U result = 1, base = static_cast<U>(a);
    for (T e = b; e > 0; e >>= 1) {
      if (e & 1) result = static_cast<U>(result * base);
      base = static_cast<U>(base * base);
    }
    return static_cast<T>(result);
  } else {
    return std::pow(a, b);
  }
}

// TF1's Round: half to even (the default rounding mode's nearbyint); integers are already round.
template <typename T>
inline T round_half_even(T a) {
  if constexpr (std::is_integral_v<T>) {
    return a;
  } else {
    return std::nearbyint(a);
  }
}

template <typename T>
inline T sigmoid(T a) {
  return vmath::sigmoid(a);
}

template <typename T>
inline T softplus(T a) {
  // log(1 + exp(a)) without overflow for large a
  return a > T(0) ? a + std::log1p(std::exp(-a)) : std::log1p(std::exp(a));
}

#define VF_FUNCTOR(name, dtypes, expr)                    \
  struct name##Fn {                                       \
    template <typename T>                                 \
    static inline auto apply(T a, [[maybe_unused]] T b) { \
      return expr;                                        \
    }                                                     \
  };
VF_BINARY_OPS(VF_FUNCTOR)
#undef VF_FUNCTOR
#define VF_FUNCTOR(name, dtypes, expr) \
  struct name##Fn {                    \
    template <typename T>              \
    static inline auto apply(T a) {    \
      return expr;                     \
    }                                  \
  };
VF_UNARY_OPS(VF_FUNCTOR)
#undef VF_FUNCTOR

template <typename F, typename T, typename R>
void binary_loop(const void* a_raw, int64_t a_stride, const void* b_raw, int64_t b_stride,
                 void* out_raw, int64_t n) {
  const T* __restrict a = static_cast<const T*>(a_raw);
  const T* __restrict b = static_cast<const T*>(b_raw);
  R* __restrict out = static_cast<R*>(out_raw);
  if (a_stride == 1 && b_stride == 1) {
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(F::apply(a[i], b[i]));
  } else if (a_stride == 0 && b_stride == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(F::apply(av, b[i]));
  } else if (a_stride == 1) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(F::apply(a[i], bv));
  } else {
    const R v = static_cast<R>(F::apply(a[0], b[0]));
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  }
}

template <typename F, typename T, typename R = T>
void unary_loop(const void* a_raw, void* out_raw, int64_t n) {
  const T* __restrict a = static_cast<const T*>(a_raw);
  R* __restrict out = static_cast<R*>(out_raw);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<R>(F::apply(a[i]));
}

constexpr int idx(DType d) { return static_cast<int>(d); }

// Which dtypes an op is defined for (the second column of VF_BINARY_OPS / VF_UNARY_OPS).
struct Numeric {};
struct Float {};
struct Compare {};
struct Equality {};
struct Logical {};
struct FloatPredicate {};

template <typename F, typename Kind>
void fill_binary(BinaryLoop* row) {
  constexpr bool bool_out = std::is_same_v<Kind, Compare> || std::is_same_v<Kind, Equality>;
  if constexpr (std::is_same_v<Kind, Logical>) {
    row[idx(DType::kBool)] = &binary_loop<F, bool, bool>;
  } else {
    row[idx(DType::kFloat32)] = &binary_loop<F, float, std::conditional_t<bool_out, bool, float>>;
    row[idx(DType::kFloat64)] = &binary_loop<F, double, std::conditional_t<bool_out, bool, double>>;
    if constexpr (!std::is_same_v<Kind, Float>) {
      row[idx(DType::kInt32)] =
          &binary_loop<F, int32_t, std::conditional_t<bool_out, bool, int32_t>>;
      row[idx(DType::kInt64)] =
          &binary_loop<F, int64_t, std::conditional_t<bool_out, bool, int64_t>>;
    }
    if constexpr (std::is_same_v<Kind, Equality>)
      row[idx(DType::kBool)] = &binary_loop<F, bool, bool>;
  }
}

template <typename F, typename Kind>
void fill_unary(UnaryLoop* row) {
  if constexpr (std::is_same_v<Kind, Logical>) {
    row[idx(DType::kBool)] = &unary_loop<F, bool>;
  } else if constexpr (std::is_same_v<Kind, FloatPredicate>) {
    row[idx(DType::kFloat32)] = &unary_loop<F, float, bool>;
    row[idx(DType::kFloat64)] = &unary_loop<F, double, bool>;
  } else {
    row[idx(DType::kFloat32)] = &unary_loop<F, float>;
    row[idx(DType::kFloat64)] = &unary_loop<F, double>;
    if constexpr (std::is_same_v<Kind, Numeric>) {
      row[idx(DType::kInt32)] = &unary_loop<F, int32_t>;
      row[idx(DType::kInt64)] = &unary_loop<F, int64_t>;
    }
  }
}

ElementwiseTable make_table() {
  ElementwiseTable t;
#define VF_FILL(name, dtypes, expr) \
  fill_binary<name##Fn, dtypes>(t.binary[static_cast<int>(BinaryOp::k##name)]);
  VF_BINARY_OPS(VF_FILL)
#undef VF_FILL
#define VF_FILL(name, dtypes, expr) \
  fill_unary<name##Fn, dtypes>(t.unary[static_cast<int>(UnaryOp::k##name)]);
  VF_UNARY_OPS(VF_FILL)
#undef VF_FILL
  return t;
}

}  // namespace

const ElementwiseTable& elementwise_table() {
  static const ElementwiseTable table = make_table();
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
