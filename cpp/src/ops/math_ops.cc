// Math ops: elementwise arithmetic with broadcasting, AddN, MatMul and reductions.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/element_copy.h"
#include "core/thread_pool.h"
#include "kernels/activations.h"
#include "kernels/add_n.h"
#include "kernels/elementwise.h"
#include "kernels/matmul.h"
#include "kernels/reduce.h"
#include "kernels/scan.h"
#include "ops/broadcast_grad.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"
#include "varflow/ops.h"

namespace varflow::ops {

namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

template <BinaryOp Op>
void binary_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const Dims dims = a.dims() == b.dims() ? a.dims() : kernels::broadcast_dims(a.dims(), b.dims());
  Tensor& out = c.allocate_output(0, kernels::binary_result_dtype(Op, a.dtype()), dims);
  kernels::binary(Op, a, b, out, c.pool());
}

template <UnaryOp Op>
void unary_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  Tensor& out = c.allocate_output(0, a.dtype(), a.dims());
  kernels::unary(Op, a, out, c.pool());
}

// Shape rule for an elementwise binary op: same dtypes, one the op's kernel supports.
template <BinaryOp Op>
void binary_shape(InferenceContext& c) {
  DType d = shape_rules::same_dtype(c);
  if (!kernels::binary_supports(Op, d))
    c.type_error("Value passed to parameter 'x' has DataType ", dtype_name(d),
                 " not in list of allowed values");
  c.set_output(0, kernels::binary_result_dtype(Op, d),
               shape_rules::broadcast_shapes(c, c.input_shape(0), c.input_shape(1)));
}

template <UnaryOp Op>
void unary_shape(InferenceContext& c) {
  DType d = c.input_dtype(0);
  if (!kernels::unary_supports(Op, d))
    c.type_error("Value passed to parameter 'x' has DataType ", dtype_name(d),
                 " not in list of allowed values");
  c.set_output(0, d, c.input_shape(0));
}

void add_n_kernel(KernelContext& c) {
  const Tensor& first = c.input(0);
  Tensor& out = c.allocate_output(0, first.dtype(), first.dims());
  if (c.num_inputs() == 1) {
    copy_raw(first.dtype(), out.raw(), first.raw(), first.nbytes());
    return;
  }
  // Every input is checked before the first one is read: AddN does not broadcast.
  for (int i = 1; i < c.num_inputs(); ++i)
    if (c.input(i).dims() != first.dims())
      c.fail(ErrorCode::kInvalidArgument, "Inputs to operation AddN must have the same size and ",
             "shape.  Input 0: ", dims_to_string(first.dims()), " != input ", i, ": ",
             dims_to_string(c.input(i).dims()));
  if (kernels::add_n_supports(first.dtype())) {
    std::vector<const Tensor*> inputs;
    inputs.reserve(static_cast<size_t>(c.num_inputs()));
    for (int i = 0; i < c.num_inputs(); ++i) inputs.push_back(&c.input(i));
    kernels::add_n(inputs, out, c.pool());
    return;
  }
  // The other dtypes (and bool's clear error) go through pairwise Add.
  kernels::binary(BinaryOp::kAdd, first, c.input(1), out, c.pool());
  for (int i = 2; i < c.num_inputs(); ++i)
    kernels::binary(BinaryOp::kAdd, out, c.input(i), out, c.pool());
}

void add_n_shape(InferenceContext& c) {
  if (c.num_inputs() == 0) c.value_error("AddN needs at least one input");
  DType d = shape_rules::same_dtype(c);
  if (d == DType::kString)  // TF1's AddN sums numbers only (string Add concatenates)
    c.type_error("Value passed to parameter 'inputs' has DataType ", dtype_name(d),
                 " not in list of allowed values");
  Shape s = c.input_shape(0);
  for (int i = 1; i < c.num_inputs(); ++i) {
    const Shape& si = c.input_shape(i);
    if (s.has_rank() && si.has_rank() && s.rank() != si.rank())
      c.value_error("Shapes must be equal rank, but are ", s.rank(), " and ", si.rank(),
                    ". Shapes are ", s.to_tf_string(), " and ", si.to_tf_string());
    if (!s.compatible_with(si))
      for (int k = 0; k < s.rank(); ++k)
        if (s.dim(k) >= 0 && si.dim(k) >= 0 && s.dim(k) != si.dim(k))
          c.value_error("Dimension ", k, " in both shapes must be equal, but are ", s.dim(k),
                        " and ", si.dim(k), ". Shapes are ", s.to_tf_string(), " and ",
                        si.to_tf_string());
    s = s.merge_with(si);
  }
  c.set_output(0, d, s);
}

