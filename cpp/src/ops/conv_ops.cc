// Convolutions: Conv2D and DepthwiseConv2dNative with their input and filter gradients, under
// TF1's op names, inputs and attributes, with the gradients of TF1's nn_grad.py. Kernels:
// kernels/conv.h (NHWC; NCHW through a layout change on the way in and out).
#include <climits>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/conv.h"
#include "ops/conv_forward.h"
#include "ops/conv_grads.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "ops/window_attrs.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

enum class Pass { kForward, kBackpropInput, kBackpropFilter };

const WindowOpKind kConvKind{/*dilations=*/true, /*ksize=*/false, /*explicit_padding=*/true};

std::string dims_string(const int64_t* d, int n) {
  std::string s = "[";
  for (int i = 0; i < n; ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

// --- shape rules ----------------------------------------------------------------------------

// A rank-4 shape given as a sizes input: a constant, the Shape of a tensor whose shape is known
// (the gradients build these), a tf.stack with some sizes constant (the conv2d_transpose
// layers), or unknown.
Shape sizes_input_shape(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kInt32, DType::kInt64});
  const Node* node = c.input(i).node;
  Shape s = Shape::unknown_rank();
  if (node->type() == "Shape") {
    s = node->inputs()[0].shape();
  } else {
    s = shape_rules::shape_from_input(c, i);
  }
  if (c.input_shape(i).has_rank() && c.input_shape(i).rank() != 1)
    c.value_error("Shape must be rank 1 but is rank ", c.input_shape(i).rank());
  if (!s.has_rank()) return Shape({kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim});
  if (s.rank() != 4) c.value_error("Shape must be rank 4 but is rank ", s.rank());
  return s;
}

Shape rank4(InferenceContext& c, const Shape& s) {
  if (!s.has_rank()) return Shape({kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim});
  if (s.rank() != 4) c.value_error("Shape must be rank 4 but is rank ", s.rank());
  return s;
}

template <Pass P, bool Depthwise>
void conv_shape(InferenceContext& c) {
  const int data = P == Pass::kBackpropInput ? 2 : 0;  // an input carrying the dtype
  shape_rules::require_dtype(c, data, {DType::kFloat32, DType::kFloat64});
  const int first_float = P == Pass::kBackpropInput ? 1 : 0;
  const DType dtype = c.input_dtype(data);
  for (int i = first_float; i < c.num_inputs(); ++i)
    if (!(P == Pass::kBackpropFilter && i == 1) && c.input_dtype(i) != dtype)
      c.type_error("Input '", c.op_def().input_names[static_cast<size_t>(i)], "' of '", c.op_type(),
                   "' Op has type ", dtype_name(c.input_dtype(i)), " that does not match type ",
                   dtype_name(dtype), " of argument '",
                   c.op_def().input_names[static_cast<size_t>(data)], "'");
  WindowAttrs a;
  const std::string err = parse_window_attrs(c.attrs(), c.op_type(), kConvKind, &a);
  if (!err.empty()) c.value_error(err);
  const Shape input =
      P == Pass::kBackpropInput ? sizes_input_shape(c, 0) : rank4(c, c.input_shape(0));
  const Shape filter =
      P == Pass::kBackpropFilter ? sizes_input_shape(c, 1) : rank4(c, c.input_shape(1));
  if (P != Pass::kForward) rank4(c, c.input_shape(2));
  const auto in = to_nhwc(a, input.dims().data());
  const int64_t f_in = filter.dim(2), f_out = filter.dim(3);
  if (in[3] != kUnknownDim && f_in != kUnknownDim && in[3] != f_in) {
    if (Depthwise || in[3] % f_in != 0)
      c.value_error(Depthwise ? "Dimensions must be equal, but are " : "Depth of input (", in[3],
                    Depthwise ? " and " : ") is not a multiple of input depth of filter (", f_in,
                    Depthwise ? "" : ")");
    c.value_error("varflow does not implement grouped convolution (input depth ", in[3],
                  ", filter input depth ", f_in, ")");
  }
  kernels::Window2D g;
  const std::string geometry_err = window_geometry(a, in, filter.dim(0), filter.dim(1), &g);
  if (!geometry_err.empty()) c.value_error(geometry_err);
  int64_t out_c = f_out;
  if (Depthwise) {
    const int64_t channels = in[3] != kUnknownDim ? in[3] : f_in;
    out_c = channels == kUnknownDim || f_out == kUnknownDim ? kUnknownDim : channels * f_out;
  }
  if (P == Pass::kForward) {
    const auto out = from_nhwc(a, in[0], g.out_h, g.out_w, out_c);
    c.set_output(0, dtype, Shape({out[0], out[1], out[2], out[3]}));
  } else {
    c.set_output(0, dtype, P == Pass::kBackpropInput ? input : filter);
  }
}

