// 3-D convolution over NDHWC batches with DHWIO filters, as sums of 2-D convolutions: output
// depth slice od of image n is the sum over the filter's depth taps kd of the 2-D convolution
// (kernels/conv.h, oneDNN or im2col + GEMM) of input slice od * stride_d - pad_front +
// kd * dil_d with the filter's slice kd; taps that fall in the depth padding add nothing. The
// gradients are the same sums of the 2-D gradients, so every pass reuses the tested, vectorised
// 2-D kernels and their threading.
#pragma once

#include <cstdint>

#include "kernels/conv_geometry.h"

namespace varflow::kernels {

struct Window3D {
  // The height/width geometry of one depth slice of one image (batch 1).
  Window2D plane;
  int64_t batch = 0, in_d = 0, out_d = 0, k_d = 1, stride_d = 1, dil_d = 1, pad_front = 0;
};

// out[batch, out_d, out_h, out_w, out_c] = conv(in[batch, in_d, in_h, in_w, in_c],
// filter[k_d, k_h, k_w, in_c, out_c]).
template <typename T>
void conv3d(const Window3D& g, const T* in, const T* filter, T* out);
// d in from d out (also the forward pass of conv3d_transpose).
template <typename T>
void conv3d_backprop_input(const Window3D& g, const T* filter, const T* out_backprop,
                           T* in_backprop);
// d filter from d out.
template <typename T>
void conv3d_backprop_filter(const Window3D& g, const T* in, const T* out_backprop,
                            T* filter_backprop);

}  // namespace varflow::kernels
