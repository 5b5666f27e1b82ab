// What the convolution and pooling layers (conv_layers.cc, pooling_layers.cc) share: the data
// format's spellings, TF1's window vectors and the size checks.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "varflow/errors.h"
#include "varflow/train/conv_layers.h"

namespace varflow::train {

inline bool channels_first(DataFormat format) { return format == DataFormat::kChannelsFirst; }

// The op's data_format for N spatial dimensions: NHWC / NCHW for 1 and 2 (the 1-D layers run
// 2-D ops), NDHWC / NCDHW for 3.
template <size_t N>
const char* op_data_format(DataFormat format) {
  if constexpr (N == 3) return channels_first(format) ? "NCDHW" : "NDHWC";
  return channels_first(format) ? "NCHW" : "NHWC";
}

// TF1's (N + 2)-element window parameters: 1 in the batch and channel positions.
template <size_t N>
std::vector<int64_t> window(SizeN<N> sizes, DataFormat format) {
  std::vector<int64_t> out{1};
  if (channels_first(format)) out.push_back(1);
  out.insert(out.end(), sizes.begin(), sizes.end());
  if (!channels_first(format)) out.push_back(1);
  return out;
}

template <size_t N>
void check_positive(SizeN<N> values, const char* what, const std::string& layer) {
  for (int64_t v : values) {
    if (v > 0) continue;
    std::string all;
    for (int64_t w : values) all += (all.empty() ? "" : ", ") + std::to_string(w);
    raise(ErrorCode::kValue, layer, ": `", what, "` must be positive, got (", all, ")");
  }
}

}  // namespace varflow::train
