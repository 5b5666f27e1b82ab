// The RNN drivers (train/rnn.h) as a C++ host uses them: dynamic_rnn's loop against static_rnn's
// unrolled steps, sequence lengths, MultiRNNCell's state, the bidirectional forms, gradients
// and training through the loop, eager execution, and the errors. (tests/python/test_rnn_*
// check the same drivers against TensorFlow's numbers through the Python API.)
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "varflow/control_flow.h"
#include "varflow/eager.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/session.h"
#include "varflow/train/initializers.h"
#include "varflow/train/optimizers.h"
#include "varflow/train/rnn.h"
#include "varflow/variable.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

constexpr int64_t kBatch = 3, kTime = 5, kDepth = 4, kUnits = 6;

std::vector<float> pseudo(int64_t n, double salt) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(static_cast<float>(0.8 * std::sin(1.3 * static_cast<double>(i) + salt)));
  return v;
}

// [batch, time, depth] inputs.
Tensor sequence_input() {
  return Tensor::from_vector<float>(pseudo(kBatch * kTime * kDepth, 0.3), {kBatch, kTime, kDepth});
}

std::vector<double> values(const Tensor& t) {
  Tensor v = t.cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

train::RNNCellVariableOptions scoped(const std::string& scope) {
  train::RNNCellVariableOptions options;
  options.scope = scope;
  options.kernel_initializer = train::random_uniform_initializer(-0.5, 0.5, 7);
  options.bias_initializer = train::constant_initializer(0.1);
  return options;
}

train::RNNOptions with_dtype() {
  train::RNNOptions options;
  options.dtype = DType::kFloat32;
  return options;
}

void expect_all_near(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  EXPECT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) EXPECT_NEAR(a[i], b[i], tol);
}

}  // namespace

VF_TEST(dynamic_rnn_equals_static_rnn_and_names_variables_as_tf1) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({kBatch, kTime, kDepth}), "x");
  train::RNNCell dynamic_cell = train::basic_lstm_cell(kUnits, scoped("d/rnn/basic_lstm_cell"));
  train::RNNOptions dynamic_options = with_dtype();
  dynamic_options.scope = "d/rnn";
  train::RNNOutputs dyn = train::dynamic_rnn(*g, dynamic_cell, {x}, dynamic_options);

  Node* steps = ops::Unpack(x, ops::UnpackAttrs().with_num(kTime).with_axis(1), "unstack").node;
  std::vector<std::vector<Output>> step_inputs;
  for (int t = 0; t < kTime; ++t) step_inputs.push_back({steps->output(t)});
  train::RNNCell static_cell = train::basic_lstm_cell(kUnits, scoped("s/rnn/basic_lstm_cell"));
  train::RNNOptions static_options = with_dtype();
  static_options.scope = "s/rnn";
  train::RNNOutputs st = train::static_rnn(*g, static_cell, step_inputs, static_options);

  std::vector<std::string> names;
  for (const Variable& v : global_variables(*g)) names.push_back(v.op_name());
  EXPECT_TRUE(names == std::vector<std::string>(
                           {"d/rnn/basic_lstm_cell/kernel", "d/rnn/basic_lstm_cell/bias",
                            "s/rnn/basic_lstm_cell/kernel", "s/rnn/basic_lstm_cell/bias"}));
  EXPECT_EQ(dyn.outputs.size(), size_t{1});
  EXPECT_EQ(dyn.state.size(), size_t{2});  // (c, h)
  EXPECT_TRUE(dyn.outputs[0].shape() == Shape({kBatch, kTime, kUnits}));
  EXPECT_TRUE(dyn.outputs[0].node->name().rfind("d/rnn/", 0) == 0);

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  std::vector<Output> fetches{dyn.outputs[0], dyn.state[0], dyn.state[1], st.state[0], st.state[1]};
  for (const auto& step : st.step_outputs) fetches.push_back(step[0]);
  const std::vector<Tensor> got = s.run({{x, sequence_input()}}, fetches);
  const std::vector<double> dynamic_outputs = values(got[0]);
  for (int t = 0; t < kTime; ++t) {
    const std::vector<double> step = values(got[5 + static_cast<size_t>(t)]);
    for (int64_t b = 0; b < kBatch; ++b)
      for (int64_t u = 0; u < kUnits; ++u)
        EXPECT_NEAR(dynamic_outputs[static_cast<size_t>((b * kTime + t) * kUnits + u)],
                    step[static_cast<size_t>(b * kUnits + u)], 1e-6);
  }
  expect_all_near(values(got[1]), values(got[3]), 1e-6);
  expect_all_near(values(got[2]), values(got[4]), 1e-6);
  // h is the last output.
  const std::vector<double> h = values(got[2]);
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t u = 0; u < kUnits; ++u)
      EXPECT_NEAR(h[static_cast<size_t>(b * kUnits + u)],
                  dynamic_outputs[static_cast<size_t>((b * kTime + kTime - 1) * kUnits + u)], 1e-7);
}

