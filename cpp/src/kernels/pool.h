// 2-D max and average pooling over NHWC batches, with their gradients. Direct loops vectorised
// over the channel axis (the contiguous one); output pixels are split across the thread pool,
// gradients by image (the windows of one image overlap in its gradient, two images never do).
// A max is the first maximum in window order (rows, then columns), as TF1's CPU kernels pick it.
#pragma once

#include <cstdint>

#include "kernels/conv_geometry.h"

namespace varflow::kernels {

// g.out_c is unused: pooling keeps g.in_c channels.
template <typename T>
void max_pool(const Window2D& g, const T* in, T* out);
// Also the position of each maximum: (y * in_w + x) * in_c + c, plus the image's offset
// n * in_h * in_w * in_c when `include_batch`.
template <typename T>
void max_pool_with_argmax(const Window2D& g, const T* in, T* out, int64_t* argmax,
                          bool include_batch);
// d in: each output's gradient goes to its window's maximum, the first element of the window
// equal to the pooled value `out` (so the loops compare and add contiguous channel vectors
// instead of tracking indices).
template <typename T>
void max_pool_grad(const Window2D& g, const T* in, const T* out, const T* out_backprop,
                   T* in_backprop);
// The gradient of max_pool_grad with respect to its out_backprop: gathers `grad` (input-shaped)
// at every window's maximum.
template <typename T>
void max_pool_grad_grad(const Window2D& g, const T* in, const T* out, const T* grad, T* result);
// Scatters out_backprop to the positions in argmax (MaxPoolGradWithArgmax).
template <typename T>
bool max_pool_grad_with_argmax(const Window2D& g, const T* out_backprop, const int64_t* argmax,
                               bool include_batch, T* in_backprop);
// Gathers grad at argmax (MaxPoolGradGradWithArgmax); false if an index is out of range.
template <typename T>
bool max_pool_grad_grad_with_argmax(const Window2D& g, const T* grad, const int64_t* argmax,
                                    bool include_batch, T* out);
// Average over the window's elements inside the image (padding is not counted), as TF1.
template <typename T>
void avg_pool(const Window2D& g, const T* in, T* out);
template <typename T>
void avg_pool_grad(const Window2D& g, const T* out_backprop, T* in_backprop);

}  // namespace varflow::kernels
