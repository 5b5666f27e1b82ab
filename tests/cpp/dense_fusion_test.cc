// Dense-layer fusion in compiled plans (exec/dense_fusion.h): an MLP's forward layers and the
// ReluGrad + bias gradient of its backward pass (and of a convolution's) become fused steps, only
// where the intermediate values are read by nothing else, and the results are the unfused plan's
// bits.
#include "exec/dense_fusion.h"

#include <cstdlib>
#include <cstring>
#include <random>

#include "harness.h"
#include "varflow/plan.h"
#include "varflow/varflow.h"

using namespace varflow;

namespace {

Tensor random_tensor(Dims dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.5f);
  Tensor t(DType::kFloat32, std::move(dims));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = n(rng);
  return t;
}

// A 13-24-16-5 ReLU MLP on a fed batch of unknown size with a softmax cross-entropy loss and
// the gradients of every weight and bias (gated per op when `gate`).
struct Mlp {
  std::shared_ptr<Graph> graph = std::make_shared<Graph>();
  Output x, labels, loss, hidden_product;
  std::vector<Output> params, grads;
  explicit Mlp(bool gate, const char* activation = "Relu") {
    x = ops::placeholder(*graph, DType::kFloat32, Shape({-1, 13}), "x");
    labels = ops::placeholder(*graph, DType::kFloat32, Shape({-1, 5}), "labels");
    const int64_t sizes[] = {13, 24, 16, 5};
    Output h = x;
    for (int i = 0; i < 3; ++i) {
      Output w = ops::constant(*graph, random_tensor({sizes[i], sizes[i + 1]}, 10 + i));
      Output b = ops::constant(*graph, random_tensor({sizes[i + 1]}, 20 + i));
      params.push_back(w);
      params.push_back(b);
      Output product = ops::matmul(h, w);
      if (i == 0) hidden_product = product;
      h = ops::add(product, b);
      if (i < 2) h = ops::op(*graph, i == 0 ? "Relu" : activation, {h});
    }
    Node* xent = graph->add_node("SoftmaxCrossEntropyWithLogits", {h, labels}, {}, "xent");
    loss = ops::reduce_mean(Output{xent, 0}, {0});
    GradientsOptions options;
    options.gate_per_op = gate;
    for (auto& g : gradients({loss}, params, options)) grads.push_back(*g);
  }
};

int dense_steps(const Plan& plan, int outputs) {
  int n = 0;
  for (const PlanStep& step : plan.steps) n += dense_fused_outputs(step) == outputs ? 1 : 0;
  return n;
}

void set_optimize(const char* mode) {
  if (mode)
    setenv("VARFLOW_PLAN_OPTIMIZE", mode, 1);
  else
    unsetenv("VARFLOW_PLAN_OPTIMIZE");
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.dims() == b.dims() && a.dtype() == b.dtype() &&
         std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

}  // namespace

VF_TEST(mlp_layers_fuse_forward_and_backward) {
  for (bool gate : {false, true}) {
    Mlp mlp(gate);
    Session session(mlp.graph);
    std::vector<Output> fetches = mlp.grads;
    fetches.push_back(mlp.loss);
    auto plan = session.prepare({mlp.x, mlp.labels}, fetches, {});
    // Three MatMul + Add (+ Relu) layers; the two ReluGrads with their bias gradients.
    EXPECT_EQ(dense_steps(*plan, 1), 3);
    EXPECT_EQ(dense_steps(*plan, 2), 2);
    for (const PlanStep& step : plan->steps) {
      const std::string& type = step.node->type();
      // Each ReluGrad, Add and Relu left is a fused step's node (its last op).
      EXPECT_TRUE(dense_fused_outputs(step) > 0 ||
                  (type != "ReluGrad" && type != "AddV2" && type != "Relu"));
    }
  }
}

VF_TEST(fetched_or_shared_intermediates_stay_unfused) {
  Mlp mlp(false);
  Session session(mlp.graph);
  // The first layer's product is fetched: that layer keeps its MatMul; the others fuse.
  auto plan = session.prepare({mlp.x, mlp.labels}, {mlp.loss, mlp.hidden_product}, {});
  EXPECT_EQ(dense_steps(*plan, 1), 2);
  int matmuls = 0;
  for (const PlanStep& step : plan->steps) matmuls += step.node->type() == "MatMul" ? 1 : 0;
  EXPECT_EQ(matmuls, 1);
}

