// Eager execution from C++: nodes run as they are added, gradients are varflow::gradients on
// the eager graph, a release keeps only the variables, and bad input leaves the graph as it was.
#include "varflow/eager.h"

#include <vector>

#include "harness.h"
#include "varflow/errors.h"
#include "varflow/gradients.h"
#include "varflow/ops.h"
#include "varflow/variable.h"

using namespace varflow;

namespace {

double scalar(const EagerContext& ctx, Output o) { return ctx.value(o).scalar_as_double(); }

}  // namespace

VF_TEST(ops_run_when_added) {
  EagerContext ctx;
  Output a = ctx.constant(Tensor::scalar<float>(3.0f));
  Output b = ctx.constant(Tensor::from_vector<float>({1.0f, 2.0f}, {2}));
  Output c = a * b;
  const Tensor value = ctx.value(c);
  EXPECT_EQ(value.num_elements(), 2);
  EXPECT_NEAR(value.data<float>()[1], 6.0, 0.0);
  // The node learned its exact shape when it ran.
  EXPECT_TRUE(c.shape().fully_defined());
  EXPECT_EQ(ctx.transient_nodes(), 3);
}

VF_TEST(gradients_run_eagerly_too) {
  EagerContext ctx;
  Graph& g = ctx.graph();
  Variable w = Variable::create(g, Tensor::scalar<double>(2.0), "w");
  Output y = w.value() * w.value() * w.value();
  auto grads = gradients({y}, {w.ref()});
  EXPECT_TRUE(grads[0].has_value());
  EXPECT_NEAR(scalar(ctx, *grads[0]), 12.0, 1e-12);
}

VF_TEST(variables_update_in_place_and_reads_are_snapshots) {
  EagerContext ctx;
  Graph& g = ctx.graph();
  Variable v = Variable::create(g, Tensor::scalar<float>(1.0f), "v");
  Output before = ops::identity(v.ref());
  v.assign_add(ctx.constant(Tensor::scalar<float>(4.0f)));
  EXPECT_NEAR(scalar(ctx, before), 1.0, 0.0);
  EXPECT_NEAR(scalar(ctx, v.ref()), 5.0, 0.0);
  // The registered snapshot always reads the current value (C++ helpers keep using it).
  EXPECT_NEAR(scalar(ctx, v.value()), 5.0, 0.0);
  ctx.assign(v.node(), Tensor::scalar<float>(7.0f));
  EXPECT_TRUE(ctx.is_initialized(v.node()));
  EXPECT_NEAR(scalar(ctx, v.value()), 7.0, 0.0);
}

VF_TEST(release_keeps_variables_and_rejects_released_inputs) {
  EagerContext ctx;
  Graph& g = ctx.graph();
  Variable v = Variable::create(g, Tensor::scalar<float>(2.0f), "v");
  Output t = v.value() + ctx.constant(Tensor::scalar<float>(1.0f));
  const uint64_t epoch = ctx.epoch();
  ctx.release_transient();
  EXPECT_EQ(ctx.epoch(), epoch + 1);
  EXPECT_EQ(ctx.transient_nodes(), 0);
  // The variable node and its snapshot remain, renumbered from 0.
  EXPECT_EQ(g.num_nodes(), 2);
  EXPECT_EQ(g.node(0), v.node());
  EXPECT_NEAR(scalar(ctx, v.value()), 2.0, 0.0);
  EXPECT_ERROR(ops::identity(t), ErrorCode::kValue, "already released");
  EXPECT_ERROR(ctx.value(t), ErrorCode::kInvalidArgument, "not held");
  Output u = v.value() * ctx.constant(Tensor::scalar<float>(3.0f));
  EXPECT_NEAR(scalar(ctx, u), 6.0, 0.0);
}

VF_TEST(a_failing_op_is_not_added) {
  EagerContext ctx;
  Graph& g = ctx.graph();
  Output x = ctx.constant(Tensor::from_vector<float>({1.0f, 2.0f, 3.0f}, {3}));
  const int nodes = g.num_nodes();
  EXPECT_ERROR(ops::reshape(x, ctx.constant(Tensor::from_vector<int32_t>({2, 2}, {2}))),
               ErrorCode::kValue, "Cannot reshape");
  EXPECT_EQ(g.num_nodes(), nodes + 1);  // the shape constant, not the Reshape
  Node* var = g.add_node("VariableV2", {}, {{"dtype", DType::kFloat32}, {"shape", Shape({})}});
  EXPECT_ERROR(ops::identity(var->output(0)), ErrorCode::kFailedPrecondition,
               "uninitialized value");
  EXPECT_ERROR(g.add_node("Placeholder", {}, {{"dtype", DType::kFloat32}}),
               ErrorCode::kInvalidArgument, "cannot run eagerly");
}

VF_TEST_MAIN()
