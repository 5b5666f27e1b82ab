// The composite clipping functions of varflow/train/clip.h over the ClipByValue and GlobalNorm
// ops (ops/clip_ops.cc), node for node as TF1's clip_ops.py builds them.
#include "varflow/train/clip.h"

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"

namespace varflow::train {

namespace {
std::string or_default(const std::string& name, const char* default_name) {
  return name.empty() ? default_name : name;
}
}  // namespace

Output clip_by_value(Graph& g, const Arg& t, const Arg& clip_value_min, const Arg& clip_value_max,
                     const std::string& name) {
  NameScope scope(g, or_default(name, "clip_by_value"));
  Output values = t.tensor(g, std::nullopt, "t");
  Output lo = clip_value_min.tensor(g, values.dtype(), "clip_value_min");
  Output hi = clip_value_max.tensor(g, values.dtype(), "clip_value_max");
  return ops::op(g, "ClipByValue", {values, lo, hi}, {}, scope.scope());
}

Output clip_by_norm(Graph& g, const Arg& t, const Arg& clip_norm_arg,
                    const std::optional<Arg>& axes, const std::string& name) {
  NameScope scope(g, or_default(name, "clip_by_norm"));
  Output values = t.tensor(g, std::nullopt, "t");
  Output clip_norm = clip_norm_arg.tensor(g, values.dtype(), "clip_norm");
  if (clip_norm.shape().has_rank() && clip_norm.shape().rank() != 0)
    raise(ErrorCode::kValue, "clip_norm must be a 0-D (scalar) Tensor, got shape ",
          tf::shape_str(clip_norm.shape()));
  Output squares = tf::mul(values, values);
  Output l2sum = axes ? tf::reduce("Sum", squares, axes->index_tensor(g), true)
                      : tf::reduce("Sum", squares, std::nullopt, true);
  Output zero = tf::k(l2sum, 0.0);
  Output pred = tf::op("Greater", {l2sum, zero});
  // Two-sided select, so that the gradient of a zero norm is not NaN.
  Output l2sum_safe = tf::op("Select", {pred, l2sum, tf::op("OnesLike", {l2sum})});
  Output l2norm = tf::op("Select", {pred, tf::op("Sqrt", {l2sum_safe}), l2sum});
  Output intermediate = tf::mul(values, clip_norm);
  if (!values.shape().compatible_with(intermediate.shape()))
    raise(ErrorCode::kValue, "Shapes ", tf::shape_str(values.shape()), " and ",
          tf::shape_str(intermediate.shape()), " are incompatible");
  Output denom = tf::op("Maximum", {l2norm, clip_norm});
  return ops::identity(tf::truediv(intermediate, denom), scope.scope());
}

Output global_norm(Graph& g, const std::vector<std::optional<Arg>>& t_list,
                   const std::string& name) {
  NameScope scope(g, or_default(name, "global_norm"));
  std::vector<Output> values;
  for (size_t i = 0; i < t_list.size(); ++i)
    if (t_list[i]) values.push_back(t_list[i]->tensor(g, std::nullopt, "t_" + std::to_string(i)));
  if (values.empty()) raise(ErrorCode::kValue, "global_norm needs at least one non-None tensor");
  return ops::op(g, "GlobalNorm", values, {}, "global_norm");
}

std::pair<std::vector<std::optional<Output>>, Output> clip_by_global_norm(
    Graph& g, const std::vector<std::optional<Arg>>& t_list, const Arg& clip_norm_arg,
    const std::optional<Arg>& use_norm_arg, const std::string& name) {
  std::optional<Output> computed;
  if (!use_norm_arg) computed = global_norm(g, t_list, name);
  NameScope scope(g, or_default(name, "clip_by_global_norm"));
  Output use_norm = computed ? *computed : use_norm_arg->tensor(g, std::nullopt);
  const DType dtype = use_norm.dtype();
  Output clip_norm = clip_norm_arg.tensor(g, dtype, "clip_norm");
  Output one = tf::k(use_norm, 1.0);
  Output inv_norm = tf::truediv(1.0, use_norm);
  Output inv_clip = tf::truediv(one, clip_norm);
  Output scale_for_finite = tf::mul(clip_norm, tf::op("Minimum", {inv_norm, inv_clip}));
  // A no-op for a finite norm; NaN for inf/NaN, so that every output is NaN.
  Output scale = tf::add(scale_for_finite, tf::sub(use_norm, use_norm));
  std::string base = scope.scope();
  base.pop_back();
  std::vector<std::optional<Output>> clipped;
  for (size_t i = 0; i < t_list.size(); ++i) {
    if (!t_list[i]) {
      clipped.emplace_back();
      continue;
    }
    Output v = t_list[i]->tensor(g, std::nullopt, "t_" + std::to_string(i));
    Output s = tf::cast(scale, v.dtype());
    clipped.emplace_back(ops::identity(tf::mul(v, s), base + "_" + std::to_string(i)));
  }
  return {clipped, use_norm};
}

Output clip_by_average_norm(Graph& g, const Arg& t_arg, const Arg& clip_norm_arg,
                            const std::string& name) {
  NameScope scope(g, or_default(name, "clip_by_average_norm"));
  Output t = t_arg.tensor(g, std::nullopt, "t");
  const DType dtype = t.dtype();
  Output clip_norm = clip_norm_arg.tensor(g, dtype, "clip_norm");
  Output size = tf::op("Size", {t}, "", {{"out_type", DType::kInt32}});
  Output n_element = tf::cast(size, dtype);
  Output l2norm_inv = tf::op("Rsqrt", {tf::reduce("Sum", tf::mul(t, t), std::nullopt, false)});
  Output one = tf::k(t, 1.0);
  Output scaled = tf::mul(t, clip_norm);
  Output ratio = tf::mul(l2norm_inv, n_element);
  Output bound = tf::op("Minimum", {ratio, tf::truediv(one, clip_norm)});
  return ops::identity(tf::mul(scaled, bound), scope.scope());
}

}  // namespace varflow::train
