// The public checkpoint API over the two formats, and variable values in and out of a Session.
#include "varflow/checkpoint.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "io/crc32c.h"
#include "io/stored_checkpoint.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"
#include "varflow/runtime.h"

namespace varflow {

class CheckpointReader::Impl : public io::StoredCheckpoint {
 public:
  std::vector<CheckpointEntry> entries;
};

namespace io {

int64_t checked_num_elements(const Dims& dims, const std::string& name, const std::string& source) {
  int64_t count = 1;
  for (const int64_t d : dims) {
    if (d < 0) raise(ErrorCode::kDataLoss, "Negative dimension in tensor '", name, "' of ", source);
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / d)
      raise(ErrorCode::kDataLoss, "Element count of tensor '", name, "' in ", source,
            " overflows int64");
    count *= d;
  }
  return count;
}

}  // namespace io

namespace {

const io::StoredTensor* find(const io::StoredCheckpoint& c, const std::string& name) {
  auto it = std::lower_bound(
      c.tensors.begin(), c.tensors.end(), name,
      [](const io::StoredTensor& t, const std::string& n) { return t.entry.name < n; });
  if (it == c.tensors.end() || it->entry.name != name) return nullptr;
  return &*it;
}

const io::StoredTensor& get(const io::StoredCheckpoint& c, const std::string& name) {
  const io::StoredTensor* t = find(c, name);
  VF_CHECK(t, ErrorCode::kNotFound, "Key ", name, " not found in checkpoint");
  return *t;
}

std::shared_ptr<io::ReadFile> shard_file(const io::StoredCheckpoint& c, int shard) {
  std::lock_guard<std::mutex> lock(c.mu);
  auto& f = c.shards[static_cast<size_t>(shard)];
  if (!f) f = std::make_shared<io::ReadFile>(c.shard_paths[static_cast<size_t>(shard)]);
  return f;
}

// Calls fn(offset in the full tensor, offset in the part, length), in elements, for each
// contiguous row of a `part_dims` block placed at `starts` in a tensor of `full_dims`.
template <typename Fn>
void for_each_block_row(const Dims& part_dims, const Dims& full_dims,
                        const std::vector<int64_t>& starts, Fn&& fn) {
  const size_t rank = full_dims.size();
  const int64_t count = varflow::num_elements(part_dims);
  if (count == 0) return;
  if (rank == 0) {
    fn(int64_t{0}, int64_t{0}, int64_t{1});
    return;
  }
  const int64_t run = part_dims[rank - 1];
  std::vector<int64_t> index(rank, 0);  // the current row's index in the part
  for (int64_t r = 0; r < count / run; ++r) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d) offset = offset * full_dims[d] + starts[d] + index[d];
    fn(offset, r * run, run);
    for (size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < part_dims[d]) break;
      index[d] = 0;
    }
  }
}

void check_stored_extent(const io::StoredCheckpoint& c, const io::StoredTensor& t) {
  if (!t.slices.empty()) {
    VF_CHECK(t.unsupported.empty(), ErrorCode::kUnimplemented, "Cannot read tensor '", t.entry.name,
             "' of checkpoint ", c.path, ": ", t.unsupported, " is not supported");
    for (const io::StoredTensor& part : t.slices) check_stored_extent(c, part);
    return;
  }
  VF_CHECK(t.unsupported.empty(), ErrorCode::kUnimplemented, "Cannot read tensor '", t.entry.name,
           "' of checkpoint ", c.path, ": ", t.unsupported, " is not supported");
  std::shared_ptr<io::ReadFile> file = shard_file(c, t.shard);
  const auto n = static_cast<uint64_t>(t.entry.nbytes);
  VF_CHECK(t.offset <= file->size() && n <= file->size() - t.offset, ErrorCode::kDataLoss,
           "Checkpoint file ", file->path(), " is truncated: tensor '", t.entry.name, "' needs ", n,
           " bytes at offset ", t.offset, " but the file has ", file->size(), " bytes");
}

void read_stored(const io::StoredCheckpoint& c, const io::StoredTensor& t, void* dst,
                 size_t nbytes);

