#include "varflow/graph.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <regex>

#include "varflow/errors.h"
#include "varflow/op_registry.h"

namespace varflow {

namespace {
// A builder reads its first input's graph before add_node checks the inputs: a null Output
// (default-constructed, or a gradient that is not there) must be an error there, not a crash.
const Node& checked_node(const Output& o) {
  VF_CHECK(o.node != nullptr, ErrorCode::kValue,
           "A null Output (one with no node) was passed where a tensor is needed");
  return *o.node;
}
}  // namespace

DType Output::dtype() const { return checked_node(*this).output_dtype(index); }
const Shape& Output::shape() const { return checked_node(*this).output_shape(index); }
std::string Output::name() const {
  return checked_node(*this).name() + ":" + std::to_string(index);
}
Graph& Output::graph() const { return checked_node(*this).graph(); }
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
  std::vector<Output> resolved = inputs;
  for (Output& in : resolved) {
    VF_CHECK(in.node != nullptr, ErrorCode::kValue, "Input to '", node_name, "' is None");
    if (in.node->discarded_)
      raise(ErrorCode::kValue, "Input '", in.node->name(), "' of '", node_name,
            "' is an eager result whose op was already released; use the tensor's value");
    if (&in.graph() != this)
      raise(ErrorCode::kValue, "Tensor(\"", in.name(), "\") must be from the same graph as '",
            node_name, "'.");
    in = resolve_input(in, node_name);
  }
  std::vector<Node*> control_inputs;
  if (!control_stack_.empty()) control_inputs = control_stack_.back();
  for (Node* c : control_inputs)
    if (!region_encloses(c->region_, current_region_))
      raise(ErrorCode::kValue, "Cannot use '", c->name(), "' as a control input of '", node_name,
            "' because it is in a control-flow region (tf.cond branch or tf.while_loop) that '",
            node_name, "' is not in.");
  const std::vector<Output>& inputs_in_scope = resolved;
  for (int i : def.ref_inputs)
    if (i < static_cast<int>(inputs.size()) &&
        !inputs[static_cast<size_t>(i)].node->op_def().is_variable)
      raise(ErrorCode::kType, "Input ", i, " of '", node_name, "' (op: '", op_type,
            "') must be a variable, got '", inputs[static_cast<size_t>(i)].name(), "'");

  validate_attrs(def, node_name, attrs);
  InferenceContext ctx(def, node_name, inputs_in_scope, attrs);
  ctx.set_num_outputs(static_cast<int>(def.output_names.size()));
  if (def.shape_fn) def.shape_fn(ctx);

  auto node = std::make_unique<Node>();
  node->id_ = static_cast<int>(nodes_.size());
  node->name_ = node_name;
  node->op_def_ = &def;
  node->graph_ = this;
  node->inputs_ = inputs_in_scope;
  node->region_ = current_region_;
  node->attrs_ = std::move(attrs);
  node->output_dtypes_ = ctx.output_dtypes();
  node->output_shapes_ = ctx.output_shapes();
  node->device_ = device_;
  node->control_inputs_ = std::move(control_inputs);
  Node* raw = node.get();
  for (const Output& in : raw->inputs_) {
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
  record_captures(*raw);
  return raw;
}

int Graph::add_region(RegionKind kind) {
  auto r = std::make_unique<Region>();
  r->kind = kind;
  r->parent = current_region_;
  regions_.push_back(std::move(r));
  return static_cast<int>(regions_.size()) - 1;
}

int Graph::set_current_region(int id) {
  VF_CHECK(id >= -1 && id < num_regions(), ErrorCode::kValue, "No control-flow region ", id);
  const int previous = current_region_;
  current_region_ = id;
  return previous;
}

bool Graph::region_encloses(int outer, int inner) const {
  for (int r = inner; r != -1; r = regions_[static_cast<size_t>(r)]->parent)
    if (r == outer) return true;
  return outer == -1;
}

// An input from an enclosing region is read directly (and captured, below); one from a region
// the new node cannot see is only allowed where a gradient region knows where its value is.
Output Graph::resolve_input(const Output& input, const std::string& node_name) const {
  if (region_encloses(input.node->region_, current_region_)) return input;
  for (int r = current_region_; r != -1; r = regions_[static_cast<size_t>(r)]->parent) {
    const Region& region = *regions_[static_cast<size_t>(r)];
    if (!region.resolve_foreign) continue;
    // The tensor itself back means the gradient region may read it where it is: a forward
    // branch's value, computed earlier in the same run by the branch this one mirrors.
    if (std::optional<Output> seen = region.resolve_foreign(input)) {
      if (*seen == input || region_encloses(seen->node->region_, current_region_)) return *seen;
    }
  }
  raise(ErrorCode::kValue, "Cannot use '", input.name(), "' as input to '", node_name,
        "' because it is in a control-flow region (tf.cond branch or tf.while_loop) that '",
        node_name, "' is not in.");
}

void Graph::record_captures(const Node& node) {
  auto capture_into = [&](int from_region, int stop, auto&& add) {
    for (int r = from_region; r != stop && r != -1; r = regions_[static_cast<size_t>(r)]->parent)
      add(*regions_[static_cast<size_t>(r)]);
  };
  for (const Output& in : node.inputs_)
    if (in.node->region_ != node.region_ && region_encloses(in.node->region_, node.region_))
      capture_into(node.region_, in.node->region_, [&](Region& r) {
        if (std::find(r.captures.begin(), r.captures.end(), in) == r.captures.end())
          r.captures.push_back(in);
      });
  for (Node* c : node.control_inputs_)
    if (c->region_ != node.region_)
      capture_into(node.region_, c->region_, [&](Region& r) {
        if (std::find(r.control_captures.begin(), r.control_captures.end(), c) ==
            r.control_captures.end())
          r.control_captures.push_back(c);
      });
}

void Graph::forget_name(const Node* node) {
  auto it = by_name_.find(node->name_);
  if (it != by_name_.end() && it->second == node) {
    by_name_.erase(it);
    names_in_use_.erase(lower(node->name_));
  }
}

Tensor Graph::eager_value(const Output& output) const {
  VF_CHECK(eager_value_reader_, ErrorCode::kFailedPrecondition,
           "The graph does not execute "
           "eagerly: ",
           output.name(), " has no value until a Session runs it");
  return eager_value_reader_(output);
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
std::vector<CollectionItem> Graph::get_collection(const std::string& key,
                                                  const std::string& scope) const {
  std::regex pattern;
  try {
    pattern = std::regex(scope, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    raise(ErrorCode::kValue, "get_collection: the scope '", scope,
          "' is not a regular expression: ", e.what());
  }
  std::vector<CollectionItem> matched;
  for (const CollectionItem& item : collections_->get(key)) {
    std::string name;
    if (const Node* const* node = std::get_if<Node*>(&item))
      name = variable_info(*node) ? (*node)->name() + ":0" : (*node)->name();
    else
      name = std::get<Output>(item).name();
    if (std::regex_search(name, pattern, std::regex_constants::match_continuous))
      matched.push_back(item);
  }
  return matched;
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
