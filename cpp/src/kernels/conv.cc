#include "kernels/conv.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/blas.h"
#include "kernels/conv_onednn.h"
#include "kernels/elementwise.h"

namespace varflow::kernels {

namespace {

// Work below this many multiply-adds per task is not worth a hand-over to another thread.
constexpr int64_t kMaddsPerTask = 1 << 20;
// The patch block a task builds before each GEMM: small enough to stay in L2.
constexpr int64_t kScratchBytes = 1 << 20;

// Row-major C[m, n] = op(A) op(B) + beta C.
template <typename T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b,
          int64_t ldb, T beta, T* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  const auto trans_a = ta ? CblasTrans : CblasNoTrans, trans_b = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    VF_CBLAS(sgemm)(CblasRowMajor, trans_a, trans_b, static_cast<int>(m), static_cast<int>(n),
                    static_cast<int>(k), 1.0f, a, static_cast<int>(lda), b, static_cast<int>(ldb),
                    beta, c, static_cast<int>(ldc));
  } else {
    VF_CBLAS(dgemm)(CblasRowMajor, trans_a, trans_b, static_cast<int>(m), static_cast<int>(n),
                    static_cast<int>(k), 1.0, a, static_cast<int>(lda), b, static_cast<int>(ldb),
                    beta, c, static_cast<int>(ldc));
  }
}

template <typename T>
T* scratch(int64_t n) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}

int64_t patch_size(const Window2D& g) { return g.k_h * g.k_w * g.in_c; }

int64_t block_rows(const Window2D& g, size_t elem) {
  return std::max<int64_t>(8, kScratchBytes / std::max<int64_t>(1, patch_size(g) * elem));
}

// Rows [r0, r1) of the patch matrix (row = output pixel of the batch, columns (i, j, c)).
template <typename T>
void im2col(const Window2D& g, const T* in, int64_t r0, int64_t r1, T* col) {
  const int64_t pixels = g.out_pixels(), row_len = g.k_w * g.in_c;
  const size_t channel_bytes = static_cast<size_t>(g.in_c) * sizeof(T);
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t n = r / pixels, oh = (r % pixels) / g.out_w, ow = r % g.out_w;
    const T* image = in + n * g.in_image();
    T* dst = col + (r - r0) * patch_size(g);
    for (int64_t i = 0; i < g.k_h; ++i, dst += row_len) {
      const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dil_h;
      if (ih < 0 || ih >= g.in_h) {
        std::memset(dst, 0, static_cast<size_t>(row_len) * sizeof(T));
        continue;
      }
      for (int64_t j = 0; j < g.k_w; ++j) {
        const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dil_w;
        T* d = dst + j * g.in_c;
        if (iw < 0 || iw >= g.in_w) {
          std::memset(d, 0, channel_bytes);
        } else if (g.in_c < 8) {  // a call to memcpy would cost more than the copy
          const T* s = image + (ih * g.in_w + iw) * g.in_c;
          for (int64_t c = 0; c < g.in_c; ++c) d[c] = s[c];
        } else {
          std::memcpy(d, image + (ih * g.in_w + iw) * g.in_c, channel_bytes);
        }
      }
    }
  }
}

// The adjoint of im2col: adds the patch rows [r0, r1) (all of one image) into that image.
template <typename T>
void col2im_add(const Window2D& g, const T* col, int64_t r0, int64_t r1, T* image_grad) {
  const int64_t pixels = g.out_pixels();
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t oh = (r % pixels) / g.out_w, ow = r % g.out_w;
    const T* src = col + (r - r0) * patch_size(g);
    for (int64_t i = 0; i < g.k_h; ++i) {
      const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dil_h;
      if (ih < 0 || ih >= g.in_h) continue;
      for (int64_t j = 0; j < g.k_w; ++j) {
        const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dil_w;
        if (iw < 0 || iw >= g.in_w) continue;
        T* d = image_grad + (ih * g.in_w + iw) * g.in_c;
        const T* s = src + (i * g.k_w + j) * g.in_c;
        for (int64_t c = 0; c < g.in_c; ++c) d[c] += s[c];
      }
    }
  }
}

int64_t row_grain(int64_t madds_per_row) {
  return std::max<int64_t>(1, kMaddsPerTask / std::max<int64_t>(1, madds_per_row));
}

