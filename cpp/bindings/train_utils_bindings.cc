// tf.train's composite functions (schedules, clipping, global step, moving averages, losses,
// nn, random tensors and initializers, get_variable's checks, dense): conversions only. Python
// hands each argument over as a train::Arg whose builder applies TF1's Python conversion rules, so
// the C++ functions create every node in TF1's order.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "varflow/train/arg.h"
#include "varflow/train/clip.h"
#include "varflow/train/embeddings.h"
#include "varflow/train/initializers.h"
#include "varflow/train/layers.h"
#include "varflow/train/losses.h"
#include "varflow/train/moving_averages.h"
#include "varflow/train/nn.h"
#include "varflow/train/sampled_losses.h"
#include "varflow/train/schedules.h"
#include "varflow/train/sparse.h"
#include "varflow/train/training_util.h"

namespace varflow::bindings {

namespace py = pybind11;
using train::Arg;

namespace {

Arg::Builder builder(py::function fn) {
  return [fn](std::optional<DType> dtype, const std::string& name) {
    return fn(dtype, name).cast<Output>();
  };
}

// A Python debias maker: (variable node) -> (biased node, local_step node, name scope).
train::DebiasMaker debias_maker(std::optional<py::function> fn) {
  if (!fn) return nullptr;
  return [fn = *fn](const Variable& var) {
    auto [biased, local_step, scope] = fn(py::cast(var.node(), py::return_value_policy::reference))
                                           .cast<std::tuple<Node*, Node*, std::string>>();
    return train::DebiasState{Variable::from_node(biased), Variable::from_node(local_step), scope};
  };
}

// An averaged item from Python: a variable's node or a tensor.
train::Averaged averaged(const std::variant<Node*, Output>& item) {
  if (Node* const* node = std::get_if<Node*>(&item)) return Variable::from_node(*node);
  return std::get<Output>(item);
}

train::LossOptions loss_options(std::optional<std::string> loss_collection,
                                const std::string& reduction) {
  train::LossOptions options;
  options.loss_collection = std::move(loss_collection);
  options.reduction = train::parse_reduction(reduction);
  return options;
}

py::object item_to_py(const CollectionItem& item) {
  if (const Output* o = std::get_if<Output>(&item)) return py::cast(*o);
  return py::cast(std::get<Node*>(item), py::return_value_policy::reference);
}

}  // namespace

namespace {

// A SparseTensor as Python hands it over: [indices, values, dense_shape].
train::SparseTensorParts sparse_parts(const std::vector<Output>& t) {
  VF_CHECK(t.size() == 3, ErrorCode::kValue,
           "a SparseTensor is (indices, values, dense_shape), got ", t.size(), " tensors");
  return train::SparseTensorParts{t[0], t[1], t[2]};
}

std::optional<train::SparseTensorParts> optional_sparse_parts(
    const std::optional<std::vector<Output>>& t) {
  if (!t) return std::nullopt;
  return sparse_parts(*t);
}

std::vector<Output> sparse_list(const train::SparseTensorParts& t) {
  return {t.indices, t.values, t.dense_shape};
}

}  // namespace

void bind_train_utils(py::module_& m) {
  py::class_<Arg>(m, "Arg")
      .def(py::init<Output>(), py::arg("tensor"))
      .def(py::init([](py::function build) { return Arg(builder(std::move(build))); }),
           py::arg("build"))
      .def(py::init([](double number, py::function build) {
             return Arg(number, builder(std::move(build)));
           }),
           py::arg("number"), py::arg("build"))
      .def(py::init<double>(), py::arg("number"));

  // --- schedules ------------------------------------------------------------------------------
  auto schedule = [&m](const char* fn_name, auto fn) {
    m.def(fn_name, fn, py::arg("graph"), py::arg("learning_rate"), py::arg("global_step"),
          py::arg("decay_steps"), py::arg("decay_rate"), py::arg("staircase"), py::arg("name"));
  };
  schedule("exponential_decay", [](Graph& g, const Arg& lr, const Arg& step, const Arg& steps,
                                   const Arg& rate, bool staircase, const std::string& name) {
    return train::exponential_decay(g, lr, step, steps, rate, staircase, name);
  });
  schedule("natural_exp_decay", [](Graph& g, const Arg& lr, const Arg& step, const Arg& steps,
                                   const Arg& rate, bool staircase, const std::string& name) {
    return train::natural_exp_decay(g, lr, step, steps, rate, staircase, name);
  });
  schedule("inverse_time_decay", [](Graph& g, const Arg& lr, const Arg& step, const Arg& steps,
                                    const Arg& rate, bool staircase, const std::string& name) {
    return train::inverse_time_decay(g, lr, step, steps, rate, staircase, name);
  });
  m.def("polynomial_decay", &train::polynomial_decay, py::arg("graph"), py::arg("learning_rate"),
        py::arg("global_step"), py::arg("decay_steps"), py::arg("end_learning_rate"),
        py::arg("power"), py::arg("cycle"), py::arg("name"));
  m.def("piecewise_constant", &train::piecewise_constant, py::arg("graph"), py::arg("x"),
        py::arg("boundaries"), py::arg("values"), py::arg("name"));
  m.def("cosine_decay", &train::cosine_decay, py::arg("graph"), py::arg("learning_rate"),
        py::arg("global_step"), py::arg("decay_steps"), py::arg("alpha"), py::arg("name"));
  m.def("cosine_decay_restarts", &train::cosine_decay_restarts, py::arg("graph"),
        py::arg("learning_rate"), py::arg("global_step"), py::arg("first_decay_steps"),
        py::arg("t_mul"), py::arg("m_mul"), py::arg("alpha"), py::arg("name"));
  m.def("linear_cosine_decay", &train::linear_cosine_decay, py::arg("graph"),
        py::arg("learning_rate"), py::arg("global_step"), py::arg("decay_steps"),
        py::arg("num_periods"), py::arg("alpha"), py::arg("beta"), py::arg("name"));
  m.def("noisy_linear_cosine_decay", &train::noisy_linear_cosine_decay, py::arg("graph"),
        py::arg("learning_rate"), py::arg("global_step"), py::arg("decay_steps"),
        py::arg("initial_variance"), py::arg("variance_decay"), py::arg("num_periods"),
        py::arg("alpha"), py::arg("beta"), py::arg("name"), py::arg("seed"));

  // --- global step and seeds -----------------------------------------------------------------
  m.def(
      "get_global_step",
      [](const Graph& g) -> py::object {
        std::optional<CollectionItem> step = train::get_global_step(g);
        return step ? item_to_py(*step) : py::none();
      },
      py::arg("graph"));
  m.def("assert_global_step", &train::assert_global_step, py::arg("global_step"));
  m.def(
      "random_seeds",
      [](const Graph& g, std::optional<int64_t> op_seed) {
        train::Seeds s = train::random_seeds(g, op_seed);
        return std::make_pair(s.seed, s.seed2);
      },
      py::arg("graph"), py::arg("op_seed"));

  // --- clipping --------------------------------------------------------------------------------
  m.def("clip_by_value", &train::clip_by_value, py::arg("graph"), py::arg("t"),
        py::arg("clip_value_min"), py::arg("clip_value_max"), py::arg("name"));
  m.def("clip_by_norm", &train::clip_by_norm, py::arg("graph"), py::arg("t"), py::arg("clip_norm"),
        py::arg("axes"), py::arg("name"));
  m.def("global_norm", &train::global_norm, py::arg("graph"), py::arg("t_list"), py::arg("name"));
  m.def("clip_by_global_norm", &train::clip_by_global_norm, py::arg("graph"), py::arg("t_list"),
        py::arg("clip_norm"), py::arg("use_norm"), py::arg("name"));
  m.def("clip_by_average_norm", &train::clip_by_average_norm, py::arg("graph"), py::arg("t"),
        py::arg("clip_norm"), py::arg("name"));

  // --- moving averages -------------------------------------------------------------------------
  m.def(
      "assign_moving_average",
      [](Node* variable, const Arg& value, const Arg& decay, bool zero_debias,
         const std::string& name, std::optional<py::function> make_debias) {
        return train::assign_moving_average(Variable::from_node(variable), value, decay,
                                            zero_debias, name, debias_maker(make_debias));
      },
      py::arg("variable"), py::arg("value"), py::arg("decay"), py::arg("zero_debias"),
      py::arg("name"), py::arg("make_debias"));
  py::class_<train::ExponentialMovingAverage>(m, "ExponentialMovingAverage")
      .def(py::init<Arg, std::optional<Arg>, bool, std::string>(), py::arg("decay"),
           py::arg("num_updates"), py::arg("zero_debias"), py::arg("name"))
      .def_property_readonly("name", &train::ExponentialMovingAverage::name)
      .def(
          "apply",
          [](train::ExponentialMovingAverage& ema, Graph& g,
             const std::vector<std::variant<Node*, Output>>& items,
             std::optional<py::function> make_debias) {
            std::vector<train::Averaged> list;
            for (const auto& item : items) list.push_back(averaged(item));
            return ema.apply(g, list, debias_maker(make_debias));
          },
          py::arg("graph"), py::arg("items"), py::arg("make_debias"),
          py::return_value_policy::reference)
      .def(
          "average",
          [](const train::ExponentialMovingAverage& ema,
             const std::variant<Node*, Output>& item) -> Node* {
            std::optional<Variable> avg = ema.average(averaged(item));
            return avg ? avg->node() : nullptr;
          },
          py::arg("item"), py::return_value_policy::reference)
      .def(
          "average_name",
          [](const train::ExponentialMovingAverage& ema, Graph& g,
             const std::variant<Node*, Output>& item) {
            return ema.average_name(g, averaged(item));
          },
          py::arg("graph"), py::arg("item"));

  // --- losses ------------------------------------------------------------------------------------
  m.def(
      "compute_weighted_loss",
      [](Graph& g, const Arg& losses, const Arg& weights, const std::string& name,
         std::optional<std::string> collection, const std::string& reduction) {
        return train::compute_weighted_loss(g, losses, weights, name,
                                            loss_options(std::move(collection), reduction));
      },
      py::arg("graph"), py::arg("losses"), py::arg("weights"), py::arg("name"),
      py::arg("loss_collection"), py::arg("reduction"));
  auto pointwise_loss = [&m](const char* fn_name, auto fn) {
    m.def(
        fn_name,
        [fn](Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights,
             const std::string& name, std::optional<std::string> collection,
             const std::string& reduction) {
          return fn(g, labels, predictions, weights, name,
                    loss_options(std::move(collection), reduction));
        },
        py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("weights"),
        py::arg("name"), py::arg("loss_collection"), py::arg("reduction"));
  };
  pointwise_loss("mean_squared_error", [](Graph& g, const Arg& l, const Arg& p, const Arg& w,
                                          const std::string& n, const train::LossOptions& o) {
    return train::mean_squared_error(g, l, p, w, n, o);
  });
  pointwise_loss("absolute_difference", [](Graph& g, const Arg& l, const Arg& p, const Arg& w,
                                           const std::string& n, const train::LossOptions& o) {
    return train::absolute_difference(g, l, p, w, n, o);
  });
  m.def(
      "huber_loss",
      [](Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights, const Arg& delta,
         const std::string& name, std::optional<std::string> collection,
         const std::string& reduction) {
        return train::huber_loss(g, labels, predictions, weights, delta, name,
                                 loss_options(std::move(collection), reduction));
      },
      py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("weights"),
      py::arg("delta"), py::arg("name"), py::arg("loss_collection"), py::arg("reduction"));
  m.def(
      "log_loss",
      [](Graph& g, const Arg& labels, const Arg& predictions, const Arg& weights,
         const Arg& epsilon, const std::string& name, std::optional<std::string> collection,
         const std::string& reduction) {
        return train::log_loss(g, labels, predictions, weights, epsilon, name,
                               loss_options(std::move(collection), reduction));
      },
      py::arg("graph"), py::arg("labels"), py::arg("predictions"), py::arg("weights"),
      py::arg("epsilon"), py::arg("name"), py::arg("loss_collection"), py::arg("reduction"));
  m.def("smooth_onehot_labels", &train::smooth_onehot_labels, py::arg("graph"),
        py::arg("onehot_labels"), py::arg("label_smoothing"));
  m.def(
      "sigmoid_cross_entropy",
      [](Graph& g, const Arg& labels, const Arg& logits, const Arg& weights, double label_smoothing,
         const std::string& name, std::optional<std::string> collection,
         const std::string& reduction) {
        return train::sigmoid_cross_entropy(g, labels, logits, weights, label_smoothing, name,
                                            loss_options(std::move(collection), reduction));
      },
      py::arg("graph"), py::arg("multi_class_labels"), py::arg("logits"), py::arg("weights"),
      py::arg("label_smoothing"), py::arg("name"), py::arg("loss_collection"),
      py::arg("reduction"));

  // --- random tensors and initializers -----------------------------------------------------------
  auto random = [&m](const char* fn_name, auto fn, const char* a, const char* b) {
    m.def(
        fn_name,
        [fn](Graph& g, const Arg& shape, const Arg& first, const Arg& second, DType dtype,
             std::optional<int64_t> seed,
             const std::string& name) { return fn(g, shape, first, second, dtype, seed, name); },
        py::arg("graph"), py::arg("shape"), py::arg(a), py::arg(b), py::arg("dtype"),
        py::arg("seed"), py::arg("name"));
  };
  random(
      "random_uniform",
      [](Graph& g, const Arg& shape, const Arg& a, const Arg& b, DType dtype,
         std::optional<int64_t> seed, const std::string& name) {
        return train::random_uniform(g, shape, a, b, dtype, seed, name);
      },
      "minval", "maxval");
  random(
      "random_normal",
      [](Graph& g, const Arg& shape, const Arg& a, const Arg& b, DType dtype,
         std::optional<int64_t> seed, const std::string& name) {
        return train::random_normal(g, shape, a, b, dtype, seed, name);
      },
      "mean", "stddev");
  random(
      "truncated_normal",
      [](Graph& g, const Arg& shape, const Arg& a, const Arg& b, DType dtype,
         std::optional<int64_t> seed, const std::string& name) {
        return train::truncated_normal(g, shape, a, b, dtype, seed, name);
      },
      "mean", "stddev");
  m.def(
      "filled",
      [](Graph& g, const std::vector<int64_t>& shape, double value, DType dtype,
         const std::string& name) { return train::filled(g, Dims(shape), value, dtype, name); },
      py::arg("graph"), py::arg("shape"), py::arg("value"), py::arg("dtype"), py::arg("name"));
  m.def(
      "compute_fans",
      [](const std::vector<int64_t>& shape) { return train::compute_fans(Dims(shape)); },
      py::arg("shape"));
  m.def(
      "variance_scaling",
      [](Graph& g, const std::vector<int64_t>& shape, DType dtype, double scale,
         const std::string& mode, const std::string& distribution, std::optional<int64_t> seed,
         std::optional<std::vector<int64_t>> fan_shape) {
        std::optional<Dims> fans;
        if (fan_shape) fans = Dims(*fan_shape);
        return train::variance_scaling(g, Dims(shape), dtype, scale, train::parse_fan_mode(mode),
                                       train::parse_distribution(distribution), seed, fans);
      },
      py::arg("graph"), py::arg("shape"), py::arg("dtype"), py::arg("scale"), py::arg("mode"),
      py::arg("distribution"), py::arg("seed"), py::arg("fan_shape"));

  // --- get_variable, regularizers, dense ---------------------------------------------------------
  m.def(
      "check_get_variable",
      [](const std::string& name, const py::object& found_shape, std::optional<DType> found_dtype,
         const py::object& shape, DType dtype, const std::string& reuse,
         const std::string& defined_at) {
        std::optional<train::FoundVariable> found;
        if (found_dtype) found = train::FoundVariable{shape_from_py(found_shape), *found_dtype};
        train::Reuse mode = train::Reuse::kAuto;
        if (reuse == "create")
          mode = train::Reuse::kCreate;
        else if (reuse == "reuse")
          mode = train::Reuse::kReuse;
        else if (reuse != "auto")
          raise(ErrorCode::kValue, "check_get_variable: reuse is create, reuse or auto, not ",
                reuse);
        return train::check_get_variable(name, found, shape_from_py(shape), dtype, mode,
                                         defined_at);
      },
      py::arg("name"), py::arg("found_shape"), py::arg("found_dtype"), py::arg("shape"),
      py::arg("dtype"), py::arg("reuse"), py::arg("defined_at"));
  m.def("l2_penalty", &train::l2_penalty, py::arg("graph"), py::arg("weights"), py::arg("scale"),
        py::arg("name"));
  m.def("variational_dropout", &train::variational_dropout, py::arg("graph"), py::arg("value"),
        py::arg("noise"), py::arg("keep_prob"));
  m.def("l1_penalty", &train::l1_penalty, py::arg("graph"), py::arg("weights"), py::arg("scale"),
        py::arg("name"));
  m.def("dense_output", &train::dense_output, py::arg("graph"), py::arg("inputs"),
        py::arg("kernel"), py::arg("bias"), py::arg("activation"));
  // The C++ layer as a C++ host calls it (default initializers, variables made by
  // train::get_variable): the Python API's tests compare its graph with tf.layers.dense's.
  m.def(
      "dense_layer",
      [](Graph& g, Output inputs, int64_t units, const std::string& name,
         const std::string& variable_scope, bool use_bias, bool trainable,
         std::optional<double> l2_scale) {
        train::DenseOptions options;
        options.name = name;
        options.variable_scope = variable_scope;
        options.use_bias = use_bias;
        options.trainable = trainable;
        if (l2_scale) options.kernel_regularizer = train::l2_regularizer(*l2_scale);
        train::DenseLayer layer = train::dense(g, inputs, units, options);
        return layer.output;
      },
      py::arg("graph"), py::arg("inputs"), py::arg("units"), py::arg("name"),
      py::arg("variable_scope"), py::arg("use_bias"), py::arg("trainable"), py::arg("l2_scale"));

  m.def("sparse_softmax_cross_entropy_with_logits",
        &train::sparse_softmax_cross_entropy_with_logits, py::arg("graph"), py::arg("labels"),
        py::arg("logits"), py::arg("name"));
  m.def(
      "sparse_softmax_cross_entropy",
      [](Graph& g, const Arg& labels, const Arg& logits, const Arg& weights,
         const std::string& name, std::optional<std::string> collection,
         const std::string& reduction) {
        return train::sparse_softmax_cross_entropy(g, labels, logits, weights, name,
                                                   loss_options(std::move(collection), reduction));
      },
      py::arg("graph"), py::arg("labels"), py::arg("logits"), py::arg("weights"), py::arg("name"),
      py::arg("loss_collection"), py::arg("reduction"));

  // --- nn and layers -----------------------------------------------------------------------------
  m.def("sigmoid_cross_entropy_with_logits", &train::sigmoid_cross_entropy_with_logits,
        py::arg("graph"), py::arg("labels"), py::arg("logits"), py::arg("name"));
  m.def(
      "embedding_lookup",
      [](Graph& g, const std::vector<Output>& params, Output ids, const std::string& strategy,
         std::optional<double> max_norm, const std::string& name) {
        return train::embedding_lookup(g, params, ids, train::parse_partition_strategy(strategy),
                                       max_norm, name);
      },
      py::arg("graph"), py::arg("params"), py::arg("ids"), py::arg("partition_strategy"),
      py::arg("max_norm"), py::arg("name"));
  m.def(
      "embedding_lookup_sparse",
      [](Graph& g, const std::vector<Output>& params, const std::vector<Output>& sparse_ids,
         std::optional<std::vector<Output>> sparse_weights, const std::string& combiner,
         const std::string& strategy, std::optional<double> max_norm, const std::string& name) {
        return train::embedding_lookup_sparse(
            g, params, sparse_parts(sparse_ids), optional_sparse_parts(sparse_weights),
            train::parse_combiner(combiner), train::parse_partition_strategy(strategy), max_norm,
            name);
      },
      py::arg("graph"), py::arg("params"), py::arg("sparse_ids"), py::arg("sparse_weights"),
      py::arg("combiner"), py::arg("partition_strategy"), py::arg("max_norm"), py::arg("name"));
  m.def(
      "safe_embedding_lookup_sparse",
      [](Graph& g, const std::vector<Output>& params, const std::vector<Output>& sparse_ids,
         std::optional<std::vector<Output>> sparse_weights, const std::string& combiner,
         std::optional<int64_t> default_id, const std::string& strategy,
         std::optional<double> max_norm, const std::string& name) {
        train::SafeEmbeddingLookupOptions options;
        options.combiner = train::parse_combiner(combiner);
        options.default_id = default_id;
        options.partition_strategy = train::parse_partition_strategy(strategy);
        options.max_norm = max_norm;
        options.name = name;
        return train::safe_embedding_lookup_sparse(g, params, sparse_parts(sparse_ids),
                                                   optional_sparse_parts(sparse_weights), options);
      },
      py::arg("graph"), py::arg("params"), py::arg("sparse_ids"), py::arg("sparse_weights"),
      py::arg("combiner"), py::arg("default_id"), py::arg("partition_strategy"),
      py::arg("max_norm"), py::arg("name"));
  m.def(
      "sparse_retain",
      [](Graph& g, const std::vector<Output>& sp, Output to_retain) {
        return sparse_list(train::sparse_retain(g, sparse_parts(sp), to_retain));
      },
      py::arg("graph"), py::arg("sp_input"), py::arg("to_retain"));
  m.def(
      "sparse_reshape",
      [](Graph& g, const std::vector<Output>& sp, Output shape, const std::string& name) {
        return sparse_list(train::sparse_reshape(g, sparse_parts(sp), shape, name));
      },
      py::arg("graph"), py::arg("sp_input"), py::arg("shape"), py::arg("name"));
  m.def(
      "sparse_fill_empty_rows",
      [](Graph& g, const std::vector<Output>& sp, const train::Arg& default_value,
         const std::string& name) {
        auto [filled, empty] =
            train::sparse_fill_empty_rows(g, sparse_parts(sp), default_value, name);
        return py::make_tuple(sparse_list(filled), empty);
      },
      py::arg("graph"), py::arg("sp_input"), py::arg("default_value"), py::arg("name"));
  m.def(
      "sparse_from_dense",
      [](Graph& g, Output tensor, const std::string& name) {
        return sparse_list(train::sparse_from_dense(g, tensor, name));
      },
      py::arg("graph"), py::arg("tensor"), py::arg("name"));
  m.def(
      "sparse_reset_shape",
      [](Graph& g, const std::vector<Output>& sp, std::optional<Output> new_shape) {
        return sparse_list(train::sparse_reset_shape(g, sparse_parts(sp), new_shape));
      },
      py::arg("graph"), py::arg("sp_input"), py::arg("new_shape"));
  m.def(
      "sampled_loss",
      [](Graph& g, const std::string& loss, const std::vector<Output>& weights, Output biases,
         Output labels, Output inputs, int64_t num_sampled, int64_t num_classes, int64_t num_true,
         std::optional<std::vector<Output>> sampled_values, bool remove_accidental_hits,
         const std::string& strategy, std::optional<int64_t> seed, const std::string& name) {
        train::SampledLossOptions options;
        options.num_true = num_true;
        if (sampled_values) {
          VF_CHECK(sampled_values->size() == 3, ErrorCode::kValue,
                   "sampled_values must be (sampled_candidates, true_expected_count, "
                   "sampled_expected_count), got ",
                   sampled_values->size(), " tensors");
          options.sampled_values = train::SampledValues{(*sampled_values)[0], (*sampled_values)[1],
                                                        (*sampled_values)[2]};
        }
        options.remove_accidental_hits = remove_accidental_hits;
        options.partition_strategy = train::parse_partition_strategy(strategy);
        options.seed = seed;
        options.name = name;
        const auto build = loss == "nce" ? &train::nce_loss : &train::sampled_softmax_loss;
        return build(g, weights, biases, labels, inputs, num_sampled, num_classes, options);
      },
      py::arg("graph"), py::arg("loss"), py::arg("weights"), py::arg("biases"), py::arg("labels"),
      py::arg("inputs"), py::arg("num_sampled"), py::arg("num_classes"), py::arg("num_true"),
      py::arg("sampled_values"), py::arg("remove_accidental_hits"), py::arg("partition_strategy"),
      py::arg("seed"), py::arg("name"),
      "tf.nn.nce_loss (loss \"nce\") or tf.nn.sampled_softmax_loss (\"sampled_softmax\").");
  m.def("moments", &train::moments, py::arg("graph"), py::arg("x"), py::arg("axes"),
        py::arg("keep_dims"), py::arg("name"));
  m.def("batch_normalization", &train::batch_normalization, py::arg("graph"), py::arg("x"),
        py::arg("mean"), py::arg("variance"), py::arg("offset"), py::arg("scale"),
        py::arg("variance_epsilon"), py::arg("name"));
  m.def("dropout", &train::dropout, py::arg("graph"), py::arg("x"), py::arg("rate"),
        py::arg("noise_shape"), py::arg("seed"), py::arg("name"));
  m.def("dropout_layer", &train::dropout_layer, py::arg("graph"), py::arg("inputs"),
        py::arg("rate"), py::arg("training"), py::arg("noise_shape"), py::arg("seed"),
        py::arg("name"));
  m.def(
      "batch_normalization_layer",
      [](Graph& g, Output inputs, const std::vector<int>& axes, std::optional<Node*> gamma,
         std::optional<Node*> beta, Node* moving_mean, Node* moving_variance, double momentum,
         double epsilon, const Arg& training) {
        train::BatchNormVariables vars;
        if (gamma) vars.gamma = Variable::from_node(*gamma);
        if (beta) vars.beta = Variable::from_node(*beta);
        vars.moving_mean = Variable::from_node(moving_mean);
        vars.moving_variance = Variable::from_node(moving_variance);
        return train::batch_normalization_layer(g, inputs, axes, vars, momentum, epsilon, training);
      },
      py::arg("graph"), py::arg("inputs"), py::arg("axes"), py::arg("gamma"), py::arg("beta"),
      py::arg("moving_mean"), py::arg("moving_variance"), py::arg("momentum"), py::arg("epsilon"),
      py::arg("training"));
}

}  // namespace varflow::bindings
