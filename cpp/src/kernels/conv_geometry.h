// The geometry of a 2-D sliding window (convolution, pooling) over an NHWC image batch, and
// TF1's output-size rule (GetWindowedOutputSizeVerbose), shared by the shape rules that check it
// at graph-build time and the kernels that check it again on the shapes they are fed.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace varflow::kernels {

enum class Padding { kSame, kValid, kExplicit };

// What a forward convolution applies to its float32 output a block of output pixels at a time,
// while the block is still in cache: y = y + bias[c] (when `bias`), then max(y, 0) (when
// `relu`), with the elementwise kernels' own add and Relu, so the bits are those of BiasAdd and
// Relu run after it (the plan's fused Conv2D -> BiasAdd -> Relu, exec/dense_fusion.h).
struct ConvEpilogue {
  const float* bias = nullptr;  // [out_c]
  bool relu = false;
};

// Applies `e` to `rows` output pixels of `channels` values each.
void apply_conv_epilogue(const ConvEpilogue& e, float* out, int64_t rows, int64_t channels);

struct Window2D {
  int64_t batch = 0, in_h = 0, in_w = 0, in_c = 0;
  int64_t out_h = 0, out_w = 0, out_c = 0;
  int64_t k_h = 1, k_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dil_h = 1, dil_w = 1;
  int64_t pad_top = 0, pad_left = 0;

  int64_t in_image() const { return in_h * in_w * in_c; }
  int64_t out_pixels() const { return out_h * out_w; }
  bool pointwise() const {
    return k_h == 1 && k_w == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 &&
           pad_left == 0 && out_h == in_h && out_w == in_w;
  }
};

// One spatial dimension: the output size and the padding before it, or an error message (empty
// on success) in TF1's words. `pad_before`/`pad_after` are read for kExplicit only.
inline std::string windowed_output_size(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                                        Padding padding, int64_t pad_before, int64_t pad_after,
                                        int64_t* out, int64_t* pad) {
  if (stride <= 0) return "Stride must be > 0, but got " + std::to_string(stride);
  if (dilation < 1) return "Dilation rate must be >= 1, but got " + std::to_string(dilation);
  if (k < 1) return "Window size must be > 0, but got " + std::to_string(k);
  // Attribute values come from the user: every step is checked against int64 overflow.
  int64_t effective = 0, padded = in, span = 0;
  if (__builtin_mul_overflow(k - 1, dilation, &effective) ||
      __builtin_add_overflow(effective, 1, &effective) ||
      (padding == Padding::kExplicit && (__builtin_add_overflow(in, pad_before, &padded) ||
                                         __builtin_add_overflow(padded, pad_after, &padded))) ||
      __builtin_add_overflow(padded, stride, &span) || __builtin_add_overflow(in, effective, &span))
    return "Window or padding too large: filter size " + std::to_string(k) + ", dilation " +
           std::to_string(dilation) + ", stride " + std::to_string(stride) + ", padding " +
           std::to_string(pad_before) + " + " + std::to_string(pad_after);
  switch (padding) {
    case Padding::kValid:
      *out = (in - effective + stride) / stride;
      *pad = 0;
      break;
    case Padding::kSame: {
      *out = (in + stride - 1) / stride;
      const int64_t needed = std::max<int64_t>(0, (*out - 1) * stride + effective - in);
      *pad = needed / 2;
      break;
    }
    case Padding::kExplicit:
      *out = (in + pad_before + pad_after - effective + stride) / stride;
      *pad = pad_before;
      break;
  }
  if (padding != Padding::kSame && padded < effective)
    return "Negative dimension size caused by subtracting " + std::to_string(effective) + " from " +
           std::to_string(padded);
  return "";
}

}  // namespace varflow::kernels
