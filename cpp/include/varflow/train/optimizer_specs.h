// The optimizer table: one declaration per built-in optimizer (cpp/src/ops/optimizer_table.cc)
// from which everything else is derived — the Apply<Op> and MultiApply<Op> ops (signature,
// shape rule, kernel), the C++ classes (optimizers_generated.h), the Python classes
// (varflow.train.optimizers) and their binding. An entry says, in TF1's words:
//   - the constructor's parameters in TF1's order with their defaults (`params`),
//   - the non-slot variables (Adam's beta1_power...), their initial values and how finish()
//     advances them (`non_slots`),
//   - the slots with their initial values, in creation order (`slots`),
//   - the fused Apply ops: inputs in TF's order, each fed by the variable, a slot, a
//     hyperparameter, a non-slot variable, a derived scalar or the gradient (`apply_ops`).
// A host (or an eager mode) may read the table to build or run the same updates itself.
//
// The table is immutable after the first call of optimizer_specs(); reading it is thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "varflow/graph.h"
#include "varflow/variable.h"

namespace varflow::ops {
struct ApplyKernel;  // the fused step behind an Apply op (private to the op layer)
}

namespace varflow::train {

// What a constructor parameter is in C++ and Python.
enum class ParamKind {
  kHyper,       // a number, tensor or callable (train::Hyper), read at run time
  kNumber,      // a Python float / C++ double fixed when the optimizer is built
  kFlag,        // a bool (use_nesterov, centered)
  kString,      // a name (Ftrl's accum_name); "" (Python None) means the optimizer's name
  kVariable,    // a variable (AdagradDA's global_step)
  kUseLocking,  // TF1's use_locking
  kName,        // TF1's name (the optimizer's default name is its default)
};

using ParamDefault = std::variant<double, bool, std::string>;

struct ParamSpec {
  std::string name;  // TF1's argument name
  ParamKind kind;
  std::optional<ParamDefault> default_value;  // none: a required argument
  bool python_default_none = false;           // Python's default is None (means default_value)
  std::string python_attribute;               // where TF1's Python class keeps it ("_lr")
  std::string tensor_name;                    // the constant's name when it becomes a tensor
};

// A constructor check: `param` must satisfy `condition`, else ValueError with `message`, in
// which {name} is the parameter's name and {value} its value ({value:f} as printf's %f).
enum class Condition { kPositive, kNonNegative, kNonPositive };
struct CheckSpec {
  std::string param;
  Condition condition;
  std::string message;
};

// A per-variable slot `<var>/<op name>` (`w/Adam`, `w/Adam_1`): zeros, a constant, or the
// value of a kNumber parameter; created only when `only_if` (a kFlag) is set, if given.
struct SlotSpec {
  std::string name;          // get_slot's name ("m")
  double initial_value = 0;  // used when initial_from is empty
  std::string initial_from;  // a kNumber parameter holding the initial value
  std::string op_name_from;  // a kString parameter naming the slot's op (Ftrl's accum_name)
  std::string only_if;
};

// How finish() advances a non-slot variable after the updates.
enum class NonSlotUpdate {
  kNone,
  kScaleBy,     // v = v * <hyper `update_from`> (beta powers)
  kAssignFrom,  // v = <derived scalar `update_from`>
  kIncrement,   // v += 1
};

struct NonSlotSpec {
  std::string name;          // "beta1_power"
  double initial_value = 0;  // used when initial_from is empty
  std::string initial_from;  // a kHyper parameter whose value it starts at
  NonSlotUpdate update = NonSlotUpdate::kNone;
  std::string update_from;
  std::string update_node_name;  // the Mul's name for kScaleBy ("" = the op's default)
};

// Where an Apply op input comes from.
enum class InputRole { kVar, kSlot, kHyper, kNonSlot, kDerived, kGrad };

class DeriveContext;

struct ApplyInputSpec {
  std::string name;  // the op input's name, as in TF ("beta1_power", "lr", "grad")
  InputRole role;
  std::string from;      // kSlot: the slot; kHyper: the parameter; kNonSlot/kDerived: its name
  int kernel_slot = -1;  // kSlot: the step kernel's TensorSlots::slot index
  bool int64 = false;    // a scalar fed as int64 (AdagradDA's global_step) instead of var's dtype
  // kDerived: builds this scalar where the op reads it (Ftrl's l2); without it the entry's
  // `derive` sets it.
  std::function<Output(DeriveContext&)> derive = {};
};

// An attribute of the Apply op besides use_locking: its default, and the kFlag parameter that
// sets it (empty: the optimizer always passes the default).
struct ApplyAttrSpec {
  std::string name;
  bool default_value = false;
  std::string from;
  std::string doc;
};

// When an optimizer has several Apply ops (RMSProp / CenteredRMSProp), the first whose
// condition holds is used: `when` names a kFlag that must be set, or a kNumber that must be > 0.
struct ApplyOpSpec {
  std::string op = {};  // "Adam": the ops ApplyAdam and MultiApplyAdam
  std::string doc = {};
  std::vector<ApplyInputSpec> inputs = {};
  std::vector<ApplyAttrSpec> attrs = {};
  std::string when = {};
  const ops::ApplyKernel* kernel = nullptr;
};

// Derived scalars are built in prepare() from this view: an input's own `derive` (Ftrl's folded
// l2) in input order among the hyperparameter tensors, the entry's `derive` (Nadam's momentum
// schedule, AdagradDA's step + 1) after them.
class DeriveContext {
 public:
  virtual ~DeriveContext() = default;
  virtual Graph& graph() const = 0;
  virtual Output tensor(const std::string& param) const = 0;  // a kHyper/kNumber as a tensor
  virtual std::optional<double> number(const std::string& param) const = 0;  // a fixed value
  virtual Variable variable(const std::string& param) const = 0;             // a kVariable
  virtual Variable non_slot(const std::string& name) const = 0;
  virtual void set(const std::string& derived, Output value) = 0;
};

struct OptimizerSpec {
  std::string name = {};  // class <name>Optimizer, default optimizer name (see params)
  std::string doc = {};
  std::vector<ParamSpec> params = {};
  std::vector<CheckSpec> checks = {};
  std::vector<NonSlotSpec> non_slots = {};  // created first, colocated with the first variable
  std::vector<SlotSpec> slots = {};
  std::vector<ApplyOpSpec> apply_ops = {};
  std::function<void(DeriveContext&)> derive = {};

  const ParamSpec* find_param(const std::string& param) const;
};

// Every built-in optimizer, in the order their ops are registered.
const std::vector<OptimizerSpec>& optimizer_specs();
// The optimizer named `name` ("Adam"); NotFound naming the known ones otherwise.
const OptimizerSpec& optimizer_spec(const std::string& name);

}  // namespace varflow::train
