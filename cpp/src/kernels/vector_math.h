// exp, log and tanh written as straight-line code (polynomials, bit manipulation, selects)
// so that the compiler vectorises loops over them under each SIMD variant's flags (with
// -fno-trapping-math); the C library's versions are scalar calls. Accuracy: exp, log and the
// double tanh within 3 ulp of the correctly rounded result over the whole range; the float
// tanh, a rational function as TF's Eigen tanh is, within 5.5 ulp where the variant has
// FMA (the AVX2 and AVX-512 variants; 5.47 over every float) and 7 without (6.66); Eigen's
// float tanh, which TF1 runs, is 5.76 ulp off at worst over every 7th float in [0, 10],
// against the float64 tanh (tests/cpp/vector_math_test.cc). NaN, infinities, zeros and
// subnormals as std::exp/log/tanh give them.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace varflow::kernels::vmath {

template <typename T>
struct Bits;
template <>
struct Bits<float> {
  using Int = int32_t;
  static constexpr int kMantissa = 23;
  static constexpr int kBias = 127;
};
template <>
struct Bits<double> {
  using Int = int64_t;
  static constexpr int kMantissa = 52;
  static constexpr int kBias = 1023;
};

template <typename T>
inline typename Bits<T>::Int to_bits(T x) {
  typename Bits<T>::Int i;
  std::memcpy(&i, &x, sizeof(T));
  return i;
}

template <typename T>
inline T from_bits(typename Bits<T>::Int i) {
  T x;
  std::memcpy(&x, &i, sizeof(T));
  return x;
}

// Round to nearest integer without a libm call (valid for |v| < 2^(mantissa - 1)).
template <typename T>
inline T round_int(T v) {
  const T magic = std::is_same_v<T, float> ? T(12582912.0) : T(6755399441055744.0);
  return (v + magic) - magic;
}

// x * 2^n for integral-valued n in [-2 * bias, 2 * bias], through two in-range factors so
// that results near overflow and in the subnormal range come out right. A NaN n (from a NaN
// input, whose x is NaN too) scales by 1: converting NaN to an integer is undefined, and its
// biased exponent would be negative, which must not be shifted.
template <typename T>
inline T scale_by_exp2(T x, T n) {
  using Int = typename Bits<T>::Int;
  using UInt = std::make_unsigned_t<Int>;
  n = n == n ? n : T(0);
  const T half = round_int(n * T(0.5) - T(0.25));  // floor(n / 2) for integral n
  // Through int32: AVX2 has no double <-> int64 conversion, and |n| fits easily.
  const Int a_bits = static_cast<Int>(static_cast<int32_t>(half)) + Bits<T>::kBias;
  const Int b_bits = static_cast<Int>(static_cast<int32_t>(n - half)) + Bits<T>::kBias;
  return (x * from_bits<T>(static_cast<Int>(static_cast<UInt>(a_bits) << Bits<T>::kMantissa))) *
         from_bits<T>(static_cast<Int>(static_cast<UInt>(b_bits) << Bits<T>::kMantissa));
}

// exp(x) = 2^n * e^r with n = round(x / ln2), |r| <= ln2 / 2, e^r by its Taylor polynomial.
template <typename T>
inline T exp(T x) {
  constexpr bool f32 = std::is_same_v<T, float>;
  const T hi = f32 ? T(89.0) : T(710.0);
  const T lo = f32 ? T(-104.0) : T(-746.0);
  T v = x > hi ? hi : x;  // NaN passes both clamps
  v = v < lo ? lo : v;
  const T n = round_int(v * T(1.4426950408889634));
  // Cody-Waite: ln2 split so that n * ln2_hi is exact.
  const T ln2_hi = f32 ? T(0.693145751953125) : T(0.6931471803691238);
  const T ln2_lo = f32 ? T(1.428606765330187e-06) : T(1.9082149292705877e-10);
  const T r = (v - n * ln2_hi) - n * ln2_lo;
  T p;
  if constexpr (f32) {
    p = T(1.0 / 5040);
    p = p * r + T(1.0 / 720);
    p = p * r + T(1.0 / 120);
    p = p * r + T(1.0 / 24);
    p = p * r + T(1.0 / 6);
    p = p * r + T(0.5);
    p = p * r + T(1.0);
    p = p * r + T(1.0);
  } else {
    p = T(1.0 / 6227020800.0);
    p = p * r + T(1.0 / 479001600.0);
    p = p * r + T(1.0 / 39916800.0);
    p = p * r + T(1.0 / 3628800.0);
    p = p * r + T(1.0 / 362880.0);
    p = p * r + T(1.0 / 40320.0);
    p = p * r + T(1.0 / 5040.0);
    p = p * r + T(1.0 / 720.0);
    p = p * r + T(1.0 / 120.0);
    p = p * r + T(1.0 / 24.0);
    p = p * r + T(1.0 / 6.0);
    p = p * r + T(0.5);
    p = p * r + T(1.0);
    p = p * r + T(1.0);
  }
  const T result = scale_by_exp2(p, n);
  return x > hi ? std::numeric_limits<T>::infinity() : result;
}

