// Checkpoints from the C++ API: save, restore and list a Session's variables without Python;
// resumed Adam training matches an uninterrupted run; damaged files are kDataLoss; TensorFlow's
// own checkpoints (the Python tests' fixtures) read natively.
#include "varflow/checkpoint.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "harness.h"
#include "varflow/ops.h"
#include "varflow/session.h"
#include "varflow/train/optimizers.h"
#include "varflow/variable.h"

using namespace varflow;

namespace {

std::string temp_prefix(const std::string& name) {
  return str_cat("/tmp/varflow_ckpt_test_", ::getpid(), "_", name);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

struct Model {
  std::shared_ptr<Graph> g = std::make_shared<Graph>();
  Output x, y;
  Variable w;
  Node* train = nullptr;
  std::unique_ptr<Session> session;

  Model() {
    x = ops::placeholder(*g, DType::kFloat32, Shape({-1, 2}), "x");
    y = ops::placeholder(*g, DType::kFloat32, Shape({-1, 1}), "y");
    w = Variable::create(*g, Tensor::from_vector<float>({0.5f, -0.25f}, {2, 1}), "w");
    Output err = ops::matmul(x, w.value()) - y;
    train::AdamOptimizer adam(0.1);
    train = adam.minimize(ops::reduce_mean(err * err, {0, 1}));
    session = std::make_unique<Session>(g);
  }
  NamedVariables variables() const {
    NamedVariables out;
    for (const Variable& v : global_variables(*g)) out.emplace_back(v.op_name(), v.node());
    return out;
  }
  void step(int i) {
    const float a = static_cast<float>(i);
    session->run({{x, Tensor::from_vector<float>({a, 1, 1, -a}, {2, 2})},
                  {y, Tensor::from_vector<float>({1, 2}, {2, 1})}},
                 {}, {train});
  }
  std::vector<float> weights() {
    Tensor t = session->variable_value(w.node());
    return {t.data<float>()[0], t.data<float>()[1]};
  }
};

}  // namespace

VF_TEST(resumed_training_matches_an_uninterrupted_run) {
  Model full;
  full.session->run({}, {}, {global_variables_initializer(*full.g)});
  for (int i = 0; i < 6; ++i) full.step(i);

  Model first;
  first.session->run({}, {}, {global_variables_initializer(*first.g)});
  for (int i = 0; i < 3; ++i) first.step(i);
  const std::string prefix = temp_prefix("resume");
  EXPECT_EQ(save_checkpoint(*first.session, first.variables(), prefix, {{"global_step", "3"}}),
            prefix + ".safetensors");
  EXPECT_TRUE(checkpoint_exists(prefix));

  Model second;  // a fresh graph and session: restoring initializes every variable
  restore_checkpoint(*second.session, second.variables(), prefix);
  for (int i = 3; i < 6; ++i) second.step(i);
  EXPECT_TRUE(second.weights() == full.weights());

  std::map<std::string, Dims> listed;
  for (const CheckpointEntry& e : list_checkpoint_variables(prefix)) listed[e.name] = e.dims;
  EXPECT_EQ(listed.size(), size_t{5});  // w, w/Adam, w/Adam_1, beta1_power, beta2_power
  EXPECT_TRUE(listed.count("w/Adam_1") && listed["w"] == (Dims{2, 1}));
  CheckpointReader reader(prefix);
  EXPECT_EQ(reader.metadata().at("global_step"), std::string("3"));
  EXPECT_EQ(reader.format(), std::string("safetensors"));
  std::remove((prefix + ".safetensors").c_str());
}

VF_TEST(restore_errors_name_the_key_the_file_and_the_shapes) {
  auto g = std::make_shared<Graph>();
  Variable v = Variable::create(*g, Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3}), "v");
  Variable u = Variable::create(*g, Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2}), "u");
  Variable d = Variable::create(*g, Tensor::from_vector<double>({1, 2}, {2}), "d");
  Session s(g);
  const std::string prefix = temp_prefix("errors");
  EXPECT_ERROR(save_checkpoint(s, {{"v", v.node()}}, prefix), ErrorCode::kFailedPrecondition,
               "uninitialized value v");
  s.run({}, {}, {global_variables_initializer(*g)});
  EXPECT_ERROR(save_checkpoint(s, {{"a", v.node()}, {"a", u.node()}}, prefix),
               ErrorCode::kInvalidArgument, "same name: a");
  save_checkpoint(s, {{"v", v.node()}}, prefix);
  EXPECT_ERROR(restore_checkpoint(s, {{"missing", v.node()}}, prefix), ErrorCode::kNotFound,
               "Key missing not found in checkpoint");
  EXPECT_ERROR(restore_checkpoint(s, {{"v", u.node()}}, prefix), ErrorCode::kInvalidArgument,
               "lhs shape= [3,2] rhs shape= [2,3] (restoring variable u from tensor 'v' of " +
                   prefix + ".safetensors)");
  EXPECT_ERROR(restore_checkpoint(s, {{"v", d.node()}}, prefix), ErrorCode::kInvalidArgument,
               "expected dtype double does not equal original dtype float32");
  restore_checkpoint(s, {{"v", u.node()}}, prefix, /*reshape=*/true);
  EXPECT_TRUE(s.variable_value(u.node()).dims() == (Dims{3, 2}));
  EXPECT_ERROR(CheckpointReader(prefix + "_none"), ErrorCode::kNotFound, "_none");

  const std::string path = prefix + ".safetensors";
  const std::string good = read_file(path);
  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 0x20;  // a value byte
  write_file(path, flipped);
  EXPECT_ERROR(restore_checkpoint(s, {{"v", v.node()}}, prefix), ErrorCode::kDataLoss,
               "Checksum does not match for tensor 'v'");
  // The in-place read failed half-way: the variable is uninitialized, not half restored.
  EXPECT_TRUE(!s.is_initialized(v.node()));
  for (size_t n : {size_t{0}, size_t{7}, size_t{8}, size_t{20}, good.size() - 1}) {
    write_file(path, good.substr(0, n));
    EXPECT_ERROR(restore_checkpoint(s, {{"v", v.node()}}, prefix), ErrorCode::kDataLoss,
                 "truncated");
  }
  write_file(path, good);
  restore_checkpoint(s, {{"v", v.node()}}, prefix);
  // variable_value is a copy: keep it alive while reading its elements.
  const Tensor restored = s.variable_value(v.node());
  EXPECT_EQ(restored.data<float>()[5], 6.0f);
  std::remove(path.c_str());
}

