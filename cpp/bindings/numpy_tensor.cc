#include "numpy_tensor.h"

#include <cstring>

#include "varflow/errors.h"

namespace varflow::bindings {

DType dtype_from_numpy(const py::dtype& dtype) {
  switch (dtype.kind()) {
    case 'f':
      if (dtype.itemsize() == 4) return DType::kFloat32;
      if (dtype.itemsize() == 8) return DType::kFloat64;
      break;
    case 'i':
      if (dtype.itemsize() == 4) return DType::kInt32;
      if (dtype.itemsize() == 8) return DType::kInt64;
      break;
    case 'b':
      return DType::kBool;
    default:
      break;
  }
  raise(ErrorCode::kType, "Unsupported NumPy dtype ", std::string(py::str(dtype)));
}

py::dtype numpy_dtype(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return py::dtype::of<float>();
    case DType::kFloat64:
      return py::dtype::of<double>();
    case DType::kInt32:
      return py::dtype::of<int32_t>();
    case DType::kInt64:
      return py::dtype::of<int64_t>();
    case DType::kBool:
      return py::dtype::of<bool>();
    default:
      raise(ErrorCode::kType, "Tensor has no dtype");
  }
}

Tensor tensor_from_numpy(const py::array& array, bool borrow) {
  DType dtype = dtype_from_numpy(array.dtype());
  Dims dims(array.shape(), array.shape() + array.ndim());
  const bool contiguous = (array.flags() & py::array::c_style) != 0 &&
                          array.dtype().byteorder() != '>' &&
                          (reinterpret_cast<uintptr_t>(array.data()) % dtype_size(dtype)) == 0;
  if (borrow && contiguous)
    return Tensor::borrow(dtype, dims, const_cast<void*>(array.data()), nullptr);
  py::array c = py::array::ensure(array, py::array::c_style | py::array::forcecast);
  Tensor t(dtype, dims);
  if (t.nbytes()) std::memcpy(t.raw(), c.data(), t.nbytes());
  return t;
}

py::array array_from_tensor(const Tensor& tensor) {
  // NumPy multiplies every dimension by the item size, zeros aside, and refuses products past
  // its index range; an empty tensor such as (2**62, 4, 0) exists here but not there.
  int64_t bytes = static_cast<int64_t>(dtype_size(tensor.dtype()));
  for (int64_t d : tensor.dims())
    if (d != 0 && __builtin_mul_overflow(bytes, d, &bytes))
      raise(ErrorCode::kInvalidArgument, "Cannot return a ", dtype_name(tensor.dtype()),
            " tensor of shape ", dims_to_string(tensor.dims()),
            " as a NumPy array: the product of its non-zero dimensions exceeds NumPy's size limit");
  auto* owner = new Tensor(tensor);
  py::capsule keep_alive(owner, [](void* p) { delete static_cast<Tensor*>(p); });
  std::vector<py::ssize_t> shape(tensor.dims().begin(), tensor.dims().end());
  return py::array(numpy_dtype(tensor.dtype()), shape, tensor.raw(), keep_alive);
}

py::object numpy_from_tensor(const Tensor& tensor) {
  py::array array = array_from_tensor(tensor);
  if (tensor.rank() == 0) return array[py::tuple()];
  return std::move(array);
}

}  // namespace varflow::bindings
