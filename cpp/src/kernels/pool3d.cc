#include "kernels/pool3d.h"

#include <algorithm>
#include <vector>

#include "core/thread_pool.h"

namespace varflow::kernels {

namespace {

// The clipped window of one output position along one axis: [begin, end) of the input.
struct Span {
  int64_t begin, end;
};
Span span(int64_t o, int64_t stride, int64_t pad, int64_t k, int64_t in) {
  const int64_t start = o * stride - pad;
  return {std::max<int64_t>(start, 0), std::min(start + k, in)};
}

// Calls visit(o, window, count) for every output pixel o (a pixel index of the output) of image
// n at output depth od: window(fn) runs fn(i) on the input pixel indices of o's clipped window
// in (depth, height, width) order until fn returns false; count is the window's size.
template <typename Visit>
void for_each_output(const Window3D& g, int64_t n, int64_t od, Visit visit) {
  const Window2D& p = g.plane;
  const Span d = span(od, g.stride_d, g.pad_front, g.k_d, g.in_d);
  for (int64_t oh = 0; oh < p.out_h; ++oh) {
    const Span h = span(oh, p.stride_h, p.pad_top, p.k_h, p.in_h);
    for (int64_t ow = 0; ow < p.out_w; ++ow) {
      const Span w = span(ow, p.stride_w, p.pad_left, p.k_w, p.in_w);
      const int64_t out_pixel = ((n * g.out_d + od) * p.out_h + oh) * p.out_w + ow;
      auto window = [&](auto fn) {
        for (int64_t id = d.begin; id < d.end; ++id)
          for (int64_t ih = h.begin; ih < h.end; ++ih)
            for (int64_t iw = w.begin; iw < w.end; ++iw)
              if (!fn(((n * g.in_d + id) * p.in_h + ih) * p.in_w + iw)) return;
      };
      const int64_t count = (d.end - d.begin) * (h.end - h.begin) * (w.end - w.begin);
      visit(out_pixel, window, count);
    }
  }
}

int64_t grain(const Window3D& g) {
  const int64_t work =
      g.plane.out_h * g.plane.out_w * g.plane.in_c * g.k_d * g.plane.k_h * g.plane.k_w;
  return std::max<int64_t>(1, (1 << 16) / std::max<int64_t>(1, work));
}

// Forward passes: output slices (n, od) across the pool.
template <typename Fn>
void over_output_slices(const Window3D& g, Fn fn) {
  ThreadPool::global().parallel_for(
      g.batch * g.out_d, grain(g),
      [&](int64_t s0, int64_t s1) {
        for (int64_t s = s0; s < s1; ++s) fn(s / g.out_d, s % g.out_d);
      },
      1);
}

// Gradients scatter into the input: images across the pool.
template <typename Fn>
void over_images(const Window3D& g, Fn fn) {
  ThreadPool::global().parallel_for(
      g.batch, 1,
      [&](int64_t n0, int64_t n1) {
        for (int64_t n = n0; n < n1; ++n)
          for (int64_t od = 0; od < g.out_d; ++od) fn(n, od);
      },
      1);
}

}  // namespace

template <typename T>
void max_pool3d(const Window3D& g, const T* in, T* out) {
  const int64_t c = g.plane.in_c;
  over_output_slices(g, [&](int64_t n, int64_t od) {
    for_each_output(g, n, od, [&](int64_t o, auto window, int64_t) {
      T* dst = out + o * c;
      bool first = true;
      window([&](int64_t i) {
        const T* src = in + i * c;
        if (first)
          std::copy(src, src + c, dst);
        else
          for (int64_t k = 0; k < c; ++k) dst[k] = src[k] > dst[k] ? src[k] : dst[k];
        first = false;
        return true;
      });
    });
  });
}

template <typename T>
void max_pool3d_grad(const Window3D& g, const T* in, const T* out, const T* out_backprop,
                     T* in_backprop) {
  const int64_t c = g.plane.in_c;
  std::fill(in_backprop, in_backprop + g.batch * g.in_d * g.plane.in_h * g.plane.in_w * c, T(0));
  over_images(g, [&](int64_t n, int64_t od) {
    for_each_output(g, n, od, [&](int64_t o, auto window, int64_t) {
      const T* pooled = out + o * c;
      const T* dy = out_backprop + o * c;
      window([&](int64_t i) {
        const T* src = in + i * c;
        T* dx = in_backprop + i * c;
        for (int64_t k = 0; k < c; ++k)
          if (src[k] == pooled[k]) dx[k] += dy[k];
        return true;
      });
    });
  });
}

template <typename T>
void max_pool3d_grad_grad(const Window3D& g, const T* in, const T* out, const T* grad, T* result) {
  const int64_t c = g.plane.in_c;
  over_output_slices(g, [&](int64_t n, int64_t od) {
    std::vector<char> found(static_cast<size_t>(c));
    for_each_output(g, n, od, [&](int64_t o, auto window, int64_t) {
      const T* pooled = out + o * c;
      T* dst = result + o * c;
      std::fill(dst, dst + c, T(0));
      std::fill(found.begin(), found.end(), 0);
      int64_t remaining = c;
      window([&](int64_t i) {
        const T* src = in + i * c;
        for (int64_t k = 0; k < c; ++k)
          if (!found[static_cast<size_t>(k)] && src[k] == pooled[k]) {
            dst[k] = grad[i * c + k];
            found[static_cast<size_t>(k)] = 1;
            --remaining;
          }
        return remaining > 0;
      });
    });
  });
}

template <typename T>
void avg_pool3d(const Window3D& g, const T* in, T* out) {
  const int64_t c = g.plane.in_c;
  over_output_slices(g, [&](int64_t n, int64_t od) {
    for_each_output(g, n, od, [&](int64_t o, auto window, int64_t count) {
      T* dst = out + o * c;
      std::fill(dst, dst + c, T(0));
      window([&](int64_t i) {
        const T* src = in + i * c;
        for (int64_t k = 0; k < c; ++k) dst[k] += src[k];
        return true;
      });
      const T size = static_cast<T>(count);
      for (int64_t k = 0; k < c; ++k) dst[k] /= size;
    });
  });
}

template <typename T>
void avg_pool3d_grad(const Window3D& g, const T* out_backprop, T* in_backprop) {
  const int64_t c = g.plane.in_c;
  std::fill(in_backprop, in_backprop + g.batch * g.in_d * g.plane.in_h * g.plane.in_w * c, T(0));
  over_images(g, [&](int64_t n, int64_t od) {
    for_each_output(g, n, od, [&](int64_t o, auto window, int64_t count) {
      const T* dy = out_backprop + o * c;
      const T size = static_cast<T>(count);
      window([&](int64_t i) {
        T* dx = in_backprop + i * c;
        for (int64_t k = 0; k < c; ++k) dx[k] += dy[k] / size;
        return true;
      });
    });
  });
}

#define VARFLOW_POOL3D_INSTANTIATE(T)                                                       \
  template void max_pool3d<T>(const Window3D&, const T*, T*);                               \
  template void max_pool3d_grad<T>(const Window3D&, const T*, const T*, const T*, T*);      \
  template void max_pool3d_grad_grad<T>(const Window3D&, const T*, const T*, const T*, T*); \
  template void avg_pool3d<T>(const Window3D&, const T*, T*);                               \
  template void avg_pool3d_grad<T>(const Window3D&, const T*, T*);
VARFLOW_POOL3D_INSTANTIATE(float)
VARFLOW_POOL3D_INSTANTIATE(double)
#undef VARFLOW_POOL3D_INSTANTIATE

}  // namespace varflow::kernels
