// Elementwise fusion in the plan: consecutive float steps whose ops are entries of the
// elementwise kernel tables (kernels/elementwise.h: the per-element expression of each op is
// declared there once) become one step that runs the chain tile by tile, calling each op's
// vectorised loop on cache-sized tiles, so values read only inside the chain never reach
// memory. Values read outside the chain (or fetched) are written to their slots as before,
// and the result is bit for bit the unfused plan's: the same loops run on the same elements.
// An operand broadcasts when it is a single element (a scalar constant) or has the chain's
// trailing dimensions (a bias); a BroadcastTo of such an operand to the chain's static shape
// joins the chain as a copy (a gradient's seed, when its shape is static). Steps between two
// members of a chain that read none of its values and have no effects (shape arithmetic, Fill,
// Reshape) run before the fused step, so that they do not split it. Scratch tiles shrink from 16 KB
// when a chain keeps many values alive (a forward chain's tanh outputs read by its gradient), so
// that they stay in L2. Blocks of control flow (cond branches, loop bodies) are fused the same way.
// When a run's shapes do not fit the ones the plan was compiled for (a feed of a partly known
// shape), the original steps run instead.
#pragma once

#include <vector>

#include "exec/memory_plan.h"
#include "kernels/elementwise.h"
#include "varflow/plan.h"

namespace varflow {

struct FusedOp {
  kernels::BinaryLoop binary = nullptr;  // at most one of the two is set
  kernels::UnaryLoop unary = nullptr;    // neither: a copy of operand 0 (BroadcastTo)
  // >= 0: the value of op k of the chain; < 0: external input -(operand + 1) of the step.
  int operands[2] = {0, 0};
  // The largest repetition of an operand that broadcasts along the trailing dimensions (0, 1:
  // none), at whose multiples the op's loop is split.
  int64_t period = 0;
};

struct FusedGroup {
  DType dtype = DType::kFloat32;
  std::vector<PlanStep> steps;  // the chain unfused, for runs whose shapes do not fit
  std::vector<FusedOp> ops;     // op k computes value k
  // Per external input of the fused step: 0 when it has the chain's shape, else the element
  // count of the trailing dimensions it has (1: a single element), over which it repeats;
  // -1 for an input only the unfused steps read (BroadcastTo's shape).
  std::vector<int64_t> external_period;
  // The chain's static dimensions when fully known (the run's shape when no operand has it).
  Dims static_dims;
  bool static_known = false;
  // Elements per scratch tile.
  int64_t tile = 0;
  // Per external input: its dimensions without leading 1s, when it broadcasts.
  std::vector<Dims> external_dims;
  // Per value: its slot, and the scratch tile holding it (-1: written to its slot).
  std::vector<int> value_slots;
  std::vector<int> registers;
  int num_registers = 0;
};

// Whether the node's output may take the buffer of `input` when the input dies at the node
// and has the output's dtype and shape: its kernel computes output element i from element i
// of that input (and reads nothing of it afterwards). The elementwise tables' ops, BiasAdd,
// AddN's first input, the parameterised activations: the one place this is declared.
bool may_write_in_place(const Node& node, int input);

// Replaces runs of at least two fusable steps (consecutive but for independent steps moved
// before them) by fused steps, at the top level and in control-flow blocks; a value becomes a
// scratch tile when no step outside its chain reads it and it is not fetched.
void fuse_elementwise(Plan& plan);

// The value of a Shape, Size or Rank node whose input has a fully known static shape (and is
// no variable, whose shape an assignment may change), so the plan holds it as a constant and
// does not run what only the shape was read from (grappler's shape materialisation);
// false otherwise.
bool static_shape_value(const Node& node, Tensor& value);

// Runs a fused step over the run's values (the executor's part; spares as for
// obtain_output). Returns false when the run's shapes do not fit: run group.steps instead.
bool run_fused(const PlanStep& step, std::vector<Tensor>& values, ThreadPool& pool,
               const SpareBuffers& spares);

}  // namespace varflow
