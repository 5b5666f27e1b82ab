// Activation loops, compiled once per SIMD variant (VF_ISA_NS). No expression here has a
// product feeding a sum, so FMA contraction cannot change a result between variants.
#include <cmath>

#include "kernels/activations.h"

namespace varflow::kernels::VF_ISA_NS {
namespace {

constexpr double kSeluScale = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

struct LeakyRelu {
  template <typename T>
  static T apply(T x, T, T alpha) {
    return x > T(0) ? x : x * alpha;
  }
};
struct LeakyReluGrad {  // (gradients, features)
  template <typename T>
  static T apply(T g, T x, T alpha) {
    return x > T(0) ? g : g * alpha;
  }
};
struct Selu {
  template <typename T>
  static T apply(T x, T, T) {
    return x > T(0) ? static_cast<T>(kSeluScale) * x
                    : static_cast<T>(kSeluScale * kSeluAlpha) * std::expm1(x);
  }
};
struct SeluGrad {  // (gradients, outputs)
  template <typename T>
  static T apply(T g, T y, T) {
    return y > T(0) ? g * static_cast<T>(kSeluScale)
                    : g * (y + static_cast<T>(kSeluScale * kSeluAlpha));
  }
};

template <typename F, typename T>
void loop(const void* a, const void* b, void* out, int64_t n, double alpha) {
  const T* __restrict pa = static_cast<const T*>(a);
  const T* __restrict pb = static_cast<const T*>(b);
  T* __restrict po = static_cast<T*>(out);
  const T t_alpha = static_cast<T>(alpha);
  for (int64_t i = 0; i < n; ++i) po[i] = F::apply(pa[i], pb[i], t_alpha);
}

template <typename F>
void fill(ActivationTable& t, Activation op) {
  t.f32[static_cast<int>(op)] = &loop<F, float>;
  t.f64[static_cast<int>(op)] = &loop<F, double>;
}

ActivationTable make_table() {
  ActivationTable t;
  fill<LeakyRelu>(t, Activation::kLeakyRelu);
  fill<LeakyReluGrad>(t, Activation::kLeakyReluGrad);
  fill<Selu>(t, Activation::kSelu);
  fill<SeluGrad>(t, Activation::kSeluGrad);
  return t;
}

}  // namespace

const ActivationTable& activation_table() {
  static const ActivationTable table = make_table();
  return table;
}

}  // namespace varflow::kernels::VF_ISA_NS
