// Training ops: TF1's Apply* optimizer updates (ApplyAdam, ApplyMomentum, ...) plus varflow's
// ApplyAdamW, ApplyNadam, ApplyLion and ApplyLamb. Each op updates its variable and slots in
// place through ref inputs, with one fused pass of kernels/optimizer_steps.h. Scalar
// hyperparameters are ordinary tensor inputs read at run time, so schedules never rebuild
// the graph.
//
// Every Apply<Algo> also has a multi-tensor form MultiApply<Algo> for a whole
// apply_gradients: inputs are the scalars once (in the Apply op's order), then N groups of the
// per-variable inputs (in the Apply op's order, grad last), e.g.
//   MultiApplyAdam(beta1_power, beta2_power, lr, beta1, beta2, epsilon,
//                  var_0, m_0, v_0, grad_0, ..., var_{N-1}, m_{N-1}, v_{N-1}, grad_{N-1})
// with attr N (set from the inputs when absent). Output i is var_i. The whole step is one
// kernel call, whose threads split the total element count.
#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/optimizer_steps.h"
#include "ops/op_families.h"
#include "varflow/op_registry.h"

namespace varflow::ops {

namespace {

namespace k = kernels;

// ---- the input layout of an Apply op --------------------------------------------------------

enum class Kind { kVar, kSlot, kScalar, kInt64Scalar, kGrad };

struct InputSpec {
  const char* name;
  Kind kind;
  int slot = -1;  // for kSlot: the index in TensorSlots::slot
};

// An Apply op's inputs in TF's order, split into scalars and per-variable tensors.
struct Layout {
  std::vector<InputSpec> inputs;
  std::vector<int> scalars;  // input positions of the scalars, in order
  std::vector<int> tensors;  // input positions of var, slots and grad, in order
  int var = -1;              // index into `tensors`
  int grad = -1;             // index into `tensors`

  explicit Layout(std::vector<InputSpec> in) : inputs(std::move(in)) {
    for (int i = 0; i < static_cast<int>(inputs.size()); ++i) {
      const Kind kind = inputs[static_cast<size_t>(i)].kind;
      if (kind == Kind::kScalar || kind == Kind::kInt64Scalar) {
        scalars.push_back(i);
        continue;
      }
      if (kind == Kind::kVar) var = static_cast<int>(tensors.size());
      if (kind == Kind::kGrad) grad = static_cast<int>(tensors.size());
      tensors.push_back(i);
    }
  }
  int num_scalars() const { return static_cast<int>(scalars.size()); }
  int group_size() const { return static_cast<int>(tensors.size()); }
  const InputSpec& scalar(int j) const { return inputs[static_cast<size_t>(scalars[j])]; }
  const InputSpec& tensor(int r) const { return inputs[static_cast<size_t>(tensors[r])]; }
};

// Where an op's logical inputs sit among the node's inputs: the Apply op's own order, or the
// multi-tensor order (scalars first, then one group per variable).
struct InputIndex {
  const Layout& layout;
  bool multi;
  int scalar(int j) const { return multi ? j : layout.scalars[static_cast<size_t>(j)]; }
  int tensor(int group, int r) const {
    return multi ? layout.num_scalars() + group * layout.group_size() + r
                 : layout.tensors[static_cast<size_t>(r)];
  }
  int num_groups(int num_inputs) const {
    return multi ? (num_inputs - layout.num_scalars()) / layout.group_size() : 1;
  }
};

constexpr int kMaxScalars = 12;
const std::string kMultiplyLinearByLr = "multiply_linear_by_lr";  // built once: no SSO

// ---- the algorithms: TF's op inputs -> kernel args -------------------------------------------
// Each has kName (the op is "Apply" + kName), layout() in TF's input order and step<T>(s, ...)
// where s holds the scalars in layout order, converted to double.

template <typename T>
using Slots = k::TensorSlots<T>;

struct GradientDescentOp {
  static constexpr const char* kName = "GradientDescent";
  static Layout layout() {
    return Layout({{"var", Kind::kVar}, {"alpha", Kind::kScalar}, {"delta", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::gradient_descent_step(k::GradientDescentArgs{s[0]}, t, n);
  }
};

struct MomentumOp {
  static constexpr const char* kName = "Momentum";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"accum", Kind::kSlot, 0},
                   {"lr", Kind::kScalar},
                   {"grad", Kind::kGrad},
                   {"momentum", Kind::kScalar}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap& attrs, const Slots<T>* t, size_t n) {
    k::momentum_step(k::MomentumArgs{s[0], s[1], attrs.get<bool>("use_nesterov")}, t, n);
  }
};

struct AdagradOp {
  static constexpr const char* kName = "Adagrad";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"accum", Kind::kSlot, 0},
                   {"lr", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap& attrs, const Slots<T>* t, size_t n) {
    k::adagrad_step(k::AdagradArgs{s[0], attrs.get<bool>("update_slots")}, t, n);
  }
};

struct AdagradDAOp {
  static constexpr const char* kName = "AdagradDA";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"gradient_accumulator", Kind::kSlot, 0},
                   {"gradient_squared_accumulator", Kind::kSlot, 1},
                   {"grad", Kind::kGrad},
                   {"lr", Kind::kScalar},
                   {"l1", Kind::kScalar},
                   {"l2", Kind::kScalar},
                   {"global_step", Kind::kInt64Scalar}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::adagrad_da_step(k::AdagradDAArgs{s[0], s[1], s[2], s[3]}, t, n);
  }
};

