// What a checkpoint file format reader produces: where each tensor's bytes are and how to
// check them. Shared by the safetensors and tensor-bundle readers and CheckpointReader.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "io/file_io.h"
#include "varflow/checkpoint.h"

namespace varflow::io {

struct StoredTensor {
  CheckpointEntry entry;
  size_t element_size = 0;  // 0: a dtype whose bytes cannot be read as a flat array
  std::string unsupported;  // why the bytes cannot be read (empty if they can)
  int shard = 0;
  uint64_t offset = 0;  // absolute, in the shard's file
  bool has_crc = false;
  uint32_t crc = 0;  // unmasked CRC32C of the bytes
  // A tensor TensorFlow saved in slices (a partitioned variable's parts): its bytes are those
  // of `slices`, each stored as its own entry, placed at `slice_starts` in the full tensor.
  std::vector<StoredTensor> slices;
  std::vector<std::vector<int64_t>> slice_starts;
};

struct StoredCheckpoint {
  std::string format;
  std::string path;                      // the file that indexes the tensors
  std::vector<StoredTensor> tensors;     // sorted by name
  std::vector<std::string> shard_paths;  // data files, by shard id
  std::map<std::string, std::string> metadata;
  // Data files are opened on first read, so listing a bundle needs only its index.
  mutable std::mutex mu;
  mutable std::vector<std::shared_ptr<ReadFile>> shards;
};

// The element count of `dims`, or kDataLoss (naming `source`) for a negative dimension or an
// overflowing count.
int64_t checked_num_elements(const Dims& dims, const std::string& name, const std::string& source);

// Fills `out` from `<prefix>.safetensors` (file already known to exist).
void read_safetensors_index(const std::string& path, StoredCheckpoint& out);
// Fills `out` from the tensor bundle `<prefix>.index`.
void read_tensor_bundle_index(const std::string& prefix, StoredCheckpoint& out);

struct TensorToWrite {
  std::string name;
  const Tensor* tensor;
};
// Writes a safetensors file atomically; `tensors` sorted by name with unique names.
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata);

}  // namespace varflow::io
