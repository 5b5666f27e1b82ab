// Moving averages (TF1's training/moving_averages.py): assign_moving_average and
// ExponentialMovingAverage, with TF1's node names, shadow variables and collections.
//
//   train::ExponentialMovingAverage ema(0.999, step.value());
//   Node* update = ema.apply(graph, {w, b});   // under ControlDependencies(train_op)
//   Variable w_avg = *ema.average(w);          // "w/ExponentialMovingAverage"
//
// Graph building is not thread-safe; errors throw kValue/kType.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/arg.h"
#include "varflow/variable.h"

namespace varflow::train {

// Zero-debias state of one averaged variable: `biased` (its shape) and `local_step` (a
// scalar), both zero-initialised and not trainable, and the name scope (ending in "/") the
// update is built in. The default maker creates them as `<variable>/biased` and
// `<variable>/local_step` outside any control dependencies; the Python API makes them with
// tf.get_variable so that variable scopes see them.
struct DebiasState {
  Variable biased;
  Variable local_step;
  std::string scope;
};
using DebiasMaker = std::function<DebiasState(const Variable& variable)>;

// variable -= (1 - decay) * (variable - value), in scope `name` (default "AssignMovingAvg");
// returns the updated variable. A numeric decay gives the float32 Const "decay" holding
// 1 - decay (cast to the variable's dtype). With zero_debias the average of a zero-initialised
// variable is divided by 1 - decay^t: biased -= (biased - value) * (1 - decay), t += 1,
// variable = biased / (1 - decay^t).
Output assign_moving_average(const Variable& variable, const Arg& value, const Arg& decay,
                             bool zero_debias = true, const std::string& name = "",
                             const DebiasMaker& make_debias = nullptr);

// What an ExponentialMovingAverage averages: a variable (its shadow starts from the
// variable's initialised value) or a tensor of fully defined shape (its shadow starts at
// zeros and, with zero_debias, is zero-debiased).
using Averaged = std::variant<Variable, Output>;

class ExponentialMovingAverage {
 public:
  // `decay` a number or scalar tensor; with num_updates the decay used is
  // min(decay, (1 + num_updates) / (10 + num_updates)), num_updates cast to float32.
  explicit ExponentialMovingAverage(Arg decay, std::optional<Arg> num_updates = std::nullopt,
                                    bool zero_debias = false,
                                    std::string name = "ExponentialMovingAverage");

  const std::string& name() const { return name_; }
  // Creates the missing shadows (`<var>/<name>`, non-trainable, in GLOBAL_VARIABLES; an
  // averaged variable joins MOVING_AVERAGE_VARIABLES) and returns one op (named after the
  // scope `name`) updating every shadow of `items`: one fused ApplyMovingAverages op per dtype,
  // and assign_moving_average for zero-debiased tensors. kType for a non-float item, kValue
  // for a tensor of partial shape.
  Node* apply(Graph& graph, const std::vector<Averaged>& items,
              const DebiasMaker& make_debias = nullptr);
  // The shadow of `item`, when apply created one.
  std::optional<Variable> average(const Averaged& item) const;
  // The shadow's name, also before apply ("<op name>/<name>", made unique in the graph).
  std::string average_name(Graph& graph, const Averaged& item) const;

 private:
  struct Key {
    Node* node;
    int index;
    bool operator<(const Key& o) const { return std::tie(node, index) < std::tie(o.node, o.index); }
  };
  static Key key_of(const Averaged& item);

  Arg decay_;
  std::optional<Arg> num_updates_;
  bool zero_debias_;
  std::string name_;
  std::map<Key, Variable> averages_;
  std::map<Key, bool> debiased_;
};

}  // namespace varflow::train
