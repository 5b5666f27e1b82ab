// The moving-average step of kernels/moving_average.h, compiled once per SIMD variant.
#include <cstdint>

#include "kernels/moving_average.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

template <typename T>
void step(T* __restrict shadow, const T* __restrict value, int64_t n, T a) {
  for (int64_t i = 0; i < n; ++i) shadow[i] -= a * (shadow[i] - value[i]);
}

}  // namespace

const MovingAverageTable& moving_average_table() {
  static const MovingAverageTable table{&step<float>, &step<double>};
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
