#include "kernels/scan.h"

#include <cstdint>

#include "kernels/wrapping.h"

namespace varflow::kernels {

namespace {

template <typename T, bool Product>
void scan(const ScanGeometry& g, const T* in, T* out) {
  const int64_t inner = g.inner;
  const T identity = T(Product ? 1 : 0);
  auto combine = [](T a, T b) { return Product ? wrap_mul(a, b) : wrap_add(a, b); };
  for (int64_t o = 0; o < g.outer; ++o) {
    const T* in_block = in + o * g.len * inner;
    T* out_block = out + o * g.len * inner;
    const T* prev_in = nullptr;
    T* prev_out = nullptr;
    for (int64_t k = 0; k < g.len; ++k) {
      const int64_t j = g.reverse ? g.len - 1 - k : k;
      const T* in_row = in_block + j * inner;
      T* out_row = out_block + j * inner;
      if (g.exclusive) {
        // out[k] = out[k-1] op in[k-1]: the running value before this element.
        if (k == 0)
          for (int64_t i = 0; i < inner; ++i) out_row[i] = identity;
        else
          for (int64_t i = 0; i < inner; ++i) out_row[i] = combine(prev_out[i], prev_in[i]);
      } else {
        // identity op in[0], as a running accumulator starts (0 + -0.0 is +0.0).
        if (k == 0)
          for (int64_t i = 0; i < inner; ++i) out_row[i] = combine(identity, in_row[i]);
        else
          for (int64_t i = 0; i < inner; ++i) out_row[i] = combine(prev_out[i], in_row[i]);
      }
      prev_in = in_row;
      prev_out = out_row;
    }
  }
}

}  // namespace

template <typename T>
void cumulative_sum(const ScanGeometry& g, const T* in, T* out) {
  scan<T, false>(g, in, out);
}

template <typename T>
void cumulative_product(const ScanGeometry& g, const T* in, T* out) {
  scan<T, true>(g, in, out);
}

#define VARFLOW_SCAN_INSTANTIATE(T)                                   \
  template void cumulative_sum<T>(const ScanGeometry&, const T*, T*); \
  template void cumulative_product<T>(const ScanGeometry&, const T*, T*);
VARFLOW_SCAN_INSTANTIATE(float)
VARFLOW_SCAN_INSTANTIATE(double)
VARFLOW_SCAN_INSTANTIATE(int32_t)
VARFLOW_SCAN_INSTANTIATE(int64_t)
#undef VARFLOW_SCAN_INSTANTIATE

}  // namespace varflow::kernels
