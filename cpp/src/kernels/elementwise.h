// Elementwise kernels with NumPy broadcasting. The inner loops are compiled once per SIMD
// variant (elementwise_simd.cc); the broadcasting driver here walks the outer dimensions and
// splits large outputs across the thread pool.
#pragma once

#include <cstdint>

#include "core/thread_pool.h"
#include "kernels/isa.h"
#include "varflow/tensor.h"

namespace varflow::kernels {

// X(Name, dtypes, expression in a and b). dtypes: Numeric (ints and floats), Float,
// Compare (numeric in, bool out), Equality (any in, bool out), Logical (bool); unary ones
// also FloatPredicate (float in, bool out). Integer
// arithmetic wraps (kernels/wrapping.h), as in TF1.
#define VF_BINARY_OPS(X)                                                  \
  X(Add, Numeric, wrap_add(a, b))                                         \
  X(Sub, Numeric, wrap_sub(a, b))                                         \
  X(Mul, Numeric, wrap_mul(a, b))                                         \
  X(Div, Numeric, truncate_div(a, b))                                     \
  X(FloorDiv, Numeric, floor_div(a, b))                                   \
  X(FloorMod, Numeric, floor_mod(a, b))                                   \
  X(Pow, Numeric, power(a, b))                                            \
  X(Maximum, Numeric, ((a > b || a != a) ? a : b)) /* NaN wins */         \
  X(Minimum, Numeric, ((a < b || a != a) ? a : b))                        \
  X(SquaredDifference, Numeric, wrap_mul(wrap_sub(a, b), wrap_sub(a, b))) \
  X(Less, Compare, a < b)                                                 \
  X(LessEqual, Compare, a <= b)                                           \
  X(Greater, Compare, a > b)                                              \
  X(GreaterEqual, Compare, a >= b)                                        \
  X(Equal, Equality, a == b)                                              \
  X(NotEqual, Equality, a != b)                                           \
  X(LogicalAnd, Logical, a&& b)                                           \
  X(LogicalOr, Logical, a || b)                                           \
  /* gradient helpers, TF1's names: (dy, x) or (y, dy) as in TF */        \
  X(ReluGrad, Numeric, (b > T(0) ? a : T(0)))                             \
  X(Relu6Grad, Numeric, ((b > T(0) && b < T(6)) ? a : T(0)))              \
  X(TanhGrad, Float, b*(T(1) - a * a))                                    \
  X(SigmoidGrad, Float, b * a * (T(1) - a))                               \
  X(SqrtGrad, Float, b* T(0.5) / a)                                       \
  X(RsqrtGrad, Float, b* T(-0.5) * a * a * a)                             \
  X(ReciprocalGrad, Float, -b * a * a)                                    \
  X(SoftplusGrad, Float, a / (T(1) + vmath::exp(-b)))                     \
  X(EluGrad, Float, (b > T(0) ? a : a * (b + T(1))))                      \
  /* TF1's special and guarded ops (special_functions.h) */               \
  X(Atan2, Float, std::atan2(a, b))                                       \
  X(Xlogy, Float, special::xlogy(a, b))                                   \
  X(Xdivy, Float, special::xdivy(a, b))                                   \
  X(TruncateMod, Numeric, truncate_mod(a, b))                             \
  X(Zeta, Float, special::zeta(a, b))                                     \
  X(Polygamma, Float, special::polygamma(a, b))                           \
  X(Igamma, Float, special::igamma(a, b))                                 \
  X(Igammac, Float, special::igammac(a, b))                               \
  X(IgammaGradA, Float, special::igamma_grad_a(a, b))

#define VF_UNARY_OPS(X)                                                           \
  X(Neg, Numeric, wrap_neg(a))                                                    \
  X(Abs, Numeric, (a < T(0) ? wrap_neg(a) : a))                                   \
  X(Sign, Numeric, (a != a ? a : T((a > T(0)) - (a < T(0))))) /* NaN stays NaN */ \
  X(Square, Numeric, wrap_mul(a, a))                                              \
  X(Relu, Numeric, (a < T(0) ? T(0) : a)) /* NaN stays NaN */                     \
  X(Relu6, Numeric, (a < T(0) ? T(0) : (a > T(6) ? T(6) : a)))                    \
  X(Sqrt, Float, std::sqrt(a))                                                    \
  X(Rsqrt, Float, T(1) / std::sqrt(a))                                            \
  X(Reciprocal, Float, T(1) / a)                                                  \
  X(Exp, Float, vmath::exp(a))                                                    \
  X(Expm1, Float, std::expm1(a))                                                  \
  X(Log, Float, vmath::log(a))                                                    \
  X(Log1p, Float, std::log1p(a))                                                  \
  X(Tanh, Float, vmath::tanh(a))                                                  \
  X(Sigmoid, Float, sigmoid(a))                                                   \
  X(Softplus, Float, softplus(a))                                                 \
  X(Elu, Float, (a > T(0) ? a : std::expm1(a)))                                   \
  X(Sin, Float, std::sin(a))                                                      \
  X(Cos, Float, std::cos(a))                                                      \
  X(Floor, Float, std::floor(a))                                                  \
  X(Ceil, Float, std::ceil(a))                                                    \
  X(Round, Numeric, round_half_even(a)) /* integers: the identity, as TF1 */      \
  X(LogicalNot, Logical, !a)                                                      \
  /* TF1's trigonometric, hyperbolic and special functions */                     \
  X(Tan, Float, std::tan(a))                                                      \
  X(Asin, Float, std::asin(a))                                                    \
  X(Acos, Float, std::acos(a))                                                    \
  X(Atan, Float, std::atan(a))                                                    \
  X(Sinh, Float, std::sinh(a))                                                    \
  X(Cosh, Float, std::cosh(a))                                                    \
  X(Asinh, Float, std::asinh(a))                                                  \
  X(Acosh, Float, std::acosh(a))                                                  \
  X(Atanh, Float, std::atanh(a))                                                  \
  X(Erf, Float, std::erf(a))                                                      \
  X(Erfc, Float, std::erfc(a))                                                    \
  X(Lgamma, Float, special::lgamma(a))                                            \
  X(Digamma, Float, special::digamma(a))                                          \
  X(Rint, Float, std::nearbyint(a)) /* half to even, as Round */                  \
  X(Softsign, Float, a / (T(1) + std::abs(a)))                                    \
  /* FloatPredicate: float in, bool out */                                        \
  X(IsNan, FloatPredicate, std::isnan(a))                                         \
  X(IsInf, FloatPredicate, std::isinf(a))                                         \
  X(IsFinite, FloatPredicate, std::isfinite(a))

enum class BinaryOp : int {
#define VF_ENUM(name, dtypes, expr) k##name,
  VF_BINARY_OPS(VF_ENUM) kCount
};
enum class UnaryOp : int { VF_UNARY_OPS(VF_ENUM) kCount };
#undef VF_ENUM

constexpr int kNumDTypes = 5;
constexpr int kNumBinaryOps = static_cast<int>(BinaryOp::kCount);
constexpr int kNumUnaryOps = static_cast<int>(UnaryOp::kCount);

// out[i] = f(a[i * a_stride], b[i * b_stride]) for i < n; strides are 0 or 1.
using BinaryLoop = void (*)(const void* a, int64_t a_stride, const void* b, int64_t b_stride,
                            void* out, int64_t n);
using UnaryLoop = void (*)(const void* a, void* out, int64_t n);

struct ElementwiseTable {
  BinaryLoop binary[kNumBinaryOps][kNumDTypes] = {};
  UnaryLoop unary[kNumUnaryOps][kNumDTypes] = {};
};

namespace baseline {
const ElementwiseTable& elementwise_table();
}
namespace avx2 {
const ElementwiseTable& elementwise_table();
}
namespace avx512 {
const ElementwiseTable& elementwise_table();
}
// The table of a compiled variant (nullptr if not compiled), and of the selected one.
const ElementwiseTable* elementwise_table(Isa isa);
const ElementwiseTable& elementwise_table();

const char* binary_op_name(BinaryOp op);
const char* unary_op_name(UnaryOp op);
DType binary_result_dtype(BinaryOp op, DType input);
DType unary_result_dtype(UnaryOp op, DType input);
bool binary_supports(BinaryOp op, DType dtype);
bool unary_supports(UnaryOp op, DType dtype);

// NumPy broadcasting of two shapes; throws kInvalidArgument naming both shapes.
Dims broadcast_dims(const Dims& a, const Dims& b);

// out = op(a, b) with broadcasting; `out` must already have the broadcast dimensions and the
// result dtype. Raises InvalidArgument for integer division by zero.
void binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor& out, ThreadPool& pool,
            const ElementwiseTable& table = elementwise_table());
void unary(UnaryOp op, const Tensor& a, Tensor& out, ThreadPool& pool,
           const ElementwiseTable& table = elementwise_table());

// out = x repeated along the dimensions where x has 1 (or none) and `out` more (NumPy
// broadcasting, checked by the caller): every element copied as it is (-0 stays -0, NaN
// payloads kept), any dtype; allocates nothing.
void broadcast_to(const Tensor& x, Tensor& out, ThreadPool& pool);

}  // namespace varflow::kernels