// Splits [0, n) into at most num_threads contiguous parts of at least `grain` and calls
// fn(part, begin, end): for reductions into one partial result per part.
template <typename Fn>
int split_into_parts(int64_t n, int64_t grain, Fn&& fn) {
  ThreadPool& pool = ThreadPool::global();
  const int parts = static_cast<int>(
      std::max<int64_t>(1, std::min<int64_t>(pool.num_threads(), n / std::max<int64_t>(1, grain))));
  auto run = [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) fn(static_cast<int>(p), n * p / parts, n * (p + 1) / parts);
  };
  if (parts == 1)
    run(0, 1);
  else
    pool.parallel_for(parts, 1, run, 1);
  return parts;
}

}  // namespace

namespace {

template <typename T>
void conv2d_with(const Window2D& g, const T* in, const T* filter, T* out,
                 const ConvEpilogue* epilogue) {
  const int64_t rows = g.batch * g.out_pixels(), k = patch_size(g);
  if (rows == 0 || g.out_c == 0) return;
  if (k == 0) {
    std::memset(out, 0, static_cast<size_t>(rows * g.out_c) * sizeof(T));
    if constexpr (std::is_same_v<T, float>)
      if (epilogue) apply_conv_epilogue(*epilogue, out, rows, g.out_c);
    return;
  }
  if constexpr (std::is_same_v<T, float>)
    if (onednn::conv2d(g, in, filter, out, epilogue)) return;
  const bool direct = g.pointwise();
  const int64_t block = block_rows(g, sizeof(T));
  auto task = [&](int64_t r0, int64_t r1) {
    for (int64_t b = r0; b < r1; b += block) {
      const int64_t e = std::min(r1, b + block);
      const T* col = in + b * k;
      if (!direct) {
        T* buf = scratch<T>((e - b) * k);
        im2col(g, in, b, e, buf);
        col = buf;
      }
      gemm<T>(false, false, e - b, g.out_c, k, col, k, filter, g.out_c, T(0), out + b * g.out_c,
              g.out_c);
      if constexpr (std::is_same_v<T, float>)
        if (epilogue) apply_conv_epilogue(*epilogue, out + b * g.out_c, e - b, g.out_c);
    }
  };
  ThreadPool::global().parallel_for(rows, row_grain(k * g.out_c), task, 1);
}

}  // namespace

void apply_conv_epilogue(const ConvEpilogue& e, float* out, int64_t rows, int64_t channels) {
  const ElementwiseTable& table = elementwise_table();
  const int f32 = static_cast<int>(DType::kFloat32);
  if (e.bias) {
    BinaryLoop add = table.binary[static_cast<int>(BinaryOp::kAdd)][f32];
    for (int64_t r = 0; r < rows; ++r)
      add(out + r * channels, 1, e.bias, 1, out + r * channels, channels);
  }
  if (e.relu) table.unary[static_cast<int>(UnaryOp::kRelu)][f32](out, out, rows * channels);
}

template <typename T>
void conv2d(const Window2D& g, const T* in, const T* filter, T* out) {
  conv2d_with<T>(g, in, filter, out, nullptr);
}

void conv2d(const Window2D& g, const float* in, const float* filter, float* out,
            const ConvEpilogue& epilogue) {
  conv2d_with<float>(g, in, filter, out, &epilogue);
}

template <typename T>
void conv2d_backprop_input(const Window2D& g, const T* filter, const T* out_backprop,
                           T* in_backprop) {
  const int64_t pixels = g.out_pixels(), k = patch_size(g);
  if constexpr (std::is_same_v<T, float>)
    if (onednn::conv2d_backprop_input(g, filter, out_backprop, in_backprop)) return;
  std::memset(in_backprop, 0, static_cast<size_t>(g.batch * g.in_image()) * sizeof(T));
  if (pixels == 0 || k == 0 || g.out_c == 0) return;
  if (g.pointwise()) {  // d in = d out @ filter^T, row by row
    ThreadPool::global().parallel_for(
        g.batch * pixels, row_grain(k * g.out_c),
        [&](int64_t r0, int64_t r1) {
          gemm<T>(false, true, r1 - r0, k, g.out_c, out_backprop + r0 * g.out_c, g.out_c, filter,
                  g.out_c, T(0), in_backprop + r0 * k, k);
        },
        1);
    return;
  }
  const int64_t block = block_rows(g, sizeof(T));
  // Split by image: patches of one image overlap in its gradient, those of two images never do.
  auto task = [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t b = n * pixels; b < (n + 1) * pixels; b += block) {
        const int64_t e = std::min((n + 1) * pixels, b + block);
        T* col = scratch<T>((e - b) * k);
        gemm<T>(false, true, e - b, k, g.out_c, out_backprop + b * g.out_c, g.out_c, filter,
                g.out_c, T(0), col, k);
        col2im_add(g, col, b, e, in_backprop + n * g.in_image());
      }
  };
  ThreadPool::global().parallel_for(g.batch, row_grain(pixels * k * g.out_c), task, 1);
}

