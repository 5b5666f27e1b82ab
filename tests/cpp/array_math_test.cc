// The array composites (train/array_math.h) and tf.sparse.from_dense / reset_shape
// (train/sparse.h) as a C++ host uses them: values against hand computations, unknown sizes fed
// at run time, einsum's gradient against the matrix formulas, and errors at build and run time.
// (tests/python/test_array_math.py and test_sparse.py check the same functions against
// TensorFlow's numbers through the Python API.)
#include "varflow/train/array_math.h"

#include <memory>
#include <vector>

#include "harness.h"
#include "tensor_values.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/train/sparse.h"

using namespace varflow;
using vftest::values;
namespace train = varflow::train;

namespace {

// A [rows, cols] float64 matrix of 0.5 * (r + 1) - 0.25 * c * c (distinct, of both signs).
Tensor matrix_values(int64_t rows, int64_t cols) {
  std::vector<double> v;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      v.push_back(0.5 * static_cast<double>(r + 1) - 0.25 * static_cast<double>(c * c));
  return Tensor::from_vector<double>(v, {rows, cols});
}

}  // namespace

VF_TEST(eye_with_a_batch_and_a_fed_size) {
  auto g = std::make_shared<Graph>();
  Output square = train::eye(*g, 3);
  Output wide =
      train::eye(*g, 2, train::Arg(4),
                 Output(ops::constant(*g, Tensor::from_vector<int32_t>({3}, {1}))), DType::kInt32);
  Output n = ops::placeholder(*g, DType::kInt32, Shape({}), "n");
  Output fed = train::eye(*g, n, std::nullopt, std::nullopt, DType::kFloat64);
  EXPECT_EQ(square.node->name(), std::string("eye"));
  EXPECT_TRUE(square.shape() == Shape({3, 3}));
  EXPECT_TRUE(wide.shape() == Shape({3, 2, 4}));
  Session s(g);
  const auto got = s.run({{n, Tensor::scalar<int32_t>(2)}}, {square, wide, fed}, {});
  const std::vector<double> sq = values(got[0]), w = values(got[1]), f = values(got[2]);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(sq[static_cast<size_t>(r * 3 + c)], r == c, 0.0);
  for (int b = 0; b < 3; ++b)
    for (int r = 0; r < 2; ++r)
      for (int c = 0; c < 4; ++c)
        EXPECT_NEAR(w[static_cast<size_t>(b * 8 + r * 4 + c)], r == c, 0.0);
  EXPECT_TRUE(got[2].dims() == Dims({2, 2}));
  EXPECT_NEAR(f[0] + f[3] - f[1] - f[2], 2.0, 0.0);
  EXPECT_ERROR(train::eye(*g, -1), ErrorCode::kValue, "Argument num_rows must be non-negative");
  EXPECT_ERROR(s.run({{n, Tensor::scalar<int32_t>(-2)}}, {fed}, {}), ErrorCode::kInvalidArgument,
               "");
}

VF_TEST(sequence_mask_with_and_without_maxlen) {
  auto g = std::make_shared<Graph>();
  Output lengths = ops::constant(*g, Tensor::from_vector<int32_t>({1, 3, 0}, {3}), "lengths");
  Output given = train::sequence_mask(*g, lengths, train::Arg(4));
  Output longest = train::sequence_mask(*g, lengths, std::nullopt, DType::kFloat32);
  EXPECT_TRUE(given.shape() == Shape({3, 4}));
  EXPECT_TRUE(given.dtype() == DType::kBool);
  Session s(g);
  const auto got = s.run({}, {given, longest}, {});
  const std::vector<double> a = values(got[0]), b = values(got[1]);
  const int len[3] = {1, 3, 0};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(a[static_cast<size_t>(i * 4 + j)], j < len[i], 0.0);
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(b[static_cast<size_t>(i * 3 + j)], j < len[i], 0.0);
  }
  Output matrix = ops::constant(*g, Tensor::from_vector<int32_t>({1, 2}, {1, 2}), "m");
  EXPECT_ERROR(train::sequence_mask(*g, lengths, train::Arg(matrix)), ErrorCode::kValue,
               "maxlen must be scalar for sequence_mask");
}

