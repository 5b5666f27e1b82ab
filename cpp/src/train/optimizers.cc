// BuiltinOptimizer: runs one entry of the optimizer table (cpp/src/ops/optimizer_table.cc).
// Nothing here knows a particular optimizer: slots, non-slot variables, the Apply op's inputs
// and finish()'s updates all come from the entry.
#include "varflow/train/optimizers.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "varflow/errors.h"
#include "varflow/ops.h"

namespace varflow::train {

namespace {

const char* kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::kHyper:
      return "a hyperparameter (number, tensor or callable)";
    case ParamKind::kNumber:
      return "a number";
    case ParamKind::kFlag:
    case ParamKind::kUseLocking:
      return "a bool";
    case ParamKind::kString:
    case ParamKind::kName:
      return "a string";
    case ParamKind::kVariable:
      return "a variable";
  }
  return "?";
}

size_t alternative_of(ParamKind kind) {
  switch (kind) {
    case ParamKind::kHyper:
      return 0;
    case ParamKind::kNumber:
      return 1;
    case ParamKind::kFlag:
    case ParamKind::kUseLocking:
      return 2;
    case ParamKind::kString:
    case ParamKind::kName:
      return 3;
    case ParamKind::kVariable:
      return 4;
  }
  return 0;
}

void check_kinds(const OptimizerSpec& spec, const std::vector<ParamValue>& args) {
  if (args.size() != spec.params.size())
    raise(ErrorCode::kInvalidArgument, spec.name, "Optimizer takes ", spec.params.size(),
          " arguments, got ", args.size());
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].index() != alternative_of(spec.params[i].kind))
      raise(ErrorCode::kInvalidArgument, spec.name, "Optimizer: argument '", spec.params[i].name,
            "' must be ", kind_name(spec.params[i].kind));
}

// The `kind` argument (kName or kUseLocking), after checking every argument's kind.
const ParamValue& find_arg(const OptimizerSpec& spec, const std::vector<ParamValue>& args,
                           ParamKind kind) {
  check_kinds(spec, args);
  for (size_t i = 0; i < spec.params.size(); ++i)
    if (spec.params[i].kind == kind) return args[i];
  raise(ErrorCode::kInternal, "Optimizer table entry ", spec.name, " has no ",
        kind == ParamKind::kName ? "name" : "use_locking", " parameter");
}

std::string check_message(const CheckSpec& check, double value) {
  std::string out = check.message;
  auto replace = [&](const std::string& key, const std::string& with) {
    size_t at = out.find(key);
    if (at != std::string::npos) out.replace(at, key.size(), with);
  };
  replace("{name}", check.param);
  replace("{value:f}", std::to_string(value));
  replace("{value}", str_cat(value));
  return out;
}

bool passes(Condition condition, double v) {
  switch (condition) {
    case Condition::kPositive:
      return v > 0.0;
    case Condition::kNonNegative:
      return v >= 0.0;
    case Condition::kNonPositive:
      return v <= 0.0;
  }
  return false;
}

Output scalar_const(Graph& g, double v, const std::string& name) {
  return ops::constant(g, Tensor::scalar<float>(static_cast<float>(v)), name);
}

}  // namespace

class BuiltinOptimizer::Derive : public DeriveContext {
 public:
  explicit Derive(BuiltinOptimizer& o) : o_(o) {}
  Graph& graph() const override { return o_.graph(); }
  Output tensor(const std::string& param) const override {
    auto it = o_.tensors_.find(param);
    VF_CHECK(it != o_.tensors_.end(), ErrorCode::kInternal, o_.spec_.name,
             ": no tensor for parameter ", param);
    return it->second;
  }
  std::optional<double> number(const std::string& param) const override {
    const ParamValue& v = o_.arg(param);
    if (const double* d = std::get_if<double>(&v)) return *d;
    if (const Hyper* h = std::get_if<Hyper>(&v)) return h->number();
    return std::nullopt;
  }
  Variable variable(const std::string& param) const override {
    return std::get<Variable>(o_.arg(param));
  }
  Variable non_slot(const std::string& name) const override {
    return *o_.get_non_slot_variable(name, o_.graph());
  }
  void set(const std::string& derived, Output value) override { o_.derived_[derived] = value; }

