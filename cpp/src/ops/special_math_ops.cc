// TF1's trigonometric, hyperbolic and special functions (tan ... atanh, erf, lgamma,
// digamma, polygamma, zeta), rint and softsign, the IsNan/IsInf/IsFinite predicates and the
// guarded binary ops (Atan2, Xlogy, Xdivy, TruncateMod). Kernels are the elementwise tables'
// entries (kernels/elementwise.h); gradients are TF1's math_grad.py / nn_grad.py rules.
#include "kernels/elementwise.h"
#include "ops/broadcast_grad.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

template <UnaryOp Op>
void unary_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  Tensor& out = c.allocate_output(0, kernels::unary_result_dtype(Op, a.dtype()), a.dims());
  kernels::unary(Op, a, out, c.pool());
}

template <UnaryOp Op>
void unary_shape(InferenceContext& c) {
  const DType d = c.input_dtype(0);
  if (!kernels::unary_supports(Op, d))
    c.type_error("Value passed to parameter 'x' has DataType ", dtype_name(d),
                 " not in list of allowed values");
  c.set_output(0, kernels::unary_result_dtype(Op, d), c.input_shape(0));
}

template <BinaryOp Op>
void binary_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Dims dims = a.dims() == b.dims() ? a.dims() : kernels::broadcast_dims(a.dims(), b.dims());
  Tensor& out = c.allocate_output(0, kernels::binary_result_dtype(Op, a.dtype()), dims);
  kernels::binary(Op, a, b, out, c.pool());
}

template <BinaryOp Op>
void binary_shape(InferenceContext& c) {
  const DType d = shape_rules::same_dtype(c);
  if (!kernels::binary_supports(Op, d))
    c.type_error("Value passed to parameter 'x' has DataType ", dtype_name(d),
                 " not in list of allowed values");
  c.set_output(0, kernels::binary_result_dtype(Op, d),
               shape_rules::broadcast_shapes(c, c.input_shape(0), c.input_shape(1)));
}

Output un(const char* type, Output x) { return op(x.graph(), type, {x}); }
Output bin(const char* type, Output x, Output y) { return op(x.graph(), type, {x, y}); }
Output one(Output x) { return scalar_like(x, 1.0); }
Output square(Output x) { return un("Square", x); }

}  // namespace

