// TF1's nn_impl sampled losses, node for node: the nodes
// made before the sampler are TF1's, so a graph seed gives the sampler TF1's op seed.
#include "varflow/train/sampled_losses.h"

#include <limits>

#include "train/tf_math.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/ops_generated.h"
#include "varflow/train/clip.h"
#include "varflow/train/nn.h"
#include "varflow/train/training_util.h"

namespace varflow::train {

namespace {

Output scalar_of(Output like, double value) { return ops::scalar_like(like, value, "Const"); }

// TF1's _sum_rows: a matmul with a column of ones (TF1 does it so for its gradient).
Output sum_rows(Graph& graph, Output x) {
  Output columns = tf::strided_slice_1d(ops::Shape(x, {}, "Shape"), 1, 2, 0, 0, 1);
  Output one = tf::int32_scalar(graph, 1);
  Output shape = ops::Pack({columns, one}, ops::PackAttrs().with_N(2), "stack");
  Output ones = ops::Fill(shape, scalar_of(x, 1.0), "ones");
  Output product = ops::MatMul(x, ones, {}, "MatMul");
  return ops::reshape(product, tf::int32_vector(graph, {-1}), "Reshape");
}

Output cast_like(Output x, Output like) { return tf::cast(x, like.dtype()); }

Output concat(Graph& graph, std::vector<Output> parts, int32_t axis) {
  const int64_t n = static_cast<int64_t>(parts.size());
  parts.push_back(tf::int32_scalar(graph, axis));
  return ops::ConcatV2(parts, ops::ConcatV2Attrs().with_N(n), "concat");
}

// sampled_logits + (-FLT_MAX where a sampled class is one of the row's true classes), the hits
// a mask so that a class listed twice among a row's labels is still one -FLT_MAX (TF1's
// sparse_to_dense of the hits).
Output remove_accidental_hits(Graph& graph, Output labels, Output sampled, Output sampled_logits,
                              int64_t num_true, int64_t num_sampled) {
  Node* hits_node = [&] {
    NameScope scope(graph, "ComputeAccidentalHits");
    return ops::ComputeAccidentalHits(labels, sampled, num_true, {}, scope.scope());
  }();
  Output indices = hits_node->output(0);
  Output ids = hits_node->output(1);
  Output index_column = ops::reshape(indices, tf::int32_vector(graph, {-1, 1}), "Reshape");
  Output id_column =
      ops::reshape(tf::cast(ids, DType::kInt32), tf::int32_vector(graph, {-1, 1}), "Reshape");
  Output hit_index = concat(graph, {index_column, id_column}, 1);
  Output batch = tf::strided_slice_1d(ops::Shape(labels, {}, "Shape"), 0, 1, 1, 0, 0);
  Output columns =
      tf::expand_dims(graph, tf::int32_scalar(graph, static_cast<int32_t>(num_sampled)), 0);
  Output logits_shape = concat(graph, {batch, columns}, 0);
  Output ones =
      ops::Fill(ops::Shape(indices, {}, "Shape"), scalar_of(sampled_logits, 1.0), "ones_like");
  Output hits = ops::ScatterNd(hit_index, ones, logits_shape, "ScatterNd");
  Output is_hit = ops::Greater(hits, scalar_of(hits, 0.0), "Greater");
  Output lowest =
      ops::Fill(ops::Shape(hits, {}, "Shape"),
                scalar_of(hits, -static_cast<double>(std::numeric_limits<float>::max())), "Fill");
  Output mask = ops::Select(is_hit, lowest, ops::ZerosLike(hits, "zeros_like"), "Select");
  return tf::add(sampled_logits, mask);
}

void check_sampled_arguments(const std::vector<Output>& weights, int64_t num_sampled,
                             int64_t num_classes, const SampledLossOptions& options) {
  VF_CHECK(!weights.empty(), ErrorCode::kValue, "Need at least one param");
  VF_CHECK(options.num_true >= 1, ErrorCode::kValue, "num_true must be at least 1, got ",
           options.num_true);
  VF_CHECK(num_sampled >= 1, ErrorCode::kValue, "num_sampled must be at least 1, got ",
           num_sampled);
  VF_CHECK(num_classes >= 1, ErrorCode::kValue, "num_classes must be at least 1, got ",
           num_classes);
}

SampledLossOptions named(const SampledLossOptions& options, const char* default_name) {
  SampledLossOptions out = options;
  if (out.name.empty()) out.name = default_name;
  return out;
}

}  // namespace

std::pair<Output, Output> compute_sampled_logits(Graph& graph, const std::vector<Output>& weights,
                                                 Output biases, Output labels, Output inputs,
                                                 int64_t num_sampled, int64_t num_classes,
                                                 bool subtract_log_q,
                                                 const SampledLossOptions& options) {
  check_sampled_arguments(weights, num_sampled, num_classes, options);
  NameScope scope(graph, options.name.empty() ? "compute_sampled_logits" : options.name);
  const int64_t num_true = options.num_true;
  if (labels.dtype() != DType::kInt64) labels = tf::cast(labels, DType::kInt64);
  Output labels_flat = ops::reshape(labels, tf::int32_vector(graph, {-1}), "Reshape");
  SampledValues values;
  if (options.sampled_values) {
    values = *options.sampled_values;
  } else {
    NameScope sampler(graph, "LogUniformCandidateSampler");
    const Seeds seeds = random_seeds(graph, options.seed);
    Node* n = ops::LogUniformCandidateSampler(labels, num_true, num_sampled, true, num_classes,
                                              ops::LogUniformCandidateSamplerAttrs()
                                                  .with_seed(seeds.seed.value_or(0))
                                                  .with_seed2(seeds.seed2.value_or(0)),
                                              sampler.scope());
    values = {n->output(0), n->output(1), n->output(2)};
  }
  Output sampled = ops::stop_gradient(values.sampled_candidates, "StopGradient");
  Output true_expected = ops::stop_gradient(values.true_expected_count, "StopGradient");
  Output sampled_expected = ops::stop_gradient(values.sampled_expected_count, "StopGradient");
  sampled = tf::cast(sampled, DType::kInt64);

  Output all_ids = concat(graph, {labels_flat, sampled}, 0);
  Output all_w = embedding_lookup(graph, weights, all_ids, options.partition_strategy);
  all_w = cast_like(all_w, inputs);
  Output n_true = tf::strided_slice_1d(ops::Shape(labels_flat, {}, "Shape"), 0, 1, 0, 0, 1);
  Output minus_one = tf::int32_scalar(graph, -1);
  Output true_w =
      ops::Slice(all_w, tf::int32_vector(graph, {0, 0}),
                 ops::Pack({n_true, minus_one}, ops::PackAttrs().with_N(2), "stack"), "Slice");
  Output zero = tf::int32_scalar(graph, 0);
  Output sampled_w =
      ops::Slice(all_w, ops::Pack({n_true, zero}, ops::PackAttrs().with_N(2), "stack"),
                 tf::int32_vector(graph, {-1, -1}), "Slice");
  Output sampled_logits = ops::matmul(inputs, sampled_w, false, true, "MatMul");
  Output all_b =
      cast_like(embedding_lookup(graph, {biases}, all_ids, options.partition_strategy), inputs);
  Output true_b = ops::Slice(all_b, tf::int32_vector(graph, {0}),
                             ops::Shape(labels_flat, {}, "Shape"), "Slice");
  Output sampled_b = ops::Slice(all_b, ops::Shape(labels_flat, {}, "Shape"),
                                tf::int32_vector(graph, {-1}), "Slice");

  Output dim = tf::strided_slice_1d(ops::Shape(true_w, {}, "Shape"), 1, 2, 0, 0, 0);
  const auto num_true32 = static_cast<int32_t>(num_true);
  Output true_w_shape = concat(graph, {tf::int32_vector(graph, {-1, num_true32}), dim}, 0);
  Output row_wise_dots = tf::op(
      "Mul", {tf::expand_dims(graph, inputs, 1), ops::reshape(true_w, true_w_shape, "Reshape")});
  Output dots_shape = concat(graph, {tf::int32_vector(graph, {-1}), dim}, 0);
  Output dots_as_matrix = ops::reshape(row_wise_dots, dots_shape, "Reshape");
  Output true_logits = ops::reshape(sum_rows(graph, dots_as_matrix),
                                    tf::int32_vector(graph, {-1, num_true32}), "Reshape");
  true_b = ops::reshape(true_b, tf::int32_vector(graph, {-1, num_true32}), "Reshape");
  true_logits = tf::add(true_logits, true_b);
  sampled_logits = tf::add(sampled_logits, sampled_b);
  if (options.remove_accidental_hits)
    sampled_logits =
        remove_accidental_hits(graph, labels, sampled, sampled_logits, num_true, num_sampled);
  if (subtract_log_q) {
    true_logits = tf::sub(true_logits, ops::Log(true_expected, "Log"));
    sampled_logits = tf::sub(sampled_logits, ops::Log(sampled_expected, "Log"));
  }
  Output logits = concat(graph, {true_logits, sampled_logits}, 1);
  Output true_labels =
      tf::truediv(ops::ones_like(true_logits, "ones_like"), static_cast<double>(num_true));
  Output out_labels =
      concat(graph, {true_labels, ops::zeros_like(sampled_logits, "zeros_like")}, 1);
  return {logits, out_labels};
}

Output nce_loss(Graph& graph, const std::vector<Output>& weights, Output biases, Output labels,
                Output inputs, int64_t num_sampled, int64_t num_classes,
                const SampledLossOptions& options) {
  const auto [logits, targets] =
      compute_sampled_logits(graph, weights, biases, labels, inputs, num_sampled, num_classes, true,
                             named(options, "nce_loss"));
  Output losses = sigmoid_cross_entropy_with_logits(graph, targets, logits, "sampled_losses");
  return sum_rows(graph, losses);
}

Output sampled_softmax_loss(Graph& graph, const std::vector<Output>& weights, Output biases,
                            Output labels, Output inputs, int64_t num_sampled, int64_t num_classes,
                            const SampledLossOptions& options) {
  const auto [logits, targets] =
      compute_sampled_logits(graph, weights, biases, labels, inputs, num_sampled, num_classes, true,
                             named(options, "sampled_softmax_loss"));
  Output fixed = ops::stop_gradient(targets, "labels_stop_gradient");
  return softmax_cross_entropy_with_logits(graph, fixed, logits);
}

}  // namespace varflow::train
