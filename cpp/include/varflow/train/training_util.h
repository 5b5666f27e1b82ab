// The global step and TF1's op-seed rule (training_util.py, random_seed.py). Lookups only
// read the graph; creating the step adds nodes (one thread builds a graph at a time).
#pragma once

#include <cstdint>
#include <optional>

#include "varflow/graph.h"
#include "varflow/variable.h"

namespace varflow::train {

// The global step of `graph`: the one item of GLOBAL_STEP, else the tensor "global_step:0",
// else nullopt (also when GLOBAL_STEP holds several items, which TF1 logs as an error). A
// variable's item is its VariableV2 node. Throws kType when it is not an integer scalar.
std::optional<CollectionItem> get_global_step(const Graph& graph);
// TF1's assert_global_step for a graph element: kType unless an integer scalar (a tensor of
// unknown shape passes).
void assert_global_step(const Output& global_step);
// Creates `global_step`: an int64 scalar variable initialised to zero, not trainable, in
// GLOBAL_VARIABLES and GLOBAL_STEP, built in the root name scope outside any control
// dependencies. Throws kValue if the graph already has a global step.
Variable create_global_step(Graph& graph);
// The global step's tensor (a variable's is its ref output), created first when absent.
Output get_or_create_global_step(Graph& graph);

// TF1's random_seed.get_seed: the (seed, seed2) attrs of a random op. With a graph seed the
// op seed defaults to the number of nodes built so far; with only an op seed the graph seed is
// 87654321; with neither both are nullopt (a nondeterministic op). Seeds are reduced modulo
// 2^31 - 1, and (0, 0), which kernels read as "nondeterministic", becomes (0, 2^31 - 1).
struct Seeds {
  std::optional<int64_t> seed, seed2;
};
Seeds random_seeds(const Graph& graph, std::optional<int64_t> op_seed);

}  // namespace varflow::train