void matmul_shape(InferenceContext& c) {
  DType d = shape_rules::same_dtype(c);
  shape_rules::require_dtype(c, 0,
                             {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  shape_rules::require_rank(c, 0, 2);
  shape_rules::require_rank(c, 1, 2);
  const Shape& a = c.input_shape(0);
  const Shape& b = c.input_shape(1);
  bool ta = c.attrs().get<bool>("transpose_a");
  bool tb = c.attrs().get<bool>("transpose_b");
  int64_t m = kUnknownDim, n = kUnknownDim;
  if (a.has_rank()) {
    m = a.dim(ta ? 1 : 0);
    int64_t ka = a.dim(ta ? 0 : 1);
    if (b.has_rank()) {
      int64_t kb = b.dim(tb ? 1 : 0);
      if (ka >= 0 && kb >= 0 && ka != kb)
        raise(ErrorCode::kValue, "Dimensions must be equal, but are ", ka, " and ", kb, " for '",
              c.node_name(), "' (op: 'MatMul') with input shapes: ", a.to_tf_string(), ", ",
              b.to_tf_string(), ".");
    }
  }
  if (b.has_rank()) n = b.dim(tb ? 0 : 1);
  c.set_output(0, d, Shape({m, n}));
}

void matmul_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  bool ta = c.attrs().get<bool>("transpose_a");
  bool tb = c.attrs().get<bool>("transpose_b");
  VF_CHECK(a.rank() == 2 && b.rank() == 2, ErrorCode::kInvalidArgument,
           "In[0] and In[1] must be matrices: ", dims_to_string(a.dims()), " ",
           dims_to_string(b.dims()));
  int64_t ka = ta ? a.dim(0) : a.dim(1), kb = tb ? b.dim(1) : b.dim(0);
  VF_CHECK(ka == kb, ErrorCode::kInvalidArgument,
           "Matrix size-incompatible: In[0]: ", dims_to_string(a.dims()),
           ", In[1]: ", dims_to_string(b.dims()));
  Tensor& out =
      c.allocate_output(0, a.dtype(), {ta ? a.dim(1) : a.dim(0), tb ? b.dim(0) : b.dim(1)});
  kernels::matmul(a, b, ta, tb, out);
}

template <kernels::ReduceOp Op>
void reduce_kernel(KernelContext& c) {
  const Tensor& in = c.input(0);
  const Tensor& axes_t = c.input(1);
  const int rank = in.rank();
  thread_local std::vector<int> axes;  // reused: steady-state runs do not allocate
  axes.clear();
  if (axes_t.rank() > 1)
    c.fail(ErrorCode::kInvalidArgument, "axes must be a scalar or a vector, got shape ",
           dims_to_string(axes_t.dims()));
  const Dims ax = axes_t.as_dims();
  for (int64_t a : ax) {
    const std::optional<int64_t> axis = normalize_axis(a, rank);
    if (!axis)
      c.fail(ErrorCode::kInvalidArgument, "Invalid reduction dimension (", a, " for input with ",
             rank, " dimension(s)");
    axes.push_back(static_cast<int>(*axis));
  }
  std::sort(axes.begin(), axes.end());
  const auto duplicate = std::adjacent_find(axes.begin(), axes.end());
  if (duplicate != axes.end())
    c.fail(ErrorCode::kInvalidArgument,
           "Invalid reduction arguments: Axes contains duplicate dimension: ", *duplicate);
  const bool keep = c.attrs().get<bool>("keep_dims");
  Dims out_dims;
  for (int i = 0; i < rank; ++i) {
    bool r = std::binary_search(axes.begin(), axes.end(), i);
    if (!r)
      out_dims.push_back(in.dim(i));
    else if (keep)
      out_dims.push_back(1);
  }
  Tensor& out = c.allocate_output(0, in.dtype(), out_dims);
  kernels::reduce(Op, in, axes, out);
}

// Shape of `x` with reduced axes set to 1: the shape a reduction's gradient is reshaped to.
void reduced_shape_kernel(KernelContext& c) {
  const Dims shape = c.input(0).as_dims();
  const Dims axes = c.input(1).as_dims();
  const int64_t rank = static_cast<int64_t>(shape.size());
  Tensor& out = c.allocate_output(0, DType::kInt32, {rank});
  for (int64_t i = 0; i < rank; ++i)
    out.data<int32_t>()[i] = static_cast<int32_t>(shape[static_cast<size_t>(i)]);
  for (int64_t a : axes) {
    const std::optional<int64_t> axis = normalize_axis(a, rank);
    if (!axis)
      c.fail(ErrorCode::kInvalidArgument, "Invalid reduction dimension (", a, " for input with ",
             rank, " dimension(s)");
    out.data<int32_t>()[*axis] = 1;
  }
}

// Gradient of Sum: dy reshaped to the kept-dims shape, broadcast back to x's shape.
Output sum_grad(GradContext& c) {
  Output x_shape = ops::shape(c.input(0));
  Output kept = ops::op(c.graph(), "ReducedShape", {x_shape, c.input(1)});
  return ops::op(c.graph(), "BroadcastTo", {ops::reshape(c.grad(), kept), x_shape});
}

// Select(cond, t, e): out = cond ? t : e elementwise when cond has t's shape; as in TF1, a
// vector cond may also pick whole rows of t and e (its length is their first dimension).
void select_kernel(KernelContext& c) {
  const Tensor& cond = c.input(0);
  const Tensor& t = c.input(1);
  const Tensor& e = c.input(2);
  if (t.dims() != e.dims())
    c.fail(ErrorCode::kInvalidArgument,
           "'then' and 'else' must have the same size.  but received: ", dims_to_string(t.dims()),
           " vs. ", dims_to_string(e.dims()));
  const bool by_row = cond.rank() == 1 && t.rank() > 1;
  if (by_row && cond.dim(0) != t.dim(0))
    c.fail(ErrorCode::kInvalidArgument,
           "Number of batches of 'then' must match size of 'cond', but saw: ", t.dim(0), " vs. ",
           cond.dim(0));
  if (!by_row && cond.dims() != t.dims())
    c.fail(ErrorCode::kInvalidArgument,
           "'cond' and 'then' must have the same shape, or cond must be a vector whose size is "
           "the first dimension of 'then': ",
           dims_to_string(cond.dims()), " vs. ", dims_to_string(t.dims()));
  Tensor& out = c.allocate_output(0, t.dtype(), t.dims());
  if (out.num_elements() == 0) return;
  const size_t run =
      dtype_size(t.dtype()) * static_cast<size_t>(by_row ? out.num_elements() / t.dim(0) : 1);
  const bool* cv = cond.data<bool>();
  const char* tp = static_cast<const char*>(t.raw());
  const char* ep = static_cast<const char*>(e.raw());
  char* op_ = static_cast<char*>(out.raw());
  for (int64_t i = 0; i < cond.num_elements(); ++i) {
    const size_t off = static_cast<size_t>(i) * run;
    copy_raw(t.dtype(), op_ + off, (cv[i] ? tp : ep) + off, run);
  }
}

void select_shape(InferenceContext& c) {
  if (c.input_dtype(0) != DType::kBool)
    c.type_error("Value passed to parameter 'condition' has DataType ",
                 dtype_name(c.input_dtype(0)), " not in list of allowed values: bool");
  if (c.input_dtype(1) != c.input_dtype(2))
    c.type_error("Input 'e' of 'Select' Op has type ", dtype_name(c.input_dtype(2)),
                 " that does not match type ", dtype_name(c.input_dtype(1)), " of argument 't'.");
  const Shape& t = c.input_shape(1);
  const Shape& e = c.input_shape(2);
  const Shape& cond = c.input_shape(0);
  if (!t.compatible_with(e))
    c.value_error("Shapes must be equal rank, but are ", t.to_tf_string(), " and ",
                  e.to_tf_string());
  Shape out = t.merge_with(e);
  const bool by_row = cond.has_rank() && cond.rank() == 1 && out.has_rank() && out.rank() > 1;
  if (by_row) {
    if (cond.dim(0) >= 0 && out.dim(0) >= 0 && cond.dim(0) != out.dim(0))
      c.value_error("Dimension 0 in both shapes must be equal, but are ", cond.dim(0), " and ",
                    out.dim(0), ". Shapes are ", cond.to_tf_string(), " and ", out.to_tf_string());
  } else if (!out.compatible_with(cond)) {
    c.value_error("Shapes must be equal rank, but are ", cond.to_tf_string(), " and ",
                  out.to_tf_string());
  } else {
    out = out.merge_with(cond);
  }
  c.set_output(0, c.input_dtype(1), out);
}

template <bool Prod>
void cumsum_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int rank = x.rank();
  if (c.input(1).rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "ScanOp: axis must be a scalar, not ",
           Shape(c.input(1).dims()).to_tf_string());
  const int64_t requested = c.input(1).scalar_as_int();
  const std::optional<int64_t> normalized = normalize_axis(requested, rank);
  if (!normalized)
    c.fail(ErrorCode::kInvalidArgument, "ScanOp: Expected scan axis in the range [", -rank, ", ",
           rank, "), but got ", requested);
  const int64_t axis = *normalized;
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= x.dim(i);
  for (int i = static_cast<int>(axis) + 1; i < rank; ++i) inner *= x.dim(i);
  const bool exclusive = c.attrs().get<bool>("exclusive");
  const bool reverse = c.attrs().get<bool>("reverse");
  Tensor& out = c.allocate_output(0, x.dtype(), x.dims());
  visit_dtype(x.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      c.fail(ErrorCode::kInvalidArgument, "Cumsum does not support bool");
    } else {
      const kernels::ScanGeometry g{outer, x.dim(static_cast<int>(axis)), inner, exclusive,
                                    reverse};
      if constexpr (Prod)
        kernels::cumulative_product(g, x.data<T>(), out.data<T>());
      else
        kernels::cumulative_sum(g, x.data<T>(), out.data<T>());
    }
  });
}

