// THE optimizer table: one entry per built-in optimizer (see varflow/train/optimizer_specs.h
// for what each field means). Everything else is derived from it: the Apply<Op> and
// MultiApply<Op> ops (training_ops.cc), the C++ classes (optimizers_generated.h, written by
// `python -m varflow.train._optimizer_codegen --write`), the binding and the Python classes
// (varflow/train/optimizers.py).
//
// Adding an optimizer (docs/optimizers.md):
//   1. its step kernel: <Algo>Args and <algo>_step in kernels/optimizer_steps.h, the loop in
//      optimizer_steps_simd.cc, the driver in optimizer_steps.cc;
//   2. one entry below: parameters in the order the constructor takes them, non-slot variables,
//      slots, the Apply op's inputs in TF's order and `step`, which turns the op's scalar
//      inputs s[0], s[1], ... (its kHyper, kNonSlot and kDerived inputs, in input order) into
//      the kernel's Args;
//   3. regenerate the builders and classes, and add its float64 NumPy reference test
//      (tests/python/test_optimizer_references.py).
#include "ops/optimizer_table.h"

#include <algorithm>
#include <string>

#include "varflow/errors.h"
#include "varflow/ops.h"

namespace varflow::train {

namespace {

namespace k = kernels;
using ops::step_kernel;

// ---- parameters ----------------------------------------------------------------------------

ParamSpec hyper(std::string name, std::optional<double> default_value = std::nullopt,
                std::string python_attribute = "", std::string tensor_name = "") {
  std::optional<ParamDefault> d;
  if (default_value) d = *default_value;
  return {std::move(name), ParamKind::kHyper,           d,
          false,           std::move(python_attribute), std::move(tensor_name)};
}
ParamSpec number(std::string name, double default_value) {
  return {std::move(name), ParamKind::kNumber, default_value, false, "", ""};
}
ParamSpec number_or_none(std::string name, double value_for_none) {
  return {std::move(name), ParamKind::kNumber, value_for_none, true, "", ""};
}
ParamSpec flag(std::string name, bool default_value) {
  return {std::move(name), ParamKind::kFlag, default_value, false, "", ""};
}
ParamSpec name_or_none(std::string name) {
  return {std::move(name), ParamKind::kString, std::string(), true, "", ""};
}
ParamSpec variable(std::string name) {
  return {std::move(name), ParamKind::kVariable, {}, false, "", ""};
}
ParamSpec use_locking() { return {"use_locking", ParamKind::kUseLocking, false, false, "", ""}; }
ParamSpec optimizer_name(std::string default_name) {
  return {"name", ParamKind::kName, std::move(default_name), false, "", ""};
}

// TF1's Adam family: (learning_rate, beta1, beta2, epsilon, [weight_decay,] use_locking, name),
// kept by TF1's Python classes as _lr, _beta1, ...
std::vector<ParamSpec> adam_params(double epsilon, std::optional<double> weight_decay,
                                   const std::string& name, double learning_rate = 0.001,
                                   double beta2 = 0.999) {
  std::vector<ParamSpec> p = {hyper("learning_rate", learning_rate, "_lr"), hyper("beta1", 0.9),
                              hyper("beta2", beta2), hyper("epsilon", epsilon)};
  if (weight_decay) p.push_back(hyper("weight_decay", *weight_decay));
  p.push_back(use_locking());
  p.push_back(optimizer_name(name));
  return p;
}

CheckSpec positive(std::string param) {
  return {std::move(param), Condition::kPositive, "{name} must be positive: {value}"};
}
CheckSpec ftrl_check(std::string param, Condition condition) {
  return {std::move(param), condition,
          condition == Condition::kNonPositive ? "{name} {value:f} needs to be negative or zero"
                                               : "{name} {value:f} needs to be positive or zero"};
}

// ---- slots and non-slot variables ----------------------------------------------------------

SlotSpec zeros(std::string name, std::string only_if = "") {
  return {std::move(name), 0.0, "", "", std::move(only_if)};
}
SlotSpec filled(std::string name, double value) { return {std::move(name), value, "", "", ""}; }
SlotSpec filled_from(std::string name, std::string param, std::string op_name_from = "") {
  return {std::move(name), 0.0, std::move(param), std::move(op_name_from), ""};
}

// A beta power: starts at beta, multiplied by beta after every step (TF1's `power * beta`).
NonSlotSpec power_of(std::string name, std::string beta, std::string mul_name = "mul") {
  return {std::move(name), 0.0, beta, NonSlotUpdate::kScaleBy, beta, std::move(mul_name)};
}

// ---- Apply op inputs -----------------------------------------------------------------------

ApplyInputSpec var() { return {"var", InputRole::kVar, "", -1, false, {}}; }
ApplyInputSpec slot(std::string input, std::string slot_name, int kernel_slot) {
  return {std::move(input), InputRole::kSlot, std::move(slot_name), kernel_slot, false, {}};
}
// A hyperparameter input; `param` defaults to the input's own name.
ApplyInputSpec scalar(std::string input, std::string param = "") {
  if (param.empty()) param = input;
  return {std::move(input), InputRole::kHyper, std::move(param), -1, false, {}};
}
ApplyInputSpec non_slot(std::string input) {
  std::string from = input;
  return {std::move(input), InputRole::kNonSlot, std::move(from), -1, false, {}};
}
ApplyInputSpec derived(std::string input, bool int64 = false,
                       std::function<Output(DeriveContext&)> derive = {}) {
  std::string from = input;
  return {std::move(input), InputRole::kDerived, std::move(from), -1, int64, std::move(derive)};
}
ApplyInputSpec grad(std::string input = "grad") {
  return {std::move(input), InputRole::kGrad, "", -1, false, {}};
}

const std::string kUseNesterov = "use_nesterov";
const std::string kUpdateSlots = "update_slots";
const std::string kMultiplyLinearByLr = "multiply_linear_by_lr";  // built once: no SSO

Output scalar_const(Graph& g, double v, const std::string& name) {
  return ops::constant(g, Tensor::scalar<float>(static_cast<float>(v)), name);
}

// Ftrl's l2 with beta folded in: l2 + beta / (2 * max(lr, 1e-36)).
Output ftrl_l2(DeriveContext& c) {
  const double l2 = *c.number("l2_regularization_strength");
  const double beta = *c.number("beta");
  Graph& g = c.graph();
  if (beta == 0.0) return scalar_const(g, l2, "l2_regularization_strength");
  if (auto lr = c.number("learning_rate"))
    return scalar_const(g, l2 + beta / (2.0 * std::max(*lr, 1e-36)),
                        "adjusted_l2_regularization_strength");
  Output lr_t = c.tensor("learning_rate");
  Output safe_lr = ops::op(g, "Maximum", {lr_t, ops::scalar_like(lr_t, 1e-36)});
  return ops::add(
      ops::scalar_like(lr_t, l2),
      ops::div(ops::scalar_like(lr_t, beta), ops::mul(ops::scalar_like(lr_t, 2.0), safe_lr)),
      "adjusted_l2_regularization_strength");
}

// ---- the table -----------------------------------------------------------------------------

std::vector<OptimizerSpec> build_table() {
  const std::string adam_doc =
      "lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power); m += (g - m) * (1 - beta1); v += "
      "(g^2 - v) * (1 - beta2); var -= lr_t * m / (sqrt(v) + epsilon)";
  std::vector<OptimizerSpec> t;

  t.push_back({
      .name = "GradientDescent",
      .doc = "Plain gradient descent: var -= learning_rate * grad.",
      .params = {hyper("learning_rate"), use_locking(), optimizer_name("GradientDescent")},
      .apply_ops = {{
          .op = "GradientDescent",
          .doc = "var -= alpha * delta",
          .inputs = {var(), scalar("alpha", "learning_rate"), grad("delta")},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::gradient_descent_step(k::GradientDescentArgs{s[0]}, t, n);
          }),
      }},
  });

