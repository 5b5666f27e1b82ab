// The import host's data file (make_model.py's write_data): "VFD1", int32 examples and
// features, float32 features row-major, int32 labels, all little-endian.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "varflow/tensor.h"

struct ImportHostData {
  varflow::Tensor x;  // float32 [examples, features]
  varflow::Tensor y;  // int32 [examples]
};

// Throws std::runtime_error naming the file when it is missing, short or not such a file.
ImportHostData read_data(const std::string& path);

// Rows [step * batch, (step + 1) * batch) modulo the examples: the batches make_model.py's
// `batches` gives Python.
std::pair<varflow::Tensor, varflow::Tensor> batch_at(const ImportHostData& data, int64_t step,
                                                     int64_t batch);
