#include "kernels/strided_copy.h"

#include <algorithm>
#include <cstring>

#include "core/element_copy.h"

namespace varflow::kernels {

namespace {

// Walks the index space `sizes`; calls fn(big_offset_elements, dense_offset_elements, run)
// for each innermost run (run elements; contiguous in big when the inner stride is 1).
template <typename Fn>
void walk(const Dims& big_dims, const std::vector<int64_t>& begin,
          const std::vector<int64_t>& strides, const Dims& sizes, Fn&& fn) {
  const int rank = static_cast<int>(sizes.size());
  if (num_elements(sizes) == 0) return;
  if (rank == 0) {
    fn(int64_t{0}, int64_t{0}, int64_t{1}, int64_t{1});
    return;
  }
  std::vector<int64_t> big_strides(static_cast<size_t>(rank), 1);
  for (int i = rank - 2; i >= 0; --i)
    big_strides[static_cast<size_t>(i)] =
        big_strides[static_cast<size_t>(i) + 1] * big_dims[static_cast<size_t>(i) + 1];
  int64_t base = 0;
  for (int i = 0; i < rank; ++i)
    base += begin[static_cast<size_t>(i)] * big_strides[static_cast<size_t>(i)];
  const size_t last = static_cast<size_t>(rank - 1);
  const int64_t run = sizes[last];
  const int64_t run_stride = strides[last];
  std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
  int64_t offset = base;
  const int64_t rows = num_elements(sizes) / run;
  for (int64_t r = 0; r < rows; ++r) {
    fn(offset, r * run, run, run_stride);
    for (int i = rank - 2; i >= 0; --i) {
      const size_t u = static_cast<size_t>(i);
      const int64_t step = strides[u] * big_strides[u];
      if (++idx[u] < sizes[u]) {
        offset += step;
        break;
      }
      offset -= step * (idx[u] - 1);
      idx[u] = 0;
    }
  }
}

}  // namespace

void strided_gather(const Tensor& big, const std::vector<int64_t>& begin,
                    const std::vector<int64_t>& strides, const Dims& sizes, void* dense) {
  const DType dtype = big.dtype();
  const size_t es = dtype_size(dtype);
  const char* src = static_cast<const char*>(big.raw());
  char* dst = static_cast<char*>(dense);
  walk(big.dims(), begin, strides, sizes, [&](int64_t off, int64_t d, int64_t run, int64_t stride) {
    if (stride == 1) {
      copy_raw(dtype, dst + static_cast<size_t>(d) * es, src + static_cast<size_t>(off) * es,
               static_cast<size_t>(run) * es);
    } else {
      for (int64_t k = 0; k < run; ++k)
        copy_raw(dtype, dst + static_cast<size_t>(d + k) * es,
                 src + static_cast<size_t>(off + k * stride) * es, es);
    }
  });
}

void strided_scatter(const void* dense, const std::vector<int64_t>& begin,
                     const std::vector<int64_t>& strides, const Dims& sizes, Tensor& big) {
  const DType dtype = big.dtype();
  const size_t es = dtype_size(dtype);
  const char* src = static_cast<const char*>(dense);
  char* dst = static_cast<char*>(big.raw());
  walk(big.dims(), begin, strides, sizes, [&](int64_t off, int64_t d, int64_t run, int64_t stride) {
    if (stride == 1) {
      copy_raw(dtype, dst + static_cast<size_t>(off) * es, src + static_cast<size_t>(d) * es,
               static_cast<size_t>(run) * es);
    } else {
      for (int64_t k = 0; k < run; ++k)
        copy_raw(dtype, dst + static_cast<size_t>(off + k * stride) * es,
                 src + static_cast<size_t>(d + k) * es, es);
    }
  });
}

void copy_rows(const char* src, int64_t src_stride, char* dst, int64_t dst_stride, int64_t count,
               int64_t row_bytes, DType dtype) {
  if (row_bytes == 0) return;
  for (int64_t r = 0; r < count; ++r)
    copy_raw(dtype, dst + r * dst_stride, src + r * src_stride, static_cast<size_t>(row_bytes));
}

void tile(const Tensor& x, const std::vector<int64_t>& multiples, Tensor& out) {
  const int rank = x.rank();
  const size_t es = dtype_size(x.dtype());
  if (out.num_elements() == 0) return;
  if (rank == 0) {
    copy_raw(x.dtype(), out.raw(), x.raw(), es);
    return;
  }
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(out.raw());
  const size_t last = static_cast<size_t>(rank - 1);
  const int64_t in_row = x.dims()[last];
  const int64_t reps = multiples[last];
  const size_t row_bytes = static_cast<size_t>(in_row) * es;
  std::vector<int64_t> in_strides(static_cast<size_t>(rank), 1);
  for (int i = rank - 2; i >= 0; --i)
    in_strides[static_cast<size_t>(i)] = in_strides[static_cast<size_t>(i) + 1] * x.dim(i + 1);
  const int64_t out_rows = out.num_elements() / (in_row * reps);
  std::vector<int64_t> idx(last, 0);
  for (int64_t r = 0; r < out_rows; ++r) {
    int64_t off = 0;
    for (size_t i = 0; i < last; ++i) off += (idx[i] % x.dims()[i]) * in_strides[i];
    char* row = dst + static_cast<size_t>(r) * row_bytes * static_cast<size_t>(reps);
    // One copy of the input row, then the filled part doubled: O(log reps) memcpy calls, so
    // a tiny row repeated 2**31 times costs one pass over the output, not 2**31 calls.
    copy_raw(x.dtype(), row, src + static_cast<size_t>(off) * es, row_bytes);
    const size_t total = row_bytes * static_cast<size_t>(reps);
    for (size_t done = row_bytes; done < total;) {
      const size_t n = std::min(done, total - done);
      copy_raw(x.dtype(), row + done, row, n);
      done += n;
    }
    for (size_t i = last; i-- > 0;) {
      if (++idx[i] < out.dims()[i]) break;
      idx[i] = 0;
    }
  }
}

}  // namespace varflow::kernels
