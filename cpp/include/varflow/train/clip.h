// Clipping (TF1's clip_ops.py). Each function opens the name scope `name` (default TF1's:
// "clip_by_value", "clip_by_norm", "global_norm", "clip_by_global_norm",
// "clip_by_average_norm") and names its nodes as TF1 does. Inputs are Args: a tensor, or a
// number made a Const ("t", "clip_norm", ...) of the clipped tensor's dtype. Graph-building
// errors throw kValue/kType.
// Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"

namespace varflow::train {

// max(min(t, clip_value_max), clip_value_min), one ClipByValue op; the bounds broadcast
// against t but may not grow it.
Output clip_by_value(Graph& graph, const Arg& t, const Arg& clip_value_min,
                     const Arg& clip_value_max, const std::string& name = "");
// t * clip_norm / max(l2norm(t, axes), clip_norm), l2norm over `axes` (nullopt: all; a number
// or an int tensor otherwise). No NaN, and a zero gradient, where the norm is zero. kValue
// unless clip_norm is a scalar.
Output clip_by_norm(Graph& graph, const Arg& t, const Arg& clip_norm,
                    const std::optional<Arg>& axes = std::nullopt, const std::string& name = "");
// sqrt(sum_i sum(t_i^2)) over the present entries, in one GlobalNorm op (squares summed in
// double). Entry i, when a number or a list, becomes the Const "t_<i>". kValue when none is
// present.
Output global_norm(Graph& graph, const std::vector<std::optional<Arg>>& t_list,
                   const std::string& name = "");
// Every present t_i times clip_norm / max(global_norm, clip_norm), and the global norm (the
// one given as use_norm, else global_norm(t_list) in its own scope). Absent entries stay
// absent; a non-finite norm makes every output NaN (TF1's error signal).
std::pair<std::vector<std::optional<Output>>, Output> clip_by_global_norm(
    Graph& graph, const std::vector<std::optional<Arg>>& t_list, const Arg& clip_norm,
    const std::optional<Arg>& use_norm = std::nullopt, const std::string& name = "");
// t * clip_norm * min(n_elements / l2norm(t), 1 / clip_norm).
Output clip_by_average_norm(Graph& graph, const Arg& t, const Arg& clip_norm,
                            const std::string& name = "");

}  // namespace varflow::train
