// CRC32C (Castagnoli), as TensorFlow's tensor bundles and LevelDB tables checksum their bytes,
// with LevelDB's masking for CRCs stored next to the data they cover.
#pragma once

#include <cstddef>
#include <cstdint>

namespace varflow::io {

// Extends `crc` (0 for a fresh checksum) over n bytes. Uses SSE4.2's crc32 instruction when
// the CPU has it.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);
inline uint32_t crc32c(const void* data, size_t n) { return crc32c_extend(0, data, n); }

inline constexpr uint32_t kCrcMaskDelta = 0xa282ead8u;
inline uint32_t crc32c_mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kCrcMaskDelta; }
inline uint32_t crc32c_unmask(uint32_t masked) {
  const uint32_t rot = masked - kCrcMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace varflow::io
