// Reading zlib- and gzip-compressed TFRecord files (TFRecordDataset's compression_type
// "ZLIB" / "GZIP") through a std::streambuf that inflates another one.
//
// zlib is loaded at run time (dlopen of libz.so.1, the library CPython's own zlib module loads)
// rather than linked at build time: a machine that runs Python has the library, but not
// necessarily zlib's headers or a CMake-findable development package, and a C++ host that
// never reads compressed files needs neither. The few entry points used are declared in
// zlib_stream.cc with zlib's ABI, unchanged since zlib 1.0.
#pragma once

#include <memory>
#include <streambuf>
#include <string>

namespace varflow::data {

enum class Compression { kNone, kZlib, kGzip };

// "" -> kNone, "ZLIB", "GZIP"; kInvalidArgument for anything else.
Compression compression_from_name(const std::string& name);

// A read-only stream buffer of the inflated bytes of `source` (which it does not own).
// Errors: kUnimplemented when zlib cannot be loaded, kDataLoss for corrupt compressed data
// (naming `what`, the file), both thrown from the first read that meets them.
std::unique_ptr<std::streambuf> make_inflating_buffer(std::streambuf* source, Compression kind,
                                                      const std::string& what);

}  // namespace varflow::data
