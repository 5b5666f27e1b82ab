// Strided copies between a dense tensor and a strided window of another: the kernels behind
// Slice, StridedSlice (and its gradient), Pad, Tile, Concat and Split. Plain loops, O(n), no
// allocation per element; the innermost dimension is copied with memcpy when contiguous.
#pragma once

#include <cstdint>
#include <vector>

#include "varflow/tensor.h"

namespace varflow::kernels {

// For every index k < sizes (rank = big.rank()): dense[k] <-> big[begin + k * strides].
// gather: dense = out (row-major over `sizes`), big = in. scatter: big[...] = dense[k].
void strided_gather(const Tensor& big, const std::vector<int64_t>& begin,
                    const std::vector<int64_t>& strides, const Dims& sizes, void* dense);
void strided_scatter(const void* dense, const std::vector<int64_t>& begin,
                     const std::vector<int64_t>& strides, const Dims& sizes, Tensor& big);

// out = x tiled `multiples` times along each dimension.
void tile(const Tensor& x, const std::vector<int64_t>& multiples, Tensor& out);

// Copies `count` rows of `row_bytes` from src (row stride src_stride) to dst (dst_stride);
// elements of `dtype` (strings are assigned, not memcpy'd).
void copy_rows(const char* src, int64_t src_stride, char* dst, int64_t dst_stride, int64_t count,
               int64_t row_bytes, DType dtype);

}  // namespace varflow::kernels
