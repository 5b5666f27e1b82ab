// Byte-level element moves that stay correct for string tensors: kernels that move elements
// by byte offsets (dtype_size per element) call these instead of memcpy/memset, so that a
// string tensor's std::string objects are assigned rather than copied bit for bit (which
// would free each string twice).
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "varflow/dtype.h"

namespace varflow {

// Copies `nbytes` of elements; for kString, the nbytes / sizeof(std::string) strings at dst
// (constructed, as every string tensor's are) are assigned from those at src.
inline void copy_raw(DType dtype, void* dst, const void* src, size_t nbytes) {
  if (nbytes == 0) return;
  if (dtype == DType::kString) {
    const auto* from = static_cast<const std::string*>(src);
    std::copy(from, from + nbytes / sizeof(std::string), static_cast<std::string*>(dst));
  } else {
    std::memcpy(dst, src, nbytes);
  }
}

// Sets `nbytes` of elements to zero; for kString, to empty strings (TF's zero string).
inline void zero_raw(DType dtype, void* dst, size_t nbytes) {
  if (nbytes == 0) return;
  if (dtype == DType::kString) {
    auto* p = static_cast<std::string*>(dst);
    for (size_t i = 0; i < nbytes / sizeof(std::string); ++i) p[i].clear();
  } else {
    std::memset(dst, 0, nbytes);
  }
}

}  // namespace varflow