template <typename T>
void conv2d_backprop_filter(const Window2D& g, const T* in, const T* out_backprop,
                            T* filter_backprop) {
  const int64_t rows = g.batch * g.out_pixels(), k = patch_size(g), size = k * g.out_c;
  if constexpr (std::is_same_v<T, float>)
    if (onednn::conv2d_backprop_filter(g, in, out_backprop, filter_backprop)) return;
  std::memset(filter_backprop, 0, static_cast<size_t>(size) * sizeof(T));
  if (rows == 0 || size == 0) return;
  const bool direct = g.pointwise();
  const int64_t block = block_rows(g, sizeof(T));
  const int max_parts = ThreadPool::global().num_threads();
  std::vector<T> partials(static_cast<size_t>(size) * static_cast<size_t>(max_parts - 1));
  const int parts = split_into_parts(rows, row_grain(size), [&](int part, int64_t r0, int64_t r1) {
    T* acc = part == 0 ? filter_backprop : partials.data() + (part - 1) * size;
    for (int64_t b = r0; b < r1; b += block) {
      const int64_t e = std::min(r1, b + block);
      const T* col = in + b * k;
      if (!direct) {
        T* buf = scratch<T>((e - b) * k);
        im2col(g, in, b, e, buf);
        col = buf;
      }
      // Partials start zeroed, so every block accumulates (beta = 1).
      gemm<T>(true, false, k, g.out_c, e - b, col, k, out_backprop + b * g.out_c, g.out_c, T(1),
              acc, g.out_c);
    }
  });
  for (int p = 1; p < parts; ++p) {
    const T* src = partials.data() + (p - 1) * size;
    for (int64_t i = 0; i < size; ++i) filter_backprop[i] += src[i];
  }
}

template <typename T>
void depthwise_conv2d(const Window2D& g, const T* in, const T* filter, T* out) {
  const int64_t mult = g.out_c / std::max<int64_t>(1, g.in_c), pixels = g.out_pixels();
  auto task = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / pixels, oh = (r % pixels) / g.out_w, ow = r % g.out_w;
      T* o = out + r * g.out_c;
      std::fill(o, o + g.out_c, T(0));
      for (int64_t i = 0; i < g.k_h; ++i) {
        const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dil_h;
        if (ih < 0 || ih >= g.in_h) continue;
        for (int64_t j = 0; j < g.k_w; ++j) {
          const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dil_w;
          if (iw < 0 || iw >= g.in_w) continue;
          const T* x = in + n * g.in_image() + (ih * g.in_w + iw) * g.in_c;
          const T* f = filter + (i * g.k_w + j) * g.out_c;
          for (int64_t c = 0; c < g.in_c; ++c)
            for (int64_t m = 0; m < mult; ++m) o[c * mult + m] += x[c] * f[c * mult + m];
        }
      }
    }
  };
  ThreadPool::global().parallel_for(g.batch * pixels, row_grain(g.k_h * g.k_w * g.out_c), task, 1);
}

template <typename T>
void depthwise_conv2d_backprop_input(const Window2D& g, const T* filter, const T* out_backprop,
                                     T* in_backprop) {
  const int64_t mult = g.out_c / std::max<int64_t>(1, g.in_c), pixels = g.out_pixels();
  std::memset(in_backprop, 0, static_cast<size_t>(g.batch * g.in_image()) * sizeof(T));
  auto task = [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n)
      for (int64_t p = 0; p < pixels; ++p) {
        const int64_t oh = p / g.out_w, ow = p % g.out_w;
        const T* dy = out_backprop + (n * pixels + p) * g.out_c;
        for (int64_t i = 0; i < g.k_h; ++i) {
          const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dil_h;
          if (ih < 0 || ih >= g.in_h) continue;
          for (int64_t j = 0; j < g.k_w; ++j) {
            const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dil_w;
            if (iw < 0 || iw >= g.in_w) continue;
            T* dx = in_backprop + n * g.in_image() + (ih * g.in_w + iw) * g.in_c;
            const T* f = filter + (i * g.k_w + j) * g.out_c;
            for (int64_t c = 0; c < g.in_c; ++c) {
              T acc = T(0);
              for (int64_t m = 0; m < mult; ++m) acc += dy[c * mult + m] * f[c * mult + m];
              dx[c] += acc;
            }
          }
        }
      }
  };
  ThreadPool::global().parallel_for(g.batch, row_grain(pixels * g.k_h * g.k_w * g.out_c), task, 1);
}