VF_TEST(sequence_lengths_zero_the_outputs_and_carry_the_state) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({kBatch, kTime, kDepth}), "x");
  Output lengths = ops::constant(*g, Tensor::from_vector<int64_t>({2, 5, 3}, {kBatch}), "lengths");
  train::RNNOptions options = with_dtype();
  options.sequence_length = lengths;
  train::RNNOutputs r =
      train::dynamic_rnn(*g, train::gru_cell(kUnits, scoped("rnn/gru_cell")), {x}, options);
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const std::vector<Tensor> got = s.run({{x, sequence_input()}}, {r.outputs[0], r.state[0]});
  const std::vector<double> out = values(got[0]);
  const std::vector<double> state = values(got[1]);
  const int64_t length[kBatch] = {2, 5, 3};
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t t = 0; t < kTime; ++t)
      for (int64_t u = 0; u < kUnits; ++u) {
        const double v = out[static_cast<size_t>((b * kTime + t) * kUnits + u)];
        if (t >= length[b]) EXPECT_NEAR(v, 0.0, 0.0);
        if (t == length[b] - 1) EXPECT_NEAR(state[static_cast<size_t>(b * kUnits + u)], v, 0.0);
      }
}

VF_TEST(multi_rnn_cell_stacks_layers_and_trains_through_the_loop) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({kBatch, kTime, kDepth}), "x");
  Output y = ops::placeholder(*g, DType::kFloat32, Shape({kBatch, 3}), "y");
  train::RNNCell stack = train::multi_rnn_cell(
      {train::basic_lstm_cell(5, scoped("rnn/multi_rnn_cell/cell_0/basic_lstm_cell")),
       train::gru_cell(3, scoped("rnn/multi_rnn_cell/cell_1/gru_cell"))});
  EXPECT_EQ(stack.state_sizes.size(), size_t{3});  // c0, h0, h1
  train::RNNOutputs r = train::dynamic_rnn(*g, stack, {x}, with_dtype());
  EXPECT_TRUE(r.outputs[0].shape() == Shape({kBatch, kTime, 3}));
  EXPECT_EQ(r.state.size(), size_t{3});

  std::vector<std::string> names;
  for (const Variable& v : trainable_variables(*g)) names.push_back(v.op_name());
  EXPECT_TRUE(names == std::vector<std::string>({
                           "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
                           "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
                           "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel",
                           "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias",
                           "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel",
                           "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias",
                       }));
  EXPECT_TRUE(r.state[2].node->name().rfind("rnn/while", 0) == 0);

  Output diff = ops::sub(r.state[2], y);
  Output loss = ops::reduce_mean(ops::mul(diff, diff), {});
  std::vector<Output> weights;
  for (const Variable& v : trainable_variables(*g)) weights.push_back(v.value());
  for (const auto& grad : gradients({loss}, weights)) EXPECT_TRUE(grad.has_value());
  train::AdamOptimizer adam(0.05);
  Node* train_op = adam.minimize(loss);

  const Tensor labels = Tensor::from_vector<float>(pseudo(kBatch * 3, 2.0), {kBatch, 3});
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const std::vector<std::pair<Output, Tensor>> feed{{x, sequence_input()}, {y, labels}};
  const double first = values(s.run(feed, {loss})[0])[0];
  for (int i = 0; i < 80; ++i) s.run(feed, {}, {train_op});
  const double last = values(s.run(feed, {loss})[0])[0];
  EXPECT_TRUE(last < 0.1 * first);
}