void cumsum_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0,
                             {DType::kFloat32, DType::kFloat64, DType::kInt32, DType::kInt64});
  shape_rules::require_dtype(c, 1, {DType::kInt32, DType::kInt64});
  if (c.input_shape(1).has_rank() && c.input_shape(1).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(1).rank());
  c.set_output(0, c.input_dtype(0), c.input_shape(0));
}

// --- reductions beyond Sum/Mean -------------------------------------------------------------
template <DType... Allowed>
void typed_reduction(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {Allowed...});
  shape_rules::reduction(c);
}
constexpr DType kF32 = DType::kFloat32, kF64 = DType::kFloat64, kI32 = DType::kInt32,
                kI64 = DType::kInt64, kBool = DType::kBool;

Output i32c(Graph& g, std::vector<int32_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return constant(g, Tensor::from_vector(v, {n}));
}

// TF1's _MinOrMaxGrad: the gradient goes to every input equal to the result, split equally.
Output min_or_max_grad(GradContext& c) {
  Graph& g = c.graph();
  Output x = c.input(0);
  Output kept = op(g, "ReducedShape", {shape(x), c.input(1)});
  Output y = reshape(c.output(), kept);
  Output grad = reshape(c.grad(), kept);
  Output indicators = cast(op(g, "Equal", {y, x}), grad.dtype());
  Output num_selected =
      reshape(op(g, "Sum", {indicators, c.input(1)}, {{"keep_dims", false}}), kept);
  return mul(div(indicators, num_selected), grad);
}

// TF1's _ProdGrad: products of everything to the left and right of each element (exclusive
// cumprods over the reduced axes moved to the front), so zeros in the input are handled.
Output prod_grad(GradContext& c) {
  Graph& g = c.graph();
  Output x = c.input(0);
  Output input_shape = shape(x);
  Output axes = reshape(c.input(1), i32c(g, {-1}));
  if (axes.dtype() != DType::kInt32) axes = cast(axes, DType::kInt32);
  Output kept = op(g, "ReducedShape", {input_shape, axes});
  Output tile_scaling = op(g, "FloorDiv", {input_shape, kept});
  Output grad = op(g, "Tile", {reshape(c.grad(), kept), tile_scaling});
  Output rank = op(g, "Rank", {x});
  Output reduced = op(g, "FloorMod", {add(axes, rank), rank});
  Output idx = op(g, "Range", {scalar<int32_t>(g, 0), rank, scalar<int32_t>(g, 1)});
  Output other = add_op(g, "ListDiff", {idx, reduced})->output(0);
  Output perm = op(g, "ConcatV2", {reduced, other, scalar<int32_t>(g, 0)});
  Output zero = scalar<int32_t>(g, 0);
  Output reduced_num = op(g, "Prod", {op(g, "GatherV2", {input_shape, reduced, zero}), zero},
                          {{"keep_dims", false}});
  Output other_num =
      op(g, "Prod", {op(g, "GatherV2", {input_shape, other, zero}), zero}, {{"keep_dims", false}});
  Output permuted = op(g, "Transpose", {x, perm});
  Output permuted_shape = shape(permuted);
  Output reshaped =
      reshape(permuted, op(g, "Pack", {reduced_num, other_num}, {{"axis", int64_t{0}}}));
  Output left = op(g, "Cumprod", {reshaped, zero}, {{"exclusive", true}, {"reverse", false}});
  Output right = op(g, "Cumprod", {reshaped, zero}, {{"exclusive", true}, {"reverse", true}});
  Output y = reshape(mul(left, right), permuted_shape);
  Output out = mul(grad, op(g, "Transpose", {y, op(g, "InvertPermutation", {perm})}));
  return reshape(out, input_shape);
}

