#include "data/zlib_stream.h"

#include <dlfcn.h>

#include <mutex>
#include <vector>

#include "varflow/errors.h"

namespace varflow::data {

namespace {

// zlib's z_stream (zlib.h), field for field.
struct ZStream {
  const unsigned char* next_in;
  unsigned int avail_in;
  unsigned long total_in;  // NOLINT(runtime/int): zlib's uLong
  unsigned char* next_out;
  unsigned int avail_out;
  unsigned long total_out;  // NOLINT(runtime/int)
  const char* msg;
  void* state;
  void* zalloc;
  void* zfree;
  void* opaque;
  int data_type;
  unsigned long adler;     // NOLINT(runtime/int)
  unsigned long reserved;  // NOLINT(runtime/int)
};

constexpr int kOk = 0, kStreamEnd = 1, kNoFlush = 0, kBufError = -5;

struct Zlib {
  int (*inflate_init2)(ZStream*, int, const char*, int) = nullptr;
  int (*inflate)(ZStream*, int) = nullptr;
  int (*inflate_end)(ZStream*) = nullptr;
  std::string error;
};

const Zlib& zlib() {
  static Zlib lib;
  static std::once_flag once;
  std::call_once(once, [] {
    void* handle = nullptr;
    for (const char* name : {"libz.so.1", "libz.so", "libz.1.dylib", "libz.dylib"})
      if ((handle = dlopen(name, RTLD_NOW | RTLD_LOCAL))) break;
    if (!handle) {
      const char* why = dlerror();
      lib.error = why ? why : "libz.so.1 not found";
      return;
    }
    lib.inflate_init2 =
        reinterpret_cast<int (*)(ZStream*, int, const char*, int)>(dlsym(handle, "inflateInit2_"));
    lib.inflate = reinterpret_cast<int (*)(ZStream*, int)>(dlsym(handle, "inflate"));
    lib.inflate_end = reinterpret_cast<int (*)(ZStream*)>(dlsym(handle, "inflateEnd"));
    if (!lib.inflate_init2 || !lib.inflate || !lib.inflate_end)
      lib.error = "libz lacks inflateInit2_/inflate/inflateEnd";
  });
  return lib;
}

class InflatingBuffer : public std::streambuf {
 public:
  InflatingBuffer(std::streambuf* source, Compression kind, std::string what)
      : source_(source), in_(1 << 16), out_(1 << 16), what_(std::move(what)) {
    const Zlib& z = zlib();
    VF_CHECK(z.error.empty(), ErrorCode::kUnimplemented, "reading ",
             kind == Compression::kGzip ? "GZIP" : "ZLIB", "-compressed ", what_,
             " needs zlib, which could not be loaded: ", z.error);
    stream_ = ZStream{};
    // 15: zlib's window; +16: expect a gzip header instead of a zlib one. The version
    // argument is only checked for its major number.
    const int bits = kind == Compression::kGzip ? 15 + 16 : 15;
    VF_CHECK(z.inflate_init2(&stream_, bits, "1", static_cast<int>(sizeof(ZStream))) == kOk,
             ErrorCode::kInternal, "zlib's inflateInit2 failed for ", what_);
    setg(out_.data(), out_.data(), out_.data());
  }
  ~InflatingBuffer() override { zlib().inflate_end(&stream_); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    while (!done_) {
      if (stream_.avail_in == 0) {
        const std::streamsize got =
            source_->sgetn(in_.data(), static_cast<std::streamsize>(in_.size()));
        if (got <= 0) {
          // A file that ends inside the compressed stream is truncated.
          raise(ErrorCode::kDataLoss, "truncated compressed data in ", what_);
        }
        stream_.next_in = reinterpret_cast<const unsigned char*>(in_.data());
        stream_.avail_in = static_cast<unsigned int>(got);
      }
      stream_.next_out = reinterpret_cast<unsigned char*>(out_.data());
      stream_.avail_out = static_cast<unsigned int>(out_.size());
      const int rc = zlib().inflate(&stream_, kNoFlush);
      if (rc == kStreamEnd) {
        done_ = true;
      } else if (rc != kOk && rc != kBufError) {
        raise(ErrorCode::kDataLoss, "corrupt compressed data in ", what_, ": ",
              stream_.msg ? stream_.msg : "inflate failed");
      }
      const size_t produced = out_.size() - stream_.avail_out;
      if (produced > 0) {
        setg(out_.data(), out_.data(), out_.data() + produced);
        return traits_type::to_int_type(*gptr());
      }
    }
    return traits_type::eof();
  }

 private:
  std::streambuf* source_;
  std::vector<char> in_, out_;
  std::string what_;
  ZStream stream_{};
  bool done_ = false;
};

}  // namespace

Compression compression_from_name(const std::string& name) {
  if (name.empty()) return Compression::kNone;
  if (name == "ZLIB") return Compression::kZlib;
  if (name == "GZIP") return Compression::kGzip;
  raise(ErrorCode::kInvalidArgument, "Unsupported compression_type: ", name,
        ". Supported compression types: , ZLIB, GZIP");
}

std::unique_ptr<std::streambuf> make_inflating_buffer(std::streambuf* source, Compression kind,
                                                      const std::string& what) {
  return std::make_unique<InflatingBuffer>(source, kind, what);
}

}  // namespace varflow::data
