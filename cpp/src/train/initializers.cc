#include "varflow/train/initializers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/training_util.h"

namespace varflow::train {
namespace {

Output scalar_of(Graph& graph, double value, DType dtype, const std::string& name) {
  return ops::constant(graph, Tensor::scalar<double>(value).cast(dtype), name);
}

void check_float(DType dtype, const char* what) {
  VF_CHECK(is_any_floating(dtype), ErrorCode::kType, what, " needs a floating dtype, not ",
           dtype_name(dtype));
}

// The three random tensors: shape, the two parameters, the seeded draw, then
// draw * scale + shift (uniform: draw * (max - min) + min; integer uniform: the draw itself).
enum class Draw { kUniform, kNormal, kTruncated };

Output random_tensor(Graph& graph, Draw draw, const Arg& shape, const Arg& a, const Arg& b,
                     DType dtype, std::optional<int64_t> seed, const std::string& name,
                     const char* default_name) {
  const bool uniform = draw == Draw::kUniform;
  const bool integer = uniform && (dtype == DType::kInt32 || dtype == DType::kInt64);
  if (!integer) check_float(dtype, default_name);
  NameScope scope(graph, name.empty() ? default_name : name);
  const std::string out_name = scope.scope().substr(0, scope.scope().size() - 1) + "/";
  Output shape_t = shape.index_tensor(graph, "shape");
  Output first = a.tensor(graph, dtype, uniform ? "min" : "mean");
  Output second = b.tensor(graph, dtype, uniform ? "max" : "stddev");
  const Seeds seeds = random_seeds(graph, seed);
  const int64_t s1 = seeds.seed.value_or(0), s2 = seeds.seed2.value_or(0);
  if (integer)
    return ops::RandomUniformInt(shape_t, first, second,
                                 ops::RandomUniformIntAttrs().with_seed(s1).with_seed2(s2),
                                 out_name);
  Output rnd;
  if (uniform)
    rnd = ops::RandomUniform(
        shape_t, ops::RandomUniformAttrs().with_dtype(dtype).with_seed(s1).with_seed2(s2));
  else if (draw == Draw::kNormal)
    rnd = ops::RandomStandardNormal(
        shape_t, ops::RandomStandardNormalAttrs().with_dtype(dtype).with_seed(s1).with_seed2(s2));
  else
    rnd = ops::TruncatedNormal(
        shape_t, ops::TruncatedNormalAttrs().with_dtype(dtype).with_seed(s1).with_seed2(s2));
  if (uniform) {
    Output range = ops::Sub(second, first, "sub");
    return ops::Add(ops::Mul(rnd, range, "mul"), first, out_name);
  }
  return ops::Add(ops::Mul(rnd, second, "mul"), first, out_name);
}

Arg static_shape(Graph& graph, const Dims& shape) {
  return Arg([&graph, shape](std::optional<DType>, const std::string&) {
    return shape_constant(graph, shape);
  });
}

}  // namespace

// TF1's tensor_util.shape_tensor: an int32 (int64 if large) constant named "shape".
Output shape_constant(Graph& graph, const Dims& shape) {
  bool large = false;
  for (int64_t d : shape) {
    VF_CHECK(d >= 0, ErrorCode::kValue, "Dimension ", d, " of shape ", dims_to_string(shape),
             " is negative");
    large |= d >= (int64_t{1} << 31);
  }
  std::vector<int64_t> dims(shape.begin(), shape.end());
  if (large)
    return ops::constant(
        graph, Tensor::from_vector<int64_t>(dims, {static_cast<int64_t>(dims.size())}), "shape");
  std::vector<int32_t> small(dims.begin(), dims.end());
  return ops::constant(
      graph, Tensor::from_vector<int32_t>(small, {static_cast<int64_t>(small.size())}), "shape");
}

Output random_uniform(Graph& graph, const Arg& shape, const Arg& minval, const Arg& maxval,
                      DType dtype, std::optional<int64_t> seed, const std::string& name) {
  return random_tensor(graph, Draw::kUniform, shape, minval, maxval, dtype, seed, name,
                       "random_uniform");
}

Output random_normal(Graph& graph, const Arg& shape, const Arg& mean, const Arg& stddev,
                     DType dtype, std::optional<int64_t> seed, const std::string& name) {
  return random_tensor(graph, Draw::kNormal, shape, mean, stddev, dtype, seed, name,
                       "random_normal");
}

Output truncated_normal(Graph& graph, const Arg& shape, const Arg& mean, const Arg& stddev,
                        DType dtype, std::optional<int64_t> seed, const std::string& name) {
  return random_tensor(graph, Draw::kTruncated, shape, mean, stddev, dtype, seed, name,
                       "truncated_normal");
}

Output random_uniform(Graph& graph, const Dims& shape, double minval, double maxval, DType dtype,
                      std::optional<int64_t> seed, const std::string& name) {
  return random_uniform(graph, static_shape(graph, shape), minval, maxval, dtype, seed, name);
}

Output random_normal(Graph& graph, const Dims& shape, double mean, double stddev, DType dtype,
                     std::optional<int64_t> seed, const std::string& name) {
  return random_normal(graph, static_shape(graph, shape), mean, stddev, dtype, seed, name);
}

Output truncated_normal(Graph& graph, const Dims& shape, double mean, double stddev, DType dtype,
                        std::optional<int64_t> seed, const std::string& name) {
  return truncated_normal(graph, static_shape(graph, shape), mean, stddev, dtype, seed, name);
}

Output filled(Graph& graph, const Dims& shape, double value, DType dtype, const std::string& name) {
  int64_t count = 1;
  bool negative = false;
  for (int64_t d : shape) {
    negative |= d < 0;
    if (!negative && __builtin_mul_overflow(count, d, &count)) count = -1;
  }
  if (!negative && count >= 0 && count < 1000) {
    Tensor t = Tensor::scalar<double>(value).cast(dtype);
    Tensor full(dtype, shape);
    for (int64_t i = 0; i < full.num_elements(); ++i) full.copy_elements_from(t, 0, i, 1);
    return ops::constant(graph, full, name);
  }
  NameScope scope(graph, name);
  Output shape_t = shape_constant(graph, shape);
  Output scalar = scalar_of(graph, value, dtype, "Const");
  return ops::Fill(shape_t, scalar, scope.scope());
}

Initializer zeros_initializer() {
  return
      [](Graph& g, const Dims& shape, DType dtype) { return filled(g, shape, 0, dtype, "zeros"); };
}

Initializer ones_initializer() {
  return
      [](Graph& g, const Dims& shape, DType dtype) { return filled(g, shape, 1, dtype, "ones"); };
}

Initializer constant_initializer(double value) {
  return [value](Graph& g, const Dims& shape, DType dtype) {
    Tensor t = Tensor::scalar<double>(value).cast(dtype);
    Tensor full(dtype, shape);
    for (int64_t i = 0; i < full.num_elements(); ++i) full.copy_elements_from(t, 0, i, 1);
    return ops::constant(g, full, "Const");
  };
}

Initializer random_uniform_initializer(Arg minval, Arg maxval, std::optional<int64_t> seed) {
  return [=](Graph& g, const Dims& shape, DType dtype) {
    return random_uniform(g, static_shape(g, shape), minval, maxval, dtype, seed, "");
  };
}

Initializer random_normal_initializer(Arg mean, Arg stddev, std::optional<int64_t> seed) {
  return [=](Graph& g, const Dims& shape, DType dtype) {
    return random_normal(g, static_shape(g, shape), mean, stddev, dtype, seed, "");
  };
}

Initializer truncated_normal_initializer(Arg mean, Arg stddev, std::optional<int64_t> seed) {
  return [=](Graph& g, const Dims& shape, DType dtype) {
    return truncated_normal(g, static_shape(g, shape), mean, stddev, dtype, seed, "");
  };
}

std::pair<int64_t, int64_t> compute_fans(const Dims& shape) {
  if (shape.empty()) return {1, 1};
  if (shape.size() == 1) return {shape[0], shape[0]};
  if (shape.size() == 2) return {shape[0], shape[1]};
  int64_t receptive = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= shape[i];
  return {shape[shape.size() - 2] * receptive, shape[shape.size() - 1] * receptive};
}

Output variance_scaling(Graph& graph, const Dims& shape, DType dtype, double scale, FanMode mode,
                        Distribution distribution, std::optional<int64_t> seed,
                        const std::optional<Dims>& fan_shape) {
  VF_CHECK(scale > 0, ErrorCode::kValue, "`scale` must be positive float.");
  check_float(dtype, "variance_scaling_initializer");
  const auto [fan_in, fan_out] = compute_fans(fan_shape ? *fan_shape : shape);
  double s = scale;
  if (mode == FanMode::kFanIn)
    s /= std::max(1.0, static_cast<double>(fan_in));
  else if (mode == FanMode::kFanOut)
    s /= std::max(1.0, static_cast<double>(fan_out));
  else
    s /= std::max(1.0, static_cast<double>(fan_in + fan_out) / 2.0);
  if (distribution == Distribution::kTruncatedNormal)
    // The standard deviation of a unit normal truncated to [-2, 2] (scipy's truncnorm).
    return truncated_normal(graph, shape, 0.0, std::sqrt(s) / 0.87962566103423978, dtype, seed);
  if (distribution == Distribution::kUntruncatedNormal)
    return random_normal(graph, shape, 0.0, std::sqrt(s), dtype, seed);
  const double limit = std::sqrt(3.0 * s);
  return random_uniform(graph, shape, -limit, limit, dtype, seed);
}

Initializer variance_scaling_initializer(double scale, FanMode mode, Distribution distribution,
                                         std::optional<int64_t> seed) {
  VF_CHECK(scale > 0, ErrorCode::kValue, "`scale` must be positive float.");
  return [=](Graph& g, const Dims& shape, DType dtype) {
    return variance_scaling(g, shape, dtype, scale, mode, distribution, seed);
  };
}

FanMode parse_fan_mode(const std::string& mode) {
  if (mode == "fan_in") return FanMode::kFanIn;
  if (mode == "fan_out") return FanMode::kFanOut;
  if (mode == "fan_avg") return FanMode::kFanAvg;
  raise(ErrorCode::kValue, "Invalid `mode` argument: ", mode);
}

Distribution parse_distribution(const std::string& distribution) {
  if (distribution == "truncated_normal" || distribution == "normal")
    return Distribution::kTruncatedNormal;
  if (distribution == "untruncated_normal") return Distribution::kUntruncatedNormal;
  if (distribution == "uniform") return Distribution::kUniform;
  raise(ErrorCode::kValue, "Invalid `distribution` argument: ", distribution);
}

Initializer glorot_uniform_initializer(std::optional<int64_t> seed) {
  return variance_scaling_initializer(1.0, FanMode::kFanAvg, Distribution::kUniform, seed);
}

Initializer glorot_normal_initializer(std::optional<int64_t> seed) {
  return variance_scaling_initializer(1.0, FanMode::kFanAvg, Distribution::kTruncatedNormal, seed);
}

}  // namespace varflow::train
