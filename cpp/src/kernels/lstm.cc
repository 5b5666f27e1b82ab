#include "kernels/lstm.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/blas.h"
#include "varflow/errors.h"

namespace varflow::kernels {

const LstmTable* lstm_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::lstm_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::lstm_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::lstm_table();
#endif
    default:
      return nullptr;
  }
}

const LstmTable& lstm_table() {
  static const LstmTable& table = select_table<LstmTable>(&lstm_table);
  return table;
}

namespace {

// c[rows, cols] = a[rows, k] w[k, cols] + beta c, row-major with leading dimensions.
template <typename T>
void gemm(int64_t rows, int64_t cols, int64_t k, const T* a, int64_t lda, const T* w, int64_t ldw,
          T beta, T* c, int64_t ldc) {
  const int m = static_cast<int>(rows), n = static_cast<int>(cols), kk = static_cast<int>(k);
  if constexpr (std::is_same_v<T, float>)
    VF_CBLAS(sgemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, kk, 1.0f, a,
                    static_cast<int>(lda), w, static_cast<int>(ldw), beta, c,
                    static_cast<int>(ldc));
  else
    VF_CBLAS(dgemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, kk, 1.0, a,
                    static_cast<int>(lda), w, static_cast<int>(ldw), beta, c,
                    static_cast<int>(ldc));
}

template <typename T>
std::vector<T>& scratch() {
  thread_local std::vector<T> buffer;
  return buffer;
}

// Units (or rows) per task: one block per thread, each with enough product work (2^20
// multiply-adds) to be worth a hand-over; thin GEMMs run far below BLAS's speed, so blocks
// are never split finer than that.
int64_t unit_grain(int64_t cell, int64_t per_unit_work, const ThreadPool& pool) {
  constexpr int64_t kWorkPerTask = int64_t{1} << 20;
  const int64_t by_work = kWorkPerTask / std::max<int64_t>(1, per_unit_work);
  const int64_t threads = std::max(1, pool.num_threads());
  return std::max<int64_t>({1, by_work, (cell + threads - 1) / threads});
}

int64_t row_grain(int64_t batch, int64_t per_row_work, const ThreadPool& pool) {
  constexpr int64_t kWorkPerTask = int64_t{1} << 20;
  const int64_t by_work = kWorkPerTask / std::max<int64_t>(1, per_row_work);
  const int64_t threads = std::max(1, pool.num_threads());
  const int64_t per_thread = (batch + threads - 1) / threads;
  return std::max<int64_t>({1, by_work, per_thread});
}

}  // namespace

template <typename T>
void lstm_block_cell_forward(const LstmForward<T>& p, ThreadPool& pool, const LstmTable& table) {
  const int64_t n4 = 4 * p.cell;
  if (p.batch == 0 || p.cell == 0) return;
  VF_CHECK(n4 <= INT_MAX && p.input + p.cell <= INT_MAX && p.batch <= INT_MAX,
           ErrorCode::kUnimplemented, "LSTMBlockCell sizes (batch ", p.batch, ", input ", p.input,
           ", cell ", p.cell, ") exceed the BLAS limit of 2147483647 per dimension");
  // [x, h_prev] is copied into one matrix (cheap beside the product) so that each gate block
  // is one GEMM over the whole depth, as TF's kernel does. Tasks split the units, not the
  // batch rows: each multiplies every row by its own columns of the four gates, so BLAS packs
  // each part of w once and the products keep the batch's full height.
  const int64_t depth = p.input + p.cell;
  std::vector<T>& buffer = scratch<T>();
  buffer.resize(static_cast<size_t>(p.batch * (n4 + depth)));
  T* g = buffer.data();
  T* xh = g + p.batch * n4;
  for (int64_t r = 0; r < p.batch; ++r) {
    std::memcpy(xh + r * depth, p.x + r * p.input, static_cast<size_t>(p.input) * sizeof(T));
    std::memcpy(xh + r * depth + p.input, p.h_prev + r * p.cell,
                static_cast<size_t>(p.cell) * sizeof(T));
  }
  auto units_fn = [&](int64_t u0, int64_t u1) {
    if (u0 == 0 && u1 == p.cell) {
      gemm<T>(p.batch, n4, depth, xh, depth, p.w, n4, T(0), g, n4);
    } else {
      for (int k = 0; k < 4; ++k) {
        const int64_t col = k * p.cell + u0;
        gemm<T>(p.batch, u1 - u0, depth, xh, depth, p.w + col, n4, T(0), g + col, n4);
      }
    }
    if constexpr (std::is_same_v<T, float>)
      table.forward_f32(p, g, u0, u1);
    else
      table.forward_f64(p, g, u0, u1);
  };
  pool.parallel_for(p.cell, unit_grain(p.cell, 4 * p.batch * depth, pool), units_fn, 16);
}

template <typename T>
void lstm_block_cell_backward(const LstmBackward<T>& p, ThreadPool& pool, const LstmTable& table) {
  const int64_t n = p.cell;
  auto rows_fn = [&](int64_t r0, int64_t r1) {
    if constexpr (std::is_same_v<T, float>)
      table.backward_f32(p, r0, r1);
    else
      table.backward_f64(p, r0, r1);
  };
  if (p.batch > 0 && n > 0)
    pool.parallel_for(p.batch, row_grain(p.batch, 16 * n, pool), rows_fn, 1);
  // Peephole gradients: column sums over the batch (di cs_prev, df cs_prev, do cs).
  std::memset(p.wci_grad, 0, static_cast<size_t>(n) * sizeof(T));
  std::memset(p.wcf_grad, 0, static_cast<size_t>(n) * sizeof(T));
  std::memset(p.wco_grad, 0, static_cast<size_t>(n) * sizeof(T));
  if (!p.peephole) return;
  for (int64_t r = 0; r < p.batch; ++r) {
    const T* d = p.dicfo + r * 4 * n;
    const T* cs_prev = p.cs_prev + r * n;
    const T* cs = p.cs + r * n;
    for (int64_t j = 0; j < n; ++j) {
      p.wci_grad[j] += d[j] * cs_prev[j];
      p.wcf_grad[j] += d[2 * n + j] * cs_prev[j];
      p.wco_grad[j] += d[3 * n + j] * cs[j];
    }
  }
}

template void lstm_block_cell_forward<float>(const LstmForward<float>&, ThreadPool&,
                                             const LstmTable&);
template void lstm_block_cell_forward<double>(const LstmForward<double>&, ThreadPool&,
                                              const LstmTable&);
template void lstm_block_cell_backward<float>(const LstmBackward<float>&, ThreadPool&,
                                              const LstmTable&);
template void lstm_block_cell_backward<double>(const LstmBackward<double>&, ThreadPool&,
                                               const LstmTable&);

}  // namespace varflow::kernels