// --- kernels --------------------------------------------------------------------------------

// The dimensions a sizes input holds (checked: a vector of 4 non-negative values).
Dims read_sizes(KernelContext& c, int i) {
  const Tensor& t = c.input(i);
  if (t.rank() != 1 || t.num_elements() != 4)
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ",
           c.node().op_def().input_names[static_cast<size_t>(i)],
           " must be a vector of 4 values, got shape ", dims_to_string(t.dims()));
  Dims d(4);
  for (int j = 0; j < 4; ++j)
    d[static_cast<size_t>(j)] =
        t.dtype() == DType::kInt32 ? t.data<int32_t>()[j] : t.data<int64_t>()[j];
  for (int64_t v : d)
    if (v < 0)
      c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ",
             c.node().op_def().input_names[static_cast<size_t>(i)],
             " has a negative dimension: ", dims_string(d.data(), 4));
  return d;
}

template <typename T>
Tensor to_nhwc_tensor(const Tensor& t) {
  Tensor out(t.dtype(), {t.dim(0), t.dim(2), t.dim(3), t.dim(1)});
  kernels::nchw_to_nhwc(t.data<T>(), out.data<T>(), t.dim(0), t.dim(1), t.dim(2) * t.dim(3));
  return out;
}

template <Pass P, bool Depthwise>
void conv_run(KernelContext& c, const kernels::ConvEpilogue* epilogue) {
  const std::string& op = c.node().type();
  WindowAttrs a;
  const std::string err = parse_window_attrs(c.attrs(), op, kConvKind, &a);
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  const Dims input_dims = P == Pass::kBackpropInput ? read_sizes(c, 0) : c.input(0).dims();
  const Dims filter_dims = P == Pass::kBackpropFilter ? read_sizes(c, 1) : c.input(1).dims();
  if (input_dims.size() != 4)
    c.fail(ErrorCode::kInvalidArgument, op, ": input must be 4-dimensional, got ",
           dims_to_string(input_dims));
  if (filter_dims.size() != 4)
    c.fail(ErrorCode::kInvalidArgument, op, ": filter must be 4-dimensional, got ",
           dims_to_string(filter_dims));
  const auto in = to_nhwc(a, input_dims.data());
  if (in[3] != filter_dims[2])
    c.fail(ErrorCode::kInvalidArgument, op, ": input depth ", in[3],
           Depthwise ? " must equal" : " must equal (varflow has no grouped convolution)",
           " the filter's input depth ", filter_dims[2], "; input ", dims_to_string(input_dims),
           ", filter ", dims_to_string(filter_dims));
  kernels::Window2D g;
  const std::string geometry_err = window_geometry(a, in, filter_dims[0], filter_dims[1], &g);
  if (!geometry_err.empty()) c.fail(ErrorCode::kInvalidArgument, op, ": ", geometry_err);
  g.out_c = Depthwise ? in[3] * filter_dims[3] : filter_dims[3];
  const auto out = from_nhwc(a, g.batch, g.out_h, g.out_w, g.out_c);
  if (P != Pass::kForward) {
    const Tensor& dy = c.input(2);
    if (dy.rank() != 4 || dy.dim(0) != out[0] || dy.dim(1) != out[1] || dy.dim(2) != out[2] ||
        dy.dim(3) != out[3])
      c.fail(ErrorCode::kInvalidArgument, op, ": out_backprop has shape ",
             dims_to_string(dy.dims()), " but input ", dims_to_string(input_dims),
             " convolved with filter ", dims_to_string(filter_dims), " gives ",
             dims_string(out.data(), 4));
  }
  // CBLAS takes int sizes.
  if (!Depthwise && (g.k_h * g.k_w * g.in_c > INT_MAX || g.out_c > INT_MAX))
    c.fail(ErrorCode::kUnimplemented, op, ": filter ", dims_to_string(filter_dims),
           " exceeds the BLAS limit of 2147483647 per matrix dimension");
  const int data = P == Pass::kBackpropInput ? 2 : 0;
  const DType dtype = c.input(data).dtype();
  for (int i = 0; i < 3 && i < c.num_inputs(); ++i)
    if (!((P == Pass::kBackpropInput && i == 0) || (P == Pass::kBackpropFilter && i == 1)) &&
        c.input(i).dtype() != dtype)
      c.fail(ErrorCode::kInvalidArgument, op, ": inputs must have one dtype, got ",
             dtype_name(c.input(i).dtype()), " and ", dtype_name(dtype));
  auto run = [&](auto tag) {
    using T = decltype(tag);
    if constexpr (P == Pass::kForward) {
      Tensor& y = c.allocate_output(0, dtype, Dims{out[0], out[1], out[2], out[3]});
      const Tensor x = a.nchw ? to_nhwc_tensor<T>(c.input(0)) : c.input(0);
      Tensor y_nhwc = a.nchw ? Tensor(dtype, {g.batch, g.out_h, g.out_w, g.out_c}) : y;
      if (Depthwise)
        kernels::depthwise_conv2d(g, x.data<T>(), c.input(1).data<T>(), y_nhwc.data<T>());
      else if constexpr (std::is_same_v<T, float>)
        epilogue
            ? kernels::conv2d(g, x.data<T>(), c.input(1).data<T>(), y_nhwc.data<T>(), *epilogue)
            : kernels::conv2d(g, x.data<T>(), c.input(1).data<T>(), y_nhwc.data<T>());
      else
        kernels::conv2d(g, x.data<T>(), c.input(1).data<T>(), y_nhwc.data<T>());
      if (a.nchw)
        kernels::nhwc_to_nchw(y_nhwc.data<T>(), y.data<T>(), g.batch, g.out_c, g.out_pixels());
    } else if constexpr (P == Pass::kBackpropInput) {
      Tensor& dx = c.allocate_output(0, dtype, input_dims);
      const Tensor dy = a.nchw ? to_nhwc_tensor<T>(c.input(2)) : c.input(2);
      Tensor dx_nhwc = a.nchw ? Tensor(dtype, {g.batch, g.in_h, g.in_w, g.in_c}) : dx;
      if (Depthwise)
        kernels::depthwise_conv2d_backprop_input(g, c.input(1).data<T>(), dy.data<T>(),
                                                 dx_nhwc.data<T>());
      else
        kernels::conv2d_backprop_input(g, c.input(1).data<T>(), dy.data<T>(), dx_nhwc.data<T>());
      if (a.nchw)
        kernels::nhwc_to_nchw(dx_nhwc.data<T>(), dx.data<T>(), g.batch, g.in_c, g.in_h * g.in_w);
    } else {
      Tensor& df = c.allocate_output(0, dtype, filter_dims);
      const Tensor x = a.nchw ? to_nhwc_tensor<T>(c.input(0)) : c.input(0);
      const Tensor dy = a.nchw ? to_nhwc_tensor<T>(c.input(2)) : c.input(2);
      if (Depthwise)
        kernels::depthwise_conv2d_backprop_filter(g, x.data<T>(), dy.data<T>(), df.data<T>());
      else
        kernels::conv2d_backprop_filter(g, x.data<T>(), dy.data<T>(), df.data<T>());
    }
  };
  if (dtype == DType::kFloat32)
    run(float{});
  else if (dtype == DType::kFloat64)
    run(double{});
  else
    c.fail(ErrorCode::kInvalidArgument, op, " is not defined for dtype ", dtype_name(dtype));
}

