// The collective runtime: a background thread that owns MPI, negotiates which tensors every
// rank has ready, and reduces, gathers or broadcasts them (fusing allreduces). Kernels build
// Requests and either hand them over with execute() and block until each is done or failed,
// or start() them and wait() later (the distributed optimizer's start and wait ops, so that
// gradients are reduced while the backward pass goes on).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "varflow/collective.h"
#include "varflow/errors.h"
#include "varflow/tensor.h"

namespace varflow::collective {

enum class Kind : uint8_t { kAllreduce = 0, kAllgather = 1, kBroadcast = 2 };

struct Batch {
  std::mutex mu;
  std::condition_variable cv;
  size_t remaining = 0;
};

struct Request {
  Kind kind = Kind::kAllreduce;
  // Matches the request with the other ranks' (the graph node's name, made unique per tensor
  // for grouped ops).
  std::string name;
  Tensor input;
  // Allreduce and broadcast: allocated by the kernel with the input's shape and filled here.
  // Allgather: allocated here (its first dimension is the sum of the ranks').
  Tensor output;
  ReduceOp op = ReduceOp::kAverage;
  int root = 0;

  // When the kernel handed it over (set by the runtime, for the timeline).
  std::chrono::steady_clock::time_point submitted;

  // Set by the runtime before the request counts as done.
  bool failed = false;
  ErrorCode code = ErrorCode::kUnknown;
  std::string error;
  Batch* batch = nullptr;
};

// Runs `requests` (they must stay alive until this returns) and raises the first failure's
// error (kFailedPrecondition before init or after shutdown, see collective.h for the others).
void execute(const std::vector<Request*>& requests);

// Requests handed over by start(): they live here until wait() has seen them finish.
struct Started {
  std::vector<Request> requests;
  Batch batch;
  bool finished();  // without blocking
};

// Hands `requests` to the background thread and returns at once (failures before init or
// after shutdown are recorded in the requests, raised by wait()). They join the next
// negotiation round: at the end of the cycle (HOROVOD_CYCLE_TIME, 1 ms) or when a kernel
// blocks on a collective (execute(), or wait() on requests not yet done), whichever is first.
std::shared_ptr<Started> start(std::vector<Request> requests);
// Blocks until every request of `started` is done and raises the first failure's error.
void wait(Started& started);

// Horovod's timeline: with HOROVOD_TIMELINE=<file> set when init() runs, rank 0 records what
// each tensor went through and writes it at shutdown as a Chrome trace (a JSON array of
// complete events: name the activity, args.tensor the tensor, ts/dur in microseconds since
// init): QUEUE from the kernel's hand-over until every rank has the tensor, then ALLREDUCE /
// ALLGATHER / BROADCAST for the MPI work, and WAIT for the time a wait kernel blocked.
bool timeline_enabled();
void timeline_event(const std::string& tensor, const char* activity,
                    std::chrono::steady_clock::time_point begin,
                    std::chrono::steady_clock::time_point end);

}  // namespace varflow::collective
