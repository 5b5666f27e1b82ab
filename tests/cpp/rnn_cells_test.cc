// The C++ RNN cells (train/rnn_cells.h) as a C++ host uses them: TF1's variable and node names,
// one step of each cell against its formula written out here, the errors, and a small LSTM that
// learns. (tests/python/test_rnn_cells_core_parity.py checks that tf.nn.rnn_cell builds the same
// nodes.)
#include "varflow/train/rnn_cells.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/session.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/train/optimizers.h"
#include "varflow/variable.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

using FeedMap = std::vector<std::pair<Output, Tensor>>;
using Matrix = std::vector<std::vector<double>>;

std::vector<double> values_of(Session& s, Output t, const FeedMap& feeds = {}) {
  Tensor v = s.run(feeds, {t})[0].cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

// Deterministic values in (-0.5, 0.5) for a [rows, cols] (or [rows]) tensor.
Matrix pseudo(int64_t rows, int64_t cols, int salt) {
  Matrix m(static_cast<size_t>(rows), std::vector<double>(static_cast<size_t>(cols)));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      m[r][c] = 0.5 * std::sin(1.7 * static_cast<double>(r * cols + c) + salt);
  return m;
}

Output constant_of(Graph& g, const Matrix& m, bool vector = false) {
  std::vector<float> flat;
  for (const auto& row : m)
    for (double v : row) flat.push_back(static_cast<float>(v));
  const int64_t rows = static_cast<int64_t>(m.size());
  const int64_t cols = static_cast<int64_t>(m[0].size());
  return ops::constant(g, Tensor::from_vector<float>(flat, vector ? Dims{cols} : Dims{rows, cols}),
                       "Const");
}

// [a, b] @ w + bias, rows of a and b concatenated.
Matrix affine(const Matrix& a, const Matrix& b, const Matrix& w, const std::vector<double>& bias) {
  Matrix out(a.size(), bias);
  for (size_t r = 0; r < a.size(); ++r) {
    std::vector<double> x = a[r];
    x.insert(x.end(), b[r].begin(), b[r].end());
    for (size_t c = 0; c < bias.size(); ++c)
      for (size_t k = 0; k < x.size(); ++k) out[r][c] += x[k] * w[k][c];
  }
  return out;
}

double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }

void expect_matrix(const std::vector<double>& got, const Matrix& want, double tol) {
  size_t k = 0;
  for (const auto& row : want)
    for (double v : row) EXPECT_NEAR(got[k++], v, tol);
  EXPECT_EQ(got.size(), k);
}

bool has_node(Graph& g, const std::string& name) { return g.find_node(name) != nullptr; }

}  // namespace

