// float32 2-D convolutions through oneDNN's convolution primitives (the onednn-cpu-gomp wheel),
// on varflow's own NHWC activations and HWIO filters. Each call returns false, having left its
// output to the caller, when oneDNN is not built in or offers only its reference kernel for the
// geometry; conv.cc then runs its im2col path. Primitives are made once per geometry and kept.
#pragma once

#include "kernels/conv_geometry.h"

namespace varflow::kernels::onednn {

// True when this build links oneDNN (VARFLOW_HAVE_ONEDNN).
bool available();

// `epilogue` (optional) is applied to each part of the batch's output as soon as it is computed.
bool conv2d(const Window2D& g, const float* in, const float* filter, float* out,
            const ConvEpilogue* epilogue = nullptr);
bool conv2d_backprop_input(const Window2D& g, const float* filter, const float* out_backprop,
                           float* in_backprop);
bool conv2d_backprop_filter(const Window2D& g, const float* in, const float* out_backprop,
                            float* filter_backprop);

}  // namespace varflow::kernels::onednn
