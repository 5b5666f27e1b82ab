// tf.train's composite functions from C++ alone (schedules, global step, clipping, moving
// averages, losses, nn): node names as TF1's, numbers against the formulas written out here.
#include <cmath>
#include <vector>

#include "harness.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/train/clip.h"
#include "varflow/train/layers.h"
#include "varflow/train/losses.h"
#include "varflow/train/moving_averages.h"
#include "varflow/train/nn.h"
#include "varflow/train/schedules.h"
#include "varflow/train/training_util.h"
#include "varflow/variable.h"

using namespace varflow;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<double> values(const Tensor& t) {
  std::vector<double> out;
  const Tensor d = t.cast(DType::kFloat64);
  for (int64_t i = 0; i < d.num_elements(); ++i) out.push_back(d.data<double>()[i]);
  return out;
}

double scalar(Session& s, Output t) { return s.run({}, {t})[0].scalar_as_double(); }

// A graph with a global step and a session that sets it.
struct StepGraph {
  std::shared_ptr<Graph> g = std::make_shared<Graph>();
  Variable step = train::create_global_step(*g);
  std::unique_ptr<Session> session;
  Session& start() {
    session = std::make_unique<Session>(g);
    session->run({}, {}, {global_variables_initializer(*g)});
    return *session;
  }
  void set(int64_t s) { session->set_variable_value(step.node(), Tensor::scalar<int64_t>(s)); }
};

}  // namespace

VF_TEST(schedules_match_their_formulas) {
  StepGraph sg;
  Graph& g = *sg.g;
  Output step = sg.step.value();
  Output expo = train::exponential_decay(g, 0.1, sg.step, 10, 0.5);
  Output stair = train::exponential_decay(g, 0.1, step, 10, 0.5, true);
  Output natural = train::natural_exp_decay(g, 0.1, step, 10, 0.3);
  Output inverse = train::inverse_time_decay(g, 0.1, step, 10, 0.5, true);
  Output poly = train::polynomial_decay(g, 0.1, step, 10, 0.01, 2.0);
  Output poly_cycle = train::polynomial_decay(g, 0.1, step, 10, 0.01, 2.0, true);
  Output piecewise = train::piecewise_constant(g, step, {5, 10}, {1.0, 0.5, 0.1});
  Output cosine = train::cosine_decay(g, 0.2, step, 20, 0.1);
  Output restarts = train::cosine_decay_restarts(g, 0.1, step, 10, 2.0, 0.5, 0.0);
  Output restarts_equal = train::cosine_decay_restarts(g, 0.1, step, 10, 1.0, 0.5);
  Output linear_cos = train::linear_cosine_decay(g, 0.1, step, 40, 2.0, 0.1, 0.01);
  EXPECT_EQ(expo.node->name(), std::string("ExponentialDecay"));
  EXPECT_EQ(stair.node->name(), std::string("ExponentialDecay_1"));
  EXPECT_EQ(natural.node->name(), std::string("ExponentialTimeDecay"));
  EXPECT_EQ(restarts.node->name(), std::string("SGDRDecay"));
  EXPECT_EQ(g.find_node("ExponentialDecay/initial_learning_rate")->type(), std::string("Const"));
  EXPECT_TRUE(expo.dtype() == DType::kFloat32);

  Session& s = sg.start();
  for (int64_t n : {0, 3, 7, 10, 15, 23, 40, 75}) {
    sg.set(n);
    const double x = static_cast<double>(n);
    const double tol = 1e-6;
    EXPECT_NEAR(scalar(s, expo), 0.1 * std::pow(0.5, x / 10), tol);
    EXPECT_NEAR(scalar(s, stair), 0.1 * std::pow(0.5, std::floor(x / 10)), tol);
    EXPECT_NEAR(scalar(s, natural), 0.1 * std::exp(-0.3 * x / 10), tol);
    EXPECT_NEAR(scalar(s, inverse), 0.1 / (1 + 0.5 * std::floor(x / 10)), tol);
    const double p = std::min(x, 10.0) / 10;
    EXPECT_NEAR(scalar(s, poly), (0.1 - 0.01) * std::pow(1 - p, 2) + 0.01, tol);
    const double cycle_steps = 10 * (n == 0 ? 1 : std::ceil(x / 10));
    EXPECT_NEAR(scalar(s, poly_cycle), (0.1 - 0.01) * std::pow(1 - x / cycle_steps, 2) + 0.01, tol);
    EXPECT_NEAR(scalar(s, piecewise), n <= 5 ? 1.0 : n <= 10 ? 0.5 : 0.1, tol);
    const double frac = std::min(x, 20.0) / 20;
    EXPECT_NEAR(scalar(s, cosine), 0.2 * (0.9 * 0.5 * (1 + std::cos(kPi * frac)) + 0.1), tol);
    // SGDR with t_mul 2: restarts after 10, 30, 70 steps.
    const double f = x / 10;
    const double i = std::floor(std::log(1 - f * (1 - 2.0)) / std::log(2.0));
    const double within = (f - (1 - std::pow(2.0, i)) / (1 - 2.0)) / std::pow(2.0, i);
    EXPECT_NEAR(scalar(s, restarts), 0.1 * std::pow(0.5, i) * 0.5 * (1 + std::cos(kPi * within)),
                tol);
    const double ie = std::floor(f);
    EXPECT_NEAR(scalar(s, restarts_equal),
                0.1 * std::pow(0.5, ie) * 0.5 * (1 + std::cos(kPi * (f - ie))), tol);
    const double gs = std::min(x, 40.0);
    const double lin = (40 - gs) / 40;
    const double cos_part = 0.5 * (1 + std::cos(kPi * 2 * 2.0 * gs / 40));
    EXPECT_NEAR(scalar(s, linear_cos), 0.1 * ((0.1 + lin) * cos_part + 0.01), tol);
  }
}

