// TF1's tf.eye, tf.sequence_mask, tf.math.bincount and tf.boolean_mask, node for node
// (einsum: einsum.cc).
#include "varflow/train/array_math.h"

#include <algorithm>
#include <cstdint>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"

namespace varflow::train {

namespace {

// tf.range(limit): Range in a "Range" scope, its start and delta Consts of limit's dtype.
Output range_to(Graph& graph, Output limit) {
  NameScope scope(graph, "Range");
  Output start = ops::scalar_like(limit, 0, "start");
  Output delta = ops::scalar_like(limit, 1, "delta");
  return ops::Range(start, limit, delta, scope.scope());
}

void check_non_negative(const std::optional<Arg>& size, const char* what) {
  if (size && size->number() && *size->number() < 0)
    raise(ErrorCode::kValue, "Argument ", what, " must be non-negative, got ", *size->number());
}

}  // namespace

Output eye(Graph& graph, const Arg& num_rows, const std::optional<Arg>& num_columns,
           const std::optional<Arg>& batch_shape, DType dtype, const std::string& name) {
  NameScope scope(graph, name.empty() ? "eye" : name);
  check_non_negative(num_rows, "num_rows");
  check_non_negative(num_columns, "num_columns");
  Output rows = num_rows.tensor(graph, DType::kInt32, "num_rows");
  Output cols = num_columns ? num_columns->tensor(graph, DType::kInt32) : rows;
  Output r = tf::expand_dims(graph, range_to(graph, rows), 1);
  Output c = tf::expand_dims(graph, range_to(graph, cols), 0);
  Output matrix = tf::cast(ops::Equal(r, c), dtype);
  if (!batch_shape) return ops::identity(matrix, scope.scope());
  Output batch = batch_shape->tensor(graph, DType::kInt32, "batch_shape");
  Output matrix_shape = ops::Pack({rows, cols}, {}, "stack");
  Output axis = tf::int32_scalar(graph, 0);
  Output shape =
      ops::ConcatV2({batch, matrix_shape, axis}, ops::ConcatV2Attrs().with_N(2), "concat");
  return ops::BroadcastTo(matrix, shape, scope.scope());
}

Output sequence_mask(Graph& graph, const Arg& lengths, const std::optional<Arg>& maxlen,
                     DType dtype, const std::string& name) {
  NameScope scope(graph, name.empty() ? "SequenceMask" : name);
  Output lengths_t = lengths.tensor(graph, std::nullopt);
  Output maxlen_t;
  if (maxlen) {
    maxlen_t = maxlen->index_tensor(graph);
  } else {
    Output longest = tf::reduce("Max", lengths_t, std::nullopt, false);
    maxlen_t = ops::Maximum(ops::scalar_like(longest, 0), longest);
  }
  const Shape& maxlen_shape = maxlen_t.shape();
  VF_CHECK(!maxlen_shape.has_rank() || maxlen_shape.rank() == 0, ErrorCode::kValue,
           "maxlen must be scalar for sequence_mask");
  Output start = ops::scalar_like(maxlen_t, 0);
  Output delta = ops::scalar_like(maxlen_t, 1);
  Output row_vector;
  {
    NameScope range_scope(graph, "Range");
    row_vector = ops::Range(start, maxlen_t, delta, range_scope.scope());
  }
  Output matrix = tf::cast(tf::expand_dims(graph, lengths_t, -1), maxlen_t.dtype());
  return tf::cast(ops::Less(row_vector, matrix), dtype);
}

Output bincount(Graph& graph, const Arg& arr, const std::optional<Arg>& weights,
                const std::optional<Arg>& minlength, const std::optional<Arg>& maxlength,
                DType dtype, const std::string& name) {
  NameScope scope(graph, name.empty() ? "bincount" : name);
  Output values = arr.tensor(graph, DType::kInt32, "arr");
  Output size = ops::Size(values);
  Output is_nonempty = ops::Greater(size, ops::scalar_like(size, 0));
  Output output_size = ops::Mul(tf::cast(is_nonempty, DType::kInt32),
                                tf::add(tf::reduce("Max", values, std::nullopt, false), 1.0));
  if (minlength)
    output_size = ops::Maximum(minlength->tensor(graph, DType::kInt32, "minlength"), output_size);
  if (maxlength)
    output_size = ops::Minimum(maxlength->tensor(graph, DType::kInt32, "maxlength"), output_size);
  Output weights_t = weights ? weights->tensor(graph, std::nullopt, "weights")
                             : ops::constant(graph, Tensor::zeros(dtype, {0}), "Const");
  return ops::Bincount(values, output_size, weights_t, "Bincount");
}

Output boolean_mask(Graph& graph, const Arg& tensor, const Arg& mask, int64_t axis,
                    const std::string& name) {
  NameScope scope(graph, name.empty() ? "boolean_mask" : name);
  Output values = tensor.tensor(graph, std::nullopt, "tensor");
  Output where = mask.tensor(graph, DType::kBool, "mask");
  const Shape& mask_shape = where.shape();
  const Shape& shape = values.shape();
  VF_CHECK(!mask_shape.has_rank() || mask_shape.rank() != 0, ErrorCode::kValue,
           "mask cannot be scalar.");
  VF_CHECK(mask_shape.has_rank(), ErrorCode::kValue,
           "Number of mask dimensions must be specified, even if some dimensions are None.  "
           "E.g. shape=[None] is ok, but shape=None is not.");
  const int64_t k = mask_shape.rank();
  VF_CHECK(axis >= 0, ErrorCode::kValue, "boolean_mask: axis must be non-negative, got ", axis);
  if (shape.has_rank()) {
    // TF1's shape_tensor[axis:axis + K].assert_is_compatible_with(shape_mask).
    const int64_t end = std::min<int64_t>(axis + k, shape.rank());
    Dims part;
    for (int64_t i = std::min<int64_t>(axis, shape.rank()); i < end; ++i)
      part.push_back(shape.dim(static_cast<int>(i)));
    VF_CHECK(Shape(part).compatible_with(mask_shape), ErrorCode::kValue, "Shapes ",
             tf::shape_str(Shape(part)), " and ", tf::shape_str(mask_shape), " are incompatible");
  }
  Output masked_size =
      tf::reduce("Prod", tf::strided_slice_1d(ops::Shape(values), axis, axis + k, 0, 0, 0),
                 std::vector<int64_t>{0}, false);
  Output leading = tf::strided_slice_1d(ops::Shape(values), 0, axis, 1, 0, 0);
  Output trailing = tf::strided_slice_1d(ops::Shape(values), axis + k, 0, 0, 1, 0);
  Output flat_shape = ops::ConcatV2(
      {leading, ops::Pack({masked_size}, {}, "stack"), trailing, tf::int32_scalar(graph, 0)},
      ops::ConcatV2Attrs().with_N(3), "concat");
  Output flat = ops::Reshape(values, flat_shape, "Reshape");
  if (shape.has_rank()) {
    Dims dims(shape.dims().begin(), shape.dims().begin() + axis);
    int64_t first = 1;
    for (int64_t i = axis; i < axis + k; ++i) {
      const int64_t d = shape.dim(static_cast<int>(i));
      first = (first == kUnknownDim || d == kUnknownDim) ? kUnknownDim : first * d;
    }
    dims.push_back(first);
    dims.insert(dims.end(), shape.dims().begin() + axis + k, shape.dims().end());
    graph.refine_output_shape(*flat.node, 0, flat.shape().merge_with(Shape(dims)));
  }
  Output flat_mask = ops::Reshape(where, tf::int32_vector(graph, {-1}), "Reshape");
  Output indices = ops::Squeeze(ops::Where(flat_mask), ops::SqueezeAttrs().with_squeeze_dims({1}));
  return ops::GatherV2(
      flat, indices,
      ops::constant(graph, Tensor::scalar<int32_t>(static_cast<int32_t>(axis)), "axis"));
}

}  // namespace varflow::train
