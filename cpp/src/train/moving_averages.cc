// assign_moving_average and ExponentialMovingAverage (varflow/train/moving_averages.h), node
// for node as TF1's moving_averages.py; the per-variable update of apply is the fused
// ApplyMovingAverages op (ops/moving_average_ops.cc).
#include "varflow/train/moving_averages.h"

#include <algorithm>

#include "train/tf_math.h"
#include "varflow/errors.h"
#include "varflow/ops.h"

namespace varflow::train {

namespace {

Output assign_op(const std::string& type, const Variable& var, Output value,
                 const std::string& name) {
  AttrMap attrs =
      type == "Assign" ? AttrMap{{"validate_shape", true}} : AttrMap{{"use_locking", false}};
  return ops::op(var.graph(), type, {var.ref(), value}, std::move(attrs), name);
}

// Clears the control dependencies while alive (TF1's control_dependencies(None)).
struct NoControlDependencies {
  explicit NoControlDependencies(Graph& graph) : g(graph) {
    g.push_control_dependencies({}, /*replace=*/true);
  }
  ~NoControlDependencies() { g.pop_control_dependencies(); }
  Graph& g;
};

// Builds `body` in the root name scope, outside any control dependencies (TF1's init_scope).
template <typename F>
auto in_init_scope(Graph& g, F body) {
  NameScope root(g, "");
  NoControlDependencies none(g);
  return body();
}

// TF1's variable_scope(<variable>): the variables are `<variable>/biased` and
// `<variable>/local_step` whatever the name scope, the update goes in a (unique) name scope
// `<variable>` under the current one.
DebiasState default_debias_state(const Variable& var) {
  Graph& g = var.graph();
  DebiasState state;
  {
    NameScope vars_scope(g, var.op_name() + "/");
    NoControlDependencies none(g);
    auto zeros_var = [&](const char* name, const Dims& dims) {
      VariableOptions options;
      options.name = name;
      options.trainable = false;
      const DType dtype = var.dtype();
      return Variable::create(
          g,
          [&](Graph& gg) {
            return ops::constant(gg, Tensor::zeros(dtype, dims), "Initializer/zeros");
          },
          options);
    };
    state.biased = zeros_var("biased", var.shape().dims());
    state.local_step = zeros_var("local_step", {});
  }
  state.scope = g.unique_name(var.op_name()) + "/";
  return state;
}

Output zero_debias(const Variable& unbiased, Output value, Output one_minus_decay,
                   const DebiasMaker& make_debias) {
  Graph& g = unbiased.graph();
  DebiasState state = make_debias ? make_debias(unbiased) : default_debias_state(unbiased);
  NameScope scope(g, state.scope);
  Output diff = tf::sub(state.biased.value(), value);
  Output update_biased =
      assign_op("AssignSub", state.biased, tf::mul(diff, one_minus_decay), "AssignSub");
  Output one_step = tf::k(state.local_step.value(), 1.0);
  Output update_local_step = assign_op("AssignAdd", state.local_step, one_step, "AssignAdd");
  Output decay = tf::sub(1.0, one_minus_decay);
  Output decay_t = tf::op("Pow", {decay, update_local_step});
  Output bias_factor = tf::sub(1.0, decay_t);
  return assign_op("Assign", unbiased, tf::truediv(update_biased, bias_factor), scope.scope());
}

}  // namespace

Output assign_moving_average(const Variable& variable, const Arg& value_arg, const Arg& decay,
                             bool zero_debias_on, const std::string& name,
                             const DebiasMaker& make_debias) {
  Graph& g = variable.graph();
  NameScope scope(g, name.empty() ? "AssignMovingAvg" : name);
  const DType dtype = variable.dtype();
  Output one_minus_decay;
  if (std::optional<double> d = decay.number())
    one_minus_decay =
        ops::constant(g, Tensor::scalar<float>(static_cast<float>(1.0 - *d)), "decay");
  else
    one_minus_decay = tf::sub(1.0, decay.tensor(g, std::nullopt));
  one_minus_decay = tf::cast(one_minus_decay, dtype);
  Output value = value_arg.tensor(g, dtype);
  if (zero_debias_on) return zero_debias(variable, value, one_minus_decay, make_debias);
  Output diff = tf::sub(variable.value(), value);
  return assign_op("AssignSub", variable, tf::mul(diff, one_minus_decay), scope.scope());
}

ExponentialMovingAverage::ExponentialMovingAverage(Arg decay, std::optional<Arg> num_updates,
                                                   bool zero_debias, std::string name)
    : decay_(std::move(decay)),
      num_updates_(std::move(num_updates)),
      zero_debias_(zero_debias),
      name_(std::move(name)) {}

ExponentialMovingAverage::Key ExponentialMovingAverage::key_of(const Averaged& item) {
  if (const Variable* v = std::get_if<Variable>(&item)) return {v->node(), -1};
  const Output& o = std::get<Output>(item);
  return {o.node, o.index};
}

std::optional<Variable> ExponentialMovingAverage::average(const Averaged& item) const {
  auto it = averages_.find(key_of(item));
  if (it == averages_.end()) return std::nullopt;
  return it->second;
}

namespace {
std::string op_name_of(const Averaged& item) {
  if (const Variable* v = std::get_if<Variable>(&item)) return v->op_name();
  return std::get<Output>(item).node->name();
}
}  // namespace

std::string ExponentialMovingAverage::average_name(Graph& graph, const Averaged& item) const {
  if (std::optional<Variable> avg = average(item)) return avg->op_name();
  return graph.unique_name(op_name_of(item) + "/" + name_, /*mark_as_used=*/false);
}

Node* ExponentialMovingAverage::apply(Graph& g, const std::vector<Averaged>& items,
                                      const DebiasMaker& make_debias) {
  for (const Averaged& item : items) {
    const Variable* var = std::get_if<Variable>(&item);
    const Output tensor = var ? var->ref() : std::get<Output>(item);
    if (!is_floating(tensor.dtype()))
      raise(ErrorCode::kType, "The variables must be half, float, or double: ", tensor.name());
    const Key key = key_of(item);
    if (averages_.count(key)) continue;
    const std::string shadow_name =
        g.unique_name(op_name_of(item) + "/" + name_, /*mark_as_used=*/false);
    VariableOptions options;
    options.name = shadow_name;
    options.trainable = false;
    options.dtype = tensor.dtype();
    Variable avg;
    if (var) {
      avg = in_init_scope(g, [&] {
        return Variable::create(
            g,
            [&](Graph& gg) {
              return ops::op(gg, "InitializedValue", {var->ref(), var->initial_value()}, {},
                             "InitializedValue");
            },
            options);
      });
      g.add_to_collection(graph_keys::kMovingAverageVariables, var->node());
    } else {
      const Shape& shape = tensor.shape();
      if (!shape.fully_defined())
        raise(ErrorCode::kValue, "Shape of a new variable (", shadow_name,
              ") must be fully defined, but instead was ", tf::shape_str(shape), ".");
      const DType dtype = tensor.dtype();
      avg = in_init_scope(g, [&] {
        return Variable::create(
            g,
            [&](Graph& gg) {
              return ops::constant(gg, Tensor::zeros(dtype, shape.dims()), "zeros");
            },
            options);
      });
      if (zero_debias_) debiased_[key] = true;
    }
    averages_.emplace(key, avg);
  }

  NameScope scope(g, name_);
  Output decay = decay_.tensor(g, std::nullopt, "decay");
  if (num_updates_) {
    Output n = tf::cast(num_updates_->tensor(g, std::nullopt), DType::kFloat32, "num_updates");
    Output numer = tf::add(1.0, n);
    Output denom = tf::add(10.0, n);
    decay = tf::op("Minimum", {decay, tf::truediv(numer, denom)});
  }
  std::vector<Node*> updates;
  std::vector<std::pair<DType, std::vector<Output>>> fused;  // dtype -> shadow, value pairs
  for (const Averaged& item : items) {
    const Key key = key_of(item);
    const Variable& avg = averages_.at(key);
    if (debiased_.count(key)) {
      updates.push_back(
          assign_moving_average(avg, std::get<Output>(item), decay, true, "", make_debias).node);
      continue;
    }
    const Variable* var = std::get_if<Variable>(&item);
    const Output value = var ? var->ref() : std::get<Output>(item);
    auto it = std::find_if(fused.begin(), fused.end(),
                           [&](const auto& f) { return f.first == avg.dtype(); });
    if (it == fused.end()) it = fused.insert(fused.end(), {avg.dtype(), {}});
    it->second.push_back(avg.ref());
    it->second.push_back(value);
  }
  for (auto& [dtype, pairs] : fused) {
    std::vector<Output> inputs{tf::cast(decay, dtype)};
    inputs.insert(inputs.end(), pairs.begin(), pairs.end());
    updates.push_back(
        ops::add_op(g, "ApplyMovingAverages", inputs,
                    {{"N", static_cast<int64_t>(pairs.size() / 2)}, {"use_locking", false}},
                    "ApplyMovingAverages"));
  }
  return ops::group(g, updates, scope.scope());
}

}  // namespace varflow::train
