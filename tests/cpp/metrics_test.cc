// tf.metrics from C++ (train/metrics.h), as a C++ host uses them: TF1's variable names and
// collections, values over several batches against sums written out here, run-time squeezing
// of inputs of unknown rank, and the errors. (tests/python/test_metrics_core_parity.py checks
// that the Python API builds the same nodes.)
#include "varflow/train/metrics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "harness.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/variable.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

using FeedMap = std::vector<std::pair<Output, Tensor>>;

double scalar_of(Session& s, Output t, const FeedMap& feeds = {}) {
  return s.run(feeds, {t})[0].cast(DType::kFloat64).data<double>()[0];
}

std::vector<double> values_of(Session& s, Output t, const FeedMap& feeds = {}) {
  Tensor v = s.run(feeds, {t})[0].cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

std::vector<std::string> names_in(const Graph& g, const std::string& key) {
  std::vector<std::string> names;
  for (const Variable& v : variables_in_collection(g, key)) names.push_back(v.op_name());
  return names;
}

std::vector<std::string> tensors_in(const Graph& g, const std::string& key) {
  std::vector<std::string> names;
  for (const CollectionItem& item : g.get_collection(key))
    if (const Output* o = std::get_if<Output>(&item)) names.push_back(o->name());
  return names;
}

Tensor floats(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::from_vector<float>(v, {n});
}

Tensor column(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::from_vector<float>(v, {n, 1});
}

void init_locals(Session& s, Graph& g) {
  s.run({}, {},
        {variables_initializer(g, variables_in_collection(g, graph_keys::kLocalVariables))});
}

}  // namespace

VF_TEST(mean_has_tf1_variables_and_collections_and_streams_a_weighted_mean) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "x");
  Output w = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "w");
  train::MetricOptions options;
  options.metrics_collections = {"values"};
  options.updates_collections = {"updates", "updates"};
  train::Metric m = train::mean(*g, x, w, options);
  train::Metric plain = train::mean(*g, x);
  const std::vector<std::string> vars = {"mean/total", "mean/count", "mean_1/total",
                                         "mean_1/count"};
  EXPECT_TRUE(names_in(*g, graph_keys::kLocalVariables) == vars);
  EXPECT_TRUE(names_in(*g, train::kMetricVariables) == vars);
  EXPECT_TRUE(global_variables(*g).empty());
  EXPECT_TRUE(trainable_variables(*g).empty());
  EXPECT_EQ(m.value.name(), std::string("mean/value:0"));
  EXPECT_EQ(m.update_op.name(), std::string("mean/update_op:0"));
  EXPECT_TRUE(tensors_in(*g, "values") == std::vector<std::string>{"mean/value:0"});
  EXPECT_TRUE(tensors_in(*g, "updates") == std::vector<std::string>{"mean/update_op:0"});

  Session s(g);
  init_locals(s, *g);
  EXPECT_NEAR(scalar_of(s, m.value), 0.0, 0);  // 0 / 0 reads 0
  // Batch 1: (1*1 + 2*3) / (1 + 3); batch 2 adds 4*0 + 5*2 over 0 + 2.
  EXPECT_NEAR(scalar_of(s, m.update_op, {{x, floats({1, 2})}, {w, floats({1, 3})}}), 7.0 / 4, 1e-6);
  EXPECT_NEAR(scalar_of(s, m.update_op, {{x, floats({4, 5})}, {w, floats({0, 2})}}), 17.0 / 6,
              1e-6);
  EXPECT_NEAR(scalar_of(s, m.value), 17.0 / 6, 1e-6);
  EXPECT_NEAR(scalar_of(s, plain.update_op, {{x, floats({1, 2, 6})}}), 3.0, 1e-6);
  init_locals(s, *g);
  EXPECT_NEAR(scalar_of(s, m.value), 0.0, 0);
}

