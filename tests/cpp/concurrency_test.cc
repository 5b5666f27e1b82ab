// One Session driven from 8 threads at once, and the intra-op pool under concurrent loops.
// tests/sanitizers/run.sh runs the "concurrent_" tests under ThreadSanitizer, which must stay
// silent. The Hogwild test is left out of that run on purpose: unlocked updates of one
// variable from several threads race on its elements by design, exactly as TF1's do.
#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "core/thread_pool.h"
#include "harness.h"
#include "varflow/train/optimizers.h"
#include "varflow/varflow.h"

using namespace varflow;

namespace {

constexpr int kThreads = 8;
constexpr int kSteps = 25;
constexpr int64_t kBatch = 32;
constexpr int64_t kBig = 300 * 300;  // above the elementwise grain (32768): uses the pool

Tensor filled(const Dims& dims, float scale, float offset) {
  Tensor t(DType::kFloat32, dims);
  for (int64_t i = 0; i < t.num_elements(); ++i)
    t.data<float>()[i] = scale * std::sin(0.37f * static_cast<float>(i) + offset);
  return t;
}

// Per thread i: its own variable w_i trained by its own Adam on a loss that also reads a
// shared, untrained variable; plus a large stateless computation on a fed tensor.
struct Model {
  int64_t features;
  std::shared_ptr<Graph> g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, features}), "x");
  Output big = ops::placeholder(*g, DType::kFloat32, Shape({kBig}), "big");
  Variable shared = Variable::create(*g, filled({features, features}, 0.5f, 1.0f), "shared");
  Output big_sum;
  std::vector<Output> y, loss;
  std::vector<Variable> w;
  std::vector<Node*> train;
  std::vector<std::unique_ptr<train::AdamOptimizer>> optimizers;
  Node* init = nullptr;

  Model(int64_t num_features, double learning_rate) : features(num_features) {
    big_sum = ops::reduce_sum(ops::op(*g, "Tanh", {big * ops::scalar<float>(*g, 0.5f)}), {0});
    Output hidden = ops::matmul(x, shared.value());
    for (int i = 0; i < kThreads; ++i) {
      const std::string n = std::to_string(i);
      y.push_back(ops::placeholder(*g, DType::kFloat32, Shape({-1, 1}), "y" + n));
      w.push_back(Variable::create(*g, Tensor::zeros(DType::kFloat32, {features, 1}), "w" + n));
      Output err = ops::matmul(hidden, w.back().value()) - y.back();
      loss.push_back(ops::reduce_mean(err * err, {}));
      optimizers.push_back(std::make_unique<train::AdamOptimizer>(learning_rate, 0.9, 0.999, 1e-8,
                                                                  false, "Adam" + n));
      train::MinimizeOptions options;
      options.var_list = std::vector<Variable>{w.back()};
      train.push_back(optimizers.back()->minimize(loss.back(), options));
    }
    init = global_variables_initializer(*g);
  }
};

// Counts runs in flight, so a test can show that its runs really overlapped (a race detector
// only sees races between accesses that are not ordered by some lock or hand-off).
struct Overlap {
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  template <typename F>
  auto operator()(F&& run) {
    const int now = in_flight.fetch_add(1) + 1;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    auto result = run();
    in_flight.fetch_sub(1);
    return result;
  }
};

// Holds every thread until all have arrived, so that their runs start together.
class Barrier {
 public:
  explicit Barrier(int n) : waiting_(n) {}
  void arrive_and_wait() {
    waiting_.fetch_sub(1);
    while (waiting_.load() > 0) std::this_thread::yield();
  }

 private:
  std::atomic<int> waiting_;
};

// The steps thread i takes; returns false if a check failed.
bool run_thread(Session& session, const Model& m, int i, const Tensor& xv, const Tensor& bigv,
                float expected_big_sum, Overlap& overlap) {
  Tensor yv = filled({kBatch, 1}, 1.0f, static_cast<float>(i));
  auto train_plan =
      session.prepare({m.x, m.y[static_cast<size_t>(i)]}, {m.loss[static_cast<size_t>(i)]},
                      {m.train[static_cast<size_t>(i)]});
  bool ok = true;
  for (int step = 0; step < kSteps; ++step) {
    Tensor loss = overlap([&] { return session.run(*train_plan, {xv, yv})[0]; });
    ok &= std::isfinite(loss.data<float>()[0]);
    // A variable read, through a plan that every thread shares.
    Tensor shared = overlap([&] { return session.run({}, {m.shared.value()})[0]; });
    ok &= shared.data<float>()[3] == filled({4}, 0.5f, 1.0f).data<float>()[3];
    // A feed and a fetch large enough to be split across the pool.
    Tensor s = overlap([&] { return session.run({{m.big, bigv}}, {m.big_sum})[0]; });
    ok &= std::fabs(s.data<float>()[0] - expected_big_sum) <= 1e-3f * std::fabs(expected_big_sum);
    // Reads through the C++ API, outside any run.
    ok &= session.variable_value(m.w[static_cast<size_t>(i)].node()).defined();
    ok &= session.is_initialized(m.shared.node());
  }
  return ok;
}

}  // namespace

