// Clipping ops: ClipByValue (TF's fused min/max with _ClipByValueGrad) and GlobalNorm, the
// L2 norm of many tensors in one pass (what tf.global_norm / tf.clip_by_global_norm need).
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/norms.h"
#include "ops/broadcast_grad.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using kernels::BinaryOp;

// --- ClipByValue(t, clip_value_min, clip_value_max) = max(min(t, max), min) ----------------
// The bounds broadcast against t but may not grow it (TF1 checks the same at build time).
void clip_by_value_shape(InferenceContext& c) {
  DType d = shape_rules::same_dtype(c);
  if (!kernels::binary_supports(BinaryOp::kMinimum, d) || d == DType::kBool)
    c.type_error("Value passed to parameter 't' has DataType ", dtype_name(d),
                 " not in list of allowed values");
  const Shape& t = c.input_shape(0);
  for (int i = 1; i < 3; ++i) {
    Shape b = shape_rules::broadcast_shapes(c, t, c.input_shape(i));
    if (!t.compatible_with(b))
      c.value_error("Shapes ", t.to_tf_string(), " and ", b.to_tf_string(),
                    " are incompatible: clip bounds may not broadcast the clipped tensor");
  }
  c.set_output(0, d, t);
}

void clip_by_value_kernel(KernelContext& c) {
  const Tensor& t = c.input(0);
  const Tensor& lo = c.input(1);
  const Tensor& hi = c.input(2);
  for (const Tensor* b : {&lo, &hi})
    if (b->dims() != t.dims() && kernels::broadcast_dims(t.dims(), b->dims()) != t.dims())
      c.fail(ErrorCode::kInvalidArgument,
             "clip_value_min and clip_value_max must be scalars or "
             "broadcast to the shape of t: t ",
             dims_to_string(t.dims()), ", bound ", dims_to_string(b->dims()));
  Tensor& out = c.allocate_output(0, t.dtype(), t.dims());
  kernels::binary(BinaryOp::kMinimum, t, hi, out, c.pool());
  kernels::binary(BinaryOp::kMaximum, out, lo, out, c.pool());
}

// TF's _ClipByValueGrad: the gradient reaches t where min <= t <= max, and the bound that
// clipped elsewhere, summed down to the bound's shape.
Grads clip_by_value_grad(GradContext& c) {
  Graph& g = c.graph();
  Output x = c.input(0), lo = c.input(1), hi = c.input(2), dy = c.grad();
  Output zeros = zeros_like(dy);
  Output below = op(g, "Less", {x, lo});
  Output above = op(g, "Greater", {x, hi});
  Output outside = op(g, "LogicalOr", {below, above});
  return reduce_broadcast_grads(
      c, {op(g, "Select", {outside, zeros, dy}), op(g, "Select", {below, dy, zeros}),
          op(g, "Select", {above, dy, zeros})});
}

// --- GlobalNorm(t_0, ..., t_n) = sqrt(sum_i sum(t_i^2)) ----------------------------------------
// Squares are summed in double across all tensors (kernels/norms.h); the sum is then a value of
// the inputs' dtype, so that a float32 sum of squares past the float range is inf, as in TF1.
template <typename T>
double global_sum_squares(KernelContext& c, const std::vector<const Tensor*>& tensors) {
  return kernels::sum_of_squares<T>(tensors, c.pool());
}

void global_norm_kernel(KernelContext& c) {
  const DType d = c.input(0).dtype();
  for (int i = 1; i < c.num_inputs(); ++i)
    if (c.input(i).dtype() != d)
      c.fail(ErrorCode::kInvalidArgument, "GlobalNorm inputs must share one dtype: ", dtype_name(d),
             " vs. ", dtype_name(c.input(i).dtype()));
  std::vector<const Tensor*> tensors;
  for (int i = 0; i < c.num_inputs(); ++i) tensors.push_back(&c.input(i));
  Tensor& out = c.allocate_output(0, d, {});
  if (d == DType::kFloat32)
    *out.data<float>() = std::sqrt(static_cast<float>(global_sum_squares<float>(c, tensors)));
  else
    *out.data<double>() = std::sqrt(global_sum_squares<double>(c, tensors));
}

