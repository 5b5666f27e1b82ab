#include "exec/memory_plan.h"

#include <algorithm>
#include <cstdint>

#include "exec/dense_fusion.h"
#include "exec/fusion.h"

namespace varflow {

namespace {

void slots_of_block(const std::vector<PlanStep>& steps, std::vector<int>& out);

void slots_of_control(const ControlStep& c, std::vector<int>& out) {
  auto add = [&](int s) {
    if (s >= 0) out.push_back(s);
  };
  add(c.predicate_slot);
  add(c.condition_slot);
  add(c.maximum_iterations_slot);
  for (const auto* list : {&c.branch_results[0], &c.branch_results[1], &c.init_slots,
                           &c.loop_var_slots, &c.body_result_slots})
    for (int s : *list) add(s);
  for (const auto& [slot, stack] : c.saved) add(slot);
  slots_of_block(c.branches[0], out);
  slots_of_block(c.branches[1], out);
  slots_of_block(c.condition_steps, out);
  slots_of_block(c.body_steps, out);
}

void slots_of_block(const std::vector<PlanStep>& steps, std::vector<int>& out) {
  for (const PlanStep& step : steps) {
    slots_read_by(step, out);
    slots_written_by(step, out);
  }
}

}  // namespace

void slots_read_by(const PlanStep& step, std::vector<int>& out) {
  out.insert(out.end(), step.input_slots.begin(), step.input_slots.end());
  if (step.control) slots_of_control(*step.control, out);
}

void slots_written_by(const PlanStep& step, std::vector<int>& out) {
  if (step.fused) {
    out.insert(out.end(), step.fused->value_slots.begin(), step.fused->value_slots.end());
    return;
  }
  const int dense = dense_fused_outputs(step);
  const int outputs = dense > 0 ? dense : step.node->num_outputs();
  for (int k = 0; k < outputs; ++k) out.push_back(step.first_output + k);
}

void plan_memory(Plan& plan) {
  const size_t num_slots = static_cast<size_t>(plan.num_slots);
  // Slots whose values outlive the run or belong to someone else.
  std::vector<char> keep(num_slots, 0);
  for (int s : plan.feed_slots) keep[static_cast<size_t>(s)] = 1;
  for (int s : plan.fetch_slots) keep[static_cast<size_t>(s)] = 1;
  for (const auto& [s, value] : plan.constants) keep[static_cast<size_t>(s)] = 1;
  std::vector<int> defined_at(num_slots, -1);
  std::vector<int> last_read(num_slots, -1);
  std::vector<int> scratch;
  for (size_t t = 0; t < plan.steps.size(); ++t) {
    const PlanStep& step = plan.steps[t];
    scratch.clear();
    slots_read_by(step, scratch);
    for (int s : scratch) last_read[static_cast<size_t>(s)] = static_cast<int>(t);
    scratch.clear();
    slots_written_by(step, scratch);
    for (int s : scratch)
      if (defined_at[static_cast<size_t>(s)] < 0)
        defined_at[static_cast<size_t>(s)] = static_cast<int>(t);
  }
  for (size_t s = 0; s < num_slots; ++s) {
    if (keep[s] || defined_at[s] < 0) continue;
    const int dies = std::max(defined_at[s], last_read[s]);
    plan.steps[static_cast<size_t>(dies)].release_slots.push_back(static_cast<int>(s));
  }
  for (size_t t = 0; t < plan.steps.size(); ++t) {
    PlanStep& step = plan.steps[t];
    if (step.control || step.fused || !step.node || step.node->num_outputs() != 1 ||
        dense_fused_outputs(step) > 0)
      continue;
    for (size_t i = 0; i < step.input_slots.size(); ++i) {
      const size_t s = static_cast<size_t>(step.input_slots[i]);
      if (keep[s] || defined_at[s] < 0 || last_read[s] != static_cast<int>(t)) continue;
      if (step.node->inputs()[i].dtype() != step.node->output_dtype(0)) continue;
      if (!may_write_in_place(*step.node, static_cast<int>(i))) continue;
      // Read once (AddN(a, b, a) would read a again after writing it).
      if (std::count(step.input_slots.begin(), step.input_slots.end(), step.input_slots[i]) != 1)
        continue;
      step.forward_input = static_cast<int>(i);
      break;
    }
  }
}

AllocationScope*& current_allocation_scope() {
  thread_local AllocationScope* scope = nullptr;
  return scope;
}

bool reusable_buffer(const Tensor& t) {
  return t.defined() && t.dtype() != DType::kString && !t.buffer()->borrowed() &&
         !t.buffer()->shared_state() && t.exclusively_owned();
}

namespace {

bool take_from(std::vector<Tensor>* list, Tensor& slot, DType dtype, const Dims& dims,
               int64_t count) {
  if (!list) return false;
  for (size_t k = list->size(); k-- > 0;) {
    Tensor& t = (*list)[k];
    if (t.dtype() != dtype || t.num_elements() != count) continue;
    slot = t.dims() == dims ? std::move(t) : t.reshaped(dims);
    if (k + 1 != list->size()) t = std::move(list->back());
    list->pop_back();
    return true;
  }
  return false;
}

int64_t element_count(const Dims& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d != 0 && n > INT64_MAX / d)) return -1;  // Tensor's constructor reports it
    n *= d;
  }
  return n;
}

}  // namespace

Tensor& obtain_output(Tensor& slot, DType dtype, const Dims& dims, const SpareBuffers& spares) {
  if (slot.defined() && slot.dtype() == dtype && slot.dims() == dims && reusable_buffer(slot))
    return slot;
  const int64_t count = dtype == DType::kString ? -1 : element_count(dims);
  if (count >= 0 && (take_from(spares.spare, slot, dtype, dims, count) ||
                     take_from(spares.carried, slot, dtype, dims, count)))
    return slot;
  slot = Tensor(dtype, dims);
  return slot;
}

void release_slots(const PlanStep& step, std::vector<Tensor>& values, const SpareBuffers& spares) {
  for (int s : step.release_slots) {
    Tensor& v = values[static_cast<size_t>(s)];
    if (!v.defined()) continue;
    if (spares.spare && reusable_buffer(v)) spares.spare->push_back(std::move(v));
    v = Tensor();
  }
}

}  // namespace varflow
