#include "varflow/queue_runner.h"

#include <mutex>

#include "kernels/queue.h"
#include "varflow/op_registry.h"
#include "varflow/plan.h"

namespace varflow {

void run_enqueue_loop(Session& session, Plan& plan, const StopFlag* stop) {
  const std::vector<Tensor> no_feeds;
  while (!(stop && stop->requested())) session.run(plan, no_feeds);
}

std::vector<Tensor> run_with_timeout(Session& session, Plan& plan,
                                     const std::vector<Tensor>& feed_values, int64_t timeout_ms) {
  kernels::ScopedQueueDeadline deadline(timeout_ms);
  return session.run(plan, feed_values);
}

void cancel_queue_waits(Session& session) noexcept {
  Graph& graph = session.graph();
  for (int id = 0; id < graph.num_nodes(); ++id) {
    const Node* node = graph.node(id);
    const std::string& type = node->type();
    if (type != "FIFOQueueV2" && type != "PaddingFIFOQueueV2" && type != "RandomShuffleQueueV2")
      continue;
    ResourceSlot& slot = session.resource(node);
    std::shared_ptr<void> state;
    {
      std::lock_guard<std::mutex> lock(slot.mu);
      state = slot.state;
    }
    kernels::cancel_queue_waits(state.get());
  }
}

}  // namespace varflow