// Global-norm clipping inside an optimizer: inputs clip_norm, then N (variable, gradient)
// pairs; the variables are read only, to see which are frozen in this run. Frozen variables'
// gradients do not count. Outputs the norm and the scale clip_norm / max(norm, clip_norm) (NaN when
// the norm is not finite, as tf.clip_by_global_norm).
void global_norm_of_updates_kernel(KernelContext& c) {
  const int n = (c.num_inputs() - 1) / 2;
  std::vector<const Tensor*> grads;
  for (int i = 0; i < n; ++i)
    if (!c.is_frozen(c.ref(1 + 2 * i))) grads.push_back(&c.input(2 + 2 * i));
  const DType d = c.input(2).dtype();
  for (const Tensor* g : grads)
    if (g->dtype() != d)
      c.fail(ErrorCode::kInvalidArgument, "gradients to clip must share one dtype: ", dtype_name(d),
             " vs. ", dtype_name(g->dtype()));
  const double sum = d == DType::kFloat32 ? static_cast<float>(global_sum_squares<float>(c, grads))
                                          : global_sum_squares<double>(c, grads);
  const double norm = std::sqrt(sum), clip = c.input(0).scalar_as_double();
  const double scale =
      std::isfinite(norm) ? clip / std::max(norm, clip) : std::numeric_limits<double>::quiet_NaN();
  Tensor& norm_out = c.allocate_output(0, d, {});
  Tensor& scale_out = c.allocate_output(1, d, {});
  if (d == DType::kFloat32) {
    *norm_out.data<float>() = static_cast<float>(std::isfinite(norm) ? norm : scale);
    *scale_out.data<float>() = static_cast<float>(scale);
  } else {
    *norm_out.data<double>() = std::isfinite(norm) ? norm : scale;
    *scale_out.data<double>() = scale;
  }
}

void global_norm_of_updates_shape(InferenceContext& c) {
  if (c.num_inputs() < 3 || (c.num_inputs() - 1) % 2 != 0)
    c.value_error("GlobalNormOfUpdates takes clip_norm and (variable, gradient) pairs");
  const int n = (c.num_inputs() - 1) / 2;
  for (int i = 0; i < n; ++i)
    if (!c.input(1 + 2 * i).node->op_def().is_variable)
      c.type_error("input ", 1 + 2 * i, " ('", c.input(1 + 2 * i).name(), "') is not a variable");
  const DType d = c.input_dtype(2);
  if (!is_floating(d)) c.type_error("gradients must be float32 or float64, got ", dtype_name(d));
  c.set_output(0, d, Shape{});
  c.set_output(1, d, Shape{});
}

void global_norm_shape(InferenceContext& c) {
  if (c.num_inputs() == 0) c.value_error("GlobalNorm needs at least one input");
  DType d = shape_rules::same_dtype(c);
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  c.set_output(0, d, Shape{});
}

// d norm / d t_i = t_i / norm; zero where the norm is zero (every t_i is then zero too).
Grads global_norm_grad(GradContext& c) {
  Graph& g = c.graph();
  Output norm = c.output(), dy = c.grad();
  Output positive = op(g, "Greater", {norm, zeros_like(norm)});
  Output safe = op(g, "Select", {positive, norm, ones_like(norm)});
  Output scale = op(g, "Select", {positive, div(dy, safe), zeros_like(norm)});
  Grads grads;
  for (int i = 0; i < c.num_inputs(); ++i) grads.push_back(mul(c.input(i), scale));
  return grads;
}

}  // namespace

void register_clip_ops(OpRegistry& r) {
  r.add("ClipByValue")
      .inputs({"t", "clip_value_min", "clip_value_max"})
      .outputs({"output"})
      .shape(clip_by_value_shape)
      .kernel(clip_by_value_kernel)
      .grad(clip_by_value_grad)
      .doc("max(min(t, clip_value_max), clip_value_min); bounds broadcast to t's shape.");
  r.add("GlobalNorm")
      .inputs({"t_list"})
      .variadic_inputs()
      .outputs({"global_norm"})
      .shape(global_norm_shape)
      .kernel(global_norm_kernel)
      .grad(global_norm_grad)
      .doc("sqrt of the sum of squares of all inputs, accumulated in double in one pass.");
  r.add("GlobalNormOfUpdates")
      .inputs({"clip_norm", "var", "grad"})
      .variadic_inputs()
      .outputs({"global_norm", "scale"})
      .ref_inputs_where([](int i) { return i >= 1 && (i - 1) % 2 == 0; })
      .reads_refs_only()
      .shape(global_norm_of_updates_shape)
      .kernel(global_norm_of_updates_kernel)
      .not_differentiable()
      .doc(
          "An optimizer's global-norm clipping: the norm of the gradients of the variables "
          "not frozen in this run, and the scale that clips it.");
}

}  // namespace varflow::ops
