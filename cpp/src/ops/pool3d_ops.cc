// 3-D pooling: MaxPool3D and AvgPool3D with their gradients (MaxPool3DGrad, MaxPool3DGradGrad,
// AvgPool3DGrad), under TF1's op names, inputs and attributes, with TF1's nn_grad.py
// gradients. NDHWC only when run, as TF1's CPU kernels. Kernels: kernels/pool3d.h.
#include <string>
#include <vector>

#include "kernels/pool3d.h"
#include "ops/conv_grads.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "ops/window3d.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

enum class Role { kMaxPool, kMaxGrad, kMaxGradGrad, kAvgPool, kAvgGrad };

constexpr Window3DKind kPool3DKind{/*ksize=*/true, /*dilations=*/false};

// The input that carries the pooled volume's shape, and the one that carries the dtype.
constexpr int volume_input(Role r) { return r == Role::kAvgGrad ? -1 : 0; }
constexpr int dtype_input(Role r) { return r == Role::kAvgGrad ? 1 : 0; }

template <Role R>
void pool3d_shape(InferenceContext& c) {
  const int data = dtype_input(R);
  shape_rules::require_dtype(c, data, {DType::kFloat32, DType::kFloat64});
  const DType dtype = c.input_dtype(data);
  for (int i = data + 1; i < c.num_inputs(); ++i) shape_rules::require_same_dtype_as(c, i, data);
  Window3DAttrs a;
  const std::string err = parse_window3d_attrs(c.attrs(), c.op_type(), kPool3DKind, &a);
  if (!err.empty()) c.value_error(err);
  const Shape volume = R == Role::kAvgGrad ? sizes_input_shape5(c, 0) : rank5(c, c.input_shape(0));
  for (int i = 1; i < c.num_inputs(); ++i) rank5(c, c.input_shape(i));
  const Dims5 in = to_ndhwc(a, dims5(volume));
  kernels::Window3D g;
  const std::string geometry_err = window3d_geometry(a, in, a.ksize, in[4], &g);
  if (!geometry_err.empty()) c.value_error(geometry_err);
  if (R == Role::kMaxPool || R == Role::kAvgPool || R == Role::kMaxGradGrad) {
    const Dims5 out = from_ndhwc(a, {in[0], g.out_d, g.plane.out_h, g.plane.out_w, in[4]});
    c.set_output(0, dtype, Shape({out[0], out[1], out[2], out[3], out[4]}));
  } else {
    c.set_output(0, dtype, volume);
  }
}

template <Role R>
void pool3d_kernel(KernelContext& c) {
  const std::string& op = c.node().type();
  Window3DAttrs a;
  const std::string err = parse_window3d_attrs(c.attrs(), op, kPool3DKind, &a);
  if (!err.empty()) c.fail(ErrorCode::kInvalidArgument, err);
  if (a.ncdhw)
    c.fail(ErrorCode::kInvalidArgument, "Default ", op, " only supports NDHWC on device type CPU");
  const Dims5 in =
      R == Role::kAvgGrad ? read_sizes5(c, 0) : tensor_dims5(c, c.input(0), "orig_input");
  kernels::Window3D g;
  const std::string geometry_err = window3d_geometry(a, in, a.ksize, in[4], &g);
  if (!geometry_err.empty()) c.fail(ErrorCode::kInvalidArgument, op, ": ", geometry_err);
  const Dims5 out{in[0], g.out_d, g.plane.out_h, g.plane.out_w, in[4]};
  const DType dtype = c.input(dtype_input(R)).dtype();
  // Every tensor input besides the volume's: the pooled output or its gradient, or (the
  // grad-grad's) a gradient of the volume's shape.
  for (int i = dtype_input(R); i < c.num_inputs(); ++i) {
    if (i == volume_input(R)) continue;
    const char* name = c.node().op_def().input_names[static_cast<size_t>(i)].c_str();
    const bool volume_shaped = R == Role::kMaxGradGrad && i == 2;
    const Dims5 got = tensor_dims5(c, c.input(i), name);
    if (got != (volume_shaped ? in : out))
      c.fail(ErrorCode::kInvalidArgument, op, ": ", name, " has shape ", dims5_string(got),
             " but pooling ", dims5_string(in), " gives ", dims5_string(out));
    if (c.input(i).dtype() != dtype)
      c.fail(ErrorCode::kInvalidArgument, op, ": inputs must have one dtype, got ",
             dtype_name(c.input(i).dtype()), " and ", dtype_name(dtype));
  }
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const bool to_volume = R == Role::kMaxGrad || R == Role::kAvgGrad;
    const Dims5& shape = to_volume ? in : out;
    Tensor& y = c.allocate_output(0, dtype, Dims(shape.begin(), shape.end()));
    if constexpr (R == Role::kMaxPool)
      kernels::max_pool3d(g, c.input(0).data<T>(), y.data<T>());
    else if constexpr (R == Role::kAvgPool)
      kernels::avg_pool3d(g, c.input(0).data<T>(), y.data<T>());
    else if constexpr (R == Role::kMaxGrad)
      kernels::max_pool3d_grad(g, c.input(0).data<T>(), c.input(1).data<T>(), c.input(2).data<T>(),
                               y.data<T>());
    else if constexpr (R == Role::kMaxGradGrad)
      kernels::max_pool3d_grad_grad(g, c.input(0).data<T>(), c.input(1).data<T>(),
                                    c.input(2).data<T>(), y.data<T>());
    else
      kernels::avg_pool3d_grad(g, c.input(1).data<T>(), y.data<T>());
  };
  if (dtype == DType::kFloat32)
    run(float{});
  else if (dtype == DType::kFloat64)
    run(double{});
  else
    c.fail(ErrorCode::kInvalidArgument, op, " is not defined for dtype ", dtype_name(dtype));
}