VF_TEST(schedule_of_a_tensor_t_mul_selects_at_run_time) {
  StepGraph sg;
  Graph& g = *sg.g;
  Output t_mul = ops::placeholder(g, DType::kFloat32, Shape({}), "t_mul");
  Output lr = train::cosine_decay_restarts(g, 1.0, sg.step.value(), 10, t_mul);
  Session& s = sg.start();
  sg.set(15);
  const double geometric =
      s.run({{t_mul, Tensor::scalar<float>(2.0f)}}, {lr})[0].scalar_as_double();
  const double equal = s.run({{t_mul, Tensor::scalar<float>(1.0f)}}, {lr})[0].scalar_as_double();
  EXPECT_NEAR(geometric, 0.5 * (1 + std::cos(kPi * 0.25)), 1e-6);  // restart 1: 5 of 20 steps
  EXPECT_NEAR(equal, 0.5 * (1 + std::cos(kPi * 0.5)), 1e-6);       // restart 1: 5 of 10 steps
}

VF_TEST(noisy_linear_cosine_replays_with_a_seed) {
  auto run = [](int runs) {
    StepGraph sg;
    Output lr = train::noisy_linear_cosine_decay(*sg.g, 0.1, sg.step.value(), 100, 1.0, 0.55, 0.5,
                                                 0.0, 0.001, "", 7);
    Session& s = sg.start();
    std::vector<double> out;
    for (int i = 0; i < runs; ++i) out.push_back(scalar(s, lr));
    return out;
  };
  const std::vector<double> a = run(4), b = run(4);
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a[0] != a[1]);  // fresh noise every run
}

VF_TEST(piecewise_constant_checks_dtypes) {
  auto g = std::make_shared<Graph>();
  Output x = ops::scalar<float>(*g, 1.0f);
  Output int_boundary = ops::scalar<int32_t>(*g, 1);
  EXPECT_ERROR(train::piecewise_constant(*g, x, {int_boundary}, {1.0, 2.0}), ErrorCode::kValue,
               "Boundaries (<dtype: 'int32'>) must have the same dtype as x");
  EXPECT_ERROR(train::piecewise_constant(*g, x, {1.0}, {1.0}), ErrorCode::kValue,
               "1 less than the length of values");
}

