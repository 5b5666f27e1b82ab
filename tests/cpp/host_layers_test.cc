// The C++ initializers and layers for hosts (train/initializers.h, train/layers.h): TF1's node
// names, the seed rule (same graph seed and build order -> same values), the initializers'
// ranges and moments, get_variable's reuse errors, dense's shapes, and the loss's value.
// (examples/cpp_host builds the demo's MLP with them; tests/python/test_cpp_host.py checks its
// numbers against the Python demo bit for bit.)
#include <cmath>
#include <string>

#include "harness.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/session.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/variable.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

std::vector<double> values_of(Session& s, Output t) {
  Tensor v = s.run({}, {t})[0].cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

}  // namespace

VF_TEST(get_variable_and_dense_use_tf1_names) {
  auto g = std::make_shared<Graph>();
  g->set_seed(0);
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 4}), "x");
  train::DenseOptions options;
  options.activation = [](Output h) { return ops::Relu(h, "Relu"); };
  options.kernel_regularizer = train::l2_regularizer(0.5);
  train::DenseLayer a = train::dense(*g, x, 3, options);
  train::DenseLayer b = train::dense(*g, a.output, 2);
  EXPECT_EQ(a.kernel.op_name(), std::string("dense/kernel"));
  EXPECT_EQ(a.bias->op_name(), std::string("dense/bias"));
  EXPECT_EQ(b.kernel.op_name(), std::string("dense_1/kernel"));
  EXPECT_EQ(a.output.node->name(), std::string("dense/Relu"));
  EXPECT_EQ(b.output.node->name(), std::string("dense_1/BiasAdd"));
  EXPECT_TRUE(g->find_node("dense/kernel/Initializer/random_uniform/RandomUniform") != nullptr);
  EXPECT_TRUE(g->find_node("dense/kernel/Regularizer/l2_regularizer") != nullptr);
  EXPECT_TRUE(g->find_node("dense/bias/Initializer/zeros") != nullptr);
  EXPECT_EQ(g->get_collection(graph_keys::kRegularizationLosses).size(), size_t{1});
  EXPECT_TRUE(b.output.shape() == Shape({-1, 2}));

  EXPECT_ERROR(train::get_variable(*g, "dense/kernel", {4, 3}), ErrorCode::kValue,
               "Variable dense/kernel already exists, disallowed");
  train::GetVariableOptions reuse;
  reuse.reuse = true;
  EXPECT_TRUE(train::get_variable(*g, "dense/kernel", {4, 3}, reuse) == a.kernel);
  EXPECT_ERROR(train::get_variable(*g, "dense/kernel", {4, 4}, reuse), ErrorCode::kValue,
               "Trying to share variable dense/kernel, but specified shape (4, 4)");
  EXPECT_ERROR(train::get_variable(*g, "nothing", {1}, reuse), ErrorCode::kValue,
               "Variable nothing does not exist");
  EXPECT_ERROR(train::variance_scaling_initializer(0.0), ErrorCode::kValue,
               "`scale` must be positive float.");
}

VF_TEST(l1_sum_and_l1_l2_regularizers) {
  auto g = std::make_shared<Graph>();
  train::GetVariableOptions options;
  options.initializer = train::constant_initializer(-2.0);
  options.regularizer = train::l1_regularizer(0.25);
  Variable w = train::get_variable(*g, "w", {2, 3}, options);
  options.regularizer = train::l1_l2_regularizer(0.25, 0.5);
  Variable v = train::get_variable(*g, "v", {2}, options);
  options.regularizer = train::l1_l2_regularizer(0.0, 0.0);
  train::get_variable(*g, "none", {2}, options);
  const auto losses = g->get_collection(graph_keys::kRegularizationLosses);
  EXPECT_EQ(losses.size(), size_t{2});
  EXPECT_TRUE(g->find_node("w/Regularizer/l1_regularizer") != nullptr);
  EXPECT_TRUE(g->find_node("v/Regularizer/l1_l2_regularizer") != nullptr);
  Session s(g);
  s.run({}, {}, {w.initializer(), v.initializer()});
  // 0.25 * 6 * |-2|; and 0.25 * 2 * 2 + 0.5 * (2 * 4) / 2.
  EXPECT_NEAR(values_of(s, std::get<Output>(losses[0]))[0], 3.0, 1e-6);
  EXPECT_NEAR(values_of(s, std::get<Output>(losses[1]))[0], 3.0, 1e-6);
  EXPECT_ERROR(train::l1_regularizer(-1), ErrorCode::kValue,
               "Setting a scale less than 0 on a regularizer");
}