void arg_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {kF32, kF64, kI32, kI64});
  shape_rules::require_dtype(c, 1, {kI32, kI64});
  const DType out = c.attrs().get<DType>("output_type");
  if (out != kI32 && out != kI64)
    c.type_error("output_type must be int32 or int64, got ", dtype_name(out));
  const Shape& s = c.input_shape(0);
  const Tensor* d = c.constant_input(1);
  if (c.input_shape(1).has_rank() && c.input_shape(1).rank() != 0)
    c.value_error("Shape must be rank 0 but is rank ", c.input_shape(1).rank());
  if (!s.has_rank()) {
    c.set_output(0, out, Shape::unknown_rank());
    return;
  }
  const int64_t r = s.rank();
  if (!d) {
    c.set_output(
        0, out,
        r == 0 ? Shape::unknown_rank() : Shape(Dims(static_cast<size_t>(r - 1), kUnknownDim)));
    return;
  }
  const int64_t requested = d->scalar_as_int();
  const std::optional<int64_t> axis = normalize_axis(requested, r);
  if (!axis)
    c.value_error("Expected dimension in the range [", -r, ", ", r, "), but got ", requested);
  Dims dims = s.dims();
  dims.erase(dims.begin() + *axis);
  c.set_output(0, out, Shape(dims));
}

template <bool IsMax>
void arg_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const int r = x.rank();
  if (c.input(1).rank() != 0)
    c.fail(ErrorCode::kInvalidArgument, "dimension must be a scalar, got shape ",
           Shape(c.input(1).dims()).to_tf_string());
  const int64_t requested = c.input(1).scalar_as_int();
  const std::optional<int64_t> normalized = normalize_axis(requested, r);
  if (!normalized)
    c.fail(ErrorCode::kInvalidArgument, "Expected dimension in the range [", -r, ", ", r,
           "), but got ", requested);
  const int64_t axis = *normalized;
  if (x.dim(static_cast<int>(axis)) == 0)
    c.fail(ErrorCode::kInvalidArgument, "Reduction axis ", axis, " is empty in shape ",
           dims_to_string(x.dims()));
  Dims dims = x.dims();
  dims.erase(dims.begin() + axis);
  Tensor& out = c.allocate_output(0, c.attrs().get<DType>("output_type"), dims);
  kernels::arg_reduce(IsMax, x, static_cast<int>(axis), out);
}

// --- batched matrix products ------------------------------------------------------------------
Dims batch_of(const Tensor& t) { return Dims(t.dims().begin(), t.dims().end() - 2); }

void batch_matmul_shape(InferenceContext& c, bool broadcast) {
  DType d = shape_rules::same_dtype(c);
  shape_rules::require_dtype(c, 0, {kF32, kF64, kI32, kI64});
  const Shape& a = c.input_shape(0);
  const Shape& b = c.input_shape(1);
  const bool ax = c.attrs().get<bool>("adj_x"), ay = c.attrs().get<bool>("adj_y");
  for (int i = 0; i < 2; ++i) {
    const Shape& s = c.input_shape(i);
    if (s.has_rank() && s.rank() < 2)
      c.value_error("Shape must be at least rank 2 but is rank ", s.rank(),
                    " with input shapes: ", a.to_tf_string(), ", ", b.to_tf_string());
  }
  if (!a.has_rank() || !b.has_rank()) {
    c.set_output(0, d, Shape::unknown_rank());
    return;
  }
  const int ra = a.rank(), rb = b.rank();
  const int64_t m = a.dim(ax ? ra - 1 : ra - 2), ka = a.dim(ax ? ra - 2 : ra - 1);
  const int64_t kb = b.dim(ay ? rb - 1 : rb - 2), n = b.dim(ay ? rb - 2 : rb - 1);
  if (ka >= 0 && kb >= 0 && ka != kb)
    c.value_error("Dimensions must be equal, but are ", ka, " and ", kb,
                  " with input shapes: ", a.to_tf_string(), ", ", b.to_tf_string());
  Shape batch_a(Dims(a.dims().begin(), a.dims().end() - 2)),
      batch_b(Dims(b.dims().begin(), b.dims().end() - 2));
  Dims batch;
  if (broadcast) {
    batch = shape_rules::broadcast_shapes(c, batch_a, batch_b).dims();
  } else {
    if (ra != rb)
      c.value_error("Shape must be rank ", ra, " but is rank ", rb,
                    " with input shapes: ", a.to_tf_string(), ", ", b.to_tf_string());
    if (!batch_a.compatible_with(batch_b))
      c.value_error("Batch dimensions must be equal, but are ", batch_a.to_tf_string(), " and ",
                    batch_b.to_tf_string());
    batch = batch_a.merge_with(batch_b).dims();
  }
  batch.push_back(m);
  batch.push_back(n);
  c.set_output(0, d, Shape(batch));
}

// `t` broadcast to batch dims `batch` (its last two dims kept): a materialised copy.
Tensor broadcast_batch(KernelContext& c, const Tensor& t, const Dims& batch) {
  Dims dims = batch;
  dims.push_back(t.dim(t.rank() - 2));
  dims.push_back(t.dim(t.rank() - 1));
  if (t.dims() == dims) return t;
  Tensor out(t.dtype(), dims);
  kernels::binary(BinaryOp::kAdd, t, Tensor::zeros(t.dtype(), {}), out, c.pool());
  return out;
}

template <bool Broadcast>
void batch_matmul_kernel(KernelContext& c) {
  const Tensor& a = c.input(0);
  const Tensor& b = c.input(1);
  const bool ax = c.attrs().get<bool>("adj_x"), ay = c.attrs().get<bool>("adj_y");
  if (a.rank() < 2 || b.rank() < 2)
    c.fail(ErrorCode::kInvalidArgument,
           "In[0] and In[1] must have rank >= 2: ", dims_to_string(a.dims()), " ",
           dims_to_string(b.dims()));
  const int ra = a.rank(), rb = b.rank();
  const int64_t m = a.dim(ax ? ra - 1 : ra - 2), k = a.dim(ax ? ra - 2 : ra - 1);
  const int64_t kb = b.dim(ay ? rb - 1 : rb - 2), n = b.dim(ay ? rb - 2 : rb - 1);
  if (k != kb)
    c.fail(ErrorCode::kInvalidArgument,
           "Matrix size-incompatible: In[0]: ", dims_to_string(a.dims()),
           ", In[1]: ", dims_to_string(b.dims()));
  Dims batch;
  if (Broadcast) {
    batch = kernels::broadcast_dims(batch_of(a), batch_of(b));
  } else {
    if (batch_of(a) != batch_of(b))
      c.fail(ErrorCode::kInvalidArgument,
             "In[0] and In[1] must have compatible batch dimensions: ", dims_to_string(a.dims()),
             " vs. ", dims_to_string(b.dims()));
    batch = batch_of(a);
  }
  const int64_t nb = num_elements(batch);
  Dims out_dims = batch;
  out_dims.push_back(m);
  out_dims.push_back(n);
  Tensor& out = c.allocate_output(0, a.dtype(), out_dims);
  if (out.num_elements() == 0) return;
  if (!ax && num_elements(batch_of(b)) == 1 && batch_of(a) == batch) {
    // One GEMM: [batch * m, k] @ [k, n].
    Tensor a2 = a.reshaped({nb * m, k}), b2 = b.reshaped({b.dim(rb - 2), b.dim(rb - 1)});
    Tensor o2 = out.reshaped({nb * m, n});
    kernels::matmul(a2, b2, false, ay, o2);
    return;
  }
  Tensor af = broadcast_batch(c, a, batch), bf = broadcast_batch(c, b, batch);
  Dims a3{nb, af.dim(af.rank() - 2), af.dim(af.rank() - 1)},
      b3{nb, bf.dim(bf.rank() - 2), bf.dim(bf.rank() - 1)};
  Tensor o3 = out.reshaped({nb, m, n});
  kernels::batch_matmul(af.reshaped(a3), bf.reshaped(b3), ax, ay, nb, o3);
}