VF_TEST(accuracy_squeezes_labels_and_counts_matches) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::placeholder(*g, DType::kInt64, Shape({-1, 1}), "labels");
  Output predictions = ops::placeholder(*g, DType::kInt64, Shape({-1}), "predictions");
  train::Metric acc = train::accuracy(*g, labels, predictions);
  EXPECT_TRUE(names_in(*g, train::kMetricVariables) ==
              (std::vector<std::string>{"accuracy/total", "accuracy/count"}));
  EXPECT_TRUE(g->find_node("remove_squeezable_dimensions/Squeeze") != nullptr);
  Session s(g);
  init_locals(s, *g);
  auto ids = [](std::vector<int64_t> v, Dims dims) {
    return Tensor::from_vector<int64_t>(v, dims);
  };
  EXPECT_NEAR(scalar_of(s, acc.update_op,
                        {{labels, ids({1, 2, 3}, {3, 1})}, {predictions, ids({1, 0, 3}, {3})}}),
              2.0 / 3, 1e-6);
  EXPECT_NEAR(
      scalar_of(s, acc.update_op, {{labels, ids({4}, {1, 1})}, {predictions, ids({0}, {1})}}),
      2.0 / 4, 1e-6);
}

VF_TEST(errors_and_their_roots_over_batches_with_unknown_ranks) {
  auto g = std::make_shared<Graph>();
  // Unknown ranks: the squeeze of [n, 1] against [n] is a tf.cond at run time.
  Output labels = ops::placeholder(*g, DType::kFloat32, Shape::unknown_rank(), "labels");
  Output predictions = ops::placeholder(*g, DType::kFloat32, Shape::unknown_rank(), "predictions");
  train::Metric mae = train::mean_absolute_error(*g, labels, predictions);
  train::Metric mse = train::mean_squared_error(*g, labels, predictions);
  train::Metric rmse = train::root_mean_squared_error(*g, labels, predictions);
  EXPECT_TRUE(g->find_node("remove_squeezable_dimensions/cond/Merge") != nullptr);
  EXPECT_EQ(rmse.value.node->type(), std::string("Sqrt"));
  EXPECT_TRUE(
      names_in(*g, train::kMetricVariables) ==
      (std::vector<std::string>{"mean_absolute_error/total", "mean_absolute_error/count",
                                "mean_squared_error/total", "mean_squared_error/count",
                                "root_mean_squared_error/total", "root_mean_squared_error/count"}));
  Session s(g);
  init_locals(s, *g);
  FeedMap batch1 = {{labels, column({1, 2})}, {predictions, floats({2, 4})}};        // errors 1, 2
  FeedMap batch2 = {{labels, floats({0, 0, 3})}, {predictions, floats({3, 0, 3})}};  // 3, 0, 0
  std::vector<double> got = values_of(s, mae.update_op, batch1);
  EXPECT_NEAR(got[0], 1.5, 1e-6);
  EXPECT_NEAR(scalar_of(s, mse.update_op, batch1), 2.5, 1e-6);
  EXPECT_NEAR(scalar_of(s, rmse.update_op, batch1), std::sqrt(2.5), 1e-6);
  EXPECT_NEAR(scalar_of(s, mae.update_op, batch2), 6.0 / 5, 1e-6);
  EXPECT_NEAR(scalar_of(s, mse.update_op, batch2), 14.0 / 5, 1e-6);
  EXPECT_NEAR(scalar_of(s, rmse.update_op, batch2), std::sqrt(14.0 / 5), 1e-6);
}