VF_TEST(global_step_helpers) {
  auto g = std::make_shared<Graph>();
  EXPECT_TRUE(!train::get_global_step(*g));
  Variable step = train::create_global_step(*g);
  EXPECT_EQ(step.op_name(), std::string("global_step"));
  EXPECT_TRUE(step.dtype() == DType::kInt64 && !step.trainable());
  EXPECT_EQ(g->get_collection(graph_keys::kGlobalStep).size(), size_t{1});
  EXPECT_TRUE(train::get_or_create_global_step(*g) == step.ref());
  EXPECT_ERROR(train::create_global_step(*g), ErrorCode::kValue, "already exists");
  EXPECT_ERROR(train::assert_global_step(ops::scalar<float>(*g, 1.0f)), ErrorCode::kType,
               "does not have integer type");

  EXPECT_TRUE(!train::random_seeds(*g, std::nullopt).seed);
  train::Seeds op_only = train::random_seeds(*g, 5);
  EXPECT_TRUE(op_only.seed == 87654321 && op_only.seed2 == 5);
  g->set_seed(3);
  train::Seeds graph_seed = train::random_seeds(*g, std::nullopt);
  EXPECT_TRUE(graph_seed.seed == 3 && graph_seed.seed2 == g->num_nodes());
  g->set_seed(0);
  train::Seeds zeros = train::random_seeds(*g, 0);
  EXPECT_TRUE(zeros.seed == 0 && zeros.seed2 == 2147483647);
}

VF_TEST(clipping_matches_tf1) {
  auto g = std::make_shared<Graph>();
  Output a = ops::constant(*g, Tensor::from_vector<float>({3, 4}, {2}));
  Output b = ops::constant(*g, Tensor::from_vector<float>({1, 2}, {2, 1}));
  Output m = ops::constant(*g, Tensor::from_vector<float>({1, -3, 5, 0.5f}, {2, 2}));
  Output by_value = train::clip_by_value(*g, m, -1.0, 2.0);
  Output by_norm = train::clip_by_norm(*g, a, 2.0);
  Output rows = train::clip_by_norm(*g, m, 1.0, train::Arg(1));
  Output zero =
      train::clip_by_norm(*g, ops::constant(*g, Tensor::zeros(DType::kFloat32, {3})), 1.0);
  auto [clipped, norm] = train::clip_by_global_norm(*g, {a, std::nullopt, b}, 2.0);
  Output average = train::clip_by_average_norm(*g, m, 0.5);
  Output inf = ops::constant(*g, Tensor::from_vector<float>({INFINITY, 1}, {2}));
  auto [inf_clipped, inf_norm] = train::clip_by_global_norm(*g, {inf}, 1.0);
  EXPECT_EQ(by_value.node->name(), std::string("clip_by_value"));
  EXPECT_EQ(by_norm.node->name(), std::string("clip_by_norm"));
  EXPECT_EQ(norm.node->name(), std::string("global_norm/global_norm"));
  EXPECT_EQ(clipped[0]->node->name(), std::string("clip_by_global_norm/clip_by_global_norm_0"));
  EXPECT_TRUE(!clipped[1]);
  EXPECT_ERROR(train::clip_by_norm(*g, a, train::Arg(a)), ErrorCode::kValue,
               "clip_norm must be a 0-D (scalar) Tensor");

  Session s(g);
  EXPECT_TRUE(values(s.run({}, {by_value})[0]) == (std::vector<double>{1, -1, 2, 0.5}));
  std::vector<double> n = values(s.run({}, {by_norm})[0]);
  EXPECT_NEAR(n[0], 1.2, 1e-6);
  EXPECT_NEAR(n[1], 1.6, 1e-6);
  std::vector<double> r = values(s.run({}, {rows})[0]);
  const double row0 = std::sqrt(10.0), row1 = std::sqrt(25.25);
  EXPECT_NEAR(r[0], 1 / row0, 1e-6);
  EXPECT_NEAR(r[3], 0.5 / row1, 1e-6);
  EXPECT_TRUE(values(s.run({}, {zero})[0]) == (std::vector<double>{0, 0, 0}));
  const double global = std::sqrt(30.0);
  EXPECT_NEAR(scalar(s, norm), global, 1e-5);
  std::vector<double> c0 = values(s.run({}, {*clipped[0]})[0]);
  EXPECT_NEAR(c0[1], 4 * 2 / global, 1e-6);
  const double sum_sq = 1 + 9 + 25 + 0.25;
  std::vector<double> avg = values(s.run({}, {average})[0]);
  EXPECT_NEAR(avg[2], 5 * 0.5 * std::min(4 / std::sqrt(sum_sq), 1 / 0.5), 1e-5);
  EXPECT_TRUE(std::isnan(values(s.run({}, {*inf_clipped[0]})[0])[1]));
}

