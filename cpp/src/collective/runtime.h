// The collective runtime: a background thread that owns MPI, negotiates which tensors every
// rank has ready, and reduces, gathers or broadcasts them (fusing allreduces). Kernels build
// Requests, hand them over with execute() and block until each is done or failed.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "varflow/collective.h"
#include "varflow/errors.h"
#include "varflow/tensor.h"

namespace varflow::collective {

enum class Kind : uint8_t { kAllreduce = 0, kAllgather = 1, kBroadcast = 2 };

struct Batch;

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

  // Set by the runtime before the request counts as done.
  bool failed = false;
  ErrorCode code = ErrorCode::kUnknown;
  std::string error;
  Batch* batch = nullptr;
};

// Runs `requests` (they must stay alive until this returns) and raises the first failure's
// error (kFailedPrecondition before init or after shutdown, see collective.h for the others).
void execute(const std::vector<Request*>& requests);

}  // namespace varflow::collective
