// tf.metrics' means and counts (varflow/train/metrics.h), node for node as TF1's
// metrics_impl.py builds them.
#include "varflow/train/metrics.h"

#include "train/metrics_util.h"
#include "train/tf_math.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/initializers.h"

namespace varflow::train {

namespace metrics_util {

std::string scope_name(const MetricOptions& options, const std::string& name,
                       const std::string& default_name) {
  if (options.open_scope) return options.open_scope(name, default_name);
  return name.empty() ? default_name : name;
}

void collect(Graph& g, const std::vector<std::string>& keys, Output tensor) {
  for (size_t i = 0; i < keys.size(); ++i) {
    bool seen = false;
    for (size_t j = 0; j < i; ++j) seen |= keys[j] == keys[i];
    if (!seen) g.add_to_collection(keys[i], tensor);
  }
}

Output squeeze_last(Output t) {
  return tf::op("Squeeze", {t}, "", {{"squeeze_dims", std::vector<int64_t>{-1}}});
}

Output expand_dims(Output t, int32_t axis) {
  Output a = ops::scalar<int32_t>(t.graph(), axis, "Const");
  return tf::op("ExpandDims", {t, a});
}

namespace {

bool last_dim_may_be_one(const Shape& s) {
  if (!s.has_rank()) return true;
  if (s.rank() == 0) return false;
  const int64_t d = s.dim(s.rank() - 1);
  return d < 0 || d == 1;
}

Output identity(Output t) { return tf::op("Identity", {t}); }

// `t` without its last dimension when the boolean scalar `squeeze` holds (run time).
Output maybe_squeeze(Output t, Output squeeze) {
  return ops::cond(
      squeeze, [t] { return std::vector<Output>{squeeze_last(t)}; },
      [t] { return std::vector<Output>{identity(t)}; })[0];
}

// A Python int next to an int32 tensor: its Const first, then the comparison.
Output equal_int(Output t, int64_t value, bool number_first) {
  Output c = tf::k(t, static_cast<double>(value));
  return number_first ? tf::op("Equal", {c, t}) : tf::op("Equal", {t, c});
}

// The weights fitted to the predictions' rank at run time (a rank is unknown).
Output fit_weights_at_run_time(Output w, Output predictions) {
  Output weights_rank = tf::op("Rank", {w});
  Output rank_diff = tf::sub(weights_rank, tf::op("Rank", {predictions}));
  const Shape& ws = w.shape();
  auto maybe_squeeze_w = [w, ws] {
    if (ws.has_rank() && !last_dim_may_be_one(ws)) return std::vector<Output>{identity(w)};
    return std::vector<Output>{squeeze_last(w)};
  };
  auto maybe_expand_w = [w, rank_diff] {
    return ops::cond(
        equal_int(rank_diff, -1, false), [w] { return std::vector<Output>{expand_dims(w, -1)}; },
        [w] { return std::vector<Output>{identity(w)}; });
  };
  return ops::cond(
      equal_int(weights_rank, 0, false), [w] { return std::vector<Output>{identity(w)}; },
      [&] {
        return ops::cond(equal_int(rank_diff, 1, false), maybe_squeeze_w, maybe_expand_w);
      })[0];
}

}  // namespace

void assert_compatible(const Shape& a, const Shape& b) {
  if (!a.compatible_with(b))
    raise(ErrorCode::kValue, "Shapes ", tf::shape_str(a), " and ", tf::shape_str(b),
          " are incompatible");
}

Squeezed squeeze_inputs(Graph& g, const Arg& predictions_arg, const std::optional<Arg>& labels_arg,
                        const std::optional<Arg>& weights_arg) {
  Squeezed out;
  out.predictions = predictions_arg.tensor(g, std::nullopt);
  if (labels_arg) {
    auto [labels, predictions] = remove_squeezable_dimensions(g, *labels_arg, out.predictions);
    out.labels = labels;
    out.predictions = predictions;
    assert_compatible(predictions.shape(), labels.shape());
  }
  if (!weights_arg) return out;
  Output weights = weights_arg->tensor(g, std::nullopt);
  out.weights = weights;
  const Shape& ws = weights.shape();
  if (ws.has_rank() && ws.rank() == 0) return out;
  const Shape& ps = out.predictions.shape();
  if (ps.has_rank() && ws.has_rank()) {
    if (ws.rank() - ps.rank() == 1)
      out.weights = squeeze_last(weights);
    else if (ps.rank() - ws.rank() == 1)
      out.weights = expand_dims(weights, -1);
    return out;
  }
  out.weights = fit_weights_at_run_time(weights, out.predictions);
  return out;
}

Output broadcast_weights(Output weights, Output values) {
  const Shape& ws = weights.shape();
  const Shape& vs = values.shape();
  if (ws.fully_defined() && vs.fully_defined() && ws.dims() == vs.dims()) return weights;
  Output ones = tf::op("OnesLike", {values});
  return tf::op("Mul", {weights, ones});
}

Output div_no_nan(Output x, Output y, const std::string& name) {
  Output y_is_zero = tf::op("Equal", {y, tf::op("ZerosLike", {y})});
  Output safe_y = tf::op("Select", {y_is_zero, tf::op("OnesLike", {y}), y});
  Output quotient = tf::op("Div", {x, safe_y});
  return tf::op("Select", {y_is_zero, tf::op("ZerosLike", {quotient}), quotient}, name);
}

}  // namespace metrics_util

using metrics_util::broadcast_weights;
using metrics_util::collect;
using metrics_util::div_no_nan;
using metrics_util::scope_name;
using metrics_util::squeeze_inputs;

Variable metric_variable(Graph& g, const Dims& shape, DType dtype, const std::string& name,
                         bool validate_shape) {
  VariableOptions options;
  options.name = name;
  options.trainable = false;
  options.collections = {graph_keys::kLocalVariables, kMetricVariables};
  options.validate_shape = validate_shape;
  return Variable::create(
      g, [&](Graph& graph) { return filled(graph, shape, 0, dtype, "zeros"); }, options);
}

std::pair<Output, Output> remove_squeezable_dimensions(Graph& g, const Arg& labels_arg,
                                                       const Arg& predictions_arg,
                                                       int64_t expected_rank_diff,
                                                       const std::string& name) {
  using metrics_util::squeeze_last;
  NameScope scope(g, name.empty() ? "remove_squeezable_dimensions" : name);
  Output predictions = predictions_arg.tensor(g, std::nullopt);
  Output labels = labels_arg.tensor(g, std::nullopt);
  const Shape& ps = predictions.shape();
  const Shape& ls = labels.shape();
  if (ps.has_rank() && ls.has_rank()) {
    const int64_t rank_diff = ps.rank() - ls.rank();
    if (rank_diff == expected_rank_diff + 1 && metrics_util::last_dim_may_be_one(ps))
      predictions = squeeze_last(predictions);
    else if (rank_diff == expected_rank_diff - 1 && metrics_util::last_dim_may_be_one(ls))
      labels = squeeze_last(labels);
    return {labels, predictions};
  }
  Output predictions_rank = tf::op("Rank", {predictions});
  Output rank_diff = tf::sub(predictions_rank, tf::op("Rank", {labels}));
  if (metrics_util::last_dim_may_be_one(ps))
    predictions = metrics_util::maybe_squeeze(
        predictions, metrics_util::equal_int(rank_diff, expected_rank_diff + 1, true));
  if (metrics_util::last_dim_may_be_one(ls))
    labels = metrics_util::maybe_squeeze(
        labels, metrics_util::equal_int(rank_diff, expected_rank_diff - 1, true));
  return {labels, predictions};
}

namespace {

// The running means of mean and mean_tensor: total += sum(values), count += the number of
// values, after the values (TF1's control dependency).
Metric running_mean(Graph& g, Output values, Output num_values, Variable total, Variable count,
                    bool reduce, const MetricOptions& options) {
  Output update_total =
      total.assign_add(reduce ? tf::reduce("Sum", values, std::nullopt, false) : values);
  Output after = values;
  const std::string& type = values.node->type();
  // varflow's executor runs a fed placeholder named as a control input (and asks for its
  // feed) where TF1 counts the feed; a data edge to it is fed correctly.
  if (type == "Placeholder" || type == "PlaceholderWithDefault")
    after = metrics_util::identity(values);
  Output update_count;
  {
    ControlDependencies deps(g, {after.node});
    update_count = count.assign_add(num_values);
  }
  Output count_value = count.value();
  Output value =
      div_no_nan(total.value(), tf::op("Maximum", {count_value, tf::k(count_value, 0)}), "value");
  collect(g, options.metrics_collections, value);
  Output update = div_no_nan(
      update_total, tf::op("Maximum", {update_count, tf::k(update_count, 0)}), "update_op");
  collect(g, options.updates_collections, update);
  return {value, update};
}

// mean in the scope `name` (default "mean").
Metric mean_in(Graph& g, const Arg& values_arg, const std::optional<Arg>& weights_arg,
               const MetricOptions& options, const std::string& name) {
  NameScope scope(g, scope_name(options, name, "mean"));
  Output values = tf::cast(values_arg.tensor(g, std::nullopt), DType::kFloat32);
  Variable total = metric_variable(g, {}, DType::kFloat32, "total");
  Variable count = metric_variable(g, {}, DType::kFloat32, "count");
  Output num_values;
  if (!weights_arg) {
    num_values =
        tf::cast(tf::op("Size", {values}, "", {{"out_type", DType::kInt32}}), DType::kFloat32);
  } else {
    auto squeezed = squeeze_inputs(g, values, std::nullopt, weights_arg);
    values = squeezed.predictions;
    Output weights = broadcast_weights(tf::cast(*squeezed.weights, DType::kFloat32), values);
    values = tf::op("Mul", {values, weights});
    num_values = tf::reduce("Sum", weights, std::nullopt, false);
  }
  return running_mean(g, values, num_values, total, count, true, options);
}

std::string or_default(const std::string& name, const char* default_name) {
  return name.empty() ? default_name : name;
}

}  // namespace

Metric mean(Graph& g, const Arg& values, const std::optional<Arg>& weights,
            const MetricOptions& options) {
  return mean_in(g, values, weights, options, options.name);
}

Metric accuracy(Graph& g, const Arg& labels_arg, const Arg& predictions_arg,
                const std::optional<Arg>& weights, const MetricOptions& options) {
  auto s = squeeze_inputs(g, predictions_arg, labels_arg, weights);
  Output labels = *s.labels;
  Output predictions = tf::cast(s.predictions, labels.dtype());
  Output is_correct = tf::cast(tf::op("Equal", {predictions, labels}), DType::kFloat32);
  return mean_in(g, is_correct, s.weights, options, or_default(options.name, "accuracy"));
}

Metric mean_absolute_error(Graph& g, const Arg& labels, const Arg& predictions,
                           const std::optional<Arg>& weights, const MetricOptions& options) {
  auto s = squeeze_inputs(g, predictions, labels, weights);
  Output errors = tf::op("Abs", {tf::sub(s.predictions, *s.labels)});
  return mean_in(g, errors, s.weights, options, or_default(options.name, "mean_absolute_error"));
}

Metric mean_squared_error(Graph& g, const Arg& labels, const Arg& predictions,
                          const std::optional<Arg>& weights, const MetricOptions& options) {
  auto s = squeeze_inputs(g, predictions, labels, weights);
  Output errors = tf::op("SquaredDifference", {*s.labels, s.predictions});
  return mean_in(g, errors, s.weights, options, or_default(options.name, "mean_squared_error"));
}

Metric root_mean_squared_error(Graph& g, const Arg& labels, const Arg& predictions,
                               const std::optional<Arg>& weights, const MetricOptions& options) {
  auto s = squeeze_inputs(g, predictions, labels, weights);
  MetricOptions inner;
  inner.name = or_default(options.name, "root_mean_squared_error");
  inner.open_scope = options.open_scope;
  std::optional<Arg> w;
  if (s.weights) w = *s.weights;
  Metric mse = mean_squared_error(g, *s.labels, s.predictions, w, inner);
  Output value = tf::op("Sqrt", {mse.value});
  collect(g, options.metrics_collections, value);
  Output update = tf::op("Sqrt", {mse.update_op});
  collect(g, options.updates_collections, update);
  return {value, update};
}

Metric mean_tensor(Graph& g, const Arg& values_arg, const std::optional<Arg>& weights_arg,
                   const MetricOptions& options) {
  NameScope scope(g, scope_name(options, options.name, "mean"));
  Output values = tf::cast(values_arg.tensor(g, std::nullopt), DType::kFloat32);
  if (!values.shape().fully_defined())
    raise(ErrorCode::kValue,
          "tf.metrics.mean_tensor needs a fully defined shape for its values, got ",
          tf::shape_str(values.shape()));
  const Dims& shape = values.shape().dims();
  Variable total = metric_variable(g, shape, DType::kFloat32, "total_tensor");
  Variable count = metric_variable(g, shape, DType::kFloat32, "count_tensor");
  Output num_values = tf::op("OnesLike", {values});
  if (weights_arg) {
    auto squeezed = squeeze_inputs(g, values, std::nullopt, weights_arg);
    values = squeezed.predictions;
    Output weights = broadcast_weights(tf::cast(*squeezed.weights, DType::kFloat32), values);
    values = tf::op("Mul", {values, weights});
    num_values = tf::op("Mul", {num_values, weights});
  }
  return running_mean(g, values, num_values, total, count, false, options);
}

Metric percentage_below(Graph& g, const Arg& values_arg, const Arg& threshold,
                        const std::optional<Arg>& weights, const MetricOptions& options) {
  Output values = values_arg.tensor(g, std::nullopt);
  Output bound = threshold.tensor(g, values.dtype());
  Output is_below = tf::cast(tf::op("Less", {values, bound}), DType::kFloat32);
  return mean_in(g, is_below, weights, options,
                 or_default(options.name, "percentage_below_threshold"));
}

Metric mean_relative_error(Graph& g, const Arg& labels_arg, const Arg& predictions_arg,
                           const Arg& normalizer_arg, const std::optional<Arg>& weights,
                           const MetricOptions& options) {
  auto s = squeeze_inputs(g, predictions_arg, labels_arg, weights);
  Output labels = *s.labels;
  auto [normalizer, predictions] = remove_squeezable_dimensions(g, normalizer_arg, s.predictions);
  metrics_util::assert_compatible(predictions.shape(), normalizer.shape());
  normalizer = broadcast_weights(normalizer, labels);
  Output is_zero = tf::op("Equal", {normalizer, tf::k(normalizer, 0)});
  Output zeros = tf::op("ZerosLike", {labels});
  Output errors = tf::op("Div", {tf::op("Abs", {tf::sub(labels, predictions)}), normalizer});
  Output relative = tf::op("Select", {is_zero, zeros, errors});
  return mean_in(g, relative, s.weights, options, or_default(options.name, "mean_relative_error"));
}

Metric mean_cosine_distance(Graph& g, const Arg& labels, const Arg& predictions, int64_t dim,
                            const std::optional<Arg>& weights, const MetricOptions& options) {
  auto s = squeeze_inputs(g, predictions, labels, weights);
  Output radial =
      tf::reduce("Sum", tf::op("Mul", {s.predictions, *s.labels}), std::vector<int64_t>{dim}, true);
  MetricOptions inner;
  inner.name = or_default(options.name, "mean_cosine_distance");
  inner.open_scope = options.open_scope;
  Metric m = mean_in(g, radial, s.weights, inner, inner.name);
  Output one = tf::k(m.value, 1.0);
  Output value = tf::op("Sub", {one, m.value});
  Output one_update = tf::k(m.update_op, 1.0);
  Output update = tf::op("Sub", {one_update, m.update_op});
  collect(g, options.metrics_collections, value);
  collect(g, options.updates_collections, update);
  return {value, update};
}

// --- counts of outcomes, precision and recall -----------------------------------------------

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kTruePositives:
      return "true_positives";
    case Outcome::kFalsePositives:
      return "false_positives";
    case Outcome::kTrueNegatives:
      return "true_negatives";
    case Outcome::kFalseNegatives:
      return "false_negatives";
  }
  return "";
}

