// Dense-layer fusion in the plan: the steps of a dense layer become calls of the fused dense
// kernels (kernels/fused_dense.h), bit for bit the unfused steps' results.
//   forward   MatMul(a, b) -> Add/BiasAdd(., bias) [-> Relu/Relu6/Tanh/Sigmoid]
//             => one GEMM with the bias and the activation applied to each block of the
//                product while it is in cache (matmul_bias_act);
//   conv      Conv2D(x, filter) -> BiasAdd/Add(., bias) [-> Relu], NHWC
//             => the convolution with the bias and the ReLU applied to each part of its output
//                while it is in cache (kernels::ConvEpilogue);
//   backward  ReluGrad(dy, y) -> SumToShape(., Shape(bias))   (the bias gradient of the Add,
//             BiasAdd's "BiasAddGrad"), for a dense layer's [batch, units] or a channels-last
//             convolution's [batch, ..., channels] => one pass (relu_grad_bias_add_grad).
// The products of the backward pass (dA = dY B^T, dB = A^T dY) are MatMul steps with
// transpose flags, which go to BLAS as transposes: nothing is transposed in memory.
// A chain fuses only where its intermediate values are read by nothing else and not fetched,
// all steps are float32 with the static shapes the kernels need, and no step that writes a
// variable or runs a control-flow block sits between the chain's first and last step (the
// fused step runs at one of their positions). VARFLOW_PLAN_OPTIMIZE=0 (or =memory) leaves
// plans unfused.
#pragma once

#include "varflow/plan.h"

namespace varflow {

// Rewrites the plan's top-level steps; runs before elementwise fusion (exec/fusion.h), whose
// chains would otherwise take the Add and the activation.
void fuse_dense(Plan& plan);

// The number of outputs of a step fuse_dense made (1 forward, 2 backward: written from
// first_output on), or 0 for any other step. Such a step's inputs and outputs are not its
// node's: memory planning and elementwise fusion leave it as it is.
int dense_fused_outputs(const PlanStep& step);

}  // namespace varflow
