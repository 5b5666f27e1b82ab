// Sums of squares for norms (GlobalNorm, clip_by_global_norm): summed in double over many
// tensors at once, in fixed blocks of the concatenated element range, so the result does not
// depend on the number of threads. The inner loop is compiled per SIMD variant (norms_simd.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/isa.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

struct NormTable {
  double (*sum_squares_f32)(const float* p, int64_t n) = nullptr;
  double (*sum_squares_f64)(const double* p, int64_t n) = nullptr;
};

namespace baseline {
const NormTable& norm_table();
}
namespace avx2 {
const NormTable& norm_table();
}
namespace avx512 {
const NormTable& norm_table();
}
// The table of a compiled variant (nullptr if not compiled), and of the selected one.
const NormTable* norm_table(Isa isa);
const NormTable& norm_table();

// The sum of squares of every element of `tensors`, all of dtype T (float or double; the
// caller checks). Deterministic: the same for every thread count.
template <typename T>
double sum_of_squares(const std::vector<const Tensor*>& tensors, ThreadPool& pool,
                      const NormTable& table = norm_table());

// The sum of squares of p[0..n) in double, one element after the other (L2Loss's order).
template <typename T>
double sum_of_squares_in_order(const T* p, int64_t n);

}  // namespace varflow::kernels