VF_TEST(concurrent_runs_of_one_session_match_a_sequential_run) {
  Model m(64, 0.05);
  Tensor xv = filled({kBatch, m.features}, 1.0f, 0.0f);
  Tensor bigv = filled({kBig}, 2.0f, 0.5f);

  // The reference: the same steps, one thread after another, in a second session.
  Session reference(m.g);
  reference.run({}, {}, {m.init});
  const float big_sum = reference.run({{m.big, bigv}}, {m.big_sum})[0].data<float>()[0];
  Overlap sequential;
  for (int i = 0; i < kThreads; ++i)
    EXPECT_TRUE(run_thread(reference, m, i, xv, bigv, big_sum, sequential));

  Session session(m.g);
  session.run({}, {}, {m.init});
  std::atomic<int> failures{0};
  Overlap overlap;
  Barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      try {
        if (!run_thread(session, m, i, xv, bigv, big_sum, overlap)) failures.fetch_add(1);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "thread %d: %s\n", i, e.what());
        failures.fetch_add(1);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(overlap.most.load() >= 2);

  // Each w_i saw only its own thread's updates, so it equals the sequential result.
  for (int i = 0; i < kThreads; ++i) {
    Tensor got = session.variable_value(m.w[static_cast<size_t>(i)].node());
    Tensor want = reference.variable_value(m.w[static_cast<size_t>(i)].node());
    for (int64_t k = 0; k < m.features; ++k)
      EXPECT_NEAR(got.data<float>()[k], want.data<float>()[k],
                  1e-5 * (1 + std::fabs(want.data<float>()[k])));
  }
}

VF_TEST(concurrent_parallel_loops_cover_every_index_once) {
  ThreadPool& pool = ThreadPool::global();
  constexpr int64_t n = 200000;  // many grains: split whenever the pool is free
  std::vector<std::vector<int>> hits(kThreads, std::vector<int>(n, 0));
  Barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int rep = 0; rep < 20; ++rep) {
        int* h = hits[static_cast<size_t>(t)].data();
        pool.parallel_for(n, 4096, [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) ++h[i];
          // A loop inside a loop runs inline instead of waiting for the busy pool.
          pool.parallel_for(64, 1, [](int64_t, int64_t) {});
        });
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    int wrong = 0;
    for (int64_t i = 0; i < n; ++i) wrong += hits[static_cast<size_t>(t)][i] != 20;
    EXPECT_EQ(wrong, 0);
  }
}

VF_TEST(concurrent_pool_resize_while_loops_run) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> total{0};
  std::atomic<bool> wrong_sum{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      while (!stop.load()) {
        std::atomic<int64_t> sum{0};
        ThreadPool::global().parallel_for(100000, 8192, [&](int64_t b, int64_t e) {
          sum.fetch_add(e - b, std::memory_order_relaxed);
        });
        if (sum.load() != 100000) wrong_sum.store(true);
        total.fetch_add(1);
      }
    });
  const int before = ThreadPool::global().num_threads();
  for (int k = 0; k < 20; ++k) {
    ThreadPool::resize_global(1 + k % 3);
    // Let the loops run on this pool before it is swapped out.
    const int64_t seen = total.load();
    while (total.load() < seen + 4) std::this_thread::yield();
  }
  ThreadPool::resize_global(before);
  stop.store(true);
  for (auto& th : threads) th.join();
  EXPECT_TRUE(!wrong_sum.load());
  EXPECT_EQ(ThreadPool::global().num_threads(), before);
}

// Not run under TSan (see the top): 8 threads apply unlocked Adam updates to one variable.
// What is checked is what TF1 promises: no crash, finite values, and the loss still falls.
VF_TEST(hogwild_updates_of_one_variable_stay_finite) {
  Model m(64, 0.001);  // small steps: the loss falls however the updates interleave
  Tensor xv = filled({kBatch, m.features}, 1.0f, 0.0f);
  Tensor yv = filled({kBatch, 1}, 1.0f, 0.0f);
  Session session(m.g);
  session.run({}, {}, {m.init});
  auto plan = session.prepare({m.x, m.y[0]}, {m.loss[0]}, {m.train[0]});
  const float first = session.run(*plan, {xv, yv})[0].data<float>()[0];
  Barrier start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int step = 0; step < kSteps; ++step) session.run(*plan, {xv, yv});
    });
  for (auto& th : threads) th.join();
  Tensor w = session.variable_value(m.w[0].node());
  for (int64_t k = 0; k < m.features; ++k) EXPECT_TRUE(std::isfinite(w.data<float>()[k]));
  const float last = session.run({{m.x, xv}, {m.y[0], yv}}, {m.loss[0]})[0].data<float>()[0];
  EXPECT_TRUE(last < first);
}

VF_TEST_MAIN()
