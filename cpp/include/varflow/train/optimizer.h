// tf.train.Optimizer in C++: minimize = compute_gradients + apply_gradients, with TF1's
// hooks (create_slots, prepare, apply_dense, finish), slots named `<var>/<Optimizer>` and
// non-slot variables (Adam's beta powers). A C++ host writes what a TF1 script does:
//
//   varflow::train::AdamOptimizer adam(0.01);
//   varflow::Node* train = adam.minimize(loss);
//   session.run({}, {}, {train});
//
// Built-in optimizers emit one fused Apply* op per variable, or, with multi_tensor(true), one
// MultiApply* op per dtype covering every variable of the apply_gradients call.
//
// Errors (varflow::Error, errors.h): the constructor raises kValue for an empty name
// (built-in optimizers also for a hyperparameter out of range, optimizers.h);
// compute_gradients kValue for a loss, grad_loss or differentiated variable of a non-floating
// dtype or for no variables to optimize, kLookup for an op on the path without a gradient
// (gradients.h); apply_gradients kValue for an empty list or one without any gradient;
// minimize kValue when no variable gets a gradient (the message says what blocks each path).
// The default apply_dense raises kUnimplemented for an optimizer with neither apply_spec nor
// its own apply_dense; graph() raises kFailedPrecondition before the first apply_gradients.
// Building the update ops raises as the op builders do: kType/kValue for a gradient whose
// dtype or shape does not fit its variable, or a variable dtype the fused op does not take;
// kRuntime on a finalized graph.
// Thread-safety: an Optimizer is not thread-safe. It keeps its slots and the graph of the
// apply_gradients in progress, and building modifies the graph: one thread at a time, as
// graph building in TF1. The train op it returns may run in many threads at once (session.h):
// without use_locking, concurrent updates of a variable race (Hogwild, as TF1); with it, each
// fused Apply/MultiApply op locks its variables and slots (global_step's AssignAdd does not).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "varflow/attr.h"
#include "varflow/graph.h"
#include "varflow/variable.h"

namespace varflow::train {

// A hyperparameter read at run time: a number (a float32 constant, as TF1 converts it), a
// tensor (a schedule, a placeholder), or a function building one when the train op is built.
class Hyper {
 public:
  Hyper(double value) : value_(value) {}    // NOLINT: numbers convert implicitly, as in Python
  Hyper(Output tensor) : value_(tensor) {}  // NOLINT
  Hyper(std::function<Output()> build) : value_(std::move(build)) {}  // NOLINT
  Output tensor(Graph& graph, const std::string& name) const;
  std::optional<double> number() const;

 private:
  std::variant<double, Output, std::function<Output()>> value_;
};

enum class Gate : int { kNone = 0, kOp = 1, kGraph = 2 };

struct GradAndVar {
  std::optional<Output> grad;
  Variable var;
};

struct MinimizeOptions {
  std::optional<Variable> global_step;
  std::optional<std::vector<Variable>> var_list;
  Gate gate = Gate::kOp;
  std::string name;
  std::optional<Output> grad_loss;
};

// The fused update of one variable: TF's Apply<op_type>(refs..., scalars with grad at
// grad_position), and the same inputs grouped for MultiApply<op_type>.
struct ApplySpec {
  std::string op_type;          // "Adam" for ApplyAdam / MultiApplyAdam
  std::vector<Output> refs;     // the variable, then its slots
  std::vector<Output> scalars;  // per-step hyperparameters, in the op's order
  size_t grad_position = 0;     // where the gradient sits among the non-ref inputs
  AttrMap attrs;
};

class Optimizer {
 public:
  Optimizer(std::string name, bool use_locking);
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  const std::string& name() const { return name_; }
  bool use_locking() const { return use_locking_; }
  // Beyond TF1: one MultiApply op per dtype for all variables of an apply_gradients call.
  void set_multi_tensor(bool on) { multi_tensor_ = on; }
  bool multi_tensor() const { return multi_tensor_; }
  // Beyond TF1: clip the gradients of each apply_gradients by their global norm (as
  // tf.clip_by_global_norm), counting only the variables not frozen in the run.
  void set_clip_global_norm(std::optional<Hyper> clip_norm) { clip_norm_ = std::move(clip_norm); }
  // The global norm computed by the last apply_gradients with clipping on.
  std::optional<Output> last_global_norm() const { return last_global_norm_; }

  Node* minimize(Output loss, const MinimizeOptions& options = {});
  std::vector<GradAndVar> compute_gradients(Output loss,
                                            const std::optional<std::vector<Variable>>& var_list,
                                            Gate gate = Gate::kOp,
                                            const std::optional<Output>& grad_loss = std::nullopt);
  Node* apply_gradients(const std::vector<GradAndVar>& grads_and_vars,
                        const std::optional<Variable>& global_step = std::nullopt,
                        const std::string& name = "");

  std::optional<Variable> get_slot(const Variable& var, const std::string& slot_name) const;
  std::vector<std::string> get_slot_names() const;
  // Non-slot variables and slots of `graph`, sorted by name.
  std::vector<Variable> variables(const Graph& graph) const;

  // --- hooks (TF1's _create_slots, _prepare, _apply_dense, _finish) ------------------------
  virtual void create_slots(const std::vector<Variable>& var_list);
  virtual void prepare();
  // Default: the Apply op described by apply_spec.
  virtual Node* apply_dense(Output grad, const Variable& var);
  virtual Node* finish(const std::vector<Node*>& update_ops, const std::string& name_scope);
  // Built-in optimizers describe their fused update; a subclass without one overrides
  // apply_dense instead.
  virtual std::optional<ApplySpec> apply_spec(Output grad, const Variable& var);

  // --- helpers for subclasses --------------------------------------------------------------
  Variable zeros_slot(const Variable& var, const std::string& slot_name,
                      const std::string& op_name);
  Variable filled_slot(const Variable& var, double value, const std::string& slot_name,
                       const std::string& op_name);
  Variable get_or_make_slot(const Variable& var, const std::function<Output(Graph&)>& initial_value,
                            const std::string& slot_name, const std::string& op_name);
  Variable create_non_slot_variable(const std::function<Output(Graph&)>& initial_value,
                                    const std::string& name, const Variable& colocate_with);
  std::optional<Variable> get_non_slot_variable(const std::string& name, const Graph& graph) const;
  // `t` cast to the variable's dtype (hyperparameters are float32 constants, as in TF1).
  static Output cast_like(Output t, const Variable& var);
  // The graph of the apply_gradients call in progress (for prepare and finish).
  Graph& graph() const;

 private:
  Node* apply_multi_tensor(const std::vector<std::pair<Output, Variable>>& updates);
  void clip_by_global_norm(Graph& graph, std::vector<GradAndVar>& updates);

  std::string name_;
  bool use_locking_;
  bool multi_tensor_ = false;
  Graph* graph_ = nullptr;
  std::optional<Hyper> clip_norm_;
  std::optional<Output> last_global_norm_;
  std::map<std::string, std::map<std::pair<uint64_t, std::string>, Variable>> slots_;
  std::map<std::pair<std::string, uint64_t>, Variable> non_slots_;
};

// What breaks the path from the loss to each variable without a gradient (beyond TF1's
// "No gradients provided" message).
std::string explain_missing_gradients(Output loss, const std::vector<GradAndVar>& grads_and_vars);

}  // namespace varflow::train