VF_TEST(initializers_are_seeded_by_the_graph_and_have_their_ranges) {
  auto build = [](int64_t seed) {
    auto g = std::make_shared<Graph>();
    g->set_seed(seed);
    std::vector<Variable> vars;
    const Dims shape = {200, 100};
    auto make = [&](const std::string& name, train::Initializer init) {
      train::GetVariableOptions o;
      o.initializer = std::move(init);
      vars.push_back(train::get_variable(*g, name, shape, o));
    };
    make("glorot_uniform", train::glorot_uniform_initializer());
    make("glorot_normal", train::glorot_normal_initializer());
    make("uniform", train::random_uniform_initializer(-2, 3));
    make("normal", train::random_normal_initializer(1, 2));
    make("truncated", train::truncated_normal_initializer(0, 0.5));
    make("he", train::variance_scaling_initializer(2.0, train::FanMode::kFanIn,
                                                   train::Distribution::kUntruncatedNormal));
    make("ones", train::ones_initializer());
    make("constant", train::constant_initializer(0.25));
    make("zeros", train::zeros_initializer());
    auto s = std::make_shared<Session>(g);
    s->run({}, {}, {global_variables_initializer(*g)});
    std::vector<std::vector<double>> out;
    for (const Variable& v : vars) out.push_back(values_of(*s, v.value()));
    return out;
  };
  const auto a = build(7), b = build(7), c = build(8);
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a[0] != c[0]);
  auto stats = [](const std::vector<double>& v) {
    double mean = 0, sq = 0, lo = 1e30, hi = -1e30;
    for (double x : v) {
      mean += x;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    mean /= static_cast<double>(v.size());
    for (double x : v) sq += (x - mean) * (x - mean);
    return std::vector<double>{mean, std::sqrt(sq / static_cast<double>(v.size())), lo, hi};
  };
  const double limit = std::sqrt(6.0 / 300.0);
  auto gu = stats(a[0]);
  EXPECT_TRUE(gu[2] >= -limit && gu[3] < limit && gu[3] > 0.9 * limit);
  EXPECT_NEAR(stats(a[1])[1], std::sqrt(2.0 / 300.0), 0.005);
  auto u = stats(a[2]);
  EXPECT_TRUE(u[2] >= -2 && u[3] < 3);
  EXPECT_NEAR(u[0], 0.5, 0.05);
  EXPECT_NEAR(stats(a[3])[0], 1.0, 0.05);
  EXPECT_NEAR(stats(a[3])[1], 2.0, 0.05);
  auto t = stats(a[4]);
  EXPECT_TRUE(t[2] >= -1.0 && t[3] <= 1.0);  // truncated at 2 stddev
  EXPECT_NEAR(stats(a[5])[1], std::sqrt(2.0 / 200.0), 0.003);
  EXPECT_TRUE(stats(a[6])[2] == 1.0 && stats(a[6])[3] == 1.0);
  EXPECT_TRUE(stats(a[7])[2] == 0.25 && stats(a[7])[3] == 0.25);
  EXPECT_TRUE(stats(a[8])[2] == 0.0 && stats(a[8])[3] == 0.0);
}

VF_TEST(sparse_softmax_cross_entropy_is_the_mean_loss) {
  auto g = std::make_shared<Graph>();
  Output logits = ops::constant(*g, Tensor::from_vector<float>({0, 0, 0, 1, 2, 3}, {2, 3}));
  Output labels = ops::constant(*g, Tensor::from_vector<int32_t>({0, 2}, {2}));
  Output loss = train::sparse_softmax_cross_entropy(*g, labels, logits);
  EXPECT_EQ(loss.node->name().rfind("sparse_softmax_cross_entropy_loss/", 0), size_t{0});
  EXPECT_EQ(g->get_collection(graph_keys::kLosses).size(), size_t{1});
  Session s(g);
  const double want =
      (std::log(3.0) + (std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0)) / 2;
  EXPECT_NEAR(values_of(s, loss)[0], want, 1e-6);
  Output bad = ops::constant(*g, Tensor::from_vector<int32_t>({0, 2}, {1, 2}));
  EXPECT_ERROR(train::sparse_softmax_cross_entropy(*g, bad, logits), ErrorCode::kValue,
               "Rank mismatch");
}

