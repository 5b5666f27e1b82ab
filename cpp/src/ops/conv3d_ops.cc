// 3-D convolution: Conv3D with its input and filter gradients Conv3DBackpropInputV2 and
// Conv3DBackpropFilterV2, under TF1's op names, inputs and attributes, with TF1's nn_grad.py
// gradients. NDHWC only, as TF1's CPU kernels (NCDHW is refused when run). Kernels:
// kernels/conv3d.h.
#include <array>
#include <climits>
#include <string>
#include <vector>

#include "kernels/conv3d.h"
#include "ops/conv_grads.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

enum class Pass { kForward, kBackpropInput, kBackpropFilter };

using Dims5 = std::array<int64_t, 5>;

struct Conv3DAttrs {
  kernels::Padding padding = kernels::Padding::kValid;
  std::array<int64_t, 3> strides{1, 1, 1}, dilations{1, 1, 1};
  bool ncdhw = false;
};

// TF1's attribute checks; "" or the message.
std::string parse_attrs(const AttrMap& attrs, const std::string& op, Conv3DAttrs* out) {
  Conv3DAttrs a;
  const std::string& padding = attrs.get<std::string>("padding");
  if (padding == "SAME")
    a.padding = kernels::Padding::kSame;
  else if (padding != "VALID")
    return "Attr 'padding' of '" + op + "' Op passed string '" + padding +
           "' not in: \"SAME\", \"VALID\".";
  const std::string& format = attrs.get<std::string>("data_format");
  if (format != "NDHWC" && format != "NCDHW")
    return "Invalid data format: " + format + " (NDHWC or NCDHW)";
  a.ncdhw = format == "NCDHW";
  for (const char* name : {"strides", "dilations"}) {
    const auto& v = attrs.get<std::vector<int64_t>>(name);
    const bool is_strides = name[0] == 's';
    if (v.size() != 5)
      return op + " requires the " + (is_strides ? "stride" : "dilation") +
             " attribute to contain 5 values, but got: " + std::to_string(v.size());
    const size_t n = 0, c = a.ncdhw ? 1 : 4;
    if (v[n] != 1 || v[c] != 1)
      return std::string(is_strides ? "Current implementation does not yet support strides"
                                    : "Current implementation does not yet support dilations") +
             " in the batch and depth dimensions.";
    auto& dst = is_strides ? a.strides : a.dilations;
    const size_t first = a.ncdhw ? 2 : 1;
    for (size_t i = 0; i < 3; ++i) {
      dst[i] = v[first + i];
      if (dst[i] < 1) return op + ": " + name + " must be positive, got " + std::to_string(dst[i]);
    }
  }
  *out = a;
  return "";
}

// (n, d, h, w, c) of a rank-5 dimension list in the op's data format.
Dims5 to_ndhwc(const Conv3DAttrs& a, const Dims5& d) {
  return a.ncdhw ? Dims5{d[0], d[2], d[3], d[4], d[1]} : d;
}
Dims5 from_ndhwc(const Conv3DAttrs& a, const Dims5& d) {
  return a.ncdhw ? Dims5{d[0], d[4], d[1], d[2], d[3]} : d;
}

// The geometry of input `in` (NDHWC) and filter `filter` (DHWIO); unknown (-1) input sizes give
// unknown output sizes. "" or the error.
std::string geometry(const Conv3DAttrs& a, const Dims5& in, const Dims5& filter,
                     kernels::Window3D* g) {
  int64_t out[3], pad[3];
  for (int i = 0; i < 3; ++i) {
    if (in[static_cast<size_t>(i + 1)] < 0 || filter[static_cast<size_t>(i)] < 0) {
      out[i] = kUnknownDim;
      pad[i] = 0;
      continue;
    }
    const std::string err = kernels::windowed_output_size(
        in[static_cast<size_t>(i + 1)], filter[static_cast<size_t>(i)],
        a.strides[static_cast<size_t>(i)], a.dilations[static_cast<size_t>(i)], a.padding, 0, 0,
        &out[i], &pad[i]);
    if (!err.empty()) return err;
  }
  g->batch = in[0];
  g->in_d = in[1];
  g->out_d = out[0];
  g->k_d = filter[0];
  g->stride_d = a.strides[0];
  g->dil_d = a.dilations[0];
  g->pad_front = pad[0];
  kernels::Window2D& p = g->plane;
  p.batch = 1;
  p.in_h = in[2];
  p.in_w = in[3];
  p.in_c = in[4];
  p.out_h = out[1];
  p.out_w = out[2];
  p.out_c = filter[4];
  p.k_h = filter[1];
  p.k_w = filter[2];
  p.stride_h = a.strides[1];
  p.stride_w = a.strides[2];
  p.dil_h = a.dilations[1];
  p.dil_w = a.dilations[2];
  p.pad_top = pad[1];
  p.pad_left = pad[2];
  return "";
}

