#include "varflow/graph.h"

#include <algorithm>
#include <atomic>
#include <cctype>

#include "varflow/errors.h"
#include "varflow/op_registry.h"

namespace varflow {

DType Output::dtype() const { return node->output_dtype(index); }
const Shape& Output::shape() const { return node->output_shape(index); }
std::string Output::name() const { return node->name() + ":" + std::to_string(index); }
Graph& Output::graph() const { return node->graph(); }
bool Output::operator<(const Output& o) const {
  return node->id() != o.node->id() ? node->id() < o.node->id() : index < o.index;
}

const std::string& Node::type() const { return op_def_->name; }

namespace {

class VectorCollectionStore : public CollectionStore {
 public:
  void add(const std::string& key, const CollectionItem& item) override {
    auto& list = lists_[key];
    if (order_.empty() || std::find(order_.begin(), order_.end(), key) == order_.end())
      order_.push_back(key);
    list.push_back(item);
  }
  std::vector<CollectionItem> get(const std::string& key) override {
    auto it = lists_.find(key);
    return it == lists_.end() ? std::vector<CollectionItem>{} : it->second;
  }
  std::vector<std::string> keys() override { return order_; }
  void clear(const std::string& key) override {
    lists_.erase(key);
    order_.erase(std::remove(order_.begin(), order_.end(), key), order_.end());
  }

