#include "kernels/lrn.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/thread_pool.h"

namespace varflow::kernels {

namespace {

// Window sums of squares of one pixel row: norm[d] = bias + alpha * sum.
template <typename T>
void norms(const T* x, int64_t depth, const LrnParams& p, double* norm) {
  for (int64_t d = 0; d < depth; ++d) {
    double s = 0;
    for (int64_t k = std::max<int64_t>(0, d - p.radius); k <= std::min(depth - 1, d + p.radius);
         ++k)
      s += static_cast<double>(x[k]) * static_cast<double>(x[k]);
    norm[d] = p.bias + p.alpha * s;
  }
}

// Rows per task: about 16k window terms each.
int64_t grain(const LrnParams& p, int64_t depth) {
  return std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, depth * (2 * p.radius + 1)));
}

}  // namespace

template <typename T>
void lrn(const LrnParams& p, int64_t rows, int64_t depth, const T* x, T* y) {
  ThreadPool::global().parallel_for(
      rows, grain(p, depth),
      [&](int64_t r0, int64_t r1) {
        std::vector<double> norm(static_cast<size_t>(depth));
        for (int64_t r = r0; r < r1; ++r) {
          const T* xr = x + r * depth;
          T* yr = y + r * depth;
          norms(xr, depth, p, norm.data());
          for (int64_t d = 0; d < depth; ++d)
            yr[d] = static_cast<T>(xr[d] * std::pow(norm[d], -p.beta));
        }
      },
      1);
}

template <typename T>
void lrn_grad(const LrnParams& p, int64_t rows, int64_t depth, const T* g, const T* x, T* dx) {
  ThreadPool::global().parallel_for(
      rows, grain(p, depth),
      [&](int64_t r0, int64_t r1) {
        std::vector<double> norm(static_cast<size_t>(depth)), coef(static_cast<size_t>(depth));
        for (int64_t r = r0; r < r1; ++r) {
          const T* xr = x + r * depth;
          const T* gr = g + r * depth;
          T* dxr = dx + r * depth;
          norms(xr, depth, p, norm.data());
          for (int64_t j = 0; j < depth; ++j)
            coef[j] = static_cast<double>(gr[j]) * xr[j] * std::pow(norm[j], -p.beta - 1);
          for (int64_t i = 0; i < depth; ++i) {
            double s = 0;
            for (int64_t j = std::max<int64_t>(0, i - p.radius);
                 j <= std::min(depth - 1, i + p.radius); ++j)
              s += coef[j];
            dxr[i] = static_cast<T>(gr[i] * std::pow(norm[i], -p.beta) -
                                    2 * p.alpha * p.beta * xr[i] * s);
          }
        }
      },
      1);
}

template void lrn<float>(const LrnParams&, int64_t, int64_t, const float*, float*);
template void lrn<double>(const LrnParams&, int64_t, int64_t, const double*, double*);
template void lrn_grad<float>(const LrnParams&, int64_t, int64_t, const float*, const float*,
                              float*);
template void lrn_grad<double>(const LrnParams&, int64_t, int64_t, const double*, const double*,
                               double*);

}  // namespace varflow::kernels
