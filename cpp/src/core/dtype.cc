#include "varflow/dtype.h"

#include "varflow/errors.h"

namespace varflow {

namespace {
struct DTypeInfo {
  DType dtype;
  size_t size;
  const char* name;
  const char* tf_name;
  int tf_enum;  // tensorflow/core/framework/types.proto
};

constexpr DTypeInfo kInfo[] = {
    {DType::kFloat32, 4, "float32", "float", 1},
    {DType::kFloat64, 8, "float64", "double", 2},
    {DType::kInt32, 4, "int32", "int32", 3},
    {DType::kInt64, 8, "int64", "int64", 9},
    {DType::kBool, 1, "bool", "bool", 10},
    {DType::kString, sizeof(std::string), "string", "string", 7},
    {DType::kInt8, 1, "int8", "int8", 6},
    {DType::kInt16, 2, "int16", "int16", 5},
    {DType::kUInt8, 1, "uint8", "uint8", 4},
    {DType::kUInt16, 2, "uint16", "uint16", 17},
    {DType::kUInt32, 4, "uint32", "uint32", 22},
    {DType::kUInt64, 8, "uint64", "uint64", 23},
    {DType::kFloat16, 2, "float16", "half", 19},
    {DType::kBFloat16, 2, "bfloat16", "bfloat16", 14},
    {DType::kComplex64, 8, "complex64", "complex64", 8},
    {DType::kComplex128, 16, "complex128", "complex128", 18},
};
static_assert(std::size(kInfo) == kDTypeCount);

const DTypeInfo* info(DType dtype) {
  if (!is_valid(dtype)) return nullptr;
  const DTypeInfo& i = kInfo[static_cast<int>(dtype)];
  return i.dtype == dtype ? &i : nullptr;
}
}  // namespace

size_t dtype_size(DType dtype) {
  const DTypeInfo* i = info(dtype);
  return i ? i->size : 0;
}

const char* dtype_name(DType dtype) {
  const DTypeInfo* i = info(dtype);
  return i ? i->name : "invalid";
}

const char* dtype_tf_name(DType dtype) {
  const DTypeInfo* i = info(dtype);
  return i ? i->tf_name : "invalid";
}

int dtype_tf_enum(DType dtype) {
  const DTypeInfo* i = info(dtype);
  return i ? i->tf_enum : 0;
}

DType dtype_from_tf_enum(int value) {
  for (const DTypeInfo& i : kInfo)
    if (i.tf_enum == value) return i.dtype;
  return DType::kInvalid;
}

DType dtype_from_name(const std::string& name) {
  for (const DTypeInfo& i : kInfo)
    if (name == i.name || name == i.tf_name) return i.dtype;
  raise(ErrorCode::kType, "Unsupported dtype '", name, "'");
}

void raise_unsupported_dtype(DType dtype, const char* what) {
  raise(ErrorCode::kInvalidArgument, what, " is not supported for dtype ", dtype_tf_name(dtype));
}

}  // namespace varflow
