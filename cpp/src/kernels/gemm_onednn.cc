#include "kernels/gemm_onednn.h"

#ifdef VARFLOW_HAVE_ONEDNN

#include "kernels/onednn_runtime.h"
#include "oneapi/dnnl/dnnl.h"

namespace varflow::kernels::onednn {

namespace {
// Below this many multiply-adds OpenBLAS's small-matrix path is faster (measured: 64^3 238
// against 197 GFLOP/s, 32x10x256 204 against 65), above it oneDNN is even or ahead.
constexpr int64_t kMinMultiplyAdds = int64_t{1} << 19;
}  // namespace

bool takes_large_products() { return enabled(); }

bool sgemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const float* a,
           int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc) {
  if (!enabled() || m * n * k < kMinMultiplyAdds) return false;
  single_threaded_here();
  return dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb,
                    0.0f, c, ldc) == dnnl_success;
}

}  // namespace varflow::kernels::onednn

#else

namespace varflow::kernels::onednn {

bool takes_large_products() { return false; }

bool sgemm(bool, bool, int64_t, int64_t, int64_t, const float*, int64_t, const float*, int64_t,
           float*, int64_t) {
  return false;
}

}  // namespace varflow::kernels::onednn

#endif