VF_TEST(mean_tensor_percentage_below_relative_error_and_cosine_distance) {
  auto g = std::make_shared<Graph>();
  Output v = ops::placeholder(*g, DType::kFloat32, Shape({2}), "v");
  train::Metric mt = train::mean_tensor(*g, v);
  train::Metric below = train::percentage_below(*g, v, 1.5);
  Output n = ops::placeholder(*g, DType::kFloat32, Shape({2}), "n");
  Output l = ops::placeholder(*g, DType::kFloat32, Shape({2}), "l");
  train::Metric rel = train::mean_relative_error(*g, l, v, n);
  Output a = ops::placeholder(*g, DType::kFloat32, Shape({-1, 2}), "a");
  Output b = ops::placeholder(*g, DType::kFloat32, Shape({-1, 2}), "b");
  train::Metric cos = train::mean_cosine_distance(*g, a, b, 1);
  EXPECT_TRUE(names_in(*g, train::kMetricVariables) ==
              (std::vector<std::string>{
                  "mean/total_tensor", "mean/count_tensor", "percentage_below_threshold/total",
                  "percentage_below_threshold/count", "mean_relative_error/total",
                  "mean_relative_error/count", "mean_cosine_distance/total",
                  "mean_cosine_distance/count"}));
  // 1 - mean, outside the metric's scope ("sub" above already took the name, case-blind).
  EXPECT_EQ(cos.value.node->name(), std::string("Sub_1"));
  Session s(g);
  init_locals(s, *g);
  values_of(s, mt.update_op, {{v, floats({1, 2})}});
  std::vector<double> m = values_of(s, mt.update_op, {{v, floats({3, 6})}});
  EXPECT_NEAR(m[0], 2.0, 1e-6);
  EXPECT_NEAR(m[1], 4.0, 1e-6);
  EXPECT_NEAR(scalar_of(s, below.update_op, {{v, floats({1, 2})}}), 0.5, 1e-6);
  EXPECT_NEAR(scalar_of(s, below.update_op, {{v, floats({1, 1})}}), 0.75, 1e-6);
  // |1 - 2| / 2 and a zero normalizer's 0.
  EXPECT_NEAR(
      scalar_of(s, rel.update_op, {{l, floats({1, 5})}, {v, floats({2, 1})}, {n, floats({2, 0})}}),
      0.25, 1e-6);
  // Rows (1, 0).(1, 0) = 1 and (0, 1).(1, 0) = 0: distance 1 - 1/2.
  Tensor x = Tensor::from_vector<float>({1, 0, 0, 1}, {2, 2});
  Tensor y = Tensor::from_vector<float>({1, 0, 1, 0}, {2, 2});
  EXPECT_NEAR(scalar_of(s, cos.update_op, {{a, x}, {b, y}}), 0.5, 1e-6);
  EXPECT_ERROR(train::mean_tensor(*g, ops::placeholder(*g, DType::kFloat32, Shape({-1}))),
               ErrorCode::kValue, "needs a fully defined shape for its values, got (?,)");
}

VF_TEST(outcome_counts_precision_and_recall_over_batches) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::placeholder(*g, DType::kInt64, Shape({-1}), "labels");
  Output predictions = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "predictions");
  Output weights = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "weights");
  train::Metric tp =
      train::count_outcome(*g, train::Outcome::kTruePositives, labels, predictions, weights);
  train::Metric fn = train::count_outcome(*g, train::Outcome::kFalseNegatives, labels, predictions);
  train::Metric p = train::precision(*g, labels, predictions);
  train::Metric r = train::recall(*g, labels, predictions, weights);
  EXPECT_TRUE(
      names_in(*g, train::kMetricVariables) ==
      (std::vector<std::string>{"true_positives/count", "false_negatives/count",
                                "precision/true_positives/count", "precision/false_positives/count",
                                "recall/true_positives/count", "recall/false_negatives/count"}));
  EXPECT_EQ(tp.value.node->type(), std::string("Identity"));
  EXPECT_EQ(p.value.name(), std::string("precision/value:0"));
  Session s(g);
  init_locals(s, *g);
  auto ids = [](std::vector<int64_t> v) {
    const int64_t n = static_cast<int64_t>(v.size());
    return Tensor::from_vector<int64_t>(v, {n});
  };
  // Predictions are cast to bool: non-zero is positive.
  FeedMap batch1 = {{labels, ids({1, 1, 0, 0})},
                    {predictions, floats({1, 0, 1, 0})},
                    {weights, floats({2, 3, 1, 1})}};
  FeedMap batch2 = {
      {labels, ids({1, 0})}, {predictions, floats({0.5, 0})}, {weights, floats({1, 4})}};
  EXPECT_NEAR(scalar_of(s, tp.update_op, batch1), 2.0, 0);
  EXPECT_NEAR(scalar_of(s, fn.update_op, batch1), 1.0, 0);
  EXPECT_NEAR(scalar_of(s, p.update_op, batch1), 0.5, 1e-6);      // tp 1, fp 1
  EXPECT_NEAR(scalar_of(s, r.update_op, batch1), 2.0 / 5, 1e-6);  // weighted tp 2, fn 3
  EXPECT_NEAR(scalar_of(s, tp.update_op, batch2), 3.0, 0);
  EXPECT_NEAR(scalar_of(s, p.update_op, batch2), 2.0 / 3, 1e-6);
  EXPECT_NEAR(scalar_of(s, r.update_op, batch2), 3.0 / 6, 1e-6);
  EXPECT_NEAR(scalar_of(s, r.value), 0.5, 1e-6);
  Output w3 = ops::placeholder(*g, DType::kFloat32, Shape({-1, 1, 1}), "w3");
  EXPECT_ERROR(train::count_outcome(*g, train::Outcome::kTruePositives, labels, predictions, w3),
               ErrorCode::kValue,
               "weights 'w3:0' must have rank 0 or 1 (the rank of the values), not 3");
  Output short_labels = ops::placeholder(*g, DType::kInt64, Shape({3}));
  Output long_predictions = ops::placeholder(*g, DType::kFloat32, Shape({4}));
  EXPECT_ERROR(train::precision(*g, short_labels, long_predictions), ErrorCode::kValue,
               "Shapes (4,) and (3,) are incompatible");
}

