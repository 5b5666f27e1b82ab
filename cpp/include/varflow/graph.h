// The dataflow graph: nodes with TF1 names, name scopes, control dependencies and
// collections. Nodes are immutable once added, so compiled Session plans stay valid as the
// graph grows.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "varflow/attr.h"
#include "varflow/dtype.h"
#include "varflow/shape.h"

namespace varflow {

class Graph;
class Node;
struct OpDef;

// One output of a node: what TF1 calls a Tensor ("name:index").
struct Output {
  Node* node = nullptr;
  int index = 0;

  // The output's dtype and static shape, its TF1 name ("node:index") and its node's graph.
  // Each raises kValue for a null Output (node == nullptr).
  DType dtype() const;
  const Shape& shape() const;
  std::string name() const;
  Graph& graph() const;
  bool operator==(const Output& o) const { return node == o.node && index == o.index; }
  bool operator!=(const Output& o) const { return !(*this == o); }
  // Orders by node id, then index (for maps and sets); both nodes must be non-null.
  bool operator<(const Output& o) const;
};

// An operation (TF1's tf.Operation), made by Graph::add_node and owned by the graph, which
// callers reach through Node*. Its type, inputs, attributes and the output dtypes and shapes
// its op's shape rule inferred are fixed then; consumers() grows as nodes are added, and
// refine_output_shape and discard_nodes (eager execution) change shapes, ids, control inputs.
class Node {
 public:
  // Index in the graph: 0..num_nodes()-1 in creation order, a topological order.
  int id() const { return id_; }
  // Unique full name, name scope included ("scope/MatMul_1").
  const std::string& name() const { return name_; }
  // The op type ("MatMul"); op_def() is its registry entry.
  const std::string& type() const;
  const OpDef& op_def() const { return *op_def_; }
  Graph& graph() const { return *graph_; }
  // Data inputs, in the op's input order.
  const std::vector<Output>& inputs() const { return inputs_; }
  // The control dependencies in force when the node was added, each once.
  const std::vector<Node*>& control_inputs() const { return control_inputs_; }
  // Every attribute the op declares, defaults filled in (validate_attrs).
  const AttrMap& attrs() const { return attrs_; }
  // Outputs: i in [0, num_outputs()), not checked.
  int num_outputs() const { return static_cast<int>(output_dtypes_.size()); }
  DType output_dtype(int i) const { return output_dtypes_[static_cast<size_t>(i)]; }
  const Shape& output_shape(int i) const { return output_shapes_[static_cast<size_t>(i)]; }
  Output output(int i = 0) { return Output{this, i}; }
  // Nodes that read an output of this one (data edges), in creation order.
  const std::vector<Node*>& consumers() const { return consumers_; }
  // The graph's device() when the node was added: recorded for GraphDef export; placement
  // ignores it.
  const std::string& device() const { return device_; }
  // True once Graph::discard_nodes took the node out of its graph (eager execution only).
  bool discarded() const { return discarded_; }
  // The control-flow region (a tf.cond branch, a tf.while_loop) the node was built in; -1 for
  // the top level. A region's nodes run only when, and as often as, its If/While node says.
  int region() const { return region_; }

