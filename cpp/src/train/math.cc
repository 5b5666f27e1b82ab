// TF1's math_ops.py and sort_ops.py composites, node for node.
#include "varflow/train/math.h"

#include <algorithm>
#include <numeric>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

namespace {

// An operand of tensordot as the MatMul takes it: [free, contracted] (or, flipped,
// [contracted, free]), with the free dimensions it leaves in the result.
struct MatmulOperand {
  Output matrix;
  Dims free_dims;  // static sizes, kUnknownDim where only the run time knows
  std::optional<Output> free_dims_tensor;  // the free sizes as an int32 vector, when not static
};

Output int32_const(Graph& graph, const std::vector<int64_t>& values, const std::string& name) {
  std::vector<int32_t> v(values.begin(), values.end());
  return ops::constant(graph, Tensor::from_vector<int32_t>(v, {static_cast<int64_t>(v.size())}),
                       name);
}

// TF1's _tensordot_reshape: `x` transposed so that `axes` come last (first when flipped) and
// reshaped to a matrix; static sizes where the shape is fully defined, else read at run time.
MatmulOperand tensordot_reshape(Graph& graph, Output x, const std::vector<int64_t>& axes,
                                bool flipped) {
  const Shape& shape = x.shape();
  const int rank = shape.rank();
  std::vector<int64_t> free;
  for (int64_t i = 0; i < rank; ++i)
    if (std::find(axes.begin(), axes.end(), i) == axes.end()) free.push_back(i);
  std::vector<int64_t> perm = flipped ? axes : free;
  const std::vector<int64_t>& second = flipped ? free : axes;
  perm.insert(perm.end(), second.begin(), second.end());
  MatmulOperand result;
  for (int64_t i : free) result.free_dims.push_back(shape.dim(static_cast<int>(i)));
  if (shape.fully_defined()) {
    int64_t prod_free = 1, prod_axes = 1;
    for (int64_t i : free) prod_free *= shape.dim(static_cast<int>(i));
    for (int64_t i : axes) prod_axes *= shape.dim(static_cast<int>(i));
    std::vector<int64_t> identity(perm.size());
    std::iota(identity.begin(), identity.end(), 0);
    Output transposed = x;
    if (perm != identity) transposed = tf::transpose(graph, x, {perm.begin(), perm.end()});
    const Dims new_shape = flipped ? Dims{prod_axes, prod_free} : Dims{prod_free, prod_axes};
    result.matrix = transposed;
    if (transposed.shape() != Shape(new_shape))
      result.matrix = ops::reshape(transposed, int32_const(graph, new_shape, "Const"));
    return result;
  }
  Output axes_t = int32_const(graph, axes, "axes");
  Output free_t = int32_const(graph, free, "free");
  Output shape_t = ops::Shape(x);
  Output zero = tf::int32_scalar(graph, 0);
  Output free_dims = ops::GatherV2(shape_t, free_t, zero);
  Output axes_dims = ops::GatherV2(shape_t, axes_t, tf::int32_scalar(graph, 0));
  Output prod_free = tf::reduce("Prod", free_dims, std::nullopt, false);
  Output prod_axes = tf::reduce("Prod", axes_dims, std::nullopt, false);
  Output perm_t = ops::ConcatV2(
      {flipped ? axes_t : free_t, flipped ? free_t : axes_t, tf::int32_scalar(graph, 0)},
      ops::ConcatV2Attrs().with_N(2), "concat");
  Output new_shape = ops::Pack(flipped ? std::vector<Output>{prod_axes, prod_free}
                                       : std::vector<Output>{prod_free, prod_axes},
                               {}, "stack");
  Output transposed = ops::Transpose(x, perm_t, "transpose");
  result.matrix = ops::Reshape(transposed, new_shape, "Reshape");
  result.free_dims_tensor = free_dims;
  return result;
}

std::vector<int64_t> normalized_axes(const std::vector<int64_t>& axes, const Shape& shape,
                                     const char* operand) {
  const int64_t rank = shape.rank();
  std::vector<int64_t> result;
  for (int64_t axis : axes) {
    VF_CHECK(axis >= -rank && axis < rank, ErrorCode::kValue, "tensordot: axis ", axis, " of '",
             operand, "' is out of range for a tensor of rank ", rank, " (shape ",
             tf::shape_str(shape), ")");
    const int64_t a = axis < 0 ? axis + rank : axis;
    VF_CHECK(std::find(result.begin(), result.end(), a) == result.end(), ErrorCode::kValue,
             "tensordot: repeated contraction axes of '", operand, "'");
    result.push_back(a);
  }
  return result;
}

void require_rank(const Output& x, const char* operand) {
  VF_CHECK(x.shape().has_rank(), ErrorCode::kValue, "tensordot needs operands of known rank; '",
           operand, "' (", x.name(), ") has none");
}

}  // namespace