VF_TEST(cell_variables_have_tf1_names_shapes_and_initial_values) {
  auto g = std::make_shared<Graph>();
  const Shape in({-1, 3});
  train::RNNCellVariableOptions rnn;
  rnn.scope = "rnn/basic_rnn_cell";
  train::BasicRNNCellVariables basic = train::basic_rnn_cell_variables(*g, in, 4, rnn);
  EXPECT_EQ(basic.kernel.op_name(), std::string("rnn/basic_rnn_cell/kernel"));
  EXPECT_TRUE(basic.kernel.shape() == Shape({7, 4}));
  EXPECT_EQ(basic.bias.op_name(), std::string("rnn/basic_rnn_cell/bias"));
  EXPECT_TRUE(g->find_node("rnn/basic_rnn_cell/kernel/Initializer/random_uniform") != nullptr);

  train::RNNCellVariableOptions gru;
  gru.scope = "gru_cell";
  train::GRUCellVariables gv = train::gru_cell_variables(*g, in, 2, gru);
  EXPECT_EQ(gv.gate_kernel.op_name(), std::string("gru_cell/gates/kernel"));
  EXPECT_TRUE(gv.gate_kernel.shape() == Shape({5, 4}));
  EXPECT_EQ(gv.gate_bias.op_name(), std::string("gru_cell/gates/bias"));
  EXPECT_EQ(gv.candidate_kernel.op_name(), std::string("gru_cell/candidate/kernel"));
  EXPECT_TRUE(gv.candidate_kernel.shape() == Shape({5, 2}));
  EXPECT_EQ(gv.candidate_bias.op_name(), std::string("gru_cell/candidate/bias"));

  train::RNNCellVariableOptions lstm;
  lstm.scope = "lstm_cell";
  train::LSTMCellVariables lv = train::lstm_cell_variables(*g, in, 4, true, 2, lstm);
  EXPECT_TRUE(lv.kernel.shape() == Shape({5, 16}));  // depth + num_proj rows
  EXPECT_TRUE(lv.bias.shape() == Shape({16}));
  EXPECT_EQ(lv.w_f_diag->op_name(), std::string("lstm_cell/w_f_diag"));
  EXPECT_EQ(lv.w_i_diag->op_name(), std::string("lstm_cell/w_i_diag"));
  EXPECT_EQ(lv.w_o_diag->op_name(), std::string("lstm_cell/w_o_diag"));
  EXPECT_EQ(lv.projection->op_name(), std::string("lstm_cell/projection/kernel"));
  EXPECT_TRUE(lv.projection->shape() == Shape({4, 2}));
  train::RNNCellVariableOptions basic_lstm;
  basic_lstm.scope = "basic_lstm_cell";
  train::LSTMCellVariables bv = train::basic_lstm_cell_variables(*g, in, 3, basic_lstm);
  EXPECT_EQ(bv.kernel.op_name(), std::string("basic_lstm_cell/kernel"));
  EXPECT_TRUE(bv.kernel.shape() == Shape({6, 12}));
  EXPECT_TRUE(!bv.w_f_diag.has_value() && !bv.projection.has_value());

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  for (double v : values_of(s, gv.gate_bias.value())) EXPECT_NEAR(v, 1.0, 0.0);
  for (double v : values_of(s, gv.candidate_bias.value())) EXPECT_NEAR(v, 0.0, 0.0);
  for (double v : values_of(s, lv.bias.value())) EXPECT_NEAR(v, 0.0, 0.0);
}

VF_TEST(cell_variables_reuse_and_errors) {
  auto g = std::make_shared<Graph>();
  train::RNNCellVariableOptions options;
  options.scope = "cell";
  train::BasicRNNCellVariables first =
      train::basic_rnn_cell_variables(*g, Shape({2, 3}), 4, options);
  EXPECT_ERROR(train::basic_rnn_cell_variables(*g, Shape({2, 3}), 4, options), ErrorCode::kValue,
               "already exists");
  options.reuse = true;
  train::BasicRNNCellVariables again =
      train::basic_rnn_cell_variables(*g, Shape({2, 3}), 4, options);
  EXPECT_EQ(again.kernel.op_name(), first.kernel.op_name());
  EXPECT_ERROR(train::basic_rnn_cell_variables(*g, Shape({2, -1}), 4, options), ErrorCode::kValue,
               "Expected inputs.shape[-1] to be known, saw shape: (2, ?)");
  EXPECT_ERROR(train::gru_cell_variables(*g, Shape::unknown_rank(), 4, options), ErrorCode::kValue,
               "saw shape: <unknown>");
  options.dtype = DType::kInt32;
  options.scope = "int_cell";
  EXPECT_ERROR(train::lstm_cell_variables(*g, Shape({2, 3}), 4, false, std::nullopt, options),
               ErrorCode::kValue,
               "RNN cell only supports floating point inputs, but saw dtype: <dtype: 'int32'>");
}

