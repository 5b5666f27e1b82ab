// Learning-rate schedules (TF1's tf.train.*_decay): each builds the decayed rate as a scalar
// tensor of `global_step` from graph ops, so it follows the step at every run and the graph is
// built once. Everything is computed in the learning rate's dtype (a number gives float32)
// with the step cast to it. Nodes sit in a name scope `name` (default: TF1's, given below)
// and are named and ordered as TF1 builds them; the last node is named after the scope.
// Nothing increments the step: pass the same variable to Optimizer::minimize.
//
//   Output lr = train::exponential_decay(graph, 0.1, step.value(), 1000, 0.96, true);
//
// Graph-building errors (bad dtypes, shapes) throw kValue/kType; none is thread-safe against
// other writers of the same graph.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

// lr * decay_rate ^ (step / decay_steps), the exponent floored when `staircase`.
// Default scope "ExponentialDecay".
Output exponential_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                         const Arg& decay_steps, const Arg& decay_rate, bool staircase = false,
                         const std::string& name = "");
// lr * exp(-decay_rate * p), built as exponential decay with the rate exp(-decay_rate).
// Default scope "ExponentialTimeDecay".
Output natural_exp_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                         const Arg& decay_steps, const Arg& decay_rate, bool staircase = false,
                         const std::string& name = "");
// lr / (1 + decay_rate * p), p = step / decay_steps (floored when `staircase`).
// Default scope "InverseTimeDecay".
Output inverse_time_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                          const Arg& decay_steps, const Arg& decay_rate, bool staircase = false,
                          const std::string& name = "");
// (lr - end) * (1 - step / decay_steps) ^ power + end, the step capped at decay_steps; with
// `cycle`, decay_steps grows to the first multiple above the step (1x at step 0).
// Default scope "PolynomialDecay".
Output polynomial_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                        const Arg& decay_steps, const Arg& end_learning_rate = 0.0001,
                        const Arg& power = 1.0, bool cycle = false, const std::string& name = "");
// values[0] for x <= boundaries[0], values[i] for boundaries[i-1] < x <= boundaries[i],
// values[n] past the last boundary: one PiecewiseConstant op. Numbers among the boundaries
// take x's dtype; boundary tensors must have it (int32 ones are cast for an int64 x), else
// kValue; values share one dtype (kValue), which is the result's.
// Default scope "PiecewiseConstant".
Output piecewise_constant(Graph& graph, const Arg& x, const std::vector<Arg>& boundaries,
                          const std::vector<Arg>& values, const std::string& name = "");
// lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha).
// Default scope "CosineDecay".
Output cosine_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                    const Arg& decay_steps, const Arg& alpha = 0.0, const std::string& name = "");
// SGDR: cosine decay restarted after first_decay_steps * t_mul^i steps, the i-th restart's
// amplitude scaled by m_mul^i. A numeric t_mul picks the t_mul == 1 formula while building; a
// tensor t_mul selects between both at run time. Default scope "SGDRDecay".
Output cosine_decay_restarts(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                             const Arg& first_decay_steps, const Arg& t_mul = 2.0,
                             const Arg& m_mul = 1.0, const Arg& alpha = 0.0,
                             const std::string& name = "");
// lr * ((alpha + (ds - gs) / ds) * 0.5 * (1 + cos(2 pi num_periods gs / ds)) + beta),
// gs = min(step, ds). Default scope "LinearCosineDecay".
Output linear_cosine_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                           const Arg& decay_steps, const Arg& num_periods = 0.5,
                           const Arg& alpha = 0.0, const Arg& beta = 0.001,
                           const std::string& name = "");
// Linear cosine decay with N(0, initial_variance / (1 + gs)^variance_decay) noise added to
// the linear part, drawn afresh at every run (op ScheduleStandardNormal, seeded by
// random_seeds(graph, seed): reproducible when the graph seed or `seed` is set).
// Default scope "NoisyLinearCosineDecay".
Output noisy_linear_cosine_decay(Graph& graph, const Arg& learning_rate, const Arg& global_step,
                                 const Arg& decay_steps, const Arg& initial_variance = 1.0,
                                 const Arg& variance_decay = 0.55, const Arg& num_periods = 0.5,
                                 const Arg& alpha = 0.0, const Arg& beta = 0.001,
                                 const std::string& name = "",
                                 std::optional<int64_t> seed = std::nullopt);

}  // namespace varflow::train
