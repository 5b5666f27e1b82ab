// Cumulative sums and products along one axis (TF1's Cumsum and Cumprod), for a tensor taken
// as [outer, len, inner] with the scanned axis in the middle. Each output line (one (outer,
// inner) position) accumulates in axis order, so the results are the bits of the one-at-a-time
// loop; the inner positions of a step are one contiguous pass, which vectorises. Integers wrap
// on overflow (kernels/wrapping.h).
#pragma once

#include <cstdint>

namespace varflow::kernels {

struct ScanGeometry {
  int64_t outer = 1, len = 0, inner = 1;
  bool exclusive = false;  // out[k] combines in[0..k-1] (the identity first), not in[0..k]
  bool reverse = false;    // from the end of the axis towards its start
};

// T is float, double, int32_t or int64_t; `out` does not alias `in`.
template <typename T>
void cumulative_sum(const ScanGeometry& g, const T* in, T* out);
template <typename T>
void cumulative_product(const ScanGeometry& g, const T* in, T* out);

}  // namespace varflow::kernels