VF_TEST(float32_global_norm_overflows_as_tf1) {
  // Squares past the float32 range: TF1's float32 sum of squares is inf, and so is the norm;
  // below it the double accumulation is exact where float32 would round.
  auto g = std::make_shared<Graph>();
  Output big = ops::constant(*g, Tensor::from_vector<float>({3, 1e30f}, {2}));
  Output fine = ops::constant(*g, Tensor::from_vector<float>({3e18f, 4e18f}, {2}));
  Output big_norm = train::global_norm(*g, {big});
  Output fine_norm = train::global_norm(*g, {fine});
  Session s(g);
  EXPECT_TRUE(std::isinf(scalar(s, big_norm)));
  EXPECT_NEAR(scalar(s, fine_norm) / 5e18, 1.0, 1e-6);
}

VF_TEST(exponential_moving_average_clamps_decay_and_names_shadows) {
  auto g = std::make_shared<Graph>();
  Variable step = train::create_global_step(*g);
  Variable w = Variable::create(*g, Tensor::from_vector<float>({1, 2}, {2}), "w");
  train::ExponentialMovingAverage ema(0.9, train::Arg(step));
  EXPECT_EQ(ema.average_name(*g, w), std::string("w/ExponentialMovingAverage"));
  Node* update = ema.apply(*g, {w});
  Variable avg = *ema.average(w);
  EXPECT_EQ(avg.op_name(), std::string("w/ExponentialMovingAverage"));
  EXPECT_TRUE(!avg.trainable());
  EXPECT_EQ(update->name(), std::string("ExponentialMovingAverage"));
  EXPECT_EQ(g->get_collection(graph_keys::kMovingAverageVariables).size(), size_t{1});
  EXPECT_ERROR(ema.apply(*g, {step}), ErrorCode::kType, "must be half, float, or double");

  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  std::vector<double> shadow{1, 2};
  for (int64_t n : {0, 5, 100}) {
    s.set_variable_value(step.node(), Tensor::scalar<int64_t>(n));
    s.set_variable_value(w.node(), Tensor::from_vector<float>({3, -1}, {2}));
    s.run({}, {}, {update});
    const double decay = std::min(0.9, (1.0 + n) / (10.0 + n));
    shadow = {decay * shadow[0] + (1 - decay) * 3, decay * shadow[1] - (1 - decay)};
    std::vector<double> got = values(s.variable_value(avg.node()));
    EXPECT_NEAR(got[0], shadow[0], 1e-5);
    EXPECT_NEAR(got[1], shadow[1], 1e-5);
  }
}

VF_TEST(zero_debiased_average_of_a_tensor_starts_at_its_value) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({2}), "x");
  train::ExponentialMovingAverage ema(0.8, std::nullopt, /*zero_debias=*/true);
  Node* update = ema.apply(*g, {x});
  Variable avg = *ema.average(x);
  EXPECT_TRUE(g->find_node("x/ExponentialMovingAverage/biased") != nullptr);
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  s.run({{x, Tensor::from_vector<float>({2, 4}, {2})}}, {}, {update});
  std::vector<double> first = values(s.variable_value(avg.node()));
  EXPECT_NEAR(first[0], 2, 1e-6);  // biased 0.2 * 2, divided by 1 - 0.8
  s.run({{x, Tensor::from_vector<float>({0, 0}, {2})}}, {}, {update});
  // biased = 0.8 * 0.4 = 0.32; factor 1 - 0.64
  EXPECT_NEAR(values(s.variable_value(avg.node()))[0], 0.32 / 0.36, 1e-6);
}

VF_TEST(assign_moving_average_without_debias) {
  auto g = std::make_shared<Graph>();
  Variable v = Variable::create(*g, Tensor::from_vector<float>({0, 10}, {2}), "v");
  Output value = ops::constant(*g, Tensor::from_vector<float>({1, 2}, {2}));
  Output out = train::assign_moving_average(v, value, 0.9, false);
  EXPECT_EQ(out.node->name(), std::string("AssignMovingAvg"));
  EXPECT_TRUE(g->find_node("AssignMovingAvg/decay") != nullptr);
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  std::vector<double> got = values(s.run({}, {out})[0]);
  EXPECT_NEAR(got[0], 0.1, 1e-6);
  EXPECT_NEAR(got[1], 10 - 0.1 * 8, 1e-5);
}

