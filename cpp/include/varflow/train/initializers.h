// TF1's random tensors and variable initializers (tf.random_uniform, tf.random_normal,
// tf.truncated_normal; init_ops' zeros, ones, constant, random_uniform, random_normal,
// truncated_normal, variance_scaling, glorot_uniform and glorot_normal initializers), built with
// TF1's ops, names and seeds, so that a seeded graph gives TF1's (and the Python API's) numbers:
// the random ops take their seeds from random_seeds(graph, seed) (training_util.h) after their
// shape and parameter constants are built, as TF1's code does.
//
// Errors: kValue for a variance-scaling scale <= 0 or a negative dimension; kType for a random
// normal of a non-floating dtype, a uniform of a dtype neither floating nor int32/int64.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

// minval + (maxval - minval) * RandomUniform(shape), in name scope `name` (default
// "random_uniform"): constants "shape", "min", "max", then ops RandomUniform, sub, mul and the
// Add named after the scope. An integer dtype (int32, int64) draws RandomUniformInt(shape, min,
// max) named after the scope instead, integers in [minval, maxval).
Output random_uniform(Graph& graph, const Dims& shape, double minval = 0, double maxval = 1,
                      DType dtype = DType::kFloat32, std::optional<int64_t> seed = std::nullopt,
                      const std::string& name = "");
// mean + stddev * RandomStandardNormal(shape); default scope "random_normal".
Output random_normal(Graph& graph, const Dims& shape, double mean = 0, double stddev = 1,
                     DType dtype = DType::kFloat32, std::optional<int64_t> seed = std::nullopt,
                     const std::string& name = "");
// mean + stddev * TruncatedNormal(shape) (draws beyond 2 stddev re-drawn); default scope
// "truncated_normal".
Output truncated_normal(Graph& graph, const Dims& shape, double mean = 0, double stddev = 1,
                        DType dtype = DType::kFloat32, std::optional<int64_t> seed = std::nullopt,
                        const std::string& name = "");

// The same three with every argument an Arg (what tf.random_uniform and friends accept: a shape
// tensor, tensor bounds), converted inside the scope in TF1's order: `shape` by
// Arg::index_tensor named "shape" (a builder is called with no dtype and the name "shape"; a
// tensor is taken as it is), the two parameters by Arg::tensor of `dtype` named "min"/"max"
// ("mean"/"stddev"), then the seeds. The Dims forms above are these with a "shape" constant.
Output random_uniform(Graph& graph, const Arg& shape, const Arg& minval, const Arg& maxval,
                      DType dtype, std::optional<int64_t> seed, const std::string& name);
Output random_normal(Graph& graph, const Arg& shape, const Arg& mean, const Arg& stddev,
                     DType dtype, std::optional<int64_t> seed, const std::string& name);
Output truncated_normal(Graph& graph, const Arg& shape, const Arg& mean, const Arg& stddev,
                        DType dtype, std::optional<int64_t> seed, const std::string& name);
// TF1's tensor_util.shape_tensor of static dimensions: an int32 constant named "shape" (int64
// when a dimension does not fit int32). kValue for a negative dimension.
Output shape_constant(Graph& graph, const Dims& shape);
// tf.zeros / tf.ones of a static shape: a Const `name` below 1000 elements, else a Fill named
// `name` of a "shape" constant and a scalar "Const".
Output filled(Graph& graph, const Dims& shape, double value, DType dtype, const std::string& name);

// An initializer builds a variable's initial value of `shape` and `dtype` in the graph's current
// name scope (get_variable opens "<variable>/Initializer/" for it).
using Initializer = std::function<Output(Graph& graph, const Dims& shape, DType dtype)>;

Initializer zeros_initializer();
Initializer ones_initializer();
// Every element `value` (a Const named "Const").
Initializer constant_initializer(double value);
// The random initializers: random_uniform / random_normal / truncated_normal of the variable's
// shape and dtype in their default scopes. The parameters are Args, so a host (or the Python
// API) may pass tensors; a number is converted to the variable's dtype.
Initializer random_uniform_initializer(Arg minval = 0, Arg maxval = 1,
                                       std::optional<int64_t> seed = std::nullopt);
Initializer random_normal_initializer(Arg mean = 0, Arg stddev = 1,
                                      std::optional<int64_t> seed = std::nullopt);
Initializer truncated_normal_initializer(Arg mean = 0, Arg stddev = 1,
                                         std::optional<int64_t> seed = std::nullopt);

enum class FanMode { kFanIn, kFanOut, kFanAvg };
enum class Distribution { kTruncatedNormal, kUntruncatedNormal, kUniform };
// TF1's _compute_fans: (fan_in, fan_out) of a weight shape (convolution kernels count their
// receptive field).
std::pair<int64_t, int64_t> compute_fans(const Dims& shape);
// scale / n with n = fan_in, fan_out or their mean (at least 1): a truncated normal of that
// variance (stddev sqrt(scale / n) / 0.8796..., the truncation's correction), an untruncated
// one, or uniform in +-sqrt(3 * scale / n). kValue (at once) for scale <= 0.
Initializer variance_scaling_initializer(double scale = 1.0, FanMode mode = FanMode::kFanIn,
                                         Distribution distribution = Distribution::kTruncatedNormal,
                                         std::optional<int64_t> seed = std::nullopt);
// The variance-scaling initial value itself: the fans are those of `fan_shape` when given (a
// partitioned variable's full shape), else of `shape`. kValue for scale <= 0, kType for a
// non-floating dtype.
Output variance_scaling(Graph& graph, const Dims& shape, DType dtype, double scale, FanMode mode,
                        Distribution distribution, std::optional<int64_t> seed,
                        const std::optional<Dims>& fan_shape = std::nullopt);
// "fan_in" / "fan_out" / "fan_avg" and "truncated_normal" (or "normal") / "untruncated_normal" /
// "uniform", TF1's spellings; kValue for another.
FanMode parse_fan_mode(const std::string& mode);
Distribution parse_distribution(const std::string& distribution);
// variance_scaling(1, fan_avg, uniform): uniform in +-sqrt(6 / (fan_in + fan_out)); TF1's
// default for float variables of get_variable and tf.layers.
Initializer glorot_uniform_initializer(std::optional<int64_t> seed = std::nullopt);
// variance_scaling(1, fan_avg, truncated normal).
Initializer glorot_normal_initializer(std::optional<int64_t> seed = std::nullopt);

}  // namespace varflow::train
