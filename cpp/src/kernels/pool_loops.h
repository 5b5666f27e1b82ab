// The channel loops of the max pooling kernels (kernels/pool.h), compiled once per SIMD variant
// (pool_simd.cc). A window's taps are the channel vectors of its in-image pixels, in window
// order (rows, then columns); the loops walk the channels in blocks whose per-channel state
// (running maximum, "maximum already found") stays in registers across the taps.
#pragma once

#include <cstdint>

#include "kernels/isa.h"

namespace varflow::kernels {

template <typename T>
struct MaxPoolLoops {
  // out[c] = the maximum over taps[0..n)[c], starting from the lowest value (-inf for floats),
  // each tap taken as std::max(running, tap) (a NaN tap never replaces the running value).
  void (*max)(const T* const* taps, int n, int64_t channels, T* out) = nullptr;
  // For each channel, the first tap t with taps[t][c] == y[c] gets dy[c]:
  //   accumulate: d[t][c] += dy[c] at that tap, the other taps' d unchanged;
  //   otherwise:  d[t][c] = 0 + dy[c] at that tap, 0 at the others (every d[t][c] written).
  void (*max_grad)(const T* const* taps, T* const* d, int n, const T* y, const T* dy,
                   int64_t channels, bool accumulate) = nullptr;
};

struct PoolTable {
  MaxPoolLoops<float> f32;
  MaxPoolLoops<double> f64;
  MaxPoolLoops<int32_t> i32;
  MaxPoolLoops<int64_t> i64;
};

namespace baseline {
const PoolTable& pool_table();
}
namespace avx2 {
const PoolTable& pool_table();
}
namespace avx512 {
const PoolTable& pool_table();
}
// The table of a compiled variant (nullptr if not compiled), and of the selected one.
const PoolTable* pool_table(Isa isa);
const PoolTable& pool_table();

}  // namespace varflow::kernels