template <typename T>
void depthwise_conv2d_backprop_filter(const Window2D& g, const T* in, const T* out_backprop,
                                      T* filter_backprop) {
  const int64_t mult = g.out_c / std::max<int64_t>(1, g.in_c), pixels = g.out_pixels();
  const int64_t size = g.k_h * g.k_w * g.out_c, rows = g.batch * pixels;
  std::memset(filter_backprop, 0, static_cast<size_t>(size) * sizeof(T));
  const int max_parts = ThreadPool::global().num_threads();
  std::vector<T> partials(static_cast<size_t>(size) * static_cast<size_t>(max_parts - 1), T(0));
  const int parts = split_into_parts(rows, row_grain(size), [&](int part, int64_t r0, int64_t r1) {
    T* acc = part == 0 ? filter_backprop : partials.data() + (part - 1) * size;
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / pixels, oh = (r % pixels) / g.out_w, ow = r % g.out_w;
      const T* dy = out_backprop + r * g.out_c;
      for (int64_t i = 0; i < g.k_h; ++i) {
        const int64_t ih = oh * g.stride_h - g.pad_top + i * g.dil_h;
        if (ih < 0 || ih >= g.in_h) continue;
        for (int64_t j = 0; j < g.k_w; ++j) {
          const int64_t iw = ow * g.stride_w - g.pad_left + j * g.dil_w;
          if (iw < 0 || iw >= g.in_w) continue;
          const T* x = in + n * g.in_image() + (ih * g.in_w + iw) * g.in_c;
          T* f = acc + (i * g.k_w + j) * g.out_c;
          for (int64_t c = 0; c < g.in_c; ++c)
            for (int64_t m = 0; m < mult; ++m) f[c * mult + m] += x[c] * dy[c * mult + m];
        }
      }
    }
  });
  for (int p = 1; p < parts; ++p) {
    const T* src = partials.data() + (p - 1) * size;
    for (int64_t i = 0; i < size; ++i) filter_backprop[i] += src[i];
  }
}

template <typename T>
void nchw_to_nhwc(const T* src, T* dst, int64_t n, int64_t c, int64_t inner) {
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* s = src + (b * c + ch) * inner;
      T* d = dst + b * c * inner + ch;
      for (int64_t i = 0; i < inner; ++i) d[i * c] = s[i];
    }
}

template <typename T>
void nhwc_to_nchw(const T* src, T* dst, int64_t n, int64_t c, int64_t inner) {
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      const T* s = src + b * c * inner + ch;
      T* d = dst + (b * c + ch) * inner;
      for (int64_t i = 0; i < inner; ++i) d[i] = s[i * c];
    }
}

#define VF_CONV_INSTANTIATE(T)                                                               \
  template void conv2d<T>(const Window2D&, const T*, const T*, T*);                          \
  template void conv2d_backprop_input<T>(const Window2D&, const T*, const T*, T*);           \
  template void conv2d_backprop_filter<T>(const Window2D&, const T*, const T*, T*);          \
  template void depthwise_conv2d<T>(const Window2D&, const T*, const T*, T*);                \
  template void depthwise_conv2d_backprop_input<T>(const Window2D&, const T*, const T*, T*); \
  template void depthwise_conv2d_backprop_filter<T>(const Window2D&, const T*, const T*, T*);
VF_CONV_INSTANTIATE(float)
VF_CONV_INSTANTIATE(double)
#undef VF_CONV_INSTANTIATE

#define VF_LAYOUT_INSTANTIATE(T)                                          \
  template void nchw_to_nhwc<T>(const T*, T*, int64_t, int64_t, int64_t); \
  template void nhwc_to_nchw<T>(const T*, T*, int64_t, int64_t, int64_t);
VF_LAYOUT_INSTANTIATE(float)
VF_LAYOUT_INSTANTIATE(double)
VF_LAYOUT_INSTANTIATE(int32_t)
VF_LAYOUT_INSTANTIATE(int64_t)
#undef VF_LAYOUT_INSTANTIATE

}  // namespace varflow::kernels