 private:
  BuiltinOptimizer& o_;
};

BuiltinOptimizer::BuiltinOptimizer(const std::string& optimizer, std::vector<ParamValue> args)
    : BuiltinOptimizer(optimizer_spec(optimizer), std::move(args)) {}

BuiltinOptimizer::BuiltinOptimizer(const OptimizerSpec& spec, std::vector<ParamValue> args)
    : Optimizer(std::get<std::string>(find_arg(spec, args, ParamKind::kName)),
                std::get<bool>(find_arg(spec, args, ParamKind::kUseLocking))),
      spec_(spec),
      args_(std::move(args)) {
  for (const CheckSpec& check : spec_.checks) {
    const double value = std::get<double>(arg(check.param));
    if (!passes(check.condition, value)) raise(ErrorCode::kValue, check_message(check, value));
  }
}

const ParamValue& BuiltinOptimizer::arg(const std::string& param) const {
  for (size_t i = 0; i < spec_.params.size(); ++i)
    if (spec_.params[i].name == param) return args_[i];
  raise(ErrorCode::kInternal, spec_.name, ": the table names an unknown parameter '", param, "'");
}

bool BuiltinOptimizer::holds(const std::string& condition) const {
  if (condition.empty()) return true;
  const ParamValue& v = arg(condition);
  if (const bool* b = std::get_if<bool>(&v)) return *b;
  return std::get<double>(v) > 0.0;
}

void BuiltinOptimizer::create_slots(const std::vector<Variable>& var_list) {
  if (!spec_.non_slots.empty()) {
    const Variable& first = *std::min_element(
        var_list.begin(), var_list.end(),
        [](const Variable& a, const Variable& b) { return a.op_name() < b.op_name(); });
    for (const NonSlotSpec& n : spec_.non_slots) {
      std::function<Output(Graph&)> initial;
      if (!n.initial_from.empty()) {
        Hyper h = std::get<Hyper>(arg(n.initial_from));
        initial = [h](Graph& g) { return h.tensor(g, "initial_value"); };
      } else {
        double value = n.initial_value;
        initial = [value](Graph& g) { return scalar_const(g, value, "initial_value"); };
      }
      create_non_slot_variable(initial, n.name, first);
    }
  }
  for (const Variable& v : var_list)
    for (const SlotSpec& s : spec_.slots) {
      if (!s.only_if.empty() && !holds(s.only_if)) continue;
      std::string op_name = name();
      if (!s.op_name_from.empty() && !std::get<std::string>(arg(s.op_name_from)).empty())
        op_name = std::get<std::string>(arg(s.op_name_from));
      double value =
          s.initial_from.empty() ? s.initial_value : std::get<double>(arg(s.initial_from));
      filled_slot(v, value, s.name, op_name);
    }
}

void BuiltinOptimizer::prepare() {
  // The hyperparameter tensors (and inputs deriving their own value) in the order the Apply
  // op with the most inputs reads them, then the other ops' extras, then the entry's derive.
  tensors_.clear();
  derived_.clear();
  std::vector<const ApplyOpSpec*> ops_in_order;
  for (const ApplyOpSpec& op : spec_.apply_ops) ops_in_order.push_back(&op);
  std::stable_sort(ops_in_order.begin(), ops_in_order.end(),
                   [](const ApplyOpSpec* a, const ApplyOpSpec* b) {
                     return a->inputs.size() > b->inputs.size();
                   });
  Derive context(*this);
  for (const ApplyOpSpec* op : ops_in_order)
    for (const ApplyInputSpec& in : op->inputs) {
      if (in.role == InputRole::kDerived && in.derive && !derived_.count(in.from)) {
        derived_[in.from] = in.derive(context);
        continue;
      }
      if (in.role != InputRole::kHyper || tensors_.count(in.from)) continue;
      const ParamSpec* p = spec_.find_param(in.from);
      VF_CHECK(p != nullptr, ErrorCode::kInternal, spec_.name, ": unknown parameter ", in.from);
      const ParamValue& v = arg(in.from);
      tensors_[in.from] = p->kind == ParamKind::kNumber
                              ? scalar_const(graph(), std::get<double>(v), p->tensor_name)
                              : std::get<Hyper>(v).tensor(graph(), p->tensor_name);
    }
  // Hyperparameters only finish() or derive reads (a non-slot's factor, Nadam's beta1).
  for (const ParamSpec& p : spec_.params)
    if (p.kind == ParamKind::kHyper && !tensors_.count(p.name))
      tensors_[p.name] = std::get<Hyper>(arg(p.name)).tensor(graph(), p.tensor_name);
  if (spec_.derive) spec_.derive(context);
}