 private:
  friend class Graph;
  int id_ = 0;
  int region_ = -1;
  bool discarded_ = false;
  std::string name_;
  const OpDef* op_def_ = nullptr;
  Graph* graph_ = nullptr;
  std::vector<Output> inputs_;
  std::vector<Node*> control_inputs_;
  AttrMap attrs_;
  std::vector<DType> output_dtypes_;
  std::vector<Shape> output_shapes_;
  std::vector<Node*> consumers_;
  std::string device_;
};

// What a collection holds: an operation (or variable) node, or a tensor.
using CollectionItem = std::variant<Node*, Output>;

// Where a graph keeps its collections. The default keeps vectors; the Python layer installs
// one backed by Python lists, so that C++ and Python see the same live collections.
class CollectionStore {
 public:
  virtual ~CollectionStore() = default;
  virtual void add(const std::string& key, const CollectionItem& item) = 0;
  virtual std::vector<CollectionItem> get(const std::string& key) = 0;
  virtual std::vector<std::string> keys() = 0;
  virtual void clear(const std::string& key) = 0;
};

// TF1's GraphKeys: the names of the standard collections.
namespace graph_keys {
inline constexpr const char* kGlobalVariables = "variables";
inline constexpr const char* kLocalVariables = "local_variables";
inline constexpr const char* kModelVariables = "model_variables";
inline constexpr const char* kTrainableVariables = "trainable_variables";
inline constexpr const char* kMovingAverageVariables = "moving_average_variables";
inline constexpr const char* kRegularizationLosses = "regularization_losses";
inline constexpr const char* kUpdateOps = "update_ops";
inline constexpr const char* kLosses = "losses";
inline constexpr const char* kGlobalStep = "global_step";
inline constexpr const char* kTrainOp = "train_op";
}  // namespace graph_keys

// A control-flow region: the nodes one tf.cond branch or one tf.while_loop (condition and body)
// was built from. Its nodes live in the graph like any other, with TF1 names, but run only
// under their owner, the If or While node built when the region is complete.
enum class RegionKind : int8_t { kBranch, kLoop };
struct Region {
  RegionKind kind = RegionKind::kBranch;
  // The enclosing region (-1: the top level), and the If or While node it runs under (nullptr
  // until that node is built).
  int parent = -1;
  Node* owner = nullptr;
  // Tensors and operations of enclosing regions that its nodes (or nested regions') read, in
  // first-use order: the owner takes them as inputs and control inputs, so they exist first.
  std::vector<Output> captures;
  std::vector<Node*> control_captures;
  // kLoop: the LoopVar nodes the condition and body read, and the condition's boolean result.
  std::vector<Node*> loop_vars;
  Output condition;
  // A branch's outputs; a loop body's next values of the loop variables.
  std::vector<Output> results;
  // Gradient regions read what the forward region computed: maps a tensor of a region this
  // one cannot otherwise see to one it can (a loop's saved value), or nullopt.
  std::function<std::optional<Output>(const Output&)> resolve_foreign;
};

// A variable's nodes: the VariableV2 node holding the value, its initializer (Assign of the
// initial value) and the `read` snapshot that consumers use.
struct VariableInfo {
  Node* node = nullptr;
  Node* initializer = nullptr;
  Output initial_value;
  Output snapshot;
  bool trainable = true;
};

// Errors: add_node raises kRuntime on a finalized graph; kValue for a wrong number of
// inputs, a null input, an input of another graph, an input from a control-flow region the
// new node's region cannot see, a duplicate verbatim name or a shape rule's rejection; kType for a
// non-variable ref input or a dtype the op does not take; kNotFound for an op type that is not
// registered. tensor_by_name/operation_by_name raise kValue for a malformed name and kNotFound for
// a missing node or output index. Collections, scopes and control dependencies do not throw.
// node(id) and Node::output_*(i) do not check their index (ids come from num_nodes(), indices from
// num_outputs()).
// Thread-safety: a graph is built by one thread at a time (as in TF1). Concurrent const use
// (lookups, Session::prepare, running plans) is safe while nobody modifies the graph; plans
// already compiled stay valid while the graph grows, since nodes never change.
class Graph : public std::enable_shared_from_this<Graph> {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Adds a node of a registered op type. `name` is the op's own name ("" = its type); the
  // current name scope is prepended and the result made unique, as TF1 does. Runs the op's
  // shape rule, which raises kValue/kType for bad inputs.
  Node* add_node(const std::string& op_type, const std::vector<Output>& inputs, AttrMap attrs = {},
                 const std::string& name = "");
  // The node of that full name, or nullptr. Never throws.
  Node* find_node(const std::string& name) const;
  // The node of id `id` in [0, num_nodes()), not checked.
  Node* node(int id) const { return nodes_[static_cast<size_t>(id)].get(); }
  int num_nodes() const { return static_cast<int>(nodes_.size()); }
  // Resolves "name:0" (a tensor) or "name" (a node), with TF1's messages when absent.
  Output tensor_by_name(const std::string& name) const;
  Node* operation_by_name(const std::string& name) const;

