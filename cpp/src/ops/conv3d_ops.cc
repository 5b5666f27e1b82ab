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
#include "ops/window3d.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

enum class Pass { kForward, kBackpropInput, kBackpropFilter };

constexpr Window3DKind kConv3DKind{/*ksize=*/false, /*dilations=*/true};

template <Pass P>
void conv3d_shape(InferenceContext& c) {
  const int data = P == Pass::kBackpropInput ? 2 : 0;
  shape_rules::require_dtype(c, data, {DType::kFloat32, DType::kFloat64});
  const DType dtype = c.input_dtype(data);
  for (int i = 0; i < c.num_inputs(); ++i) {
    const bool sizes =
        (P == Pass::kBackpropInput && i == 0) || (P == Pass::kBackpropFilter && i == 1);
    if (!sizes) shape_rules::require_same_dtype_as(c, i, data);
  }
  Window3DAttrs a;
  const std::string err = parse_window3d_attrs(c.attrs(), c.op_type(), kConv3DKind, &a);
  if (!err.empty()) c.value_error(err);
  const Shape input =
      P == Pass::kBackpropInput ? sizes_input_shape5(c, 0) : rank5(c, c.input_shape(0));
  const Shape filter =
      P == Pass::kBackpropFilter ? sizes_input_shape5(c, 1) : rank5(c, c.input_shape(1));
  if (P != Pass::kForward) rank5(c, c.input_shape(2));
  const Dims5 in = to_ndhwc(a, dims5(input)), f = dims5(filter);
  if (in[4] != kUnknownDim && f[3] != kUnknownDim && in[4] != f[3])
    c.value_error("Dimensions must be equal, but are ", in[4], " and ", f[3]);
  kernels::Window3D g;
  const std::string geometry_err = window3d_geometry(a, in, {f[0], f[1], f[2]}, f[4], &g);
  if (!geometry_err.empty()) c.value_error(geometry_err);
  if (P == Pass::kForward) {
    const Dims5 out = from_ndhwc(a, {in[0], g.out_d, g.plane.out_h, g.plane.out_w, f[4]});
    c.set_output(0, dtype, Shape({out[0], out[1], out[2], out[3], out[4]}));
  } else {
    c.set_output(0, dtype, P == Pass::kBackpropInput ? input : filter);
  }
}

template <Pass P>
void conv3d_kernel(KernelContext& c) {
  const std::string& op = c.node().type();
  Window3DAttrs a;
  const std::string err = parse_window3d_attrs(c.attrs(), op, kConv3DKind, &a);
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  if (a.ncdhw)
    c.fail(ErrorCode::kInvalidArgument, "CPU implementation of ", op,
           " currently only supports the NHWC tensor format.");
  const Dims5 in =
      P == Pass::kBackpropInput ? read_sizes5(c, 0) : tensor_dims5(c, c.input(0), "input");
  const Dims5 f =
      P == Pass::kBackpropFilter ? read_sizes5(c, 1) : tensor_dims5(c, c.input(1), "filter");
  if (in[4] != f[3])
    c.fail(ErrorCode::kInvalidArgument, op,
           ": input depth must be evenly divisible by filter "
           "depth (varflow has no grouped convolution): ",
           in[4], " vs ", f[3]);
  kernels::Window3D g;
  const std::string geometry_err = window3d_geometry(a, in, {f[0], f[1], f[2]}, f[4], &g);
  if (!geometry_err.empty()) c.fail(ErrorCode::kInvalidArgument, op, ": ", geometry_err);
  const Dims5 out{in[0], g.out_d, g.plane.out_h, g.plane.out_w, f[4]};
  if (P != Pass::kForward) {
    const Dims5 dy = tensor_dims5(c, c.input(2), "out_backprop");
    if (dy != out)
      c.fail(ErrorCode::kInvalidArgument, op, ": out_backprop has shape ", dims5_string(dy),
             " but input ", dims5_string(in), " convolved with filter ", dims5_string(f), " gives ",
             dims5_string(out));
  }
  if (f[1] * f[2] * f[3] > INT_MAX || f[4] > INT_MAX)  // CBLAS takes int sizes
    c.fail(ErrorCode::kUnimplemented, op, ": filter ", dims5_string(f),
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
