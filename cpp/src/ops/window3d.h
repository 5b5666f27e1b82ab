// The attributes and geometry of TF1's 3-D windowed ops (Conv3D, MaxPool3D, AvgPool3D and their
// gradients), read and checked once by the shape rule and again by the kernel, and the rank-5
// dimension helpers they share.
#pragma once

#include <array>
#include <string>

#include "kernels/conv3d.h"
#include "varflow/attr.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

using Dims5 = std::array<int64_t, 5>;

struct Window3DAttrs {
  kernels::Padding padding = kernels::Padding::kValid;
  // (depth, height, width) of each attribute, whatever the data format.
  std::array<int64_t, 3> ksize{1, 1, 1}, strides{1, 1, 1}, dilations{1, 1, 1};
  bool ncdhw = false;
};

// What the op reads besides strides, padding and data_format.
struct Window3DKind {
  bool ksize = false;      // pooling: the window from "ksize"
  bool dilations = false;  // convolution: the filter's "dilations"
};

// Reads `attrs` of op type `op`; returns TF1's message for the first bad value, or "".
std::string parse_window3d_attrs(const AttrMap& attrs, const std::string& op, Window3DKind kind,
                                 Window3DAttrs* out);

// (n, d, h, w, c) of a rank-5 dimension list in the op's data format, and back.
Dims5 to_ndhwc(const Window3DAttrs& a, const Dims5& d);
Dims5 from_ndhwc(const Window3DAttrs& a, const Dims5& d);

// The geometry of input `in` (NDHWC) and a window of (depth, height, width) `k` giving `out_c`
// channels; unknown (-1) sizes give unknown output sizes. "" or the error.
std::string window3d_geometry(const Window3DAttrs& a, const Dims5& in,
                              const std::array<int64_t, 3>& k, int64_t out_c, kernels::Window3D* g);

// Shape-rule helpers: the dimensions of a shape (all unknown for an unknown rank), a rank-5
// check, and the shape a sizes input (Conv3DBackprop*'s, AvgPool3DGrad's) holds.
Dims5 dims5(const Shape& s);
Shape rank5(InferenceContext& c, const Shape& s);
Shape sizes_input_shape5(InferenceContext& c, int i);

// Kernel helpers: "[1,2,3,4,5]", the values of a sizes input (a vector of 5 non-negative
// values), and a fed tensor's dimensions (rank 5 required; `what` names it in the error).
std::string dims5_string(const Dims5& d);
Dims5 read_sizes5(KernelContext& c, int i);
Dims5 tensor_dims5(KernelContext& c, const Tensor& t, const char* what);

}  // namespace varflow::ops
