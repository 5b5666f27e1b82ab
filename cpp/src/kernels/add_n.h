// AddN in one pass over memory: each output tile is summed from every input while it sits in
// L1, instead of N - 1 passes of pairwise Add over the whole output. The per-element order is
// the inputs' order, ((x0 + x1) + x2) + ..., the same bits as the pairwise passes. The tile
// loop is compiled once per SIMD variant (add_n_simd.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/isa.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

// out[i] = in[0][i] + in[1][i] + ... + in[n - 1][i] for i < len, summed in that order; n >= 2.
template <typename T>
using AddNLoop = void (*)(const T* const* in, int n, T* out, int64_t len);

struct AddNTable {
  AddNLoop<float> f32 = nullptr;
  AddNLoop<double> f64 = nullptr;
  AddNLoop<int32_t> i32 = nullptr;  // integer sums wrap (kernels/wrapping.h), as TF1's do
  AddNLoop<int64_t> i64 = nullptr;
};

namespace baseline {
const AddNTable& add_n_table();
}
namespace avx2 {
const AddNTable& add_n_table();
}
namespace avx512 {
const AddNTable& add_n_table();
}
// The table of a compiled variant (nullptr if not compiled), and of the selected one.
const AddNTable* add_n_table(Isa isa);
const AddNTable& add_n_table();

// Whether add_n() has a one-pass loop for this dtype (float32/64, int32/64).
bool add_n_supports(DType dtype);

// out = the sum of `inputs` (at least two, each of out's dtype and element count), split
// across `pool` in tile-aligned ranges. `out` may be one of the inputs.
void add_n(const std::vector<const Tensor*>& inputs, Tensor& out, ThreadPool& pool,
           const AddNTable& table = add_n_table());

}  // namespace varflow::kernels
