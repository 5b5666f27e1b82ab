// The backprop driver, after TF1's gradients_util: prune to the nodes between xs and ys, walk
// them in reverse with pending counts, call each op's registered gradient under
// "<scope>/<op>_grad/" and sum several contributions with AddN. A broadcasting op's gradient
// sums itself down to its inputs' shapes (ops/broadcast_grad.h), as TF1's do.
#include "varflow/gradients.h"

#include <algorithm>
#include <map>

#include "autodiff/control_flow_grad.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"
#include "varflow/ops.h"

namespace varflow {

namespace {

bool backpropagatable(DType d) { return is_floating(d); }

// TF1's control_flow_ops.tuple under "<op>_grad/tuple/": identities of the gradients that
// depend on a NoOp grouping all of them.
void gate(Grads& grads) {
  std::vector<Node*> producers;
  for (const auto& g : grads)
    if (g) producers.push_back(g->node);
  if (producers.size() < 2) return;
  Graph& graph = producers[0]->graph();
  NameScope scope(graph, "tuple");
  Node* group = ops::group(graph, producers, "group_deps");
  ControlDependencies deps(graph, {group});
  for (auto& g : grads)
    if (g) g = ops::identity(*g, "control_dependency");
}

Output aggregate(std::vector<Output>& grads) {
  if (grads.size() == 1) return grads[0];
  return ops::add_n(grads);
}

}  // namespace

std::vector<std::optional<Output>> gradients(const std::vector<Output>& ys,
                                             const std::vector<Output>& xs,
                                             const GradientsOptions& options) {
  VF_CHECK(!ys.empty(), ErrorCode::kValue, "gradients needs at least one y");
  Graph& graph = ys[0].graph();
  for (const Output& t : ys)
    VF_CHECK(&t.graph() == &graph, ErrorCode::kValue, "Tensor ", t.name(),
             " must be from the same graph as the other ys.");
  for (const Output& t : xs)
    VF_CHECK(&t.graph() == &graph, ErrorCode::kValue, "Tensor ", t.name(),
             " must be from the same graph as ys.");
  if (!options.grad_ys.empty() && options.grad_ys.size() != ys.size())
    raise(ErrorCode::kValue, "Passed ", options.grad_ys.size(), " grad_ys for ", ys.size(), " ys");

  const size_t n = static_cast<size_t>(graph.num_nodes());
  // Forward from xs, backward from ys; what lies on both walks is differentiated.
  std::vector<char> from_xs(n, 0), to_ys(n, 0);
  std::vector<Node*> stack;
  for (const Output& x : xs) stack.push_back(x.node);
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    if (from_xs[static_cast<size_t>(node->id())]) continue;
    from_xs[static_cast<size_t>(node->id())] = 1;
    for (Node* c : node->consumers()) stack.push_back(c);
  }
  for (const Output& y : ys) stack.push_back(y.node);
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    if (to_ys[static_cast<size_t>(node->id())]) continue;
    to_ys[static_cast<size_t>(node->id())] = 1;
    for (const Output& in : node->inputs()) stack.push_back(in.node);
  }
  std::vector<char> between(n, 0);
  for (size_t i = 0; i < n; ++i) between[i] = from_xs[i] && to_ys[i];
  const bool in_region = options.within_region.has_value();
  std::vector<char> is_x(n, 0);
  if (in_region) {
    std::vector<int> regions = options.also_within_regions;
    regions.push_back(*options.within_region);
    for (size_t i = 0; i < n; ++i)
      if (std::find(regions.begin(), regions.end(), graph.node(static_cast<int>(i))->region()) ==
          regions.end())
        between[i] = 0;
    // The xs are the owner's inputs: gradients stop there, also where an x lies in one of the
    // regions (a gradient branch's capture of a forward branch's value).
    for (const Output& x : xs) {
      is_x[static_cast<size_t>(x.node->id())] = 1;
      between[static_cast<size_t>(x.node->id())] = 0;
    }
  }
  std::vector<char> stopped(n, 0);
  for (const Output& s : options.stop_gradients) stopped[static_cast<size_t>(s.node->id())] = 1;

  NameScope scope(graph, options.name);

  // Gradients received so far, per output.
  std::map<Output, std::vector<Output>> received;
  auto seed = [&](size_t i) -> Output {
    const Output& y = ys[i];
    if (!options.grad_ys.empty() && options.grad_ys[i]) return *options.grad_ys[i];
    Output shape = ops::shape(y);
    Output one = ops::constant(graph, Tensor::scalar<double>(1.0).cast(y.dtype()),
                               "grad_ys_" + std::to_string(i));
    return ops::fill(shape, one);
  };
  for (size_t i = 0; i < ys.size(); ++i) received[ys[i]].push_back(seed(i));

  // Pending count of a node: its consumers inside `between` that still owe a gradient.
  std::vector<int> pending(n, 0);
  for (size_t id = 0; id < n; ++id) {
    if (!between[id]) continue;
    Node* node = graph.node(static_cast<int>(id));
    for (const Output& in : node->inputs())
      if (between[static_cast<size_t>(in.node->id())])
        ++pending[static_cast<size_t>(in.node->id())];
  }
  // Consumers counted per edge, so decrement per edge below.
  std::vector<Node*> ready;
  std::vector<char> queued(n, 0);
  for (const Output& y : ys) {
    size_t id = static_cast<size_t>(y.node->id());
    if (between[id] && pending[id] == 0 && !queued[id]) {
      ready.push_back(y.node);
      queued[id] = 1;
    }
  }

  while (!ready.empty()) {
    Node* node = ready.back();
    ready.pop_back();
    const size_t id = static_cast<size_t>(node->id());
    const OpDef& def = node->op_def();

    std::vector<std::optional<Output>> out_grads(static_cast<size_t>(node->num_outputs()));
    bool any = false;
    for (int k = 0; k < node->num_outputs(); ++k) {
      auto it = received.find(Output{node, k});
      if (it != received.end() && !it->second.empty()) {
        out_grads[static_cast<size_t>(k)] = aggregate(it->second);
        it->second = {*out_grads[static_cast<size_t>(k)]};
        any = true;
      }
    }

    Grads in_grads(node->inputs().size());
    const bool has_path_below =
        std::any_of(node->inputs().begin(), node->inputs().end(), [&](const Output& in) {
          const size_t in_id = static_cast<size_t>(in.node->id());
          return between[in_id] || is_x[in_id];
        });
    if (any && !stopped[id] && has_path_below && !def.not_differentiable) {
      if (!def.grad && !is_control_flow(def.name))
        raise(ErrorCode::kLookup, "No gradient defined for operation '", node->name(),
              "' (op type: ", def.name, ")");
      NameScope grad_scope(graph, node->name() + "_grad");
      GradContext ctx(*node, out_grads);
      if (is_control_flow(def.name))
        in_grads = control_flow_gradient(*node, out_grads);
      else
        in_grads = def.grad(ctx);
      VF_CHECK(in_grads.size() == node->inputs().size(), ErrorCode::kInternal, "Gradient of ",
               def.name, " returned ", in_grads.size(), " values for ", node->inputs().size(),
               " inputs");
      if (options.gate_per_op) gate(in_grads);
    }

    for (size_t i = 0; i < node->inputs().size(); ++i) {
      const Output& in = node->inputs()[i];
      const size_t in_id = static_cast<size_t>(in.node->id());
      if (!between[in_id]) {
        // A region's gradient also collects what flows to the tensors it captured.
        if (in_region && is_x[in_id] && in_grads[i] && backpropagatable(in.dtype()))
          received[in].push_back(*in_grads[i]);
        continue;
      }
      if (in_grads[i] && backpropagatable(in.dtype())) received[in].push_back(*in_grads[i]);
      if (--pending[in_id] == 0 && !queued[in_id]) {
        ready.push_back(in.node);
        queued[in_id] = 1;
      }
    }
  }

  std::vector<std::optional<Output>> result;
  for (const Output& x : xs) {
    auto it = received.find(x);
    if (it != received.end() && !it->second.empty() &&
        (between[static_cast<size_t>(x.node->id())] || in_region)) {
      result.push_back(aggregate(it->second));
    } else if (options.unconnected == UnconnectedGradients::kZero) {
      result.push_back(ops::zeros_like(x));
    } else {
      result.push_back(std::nullopt);
    }
  }
  return result;
}

}  // namespace varflow