VF_TEST(multi_rnn_cell_with_a_concatenated_state) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({kBatch, kTime, kDepth}), "x");
  train::BasicLSTMCellOptions concatenated;
  concatenated.state_is_tuple = false;
  train::RNNCell stack =
      train::multi_rnn_cell({train::basic_lstm_cell(4, scoped("a/basic_lstm_cell"), concatenated),
                             train::basic_rnn_cell(2, scoped("b/basic_rnn_cell"))},
                            false);
  EXPECT_TRUE(stack.state_sizes == std::vector<Dims>({Dims{10}}));
  train::RNNOutputs r = train::dynamic_rnn(*g, stack, {x}, with_dtype());
  EXPECT_TRUE(r.state[0].shape() == Shape({kBatch, 10}));
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const std::vector<Tensor> got = s.run({{x, sequence_input()}}, {r.outputs[0], r.state[0]});
  const std::vector<double> out = values(got[0]);
  const std::vector<double> state = values(got[1]);
  // The state's last two columns are the top layer's, which is its last output.
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t u = 0; u < 2; ++u)
      EXPECT_NEAR(state[static_cast<size_t>(b * 10 + 8 + u)],
                  out[static_cast<size_t>((b * kTime + kTime - 1) * 2 + u)], 1e-7);
  EXPECT_ERROR(
      train::multi_rnn_cell({train::basic_lstm_cell(4, scoped("c/basic_lstm_cell"))}, false),
      ErrorCode::kValue, "state_is_tuple is not set");
  EXPECT_ERROR(train::multi_rnn_cell({}), ErrorCode::kValue, "at least one cell");
}

VF_TEST(bidirectional_rnns_read_the_sequence_backwards) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({kBatch, kTime, kDepth}), "x");
  Output lengths = ops::constant(*g, Tensor::from_vector<int32_t>({5, 2, 4}, {kBatch}), "lengths");
  train::BidirectionalRNNOptions options;
  options.dtype = DType::kFloat32;
  options.sequence_length = lengths;
  train::BidirectionalRNNOutputs r = train::bidirectional_dynamic_rnn(
      *g, train::gru_cell(kUnits, scoped("bidirectional_rnn/fw/gru_cell")),
      train::gru_cell(kUnits, scoped("bidirectional_rnn/bw/gru_cell")), {x}, options);

  Node* steps = ops::Unpack(x, ops::UnpackAttrs().with_num(kTime).with_axis(1), "unstack").node;
  std::vector<std::vector<Output>> step_inputs;
  for (int t = 0; t < kTime; ++t) step_inputs.push_back({steps->output(t)});
  train::BidirectionalRNNOptions static_options = options;
  static_options.scope = "static";
  train::BidirectionalRNNOutputs st = train::static_bidirectional_rnn(
      *g, train::gru_cell(kUnits, scoped("static/fw/gru_cell")),
      train::gru_cell(kUnits, scoped("static/bw/gru_cell")), step_inputs, static_options);
  EXPECT_TRUE(st.step_outputs[0][0].shape() == Shape({kBatch, 2 * kUnits}));

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  std::vector<Output> fetches{r.forward.outputs[0], r.backward.outputs[0], r.backward.state[0],
                              st.backward.state[0]};
  for (const auto& step : st.step_outputs) fetches.push_back(step[0]);
  const std::vector<Tensor> got = s.run({{x, sequence_input()}}, fetches);
  const std::vector<double> fw = values(got[0]);
  const std::vector<double> bw = values(got[1]);
  // Same initializers: the static and dynamic forms give the same numbers.
  expect_all_near(values(got[2]), values(got[3]), 1e-6);
  const int64_t length[kBatch] = {5, 2, 4};
  for (int t = 0; t < kTime; ++t) {
    const std::vector<double> joined = values(got[4 + static_cast<size_t>(t)]);
    for (int64_t b = 0; b < kBatch; ++b)
      for (int64_t u = 0; u < kUnits; ++u) {
        const size_t at = static_cast<size_t>((b * kTime + t) * kUnits + u);
        EXPECT_NEAR(joined[static_cast<size_t>(b * 2 * kUnits + u)], fw[at], 1e-6);
        EXPECT_NEAR(joined[static_cast<size_t>(b * 2 * kUnits + kUnits + u)], bw[at], 1e-6);
        // The backward direction's final state is its output at the row's first step.
        if (t == 0) EXPECT_NEAR(values(got[2])[static_cast<size_t>(b * kUnits + u)], bw[at], 1e-7);
        if (t >= length[b]) EXPECT_NEAR(bw[at], 0.0, 0.0);
      }
  }
}