// A tensor TensorFlow saved in slices: each slice read (and checksummed) then placed.
void read_sliced(const io::StoredCheckpoint& c, const io::StoredTensor& t, void* dst,
                 size_t nbytes) {
  VF_CHECK(t.unsupported.empty(), ErrorCode::kUnimplemented, "Cannot read tensor '", t.entry.name,
           "' of checkpoint ", c.path, ": ", t.unsupported, " is not supported");
  VF_CHECK(nbytes == static_cast<size_t>(t.entry.nbytes), ErrorCode::kInvalidArgument,
           "Reading tensor '", t.entry.name, "' needs ", t.entry.nbytes, " bytes, not ", nbytes);
  for (size_t i = 0; i < t.slices.size(); ++i) {
    const io::StoredTensor& part = t.slices[i];
    std::vector<char> buffer(static_cast<size_t>(part.entry.nbytes));
    read_stored(c, part, buffer.data(), buffer.size());
    const size_t size = t.element_size;
    for_each_block_row(part.entry.dims, t.entry.dims, t.slice_starts[i],
                       [&](int64_t full, int64_t in_part, int64_t n) {
                         std::memcpy(static_cast<char*>(dst) + static_cast<size_t>(full) * size,
                                     buffer.data() + static_cast<size_t>(in_part) * size,
                                     static_cast<size_t>(n) * size);
                       });
  }
}

void read_stored(const io::StoredCheckpoint& c, const io::StoredTensor& t, void* dst,
                 size_t nbytes) {
  if (!t.slices.empty()) {
    read_sliced(c, t, dst, nbytes);
    return;
  }
  VF_CHECK(t.unsupported.empty(), ErrorCode::kUnimplemented, "Cannot read tensor '", t.entry.name,
           "' of checkpoint ", c.path, ": ", t.unsupported, " is not supported");
  VF_CHECK(nbytes == static_cast<size_t>(t.entry.nbytes), ErrorCode::kInvalidArgument,
           "Reading tensor '", t.entry.name, "' needs ", t.entry.nbytes, " bytes, not ", nbytes);
  std::shared_ptr<io::ReadFile> file = shard_file(c, t.shard);
  constexpr size_t kChunk = 2 << 20;
  char* p = static_cast<char*>(dst);
  uint32_t actual = 0;
  if (!t.has_crc || nbytes < 4 * kChunk) {
    file->read(t.offset, p, nbytes);
    if (t.has_crc) actual = io::crc32c(p, nbytes);
  } else {
    // A second thread reads ahead while this one checksums what has arrived, so the CRC
    // costs no time on top of the disk's (it runs at several GB/s, the disk far slower).
    // Progress is handed over under a mutex (a few hundred wake-ups for a 400 MB tensor),
    // so the checksumming thread sleeps while the disk is slower than it.
    std::mutex mu;
    std::condition_variable cv;
    size_t arrived = 0;
    bool failed = false;
    std::exception_ptr failure;
    std::thread reader([&] {
      try {
        for (size_t done = 0; done < nbytes; done += kChunk) {
          const size_t len = std::min(kChunk, nbytes - done);
          file->read(t.offset + done, p + done, len);
          std::lock_guard<std::mutex> lock(mu);
          arrived = done + len;
          cv.notify_one();
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        failure = std::current_exception();
        failed = true;
        cv.notify_one();
      }
    });
    size_t checked = 0;
    while (checked < nbytes) {
      size_t ready;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return failed || arrived > checked; });
        if (failed) break;
        ready = arrived;
      }
      actual = io::crc32c_extend(actual, p + checked, ready - checked);
      checked = ready;
    }
    reader.join();
    if (failure) std::rethrow_exception(failure);
  }
  VF_CHECK(!t.has_crc || actual == t.crc, ErrorCode::kDataLoss,
           "Checksum does not match for tensor '", t.entry.name, "' in ", file->path(), ": stored ",
           t.crc, ", computed ", actual, " (the file is corrupt)");
}

std::string shape_string(const Dims& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

void check_variable(Session& session, const Node* node) {
  VF_CHECK(node && node->op_def().is_variable && &node->graph() == &session.graph(),
           ErrorCode::kInvalidArgument, "'", node ? node->name() : "null",
           "' is not a variable of this session's graph");
}

}  // namespace