VF_TEST(basic_rnn_and_gru_steps_follow_their_formulas) {
  auto g = std::make_shared<Graph>();
  const int64_t batch = 2, depth = 3, n = 4;
  const Matrix x = pseudo(batch, depth, 1), h = pseudo(batch, n, 2);
  const Matrix k = pseudo(depth + n, n, 3), b = pseudo(1, n, 4);
  Output xt = constant_of(*g, x), ht = constant_of(*g, h);
  Output rnn_out =
      train::basic_rnn_cell_step(*g, xt, ht, constant_of(*g, k), constant_of(*g, b, true));
  EXPECT_EQ(rnn_out.node->name(), std::string("Tanh"));
  EXPECT_TRUE(has_node(*g, "concat") && has_node(*g, "MatMul") && has_node(*g, "BiasAdd"));
  Output relu_out =
      train::basic_rnn_cell_step(*g, xt, ht, constant_of(*g, k), constant_of(*g, b, true),
                                 [](Output v) { return ops::Relu(v, "Relu"); });

  const Matrix gk = pseudo(depth + n, 2 * n, 5), gb = pseudo(1, 2 * n, 6);
  const Matrix ck = pseudo(depth + n, n, 7), cb = pseudo(1, n, 8);
  train::GRUCellWeights w{constant_of(*g, gk), constant_of(*g, gb, true), constant_of(*g, ck),
                          constant_of(*g, cb, true)};
  NameScope scope(*g, "gru_cell");
  Output gru_out = train::gru_cell_step(*g, xt, ht, w);
  EXPECT_EQ(gru_out.node->name(), std::string("gru_cell/add"));
  for (const char* name : {"gru_cell/Sigmoid", "gru_cell/split", "gru_cell/mul",
                           "gru_cell/concat_1", "gru_cell/MatMul_1", "gru_cell/BiasAdd_1",
                           "gru_cell/Tanh", "gru_cell/sub", "gru_cell/mul_2"})
    EXPECT_TRUE(has_node(*g, name));

  Session s(g);
  Matrix pre = affine(x, h, k, b[0]), want_tanh = pre, want_relu = pre;
  for (auto& row : want_tanh)
    for (double& v : row) v = std::tanh(v);
  for (auto& row : want_relu)
    for (double& v : row) v = v > 0 ? v : 0;
  expect_matrix(values_of(s, rnn_out), want_tanh, 1e-5);
  expect_matrix(values_of(s, relu_out), want_relu, 1e-5);

  Matrix gates = affine(x, h, gk, gb[0]);
  Matrix r_state(batch, std::vector<double>(n)), want(batch, std::vector<double>(n));
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t j = 0; j < n; ++j) r_state[i][j] = sigm(gates[i][j]) * h[i][j];
  Matrix cand = affine(x, r_state, ck, cb[0]);
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const double u = sigm(gates[i][n + j]);
      want[i][j] = u * h[i][j] + (1 - u) * std::tanh(cand[i][j]);
    }
  expect_matrix(values_of(s, gru_out), want, 1e-5);
}

namespace {

// LSTMCell's step with every option, written out: returns (c, m).
std::pair<Matrix, Matrix> reference_lstm(const Matrix& x, const Matrix& c, const Matrix& m,
                                         const Matrix& k, const std::vector<double>& b,
                                         const Matrix& wf, const Matrix& wi, const Matrix& wo,
                                         const Matrix& proj, double forget_bias, double cell_clip,
                                         double proj_clip, bool peep) {
  const size_t n = c[0].size();
  Matrix lstm = affine(x, m, k, b);
  Matrix new_c = c, new_m = c;
  for (size_t r = 0; r < x.size(); ++r)
    for (size_t j = 0; j < n; ++j) {
      const double i = lstm[r][j], g = lstm[r][n + j], f = lstm[r][2 * n + j],
                   o = lstm[r][3 * n + j];
      const double cp = c[r][j];
      double cc = sigm(f + forget_bias + (peep ? wf[0][j] * cp : 0)) * cp +
                  sigm(i + (peep ? wi[0][j] * cp : 0)) * std::tanh(g);
      if (cell_clip > 0) cc = std::max(-cell_clip, std::min(cell_clip, cc));
      new_c[r][j] = cc;
      new_m[r][j] = sigm(o + (peep ? wo[0][j] * cc : 0)) * std::tanh(cc);
    }
  if (proj.empty()) return {new_c, new_m};
  Matrix out(x.size(), std::vector<double>(proj[0].size(), 0.0));
  for (size_t r = 0; r < x.size(); ++r)
    for (size_t p = 0; p < proj[0].size(); ++p) {
      for (size_t j = 0; j < n; ++j) out[r][p] += new_m[r][j] * proj[j][p];
      out[r][p] = std::max(-proj_clip, std::min(proj_clip, out[r][p]));
    }
  return {new_c, out};
}

}  // namespace

