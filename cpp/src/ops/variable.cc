#include "varflow/variable.h"

#include <algorithm>

#include "varflow/errors.h"
#include "varflow/ops.h"

namespace varflow {

Variable Variable::create(Graph& graph, const std::function<Output(Graph&)>& initial_value,
                          const VariableOptions& options) {
  NameScope scope(graph, options.name.empty() ? "Variable" : options.name);
  // A variable made inside tf.cond or tf.while_loop lives outside it (TF1's init_scope):
  // it is initialised once, not per branch taken or per iteration.
  RegionScope top_level(graph, -1);
  Output init;
  {
    init = initial_value(graph);
    if (init.node->region() != -1)
      raise(ErrorCode::kValue, "Initializer for variable ", scope.scope(),
            " is from inside a control-flow construct, such as a loop or conditional. When "
            "creating a variable inside a loop or conditional, use a lambda as the initializer.");
    if (options.dtype && init.dtype() != *options.dtype) init = ops::cast(init, *options.dtype);
  }
  Shape shape = options.validate_shape ? init.shape() : Shape::unknown_rank();
  if (options.validate_shape && !shape.fully_defined())
    raise(ErrorCode::kValue, "initial_value must have a shape specified: ", init.name());
  // The variable node takes the scope's own name ("w", not "w/VariableV2").
  Node* node =
      graph.add_node("VariableV2", {}, {{"dtype", init.dtype()}, {"shape", shape}}, scope.scope());
  Node* assign = graph.add_node("Assign", {node->output(0), init},
                                {{"validate_shape", options.validate_shape}}, "Assign");
  Output read = ops::identity(node->output(0), "read");

  VariableInfo info;
  info.node = node;
  info.initializer = assign;
  info.initial_value = init;
  info.snapshot = read;
  info.trainable = options.trainable;
  graph.register_variable(info);

  std::vector<std::string> collections = options.collections;
  if (collections.empty()) collections.push_back(graph_keys::kGlobalVariables);
  if (options.trainable && std::find(collections.begin(), collections.end(),
                                     graph_keys::kTrainableVariables) == collections.end())
    collections.push_back(graph_keys::kTrainableVariables);
  for (const std::string& key : collections) graph.add_to_collection(key, node);
  return Variable(info);
}

Variable Variable::create(Graph& graph, const Tensor& initial_value,
                          const VariableOptions& options) {
  return create(
      graph, [&](Graph& g) { return ops::constant(g, initial_value, "initial_value"); }, options);
}

Variable Variable::create(Graph& graph, const Tensor& initial_value, const std::string& name,
                          bool trainable) {
  VariableOptions options;
  options.name = name;
  options.trainable = trainable;
  return create(graph, initial_value, options);
}

Variable Variable::from_node(Node* node) {
  const VariableInfo* info = node ? node->graph().variable_info(node) : nullptr;
  VF_CHECK(info != nullptr, ErrorCode::kInvalidArgument, "'", node ? node->name() : "null",
           "' is not a variable");
  return Variable(*info);
}

const std::string& Variable::op_name() const { return info_.node->name(); }
DType Variable::dtype() const { return info_.node->output_dtype(0); }
const Shape& Variable::shape() const { return info_.node->output_shape(0); }
Graph& Variable::graph() const { return info_.node->graph(); }

Output Variable::assign(Output value, const std::string& name) const {
  return ops::assign(ref(), value, name);
}
Output Variable::assign_add(Output value, const std::string& name) const {
  return ops::assign_add(ref(), value, name);
}
Output Variable::assign_sub(Output value, const std::string& name) const {
  return ops::assign_sub(ref(), value, name);
}

std::vector<Variable> variables_in_collection(const Graph& graph, const std::string& key) {
  std::vector<Variable> out;
  for (const CollectionItem& item : graph.get_collection(key)) {
    const Node* const* node = std::get_if<Node*>(&item);
    const Output* tensor = std::get_if<Output>(&item);
    const Node* n = node ? *node : (tensor ? tensor->node : nullptr);
    if (n && graph.variable_info(n)) out.push_back(Variable::from_node(const_cast<Node*>(n)));
  }
  return out;
}

std::vector<Variable> global_variables(const Graph& graph) {
  return variables_in_collection(graph, graph_keys::kGlobalVariables);
}

std::vector<Variable> trainable_variables(const Graph& graph) {
  return variables_in_collection(graph, graph_keys::kTrainableVariables);
}

Node* variables_initializer(Graph& graph, const std::vector<Variable>& vars,
                            const std::string& name) {
  std::vector<Node*> inits;
  for (const Variable& v : vars) inits.push_back(v.initializer());
  return ops::group(graph, inits, name);
}

Node* global_variables_initializer(Graph& graph) {
  return variables_initializer(graph, global_variables(graph), "init");
}

}  // namespace varflow
