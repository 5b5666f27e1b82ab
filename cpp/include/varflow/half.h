// The 16-bit floating types: IEEE half (float16) and bfloat16, stored as their bits. Arithmetic
// on them happens in float, as TF's CPU kernels do (Eigen::half converts to float per op).
// Errors: nothing here throws. Thread-safety: Half and BFloat16 are 2-byte values whose
// conversions are pure functions (no shared state): safe in any number of threads; only
// concurrent writes to the same object race, as for any plain value.
#pragma once

#include <cstdint>
#include <cstring>

namespace varflow {

namespace half_detail {
inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}
}  // namespace half_detail

struct Half {
  uint16_t bits = 0;

  Half() = default;
  // Round to nearest, ties to even; overflow becomes infinity, NaN stays a (quiet) NaN.
  explicit Half(float f) : bits(from_float(f)) {}
  explicit operator float() const { return to_float(bits); }

  static uint16_t from_float(float f) {
    const uint32_t u = half_detail::float_bits(f);
    const uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000u);
    const uint32_t abs = u & 0x7fffffffu;
    if (abs >= 0x7f800000u)  // inf or NaN
      return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504
    if (abs < 0x38800000u) {  // below the smallest normal half: a subnormal or zero
      // Adding 0.5 makes the FPU do the rounding: the result's low mantissa bits are the half.
      const float shifted = half_detail::bits_float(abs) + 0.5f;
      return static_cast<uint16_t>(sign | (half_detail::float_bits(shifted) - 0x3f000000u));
    }
    const uint32_t odd = (abs >> 13) & 1u;
    const uint32_t rounded = abs + 0xc8000fffu + odd;  // rebias by -112 << 23, round to even
    return static_cast<uint16_t>(sign | (rounded >> 13));
  }
  static float to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) return half_detail::bits_float(sign | 0x7f800000u | (mant << 13));
    if (exp == 0) {  // subnormal: mant * 2^-24, exact in float
      const float v = static_cast<float>(mant) * 5.9604644775390625e-8f;
      return sign ? -v : v;
    }
    return half_detail::bits_float(sign | ((exp + 112) << 23) | (mant << 13));
  }
};

struct BFloat16 {
  uint16_t bits = 0;

  BFloat16() = default;
  // Round to nearest, ties to even (what TF's bfloat16 cast and ml_dtypes do); NaN stays NaN.
  explicit BFloat16(float f) : bits(from_float(f)) {}
  explicit operator float() const {
    return half_detail::bits_float(static_cast<uint32_t>(bits) << 16);
  }

  static uint16_t from_float(float f) {
    const uint32_t u = half_detail::float_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);
    const uint32_t rounded = u + 0x7fffu + ((u >> 16) & 1u);
    return static_cast<uint16_t>(rounded >> 16);
  }
};

}  // namespace varflow
