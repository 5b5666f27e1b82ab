// Element types. The names follow NumPy; tf_name() gives TensorFlow's spelling for messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace varflow {

enum class DType : int8_t { kInvalid = -1, kFloat32 = 0, kFloat64, kInt32, kInt64, kBool };

// Errors: only dtype_from_name throws (kType for an unknown name). The others never throw:
// for DType::kInvalid, dtype_size is 0 and the names are "invalid". All are thread-safe.
size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);             // "float32"
const char* dtype_tf_name(DType dtype);          // "float" as in TF error messages
DType dtype_from_name(const std::string& name);  // "float32" or "float"; kType if unknown
inline bool is_floating(DType d) { return d == DType::kFloat32 || d == DType::kFloat64; }
inline bool is_integer(DType d) { return d == DType::kInt32 || d == DType::kInt64; }
inline bool is_numeric(DType d) { return is_floating(d) || is_integer(d); }

template <typename T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType value = DType::kFloat32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType value = DType::kFloat64;
};
template <>
struct DTypeOf<int32_t> {
  static constexpr DType value = DType::kInt32;
};
template <>
struct DTypeOf<int64_t> {
  static constexpr DType value = DType::kInt64;
};
template <>
struct DTypeOf<bool> {
  static constexpr DType value = DType::kBool;
};

// Calls fn(T{}) with T the C++ type of `dtype`, for the types listed in the call's mask.
template <typename Fn>
decltype(auto) visit_dtype(DType dtype, Fn&& fn) {
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
      break;
  }
  return fn(float{});  // unreachable for valid dtypes; callers validate first
}

}  // namespace varflow
