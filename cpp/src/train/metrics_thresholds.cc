// tf.metrics at thresholds (varflow/train/metrics.h): counts, precision and recall per
// threshold, auc, sensitivity_at_specificity and specificity_at_sensitivity, node for node as
// TF1's metrics_impl.py builds them.
#include <algorithm>
#include <array>
#include <sstream>

#include "train/metrics_util.h"
#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/metrics.h"

namespace varflow::train {

namespace metrics_util {

Output checked(Output x, const std::vector<RangeCheck>& checks) {
  Graph& g = x.graph();
  std::vector<Node*> asserts;
  for (const RangeCheck& check : checks) {
    const std::string x_text = "x (" + x.name() + ") = ";
    if (!check.bound) {
      NameScope scope(g, check.name);
      Output zero = ops::constant(g, Tensor::scalar<double>(0).cast(x.dtype()), "Const");
      NameScope inner(g, "assert_less_equal");
      asserts.push_back(tf::binary_assert(
          zero, x, check.comparison,
          {check.message + ".  ",
           std::string("Condition x ") + check.symbol + " did not hold element-wise:", x_text, x}));
      continue;
    }
    // The bound: a Python number's Const, cast to x's dtype before the check's scope opens.
    Tensor number = Tensor::scalar<double>(*check.bound).cast(check.bound_dtype);
    Output bound = tf::cast(ops::constant(g, number, "Const"), x.dtype());
    NameScope scope(g, check.name);
    asserts.push_back(tf::binary_assert(
        x, bound, check.comparison,
        {check.message,
         std::string("Condition x ") + check.symbol + " y did not hold element-wise:", x_text, x,
         "y (" + bound.name() + ") = ", bound}));
  }
  ControlDependencies deps(g, asserts);
  return tf::op("Identity", {x});
}

}  // namespace metrics_util

using metrics_util::broadcast_weights;
using metrics_util::collect;
using metrics_util::div_no_nan;
using metrics_util::scope_name;

namespace {

constexpr double kAucEpsilon = 1e-7;

// x[begin:end] of a vector (Python slicing): nullopt leaves that end open.
Output slice(Output x, std::optional<int64_t> begin, std::optional<int64_t> end) {
  return metrics_util::strided_slice_1d(x, begin.value_or(0), end.value_or(0), begin ? 0 : 1,
                                        end ? 0 : 1, 0);
}

Output reshape(Output x, std::vector<int32_t> shape) {
  const int64_t n = static_cast<int64_t>(shape.size());
  Output dims = ops::constant(x.graph(), Tensor::from_vector<int32_t>(shape, {n}), "Const");
  return tf::op("Reshape", {x, dims});
}

// A Python int as the int32 scalar Const TF1 makes of an axis.
Output axis0(Graph& g) { return ops::scalar<int32_t>(g, 0, "Const"); }

// The running counts of each outcome in `includes` per threshold (TF1's
// _confusion_matrix_at_thresholds).
struct Counts {
  std::array<std::optional<Variable>, 4> variables;
  std::array<Output, 4> updates;
  Output value(Outcome o) const { return variables[static_cast<size_t>(o)]->value(); }
  Output update(Outcome o) const { return updates[static_cast<size_t>(o)]; }
};

Counts confusion_matrix_at_thresholds(Graph& g, const Arg& labels_arg, const Arg& predictions_arg,
                                      const std::vector<double>& thresholds,
                                      const std::optional<Arg>& weights_arg,
                                      const std::vector<Outcome>& includes) {
  Output predictions = predictions_arg.tensor(g, std::nullopt);
  // TF1 makes the [0, 1] checks control dependencies of the cast to float32, so they guard
  // the update only when that cast is an op (predictions of another dtype).
  if (predictions.dtype() != DType::kFloat32) {
    const char* message = "predictions must be in [0, 1]";
    predictions = metrics_util::checked(
        predictions, {{"assert_greater_equal", "GreaterEqual", ">=", 0.0, DType::kFloat32, message},
                      {"assert_less_equal", "LessEqual", "<=", 1.0, DType::kFloat32, message}});
  }
  Output float_predictions = tf::cast(predictions, DType::kFloat32);
  Output bool_labels = tf::cast(labels_arg.tensor(g, std::nullopt), DType::kBool);
  auto s = metrics_util::squeeze_inputs(g, float_predictions, Arg(bool_labels), weights_arg);
  predictions = s.predictions;
  Output predictions_row = reshape(predictions, {1, -1});
  Output labels_row = reshape(*s.labels, {1, -1});
  std::vector<float> values;
  for (double t : thresholds) values.push_back(static_cast<float>(t));
  Output thresholds_t = ops::constant(
      g, Tensor::from_vector<float>(values, {static_cast<int64_t>(values.size())}), "Const");
  Output thresholds_col = reshape(thresholds_t, {-1, 1});
  // [num_thresholds, num_predictions] by broadcasting (TF1 tiles both to that shape).
  Output pred_is_pos = tf::op("Greater", {predictions_row, thresholds_col});
  Output pred_is_neg = tf::op("LogicalNot", {pred_is_pos});
  Output label_is_pos = tf::op("LogicalAnd", {labels_row, tf::op("OnesLike", {pred_is_pos})});
  Output label_is_neg = tf::op("LogicalNot", {label_is_pos});
  std::optional<Output> weights_row;
  if (s.weights) {
    Output weights = broadcast_weights(tf::cast(*s.weights, DType::kFloat32), predictions);
    weights_row = reshape(weights, {1, -1});
  }
  Counts counts;
  const int64_t n = static_cast<int64_t>(thresholds.size());
  for (Outcome o : includes) {
    const bool label_pos = o == Outcome::kTruePositives || o == Outcome::kFalseNegatives;
    const bool pred_pos = o == Outcome::kTruePositives || o == Outcome::kFalsePositives;
    Variable var = metric_variable(g, {n}, DType::kFloat32, outcome_name(o));
    Output hits = tf::cast(tf::op("LogicalAnd", {label_pos ? label_is_pos : label_is_neg,
                                                 pred_pos ? pred_is_pos : pred_is_neg}),
                           DType::kFloat32);
    if (weights_row) hits = tf::op("Mul", {hits, *weights_row});
    Output axis = ops::scalar<int32_t>(g, 1, "Const");
    counts.updates[static_cast<size_t>(o)] = var.assign_add(tf::reduce("Sum", hits, axis, false));
    counts.variables[static_cast<size_t>(o)] = var;
  }
  return counts;
}

const std::vector<Outcome> kAllOutcomes = {Outcome::kTruePositives, Outcome::kFalseNegatives,
                                           Outcome::kTrueNegatives, Outcome::kFalsePositives};

// tp / (epsilon + tp + other), named `name`.
Output ratio_at_thresholds(Output tp, Output other, const std::string& name) {
  Output denominator = tf::add(tf::add(tf::k(tp, kAucEpsilon), tp), other);
  return tf::op("Div", {tp, denominator}, name);
}

Metric ratio_metric_at_thresholds(Graph& g, Outcome other, const char* default_name,
                                  const char* prefix, const Arg& labels, const Arg& predictions,
                                  const std::vector<double>& thresholds,
                                  const std::optional<Arg>& weights, const MetricOptions& options) {
  NameScope scope(g, scope_name(options, options.name, default_name));
  Counts c = confusion_matrix_at_thresholds(g, labels, predictions, thresholds, weights,
                                            {Outcome::kTruePositives, other});
  const std::string p(prefix);
  Output value =
      ratio_at_thresholds(c.value(Outcome::kTruePositives), c.value(other), p + "_value");
  collect(g, options.metrics_collections, value);
  Output update =
      ratio_at_thresholds(c.update(Outcome::kTruePositives), c.update(other), p + "_update_op");
  collect(g, options.updates_collections, update);
  return {value, update};
}

// The thresholds of auc and the sensitivity/specificity metrics: -epsilon, the inner ones,
// then `last`.
std::vector<double> with_ends(std::vector<double> inner, double last) {
  inner.insert(inner.begin(), 0.0 - kAucEpsilon);
  inner.push_back(last);
  return inner;
}

std::vector<double> evenly_spaced(int64_t num_thresholds) {
  std::vector<double> inner;
  for (int64_t i = 0; i < num_thresholds - 2; ++i)
    inner.push_back(static_cast<double>(i + 1) * 1.0 / static_cast<double>(num_thresholds - 1));
  return inner;
}

// TF1's interpolated PR-AUC (Davis & Goadrich) over the counts.
Output interpolate_pr_auc(Output tp, Output fp, Output fn, int64_t n) {
  auto head = [n](Output x) { return slice(x, std::nullopt, n - 1); };
  auto tail = [](Output x) { return slice(x, 1, std::nullopt); };
  auto at_least_zero = [](Output x) { return tf::op("Maximum", {x, tf::k(x, 0.0)}); };
  Output tp_head = head(tp);
  Output dtp = tf::sub(tp_head, tail(tp));
  Output p = tf::add(tp, fp);
  Output p_head = head(p);
  Output dp = tf::sub(p_head, tail(p));
  Output prec_slope = div_no_nan(dtp, at_least_zero(dp), "prec_slope");
  Output tp_tail = tail(tp);
  Output p_tail = tail(p);
  Output intercept = tf::sub(tp_tail, tf::op("Mul", {prec_slope, p_tail}));
  Output head_positive = tf::op("Greater", {head(p), tf::k(p, 0.0)});
  Output p_tail_2 = tail(p);
  Output tail_positive = tf::op("Greater", {p_tail_2, tf::k(p_tail_2, 0.0)});
  Output both_positive = tf::op("LogicalAnd", {head_positive, tail_positive});
  Output p_head_3 = head(p);
  Output ratio = div_no_nan(p_head_3, at_least_zero(tail(p)), "recall_relative_ratio");
  Output ones = tf::op("OnesLike", {tail(p)});
  Output safe_p_ratio = tf::op("Select", {both_positive, ratio, ones});
  Output log_ratio = tf::op("Log", {safe_p_ratio});
  Output increment = tf::mul(prec_slope, tf::add(dtp, tf::mul(intercept, log_ratio)));
  Output tp_tail_2 = tail(tp);
  Output positives = at_least_zero(tf::add(tp_tail_2, tail(fn)));
  return tf::reduce("Sum", div_no_nan(increment, positives, "pr_auc_increment"), std::nullopt,
                    false, "interpolate_pr_auc");
}

Output compute_auc(Output tp, Output fn, Output tn, Output fp, int64_t n, bool roc,
                   const std::string& summation_method, const std::string& name) {
  const double epsilon = 1.0e-6;
  if (!roc && summation_method == "careful_interpolation") return interpolate_pr_auc(tp, fp, fn, n);
  auto ratio = [epsilon](Output a, Output b) {
    Output numerator = tf::add(a, epsilon);
    return tf::op("Div", {numerator, tf::add(tf::add(a, b), epsilon)});
  };
  Output rec = ratio(tp, fn);
  Output x, y;
  if (roc) {
    x = tf::op("Div", {fp, tf::add(tf::add(fp, tn), epsilon)});
    y = rec;
  } else {
    x = rec;
    y = ratio(tp, fp);
  }
  Output x_head = slice(x, std::nullopt, n - 1);
  Output widths = tf::sub(x_head, slice(x, 1, std::nullopt));
  const bool mean =
      summation_method == "trapezoidal" || summation_method == "careful_interpolation";
  if (!mean && summation_method != "minoring" && summation_method != "majoring")
    raise(ErrorCode::kValue, "Invalid summation_method: ", summation_method);
  Output y_head = slice(y, std::nullopt, n - 1);
  Output y_tail = slice(y, 1, std::nullopt);
  Output heights;
  if (mean)
    heights = tf::truediv(tf::add(y_head, y_tail), 2.0);
  else
    heights = tf::op(summation_method == "minoring" ? "Minimum" : "Maximum", {y_head, y_tail});
  return tf::reduce("Sum", tf::op("Mul", {widths, heights}), std::nullopt, false, name);
}

std::string python_float(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  std::string s = out.str();
  // repr() of a float: the shortest digits that round-trip.
  for (int digits = 1; digits <= 17; ++digits) {
    std::ostringstream o;
    o.precision(digits);
    o << v;
    if (std::stod(o.str()) == v) {
      s = o.str();
      break;
    }
  }
  if (s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos &&
      s.find("nan") == std::string::npos)
    s += ".0";
  return s;
}

// sensitivity_at_specificity (sensitivity: true) or specificity_at_sensitivity.
Metric at_sensitivity_or_specificity(Graph& g, bool sensitivity, double target,
                                     int64_t num_thresholds, const Arg& labels,
                                     const Arg& predictions, const std::optional<Arg>& weights,
                                     const MetricOptions& options) {
  const char* default_name =
      sensitivity ? "sensitivity_at_specificity" : "specificity_at_sensitivity";
  const char* given = sensitivity ? "specificity" : "sensitivity";
  if (target < 0 || target > 1)
    raise(ErrorCode::kValue, "`", given, "` must be in the range [0, 1]. Currently, `", given,
          "` got ", python_float(target), ".");
  NameScope scope(g, scope_name(options, options.name, default_name));
  // TF1 ends the sensitivity thresholds at 1 + epsilon, the specificity ones at 1 - epsilon.
  std::vector<double> thresholds =
      with_ends(evenly_spaced(num_thresholds), sensitivity ? 1.0 + kAucEpsilon : 1.0 - kAucEpsilon);
  Counts c =
      confusion_matrix_at_thresholds(g, labels, predictions, thresholds, weights, kAllOutcomes);
  auto compute = [&](Output tp, Output fn, Output tn, Output fp, const std::string& name) {
    auto rate = [](Output a, Output b) {
      return tf::op("Div", {a, tf::add(tf::add(a, b), kAucEpsilon)});
    };
    auto distance = [target](Output rates) { return tf::op("Abs", {tf::sub(rates, target)}); };
    Output index, num, other;
    if (sensitivity) {
      Output d = distance(rate(tn, fp));
      index = tf::op("ArgMin", {d, axis0(g)}, "", {{"output_type", DType::kInt64}});
      num = tp;
      other = fn;
    } else {
      // The last threshold among those closest to the target (TF1's cumsum trick).
      Output d = distance(rate(tp, fn));
      Output at_min =
          tf::cast(tf::op("Equal", {d, tf::reduce("Min", d, std::nullopt, false)}), DType::kInt64);
      Output sums =
          tf::op("Cumsum", {at_min, axis0(g)}, "", {{"exclusive", false}, {"reverse", false}});
      index = tf::op("ArgMax", {sums, axis0(g)}, "", {{"output_type", DType::kInt64}});
      num = tn;
      other = fp;
    }
    index = tf::cast(index, DType::kInt32);
    auto gather = [&](Output params) {
      return tf::op("GatherV2", {params, index, axis0(g)}, "", {{"batch_dims", int64_t{0}}});
    };
    Output num_at = gather(num);
    Output denominator = tf::add(tf::add(num_at, gather(other)), kAucEpsilon);
    return tf::op("Div", {num_at, denominator}, name);
  };
  using O = Outcome;
  Output value = compute(c.value(O::kTruePositives), c.value(O::kFalseNegatives),
                         c.value(O::kTrueNegatives), c.value(O::kFalsePositives), "value");
  collect(g, options.metrics_collections, value);
  Output update = compute(c.update(O::kTruePositives), c.update(O::kFalseNegatives),
                          c.update(O::kTrueNegatives), c.update(O::kFalsePositives), "update_op");
  collect(g, options.updates_collections, update);
  return {value, update};
}

}  // namespace

Metric count_outcome_at_thresholds(Graph& g, Outcome outcome, const Arg& labels,
                                   const Arg& predictions, const std::vector<double>& thresholds,
                                   const std::optional<Arg>& weights,
                                   const MetricOptions& options) {
  NameScope scope(g, scope_name(options, options.name, outcome_name(outcome)));
  Counts c = confusion_matrix_at_thresholds(g, labels, predictions, thresholds, weights, {outcome});
  Output value = tf::op("Identity", {c.value(outcome)});
  collect(g, options.metrics_collections, value);
  collect(g, options.updates_collections, c.update(outcome));
  return {value, c.update(outcome)};
}

Metric precision_at_thresholds(Graph& g, const Arg& labels, const Arg& predictions,
                               const std::vector<double>& thresholds,
                               const std::optional<Arg>& weights, const MetricOptions& options) {
  return ratio_metric_at_thresholds(g, Outcome::kFalsePositives, "precision_at_thresholds",
                                    "precision", labels, predictions, thresholds, weights, options);
}

Metric recall_at_thresholds(Graph& g, const Arg& labels, const Arg& predictions,
                            const std::vector<double>& thresholds,
                            const std::optional<Arg>& weights, const MetricOptions& options) {
  return ratio_metric_at_thresholds(g, Outcome::kFalseNegatives, "recall_at_thresholds", "recall",
                                    labels, predictions, thresholds, weights, options);
}

Metric auc(Graph& g, const Arg& labels, const Arg& predictions, const std::optional<Arg>& weights,
           int64_t num_thresholds, const MetricOptions& options, const std::string& curve,
           const std::string& summation_method,
           const std::optional<std::vector<double>>& thresholds) {
  NameScope scope(g, scope_name(options, options.name, "auc"));
  if (curve != "ROC" && curve != "PR")
    raise(ErrorCode::kValue, "curve must be either ROC or PR, ", curve, " unknown");
  std::vector<double> inner;
  if (thresholds) {
    inner = *thresholds;
    std::sort(inner.begin(), inner.end());
    num_thresholds = static_cast<int64_t>(inner.size()) + 2;
  } else {
    inner = evenly_spaced(num_thresholds);
  }
  Counts c = confusion_matrix_at_thresholds(
      g, labels, predictions, with_ends(inner, 1.0 + kAucEpsilon), weights, kAllOutcomes);
  const bool roc = curve == "ROC";
  using O = Outcome;
  Output value = compute_auc(c.value(O::kTruePositives), c.value(O::kFalseNegatives),
                             c.value(O::kTrueNegatives), c.value(O::kFalsePositives),
                             num_thresholds, roc, summation_method, "value");
  collect(g, options.metrics_collections, value);
  Output update = compute_auc(c.update(O::kTruePositives), c.update(O::kFalseNegatives),
                              c.update(O::kTrueNegatives), c.update(O::kFalsePositives),
                              num_thresholds, roc, summation_method, "update_op");
  collect(g, options.updates_collections, update);
  return {value, update};
}

Metric sensitivity_at_specificity(Graph& g, const Arg& labels, const Arg& predictions,
                                  double specificity, const std::optional<Arg>& weights,
                                  int64_t num_thresholds, const MetricOptions& options) {
  return at_sensitivity_or_specificity(g, true, specificity, num_thresholds, labels, predictions,
                                       weights, options);
}

Metric specificity_at_sensitivity(Graph& g, const Arg& labels, const Arg& predictions,
                                  double sensitivity, const std::optional<Arg>& weights,
                                  int64_t num_thresholds, const MetricOptions& options) {
  return at_sensitivity_or_specificity(g, false, sensitivity, num_thresholds, labels, predictions,
                                       weights, options);
}

}  // namespace varflow::train
