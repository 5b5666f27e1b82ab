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

// c[rows, n] = a[rows, k] w[k, n] + beta c (row-major, no transposes).
template <typename T>
void gemm(int64_t rows, int64_t n, int64_t k, const T* a, const T* w, T beta, T* c) {
  const int m = static_cast<int>(rows), nn = static_cast<int>(n), kk = static_cast<int>(k);
  if constexpr (std::is_same_v<T, float>)
    VF_CBLAS(sgemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, nn, kk, 1.0f, a, kk, w, nn, beta,
                    c, nn);
  else
    VF_CBLAS(dgemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, nn, kk, 1.0, a, kk, w, nn, beta,
                    c, nn);
}

template <typename T>
std::vector<T>& scratch() {
  thread_local std::vector<T> buffer;
  return buffer;
}

// Rows per task: enough product work (about 2^20 multiply-adds) to be worth a hand-over.
int64_t row_grain(int64_t per_row_work) {
  constexpr int64_t kWorkPerTask = int64_t{1} << 20;
  return std::max<int64_t>(1, kWorkPerTask / std::max<int64_t>(1, per_row_work));
}

}  // namespace

template <typename T>
void lstm_block_cell_forward(const LstmForward<T>& p, ThreadPool& pool, const LstmTable& table) {
  const int64_t n4 = 4 * p.cell;
  if (p.batch == 0 || p.cell == 0) return;
  VF_CHECK(n4 <= INT_MAX && p.input + p.cell <= INT_MAX && p.batch <= INT_MAX,
           ErrorCode::kUnimplemented, "LSTMBlockCell sizes (batch ", p.batch, ", input ", p.input,
           ", cell ", p.cell, ") exceed the BLAS limit of 2147483647 per dimension");
  auto rows_fn = [&](int64_t r0, int64_t r1) {
    std::vector<T>& gates = scratch<T>();
    gates.resize(static_cast<size_t>((r1 - r0) * n4));
    T* g = gates.data();
    T beta = T(0);
    if (p.input > 0) {
      gemm<T>(r1 - r0, n4, p.input, p.x + r0 * p.input, p.w, T(0), g);
      beta = T(1);
    }
    gemm<T>(r1 - r0, n4, p.cell, p.h_prev + r0 * p.cell, p.w + p.input * n4, beta, g);
    if constexpr (std::is_same_v<T, float>)
      table.forward_f32(p, g, r0, r1);
    else
      table.forward_f64(p, g, r0, r1);
  };
  pool.parallel_for(p.batch, row_grain(n4 * (p.input + p.cell)), rows_fn, 4);
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
  if (p.batch > 0 && n > 0) pool.parallel_for(p.batch, row_grain(16 * n), rows_fn, 4);
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
