#include "kernels/pool.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/pool_loops.h"

namespace varflow::kernels {

namespace {

constexpr int64_t kOpsPerTask = 1 << 16;

int64_t grain(int64_t ops_per_item) {
  return std::max<int64_t>(1, kOpsPerTask / std::max<int64_t>(1, ops_per_item));
}

// The window of output pixel (oh, ow) clipped to the image: rows [h0, h1), columns [w0, w1).
struct Clip {
  int64_t h0, h1, w0, w1;
};
Clip clip(const Window2D& g, int64_t oh, int64_t ow) {
  const int64_t hs = oh * g.stride_h - g.pad_top, ws = ow * g.stride_w - g.pad_left;
  return {std::max<int64_t>(hs, 0), std::min(hs + g.k_h, g.in_h), std::max<int64_t>(ws, 0),
          std::min(ws + g.k_w, g.in_w)};
}

template <typename T>
T lowest() {
  return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity()
                                              : std::numeric_limits<T>::lowest();
}

// For output pixel r of the batch: max values into `best` and their in-image positions into
// `where` (in_c each).
template <typename T>
void window_max(const Window2D& g, const T* in, int64_t r, T* best, int64_t* where) {
  const int64_t pixels = g.out_pixels();
  const int64_t n = r / pixels, oh = (r % pixels) / g.out_w, ow = r % g.out_w;
  const T* image = in + n * g.in_image();
  const Clip w = clip(g, oh, ow);
  if (w.h0 >= w.h1 || w.w0 >= w.w1) {  // a window entirely in the padding
    std::fill(best, best + g.in_c, lowest<T>());
    std::fill(where, where + g.in_c, int64_t{-1});
    return;
  }
  // Start from the window's first element; later ones replace it only when strictly larger
  // (the first maximum wins). Selects rather than branches, so the channel loop vectorises.
  const int64_t first = (w.h0 * g.in_w + w.w0) * g.in_c;
  for (int64_t c = 0; c < g.in_c; ++c) {
    best[c] = image[first + c];
    where[c] = first + c;
  }
  for (int64_t h = w.h0; h < w.h1; ++h)
    for (int64_t x = w.w0; x < w.w1; ++x) {
      const int64_t base = (h * g.in_w + x) * g.in_c;
      const T* v = image + base;
      for (int64_t c = 0; c < g.in_c; ++c) {
        const bool larger = v[c] > best[c];
        best[c] = larger ? v[c] : best[c];
        where[c] = larger ? base + c : where[c];
      }
    }
}

template <typename T>
T* scratch(int64_t n) {
  thread_local std::vector<T> buffer;
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<size_t>(n));
  return buffer.data();
}

template <typename T>
const MaxPoolLoops<T>& loops_of() {
  const PoolTable& table = pool_table();
  if constexpr (std::is_same_v<T, float>) return table.f32;
  if constexpr (std::is_same_v<T, double>) return table.f64;
  if constexpr (std::is_same_v<T, int32_t>) return table.i32;
  if constexpr (std::is_same_v<T, int64_t>) return table.i64;
}

}  // namespace

const PoolTable* pool_table(Isa isa) {
  switch (isa) {
    case Isa::kBaseline:
      return &baseline::pool_table();
#ifdef VARFLOW_HAVE_AVX2
    case Isa::kAvx2:
      return &avx2::pool_table();
#endif
#ifdef VARFLOW_HAVE_AVX512
    case Isa::kAvx512:
      return &avx512::pool_table();
#endif
    default:
      return nullptr;
  }
}

const PoolTable& pool_table() {
  static const PoolTable& table = select_table<PoolTable>(&pool_table);
  return table;
}

template <typename T>
void max_pool(const Window2D& g, const T* in, T* out) {
  const MaxPoolLoops<T>& loops = loops_of<T>();
  const int64_t pixels = g.out_pixels();
  auto task = [&](int64_t r0, int64_t r1) {
    const T** taps = scratch<const T*>(g.k_h * g.k_w);
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / pixels, oh = (r % pixels) / g.out_w, ow = r % g.out_w;
      const T* image = in + n * g.in_image();
      const Clip w = clip(g, oh, ow);
      int count = 0;
      for (int64_t h = w.h0; h < w.h1; ++h)
        for (int64_t x = w.w0; x < w.w1; ++x) taps[count++] = image + (h * g.in_w + x) * g.in_c;
      loops.max(taps, count, g.in_c, out + r * g.in_c);
    }
  };
  ThreadPool::global().parallel_for(g.batch * pixels, grain(g.k_h * g.k_w * g.in_c), task, 1);
}

template <typename T>
void max_pool_with_argmax(const Window2D& g, const T* in, T* out, int64_t* argmax,
                          bool include_batch) {
  const int64_t pixels = g.out_pixels();
  auto task = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t* where = argmax + r * g.in_c;
      window_max(g, in, r, out + r * g.in_c, where);
      if (include_batch) {
        const int64_t offset = (r / pixels) * g.in_image();
        for (int64_t c = 0; c < g.in_c; ++c) where[c] += offset;
      }
    }
  };
  ThreadPool::global().parallel_for(g.batch * pixels, grain(g.k_h * g.k_w * g.in_c), task, 1);
}

