// TF1's queue machinery above the Session: the loop a QueueRunner thread runs, the stop signal
// a Coordinator gives it, runs with a deadline for blocked queue ops (RunOptions.timeout_in_ms)
// and waking the queue ops blocked in a closing session's runs.
//
// Errors: run_enqueue_loop and run_with_timeout rethrow the failing run's varflow::Error
// (kOutOfRange or kCancelled when the queue closes, as TF1's runners expect; kDeadlineExceeded
// "Timed out waiting for notification" when a queue op outlasts the timeout).
// Thread-safety: every function may be called from any number of threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "varflow/session.h"
#include "varflow/tensor.h"

namespace varflow {

// Set once by a Coordinator's request_stop; runner loops read it between runs.
class StopFlag {
 public:
  void request() { requested_.store(true); }
  bool requested() const { return requested_.load(); }

 private:
  std::atomic<bool> requested_{false};
};

// Runs `plan` (feeds none) until `stop` (may be null) is requested, returning then, or until a
// run fails, rethrowing its error. Each run is a plain Session::run: a blocked enqueue waits in
// the queue, not here.
void run_enqueue_loop(Session& session, Plan& plan, const StopFlag* stop);

// Session::run with the queue ops of this run failing after `timeout_ms` (<= 0: no limit).
std::vector<Tensor> run_with_timeout(Session& session, Plan& plan,
                                     const std::vector<Tensor>& feed_values, int64_t timeout_ms);

// Fails every queue op blocked in a run of `session` (and every later one on its queues) with
// Cancelled, as TF1's session close cancels pending steps. Never throws.
void cancel_queue_waits(Session& session) noexcept;

}  // namespace varflow
