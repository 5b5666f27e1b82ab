// The elements of a tensor as float64, for the C++ tests' comparisons.
#pragma once

#include <vector>

#include "varflow/tensor.h"

namespace vftest {

inline std::vector<double> values(const varflow::Tensor& t) {
  varflow::Tensor v = t.cast(varflow::DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

}  // namespace vftest
