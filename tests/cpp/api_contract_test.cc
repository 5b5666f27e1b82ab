// The C++ API's error contract (what the public headers document each function to throw),
// and the integer and float-conversion results that are defined for every input.
#include <cmath>
#include <cstdint>
#include <limits>

#include "harness.h"
#include "varflow/varflow.h"

using namespace varflow;

namespace {

// A graph x (placeholder (?, 2) float) -> y = x * 2, with a variable w (2,) float.
struct Fixture {
  std::shared_ptr<Graph> g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 2}), "x");
  Output y = x * ops::scalar<float>(*g, 2.0f);
  Variable w = Variable::create(*g, Tensor::from_vector<float>({1, 2}, {2}), "w");
};

}  // namespace

VF_TEST(from_vector_rejects_a_value_count_that_is_not_the_shape) {
  EXPECT_ERROR(Tensor::from_vector<float>({1, 2, 3, 4, 5}, {3, 2}), ErrorCode::kInvalidArgument,
               "Expected 6 values for a tensor of shape (3, 2), got 5");
  EXPECT_ERROR(Tensor::from_vector<int32_t>({1, 2, 3}, {2}), ErrorCode::kInvalidArgument,
               "Expected 2 values");
  EXPECT_ERROR(Tensor::from_vector<double>({}, {1}), ErrorCode::kInvalidArgument,
               "Expected 1 values for a tensor of shape (1,), got 0");
  Tensor empty = Tensor::from_vector<float>({}, {0, 3});
  EXPECT_EQ(empty.num_elements(), int64_t{0});
  Tensor flags = Tensor::from_vector<bool>({true, false, true}, {3});
  EXPECT_TRUE(flags.data<bool>()[0] && !flags.data<bool>()[1] && flags.data<bool>()[2]);
}

VF_TEST(tensor_rejects_negative_dimensions) {
  EXPECT_ERROR(Tensor(DType::kFloat32, {2, -1}), ErrorCode::kInvalidArgument,
               "Dimension -1 must be >= 0 in shape (2, -1)");
  EXPECT_ERROR(Tensor::zeros(DType::kInt64, {-3}), ErrorCode::kInvalidArgument, "Dimension -3");
  EXPECT_ERROR(Tensor::borrow(DType::kFloat32, {-2}, nullptr, nullptr), ErrorCode::kInvalidArgument,
               "Dimension -2");
  Tensor t = Tensor::zeros(DType::kFloat32, {2, 3});
  EXPECT_ERROR(t.reshaped({-2, -3}), ErrorCode::kInvalidArgument, "Dimension -2");
  EXPECT_ERROR(t.reshaped({4, 2}), ErrorCode::kInvalidArgument,
               "Cannot reshape a tensor with 6 elements to shape (4, 2)");
  EXPECT_ERROR(Tensor(DType::kInvalid, {2}), ErrorCode::kInvalidArgument, "invalid dtype");
}

VF_TEST(allocation_failure_reports_the_true_size) {
  // 2^60 elements of 4 bytes: representable, far beyond any address space.
  EXPECT_ERROR(Tensor(DType::kFloat32, {int64_t{1} << 30, int64_t{1} << 30}),
               ErrorCode::kResourceExhausted,
               "OOM when allocating tensor with shape (1073741824, 1073741824) and type float: "
               "4611686018427387904 bytes");
  // 2^48 floats = 1 PiB: a plain allocation failure, not a crash.
  EXPECT_ERROR(Tensor::zeros(DType::kFloat32, {int64_t{1} << 48}), ErrorCode::kResourceExhausted,
               "and type float: 1125899906842624 bytes");
  // 2^62 doubles: the byte count itself overflows int64.
  EXPECT_ERROR(Tensor(DType::kFloat64, {int64_t{1} << 31, int64_t{1} << 31}),
               ErrorCode::kResourceExhausted,
               "4611686018427387904 elements of 8 bytes each, which exceeds the addressable size");
  // The element count overflows int64: rejected as an invalid shape before any allocation.
  EXPECT_ERROR(Tensor(DType::kFloat32, {int64_t{1} << 40, int64_t{1} << 40}),
               ErrorCode::kInvalidArgument, "(1099511627776, 1099511627776)");
  // A zero dimension makes any shape empty.
  EXPECT_EQ(Tensor(DType::kFloat32, {0, int64_t{1} << 62}).num_elements(), int64_t{0});
}

