// Memory planning and elementwise fusion in compiled plans: steady-state runs allocate no
// tensor buffer, intermediate buffers are reused, and fused chains give the unfused results.
#include <cstdlib>
#include <cstring>

#include "core/buffer_stats.h"
#include "exec/fusion.h"
#include "harness.h"
#include "varflow/plan.h"
#include "varflow/varflow.h"

using namespace varflow;

namespace {

// The 200-op benchmark chain's pattern (x*c, x+c, tanh) on a fed vector, with its gradient.
struct Chain {
  std::shared_ptr<Graph> graph = std::make_shared<Graph>();
  Output x, y, gx;
  explicit Chain(int depth, int64_t n) {
    x = ops::placeholder(*graph, DType::kFloat32, Shape({n}), "x");
    Output h = x;
    for (int i = 0; i < depth; ++i) {
      if (i % 3 == 0) h = h * ops::scalar<float>(*graph, 1.01f);
      if (i % 3 == 1) h = h + ops::scalar<float>(*graph, 0.01f);
      if (i % 3 == 2) h = ops::op(*graph, "Tanh", {h});
    }
    y = ops::reduce_sum(h, {0});
    gx = *gradients({y}, {x})[0];
  }
};

Tensor ramp(int64_t n) {
  Tensor t(DType::kFloat32, {n});
  for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(i % 97) / 50.0f - 1.0f;
  return t;
}

// Runs the chain's gradient with plan optimisations as `mode` says (VARFLOW_PLAN_OPTIMIZE).
Tensor chain_gradient(const char* mode, int64_t n, int runs = 2) {
  if (mode)
    setenv("VARFLOW_PLAN_OPTIMIZE", mode, 1);
  else
    unsetenv("VARFLOW_PLAN_OPTIMIZE");
  Chain chain(60, n);
  Session session(chain.graph);
  auto plan = session.prepare({chain.x}, {chain.gx}, {});
  unsetenv("VARFLOW_PLAN_OPTIMIZE");
  const Tensor feed = ramp(n);
  Tensor out;
  for (int r = 0; r < runs; ++r) out = session.run(*plan, {feed})[0];
  return out;
}

}  // namespace

VF_TEST(steady_state_runs_allocate_no_buffers) {
  // Forward and gradient (whose BroadcastTo copies into a planned buffer), and a matmul.
  Chain chain(30, 5000);
  Output z = ops::matmul(
      ops::reshape(chain.y + ops::scalar<float>(*chain.graph, 1.0f),
                   ops::constant(*chain.graph, Tensor::from_vector<int32_t>({1, 1}, {2}))),
      ops::constant(*chain.graph, Tensor::from_vector<float>({2.0f}, {1, 1})));
  for (const char* mode : {static_cast<const char*>(nullptr), "memory"}) {
    Session session(chain.graph);  // plans are compiled (and VARFLOW_PLAN_OPTIMIZE read) once
    if (mode) setenv("VARFLOW_PLAN_OPTIMIZE", mode, 1);
    auto plan = session.prepare({chain.x}, {z, chain.y}, {});
    Output seed = ops::op(
        *chain.graph, "BroadcastTo",
        {ops::reshape(chain.y, ops::constant(*chain.graph, Tensor::from_vector<int32_t>({1}, {1}))),
         ops::constant(*chain.graph, Tensor::from_vector<int32_t>({5000}, {1}))});
    auto grad_plan = session.prepare({chain.x}, {ops::reduce_sum(seed * chain.gx, {0})}, {});
    unsetenv("VARFLOW_PLAN_OPTIMIZE");
    const Tensor feed = ramp(5000);
    for (int r = 0; r < 3; ++r) {
      session.run(*plan, {feed});
      session.run(*grad_plan, {feed});
    }
    const int64_t before = owned_buffer_allocations();
    for (int r = 0; r < 10; ++r) {  // results dropped at once
      session.run(*plan, {feed});
      session.run(*grad_plan, {feed});
    }
    EXPECT_EQ(owned_buffer_allocations() - before, int64_t{0});
  }
}

VF_TEST(chain_and_its_gradient_compile_into_two_fused_steps) {
  // The reduction is not run (the gradient reads only its static shape); the forward chain is
  // one fused step and its gradient another. The seed's BroadcastTo has no static shape (its
  // shape is computed by ReducedShape at run time), so the gradient's chain starts after it.
  Chain chain(60, 100000);
  Session session(chain.graph);
  auto plan = session.prepare({chain.x}, {chain.gx}, {});
  int fused = 0;
  size_t fused_ops = 0;
  for (const PlanStep& step : plan->steps) {
    EXPECT_TRUE(step.node->type() != "Sum");
    if (!step.fused) continue;
    ++fused;
    fused_ops += step.fused->ops.size();
    EXPECT_TRUE(step.fused->tile * 4 * step.fused->num_registers <= 512 * 1024 + 16384);
  }
  EXPECT_EQ(fused, 2);
  EXPECT_TRUE(fused_ops >= 60 + 39);
}

VF_TEST(intermediate_buffers_are_reused_within_a_run) {
  // Memory planning only: 40 unfused steps over 1e5 elements need a few buffers, not 40.
  setenv("VARFLOW_PLAN_OPTIMIZE", "memory", 1);
  Chain chain(40, 100000);
  Session session(chain.graph);
  auto plan = session.prepare({chain.x}, {chain.y}, {});
  unsetenv("VARFLOW_PLAN_OPTIMIZE");
  const Tensor feed = ramp(100000);
  session.run(*plan, {feed});  // the first run's frame is dropped
  const int64_t before = owned_buffer_allocations();
  session.run(*plan, {feed});  // a new frame: what one run needs
  EXPECT_TRUE(owned_buffer_allocations() - before <= 4);
}

VF_TEST(fused_and_memory_planned_chain_matches_the_plain_plan) {
  for (int64_t n : {1, 15, 4096, 4099, 70001}) {
    const Tensor plain = chain_gradient("0", n);
    for (const char* mode : {static_cast<const char*>(nullptr), "memory"}) {
      const Tensor planned = chain_gradient(mode, n);
      EXPECT_TRUE(planned.dims() == plain.dims());
      EXPECT_EQ(std::memcmp(planned.raw(), plain.raw(), plain.nbytes()), 0);
    }
  }
}

VF_TEST(in_place_steps_leave_feeds_and_variables_alone) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({3}), "x");
  Variable v = Variable::create(*g, Tensor::from_vector<float>({1, 2, 3}, {3}), "v");
  Output y = ops::op(*g, "Exp", {ops::identity(x)}) + ops::op(*g, "Neg", {v.value()});
  Session session(g);
  session.run({}, {}, {global_variables_initializer(*g)});
  const Tensor feed = Tensor::from_vector<float>({0, 1, 2}, {3});
  for (int r = 0; r < 3; ++r) session.run({{x, feed}}, {y});
  EXPECT_EQ(feed.data<float>()[1], 1.0f);
  Tensor value = session.variable_value(v.node());
  EXPECT_EQ(value.data<float>()[2], 3.0f);
}

VF_TEST_MAIN()
