// The graph-building half of varflow/collective.h: op builders, the distributed optimizer's
// gradient allreduce and the variables' broadcast.
#include "varflow/collective.h"

#include "varflow/errors.h"
#include "varflow/ops.h"

namespace varflow::collective {

namespace {
AttrMap op_attrs(ReduceOp op) { return AttrMap{{"reduce_op", static_cast<int64_t>(op)}}; }
}  // namespace

Output allreduce(Graph& graph, Output tensor, ReduceOp op, const std::string& name) {
  return ops::op(graph, "HorovodAllreduce", {tensor}, op_attrs(op),
                 name.empty() ? "HorovodAllreduce" : name);
}

std::vector<Output> grouped_allreduce(Graph& graph, const std::vector<Output>& tensors, ReduceOp op,
                                      const std::string& name) {
  if (tensors.empty()) return {};
  Node* n = ops::add_op(graph, "HorovodGroupedAllreduce", tensors, op_attrs(op),
                        name.empty() ? "HorovodGroupedAllreduce" : name);
  std::vector<Output> out;
  for (int i = 0; i < n->num_outputs(); ++i) out.push_back(n->output(i));
  return out;
}

Output allgather(Graph& graph, Output tensor, const std::string& name) {
  return ops::op(graph, "HorovodAllgather", {tensor}, {}, name.empty() ? "HorovodAllgather" : name);
}

Output broadcast(Graph& graph, Output tensor, int root_rank, const std::string& name) {
  return ops::op(graph, "HorovodBroadcast", {tensor},
                 AttrMap{{"root_rank", static_cast<int64_t>(root_rank)}},
                 name.empty() ? "HorovodBroadcast" : name);
}

Node* broadcast_variables(Graph& graph, int root_rank, std::vector<Variable> vars,
                          const std::string& name) {
  if (vars.empty()) vars = global_variables(graph);
  std::vector<Node*> assigns;
  for (const Variable& v : vars) {
    Output value = broadcast(graph, v.value(), root_rank, "HorovodBroadcast_" + v.op_name());
    assigns.push_back(v.assign(value).node);
  }
  return ops::group(graph, assigns, name);
}

std::vector<train::GradAndVar> allreduce_gradients(Graph& graph,
                                                   const std::vector<train::GradAndVar>& grads,
                                                   ReduceOp op, bool fp16,
                                                   const std::string& name) {
  std::vector<Output> handles;
  std::vector<size_t> positions;
  AttrMap attrs = op_attrs(op);
  attrs.set("compression", std::string(fp16 ? "fp16" : "none"));
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].grad) continue;
    handles.push_back(ops::op(graph, "HorovodAllreduceStart", {*grads[i].grad, grads[i].var.ref()},
                              attrs, name + "/start_" + grads[i].var.op_name()));
    positions.push_back(i);
  }
  std::vector<train::GradAndVar> out = grads;
  if (handles.empty()) return out;
  Node* wait = ops::add_op(graph, "HorovodAllreduceWait", handles, {}, name + "/wait");
  for (size_t k = 0; k < positions.size(); ++k)
    out[positions[k]].grad = wait->output(static_cast<int>(k));
  return out;
}

std::vector<train::GradAndVar> DistributedOptimizer::compute_gradients(
    Output loss, const std::optional<std::vector<Variable>>& var_list) {
  std::vector<train::GradAndVar> grads = optimizer_.compute_gradients(loss, var_list);
  return allreduce_gradients(loss.node->graph(), grads, op_, fp16_,
                             "DistributedOptimizer_Allreduce");
}

Node* DistributedOptimizer::apply_gradients(const std::vector<train::GradAndVar>& grads_and_vars,
                                            const std::optional<Variable>& global_step) {
  return optimizer_.apply_gradients(grads_and_vars, global_step);
}

Node* DistributedOptimizer::minimize(Output loss, const std::optional<Variable>& global_step,
                                     const std::optional<std::vector<Variable>>& var_list) {
  return apply_gradients(compute_gradients(loss, var_list), global_step);
}

}  // namespace varflow::collective