VF_TEST(failed_allocation_inside_a_run_names_the_node) {
  auto g = std::make_shared<Graph>();
  Output dims = ops::placeholder(*g, DType::kInt64, Shape({2}), "dims");
  Output big = ops::fill(dims, ops::scalar<float>(*g, 1.0f), "big");
  Session session(g);
  Tensor huge = Tensor::from_vector<int64_t>({int64_t{1} << 30, int64_t{1} << 30}, {2});
  EXPECT_ERROR(session.run({{dims, huge}}, {big}), ErrorCode::kResourceExhausted,
               "4611686018427387904 bytes");
  EXPECT_ERROR(session.run({{dims, huge}}, {big}), ErrorCode::kResourceExhausted, "[[node big]]");
  // The session is still usable.
  Tensor small = Tensor::from_vector<int64_t>({1, 2}, {2});
  EXPECT_EQ(session.run({{dims, small}}, {big})[0].num_elements(), int64_t{2});
}

VF_TEST(set_variable_value_checks_dtype_and_shape_at_once) {
  Fixture f;
  Session session(f.g);
  EXPECT_ERROR(session.set_variable_value(f.w.node(), Tensor::from_vector<float>({1, 2, 3}, {3})),
               ErrorCode::kInvalidArgument,
               "Cannot assign a value of shape (3,) to variable w of shape (2,)");
  EXPECT_ERROR(session.set_variable_value(f.w.node(), Tensor::zeros(DType::kFloat32, {1, 2})),
               ErrorCode::kInvalidArgument, "of shape (2,)");
  EXPECT_ERROR(session.set_variable_value(f.w.node(), Tensor::from_vector<double>({1, 2}, {2})),
               ErrorCode::kInvalidArgument,
               "Cannot assign a float64 value to variable w of dtype float32");
  EXPECT_ERROR(session.set_variable_value(f.w.node(), Tensor()), ErrorCode::kInvalidArgument,
               "no value given for variable w");
  EXPECT_ERROR(session.set_variable_value(f.y.node, Tensor::scalar<float>(1)),
               ErrorCode::kInvalidArgument, "is not a variable of this session's graph");
  EXPECT_ERROR(session.set_variable_value(nullptr, Tensor::scalar<float>(1)),
               ErrorCode::kInvalidArgument, "'null' is not a variable");
  // Nothing was stored by the failed calls.
  EXPECT_TRUE(!session.is_initialized(f.w.node()));
  session.set_variable_value(f.w.node(), Tensor::from_vector<float>({5, 6}, {2}));
  EXPECT_NEAR(session.run({}, {f.w.value()})[0].data<float>()[1], 6.0, 0);
}

VF_TEST(variable_without_shape_validation_takes_any_shape) {
  auto g = std::make_shared<Graph>();
  VariableOptions options;
  options.name = "v";
  options.validate_shape = false;
  Variable v = Variable::create(*g, Tensor::from_vector<float>({1, 2}, {2}), options);
  Session session(g);
  session.set_variable_value(v.node(), Tensor::from_vector<float>({1, 2, 3}, {3}));
  EXPECT_EQ(session.variable_value(v.node()).num_elements(), int64_t{3});
  EXPECT_ERROR(session.set_variable_value(v.node(), Tensor::scalar<int32_t>(1)),
               ErrorCode::kInvalidArgument, "Cannot assign a int32 value");
}

