// Loops over TF1's COO sparse layout (indices int64 [nnz, rank] row-major, values [nnz],
// dense_shape int64 [rank]) shared by the sparse ops. Validation lives in the ops: these
// functions assume indices already checked against the shape.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

namespace varflow::kernels::sparse {

// -1, 0 or 1: row a of `ix` against row b of `iy`, lexicographically over `rank` columns.
inline int compare_rows(const int64_t* ix, int64_t a, const int64_t* iy, int64_t b, int rank) {
  for (int d = 0; d < rank; ++d) {
    const int64_t x = ix[a * rank + d], y = iy[b * rank + d];
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

// "[5,2]": row `i` of `ix` as TF's sparse error messages print an index.
inline std::string row_string(const int64_t* ix, int64_t i, int rank) {
  std::string s = "[";
  for (int d = 0; d < rank; ++d) s += (d ? "," : "") + std::to_string(ix[i * rank + d]);
  return s + "]";
}

// The permutation that sorts the rows of `ix` lexicographically (stable, so repeated indices
// keep their order, as TF's reorder does).
inline std::vector<int64_t> sorting_permutation(const int64_t* ix, int64_t nnz, int rank) {
  std::vector<int64_t> perm(static_cast<size_t>(nnz));
  std::iota(perm.begin(), perm.end(), int64_t{0});
  std::stable_sort(perm.begin(), perm.end(),
                   [&](int64_t a, int64_t b) { return compare_rows(ix, a, ix, b, rank) < 0; });
  return perm;
}

// Row-major strides of `shape` (the last is 1).
inline std::vector<int64_t> strides_of(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) s[d - 1] = s[d] * shape[d];
  return s;
}

// out[m, n] = op(A)[m, k] * op(B)[k, n] for sparse A (nnz entries at `ix`, rows then columns)
// and dense row-major B of shape [b_rows, b_cols]; out must be zeroed and [m, n].
template <typename T>
void sparse_dense_matmul(const int64_t* ix, const T* values, int64_t nnz, const T* b,
                         int64_t b_cols, bool adjoint_a, bool adjoint_b, int64_t k_dim, T* out,
                         int64_t n) {
  for (int64_t e = 0; e < nnz; ++e) {
    const int64_t row = ix[2 * e + (adjoint_a ? 1 : 0)];
    const int64_t k = ix[2 * e + (adjoint_a ? 0 : 1)];
    const T a = values[e];
    T* dst = out + row * n;
    if (!adjoint_b) {
      const T* src = b + k * b_cols;
      for (int64_t j = 0; j < n; ++j) dst[j] += a * src[j];
    } else {
      // op(B)[k, j] = B[j, k]
      for (int64_t j = 0; j < n; ++j) dst[j] += a * b[j * k_dim + k];
    }
  }
}

enum class SegmentMode { kSum, kMean, kSqrtN };

// The divisor a segment of `count` rows is scaled by.
template <typename T>
T segment_scale(SegmentMode mode, int64_t count) {
  if (mode == SegmentMode::kSum || count == 0) return T(1);
  const T c = static_cast<T>(count);
  return mode == SegmentMode::kMean ? c : static_cast<T>(std::sqrt(c));
}

// out[s] = reduce over i with segments[i] == s of data[indices[i]], rows of `inner` elements;
// segments sorted, out zeroed with one row per segment.
template <typename T, typename I, typename S>
void sparse_segment_reduce(const T* data, int64_t inner, const I* indices, const S* segments,
                           int64_t n, SegmentMode mode, T* out) {
  int64_t start = 0;
  while (start < n) {
    int64_t end = start;
    while (end < n && segments[end] == segments[start]) ++end;
    T* dst = out + static_cast<int64_t>(segments[start]) * inner;
    for (int64_t i = start; i < end; ++i) {
      const T* src = data + static_cast<int64_t>(indices[i]) * inner;
      for (int64_t k = 0; k < inner; ++k) dst[k] += src[k];
    }
    const T scale = segment_scale<T>(mode, end - start);
    if (scale != T(1))
      for (int64_t k = 0; k < inner; ++k) dst[k] /= scale;
    start = end;
  }
}

// The gradient of a mean or sqrt-n segment reduction: out[indices[i]] += grad[segments[i]] /
// scale(segment), out zeroed with `rows` rows.
template <typename T, typename I, typename S>
void sparse_segment_grad(const T* grad, int64_t inner, const I* indices, const S* segments,
                         int64_t n, SegmentMode mode, T* out) {
  int64_t start = 0;
  while (start < n) {
    int64_t end = start;
    while (end < n && segments[end] == segments[start]) ++end;
    const T scale = segment_scale<T>(mode, end - start);
    const T* src = grad + static_cast<int64_t>(segments[start]) * inner;
    for (int64_t i = start; i < end; ++i) {
      T* dst = out + static_cast<int64_t>(indices[i]) * inner;
      for (int64_t k = 0; k < inner; ++k) dst[k] += src[k] / scale;
    }
    start = end;
  }
}

}  // namespace varflow::kernels::sparse