VF_TEST(auto_reuse_integer_uniform_and_dense_over_unknown_leading_dims) {
  auto g = std::make_shared<Graph>();
  g->set_seed(3);
  train::GetVariableOptions auto_reuse;
  auto_reuse.auto_reuse = true;
  Variable v = train::get_variable(*g, "v", {2}, auto_reuse);       // made
  EXPECT_TRUE(train::get_variable(*g, "v", {2}, auto_reuse) == v);  // found
  EXPECT_ERROR(
      train::check_get_variable("v", train::FoundVariable{Shape({2}), DType::kFloat32}, Shape({2}),
                                DType::kFloat32, train::Reuse::kCreate, "here\n"),
      ErrorCode::kValue, "Originally defined at:\n\nhere");
  EXPECT_ERROR(
      train::check_get_variable("v", train::FoundVariable{Shape({2}), DType::kFloat32},
                                Shape::unknown_rank(), DType::kFloat64, train::Reuse::kAuto),
      ErrorCode::kValue, "specified dtype float64 and found dtype float32");

  Output ints = train::random_uniform(*g, Dims{400}, 2, 5, DType::kInt32, 11);
  EXPECT_EQ(ints.node->type(), std::string("RandomUniformInt"));
  EXPECT_EQ(ints.node->name(), std::string("random_uniform"));
  // A shape tensor and a tensor bound, as tf.random_uniform takes them.
  Output shape = ops::constant(*g, Tensor::from_vector<int32_t>({3, 2}, {2}));
  Output lo = ops::constant(*g, Tensor::scalar<float>(-1.0f));
  Output u = train::random_uniform(*g, train::Arg(shape), train::Arg(lo), 1.0, DType::kFloat32,
                                   std::nullopt, "u");
  EXPECT_ERROR(train::random_normal(*g, Dims{2}, 0, 1, DType::kInt32), ErrorCode::kType,
               "floating dtype");

  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, -1, 4}), "x");
  train::DenseOptions options;
  options.use_bias = false;
  train::DenseLayer layer = train::dense(*g, x, 2, options);
  EXPECT_EQ(layer.output.node->name(), std::string("dense/Tensordot"));
  EXPECT_TRUE(layer.output.shape() == Shape({-1, -1, 2}));
  EXPECT_TRUE(g->find_node("dense/unstack") != nullptr && g->find_node("dense/stack"));

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  Tensor iv = s.run({}, {ints})[0];
  std::vector<int> seen(3, 0);
  for (int64_t i = 0; i < iv.num_elements(); ++i) {
    const int32_t k = iv.data<int32_t>()[i];
    EXPECT_TRUE(k >= 2 && k < 5);
    if (k >= 2 && k < 5) ++seen[static_cast<size_t>(k - 2)];
  }
  EXPECT_TRUE(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
  std::vector<double> uv = values_of(s, u);
  EXPECT_EQ(uv.size(), size_t{6});
  for (double e : uv) EXPECT_TRUE(e >= -1 && e < 1);

  std::vector<float> xs(2 * 3 * 4);
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i % 7) - 3.0f;
  Tensor xt = Tensor::from_vector<float>(xs, {2, 3, 4});
  std::vector<Tensor> out = s.run({{x, xt}}, {layer.output, layer.kernel.value()});
  EXPECT_TRUE(out[0].dims() == (Dims{2, 3, 2}));
  const float* k = out[1].data<float>();
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 2; ++c) {
      double want = 0;
      for (int j = 0; j < 4; ++j) want += xs[static_cast<size_t>(r * 4 + j)] * k[j * 2 + c];
      EXPECT_NEAR(out[0].data<float>()[r * 2 + c], want, 1e-5);
    }
}

VF_TEST_MAIN()