CheckpointReader::CheckpointReader(const std::string& prefix) : impl_(std::make_unique<Impl>()) {
  if (io::file_exists(prefix + ".safetensors")) {
    io::read_safetensors_index(prefix + ".safetensors", *impl_);
  } else if (io::file_exists(prefix + ".index")) {
    io::read_tensor_bundle_index(prefix, *impl_);
  } else {
    raise(ErrorCode::kNotFound,
          "Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ",
          prefix);
  }
  for (size_t i = 1; i < impl_->tensors.size(); ++i)
    VF_CHECK(impl_->tensors[i - 1].entry.name != impl_->tensors[i].entry.name, ErrorCode::kDataLoss,
             "Corrupt checkpoint file ", impl_->path, ": tensor '", impl_->tensors[i].entry.name,
             "' appears twice");
  for (const auto& t : impl_->tensors) impl_->entries.push_back(t.entry);
}

CheckpointReader::~CheckpointReader() = default;

const std::string& CheckpointReader::format() const { return impl_->format; }
const std::string& CheckpointReader::path() const { return impl_->path; }

const std::vector<CheckpointEntry>& CheckpointReader::entries() const { return impl_->entries; }

bool CheckpointReader::has_tensor(const std::string& name) const {
  return find(*impl_, name) != nullptr;
}

const CheckpointEntry& CheckpointReader::entry(const std::string& name) const {
  return get(*impl_, name).entry;
}

Tensor CheckpointReader::get_tensor(const std::string& name) const {
  const io::StoredTensor& t = get(*impl_, name);
  VF_CHECK(t.unsupported.empty() && t.entry.dtype != DType::kInvalid, ErrorCode::kUnimplemented,
           "Cannot read tensor '", name, "' of checkpoint ", impl_->path, ": dtype ",
           t.entry.dtype_name, " has no varflow type");
  check_stored_extent(*impl_, t);
  Tensor out(t.entry.dtype, t.entry.dims);
  read_stored(*impl_, t, out.raw(), out.nbytes());
  return out;
}

void CheckpointReader::check_extent(const std::string& name) const {
  check_stored_extent(*impl_, get(*impl_, name));
}

void CheckpointReader::read_bytes(const std::string& name, void* dst, size_t nbytes) const {
  read_stored(*impl_, get(*impl_, name), dst, nbytes);
}

const std::map<std::string, std::string>& CheckpointReader::metadata() const {
  return impl_->metadata;
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  io::atomic_write_file(path, contents);
}

std::string checkpoint_filename(const std::string& prefix) { return prefix + ".safetensors"; }

bool checkpoint_exists(const std::string& prefix) {
  return io::file_exists(prefix + ".safetensors") || io::file_exists(prefix + ".index");
}

std::vector<CheckpointEntry> list_checkpoint_variables(const std::string& prefix) {
  return CheckpointReader(prefix).entries();
}

namespace {

void check_slice(const VariableSlice& slice, const Dims& part, const std::string& name,
                 const Node* node) {
  bool ok = slice.full_shape.size() == part.size() && slice.offset.size() == part.size();
  for (size_t d = 0; ok && d < part.size(); ++d)
    ok = slice.offset[d] >= 0 && part[d] >= 0 && slice.offset[d] <= slice.full_shape[d] &&
         part[d] <= slice.full_shape[d] - slice.offset[d];
  VF_CHECK(ok, ErrorCode::kInvalidArgument, "Variable ", node->name(), " of shape ",
           shape_string(part), " does not fit at offset ", shape_string(slice.offset), " in '",
           name, "' of shape ", shape_string(slice.full_shape));
}

}  // namespace

std::string save_checkpoint(Session& session, const NamedVariables& variables,
                            const std::string& prefix,
                            const std::map<std::string, std::string>& metadata) {
  return save_checkpoint(session, variables, {}, prefix, metadata);
}

