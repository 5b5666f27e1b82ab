#include "ops/broadcast_grad.h"

#include "varflow/graph.h"
#include "varflow/ops.h"

namespace varflow::ops {

bool may_be_broadcast(const Node& node, int i, int first, int last, int exempt_trailing) {
  const Shape& x = node.inputs()[static_cast<size_t>(i)].shape();
  if (!x.has_rank()) return true;
  const int rank = x.rank();
  for (int j = first; j <= last; ++j) {
    const Shape& other = node.inputs()[static_cast<size_t>(j)].shape();
    if (!other.has_rank() || other.rank() > rank) return true;  // x may gain leading axes
  }
  for (int axis = 0; axis < rank - exempt_trailing; ++axis) {
    const int64_t d = x.dim(axis);
    if (d >= 0 && d != 1) continue;  // the output has x's length here: nothing to sum
    for (int j = first; j <= last; ++j) {
      if (j == i) continue;
      const Shape& other = node.inputs()[static_cast<size_t>(j)].shape();
      const int at = axis - (rank - other.rank());
      if (at >= 0 && other.dim(at) != 1) return true;  // may stretch x's 1 (or unknown) here
    }
  }
  return false;
}

Grads reduce_broadcast_grads(GradContext& c, Grads grads, int first, int last,
                             int exempt_trailing) {
  for (int i = first; i <= last; ++i) {
    std::optional<Output>& g = grads[static_cast<size_t>(i)];
    if (!g || !may_be_broadcast(c.op(), i, first, last, exempt_trailing)) continue;
    g = sum_to_shape(*g, shape(c.input(i)), "Reshape");
  }
  return grads;
}

}  // namespace varflow::ops
