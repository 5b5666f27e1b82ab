// The math composites (train/math.h) and boolean_mask (train/array_math.h) as a C++ host uses
// them: values against loops written out, unknown dimensions fed at run time, gradients where
// TF1 defines them, and errors. (The Python API's tf.tensordot, tf.sort, tf.argsort,
// tf.math.reduce_logsumexp, count_nonzero, log_sigmoid, logical_xor and tf.boolean_mask are
// these functions; tests/python checks them against NumPy and TensorFlow's numbers.)
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "harness.h"
#include "tensor_values.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/train/array_math.h"
#include "varflow/train/math.h"

using namespace varflow;
using vftest::values;
namespace train = varflow::train;

namespace {

// A tensor of `dims` holding sin(1 + i) * 3 at flat position i (distinct values).
Tensor wave(const Dims& dims) {
  std::vector<double> v(static_cast<size_t>(num_elements(dims)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = 3 * std::sin(1.0 + static_cast<double>(i));
  return Tensor::from_vector<double>(v, dims);
}

}  // namespace

VF_TEST(tensordot_static_and_fed_shapes) {
  auto g = std::make_shared<Graph>();
  const Tensor av = wave({2, 3, 4}), bv = wave({4, 3, 5});
  Output a = ops::constant(*g, av, "a");
  Output b = ops::constant(*g, bv, "b");
  Output fed = ops::placeholder(*g, DType::kFloat64, Shape({kUnknownDim, 3, 4}), "fed");
  // out[i, l] = sum_jk a[i, j, k] b[k, j, l]
  Output pair = train::tensordot(*g, a, b, {{1, 2}, {1, 0}});
  Output dynamic = train::tensordot(*g, fed, b, {{-2, -1}, {1, 0}});
  Output last = train::tensordot(*g, a, ops::constant(*g, wave({4, 2}), "c"), 1);
  Output outer =
      train::tensordot(*g, ops::constant(*g, wave({2}), "u"), ops::constant(*g, wave({3}), "v"), 0);
  EXPECT_TRUE(pair.shape() == Shape({2, 5}));
  EXPECT_TRUE(dynamic.shape() == Shape({kUnknownDim, 5}));
  EXPECT_TRUE(last.shape() == Shape({2, 3, 2}));
  EXPECT_TRUE(outer.shape() == Shape({2, 3}));
  Session s(g);
  const auto got = s.run({{fed, av}}, {pair, dynamic, last, outer}, {});
  const double* A = av.data<double>();
  const double* B = bv.data<double>();
  for (int i = 0; i < 2; ++i)
    for (int l = 0; l < 5; ++l) {
      double want = 0;
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 4; ++k) want += A[(i * 3 + j) * 4 + k] * B[(k * 3 + j) * 5 + l];
      EXPECT_NEAR(values(got[0])[static_cast<size_t>(i * 5 + l)], want, 1e-12);
      EXPECT_NEAR(values(got[1])[static_cast<size_t>(i * 5 + l)], want, 1e-12);
    }
  const Tensor cv = wave({4, 2}), uv = wave({2}), vv = wave({3});
  for (int ij = 0; ij < 6; ++ij)
    for (int m = 0; m < 2; ++m) {
      double want = 0;
      for (int k = 0; k < 4; ++k) want += A[ij * 4 + k] * cv.data<double>()[k * 2 + m];
      EXPECT_NEAR(values(got[2])[static_cast<size_t>(ij * 2 + m)], want, 1e-12);
    }
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(values(got[3])[static_cast<size_t>(i * 3 + j)],
                  uv.data<double>()[i] * vv.data<double>()[j], 1e-12);
  auto grads = gradients({ops::reduce_sum(dynamic, {})}, {fed});
  const std::vector<double> dfed = values(s.run({{fed, av}}, {*grads[0]}, {})[0]);
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 4; ++k) {
      double row = 0;  // d/dfed[i, j, k] = sum_l b[k, j, l]
      for (int l = 0; l < 5; ++l) row += B[(k * 3 + j) * 5 + l];
      EXPECT_NEAR(dfed[static_cast<size_t>(12 + j * 4 + k)], row, 1e-12);
    }
  EXPECT_ERROR(train::tensordot(*g, a, b, {{0}, {1, 2}}), ErrorCode::kValue,
               "Different number of contraction axes 'a' and 'b', 1 != 2.");
  EXPECT_ERROR(train::tensordot(*g, a, b, {{3}, {0}}), ErrorCode::kValue,
               "tensordot: axis 3 of 'a' is out of range");
  EXPECT_ERROR(train::tensordot(*g, a, b, {{1, 1}, {0, 1}}), ErrorCode::kValue,
               "repeated contraction axes of 'a'");
  EXPECT_ERROR(train::tensordot(*g, a, b, {{0}, {0}}), ErrorCode::kValue,
               "Dimensions must be equal, but are 2 and 4 for tensordot");
  EXPECT_ERROR(train::tensordot(*g, a, b, -1), ErrorCode::kValue, "'axes' must be at least 0.");
  Output unknown = ops::placeholder(*g, DType::kFloat64, Shape::unknown_rank(), "unknown");
  EXPECT_ERROR(train::tensordot(*g, unknown, b, 1), ErrorCode::kValue, "known rank");
}

