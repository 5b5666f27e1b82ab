// Runs a plan's steps over one run's value array: kernels in order, and the blocks of
// control-flow steps (If branches, While loops, saved loop values) as their ControlStep says.
#pragma once

#include <vector>

#include "core/thread_pool.h"
#include "exec/memory_plan.h"
#include "varflow/plan.h"

namespace varflow {

struct RunState {
  std::vector<Tensor>& values;
  ThreadPool& pool;
  const std::vector<const ResourceSlot*>* frozen;
  const Plan& plan;
  // The values while loops saved for their gradient loops, one stack per LoopSavedValue.
  std::vector<std::vector<Tensor>> stacks;
  // Where dropped values' buffers go and outputs find them (empty: no reuse).
  SpareBuffers spares;
};

// Errors: what the kernels raise, with "[[node ...]]" appended when missing; kFailedPrecondition
// for an uninitialised variable read; kResourceExhausted when memory runs out in a kernel;
// kInvalidArgument for a loop condition or branch predicate that is not a boolean scalar.
void execute_steps(const std::vector<PlanStep>& steps, RunState& run);

}  // namespace varflow
