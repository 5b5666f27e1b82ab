// Matrix products through BLAS (float32/float64) with transpose flags, never a materialised
// transpose; integer products by a plain loop. Batched products loop over the batch.
#pragma once

#include <cstdint>
#include <string>

#include "varflow/tensor.h"

namespace varflow::kernels {

// out[m, n] = op(a) @ op(b) for 2-D a and b; out preallocated.
void matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b, Tensor& out);
// Batched: a [..., m, k], b [..., k, n] with equal batch dims (flattened to `batch`).
void batch_matmul(const Tensor& a, const Tensor& b, bool adj_a, bool adj_b, int64_t batch,
                  Tensor& out);

// A block [r0, r1) x [c0, c1) of a product's output, just computed.
struct BlockFn {
  void (*call)(const void* ctx, int64_t r0, int64_t r1, int64_t c0, int64_t c1) = nullptr;
  const void* ctx = nullptr;
};

// matmul() of float32 tensors with `epilogue` run on each block of `out` right after its BLAS
// call, in the same task, while the block is in cache. The blocks, and so the bits of every
// product, are those of matmul().
void matmul_with_epilogue(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b,
                          Tensor& out, BlockFn epilogue);

std::string blas_description();
void blas_set_num_threads(int n);

}  // namespace varflow::kernels
