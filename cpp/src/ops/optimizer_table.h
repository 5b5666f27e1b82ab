// The fused step behind each Apply op of the optimizer table (optimizer_specs.h): a function
// from the op's scalar inputs (in the op's order, as double) and attributes to one call of a
// multi-tensor step of kernels/optimizer_steps.h.
#pragma once

#include <cstddef>

#include "kernels/optimizer_steps.h"
#include "varflow/attr.h"
#include "varflow/train/optimizer_specs.h"

namespace varflow::ops {

template <typename T>
using StepFn = void (*)(const double* scalars, const AttrMap& attrs,
                        const kernels::TensorSlots<T>* tensors, size_t count);

struct ApplyKernel {
  StepFn<float> f32;
  StepFn<double> f64;
};

// `step` is a captureless generic lambda (s, attrs, tensors, count); one ApplyKernel per lambda.
template <typename F>
const ApplyKernel* step_kernel(F step) {
  static const ApplyKernel kernel{step, step};
  return &kernel;
}

}  // namespace varflow::ops