Dims5 dims5(const Shape& s) {
  if (!s.has_rank()) return {kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim};
  return {s.dim(0), s.dim(1), s.dim(2), s.dim(3), s.dim(4)};
}

Shape rank5(InferenceContext& c, const Shape& s) {
  if (s.has_rank() && s.rank() != 5) c.value_error("Shape must be rank 5 but is rank ", s.rank());
  return s;
}

// A rank-5 shape given as a sizes input: a constant, the Shape of a tensor, or unknown.
Shape sizes_input_shape(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kInt32, DType::kInt64});
  if (c.input_shape(i).has_rank() && c.input_shape(i).rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", c.input_shape(i).rank());
  const Node* node = c.input(i).node;
  const Shape s =
      node->type() == "Shape" ? node->inputs()[0].shape() : shape_rules::shape_from_input(c, i);
  return rank5(c, s);
}

template <Pass P>
void conv3d_shape(InferenceContext& c) {
  const int data = P == Pass::kBackpropInput ? 2 : 0;
  shape_rules::require_dtype(c, data, {DType::kFloat32, DType::kFloat64});
  const DType dtype = c.input_dtype(data);
  for (int i = 0; i < c.num_inputs(); ++i) {
    const bool sizes =
        (P == Pass::kBackpropInput && i == 0) || (P == Pass::kBackpropFilter && i == 1);
    if (!sizes && c.input_dtype(i) != dtype)
      c.type_error("Input '", c.op_def().input_names[static_cast<size_t>(i)], "' of '", c.op_type(),
                   "' Op has type ", dtype_name(c.input_dtype(i)), " that does not match type ",
                   dtype_name(dtype), " of argument '",
                   c.op_def().input_names[static_cast<size_t>(data)], "'");
  }
  Conv3DAttrs a;
  const std::string err = parse_attrs(c.attrs(), c.op_type(), &a);
  if (!err.empty()) c.value_error(err);
  const Shape input =
      P == Pass::kBackpropInput ? sizes_input_shape(c, 0) : rank5(c, c.input_shape(0));
  const Shape filter =
      P == Pass::kBackpropFilter ? sizes_input_shape(c, 1) : rank5(c, c.input_shape(1));
  if (P != Pass::kForward) rank5(c, c.input_shape(2));
  const Dims5 in = to_ndhwc(a, dims5(input)), f = dims5(filter);
  if (in[4] != kUnknownDim && f[3] != kUnknownDim && in[4] != f[3])
    c.value_error("Dimensions must be equal, but are ", in[4], " and ", f[3]);
  kernels::Window3D g;
  const std::string geometry_err = geometry(a, in, f, &g);
  if (!geometry_err.empty()) c.value_error(geometry_err);
  if (P == Pass::kForward) {
    const Dims5 out = from_ndhwc(a, {in[0], g.out_d, g.plane.out_h, g.plane.out_w, f[4]});
    c.set_output(0, dtype, Shape({out[0], out[1], out[2], out[3], out[4]}));
  } else {
    c.set_output(0, dtype, P == Pass::kBackpropInput ? input : filter);
  }
}

std::string dims_string(const Dims5& d) {
  std::string s = "[";
  for (size_t i = 0; i < 5; ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

// The dimensions a sizes input holds (checked: a vector of 5 non-negative values).
Dims5 read_sizes(KernelContext& c, int i) {
  const Tensor& t = c.input(i);
  const std::string& name = c.node().op_def().input_names[static_cast<size_t>(i)];
  if (t.rank() != 1 || t.num_elements() != 5)
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ", name,
           " must be a vector of 5 values, got shape ", dims_to_string(t.dims()));
  Dims5 d;
  for (size_t j = 0; j < 5; ++j) {
    d[j] = t.dtype() == DType::kInt32 ? t.data<int32_t>()[j] : t.data<int64_t>()[j];
    if (d[j] < 0)
      c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ", name,
             " has a negative dimension: ", dims_to_string(Dims(d.begin(), d.end())));
  }
  return d;
}

Dims5 tensor_dims5(KernelContext& c, const Tensor& t, const char* what) {
  if (t.rank() != 5)
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ", what, " must be 5-dimensional, got ",
           dims_to_string(t.dims()));
  return {t.dim(0), t.dim(1), t.dim(2), t.dim(3), t.dim(4)};
}

