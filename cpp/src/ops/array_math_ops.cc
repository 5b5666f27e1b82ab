// TF1's SelectV2 (where_v2: a select whose three inputs broadcast), LinSpace (tf.linspace)
// and Bincount (tf.math.bincount), each with its shape rule, kernel and gradient together.
#include <algorithm>
#include <cstring>

#include "core/element_copy.h"
#include "kernels/elementwise.h"
#include "ops/broadcast_grad.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

// Element strides of `in` read at each axis of `out` (0 where `in` broadcasts there).
Dims broadcast_strides(const Dims& in, const Dims& out) {
  const size_t rank = out.size(), lead = rank - in.size();
  Dims strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = rank; i-- > lead;) {
    const int64_t d = in[i - lead];
    strides[i] = d == 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

void select_v2_kernel(KernelContext& c) {
  const Tensor& cond = c.input(0);
  const Tensor& t = c.input(1);
  const Tensor& e = c.input(2);
  Dims dims = kernels::broadcast_dims(kernels::broadcast_dims(cond.dims(), t.dims()), e.dims());
  Tensor& out = c.allocate_output(0, t.dtype(), dims);
  const int64_t n = out.num_elements();
  if (n == 0) return;
  const size_t size = dtype_size(t.dtype());
  const bool* cv = cond.data<bool>();
  const char* tp = static_cast<const char*>(t.raw());
  const char* ep = static_cast<const char*>(e.raw());
  char* op_ = static_cast<char*>(out.raw());
  if (cond.dims() == dims && t.dims() == dims && e.dims() == dims) {
    for (int64_t i = 0; i < n; ++i) {
      const size_t off = static_cast<size_t>(i) * size;
      copy_raw(t.dtype(), op_ + off, (cv[i] ? tp : ep) + off, size);
    }
    return;
  }
  const Dims sc = broadcast_strides(cond.dims(), dims), st = broadcast_strides(t.dims(), dims),
             se = broadcast_strides(e.dims(), dims);
  const size_t rank = dims.size();
  Dims index(rank, 0);
  int64_t ic = 0, it = 0, ie = 0;
  for (int64_t i = 0; i < n; ++i) {
    const char* src =
        cv[ic] ? tp + static_cast<size_t>(it) * size : ep + static_cast<size_t>(ie) * size;
    copy_raw(t.dtype(), op_ + static_cast<size_t>(i) * size, src, size);
    for (size_t k = rank; k-- > 0;) {  // odometer over the output index
      ic += sc[k];
      it += st[k];
      ie += se[k];
      if (++index[k] < dims[k]) break;
      ic -= sc[k] * dims[k];
      it -= st[k] * dims[k];
      ie -= se[k] * dims[k];
      index[k] = 0;
    }
  }
}

void select_v2_shape(InferenceContext& c) {
  if (c.input_dtype(0) != DType::kBool)
    c.type_error("Value passed to parameter 'condition' has DataType ",
                 dtype_name(c.input_dtype(0)), " not in list of allowed values: bool");
  if (c.input_dtype(1) != c.input_dtype(2))
    c.type_error("Input 'e' of 'SelectV2' Op has type ", dtype_name(c.input_dtype(2)),
                 " that does not match type ", dtype_name(c.input_dtype(1)), " of argument 't'.");
  const Shape te = shape_rules::broadcast_shapes(c, c.input_shape(1), c.input_shape(2));
  c.set_output(0, c.input_dtype(1), shape_rules::broadcast_shapes(c, c.input_shape(0), te));
}

// start + i * (stop - start) / (num - 1) for i < num; just `start` when num == 1.
void lin_space_kernel(KernelContext& c) {
  const Tensor& start = c.input(0);
  const Tensor& stop = c.input(1);
  const Tensor& num_t = c.input(2);
  if (start.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "start must be a scalar, not shape ",
           Shape(start.dims()).to_tf_string());
  if (stop.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "stop must be a scalar, not shape ",
           Shape(stop.dims()).to_tf_string());
  if (num_t.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "num must be a scalar, not shape ",
           Shape(num_t.dims()).to_tf_string());
  const int64_t num = num_t.scalar_as_int();
  if (num <= 0) c.fail(ErrorCode::kInvalidArgument, "Requires num > 0: ", num);
  Tensor& out = c.allocate_output(0, start.dtype(), {num});
  visit_dtype(start.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      const T a = start.data<T>()[0], b = stop.data<T>()[0];
      T* o = out.data<T>();
      if (num == 1) {
        o[0] = a;
        return;
      }
      const T step = (b - a) / static_cast<T>(num - 1);
      for (int64_t i = 0; i < num; ++i) o[i] = a + step * static_cast<T>(i);
    } else {
      c.fail(ErrorCode::kInvalidArgument, "LinSpace needs float32 or float64, got ",
             dtype_name(start.dtype()));
    }
  });
}