VF_TEST(wrong_feeds_are_invalid_argument) {
  Fixture f;
  Session session(f.g);
  Tensor good = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  EXPECT_ERROR(session.run({{f.x, Tensor::zeros(DType::kFloat32, {2, 3})}}, {f.y}),
               ErrorCode::kInvalidArgument,
               "Cannot feed value of shape (2, 3) for Tensor 'x:0', which has shape '(?, 2)'");
  EXPECT_ERROR(session.run({{f.x, Tensor::zeros(DType::kFloat32, {4})}}, {f.y}),
               ErrorCode::kInvalidArgument, "Cannot feed value of shape (4,)");
  EXPECT_ERROR(session.run({{f.x, Tensor::zeros(DType::kFloat64, {2, 2})}}, {f.y}),
               ErrorCode::kInvalidArgument,
               "Cannot feed a value of dtype float64 for Tensor 'x:0', which has dtype float32");
  EXPECT_ERROR(session.run({{f.x, Tensor()}}, {f.y}), ErrorCode::kInvalidArgument,
               "No value given for the feed of Tensor 'x:0'");
  auto plan = session.prepare({f.x}, {f.y}, {});
  EXPECT_ERROR(session.run(*plan, {}), ErrorCode::kInvalidArgument,
               "Expected 1 feed values, got 0");
  EXPECT_ERROR(session.run(*plan, {good, good}), ErrorCode::kInvalidArgument,
               "Expected 1 feed values, got 2");
  EXPECT_ERROR(session.run({}, {f.y}), ErrorCode::kInvalidArgument,
               "You must feed a value for placeholder tensor 'x'");
  // After all those failures the plan still runs.
  EXPECT_NEAR(session.run(*plan, {good})[0].data<float>()[3], 8.0, 0);
}

VF_TEST(fetches_must_exist_in_the_graph) {
  Fixture f;
  Session session(f.g);
  EXPECT_ERROR(f.g->tensor_by_name("nope:0"), ErrorCode::kNotFound,
               "The name 'nope:0' refers to a Tensor which does not exist");
  EXPECT_ERROR(f.g->tensor_by_name("x:3"), ErrorCode::kNotFound, "exists but only has 1 outputs");
  EXPECT_ERROR(f.g->operation_by_name("nope"), ErrorCode::kNotFound,
               "refers to an Operation not in the graph");
  EXPECT_ERROR(session.run({}, {Output{f.y.node, 4}}), ErrorCode::kInvalidArgument,
               "Tensor " + f.y.node->name() + ":4 does not exist");
  EXPECT_ERROR(session.run({}, {Output{nullptr, 0}}), ErrorCode::kInvalidArgument,
               "Tensor is null");
  EXPECT_ERROR(session.run({}, {}, {nullptr}), ErrorCode::kInvalidArgument, "Operation is null");
  auto other = std::make_shared<Graph>();
  Output foreign = ops::scalar<float>(*other, 1.0f);
  EXPECT_ERROR(session.run({}, {foreign}), ErrorCode::kValue,
               "Tensor Const:0 is not an element of this graph.");
  EXPECT_ERROR(session.run({}, {f.w.value()}), ErrorCode::kFailedPrecondition,
               "Attempting to use uninitialized value w");
}

VF_TEST(plans_belong_to_their_session) {
  Fixture f;
  Session a(f.g), b(f.g);
  auto plan = a.prepare({}, {f.w.value()}, {});
  EXPECT_ERROR(b.run(*plan, {}), ErrorCode::kInvalidArgument, "prepared by another Session");
}

VF_TEST(closed_session_refuses_runs) {
  Fixture f;
  Session session(f.g);
  auto plan = session.prepare({}, {f.w.value()}, {});
  session.close();
  EXPECT_TRUE(session.closed());
  EXPECT_ERROR(session.run(*plan, {}), ErrorCode::kRuntime, "Attempted to use a closed Session.");
  EXPECT_ERROR(session.prepare({}, {f.y}, {}), ErrorCode::kRuntime, "closed Session");
}

VF_TEST(frozen_variables_must_be_variables) {
  Fixture f;
  Session session(f.g);
  auto plan = session.prepare({f.x}, {f.y}, {});
  RunOptions options;
  options.frozen_variables = {f.y.node};
  EXPECT_ERROR(session.run(*plan, {Tensor::zeros(DType::kFloat32, {1, 2})}, options),
               ErrorCode::kInvalidArgument, "Only variables of this session's graph can be frozen");
  options.frozen_variables = {nullptr};
  EXPECT_ERROR(session.run(*plan, {Tensor::zeros(DType::kFloat32, {1, 2})}, options),
               ErrorCode::kInvalidArgument, "got 'null'");
}