  t.push_back({
      .name = "Momentum",
      .doc = "accum = momentum * accum + grad; var -= learning_rate * accum (Nesterov: var -= "
             "learning_rate * grad + learning_rate * momentum * accum). Slot momentum.",
      .params = {hyper("learning_rate"), hyper("momentum"), use_locking(),
                 optimizer_name("Momentum"), flag("use_nesterov", false)},
      .slots = {zeros("momentum")},
      .apply_ops = {{
          .op = "Momentum",
          .doc = "accum = accum * momentum + grad; var -= lr * accum (use_nesterov: var -= lr * "
                 "grad + lr * momentum * accum)",
          .inputs = {var(), slot("accum", "momentum", 0), scalar("lr", "learning_rate"), grad(),
                     scalar("momentum")},
          .attrs = {{"use_nesterov", false, "use_nesterov", ""}},
          .kernel = step_kernel([](const double* s, const AttrMap& a, const auto* t, size_t n) {
            k::momentum_step(k::MomentumArgs{s[0], s[1], a.get<bool>(kUseNesterov)}, t, n);
          }),
      }},
  });

  t.push_back({
      .name = "Adagrad",
      .doc = "accum += grad^2; var -= learning_rate * grad / sqrt(accum); slot accumulator "
             "starts at initial_accumulator_value.",
      .params = {hyper("learning_rate"), number("initial_accumulator_value", 0.1), use_locking(),
                 optimizer_name("Adagrad")},
      .checks = {positive("initial_accumulator_value")},
      .slots = {filled_from("accumulator", "initial_accumulator_value")},
      .apply_ops = {{
          .op = "Adagrad",
          .doc = "accum += grad^2; var -= lr * grad / sqrt(accum)",
          .inputs = {var(), slot("accum", "accumulator", 0), scalar("lr", "learning_rate"), grad()},
          .attrs = {{"update_slots", true, "", ""}},
          .kernel = step_kernel([](const double* s, const AttrMap& a, const auto* t, size_t n) {
            k::adagrad_step(k::AdagradArgs{s[0], a.get<bool>(kUpdateSlots)}, t, n);
          }),
      }},
  });

