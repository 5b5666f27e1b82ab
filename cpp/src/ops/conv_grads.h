// The gradients of TF1's convolutions (nn_grad.py), shared by Conv2D, DepthwiseConv2dNative
// and Conv3D: each op's input and filter gradients are its two backprop ops, and each backprop
// op's gradients are the other backprop op and the forward op, all with the forward op's
// attributes.
#pragma once

#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow::ops {

// The op types of one convolution family.
struct ConvNames {
  const char* forward;
  const char* input;   // (input_sizes, filter, out_backprop) -> d input
  const char* filter;  // (input, filter_sizes, out_backprop) -> d filter
};

// The shape of x as an int32 vector: a Const when fully known (so the gradient op's shape is
// static), else a Shape op.
Output shape_vector(Output x);

GradFn conv_forward_grad(ConvNames names);
GradFn conv_backprop_input_grad(ConvNames names);
GradFn conv_backprop_filter_grad(ConvNames names);

}  // namespace varflow::ops
