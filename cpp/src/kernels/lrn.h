// Local response normalization over the last (channel) axis of NHWC images, TF1's LRN and
// LRNGrad:
//   norm[..., d] = bias + alpha * sum(x[..., d - r : d + r + 1] ** 2)
//   y = x * norm ** -beta
// with the window sums in double precision, as TF1's CPU kernel. Pixel rows are split across
// the global thread pool.
#pragma once

#include <cstdint>

namespace varflow::kernels {

struct LrnParams {
  int64_t radius;
  double bias, alpha, beta;
};

// `rows` pixel rows of `depth` channels each; T is float or double.
template <typename T>
void lrn(const LrnParams& p, int64_t rows, int64_t depth, const T* x, T* y);

// dx_i = g_i N_i^-beta - 2 alpha beta x_i sum_{|j-i|<=r} g_j x_j N_j^(-beta-1), the gradient of
// lrn at `x` for the output gradient `g`.
template <typename T>
void lrn_grad(const LrnParams& p, int64_t rows, int64_t depth, const T* g, const T* x, T* dx);

}  // namespace varflow::kernels
