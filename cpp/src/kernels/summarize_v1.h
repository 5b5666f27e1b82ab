// TF's Tensor::SummarizeValue(max_entries) without print_v2: what Assert and tf.Print show of
// a tensor. The first `max_entries` elements in row-major order (all when negative), nested
// in brackets per dimension ("[[0 1 2][3 4 5]]"), "..." where elements were cut off; strings
// C-escaped without quotes, bools as 1/0, complex numbers as "?".
#pragma once

#include <string>

#include "varflow/tensor.h"

namespace varflow::kernels {

std::string summarize_v1(const Tensor& t, int64_t max_entries);

}  // namespace varflow::kernels