VF_TEST(tensorflow_checkpoints_read_natively) {
  const std::string prefix =
      std::string(VARFLOW_SOURCE_DIR) + "/tests/python/fixtures/tf_checkpoints/model.ckpt-3";
  CheckpointReader reader(prefix);
  EXPECT_EQ(reader.format(), std::string("tensor_bundle"));
  const CheckpointEntry& kernel = reader.entry("dense/kernel");
  EXPECT_TRUE(kernel.dtype == DType::kFloat32 && kernel.dims == (Dims{3, 2}));
  const Tensor step = reader.get_tensor("global_step");
  const Tensor i64 = reader.get_tensor("extra/i64");
  const Tensor i32 = reader.get_tensor("extra/i32");
  EXPECT_EQ(step.data<int64_t>()[0], int64_t{3});
  EXPECT_EQ(i64.data<int64_t>()[0], (int64_t{1} << 40) + 7);
  EXPECT_EQ(i32.data<int32_t>()[3], int32_t{2147483647});
  EXPECT_EQ(reader.entry("extra/f16").dtype_name, std::string("float16"));
  // float16 entries read as float16 tensors (TF's dtype kept, not converted).
  const Tensor f16 = reader.get_tensor("extra/f16");
  EXPECT_TRUE(f16.dtype() == DType::kFloat16 && f16.dims() == (Dims{2}));
  EXPECT_NEAR(static_cast<float>(f16.data<Half>()[1]), 65504.0, 0.0);

  auto g = std::make_shared<Graph>();
  Variable w = Variable::create(*g, Tensor::zeros(DType::kFloat32, {3, 2}), "w");
  Session s(g);
  restore_checkpoint(s, {{"dense/kernel", w.node()}}, prefix);
  Tensor expected = reader.get_tensor("dense/kernel");
  Tensor got = s.variable_value(w.node());
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got.data<float>()[i], expected.data<float>()[i]);
}

VF_TEST_MAIN()
