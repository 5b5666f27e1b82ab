// Ops that start asynchronous work (OpDef::runs_early: the distributed optimizer's allreduce
// starts) run as soon as their inputs exist: the plan moves each to right after the last
// top-level step it depends on, instead of leaving it in graph order after the whole backward
// pass. Their consumers (the waits) stay where they were, so the work overlaps the steps
// between.
#pragma once

#include "varflow/plan.h"

namespace varflow {

// Reorders plan.steps (the top level; blocks of control-flow steps keep their order). A step
// that reads a value no top-level step, feed or constant gives stays where it is.
void hoist_early_steps(Plan& plan);

}  // namespace varflow
