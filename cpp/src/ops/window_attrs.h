// The attributes of TF1's windowed ops (Conv2D, DepthwiseConv2dNative, MaxPool, AvgPool and
// their gradients), read and checked once for the shape rule and again by the kernel, and the
// window geometry for concrete input dimensions.
#pragma once

#include <array>
#include <string>

#include "kernels/conv_geometry.h"
#include "varflow/attr.h"

namespace varflow::ops {

struct WindowAttrs {
  bool nchw = false;
  kernels::Padding padding = kernels::Padding::kValid;
  int64_t stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
  int64_t k_h = 1, k_w = 1;                                          // pooling only: from ksize
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;  // kExplicit only
};

// What the op reads: dilations (convolutions), ksize (pooling), whether EXPLICIT is a padding.
struct WindowOpKind {
  bool dilations = false;
  bool ksize = false;
  bool explicit_padding = false;
  bool data_format = true;  // MaxPoolWithArgmax has none: always NHWC
};

// Reads `attrs` of op type `op`; returns TF1's message for the first bad value, or "".
std::string parse_window_attrs(const AttrMap& attrs, const std::string& op, WindowOpKind kind,
                               WindowAttrs* out);

// (n, h, w, c) of a rank-4 dimension list in the op's data format.
inline std::array<int64_t, 4> to_nhwc(const WindowAttrs& a, const int64_t* d) {
  return a.nchw ? std::array<int64_t, 4>{d[0], d[2], d[3], d[1]}
                : std::array<int64_t, 4>{d[0], d[1], d[2], d[3]};
}
// The inverse: a dimension list in the op's data format from (n, h, w, c).
inline std::array<int64_t, 4> from_nhwc(const WindowAttrs& a, int64_t n, int64_t h, int64_t w,
                                        int64_t c) {
  return a.nchw ? std::array<int64_t, 4>{n, c, h, w} : std::array<int64_t, 4>{n, h, w, c};
}

// The geometry for input (n, h, w, c) and window k_h x k_w (the filter's, or ksize); "" or the
// error. Unknown (-1) input sizes give unknown output sizes (shape rules).
std::string window_geometry(const WindowAttrs& a, std::array<int64_t, 4> in_nhwc, int64_t k_h,
                            int64_t k_w, kernels::Window2D* g);

}  // namespace varflow::ops
