// The exponential-moving-average step, shadow -= a * (shadow - value) with a = 1 - decay, over
// one range of a shadow variable. Compiled once per SIMD variant (moving_average_simd.cc, with
// -ffp-contract=off: every variant rounds the product before the subtraction, as the baseline
// does, so the shadows are the same bits on every machine).
#pragma once

#include <cstdint>

#include "kernels/isa.h"

namespace varflow::kernels {

struct MovingAverageTable {
  void (*f32)(float* shadow, const float* value, int64_t n, float a) = nullptr;
  void (*f64)(double* shadow, const double* value, int64_t n, double a) = nullptr;
};

namespace baseline {
const MovingAverageTable& moving_average_table();
}
namespace avx2 {
const MovingAverageTable& moving_average_table();
}
namespace avx512 {
const MovingAverageTable& moving_average_table();
}
// The table of a compiled variant (nullptr if not compiled), and of the selected one.
const MovingAverageTable* moving_average_table(Isa isa);
const MovingAverageTable& moving_average_table();

// shadow[i] -= a * (shadow[i] - value[i]) for i < n, in the selected variant.
inline void moving_average_step(float* shadow, const float* value, int64_t n, float a) {
  moving_average_table().f32(shadow, value, n, a);
}
inline void moving_average_step(double* shadow, const double* value, int64_t n, double a) {
  moving_average_table().f64(shadow, value, n, a);
}

}  // namespace varflow::kernels
