// The sampled losses (train/sampled_losses.h) as a C++ host uses them: nce_loss and
// sampled_softmax_loss against their formulas written out here for given sampled values, the
// default sampler, training, and errors. (tests/python/test_candidate_sampling.py checks the same
// functions against TensorFlow's numbers and gradients through the Python API.)
#include "varflow/train/sampled_losses.h"

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "harness.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/train/layers.h"
#include "varflow/train/optimizers.h"
#include "varflow/variable.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

constexpr int64_t kClasses = 5, kDim = 2, kBatch = 2;

std::vector<double> values(const Tensor& t) {
  Tensor v = t.cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

// Class c's embedding row and bias.
double weight(int64_t c, int64_t d) { return 0.3 * static_cast<double>(c) - 0.2 * d + 0.1; }
double bias(int64_t c) { return 0.05 * static_cast<double>(c) - 0.1; }
double input(int64_t b, int64_t d) {
  return b == 0 ? (d == 0 ? 0.5 : -1.0) : (d == 0 ? 1.5 : 0.25);
}

Output matrix(Graph& g, int64_t rows, int64_t cols, double (*f)(int64_t, int64_t)) {
  std::vector<float> v;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) v.push_back(static_cast<float>(f(r, c)));
  return ops::constant(g, Tensor::from_vector<float>(v, {rows, cols}), "Const");
}

Output biases(Graph& g) {
  std::vector<float> v;
  for (int64_t c = 0; c < kClasses; ++c) v.push_back(static_cast<float>(bias(c)));
  return ops::constant(g, Tensor::from_vector<float>(v, {kClasses}), "biases");
}

double sigmoid_xent(double label, double logit) {
  return std::max(logit, 0.0) - logit * label + std::log1p(std::exp(-std::abs(logit)));
}

double dot_logit(int64_t b, int64_t c) {
  double s = bias(c);
  for (int64_t d = 0; d < kDim; ++d) s += input(b, d) * weight(c, d);
  return s;
}

}  // namespace

VF_TEST(nce_and_sampled_softmax_follow_their_formulas) {
  auto g = std::make_shared<Graph>();
  Output w = matrix(*g, kClasses, kDim, weight);
  Output b = biases(*g);
  Output x = matrix(*g, kBatch, kDim, input);
  const std::vector<int64_t> labels_values{1, 3};
  Output labels = ops::constant(*g, Tensor::from_vector<int64_t>(labels_values, {kBatch, 1}), "y");
  const std::vector<int64_t> sampled{3, 4, 0};
  const std::vector<float> true_counts{0.4f, 0.25f}, sampled_counts{0.3f, 0.2f, 0.5f};
  train::SampledLossOptions options;
  options.sampled_values = train::SampledValues{
      ops::constant(*g, Tensor::from_vector<int64_t>(sampled, {3}), "sampled"),
      ops::constant(*g, Tensor::from_vector<float>(true_counts, {kBatch, 1}), "true_counts"),
      ops::constant(*g, Tensor::from_vector<float>(sampled_counts, {3}), "sampled_counts")};
  Output nce = train::nce_loss(*g, {w}, b, labels, x, 3, kClasses, options);
  options.remove_accidental_hits = true;
  Output softmax = train::sampled_softmax_loss(*g, {w}, b, labels, x, 3, kClasses, options);
  EXPECT_TRUE(nce.shape() == Shape({kBatch}));
  Session s(g);
  const std::vector<Tensor> got = s.run({}, {nce, softmax});
  for (int64_t row = 0; row < kBatch; ++row) {
    const int64_t y = labels_values[static_cast<size_t>(row)];
    const double true_logit = dot_logit(row, y) - std::log(true_counts[static_cast<size_t>(row)]);
    std::vector<double> logits{true_logit};
    double want_nce = sigmoid_xent(1.0, true_logit);
    for (size_t k = 0; k < sampled.size(); ++k) {
      const double logit = dot_logit(row, sampled[k]) - std::log(sampled_counts[k]);
      want_nce += sigmoid_xent(0.0, logit);
      // The softmax removes the accidental hit: row 1's label 3 is the first sample.
      logits.push_back(sampled[k] == y ? -std::numeric_limits<float>::max() : logit);
    }
    double top = logits[0];
    for (double l : logits) top = std::max(top, l);
    double sum = 0;
    for (double l : logits) sum += std::exp(l - top);
    const double want_softmax = -(logits[0] - top - std::log(sum));
    EXPECT_NEAR(values(got[0])[static_cast<size_t>(row)], want_nce, 1e-5);
    EXPECT_NEAR(values(got[1])[static_cast<size_t>(row)], want_softmax, 1e-5);
  }
}

VF_TEST(default_sampler_trains_word2vec_style_embeddings) {
  auto g = std::make_shared<Graph>();
  constexpr int64_t kVocab = 50, kEmbed = 8, kExamples = 32;
  train::GetVariableOptions uniform;
  uniform.initializer = train::random_uniform_initializer(-1.0, 1.0, 3);
  Variable embeddings = train::get_variable(*g, "embeddings", {kVocab, kEmbed}, uniform);
  train::GetVariableOptions small;
  small.initializer = train::truncated_normal_initializer(0.0, 0.1, 4);
  Variable nce_w = train::get_variable(*g, "nce_weights", {kVocab, kEmbed}, small);
  train::GetVariableOptions zeros;
  zeros.initializer = train::zeros_initializer();
  Variable nce_b = train::get_variable(*g, "nce_biases", {kVocab}, zeros);
  // Each word's context is the next word.
  std::vector<int32_t> words, contexts;
  for (int64_t i = 0; i < kExamples; ++i) {
    words.push_back(static_cast<int32_t>(i % 10));
    contexts.push_back(static_cast<int32_t>((i + 1) % 10));
  }
  Output inputs = ops::constant(*g, Tensor::from_vector<int32_t>(words, {kExamples}), "words");
  Output labels =
      ops::constant(*g, Tensor::from_vector<int32_t>(contexts, {kExamples, 1}), "contexts");
  Output embedded = train::embedding_lookup(*g, {embeddings.value()}, inputs);
  train::SampledLossOptions options;
  options.seed = 11;
  Output loss = ops::reduce_mean(
      train::nce_loss(*g, {nce_w.value()}, nce_b.value(), labels, embedded, 8, kVocab, options),
      {});
  train::GradientDescentOptimizer sgd(1.0);
  Node* step = sgd.minimize(loss);
  Session s(g);
  s.run({}, {}, {global_variables_initializer(*g)});
  double first = 0, last = 0;
  for (int i = 0; i < 5; ++i) first += values(s.run({}, {loss})[0])[0] / 5;
  for (int i = 0; i < 200; ++i) s.run({}, {}, {step});
  for (int i = 0; i < 5; ++i) last += values(s.run({}, {loss})[0])[0] / 5;
  EXPECT_TRUE(std::isfinite(first) && last < 0.5 * first);
  EXPECT_ERROR(train::nce_loss(*g, {}, nce_b.value(), labels, embedded, 8, kVocab),
               ErrorCode::kValue, "at least one param");
  EXPECT_ERROR(train::nce_loss(*g, {nce_w.value()}, nce_b.value(), labels, embedded, 0, kVocab),
               ErrorCode::kValue, "num_sampled");
}

VF_TEST_MAIN()
