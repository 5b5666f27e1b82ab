#include "varflow/session.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <sstream>
#include <stdexcept>

#include "core/thread_pool.h"
#include "exec/control_flow_plan.h"
#include "exec/dense_fusion.h"
#include "exec/early_steps.h"
#include "exec/executor.h"
#include "exec/fusion.h"
#include "exec/memory_plan.h"
#include "varflow/errors.h"
#include "varflow/plan.h"

namespace varflow {

Tensor& KernelContext::allocate_output(int i, DType dtype, const Dims& dims) {
  Tensor& slot = values_[first_output_ + i];
  const AllocationScope* scope = current_allocation_scope();
  // Only for the step the executor runs (a kernel may build contexts of its own).
  if (!scope || !scope->step || scope->values != values_ ||
      scope->step->first_output != first_output_)
    return obtain_output(slot, dtype, dims, SpareBuffers{});
  const int forward = scope->step->forward_input;
  if (i == 0 && forward >= 0 && !(slot.defined() && slot.dims() == dims && reusable_buffer(slot))) {
    const Tensor& in = input(forward);
    if (in.dtype() == dtype && in.dims() == dims && reusable_buffer(in)) {
      slot = in;  // the input dies here: its buffer is dropped from its slot after the step
      return slot;
    }
  }
  return obtain_output(slot, dtype, dims, scope->spares);
}

std::unique_ptr<PlanFrame> Plan::take_frame() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!free_frames_.empty()) {
      auto frame = std::move(free_frames_.back());
      free_frames_.pop_back();
      return frame;
    }
  }
  auto frame = std::make_unique<PlanFrame>();
  frame->values.resize(static_cast<size_t>(num_slots));
  for (const auto& [slot, value] : constants) frame->values[static_cast<size_t>(slot)] = value;
  return frame;
}

void Plan::return_frame(std::unique_ptr<PlanFrame> frame) {
  // Buffers the run did not take again are of shapes it no longer uses.
  frame->carried.clear();
  std::lock_guard<std::mutex> lock(mu_);
  if (runs_++ == 0) return;  // the frame of a first run is dropped with its buffers
  free_frames_.push_back(std::move(frame));
}

namespace {

// VARFLOW_PLAN_OPTIMIZE=0 compiles plans without fusion (dense layers, elementwise chains) and
// memory planning, =memory with memory planning only (for comparing results and costs); read when a
// plan is compiled.
struct PlanOptimizations {
  bool fusion = true;
  bool memory = true;
};

PlanOptimizations plan_optimizations() {
  const char* v = std::getenv("VARFLOW_PLAN_OPTIMIZE");
  const std::string mode = v ? v : "";
  if (mode == "0") return {false, false};
  if (mode == "memory") return {false, true};
  return {};
}

}  // namespace

const std::vector<Output>& plan_feeds(const Plan& plan) { return plan.feeds; }
const std::vector<Output>& plan_fetches(const Plan& plan) { return plan.fetches; }

Session::Session(std::shared_ptr<Graph> graph, SessionOptions options)
    : graph_(std::move(graph)), options_(options) {
  if (options_.intra_op_threads > 0) ThreadPool::resize_global(options_.intra_op_threads);
}

Session::~Session() = default;

void Session::close() { closed_.store(true); }

ResourceSlot& Session::resource(const Node* node) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = resources_[node];
  if (!slot) {
    slot = std::make_unique<ResourceSlot>();
    slot->owner_name = node->name();
  }
  return *slot;
}

Tensor Session::variable_view(const Node* variable) {
  ResourceSlot& slot = resource(variable);
  std::lock_guard<std::mutex> lock(slot.mu);
  return slot.value;
}

Tensor Session::variable_value(const Node* variable) { return variable_view(variable).deep_copy(); }

void Session::set_variable_value(const Node* variable, Tensor value) {
  VF_CHECK(variable && variable->op_def().is_variable && &variable->graph() == graph_.get(),
           ErrorCode::kInvalidArgument, "set_variable_value: '",
           variable ? variable->name() : "null", "' is not a variable of this session's graph");
  VF_CHECK(value.defined(), ErrorCode::kInvalidArgument,
           "set_variable_value: no value given for variable ", variable->name());
  VF_CHECK(value.dtype() == variable->output_dtype(0), ErrorCode::kInvalidArgument,
           "Cannot assign a ", dtype_name(value.dtype()), " value to variable ", variable->name(),
           " of dtype ", dtype_name(variable->output_dtype(0)));
  // Checked now, not at the next run that reads the variable (TF1's Assign with
  // validate_shape; a variable built with validate_shape=false has an unknown shape).
  const Shape& declared = variable->output_shape(0);
  VF_CHECK(declared.accepts(value.dims()), ErrorCode::kInvalidArgument,
           "Cannot assign a value of shape ", dims_to_string(value.dims()), " to variable ",
           variable->name(), " of shape ", declared.to_string());
  ResourceSlot& slot = resource(variable);
  std::lock_guard<std::mutex> lock(slot.mu);
  Tensor stored = value.deep_copy();
  stored.buffer()->set_shared_state(true);
  slot.value = stored;
}

