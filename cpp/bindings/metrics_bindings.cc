// tf.metrics (varflow/train/metrics.h): conversions only. Each metric returns (value,
// update_op); the options are keyword arguments.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "varflow/train/arg.h"
#include "varflow/train/metrics.h"

namespace varflow::bindings {

namespace py = pybind11;
using train::Arg;
using train::Metric;
using train::MetricOptions;
using Weights = std::optional<Arg>;
using ScopeFn = std::optional<train::MetricScopeFn>;

namespace {

MetricOptions metric_options(std::vector<std::string> metrics_collections,
                             std::vector<std::string> updates_collections, std::string name,
                             ScopeFn open_scope) {
  MetricOptions options;
  options.metrics_collections = std::move(metrics_collections);
  options.updates_collections = std::move(updates_collections);
  options.name = std::move(name);
  if (open_scope) options.open_scope = std::move(*open_scope);
  return options;
}

std::pair<Output, Output> pair_of(const Metric& metric) { return {metric.value, metric.update_op}; }

train::Outcome parse_outcome(const std::string& name) {
  for (train::Outcome o : {train::Outcome::kTruePositives, train::Outcome::kFalsePositives,
                           train::Outcome::kTrueNegatives, train::Outcome::kFalseNegatives})
    if (name == train::outcome_name(o)) return o;
  throw py::value_error("unknown outcome " + name);
}

using SparseParts = std::function<std::array<Output, 3>()>;

train::TopKLabels top_k_labels(const std::optional<Arg>& dense,
                               const std::optional<SparseParts>& sparse) {
  if (sparse) return train::TopKLabels(*sparse);
  if (!dense) throw py::value_error("top-k labels: give dense or sparse labels");
  return train::TopKLabels(*dense);
}

using Unary = Metric (*)(Graph&, const Arg&, const Weights&, const MetricOptions&);
using Binary = Metric (*)(Graph&, const Arg&, const Arg&, const Weights&, const MetricOptions&);

void def_unary(py::module_& m, const char* name, Unary fn) {
  m.def(
      name,
      [fn](Graph& g, const Arg& values, const Weights& weights, std::vector<std::string> mc,
           std::vector<std::string> uc, std::string scope, ScopeFn open_scope) {
        return pair_of(fn(
            g, values, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("values"), py::arg("weights"), py::arg("metrics_collections"),
      py::arg("updates_collections"), py::arg("name"), py::arg("open_scope"));
}

void def_binary(py::module_& m, const char* name, Binary fn) {
  m.def(
      name,
      [fn](Graph& g, const Arg& labels, const Arg& predictions, const Weights& weights,
           std::vector<std::string> mc, std::vector<std::string> uc, std::string scope,
           ScopeFn open_scope) {
        return pair_of(fn(
            g, labels, predictions, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("weights"),
      py::arg("metrics_collections"), py::arg("updates_collections"), py::arg("name"),
      py::arg("open_scope"));
}

}  // namespace

void bind_metrics(py::module_& m) {
  m.def(
      "metric_variable",
      [](Graph& g, const std::vector<int64_t>& shape, DType dtype, const std::string& name,
         bool validate_shape) {
        return train::metric_variable(g, shape, dtype, name, validate_shape).node();
      },
      py::arg("graph"), py::arg("shape"), py::arg("dtype"), py::arg("name"),
      py::arg("validate_shape"));
  def_unary(m, "metric_mean", &train::mean);
  def_unary(m, "metric_mean_tensor", &train::mean_tensor);
  def_binary(m, "metric_accuracy", &train::accuracy);
  def_binary(m, "metric_mean_absolute_error", &train::mean_absolute_error);
  def_binary(m, "metric_mean_squared_error", &train::mean_squared_error);
  def_binary(m, "metric_root_mean_squared_error", &train::root_mean_squared_error);
  def_binary(m, "metric_precision", &train::precision);
  def_binary(m, "metric_recall", &train::recall);
  m.def(
      "metric_count_outcome",
      [](Graph& g, const std::string& outcome, const Arg& labels, const Arg& predictions,
         const Weights& weights, std::vector<std::string> mc, std::vector<std::string> uc,
         std::string scope, ScopeFn open_scope) {
        return pair_of(train::count_outcome(
            g, parse_outcome(outcome), labels, predictions, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("outcome"), py::arg("labels"), py::arg("predictions"),
      py::arg("weights"), py::arg("metrics_collections"), py::arg("updates_collections"),
      py::arg("name"), py::arg("open_scope"));
  m.def(
      "metric_percentage_below",
      [](Graph& g, const Arg& values, const Arg& threshold, const Weights& weights,
         std::vector<std::string> mc, std::vector<std::string> uc, std::string scope,
         ScopeFn open_scope) {
        return pair_of(train::percentage_below(
            g, values, threshold, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("values"), py::arg("threshold"), py::arg("weights"),
      py::arg("metrics_collections"), py::arg("updates_collections"), py::arg("name"),
      py::arg("open_scope"));
  m.def(
      "metric_mean_relative_error",
      [](Graph& g, const Arg& labels, const Arg& predictions, const Arg& normalizer,
         const Weights& weights, std::vector<std::string> mc, std::vector<std::string> uc,
         std::string scope, ScopeFn open_scope) {
        return pair_of(train::mean_relative_error(
            g, labels, predictions, normalizer, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("normalizer"),
      py::arg("weights"), py::arg("metrics_collections"), py::arg("updates_collections"),
      py::arg("name"), py::arg("open_scope"));
  m.def(
      "metric_mean_cosine_distance",
      [](Graph& g, const Arg& labels, const Arg& predictions, int64_t dim, const Weights& weights,
         std::vector<std::string> mc, std::vector<std::string> uc, std::string scope,
         ScopeFn open_scope) {
        return pair_of(train::mean_cosine_distance(
            g, labels, predictions, dim, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("dim"),
      py::arg("weights"), py::arg("metrics_collections"), py::arg("updates_collections"),
      py::arg("name"), py::arg("open_scope"));

  // --- at thresholds -------------------------------------------------------------------------
  m.def(
      "metric_count_outcome_at_thresholds",
      [](Graph& g, const std::string& outcome, const Arg& labels, const Arg& predictions,
         const std::vector<double>& thresholds, const Weights& weights, std::vector<std::string> mc,
         std::vector<std::string> uc, std::string scope, ScopeFn open_scope) {
        return pair_of(train::count_outcome_at_thresholds(
            g, parse_outcome(outcome), labels, predictions, thresholds, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope))));
      },
      py::arg("graph"), py::arg("outcome"), py::arg("labels"), py::arg("predictions"),
      py::arg("thresholds"), py::arg("weights"), py::arg("metrics_collections"),
      py::arg("updates_collections"), py::arg("name"), py::arg("open_scope"));
  for (bool precision : {true, false}) {
    m.def(
        precision ? "metric_precision_at_thresholds" : "metric_recall_at_thresholds",
        [precision](Graph& g, const Arg& labels, const Arg& predictions,
                    const std::vector<double>& thresholds, const Weights& weights,
                    std::vector<std::string> mc, std::vector<std::string> uc, std::string scope,
                    ScopeFn open_scope) {
          auto fn = precision ? &train::precision_at_thresholds : &train::recall_at_thresholds;
          return pair_of(fn(g, labels, predictions, thresholds, weights,
                            metric_options(std::move(mc), std::move(uc), std::move(scope),
                                           std::move(open_scope))));
        },
        py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("thresholds"),
        py::arg("weights"), py::arg("metrics_collections"), py::arg("updates_collections"),
        py::arg("name"), py::arg("open_scope"));
  }
  m.def(
      "metric_auc",
      [](Graph& g, const Arg& labels, const Arg& predictions, const Weights& weights,
         int64_t num_thresholds, const std::string& curve, const std::string& summation_method,
         std::optional<std::vector<double>> thresholds, std::vector<std::string> mc,
         std::vector<std::string> uc, std::string scope, ScopeFn open_scope) {
        return pair_of(train::auc(
            g, labels, predictions, weights, num_thresholds,
            metric_options(std::move(mc), std::move(uc), std::move(scope), std::move(open_scope)),
            curve, summation_method, thresholds));
      },
      py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("weights"),
      py::arg("num_thresholds"), py::arg("curve"), py::arg("summation_method"),
      py::arg("thresholds"), py::arg("metrics_collections"), py::arg("updates_collections"),
      py::arg("name"), py::arg("open_scope"));
  for (bool sensitivity : {true, false}) {
    m.def(
        sensitivity ? "metric_sensitivity_at_specificity" : "metric_specificity_at_sensitivity",
        [sensitivity](Graph& g, const Arg& labels, const Arg& predictions, double target,
                      const Weights& weights, int64_t num_thresholds, std::vector<std::string> mc,
                      std::vector<std::string> uc, std::string scope, ScopeFn open_scope) {
          auto fn =
              sensitivity ? &train::sensitivity_at_specificity : &train::specificity_at_sensitivity;
          return pair_of(fn(g, labels, predictions, target, weights, num_thresholds,
                            metric_options(std::move(mc), std::move(uc), std::move(scope),
                                           std::move(open_scope))));
        },
        py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("target"),
        py::arg("weights"), py::arg("num_thresholds"), py::arg("metrics_collections"),
        py::arg("updates_collections"), py::arg("name"), py::arg("open_scope"));
  }
  // --- over class ids ------------------------------------------------------------------------
  m.def("confusion_matrix", &train::confusion_matrix, py::arg("graph"), py::arg("labels"),
        py::arg("predictions"), py::arg("num_classes"), py::arg("dtype"), py::arg("name"),
        py::arg("weights"));
  for (bool iou : {true, false}) {
    m.def(
        iou ? "metric_mean_iou" : "metric_mean_per_class_accuracy",
        [iou](Graph& g, const Arg& labels, const Arg& predictions, int64_t num_classes,
              const Weights& weights, std::vector<std::string> mc, std::vector<std::string> uc,
              std::string scope, ScopeFn open_scope) {
          auto fn = iou ? &train::mean_iou : &train::mean_per_class_accuracy;
          return pair_of(fn(g, labels, predictions, num_classes, weights,
                            metric_options(std::move(mc), std::move(uc), std::move(scope),
                                           std::move(open_scope))));
        },
        py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("num_classes"),
        py::arg("weights"), py::arg("metrics_collections"), py::arg("updates_collections"),
        py::arg("name"), py::arg("open_scope"));
  }
  m.def("remove_squeezable_dimensions", &train::remove_squeezable_dimensions, py::arg("graph"),
        py::arg("labels"), py::arg("predictions"), py::arg("expected_rank_diff"), py::arg("name"));
  // --- top k ---------------------------------------------------------------------------------
  for (bool precision : {true, false}) {
    m.def(
        precision ? "metric_precision_at_top_k" : "metric_recall_at_top_k",
        [precision](Graph& g, const std::optional<Arg>& labels,
                    const std::optional<SparseParts>& sparse_labels, const Arg& predictions_idx,
                    std::optional<int64_t> k, std::optional<int64_t> class_id,
                    const Weights& weights, std::vector<std::string> mc,
                    std::vector<std::string> uc, std::string scope) {
          auto fn = precision ? &train::precision_at_top_k : &train::recall_at_top_k;
          return pair_of(fn(g, top_k_labels(labels, sparse_labels), predictions_idx, k, class_id,
                            weights,
                            metric_options(std::move(mc), std::move(uc), std::move(scope), {})));
        },
        py::arg("graph"), py::arg("labels"), py::arg("sparse_labels"), py::arg("predictions_idx"),
        py::arg("k"), py::arg("class_id"), py::arg("weights"), py::arg("metrics_collections"),
        py::arg("updates_collections"), py::arg("name"));
    m.def(
        precision ? "metric_precision_at_k" : "metric_recall_at_k",
        [precision](Graph& g, const std::optional<Arg>& labels,
                    const std::optional<SparseParts>& sparse_labels, const Arg& predictions,
                    int64_t k, std::optional<int64_t> class_id, const Weights& weights,
                    std::vector<std::string> mc, std::vector<std::string> uc, std::string scope) {
          auto fn = precision ? &train::precision_at_k : &train::recall_at_k;
          return pair_of(fn(g, top_k_labels(labels, sparse_labels), predictions, k, class_id,
                            weights,
                            metric_options(std::move(mc), std::move(uc), std::move(scope), {})));
        },
        py::arg("graph"), py::arg("labels"), py::arg("sparse_labels"), py::arg("predictions"),
        py::arg("k"), py::arg("class_id"), py::arg("weights"), py::arg("metrics_collections"),
        py::arg("updates_collections"), py::arg("name"));
  }
  m.def(
      "metric_average_precision_at_k",
      [](Graph& g, const std::optional<Arg>& labels,
         const std::optional<SparseParts>& sparse_labels, const Arg& predictions, int64_t k,
         const Weights& weights, std::vector<std::string> mc, std::vector<std::string> uc,
         std::string scope) {
        return pair_of(train::average_precision_at_k(
            g, top_k_labels(labels, sparse_labels), predictions, k, weights,
            metric_options(std::move(mc), std::move(uc), std::move(scope), {})));
      },
      py::arg("graph"), py::arg("labels"), py::arg("sparse_labels"), py::arg("predictions"),
      py::arg("k"), py::arg("weights"), py::arg("metrics_collections"),
      py::arg("updates_collections"), py::arg("name"));
}

}  // namespace varflow::bindings