template <Pass P>
void conv3d_kernel(KernelContext& c) {
  const std::string& op = c.node().type();
  Conv3DAttrs a;
  const std::string err = parse_attrs(c.attrs(), op, &a);
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  if (a.ncdhw)
    c.fail(ErrorCode::kInvalidArgument, "CPU implementation of ", op,
           " currently only supports the NHWC tensor format.");
  const Dims5 in =
      P == Pass::kBackpropInput ? read_sizes(c, 0) : tensor_dims5(c, c.input(0), "input");
  const Dims5 f =
      P == Pass::kBackpropFilter ? read_sizes(c, 1) : tensor_dims5(c, c.input(1), "filter");
  if (in[4] != f[3])
    c.fail(ErrorCode::kInvalidArgument, op,
           ": input depth must be evenly divisible by filter "
           "depth (varflow has no grouped convolution): ",
           in[4], " vs ", f[3]);
  kernels::Window3D g;
  const std::string geometry_err = geometry(a, in, f, &g);
  if (!geometry_err.empty()) c.fail(ErrorCode::kInvalidArgument, op, ": ", geometry_err);
  const Dims5 out{in[0], g.out_d, g.plane.out_h, g.plane.out_w, f[4]};
  if (P != Pass::kForward) {
    const Dims5 dy = tensor_dims5(c, c.input(2), "out_backprop");
    if (dy != out)
      c.fail(ErrorCode::kInvalidArgument, op, ": out_backprop has shape ", dims_string(dy),
             " but input ", dims_string(in), " convolved with filter ", dims_string(f), " gives ",
             dims_string(out));
  }
  if (f[1] * f[2] * f[3] > INT_MAX || f[4] > INT_MAX)  // CBLAS takes int sizes
    c.fail(ErrorCode::kUnimplemented, op, ": filter ", dims_string(f),
           " exceeds the BLAS limit of 2147483647 per matrix dimension");
  const int data = P == Pass::kBackpropInput ? 2 : 0;
  const DType dtype = c.input(data).dtype();
  for (int i = 0; i < 3 && i < c.num_inputs(); ++i) {
    const bool sizes =
        (P == Pass::kBackpropInput && i == 0) || (P == Pass::kBackpropFilter && i == 1);
    if (!sizes && c.input(i).dtype() != dtype)
      c.fail(ErrorCode::kInvalidArgument, op, ": inputs must have one dtype, got ",
             dtype_name(c.input(i).dtype()), " and ", dtype_name(dtype));
  }
  auto run = [&](auto tag) {
    using T = decltype(tag);
    if constexpr (P == Pass::kForward) {
      Tensor& y = c.allocate_output(0, dtype, Dims(out.begin(), out.end()));
      kernels::conv3d(g, c.input(0).data<T>(), c.input(1).data<T>(), y.data<T>());
    } else if constexpr (P == Pass::kBackpropInput) {
      Tensor& dx = c.allocate_output(0, dtype, Dims(in.begin(), in.end()));
      kernels::conv3d_backprop_input(g, c.input(1).data<T>(), c.input(2).data<T>(), dx.data<T>());
    } else {
      Tensor& df = c.allocate_output(0, dtype, Dims(f.begin(), f.end()));
      kernels::conv3d_backprop_filter(g, c.input(0).data<T>(), c.input(2).data<T>(), df.data<T>());
    }
  };
  if (dtype == DType::kFloat32)
    run(float{});
  else if (dtype == DType::kFloat64)
    run(double{});
  else
    c.fail(ErrorCode::kInvalidArgument, op, " is not defined for dtype ", dtype_name(dtype));
}

// --- registration (gradients: ops/conv_grads.h) ------------------------------------------

constexpr ConvNames kConv3D{"Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2"};

OpDefBuilder conv3d_attrs(OpDefBuilder b) {
  b.required_attr("strides", AttrType::kIntList, "the window's step per input dimension (5)")
      .required_attr("padding", AttrType::kString, "SAME or VALID")
      .attr("data_format", "NDHWC", "NDHWC (channels last) or NCDHW")
      .attr("dilations", std::vector<int64_t>{1, 1, 1, 1, 1},
            "the filter's dilation per dimension");
  return b;
}

}  // namespace

void register_conv3d_ops(OpRegistry& r) {
  conv3d_attrs(r.add("Conv3D").inputs({"input", "filter"}).outputs({"output"}))
      .shape(conv3d_shape<Pass::kForward>)
      .kernel(conv3d_kernel<Pass::kForward>)
      .grad(conv_forward_grad(kConv3D));
  conv3d_attrs(
      r.add(kConv3D.input).inputs({"input_sizes", "filter", "out_backprop"}).outputs({"output"}))
      .shape(conv3d_shape<Pass::kBackpropInput>)
      .kernel(conv3d_kernel<Pass::kBackpropInput>)
      .grad(conv_backprop_input_grad(kConv3D));
  conv3d_attrs(
      r.add(kConv3D.filter).inputs({"input", "filter_sizes", "out_backprop"}).outputs({"output"}))
      .shape(conv3d_shape<Pass::kBackpropFilter>)
      .kernel(conv3d_kernel<Pass::kBackpropFilter>)
      .grad(conv_backprop_filter_grad(kConv3D));
}

}  // namespace varflow::ops
