// Copying components in and out of batches: whole rows, padded blocks and fills, for every
// dtype (a string tensor holds std::string objects, which are assigned, never memcpy'd).
#pragma once

#include <string>

#include "varflow/data.h"

namespace varflow::data {

// Copies `count` elements from src[src_offset...] to dst[dst_offset...] (same dtype).
void copy_elements(const Tensor& src, int64_t src_offset, Tensor& dst, int64_t dst_offset,
                   int64_t count);
// Sets every element of `dst` to the scalar `value` (same dtype).
void fill_with(Tensor& dst, const Tensor& value);
// Row `index` of `t` (dimension 0), as a new tensor of t's dims without the first.
Tensor row_of(const Tensor& t, int64_t index);
// Copies `src` into the leading corner of `dst`, which has one more dimension (the batch) and
// at least src's extent in every other: dst[index, 0:d0, 0:d1, ...] = src.
void copy_into_corner(const Tensor& src, Tensor& dst, int64_t index);
// "[2,3]": a shape as TF's error messages print it.
std::string dims_tf(const Dims& dims);
// The scalar integer at `t` (any integer dtype), or kInvalidArgument naming `what`.
int64_t scalar_int(const Tensor& t, const std::string& what);
bool scalar_bool(const Tensor& t, const std::string& what);

}  // namespace varflow::data
