#include "kernels/matmul.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "core/thread_pool.h"
#include "kernels/blas.h"
#include "kernels/gemm_onednn.h"
#include "kernels/wrapping.h"
#include "varflow/errors.h"

namespace varflow::kernels {

namespace {

// C[m, n] = op(A) op(B) for a block of C's rows [r0, r1) and columns [c0, c1), with the
// leading dimensions of the whole matrices.
template <typename T>
void gemm_block(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
                int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
  const int lda = static_cast<int>(ta ? m : k), ldb = static_cast<int>(tb ? k : n);
  const auto trans_a = ta ? CblasTrans : CblasNoTrans, trans_b = tb ? CblasTrans : CblasNoTrans;
  const T* a_block = ta ? a + r0 : a + r0 * k;
  const T* b_block = tb ? b + c0 * k : b + c0;
  T* c_block = c + r0 * n + c0;
  const int rows = static_cast<int>(r1 - r0), cols = static_cast<int>(c1 - c0);
  if constexpr (std::is_same_v<T, float>) {
    if (onednn::sgemm(ta, tb, rows, cols, k, a_block, lda, b_block, ldb, c_block, n)) return;
    VF_CBLAS(sgemm)(CblasRowMajor, trans_a, trans_b, rows, cols, static_cast<int>(k), 1.0f, a_block,
                    lda, b_block, ldb, 0.0f, c_block, static_cast<int>(n));
  } else {
    VF_CBLAS(dgemm)(CblasRowMajor, trans_a, trans_b, rows, cols, static_cast<int>(k), 1.0, a_block,
                    lda, b_block, ldb, 0.0, c_block, static_cast<int>(n));
  }
}

// BLAS runs single-threaded (set_num_threads): products are split here, across varflow's own
// pool, by rows or columns of C, so one set of threads serves every kernel. A task of 2^19
// multiply-adds (about 4 µs) is the smallest split that measured faster than running inline: the
// 784-256-256-10 MLP step at batch 32 takes 141 µs split so against 202 µs at 2^21.
template <typename T>
void parallel_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c,
                   BlockFn epilogue = {}) {
  constexpr int64_t kFlopsPerTask = 1 << 19;
  ThreadPool& pool = ThreadPool::global();
  int64_t flops = 0;
  if (__builtin_mul_overflow(m * n, k, &flops)) flops = INT64_MAX;  // m * n fits: C exists
  auto block = [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    gemm_block(ta, tb, m, n, k, a, b, c, r0, r1, c0, c1);
    if (epilogue.call) epilogue.call(epilogue.ctx, r0, r1, c0, c1);
  };
  if (flops < 2 * kFlopsPerTask || pool.num_threads() == 1) {
    block(0, m, 0, n);
  } else if (m >= n) {
    pool.parallel_for(
        m, std::max<int64_t>(1, kFlopsPerTask / (n * k)),
        [&](int64_t r0, int64_t r1) { block(r0, r1, 0, n); }, 8);
  } else {
    pool.parallel_for(
        n, std::max<int64_t>(1, kFlopsPerTask / (m * k)),
        [&](int64_t c0, int64_t c1) { block(0, m, c0, c1); }, 16);
  }
}

template <typename T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    std::memset(c, 0, static_cast<size_t>(m * n) * sizeof(T));
    return;
  }
  if constexpr (std::is_floating_point_v<T>) {
    // CBLAS takes int sizes; a larger dimension would be truncated into a wrong product.
    VF_CHECK(m <= INT_MAX && n <= INT_MAX && k <= INT_MAX, ErrorCode::kUnimplemented,
             "MatMul dimensions (", m, ", ", k, ") x (", k, ", ", n,
             ") exceed the BLAS limit of 2147483647 per dimension");
    parallel_gemm(ta, tb, m, n, k, a, b, c);
  } else {  // integer products: TF1 has them, BLAS does not; they wrap as TF1's do
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T acc = 0;
        for (int64_t p = 0; p < k; ++p)
          acc =
              wrap_add(acc, wrap_mul(a[ta ? p * m + i : i * k + p], b[tb ? j * k + p : p * n + j]));
        c[i * n + j] = acc;
      }
  }
}

