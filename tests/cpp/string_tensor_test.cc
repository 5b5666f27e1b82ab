// String tensors hold constructed std::string objects: allocation, copies, zeros, casts and a
// graph that feeds, moves and fetches them must construct and destroy each exactly once (the
// sanitizer stage runs this under ASan/LSan, which would see a double free, a leak or a read
// of an unconstructed string). Also the dtype table and the 16-bit float conversions.
#include <cmath>
#include <limits>
#include <string>

#include "harness.h"
#include "varflow/varflow.h"

using namespace varflow;

namespace {
// Longer than any small-string buffer, so each element owns heap memory a leak would show.
std::string long_text(int i) {
  return "element number " + std::to_string(i) + std::string(40, '*');
}
}  // namespace

VF_TEST(string_tensor_constructs_empty_strings) {
  Tensor t(DType::kString, {2, 3});
  EXPECT_EQ(t.num_elements(), 6);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(t.data<std::string>()[i].empty());
  for (int i = 0; i < 6; ++i) t.data<std::string>()[i] = long_text(i);
  Tensor z = Tensor::zeros(DType::kString, {4});
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(z.data<std::string>()[i].empty());
  Tensor empty(DType::kString, {0, 5});
  EXPECT_EQ(empty.num_elements(), 0);
}

VF_TEST(string_deep_copy_is_independent) {
  Tensor a = Tensor::from_vector<std::string>({long_text(0), long_text(1), ""}, {3});
  Tensor b = a.deep_copy();
  a.data<std::string>()[0] = "changed";
  EXPECT_EQ(b.data<std::string>()[0], long_text(0));
  EXPECT_EQ(b.data<std::string>()[1], long_text(1));
  EXPECT_EQ(b.data<std::string>()[2], std::string());
  Tensor shared = a;  // shares the buffer: destroyed once, when the last holder goes
  a = Tensor();
  EXPECT_EQ(shared.data<std::string>()[0], std::string("changed"));
}

VF_TEST(string_reshape_and_copy_elements) {
  Tensor a = Tensor::from_vector<std::string>({"a", "b", "c", "d"}, {2, 2});
  Tensor r = a.reshaped({4});
  EXPECT_EQ(r.data<std::string>()[3], std::string("d"));
  Tensor out(DType::kString, {3});
  out.copy_elements_from(a, 1, 0, 3);
  EXPECT_EQ(out.data<std::string>()[0], std::string("b"));
  EXPECT_EQ(out.data<std::string>()[2], std::string("d"));
  Tensor s = Tensor::scalar<std::string>(long_text(7));
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(*s.data<std::string>(), long_text(7));
}

VF_TEST(string_borrow_and_cast_are_refused) {
  std::string storage[2];
  EXPECT_ERROR(Tensor::borrow(DType::kString, {2}, storage, nullptr), ErrorCode::kInvalidArgument,
               "cannot borrow");
  Tensor s = Tensor::from_vector<std::string>({"1"}, {1});
  EXPECT_ERROR(s.cast(DType::kFloat32), ErrorCode::kUnimplemented,
               "Cast string to float is not supported");
  EXPECT_ERROR(Tensor::scalar<float>(1).cast(DType::kString), ErrorCode::kUnimplemented,
               "Cast float to string is not supported");
  EXPECT_ERROR(s.scalar_as_double(), ErrorCode::kInvalidArgument, "not supported for dtype string");
  Tensor same = s.cast(DType::kString);
  EXPECT_EQ(same.data<std::string>()[0], std::string("1"));
}

VF_TEST(visit_dtype_rejects_types_it_does_not_cover) {
  EXPECT_ERROR(visit_dtype(
                   DType::kString, [](auto) { return 0; }, "Add"),
               ErrorCode::kInvalidArgument, "Add is not supported for dtype string");
  EXPECT_ERROR(visit_dtype(DType::kInt8, [](auto) { return 0; }), ErrorCode::kInvalidArgument,
               "not supported for dtype int8");
  EXPECT_ERROR(visit_numeric_dtype(DType::kString, [](auto) { return 0; }),
               ErrorCode::kInvalidArgument, "not supported for dtype string");
  EXPECT_EQ(visit_numeric_dtype(DType::kFloat16, [](auto v) { return sizeof(v); }), size_t{2});
  EXPECT_EQ(visit_any_dtype(DType::kString, [](auto v) { return sizeof(v); }), sizeof(std::string));
}

