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

// A variable of tf.get_variable: named by its full variable scope, built in the root name
// scope, with its initializer under "<name>/Initializer/".
Variable get_variable(Graph& g, const std::string& name,
                      const std::function<Output(Graph&)>& initializer) {
  NameScope root(g, "");
  varflow::VariableOptions options;
  options.name = name;
  return Variable::create(
      g,
      [&](Graph& graph) {
        NameScope scope(graph, "Initializer");
        return initializer(graph);
      },
      options);
}

// glorot_uniform_initializer: uniform in +-sqrt(6 / (fan_in + fan_out)), as
// minval + (maxval - minval) * RandomUniform.
Output glorot_uniform(Graph& g, int64_t fan_in, int64_t fan_out) {
  NameScope scope(g, "random_uniform");
  const double limit = std::sqrt(3.0 / std::max(1.0, (fan_in + fan_out) / 2.0));
  Output shape =
      ops::constant(g,
                    Tensor::from_vector<int32_t>(
                        {static_cast<int32_t>(fan_in), static_cast<int32_t>(fan_out)}, {2}),
                    "shape");
  Output minval = ops::scalar<float>(g, static_cast<float>(-limit), "min");
  Output maxval = ops::scalar<float>(g, static_cast<float>(limit), "max");
  // Taken now: the op seed is the number of nodes built so far.
  train::Seeds seeds = train::random_seeds(g, std::nullopt);
  Output draw = ops::RandomUniform(shape, ops::RandomUniformAttrs()
                                              .with_dtype(varflow::DType::kFloat32)
                                              .with_seed(seeds.seed.value_or(0))
                                              .with_seed2(seeds.seed2.value_or(0)));
  Output range = ops::Sub(maxval, minval, "sub");
  return ops::Add(ops::Mul(draw, range, "mul"), minval, scope.scope());
}

// l2_regularizer(scale)(kernel) in "<kernel>/Regularizer/", added to REGULARIZATION_LOSSES.
void add_l2_penalty(Graph& g, const Variable& kernel, double scale) {
  NameScope root(g, kernel.op_name() + "/Regularizer/");
  NameScope scope(g, "l2_regularizer");
  Output penalty = ops::Mul(ops::scalar<float>(g, static_cast<float>(scale), "scale"),
                            ops::L2Loss(kernel.value()), scope.scope());
  g.add_to_collection(varflow::graph_keys::kRegularizationLosses, penalty);
}

struct Dense {
  Variable kernel, bias;
};

// tf.layers.dense's variables in the variable scope `scope` ("mlp/hidden").
Dense make_dense(Graph& g, const std::string& scope, int64_t in, int64_t units, double l2) {
  Dense layer;
  layer.kernel = get_variable(g, scope + "/kernel",
                              [&](Graph& graph) { return glorot_uniform(graph, in, units); });
  add_l2_penalty(g, layer.kernel, l2);
  layer.bias = get_variable(g, scope + "/bias", [&](Graph& graph) {
    return ops::constant(graph, Tensor::zeros(varflow::DType::kFloat32, {units}), "zeros");
  });
  return layer;
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

// tf.losses.sparse_softmax_cross_entropy: the mean cross entropy, in collection `collection`.
Output sparse_softmax_cross_entropy(Graph& g, Output labels, Output logits,
                                    std::optional<std::string> collection) {
  NameScope scope(g, "sparse_softmax_cross_entropy_loss");
  Output losses = ops::SparseSoftmaxCrossEntropyWithLogits(logits, labels, "xentropy")->output(0);
  train::LossOptions options;
  options.loss_collection = std::move(collection);
  return train::compute_weighted_loss(g, losses, 1.0, scope.scope(), options);
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
    hidden = make_dense(g, "mlp/hidden", o.features, o.hidden, o.l2_scale);
    Output h = dense(g, "hidden", m.x, hidden.kernel.value(), hidden.bias.value(), true);
    out = make_dense(g, "mlp/logits", o.hidden, o.classes, o.l2_scale);
    logits = dense(g, "logits", h, out.kernel.value(), out.bias.value(), false);
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