Output tensordot(Graph& graph, Output a, Output b, int64_t axes, const std::string& name) {
  VF_CHECK(axes >= 0, ErrorCode::kValue, "'axes' must be at least 0.");
  require_rank(a, "a");
  require_rank(b, "b");
  const int64_t rank_a = a.shape().rank(), rank_b = b.shape().rank();
  VF_CHECK(axes <= rank_a && axes <= rank_b, ErrorCode::kValue,
           "'axes' must not be larger than the number of dimensions of tensor ", a.name(),
           ".  Received ", axes, ", vs tensor dimensions ", std::min(rank_a, rank_b), ".");
  std::vector<int64_t> a_axes, b_axes;
  for (int64_t i = 0; i < axes; ++i) {
    a_axes.push_back(rank_a - axes + i);
    b_axes.push_back(i);
  }
  return tensordot(graph, a, b, ContractionAxes{a_axes, b_axes}, name);
}

Output tensordot(Graph& graph, Output a, Output b, const ContractionAxes& axes,
                 const std::string& name) {
  const std::vector<int64_t>& a_axes = axes.a;
  const std::vector<int64_t>& b_axes = axes.b;
  NameScope scope(graph, name.empty() ? "Tensordot" : name);
  VF_CHECK(a_axes.size() == b_axes.size(), ErrorCode::kValue,
           "Different number of contraction axes 'a' and 'b', ", a_axes.size(),
           " != ", b_axes.size(), ".");
  require_rank(a, "a");
  require_rank(b, "b");
  const std::vector<int64_t> axes_a = normalized_axes(a_axes, a.shape(), "a");
  const std::vector<int64_t> axes_b = normalized_axes(b_axes, b.shape(), "b");
  for (size_t i = 0; i < axes_a.size(); ++i) {
    const int64_t da = a.shape().dim(static_cast<int>(axes_a[i]));
    const int64_t db = b.shape().dim(static_cast<int>(axes_b[i]));
    VF_CHECK(da == kUnknownDim || db == kUnknownDim || da == db, ErrorCode::kValue,
             "Dimensions must be equal, but are ", da, " and ", db, " for tensordot");
  }
  const MatmulOperand lhs = tensordot_reshape(graph, a, axes_a, false);
  const MatmulOperand rhs = tensordot_reshape(graph, b, axes_b, true);
  Output product = ops::MatMul(lhs.matrix, rhs.matrix);
  Dims out_dims = lhs.free_dims;
  out_dims.insert(out_dims.end(), rhs.free_dims.begin(), rhs.free_dims.end());
  if (!lhs.free_dims_tensor && !rhs.free_dims_tensor) {
    if (product.shape() == Shape(out_dims)) return product;
    return ops::Reshape(product, int32_const(graph, out_dims, "Const"), scope.scope());
  }
  auto free_tensor = [&](const MatmulOperand& m) {
    return m.free_dims_tensor ? *m.free_dims_tensor : int32_const(graph, m.free_dims, "Const");
  };
  Output out_shape = ops::ConcatV2({free_tensor(lhs), free_tensor(rhs), tf::int32_scalar(graph, 0)},
                                   ops::ConcatV2Attrs().with_N(2), "concat");
  Output out = ops::Reshape(product, out_shape, scope.scope());
  graph.refine_output_shape(*out.node, 0, out.shape().merge_with(Shape(out_dims)));
  return out;
}

Output logical_xor(Output x, Output y, const std::string& name) {
  Output either = ops::LogicalOr(x, y);
  Output both = ops::LogicalAnd(x, y);
  return ops::LogicalAnd(either, ops::LogicalNot(both), name.empty() ? "LogicalXor" : name);
}

Output log_sigmoid(Graph& graph, const Arg& x, const std::string& name) {
  NameScope scope(graph, name.empty() ? "LogSigmoid" : name);
  Output value = x.tensor(graph, std::nullopt, "x");
  return ops::Neg(ops::Softplus(ops::Neg(value)), scope.scope());
}