std::string save_checkpoint(Session& session, const NamedVariables& variables,
                            const std::vector<std::optional<VariableSlice>>& slices,
                            const std::string& prefix,
                            const std::map<std::string, std::string>& metadata) {
  VF_CHECK(slices.empty() || slices.size() == variables.size(), ErrorCode::kInvalidArgument,
           "save_checkpoint: ", slices.size(), " slices for ", variables.size(), " variables");
  std::vector<std::pair<std::string, Tensor>> values;
  std::set<std::string> names;
  struct Whole {
    Tensor value;
    int64_t covered = 0;
  };
  std::map<std::string, Whole> wholes;  // partitioned variables, assembled from their parts
  for (size_t i = 0; i < variables.size(); ++i) {
    const auto& [name, node] = variables[i];
    if (!slices.empty() && slices[i]) {
      check_variable(session, node);
      const VariableSlice& slice = *slices[i];
      VF_CHECK(names.count(name) == 0, ErrorCode::kInvalidArgument,
               "At least two variables have the same name: ", name);
      Tensor part = session.variable_view(node);
      VF_CHECK(part.defined(), ErrorCode::kFailedPrecondition,
               "Attempting to use uninitialized value ", node->name());
      VF_CHECK(part.dtype() != DType::kString, ErrorCode::kUnimplemented,
               "Saving a partitioned string variable (", node->name(), ") is not supported");
      check_slice(slice, part.dims(), name, node);
      auto [it, fresh] = wholes.try_emplace(name);
      Whole& whole = it->second;
      if (fresh) whole.value = Tensor(part.dtype(), slice.full_shape);
      VF_CHECK(whole.value.dtype() == part.dtype() && whole.value.dims() == slice.full_shape,
               ErrorCode::kInvalidArgument, "The parts of '", name,
               "' disagree on its dtype or full shape (", node->name(), ")");
      const size_t size = dtype_size(part.dtype());
      char* dst = static_cast<char*>(whole.value.raw());
      const char* src = static_cast<const char*>(part.raw());
      for_each_block_row(part.dims(), slice.full_shape, slice.offset,
                         [&](int64_t full, int64_t in_part, int64_t n) {
                           std::memcpy(dst + static_cast<size_t>(full) * size,
                                       src + static_cast<size_t>(in_part) * size,
                                       static_cast<size_t>(n) * size);
                         });
      whole.covered += part.num_elements();
      continue;
    }
    check_variable(session, node);
    VF_CHECK(!name.empty() && name != "__metadata__", ErrorCode::kInvalidArgument,
             "Bad checkpoint key '", name, "' for variable ", node->name());
    VF_CHECK(names.insert(name).second, ErrorCode::kInvalidArgument,
             "At least two variables have the same name: ", name);
    Tensor value = session.variable_view(node);  // written out at once: no copy
    VF_CHECK(value.defined(), ErrorCode::kFailedPrecondition,
             "Attempting to use uninitialized value ", node->name());
    VF_CHECK(wholes.count(name) == 0, ErrorCode::kInvalidArgument,
             "At least two variables have the same name: ", name);
    values.emplace_back(name, std::move(value));
  }
  for (auto& [name, whole] : wholes) {
    VF_CHECK(whole.covered == whole.value.num_elements(), ErrorCode::kInvalidArgument,
             "The parts of partitioned variable '", name, "' cover ", whole.covered, " of its ",
             whole.value.num_elements(), " elements");
    VF_CHECK(names.insert(name).second, ErrorCode::kInvalidArgument,
             "At least two variables have the same name: ", name);
    values.emplace_back(name, std::move(whole.value));
  }
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<io::TensorToWrite> tensors;
  for (const auto& [name, value] : values) tensors.push_back({name, &value});
  std::map<std::string, std::string> meta = metadata;
  meta["varflow_version"] = build_info().version;
  const std::string path = checkpoint_filename(prefix);
  io::write_safetensors(path, tensors, meta);
  return path;
}

void restore_checkpoint(Session& session, const NamedVariables& variables,
                        const std::string& prefix, bool reshape) {
  restore_checkpoint(session, variables, {}, prefix, reshape);
}