Output BuiltinOptimizer::scalar_input(const ApplyInputSpec& input, const Variable& var) const {
  switch (input.role) {
    case InputRole::kHyper:
      return cast_like(tensors_.at(input.from), var);
    case InputRole::kNonSlot:
      return cast_like(get_non_slot_variable(input.from, var.graph())->value(), var);
    case InputRole::kDerived: {
      auto it = derived_.find(input.from);
      VF_CHECK(it != derived_.end(), ErrorCode::kInternal, spec_.name, ": derive did not set ",
               input.from);
      return input.int64 ? it->second : cast_like(it->second, var);
    }
    default:
      raise(ErrorCode::kInternal, "not a scalar input: ", input.name);
  }
}

std::optional<ApplySpec> BuiltinOptimizer::apply_spec(Output, const Variable& var) {
  const ApplyOpSpec* op = nullptr;
  for (const ApplyOpSpec& candidate : spec_.apply_ops)
    if (!candidate.when.empty() && holds(candidate.when)) {
      op = &candidate;
      break;
    }
  if (!op)
    for (const ApplyOpSpec& candidate : spec_.apply_ops)
      if (candidate.when.empty()) {
        op = &candidate;
        break;
      }
  VF_CHECK(op != nullptr, ErrorCode::kInternal, spec_.name, " has no Apply op for its arguments");
  ApplySpec out;
  out.op_type = op->op;
  for (const ApplyInputSpec& in : op->inputs) {
    if (in.role == InputRole::kVar) {
      out.refs.push_back(var.ref());
    } else if (in.role == InputRole::kSlot) {
      out.refs.push_back(get_slot(var, in.from)->ref());
    } else if (in.role == InputRole::kGrad) {
      out.grad_position = out.scalars.size();
    } else {
      out.scalars.push_back(scalar_input(in, var));
    }
  }
  for (const ApplyAttrSpec& a : op->attrs)
    out.attrs.set(a.name, a.from.empty() ? a.default_value : std::get<bool>(arg(a.from)));
  return out;
}

Node* BuiltinOptimizer::finish(const std::vector<Node*>& update_ops,
                               const std::string& name_scope) {
  Graph& g = graph();
  std::vector<Node*> all = update_ops;
  {
    ControlDependencies deps(g, update_ops);
    for (const NonSlotSpec& n : spec_.non_slots) {
      if (n.update == NonSlotUpdate::kNone) continue;
      Variable v = *get_non_slot_variable(n.name, g);
      Output value;
      if (n.update == NonSlotUpdate::kScaleBy) {
        Output beta = tensors_.at(n.update_from);
        Output factor = beta.dtype() == v.dtype() ? beta : ops::cast(beta, v.dtype());
        value = v.assign(ops::mul(v.value(), factor, n.update_node_name));  // TF1: `power * beta`
      } else if (n.update == NonSlotUpdate::kAssignFrom) {
        value = v.assign(derived_.at(n.update_from));
      } else {
        value = v.assign_add(scalar_const(g, 1.0, "one"));
      }
      all.push_back(value.node);
    }
  }
  return ops::group(g, all, name_scope);
}

}  // namespace varflow::train
