// Pooling: MaxPool, AvgPool and MaxPoolWithArgmax with their gradients (and the gradients of
// those, for second order), under TF1's op names, inputs and attributes, with the gradients of
// TF1's nn_grad.py. Kernels: kernels/pool.h (NHWC; NCHW through a layout change).
#include <array>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/conv.h"
#include "kernels/pool.h"
#include "ops/conv_grads.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "ops/window_attrs.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

constexpr WindowOpKind kMaxPool{false, true, /*explicit_padding=*/true};
constexpr WindowOpKind kAvgPool{false, true, false};
constexpr WindowOpKind kArgmaxPool{false, true, false, /*data_format=*/false};

WindowOpKind kind_of(const std::string& op) {
  if (op.rfind("AvgPool", 0) == 0) return kAvgPool;
  if (op.find("WithArgmax") != std::string::npos) return kArgmaxPool;
  return kMaxPool;
}

// Which input holds the pooled image (or its shape, for AvgPoolGrad) and what it returns.
enum class Role {
  kPool,            // (input) -> pooled
  kArgmax,          // (input) -> pooled, argmax
  kGrad,            // (orig_input, orig_output, grad[out]) -> [in]
  kGradGrad,        // (orig_input, orig_output, grad[in]) -> [out]
  kAvgGrad,         // (orig_input_shape, grad[out]) -> [in]
  kArgmaxGrad,      // (input, grad[out], argmax) -> [in]
  kArgmaxGradGrad,  // (input, grad[in], argmax) -> [out]
};

Shape rank4(InferenceContext& c, const Shape& s) {
  if (!s.has_rank()) return Shape({kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim});
  if (s.rank() != 4) c.value_error("Shape must be rank 4 but is rank ", s.rank());
  return s;
}

