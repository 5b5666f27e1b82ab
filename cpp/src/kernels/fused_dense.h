// The dense layer's chain in fewer passes over memory: MatMul + BiasAdd + activation with the
// bias and activation applied to each block of the product right after its GEMM call (while
// in cache), and ReluGrad + the bias gradient (BiasAdd's column sums) in one pass. Each gives
// the bits of the unfused ops: the same BLAS calls as MatMul's kernel, the elementwise
// loops of kernels/elementwise.h, and the bias gradient summed over rows in order from 0 as
// the Sum reduction does. float32 only. Called by the plan's fused steps (cpp/src/exec).
#pragma once

#include "core/thread_pool.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

constexpr int kActNone = 0, kActRelu = 1, kActRelu6 = 2, kActTanh = 3, kActSigmoid = 4;

// out[r, :] = x[r, :] + bias for the rows of x taken as [num_elements / C, C], C = bias's
// length (BiasAdd with channels last); float32 or float64. `out` may be x.
void bias_add_rows(const Tensor& x, const Tensor& bias, Tensor& out, ThreadPool& pool);

// out[o, c, i] = x[o, c, i] + bias[c] for x taken as [outer, C, inner] (BiasAdd with the
// channels before other axes: NCHW); float32 or float64. `out` may be x.
void bias_add_channels(const Tensor& x, const Tensor& bias, int64_t inner, Tensor& out,
                       ThreadPool& pool);

// out = act(op(a, ta) @ op(b, tb) + bias); bias has out's column count, act one of kAct*.
// `out` preallocated [m, n], not aliasing a or b.
void matmul_bias_act(const Tensor& a, bool ta, const Tensor& b, bool tb, const Tensor& bias,
                     int act, Tensor& out, ThreadPool& pool);

// d_pre = ReluGrad(dy, y) (dy where y > 0, else 0) and d_bias = d_pre summed over every axis
// but the last, in one pass; d_pre may be dy (in place).
void relu_grad_bias_add_grad(const Tensor& dy, const Tensor& y, Tensor& d_pre, Tensor& d_bias,
                             ThreadPool& pool);

}  // namespace varflow::kernels