template <typename Fn>
void visit_matmul_dtype(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::kFloat32:
      return fn(float{});
    case DType::kFloat64:
      return fn(double{});
    case DType::kInt32:
      return fn(int32_t{});
    case DType::kInt64:
      return fn(int64_t{});
    default:
      raise(ErrorCode::kInvalidArgument, "MatMul is not defined for dtype ", dtype_name(dtype));
  }
}

}  // namespace

void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b, Tensor& out) {
  const int64_t m = out.dim(0), n = out.dim(1);
  const int64_t k = transpose_a ? a.dim(0) : a.dim(1);
  visit_matmul_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    gemm<T>(transpose_a, transpose_b, m, n, k, a.data<T>(), b.data<T>(), out.data<T>());
  });
}

void matmul_with_epilogue(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
                          Tensor& out, BlockFn epilogue) {
  VF_CHECK(a.dtype() == DType::kFloat32 && b.dtype() == DType::kFloat32 &&
               out.dtype() == DType::kFloat32,
           ErrorCode::kInvalidArgument, "matmul_with_epilogue is float32 only");
  const int64_t m = out.dim(0), n = out.dim(1);
  const int64_t k = transpose_a ? a.dim(0) : a.dim(1);
  if (m == 0 || n == 0) return;
  float* c = out.data<float>();
  if (k == 0) {  // as gemm(): zeros, then the epilogue over the whole output
    std::memset(c, 0, static_cast<size_t>(m * n) * sizeof(float));
    epilogue.call(epilogue.ctx, 0, m, 0, n);
    return;
  }
  VF_CHECK(m <= INT_MAX && n <= INT_MAX && k <= INT_MAX, ErrorCode::kUnimplemented,
           "MatMul dimensions (", m, ", ", k, ") x (", k, ", ", n,
           ") exceed the BLAS limit of 2147483647 per dimension");
  parallel_gemm<float>(transpose_a, transpose_b, m, n, k, a.data<float>(), b.data<float>(), c,
                       epilogue);
}

void batch_matmul(const Tensor& a, const Tensor& b, bool adj_a, bool adj_b, int64_t batch,
                  Tensor& out) {
  const int r = out.rank();
  const int64_t m = out.dim(r - 2), n = out.dim(r - 1);
  const int64_t k = adj_a ? a.dim(r - 2) : a.dim(r - 1);
  visit_matmul_dtype(a.dtype(), [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < batch; ++i)
      gemm<T>(adj_a, adj_b, m, n, k, a.data<T>() + i * m * k, b.data<T>() + i * k * n,
              out.data<T>() + i * m * n);
  });
}

std::string blas_description() {
#ifdef VARFLOW_BLAS_IS_OPENBLAS
  std::string blas =
      std::string("OpenBLAS (") + VF_CONCAT(VARFLOW_BLAS_PREFIX, openblas_get_config)() + ")";
#else
  std::string blas = "CBLAS (system)";
#endif
  if (onednn::takes_large_products()) blas += "; float32 products >= 2^19 multiply-adds: oneDNN";
  return blas;
}

void blas_set_num_threads(int n) {
#ifdef VARFLOW_BLAS_IS_OPENBLAS
  VF_CONCAT(VARFLOW_BLAS_PREFIX, openblas_set_num_threads)(n);
#else
  (void)n;
#endif
}

namespace {
// OpenBLAS's own threads would spin beside varflow's pool on the same cores.
[[maybe_unused]] const bool blas_single_threaded = [] {
  blas_set_num_threads(1);
  return true;
}();
}  // namespace

}  // namespace varflow::kernels