template <Role R>
void pool_shape(InferenceContext& c) {
  const std::string& op = c.op_type();
  const WindowOpKind kind = kind_of(op);
  const int data = R == Role::kAvgGrad ? 1 : 0;
  if (kind.explicit_padding && R == Role::kPool)
    shape_rules::require_dtype(c, 0,
                               {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  else
    shape_rules::require_dtype(c, data, {DType::kFloat32, DType::kFloat64});
  const DType dtype = c.input_dtype(data);
  WindowAttrs a;
  const std::string err = parse_window_attrs(c.attrs(), op, kind, &a);
  if (!err.empty()) c.value_error(err);
  if (!kind.data_format && c.attrs().get<DType>("Targmax") != DType::kInt64)
    c.value_error("varflow's ", op, " supports only Targmax = int64");
  Shape input = Shape::unknown_rank();
  if (R == Role::kAvgGrad) {
    shape_rules::require_dtype(c, 0, {DType::kInt32, DType::kInt64});
    const Node* node = c.input(0).node;
    input = rank4(c, node->type() == "Shape" ? node->inputs()[0].shape()
                                             : shape_rules::shape_from_input(c, 0));
  } else {
    input = rank4(c, c.input_shape(0));
  }
  for (int i = 1; i < c.num_inputs(); ++i) {
    if ((R == Role::kArgmaxGrad || R == Role::kArgmaxGradGrad) && i == 2) {
      shape_rules::require_dtype(c, 2, {DType::kInt64});
    } else {
      shape_rules::require_same_dtype_as(c, i, data);
    }
    rank4(c, c.input_shape(i));
  }
  const auto in = to_nhwc(a, input.dims().data());
  kernels::Window2D g;
  const std::string geometry_err = window_geometry(a, in, a.k_h, a.k_w, &g);
  if (!geometry_err.empty()) c.value_error(geometry_err);
  const auto o = from_nhwc(a, in[0], g.out_h, g.out_w, in[3]);
  const Shape out({o[0], o[1], o[2], o[3]});
  switch (R) {
    case Role::kPool:
    case Role::kGradGrad:
    case Role::kArgmaxGradGrad:
      c.set_output(0, dtype, out);
      break;
    case Role::kArgmax:
      c.set_output(0, dtype, out);
      c.set_output(1, DType::kInt64, out);
      break;
    default:
      c.set_output(0, dtype, input);
  }
}

template <typename T>
Tensor to_nhwc_tensor(const Tensor& t) {
  Tensor out(t.dtype(), {t.dim(0), t.dim(2), t.dim(3), t.dim(1)});
  kernels::nchw_to_nhwc(t.data<T>(), out.data<T>(), t.dim(0), t.dim(1), t.dim(2) * t.dim(3));
  return out;
}

template <typename T>
Tensor nhwc_of(const WindowAttrs& a, const Tensor& t) {
  return a.nchw ? to_nhwc_tensor<T>(t) : t;
}

// Checks that input i has dimensions `want` (in the op's format), naming what it is.
void require_dims(KernelContext& c, int i, const std::array<int64_t, 4>& want) {
  const Tensor& t = c.input(i);
  if (t.rank() != 4 || t.dim(0) != want[0] || t.dim(1) != want[1] || t.dim(2) != want[2] ||
      t.dim(3) != want[3])
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": ",
           c.node().op_def().input_names[static_cast<size_t>(i)], " has shape ",
           dims_to_string(t.dims()), " but the pooling geometry needs ",
           dims_to_string(Dims{want[0], want[1], want[2], want[3]}));
}

template <Role R>
void pool_kernel(KernelContext& c) {
  const std::string& op = c.node().type();
  WindowAttrs a;
  const std::string err = parse_window_attrs(c.attrs(), op, kind_of(op), &a);
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  Dims input_dims;
  if constexpr (R == Role::kAvgGrad) {
    const Tensor& s = c.input(0);
    if (s.rank() != 1 || s.num_elements() != 4)
      c.fail(ErrorCode::kInvalidArgument, op,
             ": orig_input_shape must be a vector of 4 values, got ", dims_to_string(s.dims()));
    input_dims = Dims(4);
    for (int j = 0; j < 4; ++j)
      input_dims[static_cast<size_t>(j)] =
          s.dtype() == DType::kInt32 ? s.data<int32_t>()[j] : s.data<int64_t>()[j];
    for (int64_t v : input_dims)
      if (v < 0)
        c.fail(ErrorCode::kInvalidArgument, op, ": orig_input_shape has a negative dimension: ", v);
  } else {
    input_dims = c.input(0).dims();
  }
  if (input_dims.size() != 4)
    c.fail(ErrorCode::kInvalidArgument, op, ": input must be 4-dimensional, got ",
           dims_to_string(input_dims));
  const auto in = to_nhwc(a, input_dims.data());
  kernels::Window2D g;
  const std::string geometry_err = window_geometry(a, in, a.k_h, a.k_w, &g);
  if (!geometry_err.empty()) c.fail(ErrorCode::kInvalidArgument, op, ": ", geometry_err);
  g.out_c = g.in_c;
  const auto out = from_nhwc(a, g.batch, g.out_h, g.out_w, g.in_c);
  const std::array<int64_t, 4> image{input_dims[0], input_dims[1], input_dims[2], input_dims[3]};
  const int data = R == Role::kAvgGrad ? 1 : 0;
  const DType dtype = c.input(data).dtype();
  for (int i = 1; i < c.num_inputs(); ++i) {
    const bool argmax_input = (R == Role::kArgmaxGrad || R == Role::kArgmaxGradGrad) && i == 2;
    if (c.input(i).dtype() != (argmax_input ? DType::kInt64 : dtype))
      c.fail(ErrorCode::kInvalidArgument, op, ": input ", i, " has dtype ",
             dtype_name(c.input(i).dtype()));
  }
  switch (R) {
    case Role::kGrad:
      require_dims(c, 1, out);
      require_dims(c, 2, out);
      break;
    case Role::kGradGrad:
      require_dims(c, 1, out);
      require_dims(c, 2, image);
      break;
    case Role::kAvgGrad:
      require_dims(c, 1, out);
      break;
    case Role::kArgmaxGrad:
      require_dims(c, 1, out);
      require_dims(c, 2, out);
      break;
    case Role::kArgmaxGradGrad:
      require_dims(c, 1, image);
      require_dims(c, 2, out);
      break;
    default:
      break;
  }
  const bool include_batch =
      kind_of(op).data_format ? false : c.attrs().get<bool>("include_batch_in_index");
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const bool to_out = R == Role::kPool || R == Role::kArgmax || R == Role::kGradGrad ||
                        R == Role::kArgmaxGradGrad;
    const std::array<int64_t, 4> result = to_out ? out : image;
    Tensor& y = c.allocate_output(0, dtype, Dims{result[0], result[1], result[2], result[3]});
    Tensor y_nhwc = a.nchw ? Tensor(dtype, to_out ? Dims{g.batch, g.out_h, g.out_w, g.in_c}
                                                  : Dims{g.batch, g.in_h, g.in_w, g.in_c})
                           : y;
    T* dst = y_nhwc.data<T>();
    bool in_range = true;
    if constexpr (R == Role::kPool) {
      const Tensor x = nhwc_of<T>(a, c.input(0));
      if (op == "AvgPool") {
        if constexpr (std::is_floating_point_v<T>) kernels::avg_pool(g, x.data<T>(), dst);
      } else {
        kernels::max_pool(g, x.data<T>(), dst);
      }
    } else if constexpr (R == Role::kArgmax) {
      Tensor& argmax = c.allocate_output(1, DType::kInt64, Dims{out[0], out[1], out[2], out[3]});
      kernels::max_pool_with_argmax(g, c.input(0).data<T>(), dst, argmax.data<int64_t>(),
                                    include_batch);
    } else if constexpr (R == Role::kGrad) {
      const Tensor x = nhwc_of<T>(a, c.input(0)), y = nhwc_of<T>(a, c.input(1));
      kernels::max_pool_grad(g, x.data<T>(), y.data<T>(),
                             nhwc_of<T>(a, c.input(2)).template data<T>(), dst);
    } else if constexpr (R == Role::kGradGrad) {
      const Tensor x = nhwc_of<T>(a, c.input(0)), y = nhwc_of<T>(a, c.input(1));
      kernels::max_pool_grad_grad(g, x.data<T>(), y.data<T>(),
                                  nhwc_of<T>(a, c.input(2)).template data<T>(), dst);
    } else if constexpr (R == Role::kAvgGrad) {
      if constexpr (std::is_floating_point_v<T>)
        kernels::avg_pool_grad(g, nhwc_of<T>(a, c.input(1)).template data<T>(), dst);
    } else if constexpr (R == Role::kArgmaxGrad) {
      in_range = kernels::max_pool_grad_with_argmax(g, c.input(1).data<T>(),
                                                    c.input(2).data<int64_t>(), include_batch, dst);
    } else {
      in_range = kernels::max_pool_grad_grad_with_argmax(
          g, c.input(1).data<T>(), c.input(2).data<int64_t>(), include_batch, dst);
    }
    if (!in_range)
      c.fail(ErrorCode::kInvalidArgument, op, ": argmax holds an index outside the input of shape ",
             dims_to_string(input_dims));
    if (a.nchw)
      kernels::nhwc_to_nchw(dst, y.data<T>(), g.batch, g.in_c,
                            to_out ? g.out_pixels() : g.in_h * g.in_w);
  };
  switch (dtype) {
    case DType::kFloat32:
      return run(float{});
    case DType::kFloat64:
      return run(double{});
    case DType::kInt32:
      if (R == Role::kPool && op == "MaxPool") return run(int32_t{});
      break;
    case DType::kInt64:
      if (R == Role::kPool && op == "MaxPool") return run(int64_t{});
      break;
    default:
      break;
  }
  c.fail(ErrorCode::kInvalidArgument, op, " is not defined for dtype ", dtype_name(dtype));
}