VF_TEST(losses_reduce_as_tf1) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::constant(*g, Tensor::from_vector<float>({0, 1, 1, 0}, {2, 2}));
  Output pred = ops::constant(*g, Tensor::from_vector<float>({0.2f, 0.7f, 0.6f, 0.1f}, {2, 2}));
  Output weights = ops::constant(*g, Tensor::from_vector<float>({2, 0}, {2, 1}));
  const double sq[] = {0.04, 0.09, 0.16, 0.01};
  using train::Reduction;
  auto mse = [&](Reduction r, train::Arg w) {
    train::LossOptions o;
    o.reduction = r;
    return train::mean_squared_error(*g, labels, pred, w, "", o);
  };
  Output none = mse(Reduction::kNone, weights);
  Output sum = mse(Reduction::kSum, weights);
  Output mean = mse(Reduction::kMean, weights);
  Output batch = mse(Reduction::kSumOverBatchSize, weights);
  Output nonzero = mse(Reduction::kSumByNonzeroWeights, weights);
  Output all_zero = mse(Reduction::kSumByNonzeroWeights, 0.0);
  EXPECT_EQ(g->get_collection(graph_keys::kLosses).size(), size_t{6});
  EXPECT_EQ(nonzero.node->name(), std::string("mean_squared_error_4/value"));
  train::LossOptions uncollected;
  uncollected.loss_collection = std::nullopt;
  Output huber = train::huber_loss(*g, labels, pred, 1.0, 0.3, "", uncollected);
  Output log = train::log_loss(*g, labels, pred, 1.0, 1e-7, "", uncollected);
  Output xent = train::sigmoid_cross_entropy(*g, labels, pred, 1.0, 0.1, "", uncollected);
  EXPECT_EQ(g->get_collection(graph_keys::kLosses).size(), size_t{6});
  EXPECT_ERROR(train::parse_reduction("mean"), ErrorCode::kValue, "Invalid Reduction Key mean.");
  EXPECT_ERROR(mse(Reduction::kSum, ops::constant(*g, Tensor::zeros(DType::kFloat32, {1, 2, 2}))),
               ErrorCode::kValue, "weights can not be broadcast to values");

  Session s(g);
  std::vector<double> n = values(s.run({}, {none})[0]);
  EXPECT_NEAR(n[1], 2 * sq[1], 1e-6);
  EXPECT_NEAR(n[2], 0, 1e-6);
  const double weighted = 2 * (sq[0] + sq[1]);
  EXPECT_NEAR(scalar(s, sum), weighted, 1e-6);
  EXPECT_NEAR(scalar(s, mean), weighted / 4, 1e-6);  // weights broadcast: 2 + 2 + 0 + 0
  EXPECT_NEAR(scalar(s, batch), weighted / 4, 1e-6);
  EXPECT_NEAR(scalar(s, nonzero), weighted / 2, 1e-6);
  EXPECT_NEAR(scalar(s, all_zero), 0, 0);
  const double p[] = {0.2, 0.7, 0.6, 0.1}, z[] = {0, 1, 1, 0};
  double h = 0, l = 0, x = 0;
  for (int i = 0; i < 4; ++i) {
    const double e = std::fabs(p[i] - z[i]), q = std::min(e, 0.3);
    h += 0.5 * q * q + 0.3 * (e - q);
    l += -z[i] * std::log(p[i] + 1e-7) - (1 - z[i]) * std::log(1 - p[i] + 1e-7);
    const double zs = z[i] * 0.9 + 0.05;
    x += std::max(p[i], 0.0) - p[i] * zs + std::log1p(std::exp(-std::fabs(p[i])));
  }
  EXPECT_NEAR(scalar(s, huber), h / 4, 1e-6);
  EXPECT_NEAR(scalar(s, log), l / 4, 1e-5);
  EXPECT_NEAR(scalar(s, xent), x / 4, 1e-6);
}

