// The gradient of an If is an If on the same predicate whose branches hold the gradients of
// the forward branches (reading the forward branch's values where they are: the same branch
// ran earlier in the run). The gradient of a While is a loop that runs as many iterations
// backwards, each differentiating the body once; the values the body's gradient needs are
// LoopSavedValue nodes, which make the forward loop save them per iteration and pop them in
// reverse (TF1's while_v1 gradient does the same with stacks). Gradients for tensors the body
// captured from outside the loop are summed over the iterations in extra loop variables.
//
// Second order, as TF1 (control flow v1) has it: the gradient of a gradient If differentiates
// its branches together with the forward branches they read (the gradient If takes the forward
// If's captures as inputs, so the backprop driver sees that it depends on them), to any order.
// Differentiating a gradient While is TF1's TypeError ("Second-order gradient for while loops
// not supported.", raised by TF1's _ExitGrad when the op's loop has a grad_state).

#include "autodiff/control_flow_grad.h"

#include <algorithm>
#include <map>
#include <memory>

#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"

namespace varflow {

namespace {

bool differentiable(const Output& t) { return is_floating(t.dtype()); }

int region_attr(const Node& node, const char* attr) {
  return static_cast<int>(node.attrs().get<int64_t>(attr));
}

// The regions of the values that the nodes of `region` (and of regions nested in it) read
// without seeing them (a gradient branch reads its forward branch's values where they are),
// with the regions those read in turn: what differentiating `region` again differentiates
// with it, and what its gradient may read.
std::vector<int> read_regions(const Graph& graph, int region) {
  std::vector<int> found;
  std::vector<int> todo{region};
  while (!todo.empty()) {
    const int r = todo.back();
    todo.pop_back();
    for (int id = 0; id < graph.num_nodes(); ++id) {
      const Node* n = graph.node(id);
      if (!graph.region_encloses(r, n->region())) continue;
      for (const Output& in : n->inputs()) {
        const int from = in.node->region();
        if (graph.region_encloses(from, n->region()) || graph.region_encloses(r, from)) continue;
        if (from == region || std::find(found.begin(), found.end(), from) != found.end()) continue;
        found.push_back(from);
        todo.push_back(from);
      }
    }
  }
  return found;
}

// Whether nodes built in `region` may read t where it is: t is in an enclosing region, or a
// gradient branch around `region` reads t's region (loop gradients read saved values instead).
bool readable_in(const Graph& graph, int region, const Output& t) {
  if (graph.region_encloses(t.node->region(), region)) return true;
  for (int r = region; r != -1; r = graph.region(r).parent) {
    const Region& q = graph.region(r);
    if (q.kind != RegionKind::kBranch || !q.resolve_foreign) continue;
    const std::optional<Output> seen = q.resolve_foreign(t);
    if (seen && *seen == t) return true;
  }
  return false;
}

// Makes `region` capture t, as a node of `region` reading t would (its owner then takes t as
// an input): with the regions around it up to t's own where t is in an enclosing region, or up
// to the one that reads t where it is.
void capture(Graph& graph, int region, const Output& t) {
  for (int r = region; r != -1 && r != t.node->region(); r = graph.region(r).parent) {
    std::vector<Output>& caps = graph.region(r).captures;
    if (std::find(caps.begin(), caps.end(), t) == caps.end()) caps.push_back(t);
    const int p = graph.region(r).parent;
    if (!graph.region_encloses(t.node->region(), p) && readable_in(graph, p, t)) return;
  }
}

// The gradients of ys with respect to xs through the nodes of `region` (and `also`) only.
std::vector<std::optional<Output>> region_gradients(const std::vector<Output>& ys,
                                                    const std::vector<Output>& xs,
                                                    const std::vector<Output>& grad_ys, int region,
                                                    const std::string& name,
                                                    const std::vector<int>& also = {}) {
  if (ys.empty() || xs.empty()) return std::vector<std::optional<Output>>(xs.size());
  GradientsOptions options;
  options.within_region = region;
  options.also_within_regions = also;
  options.name = name;
  for (const Output& g : grad_ys) options.grad_ys.push_back(g);
  return gradients(ys, xs, options);
}

Grads if_gradient(Node& node, const std::vector<std::optional<Output>>& dys) {
  Graph& graph = node.graph();
  const int forward[2] = {region_attr(node, "then_region"), region_attr(node, "else_region")};
  // A gradient If's branches read the branches of the If it differentiates: those are
  // differentiated with them, and their values may be read where they are.
  std::vector<int> reads[2];
  for (int b = 0; b < 2; ++b) reads[b] = read_regions(graph, forward[b]);
  const std::vector<Output> inputs = node.inputs();
  std::vector<Output> captures;
  std::vector<size_t> capture_input;
  for (size_t i = 1; i < inputs.size(); ++i)
    if (differentiable(inputs[i])) {
      captures.push_back(inputs[i]);
      capture_input.push_back(i);
    }
  Grads result(inputs.size());
  if (captures.empty()) return result;

  // The forward branch's values are still in their slots when the gradient runs in the same
  // iteration context; inside a gradient loop they come from the loop's saved values instead.
  const bool same_iteration = graph.region_encloses(node.region(), graph.current_region());
  int grad_regions[2];
  std::vector<std::optional<Output>> branch_grads[2];
  for (int b = 0; b < 2; ++b) {
    const int fr = forward[b];
    std::vector<int> readable = reads[b];
    readable.push_back(fr);
    grad_regions[b] = graph.add_region(RegionKind::kBranch);
    graph.region(grad_regions[b]).resolve_foreign =
        [&graph, readable, same_iteration](const Output& t) -> std::optional<Output> {
      if (!same_iteration) return std::nullopt;
      for (int r : readable)
        if (graph.region_encloses(r, t.node->region())) return t;
      return std::nullopt;
    };
    RegionScope in(graph, grad_regions[b]);
    std::vector<Output> ys, grad_ys;
    const std::vector<Output>& results = graph.region(fr).results;
    for (size_t k = 0; k < results.size(); ++k)
      if (dys[k] && differentiable(results[k])) {
        ys.push_back(results[k]);
        grad_ys.push_back(*dys[k]);
      }
    branch_grads[b] =
        region_gradients(ys, captures, grad_ys, fr, b == 0 ? "then" : "else", reads[b]);
  }
  std::vector<size_t> with_grad;
  for (size_t j = 0; j < captures.size(); ++j)
    if (branch_grads[0][j] || branch_grads[1][j]) with_grad.push_back(j);
  if (with_grad.empty()) return result;
  for (int b = 0; b < 2; ++b) {
    std::vector<Output> outs;
    for (size_t j : with_grad) {
      std::optional<Output> g = branch_grads[b][j];
      if (!g) {
        RegionScope in(graph, grad_regions[b]);
        g = ops::zeros_like(captures[j]);
      }
      outs.push_back(ops::region_result(graph, grad_regions[b], *g));
    }
    graph.region(grad_regions[b]).results = outs;
    // The gradient branch's values depend on the forward branch's, which depend on what the
    // forward If captured: the gradient If takes those as inputs too, so that differentiating
    // it again reaches them.
    // (Inside a gradient loop the forward values are saved ones, and differentiating that loop
    // again is TF1's TypeError.)
    for (const Output& x : captures)
      if (readable_in(graph, graph.current_region(), x)) capture(graph, grad_regions[b], x);
  }
  // After the forward If, whose branch values the gradient branches read.
  std::vector<Node*> after;
  if (same_iteration) after.push_back(&node);
  ControlDependencies deps(graph, after);
  Node* grad_if = ops::if_node(inputs[0], grad_regions[0], grad_regions[1], "cond_grad");
  for (size_t k = 0; k < with_grad.size(); ++k)
    result[capture_input[with_grad[k]]] = grad_if->output(static_cast<int>(k));
  return result;
}

// Which loop's iterations a tensor's value changes with: the innermost loop region holding it.
int innermost_loop(const Graph& graph, int region) {
  for (int r = region; r != -1; r = graph.region(r).parent)
    if (graph.region(r).kind == RegionKind::kLoop) return r;
  return -1;
}

Grads while_gradient(Node& node, const std::vector<std::optional<Output>>& dys) {
  Graph& graph = node.graph();
  const int forward = region_attr(node, "loop_region");
  const Region& loop = graph.region(forward);
  // A gradient loop (its body reads the forward loop's saved values): TF1's _ExitGrad error.
  if (loop.resolve_foreign)
    raise(ErrorCode::kType, "Second-order gradient for while loops not supported. ('", node.name(),
          "' is the gradient of a tf.while_loop)");
  const std::vector<Output> inputs = node.inputs();
  Grads result(inputs.size());
  if (!node.attrs().get<bool>("back_prop")) return result;
  const size_t vars = loop.loop_vars.size();
  const size_t first_capture = vars + (node.attrs().get<bool>("has_maximum_iterations") ? 1 : 0);

  std::vector<size_t> var_index, capture_index;
  for (size_t k = 0; k < vars; ++k)
    if (differentiable(node.output(static_cast<int>(k)))) var_index.push_back(k);
  for (size_t i = first_capture; i < inputs.size(); ++i)
    if (differentiable(inputs[i])) capture_index.push_back(i);
  bool any = false;
  for (size_t k : var_index) any = any || dys[k].has_value();
  if (!any) return result;

  // Initial values, built where the gradient is being built.
  std::vector<Output> inits{node.output(static_cast<int>(vars))};
  for (size_t k : var_index)
    inits.push_back(
        ops::fit_to_shape(dys[k] ? *dys[k] : ops::zeros_like(node.output(static_cast<int>(k))),
                          Output{loop.loop_vars[k], 0}.shape()));
  for (size_t i : capture_index) inits.push_back(ops::zeros_like(inputs[i]));

  NameScope scope(graph, "while");
  const int grad = graph.add_region(RegionKind::kLoop);
  auto saved = std::make_shared<std::map<Output, Output>>();
  graph.region(grad).resolve_foreign = [&graph, forward, grad,
                                        saved](const Output& t) -> std::optional<Output> {
    if (innermost_loop(graph, t.node->region()) != forward) return std::nullopt;
    auto it = saved->find(t);
    if (it != saved->end()) return it->second;
    RegionScope in(graph, grad);
    Node* n = ops::add_op(graph, "LoopSavedValue", {},
                          {{"tensor_name", t.name()}, {"dtype", t.dtype()}, {"shape", t.shape()}},
                          "saved");
    (*saved)[t] = n->output(0);
    return n->output(0);
  };

  Output counter = ops::loop_var(graph, grad, DType::kInt32, Shape{}, "counter");
  std::vector<Output> var_grads, capture_grads;
  for (size_t k : var_index)
    var_grads.push_back(ops::loop_var(graph, grad, inputs[k].dtype(),
                                      Output{loop.loop_vars[k], 0}.shape(), "grad"));
  for (size_t i : capture_index)
    capture_grads.push_back(
        ops::loop_var(graph, grad, inputs[i].dtype(), inputs[i].shape(), "acc"));

  std::vector<Output> next;
  Output condition;
  {
    RegionScope in(graph, grad);
    condition = ops::op(graph, "Greater", {counter, ops::scalar<int32_t>(graph, 0)});
    next.push_back(ops::sub(counter, ops::scalar<int32_t>(graph, 1)));
    std::vector<Output> ys, grad_ys, xs;
    for (size_t n = 0; n < var_index.size(); ++n) {
      ys.push_back(loop.results[var_index[n]]);
      grad_ys.push_back(var_grads[n]);
      xs.push_back(Output{loop.loop_vars[var_index[n]], 0});
    }
    for (size_t i : capture_index) xs.push_back(inputs[i]);
    std::vector<std::optional<Output>> body = region_gradients(ys, xs, grad_ys, forward, "body");
    for (size_t n = 0; n < var_index.size(); ++n)
      next.push_back(body[n] ? *body[n] : ops::zeros_like(var_grads[n]));
    for (size_t n = 0; n < capture_index.size(); ++n) {
      const std::optional<Output>& g = body[var_index.size() + n];
      const Output acc = capture_grads[n];
      if (!g) {
        next.push_back(acc);
      } else if (g->node->type() == "TensorArrayGatherGrad") {
        // One read of a captured TensorArray: add its rows into the sum in place.
        next.push_back(ops::op(graph, "TensorArrayAccumulate",
                               {acc, g->node->inputs()[1], g->node->inputs()[2]}));
      } else {
        next.push_back(ops::add(acc, *g));
      }
    }
  }
  Region& region = graph.region(grad);
  region.condition = condition;
  for (size_t k = 0; k < next.size(); ++k) {
    RegionScope in(graph, grad);
    next[k] = ops::region_result(
        graph, grad, ops::fit_to_shape(next[k], Output{region.loop_vars[k], 0}.shape()));
  }
  region.results = next;
  Node* grad_while = ops::while_node(inits, grad, std::nullopt);
  for (size_t n = 0; n < var_index.size(); ++n)
    result[var_index[n]] = grad_while->output(static_cast<int>(1 + n));
  for (size_t n = 0; n < capture_index.size(); ++n)
    result[capture_index[n]] = grad_while->output(static_cast<int>(1 + var_index.size() + n));
  return result;
}

}  // namespace

bool is_control_flow(const std::string& op_type) { return op_type == "If" || op_type == "While"; }

Grads control_flow_gradient(Node& node, const std::vector<std::optional<Output>>& output_grads) {
  if (node.type() == "If") return if_gradient(node, output_grads);
  return while_gradient(node, output_grads);
}

}  // namespace varflow
