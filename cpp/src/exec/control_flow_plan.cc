#include "exec/control_flow_plan.h"

#include "varflow/errors.h"

namespace varflow {

namespace {

const Region& attr_region(const Node& node, const char* attr) {
  return node.graph().region(static_cast<int>(node.attrs().get<int64_t>(attr)));
}

}  // namespace

Output saved_tensor(const Node& saved_value) {
  return saved_value.graph().tensor_by_name(saved_value.attrs().get<std::string>("tensor_name"));
}

Node* innermost_loop_owner(const Graph& graph, const Output& tensor) {
  for (int r = tensor.node->region(); r != -1; r = graph.region(r).parent)
    if (graph.region(r).kind == RegionKind::kLoop) return graph.region(r).owner;
  return nullptr;
}

std::vector<Output> control_flow_roots(const Node& node) {
  const std::string& type = node.type();
  std::vector<Output> roots;
  if (type == "If") {
    for (const char* attr : {"then_region", "else_region"})
      for (const Output& o : attr_region(node, attr).results) roots.push_back(o);
  } else if (type == "While") {
    const Region& loop = attr_region(node, "loop_region");
    roots.push_back(loop.condition);
    for (const Output& o : loop.results) roots.push_back(o);
    for (Node* v : loop.loop_vars) roots.push_back(Output{v, 0});
  } else if (type == "LoopSavedValue") {
    roots.push_back(saved_tensor(node));
  }
  return roots;
}

int control_flow_checked_inputs(const Node& node) {
  const std::string& type = node.type();
  if (type == "If") return 1;
  if (type == "While") {
    const int vars = static_cast<int>(attr_region(node, "loop_region").loop_vars.size());
    return vars + (node.attrs().get<bool>("has_maximum_iterations") ? 1 : 0);
  }
  return -1;
}

ControlFlowCompiler::ControlFlowCompiler(const Graph& graph, const std::vector<char>& needed,
                                         SlotOf slot_of, MakeStep make_step)
    : graph_(graph),
      needed_(needed),
      slot_of_(std::move(slot_of)),
      make_step_(std::move(make_step)) {
  for (int id = 0; id < graph_.num_nodes(); ++id) {
    const Node* n = graph_.node(id);
    if (!needed_[static_cast<size_t>(id)] || n->type() != "LoopSavedValue") continue;
    const Output t = saved_tensor(*n);
    const Node* loop = innermost_loop_owner(graph_, t);
    VF_CHECK(loop != nullptr, ErrorCode::kInternal, "Saved value ", n->name(), " of ", t.name(),
             " has no loop to save it");
    const int stack = num_stacks_++;
    saved_by_loop_[loop].emplace_back(slot_of_(t), stack);
    stack_of_saved_value_[n] = stack;
  }
}

std::vector<PlanStep> ControlFlowCompiler::block(int region) {
  return steps_of(region, nullptr, true);
}

// The needed nodes of `region`; with `only`, those it marks (inside) or does not mark.
std::vector<PlanStep> ControlFlowCompiler::steps_of(int region, const std::vector<char>* only,
                                                    bool inside) {
  std::vector<PlanStep> steps;
  for (int id = 0; id < graph_.num_nodes(); ++id) {
    const size_t i = static_cast<size_t>(id);
    Node* n = graph_.node(id);
    if (!needed_[i] || n->region() != region) continue;
    if (only && static_cast<bool>((*only)[i]) != inside) continue;
    std::optional<PlanStep> step = make_step_(n);
    if (!step) continue;
    attach_control(*step, *n);
    steps.push_back(std::move(*step));
  }
  return steps;
}

void ControlFlowCompiler::attach_control(PlanStep& step, Node& node) {
  const std::string& type = node.type();
  if (type != "If" && type != "While" && type != "LoopSavedValue") return;
  auto control = std::make_shared<ControlStep>();
  if (type == "If") {
    control->kind = ControlStep::Kind::kIf;
    control->predicate_slot = step.input_slots[0];
    const char* attrs[2] = {"else_region", "then_region"};
    for (int b = 0; b < 2; ++b) {
      const int r = static_cast<int>(node.attrs().get<int64_t>(attrs[b]));
      control->branches[b] = block(r);
      for (const Output& o : graph_.region(r).results)
        control->branch_results[b].push_back(slot_of_(o));
    }
  } else if (type == "While") {
    control->kind = ControlStep::Kind::kWhile;
    const int r = static_cast<int>(node.attrs().get<int64_t>("loop_region"));
    const Region& loop = graph_.region(r);
    const size_t vars = loop.loop_vars.size();
    for (size_t k = 0; k < vars; ++k) {
      control->init_slots.push_back(step.input_slots[k]);
      control->loop_var_slots.push_back(slot_of_(Output{loop.loop_vars[k], 0}));
      control->body_result_slots.push_back(slot_of_(loop.results[k]));
    }
    if (node.attrs().get<bool>("has_maximum_iterations"))
      control->maximum_iterations_slot = step.input_slots[vars];
    // The condition's own nodes run before each iteration; everything else of the region is
    // the body.
    std::vector<char> in_condition(needed_.size(), 0);
    std::vector<Node*> stack{loop.condition.node};
    while (!stack.empty()) {
      Node* n = stack.back();
      stack.pop_back();
      const size_t i = static_cast<size_t>(n->id());
      if (n->region() != r || in_condition[i]) continue;
      in_condition[i] = 1;
      for (const Output& in : n->inputs()) stack.push_back(in.node);
      for (Node* c : n->control_inputs()) stack.push_back(c);
    }
    control->condition_steps = steps_of(r, &in_condition, true);
    control->condition_slot = slot_of_(loop.condition);
    control->body_steps = steps_of(r, &in_condition, false);
    auto saved = saved_by_loop_.find(&node);
    if (saved != saved_by_loop_.end()) control->saved = saved->second;
  } else {
    control->kind = ControlStep::Kind::kPopSaved;
    control->stack = stack_of_saved_value_.at(&node);
  }
  step.control = std::move(control);
}

}  // namespace varflow
