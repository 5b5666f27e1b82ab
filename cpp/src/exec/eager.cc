#include "varflow/eager.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <new>
#include <stdexcept>

#include "core/thread_pool.h"
#include "varflow/errors.h"

namespace varflow {

EagerContext::EagerContext() : graph_(std::make_shared<Graph>()) {
  graph_->set_node_added_hook([this](Node& node) { run(node); });
  graph_->set_eager_value_reader([this](const Output& output) { return value(output); });
}

EagerContext::~EagerContext() {
  graph_->set_node_added_hook(nullptr);
  graph_->set_eager_value_reader(nullptr);
}

ResourceSlot& EagerContext::state_of(const Node* node) {
  auto& slot = states_[node];
  if (!slot) {
    slot = std::make_unique<ResourceSlot>();
    slot->owner_name = node->name();
  }
  return *slot;
}

// A variable's registered `read` snapshot: C++ code that built a variable keeps using it (an
// optimizer's beta1_power, say), so it outlives releases and always gives the current value.
bool EagerContext::is_variable_snapshot(const Node* node) const {
  if (node->inputs().size() != 1) return false;
  const Node* variable = node->inputs()[0].node;
  if (!variable->op_def().is_variable) return false;
  const VariableInfo* info = graph_->variable_info(variable);
  return info && info->snapshot.node == node;
}

Tensor EagerContext::read_variable(const Node* variable, const Node* reader) const {
  auto it = states_.find(variable);
  VF_CHECK(it != states_.end(), ErrorCode::kInternal, "Variable ", variable->name(),
           " has no state");
  std::lock_guard<std::mutex> lock(it->second->mu);
  if (!it->second->value.defined())
    raise(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
          variable->name(), reader ? "\n\t [[node " + reader->name() + "]]" : std::string());
  // A read is a snapshot: later in-place updates of the variable must not show through.
  return it->second->value.deep_copy();
}

const Tensor& EagerContext::input_value(const Output& input) const {
  auto it = values_.find(input.node);
  VF_CHECK(it != values_.end(), ErrorCode::kInvalidArgument, "'", input.node->name(),
           "' was not run by this eager context");
  return it->second[static_cast<size_t>(input.index)];
}

void EagerContext::run(Node& node) {
  const OpDef& def = node.op_def();
  if (def.is_variable) {
    state_of(&node);  // uninitialised until an Assign runs
    values_[&node];
    return;
  }
  if (def.is_placeholder)
    raise(ErrorCode::kInvalidArgument, "'", node.name(),
          "': a placeholder cannot run eagerly; it has no value to feed");
  std::vector<Tensor> outputs =
      execute(node, [this](const Output& in) -> const Tensor& { return input_value(in); });
  for (int k = 0; k < node.num_outputs(); ++k) {
    const Tensor& t = outputs[static_cast<size_t>(k)];
    if (t.defined()) graph_->refine_output_shape(node, k, Shape(t.dims()));
  }
  values_[&node] = std::move(outputs);
  ++transient_;
}

std::vector<Tensor> EagerContext::execute(
    Node& node, const std::function<const Tensor&(const Output&)>& value_of) {
  const OpDef& def = node.op_def();
  const int num_inputs = static_cast<int>(node.inputs().size());
  const int num_outputs = node.num_outputs();
  std::vector<Tensor> frame(static_cast<size_t>(num_inputs + num_outputs));
  std::vector<int> slots(static_cast<size_t>(num_inputs));
  std::vector<ResourceSlot*> resources(static_cast<size_t>(num_inputs) + 1, nullptr);
  for (int i = 0; i < num_inputs; ++i) {
    const Output& in = node.inputs()[static_cast<size_t>(i)];
    slots[static_cast<size_t>(i)] = i;
    if (in.node->op_def().is_variable) {
      if (def.is_ref_input(i)) {
        resources[static_cast<size_t>(i)] = &state_of(in.node);
        continue;
      }
      frame[static_cast<size_t>(i)] = read_variable(in.node, &node);
    } else if (is_variable_snapshot(in.node)) {
      frame[static_cast<size_t>(i)] = read_variable(in.node->inputs()[0].node, &node);
    } else {
      frame[static_cast<size_t>(i)] = value_of(in);
    }
  }
  if (def.stateful) resources.back() = &state_of(&node);
  KernelContext ctx(node, frame.data(), slots.data(), num_inputs, resources.data(),
                    ThreadPool::global());
  try {
    def.kernel(ctx);
  } catch (const Error& e) {
    std::string what = e.what();
    if (what.find("[[node") == std::string::npos) what += "\n\t [[node " + node.name() + "]]";
    throw Error(e.code(), what);
  } catch (const std::bad_alloc&) {
    raise(ErrorCode::kResourceExhausted, "OOM when running ", node.type(), "\n\t [[node ",
          node.name(), "]]");
  } catch (const std::length_error& e) {
    raise(ErrorCode::kResourceExhausted, "OOM when running ", node.type(), " (", e.what(),
          ")\n\t [[node ", node.name(), "]]");
  }
  return std::vector<Tensor>(std::make_move_iterator(frame.begin() + num_inputs),
                             std::make_move_iterator(frame.end()));
}

// What a caller may keep of `value`, an output of `producer`: outputs of ops that update a
// variable (Assign, Apply*) are the variable's own buffer, so they are copied.
Tensor EagerContext::detached(const Node* producer, const Tensor& value) {
  const OpDef& def = producer->op_def();
  const bool aliases_variable = !def.ref_inputs.empty() || def.variadic_inputs;
  return aliases_variable && value.buffer()->shared_state() ? value.deep_copy() : value;
}

Tensor EagerContext::value(const Output& output) const {
  VF_CHECK(output.node && !output.node->discarded() && &output.node->graph() == graph_.get(),
           ErrorCode::kInvalidArgument, "The eager result ",
           output.node ? output.node->name() : "null", " is not held by this context");
  if (output.node->op_def().is_variable) return read_variable(output.node, nullptr);
  if (is_variable_snapshot(output.node))
    return read_variable(output.node->inputs()[0].node, nullptr);
  const Tensor& t = input_value(output);
  if (!t.defined())
    raise(ErrorCode::kInternal, "Output ", output.index, " of ", output.node->name(),
          " has no value");
  return detached(output.node, t);
}

Output EagerContext::constant(const Tensor& value, const std::string& name) {
  AttrMap attrs;
  attrs.set("value", value);
  attrs.set("dtype", value.dtype());
  return graph_->add_node("Const", {}, std::move(attrs), name)->output(0);
}

bool EagerContext::is_initialized(const Node* variable) const {
  auto it = states_.find(variable);
  if (it == states_.end()) return false;
  std::lock_guard<std::mutex> lock(it->second->mu);
  return it->second->value.defined();
}

void EagerContext::assign(const Node* variable, const Tensor& value) {
  VF_CHECK(variable && variable->op_def().is_variable && &variable->graph() == graph_.get(),
           ErrorCode::kInvalidArgument, "assign: not a variable of this eager context");
  ResourceSlot& slot = state_of(variable);
  std::lock_guard<std::mutex> lock(slot.mu);
  Tensor stored = value.deep_copy();
  stored.buffer()->set_shared_state(true);
  slot.value = stored;
}

void EagerContext::release_transient() {
  auto removed = graph_->discard_nodes([this](const Node& n) {
    return n.op_def().is_variable || is_variable_snapshot(&n) || pinned_.count(&n);
  });
  for (const auto& node : removed) {
    values_.erase(node.get());
    states_.erase(node.get());
  }
  released_ = std::move(removed);  // frees the release before last
  transient_ = 0;
  ++epoch_;
}

std::shared_ptr<EagerFunction> EagerContext::make_function(int first_node,
                                                           std::vector<Output> inputs,
                                                           std::vector<Output> outputs) {
  for (const Output& o : outputs)
    VF_CHECK(o.node && !o.node->discarded() && &o.node->graph() == graph_.get(),
             ErrorCode::kInvalidArgument, "A traced function's output is not held by the context");
  const int num_nodes = graph_->num_nodes();
  std::vector<char> needed(static_cast<size_t>(num_nodes), 0);
  // Initialisers of variables the trace created ran once; running them again would reset the
  // variables (an optimizer's slots at every call).
  std::vector<char> skipped(static_cast<size_t>(num_nodes), 0);
  std::vector<Node*> stack;
  for (int id = first_node; id < num_nodes; ++id) {
    Node* n = graph_->node(id);
    if (!n->op_def().is_variable) continue;
    const VariableInfo* info = graph_->variable_info(n);
    if (info && info->initializer) skipped[static_cast<size_t>(info->initializer->id())] = 1;
  }
  for (const Output& o : outputs) stack.push_back(o.node);
  for (int id = first_node; id < num_nodes; ++id) {
    Node* n = graph_->node(id);
    const OpDef& def = n->op_def();
    const bool updates = !def.reads_refs_only && (!def.ref_inputs.empty() || def.ref_input_rule);
    if ((updates || def.stateful) && !def.is_variable && !skipped[static_cast<size_t>(id)])
      stack.push_back(n);
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    if (needed[static_cast<size_t>(n->id())]) continue;
    needed[static_cast<size_t>(n->id())] = 1;
    for (const Output& in : n->inputs()) stack.push_back(in.node);
    for (Node* ctrl : n->control_inputs()) stack.push_back(ctrl);
  }
  auto function = std::make_shared<EagerFunction>();
  function->inputs = std::move(inputs);
  function->outputs = std::move(outputs);
  for (int id = 0; id < num_nodes; ++id) {
    if (!needed[static_cast<size_t>(id)]) continue;
    Node* n = graph_->node(id);
    pinned_.insert(n);
    // Nodes from before the trace and the arguments' leaves give their values; the rest run
    // at each call. (The traced values stay: tensors the trace returned may still be used.)
    const bool is_input = std::any_of(function->inputs.begin(), function->inputs.end(),
                                      [n](const Output& o) { return o.node == n; });
    if (id >= first_node && !is_input && !n->op_def().is_variable && !is_variable_snapshot(n))
      function->steps.push_back(n);
  }
  return function;
}

std::vector<Tensor> EagerContext::call(const EagerFunction& function,
                                       const std::vector<Tensor>& inputs) {
  VF_CHECK(inputs.size() == function.inputs.size(), ErrorCode::kInvalidArgument, "Expected ",
           function.inputs.size(), " arguments, got ", inputs.size());
  std::unordered_map<const Node*, std::vector<Tensor>> local;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Output& leaf = function.inputs[i];
    VF_CHECK(inputs[i].dtype() == leaf.dtype(), ErrorCode::kInvalidArgument, "Argument ", i,
             " has dtype ", dtype_name(inputs[i].dtype()), ", the trace had ",
             dtype_name(leaf.dtype()));
    local[leaf.node].assign(1, inputs[i]);
  }
  auto value_of = [&](const Output& in) -> const Tensor& {
    auto it = local.find(in.node);
    if (it != local.end()) return it->second[static_cast<size_t>(in.index)];
    return input_value(in);
  };
  for (Node* step : function.steps) local[step] = execute(*step, value_of);
  std::vector<Tensor> results;
  for (const Output& o : function.outputs) {
    if (o.node->op_def().is_variable || is_variable_snapshot(o.node)) {
      results.push_back(value(o));
      continue;
    }
    results.push_back(detached(o.node, value_of(o)));
  }
  return results;
}

}  // namespace varflow
