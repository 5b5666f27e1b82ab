// tf.cond and tf.while_loop from C++: only the taken branch runs, loops iterate in the plan,
// gradients go through both, and bad predicates or body results are clear errors.
#include "varflow/control_flow.h"

#include <memory>
#include <vector>

#include "harness.h"
#include "varflow/errors.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/variable.h"

using namespace varflow;

namespace {

double run_scalar(Session& s, Output o, const std::vector<std::pair<Output, Tensor>>& feeds = {}) {
  return s.run(feeds, {o}, {})[0].scalar_as_double();
}

}  // namespace

VF_TEST(cond_runs_only_the_taken_branch) {
  auto g = std::make_shared<Graph>();
  Output p = ops::placeholder(*g, DType::kBool, Shape{});
  Variable hits = Variable::create(*g, Tensor::scalar<double>(0.0), "hits");
  Output x = ops::scalar<double>(*g, 3.0);
  std::vector<Output> out = ops::cond(
      p,
      [&] {
        return std::vector<Output>{ops::assign_add(hits.ref(), ops::scalar<double>(*g, 1.0))};
      },
      [&] { return std::vector<Output>{ops::mul(x, x)}; });
  EXPECT_EQ(out.size(), size_t{1});
  EXPECT_TRUE(out[0].node->name().rfind("cond/", 0) == 0);
  Session s(g);
  s.run({}, {}, {hits.initializer()});
  EXPECT_NEAR(run_scalar(s, out[0], {{p, Tensor::scalar<bool>(false)}}), 9.0, 0.0);
  EXPECT_NEAR(run_scalar(s, out[0], {{p, Tensor::scalar<bool>(true)}}), 1.0, 0.0);
  EXPECT_NEAR(run_scalar(s, out[0], {{p, Tensor::scalar<bool>(true)}}), 2.0, 0.0);
}

VF_TEST(while_loop_and_its_gradient) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat64, Shape{});
  Output zero = ops::scalar<int32_t>(*g, 0);
  std::vector<Output> out = ops::while_loop(
      [&](const std::vector<Output>& v) {
        return ops::op(*g, "Less", {v[0], ops::scalar<int32_t>(*g, 3)});
      },
      [&](const std::vector<Output>& v) {
        return std::vector<Output>{ops::add(v[0], ops::scalar<int32_t>(*g, 1)), ops::mul(v[1], x)};
      },
      {zero, x});
  auto grads = gradients({out[1]}, {x});
  EXPECT_TRUE(grads[0].has_value());
  Session s(g);
  const auto values = s.run({{x, Tensor::scalar<double>(2.0)}}, {out[1], *grads[0]}, {});
  EXPECT_NEAR(values[0].scalar_as_double(), 16.0, 1e-12);
  EXPECT_NEAR(values[1].scalar_as_double(), 4 * 8.0, 1e-12);
}

VF_TEST(bad_predicates_and_bodies_are_errors) {
  auto g = std::make_shared<Graph>();
  Output f = ops::scalar<float>(*g, 1.0f);
  auto same = [&] { return std::vector<Output>{f}; };
  EXPECT_ERROR(ops::cond(f, same, same), ErrorCode::kType, "bool");
  Output p = ops::placeholder(*g, DType::kBool, Shape::unknown_rank());
  EXPECT_ERROR(ops::cond(p, same, [&] { return std::vector<Output>{ops::scalar<int32_t>(*g, 1)}; }),
               ErrorCode::kValue, "same type");
  EXPECT_ERROR(ops::while_loop([&](const std::vector<Output>&) { return p; },
                               [&](const std::vector<Output>& v) {
                                 return std::vector<Output>{ops::op(
                                     *g, "ExpandDims", {v[0], ops::scalar<int32_t>(*g, 0)})};
                               },
                               {f}),
               ErrorCode::kValue, "shape_invariants");
  std::vector<Output> out = ops::cond(p, same, same);
  Session s(g);
  EXPECT_ERROR(s.run({{p, Tensor::from_vector<bool>({true, false}, {2})}}, {out[0]}, {}),
               ErrorCode::kInvalidArgument, "boolean scalar");
}

VF_TEST_MAIN()
