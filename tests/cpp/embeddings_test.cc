// Embedding lookups (train/embeddings.h) as a C++ host uses them: one and partitioned
// parameters against the rows by hand, max_norm, each partition's gradient, the sparse lookups'
// combiners, the safe lookup's pruning and filled rows, the sparse helpers, and errors.
// (tests/python/test_candidate_sampling.py and test_sparse_fixtures.py check the same functions
// against TensorFlow's numbers through the Python API.)
#include "varflow/train/embeddings.h"

#include <cmath>
#include <memory>
#include <vector>

#include "harness.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/session.h"

using namespace varflow;
namespace train = varflow::train;

namespace {

constexpr int64_t kClasses = 5, kDim = 2;

std::vector<double> values(const Tensor& t) {
  Tensor v = t.cast(DType::kFloat64);
  return std::vector<double>(v.data<double>(), v.data<double>() + v.num_elements());
}

double weight(int64_t c, int64_t d) { return 0.3 * static_cast<double>(c) - 0.2 * d + 0.1; }

Output matrix(Graph& g, int64_t rows, int64_t cols, double (*f)(int64_t, int64_t)) {
  std::vector<float> v;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) v.push_back(static_cast<float>(f(r, c)));
  return ops::constant(g, Tensor::from_vector<float>(v, {rows, cols}), "Const");
}

}  // namespace

VF_TEST(embedding_lookup_of_one_and_of_partitioned_params) {
  auto g = std::make_shared<Graph>();
  const std::vector<int64_t> id_values{4, 0, 3, 1, 2, 4};
  Output ids = ops::constant(*g, Tensor::from_vector<int64_t>(id_values, {2, 3}), "ids");
  Output whole = matrix(*g, kClasses, kDim, weight);
  // "mod" over 2 partitions: rows {0, 2, 4} and {1, 3}; "div": rows {0, 1, 2} and {3, 4}.
  auto rows_of = [&](const std::vector<int64_t>& rows) {
    std::vector<float> v;
    for (int64_t r : rows)
      for (int64_t d = 0; d < kDim; ++d) v.push_back(static_cast<float>(weight(r, d)));
    return ops::constant(
        *g, Tensor::from_vector<float>(v, {static_cast<int64_t>(rows.size()), kDim}), "part");
  };
  Output mod0 = rows_of({0, 2, 4}), mod1 = rows_of({1, 3});
  Output div0 = rows_of({0, 1, 2}), div1 = rows_of({3, 4});
  Output single = train::embedding_lookup(*g, {whole}, ids);
  Output by_mod = train::embedding_lookup(*g, {mod0, mod1}, ids, train::PartitionStrategy::kMod);
  Output by_div = train::embedding_lookup(*g, {div0, div1}, ids, train::PartitionStrategy::kDiv);
  Output clipped = train::embedding_lookup(*g, {whole}, ids, train::PartitionStrategy::kMod, 0.5);
  EXPECT_TRUE(single.shape() == Shape({2, 3, kDim}));
  EXPECT_TRUE(by_mod.shape() == Shape({2, 3, kDim}));
  EXPECT_EQ(single.node->name(), std::string("embedding_lookup/Identity"));
  Session s(g);
  const std::vector<Tensor> got = s.run({}, {single, by_mod, by_div, clipped});
  for (size_t i = 0; i < id_values.size(); ++i)
    for (int64_t d = 0; d < kDim; ++d) {
      const double want = weight(id_values[i], d);
      for (int k = 0; k < 3; ++k)
        EXPECT_NEAR(values(got[static_cast<size_t>(k)])[i * kDim + static_cast<size_t>(d)], want,
                    1e-7);
    }
  const std::vector<double> c = values(got[3]);
  for (size_t i = 0; i < id_values.size(); ++i) {
    const double n = std::hypot(weight(id_values[i], 0), weight(id_values[i], 1));
    for (int64_t d = 0; d < kDim; ++d)
      EXPECT_NEAR(c[i * kDim + static_cast<size_t>(d)],
                  weight(id_values[i], d) * (n > 0.5 ? 0.5 / n : 1.0), 1e-6);
  }
  // Each partition's gradient holds its own rows: class 4 (mod partition 0, row 2) is looked up
  // twice.
  auto grads = gradients({ops::reduce_sum(by_mod, {})}, {mod0, mod1});
  const std::vector<Tensor> dg = s.run({}, {*grads[0], *grads[1]});
  const std::vector<double> d0 = values(dg[0]), d1 = values(dg[1]);
  const double want0[3] = {1, 1, 2}, want1[2] = {1, 1};
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(d0[static_cast<size_t>(r * kDim)], want0[r], 0.0);
  for (int r = 0; r < 2; ++r) EXPECT_NEAR(d1[static_cast<size_t>(r * kDim)], want1[r], 0.0);
  EXPECT_ERROR(train::embedding_lookup(*g, {}, ids), ErrorCode::kValue, "at least one param");
  EXPECT_ERROR(train::parse_partition_strategy("hash"), ErrorCode::kValue,
               "Unrecognized partition strategy: hash");
}

