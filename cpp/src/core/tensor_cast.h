// Element conversion between any two fixed-size dtypes with TF1's CPU results, defined where
// C++ leaves them undefined. Measured against TensorFlow (tf.compat.v1 Cast on x86) and NumPy:
//   - float to int32/int64 truncates toward zero; NaN and values outside the range become the
//     type's minimum (x86's cvtt* result, which TF1 and NumPy return);
//   - float to int8/int16/uint8/uint16 goes through that int32 conversion and keeps its low
//     bits (300.0 -> int8 44, 1e10 -> 0, -1.0 -> uint8 255), as TF and NumPy do for float32;
//   - float to uint32/uint64: exact in range; negative values wrap through int64 (-1.0 ->
//     2^64 - 1); NaN and values past the range give the int64 conversion's low bits (TF and
//     NumPy disagree with each other there: this rule is one of theirs, not a new one);
//   - integer to integer wraps (keeps the low bits); to bool is "!= 0";
//   - complex to a real type keeps the real part (TF1 drops the imaginary part, also for
//     bool: 1j is false); real to complex has a zero imaginary part;
//   - float16/bfloat16 convert through float (round to nearest even into them).
#pragma once

#include <complex>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "varflow/dtype.h"

namespace varflow::cast_detail {

template <typename T>
struct is_complex_t : std::false_type {};
template <typename T>
struct is_complex_t<std::complex<T>> : std::true_type {};
template <typename T>
inline constexpr bool is_half_v = std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>;

// A real floating value converted to a signed integer type as x86's truncating conversion.
template <typename I, typename F>
I x86_truncate(F v) {
  constexpr F lo = static_cast<F>(std::numeric_limits<I>::min());  // -2^k, exact
  return (v >= lo && v < -lo) ? static_cast<I>(v) : std::numeric_limits<I>::min();
}

template <typename To, typename F>
To float_to_integer(F v) {
  if constexpr (std::is_same_v<To, int32_t> || std::is_same_v<To, int64_t>) {
    return x86_truncate<To>(v);
  } else if constexpr (sizeof(To) < 4) {
    return static_cast<To>(x86_truncate<int32_t>(v));                         // the low bits
  } else {                                                                    // uint32, uint64
    constexpr F top = static_cast<F>(std::numeric_limits<To>::max()) + F(1);  // 2^k, exact
    if (v >= F(0) && v < top) return static_cast<To>(v);
    return static_cast<To>(x86_truncate<int64_t>(v));
  }
}

// `v` as a value every destination can start from: half types become float, complex its real
// part (complex destinations are handled before this).
template <typename From>
auto real_value(From v) {
  if constexpr (is_half_v<From>) {
    return static_cast<float>(v);
  } else if constexpr (is_complex_t<From>::value) {
    return v.real();
  } else {
    return v;
  }
}

template <typename To, typename From>
To convert_one(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (is_complex_t<To>::value) {
    using R = typename To::value_type;
    if constexpr (is_complex_t<From>::value)
      return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
    else
      return To(convert_one<R>(v), R(0));
  } else if constexpr (is_half_v<To>) {
    return To(static_cast<float>(real_value(v)));
  } else {
    const auto r = real_value(v);
    using R = decltype(r);
    if constexpr (std::is_same_v<To, bool>) {
      return r != R(0);
    } else if constexpr (std::is_floating_point_v<R> && std::is_integral_v<To>) {
      return float_to_integer<To>(r);
    } else {
      return static_cast<To>(r);
    }
  }
}

}  // namespace varflow::cast_detail