  // Name scopes. unique_name("foo") gives "scope/foo", then "scope/foo_1", ...
  std::string unique_name(const std::string& name, bool mark_as_used = true);
  // The current scope, "" or ending with "/".
  const std::string& name_scope() const { return name_scope_; }
  // Enters `scope` (already unique, ending with "/", or "" for the root); returns the old.
  std::string set_name_scope(std::string scope);

  // Control dependencies applied to every node added while they are in force.
  // `nodes` join the set in force (replace: they replace it, as TF1's control_dependencies(None)
  // and then `nodes`); pop restores the previous set, and does nothing when none is pushed.
  void push_control_dependencies(std::vector<Node*> nodes, bool replace = false);
  void pop_control_dependencies();
  // The device string recorded on nodes added from now on (tf.device); device() reads it.
  void set_device(std::string device) { device_ = std::move(device); }
  const std::string& device() const { return device_; }

  // Collections (GraphKeys).
  void add_to_collection(const std::string& key, const CollectionItem& item);
  std::vector<CollectionItem> get_collection(const std::string& key) const;
  // The items of `key` whose names match the regular expression `scope` from their start (as
  // Python's re.match; ECMAScript syntax): a tensor's name "op:0", a variable's "v:0", an
  // operation's "op". kValue for a pattern that does not compile.
  std::vector<CollectionItem> get_collection(const std::string& key,
                                             const std::string& scope) const;
  std::vector<std::string> collection_keys() const;
  void clear_collection(const std::string& key);
  // Switches to `store`, which first receives every item the old store held.
  void set_collection_store(std::shared_ptr<CollectionStore> store);

  // Records a variable's nodes (Variable::create does); variable_info() finds them.
  void register_variable(const VariableInfo& info) { variables_[info.node] = info; }
  // Optimizer slots remember their primary variable (freezing a variable freezes its slots).
  void register_slot(Node* slot, Node* primary) {
    slot_primaries_[slot] = primary;
    primary_slots_[primary].push_back(slot);
  }
  // The slots registered for `primary` (empty if none), and the primary of `slot` (nullptr
  // if it is not a slot).
  const std::vector<Node*>& slots_of(const Node* primary) const {
    static const std::vector<Node*> kNone;
    auto it = primary_slots_.find(primary);
    return it == primary_slots_.end() ? kNone : it->second;
  }
  Node* slot_primary(const Node* slot) const {
    auto it = slot_primaries_.find(slot);
    return it == slot_primaries_.end() ? nullptr : it->second;
  }
  // The variable whose VariableV2 node is `node`, or nullptr.
  const VariableInfo* variable_info(const Node* node) const;

  // --- eager execution (varflow/eager.h) ----------------------------------------------------
  // Called with each node right after add_node built it; when the hook throws, the node is
  // taken out of the graph again and the error propagates. One hook per graph.
  void set_node_added_hook(std::function<void(Node&)> hook) { node_added_hook_ = std::move(hook); }
  // The value an output had when its node ran, for the graph of an EagerContext: tf.cond and
  // tf.while_loop (control_flow.h) read their predicates through it and run eagerly. Empty (the
  // default): the graph is built to be run by a Session.
  void set_eager_value_reader(std::function<Tensor(const Output&)> reader) {
    eager_value_reader_ = std::move(reader);
  }
  bool executes_eagerly() const { return static_cast<bool>(eager_value_reader_); }
  // kFailedPrecondition in a graph that does not execute eagerly; otherwise what the reader
  // raises (kInvalidArgument for an output that was not run).
  Tensor eager_value(const Output& output) const;
  // Gives an output a more specific static shape: eager graphs record each value's exact shape,
  // Tensor.set_shape merges a caller's claim (ops added later infer from it).
  void refine_output_shape(Node& node, int index, Shape shape);
  // --- control flow (varflow/control_flow.h) -------------------------------------------------
  // A new region nested in the current one; add_region does not enter it.
  int add_region(RegionKind kind);
  int current_region() const { return current_region_; }
  // kValue when `id` is neither -1 nor a region of this graph.
  int set_current_region(int id);  // returns the previous one; -1 is the top level
  Region& region(int id) { return *regions_[static_cast<size_t>(id)]; }
  const Region& region(int id) const { return *regions_[static_cast<size_t>(id)]; }
  int num_regions() const { return static_cast<int>(regions_.size()); }
  // True when `outer` is `inner` or encloses it (-1, the top level, encloses every region).
  bool region_encloses(int outer, int inner) const;

