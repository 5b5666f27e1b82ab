// What the ranks exchange each cycle, and the check that the ranks' views of one tensor agree.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collective/runtime.h"

namespace varflow::collective {

// What a rank announces about a tensor it has ready.
struct Meta {
  Kind kind = Kind::kAllreduce;
  DType dtype = DType::kFloat32;
  ReduceOp op = ReduceOp::kAverage;
  int root = 0;
  Dims dims;
};

bool operator==(const Meta& a, const Meta& b);

struct Message {
  bool stop = false;  // this rank is shutting down
  std::vector<std::pair<std::string, Meta>> announced;
  // Tensors announced by their place in the response cache (Horovod's HOROVOD_CACHE_CAPACITY):
  // every rank holds the same cache, so a tensor done before with the same name and meta
  // travels as 4 bytes instead of its name and shape.
  std::vector<uint32_t> cached;
  // Rank 0 only: tensors given up on, with the error for the ranks that submitted them.
  std::vector<std::pair<std::string, std::string>> stalled;
};

std::vector<char> encode(const Message& message);
// Throws varflow::Error (kInternal) for a truncated or malformed message.
Message decode(const char* data, size_t size);

// "" when every rank's view of `name` agrees; otherwise the error naming the tensor and what
// differs by rank (kinds, dtypes, shapes, ops or root ranks).
std::string validate(const std::string& name, const std::vector<std::optional<Meta>>& by_rank,
                     int size);

}  // namespace varflow::collective
