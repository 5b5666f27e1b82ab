#include "exec/executor.h"

#include <limits>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

#include "exec/fusion.h"
#include "varflow/errors.h"

namespace varflow {

namespace {

[[noreturn]] void report_missing_input(const Plan& plan, const PlanStep& step, int input) {
  const Node* producer =
      plan.slot_owner[static_cast<size_t>(step.input_slots[static_cast<size_t>(input)])];
  if (producer->op_def().is_variable)
    raise(ErrorCode::kFailedPrecondition, "Attempting to use uninitialized value ",
          producer->name(), "\n\t [[node ", step.node->name(), "]]");
  raise(ErrorCode::kInternal, "Input ", input, " of node ", step.node->name(), " has no value");
}

// Memory a kernel could not get (a std::vector sized from the data, say) is the run's
// ResourceExhausted error, naming the node, rather than an exception TF1 never raises.
[[noreturn]] void raise_kernel_oom(const Node& node, const char* what) {
  raise(ErrorCode::kResourceExhausted, "OOM when running ", node.type(), " (", what,
        ")\n\t [[node ", node.name(), "]]");
}

bool boolean_scalar(const Tensor& t, const Node& node, const char* what) {
  if (!t.defined() || t.dtype() != DType::kBool || t.num_elements() != 1)
    raise(ErrorCode::kInvalidArgument, what, " of ", node.name(), " must be a boolean scalar, got ",
          t.defined() ? dtype_name(t.dtype()) : "no value",
          t.defined() ? " of shape " + dims_to_string(t.dims()) : std::string(), "\n\t [[node ",
          node.name(), "]]");
  return *t.data<bool>();
}

int64_t iteration_limit(const Tensor& t, const Node& node) {
  if (!t.defined() || t.num_elements() != 1 ||
      (t.dtype() != DType::kInt32 && t.dtype() != DType::kInt64))
    raise(ErrorCode::kInvalidArgument, "maximum_iterations of ", node.name(),
          " must be an integer scalar\n\t [[node ", node.name(), "]]");
  return t.dtype() == DType::kInt32 ? *t.data<int32_t>() : *t.data<int64_t>();
}

void run_if(const PlanStep& step, const ControlStep& c, RunState& run) {
  std::vector<Tensor>& values = run.values;
  const int b =
      boolean_scalar(values[static_cast<size_t>(c.predicate_slot)], *step.node, "The predicate")
          ? 1
          : 0;
  execute_steps(c.branches[b], run);
  const std::vector<int>& results = c.branch_results[b];
  for (size_t k = 0; k < results.size(); ++k)
    values[static_cast<size_t>(step.first_output) + k] = values[static_cast<size_t>(results[k])];
}

void run_while(const PlanStep& step, const ControlStep& c, RunState& run) {
  std::vector<Tensor>& values = run.values;
  const size_t vars = c.loop_var_slots.size();
  for (size_t k = 0; k < vars; ++k)
    values[static_cast<size_t>(c.loop_var_slots[k])] = values[static_cast<size_t>(c.init_slots[k])];
  const int64_t limit =
      c.maximum_iterations_slot < 0
          ? std::numeric_limits<int64_t>::max()
          : iteration_limit(values[static_cast<size_t>(c.maximum_iterations_slot)], *step.node);
  int64_t iterations = 0;
  std::vector<Tensor> next(vars);
  while (iterations < limit) {
    execute_steps(c.condition_steps, run);
    if (!boolean_scalar(values[static_cast<size_t>(c.condition_slot)], *step.node,
                        "The loop condition"))
      break;
    execute_steps(c.body_steps, run);
    for (const auto& [slot, stack] : c.saved)
      run.stacks[static_cast<size_t>(stack)].push_back(values[static_cast<size_t>(slot)]);
    // Taken out of the result slots, so the next iteration's kernels may reuse the buffers
    // (a TensorArray write updates its array in place when nobody else holds it).
    for (size_t k = 0; k < vars; ++k) next[k] = values[static_cast<size_t>(c.body_result_slots[k])];
    for (size_t k = 0; k < vars; ++k) {
      const size_t result = static_cast<size_t>(c.body_result_slots[k]);
      if (values[result].defined() && result != static_cast<size_t>(c.loop_var_slots[k]))
        values[result] = Tensor();
    }
    for (size_t k = 0; k < vars; ++k)
      values[static_cast<size_t>(c.loop_var_slots[k])] = std::move(next[k]);
    ++iterations;
  }
  for (size_t k = 0; k < vars; ++k)
    values[static_cast<size_t>(step.first_output) + k] =
        values[static_cast<size_t>(c.loop_var_slots[k])];
  values[static_cast<size_t>(step.first_output) + vars] =
      Tensor::scalar<int32_t>(static_cast<int32_t>(iterations));
}

void run_pop_saved(const PlanStep& step, const ControlStep& c, RunState& run) {
  std::vector<Tensor>& stack = run.stacks[static_cast<size_t>(c.stack)];
  if (stack.empty())
    raise(ErrorCode::kInternal, "The forward loop saved fewer values than its gradient loop reads",
          "\n\t [[node ", step.node->name(), "]]");
  run.values[static_cast<size_t>(step.first_output)] = std::move(stack.back());
  stack.pop_back();
}

// Lets the kernels of a block see their plan step (KernelContext::allocate_output), restoring
// the outer scope afterwards: a kernel may run a plan of its own.
class ScopeGuard {
 public:
  explicit ScopeGuard(const RunState& run)
      : scope_{nullptr, run.values.data(), run.spares}, saved_(current_allocation_scope()) {
    current_allocation_scope() = &scope_;
  }
  ~ScopeGuard() { current_allocation_scope() = saved_; }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;
  void enter(const PlanStep& step) { scope_.step = &step; }