VF_TEST(label_smoothing_spreads_over_the_classes) {
  auto g = std::make_shared<Graph>();
  Output known = ops::constant(*g, Tensor::from_vector<float>({0, 1, 0, 0}, {1, 4}));
  Output fed = ops::placeholder(*g, DType::kFloat32, Shape({-1, -1}), "labels");
  Output smoothed = train::smooth_onehot_labels(*g, known, 0.2);
  Output smoothed_fed = train::smooth_onehot_labels(*g, fed, 0.2);
  EXPECT_ERROR(train::smooth_onehot_labels(
                   *g, ops::placeholder(*g, DType::kFloat32, Shape::unknown_rank()), 0.2),
               ErrorCode::kValue, "Cannot infer num from shape");
  Session s(g);
  std::vector<double> a = values(s.run({}, {smoothed})[0]);
  EXPECT_NEAR(a[0], 0.05, 1e-7);
  EXPECT_NEAR(a[1], 0.8 + 0.05, 1e-7);
  Tensor five = Tensor::from_vector<float>({1, 0, 0, 0, 0}, {1, 5});
  std::vector<double> b = values(s.run({{fed, five}}, {smoothed_fed})[0]);
  EXPECT_NEAR(b[0], 0.8 + 0.04, 1e-7);
  EXPECT_NEAR(b[4], 0.04, 1e-7);
}

VF_TEST(moments_and_batch_normalization) {
  auto g = std::make_shared<Graph>();
  std::vector<float> data;
  for (int i = 0; i < 12; ++i) data.push_back(static_cast<float>(i * i % 7));
  Output x = ops::constant(*g, Tensor::from_vector(data, {3, 4}));
  auto [mean, variance] = train::moments(*g, x, {0});
  Output bn =
      train::batch_normalization(*g, x, mean, variance, train::Arg(0.5), train::Arg(2.0), 1e-3);
  EXPECT_EQ(mean.node->name(), std::string("moments/Squeeze"));
  Session s(g);
  std::vector<double> m = values(s.run({}, {mean})[0]), v = values(s.run({}, {variance})[0]);
  std::vector<double> y = values(s.run({}, {bn})[0]);
  for (int c = 0; c < 4; ++c) {
    double mu = 0, var = 0;
    for (int r = 0; r < 3; ++r) mu += data[r * 4 + c] / 3.0;
    for (int r = 0; r < 3; ++r) var += (data[r * 4 + c] - mu) * (data[r * 4 + c] - mu) / 3.0;
    EXPECT_NEAR(m[c], mu, 1e-5);
    EXPECT_NEAR(v[c], var, 1e-5);
    EXPECT_NEAR(y[c], (data[c] - mu) * 2 / std::sqrt(var + 1e-3) + 0.5, 1e-4);
  }
}

VF_TEST(dropout_keeps_and_scales) {
  auto g = std::make_shared<Graph>();
  Output x = ops::constant(*g, Tensor::from_vector<float>(std::vector<float>(1000, 1.0f), {1000}));
  Output dropped = train::dropout(*g, x, 0.25, std::nullopt, 11);
  EXPECT_TRUE(train::dropout(*g, x, 0.0) == x);
  EXPECT_ERROR(train::dropout(*g, x, 1.0), ErrorCode::kValue, "range [0, 1)");
  Output layer_off = train::dropout_layer(*g, x, 0.5, 0);
  EXPECT_EQ(layer_off.node->type(), std::string("Identity"));
  Session s(g);
  std::vector<double> y = values(s.run({}, {dropped})[0]);
  int kept = 0;
  for (double v : y) {
    EXPECT_TRUE(v == 0 || std::fabs(v - 1 / 0.75) < 1e-6);
    kept += v != 0;
  }
  EXPECT_TRUE(kept > 690 && kept < 810);  // 750 expected, sd ~14
}

VF_TEST(variational_dropout_keeps_one_mask) {
  auto g = std::make_shared<Graph>();
  Output x = ops::constant(*g, Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3}), "x");
  // One noise row for the whole batch: units 0 and 2 are kept (0.75 + noise >= 1), unit 1 not.
  Output noise = ops::constant(*g, Tensor::from_vector<float>({0.5f, 0.1f, 0.25f}, {1, 3}), "n");
  Output dropped = train::variational_dropout(*g, x, noise, 0.75);
  EXPECT_TRUE(dropped.shape() == Shape({2, 3}));
  Session s(g);
  const std::vector<double> got = values(s.run({}, {dropped})[0]);
  const double want[6] = {1 / 0.75, 0, 3 / 0.75, 4 / 0.75, 0, 6 / 0.75};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(got[static_cast<size_t>(i)], want[i], 1e-6);
}

