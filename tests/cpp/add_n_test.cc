// AddN's one-pass kernel (kernels/add_n.h) in the selected SIMD variant against the pairwise
// order it replaces, bit for bit, at lengths around the tile and across the thread pool.
#include "kernels/add_n.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "harness.h"
#include "varflow/varflow.h"

using namespace varflow;
namespace k = varflow::kernels;

namespace {

// ((x0 + x1) + x2) + ... per element, as N - 1 passes of Add computed it.
template <typename T>
std::vector<T> pairwise(const std::vector<Tensor>& xs) {
  const int64_t len = xs[0].num_elements();
  std::vector<T> out(static_cast<size_t>(len));
  for (int64_t i = 0; i < len; ++i) {
    T acc = xs[0].data<T>()[i];
    for (size_t j = 1; j < xs.size(); ++j) {
      if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;
        acc = static_cast<T>(static_cast<U>(acc) + static_cast<U>(xs[j].data<T>()[i]));
      } else {
        acc += xs[j].data<T>()[i];
      }
    }
    out[static_cast<size_t>(i)] = acc;
  }
  return out;
}

template <typename T>
std::vector<Tensor> random_inputs(int n, int64_t len, std::mt19937& rng) {
  std::vector<Tensor> xs;
  for (int j = 0; j < n; ++j) {
    Tensor t(DTypeOf<T>::value, {len});
    for (int64_t i = 0; i < len; ++i) {
      if constexpr (std::is_integral_v<T>) {
        t.data<T>()[i] = static_cast<T>(rng());  // large values: the sums wrap
        if constexpr (sizeof(T) == 8)
          t.data<T>()[i] = static_cast<T>((uint64_t{rng()} << 32) | rng());
      } else {
        // Mixed magnitudes, so that the order of the additions shows in the bits.
        std::uniform_real_distribution<double> u(-1, 1);
        t.data<T>()[i] = static_cast<T>(u(rng) * std::pow(10.0, static_cast<int>(rng() % 7) - 3));
      }
    }
    xs.push_back(std::move(t));
  }
  return xs;
}

template <typename T>
void check_dtype() {
  std::mt19937 rng(7);
  ThreadPool pool(2);
  for (int n : {2, 3, 4, 5, 50}) {
    for (int64_t len :
         {int64_t{1}, int64_t{17}, int64_t{2047}, int64_t{2048}, int64_t{2049}, int64_t{100003}}) {
      std::vector<Tensor> xs = random_inputs<T>(n, len, rng);
      std::vector<const Tensor*> ptrs;
      for (const Tensor& x : xs) ptrs.push_back(&x);
      Tensor out(DTypeOf<T>::value, {len});
      k::add_n(ptrs, out, pool);
      std::vector<T> want = pairwise<T>(xs);
      EXPECT_TRUE(std::memcmp(out.data<T>(), want.data(), want.size() * sizeof(T)) == 0);
      // In place over each input position (the plan may forward a dead input as the output).
      for (int alias : {0, 1, n - 1}) {
        std::vector<Tensor> ys;
        for (const Tensor& x : xs) {
          Tensor y(x.dtype(), x.dims());
          std::memcpy(y.raw(), x.raw(), x.nbytes());
          ys.push_back(std::move(y));
        }
        std::vector<const Tensor*> yp;
        for (const Tensor& y : ys) yp.push_back(&y);
        k::add_n(yp, ys[static_cast<size_t>(alias)], pool);
        EXPECT_TRUE(std::memcmp(ys[static_cast<size_t>(alias)].data<T>(), want.data(),
                                want.size() * sizeof(T)) == 0);
      }
    }
  }
}

}  // namespace

VF_TEST(add_n_float32_is_the_pairwise_order) { check_dtype<float>(); }
VF_TEST(add_n_float64_is_the_pairwise_order) { check_dtype<double>(); }
VF_TEST(add_n_int32_wraps) { check_dtype<int32_t>(); }
VF_TEST(add_n_int64_wraps) { check_dtype<int64_t>(); }

VF_TEST(add_n_op_sums_in_input_order) {
  auto graph = std::make_shared<Graph>();
  std::vector<Output> xs;
  std::vector<float> want(3000, 0.0f);
  for (int j = 0; j < 7; ++j) {
    Tensor t(DType::kFloat32, {3000});
    for (int64_t i = 0; i < 3000; ++i) t.data<float>()[i] = 1.0f / static_cast<float>(i + j + 1);
    for (int64_t i = 0; i < 3000; ++i)
      want[static_cast<size_t>(i)] =
          j == 0 ? t.data<float>()[i] : want[static_cast<size_t>(i)] + t.data<float>()[i];
    xs.push_back(ops::constant(*graph, t));
  }
  Output sum = ops::add_n(xs);
  Session session(graph);
  Tensor got = session.run({}, {sum})[0];
  EXPECT_TRUE(std::memcmp(got.data<float>(), want.data(), want.size() * sizeof(float)) == 0);
}

VF_TEST_MAIN()
