#include "mlp.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using varflow::Graph;
using varflow::NameScope;
using varflow::Output;
using varflow::Tensor;
using varflow::Variable;
namespace ops = varflow::ops;
namespace train = varflow::train;

struct Dense {
  Variable kernel, bias;
};

// tf.layers.dense named `name` in variable scope "mlp": its variables (glorot_uniform kernel with
// an l2 penalty, zero bias, made by train::dense) and its output.
Dense make_dense(Graph& g, const std::string& name, Output x, int64_t units, double l2, bool relu,
                 Output* out) {
  train::DenseOptions options;
  options.name = name;
  options.variable_scope = "mlp";
  options.kernel_regularizer = train::l2_regularizer(l2);
  if (relu) options.activation = [](Output h) { return ops::Relu(h, "Relu"); };
  train::DenseLayer layer = train::dense(g, x, units, options);
  *out = layer.output;
  return Dense{layer.kernel, *layer.bias};
}

// The layer's maths in name scope `name`, reading `kernel` and `bias` (the variables' values,
// or their moving averages).
Output dense(Graph& g, const std::string& name, Output x, Output kernel, Output bias, bool relu) {
  NameScope scope(g, name);
  Output out = ops::MatMul(x, kernel, {}, "MatMul");
  {
    NameScope bias_add(g, "BiasAdd");  // tf.nn.bias_add names its op after its scope
    out = ops::BiasAdd(out, bias, {}, bias_add.scope());
  }
  return relu ? ops::Relu(out, "Relu") : out;
}

Output sparse_softmax_cross_entropy(Graph& g, Output labels, Output logits,
                                    std::optional<std::string> collection) {
  train::LossOptions options;
  options.loss_collection = std::move(collection);
  return train::sparse_softmax_cross_entropy(g, labels, logits, 1.0, "", options);
}

Output argmax(Output logits) {
  Graph& g = logits.graph();
  return ops::ArgMax(logits, ops::scalar<int32_t>(g, 1, "dimension"));
}

}  // namespace

Mlp build_mlp(const MlpOptions& o) {
  Mlp m;
  m.graph = std::make_shared<Graph>();
  Graph& g = *m.graph;
  g.set_seed(o.seed);
  m.x = ops::placeholder(g, varflow::DType::kFloat32, varflow::Shape({-1, o.features}), "x");
  m.y = ops::placeholder(g, varflow::DType::kInt32, varflow::Shape({-1}), "y");

  Dense hidden, out;
  Output logits;
  {
    NameScope mlp(g, "mlp");
    Output h;
    hidden = make_dense(g, "hidden", m.x, o.hidden, o.l2_scale, true, &h);
    out = make_dense(g, "logits", h, o.classes, o.l2_scale, false, &logits);
  }
  m.xent = sparse_softmax_cross_entropy(g, m.y, logits, varflow::graph_keys::kLosses);
  std::vector<Output> penalties;
  for (const auto& item : g.get_collection(varflow::graph_keys::kRegularizationLosses)) {
    penalties.push_back(std::get<Output>(item));
  }
  m.loss = ops::Add(m.xent, ops::AddN(penalties, "total_regularization_loss"), "loss");

  m.global_step = train::create_global_step(g);
  m.learning_rate = train::exponential_decay(g, o.learning_rate, m.global_step,
                                             std::max<int64_t>(o.steps / 4, 1), 0.5);
  train::AdamOptimizer adam(m.learning_rate);
  std::vector<train::GradAndVar> grads = adam.compute_gradients(m.loss, std::nullopt);
  std::vector<std::optional<train::Arg>> to_clip;
  for (const auto& gv : grads) to_clip.emplace_back(*gv.grad);
  auto [clipped, norm] = train::clip_by_global_norm(g, to_clip, o.clip_norm);
  (void)norm;
  for (size_t i = 0; i < grads.size(); ++i) grads[i].grad = clipped[i];
  varflow::Node* step = adam.apply_gradients(grads, m.global_step);

  train::ExponentialMovingAverage ema(o.ema_decay, train::Arg(m.global_step));
  std::vector<train::Averaged> weights;
  for (const Variable& v : varflow::trainable_variables(g)) weights.emplace_back(v);
  {
    varflow::ControlDependencies after_step(g, {step});
    m.train = ema.apply(g, weights);
  }
  auto avg = [&](const Variable& v) { return ema.average(v)->value(); };
  Output averaged_logits;
  {
    NameScope mlp(g, "mlp");  // "mlp_1", as the demo's second _model call
    Output h = dense(g, "hidden", m.x, avg(hidden.kernel), avg(hidden.bias), true);
    averaged_logits = dense(g, "logits", h, avg(out.kernel), avg(out.bias), false);
  }
  m.averaged_xent = sparse_softmax_cross_entropy(g, m.y, averaged_logits, std::nullopt);
  m.init = varflow::global_variables_initializer(g);
  m.predictions = argmax(logits);
  m.averaged_predictions = argmax(averaged_logits);
  for (const Variable& v : varflow::global_variables(g)) {
    m.checkpointed.emplace_back(v.op_name(), v.node());
  }
  return m;
}
