// tf.nn's softmax family of varflow/train/nn.h over any axis, node for node as TF1's nn_ops.py:
// a class axis that is not the last is transposed to the end, and logits of rank other than 2
// are taken as rows of their last axis.
#include <string>
#include <vector>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/nn.h"

namespace varflow::train {

namespace {

// The axis as a non-negative index of a rank-`rank` tensor; TF1's InvalidArgumentError outside
// [-rank, rank), naming the op and the node.
int64_t checked_axis(int64_t axis, int rank, const char* op_type, const std::string& node) {
  VF_CHECK(axis >= -rank && axis < rank, ErrorCode::kInvalidArgument,
           "`dim` must be in the range [", -rank, ", ", rank, ") where ", rank,
           " is the number of dimensions in the input. Received: dim=", axis, " (op: '", op_type,
           "', name: '", node, "')");
  return axis < 0 ? axis + rank : axis;
}

Output softmax_op(Graph& graph, const char* op_type, const Arg& logits_arg, int64_t axis,
                  const std::string& name) {
  Output logits = logits_arg.tensor(graph, std::nullopt);
  const std::string node = name.empty() ? op_type : name;
  const Shape& shape = logits.shape();
  if (axis == -1 || (shape.has_rank() && axis == shape.rank() - 1))
    return tf::op(op_type, {logits}, node);
  VF_CHECK(shape.has_rank(), ErrorCode::kValue, op_type, " over axis ", axis,
           " (not the last) needs logits of known rank");
  const int rank = shape.rank();
  const int64_t dim = checked_axis(axis, rank, op_type, node);
  std::vector<int32_t> perm;
  for (int i = 0; i < rank; ++i) perm.push_back(i);
  std::swap(perm[static_cast<size_t>(dim)], perm.back());  // a swap is its own inverse
  Output moved = ops::Transpose(logits, tf::int32_vector(graph, perm), "transpose");
  Output out = tf::op(op_type, {moved});
  return ops::Transpose(out, tf::int32_vector(graph, perm), node);
}

// `t` as rows of its last axis, [-1, shape(t)[rank - 1:]], for any (even unknown) rank.
Output flatten_outer_dims(Graph& graph, Output t) {
  Output shape = ops::Shape(t);
  Output rank = ops::Rank(t);
  Output last_axis = ops::Sub(rank, tf::int32_scalar(graph, 1), "sub");
  Output begin = ops::ExpandDims(last_axis, tf::int32_scalar(graph, 0));
  Output last = ops::Slice(shape, begin, tf::int32_vector(graph, {1}));
  Output rows = ops::ConcatV2({tf::int32_vector(graph, {-1}), last, tf::int32_scalar(graph, 0)},
                              ops::ConcatV2Attrs().with_N(2), "concat");
  return ops::Reshape(t, rows);
}

}  // namespace

Output softmax(Graph& graph, const Arg& logits, int64_t axis, const std::string& name) {
  return softmax_op(graph, "Softmax", logits, axis, name);
}

Output log_softmax(Graph& graph, const Arg& logits, int64_t axis, const std::string& name) {
  return softmax_op(graph, "LogSoftmax", logits, axis, name);
}

Output softmax_cross_entropy_with_logits(Graph& graph, const Arg& labels_arg, const Arg& logits_arg,
                                         int64_t axis, const std::string& name,
                                         bool stop_label_gradient) {
  if (stop_label_gradient) {
    NameScope scope(graph, name.empty() ? "softmax_cross_entropy_with_logits_sg" : name);
    Output labels = labels_arg.tensor(graph, std::nullopt);
    labels = tf::op("StopGradient", {labels}, "labels_stop_gradient");
    return softmax_cross_entropy_with_logits(graph, labels, logits_arg, axis, scope.scope());
  }
  NameScope scope(graph, name.empty() ? "softmax_cross_entropy_with_logits" : name);
  const std::string out_name = scope.scope();
  Output logits = logits_arg.tensor(graph, std::nullopt, "logits");
  Output labels = labels_arg.tensor(graph, logits.dtype(), "labels");
  const Shape& shape = logits.shape();
  VF_CHECK(shape.has_rank() || axis == -1, ErrorCode::kValue,
           "softmax_cross_entropy_with_logits over dim ", axis,
           " (not the last) needs logits of known rank");
  if (shape.has_rank()) {
    const int rank = shape.rank();
    const int64_t dim = checked_axis(axis, rank, "SoftmaxCrossEntropyWithLogits", out_name);
    if (dim != rank - 1) {  // move the class axis to the end, the others in order
      std::vector<int32_t> perm;
      for (int i = 0; i < rank; ++i)
        if (i != dim) perm.push_back(i);
      perm.push_back(static_cast<int32_t>(dim));
      logits = ops::Transpose(logits, tf::int32_vector(graph, perm), "transpose");
      labels = ops::Transpose(labels, tf::int32_vector(graph, perm), "transpose");
    }
    if (rank == 2) return ops::SoftmaxCrossEntropyWithLogits(logits, labels, out_name)->output(0);
  }
  const Shape& moved = logits.shape();
  if (moved.fully_defined()) {
    const Dims& dims = moved.dims();
    Output rows = tf::int32_vector(graph, {-1, static_cast<int32_t>(dims.back())});
    Output flat_logits = ops::Reshape(logits, rows);
    Output flat_labels = ops::Reshape(labels, rows);
    Output loss = ops::SoftmaxCrossEntropyWithLogits(flat_logits, flat_labels)->output(0);
    std::vector<int32_t> outer;
    for (size_t i = 0; i + 1 < dims.size(); ++i) outer.push_back(static_cast<int32_t>(dims[i]));
    return ops::Reshape(loss, tf::int32_vector(graph, outer), out_name);
  }
  // Any other rank, known or not, as TF1 does it: rows of the last axis, then the outer shape.
  Output flat_logits = flatten_outer_dims(graph, logits);
  Output flat_labels = flatten_outer_dims(graph, labels);
  Output loss = ops::SoftmaxCrossEntropyWithLogits(flat_logits, flat_labels)->output(0);
  Output shape_t = ops::Shape(logits);
  Output rank = ops::Rank(logits);
  Output last_axis = ops::Sub(rank, tf::int32_scalar(graph, 1), "sub");
  Output size = ops::ExpandDims(last_axis, tf::int32_scalar(graph, 0));
  Output outer = ops::Slice(shape_t, tf::int32_vector(graph, {0}), size);
  return ops::Reshape(loss, outer, out_name);
}

}  // namespace varflow::train
