// Composite tf.nn and tf.layers functions that carry training maths: the logistic loss,
// moments, batch normalization (with the moving statistics of tf.layers), dropout. Each opens
// the name scope `name` (default TF1's) and names its nodes as TF1 does. Graph-building errors
// throw kValue/kType.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"
#include "varflow/variable.h"

namespace varflow::train {

// max(x, 0) - x * z + log1p(exp(-|x|)), x = logits, z = labels (TF1's stable form).
// kValue when the shapes differ. Default scope "logistic_loss".
Output sigmoid_cross_entropy_with_logits(Graph& graph, const Arg& labels, const Arg& logits,
                                         const std::string& name = "");
// tf.nn.softmax / tf.nn.log_softmax over `axis` (negative counts from the end): the Softmax /
// LogSoftmax op named `name` (default the op type) for the last axis; for another axis the
// logits are transposed to put it last ("transpose", its perm a "Const"), the op applied and the
// result transposed back under `name`. kValue for a non-last axis of logits of unknown rank,
// kInvalidArgument for an axis outside [-rank, rank).
Output softmax(Graph& graph, const Arg& logits, int64_t axis = -1, const std::string& name = "");
Output log_softmax(Graph& graph, const Arg& logits, int64_t axis = -1,
                   const std::string& name = "");
// tf.nn.softmax_cross_entropy_with_logits_v2 over the class axis `axis`, in scope `name`
// (default "softmax_cross_entropy_with_logits"): the per-row loss, shaped like `labels` without
// the class axis. Rank-2 logits give the op named after the scope; any other rank, known or
// not, the rows of the class axis (moved last by a transpose when it is not) and the loss
// reshaped back, named after the scope. Gradients flow into the labels too; with
// `stop_label_gradient` (the deprecated v1 function, default scope
// "softmax_cross_entropy_with_logits_sg") they do not. Errors as softmax's.
Output softmax_cross_entropy_with_logits(Graph& graph, const Arg& labels, const Arg& logits,
                                         int64_t axis = -1, const std::string& name = "",
                                         bool stop_label_gradient = false);
// Mean and (biased) variance of x over `axes`; the variance's gradient does not flow through
// the mean. Default scope "moments".
std::pair<Output, Output> moments(Graph& graph, const Arg& x, const std::vector<int64_t>& axes,
                                  bool keep_dims = false, const std::string& name = "");
// (x - mean) * scale / sqrt(variance + epsilon) + offset, computed as TF1 does
// (x * inv + (offset - mean * inv)); absent offset/scale are 0/1. Default scope "batchnorm".
Output batch_normalization(Graph& graph, const Arg& x, const Arg& mean, const Arg& variance,
                           const std::optional<Arg>& offset, const std::optional<Arg>& scale,
                           const Arg& variance_epsilon, const std::string& name = "");
// x / (1 - rate) where a uniform draw is >= rate, else 0: a fresh mask every run (op
// RandomUniform, seeded by random_seeds(graph, seed)). A numeric rate must lie in [0, 1)
// (kValue) and 0 returns x itself. noise_shape: an int32 shape the mask broadcasts from
// (default x's). kValue for a non-float x. Default scope "dropout".
Output dropout(Graph& graph, const Arg& x, const Arg& rate,
               const std::optional<Arg>& noise_shape = std::nullopt,
               std::optional<int64_t> seed = std::nullopt, const std::string& name = "");
// The variational (recurrent) dropout of DropoutWrapper(variational_recurrent=True):
// value / keep_prob * floor(keep_prob + noise), with `noise` a uniform [0, 1) draw made once
// and broadcast against `value`, so that every step drops the same units. keep_prob is
// converted to the noise's dtype; the result keeps value's static shape.
Output variational_dropout(Graph& graph, Output value, Output noise, const Arg& keep_prob);

// tf.layers' `training` argument: a bool known while building (Arg 1 or 0) or a bool tensor
// chosen at run time.
// tf.layers.dropout: identity when training is false, dropout when true, and a run-time
// Select for a tensor. Default scope "dropout".
Output dropout_layer(Graph& graph, Output inputs, const Arg& rate, const Arg& training,
                     const std::optional<Arg>& noise_shape = std::nullopt,
                     std::optional<int64_t> seed = std::nullopt, const std::string& name = "");

// The variables of a batch normalization layer (tf.layers' names: gamma, beta, moving_mean,
// moving_variance); gamma and beta are absent without scale / center.
struct BatchNormVariables {
  std::optional<Variable> gamma, beta;
  Variable moving_mean, moving_variance;
};
// Creates them in the current name scope: [channels] of `dtype`, gamma and moving_variance
// ones, beta and moving_mean zeros, the moving statistics not trainable.
BatchNormVariables make_batch_norm_variables(Graph& graph, int64_t channels, DType dtype,
                                             bool center = true, bool scale = true);
// tf.layers.batch_normalization over the axis `axis` (non-negative) of `inputs`, in the current
// name scope: with the batch statistics (biased variance over every other axis) when training,
// else the moving ones; when training (or for a training tensor) the moving statistics are
// updated by AssignMovingAvg / AssignMovingAvg_1 ops (moving -= (moving - batch) * (1 -
// momentum), nothing when a training tensor is false) added to UPDATE_OPS.
Output batch_normalization_layer(Graph& graph, Output inputs, int axis,
                                 const BatchNormVariables& variables, double momentum,
                                 double epsilon, const Arg& training);
// The same over several axes (tf.layers.batch_normalization(axis=[1, 3])): the statistics are
// per element of those axes, kept with the inputs' rank, so the variables must have the inputs'
// rank with 1 on every other axis ([1, H, 1, C] for axes {1, 3} of NHWC). kValue for an axis out
// of range, a repeated axis or an axis of unknown size.
Output batch_normalization_layer(Graph& graph, Output inputs, const std::vector<int>& axes,
                                 const BatchNormVariables& variables, double momentum,
                                 double epsilon, const Arg& training);

}  // namespace varflow::train
