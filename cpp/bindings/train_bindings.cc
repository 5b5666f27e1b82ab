// tf.train optimizers: the C++ Optimizer base, the built-ins (one BuiltinOptimizer class
// driven by the optimizer table, which is exposed as plain data), and a hook optimizer through
// which a Python subclass supplies _create_slots/_prepare/_apply_dense/_finish.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "varflow/train/optimizers.h"

namespace varflow::bindings {

namespace py = pybind11;
using train::GradAndVar;
using train::Hyper;
using train::Optimizer;

namespace {

Variable as_variable(Node* node) { return Variable::from_node(node); }

std::vector<Variable> as_variables(const std::vector<Node*>& nodes) {
  std::vector<Variable> out;
  for (Node* n : nodes) out.push_back(as_variable(n));
  return out;
}

std::vector<GradAndVar> grads_and_vars_from_py(
    const std::vector<std::pair<std::optional<Output>, Node*>>& items) {
  std::vector<GradAndVar> out;
  for (const auto& [grad, node] : items) out.push_back({grad, as_variable(node)});
  return out;
}

py::list grads_and_vars_to_py(const std::vector<GradAndVar>& items) {
  py::list out;
  for (const GradAndVar& gv : items)
    out.append(py::make_tuple(gv.grad ? py::cast(*gv.grad) : py::none(),
                              py::cast(gv.var.node(), py::return_value_policy::reference)));
  return out;
}

// Where an optimizer hook returns an Operation, Tensor or Variable, the node it names.
Node* node_of(const py::handle& result) {
  if (py::isinstance<Node>(result)) return result.cast<Node*>();
  if (py::isinstance<Output>(result)) return result.cast<Output>().node;
  raise(ErrorCode::kType, "An optimizer hook must return an Operation or Tensor, got ",
        std::string(py::str(py::type::of(result))));
}

// The optimizer behind a Python subclass of tf.train.Optimizer: each hook calls the Python
// object's `_<hook>_core` bridge, which converts arguments to TF1's Python types.
class PythonHookOptimizer : public Optimizer {
 public:
  PythonHookOptimizer(py::object owner, std::string name, bool use_locking)
      : Optimizer(std::move(name), use_locking), owner_(py::weakref(std::move(owner))) {}

  void create_slots(const std::vector<Variable>& var_list) override {
    std::vector<Node*> nodes;
    for (const Variable& v : var_list) nodes.push_back(v.node());
    owner().attr("_create_slots_core")(nodes);
  }
  void prepare() override { owner().attr("_prepare")(); }
  Node* apply_dense(Output grad, const Variable& var) override {
    return node_of(owner().attr("_apply_dense_core")(
        grad, py::cast(var.node(), py::return_value_policy::reference)));
  }
  Node* finish(const std::vector<Node*>& update_ops, const std::string& name_scope) override {
    py::list nodes;
    for (Node* n : update_ops) nodes.append(py::cast(n, py::return_value_policy::reference));
    return node_of(owner().attr("_finish_core")(nodes, name_scope));
  }
  Node* base_finish(const std::vector<Node*>& update_ops, const std::string& name_scope) {
    return Optimizer::finish(update_ops, name_scope);
  }