VF_TEST(integer_arithmetic_wraps_as_tf1) {
  auto g = std::make_shared<Graph>();
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
  Output min32 = ops::scalar<int32_t>(*g, kMin);
  Output max32 = ops::scalar<int32_t>(*g, kMax);
  Output min64 = ops::scalar<int64_t>(*g, std::numeric_limits<int64_t>::min());
  Session session(g);
  auto i32 = [&](Output o) { return session.run({}, {o})[0].data<int32_t>()[0]; };
  EXPECT_EQ(i32(max32 + ops::scalar<int32_t>(*g, 1)), kMin);
  EXPECT_EQ(i32(min32 - ops::scalar<int32_t>(*g, 1)), kMax);
  EXPECT_EQ(i32(max32 * ops::scalar<int32_t>(*g, 2)), int32_t{-2});
  EXPECT_EQ(i32(ops::neg(min32)), kMin);
  EXPECT_EQ(i32(ops::op(*g, "Abs", {min32})), kMin);
  EXPECT_EQ(i32(ops::op(*g, "Square", {ops::scalar<int32_t>(*g, 65536)})), int32_t{0});
  EXPECT_EQ(i32(ops::op(*g, "SquaredDifference", {max32, min32})), int32_t{1});
  auto i64 = [&](Output o) { return session.run({}, {o})[0].data<int64_t>()[0]; };
  EXPECT_EQ(i64(ops::neg(min64)), std::numeric_limits<int64_t>::min());
  Output many = ops::constant(*g, Tensor::from_vector<int32_t>({kMax, kMax, 2}, {3}));
  EXPECT_EQ(i32(ops::reduce_sum(many, {0})), int32_t{0});  // 2^32 wraps to 0
  EXPECT_EQ(i32(ops::op(*g, "Prod", {many, ops::scalar<int32_t>(*g, 0)})), int32_t{2});
  Output big = ops::constant(*g, Tensor::from_vector<int32_t>({65536, 65536}, {1, 2}));
  Output col = ops::constant(*g, Tensor::from_vector<int32_t>({65536, 1}, {2, 1}));
  EXPECT_EQ(i32(ops::matmul(big, col)), int32_t{65536});  // 2^32 + 2^16 wraps to 2^16
}

VF_TEST(float_to_integer_cast_is_defined_for_every_value) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  Tensor in = Tensor::from_vector<float>({nan, inf, -inf, 3e9f, -3e9f, 2.9f, -2.9f}, {7});
  Tensor out = in.cast(DType::kInt32);
  constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
  const int32_t expected[] = {kMin, kMin, kMin, kMin, kMin, 2, -2};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(out.data<int32_t>()[i], expected[i]);
  Tensor wide = Tensor::from_vector<double>({1e19, -9.2e18, 0.5}, {3}).cast(DType::kInt64);
  EXPECT_EQ(wide.data<int64_t>()[0], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(wide.data<int64_t>()[1], int64_t{-9200000000000000000});
  EXPECT_EQ(wide.data<int64_t>()[2], int64_t{0});
  EXPECT_EQ(Tensor::scalar<double>(std::nan("")).scalar_as_int(),
            std::numeric_limits<int64_t>::min());
}

VF_TEST(a_null_output_is_a_value_error_not_a_crash) {
  Fixture f;
  const Output null;
  EXPECT_ERROR(ops::identity(null), ErrorCode::kValue, "A null Output");
  EXPECT_ERROR(ops::add_n({null, f.y}), ErrorCode::kValue, "A null Output");
  EXPECT_ERROR(null.dtype(), ErrorCode::kValue, "A null Output");
  EXPECT_ERROR(null.name(), ErrorCode::kValue, "A null Output");
  EXPECT_ERROR(f.y + null, ErrorCode::kValue, "");
}

VF_TEST(cast_into_converts_in_place_of_a_new_buffer_and_checks_its_target) {
  Tensor x = Tensor::from_vector<float>({1.5f, -2.5f, 3.0f}, {3});
  Tensor out(DType::kInt32, {3});
  const void* buffer = out.raw();
  x.cast_into(out);
  EXPECT_TRUE(out.raw() == buffer);
  EXPECT_TRUE(out.data<int32_t>()[0] == 1 && out.data<int32_t>()[1] == -2 &&
              out.data<int32_t>()[2] == 3);
  Tensor two(DType::kInt32, {2});
  EXPECT_ERROR(x.cast_into(two), ErrorCode::kInvalidArgument,
               "Cannot cast 3 elements into a tensor of 2");
  Tensor strings(DType::kString, {3});
  EXPECT_ERROR(x.cast_into(strings), ErrorCode::kUnimplemented,
               "Cast float to string is not supported");
}

VF_TEST_MAIN()