VF_TEST(bincount_counts_weights_and_bounds) {
  auto g = std::make_shared<Graph>();
  Output arr = ops::constant(*g, Tensor::from_vector<int32_t>({1, 1, 4, 0, 1}, {5}), "arr");
  Output w = ops::constant(*g, Tensor::from_vector<float>({0.5f, 1, 2, 3, 4}, {5}), "w");
  Output empty = ops::constant(*g, Tensor::zeros(DType::kInt32, {0}), "empty");
  const std::vector<Output> out = {
      train::bincount(*g, arr), train::bincount(*g, arr, std::nullopt, train::Arg(7)),
      train::bincount(*g, arr, std::nullopt, std::nullopt, train::Arg(2)),
      train::bincount(*g, arr, train::Arg(w)),
      train::bincount(*g, empty, std::nullopt, std::nullopt, std::nullopt, DType::kFloat64)};
  EXPECT_TRUE(out[3].dtype() == DType::kFloat32);
  EXPECT_TRUE(out[4].dtype() == DType::kFloat64);
  Session s(g);
  const auto got = s.run({}, out, {});
  const std::vector<std::vector<double>> want = {
      {1, 3, 0, 0, 1}, {1, 3, 0, 0, 1, 0, 0}, {1, 3}, {3, 5.5, 0, 0, 2}, {}};
  for (size_t k = 0; k < want.size(); ++k) {
    const std::vector<double> v = values(got[k]);
    EXPECT_EQ(v.size(), want[k].size());
    for (size_t i = 0; i < v.size() && i < want[k].size(); ++i) EXPECT_NEAR(v[i], want[k][i], 0.0);
  }
}

VF_TEST(einsum_contractions_against_loops) {
  auto g = std::make_shared<Graph>();
  Output a = ops::constant(*g, matrix_values(2, 3), "a");
  Output b = ops::constant(*g, matrix_values(3, 4), "b");
  Output sq = ops::constant(*g, matrix_values(3, 3), "sq");
  Output u = ops::placeholder(*g, DType::kFloat64, Shape({kUnknownDim, 3}), "u");
  const std::vector<Output> out = {
      train::einsum(*g, "ij,jk->ik", {a, b}),
      train::einsum(*g, "ij,jk", {a, b}),
      train::einsum(*g, "ii->i", {sq}),
      train::einsum(*g, "ij->ji", {a}),
      train::einsum(*g, "bi,bi->b", {u, u}),
      train::einsum(*g, "...j,jk->...k", {u, b}),
      train::einsum(*g, "ij,jk,kl->il", {a, b, train::einsum(*g, "ij->ji", {b})})};
  EXPECT_TRUE(out[0].shape() == Shape({2, 4}));
  EXPECT_TRUE(out[3].shape() == Shape({3, 2}));
  EXPECT_TRUE(out[4].shape() == Shape({kUnknownDim}));
  EXPECT_TRUE(out[6].shape() == Shape({2, 3}));
  EXPECT_EQ(out[0].node->name(), std::string("einsum"));
  Session s(g);
  const Tensor fed = matrix_values(5, 3);
  const auto got = s.run({{u, fed}}, out, {});
  const Tensor av = matrix_values(2, 3), bv = matrix_values(3, 4), sv = matrix_values(3, 3);
  auto at = [](const Tensor& t, int64_t r, int64_t c) {
    return t.data<double>()[r * t.dims()[1] + c];
  };
  const std::vector<double> ab = values(got[0]), ab2 = values(got[1]);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t k = 0; k < 4; ++k) {
      double want = 0;
      for (int64_t j = 0; j < 3; ++j) want += at(av, i, j) * at(bv, j, k);
      EXPECT_NEAR(ab[static_cast<size_t>(i * 4 + k)], want, 1e-12);
      EXPECT_NEAR(ab2[static_cast<size_t>(i * 4 + k)], want, 1e-12);
    }
  for (int64_t i = 0; i < 3; ++i)
    EXPECT_NEAR(values(got[2])[static_cast<size_t>(i)], at(sv, i, i), 0.0);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_NEAR(values(got[3])[static_cast<size_t>(j * 2 + i)], at(av, i, j), 0.0);
  for (int64_t r = 0; r < 5; ++r) {
    double dot = 0;
    for (int64_t j = 0; j < 3; ++j) dot += at(fed, r, j) * at(fed, r, j);
    EXPECT_NEAR(values(got[4])[static_cast<size_t>(r)], dot, 1e-12);
    for (int64_t k = 0; k < 4; ++k) {
      double want = 0;
      for (int64_t j = 0; j < 3; ++j) want += at(fed, r, j) * at(bv, j, k);
      EXPECT_NEAR(values(got[5])[static_cast<size_t>(r * 4 + k)], want, 1e-12);
    }
  }
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t l = 0; l < 3; ++l) {
      double want = 0;
      for (int64_t j = 0; j < 3; ++j)
        for (int64_t k = 0; k < 4; ++k) want += at(av, i, j) * at(bv, j, k) * at(bv, l, k);
      EXPECT_NEAR(values(got[6])[static_cast<size_t>(i * 3 + l)], want, 1e-12);
    }
}