VF_TEST(dtype_table_names_sizes_and_tf_enums) {
  for (int i = 0; i < kDTypeCount; ++i) {
    const DType d = static_cast<DType>(i);
    EXPECT_EQ(dtype_from_name(dtype_name(d)), d);
    EXPECT_EQ(dtype_from_name(dtype_tf_name(d)), d);
    EXPECT_EQ(dtype_from_tf_enum(dtype_tf_enum(d)), d);
    EXPECT_TRUE(dtype_size(d) > 0);
  }
  EXPECT_EQ(dtype_tf_enum(DType::kString), 7);
  EXPECT_EQ(dtype_tf_enum(DType::kFloat16), 19);
  EXPECT_EQ(std::string(dtype_tf_name(DType::kFloat16)), std::string("half"));
  EXPECT_EQ(dtype_size(DType::kComplex128), size_t{16});
  EXPECT_ERROR(dtype_from_name("qint8"), ErrorCode::kType, "Unsupported dtype");
}

VF_TEST(half_and_bfloat16_round_to_nearest_even) {
  EXPECT_EQ(Half(1.0f).bits, 0x3c00);
  EXPECT_EQ(Half(65504.0f).bits, 0x7bff);
  EXPECT_EQ(Half(65520.0f).bits, 0x7c00);            // rounds past the largest half: inf
  EXPECT_EQ(Half(1.0f + 1.0f / 2048).bits, 0x3c00);  // a tie goes to the even mantissa
  EXPECT_EQ(Half(1.0f + 3.0f / 2048).bits, 0x3c02);
  EXPECT_EQ(Half(5.9604644775390625e-8f).bits, 0x0001);  // the smallest subnormal
  EXPECT_TRUE(std::isnan(static_cast<float>(Half(std::nanf("")))));
  EXPECT_EQ(static_cast<float>(Half(-2.5f)), -2.5f);
  for (uint32_t b = 0; b < 0x7c00; ++b) {  // every finite half reads back to itself
    Half h;
    h.bits = static_cast<uint16_t>(b);
    if (Half(static_cast<float>(h)).bits != b) {
      EXPECT_EQ(Half(static_cast<float>(h)).bits, b);
      break;
    }
  }
  EXPECT_EQ(BFloat16(1.0f).bits, 0x3f80);
  EXPECT_EQ(static_cast<float>(BFloat16(3.3f)), 3.296875f);
  EXPECT_TRUE(std::isnan(static_cast<float>(BFloat16(std::nanf("")))));
}

VF_TEST(casts_follow_tf1) {
  Tensor f = Tensor::from_vector<float>({300.0f, -1.0f, 2.7f, -2.7f, std::nanf(""), 1e10f}, {6});
  Tensor i8 = f.cast(DType::kInt8);
  const int8_t want_i8[] = {44, -1, 2, -2, 0, 0};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(int{i8.data<int8_t>()[i]}, int{want_i8[i]});
  Tensor u8 = f.cast(DType::kUInt8);
  EXPECT_EQ(int{u8.data<uint8_t>()[1]}, 255);
  Tensor u64 = f.cast(DType::kUInt64);
  EXPECT_EQ(u64.data<uint64_t>()[1], std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(u64.data<uint64_t>()[5], uint64_t{10000000000});
  Tensor c = Tensor::from_vector<complex64>({{1.5f, 2.0f}, {0.0f, 1.0f}}, {2});
  const Tensor real = c.cast(DType::kFloat32), truth = c.cast(DType::kBool);
  EXPECT_EQ(real.data<float>()[0], 1.5f);
  EXPECT_EQ(truth.data<bool>()[1], false);  // TF1 drops the imaginary part
  Tensor h = Tensor::from_vector<int32_t>({70000, -3}, {2}).cast(DType::kFloat16);
  EXPECT_TRUE(std::isinf(static_cast<float>(h.data<Half>()[0])));
  const Tensor back = h.cast(DType::kInt32);
  EXPECT_EQ(back.data<int32_t>()[1], -3);
}

VF_TEST(string_graph_feeds_moves_and_fetches) {
  auto g = std::make_shared<Graph>();
  Output x = ops::placeholder(*g, DType::kString, Shape({-1}), "x");
  Output hello = ops::constant(*g, Tensor::scalar<std::string>(long_text(1)), "hello");
  Output y =
      ops::identity(ops::reshape(x, ops::constant(*g, Tensor::from_vector<int32_t>({2, 2}, {2}))));
  Session session(g);
  for (int run = 0; run < 3; ++run) {  // later runs reuse the output buffers
    Tensor feed = Tensor::from_vector<std::string>(
        {long_text(run), long_text(run + 1), "", long_text(run + 3)}, {4});
    std::vector<Tensor> out = session.run({{x, feed}}, {y, hello});
    EXPECT_TRUE(out[0].dims() == (Dims{2, 2}));
    EXPECT_EQ(out[0].data<std::string>()[3], long_text(run + 3));
    EXPECT_EQ(*out[1].data<std::string>(), long_text(1));
  }
}

VF_TEST_MAIN()
