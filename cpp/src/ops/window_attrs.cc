#include "ops/window_attrs.h"

#include <vector>

namespace varflow::ops {

namespace {

std::string list_to_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

std::string parse_window_attrs(const AttrMap& attrs, const std::string& op, WindowOpKind kind,
                               WindowAttrs* out) {
  WindowAttrs a;
  const std::string format = kind.data_format ? attrs.get<std::string>("data_format") : "NHWC";
  if (format != "NHWC" && format != "NCHW")
    return "Attr 'data_format' of '" + op + "' Op passed string '" + format +
           "' not in: \"NHWC\", \"NCHW\".";
  a.nchw = format == "NCHW";
  const std::string& padding = attrs.get<std::string>("padding");
  if (padding == "SAME") {
    a.padding = kernels::Padding::kSame;
  } else if (padding == "VALID") {
    a.padding = kernels::Padding::kValid;
  } else if (padding == "EXPLICIT" && kind.explicit_padding) {
    a.padding = kernels::Padding::kExplicit;
  } else {
    return "Attr 'padding' of '" + op + "' Op passed string '" + padding + "' not in: " +
           (kind.explicit_padding ? "\"SAME\", \"VALID\", \"EXPLICIT\"." : "\"SAME\", \"VALID\".");
  }
  const int h = a.nchw ? 2 : 1, w = a.nchw ? 3 : 2, c = a.nchw ? 1 : 3;
  const auto& strides = attrs.get<std::vector<int64_t>>("strides");
  if (strides.size() != 4)
    return op + " requires the stride attribute to contain 4 values, but got: " +
           std::to_string(strides.size());
  for (int64_t s : strides)
    if (s <= 0) return "Stride must be > 0, but got " + std::to_string(s);
  if (strides[0] != 1 || strides[c] != 1)
    return "Current implementation does not yet support strides in the batch and depth "
           "dimensions; strides = " +
           list_to_string(strides);
  a.stride_h = strides[h];
  a.stride_w = strides[w];
  if (kind.dilations) {
    const auto& dil = attrs.get<std::vector<int64_t>>("dilations");
    if (dil.size() != 4)
      return op + " requires the dilation attribute to contain 4 values, but got: " +
             std::to_string(dil.size());
    for (int64_t d : dil)
      if (d < 1) return "Dilation rate must be >= 1, but got " + std::to_string(d);
    if (dil[0] != 1 || dil[c] != 1)
      return "Current implementation does not yet support dilations in the batch and depth "
             "dimensions; dilations = " +
             list_to_string(dil);
    a.dil_h = dil[h];
    a.dil_w = dil[w];
  }
  if (kind.ksize) {
    const auto& ksize = attrs.get<std::vector<int64_t>>("ksize");
    if (ksize.size() != 4)
      return op + " requires the ksize attribute to contain 4 values, but got: " +
             std::to_string(ksize.size());
    for (int64_t k : ksize)
      if (k <= 0) return "Sliding window ksize must be positive, but got " + list_to_string(ksize);
    if (ksize[0] != 1 || ksize[c] != 1)
      return op + " is not yet supported over the batch or depth dimensions; ksize = " +
             list_to_string(ksize);
    a.k_h = ksize[h];
    a.k_w = ksize[w];
  }
  if (kind.explicit_padding) {
    const auto& pads = attrs.get<std::vector<int64_t>>("explicit_paddings");
    if (a.padding == kernels::Padding::kExplicit) {
      if (pads.size() != 8)
        return "explicit_paddings attribute must contain 8 values, but got: " +
               std::to_string(pads.size());
      for (int64_t p : pads)
        if (p < 0) return "All elements of explicit_paddings must be nonnegative";
      if (pads[0] || pads[1] || pads[2 * c] || pads[2 * c + 1])
        return "Nonzero explicit padding in the batch or depth dimensions is not supported";
      a.pad_top = pads[2 * h];
      a.pad_bottom = pads[2 * h + 1];
      a.pad_left = pads[2 * w];
      a.pad_right = pads[2 * w + 1];
    } else if (!pads.empty()) {
      return "explicit_paddings attribute must be empty if the padding attribute is not "
             "EXPLICIT";
    }
  }
  *out = a;
  return "";
}

std::string window_geometry(const WindowAttrs& a, std::array<int64_t, 4> in, int64_t k_h,
                            int64_t k_w, kernels::Window2D* g) {
  g->batch = in[0];
  g->in_h = in[1];
  g->in_w = in[2];
  g->in_c = in[3];
  g->k_h = k_h;
  g->k_w = k_w;
  g->stride_h = a.stride_h;
  g->stride_w = a.stride_w;
  g->dil_h = a.dil_h;
  g->dil_w = a.dil_w;
  g->out_h = g->out_w = -1;
  if (in[1] >= 0 && k_h >= 0) {
    std::string e = kernels::windowed_output_size(in[1], k_h, a.stride_h, a.dil_h, a.padding,
                                                  a.pad_top, a.pad_bottom, &g->out_h, &g->pad_top);
    if (!e.empty()) return e;
  }
  if (in[2] >= 0 && k_w >= 0) {
    std::string e = kernels::windowed_output_size(in[2], k_w, a.stride_w, a.dil_w, a.padding,
                                                  a.pad_left, a.pad_right, &g->out_w, &g->pad_left);
    if (!e.empty()) return e;
  }
  return "";
}

}  // namespace varflow::ops
