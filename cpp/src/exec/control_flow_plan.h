// Compiles the nodes of control-flow regions into the nested step blocks of If and While
// steps (see ControlStep in varflow/plan.h), for Session::prepare.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "varflow/graph.h"
#include "varflow/plan.h"

namespace varflow {

// What a control-flow node makes the plan run besides its inputs: a branch's results, a loop's
// condition, body results and variables, the loop tensor a saved value comes from.
std::vector<Output> control_flow_roots(const Node& node);
// How many leading inputs must hold values when the node's step starts (an If's predicate, a
// While's initial values and iteration limit; captures are the regions' business), or -1 for
// every input (all other ops).
int control_flow_checked_inputs(const Node& node);

class ControlFlowCompiler {
 public:
  using SlotOf = std::function<int(const Output&)>;
  using MakeStep = std::function<std::optional<PlanStep>(Node*)>;

  // `needed` marks every node the plan runs, in any region.
  ControlFlowCompiler(const Graph& graph, const std::vector<char>& needed, SlotOf slot_of,
                      MakeStep make_step);
  // The steps of the needed nodes of `region` (-1: the top level), in id order, control-flow
  // nodes with their regions compiled in.
  std::vector<PlanStep> block(int region);
  int num_stacks() const { return num_stacks_; }

 private:
  std::vector<PlanStep> steps_of(int region, const std::vector<char>* only, bool inside);
  void attach_control(PlanStep& step, Node& node);

  const Graph& graph_;
  const std::vector<char>& needed_;
  SlotOf slot_of_;
  MakeStep make_step_;
  int num_stacks_ = 0;
  // Per While node: the (slot, stack) pairs it pushes after each iteration's body.
  std::map<const Node*, std::vector<std::pair<int, int>>> saved_by_loop_;
  std::map<const Node*, int> stack_of_saved_value_;
};

// The tensor a LoopSavedValue node pops values of, and the While whose iterations push them.
Output saved_tensor(const Node& saved_value);
Node* innermost_loop_owner(const Graph& graph, const Output& tensor);

}  // namespace varflow