bool Session::is_initialized(const Node* variable) { return variable_view(variable).defined(); }

namespace {

std::string signature_key(const std::vector<Output>& feeds, const std::vector<Output>& fetches,
                          const std::vector<Node*>& targets) {
  std::ostringstream key;
  for (const Output& o : feeds) key << o.node->id() << ':' << o.index << ',';
  key << '|';
  for (const Output& o : fetches) key << o.node->id() << ':' << o.index << ',';
  key << '|';
  for (const Node* n : targets) key << n->id() << ',';
  return key.str();
}

void check_graph(const Graph& graph, const Node* node, const char* what) {
  VF_CHECK(node != nullptr, ErrorCode::kInvalidArgument, what, " is null");
  if (&node->graph() != &graph)
    raise(ErrorCode::kValue, what, " ", node->name(), " is not an element of this graph.");
}

void check_output(const Graph& graph, const Output& o, const char* what) {
  VF_CHECK(o.node != nullptr, ErrorCode::kInvalidArgument, what, " is null");
  if (&o.node->graph() != &graph)
    raise(ErrorCode::kValue, what, " ", o.name(), " is not an element of this graph.");
  VF_CHECK(o.index >= 0 && o.index < o.node->num_outputs(), ErrorCode::kInvalidArgument, what, " ",
           o.node->name(), ":", o.index, " does not exist: operation ", o.node->name(), " has ",
           o.node->num_outputs(), " outputs");
}

// Whether a node reached only through control edges may be left out of a run: a pure function
// of its inputs (a differentiable op, or NoOp) that touches no state. Control-flow nodes are
// kept, whatever they compute.
bool skippable_when_unread(const Node& node) {
  const OpDef& def = node.op_def();
  if (def.stateful || def.is_variable || def.is_placeholder || !def.ref_inputs.empty() ||
      def.ref_input_rule)
    return false;
  if (control_flow_checked_inputs(node) >= 0) return false;
  return def.name == "NoOp" || static_cast<bool>(def.grad);
}

}  // namespace

