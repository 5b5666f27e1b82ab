// Neural-network ops: L2Loss, Softmax, LogSoftmax and SoftmaxCrossEntropyWithLogits, with
// the gradients of TF1's nn_grad.py.
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/fused_dense.h"
#include "kernels/norms.h"
#include "kernels/softmax.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

template <typename Fn>
void visit_float(KernelContext& c, DType d, Fn&& fn) {
  if (d == DType::kFloat32)
    fn(float{});
  else if (d == DType::kFloat64)
    fn(double{});
  else
    c.fail(ErrorCode::kInvalidArgument, "expected a float32 or float64 tensor, got ",
           dtype_name(d));
}

void require_float(InferenceContext& c, int i) {
  shape_rules::require_dtype(c, i, {DType::kFloat32, DType::kFloat64});
}

void l2_loss_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  Tensor& out = c.allocate_output(0, x.dtype(), {});
  visit_float(c, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const double acc = kernels::sum_of_squares_in_order(x.data<T>(), x.num_elements());
    *out.data<T>() = static_cast<T>(acc / 2);
  });
}

template <bool Log>
void softmax_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  VF_CHECK(x.rank() >= 1, ErrorCode::kInvalidArgument, "logits must have >= 1 dimension, got ",
           dims_to_string(x.dims()));
  const int64_t cols = x.dim(x.rank() - 1);
  const int64_t rows = cols == 0 ? 0 : x.num_elements() / cols;
  Tensor& out = c.allocate_output(0, x.dtype(), x.dims());
  visit_float(c, x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::softmax_rows<T>(x.data<T>(), out.data<T>(), rows, cols, Log);
  });
}

void softmax_shape(InferenceContext& c) {
  require_float(c, 0);
  const Shape& s = c.input_shape(0);
  if (s.has_rank() && s.rank() < 1)
    c.value_error("Shape must be at least rank 1 but is rank ", s.rank());
  c.set_output(0, c.input_dtype(0), s);
}

void xent_shape(InferenceContext& c) {
  require_float(c, 0);
  DType d = shape_rules::same_dtype(c);
  Shape s = c.input_shape(0);
  if (!s.compatible_with(c.input_shape(1)))
    c.value_error("logits and labels must be same size: logits_size=", s.to_tf_string(),
                  " labels_size=", c.input_shape(1).to_tf_string());
  s = s.merge_with(c.input_shape(1));
  if (s.has_rank() && s.rank() != 2) c.value_error("Shape must be rank 2 but is rank ", s.rank());
  c.set_output(0, d, s.has_rank() ? Shape({s.dim(0)}) : Shape({kUnknownDim}));
  c.set_output(1, d, s.has_rank() ? s : Shape({kUnknownDim, kUnknownDim}));
}

void xent_kernel(KernelContext& c) {
  const Tensor& logits = c.input(0);
  const Tensor& labels = c.input(1);
  VF_CHECK(logits.rank() == 2 && logits.dims() == labels.dims(), ErrorCode::kInvalidArgument,
           "logits and labels must be same size: logits_size=", dims_to_string(logits.dims()),
           " labels_size=", dims_to_string(labels.dims()));
  const int64_t rows = logits.dim(0), cols = logits.dim(1);
  Tensor& loss = c.allocate_output(0, logits.dtype(), {rows});
  Tensor& backprop = c.allocate_output(1, logits.dtype(), logits.dims());
  visit_float(c, logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    kernels::softmax_cross_entropy_rows<T>(logits.data<T>(), labels.data<T>(), loss.data<T>(),
                                           backprop.data<T>(), rows, cols);
  });
}

Output un(const char* type, Output x) { return op(x.graph(), type, {x}); }
Output last_axis_sum(Output x) { return reduce_sum(x, {-1}, true); }
// vec[:, None] * mat
Output broadcast_mul(Output vec, Output mat) {
  Output col = reshape(vec, constant(vec.graph(), Tensor::from_vector<int32_t>({-1, 1}, {2})));
  return mul(col, mat);
}

// BiasAdd: value + bias along the channel axis (last for NHWC, 1 for NCHW).
int bias_channel_axis(const AttrMap& attrs, int rank) {
  return attrs.get<std::string>("data_format") == "NCHW" && rank >= 3 ? 1 : rank - 1;
}

