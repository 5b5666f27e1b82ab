// Symbolic differentiation: adds gradient nodes to the graph, as tf.gradients does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"

namespace varflow {

enum class UnconnectedGradients { kNone, kZero };

struct GradientsOptions {
  // One seed per y (nullopt: ones shaped like y).
  std::vector<std::optional<Output>> grad_ys;
  std::vector<Output> stop_gradients;
  UnconnectedGradients unconnected = UnconnectedGradients::kNone;
  // TF1's gate_gradients=True: an op's input gradients are grouped (tf.tuple) so that none
  // is used before all are computed.
  bool gate_per_op = false;
  std::string name = "gradients";
  // Differentiates only through the nodes of this control-flow region (how the gradient of an
  // If or While builds its branches' and body's gradients); xs may then lie outside it.
  std::optional<int> within_region;
  // With within_region: further regions whose nodes are differentiated as well (the forward
  // branches a gradient branch reads, when that gradient branch is differentiated again).
  std::vector<int> also_within_regions;
};

// d(sum of ys)/d(x) for each x; nullopt where ys do not depend on x (or kZero: zeros).
// Errors: kValue for no ys, ys or xs of different graphs, or a grad_ys count that is not one
// per y; kLookup when a node on the path has no registered gradient; building the gradient
// nodes raises as the op builders do (kValue/kType, e.g. for a grad_ys entry whose shape or
// dtype does not fit its y). Adds nodes to the graph: one thread at a time per graph.
std::vector<std::optional<Output>> gradients(const std::vector<Output>& ys,
                                             const std::vector<Output>& xs,
                                             const GradientsOptions& options = {});

}  // namespace varflow