  // Removes every node for which keep(node) is false, and everything naming it (names,
  // consumers, collections, variable records); the nodes kept are renumbered in order, so ids
  // stay a topological order 0..n-1. Returns the removed nodes, marked discarded(): add_node
  // rejects them as inputs for as long as the caller keeps them alive. A kept node must not
  // read a removed one, except a variable's record (its initializer and snapshot are
  // forgotten). Plans compiled from the graph before are invalid afterwards.
  std::vector<std::unique_ptr<Node>> discard_nodes(const std::function<bool(const Node&)>& keep);

  // tf.Graph.finalize: later add_node calls raise kRuntime.
  void finalize() { finalized_ = true; }
  // MonitoredSession finalizes the graph while it runs and, as TF1, reopens it on close when
  // it was not finalized before.
  void unsafe_unfinalize() { finalized_ = false; }
  bool finalized() const { return finalized_; }

  // Process-unique id, used to detect tensors of another graph.
  uint64_t uid() const { return uid_; }
  // Deterministic seeds per TF1's rules: graph seed plus per-op counter.
  std::optional<int64_t> seed() const { return seed_; }
  void set_seed(std::optional<int64_t> seed) { seed_ = seed; }
  int64_t next_op_seed() { return op_seed_counter_++; }

 private:
  void forget_name(const Node* node);
  Output resolve_input(const Output& input, const std::string& node_name) const;
  void record_captures(const Node& node);

  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, Node*> by_name_;
  std::unordered_map<std::string, int> names_in_use_;
  std::string name_scope_;
  std::vector<std::vector<Node*>> control_stack_;
  std::string device_;
  std::shared_ptr<CollectionStore> collections_;
  std::unordered_map<const Node*, VariableInfo> variables_;
  std::unordered_map<const Node*, Node*> slot_primaries_;
  std::unordered_map<const Node*, std::vector<Node*>> primary_slots_;
  bool finalized_ = false;
  uint64_t uid_;
  std::optional<int64_t> seed_;
  int64_t op_seed_counter_ = 0;
  std::function<void(Node&)> node_added_hook_;
  std::function<Tensor(const Output&)> eager_value_reader_;
  std::vector<std::unique_ptr<Region>> regions_;
  int current_region_ = -1;
};

// RAII name scope: TF1's `with tf.name_scope(name)`. A name ending in "/" re-enters that
// exact scope; otherwise the scope name is made unique.
class NameScope {
 public:
  NameScope(Graph& graph, const std::string& name);
  ~NameScope();
  NameScope(const NameScope&) = delete;
  NameScope& operator=(const NameScope&) = delete;
  const std::string& scope() const { return scope_; }  // "a/b/"

 private:
  Graph& graph_;
  std::string previous_;
  std::string scope_;
};

// RAII: builds nodes in region `id` (-1: the top level) while in scope.
class RegionScope {
 public:
  RegionScope(Graph& graph, int id) : graph_(graph), previous_(graph.set_current_region(id)) {}
  ~RegionScope() { graph_.set_current_region(previous_); }
  RegionScope(const RegionScope&) = delete;
  RegionScope& operator=(const RegionScope&) = delete;

 private:
  Graph& graph_;
  int previous_;
};

// RAII: TF1's `with tf.control_dependencies(nodes)`: every node added while in scope gets
// `nodes` (merged with the control dependencies already in force) as control inputs.
class ControlDependencies {
 public:
  ControlDependencies(Graph& graph, std::vector<Node*> nodes) : graph_(graph) {
    graph_.push_control_dependencies(std::move(nodes));
  }
  ~ControlDependencies() { graph_.pop_control_dependencies(); }
  ControlDependencies(const ControlDependencies&) = delete;
  ControlDependencies& operator=(const ControlDependencies&) = delete;

 private:
  Graph& graph_;
};

}  // namespace varflow
