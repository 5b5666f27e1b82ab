// TF1's sampled losses for C++ hosts: tf.nn.nce_loss / tf.nn.sampled_softmax_loss, which score the
// true classes and a sample of other classes (by default from the log-uniform sampler) as TF1's
// _compute_sampled_logits builds them: the same ops in the same order, so the sampler gets TF1's
// seeds and, given the same sampled values, the losses and gradients are TF1's. The Python API's
// functions are these.
//
// Errors: kValue for no weights, num_true < 1, num_sampled < 1 or num_classes < 1; otherwise what
// the op builders raise. At run time an id outside the parameters is kInvalidArgument (the
// Gather's). Building is not thread-safe: one thread builds a graph at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/embeddings.h"

namespace varflow::train {

// A candidate sampler's three outputs (tf.nn.*_candidate_sampler).
struct SampledValues {
  Output sampled_candidates, true_expected_count, sampled_expected_count;
};

struct SampledLossOptions {
  int64_t num_true = 1;  // labels is [batch, num_true]
  // Absent: log_uniform_candidate_sampler(labels, num_true, num_sampled, unique, num_classes,
  // seed).
  std::optional<SampledValues> sampled_values;
  // Sampled classes equal to a row's true class get -FLT_MAX logits (sampled logistic / the
  // softmax's default).
  bool remove_accidental_hits = false;
  PartitionStrategy partition_strategy = PartitionStrategy::kMod;
  std::optional<int64_t> seed;  // the default sampler's op seed
  std::string name;             // empty: "nce_loss" / "sampled_softmax_loss"
};

// TF1's _compute_sampled_logits: the logits [batch, num_true + num_sampled] (true classes
// first, log Q subtracted with subtract_log_q) and their labels (1 / num_true for the true
// classes, 0 for the sampled ones), in the scope `options.name` (default
// "compute_sampled_logits"). `weights` are [num_classes, dim] (or its partitions), `biases`
// [num_classes], `labels` integer [batch, num_true], `inputs` [batch, dim].
std::pair<Output, Output> compute_sampled_logits(Graph& graph, const std::vector<Output>& weights,
                                                 Output biases, Output labels, Output inputs,
                                                 int64_t num_sampled, int64_t num_classes,
                                                 bool subtract_log_q,
                                                 const SampledLossOptions& options);

// tf.nn.nce_loss: per-example sigmoid cross-entropies of the sampled logits, summed over each
// row ([batch]).
Output nce_loss(Graph& graph, const std::vector<Output>& weights, Output biases, Output labels,
                Output inputs, int64_t num_sampled, int64_t num_classes,
                const SampledLossOptions& options = {});

// tf.nn.sampled_softmax_loss: per-example softmax cross-entropy of the sampled logits
// ([batch]). TF1's default removes accidental hits: set options.remove_accidental_hits.
Output sampled_softmax_loss(Graph& graph, const std::vector<Output>& weights, Output biases,
                            Output labels, Output inputs, int64_t num_sampled, int64_t num_classes,
                            const SampledLossOptions& options);

}  // namespace varflow::train