// Calls fn(h, x, taken) for the window of output pixel r in order; `taken` (in_c flags, zeroed
// here) tells fn which channels' maxima were already found.
template <typename Fn>
void each_tap(const Window2D& g, int64_t r, int32_t* taken, Fn&& fn) {
  const int64_t pixels = g.out_pixels();
  const Clip w = clip(g, (r % pixels) / g.out_w, r % g.out_w);
  std::fill(taken, taken + g.in_c, 0);
  for (int64_t h = w.h0; h < w.h1; ++h)
    for (int64_t x = w.w0; x < w.w1; ++x) fn((h * g.in_w + x) * g.in_c);
}

template <typename T>
void max_pool_grad(const Window2D& g, const T* in, const T* out, const T* out_backprop,
                   T* in_backprop) {
  const MaxPoolLoops<T>& loops = loops_of<T>();
  const int64_t pixels = g.out_pixels();
  // Windows that never overlap (stride >= window, as in the usual 2x2/2 pooling) each write
  // their own elements once, gradient or zero, with no pass to clear the output first, and
  // rows of windows go to different threads. Elements no window covers (a stride past the
  // window, or VALID's leftover rows and columns) are cleared beforehand.
  const bool disjoint = g.stride_h >= g.k_h && g.stride_w >= g.k_w;
  const bool covered = disjoint && g.stride_h == g.k_h && g.stride_w == g.k_w &&
                       g.out_h * g.k_h - g.pad_top >= g.in_h &&
                       g.out_w * g.k_w - g.pad_left >= g.in_w;
  if (!covered)
    std::memset(in_backprop, 0, static_cast<size_t>(g.batch * g.in_image()) * sizeof(T));
  // The taps of output pixel r and where their gradients go.
  auto window = [&](int64_t r, const T** taps, T** d) {
    const int64_t n = r / pixels;
    const Clip w = clip(g, (r % pixels) / g.out_w, r % g.out_w);
    int count = 0;
    for (int64_t h = w.h0; h < w.h1; ++h)
      for (int64_t x = w.w0; x < w.w1; ++x) {
        const int64_t at = n * g.in_image() + (h * g.in_w + x) * g.in_c;
        taps[count] = in + at;
        d[count++] = in_backprop + at;
      }
    return count;
  };
  if (disjoint) {
    auto task = [&](int64_t row0, int64_t row1) {
      const T** taps = scratch<const T*>(g.k_h * g.k_w);
      T** d = scratch<T*>(g.k_h * g.k_w);
      for (int64_t r = row0 * g.out_w; r < row1 * g.out_w; ++r) {
        const int count = window(r, taps, d);
        loops.max_grad(taps, d, count, out + r * g.in_c, out_backprop + r * g.in_c, g.in_c,
                       /*accumulate=*/false);
      }
    };
    ThreadPool::global().parallel_for(g.batch * g.out_h, grain(g.out_w * g.k_h * g.k_w * g.in_c),
                                      task, 1);
    return;
  }
  // Overlapping windows add into shared elements: one image per task, its windows in order.
  auto task = [&](int64_t n0, int64_t n1) {
    const T** taps = scratch<const T*>(g.k_h * g.k_w);
    T** d = scratch<T*>(g.k_h * g.k_w);
    for (int64_t r = n0 * pixels; r < n1 * pixels; ++r) {
      const int count = window(r, taps, d);
      loops.max_grad(taps, d, count, out + r * g.in_c, out_backprop + r * g.in_c, g.in_c,
                     /*accumulate=*/true);
    }
  };
  ThreadPool::global().parallel_for(g.batch, grain(pixels * g.k_h * g.k_w * g.in_c), task, 1);
}

template <typename T>
void max_pool_grad_grad(const Window2D& g, const T* in, const T* out, const T* grad, T* result) {
  const int64_t pixels = g.out_pixels();
  auto task = [&](int64_t r0, int64_t r1) {
    int32_t* taken = scratch<int32_t>(g.in_c);
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t offset = (r / pixels) * g.in_image();
      const T* y = out + r * g.in_c;
      T* o = result + r * g.in_c;
      std::fill(o, o + g.in_c, T(0));
      each_tap(g, r, taken, [&](int64_t base) {
        const T* __restrict v = in + offset + base;
        const T* __restrict gr = grad + offset + base;
        const T* __restrict yv = y;
        T* __restrict ov = o;
        int32_t* __restrict t = taken;
        for (int64_t c = 0; c < g.in_c; ++c) {
          const int32_t hit = static_cast<int32_t>(v[c] == yv[c]) & (t[c] ^ 1);
          ov[c] = hit ? gr[c] : ov[c];
          t[c] |= hit;
        }
      });
    }
  };
  ThreadPool::global().parallel_for(g.batch * pixels, grain(g.k_h * g.k_w * g.in_c), task, 1);
}

