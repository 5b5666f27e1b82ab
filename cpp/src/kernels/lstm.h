// The fused LSTM cell of TF's LSTMBlockCell, one time step: the gates' product
// [x, h_prev] w through BLAS (one GEMM per gate block over [x, h_prev] copied together),
// then the gate arithmetic over the same block of units while it is in cache; and the
// step's backward pass (TF's LSTMBlockCellGrad: dicfo and the cell-state and peephole
// gradients). The gate arithmetic is compiled once per SIMD variant (lstm_simd.cc).
//
// Layout: w is [input + cell, 4 * cell] with the gates in TF's order i, ci (TF1's j), f, o.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"
#include "kernels/isa.h"

namespace varflow::kernels {

template <typename T>
struct LstmForward {
  int64_t batch = 0, input = 0, cell = 0;
  const T* x = nullptr;                                    // [batch, input]
  const T* cs_prev = nullptr;                              // [batch, cell]
  const T* h_prev = nullptr;                               // [batch, cell]
  const T* w = nullptr;                                    // [input + cell, 4 * cell]
  const T *wci = nullptr, *wcf = nullptr, *wco = nullptr;  // [cell] (read with peephole only)
  const T* b = nullptr;                                    // [4 * cell]
  T forget_bias = 1, cell_clip = -1;                       // cell_clip <= 0: no clipping
  bool peephole = false;
  // Outputs, each [batch, cell].
  T *i = nullptr, *cs = nullptr, *f = nullptr, *o = nullptr, *ci = nullptr, *co = nullptr,
    *h = nullptr;
};

template <typename T>
struct LstmBackward {
  int64_t batch = 0, cell = 0;
  const T* cs_prev = nullptr;
  const T *wci = nullptr, *wcf = nullptr, *wco = nullptr;
  const T *i = nullptr, *cs = nullptr, *f = nullptr, *o = nullptr, *ci = nullptr, *co = nullptr;
  const T *cs_grad = nullptr, *h_grad = nullptr;
  bool peephole = false;
  T* cs_prev_grad = nullptr;                                        // [batch, cell]
  T* dicfo = nullptr;                                               // [batch, 4 * cell]
  T *wci_grad = nullptr, *wcf_grad = nullptr, *wco_grad = nullptr;  // [cell]
};

// The gate arithmetic for units [u0, u1) of every batch row: `gates` holds [x, h_prev] w
// (no bias), [batch, 4 * cell].
using LstmForwardRowsF32 = void (*)(const LstmForward<float>&, const float* gates, int64_t u0,
                                    int64_t u1);
using LstmForwardRowsF64 = void (*)(const LstmForward<double>&, const double* gates, int64_t u0,
                                    int64_t u1);
// dicfo and cs_prev_grad for rows [r0, r1).
using LstmBackwardRowsF32 = void (*)(const LstmBackward<float>&, int64_t r0, int64_t r1);
using LstmBackwardRowsF64 = void (*)(const LstmBackward<double>&, int64_t r0, int64_t r1);

struct LstmTable {
  LstmForwardRowsF32 forward_f32 = nullptr;
  LstmForwardRowsF64 forward_f64 = nullptr;
  LstmBackwardRowsF32 backward_f32 = nullptr;
  LstmBackwardRowsF64 backward_f64 = nullptr;
};

namespace baseline {
const LstmTable& lstm_table();
}
namespace avx2 {
const LstmTable& lstm_table();
}
namespace avx512 {
const LstmTable& lstm_table();
}
const LstmTable* lstm_table(Isa isa);
const LstmTable& lstm_table();

// One step forward / backward, split by batch rows across `pool` when large enough. Sizes
// must already be checked (the op does); BLAS's int limits are checked here.
template <typename T>
void lstm_block_cell_forward(const LstmForward<T>& p, ThreadPool& pool,
                             const LstmTable& table = lstm_table());
template <typename T>
void lstm_block_cell_backward(const LstmBackward<T>& p, ThreadPool& pool,
                              const LstmTable& table = lstm_table());

}  // namespace varflow::kernels
