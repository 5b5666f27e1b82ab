// The collective layer from C++ (varflow/collective.h). The ops check their inputs at graph
// build and fail clearly before init() without any MPI. With an MPI library (VARFLOW_MPI_LIBRARY
// or libmpi_abi.so.1 on the loader's path) the program also trains data-parallel: alone under
// ctest, or as N ranks under mpiexec (tests/python/test_horovod_cpp.py), each rank on its shard
// of the batch, and checks the variables against one process training on the whole batch.
#include "varflow/collective.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "varflow/plan.h"
#include "varflow/varflow.h"

using namespace varflow;
namespace hvd = varflow::collective;

namespace {

constexpr int kBatch = 8, kFeatures = 4, kHidden = 5, kOut = 2, kSteps = 3;

Tensor filled(Dims dims, double scale, double offset) {
  Tensor t(DType::kFloat32, dims);
  for (int64_t i = 0; i < t.num_elements(); ++i)
    t.data<float>()[i] = static_cast<float>(std::sin(static_cast<double>(i) * scale) + offset);
  return t;
}

Tensor rows(const Tensor& t, int64_t lo, int64_t n) {
  Dims dims = t.dims();
  dims[0] = n;
  Tensor out(t.dtype(), dims);
  const size_t row = t.nbytes() / static_cast<size_t>(t.dim(0));
  std::memcpy(out.raw(), static_cast<const char*>(t.raw()) + lo * row, out.nbytes());
  return out;
}

// Trains the MLP on (x, y); returns the final weights. `distributed` wraps the optimizer.
std::vector<Tensor> train_mlp(const Tensor& x, const Tensor& y, bool adam, bool distributed) {
  auto graph = std::make_shared<Graph>();
  Graph& g = *graph;
  Variable w1 = Variable::create(g, filled({kFeatures, kHidden}, 0.7, 0.0), "w1");
  Variable w2 = Variable::create(g, filled({kHidden, kOut}, 1.3, 0.1), "w2");
  Output xs = ops::placeholder(g, DType::kFloat32, Shape({-1, kFeatures}), "x");
  Output ys = ops::placeholder(g, DType::kFloat32, Shape({-1, kOut}), "y");
  Output h = ops::Relu(ops::matmul(xs, w1.value()));
  Output err = ops::sub(ops::matmul(h, w2.value()), ys);
  Output loss = ops::reduce_mean(ops::mul(err, err), {0, 1});
  std::unique_ptr<train::Optimizer> opt;
  if (adam)
    opt = std::make_unique<train::AdamOptimizer>(0.05);
  else
    opt = std::make_unique<train::GradientDescentOptimizer>(0.2);
  Node* step = nullptr;
  if (distributed) {
    hvd::DistributedOptimizer dist(*opt);
    step = dist.minimize(loss);
  } else {
    step = opt->minimize(loss);
  }
  Node* init = global_variables_initializer(g);
  Session session(graph);
  session.run({}, {}, {init});
  for (int i = 0; i < kSteps; ++i) session.run({{xs, x}, {ys, y}}, {}, {step});
  return {session.variable_value(w1.node()), session.variable_value(w2.node())};
}

bool mpi_started() {
  if (hvd::is_initialized()) return true;
  try {
    hvd::init();
    return true;
  } catch (const Error& e) {
    std::printf("(no MPI library, the MPI part is skipped: %s)\n", e.what());
    return false;
  }
}

}  // namespace

VF_TEST(ops_check_their_inputs_at_graph_build) {
  Graph g;
  Output ints = ops::constant(g, Tensor::from_vector<int32_t>({1, 2}, {2}));
  EXPECT_ERROR(hvd::allreduce(g, ints), ErrorCode::kType, "does not support dtype int32");
  Output scalar = ops::scalar<float>(g, 1.0f);
  EXPECT_ERROR(hvd::allgather(g, scalar), ErrorCode::kValue, "rank >= 1");
  EXPECT_ERROR(hvd::broadcast(g, scalar, -1), ErrorCode::kValue, "root_rank");
  Output gathered = hvd::allgather(g, ops::constant(g, filled({3, 2}, 1.0, 0.0)));
  EXPECT_TRUE(gathered.shape() == Shape({-1, 2}));
  // Gradients are registered: allreduce's is an allreduce, allgather's a slice of one.
  Output x = ops::constant(g, filled({3, 2}, 1.0, 0.0));
  auto grads = gradients({ops::reduce_sum(hvd::allreduce(g, x), {0, 1})}, {x});
  EXPECT_TRUE(grads[0].has_value() && grads[0]->node->type() == "HorovodAllreduce");
  auto gather_grads = gradients({ops::reduce_sum(hvd::allgather(g, x), {0, 1})}, {x});
  EXPECT_TRUE(gather_grads[0].has_value() &&
              gather_grads[0]->node->type() == "HorovodAllgatherGrad");
}