VF_TEST(embedding_lookup_sparse_combines_each_row) {
  auto g = std::make_shared<Graph>();
  Output params = matrix(*g, kClasses, kDim, weight);
  train::SparseTensorParts ids{
      ops::constant(*g, Tensor::from_vector<int64_t>({0, 0, 0, 1, 2, 0}, {3, 2}), "indices"),
      ops::constant(*g, Tensor::from_vector<int64_t>({1, 3, 4}, {3}), "ids"),
      ops::constant(*g, Tensor::from_vector<int64_t>({3, 2}, {2}), "shape")};
  train::SparseTensorParts weights = ids;
  weights.values = ops::constant(*g, Tensor::from_vector<float>({2.0f, 1.0f, 0.5f}, {3}), "w");
  using C = train::Combiner;
  std::vector<Output> out;
  for (C c : {C::kSum, C::kMean, C::kSqrtN}) {
    out.push_back(train::embedding_lookup_sparse(*g, {params}, ids, weights, c));
    out.push_back(train::embedding_lookup_sparse(*g, {params}, ids, std::nullopt, c));
  }
  Session s(g);
  const std::vector<Tensor> got = s.run({}, out);
  const double w_sum[3] = {3.0, 3.0, std::sqrt(5.0)};  // row 0's weights 2 and 1
  const double n_sum[3] = {1.0, 2.0, std::sqrt(2.0)};  // unweighted: two ids
  for (int c = 0; c < 3; ++c) {
    const std::vector<double> weighted = values(got[static_cast<size_t>(2 * c)]);
    const std::vector<double> plain = values(got[static_cast<size_t>(2 * c + 1)]);
    EXPECT_EQ(weighted.size(), size_t{3 * kDim});
    for (int64_t d = 0; d < kDim; ++d) {
      const double row0 = 2.0 * weight(1, d) + weight(3, d);
      EXPECT_NEAR(weighted[static_cast<size_t>(d)], row0 / (c == 0 ? 1.0 : w_sum[c]), 1e-6);
      EXPECT_NEAR(plain[static_cast<size_t>(d)],
                  (weight(1, d) + weight(3, d)) / (c == 0 ? 1.0 : n_sum[c]), 1e-6);
      EXPECT_NEAR(weighted[static_cast<size_t>(kDim + d)], 0.0, 0.0);  // row 1 has no ids
      const double row2 = 0.5 * weight(4, d);
      const double row2_divisor = c == 0 ? 1.0 : 0.5;  // one id of weight 0.5
      EXPECT_NEAR(weighted[static_cast<size_t>(2 * kDim + d)], row2 / row2_divisor, 1e-6);
    }
  }
  EXPECT_ERROR(train::parse_combiner("max"), ErrorCode::kValue, "combiner must be one of");
  EXPECT_ERROR(train::embedding_lookup_sparse(*g, {}, ids, std::nullopt), ErrorCode::kValue,
               "at least one param");
}

