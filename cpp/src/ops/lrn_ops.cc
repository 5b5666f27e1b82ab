// Local response normalization over the channel axis (TF1's LRN and LRNGrad):
//   sqr_sum[..., d] = sum(x[..., d - r : d + r + 1] ** 2)
//   y = x / (bias + alpha * sqr_sum) ** beta
#include <algorithm>
#include <climits>
#include <cmath>
#include <vector>

#include "core/thread_pool.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

struct LrnParams {
  int64_t radius;
  double bias, alpha, beta;
};

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

// Window sums of squares per pixel row of `depth` channels: norm[d] = bias + alpha * sum.
template <typename T>
void norms(const T* x, int64_t depth, const LrnParams& p, double* norm) {
  for (int64_t d = 0; d < depth; ++d) {
    double s = 0;
    for (int64_t k = std::max<int64_t>(0, d - p.radius); k <= std::min(depth - 1, d + p.radius);
         ++k)
      s += static_cast<double>(x[k]) * static_cast<double>(x[k]);
    norm[d] = p.bias + p.alpha * s;
  }
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
    const T* px = x.data<T>();
    T* po = out.data<T>();
    const T* pg = Grad ? c.input(0).data<T>() : nullptr;
    auto task = [&](int64_t r0, int64_t r1) {
      std::vector<double> norm(static_cast<size_t>(depth)), coef(static_cast<size_t>(depth));
      for (int64_t r = r0; r < r1; ++r) {
        const T* xr = px + r * depth;
        T* orow = po + r * depth;
        norms(xr, depth, p, norm.data());
        if (!Grad) {
          for (int64_t d = 0; d < depth; ++d)
            orow[d] = static_cast<T>(xr[d] * std::pow(norm[d], -p.beta));
          continue;
        }
        // dx_i = g_i N_i^-beta - 2 alpha beta x_i sum_{|j-i|<=r} g_j x_j N_j^(-beta-1)
        const T* g = pg + r * depth;
        for (int64_t j = 0; j < depth; ++j)
          coef[j] = static_cast<double>(g[j]) * xr[j] * std::pow(norm[j], -p.beta - 1);
        for (int64_t i = 0; i < depth; ++i) {
          double s = 0;
          for (int64_t j = std::max<int64_t>(0, i - p.radius);
               j <= std::min(depth - 1, i + p.radius); ++j)
            s += coef[j];
          orow[i] =
              static_cast<T>(g[i] * std::pow(norm[i], -p.beta) - 2 * p.alpha * p.beta * xr[i] * s);
        }
      }
    };
    ThreadPool::global().parallel_for(
        rows, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(1, depth * (2 * p.radius + 1))),
        task, 1);
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
