// Element types. The names follow NumPy; tf_name() gives TensorFlow's spelling for messages.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>

#include "varflow/half.h"

namespace varflow {

// The first five keep their values (they index kernel tables); TF1's other types follow.
enum class DType : int8_t {
  kInvalid = -1,
  kFloat32 = 0,
  kFloat64,
  kInt32,
  kInt64,
  kBool,
  kString,  // variable-length bytes: each element a std::string
  kInt8,
  kInt16,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat16,
  kBFloat16,
  kComplex64,
  kComplex128,
};
inline constexpr int kDTypeCount = 16;  // valid dtypes: 0 .. kDTypeCount - 1

using complex64 = std::complex<float>;
using complex128 = std::complex<double>;

// Errors: only dtype_from_name throws (kType for an unknown name). The others never throw:
// for DType::kInvalid, dtype_size is 0 and the names are "invalid". All are thread-safe.
size_t dtype_size(DType dtype);          // bytes per element; sizeof(std::string) for string
const char* dtype_name(DType dtype);     // "float32"
const char* dtype_tf_name(DType dtype);  // "float" as in TF error messages
DType dtype_from_name(const std::string& name);  // "float32" or "float"; kType if unknown
// TensorFlow's DataType enum value (DT_FLOAT = 1, DT_STRING = 7, ...); 0 for kInvalid.
int dtype_tf_enum(DType dtype);
DType dtype_from_tf_enum(int value);  // kInvalid for a value varflow has no dtype for

// The types the arithmetic kernels compute in (float32/64, int32/64): the ops written before
// the other dtypes existed test these, so they stay this narrow. TF's wider categories follow.
inline bool is_floating(DType d) { return d == DType::kFloat32 || d == DType::kFloat64; }
inline bool is_integer(DType d) { return d == DType::kInt32 || d == DType::kInt64; }
inline bool is_numeric(DType d) { return is_floating(d) || is_integer(d); }
inline bool is_valid(DType d) {
  return static_cast<int>(d) >= 0 && static_cast<int>(d) < kDTypeCount;
}
inline bool is_string(DType d) { return d == DType::kString; }
// As TF's DType.is_floating / is_integer / is_complex.
inline bool is_any_floating(DType d) {
  return is_floating(d) || d == DType::kFloat16 || d == DType::kBFloat16;
}
inline bool is_unsigned(DType d) {
  return d == DType::kUInt8 || d == DType::kUInt16 || d == DType::kUInt32 || d == DType::kUInt64;
}
inline bool is_any_integer(DType d) {
  return is_integer(d) || d == DType::kInt8 || d == DType::kInt16 || is_unsigned(d);
}
inline bool is_complex(DType d) { return d == DType::kComplex64 || d == DType::kComplex128; }
// The five types visit_dtype dispatches on: what every kernel written before the others takes.
inline bool is_classic(DType d) { return static_cast<int>(d) >= 0 && d <= DType::kBool; }

template <typename T>
struct DTypeOf;
#define VARFLOW_DTYPE_OF(T, D)               \
  template <>                                \
  struct DTypeOf<T> {                        \
    static constexpr DType value = DType::D; \
  };
VARFLOW_DTYPE_OF(float, kFloat32)
VARFLOW_DTYPE_OF(double, kFloat64)
VARFLOW_DTYPE_OF(int32_t, kInt32)
VARFLOW_DTYPE_OF(int64_t, kInt64)
VARFLOW_DTYPE_OF(bool, kBool)
VARFLOW_DTYPE_OF(std::string, kString)
VARFLOW_DTYPE_OF(int8_t, kInt8)
VARFLOW_DTYPE_OF(int16_t, kInt16)
VARFLOW_DTYPE_OF(uint8_t, kUInt8)
VARFLOW_DTYPE_OF(uint16_t, kUInt16)
VARFLOW_DTYPE_OF(uint32_t, kUInt32)
VARFLOW_DTYPE_OF(uint64_t, kUInt64)
VARFLOW_DTYPE_OF(Half, kFloat16)
VARFLOW_DTYPE_OF(BFloat16, kBFloat16)
VARFLOW_DTYPE_OF(complex64, kComplex64)
VARFLOW_DTYPE_OF(complex128, kComplex128)
#undef VARFLOW_DTYPE_OF

// kInvalidArgument "<what> is not supported for dtype <tf name>" (the executor adds the node).
[[noreturn]] void raise_unsupported_dtype(DType dtype, const char* what);

// Calls fn(T{}) with T the C++ type of `dtype`, for the five classic types only: kernels
// instantiated over it were written for those. Any other dtype raises kInvalidArgument
// ("... is not supported for dtype string") rather than reading the buffer as the wrong type.
template <typename Fn>
decltype(auto) visit_dtype(DType dtype, Fn&& fn, const char* what = "This op") {
  switch (dtype) {
    case DType::kFloat32:
      return fn(float{});
    case DType::kFloat64:
      return fn(double{});
    case DType::kInt32:
      return fn(int32_t{});
    case DType::kInt64:
      return fn(int64_t{});
    case DType::kBool:
      return fn(bool{});
    default:
      raise_unsupported_dtype(dtype, what);
  }
}

// As visit_dtype, over every fixed-size (numeric or bool) dtype: for kernels that only move,
// compare or convert elements. A string raises kInvalidArgument.
template <typename Fn>
decltype(auto) visit_numeric_dtype(DType dtype, Fn&& fn, const char* what = "This op") {
  switch (dtype) {
    case DType::kInt8:
      return fn(int8_t{});
    case DType::kInt16:
      return fn(int16_t{});
    case DType::kUInt8:
      return fn(uint8_t{});
    case DType::kUInt16:
      return fn(uint16_t{});
    case DType::kUInt32:
      return fn(uint32_t{});
    case DType::kUInt64:
      return fn(uint64_t{});
    case DType::kFloat16:
      return fn(Half{});
    case DType::kBFloat16:
      return fn(BFloat16{});
    case DType::kComplex64:
      return fn(complex64{});
    case DType::kComplex128:
      return fn(complex128{});
    default:
      return visit_dtype(dtype, std::forward<Fn>(fn), what);
  }
}

// Every dtype, std::string included.
template <typename Fn>
decltype(auto) visit_any_dtype(DType dtype, Fn&& fn, const char* what = "This op") {
  if (dtype == DType::kString) return fn(std::string{});
  return visit_numeric_dtype(dtype, std::forward<Fn>(fn), what);
}

}  // namespace varflow
