// Conv2D's forward kernel with an epilogue on its output, for the plan's fused Conv2D ->
// BiasAdd [-> Relu] step (exec/dense_fusion.h).
#pragma once

#include "kernels/conv_geometry.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

// Runs Conv2D (c's node, with its attributes, checks and errors) and applies `epilogue` to
// its float32 output as each block of it is computed. kInvalidArgument as Conv2D's kernel.
void conv2d_with_epilogue(KernelContext& c, const kernels::ConvEpilogue& epilogue);

}  // namespace varflow::ops
