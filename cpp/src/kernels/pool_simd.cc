// The max pooling channel loops of kernels/pool_loops.h, compiled once per SIMD variant.
// Comparisons, selects and one addition per element: every variant gives the same bits.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/pool_loops.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

// Channels per block: one 64-byte vector of float32 (two of float64), so a block's state fits
// in a few registers in every variant.
constexpr int kBlock = 16;

template <typename T>
constexpr T lowest() {
  return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                              : std::numeric_limits<T>::lowest();
}

// One block of `len` channels starting at c0; inlined with len = kBlock for whole blocks, so
// the inner loops have a constant trip count and vectorise without a remainder.
template <typename T>
__attribute__((always_inline)) inline void max_block(const T* const* taps, int n, int64_t c0,
                                                     int len, T* __restrict out) {
  T acc[kBlock];
  for (int i = 0; i < len; ++i) acc[i] = lowest<T>();
  for (int t = 0; t < n; ++t) {
    const T* __restrict v = taps[t] + c0;
    for (int i = 0; i < len; ++i) acc[i] = std::max(acc[i], v[i]);
  }
  for (int i = 0; i < len; ++i) out[c0 + i] = acc[i];
}

template <typename T>
void max_loop(const T* const* taps, int n, int64_t channels, T* out) {
  int64_t c0 = 0;
  for (; c0 + kBlock <= channels; c0 += kBlock) max_block(taps, n, c0, kBlock, out);
  if (c0 < channels) max_block(taps, n, c0, static_cast<int>(channels - c0), out);
}

template <typename T, bool Accumulate>
__attribute__((always_inline)) inline void grad_block(const T* const* taps, T* const* d, int n,
                                                      const T* __restrict y, const T* __restrict dy,
                                                      int64_t c0, int len) {
  // Integer flags of the element's width: the selects below stay one vector wide.
  using Flag = std::conditional_t<sizeof(T) == 8, int64_t, int32_t>;
  Flag taken[kBlock];
  for (int i = 0; i < len; ++i) taken[i] = 0;
  for (int t = 0; t < n; ++t) {
    const T* __restrict v = taps[t] + c0;
    T* __restrict o = d[t] + c0;
    for (int i = 0; i < len; ++i) {
      const Flag hit = static_cast<Flag>(v[i] == y[c0 + i]) & (taken[i] ^ 1);
      if constexpr (Accumulate) {
        const T sum = o[i] + dy[c0 + i];  // unconditional, so the select needs no branch
        o[i] = hit ? sum : o[i];
      } else {
        const T sum = T(0) + dy[c0 + i];  // the bits of a zeroed gradient plus dy (-0 -> +0)
        o[i] = hit ? sum : T(0);
      }
      taken[i] |= hit;
    }
  }
}

template <typename T, bool Accumulate>
void grad_loop(const T* const* taps, T* const* d, int n, const T* y, const T* dy,
               int64_t channels) {
  int64_t c0 = 0;
  for (; c0 + kBlock <= channels; c0 += kBlock)
    grad_block<T, Accumulate>(taps, d, n, y, dy, c0, kBlock);
  if (c0 < channels)
    grad_block<T, Accumulate>(taps, d, n, y, dy, c0, static_cast<int>(channels - c0));
}

template <typename T>
void max_grad_loop(const T* const* taps, T* const* d, int n, const T* y, const T* dy,
                   int64_t channels, bool accumulate) {
  if (accumulate)
    grad_loop<T, true>(taps, d, n, y, dy, channels);
  else
    grad_loop<T, false>(taps, d, n, y, dy, channels);
}

template <typename T>
MaxPoolLoops<T> loops() {
  MaxPoolLoops<T> l;
  l.max = &max_loop<T>;
  l.max_grad = &max_grad_loop<T>;
  return l;
}

}  // namespace

const PoolTable& pool_table() {
  static const PoolTable table{loops<float>(), loops<double>(), loops<int32_t>(), loops<int64_t>()};
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
