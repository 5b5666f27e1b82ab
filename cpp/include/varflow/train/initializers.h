// TF1's random tensors and variable initializers (tf.random_uniform, tf.random_normal,
// tf.truncated_normal; init_ops' zeros, ones, constant, random_uniform, random_normal,
// truncated_normal, variance_scaling, glorot_uniform and glorot_normal initializers), built with
// TF1's ops, names and seeds, so that a seeded graph gives TF1's (and the Python API's) numbers:
// the random ops take their seeds from random_seeds(graph, seed) (training_util.h) after their
// shape and parameter constants are built, as TF1's code does.
//
// Errors: kValue for a variance-scaling scale <= 0 or a negative dimension; kType for a random
// tensor of a non-floating dtype (the integer draws of tf.random_uniform are not built here).
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "varflow/graph.h"

namespace varflow::train {

// minval + (maxval - minval) * RandomUniform(shape), in name scope `name` (default
// "random_uniform"): constants "shape", "min", "max", then ops RandomUniform, sub, mul and the
// Add named after the scope.
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
Initializer random_uniform_initializer(double minval = 0, double maxval = 1,
                                       std::optional<int64_t> seed = std::nullopt);
Initializer random_normal_initializer(double mean = 0, double stddev = 1,
                                      std::optional<int64_t> seed = std::nullopt);
Initializer truncated_normal_initializer(double mean = 0, double stddev = 1,
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
// variance_scaling(1, fan_avg, uniform): uniform in +-sqrt(6 / (fan_in + fan_out)); TF1's
// default for float variables of get_variable and tf.layers.
Initializer glorot_uniform_initializer(std::optional<int64_t> seed = std::nullopt);
// variance_scaling(1, fan_avg, truncated normal).
Initializer glorot_normal_initializer(std::optional<int64_t> seed = std::nullopt);

}  // namespace varflow::train
