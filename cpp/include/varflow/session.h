// Session: runs fetches and targets with feeds. Each (feeds, fetches, targets) signature is
// compiled once into a Plan (a flat list of kernel steps over a value array) and cached.
// Variable values and other per-node state live in the Session. A plan runs chains of
// elementwise ops as fused passes and reuses the buffers of values that died (and writes an
// op's output over a dying input where its kernel allows), so that steady-state runs allocate
// no tensor buffers; VARFLOW_PLAN_OPTIMIZE=0 (or =memory: no fusion) in the environment when a
// plan is compiled turns that off, for comparisons. Results are bit for bit the same.
//
// Errors: functions throw varflow::Error (errors.h) with these codes, as TF1's Session does:
//   kRuntime            the session is closed
//   kValue              a feed, fetch or target belongs to another graph
//   kInvalidArgument    a null or nonexistent output (index out of range), a plan of another
//                       session, the wrong number of feed values, a feed value of the wrong
//                       dtype or of a shape its tensor does not accept, a placeholder that is
//                       needed but not fed, a bad value for set_variable_value, a kernel's
//                       rejection of its inputs
//   kFailedPrecondition a run reads a variable that is not initialized (named)
//   kResourceExhausted  a tensor or a kernel's working memory cannot be allocated
//   other codes         as a kernel raises them (kOutOfRange, kUnimplemented, ...)
// Run errors name the node that failed ("[[node name]]"). An error leaves the session usable:
// the failed run's partial effects on variables remain, as in TF1.
// Thread-safety: prepare, run, variable_value, set_variable_value, is_initialized and close may
// be called from any number of threads at once; runs that update the same variable without
// use_locking race on its values as TF1's do (Hogwild). The Graph must not be modified while
// another thread calls prepare (graph building is single-threaded, as in TF1).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "varflow/graph.h"
#include "varflow/tensor.h"

namespace varflow {

class Plan;
struct ResourceSlot;

// Per-run options.
struct RunOptions {
  // Live freezing (beyond TF1): these variables and their optimizer slots are left untouched
  // by every update op of this run; the train op itself and the graph stay the same.
  // kInvalidArgument for a node that is not a variable of the session's graph.
  std::vector<const Node*> frozen_variables;
};

struct SessionOptions {
  // 0: every core. The intra-op pool is process-wide (as TF1's default); a positive value
  // resizes it, which is safe while other sessions run.
  int intra_op_threads = 0;
};

class Session {
 public:
  explicit Session(std::shared_ptr<Graph> graph, SessionOptions options = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The compiled plan for this signature (built on first use, then cached). Checks that every
  // feed, fetch and target exists in this session's graph (kInvalidArgument, kValue).
  std::shared_ptr<Plan> prepare(const std::vector<Output>& feeds,
                                const std::vector<Output>& fetches,
                                const std::vector<Node*>& targets);
  // Runs a plan of this session; `feed_values` in the order of the plan's feeds, each of its
  // tensor's dtype and of a shape the tensor accepts (kInvalidArgument otherwise). Returns
  // the fetched values, which the caller owns (values living on in the session are copied).
  std::vector<Tensor> run(Plan& plan, const std::vector<Tensor>& feed_values,
                          const RunOptions& options = {});
  // prepare() then run().
  std::vector<Tensor> run(const std::vector<std::pair<Output, Tensor>>& feeds,
                          const std::vector<Output>& fetches,
                          const std::vector<Node*>& targets = {});

  // Later prepare/run calls raise kRuntime; runs already under way finish. Never throws.
  void close();
  bool closed() const { return closed_.load(); }
  Graph& graph() const { return *graph_; }
  const std::shared_ptr<Graph>& graph_ptr() const { return graph_; }

  // A copy of a variable's value in this session (undefined Tensor if uninitialised): later
  // runs do not change it. kResourceExhausted if the copy cannot be allocated. Safe from any
  // thread; a run updating the variable at the same time may be seen half done, as in TF1.
  Tensor variable_value(const Node* variable);
  // The variable's live value, without a copy: the tensor shares the variable's buffer, which
  // later runs (in any thread) update in place, so it is for reading at once (checkpoints read
  // 1e8 parameters through it) or for watching a value change; deep_copy() it to keep it.
  // Undefined Tensor if uninitialised. Never throws.
  Tensor variable_view(const Node* variable);
  // Stores a copy of `value`. kInvalidArgument, at once, when `variable` is not a variable of
  // this graph, `value` is undefined, or its dtype or shape differs from the variable's
  // declared ones (any shape for a variable created with validate_shape=false).
  void set_variable_value(const Node* variable, Tensor value);
  bool is_initialized(const Node* variable);
  // The per-session state of `node` (created on first use). Never throws Error.
  ResourceSlot& resource(const Node* node);

 private:
  std::shared_ptr<Graph> graph_;
  SessionOptions options_;
  std::mutex mu_;
  std::unordered_map<const Node*, std::unique_ptr<ResourceSlot>> resources_;
  std::unordered_map<std::string, std::shared_ptr<Plan>> plans_;
  std::atomic<bool> closed_{false};
};

// Feeds, fetches and targets of a compiled plan, for callers that keep plans.
const std::vector<Output>& plan_feeds(const Plan& plan);
const std::vector<Output>& plan_fetches(const Plan& plan);

}  // namespace varflow