std::shared_ptr<Plan> Session::prepare(const std::vector<Output>& feeds,
                                       const std::vector<Output>& fetches,
                                       const std::vector<Node*>& targets) {
  VF_CHECK(!closed_.load(), ErrorCode::kRuntime, "Attempted to use a closed Session.");
  // Validated before the key is built: the key reads node ids.
  for (const Output& o : feeds) check_output(*graph_, o, "Tensor");
  for (const Output& o : fetches) check_output(*graph_, o, "Tensor");
  for (const Node* n : targets) check_graph(*graph_, n, "Operation");
  const std::string key = signature_key(feeds, fetches, targets);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = plans_.find(key);
    if (it != plans_.end()) return it->second;
  }
  auto plan = std::make_shared<Plan>();
  plan->session = this;
  plan->feeds = feeds;
  plan->fetches = fetches;
  plan->targets = targets;

  // Which nodes run: everything fetches and targets reach, stopping at fed tensors, and
  // under a control-flow node what its regions compute. A node reached only through control
  // edges whose outputs no running node reads, and which has no effect beyond its outputs, is
  // not run (grappler's DependencyOptimizer turns such nodes into NoOps before TF1 runs a
  // graph): this keeps GATE_OP's tuples free, since they order a gradient after its op's
  // other gradients, also those nothing reads (the gradient for a fed input), which then never
  // run.
  auto is_fed = [&](const Output& o) {
    return std::find(feeds.begin(), feeds.end(), o) != feeds.end();
  };
  const size_t num_nodes = static_cast<size_t>(graph_->num_nodes());
  // 0: not reached; 1: reached through control edges only; 2: runs (its outputs are read, or
  // it is fetched, a target, or has effects of its own).
  std::vector<char> reach(num_nodes, 0);
  std::vector<std::pair<Node*, char>> stack;
  const PlanOptimizations optimize = plan_optimizations();
  // Shapes known statically are constants of the plan (what they were read from need not run).
  std::map<const Node*, Tensor> static_shapes;
  auto static_shape = [&](Node* n) {
    if (!optimize.fusion) return false;
    if (static_shapes.count(n)) return true;
    Tensor value;
    if (!static_shape_value(*n, value)) return false;
    static_shapes.emplace(n, value);
    return true;
  };
  for (const Output& o : fetches)
    if (!is_fed(o)) stack.emplace_back(o.node, 2);
  for (Node* n : targets) stack.emplace_back(n, 2);
  while (!stack.empty()) {
    auto [n, level] = stack.back();
    stack.pop_back();
    if (level == 1 && !skippable_when_unread(*n)) level = 2;
    char& seen = reach[static_cast<size_t>(n->id())];
    if (seen >= level) continue;
    seen = level;
    if (level == 2 && static_shape(n)) continue;
    for (const Output& in : n->inputs())
      if (!is_fed(in)) stack.emplace_back(in.node, level);
    // A control input whose every output is fed has run as far as this run is concerned
    // (TF1 counts the feed: a control dependency on a fed placeholder needs nothing else).
    for (Node* ctrl : n->control_inputs()) {
      bool fed = ctrl->num_outputs() > 0;
      for (int k = 0; k < ctrl->num_outputs() && fed; ++k) fed = is_fed(Output{ctrl, k});
      if (!fed) stack.emplace_back(ctrl, 1);
    }
    for (const Output& o : control_flow_roots(*n))
      if (!is_fed(o)) stack.emplace_back(o.node, level);
  }
  std::vector<char> needed(num_nodes, 0);
  for (size_t i = 0; i < num_nodes; ++i) needed[i] = reach[i] == 2;

  // Slots: fed tensors first, then each running node's outputs, contiguous.
  int next_slot = 0;
  std::vector<int> first_slot(static_cast<size_t>(graph_->num_nodes()), -1);
  for (const Output& o : feeds) {
    plan->feed_slots.push_back(next_slot++);
    plan->slot_owner.push_back(o.node);
  }
  for (int id = 0; id < graph_->num_nodes(); ++id) {
    if (!needed[static_cast<size_t>(id)]) continue;
    Node* n = graph_->node(id);
    first_slot[static_cast<size_t>(id)] = next_slot;
    next_slot += n->num_outputs();
    for (int k = 0; k < n->num_outputs(); ++k) plan->slot_owner.push_back(n);
  }
  plan->num_slots = next_slot;
  auto slot_of = [&](const Output& o) {
    auto it = std::find(feeds.begin(), feeds.end(), o);
    if (it != feeds.end()) return plan->feed_slots[static_cast<size_t>(it - feeds.begin())];
    return first_slot[static_cast<size_t>(o.node->id())] + o.index;
  };

  auto make_step = [&](Node* n) -> std::optional<PlanStep> {
    const OpDef& def = n->op_def();
    if (def.name == "Const" && n->control_inputs().empty()) {
      plan->constants.emplace_back(first_slot[static_cast<size_t>(n->id())],
                                   n->attrs().get<Tensor>("value"));
      return std::nullopt;
    }
    if (def.name == "LoopVar") return std::nullopt;  // written by its While
    if (auto it = static_shapes.find(n); it != static_shapes.end()) {
      plan->constants.emplace_back(first_slot[static_cast<size_t>(n->id())], it->second);
      return std::nullopt;
    }
    PlanStep step;
    step.node = n;
    step.kernel = def.kernel;
    step.first_output = first_slot[static_cast<size_t>(n->id())];
    const int checked = control_flow_checked_inputs(*n);
    for (size_t i = 0; i < n->inputs().size(); ++i) {
      const Output& in = n->inputs()[i];
      step.input_slots.push_back(slot_of(in));
      if (def.is_ref_input(static_cast<int>(i)))
        step.resources.push_back(&resource(in.node));
      else {
        step.resources.push_back(nullptr);
        if (checked < 0 || static_cast<int>(i) < checked)
          step.checked_inputs.push_back(static_cast<int>(i));
      }
    }
    step.resources.push_back(def.stateful ? &resource(n) : nullptr);
    if (!def.ref_inputs.empty() || def.variadic_inputs) {
      for (size_t i = 0; i < step.resources.size() - 1; ++i)
        if (step.resources[i] && !def.reads_refs_only && !def.handles_frozen) {
          step.frozen_check_input = static_cast<int>(i);
          break;
        }
    }
    return step;
  };
  // Node ids are a topological order: a node's inputs always exist before it.
  ControlFlowCompiler control_flow(*graph_, needed, slot_of, make_step);
  plan->steps = control_flow.block(-1);
  plan->num_stacks = control_flow.num_stacks();
  for (const Output& o : fetches) plan->fetch_slots.push_back(slot_of(o));
  hoist_early_steps(*plan);
  if (optimize.fusion) {
    fuse_dense(*plan);
    fuse_elementwise(*plan);
  }
  if (optimize.memory) plan_memory(*plan);

  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = plans_.emplace(key, plan);
  return it->second;
}