void register_special_math_ops(OpRegistry& r) {
#define VF_UNARY(NAME)                      \
  r.add(#NAME)                              \
      .inputs({"x"})                        \
      .outputs({"y"})                       \
      .shape(unary_shape<UnaryOp::k##NAME>) \
      .kernel(unary_kernel<UnaryOp::k##NAME>)
  // d tan = sec^2 = 1 / cos^2
  VF_UNARY(Tan).grad([](GradContext& c) {
    return Grads{mul(c.grad(), square(un("Reciprocal", un("Cos", c.input(0)))))};
  });
  // d asin = 1 / sqrt(1 - x^2), d acos = its negative
  VF_UNARY(Asin).grad([](GradContext& c) {
    Output x = c.input(0);
    return Grads{mul(c.grad(), un("Rsqrt", sub(one(x), square(x))))};
  });
  VF_UNARY(Acos).grad([](GradContext& c) {
    Output x = c.input(0);
    return Grads{neg(mul(c.grad(), un("Rsqrt", sub(one(x), square(x)))))};
  });
  VF_UNARY(Atan).grad([](GradContext& c) {
    Output x = c.input(0);
    return Grads{mul(c.grad(), un("Reciprocal", add(one(x), square(x))))};
  });
  VF_UNARY(Sinh).grad([](GradContext& c) { return Grads{mul(c.grad(), un("Cosh", c.input(0)))}; });
  VF_UNARY(Cosh).grad([](GradContext& c) { return Grads{mul(c.grad(), un("Sinh", c.input(0)))}; });
  // d asinh = 1 / cosh(y), d acosh = 1 / sinh(y) (y the output), d atanh = 1 / (1 - x^2)
  VF_UNARY(Asinh).grad([](GradContext& c) { return Grads{div(c.grad(), un("Cosh", c.output()))}; });
  VF_UNARY(Acosh).grad([](GradContext& c) { return Grads{div(c.grad(), un("Sinh", c.output()))}; });
  VF_UNARY(Atanh).grad([](GradContext& c) {
    Output x = c.input(0);
    return Grads{mul(c.grad(), un("Reciprocal", sub(one(x), square(x))))};
  });
  // d erf = 2 / sqrt(pi) exp(-x^2), d erfc = its negative
  VF_UNARY(Erf).grad([](GradContext& c) {
    Output x = c.input(0);
    Output two_over_root_pi = scalar_like(x, 1.1283791670955126);
    return Grads{mul(c.grad(), mul(two_over_root_pi, un("Exp", neg(square(x)))))};
  });
  VF_UNARY(Erfc).grad([](GradContext& c) {
    Output x = c.input(0);
    Output minus_two_over_root_pi = scalar_like(x, -1.1283791670955126);
    return Grads{mul(c.grad(), mul(minus_two_over_root_pi, un("Exp", neg(square(x)))))};
  });
  VF_UNARY(Lgamma).grad(
      [](GradContext& c) { return Grads{mul(c.grad(), un("Digamma", c.input(0)))}; });
  // d digamma = polygamma(1, x)
  VF_UNARY(Digamma).grad([](GradContext& c) {
    Output x = c.input(0);
    return Grads{mul(c.grad(), bin("Polygamma", ones_like(x), x))};
  });
  // d softsign = 1 / (1 + |x|)^2
  r.add("Softsign")  // TF1 names its input and output as the other activations'
      .inputs({"features"})
      .outputs({"activations"})
      .shape(unary_shape<UnaryOp::kSoftsign>)
      .kernel(unary_kernel<UnaryOp::kSoftsign>)
      .grad([](GradContext& c) {
        Output x = c.input(0);
        return Grads{div(c.grad(), square(add(one(x), un("Abs", x))))};
      });
  VF_UNARY(Rint).not_differentiable();
  VF_UNARY(IsNan).not_differentiable();
  VF_UNARY(IsInf).not_differentiable();
  VF_UNARY(IsFinite).not_differentiable();
#undef VF_UNARY

#define VF_BINARY(NAME)                       \
  r.add(#NAME)                                \
      .inputs({"x", "y"})                     \
      .outputs({"z"})                         \
      .shape(binary_shape<BinaryOp::k##NAME>) \
      .kernel(binary_kernel<BinaryOp::k##NAME>)
  // atan2(y, x): d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2); TF1 names the inputs y, x.
  r.add("Atan2")
      .inputs({"y", "x"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kAtan2>)
      .kernel(binary_kernel<BinaryOp::kAtan2>)
      .grad([](GradContext& c) {
        Output y = c.input(0), x = c.input(1);
        Output scale = div(c.grad(), add(square(x), square(y)));
        return reduce_broadcast_grads(c, {mul(x, scale), neg(mul(y, scale))});
      });
  // TF1's _XLogyGrad: d/dx = xlogy(x != 0, y), d/dy = xdivy(x, y).
  VF_BINARY(Xlogy).grad([](GradContext& c) {
    Output x = c.input(0), y = c.input(1), g = c.grad();
    Output not_zero_x = cast(bin("NotEqual", x, zeros_like(x)), x.dtype());
    return reduce_broadcast_grads(
        c, {mul(g, bin("Xlogy", not_zero_x, y)), mul(g, bin("Xdivy", x, y))});
  });
  // TF1's _XDivyGrad: d/dx = xdivy(x != 0, y), d/dy = xdivy(-x, y^2).
  VF_BINARY(Xdivy).grad([](GradContext& c) {
    Output x = c.input(0), y = c.input(1), g = c.grad();
    Output not_zero_x = cast(bin("NotEqual", x, zeros_like(x)), x.dtype());
    return reduce_broadcast_grads(
        c, {mul(g, bin("Xdivy", not_zero_x, y)), mul(g, bin("Xdivy", neg(x), square(y)))});
  });
  VF_BINARY(TruncateMod).not_differentiable();  // TF1 registers no gradient for it
  // Hurwitz zeta(x, q): d/dq = -x zeta(x + 1, q); TF1 gives no gradient for x.
  r.add("Zeta")
      .inputs({"x", "q"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kZeta>)
      .kernel(binary_kernel<BinaryOp::kZeta>)
      .grad([](GradContext& c) {
        Output x = c.input(0), q = c.input(1);
        Output dq = mul(c.grad(), neg(mul(x, bin("Zeta", add(x, one(x)), q))));
        return reduce_broadcast_grads(c, {std::nullopt, dq});
      });
  // polygamma(a, x): d/dx = polygamma(a + 1, x); TF1 gives no gradient for a.
  r.add("Polygamma")
      .inputs({"a", "x"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kPolygamma>)
      .kernel(binary_kernel<BinaryOp::kPolygamma>)
      .grad([](GradContext& c) {
        Output a = c.input(0), x = c.input(1);
        Output dx = mul(c.grad(), bin("Polygamma", add(a, one(a)), x));
        return reduce_broadcast_grads(c, {std::nullopt, dx});
      });
#undef VF_BINARY
}

}  // namespace varflow::ops
