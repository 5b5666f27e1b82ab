// The sum-of-squares loop of kernels/norms.h, compiled once per SIMD variant (VF_ISA_NS).
// Four accumulators, each summing its own elements in order, so a variant may keep them in
// one vector register without reassociating; built with -ffp-contract=off (cpp/CMakeLists.txt)
// so that no variant fuses a square into its sum and every variant gives the same bits.
#include <cstdint>

#include "kernels/norms.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

template <typename T>
double sum_squares(const T* p, int64_t n) {
  double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const double x0 = static_cast<double>(p[i]), x1 = static_cast<double>(p[i + 1]);
    const double x2 = static_cast<double>(p[i + 2]), x3 = static_cast<double>(p[i + 3]);
    a0 += x0 * x0;
    a1 += x1 * x1;
    a2 += x2 * x2;
    a3 += x3 * x3;
  }
  for (; i < n; ++i) {
    const double x = static_cast<double>(p[i]);
    a0 += x * x;
  }
  return (a0 + a1) + (a2 + a3);
}

}  // namespace

const NormTable& norm_table() {
  static const NormTable table{&sum_squares<float>, &sum_squares<double>};
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
