// The tile loop of kernels/add_n.h, compiled once per SIMD variant. Additions only (nothing
// to contract into an FMA), so every variant gives the pairwise order's bits.
#include <algorithm>
#include <cstdint>

#include "kernels/add_n.h"
#include "kernels/wrapping.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

constexpr int64_t kTile = 2048;  // as add_n.cc

// The tile of `out` is written by the first pair and then accumulated into while in L1; two
// inputs are added per pass over it, which halves the tile's loads and stores and keeps the
// order: (acc + x[k]) + x[k + 1].
template <typename T>
void add_n_loop(const T* const* in, int n, T* out, int64_t len) {
  for (int64_t t0 = 0; t0 < len; t0 += kTile) {
    const int64_t m = std::min(kTile, len - t0);
    T* __restrict o = out + t0;
    {
      const T* __restrict a = in[0] + t0;
      const T* __restrict b = in[1] + t0;
      if (n >= 3) {
        const T* __restrict c = in[2] + t0;
        for (int64_t i = 0; i < m; ++i) o[i] = wrap_add(wrap_add(a[i], b[i]), c[i]);
      } else {
        for (int64_t i = 0; i < m; ++i) o[i] = wrap_add(a[i], b[i]);
      }
    }
    int k = n >= 3 ? 3 : 2;
    for (; k + 1 < n; k += 2) {
      const T* __restrict a = in[k] + t0;
      const T* __restrict b = in[k + 1] + t0;
      for (int64_t i = 0; i < m; ++i) o[i] = wrap_add(wrap_add(o[i], a[i]), b[i]);
    }
    if (k < n) {
      const T* __restrict a = in[k] + t0;
      for (int64_t i = 0; i < m; ++i) o[i] = wrap_add(o[i], a[i]);
    }
  }
}

}  // namespace

const AddNTable& add_n_table() {
  static const AddNTable table{&add_n_loop<float>, &add_n_loop<double>, &add_n_loop<int32_t>,
                               &add_n_loop<int64_t>};
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
