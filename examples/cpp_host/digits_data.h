// The inputs of `python -m varflow.demo` for one seed, as make_data.py writes them: the
// train/test split and the batch order the demo's NumPy generator draws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "varflow/tensor.h"

struct DigitsData {
  int32_t seed = 0;
  int32_t batch_size = 0;
  int32_t steps = 0;  // how many steps the recorded batch order covers
  int64_t features = 0;
  std::vector<float> x_train, x_test;  // row-major [n, features]
  std::vector<int32_t> y_train, y_test;
  std::vector<std::vector<int32_t>> permutations;  // each a permutation of the train indices

  int64_t n_train() const { return static_cast<int64_t>(y_train.size()); }
  int64_t n_test() const { return static_cast<int64_t>(y_test.size()); }
};

// Reads and validates a file of make_data.py (throws std::runtime_error naming the file and
// what is wrong with it: missing, truncated, bad magic, labels or indices out of range).
DigitsData read_digits(const std::string& path);

// Replays the demo's batch loop: a cursor over the recorded permutations that moves to the next
// one when the next batch would run past the end of the current one.
class BatchOrder {
 public:
  explicit BatchOrder(const DigitsData& data) : data_(data) {}
  // The train indices of the next batch; std::runtime_error when the recorded order is used up.
  const int32_t* next();
  // Skips `steps` batches (resuming at a global step).
  void skip(int64_t steps);

 private:
  const DigitsData& data_;
  size_t permutation_ = 0;
  int64_t pos_ = 0;
};

// The rows `indices[0..count)` of `data` ([n, features]) as a float32 tensor, and their labels.
varflow::Tensor gather_rows(const std::vector<float>& data, int64_t features,
                            const int32_t* indices, int64_t count);
varflow::Tensor gather_labels(const std::vector<int32_t>& labels, const int32_t* indices,
                              int64_t count);
