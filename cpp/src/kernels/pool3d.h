// 3-D max and average pooling over NDHWC batches (TF1's MaxPool3D, AvgPool3D and their
// gradients). Windows are clipped to the volume (padding is never a candidate and never
// counted); the loops run over the contiguous channel axis; output depth slices of the batch
// split across the thread pool, gradients by image (the windows of two images never overlap).
// The window sizes are the plane's k_h/k_w and the Window3D's k_d; dilations are 1.
#pragma once

#include "kernels/conv3d.h"

namespace varflow::kernels {

template <typename T>
void max_pool3d(const Window3D& g, const T* in, T* out);
// As TF1's CPU kernel: each output's gradient goes to every input of its window equal to the
// pooled value (ties all receive it).
template <typename T>
void max_pool3d_grad(const Window3D& g, const T* in, const T* out, const T* out_backprop,
                     T* in_backprop);
// As TF1's: for each output, `grad` (input-shaped) at the first input of its window, in
// (depth, height, width) order, equal to the pooled value.
template <typename T>
void max_pool3d_grad_grad(const Window3D& g, const T* in, const T* out, const T* grad, T* result);
template <typename T>
void avg_pool3d(const Window3D& g, const T* in, T* out);
template <typename T>
void avg_pool3d_grad(const Window3D& g, const T* out_backprop, T* in_backprop);

}  // namespace varflow::kernels
