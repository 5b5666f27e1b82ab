#include "kernels/conv3d.h"

#include <algorithm>
#include <vector>

#include "kernels/conv.h"

namespace varflow::kernels {

namespace {

// The input depth slice that filter tap kd of output slice od reads, or -1 in the padding.
int64_t input_slice(const Window3D& g, int64_t od, int64_t kd) {
  const int64_t id = od * g.stride_d - g.pad_front + kd * g.dil_d;
  return id >= 0 && id < g.in_d ? id : -1;
}

template <typename T>
void add_into(T* dst, const T* src, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
}

}  // namespace

template <typename T>
void conv3d(const Window3D& g, const T* in, const T* filter, T* out) {
  const Window2D& p = g.plane;
  const int64_t in_slice = p.in_h * p.in_w * p.in_c, out_slice = p.out_pixels() * p.out_c;
  const int64_t filter_slice = p.k_h * p.k_w * p.in_c * p.out_c;
  std::vector<T> partial(static_cast<size_t>(out_slice));
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t od = 0; od < g.out_d; ++od) {
      T* o = out + (n * g.out_d + od) * out_slice;
      bool first = true;
      for (int64_t kd = 0; kd < g.k_d; ++kd) {
        const int64_t id = input_slice(g, od, kd);
        if (id < 0) continue;
        const T* x = in + (n * g.in_d + id) * in_slice;
        conv2d(p, x, filter + kd * filter_slice, first ? o : partial.data());
        if (!first) add_into(o, partial.data(), out_slice);
        first = false;
      }
      if (first) std::fill(o, o + out_slice, T(0));  // every tap in the padding
    }
}

template <typename T>
void conv3d_backprop_input(const Window3D& g, const T* filter, const T* out_backprop,
                           T* in_backprop) {
  const Window2D& p = g.plane;
  const int64_t in_slice = p.in_h * p.in_w * p.in_c, out_slice = p.out_pixels() * p.out_c;
  const int64_t filter_slice = p.k_h * p.k_w * p.in_c * p.out_c;
  std::fill(in_backprop, in_backprop + g.batch * g.in_d * in_slice, T(0));
  std::vector<T> partial(static_cast<size_t>(in_slice));
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t od = 0; od < g.out_d; ++od)
      for (int64_t kd = 0; kd < g.k_d; ++kd) {
        const int64_t id = input_slice(g, od, kd);
        if (id < 0) continue;
        conv2d_backprop_input(p, filter + kd * filter_slice,
                              out_backprop + (n * g.out_d + od) * out_slice, partial.data());
        add_into(in_backprop + (n * g.in_d + id) * in_slice, partial.data(), in_slice);
      }
}

template <typename T>
void conv3d_backprop_filter(const Window3D& g, const T* in, const T* out_backprop,
                            T* filter_backprop) {
  const Window2D& p = g.plane;
  const int64_t in_slice = p.in_h * p.in_w * p.in_c, out_slice = p.out_pixels() * p.out_c;
  const int64_t filter_slice = p.k_h * p.k_w * p.in_c * p.out_c;
  std::fill(filter_backprop, filter_backprop + g.k_d * filter_slice, T(0));
  std::vector<T> partial(static_cast<size_t>(filter_slice));
  for (int64_t kd = 0; kd < g.k_d; ++kd)
    for (int64_t n = 0; n < g.batch; ++n)
      for (int64_t od = 0; od < g.out_d; ++od) {
        const int64_t id = input_slice(g, od, kd);
        if (id < 0) continue;
        conv2d_backprop_filter(p, in + (n * g.in_d + id) * in_slice,
                               out_backprop + (n * g.out_d + od) * out_slice, partial.data());
        add_into(filter_backprop + kd * filter_slice, partial.data(), filter_slice);
      }
}

#define VARFLOW_CONV3D_INSTANTIATE(T)                                              \
  template void conv3d<T>(const Window3D&, const T*, const T*, T*);                \
  template void conv3d_backprop_input<T>(const Window3D&, const T*, const T*, T*); \
  template void conv3d_backprop_filter<T>(const Window3D&, const T*, const T*, T*);
VARFLOW_CONV3D_INSTANTIATE(float)
VARFLOW_CONV3D_INSTANTIATE(double)
#undef VARFLOW_CONV3D_INSTANTIATE

}  // namespace varflow::kernels