Grads batch_matmul_grad(GradContext& c, const char* type) {
  const bool ax = c.attrs().get<bool>("adj_x"), ay = c.attrs().get<bool>("adj_y");
  Output x = c.input(0), y = c.input(1), g = c.grad();
  auto bmm = [&](Output p, Output q, bool adj_p, bool adj_q) {
    return op(c.graph(), type, {p, q}, {{"adj_x", adj_p}, {"adj_y", adj_q}});
  };
  Grads grads;
  if (!ax && !ay)
    grads = {bmm(g, y, false, true), bmm(x, g, true, false)};
  else if (!ax && ay)
    grads = {bmm(g, y, false, false), bmm(g, x, true, false)};
  else if (ax && !ay)
    grads = {bmm(y, g, false, true), bmm(x, g, false, false)};
  else
    grads = {bmm(y, g, true, true), bmm(g, x, true, true)};
  if (std::string(type) != "BatchMatMulV2") return grads;
  // BatchMatMulV2 broadcasts the batch axes (TF1 sums them back only when shapes differ).
  return reduce_broadcast_grads(c, std::move(grads), 0, 1, /*exempt_trailing=*/2);
}

// --- activations with attributes ----------------------------------------------------------------

void float_unary_shape(InferenceContext& c) {
  shape_rules::require_dtype(c, 0, {kF32, kF64});
  c.set_output(0, c.input_dtype(0), c.input_shape(0));
}

void float_binary_shape(InferenceContext& c) {
  DType d = shape_rules::same_dtype(c);
  shape_rules::require_dtype(c, 0, {kF32, kF64});
  const Shape& a = c.input_shape(0);
  const Shape& b = c.input_shape(1);
  if (!a.compatible_with(b))
    c.value_error("Shapes must be equal rank, but are ", a.to_tf_string(), " and ",
                  b.to_tf_string());
  c.set_output(0, d, a.merge_with(b));
}

// The activations of kernels/activations.h over inputs 0 and Inputs - 1 (the same input for
// unary ones), which must have one shape and a float dtype.
template <int Inputs>
void activation_kernel(KernelContext& c, kernels::Activation op, double alpha = 0) {
  const Tensor& x = c.input(0);
  const Tensor& y = c.input(Inputs - 1);
  if (x.dims() != y.dims())
    c.fail(ErrorCode::kInvalidArgument,
           "Inputs must have the same shape: ", dims_to_string(x.dims()), " vs. ",
           dims_to_string(y.dims()));
  Tensor& out = c.allocate_output(0, x.dtype(), x.dims());
  if (x.dtype() != kF32 && x.dtype() != kF64)
    c.fail(ErrorCode::kInvalidArgument, "expected a float tensor, got ", dtype_name(x.dtype()));
  kernels::activation(op, x, y, out, alpha, c.pool());
}

void leaky_relu_kernel(KernelContext& c) {
  activation_kernel<1>(c, kernels::Activation::kLeakyRelu, c.attrs().get<double>("alpha"));
}
void leaky_relu_grad_kernel(KernelContext& c) {
  activation_kernel<2>(c, kernels::Activation::kLeakyReluGrad, c.attrs().get<double>("alpha"));
}
void selu_kernel(KernelContext& c) { activation_kernel<1>(c, kernels::Activation::kSelu); }
void selu_grad_kernel(KernelContext& c) { activation_kernel<2>(c, kernels::Activation::kSeluGrad); }

Output select(Output cond, Output t, Output e) { return op(cond.graph(), "Select", {cond, t, e}); }
Output un(const char* type, Output x) { return op(x.graph(), type, {x}); }
Output bin(const char* type, Output x, Output y) { return op(x.graph(), type, {x, y}); }

}  // namespace

