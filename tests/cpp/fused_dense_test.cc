// The fused dense-layer kernels (kernels/fused_dense.h) against the unfused kernels they
// replace, bit for bit, in the selected SIMD variant, at shapes that split across the pool
// by rows and by columns.
#include "kernels/fused_dense.h"

#include <cstring>
#include <random>
#include <vector>

#include "harness.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/reduce.h"
#include "varflow/varflow.h"

using namespace varflow;
namespace k = varflow::kernels;

namespace {

Tensor random_tensor(Dims dims, std::mt19937& rng) {
  Tensor t(DType::kFloat32, std::move(dims));
  std::normal_distribution<float> n(0.0f, 1.0f);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = n(rng);
  return t;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.nbytes() == b.nbytes() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

}  // namespace

VF_TEST(matmul_bias_act_is_matmul_then_bias_add_then_activation) {
  std::mt19937 rng(3);
  ThreadPool& pool = ThreadPool::global();
  struct Case {
    int64_t m, k, n;
  };
  for (Case s : {Case{1, 3, 5}, Case{32, 784, 256}, Case{512, 256, 10}, Case{16, 256, 2048}}) {
    for (bool ta : {false, true})
      for (bool tb : {false, true})
        for (int act : {k::kActNone, k::kActRelu, k::kActRelu6, k::kActTanh, k::kActSigmoid}) {
          Tensor a = random_tensor(ta ? Dims{s.k, s.m} : Dims{s.m, s.k}, rng);
          Tensor b = random_tensor(tb ? Dims{s.n, s.k} : Dims{s.k, s.n}, rng);
          Tensor bias = random_tensor({s.n}, rng);
          Tensor want(DType::kFloat32, {s.m, s.n});
          k::matmul(a, b, ta, tb, want);
          k::binary(k::BinaryOp::kAdd, want, bias, want, pool);
          const k::UnaryOp ops[] = {k::UnaryOp::kRelu, k::UnaryOp::kRelu, k::UnaryOp::kRelu6,
                                    k::UnaryOp::kTanh, k::UnaryOp::kSigmoid};
          if (act != k::kActNone) k::unary(ops[act], want, want, pool);
          Tensor got(DType::kFloat32, {s.m, s.n});
          k::matmul_bias_act(a, ta, b, tb, bias, act, got, pool);
          EXPECT_TRUE(same_bits(got, want));
        }
  }
}

VF_TEST(relu_grad_bias_add_grad_is_relu_grad_then_column_sums) {
  std::mt19937 rng(5);
  ThreadPool& pool = ThreadPool::global();
  for (Dims dims : {Dims{1, 7}, Dims{512, 256}, Dims{128, 10}, Dims{4, 3, 100}}) {
    Tensor dy = random_tensor(dims, rng), y = random_tensor(dims, rng);
    const int64_t cols = dims.back();
    Tensor want_pre(DType::kFloat32, dims), want_bias(DType::kFloat32, {cols});
    k::binary(k::BinaryOp::kReluGrad, dy, y, want_pre, pool);
    std::vector<int> axes;
    for (size_t i = 0; i + 1 < dims.size(); ++i) axes.push_back(static_cast<int>(i));
    k::reduce(k::ReduceOp::kSum, want_pre, axes, want_bias);
    Tensor pre(DType::kFloat32, dims), bias(DType::kFloat32, {cols});
    k::relu_grad_bias_add_grad(dy, y, pre, bias, pool);
    EXPECT_TRUE(same_bits(pre, want_pre));
    EXPECT_TRUE(same_bits(bias, want_bias));
    k::relu_grad_bias_add_grad(dy, y, dy, bias, pool);  // in place over dy
    EXPECT_TRUE(same_bits(dy, want_pre));
    EXPECT_TRUE(same_bits(bias, want_bias));
  }
}

VF_TEST(fused_dense_rejects_other_dtypes) {
  ThreadPool& pool = ThreadPool::global();
  Tensor a(DType::kFloat64, {2, 2}), bias(DType::kFloat64, {2}), out(DType::kFloat64, {2, 2});
  EXPECT_ERROR(k::matmul_bias_act(a, false, a, false, bias, k::kActRelu, out, pool),
               ErrorCode::kInvalidArgument, "float32");
}

VF_TEST_MAIN()
