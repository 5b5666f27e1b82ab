// Elementwise ops on the dtypes the SIMD tables (elementwise.h) do not cover, so that
// binary()/unary() take every dtype TF1's CPU kernels take for them:
//   - float16 and bfloat16: every op the float32 table has, computed in float32 and rounded
//     back (TF's CPU kernels for Eigen::half/bfloat16 compute in float per element);
//   - int8, int16, uint8, uint16, uint32: every op the int64 table has, computed exactly in
//     int64 and wrapped back (the low bits of a ring operation are the narrow result);
//   - uint64, complex64/128 and string: Equal and NotEqual (string also Add: concatenation).
#pragma once

#include "kernels/elementwise.h"

namespace varflow::kernels {

bool extended_binary_supports(BinaryOp op, DType dtype);
bool extended_unary_supports(UnaryOp op, DType dtype);
// As binary()/unary(), for a dtype the extended_*_supports accept (unchecked otherwise).
void extended_binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out, ThreadPool& pool,
                     const ElementwiseTable& table);
void extended_unary(UnaryOp op, const Tensor& a, Tensor& out, ThreadPool& pool,
                    const ElementwiseTable& table);

}  // namespace varflow::kernels