VF_TEST(fused_plans_give_the_unfused_bits) {
  for (const char* activation : {"Relu", "Relu6", "Tanh", "Sigmoid"})
    for (bool gate : {false, true})
      for (int64_t batch : {1, 7, 300}) {
        const Tensor xs = random_tensor({batch, 13}, 1);
        Tensor ys = Tensor::zeros(DType::kFloat32, {batch, 5});
        for (int64_t r = 0; r < batch; ++r) ys.data<float>()[r * 5 + r % 5] = 1.0f;
        std::vector<std::vector<Tensor>> results;
        for (const char* mode : {static_cast<const char*>(nullptr), "0"}) {
          set_optimize(mode);
          Mlp mlp(gate, activation);
          Session session(mlp.graph);
          std::vector<Output> fetches = mlp.grads;
          fetches.push_back(mlp.loss);
          auto plan = session.prepare({mlp.x, mlp.labels}, fetches, {});
          set_optimize(nullptr);
          EXPECT_EQ(dense_steps(*plan, 1), mode ? 0 : 3);
          session.run(*plan, {xs, ys});
          results.push_back(session.run(*plan, {xs, ys}));  // with the kept buffers
        }
        EXPECT_EQ(results[0].size(), results[1].size());
        for (size_t i = 0; i < results[0].size(); ++i)
          EXPECT_TRUE(same_bits(results[0][i], results[1][i]));
      }
}

VF_TEST(transposed_products_fuse_and_match) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      std::vector<Tensor> results;
      for (const char* mode : {static_cast<const char*>(nullptr), "0"}) {
        set_optimize(mode);
        auto graph = std::make_shared<Graph>();
        Output a = ops::placeholder(*graph, DType::kFloat32, ta ? Shape({9, -1}) : Shape({-1, 9}));
        Output b = ops::constant(*graph, random_tensor(tb ? Dims{70, 9} : Dims{9, 70}, 4));
        Output bias = ops::constant(*graph, random_tensor({70}, 5));
        Output y = ops::op(*graph, "Tanh",
                           {ops::op(*graph, "BiasAdd", {ops::matmul(a, b, ta, tb), bias})});
        Session session(graph);
        auto plan = session.prepare({a}, {y}, {});
        set_optimize(nullptr);
        EXPECT_EQ(dense_steps(*plan, 1), mode ? 0 : 1);
        results.push_back(
            session.run(*plan, {random_tensor(ta ? Dims{9, 33} : Dims{33, 9}, 6)})[0]);
      }
      EXPECT_TRUE(same_bits(results[0], results[1]));
    }
}

VF_TEST(a_convolutions_relu_and_bias_gradients_fuse_and_match) {
  // conv2d -> BiasAdd -> Relu on NHWC: the backward's ReluGrad over [batch, h, w, channels] and
  // its bias gradient are one fused step, bit for bit the unfused ones.
  const Tensor xs = random_tensor({3, 6, 6, 2}, 5);
  std::vector<std::vector<Tensor>> results;
  for (const char* mode : {static_cast<const char*>(nullptr), "0"}) {
    set_optimize(mode);
    auto g = std::make_shared<Graph>();
    Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 6, 6, 2}), "x");
    Output w = ops::constant(*g, random_tensor({3, 3, 2, 4}, 6));
    Output b = ops::constant(*g, random_tensor({4}, 7));
    Output h = ops::Conv2D(x, w, {1, 1, 1, 1}, "SAME");
    h = ops::Relu(ops::BiasAdd(h, b));
    Output loss = ops::reduce_mean(ops::mul(h, h), {0, 1, 2, 3});
    std::vector<Output> fetches{loss};
    for (auto& grad : gradients({loss}, {w, b, x})) fetches.push_back(*grad);
    Session session(g);
    auto plan = session.prepare({x}, fetches, {});
    set_optimize(nullptr);
    EXPECT_EQ(dense_steps(*plan, 2), mode ? 0 : 1);
    EXPECT_EQ(dense_steps(*plan, 1), mode ? 0 : 1);  // the forward Conv2D + BiasAdd + Relu
    for (const PlanStep& step : plan->steps)
      EXPECT_TRUE(mode || (step.node->type() != "Conv2D" && step.node->type() != "BiasAdd"));
    results.push_back(session.run(*plan, {xs}));
  }
  for (size_t i = 0; i < results[0].size(); ++i)
    EXPECT_TRUE(same_bits(results[0][i], results[1][i]));
}

