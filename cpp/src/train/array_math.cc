// TF1's tf.eye, tf.sequence_mask and tf.math.bincount, node for node (einsum: einsum.cc).
#include "varflow/train/array_math.h"

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

}  // namespace varflow::train