VF_TEST(logsumexp_count_nonzero_log_sigmoid_and_xor) {
  auto g = std::make_shared<Graph>();
  const double inf = std::numeric_limits<double>::infinity();
  Output x =
      ops::constant(*g, Tensor::from_vector<double>({1000, 1000, -2, 0, -inf, -inf}, {3, 2}), "x");
  Output rows = train::reduce_logsumexp(*g, x, train::Arg(1));
  Output kept = train::reduce_logsumexp(*g, x, train::Arg(0), true);
  Output all = train::reduce_logsumexp(*g, x);
  EXPECT_TRUE(rows.shape() == Shape({3}));
  EXPECT_TRUE(kept.shape() == Shape({1, 2}));
  EXPECT_TRUE(all.shape() == Shape({}));
  Output counted = train::count_nonzero(*g, x, train::Arg(0));
  Output total = train::count_nonzero(*g, x, std::nullopt, false, DType::kInt32);
  EXPECT_TRUE(counted.dtype() == DType::kInt64);
  EXPECT_TRUE(total.dtype() == DType::kInt32);
  Output small = ops::constant(*g, Tensor::from_vector<double>({-30, 0, 2}, {3}), "small");
  Output ls = train::log_sigmoid(*g, small);
  Output p = ops::constant(*g, Tensor::from_vector<bool>({true, true, false, false}, {4}), "p");
  Output q = ops::constant(*g, Tensor::from_vector<bool>({true, false, true, false}, {4}), "q");
  Output xor_pq = train::logical_xor(p, q);
  EXPECT_EQ(xor_pq.node->name(), std::string("LogicalXor"));
  Session s(g);
  const auto got = s.run({}, {rows, kept, all, counted, total, ls, xor_pq}, {});
  const std::vector<double> r = values(got[0]);
  EXPECT_NEAR(r[0], 1000 + std::log(2.0), 1e-9);
  EXPECT_NEAR(r[1], std::log(std::exp(-2.0) + 1.0), 1e-12);
  EXPECT_TRUE(std::isinf(r[2]) && r[2] < 0);  // all -inf: the shift is 0, not inf - inf
  EXPECT_NEAR(values(got[1])[0], 1000.0, 1e-9);
  EXPECT_NEAR(values(got[2])[0], 1000 + std::log(2.0), 1e-9);
  EXPECT_NEAR(values(got[3])[0], 3.0, 0.0);
  EXPECT_NEAR(values(got[3])[1], 2.0, 0.0);
  EXPECT_NEAR(values(got[4])[0], 5.0, 0.0);
  const double sv[3] = {-30, 0, 2};
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(values(got[5])[static_cast<size_t>(i)], -std::log1p(std::exp(-sv[i])), 1e-12);
  const std::vector<double> xr = values(got[6]);
  EXPECT_TRUE(xr == std::vector<double>({0, 1, 1, 0}));
  // The shift is gradient-stopped: d logsumexp / dx is the softmax.
  Output v = ops::constant(*g, Tensor::from_vector<double>({0.5, -1, 2}, {3}), "v");
  auto grads = gradients({train::reduce_logsumexp(*g, v)}, {v});
  const std::vector<double> dv = values(s.run({}, {*grads[0]}, {})[0]);
  const double z = std::exp(0.5) + std::exp(-1.0) + std::exp(2.0);
  EXPECT_NEAR(dv[0], std::exp(0.5) / z, 1e-12);
  EXPECT_NEAR(dv[2], std::exp(2.0) / z, 1e-12);
}

