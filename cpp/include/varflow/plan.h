// A compiled plan: the nodes a (feeds, fetches, targets) signature needs, in topological
// order, each step a kernel pointer with its input slots and per-session resources resolved.
// Plans are made by Session::prepare and run by Session::run (see session.h for the errors);
// hosts treat a Plan as opaque. take_frame/return_frame never throw varflow::Error.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "varflow/op_registry.h"
#include "varflow/session.h"

namespace varflow {

struct ControlStep;
struct FusedGroup;

struct PlanStep {
  const Node* node = nullptr;
  KernelFn kernel = nullptr;
  std::vector<int> input_slots;
  int first_output = 0;
  // One entry per input (the variable slot behind a ref input, else nullptr), then the node's
  // own state (stateful ops), so KernelContext can index them directly.
  std::vector<ResourceSlot*> resources;
  // Inputs that must hold a value when the step runs (all but ref inputs).
  std::vector<int> checked_inputs;
  // The variable this step updates (first ref input), if the executor may skip it when that
  // variable is frozen; -1 otherwise.
  int frozen_check_input = -1;
  // Control-flow nodes (If, While, LoopSavedValue) run blocks of steps, not a kernel.
  std::shared_ptr<const ControlStep> control;
  // A chain of elementwise steps run tile by tile in one pass (exec/fusion.h); `node` is the
  // chain's last node, input_slots its external inputs.
  std::shared_ptr<const FusedGroup> fused;
  // Memory planning (exec/memory_plan.h): the input whose buffer output 0 may take when the
  // input dies here (-1: none), and the slots whose last reader this step is, dropped after
  // it so their buffers serve later steps.
  int forward_input = -1;
  std::vector<int> release_slots;
};

// What the executor does for a control-flow node. An If runs one branch's steps and copies
// that branch's results to its outputs; a While copies its initial values into the loop
// variables' slots and runs condition and body until the condition is false (or the
// iteration limit), pushing the values its gradient loop needs onto per-run stacks; a
// LoopSavedValue pops one of those stacks.
struct ControlStep {
  enum class Kind { kIf, kWhile, kPopSaved };
  Kind kind = Kind::kIf;
  // kIf: branches[0] runs when the predicate is false, branches[1] when it is true.
  int predicate_slot = -1;
  std::vector<PlanStep> branches[2];
  std::vector<int> branch_results[2];
  // kWhile
  std::vector<int> init_slots;
  std::vector<int> loop_var_slots;
  std::vector<PlanStep> condition_steps;
  int condition_slot = -1;
  std::vector<PlanStep> body_steps;
  std::vector<int> body_result_slots;
  int maximum_iterations_slot = -1;
  std::vector<std::pair<int, int>> saved;  // (slot, stack) pushed after each iteration's body
  // kPopSaved
  int stack = -1;
};

// One run's values, and the buffers of values that died (kept for later steps and runs, so
// steady-state runs allocate nothing): `spare` those of this run, `carried` the previous
// run's not yet taken again.
struct PlanFrame {
  std::vector<Tensor> values;
  std::vector<Tensor> spare;
  std::vector<Tensor> carried;
};

// Built by Session::prepare; read-only afterwards except for the frame pool, which is locked,
// so one plan may be run from many threads at once.
class Plan {
 public:
  // The session whose resources (variable slots) the steps point into; run() refuses others.
  const Session* session = nullptr;
  std::vector<Output> feeds;
  std::vector<Output> fetches;
  std::vector<Node*> targets;
  std::vector<PlanStep> steps;
  std::vector<int> feed_slots;
  std::vector<int> fetch_slots;
  // Constants, placed in each value array once instead of running a step per run.
  std::vector<std::pair<int, Tensor>> constants;
  // For each slot, the node whose output it is (to name it in error messages).
  std::vector<const Node*> slot_owner;
  int num_slots = 0;
  // Stacks of values saved by while loops for their gradient loops, made per run.
  int num_stacks = 0;

  // Value arrays for concurrent runs: taken for a run, returned after it. A plan's first run
  // drops its intermediate buffers afterwards (a one-off run such as an initializer should not
  // pin memory); from the second run on they are kept and reused, so steady-state runs do
  // not allocate.
  std::unique_ptr<PlanFrame> take_frame();
  void return_frame(std::unique_ptr<PlanFrame> frame);

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<PlanFrame>> free_frames_;
  int runs_ = 0;
};

}  // namespace varflow