  t.push_back({
      .name = "AdagradDA",
      .doc = "Adagrad dual averaging; needs the global step (TF1's signature).",
      .params = {hyper("learning_rate"), variable("global_step"),
                 number("initial_gradient_squared_accumulator_value", 0.1),
                 hyper("l1_regularization_strength", 0.0), hyper("l2_regularization_strength", 0.0),
                 use_locking(), optimizer_name("AdagradDA")},
      .checks = {positive("initial_gradient_squared_accumulator_value")},
      .slots = {zeros("gradient_accumulator"),
                filled_from("gradient_squared_accumulator",
                            "initial_gradient_squared_accumulator_value")},
      .apply_ops = {{
          .op = "AdagradDA",
          .doc = "Adagrad dual averaging (TF ApplyAdagradDA)",
          .inputs = {var(), slot("gradient_accumulator", "gradient_accumulator", 0),
                     slot("gradient_squared_accumulator", "gradient_squared_accumulator", 1),
                     grad(), scalar("lr", "learning_rate"),
                     scalar("l1", "l1_regularization_strength"),
                     scalar("l2", "l2_regularization_strength"), derived("global_step", true)},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::adagrad_da_step(k::AdagradDAArgs{s[0], s[1], s[2], s[3]}, t, n);
          }),
      }},
      .derive =
          [](DeriveContext& c) {
            // TF1: the op sees global_step + 1.
            Output step =
                ops::cast(ops::identity(c.variable("global_step").value()), DType::kInt64);
            c.set("global_step",
                  ops::add(step, ops::constant(c.graph(), Tensor::scalar<int64_t>(1), "add/y")));
          },
  });

  t.push_back({
      .name = "Adam",
      .doc = "TF1's Adam, epsilon-hat form: lr_t = learning_rate * sqrt(1 - beta2^t) / (1 - "
             "beta1^t), m = beta1 * m + (1 - beta1) * g, v = beta2 * v + (1 - beta2) * g^2, var "
             "-= lr_t * m / (sqrt(v) + epsilon). Slots m, v; non-slots beta1_power, beta2_power.",
      .params = adam_params(1e-8, std::nullopt, "Adam"),
      .non_slots = {power_of("beta1_power", "beta1"), power_of("beta2_power", "beta2")},
      .slots = {zeros("m"), zeros("v")},
      .apply_ops = {{
          .op = "Adam",
          .doc = adam_doc,
          .inputs = {var(), slot("m", "m", 0), slot("v", "v", 1), non_slot("beta1_power"),
                     non_slot("beta2_power"), scalar("lr", "learning_rate"), scalar("beta1"),
                     scalar("beta2"), scalar("epsilon"), grad()},
          .attrs = {{"use_nesterov", false, "", ""}},
          .kernel = step_kernel([](const double* s, const AttrMap& a, const auto* t, size_t n) {
            k::adam_step(
                k::AdamArgs::make(s[2], s[3], s[4], s[5], s[0], s[1], a.get<bool>(kUseNesterov)), t,
                n);
          }),
      }},
  });

  t.push_back({
      .name = "AMSGrad",
      .doc = "Adam with vhat = max(vhat, v) in the denominator (Reddi et al. 2018, TF's "
             "ApplyAdamWithAmsgrad). Slots m, v, vhat.",
      .params = adam_params(1e-8, std::nullopt, "AMSGrad"),
      .non_slots = {power_of("beta1_power", "beta1"), power_of("beta2_power", "beta2")},
      .slots = {zeros("m"), zeros("v"), zeros("vhat")},
      .apply_ops = {{
          .op = "AdamWithAmsgrad",
          .doc = "Adam with vhat = max(vhat, v) in the denominator",
          .inputs = {var(), slot("m", "m", 0), slot("v", "v", 1), slot("vhat", "vhat", 2),
                     non_slot("beta1_power"), non_slot("beta2_power"),
                     scalar("lr", "learning_rate"), scalar("beta1"), scalar("beta2"),
                     scalar("epsilon"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::adam_step(k::AdamArgs::make(s[2], s[3], s[4], s[5], s[0], s[1], false, true), t, n);
          }),
      }},
  });

  t.push_back({
      .name = "Adamax",
      .doc = "Adamax (Kingma & Ba, section 7; TF's ApplyAdaMax, Keras defaults): m = beta1 * m "
             "+ (1 - beta1) * g, u = max(beta2 * u, |g|), var -= learning_rate / (1 - beta1^t) "
             "* m / (u + epsilon).",
      .params = adam_params(1e-7, std::nullopt, "Adamax"),
      .non_slots = {power_of("beta1_power", "beta1")},
      .slots = {zeros("m"), zeros("v")},
      .apply_ops = {{
          .op = "AdaMax",
          .doc = "m += (g - m) * (1 - beta1); v = max(beta2 * v, |g|); var -= lr / (1 - "
                 "beta1_power) * m / (v + epsilon)",
          .inputs = {var(), slot("m", "m", 0), slot("v", "v", 1), non_slot("beta1_power"),
                     scalar("lr", "learning_rate"), scalar("beta1"), scalar("beta2"),
                     scalar("epsilon"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::adamax_step(k::AdamaxArgs::make(s[1], s[2], s[3], s[4], s[0]), t, n);
          }),
      }},
  });

  t.push_back({
      .name = "Adadelta",
      .doc = "TF1's Adadelta (learning_rate 0.001, rho 0.95, epsilon 1e-8). Slots accum, "
             "accum_update.",
      .params = {hyper("learning_rate", 0.001, "_lr", "lr"), hyper("rho", 0.95),
                 hyper("epsilon", 1e-8), use_locking(), optimizer_name("Adadelta")},
      .slots = {zeros("accum"), zeros("accum_update")},
      .apply_ops = {{
          .op = "Adadelta",
          .doc = "Adadelta (TF ApplyAdadelta)",
          .inputs = {var(), slot("accum", "accum", 0), slot("accum_update", "accum_update", 1),
                     scalar("lr", "learning_rate"), scalar("rho"), scalar("epsilon"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::adadelta_step(k::AdadeltaArgs{s[0], s[1], s[2]}, t, n);
          }),
      }},
  });

  t.push_back({
      .name = "RMSProp",
      .doc = "ms = decay * ms + (1 - decay) * g^2 (rms starts at 1), mom = momentum * mom + "
             "learning_rate * g / sqrt(ms + epsilon), var -= mom; centered: normalised by the "
             "centered second moment (slot mg).",
      .params = {hyper("learning_rate"), hyper("decay", 0.9), hyper("momentum", 0.0),
                 hyper("epsilon", 1e-10), use_locking(), flag("centered", false),
                 optimizer_name("RMSProp")},
      .slots = {filled("rms", 1.0), zeros("mg", "centered"), zeros("momentum")},
      .apply_ops =
          {{
               .op = "RMSProp",
               .doc = "ms += (g^2 - ms) * (1 - rho); mom = momentum * mom + lr * g / sqrt(ms + "
                      "epsilon); var -= mom",
               .inputs = {var(), slot("ms", "rms", 0), slot("mom", "momentum", 1),
                          scalar("lr", "learning_rate"), scalar("rho", "decay"), scalar("momentum"),
                          scalar("epsilon"), grad()},
               .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
                 k::rmsprop_step(k::RMSPropArgs{s[0], s[1], s[2], s[3], false}, t, n);
               }),
           },
           {
               .op = "CenteredRMSProp",
               .doc = "RMSProp normalised by the centered second moment",
               .inputs = {var(), slot("mg", "mg", 2), slot("ms", "rms", 0),
                          slot("mom", "momentum", 1), scalar("lr", "learning_rate"),
                          scalar("rho", "decay"), scalar("momentum"), scalar("epsilon"), grad()},
               .when = "centered",
               .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
                 k::rmsprop_step(k::RMSPropArgs{s[0], s[1], s[2], s[3], true}, t, n);
               }),
           }},
  });

  t.push_back({
      .name = "Ftrl",
      .doc = "TF1's FTRL-Proximal, with l2 shrinkage (ApplyFtrlV2 when it is > 0) and beta "
             "folded into l2.",
      .params = {hyper("learning_rate"), number("learning_rate_power", -0.5),
                 number("initial_accumulator_value", 0.1),
                 number("l1_regularization_strength", 0.0),
                 number("l2_regularization_strength", 0.0), use_locking(), optimizer_name("Ftrl"),
                 name_or_none("accum_name"), name_or_none("linear_name"),
                 number("l2_shrinkage_regularization_strength", 0.0), number_or_none("beta", 0.0)},
      .checks = {ftrl_check("initial_accumulator_value", Condition::kNonNegative),
                 ftrl_check("learning_rate_power", Condition::kNonPositive),
                 ftrl_check("l1_regularization_strength", Condition::kNonNegative),
                 ftrl_check("l2_regularization_strength", Condition::kNonNegative),
                 ftrl_check("l2_shrinkage_regularization_strength", Condition::kNonNegative)},
      .slots = {filled_from("accum", "initial_accumulator_value", "accum_name"),
                {"linear", 0.0, "", "linear_name", ""}},
      .apply_ops =
          {{
               .op = "Ftrl",
               .doc = "FTRL-proximal (TF ApplyFtrl)",
               .inputs = {var(), slot("accum", "accum", 0), slot("linear", "linear", 1), grad(),
                          scalar("lr", "learning_rate"), scalar("l1", "l1_regularization_strength"),
                          derived("l2", false, ftrl_l2), scalar("lr_power", "learning_rate_power")},
               .attrs = {{"multiply_linear_by_lr", false, "", ""}},
               .kernel =
                   step_kernel([](const double* s, const AttrMap& a, const auto* t, size_t n) {
                     k::ftrl_step(
                         k::FtrlArgs{s[0], s[1], s[2], 0.0, s[3], a.get<bool>(kMultiplyLinearByLr)},
                         t, n);
                   }),
           },
           {
               .op = "FtrlV2",
               .doc = "FTRL-proximal with l2 shrinkage (TF ApplyFtrlV2)",
               .inputs = {var(), slot("accum", "accum", 0), slot("linear", "linear", 1), grad(),
                          scalar("lr", "learning_rate"), scalar("l1", "l1_regularization_strength"),
                          derived("l2", false, ftrl_l2),
                          scalar("l2_shrinkage", "l2_shrinkage_regularization_strength"),
                          scalar("lr_power", "learning_rate_power")},
               .attrs = {{"multiply_linear_by_lr", false, "", ""}},
               .when = "l2_shrinkage_regularization_strength",
               .kernel =
                   step_kernel([](const double* s, const AttrMap& a, const auto* t, size_t n) {
                     k::ftrl_step(k::FtrlArgs{s[0], s[1], s[2], s[3], s[4],
                                              a.get<bool>(kMultiplyLinearByLr)},
                                  t, n);
                   }),
           }},
  });

  t.push_back({
      .name = "ProximalGradientDescent",
      .doc = "FOBOS with a fixed learning rate (l1 soft-threshold, l2 shrink).",
      .params = {hyper("learning_rate"), hyper("l1_regularization_strength", 0.0),
                 hyper("l2_regularization_strength", 0.0), use_locking(),
                 optimizer_name("ProximalGradientDescent")},
      .apply_ops = {{
          .op = "ProximalGradientDescent",
          .doc = "FOBOS with a fixed learning rate",
          .inputs = {var(), scalar("alpha", "learning_rate"),
                     scalar("l1", "l1_regularization_strength"),
                     scalar("l2", "l2_regularization_strength"), grad("delta")},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::proximal_gradient_descent_step(k::ProximalGradientDescentArgs{s[0], s[1], s[2]}, t,
                                              n);
          }),
      }},
  });

  t.push_back({
      .name = "ProximalAdagrad",
      .doc = "FOBOS with the Adagrad learning rate.",
      .params = {hyper("learning_rate"), number("initial_accumulator_value", 0.1),
                 hyper("l1_regularization_strength", 0.0), hyper("l2_regularization_strength", 0.0),
                 use_locking(), optimizer_name("ProximalAdagrad")},
      .checks = {positive("initial_accumulator_value")},
      .slots = {filled_from("accumulator", "initial_accumulator_value")},
      .apply_ops = {{
          .op = "ProximalAdagrad",
          .doc = "FOBOS with the Adagrad learning rate",
          .inputs = {var(), slot("accum", "accumulator", 0), scalar("lr", "learning_rate"),
                     scalar("l1", "l1_regularization_strength"),
                     scalar("l2", "l2_regularization_strength"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::proximal_adagrad_step(k::ProximalAdagradArgs{s[0], s[1], s[2]}, t, n);
          }),
      }},
  });

  t.push_back({
      .name = "AdamW",
      .doc = "AdamW (Loshchilov & Hutter 2019), PyTorch's form and defaults: var = var * (1 - "
             "learning_rate * weight_decay) - learning_rate * mhat / (sqrt(vhat) + epsilon) with "
             "bias-corrected moments; weight_decay 0.01.",
      .params = adam_params(1e-8, 0.01, "AdamW"),
      .non_slots = {power_of("beta1_power", "beta1"), power_of("beta2_power", "beta2")},
      .slots = {zeros("m"), zeros("v")},
      .apply_ops = {{
          .op = "AdamW",
          .doc = "AdamW, decoupled weight decay (PyTorch's formula)",
          .inputs = {var(), slot("m", "m", 0), slot("v", "v", 1), non_slot("beta1_power"),
                     non_slot("beta2_power"), scalar("lr", "learning_rate"), scalar("beta1"),
                     scalar("beta2"), scalar("epsilon"), scalar("weight_decay"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::adamw_step(k::AdamWArgs::make(s[2], s[3], s[4], s[5], s[6], s[0], s[1]), t, n);
          }),
      }},
  });

  t.push_back({
      .name = "Nadam",
      .doc = "NAdam (Dozat 2016) with the momentum schedule mu_t = beta1 * (1 - 0.5 * "
             "0.96^(0.004 t)) as Keras 2 and PyTorch compute it; Keras's defaults (learning_rate "
             "0.001, epsilon 1e-7). Slots m, v; non-slots beta2_power, m_schedule (the product "
             "of the mu_t) and iterations.",
      .params = adam_params(1e-7, std::nullopt, "Nadam"),
      .non_slots = {power_of("beta2_power", "beta2", ""),
                    {"m_schedule", 1.0, "", NonSlotUpdate::kAssignFrom, "m_schedule", ""},
                    {"iterations", 0.0, "", NonSlotUpdate::kIncrement, "", ""}},
      .slots = {zeros("m"), zeros("v")},
      .apply_ops = {{
          .op = "Nadam",
          .doc = "NAdam with the momentum schedule (Keras 2 / PyTorch)",
          // m_schedule = mu_1 * ... * mu_t (this step's mu included), momentum_cache = mu_t,
          // momentum_cache_next = mu_{t+1}.
          .inputs = {var(), slot("m", "m", 0), slot("v", "v", 1), non_slot("beta2_power"),
                     derived("m_schedule"), scalar("lr", "learning_rate"), scalar("beta1"),
                     scalar("beta2"), scalar("epsilon"), derived("momentum_cache"),
                     derived("momentum_cache_next"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::nadam_step(k::NadamArgs::make(s[2], s[3], s[4], s[5], s[0], s[1], s[6], s[7]), t, n);
          }),
      }},
      .derive =
          [](DeriveContext& c) {
            Graph& g = c.graph();
            // mu(t) = beta1 * (1 - 0.5 * 0.96^(0.004 t)) at t = iterations + 1 and t + 1.
            Output t = ops::add(c.non_slot("iterations").value(), scalar_const(g, 1.0, "one"));
            Output beta1 = c.tensor("beta1");
            auto mu = [&](Output step) {
              Output decay = ops::op(
                  g, "Pow",
                  {scalar_const(g, 0.96, "base"), ops::mul(scalar_const(g, 0.004, "psi"), step)});
              return ops::mul(beta1, ops::sub(scalar_const(g, 1.0, "one"),
                                              ops::mul(scalar_const(g, 0.5, "half"), decay)));
            };
            Output mu_t = mu(t);
            c.set("momentum_cache", mu_t);
            c.set("momentum_cache_next", mu(ops::add(t, scalar_const(g, 1.0, "one"))));
            c.set("m_schedule", ops::mul(c.non_slot("m_schedule").value(), mu_t));
          },
  });

  t.push_back({
      .name = "Lion",
      .doc = "Lion (Chen et al. 2023, lion-pytorch defaults): var = var * (1 - learning_rate * "
             "weight_decay) - learning_rate * sign(beta1 * m + (1 - beta1) * g), m = beta2 * m + "
             "(1 - beta2) * g.",
      .params = {hyper("learning_rate", 1e-4, "_lr"), hyper("beta1", 0.9), hyper("beta2", 0.99),
                 hyper("weight_decay", 0.0), use_locking(), optimizer_name("Lion")},
      .slots = {zeros("m")},
      .apply_ops = {{
          .op = "Lion",
          .doc = "Lion: var -= lr * sign(beta1 * m + (1 - beta1) * g)",
          .inputs = {var(), slot("m", "m", 0), scalar("lr", "learning_rate"), scalar("beta1"),
                     scalar("beta2"), scalar("weight_decay"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::lion_step(k::LionArgs{s[0], s[1], s[2], 1 - s[0] * s[3]}, t, n);
          }),
      }},
  });

  t.push_back({
      .name = "LAMB",
      .doc = "LAMB (You et al. 2020, TF-Addons defaults): the AdamW direction r = mhat / "
             "(sqrt(vhat) + epsilon) + weight_decay * var, scaled per variable by the trust "
             "ratio ||var|| / ||r||.",
      .params = adam_params(1e-6, 0.0, "LAMB"),
      .non_slots = {power_of("beta1_power", "beta1"), power_of("beta2_power", "beta2")},
      .slots = {zeros("m"), zeros("v")},
      .apply_ops = {{
          .op = "Lamb",
          .doc = "LAMB: Adam update scaled by the per-variable trust ratio",
          .inputs = {var(), slot("m", "m", 0), slot("v", "v", 1), non_slot("beta1_power"),
                     non_slot("beta2_power"), scalar("lr", "learning_rate"), scalar("beta1"),
                     scalar("beta2"), scalar("epsilon"), scalar("weight_decay"), grad()},
          .kernel = step_kernel([](const double* s, const AttrMap&, const auto* t, size_t n) {
            k::lamb_step(k::LambArgs{s[2], s[3], s[4], s[5], s[6], 1 - s[0], 1 - s[1]}, t, n);
          }),
      }},
  });

  // Fill in what the entries leave to convention: TF1's attribute `_<name>`, tensor `<name>`.
  for (OptimizerSpec& spec : t)
    for (ParamSpec& p : spec.params) {
      if (p.python_attribute.empty()) p.python_attribute = "_" + p.name;
      if (p.tensor_name.empty()) p.tensor_name = p.name;
    }
  return t;
}

}  // namespace

const ParamSpec* OptimizerSpec::find_param(const std::string& param) const {
  for (const ParamSpec& p : params)
    if (p.name == param) return &p;
  return nullptr;
}

const std::vector<OptimizerSpec>& optimizer_specs() {
  static const std::vector<OptimizerSpec> table = build_table();
  return table;
}

const OptimizerSpec& optimizer_spec(const std::string& name) {
  std::string known;
  for (const OptimizerSpec& spec : optimizer_specs()) {
    if (spec.name == name) return spec;
    known += (known.empty() ? "" : ", ") + spec.name;
  }
  raise(ErrorCode::kNotFound, "No optimizer named '", name, "' (known: ", known, ")");
}

}  // namespace varflow::train