// --- gradients (TF1's nn_grad.py) -----------------------------------------------------------

OpDefBuilder window_attrs(OpDefBuilder b, WindowOpKind kind) {
  b.required_attr("ksize", AttrType::kIntList, "the window's size per input dimension")
      .required_attr("strides", AttrType::kIntList, "the window's step per input dimension")
      .required_attr("padding", AttrType::kString,
                     kind.explicit_padding ? "SAME, VALID or EXPLICIT" : "SAME or VALID");
  if (kind.explicit_padding)
    b.attr("explicit_paddings", std::vector<int64_t>{},
           "EXPLICIT padding: (before, after) for each of the 4 dimensions");
  if (kind.data_format) {
    b.attr("data_format", "NHWC", "NHWC (channels last) or NCHW");
  } else {
    b.attr("Targmax", DType::kInt64, "the argmax dtype (int64)")
        .attr("include_batch_in_index", false, "argmax counts the batch dimension too");
  }
  return b;
}

}  // namespace

void register_pooling_ops(OpRegistry& r) {
  window_attrs(r.add("MaxPool").inputs({"input"}).outputs({"output"}), kMaxPool)
      .shape(pool_shape<Role::kPool>)
      .kernel(pool_kernel<Role::kPool>)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "MaxPoolGrad", {c.input(0), c.output(), c.grad()}, c.attrs())};
      });
  window_attrs(
      r.add("MaxPoolGrad").inputs({"orig_input", "orig_output", "grad"}).outputs({"output"}),
      kMaxPool)
      .shape(pool_shape<Role::kGrad>)
      .kernel(pool_kernel<Role::kGrad>)
      .grad([](GradContext& c) {
        return Grads{
            zeros_like(c.input(0)), zeros_like(c.input(1)),
            op(c.graph(), "MaxPoolGradGrad", {c.input(0), c.input(1), c.grad()}, c.attrs())};
      });
  window_attrs(
      r.add("MaxPoolGradGrad").inputs({"orig_input", "orig_output", "grad"}).outputs({"output"}),
      kMaxPool)
      .shape(pool_shape<Role::kGradGrad>)
      .kernel(pool_kernel<Role::kGradGrad>)
      .grad([](GradContext& c) {
        return Grads{zeros_like(c.input(0)), zeros_like(c.input(1)),
                     op(c.graph(), "MaxPoolGrad", {c.input(0), c.input(1), c.grad()}, c.attrs())};
      });
  window_attrs(r.add("AvgPool").inputs({"value"}).outputs({"output"}), kAvgPool)
      .shape(pool_shape<Role::kPool>)
      .kernel(pool_kernel<Role::kPool>)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "AvgPoolGrad", {shape_vector(c.input(0)), c.grad()}, c.attrs())};
      });
  window_attrs(r.add("AvgPoolGrad").inputs({"orig_input_shape", "grad"}).outputs({"output"}),
               kAvgPool)
      .shape(pool_shape<Role::kAvgGrad>)
      .kernel(pool_kernel<Role::kAvgGrad>)
      .grad([](GradContext& c) {
        return Grads{std::nullopt, op(c.graph(), "AvgPool", {c.grad()}, c.attrs())};
      });
  window_attrs(r.add("MaxPoolWithArgmax").inputs({"input"}).outputs({"output", "argmax"}),
               kArgmaxPool)
      .shape(pool_shape<Role::kArgmax>)
      .kernel(pool_kernel<Role::kArgmax>)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "MaxPoolGradWithArgmax", {c.input(0), c.grad(0), c.output(1)},
                        c.attrs())};
      });
  window_attrs(
      r.add("MaxPoolGradWithArgmax").inputs({"input", "grad", "argmax"}).outputs({"output"}),
      kArgmaxPool)
      .shape(pool_shape<Role::kArgmaxGrad>)
      .kernel(pool_kernel<Role::kArgmaxGrad>)
      .grad([](GradContext& c) {
        return Grads{zeros_like(c.input(0)),
                     op(c.graph(), "MaxPoolGradGradWithArgmax", {c.input(0), c.grad(), c.input(2)},
                        c.attrs()),
                     std::nullopt};
      });
  window_attrs(
      r.add("MaxPoolGradGradWithArgmax").inputs({"input", "grad", "argmax"}).outputs({"output"}),
      kArgmaxPool)
      .shape(pool_shape<Role::kArgmaxGradGrad>)
      .kernel(pool_kernel<Role::kArgmaxGradGrad>)
      .grad([](GradContext& c) {
        return Grads{
            zeros_like(c.input(0)),
            op(c.graph(), "MaxPoolGradWithArgmax", {c.input(0), c.grad(), c.input(2)}, c.attrs()),
            std::nullopt};
      });
}

}  // namespace varflow::ops
