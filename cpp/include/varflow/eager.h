// Eager execution: a graph whose nodes run the moment they are added, with the registry's own
// shape rules, kernels and gradient rules (TF 1.x's enable_eager_execution). Gradients of an
// eager computation are ordinary varflow::gradients calls on the context's graph: the gradient
// nodes they add run at once too, so every op keeps one declaration for both modes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "varflow/graph.h"
#include "varflow/op_registry.h"
#include "varflow/tensor.h"

namespace varflow {

// A traced computation (tf.function): the nodes a call ran, replayed on new input values.
struct EagerFunction {
  std::vector<Output> inputs;   // the Const leaves that stood for the arguments
  std::vector<Output> outputs;  // what the call returned
  std::vector<Node*> steps;     // the nodes to run again, in order
};

// Owns one graph in which every added node runs immediately; its outputs' values stay with the
// node until release_transient() drops every node except the variables (and what they hold).
// Errors: adding a node raises what the op's shape rule or kernel raises (kernel errors name
// the node, as in a Session run); a node that fails is not added. A Placeholder cannot run
// eagerly (kInvalidArgument). Reading a variable before it was assigned is kFailedPrecondition.
// Thread-safety: one thread at a time, like building a graph.
class EagerContext {
 public:
  EagerContext();
  ~EagerContext();
  EagerContext(const EagerContext&) = delete;
  EagerContext& operator=(const EagerContext&) = delete;

  Graph& graph() { return *graph_; }
  const std::shared_ptr<Graph>& graph_ptr() const { return graph_; }

  // The value an output had when its node ran. A variable's output, and its registered read
  // snapshot (VariableInfo::snapshot), give the variable's current value.
  // The returned tensor never shares memory that a later op updates in place (variables are
  // snapshotted). Raises kInvalidArgument for a node this context did not run.
  Tensor value(const Output& output) const;
  // A Const node holding `value` (shared, not copied: the caller must not write to it).
  Output constant(const Tensor& value, const std::string& name = "Const");

  // Variables: `node` must be a variable node of this context's graph.
  bool is_initialized(const Node* variable) const;
  void assign(const Node* variable, const Tensor& value);

  // Nodes added since the last release that are not variables.
  int transient_nodes() const { return transient_; }
  // Removes every node that is not a variable (or a variable's registered read snapshot, which
  // C++ code that built the variable keeps reading), with its values. Outputs of removed nodes
  // become invalid inputs (add_node raises kValue for them until the release after next).
  // Increments epoch().
  void release_transient();
  // Counts releases: an Output taken at epoch e is an input of this graph while epoch() == e.
  uint64_t epoch() const { return epoch_; }

  // tf.function: `first_node` is the id of the first node the traced call added. The nodes the
  // outputs depend on, and every node from first_node on that updates a variable, are kept
  // from then on (releases skip them), except what only initialised variables created by the
  // trace (those initialisers must not run again). Raises kInvalidArgument for an output that
  // the context no longer holds.
  std::shared_ptr<EagerFunction> make_function(int first_node, std::vector<Output> inputs,
                                               std::vector<Output> outputs);
  // Runs the function's steps again with `inputs` in place of its leaves; returns the outputs'
  // values. Errors as a node's kernel raises them; the graph does not change.
  std::vector<Tensor> call(const EagerFunction& function, const std::vector<Tensor>& inputs);

 private:
  void run(Node& node);
  // Runs `node`'s kernel, reading each input that is not a variable through `value_of`.
  std::vector<Tensor> execute(Node& node,
                              const std::function<const Tensor&(const Output&)>& value_of);
  bool is_variable_snapshot(const Node* node) const;
  Tensor read_variable(const Node* variable, const Node* reader) const;
  static Tensor detached(const Node* producer, const Tensor& value);
  const Tensor& input_value(const Output& input) const;
  ResourceSlot& state_of(const Node* node);

  std::shared_ptr<Graph> graph_;
  std::unordered_map<const Node*, std::vector<Tensor>> values_;
  std::unordered_map<const Node*, std::unique_ptr<ResourceSlot>> states_;
  // The previous release's nodes, kept one more release so that stale inputs raise instead of
  // reading freed memory.
  std::vector<std::unique_ptr<Node>> released_;
  // Nodes of traced functions: never released.
  std::unordered_set<const Node*> pinned_;
  int transient_ = 0;
  uint64_t epoch_ = 0;
};

}  // namespace varflow
