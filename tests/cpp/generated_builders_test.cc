// The generated op builders (varflow/ops_generated.h): typed inputs, required attributes as
// parameters, optional ones through <Op>Attrs with their declared defaults.
#include "harness.h"
#include "varflow/varflow.h"

using namespace varflow;

VF_TEST(generated_builders_build_and_run_a_small_model) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 2}), "x");
  Output w = ops::constant(*g, Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2}));
  Output y = ops::MatMul(x, w, ops::MatMulAttrs().with_transpose_b(true));
  Output relu = ops::Relu(ops::Neg(y));
  Output total = ops::Sum(y, ops::constant(*g, Tensor::from_vector<int32_t>({1}, {1})),
                          ops::SumAttrs().with_keep_dims(true));
  EXPECT_EQ(y.node->attrs().get<bool>("transpose_a"), false);  // the declared default
  EXPECT_EQ(y.node->attrs().get<bool>("transpose_b"), true);
  Session session(g);
  Tensor xv = Tensor::from_vector<float>({1, 1}, {1, 2});
  std::vector<Tensor> out = session.run({{x, xv}}, {y, relu, total});
  // x @ w^T = [1+2, 3+4]
  EXPECT_NEAR(out[0].data<float>()[0], 3.0, 1e-6);
  EXPECT_NEAR(out[0].data<float>()[1], 7.0, 1e-6);
  EXPECT_NEAR(out[1].data<float>()[0], 0.0, 1e-6);
  EXPECT_TRUE(out[2].dims() == (Dims{1, 1}));
  EXPECT_NEAR(out[2].data<float>()[0], 10.0, 1e-6);
}

VF_TEST(generated_builders_check_attribute_types_through_the_registry) {
  auto g = std::make_shared<Graph>();
  Output x = ops::scalar<float>(*g, 1.0f);
  AttrMap wrong{{"keep_dims", int64_t{1}}};
  Output axes = ops::constant(*g, Tensor::from_vector<int32_t>({}, {0}));
  EXPECT_ERROR(g->add_node("Sum", {x, axes}, wrong), ErrorCode::kType, "must be bool, got int");
  EXPECT_ERROR(g->add_node("Sum", {x, axes}, {{"keepdims", true}}), ErrorCode::kValue,
               "has no attribute 'keepdims'");
}

// The example at the top of varflow/varflow.h, cut out of the header when CMake configures the
// tests (tests/cpp/CMakeLists.txt); x_value is the one name it leaves to the reader.
VF_TEST(the_header_example_compiles_and_runs) {
  Tensor x_value = Tensor::from_vector<float>({1, 2, 3}, {1, 3});
#include "header_example.inc"
  EXPECT_NEAR(out[0].data<float>()[0], 0.0, 1e-7);  // w = 0
  EXPECT_TRUE(out[1].dims() == (Dims{3, 1}));
}

VF_TEST(variadic_builders_need_an_input) {
  EXPECT_ERROR(ops::AddN({}), ErrorCode::kValue, "AddN needs at least one input");
}

VF_TEST_MAIN()
