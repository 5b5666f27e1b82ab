// Integer arithmetic that wraps on overflow, as TF1's kernels and NumPy's do. Signed overflow
// is undefined behaviour in C++ (the optimiser may assume it never happens), so the integer
// forms compute in the unsigned type of the same width, which is the same machine instruction
// and the same two's-complement result. For floating-point types each is the plain operator,
// so float kernels compile exactly as before.
#pragma once

#include <type_traits>

namespace varflow::kernels {

template <typename T>
inline constexpr bool kWraps = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <typename T>
inline T wrap_add(T a, T b) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

template <typename T>
inline T wrap_sub(T a, T b) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) - static_cast<U>(b)));
  } else {
    return a - b;
  }
}

template <typename T>
inline T wrap_mul(T a, T b) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

// -INT_MIN is INT_MIN, as in TF1 and NumPy.
template <typename T>
inline T wrap_neg(T a) {
  if constexpr (kWraps<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(U(0) - static_cast<U>(a)));
  } else {
    return -a;
  }
}

}  // namespace varflow::kernels