VF_TEST(einsum_gradient_is_the_matmul_gradient) {
  auto g = std::make_shared<Graph>();
  Output a = ops::constant(*g, matrix_values(2, 3), "a");
  Output b = ops::constant(*g, matrix_values(3, 4), "b");
  Output loss = ops::reduce_sum(train::einsum(*g, "ij,jk->ik", {a, b}), {});
  auto grads = gradients({loss}, {a, b});
  Session s(g);
  const auto got = s.run({}, {*grads[0], *grads[1]}, {});
  const Tensor bv = matrix_values(3, 4), av = matrix_values(2, 3);
  // d/da sum(a @ b) = ones @ bᵀ: each row holds b's row sums; d/db = aᵀ @ ones: a's column sums.
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      double row_sum = 0;
      for (int64_t k = 0; k < 4; ++k) row_sum += bv.data<double>()[j * 4 + k];
      EXPECT_NEAR(values(got[0])[static_cast<size_t>(i * 3 + j)], row_sum, 1e-12);
    }
  for (int64_t j = 0; j < 3; ++j) {
    const double col_sum = av.data<double>()[j] + av.data<double>()[3 + j];
    for (int64_t k = 0; k < 4; ++k)
      EXPECT_NEAR(values(got[1])[static_cast<size_t>(j * 4 + k)], col_sum, 1e-12);
  }
}

VF_TEST(einsum_errors_name_the_equation) {
  auto g = std::make_shared<Graph>();
  Output a = ops::constant(*g, matrix_values(2, 3), "a");
  Output c = ops::constant(*g, matrix_values(4, 5), "c");
  Output f = ops::constant(*g, Tensor::from_vector<float>({1, 2}, {2}), "f");
  EXPECT_ERROR(train::einsum(*g, "ij,jk->ik", {a}), ErrorCode::kValue,
               "Got 1 arguments for equation \"ij,jk->ik\", expecting 2");
  EXPECT_ERROR(train::einsum(*g, "ij->iij", {a}), ErrorCode::kValue, "more than once");
  EXPECT_ERROR(train::einsum(*g, "ij->k", {a}), ErrorCode::kValue, "label k not present");
  EXPECT_ERROR(train::einsum(*g, "ij-k", {a}), ErrorCode::kValue, "Indices have incorrect format");
  EXPECT_ERROR(train::einsum(*g, "i.j", {a}), ErrorCode::kValue, "Indices have incorrect format");
  EXPECT_ERROR(train::einsum(*g, "ijk->i", {a}), ErrorCode::kValue, "operand has rank 2");
  EXPECT_ERROR(train::einsum(*g, "ij,jk->ik", {a, c}), ErrorCode::kValue,
               "Dimensions of label 'j' must be equal, but are 3 and 4");
  EXPECT_ERROR(
      train::einsum(*g, "i,i->", {f, ops::constant(*g, Tensor::from_vector<double>({1, 2}, {2}))}),
      ErrorCode::kType, "einsum operands must have one dtype");
  EXPECT_ERROR(train::einsum(*g, "...ijk", {a}), ErrorCode::kValue, "Too many subscripts");
}