template <typename T>
bool max_pool_grad_with_argmax(const Window2D& g, const T* out_backprop, const int64_t* argmax,
                               bool include_batch, T* in_backprop) {
  const int64_t pixels = g.out_pixels(), image = g.in_image();
  std::memset(in_backprop, 0, static_cast<size_t>(g.batch * image) * sizeof(T));
  // Serial: with include_batch an index may point into any image.
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t i = n * pixels * g.in_c; i < (n + 1) * pixels * g.in_c; ++i) {
      const int64_t at = include_batch ? argmax[i] : n * image + argmax[i];
      if (argmax[i] < 0 || at < 0 || at >= g.batch * image ||
          (!include_batch && argmax[i] >= image))
        return false;
      in_backprop[at] += out_backprop[i];
    }
  return true;
}

template <typename T>
bool max_pool_grad_grad_with_argmax(const Window2D& g, const T* grad, const int64_t* argmax,
                                    bool include_batch, T* out) {
  const int64_t pixels = g.out_pixels(), image = g.in_image();
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t i = n * pixels * g.in_c; i < (n + 1) * pixels * g.in_c; ++i) {
      const int64_t at = include_batch ? argmax[i] : n * image + argmax[i];
      if (argmax[i] < 0 || at < 0 || at >= g.batch * image ||
          (!include_batch && argmax[i] >= image))
        return false;
      out[i] = grad[at];
    }
  return true;
}

template <typename T>
void avg_pool(const Window2D& g, const T* in, T* out) {
  const int64_t pixels = g.out_pixels();
  auto task = [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t n = r / pixels, oh = (r % pixels) / g.out_w, ow = r % g.out_w;
      const T* image = in + n * g.in_image();
      const Clip w = clip(g, oh, ow);
      T* o = out + r * g.in_c;
      std::fill(o, o + g.in_c, T(0));
      for (int64_t h = w.h0; h < w.h1; ++h)
        for (int64_t x = w.w0; x < w.w1; ++x) {
          const T* v = image + (h * g.in_w + x) * g.in_c;
          for (int64_t c = 0; c < g.in_c; ++c) o[c] += v[c];
        }
      const int64_t count = (w.h1 - w.h0) * (w.w1 - w.w0);
      const T scale = count > 0 ? T(1) / static_cast<T>(count) : T(0);
      for (int64_t c = 0; c < g.in_c; ++c) o[c] *= scale;
    }
  };
  ThreadPool::global().parallel_for(g.batch * pixels, grain(g.k_h * g.k_w * g.in_c), task, 1);
}

template <typename T>
void avg_pool_grad(const Window2D& g, const T* out_backprop, T* in_backprop) {
  const int64_t pixels = g.out_pixels();
  std::memset(in_backprop, 0, static_cast<size_t>(g.batch * g.in_image()) * sizeof(T));
  auto task = [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; ++n) {
      T* dx = in_backprop + n * g.in_image();
      for (int64_t p = 0; p < pixels; ++p) {
        const Clip w = clip(g, p / g.out_w, p % g.out_w);
        const int64_t count = (w.h1 - w.h0) * (w.w1 - w.w0);
        if (count <= 0) continue;
        const T scale = T(1) / static_cast<T>(count);
        const T* dy = out_backprop + (n * pixels + p) * g.in_c;
        for (int64_t h = w.h0; h < w.h1; ++h)
          for (int64_t x = w.w0; x < w.w1; ++x) {
            T* d = dx + (h * g.in_w + x) * g.in_c;
            for (int64_t c = 0; c < g.in_c; ++c) d[c] += dy[c] * scale;
          }
      }
    }
  };
  ThreadPool::global().parallel_for(g.batch, grain(pixels * g.k_h * g.k_w * g.in_c), task, 1);
}

#define VF_POOL_INSTANTIATE(T)                                                                     \
  template void max_pool<T>(const Window2D&, const T*, T*);                                        \
  template void max_pool_with_argmax<T>(const Window2D&, const T*, T*, int64_t*, bool);            \
  template void max_pool_grad<T>(const Window2D&, const T*, const T*, const T*, T*);               \
  template void max_pool_grad_grad<T>(const Window2D&, const T*, const T*, const T*, T*);          \
  template bool max_pool_grad_with_argmax<T>(const Window2D&, const T*, const int64_t*, bool, T*); \
  template bool max_pool_grad_grad_with_argmax<T>(const Window2D&, const T*, const int64_t*, bool, \
                                                  T*);
VF_POOL_INSTANTIATE(float)
VF_POOL_INSTANTIATE(double)
VF_POOL_INSTANTIATE(int32_t)
VF_POOL_INSTANTIATE(int64_t)
#undef VF_POOL_INSTANTIATE
template void avg_pool<float>(const Window2D&, const float*, float*);
template void avg_pool<double>(const Window2D&, const double*, double*);
template void avg_pool_grad<float>(const Window2D&, const float*, float*);
template void avg_pool_grad<double>(const Window2D&, const double*, double*);

}  // namespace varflow::kernels