template <Pass P, bool Depthwise>
void conv_kernel(KernelContext& c) {
  conv_run<P, Depthwise>(c, nullptr);
}

// --- registration (gradients: ops/conv_grads.h) ------------------------------------------

constexpr ConvNames kConv2D{"Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter"};
constexpr ConvNames kDepthwise{"DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
                               "DepthwiseConv2dNativeBackpropFilter"};

OpDefBuilder conv_attrs(OpDefBuilder b, bool cudnn) {
  b.required_attr("strides", AttrType::kIntList, "the window's step per input dimension")
      .required_attr("padding", AttrType::kString, "SAME, VALID or EXPLICIT")
      .attr("explicit_paddings", std::vector<int64_t>{},
            "EXPLICIT padding: (before, after) for each of the 4 dimensions")
      .attr("data_format", "NHWC", "NHWC (channels last) or NCHW")
      .attr("dilations", std::vector<int64_t>{1, 1, 1, 1}, "the filter's dilation per dimension");
  if (cudnn) b.attr("use_cudnn_on_gpu", true, "accepted for TF1 compatibility; CPU only");
  return b;
}

}  // namespace

void conv2d_with_epilogue(KernelContext& c, const kernels::ConvEpilogue& epilogue) {
  conv_run<Pass::kForward, false>(c, &epilogue);
}