VF_TEST(safe_embedding_lookup_sparse_prunes_and_fills_rows) {
  auto g = std::make_shared<Graph>();
  Output params = matrix(*g, kClasses, kDim, weight);
  train::SparseTensorParts ids{
      ops::constant(*g, Tensor::from_vector<int64_t>({0, 0, 0, 1, 2, 0, 3, 0}, {4, 2}), "indices"),
      ops::constant(*g, Tensor::from_vector<int64_t>({1, -1, 4, 2}, {4}), "ids"),
      ops::constant(*g, Tensor::from_vector<int64_t>({4, 2}, {2}), "shape")};
  train::SparseTensorParts weights = ids;
  weights.values =
      ops::constant(*g, Tensor::from_vector<float>({1.0f, 5.0f, 0.5f, -1.0f}, {4}), "w");
  train::SafeEmbeddingLookupOptions mean;
  Output by_mean = train::safe_embedding_lookup_sparse(*g, {params}, ids, weights, mean);
  train::SafeEmbeddingLookupOptions sum;
  sum.combiner = train::Combiner::kSum;
  Output by_sum = train::safe_embedding_lookup_sparse(*g, {params}, ids, weights, sum);
  train::SafeEmbeddingLookupOptions with_default = mean;
  with_default.default_id = 0;
  Output defaulted = train::safe_embedding_lookup_sparse(*g, {params}, ids, weights, with_default);
  Session s(g);
  const std::vector<Tensor> got = s.run({}, {by_mean, by_sum, defaulted});
  EXPECT_TRUE(got[0].dims() == Dims({4, kDim}));
  for (int64_t d = 0; d < kDim; ++d) {
    const size_t at = static_cast<size_t>(d);
    // Row 0: id -1 pruned; row 1 empty; row 2 one id; row 3's weight -1 pruned by the mean.
    const double want_mean[4] = {weight(1, d), 0.0, weight(4, d), 0.0};
    const double want_sum[4] = {weight(1, d), 0.0, 0.5 * weight(4, d), -weight(2, d)};
    const double want_default[4] = {weight(1, d), weight(0, d), weight(4, d), weight(0, d)};
    for (size_t r = 0; r < 4; ++r) {
      EXPECT_NEAR(values(got[0])[r * kDim + at], want_mean[r], 1e-6);
      EXPECT_NEAR(values(got[1])[r * kDim + at], want_sum[r], 1e-6);
      EXPECT_NEAR(values(got[2])[r * kDim + at], want_default[r], 1e-6);
    }
  }
  // The sparse helpers it is built from.
  Output keep = ops::constant(*g, Tensor::from_vector<bool>({true, false, true, false}, {4}), "k");
  train::SparseTensorParts kept = train::sparse_retain(*g, ids, keep);
  auto [filled, empty] = train::sparse_fill_empty_rows(*g, kept, int64_t{7});
  train::SparseTensorParts flat = train::sparse_reshape(
      *g, ids, ops::constant(*g, Tensor::from_vector<int64_t>({8}, {1}), "s"));
  const std::vector<Tensor> parts = s.run({}, {kept.values, filled.values, empty, flat.indices});
  EXPECT_TRUE(values(parts[0]) == std::vector<double>({1, 4}));
  EXPECT_TRUE(values(parts[1]) == std::vector<double>({1, 7, 4, 7}));  // rows 1 and 3 filled
  EXPECT_TRUE(values(parts[2]) == std::vector<double>({0, 1, 0, 1}));
  EXPECT_TRUE(values(parts[3]) == std::vector<double>({0, 1, 4, 6}));
  EXPECT_ERROR(train::sparse_retain(
                   *g, ids, ops::constant(*g, Tensor::from_vector<bool>({true, false}, {2}), "k2")),
               ErrorCode::kValue, "Dimensions 4 and 2 are not compatible");
  EXPECT_ERROR(train::sparse_reshape(
                   *g, ids, ops::constant(*g, Tensor::from_vector<int64_t>({3, 3}, {2}), "s2")),
               ErrorCode::kValue, "Cannot reshape a tensor with 8 elements");
}

VF_TEST_MAIN()