namespace {

Output reduce_over(const std::string& type, Graph& graph, Output x, const std::optional<Arg>& axis,
                   bool keepdims) {
  if (!axis) return tf::reduce(type, x, std::nullopt, keepdims);
  return tf::reduce(type, x, axis->index_tensor(graph), keepdims);
}

}  // namespace

Output count_nonzero(Graph& graph, const Arg& x, const std::optional<Arg>& axis, bool keepdims,
                     DType dtype, const std::string& name) {
  NameScope scope(graph, name.empty() ? "count_nonzero" : name);
  Output value = x.tensor(graph, std::nullopt, "input_tensor");
  Output zero = ops::constant(graph, Tensor::zeros(value.dtype(), {}), "zeros");
  Output nonzero = tf::cast(ops::NotEqual(value, zero), DType::kInt64);
  return tf::cast(reduce_over("Sum", graph, nonzero, axis, keepdims), dtype);
}

Output reduce_logsumexp(Graph& graph, const Arg& x, const std::optional<Arg>& axis, bool keepdims,
                        const std::string& name) {
  NameScope scope(graph, name.empty() ? "ReduceLogSumExp" : name);
  Output value = x.tensor(graph, std::nullopt, "input_tensor");
  Output raw_max = reduce_over("Max", graph, value, axis, true);
  Output shift = ops::StopGradient(
      ops::Select(ops::IsFinite(raw_max), raw_max, tf::op("ZerosLike", {raw_max})));
  Output sum = reduce_over("Sum", graph, ops::Exp(ops::Sub(value, shift)), axis, keepdims);
  Output result = ops::Log(sum);
  if (!keepdims) shift = ops::reshape(shift, ops::Shape(result));
  return ops::Add(result, shift, scope.scope());
}

SortDirection parse_sort_direction(const std::string& direction) {
  if (direction == "ASCENDING") return SortDirection::kAscending;
  if (direction == "DESCENDING") return SortDirection::kDescending;
  raise(ErrorCode::kValue, "Unknown direction: ", direction,
        ". Use \"ASCENDING\" or \"DESCENDING\".");
}

namespace {

// TF1's _descending_sort: TopKV2 over the whole axis, moved last by a transposition that swaps
// it with the last axis (its own inverse) when it is not last already.
Output descending_sort(Graph& graph, Output values, int64_t axis, bool return_argsort) {
  Output k = tf::strided_slice_1d(ops::Shape(values), axis, axis + 1, 0, 0, 1);
  const int64_t rank = values.shape().rank();
  std::optional<Output> transposition;
  Output input = values;
  if (axis != rank - 1) {
    std::vector<int64_t> perm(static_cast<size_t>(rank));
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[static_cast<size_t>(axis)], perm.back());
    transposition = int32_const(graph, perm, "transposition");
    input = ops::Transpose(values, *transposition, "transpose");
  }
  Node* top = ops::TopKV2(input, k);
  Output result = top->output(return_argsort ? 1 : 0);
  if (transposition) result = ops::Transpose(result, *transposition, "transpose");
  return result;
}

Output sort_or_argsort(Graph& graph, Output values, int64_t axis, SortDirection direction,
                       bool return_argsort) {
  const Shape& shape = values.shape();
  VF_CHECK(shape.has_rank(), ErrorCode::kValue, "Sort or argsort needs a tensor of known rank");
  const int64_t rank = shape.rank();
  VF_CHECK(axis >= -rank && axis < rank, ErrorCode::kValue, "axis ", axis,
           " is out of range for a tensor of rank ", rank);
  if (axis < 0) axis += rank;
  if (direction == SortDirection::kDescending)
    return descending_sort(graph, values, axis, return_argsort);
  Output sorted = descending_sort(graph, ops::Neg(values), axis, return_argsort);
  return return_argsort ? sorted : ops::Neg(sorted);
}

}  // namespace

Output sort(Graph& graph, Output values, int64_t axis, SortDirection direction,
            const std::string& name) {
  NameScope scope(graph, name.empty() ? "sort" : name);
  return sort_or_argsort(graph, values, axis, direction, false);
}

Output argsort(Graph& graph, Output values, int64_t axis, SortDirection direction,
               const std::string& name) {
  NameScope scope(graph, name.empty() ? "argsort" : name);
  return sort_or_argsort(graph, values, axis, direction, true);
}

}  // namespace varflow::train
