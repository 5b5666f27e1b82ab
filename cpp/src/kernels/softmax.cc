#include "kernels/softmax.h"

#include <algorithm>
#include <cmath>

namespace varflow::kernels {

namespace {
// `Log` is a template parameter so each variant's loops are compiled without the test.
template <typename T, bool Log>
void softmax_rows_of(const T* in, T* out, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = in + r * cols;
    T* y = out + r * cols;
    T mx = cols > 0 ? x[0] : T(0);
    for (int64_t j = 1; j < cols; ++j) mx = std::max(mx, x[j]);
    T sum = T(0);
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(x[j] - mx);
    if constexpr (Log) {
      const T lse = std::log(sum);
      for (int64_t j = 0; j < cols; ++j) y[j] = x[j] - mx - lse;
    } else {
      for (int64_t j = 0; j < cols; ++j) y[j] = std::exp(x[j] - mx) / sum;
    }
  }
}
}  // namespace

template <typename T>
void softmax_rows(const T* in, T* out, int64_t rows, int64_t cols, bool log) {
  if (log)
    softmax_rows_of<T, true>(in, out, rows, cols);
  else
    softmax_rows_of<T, false>(in, out, rows, cols);
}

template <typename T>
void softmax_cross_entropy_rows(const T* logits, const T* labels, T* loss, T* backprop,
                                int64_t rows, int64_t cols) {
  softmax_rows_of<T, true>(logits, backprop, rows, cols);  // log-softmax into backprop
  for (int64_t r = 0; r < rows; ++r) {
    T l = T(0);
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t i = r * cols + j;
      l -= labels[i] * backprop[i];
      backprop[i] = std::exp(backprop[i]) - labels[i];
    }
    loss[r] = l;
  }
}

template <typename T, typename I>
void sparse_softmax_cross_entropy_rows(const T* logits, const I* labels, T* loss, T* backprop,
                                       int64_t rows, int64_t cols) {
  softmax_rows_of<T, true>(logits, backprop, rows, cols);  // log-softmax into backprop
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t y = static_cast<int64_t>(labels[r]);
    T* row = backprop + r * cols;
    loss[r] = -row[y];
    for (int64_t j = 0; j < cols; ++j) row[j] = std::exp(row[j]);
    row[y] -= T(1);
  }
}

template void softmax_rows<float>(const float*, float*, int64_t, int64_t, bool);
template void softmax_rows<double>(const double*, double*, int64_t, int64_t, bool);
template void softmax_cross_entropy_rows<float>(const float*, const float*, float*, float*, int64_t,
                                                int64_t);
template void softmax_cross_entropy_rows<double>(const double*, const double*, double*, double*,
                                                 int64_t, int64_t);

#define VF_SPARSE_XENT(T, I)                                                                 \
  template void sparse_softmax_cross_entropy_rows<T, I>(const T*, const I*, T*, T*, int64_t, \
                                                        int64_t);
VF_SPARSE_XENT(float, int32_t)
VF_SPARSE_XENT(float, int64_t)
VF_SPARSE_XENT(double, int32_t)
VF_SPARSE_XENT(double, int64_t)
#undef VF_SPARSE_XENT

}  // namespace varflow::kernels