 private:
  py::object owner() const {
    py::object o = owner_();
    if (o.is_none()) raise(ErrorCode::kFailedPrecondition, "The Python optimizer was deleted");
    return o;
  }
  py::weakref owner_;
};

std::function<Output(Graph&)> initial_value_fn(py::function fn) {
  return [fn](Graph&) { return fn().cast<Output>(); };
}

// Python arguments in the order of spec.params, as the C++ values their kinds take.
std::vector<train::ParamValue> param_values(const train::OptimizerSpec& spec,
                                            const py::sequence& args) {
  if (args.size() != spec.params.size())
    raise(ErrorCode::kType, spec.name, "Optimizer takes ", spec.params.size(), " arguments, got ",
          args.size());
  std::vector<train::ParamValue> out;
  for (size_t i = 0; i < spec.params.size(); ++i) {
    py::handle a = args[i];
    switch (spec.params[i].kind) {
      case train::ParamKind::kHyper:
        out.emplace_back(a.cast<Hyper>());
        break;
      case train::ParamKind::kNumber:
        out.emplace_back(a.cast<double>());
        break;
      case train::ParamKind::kFlag:
      case train::ParamKind::kUseLocking:
        out.emplace_back(a.cast<bool>());
        break;
      case train::ParamKind::kString:
      case train::ParamKind::kName:
        out.emplace_back(a.cast<std::string>());
        break;
      case train::ParamKind::kVariable:
        out.emplace_back(as_variable(a.cast<Node*>()));
        break;
    }
  }
  return out;
}

const char* param_kind_name(train::ParamKind kind) {
  switch (kind) {
    case train::ParamKind::kHyper:
      return "hyper";
    case train::ParamKind::kNumber:
      return "number";
    case train::ParamKind::kFlag:
      return "flag";
    case train::ParamKind::kString:
      return "string";
    case train::ParamKind::kVariable:
      return "variable";
    case train::ParamKind::kUseLocking:
      return "use_locking";
    case train::ParamKind::kName:
      return "name";
  }
  return "?";
}

const char* condition_name(train::Condition c) {
  switch (c) {
    case train::Condition::kPositive:
      return "positive";
    case train::Condition::kNonNegative:
      return "non_negative";
    case train::Condition::kNonPositive:
      return "non_positive";
  }
  return "?";
}

const char* role_name(train::InputRole role) {
  switch (role) {
    case train::InputRole::kVar:
      return "var";
    case train::InputRole::kSlot:
      return "slot";
    case train::InputRole::kHyper:
      return "hyper";
    case train::InputRole::kNonSlot:
      return "non_slot";
    case train::InputRole::kDerived:
      return "derived";
    case train::InputRole::kGrad:
      return "grad";
  }
  return "?";
}

const char* update_name(train::NonSlotUpdate u) {
  switch (u) {
    case train::NonSlotUpdate::kNone:
      return "none";
    case train::NonSlotUpdate::kScaleBy:
      return "scale_by";
    case train::NonSlotUpdate::kAssignFrom:
      return "assign_from";
    case train::NonSlotUpdate::kIncrement:
      return "increment";
  }
  return "?";
}

// The table entry as plain Python data (dicts and lists), field names as in optimizer_specs.h.
py::dict spec_to_py(const train::OptimizerSpec& spec) {
  py::list params, checks, non_slots, slots, apply_ops;
  for (const train::ParamSpec& p : spec.params) {
    py::dict d;
    d["name"] = p.name;
    d["kind"] = param_kind_name(p.kind);
    d["required"] = !p.default_value.has_value();
    d["default"] = p.default_value ? py::cast(*p.default_value) : py::none();
    d["python_default_none"] = p.python_default_none;
    d["python_attribute"] = p.python_attribute;
    d["tensor_name"] = p.tensor_name;
    params.append(d);
  }
  for (const train::CheckSpec& c : spec.checks)
    checks.append(py::dict(py::arg("param") = c.param,
                           py::arg("condition") = condition_name(c.condition),
                           py::arg("message") = c.message));
  for (const train::NonSlotSpec& n : spec.non_slots)
    non_slots.append(py::dict(py::arg("name") = n.name, py::arg("initial_value") = n.initial_value,
                              py::arg("initial_from") = n.initial_from,
                              py::arg("update") = update_name(n.update),
                              py::arg("update_from") = n.update_from));
  for (const train::SlotSpec& s : spec.slots)
    slots.append(py::dict(py::arg("name") = s.name, py::arg("initial_value") = s.initial_value,
                          py::arg("initial_from") = s.initial_from,
                          py::arg("op_name_from") = s.op_name_from,
                          py::arg("only_if") = s.only_if));
  for (const train::ApplyOpSpec& op : spec.apply_ops) {
    py::list inputs, attrs;
    for (const train::ApplyInputSpec& in : op.inputs)
      inputs.append(py::dict(py::arg("name") = in.name, py::arg("role") = role_name(in.role),
                             py::arg("from") = in.from, py::arg("kernel_slot") = in.kernel_slot,
                             py::arg("int64") = in.int64));
    for (const train::ApplyAttrSpec& a : op.attrs)
      attrs.append(py::dict(py::arg("name") = a.name, py::arg("default") = a.default_value,
                            py::arg("from") = a.from));
    apply_ops.append(py::dict(py::arg("op") = op.op, py::arg("doc") = op.doc,
                              py::arg("inputs") = inputs, py::arg("attrs") = attrs,
                              py::arg("when") = op.when));
  }
  return py::dict(py::arg("name") = spec.name, py::arg("doc") = spec.doc,
                  py::arg("params") = params, py::arg("checks") = checks,
                  py::arg("non_slots") = non_slots, py::arg("slots") = slots,
                  py::arg("apply_ops") = apply_ops);
}

}  // namespace

void bind_train(py::module_& m) {
  py::class_<Hyper>(m, "Hyper")
      .def(py::init<double>())
      .def(py::init<Output>())
      .def(py::init([](py::function build) {
        return Hyper(std::function<Output()>([build] { return build().cast<Output>(); }));
      }));

  py::class_<Optimizer>(m, "Optimizer")
      .def_property_readonly("name", &Optimizer::name)
      .def_property("multi_tensor", &Optimizer::multi_tensor, &Optimizer::set_multi_tensor)
      .def("set_clip_global_norm", &Optimizer::set_clip_global_norm, py::arg("clip_norm"))
      .def_property_readonly("last_global_norm", &Optimizer::last_global_norm)
      .def(
          "compute_gradients",
          [](Optimizer& o, Output loss, std::optional<std::vector<Node*>> var_list, int gate,
             std::optional<Output> grad_loss) {
            std::optional<std::vector<Variable>> vars;
            if (var_list) vars = as_variables(*var_list);
            return grads_and_vars_to_py(
                o.compute_gradients(loss, vars, static_cast<train::Gate>(gate), grad_loss));
          },
          py::arg("loss"), py::arg("var_list"), py::arg("gate"), py::arg("grad_loss"))
      .def(
          "apply_gradients",
          [](Optimizer& o, const std::vector<std::pair<std::optional<Output>, Node*>>& gvs,
             Node* global_step, const std::string& name) {
            std::optional<Variable> step;
            if (global_step) step = as_variable(global_step);
            return o.apply_gradients(grads_and_vars_from_py(gvs), step, name);
          },
          py::arg("grads_and_vars"), py::arg("global_step"), py::arg("name"),
          py::return_value_policy::reference)
      .def(
          "get_slot",
          [](const Optimizer& o, Node* var, const std::string& name) -> Node* {
            auto slot = o.get_slot(as_variable(var), name);
            return slot ? slot->node() : nullptr;
          },
          py::return_value_policy::reference)
      .def("get_slot_names", &Optimizer::get_slot_names)
      .def(
          "variables",
          [](const Optimizer& o, std::shared_ptr<Graph> graph) {
            std::vector<Node*> out;
            for (const Variable& v : o.variables(*graph)) out.push_back(v.node());
            return out;
          },
          py::return_value_policy::reference)
      .def(
          "zeros_slot",
          [](Optimizer& o, Node* var, const std::string& slot, const std::string& op_name) {
            return o.zeros_slot(as_variable(var), slot, op_name).node();
          },
          py::return_value_policy::reference)
      .def(
          "get_or_make_slot",
          [](Optimizer& o, Node* var, py::function initial_value, const std::string& slot,
             const std::string& op_name) {
            return o
                .get_or_make_slot(as_variable(var), initial_value_fn(initial_value), slot, op_name)
                .node();
          },
          py::return_value_policy::reference)
      .def(
          "create_non_slot_variable",
          [](Optimizer& o, py::function initial_value, const std::string& name,
             Node* colocate_with) {
            return o
                .create_non_slot_variable(initial_value_fn(initial_value), name,
                                          as_variable(colocate_with))
                .node();
          },
          py::return_value_policy::reference)
      .def(
          "get_non_slot_variable",
          [](const Optimizer& o, const std::string& name, std::shared_ptr<Graph> graph) -> Node* {
            auto v = o.get_non_slot_variable(name, *graph);
            return v ? v->node() : nullptr;
          },
          py::return_value_policy::reference);

  py::class_<PythonHookOptimizer, Optimizer>(m, "PythonHookOptimizer")
      .def(py::init<py::object, std::string, bool>(), py::arg("owner"), py::arg("name"),
           py::arg("use_locking"))
      .def("base_finish", &PythonHookOptimizer::base_finish, py::return_value_policy::reference);

  m.def("explain_missing_gradients",
        [](Output loss, const std::vector<std::pair<std::optional<Output>, Node*>>& gvs) {
          return train::explain_missing_gradients(loss, grads_and_vars_from_py(gvs));
        });

  // Every built-in optimizer is one class: the table entry plus its arguments (the Python
  // classes of varflow.train.optimizers are generated from optimizer_specs()).
  py::class_<train::BuiltinOptimizer, Optimizer>(m, "BuiltinOptimizer")
      .def(py::init([](const std::string& optimizer, const py::sequence& args) {
             const train::OptimizerSpec& spec = train::optimizer_spec(optimizer);
             return new train::BuiltinOptimizer(spec, param_values(spec, args));
           }),
           py::arg("optimizer"), py::arg("args"))
      .def_property_readonly("spec_name",
                             [](const train::BuiltinOptimizer& o) { return o.spec().name; });

  m.def(
      "optimizer_specs",
      [] {
        py::list out;
        for (const train::OptimizerSpec& spec : train::optimizer_specs())
          out.append(spec_to_py(spec));
        return out;
      },
      "Every built-in optimizer's table entry (varflow/train/optimizer_specs.h) as plain data.");
}

}  // namespace varflow::bindings