struct AdamOp {
  static constexpr const char* kName = "Adam";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"v", Kind::kSlot, 1},
                   {"beta1_power", Kind::kScalar},
                   {"beta2_power", Kind::kScalar},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap& attrs, const Slots<T>* t, size_t n) {
    k::adam_step(
        k::AdamArgs::make(s[2], s[3], s[4], s[5], s[0], s[1], attrs.get<bool>("use_nesterov")), t,
        n);
  }
};

struct AdamWithAmsgradOp {
  static constexpr const char* kName = "AdamWithAmsgrad";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"v", Kind::kSlot, 1},
                   {"vhat", Kind::kSlot, 2},
                   {"beta1_power", Kind::kScalar},
                   {"beta2_power", Kind::kScalar},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::adam_step(k::AdamArgs::make(s[2], s[3], s[4], s[5], s[0], s[1], false, true), t, n);
  }
};

struct AdaMaxOp {
  static constexpr const char* kName = "AdaMax";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"v", Kind::kSlot, 1},
                   {"beta1_power", Kind::kScalar},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::adamax_step(k::AdamaxArgs::make(s[1], s[2], s[3], s[4], s[0]), t, n);
  }
};

struct AdadeltaOp {
  static constexpr const char* kName = "Adadelta";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"accum", Kind::kSlot, 0},
                   {"accum_update", Kind::kSlot, 1},
                   {"lr", Kind::kScalar},
                   {"rho", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::adadelta_step(k::AdadeltaArgs{s[0], s[1], s[2]}, t, n);
  }
};

struct RMSPropOp {
  static constexpr const char* kName = "RMSProp";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"ms", Kind::kSlot, 0},
                   {"mom", Kind::kSlot, 1},
                   {"lr", Kind::kScalar},
                   {"rho", Kind::kScalar},
                   {"momentum", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::rmsprop_step(k::RMSPropArgs{s[0], s[1], s[2], s[3], false}, t, n);
  }
};

struct CenteredRMSPropOp {
  static constexpr const char* kName = "CenteredRMSProp";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"mg", Kind::kSlot, 2},
                   {"ms", Kind::kSlot, 0},
                   {"mom", Kind::kSlot, 1},
                   {"lr", Kind::kScalar},
                   {"rho", Kind::kScalar},
                   {"momentum", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::rmsprop_step(k::RMSPropArgs{s[0], s[1], s[2], s[3], true}, t, n);
  }
};

struct FtrlOp {
  static constexpr const char* kName = "Ftrl";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"accum", Kind::kSlot, 0},
                   {"linear", Kind::kSlot, 1},
                   {"grad", Kind::kGrad},
                   {"lr", Kind::kScalar},
                   {"l1", Kind::kScalar},
                   {"l2", Kind::kScalar},
                   {"lr_power", Kind::kScalar}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap& attrs, const Slots<T>* t, size_t n) {
    k::ftrl_step(k::FtrlArgs{s[0], s[1], s[2], 0.0, s[3], attrs.get<bool>(kMultiplyLinearByLr)}, t,
                 n);
  }
};