void restore_checkpoint(Session& session, const NamedVariables& variables,
                        const std::vector<std::optional<VariableSlice>>& slices,
                        const std::string& prefix, bool reshape) {
  VF_CHECK(slices.empty() || slices.size() == variables.size(), ErrorCode::kInvalidArgument,
           "restore_checkpoint: ", slices.size(), " slices for ", variables.size(), " variables");
  CheckpointReader reader(prefix);
  struct Plan {
    const Node* node;
    const CheckpointEntry* entry;
    Dims dims;
    const VariableSlice* slice = nullptr;
  };
  std::vector<Plan> plans;
  for (size_t i = 0; i < variables.size(); ++i) {
    const auto& [name, node] = variables[i];
    check_variable(session, node);
    const CheckpointEntry& e = reader.entry(name);
    const DType want = node->output_dtype(0);
    VF_CHECK(e.dtype == want, ErrorCode::kInvalidArgument, "tensor_name = ", name,
             "; expected dtype ", dtype_tf_name(want), " does not equal original dtype ",
             e.dtype_name, " (variable ", node->name(), ", checkpoint ", reader.path(), ")");
    reader.check_extent(name);
    if (!slices.empty() && slices[i]) {
      const VariableSlice& slice = *slices[i];
      const Shape& declared = node->output_shape(0);
      VF_CHECK(declared.fully_defined(), ErrorCode::kInvalidArgument, "Partitioned variable part ",
               node->name(), " needs a fully defined shape to be restored");
      check_slice(slice, declared.dims(), name, node);
      VF_CHECK(e.dims == slice.full_shape, ErrorCode::kInvalidArgument, "tensor_name = ", name,
               "; shape in shape_and_slice spec ", shape_string(slice.full_shape),
               " does not match the shape stored in checkpoint: ", shape_string(e.dims));
      plans.push_back({node, &e, declared.dims(), &slice});
      continue;
    }
    const Shape& declared = node->output_shape(0);
    Dims dims = e.dims;
    if (!declared.accepts(e.dims)) {
      bool ok = false;
      if (reshape && declared.fully_defined() &&
          declared.num_elements() == varflow::num_elements(e.dims)) {
        dims = declared.dims();
        ok = true;
      }
      VF_CHECK(
          ok, ErrorCode::kInvalidArgument,
          "Assign requires shapes of both tensors to match. lhs shape= ", declared.to_tf_string(),
          " rhs shape= ", shape_string(e.dims), " (restoring variable ", node->name(),
          " from tensor '", name, "' of ", reader.path(), ")");
    }
    plans.push_back({node, &e, std::move(dims)});
  }
  std::map<std::string, Tensor> wholes;  // full tensors of partitioned variables, read once
  for (const Plan& p : plans) {
    if (p.slice) {
      auto it = wholes.find(p.entry->name);
      if (it == wholes.end())
        it = wholes.emplace(p.entry->name, reader.get_tensor(p.entry->name)).first;
      const Tensor& whole = it->second;
      Tensor value(p.entry->dtype, p.dims);
      const size_t size = dtype_size(p.entry->dtype);
      for_each_block_row(
          p.dims, p.slice->full_shape, p.slice->offset,
          [&](int64_t full, int64_t in_part, int64_t n) {
            std::memcpy(static_cast<char*>(value.raw()) + static_cast<size_t>(in_part) * size,
                        static_cast<const char*>(whole.raw()) + static_cast<size_t>(full) * size,
                        static_cast<size_t>(n) * size);
          });
      value.buffer()->set_shared_state(true);
      ResourceSlot& slot = session.resource(p.node);
      std::lock_guard<std::mutex> lock(slot.mu);
      slot.value = std::move(value);
      continue;
    }
    ResourceSlot& slot = session.resource(p.node);
    std::lock_guard<std::mutex> lock(slot.mu);
    Tensor& current = slot.value;
    if (current.defined() && current.dtype() == p.entry->dtype && current.dims() == p.dims &&
        !current.buffer()->borrowed()) {
      // Read straight into the variable's buffer, as TF1's Assign copies into it: no second
      // 400 MB allocation to fault in. A read that fails half-way (a checksum mismatch) leaves
      // the variable uninitialized, so a later run reports it instead of using half a value.
      try {
        reader.read_bytes(p.entry->name, current.raw(), current.nbytes());
      } catch (...) {
        slot.value = Tensor();
        throw;
      }
      continue;
    }
    Tensor value(p.entry->dtype, p.dims);
    reader.read_bytes(p.entry->name, value.raw(), value.nbytes());
    value.buffer()->set_shared_state(true);
    slot.value = std::move(value);
  }
}

}  // namespace varflow