 private:
  std::map<std::string, std::vector<CollectionItem>> lists_;
  std::vector<std::string> order_;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::atomic<uint64_t> next_graph_uid{1};

}  // namespace

Graph::Graph() : collections_(std::make_shared<VectorCollectionStore>()), uid_(next_graph_uid++) {}
Graph::~Graph() = default;

std::string Graph::unique_name(const std::string& name, bool mark_as_used) {
  std::string full = name_scope_ + name;
  std::string key = lower(full);
  int i = 0;
  auto it = names_in_use_.find(key);
  if (it != names_in_use_.end()) i = it->second;
  if (mark_as_used) names_in_use_[key] = i + 1;
  if (i > 0) {
    std::string base_key = key;
    while (names_in_use_.count(key)) {
      key = base_key + "_" + std::to_string(i);
      ++i;
    }
    if (mark_as_used) names_in_use_[key] = 1;
    full = full + "_" + std::to_string(i - 1);
  }
  return full;
}

std::string Graph::set_name_scope(std::string scope) {
  std::swap(scope, name_scope_);
  return scope;
}

void Graph::push_control_dependencies(std::vector<Node*> nodes, bool replace) {
  // Each op once, in first-mention order, as TF1's control_inputs (a set of ops).
  std::vector<Node*> merged;
  if (!replace && !control_stack_.empty()) merged = control_stack_.back();
  for (Node* n : nodes)
    if (std::find(merged.begin(), merged.end(), n) == merged.end()) merged.push_back(n);
  control_stack_.push_back(std::move(merged));
}

void Graph::pop_control_dependencies() {
  if (!control_stack_.empty()) control_stack_.pop_back();
}

Node* Graph::add_node(const std::string& op_type, const std::vector<Output>& inputs, AttrMap attrs,
                      const std::string& name) {
  VF_CHECK(!finalized_, ErrorCode::kRuntime, "Graph is finalized and cannot be modified.");
  const OpDef& def = OpRegistry::global().get(op_type);
  // A name ending in "/" is taken verbatim (TF1's scope-name convention), else uniquified.
  std::string node_name;
  if (!name.empty() && name.back() == '/') {
    node_name = name.substr(0, name.size() - 1);
    if (by_name_.count(node_name))
      raise(ErrorCode::kValue, "Duplicate node name in graph: '", node_name, "'");
  } else {
    node_name = unique_name(name.empty() ? op_type : name);
  }
  if (!def.variadic_inputs && inputs.size() != def.input_names.size())
    raise(ErrorCode::kValue, "Op '", op_type, "' expects ", def.input_names.size(),
          " inputs but got ", inputs.size(), " for '", node_name, "'");
  for (const Output& in : inputs) {
    VF_CHECK(in.node != nullptr, ErrorCode::kValue, "Input to '", node_name, "' is None");
    if (in.node->discarded_)
      raise(ErrorCode::kValue, "Input '", in.node->name(), "' of '", node_name,
            "' is an eager result whose op was already released; use the tensor's value");
    if (&in.graph() != this)
      raise(ErrorCode::kValue, "Tensor(\"", in.name(), "\") must be from the same graph as '",
            node_name, "'.");
  }
  for (int i : def.ref_inputs)
    if (i < static_cast<int>(inputs.size()) &&
        !inputs[static_cast<size_t>(i)].node->op_def().is_variable)
      raise(ErrorCode::kType, "Input ", i, " of '", node_name, "' (op: '", op_type,
            "') must be a variable, got '", inputs[static_cast<size_t>(i)].name(), "'");

  validate_attrs(def, node_name, attrs);
  InferenceContext ctx(def, node_name, inputs, attrs);
  ctx.set_num_outputs(static_cast<int>(def.output_names.size()));
  if (def.shape_fn) def.shape_fn(ctx);

  auto node = std::make_unique<Node>();
  node->id_ = static_cast<int>(nodes_.size());
  node->name_ = node_name;
  node->op_def_ = &def;
  node->graph_ = this;
  node->inputs_ = inputs;
  node->attrs_ = std::move(attrs);
  node->output_dtypes_ = ctx.output_dtypes();
  node->output_shapes_ = ctx.output_shapes();
  node->device_ = device_;
  if (!control_stack_.empty()) node->control_inputs_ = control_stack_.back();
  Node* raw = node.get();
  for (const Output& in : inputs) {
    auto& consumers = in.node->consumers_;
    if (consumers.empty() || consumers.back() != raw) consumers.push_back(raw);
  }
  nodes_.push_back(std::move(node));
  by_name_[node_name] = raw;
  if (node_added_hook_) {
    try {
      node_added_hook_(*raw);
    } catch (...) {
      // The node failed to run: it never becomes part of the graph.
      for (const Output& in : raw->inputs_) {
        auto& consumers = in.node->consumers_;
        if (!consumers.empty() && consumers.back() == raw) consumers.pop_back();
      }
      forget_name(raw);
      nodes_.pop_back();
      throw;
    }
  }
  return raw;
}

void Graph::forget_name(const Node* node) {
  auto it = by_name_.find(node->name_);
  if (it != by_name_.end() && it->second == node) {
    by_name_.erase(it);
    names_in_use_.erase(lower(node->name_));
  }
}

void Graph::refine_output_shape(Node& node, int index, Shape shape) {
  node.output_shapes_[static_cast<size_t>(index)] = std::move(shape);
}

std::vector<std::unique_ptr<Node>> Graph::discard_nodes(
    const std::function<bool(const Node&)>& keep) {
  std::vector<std::unique_ptr<Node>> removed;
  std::vector<std::unique_ptr<Node>> kept;
  kept.reserve(nodes_.size());
  for (auto& node : nodes_) {
    if (keep(*node)) {
      node->id_ = static_cast<int>(kept.size());
      kept.push_back(std::move(node));
    } else {
      node->discarded_ = true;
      forget_name(node.get());
      removed.push_back(std::move(node));
    }
  }
  nodes_ = std::move(kept);
  if (removed.empty()) return removed;
  auto gone = [](const Node* n) { return n->discarded_; };
  for (auto& node : nodes_) {
    auto& consumers = node->consumers_;
    consumers.erase(std::remove_if(consumers.begin(), consumers.end(), gone), consumers.end());
    auto& control = node->control_inputs_;
    control.erase(std::remove_if(control.begin(), control.end(), gone), control.end());
  }
  for (auto& level : control_stack_)
    level.erase(std::remove_if(level.begin(), level.end(), gone), level.end());
  for (auto& [variable, info] : variables_) {
    if (info.initializer && info.initializer->discarded_) info.initializer = nullptr;
    if (info.snapshot.node && info.snapshot.node->discarded_) info.snapshot = Output{};
    if (info.initial_value.node && info.initial_value.node->discarded_)
      info.initial_value = Output{};
  }
  for (const std::string& key : collections_->keys()) {
    std::vector<CollectionItem> items = collections_->get(key);
    auto is_gone = [&](const CollectionItem& item) {
      if (const auto* n = std::get_if<Node*>(&item)) return (*n)->discarded_;
      return std::get<Output>(item).node->discarded_;
    };
    if (std::none_of(items.begin(), items.end(), is_gone)) continue;
    collections_->clear(key);
    for (const CollectionItem& item : items)
      if (!is_gone(item)) collections_->add(key, item);
  }
  return removed;
}

Node* Graph::find_node(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Output Graph::tensor_by_name(const std::string& name) const {
  auto colon = name.rfind(':');
  if (colon == std::string::npos)
    raise(ErrorCode::kValue, "The name '", name,
          "' looks a like an Operation name, not a Tensor name. Tensor names must be of the "
          "form \"<op_name>:<output_index>\".");
  std::string op_name = name.substr(0, colon);
  int index = 0;
  try {
    index = std::stoi(name.substr(colon + 1));
  } catch (const std::exception&) {
    raise(ErrorCode::kValue, "The name '", name, "' is not a valid Tensor name.");
  }
  Node* node = find_node(op_name);
  if (!node)
    raise(ErrorCode::kNotFound, "The name '", name, "' refers to a Tensor which does not exist. ",
          "The operation, '", op_name, "', does not exist in the graph.");
  if (index < 0 || index >= node->num_outputs())
    raise(ErrorCode::kNotFound, "The name '", name,
          "' refers to a Tensor which does not exist. The operation, '", op_name, "', exists but ",
          "only has ", node->num_outputs(), " outputs.");
  return Output{node, index};
}

Node* Graph::operation_by_name(const std::string& name) const {
  if (name.find(':') != std::string::npos)
    raise(ErrorCode::kValue, "Name '", name, "' appears to refer to a Tensor, not a Operation.");
  Node* node = find_node(name);
  if (!node)
    raise(ErrorCode::kNotFound, "The name '", name, "' refers to an Operation not in the graph.");
  return node;
}

void Graph::add_to_collection(const std::string& key, const CollectionItem& item) {
  collections_->add(key, item);
}
std::vector<CollectionItem> Graph::get_collection(const std::string& key) const {
  return collections_->get(key);
}
std::vector<std::string> Graph::collection_keys() const { return collections_->keys(); }
void Graph::clear_collection(const std::string& key) { collections_->clear(key); }
void Graph::set_collection_store(std::shared_ptr<CollectionStore> store) {
  // Carry over what the old store held, so the switch loses nothing.
  for (const std::string& key : collections_->keys())
    for (const CollectionItem& item : collections_->get(key)) store->add(key, item);
  collections_ = std::move(store);
}

const VariableInfo* Graph::variable_info(const Node* node) const {
  auto it = variables_.find(node);
  return it == variables_.end() ? nullptr : &it->second;
}

NameScope::NameScope(Graph& graph, const std::string& name) : graph_(graph) {
  if (name.empty()) {
    scope_ = "";
  } else if (name.back() == '/') {
    scope_ = name;
  } else {
    scope_ = graph.unique_name(name) + "/";
  }
  previous_ = graph_.set_name_scope(scope_);
}

NameScope::~NameScope() { graph_.set_name_scope(previous_); }

}  // namespace varflow
