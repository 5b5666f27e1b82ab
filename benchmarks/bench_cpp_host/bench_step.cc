// One MLP training step from C++, timed on request, for benchmarks/bench_cpp_host.py: a ReLU
// MLP (--layers 64,32,10) with the mean sparse softmax cross entropy, minimized by Adam(1e-3),
// fed one of 8 fixed batches per step and fetching the loss, through a prepared Plan. The
// weights and batches follow closed formulas that the Python side computes too, so both sides
// run the same step on the same numbers.
//
// Protocol (stdin -> stdout, one line each): "run N" runs N steps and answers
// "ns <wall> <cpu>";
// "losses N" runs N steps and answers their losses; "quit" ends.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "varflow/varflow.h"

namespace {

using namespace varflow;

constexpr int kPool = 8;

std::vector<int64_t> parse_layers(const std::string& text) {
  std::vector<int64_t> layers;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) layers.push_back(std::stoll(part));
  if (layers.size() < 2) throw std::runtime_error("--layers needs at least two sizes");
  return layers;
}

// w[k] = sin(0.1 k) * sqrt(2 / fan_in) over the row-major index k (as the Python side).
Tensor weight(int64_t fan_in, int64_t fan_out) {
  Tensor t(DType::kFloat32, {fan_in, fan_out});
  const double scale = std::sqrt(2.0 / static_cast<double>(fan_in));
  for (int64_t k = 0; k < fan_in * fan_out; ++k) {
    t.data<float>()[k] = static_cast<float>(std::sin(0.1 * static_cast<double>(k)) * scale);
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> layers = {64, 32, 10};
  int64_t batch = 128;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--layers") {
      layers = parse_layers(argv[i + 1]);
    } else if (flag == "--batch") {
      batch = std::stoll(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: bench_step [--layers 64,32,10] [--batch 128]\n");
      return 2;
    }
  }
  try {
    auto graph = std::make_shared<Graph>();
    Graph& g = *graph;
    const int64_t in = layers.front(), classes = layers.back();
    Output x = ops::placeholder(g, DType::kFloat32, Shape({-1, in}), "x");
    Output y = ops::placeholder(g, DType::kInt32, Shape({-1}), "y");
    Output h = x;
    for (size_t i = 0; i + 1 < layers.size(); ++i) {
      Variable w = Variable::create(g, weight(layers[i], layers[i + 1]), "w" + std::to_string(i));
      Variable b = Variable::create(g, Tensor::zeros(DType::kFloat32, {layers[i + 1]}),
                                    "b" + std::to_string(i));
      h = ops::BiasAdd(ops::MatMul(h, w.value()), b.value());
      if (i + 2 < layers.size()) h = ops::Relu(h);
    }
    Output xent = ops::SparseSoftmaxCrossEntropyWithLogits(h, y)->output(0);
    Output loss = ops::reduce_mean(xent, {});
    train::AdamOptimizer adam(0.001);
    Node* step = adam.minimize(loss);

    // x[p][b][k] = sin(0.37 j + 0.5) over the pool's flat index j; labels (7 j) mod classes
    // over the pool's flat row index.
    std::vector<std::vector<Tensor>> feeds;
    for (int p = 0; p < kPool; ++p) {
      Tensor xb(DType::kFloat32, {batch, in});
      Tensor yb(DType::kInt32, {batch});
      for (int64_t k = 0; k < batch * in; ++k) {
        const double j = static_cast<double>(p * batch * in + k);
        xb.data<float>()[k] = static_cast<float>(std::sin(0.37 * j + 0.5));
      }
      for (int64_t r = 0; r < batch; ++r) {
        yb.data<int32_t>()[r] = static_cast<int32_t>((7 * (p * batch + r)) % classes);
      }
      feeds.push_back({xb, yb});
    }

    Session session(graph);
    session.run({}, {}, {global_variables_initializer(g)});
    auto plan = session.prepare({x, y}, {loss}, {step});
    int64_t next = 0;
    auto run_step = [&]() {
      return session.run(*plan, feeds[static_cast<size_t>(next++ % kPool)])[0].data<float>()[0];
    };
    std::printf("ready\n");
    std::fflush(stdout);
    std::string command;
    int64_t n = 0;
    while (std::cin >> command) {
      if (command == "quit") break;
      if (!(std::cin >> n) || n < 0) throw std::runtime_error("expected a step count");
      if (command == "run") {
        const auto t0 = std::chrono::steady_clock::now();
        const std::clock_t c0 = std::clock();
        for (int64_t i = 0; i < n; ++i) run_step();
        const std::clock_t c1 = std::clock();
        const auto t1 = std::chrono::steady_clock::now();
        // Wall time, and the CPU time of every thread of the process (std::clock), which other
        // tenants of a shared machine disturb less.
        std::printf("ns %lld %lld\n",
                    static_cast<long long>(
                        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()),
                    static_cast<long long>(static_cast<double>(c1 - c0) * 1e9 / CLOCKS_PER_SEC));
      } else if (command == "losses") {
        for (int64_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? " " : "", run_step());
        std::printf("\n");
      } else {
        throw std::runtime_error("unknown command " + command);
      }
      std::fflush(stdout);
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "varflow error %d: %s\n", static_cast<int>(e.code()), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