VF_TEST(remove_squeezable_dimensions_squeezes_the_longer_input) {
  auto g = std::make_shared<Graph>();
  Output l = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "l");
  Output p = ops::placeholder(*g, DType::kFloat32, Shape({-1, 1}), "p");
  auto [labels, predictions] = train::remove_squeezable_dimensions(*g, l, p);
  EXPECT_TRUE(labels == l);
  EXPECT_EQ(predictions.node->name(), std::string("remove_squeezable_dimensions/Squeeze"));
  EXPECT_TRUE(predictions.shape() == Shape({-1}));
}

VF_TEST(counts_precision_and_recall_at_thresholds) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::placeholder(*g, DType::kBool, Shape({-1}), "labels");
  Output predictions = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "predictions");
  const std::vector<double> thresholds = {0.5, 0.1};
  train::Metric tp = train::count_outcome_at_thresholds(*g, train::Outcome::kTruePositives, labels,
                                                        predictions, thresholds);
  train::Metric fp = train::count_outcome_at_thresholds(*g, train::Outcome::kFalsePositives, labels,
                                                        predictions, thresholds);
  train::Metric p = train::precision_at_thresholds(*g, labels, predictions, thresholds);
  train::Metric r = train::recall_at_thresholds(*g, labels, predictions, thresholds);
  EXPECT_TRUE(
      names_in(*g, train::kMetricVariables) ==
      (std::vector<std::string>{
          "true_positives/true_positives", "false_positives/false_positives",
          "precision_at_thresholds/true_positives", "precision_at_thresholds/false_positives",
          "recall_at_thresholds/true_positives", "recall_at_thresholds/false_negatives"}));
  EXPECT_EQ(p.value.name(), std::string("precision_at_thresholds/precision_value:0"));
  EXPECT_TRUE(tp.update_op.shape() == Shape({2}));
  Session s(g);
  init_locals(s, *g);
  Tensor l = Tensor::from_vector<bool>({true, false, true, false}, {4});
  FeedMap batch = {{labels, l}, {predictions, floats({0.2f, 0.6f, 0.8f, 0.4f})}};
  // Positive above 0.5: items 1, 2; above 0.1: all four.
  std::vector<double> tps = values_of(s, tp.update_op, batch);
  EXPECT_NEAR(tps[0], 1, 0);
  EXPECT_NEAR(tps[1], 2, 0);
  std::vector<double> fps = values_of(s, fp.update_op, batch);
  EXPECT_NEAR(fps[0], 1, 0);
  EXPECT_NEAR(fps[1], 2, 0);
  std::vector<double> ps = values_of(s, p.update_op, batch);
  EXPECT_NEAR(ps[0], 1 / (1e-7 + 2), 1e-6);
  EXPECT_NEAR(ps[1], 2 / (1e-7 + 4), 1e-6);
  values_of(s, r.update_op, batch);
  std::vector<double> rs = values_of(s, r.update_op, batch);  // the same batch twice
  EXPECT_NEAR(rs[0], 2 / (1e-7 + 4), 1e-6);
  EXPECT_NEAR(rs[1], 4 / (1e-7 + 4), 1e-6);
}

