// Text from tensors and tensors from text, as TF's string kernels produce and read them:
// AsString's printf formats, the summaries of Tensor::SummarizeValue (StringFormat's print_v2
// layout, and Assert's and tf.Print's v1 layout), StringToNumber's parsing. Errors are
// kInvalidArgument with TF's messages.
#pragma once

#include <string>

#include "varflow/tensor.h"

namespace varflow::kernels {

struct AsStringOptions {
  int64_t precision = -1;
  bool scientific = false;
  bool shortest = false;
  int64_t width = -1;
  std::string fill;
};

// The printf format AsString uses for `dtype` ("%08.3f", "(%f,%f)" for complex); empty for
// bool and string (printed as true/false and as they are). Raises TF's InvalidArgument for
// both scientific and shortest, a fill other than one of " +-0#", a precision on a non-float.
std::string as_string_format(DType dtype, const AsStringOptions& options);
// out (a string tensor of x's shape) = each element of x formatted with `format`.
void as_string(const Tensor& x, const std::string& format, Tensor& out);

// TF's summary of a tensor's values: "[[1 2]\n [3 4]]", "[0 1 2 ... 7 8 9]" past
// 2 * `summarize` elements per dimension (summarize < 0: all), strings quoted and C-escaped,
// floats in the fewest of 6/9 (15/17 for double) significant digits that round-trip.
std::string summarize(const Tensor& t, int64_t summarize);

// TF's Tensor::SummarizeValue(max_entries) without print_v2: what Assert and tf.Print show of
// a tensor. The first `max_entries` elements in row-major order (all when negative), nested
// in brackets per dimension ("[[0 1 2][3 4 5]]"), "..." where elements were cut off; strings
// C-escaped without quotes, bools as 1/0, complex numbers as "?".
std::string summarize_v1(const Tensor& t, int64_t max_entries);

// Parses every string of `in` into `out` (float32/64, int32/64 of in's shape): leading and
// trailing spaces allowed, hex and inf/nan for floats; anything else is TF's
// "StringToNumberOp could not correctly convert string: <s>".
void string_to_number(const Tensor& in, Tensor& out);

}  // namespace varflow::kernels
