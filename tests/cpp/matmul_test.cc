// Float32 and float64 matrix products (kernels/matmul.h) against a float64 product written out,
// at every transpose, at sizes on both sides of oneDNN's threshold (kernels/gemm_onednn.h), on
// one thread and split across a pool of three (row and column blocks reach the library with
// offsets into the whole matrices and their full leading dimensions).
#include "kernels/matmul.h"

#include <cmath>
#include <random>
#include <vector>

#include "core/thread_pool.h"
#include "harness.h"
#include "kernels/gemm_onednn.h"
#include "varflow/varflow.h"

using namespace varflow;
namespace k = varflow::kernels;

namespace {

struct Shape {
  int64_t m, k, n;
};

// Sizes below and above 2^19 multiply-adds, skinny ones as training has, and odd ones.
const Shape kShapes[] = {{1, 1, 1},      {8, 8, 8},      {64, 10, 64},   {33, 517, 129},
                         {32, 784, 256}, {512, 256, 10}, {784, 32, 256}, {97, 1000, 61}};

template <typename T>
Tensor random_tensor(DType dtype, Dims dims, std::mt19937& rng) {
  Tensor t(dtype, std::move(dims));
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<T>()[i] = static_cast<T>(u(rng));
  return t;
}

// Every element against the float64 dot product, within a bound on float rounding that grows
// with the length of the sum and the magnitudes summed.
template <typename T>
bool close_to_product(const Tensor& a, const Tensor& b, bool ta, bool tb, const Shape& s,
                      const Tensor& got, double epsilon) {
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = 0; j < s.n; ++j) {
      double sum = 0, magnitude = 0;
      for (int64_t p = 0; p < s.k; ++p) {
        const double x = a.data<T>()[ta ? p * s.m + i : i * s.k + p];
        const double y = b.data<T>()[tb ? j * s.k + p : p * s.n + j];
        sum += x * y;
        magnitude += std::fabs(x * y);
      }
      const double error = std::fabs(got.data<T>()[i * s.n + j] - sum);
      if (!(error <= epsilon * static_cast<double>(s.k) * magnitude + 1e-30)) return false;
    }
  return true;
}

template <typename T>
void check_products(DType dtype, double epsilon) {
  std::mt19937 rng(11);
  for (int threads : {1, 3}) {
    ThreadPool::resize_global(threads);
    for (const Shape& s : kShapes)
      for (bool ta : {false, true})
        for (bool tb : {false, true}) {
          Tensor a = random_tensor<T>(dtype, ta ? Dims{s.k, s.m} : Dims{s.m, s.k}, rng);
          Tensor b = random_tensor<T>(dtype, tb ? Dims{s.n, s.k} : Dims{s.k, s.n}, rng);
          Tensor got(dtype, {s.m, s.n});
          k::matmul(a, b, ta, tb, got);
          EXPECT_TRUE(close_to_product<T>(a, b, ta, tb, s, got, epsilon));
        }
  }
  ThreadPool::resize_global(0);
}

}  // namespace

VF_TEST(float32_products_match_a_float64_product_at_every_transpose_and_split) {
  check_products<float>(DType::kFloat32, 1.2e-7);
}

VF_TEST(float64_products_match_a_float64_product_at_every_transpose_and_split) {
  check_products<double>(DType::kFloat64, 2.3e-16);
}

VF_TEST(onednn_takes_the_large_float32_products_when_it_is_built_in) {
  // A product of 2^19 multiply-adds goes to oneDNN when this build has it, a smaller one never.
  std::vector<float> a(64 * 128, 1.0f), b(128 * 64, 0.5f), c(64 * 64, -1.0f);
  EXPECT_TRUE(
      !k::onednn::sgemm(false, false, 64, 64, 64, a.data(), 64, b.data(), 64, c.data(), 64));
  EXPECT_EQ(c[0], -1.0f);
  const bool took =
      k::onednn::sgemm(false, false, 64, 64, 128, a.data(), 128, b.data(), 64, c.data(), 64);
  EXPECT_EQ(took, k::onednn::takes_large_products());
  if (took) EXPECT_EQ(c[64 * 64 - 1], 64.0f);
  EXPECT_EQ(k::blas_description().find("oneDNN") != std::string::npos, took);
}

VF_TEST_MAIN()