// log(x) = e ln2 + log(m), m in [sqrt(1/2), sqrt(2)), log(m) = 2 atanh(s), s = (m-1)/(m+1).
template <typename T>
inline T log(T x) {
  using Int = typename Bits<T>::Int;
  constexpr bool f32 = std::is_same_v<T, float>;
  constexpr int mant = Bits<T>::kMantissa;
  const T min_normal = std::numeric_limits<T>::min();
  const bool subnormal = x < min_normal;
  const T scaled = subnormal ? x * T(f32 ? 16777216.0 : 18014398509481984.0) : x;  // 2^24, 2^54
  const Int bits = to_bits(scaled);
  Int e = ((bits >> mant) & ((Int(1) << (f32 ? 8 : 11)) - 1)) - Bits<T>::kBias;
  T m = from_bits<T>((bits & ((Int(1) << mant) - 1)) | (Int(Bits<T>::kBias) << mant));
  const bool big = m > T(1.4142135623730951);
  m = big ? m * T(0.5) : m;
  e = big ? e + 1 : e;
  const T ef = static_cast<T>(static_cast<int32_t>(e)) - (subnormal ? T(f32 ? 24 : 54) : T(0));
  const T s = (m - T(1)) / (m + T(1));
  const T s2 = s * s;
  T p;
  if constexpr (f32) {
    p = T(2.0 / 9);
    p = p * s2 + T(2.0 / 7);
    p = p * s2 + T(2.0 / 5);
    p = p * s2 + T(2.0 / 3);
    p = p * s2 + T(2.0);
  } else {
    p = T(2.0 / 21);
    p = p * s2 + T(2.0 / 19);
    p = p * s2 + T(2.0 / 17);
    p = p * s2 + T(2.0 / 15);
    p = p * s2 + T(2.0 / 13);
    p = p * s2 + T(2.0 / 11);
    p = p * s2 + T(2.0 / 9);
    p = p * s2 + T(2.0 / 7);
    p = p * s2 + T(2.0 / 5);
    p = p * s2 + T(2.0 / 3);
    p = p * s2 + T(2.0);
  }
  const T ln2_hi = f32 ? T(0.693145751953125) : T(0.6931471803691238);
  const T ln2_lo = f32 ? T(1.428606765330187e-06) : T(1.9082149292705877e-10);
  T result = (ef * ln2_hi + s * p) + ef * ln2_lo;
  const T inf = std::numeric_limits<T>::infinity();
  result = x == inf ? inf : result;
  result = x == T(0) ? -inf : result;
  result = x < T(0) ? std::numeric_limits<T>::quiet_NaN() : result;
  return x != x ? x : result;
}

// a * b + c, fused where the variant has FMA. Written out rather than left to the compiler's
// contraction, which GCC does only from -O2: the float tanh's error bound must not depend on
// the optimisation level (the sanitizer builds use -O1).
inline float mul_add(float a, float b, float c) {
#ifdef __FMA__
  return __builtin_fmaf(a, b, c);
#else
  return a * b + c;
#endif
}

// tanh. float: x P(x^2) / Q(x^2), P and Q of degree 4 fitted on [0, 9.1] (beyond 9.01 tanh
// rounds to 1) by iteratively reweighted least squares towards the minimax relative error,
// each coefficient rounded to float and the others refitted: the approximation itself is
// within 0.9 ulp, the float evaluation's roundings make the rest. x is clamped to +-9.5,
// where the function exceeds 1 with and without FMA, and the result to +-1. P(0) = Q(0) = 1,
// so tiny and subnormal x come back exactly. One division and no exp: twice as fast as the
// exp-based form. double: its odd Taylor polynomial for
// |x| < 0.3, (1 - e^-2|x|) / (1 + e^-2|x|) elsewhere.
template <typename T>
inline T tanh(T x) {
  if constexpr (std::is_same_v<T, float>) {
    const float c = 9.5f;
    float v = x > c ? c : x;  // NaN passes both clamps
    v = v < -c ? -c : v;
    const float t = v * v;
    float p = 1.324482835e-08f;
    p = mul_add(p, t, 2.053573917e-05f);
    p = mul_add(p, t, 3.491399577e-03f);
    p = mul_add(p, t, 1.337759346e-01f);
    p = mul_add(p, t, 1.0f);
    float q = 7.733336815e-07f;
    q = mul_add(q, t, 3.278593358e-04f);
    q = mul_add(q, t, 2.586133778e-02f);
    q = mul_add(q, t, 4.671091437e-01f);
    q = mul_add(q, t, 1.0f);
    float r = (v * p) / q;
    r = r > 1.0f ? 1.0f : r;  // never beyond +-1
    return r < -1.0f ? -1.0f : r;
  } else {
    const T ax = x < T(0) ? -x : x;
    const T x2 = x * x;
    // Coefficients 2^2n (2^2n - 1) B_2n / (2n)! of x^(2n-1).
    T p = T(-3.927832388331683e-05);
    p = p * x2 + T(9.691537956929451e-05);
    p = p * x2 + T(-0.00023912911424355248);
    p = p * x2 + T(0.000590027440945586);
    p = p * x2 + T(-0.0014558343870513183);
    p = p * x2 + T(0.003592128036572481);
    p = p * x2 + T(-0.008863235529902197);
    p = p * x2 + T(0.021869488536155203);
    p = p * x2 + T(-0.05396825396825397);
    p = p * x2 + T(0.13333333333333333);
    p = p * x2 + T(-0.3333333333333333);
    p = p * x2 + T(1.0);
    const T small = x * p;
    const T e = vmath::exp(T(-2) * ax);
    const T large = (T(1) - e) / (T(1) + e);
    return ax < T(0.3) ? small : (x < T(0) ? -large : large);
  }
}

// 1 / (1 + e^-x), through the same exp.
template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + vmath::exp(-x));
}

}  // namespace varflow::kernels::vmath