VF_TEST(auc_and_the_rates_at_each_other) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::placeholder(*g, DType::kInt64, Shape({-1}), "labels");
  Output predictions = ops::placeholder(*g, DType::kFloat64, Shape({-1}), "predictions");
  train::Metric roc = train::auc(*g, labels, predictions, std::nullopt, 3);
  train::Metric pr = train::auc(*g, labels, predictions, std::nullopt, 3, {}, "PR", "minoring");
  train::Metric sens = train::sensitivity_at_specificity(*g, labels, predictions, 0.6, {}, 3);
  EXPECT_TRUE(names_in(*g, train::kMetricVariables)[0] == "auc/true_positives");
  EXPECT_TRUE(names_in(*g, train::kMetricVariables)[3] == "auc/false_positives");
  // Float64 predictions are checked to lie in [0, 1] before their cast to float32.
  EXPECT_TRUE(g->find_node("auc/assert_less_equal/Assert/Assert") != nullptr);
  Session s(g);
  init_locals(s, *g);
  Tensor l = Tensor::from_vector<int64_t>({1, 0, 1, 0}, {4});
  Tensor x = Tensor::from_vector<double>({0.2, 0.6, 0.8, 0.4}, {4});
  FeedMap batch = {{labels, l}, {predictions, x}};
  // Thresholds -1e-7, 0.5, 1 + 1e-7: tp 2, 1, 0; fn 0, 1, 2; tn 0, 1, 2; fp 2, 1, 0.
  const double tp[] = {2, 1, 0}, fn[] = {0, 1, 2}, tn[] = {0, 1, 2}, fp[] = {2, 1, 0};
  const double e = 1e-6;
  double rec[3], fpr[3], prec[3];
  for (int i = 0; i < 3; ++i) {
    rec[i] = (tp[i] + e) / (tp[i] + fn[i] + e);
    fpr[i] = fp[i] / (fp[i] + tn[i] + e);
    prec[i] = (tp[i] + e) / (tp[i] + fp[i] + e);
  }
  double want_roc = 0, want_pr = 0;
  for (int i = 0; i < 2; ++i) {
    want_roc += (fpr[i] - fpr[i + 1]) * (rec[i] + rec[i + 1]) / 2;
    want_pr += (rec[i] - rec[i + 1]) * std::min(prec[i], prec[i + 1]);
  }
  EXPECT_NEAR(scalar_of(s, roc.update_op, batch), want_roc, 1e-5);
  EXPECT_NEAR(scalar_of(s, pr.update_op, batch), want_pr, 1e-5);
  // Specificities 0, 1/2, 1: the closest to 0.6 is 1/2, where the sensitivity is 1/2.
  EXPECT_NEAR(scalar_of(s, sens.update_op, batch), 1 / (2 + 1e-7), 1e-6);
  Tensor out_of_range = Tensor::from_vector<double>({0.2, 1.5, 0.8, 0.4}, {4});
  EXPECT_ERROR(s.run({{labels, l}, {predictions, out_of_range}}, {roc.update_op}),
               ErrorCode::kInvalidArgument, "predictions must be in [0, 1]");

  EXPECT_ERROR(train::auc(*g, labels, predictions, std::nullopt, 3, {}, "XX"), ErrorCode::kValue,
               "curve must be either ROC or PR, XX unknown");
  EXPECT_ERROR(train::auc(*g, labels, predictions, std::nullopt, 3, {}, "ROC", "XX"),
               ErrorCode::kValue, "Invalid summation_method: XX");
  EXPECT_ERROR(train::specificity_at_sensitivity(*g, labels, predictions, 1.5), ErrorCode::kValue,
               "`sensitivity` must be in the range [0, 1]. Currently, `sensitivity` got 1.5.");
}

