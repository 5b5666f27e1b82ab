// The regularized incomplete beta function I_x(a, b) over tensors (TF1's Betainc): each of
// a, b and x is a scalar or has out's shape. float32 or float64, computed in double
// (special_functions.h) and rounded. Elements are split across the pool.
#pragma once

#include "core/thread_pool.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

void betainc(const Tensor& a, const Tensor& b, const Tensor& x, Tensor& out, ThreadPool& pool);

}  // namespace varflow::kernels