struct FtrlV2Op {
  static constexpr const char* kName = "FtrlV2";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"accum", Kind::kSlot, 0},
                   {"linear", Kind::kSlot, 1},
                   {"grad", Kind::kGrad},
                   {"lr", Kind::kScalar},
                   {"l1", Kind::kScalar},
                   {"l2", Kind::kScalar},
                   {"l2_shrinkage", Kind::kScalar},
                   {"lr_power", Kind::kScalar}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap& attrs, const Slots<T>* t, size_t n) {
    k::ftrl_step(k::FtrlArgs{s[0], s[1], s[2], s[3], s[4], attrs.get<bool>(kMultiplyLinearByLr)}, t,
                 n);
  }
};

struct ProximalGradientDescentOp {
  static constexpr const char* kName = "ProximalGradientDescent";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"alpha", Kind::kScalar},
                   {"l1", Kind::kScalar},
                   {"l2", Kind::kScalar},
                   {"delta", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::proximal_gradient_descent_step(k::ProximalGradientDescentArgs{s[0], s[1], s[2]}, t, n);
  }
};

struct ProximalAdagradOp {
  static constexpr const char* kName = "ProximalAdagrad";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"accum", Kind::kSlot, 0},
                   {"lr", Kind::kScalar},
                   {"l1", Kind::kScalar},
                   {"l2", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::proximal_adagrad_step(k::ProximalAdagradArgs{s[0], s[1], s[2]}, t, n);
  }
};

// varflow: AdamW with PyTorch's bias correction (see kernels::AdamWArgs).
struct AdamWOp {
  static constexpr const char* kName = "AdamW";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"v", Kind::kSlot, 1},
                   {"beta1_power", Kind::kScalar},
                   {"beta2_power", Kind::kScalar},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"weight_decay", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::adamw_step(k::AdamWArgs::make(s[2], s[3], s[4], s[5], s[6], s[0], s[1]), t, n);
  }
};

// varflow: NAdam (see kernels::NadamArgs). m_schedule = mu_1 * ... * mu_t (this step's mu
// included), momentum_cache = mu_t, momentum_cache_next = mu_{t+1}; the optimizer keeps
// m_schedule as a non-slot variable.
struct NadamOp {
  static constexpr const char* kName = "Nadam";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"v", Kind::kSlot, 1},
                   {"beta2_power", Kind::kScalar},
                   {"m_schedule", Kind::kScalar},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"momentum_cache", Kind::kScalar},
                   {"momentum_cache_next", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::nadam_step(k::NadamArgs::make(s[2], s[3], s[4], s[5], s[0], s[1], s[6], s[7]), t, n);
  }
};

// varflow: Lion (see kernels::LionArgs).
struct LionOp {
  static constexpr const char* kName = "Lion";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"weight_decay", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::lion_step(k::LionArgs{s[0], s[1], s[2], 1 - s[0] * s[3]}, t, n);
  }
};

// varflow: LAMB (see kernels::LambArgs); the trust ratio is per variable.
struct LambOp {
  static constexpr const char* kName = "Lamb";
  static Layout layout() {
    return Layout({{"var", Kind::kVar},
                   {"m", Kind::kSlot, 0},
                   {"v", Kind::kSlot, 1},
                   {"beta1_power", Kind::kScalar},
                   {"beta2_power", Kind::kScalar},
                   {"lr", Kind::kScalar},
                   {"beta1", Kind::kScalar},
                   {"beta2", Kind::kScalar},
                   {"epsilon", Kind::kScalar},
                   {"weight_decay", Kind::kScalar},
                   {"grad", Kind::kGrad}});
  }
  template <typename T>
  static void step(const double* s, const AttrMap&, const Slots<T>* t, size_t n) {
    k::lamb_step(k::LambArgs{s[2], s[3], s[4], s[5], s[6], 1 - s[0], 1 - s[1]}, t, n);
  }
};

template <typename Op>
const Layout& layout_of() {
  static const Layout layout = Op::layout();
  return layout;
}

// ---- shape rule --------------------------------------------------------------------------

