// Local response normalization over the channel axis (TF1's LRN and LRNGrad):
//   sqr_sum[..., d] = sum(x[..., d - r : d + r + 1] ** 2)
//   y = x / (bias + alpha * sqr_sum) ** beta
#include <climits>

#include "kernels/lrn.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using kernels::LrnParams;

LrnParams params(const AttrMap& a) {
  return {a.get<int64_t>("depth_radius"), a.get<double>("bias"), a.get<double>("alpha"),
          a.get<double>("beta")};
}

void lrn_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  const DType d = shape_rules::same_dtype(c);
  const int64_t r = c.attrs().get<int64_t>("depth_radius");
  if (r < 0 || r > INT_MAX) c.value_error("depth_radius = ", r, " must be in [0, 2147483647]");
  Shape s = Shape::unknown_rank();
  for (int i = 0; i < c.num_inputs(); ++i) {
    const Shape& si = c.input_shape(i);
    if (si.has_rank() && si.rank() != 4)
      c.value_error("Shape must be rank 4 but is rank ", si.rank());
    if (!s.compatible_with(si))
      c.value_error("LRNGrad inputs must have one shape, got ", s.to_tf_string(), " and ",
                    si.to_tf_string());
    s = s.merge_with(si);
  }
  c.set_output(0, d,
               s.has_rank() ? s : Shape({kUnknownDim, kUnknownDim, kUnknownDim, kUnknownDim}));
}

void check_input(KernelContext& c, const Tensor& t, const Tensor& like) {
  if (t.rank() != 4)
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": input must be 4-dimensional, got ",
           dims_to_string(t.dims()));
  if (t.dims() != like.dims())
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), ": inputs must have one shape, got ",
           dims_to_string(t.dims()), " and ", dims_to_string(like.dims()));
}

template <bool Grad>
void lrn_kernel(KernelContext& c) {
  const LrnParams p = params(c.attrs());
  if (p.radius < 0 || p.radius > INT_MAX)
    c.fail(ErrorCode::kInvalidArgument, "depth_radius = ", p.radius, " must be in [0, 2147483647]");
  const Tensor& x = c.input(Grad ? 1 : 0);
  for (int i = 0; i < c.num_inputs(); ++i) check_input(c, c.input(i), x);
  const int64_t depth = x.dim(3), rows = depth == 0 ? 0 : x.num_elements() / depth;
  Tensor& out = c.allocate_output(0, x.dtype(), x.dims());
  auto run = [&](auto tag) {
    using T = decltype(tag);
    if constexpr (Grad)
      kernels::lrn_grad(p, rows, depth, c.input(0).data<T>(), x.data<T>(), out.data<T>());
    else
      kernels::lrn(p, rows, depth, x.data<T>(), out.data<T>());
  };
  if (x.dtype() == DType::kFloat32)
    run(float{});
  else
    run(double{});
}

}  // namespace

void register_lrn_ops(OpRegistry& r) {
  r.add("LRN")
      .inputs({"input"})
      .outputs({"output"})
      .attr("depth_radius", 5, "half-width of the channel window")
      .attr("bias", 1.0, "offset (usually positive, to avoid dividing by 0)")
      .attr("alpha", 1.0, "scale of the sum of squares")
      .attr("beta", 0.5, "exponent")
      .shape(lrn_shape)
      .kernel(lrn_kernel<false>)
      .grad([](GradContext& c) {
        return Grads{op(c.graph(), "LRNGrad", {c.grad(), c.input(0), c.output()}, c.attrs())};
      });
  r.add("LRNGrad")
      .inputs({"input_grads", "input_image", "output_image"})
      .outputs({"output"})
      .attr("depth_radius", 5, "half-width of the channel window")
      .attr("bias", 1.0, "offset (usually positive, to avoid dividing by 0)")
      .attr("alpha", 1.0, "scale of the sum of squares")
      .attr("beta", 0.5, "exponent")
      .shape(lrn_shape)
      .kernel(lrn_kernel<true>)
      .not_differentiable();
}

}  // namespace varflow::ops