OpDefBuilder pool3d_attrs(OpDefBuilder b) {
  b.required_attr("ksize", AttrType::kIntList, "the window's size per input dimension (5)")
      .required_attr("strides", AttrType::kIntList, "the window's step per input dimension (5)")
      .required_attr("padding", AttrType::kString, "SAME or VALID")
      .attr("data_format", "NDHWC", "NDHWC (channels last) or NCDHW");
  return b;
}

}  // namespace

void register_pool3d_ops(OpRegistry& r) {
  pool3d_attrs(r.add("MaxPool3D").inputs({"input"}).outputs({"output"}))
      .shape(pool3d_shape<Role::kMaxPool>)
      .kernel(pool3d_kernel<Role::kMaxPool>)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "MaxPool3DGrad", {c.input(0), c.output(), c.grad()}, c.attrs())};
      });
  pool3d_attrs(
      r.add("MaxPool3DGrad").inputs({"orig_input", "orig_output", "grad"}).outputs({"output"}))
      .shape(pool3d_shape<Role::kMaxGrad>)
      .kernel(pool3d_kernel<Role::kMaxGrad>)
      .grad([](GradContext& c) {
        return Grads{
            zeros_like(c.input(0)), zeros_like(c.input(1)),
            op(c.graph(), "MaxPool3DGradGrad", {c.input(0), c.input(1), c.grad()}, c.attrs())};
      });
  pool3d_attrs(
      r.add("MaxPool3DGradGrad").inputs({"orig_input", "orig_output", "grad"}).outputs({"output"}))
      .shape(pool3d_shape<Role::kMaxGradGrad>)
      .kernel(pool3d_kernel<Role::kMaxGradGrad>)
      .grad([](GradContext& c) {
        return Grads{zeros_like(c.input(0)), zeros_like(c.input(1)),
                     op(c.graph(), "MaxPool3DGrad", {c.input(0), c.input(1), c.grad()}, c.attrs())};
      });
  pool3d_attrs(r.add("AvgPool3D").inputs({"input"}).outputs({"output"}))
      .shape(pool3d_shape<Role::kAvgPool>)
      .kernel(pool3d_kernel<Role::kAvgPool>)
      .grad([](GradContext& c) {
        return Grads{
            op(c.graph(), "AvgPool3DGrad", {shape_vector(c.input(0)), c.grad()}, c.attrs())};
      });
  pool3d_attrs(r.add("AvgPool3DGrad").inputs({"orig_input_shape", "grad"}).outputs({"output"}))
      .shape(pool3d_shape<Role::kAvgGrad>)
      .kernel(pool3d_kernel<Role::kAvgGrad>)
      .grad([](GradContext& c) {
        return Grads{std::nullopt, op(c.graph(), "AvgPool3D", {c.grad()}, c.attrs())};
      });
}

}  // namespace varflow::ops