template <typename Op, bool kMulti>
void apply_shape(InferenceContext& c) {
  const Layout& layout = layout_of<Op>();
  const InputIndex index{layout, kMulti};
  int groups = 1;
  if constexpr (kMulti) {
    const int tensor_inputs = c.num_inputs() - layout.num_scalars();
    if (tensor_inputs <= 0 || tensor_inputs % layout.group_size() != 0)
      c.value_error("Expected the ", layout.num_scalars(), " scalars and then groups of ",
                    layout.group_size(), " inputs per variable, got ", c.num_inputs(), " inputs");
    groups = tensor_inputs / layout.group_size();
    if (c.attrs().get<int64_t>("N") >= 0 && c.attrs().get<int64_t>("N") != groups)
      c.value_error("Attr N = ", c.attrs().get<int64_t>("N"), " but the inputs hold ", groups,
                    " variables");
    c.mutable_attrs().set("N", int64_t{groups});
  }
  const int var0 = index.tensor(0, layout.var);
  const DType dtype = c.input_dtype(var0);
  if (dtype != DType::kFloat32 && dtype != DType::kFloat64)
    c.type_error("Value passed to parameter 'var' has DataType ", dtype_name(dtype),
                 " not in list of allowed values: float32, float64");
  auto check_dtype = [&](int input, const char* name, DType expected) {
    if (c.input_dtype(input) == expected) return;
    if (expected == DType::kInt64)
      c.type_error("Value passed to parameter '", name, "' has DataType ",
                   dtype_name(c.input_dtype(input)), " not in list of allowed values: int64");
    c.type_error("Input '", name, "' of '", c.op_type(), "' Op has type ",
                 dtype_name(c.input_dtype(input)), " that does not match type ",
                 dtype_name(expected), " of argument 'var'.");
  };
  for (int j = 0; j < layout.num_scalars(); ++j) {
    const InputSpec& spec = layout.scalar(j);
    const int input = index.scalar(j);
    check_dtype(input, spec.name, spec.kind == Kind::kInt64Scalar ? DType::kInt64 : dtype);
    const Shape& shape = c.input_shape(input);
    if (shape.has_rank() && shape.rank() != 0)
      c.value_error(spec.name, " is not a scalar: ", shape.to_tf_string());
  }
  c.set_num_outputs(groups);
  for (int g = 0; g < groups; ++g) {
    const int var = index.tensor(g, layout.var);
    Shape var_shape = c.input_shape(var);
    for (int r = 0; r < layout.group_size(); ++r) {
      const InputSpec& spec = layout.tensor(r);
      const int input = index.tensor(g, r);
      if (kMulti && spec.kind != Kind::kGrad && !c.input(input).node->op_def().is_variable)
        c.type_error("Input ", input, " ('", spec.name, "' of variable ", g,
                     ") must be a variable, got '", c.input(input).name(), "'");
      if (r == layout.var) continue;
      check_dtype(input, spec.name, dtype);
      const Shape& shape = c.input_shape(input);
      if (!var_shape.compatible_with(shape))
        c.value_error("var and ", spec.name, " do not have the same shape",
                      var_shape.to_tf_string(), " ", shape.to_tf_string());
      var_shape = var_shape.merge_with(shape);
    }
    c.set_output(g, dtype, c.input_shape(var));
  }
}

// ---- kernel ------------------------------------------------------------------------------

// Locks every distinct variable mutex in address order (TF's use_locking=True).
class VariableLocks {
 public:
  VariableLocks(const KernelContext& c, const InputIndex& index, int groups) {
    if (!c.attrs().get<bool>("use_locking")) return;
    for (int g = 0; g < groups; ++g)
      for (int r = 0; r < index.layout.group_size(); ++r)
        if (r != index.layout.grad) mutexes_.push_back(&c.ref(index.tensor(g, r)).mu);
    std::sort(mutexes_.begin(), mutexes_.end());
    mutexes_.erase(std::unique(mutexes_.begin(), mutexes_.end()), mutexes_.end());
    for (std::mutex* mu : mutexes_) mu->lock();
  }
  ~VariableLocks() {
    for (auto it = mutexes_.rbegin(); it != mutexes_.rend(); ++it) (*it)->unlock();
  }
  VariableLocks(const VariableLocks&) = delete;
  VariableLocks& operator=(const VariableLocks&) = delete;

 private:
  std::vector<std::mutex*> mutexes_;
};