void register_conv_ops(OpRegistry& r) {
  conv_attrs(r.add("Conv2D").inputs({"input", "filter"}).outputs({"output"}), true)
      .shape(conv_shape<Pass::kForward, false>)
      .kernel(conv_kernel<Pass::kForward, false>)
      .grad(conv_forward_grad(kConv2D));
  conv_attrs(r.add("Conv2DBackpropInput")
                 .inputs({"input_sizes", "filter", "out_backprop"})
                 .outputs({"output"}),
             true)
      .shape(conv_shape<Pass::kBackpropInput, false>)
      .kernel(conv_kernel<Pass::kBackpropInput, false>)
      .grad(conv_backprop_input_grad(kConv2D));
  conv_attrs(r.add("Conv2DBackpropFilter")
                 .inputs({"input", "filter_sizes", "out_backprop"})
                 .outputs({"output"}),
             true)
      .shape(conv_shape<Pass::kBackpropFilter, false>)
      .kernel(conv_kernel<Pass::kBackpropFilter, false>)
      .grad(conv_backprop_filter_grad(kConv2D));
  conv_attrs(r.add("DepthwiseConv2dNative").inputs({"input", "filter"}).outputs({"output"}), false)
      .shape(conv_shape<Pass::kForward, true>)
      .kernel(conv_kernel<Pass::kForward, true>)
      .grad(conv_forward_grad(kDepthwise));
  conv_attrs(r.add("DepthwiseConv2dNativeBackpropInput")
                 .inputs({"input_sizes", "filter", "out_backprop"})
                 .outputs({"output"}),
             false)
      .shape(conv_shape<Pass::kBackpropInput, true>)
      .kernel(conv_kernel<Pass::kBackpropInput, true>)
      .grad(conv_backprop_input_grad(kDepthwise));
  conv_attrs(r.add("DepthwiseConv2dNativeBackpropFilter")
                 .inputs({"input", "filter_sizes", "out_backprop"})
                 .outputs({"output"}),
             false)
      .shape(conv_shape<Pass::kBackpropFilter, true>)
      .kernel(conv_kernel<Pass::kBackpropFilter, true>)
      .grad(conv_backprop_filter_grad(kDepthwise));
}

}  // namespace varflow::ops