VF_TEST(batch_gather_picks_within_each_batch) {
  auto g = std::make_shared<Graph>();
  // params [2, 3, 2]: params[b, r, c] = 100 b + 10 r + c.
  std::vector<double> pv;
  for (int b = 0; b < 2; ++b)
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 2; ++c) pv.push_back(100 * b + 10 * r + c);
  Output params = ops::constant(*g, Tensor::from_vector<double>(pv, {2, 3, 2}), "params");
  Output indices = ops::placeholder(*g, DType::kInt32, Shape({2, kUnknownDim}), "indices");
  Output rows = train::batch_gather(*g, params, indices, 1);
  Output column_indices = ops::placeholder(*g, DType::kInt32, Shape({2, 2}), "column_indices");
  Output columns = train::batch_gather(*g, params, column_indices, 1, 2);
  EXPECT_TRUE(rows.shape() == Shape({2, kUnknownDim, 2}));
  EXPECT_TRUE(columns.shape() == Shape({2, 3, 2}));
  auto grads = gradients({ops::reduce_sum(rows, {})}, {params});
  Session s(g);
  const Tensor idx = Tensor::from_vector<int32_t>({2, 0, 1, 1}, {2, 2});
  const Tensor column_idx = Tensor::from_vector<int32_t>({1, 0, 1, 1}, {2, 2});
  const auto got =
      s.run({{indices, idx}, {column_indices, column_idx}}, {rows, columns, *grads[0]}, {});
  EXPECT_TRUE(values(got[0]) == std::vector<double>({20, 21, 0, 1, 110, 111, 110, 111}));
  EXPECT_TRUE(values(got[1]) ==
              std::vector<double>({1, 0, 11, 10, 21, 20, 101, 101, 111, 111, 121, 121}));
  // Row 1 of batch 1 is read twice: its gradient is 2; unread rows get 0.
  EXPECT_TRUE(values(got[2]) == std::vector<double>({1, 1, 0, 0, 1, 1, 0, 0, 2, 2, 0, 0}));
  EXPECT_ERROR(s.run({{indices, Tensor::from_vector<int32_t>({3, 0, 0, 0}, {2, 2})}}, {rows}, {}),
               ErrorCode::kInvalidArgument, "indices must lie in [0, params.shape[axis])");
  EXPECT_ERROR(train::batch_gather(*g, params, indices, 2), ErrorCode::kValue,
               "batch_dims = 2 must be less than rank(indices) = 2");
  EXPECT_ERROR(train::batch_gather(*g, params, indices, 1, 0), ErrorCode::kValue,
               "must be less than or equal to axis = 0");
}

VF_TEST(sparse_from_dense_and_reset_shape) {
  auto g = std::make_shared<Graph>();
  Output dense = ops::constant(*g, Tensor::from_vector<float>({0, 2, 0, 0, 0, 5}, {2, 3}), "dense");
  const train::SparseTensorParts sp = train::sparse_from_dense(*g, dense);
  EXPECT_TRUE(sp.dense_shape.dtype() == DType::kInt64);
  const train::SparseTensorParts tight = train::sparse_reset_shape(*g, sp);
  Output bigger_shape = ops::constant(*g, Tensor::from_vector<int64_t>({4, 3}, {2}), "bigger");
  const train::SparseTensorParts bigger = train::sparse_reset_shape(*g, sp, bigger_shape);
  Output fed_shape = ops::placeholder(*g, DType::kInt64, Shape({kUnknownDim}), "fed_shape");
  const train::SparseTensorParts fed = train::sparse_reset_shape(*g, sp, fed_shape);
  Session s(g);
  const auto got =
      s.run({{fed_shape, Tensor::from_vector<int64_t>({2, 7}, {2})}},
            {sp.indices, sp.values, tight.dense_shape, bigger.dense_shape, fed.dense_shape}, {});
  const std::vector<double> idx = values(got[0]), val = values(got[1]);
  EXPECT_EQ(idx.size(), size_t{4});
  EXPECT_NEAR(idx[0] * 10 + idx[1], 1.0, 0.0);   // [0, 1]
  EXPECT_NEAR(idx[2] * 10 + idx[3], 12.0, 0.0);  // [1, 2]
  EXPECT_NEAR(val[0], 2.0, 0.0);
  EXPECT_NEAR(val[1], 5.0, 0.0);
  EXPECT_NEAR(values(got[2])[0] * 10 + values(got[2])[1], 23.0, 0.0);  // tight: [2, 3]
  EXPECT_NEAR(values(got[3])[0] * 10 + values(got[3])[1], 43.0, 0.0);
  EXPECT_NEAR(values(got[4])[1], 7.0, 0.0);
  // A fed shape smaller than the input's, or of another rank, fails its Asserts at run time.
  EXPECT_ERROR(
      s.run({{fed_shape, Tensor::from_vector<int64_t>({1, 3}, {2})}}, {fed.dense_shape}, {}),
      ErrorCode::kInvalidArgument, "Condition x <= y did not hold");
  EXPECT_ERROR(
      s.run({{fed_shape, Tensor::from_vector<int64_t>({2, 3, 1}, {3})}}, {fed.dense_shape}, {}),
      ErrorCode::kInvalidArgument, "Condition x == y did not hold");
  Output small = ops::constant(*g, Tensor::from_vector<int64_t>({2, 2}, {2}), "small");
  EXPECT_ERROR(train::sparse_reset_shape(*g, sp, small), ErrorCode::kValue,
               "Requested new_shape should have dimension sizes >= sp_input.shape");
  Output matrix = ops::constant(*g, Tensor::from_vector<int64_t>({2, 2}, {1, 2}), "m");
  EXPECT_ERROR(train::sparse_reset_shape(*g, sp, matrix), ErrorCode::kValue, "must have rank 1");
}

VF_TEST_MAIN()
