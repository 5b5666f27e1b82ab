// TF1's built-in optimizers (formulas, defaults, slot names as tf.compat.v1.train) and, beyond
// TF1, AdamW, Adamax, AMSGrad, Nadam, Lion and LAMB. Each is one entry of the optimizer table
// (optimizer_specs.h); BuiltinOptimizer runs an entry, and the typed classes of
// optimizers_generated.h (AdamOptimizer(learning_rate = 0.001, ...)) are generated from the
// table. The update rules are documented on the kernels (cpp/src/kernels/optimizer_steps.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "varflow/train/optimizer.h"
#include "varflow/train/optimizer_specs.h"

namespace varflow::train {

// One constructor argument of a table optimizer; its alternative follows the ParamKind:
// kHyper → Hyper, kNumber → double, kFlag/kUseLocking → bool, kString/kName → std::string,
// kVariable → Variable.
using ParamValue = std::variant<Hyper, double, bool, std::string, Variable>;

// The optimizer that a table entry describes. Not thread-safe (like every Optimizer: build
// the train op from one thread).
class BuiltinOptimizer : public Optimizer {
 public:
  // `args` holds one value per entry of spec.params, in order. Throws ValueError when a check
  // of the spec fails, InvalidArgument when an argument has the wrong kind.
  BuiltinOptimizer(const OptimizerSpec& spec, std::vector<ParamValue> args);
  // The table entry `optimizer` ("Adam"); NotFound when there is none.
  BuiltinOptimizer(const std::string& optimizer, std::vector<ParamValue> args);

  const OptimizerSpec& spec() const { return spec_; }

  void create_slots(const std::vector<Variable>& var_list) override;
  void prepare() override;
  std::optional<ApplySpec> apply_spec(Output grad, const Variable& var) override;
  Node* finish(const std::vector<Node*>& update_ops, const std::string& name_scope) override;

 private:
  class Derive;
  const ParamValue& arg(const std::string& param) const;
  Output scalar_input(const ApplyInputSpec& input, const Variable& var) const;
  bool holds(const std::string& condition) const;

  const OptimizerSpec& spec_;
  std::vector<ParamValue> args_;
  std::map<std::string, Output> tensors_;  // kHyper / kNumber parameters, built by prepare()
  std::map<std::string, Output> derived_;
};

}  // namespace varflow::train

#include "varflow/train/optimizers_generated.h"  // IWYU pragma: export