void bias_add_shape(InferenceContext& c) {
  require_float(c, 0);
  const DType d = shape_rules::same_dtype(c);
  const Shape& x = c.input_shape(0);
  const Shape& b = c.input_shape(1);
  if (x.has_rank() && x.rank() < 2)
    c.value_error("Shape must be at least rank 2 but is rank ", x.rank());
  if (b.has_rank() && b.rank() != 1) c.value_error("Shape must be rank 1 but is rank ", b.rank());
  if (x.has_rank() && b.has_rank()) {
    const int64_t ch = x.dim(bias_channel_axis(c.attrs(), x.rank()));
    if (ch != kUnknownDim && b.dim(0) != kUnknownDim && ch != b.dim(0))
      c.value_error("Dimensions must be equal, but are ", ch, " and ", b.dim(0));
  }
  c.set_output(0, d, x);
}

void bias_add_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const Tensor& b = c.input(1);
  VF_CHECK(x.rank() >= 2, ErrorCode::kInvalidArgument,
           "Input tensor must be at least 2D: ", dims_to_string(x.dims()));
  VF_CHECK(b.rank() == 1, ErrorCode::kInvalidArgument,
           "Biases must be 1D: ", dims_to_string(b.dims()));
  const int axis = bias_channel_axis(c.attrs(), x.rank());
  const int64_t channels = x.dim(axis);
  VF_CHECK(b.dim(0) == channels, ErrorCode::kInvalidArgument,
           "Must provide as many biases as the channel dimension of the input tensor: ",
           dims_to_string(b.dims()), " vs. ", dims_to_string(x.dims()));
  int64_t inner = 1;
  for (int i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
  VF_CHECK((x.dtype() == DType::kFloat32 || x.dtype() == DType::kFloat64) && b.dtype() == x.dtype(),
           ErrorCode::kInvalidArgument,
           "BiasAdd needs float32 or float64 value and bias of one "
           "dtype, got ",
           dtype_name(x.dtype()), " and ", dtype_name(b.dtype()));
  Tensor& out = c.allocate_output(0, x.dtype(), x.dims());
  if (channels == 0 || x.num_elements() == 0) return;
  // Vectorised Adds of the bias, rows (channels last) or channel planes across the pool.
  if (inner == 1)
    kernels::bias_add_rows(x, b, out, c.pool());
  else
    kernels::bias_add_channels(x, b, inner, out, c.pool());
}

// SparseSoftmaxCrossEntropyWithLogits: labels are class indices.
void sparse_xent_shape(InferenceContext& c) {
  require_float(c, 0);
  shape_rules::require_dtype(c, 1, {DType::kInt32, DType::kInt64});
  const Shape& s = c.input_shape(0);
  const Shape& l = c.input_shape(1);
  if (s.has_rank() && s.rank() != 2) c.value_error("Shape must be rank 2 but is rank ", s.rank());
  if (l.has_rank() && l.rank() != 1) c.value_error("Shape must be rank 1 but is rank ", l.rank());
  int64_t batch = s.has_rank() ? s.dim(0) : kUnknownDim;
  if (l.has_rank() && l.dim(0) != kUnknownDim) {
    if (batch != kUnknownDim && batch != l.dim(0))
      c.value_error("Dimensions must be equal, but are ", batch, " and ", l.dim(0));
    batch = l.dim(0);
  }
  c.set_output(0, c.input_dtype(0), Shape({batch}));
  c.set_output(1, c.input_dtype(0), Shape({batch, s.has_rank() ? s.dim(1) : kUnknownDim}));
}