VF_TEST(confusion_matrix_mean_iou_and_mean_per_class_accuracy) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::placeholder(*g, DType::kInt64, Shape({-1}), "labels");
  Output predictions = ops::placeholder(*g, DType::kInt32, Shape({-1}), "predictions");
  Output weights = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "weights");
  Output cm = train::confusion_matrix(*g, labels, predictions, 3);
  Output weighted = train::confusion_matrix(*g, labels, predictions, 3, DType::kFloat64, "w",
                                            train::Arg(weights));
  train::Metric iou = train::mean_iou(*g, labels, predictions, 3);
  train::Metric acc =
      train::mean_per_class_accuracy(*g, labels, predictions, 3, train::Arg(weights));
  EXPECT_EQ(cm.dtype(), DType::kInt32);
  EXPECT_TRUE(cm.shape() == Shape({3, 3}));
  EXPECT_TRUE(
      g->find_node("confusion_matrix/assert_non_negative/assert_less_equal/Assert/Assert") !=
      nullptr);
  EXPECT_TRUE(g->find_node("confusion_matrix/assert_less_1/Assert/Assert") != nullptr);
  EXPECT_TRUE(names_in(*g, train::kMetricVariables) ==
              (std::vector<std::string>{"mean_iou/total_confusion_matrix", "mean_accuracy/total",
                                        "mean_accuracy/count"}));
  Session s(g);
  init_locals(s, *g);
  auto ids64 = [](std::vector<int64_t> v) {
    const int64_t n = static_cast<int64_t>(v.size());
    return Tensor::from_vector<int64_t>(v, {n});
  };
  auto ids32 = [](std::vector<int32_t> v) {
    const int64_t n = static_cast<int64_t>(v.size());
    return Tensor::from_vector<int32_t>(v, {n});
  };
  FeedMap batch = {{labels, ids64({0, 1, 1, 2})},
                   {predictions, ids32({0, 1, 2, 2})},
                   {weights, floats({1, 2, 3, 4})}};
  // Rows are labels, columns predictions.
  std::vector<double> counts = values_of(s, cm, batch);
  EXPECT_TRUE(counts == (std::vector<double>{1, 0, 0, 0, 1, 1, 0, 0, 1}));
  std::vector<double> w = values_of(s, weighted, batch);
  EXPECT_TRUE(w == (std::vector<double>{1, 0, 0, 0, 2, 3, 0, 0, 4}));
  // IoU per class: 1/1, 1/2, 1/2; mean 2/3.
  s.run(batch, {}, {iou.update_op.node});
  EXPECT_NEAR(scalar_of(s, iou.value), 2.0 / 3, 1e-6);
  // Weighted accuracy per class: 1/1, 2/5, 4/4 (update_op is per class, as TF1's); value
  // their mean.
  std::vector<double> per_class = values_of(s, acc.update_op, batch);
  EXPECT_NEAR(per_class[0], 1, 1e-6);
  EXPECT_NEAR(per_class[1], 0.4, 1e-6);
  EXPECT_NEAR(per_class[2], 1, 1e-6);
  EXPECT_NEAR(scalar_of(s, acc.value), 2.4 / 3, 1e-6);
  FeedMap bad = {{labels, ids64({0, 3})}, {predictions, ids32({0, 1})}, {weights, floats({1, 1})}};
  EXPECT_ERROR(s.run(bad, {cm}), ErrorCode::kInvalidArgument, "`labels` out of bound");
  FeedMap negative = {
      {labels, ids64({0, 1})}, {predictions, ids32({-1, 1})}, {weights, floats({1, 1})}};
  EXPECT_ERROR(s.run(negative, {cm}), ErrorCode::kInvalidArgument,
               "`predictions` contains negative values");
}

