// Variables: a VariableV2 node whose value lives in each Session, an initializer and a read
// snapshot, with TF1's names (`w`, `w/Assign`, `w/read`) and collections.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"

namespace varflow {

struct VariableOptions {
  std::string name = "Variable";
  bool trainable = true;
  // Empty: GLOBAL_VARIABLES, plus TRAINABLE_VARIABLES when trainable.
  std::vector<std::string> collections;
  bool validate_shape = true;
  std::optional<DType> dtype;  // cast the initial value to this dtype
};

// Errors: create() raises kValue when validate_shape is set and the initial value's shape is
// not fully defined, plus whatever building the initial value raises (kValue, kType);
// from_node() raises kInvalidArgument for a node that is not a variable; assign*() raise
// kType for a value of another dtype and kValue for an incompatible shape (validate_shape).
// Accessors of an invalid (default-constructed) Variable are undefined: check valid().
// Thread-safety: a Variable is an immutable handle; building nodes (create, assign*) modifies
// the graph and must not run concurrently with other changes to it, as in TF1.
class Variable {
 public:
  Variable() = default;
  // Builds the variable; `initial_value` runs inside the variable's name scope, so its nodes
  // are named `<name>/initial_value...` as in TF1.
  static Variable create(Graph& graph, const std::function<Output(Graph&)>& initial_value,
                         const VariableOptions& options = {});
  static Variable create(Graph& graph, const Tensor& initial_value,
                         const VariableOptions& options = {});
  static Variable create(Graph& graph, const Tensor& initial_value, const std::string& name,
                         bool trainable = true);
  // The variable whose VariableV2 node is `node` (raises InvalidArgument if it is not one).
  static Variable from_node(Node* node);

  bool valid() const { return info_.node != nullptr; }
  Node* node() const { return info_.node; }
  Output ref() const { return Output{info_.node, 0}; }
  Output value() const { return info_.snapshot; }
  Node* initializer() const { return info_.initializer; }
  Output initial_value() const { return info_.initial_value; }
  bool trainable() const { return info_.trainable; }
  const std::string& op_name() const;
  DType dtype() const;
  const Shape& shape() const;
  Graph& graph() const;
  bool operator==(const Variable& o) const { return info_.node == o.info_.node; }

  Output assign(Output value, const std::string& name = "") const;
  Output assign_add(Output value, const std::string& name = "") const;
  Output assign_sub(Output value, const std::string& name = "") const;

 private:
  explicit Variable(VariableInfo info) : info_(std::move(info)) {}
  VariableInfo info_;
};

// Variables of a collection, in order (items that are not variables are skipped).
std::vector<Variable> variables_in_collection(const Graph& graph, const std::string& key);
std::vector<Variable> global_variables(const Graph& graph);
std::vector<Variable> trainable_variables(const Graph& graph);
// A NoOp running every initializer of `vars` (TF1's variables_initializer, name "init").
Node* variables_initializer(Graph& graph, const std::vector<Variable>& vars,
                            const std::string& name = "init");
Node* global_variables_initializer(Graph& graph);

}  // namespace varflow
