// Memory planning for a compiled plan: liveness over the top-level steps decides which slots
// each step may drop afterwards (their buffers go to the frame's spare list, where later
// outputs of the same dtype and size pick them up) and which dying input an elementwise step
// may overwrite with its output. Fed, fetched and constant slots are never dropped or
// overwritten; variables' buffers are never reused (they are marked shared state), nor is any
// buffer somebody else still holds (checked when a value dies and again when it is taken). A
// slot a control-flow block reads lives until that block's step has run; the slots defined
// inside blocks are left to the blocks (their loops reuse them).
#pragma once

#include <vector>

#include "varflow/plan.h"

namespace varflow {

// Fills release_slots and forward_input of plan.steps (top level).
void plan_memory(Plan& plan);

// Every slot a step reads or writes, nested control-flow blocks and fused chains included.
void slots_read_by(const PlanStep& step, std::vector<int>& out);
// The slots a top-level step defines (a fused chain's materialised values, else the node's
// outputs).
void slots_written_by(const PlanStep& step, std::vector<int>& out);

// The spare buffers of one run: `spare` holds values that died in this run, `carried` those
// of the previous run not yet taken (dropped at the end of the run, so buffers of shapes a
// run no longer uses do not pile up).
struct SpareBuffers {
  std::vector<Tensor>* spare = nullptr;
  std::vector<Tensor>* carried = nullptr;
};

// The step whose kernel runs on this thread, so KernelContext::allocate_output can forward a
// dying input or take a spare buffer. Set by the executor around each kernel.
struct AllocationScope {
  const PlanStep* step = nullptr;
  const Tensor* values = nullptr;
  SpareBuffers spares;
};
AllocationScope*& current_allocation_scope();

// Whether a dead value's buffer may serve another output: nobody else holds it, it is not
// caller memory, not a variable's, and not strings (whose objects a new owner would inherit).
bool reusable_buffer(const Tensor& t);
// Makes `slot` a tensor of dtype and dims: keeps its buffer when reusable and of that size,
// else takes a spare one of that dtype and element count, else allocates.
Tensor& obtain_output(Tensor& slot, DType dtype, const Dims& dims, const SpareBuffers& spares);
// Drops the step's released slots, keeping their reusable buffers as spares.
void release_slots(const PlanStep& step, std::vector<Tensor>& values, const SpareBuffers& spares);

}  // namespace varflow