namespace {

// Both mismatches are InvalidArgument, as TF1's C++ Session reports a bad feed (the Python
// layer raises ValueError for the shape before it gets here, as TF1's session.py does).
void check_feed(const Output& target, const Tensor& value) {
  if (!value.defined())
    raise(ErrorCode::kInvalidArgument, "No value given for the feed of Tensor '", target.name(),
          "'");
  if (value.dtype() != target.dtype())
    raise(ErrorCode::kInvalidArgument, "Cannot feed a value of dtype ", dtype_name(value.dtype()),
          " for Tensor '", target.name(), "', which has dtype ", dtype_name(target.dtype()));
  if (!target.shape().accepts(value.dims()))
    raise(ErrorCode::kInvalidArgument, "Cannot feed value of shape ", dims_to_string(value.dims()),
          " for Tensor '", target.name(), "', which has shape '", target.shape().to_string(), "'");
}

}  // namespace

std::vector<Tensor> Session::run(Plan& plan, const std::vector<Tensor>& feed_values,
                                 const RunOptions& options) {
  VF_CHECK(!closed_.load(), ErrorCode::kRuntime, "Attempted to use a closed Session.");
  VF_CHECK(plan.session == this, ErrorCode::kInvalidArgument,
           "The plan was prepared by another Session; prepare it with this one");
  VF_CHECK(feed_values.size() == plan.feeds.size(), ErrorCode::kInvalidArgument, "Expected ",
           plan.feeds.size(), " feed values, got ", feed_values.size());
  // The slots of the frozen variables and of their optimizer slots.
  std::vector<const ResourceSlot*> frozen;
  for (const Node* v : options.frozen_variables) {
    VF_CHECK(
        v && v->op_def().is_variable && &v->graph() == graph_.get(), ErrorCode::kInvalidArgument,
        "Only variables of this session's graph can be frozen, got '", v ? v->name() : "null", "'");
    frozen.push_back(&resource(v));
    for (const Node* slot : graph_->slots_of(v)) frozen.push_back(&resource(slot));
  }
  const std::vector<const ResourceSlot*>* frozen_ptr = frozen.empty() ? nullptr : &frozen;
  auto frame = plan.take_frame();
  std::vector<Tensor>& values = frame->values;
  frame->carried.swap(frame->spare);
  ThreadPool& pool = ThreadPool::global();
  // Drops every reference to memory borrowed from the caller before returning.
  auto release_borrowed = [&] {
    for (Tensor& t : values)
      if (t.defined() && t.buffer()->borrowed()) t = Tensor();
  };
  std::vector<Tensor> results;
  try {
    for (size_t i = 0; i < feed_values.size(); ++i) {
      check_feed(plan.feeds[i], feed_values[i]);
      values[static_cast<size_t>(plan.feed_slots[i])] = feed_values[i];
    }
    RunState run{values,
                 pool,
                 frozen_ptr,
                 plan,
                 std::vector<std::vector<Tensor>>(static_cast<size_t>(plan.num_stacks)),
                 SpareBuffers{&frame->spare, &frame->carried}};
    execute_steps(plan.steps, run);
    results.reserve(plan.fetch_slots.size());
    for (int slot : plan.fetch_slots) {
      const Tensor& t = values[static_cast<size_t>(slot)];
      if (!t.defined()) {
        const Node* owner = plan.slot_owner[static_cast<size_t>(slot)];
        if (owner->op_def().is_variable)
          raise(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
                owner->name());
        raise(ErrorCode::kInternal, "Fetched tensor of ", owner->name(), " has no value");
      }
      // Values that live on (variables, constants, caller memory) are copied out.
      results.push_back(t.buffer()->borrowed() || t.buffer()->shared_state() ? t.deep_copy() : t);
    }
  } catch (...) {
    release_borrowed();
    plan.return_frame(std::move(frame));
    throw;
  }
  release_borrowed();
  plan.return_frame(std::move(frame));
  return results;
}

std::vector<Tensor> Session::run(const std::vector<std::pair<Output, Tensor>>& feeds,
                                 const std::vector<Output>& fetches,
                                 const std::vector<Node*>& targets) {
  std::vector<Output> feed_keys;
  std::vector<Tensor> feed_values;
  for (const auto& [key, value] : feeds) {
    feed_keys.push_back(key);
    feed_values.push_back(value);
  }
  auto plan = prepare(feed_keys, fetches, targets);
  return run(*plan, feed_values);
}

}  // namespace varflow
