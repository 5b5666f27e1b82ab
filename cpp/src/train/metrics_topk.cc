// tf.metrics' top-k family (varflow/train/metrics.h): precision@k, recall@k and average
// precision@k, node for node as the Python API built them before (TF1's set counts as dense
// comparisons: each row's labels a padded id matrix with a validity mask; an id counts when it
// is valid and no earlier valid entry of its row holds the same id).
#include <array>
#include <utility>

#include "train/metrics_util.h"
#include "train/tf_math.h"
#include "varflow/control_flow.h"
#include "varflow/errors.h"
#include "varflow/ops.h"
#include "varflow/train/initializers.h"
#include "varflow/train/metrics.h"

namespace varflow::train {

using metrics_util::collect;
using metrics_util::expand_dims;
using metrics_util::strided_slice_1d;

namespace {

std::string at_k_name(const std::string& name, std::optional<int64_t> k,
                      std::optional<int64_t> class_id) {
  std::string out = k ? name + "_at_" + std::to_string(*k) : name + "_at_k";
  if (class_id) out += "_class" + std::to_string(*class_id);
  return out;
}

Output shape_of(Output t) { return tf::op("Shape", {t}, "", {{"out_type", DType::kInt32}}); }
// shape[-1] and shape[:-1] of a shape vector.
Output last(Output v) { return strided_slice_1d(v, -1, 0, 0, 0, 1); }
Output all_but_last(Output v) { return strided_slice_1d(v, 0, -1, 1, 0, 0); }

// tf.ones_like(t, dtype) for another dtype: a Const "ones_like" of a static shape (below 1000
// elements), else a Fill of the run-time shape.
Output ones_like_as(Output t, DType dtype) {
  Graph& g = t.graph();
  const Shape& s = t.shape();
  if (s.fully_defined()) return filled(g, s.dims(), 1, dtype, "ones_like");
  Output dims = shape_of(t);
  Output one = ops::constant(g, Tensor::scalar<double>(1).cast(dtype), "Const");
  return tf::op("Fill", {dims, one}, "ones_like");
}

// A padded id matrix and its validity mask (nullopt: every entry valid).
struct Ids {
  Output ids;
  std::optional<Output> valid;
  template <typename F>
  Ids map(F fn) const {
    Output i = fn(ids);
    std::optional<Output> v;
    if (valid) v = fn(*valid);
    return {i, v};
  }
  Output mask() const { return valid ? *valid : ones_like_as(ids, DType::kBool); }
};

Ids ids_of(Graph& g, const TopKLabels& labels) {
  if (labels.sparse) {
    const std::array<Output, 3> parts = labels.sparse();
    const Output indices = parts[0], dense_shape = parts[2];
    Output values = tf::cast(parts[1], DType::kInt64);
    auto to_dense = [&](Output v, double default_value) {
      Output shape = tf::cast(dense_shape, indices.dtype());
      Output d = ops::constant(g, Tensor::scalar<double>(default_value).cast(v.dtype()), "Const");
      return tf::op("SparseToDense", {indices, shape, v, d}, "", {{"validate_indices", true}});
    };
    Output ids = to_dense(values, -1);
    Output valid = to_dense(ones_like_as(values, DType::kInt32), 0);
    return {ids, tf::cast(valid, DType::kBool)};
  }
  return {tf::cast(labels.dense->tensor(g, std::nullopt), DType::kInt64), std::nullopt};
}

// TF1's rule: labels of rank rank(predictions) - 1 gain a trailing dimension of 1.
Ids maybe_expand_labels(const Ids& labels, Output predictions) {
  const Shape& ls = labels.ids.shape();
  const Shape& ps = predictions.shape();
  if (ls.has_rank() && ps.has_rank()) {
    if (ps.rank() == ls.rank()) return labels;
    if (ps.rank() == ls.rank() + 1) return labels.map([](Output t) { return expand_dims(t, -1); });
    raise(ErrorCode::kValue, "Unexpected labels shape ", tf::shape_str(ls),
          " for predictions shape ", tf::shape_str(ps),
          ". Predictions rank should be the same rank as labels rank or labels rank plus one .");
  }
  Output predictions_rank = tf::op("Rank", {predictions});
  Output labels_rank = tf::add(tf::op("Rank", {labels.ids}), 1.0);
  Output expand = tf::op("Equal", {predictions_rank, labels_rank});
  return labels.map([expand](Output t) {
    return ops::cond(
        expand, [t] { return std::vector<Output>{expand_dims(t, -1)}; },
        [t] { return std::vector<Output>{tf::op("Identity", {t})}; })[0];
  });
}

// t reshaped to [rows, last].
Output rows(Output t) {
  Output n = last(shape_of(t));
  Output minus_one = ops::scalar<int32_t>(t.graph(), -1, "Const");
  Output dims = tf::op("Pack", {minus_one, n}, "stack", {{"axis", int64_t{0}}, {"N", int64_t{2}}});
  return tf::op("Reshape", {t, dims});
}

// tf.reduce_sum(x, axis) of an int axis: its Const after x.
Output sum_over(Output x, int32_t axis) {
  return tf::reduce("Sum", x, ops::scalar<int32_t>(x.graph(), axis, "Const"), false);
}

Output any_over(Output x, int32_t axis) {
  return tf::reduce("Any", x, ops::scalar<int32_t>(x.graph(), axis, "Const"), false);
}

// tf.range(n) of an int32 scalar tensor.
Output range_of(Output n) {
  Graph& g = n.graph();
  NameScope scope(g, "range");
  Output start = ops::scalar<int32_t>(g, 0, "start");
  Output delta = ops::scalar<int32_t>(g, 1, "delta");
  return ops::op(g, "Range", {start, n, delta}, {}, scope.scope());
}

// [rows, n] bool: the entry is valid and no earlier valid entry of its row repeats it.
Output first_occurrence(Output ids, Output valid) {
  Output n = last(shape_of(ids));
  Output positions = range_of(n);
  Output before = expand_dims(positions, 0);
  Output earlier = tf::op("Less", {before, expand_dims(positions, 1)});
  Output ids2 = expand_dims(ids, 2);
  Output same = tf::op("Equal", {ids2, expand_dims(ids, 1)});
  Output same_valid = tf::op("LogicalAnd", {same, expand_dims(valid, 1)});
  Output repeated = any_over(tf::op("LogicalAnd", {same_valid, expand_dims(earlier, 0)}), 2);
  return tf::op("LogicalAnd", {valid, tf::op("LogicalNot", {repeated})});
}

// [rows, n_a] bool: a's entry equals some valid entry of b's row.
Output member_of(Output a_ids, Output b_ids, Output b_valid) {
  Output a2 = expand_dims(a_ids, 2);
  Output same = tf::op("Equal", {a2, expand_dims(b_ids, 1)});
  return any_over(tf::op("LogicalAnd", {same, expand_dims(b_valid, 1)}), 2);
}

enum class SetKind { kTp, kFp, kFn };

// Per-row size of a TF set operation between the predicted ids and the labels.
Output set_count(const Ids& labels_in, Output predictions_idx, std::optional<int64_t> class_id,
                 SetKind kind) {
  Ids labels = labels_in;
  Ids pred{predictions_idx, std::nullopt};
  if (class_id) {
    // TF1's _select_class_id: only the entries equal to class_id remain in either set.
    auto select = [&](const Ids& x) {
      Output id =
          tf::cast(ops::scalar<int32_t>(x.ids.graph(), static_cast<int32_t>(*class_id), "Const"),
                   DType::kInt64);
      Output is_class = tf::op("Equal", {x.ids, id});
      Output mask = x.mask();
      return Ids{x.ids, tf::op("LogicalAnd", {mask, is_class})};
    };
    labels = select(labels);
    pred = select(pred);
  }
  Output a_ids = rows(pred.ids);
  Output a_valid = rows(pred.mask());
  Output b_ids = rows(labels.ids);
  Output b_valid = rows(labels.mask());
  if (kind == SetKind::kFn) {
    std::swap(a_ids, b_ids);
    std::swap(a_valid, b_valid);
  }
  Output first = first_occurrence(a_ids, a_valid);
  Output in_b = member_of(a_ids, b_ids, b_valid);
  if (kind != SetKind::kTp) in_b = tf::op("LogicalNot", {in_b});
  Output counted = tf::op("LogicalAnd", {first, in_b});
  Output per_row = sum_over(tf::cast(counted, DType::kFloat64), 1);
  return tf::op("Reshape", {per_row, all_but_last(shape_of(predictions_idx))});
}

// TF1's weights_broadcast_ops.assert_broadcastable, checked when run: nullptr for scalar
// weights.
Node* assert_broadcastable(Output weights, Output values) {
  Graph& g = weights.graph();
  const Shape& ws = weights.shape();
  if (ws.has_rank() && ws.rank() == 0) return nullptr;
  Output w_dyn = shape_of(weights);
  Output v_dyn = shape_of(values);
  Output w_rank = tf::op("Rank", {weights});
  Output scalar = tf::op("Equal", {w_rank, tf::k(w_rank, 0)});
  Output w_rank_1 = tf::op("Rank", {weights});
  Output same_rank = tf::op("Equal", {w_rank_1, tf::op("Rank", {values})});
  Output dims_ok = ops::cond(
      same_rank,
      [&] {
        Output ones = tf::op("Equal", {w_dyn, tf::k(w_dyn, 1)});
        Output or_same = tf::op("LogicalOr", {ones, tf::op("Equal", {w_dyn, v_dyn})});
        return std::vector<Output>{tf::reduce("All", or_same, std::nullopt, false)};
      },
      [&] {
        return std::vector<Output>{ops::constant(g, Tensor::scalar<bool>(false), "Const")};
      })[0];
  Output ok = tf::op("LogicalOr", {scalar, dims_ok});
  NameScope scope(g, "assert_broadcastable");
  auto text = [&](const char* s) {
    Tensor t(DType::kString, {});
    *t.data<std::string>() = s;
    return ops::constant(g, t, "Const");
  };
  Output message = text("weights can not be broadcast to values.");
  Output w_text = text("weights.shape=");
  Output v_text = text("values.shape=");
  return ops::add_op(g, "Assert", {ok, message, w_text, w_dyn, v_text, v_dyn}, {}, "Assert");
}

Output weighted(Output counts, const std::optional<Arg>& weights_arg) {
  if (!weights_arg) return counts;
  Graph& g = counts.graph();
  Output weights = weights_arg->tensor(g, std::nullopt);
  Node* check = assert_broadcastable(weights, counts);
  std::vector<Node*> deps;
  if (check) deps.push_back(check);
  ControlDependencies after(g, deps);
  return tf::op("Mul", {counts, tf::cast(weights, DType::kFloat64)});
}

struct Count {
  Variable variable;
  Output update;
};

Count streaming_count(const Ids& labels, Output predictions_idx, std::optional<int64_t> k,
                      std::optional<int64_t> class_id, const std::optional<Arg>& weights,
                      SetKind kind) {
  Graph& g = predictions_idx.graph();
  const char* prefix = kind == SetKind::kTp   ? "true_positive"
                       : kind == SetKind::kFp ? "false_positive"
                                              : "false_negative";
  NameScope scope(g, at_k_name(prefix, k, class_id));
  Output counts = weighted(set_count(labels, predictions_idx, class_id, kind), weights);
  Output batch_total = tf::reduce("Sum", counts, std::nullopt, false);
  Variable var = metric_variable(g, {}, DType::kFloat64, scope.scope());
  return {var, var.assign_add(batch_total, "update")};
}

Metric ratio_at_top_k(Graph& g, const TopKLabels& labels_in, const Arg& predictions_idx_arg,
                      std::optional<int64_t> k, std::optional<int64_t> class_id,
                      const std::optional<Arg>& weights, const MetricOptions& options,
                      SetKind other) {
  const char* base = other == SetKind::kFp ? "precision" : "recall";
  NameScope scope(g, options.name.empty() ? at_k_name(base, k, class_id) : options.name);
  Output predictions_idx = tf::cast(predictions_idx_arg.tensor(g, std::nullopt), DType::kInt64);
  Ids labels = maybe_expand_labels(ids_of(g, labels_in), predictions_idx);
  Count tp = streaming_count(labels, predictions_idx, k, class_id, weights, SetKind::kTp);
  Count oth = streaming_count(labels, predictions_idx, k, class_id, weights, other);
  Output tp_value = tp.variable.value();
  Output value =
      tf::truediv(tp_value, tf::op("Add", {tp_value, oth.variable.value()}), scope.scope());
  collect(g, options.metrics_collections, value);
  Output update = tf::truediv(tp.update, tf::op("Add", {tp.update, oth.update}), "update");
  collect(g, options.updates_collections, update);
  return {value, update};
}

Output top_k_indices(Output predictions, int64_t k) {
  Output kt = ops::scalar<int32_t>(predictions.graph(), static_cast<int32_t>(k), "Const");
  return ops::add_op(predictions.graph(), "TopKV2", {predictions, kt}, {{"sorted", true}}, "TopKV2")
      ->output(1);
}

Metric ratio_at_k(Graph& g, const TopKLabels& labels, const Arg& predictions_arg, int64_t k,
                  std::optional<int64_t> class_id, const std::optional<Arg>& weights,
                  const MetricOptions& options, SetKind other) {
  const char* base = other == SetKind::kFp ? "precision" : "recall";
  NameScope scope(g, options.name.empty() ? at_k_name(base, k, class_id) : options.name);
  Output idx = top_k_indices(predictions_arg.tensor(g, std::nullopt), k);
  MetricOptions inner = options;
  inner.name = scope.scope();
  return ratio_at_top_k(g, labels, idx, k, class_id, weights, inner, other);
}

// x / y, 0 where y is 0 (TF1's _safe_scalar_div), named `name`.
Output safe_scalar_div(Output x, Output y, const std::string& name) {
  Output zero = tf::op("ZerosLike", {y});
  Output is_zero = tf::op("Equal", {y, zero});
  Output safe = tf::op("Select", {is_zero, tf::op("OnesLike", {y}), y});
  return tf::op("Select", {is_zero, zero, tf::truediv(x, safe)}, name);
}

// Label ids >= num_classes become -1 (TF1's _clean_out_of_range_indices: a tf.cond on the
// largest label).
Ids clean_out_of_range_indices(const Ids& labels, Output num_classes) {
  Output ids = labels.ids;
  Output max_labels = tf::reduce("Max", ids, std::nullopt, false);
  Output out_of_range = tf::op("GreaterEqual", {max_labels, num_classes});
  Output cleaned = ops::cond(
      out_of_range,
      [&] {
        Output is_out = tf::op("GreaterEqual", {ids, num_classes});
        Output minus_ones = tf::mul(-1.0, tf::op("OnesLike", {ids}));
        return std::vector<Output>{tf::op("Select", {is_out, minus_ones, ids})};
      },
      [&] { return std::vector<Output>{tf::op("Identity", {ids})}; })[0];
  return {cleaned, labels.valid};
}

// TF1's _num_relevant: min(number of labels, k) per row: a SparseTensor's distinct values, a
// dense tensor's non-negative entries.
Output num_relevant(const Ids& labels, bool sparse, int64_t k) {
  Graph& g = labels.ids.graph();
  Output count;
  if (sparse) {
    Output r = rows(labels.ids);
    Output first = first_occurrence(r, rows(labels.mask()));
    count = sum_over(tf::cast(first, DType::kInt64), 1);
    count = tf::op("Reshape", {count, all_but_last(shape_of(labels.ids))});
  } else {
    Output labelled = tf::op("GreaterEqual", {labels.ids, tf::k(labels.ids, 0)});
    count = sum_over(tf::cast(labelled, DType::kInt64), -1);
  }
  Output kt = tf::cast(ops::scalar<int32_t>(g, static_cast<int32_t>(k), "Const"), DType::kInt64);
  return tf::op("Minimum", {count, kt});
}

Output cumsum_last(Output x) {
  return tf::op("Cumsum", {x, ops::scalar<int32_t>(x.graph(), -1, "Const")}, "",
                {{"exclusive", false}, {"reverse", false}});
}

// [D1, ... DN] float64: the average precision of each row's ranked predictions.
Output average_precision_per_row(const Ids& labels_in, bool sparse, Output predictions_idx) {
  predictions_idx = tf::cast(predictions_idx, DType::kInt64);
  const Shape& ps = predictions_idx.shape();
  if (ps.has_rank() && ps.rank() == 0)
    raise(ErrorCode::kValue, "The rank of `predictions_idx` must be at least 1.");
  if (!ps.has_rank() || ps.dim(ps.rank() - 1) < 0)
    raise(ErrorCode::kValue,
          "The last dimension of predictions_idx must be set. Currently, it is None.");
  const int64_t k = ps.dim(ps.rank() - 1);
  Ids labels = maybe_expand_labels(labels_in, predictions_idx);
  Output a_ids = rows(predictions_idx);
  Output b_ids = rows(labels.ids);
  Output b_valid = rows(labels.mask());
  Output relevant = tf::cast(member_of(a_ids, b_ids, b_valid), DType::kFloat64);  // [rows, k]
  Output tp_per_k = cumsum_last(relevant);
  Output retrieved_per_k = cumsum_last(tf::op("OnesLike", {relevant}));
  Output precision_per_k = tf::truediv(tp_per_k, retrieved_per_k);
  Output precision_sum = sum_over(tf::op("Mul", {precision_per_k, relevant}), -1);
  precision_sum = tf::op("Reshape", {precision_sum, all_but_last(shape_of(predictions_idx))});
  Output relevant_count = tf::cast(num_relevant(labels, sparse, k), DType::kFloat64);
  return tf::truediv(precision_sum, relevant_count);
}

}  // namespace

Metric precision_at_top_k(Graph& g, const TopKLabels& labels, const Arg& predictions_idx,
                          std::optional<int64_t> k, std::optional<int64_t> class_id,
                          const std::optional<Arg>& weights, const MetricOptions& options) {
  return ratio_at_top_k(g, labels, predictions_idx, k, class_id, weights, options, SetKind::kFp);
}

Metric recall_at_top_k(Graph& g, const TopKLabels& labels, const Arg& predictions_idx,
                       std::optional<int64_t> k, std::optional<int64_t> class_id,
                       const std::optional<Arg>& weights, const MetricOptions& options) {
  return ratio_at_top_k(g, labels, predictions_idx, k, class_id, weights, options, SetKind::kFn);
}

Metric precision_at_k(Graph& g, const TopKLabels& labels, const Arg& predictions, int64_t k,
                      std::optional<int64_t> class_id, const std::optional<Arg>& weights,
                      const MetricOptions& options) {
  return ratio_at_k(g, labels, predictions, k, class_id, weights, options, SetKind::kFp);
}

Metric recall_at_k(Graph& g, const TopKLabels& labels, const Arg& predictions, int64_t k,
                   std::optional<int64_t> class_id, const std::optional<Arg>& weights,
                   const MetricOptions& options) {
  return ratio_at_k(g, labels, predictions, k, class_id, weights, options, SetKind::kFn);
}

Metric average_precision_at_k(Graph& g, const TopKLabels& labels, const Arg& predictions_arg,
                              int64_t k, const std::optional<Arg>& weights_arg,
                              const MetricOptions& options) {
  if (k < 1) raise(ErrorCode::kValue, "Invalid k=", k, ". `k` should be >= 1.");
  NameScope scope(
      g, options.name.empty() ? at_k_name("average_precision", k, std::nullopt) : options.name);
  Output predictions = predictions_arg.tensor(g, std::nullopt);
  Output predictions_idx = top_k_indices(predictions, k);
  Output num_classes = tf::cast(last(shape_of(predictions)), DType::kInt64);
  Ids ids = clean_out_of_range_indices(ids_of(g, labels), num_classes);
  Output average_precision =
      average_precision_per_row(ids, static_cast<bool>(labels.sparse), predictions_idx);
  std::optional<Output> weights;
  if (weights_arg) {
    Output w = tf::cast(weights_arg->tensor(g, std::nullopt), DType::kFloat64);
    Node* check = assert_broadcastable(w, average_precision);
    {
      std::vector<Node*> deps;
      if (check) deps.push_back(check);
      ControlDependencies after(g, deps);
      w = tf::op("Mul", {w, tf::op("OnesLike", {average_precision})});
    }
    average_precision = tf::op("Mul", {average_precision, w});
    weights = w;
  }
  Variable max_var, total_var;
  Output max_update, total_update;
  {
    NameScope max_scope(g, "max");
    max_var = metric_variable(g, {}, DType::kFloat64, max_scope.scope());
    Output batch_max =
        weights ? tf::reduce("Sum", *weights, std::nullopt, false, "batch_max")
                : tf::cast(tf::op("Size", {average_precision}, "", {{"out_type", DType::kInt32}}),
                           DType::kFloat64);
    max_update = max_var.assign_add(batch_max, "update");
  }
  {
    NameScope total_scope(g, "total");
    total_var = metric_variable(g, {}, DType::kFloat64, total_scope.scope());
    Output batch_total = tf::reduce("Sum", average_precision, std::nullopt, false, "batch_total");
    total_update = total_var.assign_add(batch_total, "update");
  }
  Output value = safe_scalar_div(total_var.value(), max_var.value(), "mean");
  collect(g, options.metrics_collections, value);
  Output update = safe_scalar_div(total_update, max_update, scope.scope());
  collect(g, options.updates_collections, update);
  return {value, update};
}

}  // namespace varflow::train