void lin_space_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kFloat32, DType::kFloat64});
  if (c.input_dtype(1) != c.input_dtype(0))
    c.type_error("Input 'stop' of 'LinSpace' Op has type ", dtype_name(c.input_dtype(1)),
                 " that does not match type ", dtype_name(c.input_dtype(0)),
                 " of argument 'start'.");
  shape_rules::require_dtype(c, 2, {DType::kInt32, DType::kInt64});
  const char* names[] = {"start", "stop", "num"};
  for (int i = 0; i < 3; ++i)
    if (c.input_shape(i).has_rank() && c.input_shape(i).rank() != 0)
      c.value_error("Shape must be rank 0 but is rank ", c.input_shape(i).rank(), " for input '",
                    names[i], "'");
  int64_t num = kUnknownDim;
  if (const Tensor* n = c.constant_input(2)) {
    num = n->scalar_as_int();
    if (num <= 0) c.value_error("Requires num > 0: ", num);
  }
  c.set_output(0, c.input_dtype(0), Shape({num}));
}

// out[v] = number of (or sum of the weights at) the entries of `arr` equal to v, v < size;
// values at or past `size` are dropped, negative values are an error (TF's CPU kernel).
void bincount_kernel(KernelContext& c) {
  const Tensor& arr = c.input(0);
  const Tensor& size_t_ = c.input(1);
  const Tensor& weights = c.input(2);
  if (size_t_.rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "Shape must be rank 0 but is rank ", size_t_.rank(),
           " for input 'size'");
  const int64_t size = size_t_.scalar_as_int();
  if (size < 0) c.fail(ErrorCode::kInvalidArgument, "size (", size, ") must be non-negative");
  const bool weighted = weights.num_elements() > 0;
  if (weighted && weights.dims() != arr.dims())
    c.fail(ErrorCode::kInvalidArgument, "If weights are passed, they must have the same shape (",
           Shape(weights.dims()).to_tf_string(), ") as arr (", Shape(arr.dims()).to_tf_string(),
           ")");
  Tensor& out = c.allocate_output(0, weights.dtype(), {size});
  const int32_t* a = arr.data<int32_t>();
  for (int64_t i = 0; i < arr.num_elements(); ++i)
    if (a[i] < 0)
      c.fail(ErrorCode::kInvalidArgument, "Input arr must be non-negative! (arr[", i, "] = ", a[i],
             ")");
  visit_dtype(weights.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "Bincount does not support bool weights");
    } else {
      T* o = out.data<T>();
      std::fill(o, o + size, T(0));
      const T* w = weighted ? weights.data<T>() : nullptr;
      for (int64_t i = 0; i < arr.num_elements(); ++i)
        if (a[i] < size) o[a[i]] += w ? w[i] : T(1);
    }
  });
}

void bincount_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {DType::kInt32});
  shape_rules::require_dtype(c, 1, {DType::kInt32});
  shape_rules::require_dtype(c, 2,
                             {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  if (c.input_shape(1).has_rank() && c.input_shape(1).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(1).rank(),
                  " for input 'size'");
  int64_t size = kUnknownDim;
  if (const Tensor* s = c.constant_input(1)) {
    size = s->scalar_as_int();
    if (size < 0) c.value_error("size (", size, ") must be non-negative");
  }
  c.set_output(0, c.input_dtype(2), Shape({size}));
}

}  // namespace

void register_array_math_ops(OpRegistry& r) {
  // TF1's _SelectGradV2: the gradient goes to t where cond holds and to e elsewhere, each
  // summed back over the axes it was broadcast along.
  r.add("SelectV2")
      .inputs({"condition", "t", "e"})
      .outputs({"output"})
      .shape(select_v2_shape)
      .kernel(select_v2_kernel)
      .grad([](GradContext& c) {
        Graph& g = c.graph();
        Output cond = c.input(0), grad = c.grad();
        Output zero = scalar_like(grad, 0.0);
        Output gt = op(g, "SelectV2", {cond, grad, zero});
        Output ge = op(g, "SelectV2", {cond, zero, grad});
        return reduce_broadcast_grads(c, {std::nullopt, gt, ge}, 0, 2);
      });
  r.add("LinSpace")
      .inputs({"start", "stop", "num"})
      .outputs({"output"})
      .shape(lin_space_shape)
      .kernel(lin_space_kernel)
      .not_differentiable();
  r.add("Bincount")
      .inputs({"arr", "size", "weights"})
      .outputs({"bins"})
      .shape(bincount_shape)
      .kernel(bincount_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