VF_TEST(lstm_cell_step_with_peepholes_clips_and_projection) {
  auto g = std::make_shared<Graph>();
  const int64_t batch = 2, depth = 3, n = 4, p = 2;
  const Matrix x = pseudo(batch, depth, 11), c = pseudo(batch, n, 12), m = pseudo(batch, p, 13);
  const Matrix k = pseudo(depth + p, 4 * n, 14), b = pseudo(1, 4 * n, 15);
  const Matrix wf = pseudo(1, n, 16), wi = pseudo(1, n, 17), wo = pseudo(1, n, 18);
  Matrix proj = pseudo(n, p, 19);
  for (auto& row : proj)
    for (double& v : row) v *= 4;  // so that proj_clip bites
  train::LSTMCellWeights w{constant_of(*g, k),        constant_of(*g, b, true),
                           constant_of(*g, wf, true), constant_of(*g, wi, true),
                           constant_of(*g, wo, true), constant_of(*g, proj)};
  train::LSTMCellOptions options;
  options.num_units = n;
  options.use_peepholes = true;
  options.cell_clip = 0.3;
  options.num_proj = p;
  options.proj_clip = 0.25;
  options.forget_bias = 0.5;
  Output xt = constant_of(*g, x), ct = constant_of(*g, c), mt = constant_of(*g, m);
  train::LSTMCellStep step;
  {
    NameScope scope(*g, "lstm_cell");
    step = train::lstm_cell_step(*g, xt, {ct, mt}, w, options);
  }
  EXPECT_EQ(step.output, step.state.h);
  EXPECT_TRUE(!step.concatenated.has_value());
  EXPECT_EQ(step.state.c.node->name(), std::string("lstm_cell/clip_by_value"));
  EXPECT_EQ(step.output.node->name(), std::string("lstm_cell/clip_by_value_1"));
  for (const char* name : {"lstm_cell/concat", "lstm_cell/MatMul", "lstm_cell/BiasAdd",
                           "lstm_cell/split", "lstm_cell/add", "lstm_cell/mul", "lstm_cell/Sigmoid",
                           "lstm_cell/Tanh", "lstm_cell/Tanh_1", "lstm_cell/MatMul_1"})
    EXPECT_TRUE(has_node(*g, name));
  EXPECT_TRUE(step.output.shape() == Shape({2, 2}));

  // The concatenated form: the state read by two Slices, the new one concatenated.
  Output cat = ops::ConcatV2({ct, mt, ops::scalar<int32_t>(*g, 1)});
  train::LSTMCellOptions flat = options;
  flat.state_is_tuple = false;
  train::LSTMCellStep flat_step = train::lstm_cell_step(*g, xt, {cat}, w, flat);
  EXPECT_TRUE(flat_step.concatenated.has_value());
  EXPECT_TRUE(flat_step.concatenated->shape() == Shape({2, n + p}));

  // No options: the plain LSTM.
  train::LSTMCellOptions plain;
  plain.num_units = n;
  Output m4 = constant_of(*g, pseudo(batch, n, 20));
  const Matrix k4 = pseudo(depth + n, 4 * n, 21);
  train::LSTMCellWeights w4{constant_of(*g, k4), constant_of(*g, b, true)};
  train::LSTMCellStep plain_step = train::lstm_cell_step(*g, xt, {ct, m4}, w4, plain);

  Session s(g);
  auto [want_c, want_m] = reference_lstm(x, c, m, k, b[0], wf, wi, wo, proj, 0.5, 0.3, 0.25, true);
  expect_matrix(values_of(s, step.state.c), want_c, 1e-5);
  expect_matrix(values_of(s, step.output), want_m, 1e-5);
  std::vector<double> flat_state = values_of(s, *flat_step.concatenated);
  for (int64_t r = 0; r < batch; ++r) {
    for (int64_t j = 0; j < n; ++j) EXPECT_NEAR(flat_state[r * (n + p) + j], want_c[r][j], 1e-5);
    for (int64_t j = 0; j < p; ++j)
      EXPECT_NEAR(flat_state[r * (n + p) + n + j], want_m[r][j], 1e-5);
  }
  auto [plain_c, plain_m] =
      reference_lstm(x, c, pseudo(batch, n, 20), k4, b[0], {}, {}, {}, {}, 1.0, 0, 0, false);
  expect_matrix(values_of(s, plain_step.state.c), plain_c, 1e-5);
  expect_matrix(values_of(s, plain_step.output), plain_m, 1e-5);
}

