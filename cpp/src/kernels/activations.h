// Activations outside the elementwise table because they take a parameter (LeakyRelu's alpha)
// or are TF's own formula (Selu), with their gradients. The loops are compiled once per SIMD
// variant (activations_simd.cc); activation() splits large tensors across the pool.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"
#include "kernels/isa.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

// Unary ones read a (b is a again); gradients read (gradients, features or outputs) as in TF.
enum class Activation : int { kLeakyRelu, kLeakyReluGrad, kSelu, kSeluGrad, kCount };
constexpr int kNumActivations = static_cast<int>(Activation::kCount);

// out[i] = f(a[i], b[i]) for i < n, alpha being LeakyRelu's slope.
using ActivationLoop = void (*)(const void* a, const void* b, void* out, int64_t n, double alpha);

struct ActivationTable {
  ActivationLoop f32[kNumActivations] = {};
  ActivationLoop f64[kNumActivations] = {};
};

namespace baseline {
const ActivationTable& activation_table();
}
namespace avx2 {
const ActivationTable& activation_table();
}
namespace avx512 {
const ActivationTable& activation_table();
}
// The table of a compiled variant (nullptr if not compiled), and of the selected one.
const ActivationTable* activation_table(Isa isa);
const ActivationTable& activation_table();

// out = f(a, b); a, b and out are float32 or float64 tensors of one dtype and size (the op
// checks both).
void activation(Activation op, const Tensor& a, const Tensor& b, Tensor& out, double alpha,
                ThreadPool& pool, const ActivationTable& table = activation_table());

}  // namespace varflow::kernels
