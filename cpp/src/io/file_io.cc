#include "io/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace varflow::io {

namespace {

// Large writes go straight from the caller's memory; small ones are gathered first so that a
// model of many small variables is not one system call per bias.
constexpr size_t kBufferBytes = 1 << 20;
// write()/pread() move at most about 2 GiB per call on Linux.
constexpr size_t kMaxIo = size_t{1} << 30;

std::string dirname_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void raise_errno(int err, const std::string& what, const std::string& path) {
  ErrorCode code = ErrorCode::kUnknown;
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      code = ErrorCode::kNotFound;
      break;
    case EACCES:
    case EPERM:
    case EROFS:
      code = ErrorCode::kPermissionDenied;
      break;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
      code = ErrorCode::kResourceExhausted;
      break;
    default:
      break;
  }
  raise(code, what, ": ", path, " : ", std::strerror(err));
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

ReadFile::ReadFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) raise_errno(errno, "Failed to open checkpoint file", path);
  struct stat st;
  if (::fstat(fd_, &st) != 0) {
    const int err = errno;
    ::close(fd_);
    raise_errno(err, "Failed to stat checkpoint file", path);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd_);
    raise(ErrorCode::kDataLoss, "Checkpoint file ", path, " is not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

ReadFile::~ReadFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ReadFile::read(uint64_t offset, void* dst, size_t n) const {
  VF_CHECK(offset <= size_ && n <= size_ - offset, ErrorCode::kDataLoss, "Checkpoint file ", path_,
           " is truncated: reading ", n, " bytes at offset ", offset, " but the file has ", size_,
           " bytes");
  char* p = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t got = ::pread(fd_, p, n < kMaxIo ? n : kMaxIo, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      raise_errno(errno, "Failed to read checkpoint file", path_);
    }
    VF_CHECK(got > 0, ErrorCode::kDataLoss, "Checkpoint file ", path_,
             " ended while reading (truncated while open?) at offset ", offset);
    p += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
}

std::string ReadFile::read_string(uint64_t offset, size_t n) const {
  std::string out(n, '\0');
  if (n) read(offset, out.data(), n);
  return out;
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  static std::atomic<uint64_t> counter{0};
  temp_path_ = str_cat(path_, ".tmp", ::getpid(), "_", counter.fetch_add(1));
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) raise_errno(errno, "Failed to create a NewWriteableFile", temp_path_);
  buffer_.reserve(kBufferBytes);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFileWriter::write_all(const char* p, size_t n) {
  while (n > 0) {
    const ssize_t put = ::write(fd_, p, n < kMaxIo ? n : kMaxIo);
    if (put < 0) {
      if (errno == EINTR) continue;
      raise_errno(errno, "Failed to write checkpoint file", temp_path_);
    }
    p += put;
    n -= static_cast<size_t>(put);
  }
}

void AtomicFileWriter::flush() {
  if (!buffer_.empty()) write_all(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void AtomicFileWriter::append(const void* data, size_t n) {
  VF_CHECK(fd_ >= 0 && !committed_, ErrorCode::kInternal, "write to a closed checkpoint file");
  const char* p = static_cast<const char*>(data);
  if (buffer_.size() + n <= kBufferBytes) {
    buffer_.insert(buffer_.end(), p, p + n);
    return;
  }
  flush();
  if (n < kBufferBytes) {
    buffer_.insert(buffer_.end(), p, p + n);
  } else {
    write_all(p, n);
  }
}

void AtomicFileWriter::write_at(uint64_t offset, const void* data, size_t n) {
  flush();
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t put = ::pwrite(fd_, p, n, static_cast<off_t>(offset));
    if (put < 0) {
      if (errno == EINTR) continue;
      raise_errno(errno, "Failed to write checkpoint file", temp_path_);
    }
    p += put;
    n -= static_cast<size_t>(put);
    offset += static_cast<uint64_t>(put);
  }
}

void AtomicFileWriter::commit() {
  flush();
  if (::fsync(fd_) != 0) raise_errno(errno, "Failed to sync checkpoint file", temp_path_);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) raise_errno(errno, "Failed to close checkpoint file", temp_path_);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0)
    raise_errno(errno, "Failed to rename checkpoint file to", path_);
  committed_ = true;
  // The rename itself is durable only once the directory is synced.
  const std::string dir = dirname_of(path_);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void atomic_write_file(const std::string& path, const std::string& contents) {
  AtomicFileWriter writer(path);
  writer.append(contents.data(), contents.size());
  writer.commit();
}

}  // namespace varflow::io