VF_TEST(basic_lstm_step_fused_and_unfused_agree_with_the_formula) {
  auto g = std::make_shared<Graph>();
  const int64_t batch = 3, depth = 2, n = 3;
  const Matrix x = pseudo(batch, depth, 31), c = pseudo(batch, n, 32), h = pseudo(batch, n, 33);
  const Matrix k = pseudo(depth + n, 4 * n, 34), b = pseudo(1, 4 * n, 35);
  Output xt = constant_of(*g, x), ct = constant_of(*g, c), ht = constant_of(*g, h);
  Output kt = constant_of(*g, k), bt = constant_of(*g, b, true);
  train::BasicLSTMCellOptions fused;
  fused.forget_bias = 0.25;
  train::LSTMCellStep a = train::basic_lstm_cell_step(*g, xt, {ct, ht}, kt, bt, fused);
  EXPECT_EQ(a.output.node->type(), std::string("LSTMBlockCell"));
  EXPECT_EQ(a.output.index, 6);
  EXPECT_EQ(a.state.c.index, 1);
  EXPECT_TRUE(has_node(*g, "zeros"));  // the absent peepholes
  train::BasicLSTMCellOptions unfused = fused;
  unfused.activation = [](Output v) { return ops::Tanh(v, "Tanh"); };
  unfused.state_is_tuple = false;
  Output cat = ops::ConcatV2({ct, ht, ops::scalar<int32_t>(*g, 1)});
  train::LSTMCellStep u = train::basic_lstm_cell_step(*g, xt, {cat}, kt, bt, unfused);
  EXPECT_TRUE(u.concatenated.has_value());
  EXPECT_EQ(u.output.node->name(), std::string("Mul_2"));

  Session s(g);
  auto [want_c, want_h] = reference_lstm(x, c, h, k, b[0], {}, {}, {}, {}, 0.25, 0, 0, false);
  expect_matrix(values_of(s, a.state.c), want_c, 1e-5);
  expect_matrix(values_of(s, a.output), want_h, 1e-5);
  expect_matrix(values_of(s, u.state.c), want_c, 1e-5);
  expect_matrix(values_of(s, u.state.h), want_h, 1e-5);
}