template <typename Op, typename T>
void run_step(KernelContext& c, const InputIndex& index, int groups, const double* scalars) {
  const Layout& layout = index.layout;
  // Reused between runs: a steady-state step allocates nothing.
  thread_local std::vector<k::TensorSlots<T>> slots_storage;
  std::vector<k::TensorSlots<T>>& slots = slots_storage;
  slots.clear();
  for (int g = 0; g < groups; ++g) {
    const ResourceSlot& var_slot = c.ref(index.tensor(g, layout.var));
    if (c.is_frozen(var_slot)) continue;  // live freezing: this variable and its slots stay
    k::TensorSlots<T>& s = slots.emplace_back();
    const Tensor& var = var_slot.value;
    for (int r = 0; r < layout.group_size(); ++r) {
      const InputSpec& spec = layout.tensor(r);
      const int input = index.tensor(g, r);
      const Tensor& t = spec.kind == Kind::kGrad ? c.input(input) : c.ref(input).value;
      if (t.dtype() != var.dtype())
        c.fail(ErrorCode::kInvalidArgument, spec.name, " has dtype ", dtype_name(t.dtype()),
               " but var has dtype ", dtype_name(var.dtype()));
      if (t.dims() != var.dims())
        c.fail(ErrorCode::kInvalidArgument, "var and ", spec.name, " do not have the same shape",
               Shape(var.dims()).to_tf_string(), " ", Shape(t.dims()).to_tf_string());
      if (spec.kind == Kind::kVar) s.var = t.data<T>();
      if (spec.kind == Kind::kSlot) s.slot[spec.slot] = t.data<T>();
      if (spec.kind == Kind::kGrad) s.grad = t.data<T>();
    }
    s.size = var.num_elements();
  }
  if (slots.empty()) return;
  Op::template step<T>(scalars, c.attrs(), slots.data(), slots.size());
}

template <typename Op, bool kMulti>
void apply_kernel(KernelContext& c) {
  const Layout& layout = layout_of<Op>();
  const InputIndex index{layout, kMulti};
  const int groups = index.num_groups(c.num_inputs());
  double scalars[kMaxScalars];
  for (int j = 0; j < layout.num_scalars(); ++j) {
    const Tensor& t = c.input(index.scalar(j));
    if (t.rank() != 0)
      c.fail(ErrorCode::kInvalidArgument, layout.scalar(j).name,
             " is not a scalar: ", Shape(t.dims()).to_tf_string());
    scalars[j] = t.scalar_as_double();
  }
  VariableLocks locks(c, index, groups);
  // Uninitialised variables are reported before anything is updated.
  for (int g = 0; g < groups; ++g)
    for (int r = 0; r < layout.group_size(); ++r) {
      if (r == layout.grad) continue;
      const ResourceSlot& slot = c.ref(index.tensor(g, r));
      if (!slot.value.defined())
        c.fail(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
               slot.owner_name);
    }
  const DType dtype = c.ref(index.tensor(0, layout.var)).value.dtype();
  if (dtype == DType::kFloat32) {
    run_step<Op, float>(c, index, groups, scalars);
  } else if (dtype == DType::kFloat64) {
    run_step<Op, double>(c, index, groups, scalars);
  } else {
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), " is not defined for dtype ",
           dtype_name(dtype));
  }
  for (int g = 0; g < groups; ++g) c.set_output(g, c.ref(index.tensor(g, layout.var)).value);
}

// ---- registration ------------------------------------------------------------------------

// Boolean attributes an optimizer's Apply ops take besides use_locking, with their defaults.
using FlagAttrs = std::vector<std::pair<std::string, bool>>;