VF_TEST(sort_and_argsort_along_any_axis) {
  auto g = std::make_shared<Graph>();
  Output x = ops::constant(*g, Tensor::from_vector<int32_t>({3, 1, 2, 1, 5, 0}, {2, 3}), "x");
  Output up = train::sort(*g, x);
  Output down0 = train::sort(*g, x, 0, train::SortDirection::kDescending);
  Output order = train::argsort(*g, x);
  Output order0 = train::argsort(*g, x, -2, train::SortDirection::kDescending);
  EXPECT_TRUE(order.dtype() == DType::kInt32);
  Session s(g);
  const auto got = s.run({}, {up, down0, order, order0}, {});
  EXPECT_TRUE(values(got[0]) == std::vector<double>({1, 2, 3, 0, 1, 5}));
  EXPECT_TRUE(values(got[1]) == std::vector<double>({3, 5, 2, 1, 1, 0}));
  EXPECT_TRUE(values(got[2]) == std::vector<double>({1, 2, 0, 2, 0, 1}));
  EXPECT_TRUE(values(got[3]) == std::vector<double>({0, 1, 0, 1, 0, 1}));
  // Ties keep their order: [1, 1] ascending gives indices [0, 1].
  Output ties = ops::constant(*g, Tensor::from_vector<float>({1, 0, 1}, {3}), "ties");
  EXPECT_TRUE(values(s.run({}, {train::argsort(*g, ties)}, {})[0]) ==
              std::vector<double>({1, 0, 2}));
  EXPECT_ERROR(train::sort(*g, x, 2), ErrorCode::kValue, "axis 2 is out of range");
  EXPECT_ERROR(train::parse_sort_direction("UP"), ErrorCode::kValue, "Unknown direction: UP");
}

VF_TEST(boolean_mask_on_an_inner_axis) {
  auto g = std::make_shared<Graph>();
  const Tensor xv = wave({2, 3, 2});
  Output x = ops::constant(*g, xv, "x");
  Output mask = ops::constant(*g, Tensor::from_vector<bool>({true, false, true}, {3}), "mask");
  Output picked = train::boolean_mask(*g, x, mask, 1);
  EXPECT_TRUE(picked.shape() == Shape({2, kUnknownDim, 2}));
  Output fed = ops::placeholder(*g, DType::kFloat64, Shape({kUnknownDim, 2}), "fed");
  Output fed_mask = ops::placeholder(*g, DType::kBool, Shape({kUnknownDim, 2}), "fed_mask");
  Output flat = train::boolean_mask(*g, fed, fed_mask);
  EXPECT_TRUE(flat.shape() == Shape({kUnknownDim}));
  Session s(g);
  const auto got = s.run({{fed, wave({2, 2})},
                          {fed_mask, Tensor::from_vector<bool>({false, true, true, true}, {2, 2})}},
                         {picked, flat}, {});
  EXPECT_TRUE(got[0].dims() == Dims({2, 2, 2}));
  const std::vector<double> v = values(got[0]);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 2; ++k)
        EXPECT_NEAR(v[static_cast<size_t>((i * 2 + j) * 2 + k)],
                    xv.data<double>()[(i * 3 + 2 * j) * 2 + k], 0.0);
  const Tensor fv = wave({2, 2});
  EXPECT_TRUE(values(got[1]) == std::vector<double>({fv.data<double>()[1], fv.data<double>()[2],
                                                     fv.data<double>()[3]}));
  EXPECT_ERROR(train::boolean_mask(*g, x, ops::constant(*g, Tensor::scalar<bool>(true))),
               ErrorCode::kValue, "mask cannot be scalar.");
  EXPECT_ERROR(train::boolean_mask(*g, x, mask), ErrorCode::kValue,
               "Shapes (2,) and (3,) are incompatible");
  Output any_rank = ops::placeholder(*g, DType::kBool, Shape::unknown_rank(), "any");
  EXPECT_ERROR(train::boolean_mask(*g, x, any_rank), ErrorCode::kValue,
               "Number of mask dimensions must be specified");
}

VF_TEST_MAIN()
