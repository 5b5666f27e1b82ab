// The gradients of broadcasting ops reduced to their inputs' shapes, by the ops themselves as
// TF1's math_grad does (Shape, BroadcastGradientArgs, Sum, Reshape), and only where the static
// shapes leave room for broadcasting: the backprop driver adds nothing after other gradients.
#pragma once

#include "varflow/op_registry.h"

namespace varflow::ops {

// Whether input `i` of `node` may have been broadcast against the node's other inputs
// `first`..`last` (TF1's _ShapesFullySpecifiedAndEqual, sharpened per input: an axis is
// safe when the input's length there is known and not 1, or when no other input reaches it).
// The last `exempt_trailing` axes are not broadcast (BatchMatMulV2's matrix axes).
bool may_be_broadcast(const Node& node, int i, int first, int last, int exempt_trailing = 0);

// grads[i] summed to the shape of input i for every i in [first, last] that may have been
// broadcast: SumToShape(grad, Shape(input)), named Reshape, Reshape_1, ... as TF1's final
// Reshape is. Other entries pass through unchanged.
Grads reduce_broadcast_grads(GradContext& c, Grads grads, int first, int last,
                             int exempt_trailing = 0);
inline Grads reduce_broadcast_grads(GradContext& c, Grads grads) {
  return reduce_broadcast_grads(c, std::move(grads), 0, c.num_inputs() - 1);
}

}  // namespace varflow::ops
