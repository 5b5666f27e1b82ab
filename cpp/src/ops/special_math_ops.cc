// TF1's trigonometric, hyperbolic and special functions (tan ... atanh, erf, lgamma,
// digamma, polygamma, zeta), rint and softsign, the IsNan/IsInf/IsFinite predicates and the
// guarded binary ops (Atan2, Xlogy, Xdivy, TruncateMod). Kernels are the elementwise tables'
// entries (kernels/elementwise.h); gradients are TF1's math_grad.py / nn_grad.py rules.
#include "kernels/betainc.h"
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

// Betainc: a, b and x each a scalar or of one common shape (no other broadcasting, as TF1).
void betainc_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  const DType d = shape_rules::same_dtype(c);
  Shape merged = Shape::unknown_rank();
  bool any_unknown = false, any_non_scalar = false;
  for (int i = 0; i < 3; ++i) {
    const Shape& s = c.input_shape(i);
    if (!s.has_rank()) {
      any_unknown = true;
      continue;
    }
    if (s.rank() == 0) continue;
    if (merged.has_rank() && merged.rank() != s.rank())
      c.value_error("Shapes must be equal rank, but are ", merged.rank(), " and ", s.rank());
    if (merged.has_rank())
      for (int k = 0; k < s.rank(); ++k)
        if (merged.dim(k) != kUnknownDim && s.dim(k) != kUnknownDim && merged.dim(k) != s.dim(k))
          c.value_error("Dimensions must be equal, but are ", merged.dim(k), " and ", s.dim(k));
    merged = merged.merge_with(s);
    any_non_scalar = true;
  }
  // Scalars only: a scalar. An input of unknown rank may be a scalar or the common shape.
  Shape out = any_non_scalar ? merged : Shape({});
  if (any_unknown) out = any_non_scalar ? merged : Shape::unknown_rank();
  c.set_output(0, d, out);
}

void betainc_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Tensor& x = c.input(2);
  const char* names[] = {"a", "b", "x"};
  const Tensor* inputs[] = {&a, &b, &x};
  const Tensor* shaped = nullptr;
  for (int i = 0; i < 3; ++i) {
    if (inputs[i]->rank() == 0) continue;
    for (int j = i + 1; j < 3; ++j)
      if (inputs[j]->rank() > 0 && inputs[j]->dims() != inputs[i]->dims())
        c.fail(ErrorCode::kInvalidArgument, "Shapes of ", names[i], " and ", names[j],
               " are inconsistent: ", dims_to_string(inputs[i]->dims()), " vs. ",
               dims_to_string(inputs[j]->dims()));
    if (!shaped) shaped = inputs[i];
  }
  Tensor& out = c.allocate_output(0, x.dtype(), shaped ? shaped->dims() : Dims{});
  kernels::betainc(a, b, x, out, c.pool());
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
  // The regularized incomplete gamma functions (TF1's _IgammaGrad): d/da = IgammaGradA(a, x),
  // d/dx = exp(-x + (a - 1) log x - lgamma(a)) (in log space: Gamma(a) grows large); igammac's
  // gradients are their negatives. IgammaGradA has no gradient in TF1: asking for one raises
  // its LookupError.
  auto igamma_grads = [](GradContext& c, bool complement) {
    Output a = c.input(0), x = c.input(1), g = c.grad();
    Output partial_a = bin("IgammaGradA", a, x);
    Output log_density = sub(add(neg(x), mul(sub(a, one(a)), un("Log", x))), un("Lgamma", a));
    Output partial_x = un("Exp", log_density);
    Output da = mul(partial_a, g), dx = mul(partial_x, g);
    if (complement) {
      da = neg(da);
      dx = neg(dx);
    }
    return reduce_broadcast_grads(c, {da, dx});
  };
  r.add("Igamma")
      .inputs({"a", "x"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kIgamma>)
      .kernel(binary_kernel<BinaryOp::kIgamma>)
      .grad([igamma_grads](GradContext& c) { return igamma_grads(c, false); });
  r.add("Igammac")
      .inputs({"a", "x"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kIgammac>)
      .kernel(binary_kernel<BinaryOp::kIgammac>)
      .grad([igamma_grads](GradContext& c) { return igamma_grads(c, true); });
  r.add("IgammaGradA")
      .inputs({"a", "x"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kIgammaGradA>)
      .kernel(binary_kernel<BinaryOp::kIgammaGradA>)
      .grad([](GradContext& c) -> Grads {
        raise(ErrorCode::kLookup, "No gradient defined for operation '", c.op().name(),
              "' (op type: IgammaGradA)");
      });
  // I_x(a, b): d/dx = x^(a-1) (1-x)^(b-1) / B(a, b), in log space; TF1 gives none for a, b.
  r.add("Betainc")
      .inputs({"a", "b", "x"})
      .outputs({"z"})
      .shape(betainc_shape)
      .kernel(betainc_kernel)
      .grad([](GradContext& c) {
        Output a = c.input(0), b = c.input(1), x = c.input(2);
        Output log_beta = sub(add(un("Lgamma", a), un("Lgamma", b)), un("Lgamma", add(a, b)));
        Output log_density = sub(
            add(mul(sub(b, one(b)), un("Log", sub(one(x), x))), mul(sub(a, one(a)), un("Log", x))),
            log_beta);
        Output dx = mul(un("Exp", log_density), c.grad());
        return reduce_broadcast_grads(c, {std::nullopt, std::nullopt, dx});
      });
#undef VF_BINARY
}

}  // namespace varflow::ops