void sparse_xent_kernel(KernelContext& c) {
  const Tensor& logits = c.input(0);
  const Tensor& labels = c.input(1);
  VF_CHECK(logits.rank() == 2, ErrorCode::kInvalidArgument, "logits must be 2-D, but got shape ",
           dims_to_string(logits.dims()));
  VF_CHECK(labels.rank() == 1 && labels.dim(0) == logits.dim(0), ErrorCode::kInvalidArgument,
           "logits and labels must have the same first dimension, got logits shape ",
           dims_to_string(logits.dims()), " and labels shape ", dims_to_string(labels.dims()));
  const int64_t rows = logits.dim(0), cols = logits.dim(1);
  Tensor& loss = c.allocate_output(0, logits.dtype(), {rows});
  Tensor& backprop = c.allocate_output(1, logits.dtype(), logits.dims());
  auto label_at = [&](int64_t r) -> int64_t {
    return labels.dtype() == DType::kInt32 ? labels.data<int32_t>()[r] : labels.data<int64_t>()[r];
  };
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t y = label_at(r);
    if (y < 0 || y >= cols)
      c.fail(ErrorCode::kInvalidArgument, "Received a label value of ", y,
             " which is outside the valid range of [0, ", cols, ").  Label values: ", y);
  }
  visit_float(c, logits.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if (labels.dtype() == DType::kInt32)
      kernels::sparse_softmax_cross_entropy_rows(logits.data<T>(), labels.data<int32_t>(),
                                                 loss.data<T>(), backprop.data<T>(), rows, cols);
    else
      kernels::sparse_softmax_cross_entropy_rows(logits.data<T>(), labels.data<int64_t>(),
                                                 loss.data<T>(), backprop.data<T>(), rows, cols);
  });
}

}  // namespace

void register_nn_ops(OpRegistry& r) {
  r.add("L2Loss")
      .inputs({"t"})
      .outputs({"output"})
      .shape([](InferenceContext& c) {
        require_float(c, 0);
        c.set_output(0, c.input_dtype(0), Shape{});
      })
      .kernel(l2_loss_kernel)
      .grad([](GradContext& c) { return Grads{mul(c.input(0), c.grad())}; });
  r.add("Softmax")
      .inputs({"logits"})
      .outputs({"softmax"})
      .shape(softmax_shape)
      .kernel(softmax_kernel<false>)
      .grad([](GradContext& c) {
        Output y = c.output(), dy = c.grad();
        return Grads{mul(sub(dy, last_axis_sum(mul(dy, y))), y)};
      });
  r.add("LogSoftmax")
      .inputs({"logits"})
      .outputs({"logsoftmax"})
      .shape(softmax_shape)
      .kernel(softmax_kernel<true>)
      .grad([](GradContext& c) {
        Output dy = c.grad();
        return Grads{sub(dy, mul(last_axis_sum(dy), un("Exp", c.output())))};
      });
  r.add("SoftmaxCrossEntropyWithLogits")
      .inputs({"features", "labels"})
      .outputs({"loss", "backprop"})
      .shape(xent_shape)
      .kernel(xent_kernel)
      .grad([](GradContext& c) {
        Output logits = c.input(0);
        Output grad = broadcast_mul(c.grad(0), c.output(1));
        if (c.has_grad(1)) {
          Output gg = c.grad(1);
          Output softmax = un("Softmax", logits);
          grad = add(grad, mul(sub(gg, last_axis_sum(mul(gg, softmax))), softmax));
        }
        return Grads{grad, broadcast_mul(c.grad(0), neg(un("LogSoftmax", logits)))};
      });
  r.add("BiasAdd")
      .inputs({"value", "bias"})
      .outputs({"output"})
      .attr("data_format", "NHWC", "NHWC (channels last) or NCHW")
      .shape(bias_add_shape)
      .kernel(bias_add_kernel)
      .grad([](GradContext& c) {
        // NHWC: the gradient summed over every axis but the last, named as TF1's op.
        Output g = c.grad();
        const Shape& s = c.input(0).shape();
        if (!s.has_rank() || bias_channel_axis(c.attrs(), s.rank()) == s.rank() - 1)
          return Grads{g, sum_to_shape(g, shape(c.input(1)), "BiasAddGrad")};
        std::vector<int64_t> axes;
        for (int i = 0; i < s.rank(); ++i)
          if (i != 1) axes.push_back(i);
        return Grads{g, reduce_sum(g, axes)};
      });
  r.add("SparseSoftmaxCrossEntropyWithLogits")
      .inputs({"features", "labels"})
      .outputs({"loss", "backprop"})
      .shape(sparse_xent_shape)
      .kernel(sparse_xent_kernel)
      .grad([](GradContext& c) {
        Output logits = c.input(0);
        Output grad = broadcast_mul(c.grad(0), c.output(1));
        if (c.has_grad(1)) {
          Output gg = c.grad(1);
          Output softmax = un("Softmax", logits);
          grad = add(grad, mul(sub(gg, last_axis_sum(mul(gg, softmax))), softmax));
        }
        return Grads{grad, std::nullopt};
      });
}

}  // namespace varflow::ops
