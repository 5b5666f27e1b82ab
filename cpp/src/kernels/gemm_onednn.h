// float32 matrix products through oneDNN's sgemm (the onednn-cpu-gomp wheel) where it measured
// faster than OpenBLAS: on an AVX-512 machine, the skinny products of training at small batches
// (1.2-1.7x for 32 rows against 784 or 256 columns, 1.4-1.8x for an output of 10 columns) and
// about even on large squares; for small products (below about a million multiply-adds) its
// per-call cost loses, so those stay on the BLAS.
#pragma once

#include <cstdint>

namespace varflow::kernels::onednn {

// Row-major C[m, n] = op(A) op(B) with the leading dimensions given, run single-threaded on
// the calling thread. False, with C untouched, when oneDNN is not built in or turned off
// (VARFLOW_ONEDNN=0), or the product is too small to be worth its call.
// True when this build has oneDNN and it is not turned off: products of 2^19 multiply-adds or
// more go to it.
bool takes_large_products();

bool sgemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const float* a,
           int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc);

}  // namespace varflow::kernels::onednn
