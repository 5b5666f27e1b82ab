// Training ops: TF1's Apply* optimizer updates (ApplyAdam, ApplyMomentum, ...) plus varflow's
// ApplyAdamW, ApplyNadam, ApplyLion and ApplyLamb, all registered from the optimizer table
// (optimizer_table.cc): no op is declared here, this file only turns a table entry's Apply op
// (inputs in TF's order, attributes, step) into a signature, a shape rule and a kernel. Each
// op updates its variable and slots in place through ref inputs, with one fused pass of
// kernels/optimizer_steps.h. Scalar hyperparameters are ordinary tensor inputs read at run
// time, so schedules never rebuild the graph.
//
// Every Apply<Algo> also has a multi-tensor form MultiApply<Algo> for a whole
// apply_gradients: inputs are the scalars once (in the Apply op's order), then N groups of the
// per-variable inputs (in the Apply op's order, grad last), e.g.
//   MultiApplyAdam(beta1_power, beta2_power, lr, beta1, beta2, epsilon,
//                  var_0, m_0, v_0, grad_0, ..., var_{N-1}, m_{N-1}, v_{N-1}, grad_{N-1})
// with attr N (set from the inputs when absent). Output i is var_i. The whole step is one
// kernel call, whose threads split the total element count.
#include <algorithm>
#include <array>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kernels/optimizer_steps.h"
#include "ops/op_families.h"
#include "ops/optimizer_table.h"
#include "varflow/op_registry.h"
#include "varflow/train/optimizer_specs.h"

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

// An Apply op of the optimizer table with its layout. The op's name string lives in the table.
struct ApplyOp {
  const train::ApplyOpSpec& spec;
  Layout layout;
};

Layout layout_from(const train::ApplyOpSpec& spec) {
  std::vector<InputSpec> inputs;
  for (const train::ApplyInputSpec& in : spec.inputs) {
    switch (in.role) {
      case train::InputRole::kVar:
        inputs.push_back({in.name.c_str(), Kind::kVar});
        break;
      case train::InputRole::kSlot:
        VF_CHECK(in.kernel_slot >= 0 && in.kernel_slot < 3, ErrorCode::kInternal, "Apply", spec.op,
                 ": slot input '", in.name, "' has no kernel slot");
        inputs.push_back({in.name.c_str(), Kind::kSlot, in.kernel_slot});
        break;
      case train::InputRole::kGrad:
        inputs.push_back({in.name.c_str(), Kind::kGrad});
        break;
      default:
        inputs.push_back({in.name.c_str(), in.int64 ? Kind::kInt64Scalar : Kind::kScalar});
    }
  }
  return Layout(std::move(inputs));
}

// Every Apply op of the table, in table order (built once: the kernels index it).
const std::vector<ApplyOp>& apply_ops() {
  static const std::vector<ApplyOp> all = [] {
    std::vector<ApplyOp> out;
    for (const train::OptimizerSpec& spec : train::optimizer_specs())
      for (const train::ApplyOpSpec& op : spec.apply_ops) out.push_back({op, layout_from(op)});
    return out;
  }();
  return all;
}

// ---- shape rule --------------------------------------------------------------------------