VF_TEST(eager_control_flow_and_dynamic_rnn) {
  EagerContext ctx;
  Graph& g = ctx.graph();
  Output zero = ctx.constant(Tensor::scalar<int32_t>(0));
  std::vector<Output> sum = ops::while_loop(
      [&](const std::vector<Output>& v) {
        return ops::Less(v[0], ctx.constant(Tensor::scalar<int32_t>(5)));
      },
      [&](const std::vector<Output>& v) {
        Output one = ctx.constant(Tensor::scalar<int32_t>(1));
        return std::vector<Output>{ops::add(v[0], one), ops::add(v[1], v[0])};
      },
      {zero, zero});
  EXPECT_EQ(*ctx.value(sum[0]).data<int32_t>(), 5);
  EXPECT_EQ(*ctx.value(sum[1]).data<int32_t>(), 0 + 1 + 2 + 3 + 4);
  ops::WhileOptions capped;
  capped.maximum_iterations = ctx.constant(Tensor::scalar<int32_t>(3));
  std::vector<Output> three = ops::while_loop(
      [&](const std::vector<Output>&) { return ctx.constant(Tensor::scalar<bool>(true)); },
      [&](const std::vector<Output>& v) {
        return std::vector<Output>{ops::add(v[0], ctx.constant(Tensor::scalar<int32_t>(1)))};
      },
      {zero}, capped);
  EXPECT_EQ(*ctx.value(three[0]).data<int32_t>(), 3);
  std::vector<Output> picked = ops::cond(
      ctx.constant(Tensor::scalar<bool>(false)), [&] { return std::vector<Output>{zero}; },
      [&] { return std::vector<Output>{ctx.constant(Tensor::scalar<int32_t>(9))}; });
  EXPECT_EQ(*ctx.value(picked[0]).data<int32_t>(), 9);
  EXPECT_ERROR(ops::cond(
                   zero, [&] { return std::vector<Output>{zero}; },
                   [&] { return std::vector<Output>{zero}; }),
               ErrorCode::kType, "must be a bool tensor");

  // The eager loop gives the graph's numbers.
  Output x = ctx.constant(sequence_input());
  train::RNNOutputs eager =
      train::dynamic_rnn(g, train::gru_cell(kUnits, scoped("rnn/gru_cell")), {x}, with_dtype());
  auto graph = std::make_shared<Graph>();
  Output gx = ops::constant(*graph, sequence_input(), "x");
  train::RNNOutputs built = train::dynamic_rnn(
      *graph, train::gru_cell(kUnits, scoped("rnn/gru_cell")), {gx}, with_dtype());
  Session s(graph);
  s.run({}, {}, {global_variables_initializer(*graph)});
  const std::vector<Tensor> got = s.run({}, {built.outputs[0], built.state[0]});
  expect_all_near(values(ctx.value(eager.outputs[0])), values(got[0]), 1e-6);
  expect_all_near(values(ctx.value(eager.state[0])), values(got[1]), 1e-6);
}

VF_TEST(driver_errors_are_tf1s) {
  auto g = std::make_shared<Graph>();
  train::RNNCell cell = train::gru_cell(3, scoped("rnn/gru_cell"));
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, 4}), "x");
  EXPECT_ERROR(train::dynamic_rnn(*g, cell, {x}), ErrorCode::kValue, "dtype must be specified");
  Output flat = ops::placeholder(*g, DType::kFloat32, Shape({2, 4}), "flat");
  EXPECT_ERROR(train::dynamic_rnn(*g, cell, {flat}, with_dtype()), ErrorCode::kValue,
               "must have rank at least 3");
  Output unknown_depth = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, kUnknownDim}), "u");
  EXPECT_ERROR(train::dynamic_rnn(*g, cell, {unknown_depth}, with_dtype()), ErrorCode::kValue,
               "depth of inputs");
  train::RNNOptions bad_lengths = with_dtype();
  bad_lengths.sequence_length =
      ops::constant(*g, Tensor::from_vector<int32_t>({1}, {1, 1}), "lengths");
  EXPECT_ERROR(train::dynamic_rnn(*g, cell, {x}, bad_lengths), ErrorCode::kValue,
               "sequence_length must be a vector");
  train::RNNOptions wrong_batch = with_dtype();
  wrong_batch.sequence_length =
      ops::constant(*g, Tensor::from_vector<int32_t>({1, 2, 3}, {3}), "lengths3");
  EXPECT_ERROR(train::dynamic_rnn(*g, cell, {x}, wrong_batch), ErrorCode::kValue,
               "Expected shape for Tensor");
  train::RNNOptions wrong_state = with_dtype();
  wrong_state.initial_state = {ops::placeholder(*g, DType::kFloat32, Shape({2, 3}), "s0"),
                               ops::placeholder(*g, DType::kFloat32, Shape({2, 3}), "s1")};
  EXPECT_ERROR(train::dynamic_rnn(*g, cell, {x}, wrong_state), ErrorCode::kValue,
               "has a state of 1");
  EXPECT_ERROR(train::static_rnn(*g, cell, {}, with_dtype()), ErrorCode::kValue,
               "inputs must not be empty");
  EXPECT_ERROR(train::gru_cell(0, scoped("rnn/g")), ErrorCode::kValue, "num_units");
  EXPECT_ERROR(train::gru_cell(3, train::RNNCellVariableOptions{}), ErrorCode::kValue, "scope");
}

VF_TEST_MAIN()