void register_math_ops(OpRegistry& r) {
  using shape_rules::broadcast_binary;

  // --- elementwise binary ------------------------------------------------------------------
  for (const char* name : {"Add", "AddV2"})
    r.add(name)
        .inputs({"x", "y"})
        .outputs({"z"})
        .shape(binary_shape<BinaryOp::kAdd>)
        .kernel(binary_kernel<BinaryOp::kAdd>)
        .grad([](GradContext& c) { return reduce_broadcast_grads(c, {c.grad(), c.grad()}); });
  r.add("Sub")
      .inputs({"x", "y"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kSub>)
      .kernel(binary_kernel<BinaryOp::kSub>)
      .grad([](GradContext& c) { return reduce_broadcast_grads(c, {c.grad(), neg(c.grad())}); });
  r.add("Mul")
      .inputs({"x", "y"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kMul>)
      .kernel(binary_kernel<BinaryOp::kMul>)
      .grad([](GradContext& c) {
        return reduce_broadcast_grads(c, {mul(c.grad(), c.input(1)), mul(c.grad(), c.input(0))});
      });
  for (const char* name : {"RealDiv", "Div"})
    r.add(name)
        .inputs({"x", "y"})
        .outputs({"z"})
        .shape(binary_shape<BinaryOp::kDiv>)
        .kernel(binary_kernel<BinaryOp::kDiv>)
        .grad([name](GradContext& c) {
          Graph& g = c.graph();
          Output x = c.input(0), y = c.input(1), dy = c.grad();
          return reduce_broadcast_grads(
              c, {op(g, name, {dy, y}), mul(dy, op(g, name, {op(g, name, {neg(x), y}), y}))});
        });

  // --- elementwise unary -------------------------------------------------------------------
  r.add("Neg")
      .inputs({"x"})
      .outputs({"y"})
      .shape(unary_shape<UnaryOp::kNeg>)
      .kernel(unary_kernel<UnaryOp::kNeg>)
      .grad([](GradContext& c) { return Grads{neg(c.grad())}; });

  // --- n-ary, linear algebra ---------------------------------------------------------------
  r.add("AddN")
      .inputs({"inputs"})
      .variadic_inputs()
      .outputs({"sum"})
      .shape(add_n_shape)
      .kernel(add_n_kernel)
      .grad([](GradContext& c) { return Grads(static_cast<size_t>(c.num_inputs()), c.grad()); });
  r.add("MatMul")
      .inputs({"a", "b"})
      .outputs({"product"})
      .attr("transpose_a", false, "use a's transpose")
      .attr("transpose_b", false, "use b's transpose")
      .shape(matmul_shape)
      .kernel(matmul_kernel)
      .grad([](GradContext& c) {
        const bool ta = c.attrs().get<bool>("transpose_a");
        const bool tb = c.attrs().get<bool>("transpose_b");
        Output a = c.input(0), b = c.input(1), g = c.grad();
        if (!ta && !tb) return Grads{matmul(g, b, false, true), matmul(a, g, true, false)};
        if (!ta && tb) return Grads{matmul(g, b, false, false), matmul(g, a, true, false)};
        if (ta && !tb) return Grads{matmul(b, g, false, true), matmul(a, g, false, false)};
        return Grads{matmul(b, g, true, true), matmul(g, a, true, true)};
      });

  // --- reductions --------------------------------------------------------------------------
  r.add("Sum")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(shape_rules::reduction)
      .kernel(reduce_kernel<kernels::ReduceOp::kSum>)
      .grad([](GradContext& c) { return Grads{sum_grad(c), std::nullopt}; });
  r.add("Mean")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(shape_rules::reduction)
      .kernel(reduce_kernel<kernels::ReduceOp::kMean>)
      .grad([](GradContext& c) {
        Graph& g = c.graph();
        Output count =
            op(g, "FloorDiv", {op(g, "Size", {c.input(0)}), op(g, "Size", {c.output()})});
        return Grads{div(sum_grad(c), cast(count, c.input(0).dtype())), std::nullopt};
      });
  r.add("TruncateDiv")  // integer division rounding toward zero, as C does
      .inputs({"x", "y"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kDiv>)
      .kernel(binary_kernel<BinaryOp::kDiv>)
      .not_differentiable();
  r.add("ReducedShape")
      .inputs({"input_shape", "axes"})
      .outputs({"output"})
      .shape([](InferenceContext& c) { c.set_output(0, DType::kInt32, c.input_shape(0)); })
      .kernel(reduced_shape_kernel)
      .not_differentiable();
  r.add("FloorDiv")
      .inputs({"x", "y"})
      .outputs({"z"})
      .shape(binary_shape<BinaryOp::kFloorDiv>)
      .kernel(binary_kernel<BinaryOp::kFloorDiv>)
      .not_differentiable();
  // Unary ops with their TF1 gradients (math_grad.py / nn_grad.py). Ops whose gradient is a
  // helper op (SqrtGrad...) pass (y, dy) or (dy, x) in TF1's argument order.
#define VF_UNARY(NAME)                      \
  r.add(#NAME)                              \
      .inputs({"x"})                        \
      .outputs({"y"})                       \
      .shape(unary_shape<UnaryOp::k##NAME>) \
      .kernel(unary_kernel<UnaryOp::k##NAME>)
  VF_UNARY(Abs).grad([](GradContext& c) { return Grads{mul(c.grad(), un("Sign", c.input(0)))}; });
  VF_UNARY(Sign).grad([](GradContext& c) { return Grads{zeros_like(c.input(0))}; });
  VF_UNARY(Square).grad([](GradContext& c) {
    return Grads{mul(c.grad(), mul(scalar_like(c.input(0), 2.0), c.input(0)))};
  });
  VF_UNARY(Sqrt).grad([](GradContext& c) { return Grads{bin("SqrtGrad", c.output(), c.grad())}; });
  VF_UNARY(Rsqrt).grad(
      [](GradContext& c) { return Grads{bin("RsqrtGrad", c.output(), c.grad())}; });
  VF_UNARY(Reciprocal).grad([](GradContext& c) {
    return Grads{bin("ReciprocalGrad", c.output(), c.grad())};
  });
  VF_UNARY(Exp).grad([](GradContext& c) { return Grads{mul(c.grad(), c.output())}; });
  VF_UNARY(Expm1).grad([](GradContext& c) { return Grads{mul(c.grad(), un("Exp", c.input(0)))}; });
  VF_UNARY(Log).grad(
      [](GradContext& c) { return Grads{mul(c.grad(), un("Reciprocal", c.input(0)))}; });
  VF_UNARY(Log1p).grad([](GradContext& c) {
    Output x = c.input(0);
    return Grads{mul(c.grad(), un("Reciprocal", add(scalar_like(x, 1.0), x)))};
  });
  VF_UNARY(Tanh).grad([](GradContext& c) { return Grads{bin("TanhGrad", c.output(), c.grad())}; });
  VF_UNARY(Sigmoid).grad(
      [](GradContext& c) { return Grads{bin("SigmoidGrad", c.output(), c.grad())}; });
  VF_UNARY(Relu).grad([](GradContext& c) { return Grads{bin("ReluGrad", c.grad(), c.output())}; });
  VF_UNARY(Relu6).grad(
      [](GradContext& c) { return Grads{bin("Relu6Grad", c.grad(), c.output())}; });
  VF_UNARY(Elu).grad([](GradContext& c) { return Grads{bin("EluGrad", c.grad(), c.output())}; });
  VF_UNARY(Softplus).grad(
      [](GradContext& c) { return Grads{bin("SoftplusGrad", c.grad(), c.input(0))}; });
  VF_UNARY(Sin).grad([](GradContext& c) { return Grads{mul(c.grad(), un("Cos", c.input(0)))}; });
  VF_UNARY(Cos).grad(
      [](GradContext& c) { return Grads{neg(mul(c.grad(), un("Sin", c.input(0))))}; });
  VF_UNARY(Floor).not_differentiable();
  VF_UNARY(Ceil).not_differentiable();
  VF_UNARY(Round).not_differentiable();
  VF_UNARY(LogicalNot).not_differentiable();
#undef VF_UNARY

  // Binary ops.
#define VF_BINARY(NAME)                       \
  r.add(#NAME)                                \
      .inputs({"x", "y"})                     \
      .outputs({"z"})                         \
      .shape(binary_shape<BinaryOp::k##NAME>) \
      .kernel(binary_kernel<BinaryOp::k##NAME>)
  VF_BINARY(Maximum).grad([](GradContext& c) {
    Output dy = c.grad(), zeros = zeros_like(c.grad());
    Output mask = bin("GreaterEqual", c.input(0), c.input(1));
    return reduce_broadcast_grads(c, {select(mask, dy, zeros), select(mask, zeros, dy)});
  });
  VF_BINARY(Minimum).grad([](GradContext& c) {
    Output dy = c.grad(), zeros = zeros_like(c.grad());
    Output mask = bin("LessEqual", c.input(0), c.input(1));
    return reduce_broadcast_grads(c, {select(mask, dy, zeros), select(mask, zeros, dy)});
  });
  VF_BINARY(Pow).grad([](GradContext& c) {
    Output x = c.input(0), y = c.input(1), z = c.output(), dy = c.grad();
    Output gx = mul(dy, mul(y, bin("Pow", x, sub(y, scalar_like(y, 1.0)))));
    Output log_x = select(bin("Greater", x, zeros_like(x)), un("Log", x), zeros_like(x));
    return reduce_broadcast_grads(c, {gx, mul(dy, mul(z, log_x))});
  });
  VF_BINARY(SquaredDifference).grad([](GradContext& c) {
    Output x = c.input(0), y = c.input(1);
    Output gx = mul(c.grad(), mul(scalar_like(x, 2.0), sub(x, y)));
    return reduce_broadcast_grads(c, {gx, neg(gx)});
  });
  VF_BINARY(FloorMod).grad([](GradContext& c) {
    Output x = c.input(0), y = c.input(1);
    return reduce_broadcast_grads(c, {c.grad(), mul(c.grad(), neg(bin("FloorDiv", x, y)))});
  });
  VF_BINARY(Less).not_differentiable();
  VF_BINARY(LessEqual).not_differentiable();
  VF_BINARY(Greater).not_differentiable();
  VF_BINARY(GreaterEqual).not_differentiable();
  VF_BINARY(Equal).not_differentiable();
  VF_BINARY(NotEqual).not_differentiable();
  VF_BINARY(LogicalAnd).not_differentiable();
  VF_BINARY(LogicalOr).not_differentiable();
#undef VF_BINARY

  // Gradient helper ops and their own (second-order) gradients, as TF1's math_grad/nn_grad.
#define VF_GRAD_OP(NAME, A, B)                \
  r.add(#NAME)                                \
      .inputs({A, B})                         \
      .outputs({"z"})                         \
      .shape(binary_shape<BinaryOp::k##NAME>) \
      .kernel(binary_kernel<BinaryOp::k##NAME>)
  VF_GRAD_OP(ReluGrad, "gradients", "features").grad([](GradContext& c) {
    return Grads{bin("ReluGrad", c.grad(), c.input(1)), zeros_like(c.input(1))};
  });
  VF_GRAD_OP(Relu6Grad, "gradients", "features").grad([](GradContext& c) {
    return Grads{bin("Relu6Grad", c.grad(), c.input(1)), zeros_like(c.input(1))};
  });
  VF_GRAD_OP(TanhGrad, "y", "dy").grad([](GradContext& c) {
    Output a = c.input(0), b = c.input(1), g = c.grad();
    return Grads{mul(mul(g, scalar_like(a, -2.0)), mul(b, a)), bin("TanhGrad", a, g)};
  });
  VF_GRAD_OP(SigmoidGrad, "y", "dy").grad([](GradContext& c) {
    Output a = c.input(0), b = c.input(1), g = c.grad();
    Output gb = mul(g, b);
    return Grads{sub(gb, mul(mul(scalar_like(a, 2.0), gb), a)), bin("SigmoidGrad", a, g)};
  });
  VF_GRAD_OP(SqrtGrad, "y", "dy").grad([](GradContext& c) {
    Output a = c.input(0), g = c.grad();
    Output ga = div(g, a);
    return Grads{neg(mul(ga, c.output())), mul(scalar_like(a, 0.5), ga)};
  });
  VF_GRAD_OP(RsqrtGrad, "y", "dy").grad([](GradContext& c) {
    Output a = c.input(0), b = c.input(1), g = c.grad();
    return Grads{mul(mul(scalar_like(a, -1.5), mul(g, b)), un("Square", a)),
                 bin("RsqrtGrad", a, g)};
  });
  VF_GRAD_OP(ReciprocalGrad, "y", "dy").grad([](GradContext& c) {
    Output a = c.input(0), b = c.input(1), g = c.grad();
    return Grads{mul(mul(g, scalar_like(a, -2.0)), mul(b, a)), bin("ReciprocalGrad", a, g)};
  });
  VF_GRAD_OP(SoftplusGrad, "gradients", "features").grad([](GradContext& c) {
    Output dy = c.input(0), x = c.input(1), g = c.grad();
    Output denom = add(add(un("Exp", neg(x)), scalar_like(x, 2.0)), un("Exp", x));
    return Grads{bin("SoftplusGrad", g, x), div(mul(g, dy), denom)};
  });
  VF_GRAD_OP(EluGrad, "gradients", "outputs").grad([](GradContext& c) {
    Output dy = c.input(0), y = c.input(1), g = c.grad();
    Output zeros = zeros_like(y);
    Output mask = bin("Less", y, zeros);
    return Grads{bin("EluGrad", g, y), select(mask, mul(g, dy), zeros)};
  });
#undef VF_GRAD_OP

  r.add("Select")
      .inputs({"condition", "t", "e"})
      .outputs({"output"})
      .shape(select_shape)
      .kernel(select_kernel)
      .grad([](GradContext& c) {
        Output cond = c.input(0), g = c.grad(), zeros = zeros_like(c.grad());
        return Grads{std::nullopt, select(cond, g, zeros), select(cond, zeros, g)};
      });
  r.add("Cumsum")
      .inputs({"x", "axis"})
      .outputs({"out"})
      .attr("exclusive", false, "exclude each element from its own result")
      .attr("reverse", false, "scan from the end")
      .shape(cumsum_shape)
      .kernel(cumsum_kernel<false>)
      .grad([](GradContext& c) {
        AttrMap attrs{{"exclusive", c.attrs().get<bool>("exclusive")},
                      {"reverse", !c.attrs().get<bool>("reverse")}};
        return Grads{op(c.graph(), "Cumsum", {c.grad(), c.input(1)}, attrs), std::nullopt};
      });
  // --- reductions with axis lists (TF1's math_grad.py gradients) -----------------------------
  r.add("Max")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(typed_reduction<kF32, kF64, kI32, kI64>)
      .kernel(reduce_kernel<kernels::ReduceOp::kMax>)
      .grad([](GradContext& c) { return Grads{min_or_max_grad(c), std::nullopt}; });
  r.add("Min")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(typed_reduction<kF32, kF64, kI32, kI64>)
      .kernel(reduce_kernel<kernels::ReduceOp::kMin>)
      .grad([](GradContext& c) { return Grads{min_or_max_grad(c), std::nullopt}; });
  r.add("Prod")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(typed_reduction<kF32, kF64, kI32, kI64>)
      .kernel(reduce_kernel<kernels::ReduceOp::kProd>)
      .grad([](GradContext& c) { return Grads{prod_grad(c), std::nullopt}; });
  r.add("All")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(typed_reduction<kBool>)
      .kernel(reduce_kernel<kernels::ReduceOp::kAll>)
      .not_differentiable();
  r.add("Any")
      .inputs({"input", "reduction_indices"})
      .outputs({"output"})
      .attr("keep_dims", false, "keep reduced dimensions with length 1")
      .shape(typed_reduction<kBool>)
      .kernel(reduce_kernel<kernels::ReduceOp::kAny>)
      .not_differentiable();
  r.add("ArgMax")
      .inputs({"input", "dimension"})
      .outputs({"output"})
      .attr("output_type", DType::kInt64, "int32 or int64")
      .shape(arg_shape)
      .kernel(arg_kernel<true>)
      .not_differentiable();
  r.add("ArgMin")
      .inputs({"input", "dimension"})
      .outputs({"output"})
      .attr("output_type", DType::kInt64, "int32 or int64")
      .shape(arg_shape)
      .kernel(arg_kernel<false>)
      .not_differentiable();
  r.add("Cumprod")
      .inputs({"x", "axis"})
      .outputs({"out"})
      .attr("exclusive", false, "exclude each element from its own result")
      .attr("reverse", false, "scan from the end")
      .shape(cumsum_shape)
      .kernel(cumsum_kernel<true>)
      .grad([](GradContext& c) {
        // TF1: cumsum(prod * grad, exclusive, !reverse) / x
        const bool exclusive = c.attrs().get<bool>("exclusive");
        const bool reverse = c.attrs().get<bool>("reverse");
        Output summed = op(c.graph(), "Cumsum", {mul(c.output(), c.grad()), c.input(1)},
                           {{"exclusive", exclusive}, {"reverse", !reverse}});
        return Grads{div(summed, c.input(0)), std::nullopt};
      });

  // --- batched matrix products ---------------------------------------------------------------
  r.add("BatchMatMul")
      .inputs({"x", "y"})
      .outputs({"output"})
      .attr("adj_x", false, "use x's transpose")
      .attr("adj_y", false, "use y's transpose")
      .shape([](InferenceContext& c) { batch_matmul_shape(c, false); })
      .kernel(batch_matmul_kernel<false>)
      .grad([](GradContext& c) { return batch_matmul_grad(c, "BatchMatMul"); });
  r.add("BatchMatMulV2")
      .inputs({"x", "y"})
      .outputs({"output"})
      .attr("adj_x", false, "use x's transpose")
      .attr("adj_y", false, "use y's transpose")
      .shape([](InferenceContext& c) { batch_matmul_shape(c, true); })
      .kernel(batch_matmul_kernel<true>)
      .grad([](GradContext& c) { return batch_matmul_grad(c, "BatchMatMulV2"); });

  // --- activations with attributes (TF1's nn_grad.py) -----------------------------------------
  r.add("LeakyRelu")
      .inputs({"features"})
      .outputs({"activations"})
      .attr("alpha", 0.2, "slope for negative inputs")
      .shape(float_unary_shape)
      .kernel(leaky_relu_kernel)
      .grad([](GradContext& c) {
        AttrMap attrs{{"alpha", c.attrs().get<double>("alpha")}};
        return Grads{op(c.graph(), "LeakyReluGrad", {c.grad(), c.input(0)}, attrs)};
      });
  r.add("LeakyReluGrad")
      .inputs({"gradients", "features"})
      .outputs({"backprops"})
      .attr("alpha", 0.2, "slope for negative inputs")
      .shape(float_binary_shape)
      .kernel(leaky_relu_grad_kernel)
      .grad([](GradContext& c) {
        AttrMap attrs{{"alpha", c.attrs().get<double>("alpha")}};
        return Grads{op(c.graph(), "LeakyReluGrad", {c.grad(), c.input(1)}, attrs),
                     zeros_like(c.input(1))};
      });
  r.add("Selu")
      .inputs({"features"})
      .outputs({"activations"})
      .shape(float_unary_shape)
      .kernel(selu_kernel)
      .grad([](GradContext& c) { return Grads{bin("SeluGrad", c.grad(), c.output())}; });
  r.add("SeluGrad")
      .inputs({"gradients", "outputs"})
      .outputs({"backprops"})
      .shape(float_binary_shape)
      .kernel(selu_grad_kernel)
      .grad([](GradContext& c) {
        Output dy = c.input(0), y = c.input(1), g = c.grad();
        Output zeros = zeros_like(y);
        return Grads{bin("SeluGrad", g, y), select(bin("Less", y, zeros), mul(g, dy), zeros)};
      });
}

}  // namespace varflow::ops
