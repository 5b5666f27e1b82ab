// State ops: variables and their updates. A variable's value lives in the Session's
// ResourceSlot for the VariableV2 node; ref inputs hand that slot to the updating kernel.
#include <algorithm>
#include <cstring>
#include <mutex>

#include "core/element_copy.h"
#include "kernels/elementwise.h"
#include "ops/op_families.h"
#include "ops/shape_rules.h"

namespace varflow::ops {

namespace {

void variable_kernel(KernelContext& c) {
  ResourceSlot& slot = c.own_state();
  std::lock_guard<std::mutex> lock(slot.mu);
  c.set_output(0, slot.value);  // undefined while uninitialised: readers report it
}

void assign_kernel(KernelContext& c) {
  ResourceSlot& slot = c.ref(0);
  const Tensor& value = c.input(1);
  const bool validate = c.attrs().get<bool>("validate_shape");
  std::lock_guard<std::mutex> lock(slot.mu);
  if (slot.value.defined() && slot.value.dims() == value.dims() &&
      slot.value.dtype() == value.dtype()) {
    if (value.dtype() == DType::kString)  // objects: assigned (self-assignment is safe)
      copy_raw(value.dtype(), slot.value.raw(), value.raw(), value.nbytes());
    else
      std::memmove(slot.value.raw(), value.raw(), value.nbytes());
  } else {
    if (slot.value.defined() && validate)
      c.fail(ErrorCode::kInvalidArgument,
             "Assign requires shapes of both tensors to match. lhs shape= ",
             Shape(slot.value.dims()).to_tf_string(),
             " rhs shape= ", Shape(value.dims()).to_tf_string());
    Tensor stored = value.deep_copy();
    stored.buffer()->set_shared_state(true);
    slot.value = stored;
  }
  c.set_output(0, slot.value);
}

template <kernels::BinaryOp Op>
void assign_update_kernel(KernelContext& c) {
  ResourceSlot& slot = c.ref(0);
  const Tensor& value = c.input(1);
  if (!slot.value.defined())
    c.fail(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
           slot.owner_name);
  if (slot.value.num_elements() != value.num_elements())
    c.fail(ErrorCode::kInvalidArgument, "Cannot update variable with shape ",
           Shape(slot.value.dims()).to_tf_string(), " using a Tensor with shape ",
           Shape(value.dims()).to_tf_string(), ", shapes must be equal.");
  kernels::binary(Op, slot.value, value.reshaped(slot.value.dims()), slot.value, c.pool());
  c.set_output(0, slot.value);
}

void is_initialized_kernel(KernelContext& c) {
  ResourceSlot& slot = c.ref(0);
  std::lock_guard<std::mutex> lock(slot.mu);
  *c.allocate_output(0, DType::kBool, {}).data<bool>() = slot.value.defined();
}

// TF1's Variable.initialized_value(): the value if initialised, else the initial value.
void initialized_value_kernel(KernelContext& c) {
  ResourceSlot& slot = c.ref(0);
  std::lock_guard<std::mutex> lock(slot.mu);
  c.set_output(0, slot.value.defined() ? slot.value : c.input(1));
}

// The positions of the variables (ref inputs) that have no value yet.
void report_uninitialized_kernel(KernelContext& c) {
  std::vector<int32_t> missing;
  for (int i = 0; i < c.num_inputs(); ++i) {
    ResourceSlot& slot = c.ref(i);
    std::lock_guard<std::mutex> lock(slot.mu);
    if (!slot.value.defined()) missing.push_back(i);
  }
  Tensor& out = c.allocate_output(0, DType::kInt32, {static_cast<int64_t>(missing.size())});
  std::copy(missing.begin(), missing.end(), out.data<int32_t>());
}

void assign_shape(InferenceContext& c) {
  if (c.input_dtype(0) != c.input_dtype(1))
    raise(ErrorCode::kType, "Input 'value' of '", c.op_type(), "' Op has type ",
          dtype_name(c.input_dtype(1)), " that does not match type ", dtype_name(c.input_dtype(0)),
          " of argument 'ref'.");
  // AssignAdd and AssignSub always need matching shapes; Assign may opt out.
  const bool validate =
      c.op_def().find_attr("validate_shape") == nullptr || c.attrs().get<bool>("validate_shape");
  if (validate && !c.input_shape(0).compatible_with(c.input_shape(1)))
    raise(ErrorCode::kValue, "Shapes ", c.input_shape(0).to_string(), " and ",
          c.input_shape(1).to_string(), " are incompatible");
  c.set_output(0, c.input_dtype(0), validate ? c.input_shape(0) : c.input_shape(1));
}

}  // namespace

void register_state_ops(OpRegistry& r) {
  r.add("VariableV2")
      .outputs({"ref"})
      .required_attr("dtype", AttrType::kType, "element type")
      .required_attr("shape", AttrType::kShape, "declared shape")
      .attr("container", "", "unused: TF1 resource containers")
      .attr("shared_name", "", "unused: TF1 resource sharing")
      .variable()
      .shape([](InferenceContext& c) {
        c.set_output(0, c.attrs().get<DType>("dtype"), c.attrs().get<Shape>("shape"));
      })
      .kernel(variable_kernel)
      .not_differentiable();
  r.add("Assign")
      .inputs({"ref", "value"})
      .outputs({"output_ref"})
      .attr("validate_shape", true, "require value to have the variable's shape")
      .attr("use_locking", false, "lock the variable during the update")
      .ref_inputs({0})
      .shape(assign_shape)
      .kernel(assign_kernel)
      .not_differentiable();
  r.add("AssignAdd")
      .inputs({"ref", "value"})
      .outputs({"output_ref"})
      .attr("use_locking", false, "lock the variable during the update")
      .ref_inputs({0})
      .shape(assign_shape)
      .kernel(assign_update_kernel<kernels::BinaryOp::kAdd>)
      .not_differentiable();
  r.add("AssignSub")
      .inputs({"ref", "value"})
      .outputs({"output_ref"})
      .attr("use_locking", false, "lock the variable during the update")
      .ref_inputs({0})
      .shape(assign_shape)
      .kernel(assign_update_kernel<kernels::BinaryOp::kSub>)
      .not_differentiable();
  r.add("InitializedValue")
      .inputs({"ref", "initial_value"})
      .outputs({"value"})
      .ref_inputs({0})
      .reads_refs_only()
      .shape([](InferenceContext& c) {
        if (c.input_dtype(0) != c.input_dtype(1))
          c.type_error("initial value has dtype ", dtype_name(c.input_dtype(1)),
                       " but the variable has dtype ", dtype_name(c.input_dtype(0)));
        c.set_output(0, c.input_dtype(0), c.input_shape(0).merge_with(c.input_shape(1)));
      })
      .kernel(initialized_value_kernel)
      .not_differentiable();
  r.add("ReportUninitializedVariables")
      .inputs({"refs"})
      .variadic_inputs()
      .outputs({"indices"})
      .ref_inputs_where([](int) { return true; })
      .reads_refs_only()
      .shape([](InferenceContext& c) {
        for (int i = 0; i < c.num_inputs(); ++i)
          if (!c.input(i).node->op_def().is_variable)
            c.type_error("input ", i, " ('", c.input(i).name(), "') is not a variable");
        c.set_output(0, DType::kInt32, Shape({kUnknownDim}));
      })
      .kernel(report_uninitialized_kernel)
      .not_differentiable();
  r.add("IsVariableInitialized")
      .inputs({"ref"})
      .outputs({"is_initialized"})
      .ref_inputs({0})
      .reads_refs_only()
      .shape([](InferenceContext& c) { c.set_output(0, DType::kBool, Shape{}); })
      .kernel(is_initialized_kernel)
      .not_differentiable();
}

}  // namespace varflow::ops
