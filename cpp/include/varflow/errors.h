// Typed errors of the varflow core. Codes follow tf.errors; the three graph-building codes
// become Python's ValueError, TypeError and LookupError, where TF1 raises those.
//
// The contract of the public C++ API (each header documents its functions):
//   - Bad input is reported by throwing varflow::Error, never by a crash, an abort or a
//     silently wrong value. Its code() says what kind of mistake it is, its what() names the
//     node, tensor or variable and the offending shapes, dtypes or values.
//   - Graph construction (Graph::add_node and the ops:: builders) uses kValue, kType and
//     kLookup, as TF1's Python layer raises ValueError/TypeError/LookupError; running a graph
//     uses TF1's runtime codes (kInvalidArgument, kFailedPrecondition, kNotFound,
//     kResourceExhausted, kOutOfRange, kUnimplemented, kInternal); kRuntime is misuse of an
//     object's life cycle (a finalized graph, a closed session).
//   - kInternal means a bug in varflow, not in the caller's input.
//   - std::bad_alloc may still escape from small bookkeeping allocations of graph building
//     (names, node lists); tensor buffers and kernel memory report kResourceExhausted.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace varflow {

enum class ErrorCode : int {
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
  kValue = 100,    // graph construction: bad value or shape (Python ValueError)
  kType = 101,     // graph construction: bad dtype (Python TypeError)
  kLookup = 102,   // no gradient registered (Python LookupError)
  kRuntime = 103,  // misuse such as a finalized graph or a closed session (RuntimeError)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

template <typename... Parts>
std::string str_cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

template <typename... Parts>
[[noreturn]] void raise(ErrorCode code, const Parts&... parts) {
  throw Error(code, str_cat(parts...));
}

#define VF_CHECK(cond, code, ...)                       \
  do {                                                  \
    if (!(cond)) ::varflow::raise((code), __VA_ARGS__); \
  } while (false)

}  // namespace varflow