VF_TEST(batch_normalization_layer_updates_moving_statistics) {
  auto g = std::make_shared<Graph>();
  Output x = ops::constant(*g, Tensor::from_vector<float>({1, 2, 3, 5}, {2, 2}));
  train::BatchNormVariables vars;
  {
    NameScope scope(*g, "batch_normalization");
    vars = train::make_batch_norm_variables(*g, 2, DType::kFloat32);
  }
  EXPECT_EQ(vars.moving_mean.op_name(), std::string("batch_normalization/moving_mean"));
  Output train_out = train::batch_normalization_layer(*g, x, 1, vars, 0.9, 1e-3, 1);
  std::vector<CollectionItem> updates = g->get_collection(graph_keys::kUpdateOps);
  EXPECT_EQ(updates.size(), size_t{2});
  Output infer_out = train::batch_normalization_layer(*g, x, 1, vars, 0.9, 1e-3, 0);
  EXPECT_EQ(g->get_collection(graph_keys::kUpdateOps).size(), size_t{2});
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  std::vector<Output> fetch_updates;
  for (const CollectionItem& u : updates) fetch_updates.push_back(std::get<Output>(u));
  s.run({}, fetch_updates);
  std::vector<double> mm = values(s.variable_value(vars.moving_mean.node()));
  std::vector<double> mv = values(s.variable_value(vars.moving_variance.node()));
  EXPECT_NEAR(mm[0], 0.1 * 2, 1e-6);               // batch mean of column 0 is 2
  EXPECT_NEAR(mv[1], 0.9 * 1 + 0.1 * 2.25, 1e-6);  // batch variance of column 1 is 2.25
  std::vector<double> t = values(s.run({}, {train_out})[0]);
  EXPECT_NEAR(t[0], (1 - 2) / std::sqrt(1 + 1e-3), 1e-5);
  std::vector<double> i = values(s.run({}, {infer_out})[0]);
  EXPECT_NEAR(i[3], (5 - mm[1]) / std::sqrt(mv[1] + 1e-3), 1e-5);
}

VF_TEST(batch_normalization_layer_over_several_axes) {
  auto g = std::make_shared<Graph>();
  // x[n, h, c] = n * 10 + h * 2 + c: statistics per (h, c) over n.
  std::vector<float> xv;
  for (int n = 0; n < 2; ++n)
    for (int h = 0; h < 2; ++h)
      for (int c = 0; c < 2; ++c) xv.push_back(static_cast<float>(n * 10 + h * 2 + c));
  Output x = ops::constant(*g, Tensor::from_vector<float>(xv, {2, 2, 2}));
  auto make = [&](const char* name, train::Initializer init) {
    train::GetVariableOptions o;
    o.initializer = std::move(init);
    o.trainable = false;
    return train::get_variable(*g, name, {1, 2, 2}, o);
  };
  train::BatchNormVariables vars{std::nullopt, std::nullopt,
                                 make("moving_mean", train::zeros_initializer()),
                                 make("moving_variance", train::ones_initializer())};
  Output out = train::batch_normalization_layer(*g, x, std::vector<int>{1, 2}, vars, 0.9, 1e-3, 1);
  EXPECT_TRUE(out.shape() == Shape({2, 2, 2}));
  std::vector<Output> fetch_updates;
  for (const CollectionItem& u : g->get_collection(graph_keys::kUpdateOps))
    fetch_updates.push_back(std::get<Output>(u));
  EXPECT_EQ(fetch_updates.size(), size_t{2});
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  const std::vector<double> y = values(s.run({}, {out})[0]);
  s.run({}, fetch_updates);
  const std::vector<double> mm = values(s.variable_value(vars.moving_mean.node()));
  // Each (h, c) sees n = 0 and 1: mean 5 + 2h + c, variance 25.
  for (int h = 0; h < 2; ++h)
    for (int c = 0; c < 2; ++c) {
      EXPECT_NEAR(mm[static_cast<size_t>(h * 2 + c)], 0.1 * (5 + 2 * h + c), 1e-5);
      EXPECT_NEAR(y[static_cast<size_t>(h * 2 + c)], -5 / std::sqrt(25 + 1e-3), 1e-5);
    }
  EXPECT_ERROR(train::batch_normalization_layer(*g, x, std::vector<int>{1, 1}, vars, 0.9, 1e-3, 1),
               ErrorCode::kValue, "Duplicate axis: 1");
}

VF_TEST_MAIN()