void apply_shape(const Layout& layout, bool multi, InferenceContext& c) {
  const InputIndex index{layout, multi};
  int groups = 1;
  if (multi) {
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
      if (multi && spec.kind != Kind::kGrad && !c.input(input).node->op_def().is_variable)
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

template <typename T>
void run_step(KernelContext& c, const InputIndex& index, int groups, const double* scalars,
              ops::StepFn<T> step) {
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
  step(scalars, c.attrs(), slots.data(), slots.size());
}

void apply_kernel(const ApplyOp& op, bool multi, KernelContext& c) {
  const Layout& layout = op.layout;
  const InputIndex index{layout, multi};
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
    run_step<float>(c, index, groups, scalars, op.spec.kernel->f32);
  } else if (dtype == DType::kFloat64) {
    run_step<double>(c, index, groups, scalars, op.spec.kernel->f64);
  } else {
    c.fail(ErrorCode::kInvalidArgument, c.node().type(), " is not defined for dtype ",
           dtype_name(dtype));
  }
  for (int g = 0; g < groups; ++g) c.set_output(g, c.ref(index.tensor(g, layout.var)).value);
}

// The kernel of the I-th Apply op of the table: KernelFn is a plain function pointer, so the
// op's index is a template argument (resolved at registration, nothing looked up per run).
template <size_t I, bool kMulti>
void indexed_kernel(KernelContext& c) {
  apply_kernel(apply_ops()[I], kMulti, c);
}

constexpr size_t kMaxApplyOps = 48;

template <bool kMulti, size_t... I>
constexpr std::array<KernelFn, sizeof...(I)> kernels_for(std::index_sequence<I...>) {
  return {&indexed_kernel<I, kMulti>...};
}

// ---- registration ------------------------------------------------------------------------

void register_apply(OpRegistry& r, size_t index) {
  static constexpr auto kApplyKernels =
      kernels_for<false>(std::make_index_sequence<kMaxApplyOps>());
  static constexpr auto kMultiKernels = kernels_for<true>(std::make_index_sequence<kMaxApplyOps>());
  VF_CHECK(index < kMaxApplyOps, ErrorCode::kInternal, "raise kMaxApplyOps in training_ops.cc");
  const ApplyOp& op = apply_ops()[index];
  const Layout& layout = op.layout;
  VF_CHECK(layout.num_scalars() <= kMaxScalars, ErrorCode::kInternal, "too many scalars");
  VF_CHECK(op.spec.kernel != nullptr, ErrorCode::kInternal, "Apply", op.spec.op, " has no step");
  std::vector<std::string> names;
  std::vector<int> refs;
  for (size_t i = 0; i < layout.inputs.size(); ++i) {
    names.push_back(layout.inputs[i].name);
    const Kind kind = layout.inputs[i].kind;
    if (kind == Kind::kVar || kind == Kind::kSlot) refs.push_back(static_cast<int>(i));
  }
  const std::string& name = op.spec.op;
  const std::string& doc = op.spec.doc;
  auto apply = r.add("Apply" + name);
  apply.inputs(names)
      .outputs({"out"})
      .attr("use_locking", false, "lock the variable and slots during the update")
      .ref_inputs(refs)
      .shape([&layout](InferenceContext& c) { apply_shape(layout, false, c); })
      .kernel(kApplyKernels[index])
      .not_differentiable()
      .doc(doc);

  std::vector<std::string> multi_names;
  for (int j = 0; j < layout.num_scalars(); ++j) multi_names.push_back(layout.scalar(j).name);
  for (int t = 0; t < layout.group_size(); ++t) multi_names.push_back(layout.tensor(t).name);
  const int num_scalars = layout.num_scalars(), group = layout.group_size(), grad = layout.grad;
  for (const train::ApplyAttrSpec& flag : op.spec.attrs)
    apply.attr(flag.name, flag.default_value, flag.doc);
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
      .shape([&layout](InferenceContext& c) { apply_shape(layout, true, c); })
      .kernel(kMultiKernels[index])
      .not_differentiable()
      .doc("Multi-tensor Apply" + name + ": the scalars, then N groups of per-variable inputs. " +
           doc);
  for (const train::ApplyAttrSpec& flag : op.spec.attrs)
    multi.attr(flag.name, flag.default_value, flag.doc);
}

}  // namespace

// Every Apply op of the optimizer table (cpp/src/ops/optimizer_table.cc), in table order.
void register_training_ops(OpRegistry& r) {
  for (size_t i = 0; i < apply_ops().size(); ++i) register_apply(r, i);
}

}  // namespace varflow::ops