VF_TEST(precision_recall_and_average_precision_at_k) {
  auto g = std::make_shared<Graph>();
  Output labels = ops::placeholder(*g, DType::kInt64, Shape({-1, 2}), "labels");
  Output scores = ops::placeholder(*g, DType::kFloat32, Shape({-1, 4}), "scores");
  Output weights = ops::placeholder(*g, DType::kFloat32, Shape({-1, 1}), "weights");
  train::Metric p = train::precision_at_k(*g, labels, scores, 2);
  train::Metric r = train::recall_at_k(*g, labels, scores, 2);
  train::Metric p1 = train::precision_at_k(*g, labels, scores, 2, 1);
  train::Metric ap = train::average_precision_at_k(*g, labels, scores, 2);
  // Sparse labels: row 0 holds {1, 3}, row 1 only {2}.
  train::TopKLabels sparse([&] {
    return std::array<Output, 3>{
        ops::constant(*g, Tensor::from_vector<int64_t>({0, 0, 0, 1, 1, 0}, {3, 2}), "Const"),
        ops::constant(*g, Tensor::from_vector<int64_t>({1, 3, 2}, {3}), "Const"),
        ops::constant(*g, Tensor::from_vector<int64_t>({2, 2}, {2}), "Const")};
  });
  train::Metric sparse_r = train::recall_at_k(*g, sparse, scores, 2);
  train::Metric sparse_ap = train::average_precision_at_k(*g, sparse, scores, 2);
  train::Metric weighted = train::precision_at_k(*g, labels, scores, 2, std::nullopt, weights);
  const std::vector<std::string> vars = names_in(*g, train::kMetricVariables);
  EXPECT_EQ(vars[0], std::string("precision_at_2/true_positive_at_2"));
  EXPECT_EQ(vars[1], std::string("precision_at_2/false_positive_at_2"));
  EXPECT_EQ(vars[3], std::string("recall_at_2/false_negative_at_2"));
  EXPECT_EQ(vars[4], std::string("precision_at_2_class1/true_positive_at_2_class1"));
  // "max" is taken (case-blind) by the Max of the labels, in TF1 too.
  EXPECT_EQ(vars[6], std::string("average_precision_at_2/max_1"));
  EXPECT_EQ(vars[7], std::string("average_precision_at_2/total"));
  EXPECT_EQ(p.value.name(), std::string("precision_at_2:0"));
  Session s(g);
  init_locals(s, *g);
  // Top 2 of row 0: ids 1, 2 (labels 1, 3); of row 1: ids 0, 3 (labels 2, 2).
  Tensor x = Tensor::from_vector<float>({0.1f, 0.9f, 0.3f, 0.2f, 0.8f, 0.1f, 0.3f, 0.5f}, {2, 4});
  Tensor l = Tensor::from_vector<int64_t>({1, 3, 2, 2}, {2, 2});
  FeedMap batch = {{labels, l}, {scores, x}};
  EXPECT_NEAR(scalar_of(s, p.update_op, batch), 1.0 / 4, 1e-12);  // tp 1, fp 1 + 2
  EXPECT_NEAR(scalar_of(s, r.update_op, batch), 1.0 / 3, 1e-12);  // distinct labels 1, 3 | 2
  EXPECT_NEAR(scalar_of(s, p1.update_op, batch), 1.0, 1e-12);     // class 1: predicted once, right
  // Row 0: precision 1 at rank 1 over min(2 labels, k) = 1/2; row 1: 0.
  EXPECT_NEAR(scalar_of(s, ap.update_op, batch), 0.25, 1e-12);
  EXPECT_NEAR(scalar_of(s, sparse_r.update_op, {{scores, x}}), 1.0 / 3, 1e-12);
  EXPECT_NEAR(scalar_of(s, sparse_ap.update_op, {{scores, x}}), 0.25, 1e-12);
  EXPECT_NEAR(scalar_of(s, p.update_op, batch), 2.0 / 8, 1e-12);  // the same batch again
  FeedMap with_weights = {{labels, l}, {scores, x}, {weights, column({3, 1})}};
  EXPECT_ERROR(s.run(with_weights, {weighted.update_op}), ErrorCode::kInvalidArgument,
               "weights can not be broadcast to values.");
  EXPECT_ERROR(train::average_precision_at_k(*g, labels, scores, 0), ErrorCode::kValue,
               "Invalid k=0. `k` should be >= 1.");
  Output cube = ops::placeholder(*g, DType::kInt64, Shape({-1, 2, 2, 2}));
  EXPECT_ERROR(train::precision_at_k(*g, cube, scores, 2), ErrorCode::kValue,
               "Unexpected labels shape (?, 2, 2, 2) for predictions shape (?, 2)");
}

VF_TEST_MAIN()