VF_TEST(collectives_before_init_fail_clearly) {
  if (hvd::is_initialized()) return;
  auto graph = std::make_shared<Graph>();
  Output r = hvd::allreduce(*graph, ops::constant(*graph, filled({2}, 1.0, 0.0)),
                            hvd::ReduceOp::kSum, "early");
  Session session(graph);
  EXPECT_ERROR(session.run({}, {r}), ErrorCode::kFailedPrecondition, "hvd.init()");
  EXPECT_ERROR(hvd::rank(), ErrorCode::kFailedPrecondition, "hvd.init()");
}

VF_TEST(data_parallel_training_equals_one_process_on_the_batch) {
  if (!mpi_started()) return;
  const int rank = hvd::rank(), size = hvd::size();
  EXPECT_TRUE(rank >= 0 && rank < size);
  EXPECT_TRUE(kBatch % size == 0);
  const Tensor x = filled({kBatch, kFeatures}, 0.37, 0.0);
  const Tensor y = filled({kBatch, kOut}, 0.91, 0.5);
  const int64_t per = kBatch / size;
  for (bool adam : {false, true}) {
    std::vector<Tensor> mine =
        train_mlp(rows(x, rank * per, per), rows(y, rank * per, per), adam, true);
    std::vector<Tensor> whole = train_mlp(x, y, adam, false);
    for (size_t k = 0; k < mine.size(); ++k)
      for (int64_t i = 0; i < mine[k].num_elements(); ++i)
        EXPECT_NEAR(mine[k].data<float>()[i], whole[k].data<float>()[i], 2e-5);
  }
}

VF_TEST(allreduce_of_a_value_that_dies_reduces_it_in_its_own_buffer) {
  // The doubled feed is read only by the allreduce, whose output takes over its buffer.
  auto graph = std::make_shared<Graph>();
  Output x = ops::placeholder(*graph, DType::kFloat32, Shape({3000}), "x");
  Output doubled = ops::mul(x, ops::scalar<float>(*graph, 2.0f));
  Output sum = hvd::allreduce(*graph, doubled, hvd::ReduceOp::kSum, "dying_sum");
  Output mean = hvd::allreduce(*graph, ops::mul(x, ops::scalar<float>(*graph, 3.0f)),
                               hvd::ReduceOp::kAverage, "dying_mean");
  Session session(graph);
  auto plan = session.prepare({x}, {sum, mean}, {});
  int forwarded = 0;
  for (const PlanStep& step : plan->steps)
    if (step.node && step.node->type() == "HorovodAllreduce") forwarded += step.forward_input == 0;
  EXPECT_EQ(forwarded, 2);
  if (!mpi_started()) return;
  const int size = hvd::size();
  const Tensor feed = filled({3000}, 0.1, 0.0);
  for (int run = 0; run < 3; ++run) {
    std::vector<Tensor> out = session.run(*plan, {feed});
    for (int64_t i = 0; i < 3000; i += 7) {
      EXPECT_NEAR(out[0].data<float>()[i], 2.0f * feed.data<float>()[i] * size, 1e-5);
      EXPECT_NEAR(out[1].data<float>()[i], 3.0f * feed.data<float>()[i], 1e-5);
    }
  }
  EXPECT_NEAR(feed.data<float>()[10], std::sin(1.0), 1e-6);
}

VF_TEST(allgather_and_broadcast_of_variables) {
  if (!mpi_started()) return;
  const int rank = hvd::rank(), size = hvd::size();
  auto graph = std::make_shared<Graph>();
  Graph& g = *graph;
  Variable v = Variable::create(g, filled({3}, 1.0, static_cast<double>(rank)), "v");
  Node* bcast = hvd::broadcast_variables(g, 0);
  Output mine = ops::constant(g, filled({static_cast<int64_t>(rank) + 1, 2}, 0.0, rank));
  Output gathered = hvd::allgather(g, mine);
  Session session(graph);
  session.run({}, {}, {global_variables_initializer(g)});
  session.run({}, {}, {bcast});
  const Tensor value = session.variable_value(v.node());
  const Tensor expected = filled({3}, 1.0, 0.0);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(value.data<float>()[i], expected.data<float>()[i], 0);
  const Tensor all = session.run({}, {gathered})[0];
  EXPECT_EQ(all.dim(0), static_cast<int64_t>(size * (size + 1) / 2));
  int64_t row = 0;
  for (int r = 0; r < size; ++r)
    for (int k = 0; k <= r; ++k, ++row) EXPECT_NEAR(all.data<float>()[row * 2], r, 0);
}

VF_TEST(shutdown_ends_the_collectives) {
  if (!hvd::is_initialized()) return;
  hvd::shutdown();
  EXPECT_TRUE(!hvd::is_initialized());
  EXPECT_ERROR(hvd::rank(), ErrorCode::kFailedPrecondition, "shut down");
}

VF_TEST_MAIN()
