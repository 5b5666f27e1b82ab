// Softmax, log-softmax and softmax cross-entropy over the last axis of a rows x cols matrix.
// One build for every SIMD variant: the sums run in order and std::exp is libm's, so the
// results are the same bits on every machine (the TF fixtures check them); vectorising would
// mean reassociating the sums.
#pragma once

#include <cstdint>

namespace varflow::kernels {

// out = softmax(in) (or log-softmax) row by row; in and out may be the same buffer.
template <typename T>
void softmax_rows(const T* in, T* out, int64_t rows, int64_t cols, bool log);

// loss[r] = -sum_j labels[r,j] * log_softmax(logits)[r,j]; backprop = softmax(logits) - labels.
template <typename T>
void softmax_cross_entropy_rows(const T* logits, const T* labels, T* loss, T* backprop,
                                int64_t rows, int64_t cols);

// The same with one class index per row (I = int32_t or int64_t, each in [0, cols): the op
// checks them).
template <typename T, typename I>
void sparse_softmax_cross_entropy_rows(const T* logits, const I* labels, T* loss, T* backprop,
                                       int64_t rows, int64_t cols);

}  // namespace varflow::kernels