VF_TEST(a_conv_bias_of_another_length_takes_the_unfused_path) {
  // A bias of unknown length: fed as [4] the fused convolution runs, fed as [1] the Add
  // broadcasts it; through a BiasAdd a [3] bias fails naming the BiasAdd, fused or not.
  const Tensor xs = random_tensor({2, 5, 5, 3}, 8);
  for (bool bias_add : {false, true})
    for (Dims bias_dims : {Dims{4}, Dims{1}, Dims{3}}) {
      std::vector<std::vector<Tensor>> results;
      std::vector<std::string> errors;
      for (const char* mode : {static_cast<const char*>(nullptr), "0"}) {
        set_optimize(mode);
        auto g = std::make_shared<Graph>();
        Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 5, 5, 3}), "x");
        Output bias = ops::placeholder(*g, DType::kFloat32, Shape({-1}), "bias");
        Output w = ops::constant(*g, random_tensor({3, 3, 3, 4}, 9));
        Output conv = ops::Conv2D(x, w, {1, 1, 1, 1}, "VALID");
        Output y = ops::Relu(bias_add ? ops::BiasAdd(conv, bias, {}, "bias_add")
                                      : ops::add(conv, bias, "bias_add"));
        Session session(g);
        auto plan = session.prepare({x, bias}, {y}, {});
        set_optimize(nullptr);
        EXPECT_EQ(dense_steps(*plan, 1), mode ? 0 : 1);
        try {
          results.push_back(session.run(*plan, {xs, random_tensor(bias_dims, 10)}));
        } catch (const Error& e) {
          errors.push_back(e.what());
        }
      }
      const bool fails = bias_add && bias_dims == Dims{1} ? true : bias_dims == Dims{3};
      if (fails) {
        EXPECT_EQ(errors.size(), size_t{2});
        for (const std::string& e : errors)
          EXPECT_TRUE(e.find("[[node bias_add]]") != std::string::npos);
      } else {
        EXPECT_EQ(results.size(), size_t{2});
        EXPECT_TRUE(same_bits(results[0][0], results[1][0]));
      }
    }
}

VF_TEST(a_bad_feed_names_the_matmul) {
  auto graph = std::make_shared<Graph>();
  Output a = ops::placeholder(*graph, DType::kFloat32, Shape({-1, -1}), "a");
  Output b = ops::constant(*graph, random_tensor({4, 3}, 7));
  Output bias = ops::constant(*graph, random_tensor({3}, 8));
  Output y = ops::op(*graph, "Relu", {ops::add(ops::matmul(a, b, false, false, "mm"), bias)});
  Session session(graph);
  auto plan = session.prepare({a}, {y}, {});
  EXPECT_EQ(dense_steps(*plan, 1), 1);
  EXPECT_ERROR(session.run(*plan, {random_tensor({2, 5}, 9)}), ErrorCode::kInvalidArgument,
               "Matrix size-incompatible: In[0]: (2, 5), In[1]: (4, 3)\n\t [[node mm]]");
}

VF_TEST(a_bias_gradient_of_another_shape_takes_the_unfused_path) {
  // A bias of unknown length: the backward pair fuses; fed as [3] the fused pass runs, fed as
  // [1] (broadcast) the step reduces as SumToShape does. The bits match the unfused plan's.
  for (Dims bias_dims : {Dims{3}, Dims{1}}) {
    std::vector<std::vector<Tensor>> results;
    for (const char* mode : {static_cast<const char*>(nullptr), "0"}) {
      set_optimize(mode);
      auto graph = std::make_shared<Graph>();
      Output a = ops::placeholder(*graph, DType::kFloat32, Shape({2, 4}), "a");
      Output w = ops::constant(*graph, random_tensor({4, 3}, 7));
      Output bias = ops::placeholder(*graph, DType::kFloat32, Shape({-1}), "bias");
      Output y = ops::op(*graph, "Relu", {ops::add(ops::matmul(a, w), bias)});
      Output loss = ops::reduce_sum(y * y, {0, 1});
      auto g = gradients({loss}, {bias, a});
      Session session(graph);
      auto plan = session.prepare({a, bias}, {*g[0], *g[1]}, {});
      set_optimize(nullptr);
      EXPECT_EQ(dense_steps(*plan, 2), mode ? 0 : 1);
      results.push_back(
          session.run(*plan, {random_tensor({2, 4}, 1), random_tensor(bias_dims, 2)}));
    }
    for (size_t i = 0; i < results[0].size(); ++i)
      EXPECT_TRUE(same_bits(results[0][i], results[1][i]));
  }
}

VF_TEST_MAIN()