 private:
  AllocationScope scope_;
  AllocationScope* saved_;
};

void run_control(const PlanStep& step, RunState& run) {
  const ControlStep& c = *step.control;
  switch (c.kind) {
    case ControlStep::Kind::kIf:
      return run_if(step, c, run);
    case ControlStep::Kind::kWhile:
      return run_while(step, c, run);
    case ControlStep::Kind::kPopSaved:
      return run_pop_saved(step, c, run);
  }
}

}  // namespace

void execute_steps(const std::vector<PlanStep>& steps, RunState& run) {
  std::vector<Tensor>& values = run.values;
  ScopeGuard scope(run);
  for (const PlanStep& step : steps) {
    for (int i : step.checked_inputs)
      if (!values[static_cast<size_t>(step.input_slots[static_cast<size_t>(i)])].defined())
        report_missing_input(run.plan, step, i);
    if (step.control) {
      run_control(step, run);
      release_slots(step, values, run.spares);
      continue;
    }
    if (step.fused) {
      bool ran = false;
      try {
        ran = run_fused(step, values, run.pool, run.spares);
      } catch (const Error& e) {  // an output that cannot be allocated
        throw Error(e.code(), std::string(e.what()) + "\n\t [[node " + step.node->name() + "]]");
      }
      if (!ran) execute_steps(step.fused->steps, run);
      release_slots(step, values, run.spares);
      continue;
    }
    KernelContext ctx(*step.node, values.data(), step.input_slots.data(), step.first_output,
                      step.resources.data(), run.pool, run.frozen);
    if (run.frozen && step.frozen_check_input >= 0) {
      ResourceSlot& target = *step.resources[static_cast<size_t>(step.frozen_check_input)];
      if (ctx.is_frozen(target)) {
        std::lock_guard<std::mutex> lock(target.mu);
        if (step.node->num_outputs() > 0) ctx.set_output(0, target.value);
        release_slots(step, values, run.spares);
        continue;
      }
    }
    try {
      scope.enter(step);
      step.kernel(ctx);
    } catch (const Error& e) {
      std::string what = e.what();
      if (what.find("[[node") == std::string::npos)
        what += "\n\t [[node " + step.node->name() + "]]";
      throw Error(e.code(), what);
    } catch (const std::bad_alloc&) {
      raise_kernel_oom(*step.node, "out of memory");
    } catch (const std::length_error& e) {
      raise_kernel_oom(*step.node, e.what());
    }
    release_slots(step, values, run.spares);
  }
}

}  // namespace varflow
