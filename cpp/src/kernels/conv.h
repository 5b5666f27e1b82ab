// 2-D convolution over NHWC batches with HWIO filters. float32 goes to oneDNN when the build
// links it (kernels/conv_onednn.h); float64, and any geometry oneDNN declines, take im2col + BLAS
// GEMM: the rows of the patch matrix (output pixels) split across varflow's thread pool (BLAS
// itself runs single-threaded), a patch block at a time so the scratch matrix stays in cache. A
// 1x1 stride-1 convolution is a plain GEMM on the input. Depthwise convolution is a direct loop
// (one multiply-add per filter tap and channel: no product to hand to BLAS).
#pragma once

#include <cstdint>

#include "kernels/conv_geometry.h"

namespace varflow::kernels {

// out[batch, out_h, out_w, out_c] = conv(in[batch, in_h, in_w, in_c], filter[k_h, k_w, in_c,
// out_c])
template <typename T>
void conv2d(const Window2D& g, const T* in, const T* filter, T* out);
// The same with `epilogue` applied to the output as it is computed (float32 only).
void conv2d(const Window2D& g, const float* in, const float* filter, float* out,
            const ConvEpilogue& epilogue);
// d in from d out (also the forward pass of conv2d_transpose).
template <typename T>
void conv2d_backprop_input(const Window2D& g, const T* filter, const T* out_backprop,
                           T* in_backprop);
// d filter from d out.
template <typename T>
void conv2d_backprop_filter(const Window2D& g, const T* in, const T* out_backprop,
                            T* filter_backprop);

// Depthwise: filter [k_h, k_w, in_c, multiplier], out_c = in_c * multiplier.
template <typename T>
void depthwise_conv2d(const Window2D& g, const T* in, const T* filter, T* out);
template <typename T>
void depthwise_conv2d_backprop_input(const Window2D& g, const T* filter, const T* out_backprop,
                                     T* in_backprop);
template <typename T>
void depthwise_conv2d_backprop_filter(const Window2D& g, const T* in, const T* out_backprop,
                                      T* filter_backprop);

// Layout changes between NCHW and NHWC (`inner` = H * W).
template <typename T>
void nchw_to_nhwc(const T* src, T* dst, int64_t n, int64_t c, int64_t inner);
template <typename T>
void nhwc_to_nchw(const T* src, T* dst, int64_t n, int64_t c, int64_t inner);

}  // namespace varflow::kernels
