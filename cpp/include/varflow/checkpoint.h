// Checkpoints: variable values in and out of a Session, without Python.
//
// varflow writes one safetensors file per checkpoint, `<prefix>.safetensors`, readable by the
// `safetensors` package and by NumPy: an 8-byte little-endian header length, a JSON header
// ({"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__":
// {...}}) padded with spaces to a multiple of 8 bytes, then the raw little-endian values in
// header order. The metadata holds `varflow_version`, the caller's entries (the Python Saver
// adds `global_step`) and `varflow_crc32c`: the masked CRC32C of every tensor's bytes, 8 hex
// digits each, in header order, so that a flipped byte is reported instead of restored.
// Files are written to a temporary file in the same directory, fsynced, renamed over the
// target and the directory fsynced: a crash leaves either the old file or the new one.
//
// TensorFlow's V2 tensor-bundle checkpoints (`<prefix>.index` + `<prefix>.data-?????-of-?????`)
// are read natively (every CRC checked); they are never written.
//
// Errors (varflow::Error, errors.h):
//   kNotFound          no checkpoint at the prefix; a key missing from it ("Key w not found
//                      in checkpoint"); a directory that does not exist when saving
//   kInvalidArgument   a variable whose dtype or shape differs from the stored tensor (the
//                      message names the variable, the file and both shapes); duplicate names
//   kFailedPrecondition saving a variable that is not initialized
//   kDataLoss          a corrupt or truncated file (bad header, offsets outside the file,
//                      checksum mismatch): never a crash, whatever the bytes
//   kUnimplemented     a stored dtype varflow has no type for (reading it as a Tensor), a
//                      partitioned or big-endian TensorFlow checkpoint
//   kPermissionDenied, kResourceExhausted (disk full), kUnknown  as the file system reports
// Thread-safety: a CheckpointReader may be read from any number of threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "varflow/session.h"
#include "varflow/tensor.h"

namespace varflow {

struct CheckpointEntry {
  std::string name;
  DType dtype = DType::kInvalid;  // kInvalid for a stored dtype varflow has no type for
  std::string dtype_name;         // NumPy's spelling, set for every dtype ("float16", ...)
  Dims dims;
  int64_t nbytes = 0;
};

class CheckpointReader {
 public:
  // Opens `<prefix>.safetensors`, else the tensor bundle `<prefix>.index`. kNotFound if
  // neither exists; kDataLoss if the header/index is corrupt.
  explicit CheckpointReader(const std::string& prefix);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  // "safetensors" or "tensor_bundle".
  const std::string& format() const;
  // The file holding the index of the checkpoint (for messages).
  const std::string& path() const;
  // Sorted by name.
  const std::vector<CheckpointEntry>& entries() const;
  bool has_tensor(const std::string& name) const;
  // kNotFound "Key <name> not found in checkpoint".
  const CheckpointEntry& entry(const std::string& name) const;
  // A new tensor with the stored values (kUnimplemented for a dtype varflow lacks).
  Tensor get_tensor(const std::string& name) const;
  // kDataLoss if the bytes of `name` lie beyond the end of their data file (a corrupt index
  // could claim a terabyte): call before allocating a buffer for them. Opens the data file.
  void check_extent(const std::string& name) const;
  // Reads the stored bytes of `name` into `dst`, which must hold entry(name).nbytes bytes;
  // checks the stored checksum (kDataLoss).
  void read_bytes(const std::string& name, void* dst, size_t nbytes) const;
  // The safetensors `__metadata__` (empty for a tensor bundle).
  const std::map<std::string, std::string>& metadata() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A variable to save or restore and the name it has in the checkpoint (TF1's Saver uses the
// variable's op name, "dense/kernel", or the key of its var_list dict).
using NamedVariables = std::vector<std::pair<std::string, const Node*>>;

// Writes the values of `variables` in `session` to `<prefix>.safetensors` atomically and
// returns that file's path. `metadata` entries are added to the header's `__metadata__`.
std::string save_checkpoint(Session& session, const NamedVariables& variables,
                            const std::string& prefix,
                            const std::map<std::string, std::string>& metadata = {});

// Where one part of a partitioned variable sits in the whole (TF1's Variable.SaveSliceInfo).
struct VariableSlice {
  Dims full_shape;
  std::vector<int64_t> offset;
};

// As above, with the parts of partitioned variables: `slices` is empty or has one entry per
// variable, set for a part. The parts of one name are written as one tensor of the full shape
// (TF1's checkpoint entry for a partitioned variable); they must cover it exactly.
std::string save_checkpoint(Session& session, const NamedVariables& variables,
                            const std::vector<std::optional<VariableSlice>>& slices,
                            const std::string& prefix,
                            const std::map<std::string, std::string>& metadata = {});

// As below, with `slices` as for save_checkpoint: a part is restored from its block of the
// full tensor of its name, which may be a whole tensor or one TensorFlow saved in slices.
void restore_checkpoint(Session& session, const NamedVariables& variables,
                        const std::vector<std::optional<VariableSlice>>& slices,
                        const std::string& prefix, bool reshape = false);

// Sets each variable from the tensor of its name in the checkpoint at `prefix` (either
// format). Every name, dtype and shape is checked before any variable changes; with `reshape`
// a stored tensor of another shape but the same element count is accepted (TF1's
// Saver(reshape=True)).
void restore_checkpoint(Session& session, const NamedVariables& variables,
                        const std::string& prefix, bool reshape = false);

// The name, dtype and shape of every tensor in the checkpoint, sorted by name.
std::vector<CheckpointEntry> list_checkpoint_variables(const std::string& prefix);

// True if `<prefix>.safetensors` or `<prefix>.index` exists. Never throws.
bool checkpoint_exists(const std::string& prefix);

// Replaces `path` with `contents` atomically (temporary file, fsync, rename), as the Saver
// writes its `checkpoint` state file.
void write_file_atomically(const std::string& path, const std::string& contents);

// The file a checkpoint at `prefix` is saved to.
std::string checkpoint_filename(const std::string& prefix);

}  // namespace varflow
