// Host functions from C++: a graph calls back into the embedding program through PyFunc, the
// op checks what comes back, the host's errors become the run's, and an unregistered token is
// a clear error.
#include "varflow/host_function.h"

#include <atomic>
#include <memory>
#include <vector>

#include "harness.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/session.h"

using namespace varflow;

namespace {

std::vector<int64_t> codes(std::initializer_list<DType> types) {
  std::vector<int64_t> out;
  for (DType t : types) out.push_back(static_cast<int64_t>(t));
  return out;
}

}  // namespace

VF_TEST(host_function_computes_outputs) {
  std::atomic<int> calls{0};
  register_host_function("host_double", [&](const std::vector<Tensor>& in) {
    ++calls;
    Tensor out(DType::kFloat64, in[0].dims());
    for (int64_t i = 0; i < out.num_elements(); ++i)
      out.data<double>()[i] = 2 * in[0].data<double>()[i];
    return std::vector<Tensor>{out};
  });
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat64, Shape{3});
  Node* f = ops::PyFunc({x}, "host_double", codes({DType::kFloat64}), codes({DType::kFloat64}));
  Session s(g);
  Tensor feed = Tensor::from_vector<double>({1.0, 2.0, 3.5}, {3});
  const auto out = s.run({{x, feed}}, {f->output(0)}, {});
  EXPECT_NEAR(out[0].data<double>()[2], 7.0, 0.0);
  EXPECT_EQ(calls.load(), 1);
  unregister_host_function("host_double");
  EXPECT_TRUE(!has_host_function("host_double"));
  EXPECT_ERROR(s.run({{x, feed}}, {f->output(0)}, {}), ErrorCode::kInvalidArgument,
               "callback host_double is not found");
}

VF_TEST(host_function_results_are_checked) {
  register_host_function("host_wrong_dtype", [](const std::vector<Tensor>&) {
    return std::vector<Tensor>{Tensor::scalar<float>(1.0f)};
  });
  register_host_function("host_two", [](const std::vector<Tensor>&) {
    return std::vector<Tensor>{Tensor::scalar<double>(1.0), Tensor::scalar<double>(2.0)};
  });
  register_host_function("host_fails", [](const std::vector<Tensor>&) -> std::vector<Tensor> {
    raise(ErrorCode::kOutOfRange, "no more data");
  });
  auto g = std::make_shared<Graph>();
  // Without inputs the typed builders have no graph to build in: add_op names it.
  auto no_inputs = [&](const char* type, const char* token) {
    return ops::add_op(*g, type, {},
                       {{"token", std::string(token)},
                        {"Tin", std::vector<int64_t>{}},
                        {"Tout", codes({DType::kFloat64})}});
  };
  Node* wrong = no_inputs("PyFuncStateless", "host_wrong_dtype");
  Node* two = no_inputs("PyFunc", "host_two");
  Node* fails = no_inputs("PyFunc", "host_fails");
  Session s(g);
  EXPECT_ERROR(s.run({}, {wrong->output(0)}, {}), ErrorCode::kInvalidArgument,
               "0-th value returned by host_wrong_dtype is float, but expects double");
  EXPECT_ERROR(s.run({}, {two->output(0)}, {}), ErrorCode::kInvalidArgument,
               "host_two returns 2 values, but expects to see 1 values.");
  EXPECT_ERROR(s.run({}, {fails->output(0)}, {}), ErrorCode::kOutOfRange, "no more data");
  for (const char* t : {"host_wrong_dtype", "host_two", "host_fails"}) unregister_host_function(t);
}

VF_TEST(host_function_op_checks_its_declaration) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape{});
  EXPECT_ERROR(ops::PyFunc({x}, "t", codes({DType::kFloat64}), {}), ErrorCode::kType,
               "Input 0 has dtype float32 but Tin says float64");
  EXPECT_ERROR(ops::PyFunc({x}, "t", {}, {}), ErrorCode::kValue, "Tin lists 0 dtypes for 1 inputs");
  EXPECT_ERROR(ops::PyFunc({x}, "", codes({DType::kFloat32}), {}), ErrorCode::kValue,
               "the token is empty");
}

VF_TEST_MAIN()