namespace {

Output outcome_of(Outcome outcome, Output labels, Output predictions) {
  auto is_not = [](Output t) { return tf::op("LogicalNot", {t}); };
  switch (outcome) {
    case Outcome::kTruePositives:
      return tf::op("LogicalAnd", {labels, predictions});
    case Outcome::kFalsePositives:
      return tf::op("LogicalAnd", {is_not(labels), predictions});
    case Outcome::kTrueNegatives: {
      Output not_labels = is_not(labels);
      return tf::op("LogicalAnd", {not_labels, is_not(predictions)});
    }
    case Outcome::kFalseNegatives:
      return tf::op("LogicalAnd", {labels, is_not(predictions)});
  }
  return {};
}

// The bool predictions and labels (in that order) and the weights, squeezed as TF1's.
metrics_util::Squeezed bool_inputs(Graph& g, const Arg& labels, const Arg& predictions,
                                   const std::optional<Arg>& weights) {
  Output p = tf::cast(predictions.tensor(g, std::nullopt), DType::kBool);
  Output l = tf::cast(labels.tensor(g, std::nullopt), DType::kBool);
  return squeeze_inputs(g, p, l, weights);
}

Metric count_values(Graph& g, Output values, const std::optional<Output>& weights_in,
                    const MetricOptions& options) {
  Variable count = metric_variable(g, {}, DType::kFloat32, "count");
  values = tf::cast(values, DType::kFloat32);
  if (weights_in) {
    Output weights = *weights_in;
    const Shape& ws = weights.shape();
    const Shape& vs = values.shape();
    if (ws.has_rank() && vs.has_rank() && ws.rank() != 0 && ws.rank() != vs.rank())
      raise(ErrorCode::kValue, "weights '", weights.name(), "' must have rank 0 or ", vs.rank(),
            " (the rank of the values), not ", ws.rank());
    values = tf::op("Mul", {values, tf::cast(weights, DType::kFloat32)});
  }
  Output value = metrics_util::identity(count.value());
  collect(g, options.metrics_collections, value);
  Output update = count.assign_add(tf::reduce("Sum", values, std::nullopt, false));
  collect(g, options.updates_collections, update);
  return {value, update};
}

Metric count_outcome_of(Graph& g, Outcome outcome, const Arg& labels, const Arg& predictions,
                        const std::optional<Arg>& weights, const MetricOptions& options) {
  const char* default_name = outcome_name(outcome);
  NameScope scope(g, scope_name(options, options.name, default_name));
  auto s = bool_inputs(g, labels, predictions, weights);
  return count_values(g, outcome_of(outcome, *s.labels, s.predictions), s.weights, options);
}

// tp / (tp + other), 0 where that is 0; named `name`.
Output ratio(Output tp, Output other, const std::string& name) {
  Output denominator = tf::add(tp, other);
  Output positive = tf::op("Greater", {denominator, tf::k(denominator, 0)});
  Output quotient = tf::op("Div", {tp, denominator});
  return tf::op("Select", {positive, quotient, tf::op("ZerosLike", {denominator})}, name);
}

Metric ratio_metric(Graph& g, Outcome other_outcome, const char* default_name, const Arg& labels,
                    const Arg& predictions, const std::optional<Arg>& weights,
                    const MetricOptions& options) {
  NameScope scope(g, scope_name(options, options.name, default_name));
  auto s = bool_inputs(g, labels, predictions, weights);
  std::optional<Arg> w;
  if (s.weights) w = *s.weights;
  MetricOptions inner;
  inner.open_scope = options.open_scope;
  Metric tp = count_outcome_of(g, Outcome::kTruePositives, *s.labels, s.predictions, w, inner);
  Metric other = count_outcome_of(g, other_outcome, *s.labels, s.predictions, w, inner);
  Output value = ratio(tp.value, other.value, "value");
  collect(g, options.metrics_collections, value);
  Output update = ratio(tp.update_op, other.update_op, "update_op");
  collect(g, options.updates_collections, update);
  return {value, update};
}

}  // namespace

Metric count_outcome(Graph& g, Outcome outcome, const Arg& labels, const Arg& predictions,
                     const std::optional<Arg>& weights, const MetricOptions& options) {
  return count_outcome_of(g, outcome, labels, predictions, weights, options);
}

Metric precision(Graph& g, const Arg& labels, const Arg& predictions,
                 const std::optional<Arg>& weights, const MetricOptions& options) {
  return ratio_metric(g, Outcome::kFalsePositives, "precision", labels, predictions, weights,
                      options);
}

Metric recall(Graph& g, const Arg& labels, const Arg& predictions,
              const std::optional<Arg>& weights, const MetricOptions& options) {
  return ratio_metric(g, Outcome::kFalseNegatives, "recall", labels, predictions, weights, options);
}

}  // namespace varflow::train