VF_TEST(step_errors_have_tf1_messages) {
  auto g = std::make_shared<Graph>();
  Output xi = ops::placeholder(*g, DType::kInt32, Shape({2, 3}), "xi");
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({2, 3}), "x");
  Output x3 = ops::placeholder(*g, DType::kFloat32, Shape({2, 3, 1}), "x3");
  Output s = ops::placeholder(*g, DType::kFloat32, Shape({2, 4}), "s");
  Output k = ops::placeholder(*g, DType::kFloat32, Shape({7, 16}), "k");
  Output b = ops::placeholder(*g, DType::kFloat32, Shape({16}), "b");
  Output bu = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "bu");
  EXPECT_ERROR(train::basic_rnn_cell_step(*g, xi, s, k, b), ErrorCode::kValue,
               "RNN cell only supports floating point inputs, but saw dtype: <dtype: 'int32'>");
  EXPECT_ERROR(train::gru_cell_step(*g, xi, s, {k, b, k, b}), ErrorCode::kValue,
               "only supports floating point inputs");
  train::LSTMCellOptions options;
  options.num_units = 4;
  EXPECT_ERROR(train::lstm_cell_step(*g, x3, {s, s}, {k, b}, options), ErrorCode::kValue,
               "Could not infer input size from inputs.get_shape()[-1]");
  EXPECT_ERROR(train::lstm_cell_step(*g, x, {s}, {k, b}, options), ErrorCode::kValue,
               "expected a state of 2 tensors");
  options.use_peepholes = true;
  EXPECT_ERROR(train::lstm_cell_step(*g, x, {s, s}, {k, b}, options), ErrorCode::kValue,
               "use_peepholes needs");
  EXPECT_ERROR(train::basic_lstm_cell_step(*g, x, {s, s, s}, k, b), ErrorCode::kValue,
               "expected a state of 2 tensors");
  EXPECT_ERROR(train::lstm_block_cell(*g, x, s, s, k, bu), ErrorCode::kValue,
               "the bias's size must be known");
}

VF_TEST(a_small_lstm_learns_from_cpp) {
  // Sequences of 4 steps of one feature; the label is the sign of the sum of the first two.
  auto g = std::make_shared<Graph>();
  g->set_seed(3);
  const int64_t batch = 8, steps = 4, n = 6;
  std::vector<Output> xs;
  for (int64_t t = 0; t < steps; ++t)
    xs.push_back(ops::placeholder(*g, DType::kFloat32, Shape({batch, 1}), "x" + std::to_string(t)));
  Output y = ops::placeholder(*g, DType::kFloat32, Shape({batch, 1}), "y");
  train::RNNCellVariableOptions vopts;
  vopts.scope = "rnn/lstm_cell";
  train::LSTMCellVariables vars =
      train::lstm_cell_variables(*g, xs[0].shape(), n, true, std::nullopt, vopts);
  train::LSTMCellOptions options;
  options.num_units = n;
  options.use_peepholes = true;
  options.cell_clip = 3.0;
  Output c = ops::constant(*g, Tensor::zeros(DType::kFloat32, {batch, n}));
  Output h = c;
  for (int64_t t = 0; t < steps; ++t) {
    NameScope scope(*g, t == 0 ? "rnn/lstm_cell" : "rnn/lstm_cell_" + std::to_string(t));
    train::LSTMCellStep step = train::lstm_cell_step(*g, xs[t], {c, h}, vars.weights(), options);
    c = step.state.c;
    h = step.state.h;
  }
  Variable head = train::get_variable(*g, "head/kernel", {n, 1});
  Output pred = ops::MatMul(h, head.value());
  Output diff = pred - y;
  Output loss = ops::reduce_mean(diff * diff, {});
  train::GradientDescentOptimizer sgd(0.5);
  Node* train_op = sgd.minimize(loss);

  FeedMap feed;
  std::vector<float> labels;
  std::vector<std::vector<float>> columns(steps);
  for (int64_t i = 0; i < batch; ++i) {
    double first_two = 0;
    for (int64_t t = 0; t < steps; ++t) {
      const float v = static_cast<float>(std::sin(2.3 * static_cast<double>(i * steps + t) + 0.4));
      columns[t].push_back(v);
      if (t < 2) first_two += v;
    }
    labels.push_back(first_two > 0 ? 1.0f : -1.0f);
  }
  for (int64_t t = 0; t < steps; ++t)
    feed.push_back({xs[t], Tensor::from_vector<float>(columns[t], {batch, 1})});
  feed.push_back({y, Tensor::from_vector<float>(labels, {batch, 1})});
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const double first = values_of(s, loss, feed)[0];
  for (int i = 0; i < 60; ++i) s.run(feed, {}, {train_op});
  const double last = values_of(s, loss, feed)[0];
  EXPECT_TRUE(last < 0.5 * first);
}

VF_TEST_MAIN()
