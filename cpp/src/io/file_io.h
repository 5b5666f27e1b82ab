// Files for checkpoints: positional reads that report short files as data loss, and writes
// that become visible all at once (temporary file, fsync, rename, fsync of the directory).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "varflow/errors.h"

namespace varflow::io {

// Raises the error for a failed system call: ENOENT -> kNotFound, EACCES/EPERM ->
// kPermissionDenied, ENOSPC/EDQUOT -> kResourceExhausted, otherwise kUnknown.
[[noreturn]] void raise_errno(int err, const std::string& what, const std::string& path);

bool file_exists(const std::string& path);  // a regular file; never throws

class ReadFile {
 public:
  explicit ReadFile(const std::string& path);
  ~ReadFile();
  ReadFile(const ReadFile&) = delete;
  ReadFile& operator=(const ReadFile&) = delete;

  const std::string& path() const { return path_; }
  uint64_t size() const { return size_; }
  // Reads exactly n bytes at `offset`; kDataLoss naming the file if it ends first.
  void read(uint64_t offset, void* dst, size_t n) const;
  std::string read_string(uint64_t offset, size_t n) const;

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  // Removes the temporary file unless commit() succeeded. Never throws.
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void append(const void* data, size_t n);
  // Overwrites bytes already appended (a header whose checksums are known only at the end).
  void write_at(uint64_t offset, const void* data, size_t n);
  // Flushes, fsyncs, renames over the target and fsyncs the directory.
  void commit();

 private:
  void write_all(const char* p, size_t n);
  void flush();

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
  std::vector<char> buffer_;
};

// Writes `contents` to `path` through an AtomicFileWriter.
void atomic_write_file(const std::string& path, const std::string& contents);

}  // namespace varflow::io
