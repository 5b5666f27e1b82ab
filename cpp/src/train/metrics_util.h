// The pieces tf.metrics' families share (metrics.cc, metrics_thresholds.cc): scopes,
// collections, TF1's squeezing and weight broadcasting, div_no_nan, range checks.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "train/tf_math.h"
#include "varflow/graph.h"
#include "varflow/train/arg.h"
#include "varflow/train/metrics.h"

namespace varflow::train::metrics_util {

// The name scope a metric enters: options.open_scope's (TF1's variable_scope), else `name`
// (empty: default_name) to be made unique by NameScope.
std::string scope_name(const MetricOptions& options, const std::string& name,
                       const std::string& default_name);
// Adds `tensor` to each of `keys` once.
void collect(Graph& graph, const std::vector<std::string>& keys, Output tensor);
// `t` squeezed of its last axis ("Squeeze").
Output squeeze_last(Output t);
// tf.expand_dims(t, axis): an int32 Const "Const", then "ExpandDims".
Output expand_dims(Output t, int32_t axis);
using tf::strided_slice_1d;

// TF1's metrics_impl._remove_squeezable_dimensions: predictions, and labels fitted to them by
// remove_squeezable_dimensions (checked compatible), and weights fitted to the predictions'
// rank (a tf.cond where a rank is unknown).
struct Squeezed {
  Output predictions;
  std::optional<Output> labels;
  std::optional<Output> weights;
};
Squeezed squeeze_inputs(Graph& graph, const Arg& predictions, const std::optional<Arg>& labels,
                        const std::optional<Arg>& weights);
// `weights` broadcast to the shape of `values` (itself when both are fully defined and equal).
Output broadcast_weights(Output weights, Output values);
// x / y, 0 where y is 0; the last Select named `name`.
Output div_no_nan(Output x, Output y, const std::string& name = "");
// One of TF1's check_ops range assertions on a tensor x: `name` ("assert_less") opens its
// scope, `comparison` the op ("Less") of x against the bound (a Python number's Const of
// bound_dtype, cast to x's dtype), `symbol` ("<") its message. Without a bound it is
// assert_non_negative: `0 <= x` (comparison "LessEqual", symbol ">= 0") in an
// "assert_less_equal" scope inside `name`, its message prefixed "<message>.  ".
struct RangeCheck {
  const char* name;
  const char* comparison;
  const char* symbol;
  std::optional<double> bound;
  DType bound_dtype;
  std::string message;
};
// `x` after the checks: an Identity with their Assert ops as control inputs.
Output checked(Output x, const std::vector<RangeCheck>& checks);
// kValue "Shapes a and b are incompatible" unless they are.
void assert_compatible(const Shape& a, const Shape& b);

}  // namespace varflow::train::metrics_util