template <typename Op>
void register_apply(OpRegistry& r, const std::string& doc, const FlagAttrs& flags = {}) {
  const Layout& layout = layout_of<Op>();
  VF_CHECK(layout.num_scalars() <= kMaxScalars, ErrorCode::kInternal, "too many scalars");
  std::vector<std::string> names;
  std::vector<int> refs;
  for (size_t i = 0; i < layout.inputs.size(); ++i) {
    names.push_back(layout.inputs[i].name);
    const Kind kind = layout.inputs[i].kind;
    if (kind == Kind::kVar || kind == Kind::kSlot) refs.push_back(static_cast<int>(i));
  }
  const std::string name = Op::kName;
  auto apply = r.add("Apply" + name);
  apply.inputs(names)
      .outputs({"out"})
      .attr("use_locking", false, "lock the variable and slots during the update")
      .ref_inputs(refs)
      .shape(apply_shape<Op, false>)
      .kernel(apply_kernel<Op, false>)
      .not_differentiable()
      .doc(doc);

  std::vector<std::string> multi_names;
  for (int j = 0; j < layout.num_scalars(); ++j) multi_names.push_back(layout.scalar(j).name);
  for (int t = 0; t < layout.group_size(); ++t) multi_names.push_back(layout.tensor(t).name);
  const int num_scalars = layout.num_scalars(), group = layout.group_size(), grad = layout.grad;
  for (const auto& [flag, default_value] : flags) apply.attr(flag, default_value);
  auto multi = r.add("MultiApply" + name);
  multi.inputs(multi_names)
      .variadic_inputs()
      .outputs({"out"})
      .attr("use_locking", false, "lock the variables and slots during the update")
      .attr("N", int64_t{-1}, "number of variables (checked against the inputs when given)")
      .ref_inputs_where([num_scalars, group, grad](int i) {
        return i >= num_scalars && (i - num_scalars) % group != grad;
      })
      .handles_frozen()
      .shape(apply_shape<Op, true>)
      .kernel(apply_kernel<Op, true>)
      .not_differentiable()
      .doc("Multi-tensor Apply" + name + ": the scalars, then N groups of per-variable inputs. " +
           doc);
  for (const auto& [flag, default_value] : flags) multi.attr(flag, default_value);
}

}  // namespace

void register_training_ops(OpRegistry& r) {
  register_apply<GradientDescentOp>(r, "var -= alpha * delta");
  register_apply<MomentumOp>(r,
                             "accum = accum * momentum + grad; var -= lr * accum (use_nesterov: "
                             "var -= lr * grad + lr * momentum * accum)",
                             {{"use_nesterov", false}});
  register_apply<AdagradOp>(r, "accum += grad^2; var -= lr * grad / sqrt(accum)",
                            {{"update_slots", true}});
  register_apply<AdagradDAOp>(r, "Adagrad dual averaging (TF ApplyAdagradDA)");
  register_apply<AdamOp>(r,
                         "lr_t = lr * sqrt(1 - beta2_power) / (1 - beta1_power); m += (g - m) * "
                         "(1 - beta1); v += (g^2 - v) * (1 - beta2); var -= lr_t * m / (sqrt(v) + "
                         "epsilon)",
                         {{"use_nesterov", false}});
  register_apply<AdamWithAmsgradOp>(r, "Adam with vhat = max(vhat, v) in the denominator");
  register_apply<AdaMaxOp>(r,
                           "m += (g - m) * (1 - beta1); v = max(beta2 * v, |g|); var -= lr / (1 - "
                           "beta1_power) * m / (v + epsilon)");
  register_apply<AdadeltaOp>(r, "Adadelta (TF ApplyAdadelta)");
  register_apply<RMSPropOp>(r,
                            "ms += (g^2 - ms) * (1 - rho); mom = momentum * mom + lr * g / "
                            "sqrt(ms + epsilon); var -= mom");
  register_apply<CenteredRMSPropOp>(r, "RMSProp normalised by the centered second moment");
  register_apply<FtrlOp>(r, "FTRL-proximal (TF ApplyFtrl)", {{kMultiplyLinearByLr, false}});
  register_apply<FtrlV2Op>(r, "FTRL-proximal with l2 shrinkage (TF ApplyFtrlV2)",
                           {{kMultiplyLinearByLr, false}});
  register_apply<ProximalGradientDescentOp>(r, "FOBOS with a fixed learning rate");
  register_apply<ProximalAdagradOp>(r, "FOBOS with the Adagrad learning rate");
  register_apply<AdamWOp>(r, "AdamW, decoupled weight decay (PyTorch's formula)");
  register_apply<NadamOp>(r, "NAdam with the momentum schedule (Keras 2 / PyTorch)");
  register_apply<LionOp>(r, "Lion: var -= lr * sign(beta1 * m + (1 - beta1) * g)");
  register_apply<LambOp>(r, "LAMB: Adam update scaled by the per-variable trust ratio");
}

}  // namespace varflow::ops
