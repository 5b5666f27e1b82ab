// map_fn, scan, foldl and foldr (train/functional.h) as a C++ host uses them: values against
// loops written out, a length fed at run time, the gradient through the loop, eager runs and
// errors. (tests/python/test_tensor_array.py checks the Python tf.map_fn etc., which are these.)
#include "varflow/train/functional.h"

#include <cmath>
#include <memory>
#include <vector>

#include "harness.h"
#include "tensor_values.h"
#include "varflow/eager.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/session.h"

using namespace varflow;
using vftest::values;
namespace train = varflow::train;

namespace {

Tensor rows() { return Tensor::from_vector<double>({1, 2, 3, 4, 5, 6}, {3, 2}); }

}  // namespace

VF_TEST(map_fn_over_a_fed_length_and_its_gradient) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat64, Shape({kUnknownDim, 2}), "x");
  // Each row to (row * row, sum(row)): two results of different shapes.
  const std::vector<Output> out =
      train::map_fn(*g,
                    [](const std::vector<Output>& row) {
                      return std::vector<Output>{row[0] * row[0], ops::reduce_sum(row[0], {0})};
                    },
                    {x}, {DType::kFloat64, DType::kFloat64});
  EXPECT_TRUE(out[0].shape() == Shape({kUnknownDim, 2}));
  EXPECT_TRUE(out[1].shape() == Shape({kUnknownDim}));
  auto grads = gradients({ops::reduce_sum(out[0], {0, 1})}, {x});
  Session s(g);
  const auto got = s.run({{x, rows()}}, {out[0], out[1], *grads[0]}, {});
  const std::vector<double> sq = values(got[0]), sums = values(got[1]), dx = values(got[2]);
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(sq[static_cast<size_t>(i)], (i + 1.0) * (i + 1.0), 0.0);
    EXPECT_NEAR(dx[static_cast<size_t>(i)], 2.0 * (i + 1.0), 1e-12);
  }
  EXPECT_TRUE(sums == std::vector<double>({3, 7, 11}));
}

VF_TEST(scan_and_folds_in_both_directions) {
  auto g = std::make_shared<Graph>();
  Output x = ops::constant(*g, rows(), "x");
  auto step = [](const std::vector<Output>& acc, const std::vector<Output>& row) {
    return std::vector<Output>{acc[0] * ops::scalar_like(acc[0], 0.5) + row[0]};
  };
  Output init = ops::constant(*g, Tensor::from_vector<double>({10, 20}, {2}), "init");
  const Output forward = train::scan(*g, step, {x})[0];
  const Output backward = train::scan(*g, step, {x}, std::vector<Output>{init}, true)[0];
  const Output left = train::foldl(*g, step, {x})[0];
  const Output right = train::foldr(*g, step, {x}, std::vector<Output>{init})[0];
  EXPECT_TRUE(forward.shape() == Shape({3, 2}));
  EXPECT_TRUE(left.shape() == Shape({2}));
  Session s(g);
  const auto got = s.run({}, {forward, backward, left, right}, {});
  const double r[3][2] = {{1, 2}, {3, 4}, {5, 6}};
  for (int c = 0; c < 2; ++c) {
    double a = r[0][c];  // forward, starting from the first row
    EXPECT_NEAR(values(got[0])[static_cast<size_t>(c)], a, 0.0);
    for (int i = 1; i < 3; ++i) {
      a = a * 0.5 + r[i][c];
      EXPECT_NEAR(values(got[0])[static_cast<size_t>(i * 2 + c)], a, 1e-12);
    }
    EXPECT_NEAR(values(got[2])[static_cast<size_t>(c)], a, 1e-12);
    double b = c == 0 ? 10 : 20;  // backward from the initializer, last row first
    for (int i = 2; i >= 0; --i) {
      b = b * 0.5 + r[i][c];
      EXPECT_NEAR(values(got[1])[static_cast<size_t>(i * 2 + c)], b, 1e-12);
    }
    EXPECT_NEAR(values(got[3])[static_cast<size_t>(c)], b, 1e-12);
  }
}

VF_TEST(functional_loops_run_eagerly) {
  EagerContext eager;
  Graph& g = eager.graph();
  Output x = ops::constant(g, rows(), "x");
  const Output doubled = train::map_fn(
      g, [](const std::vector<Output>& r) { return std::vector<Output>{r[0] + r[0]}; }, {x})[0];
  EXPECT_TRUE(values(eager.value(doubled)) == std::vector<double>({2, 4, 6, 8, 10, 12}));
}

VF_TEST(functional_errors) {
  auto g = std::make_shared<Graph>();
  Output scalar = ops::scalar<double>(*g, 1.0);
  Output x = ops::constant(*g, rows(), "x");
  auto same = [](const std::vector<Output>& r) { return r; };
  EXPECT_ERROR(train::map_fn(*g, same, {scalar}), ErrorCode::kValue,
               "Elements in elems must be 1+ dimensional Tensors, not scalars");
  EXPECT_ERROR(
      train::map_fn(*g, [](const std::vector<Output>&) { return std::vector<Output>{}; }, {x}),
      ErrorCode::kValue, "returned 0 tensors, but the loop carries 1");
  EXPECT_ERROR(train::map_fn(*g,
                             [](const std::vector<Output>& r) {
                               return std::vector<Output>{ops::cast(r[0], DType::kFloat32)};
                             },
                             {x}),
               ErrorCode::kType,
               "TensorArray dtype is float64 but Op is trying to write dtype float32");
  Output short_rows = ops::constant(*g, Tensor::from_vector<double>({1, 2}, {2}), "short");
  EXPECT_ERROR(train::map_fn(*g, same, {x, short_rows}, {DType::kFloat64, DType::kFloat64}),
               ErrorCode::kValue, "share their first dimension");
}

VF_TEST_MAIN()
