#include "numpy_tensor.h"

#include <cstring>

#include "varflow/errors.h"

namespace varflow::bindings {

namespace {
// bfloat16 has no NumPy dtype of its own: ml_dtypes (what TensorFlow uses) provides it.
py::dtype bfloat16_dtype() {
  try {
    return py::dtype::from_args(py::module_::import("ml_dtypes").attr("bfloat16"));
  } catch (const py::error_already_set&) {
    raise(ErrorCode::kType,
          "bfloat16 tensors need the ml_dtypes package for their NumPy dtype: pip install "
          "ml_dtypes");
  }
}

bool is_bfloat16(const py::dtype& dtype) {
  return dtype.itemsize() == 2 && std::string(py::str(dtype.attr("name"))) == "bfloat16";
}

// One element of an object array as TF1 takes it: bytes as they are, str as UTF-8.
void set_string(std::string& out, PyObject* item) {
  if (PyBytes_Check(item)) {
    out.assign(PyBytes_AS_STRING(item), static_cast<size_t>(PyBytes_GET_SIZE(item)));
    return;
  }
  if (PyUnicode_Check(item)) {
    Py_ssize_t size = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(item, &size);
    if (!utf8) throw py::error_already_set();
    out.assign(utf8, static_cast<size_t>(size));
    return;
  }
  py::handle h(item);
  raise(ErrorCode::kType, "Expected string, got ", std::string(py::repr(h)), " of type '",
        std::string(py::str(py::type::handle_of(h).attr("__name__"))), "' instead.");
}

Tensor strings_from_numpy(const py::array& array, const Dims& dims) {
  Tensor t(DType::kString, dims);
  std::string* out = t.data<std::string>();
  const int64_t n = t.num_elements();
  if (array.dtype().kind() == 'S') {  // fixed width, NUL-padded: NumPy's own item strips them
    py::array c = py::array::ensure(array, py::array::c_style);
    const size_t width = static_cast<size_t>(c.itemsize());
    const char* p = static_cast<const char*>(c.data());
    for (int64_t i = 0; i < n; ++i) {
      const char* item = p + static_cast<size_t>(i) * width;
      size_t len = width;
      while (len > 0 && item[len - 1] == '\0') --len;
      out[i].assign(item, len);
    }
    return t;
  }
  py::array objects = array.dtype().kind() == 'O' ? array : py::array(array.attr("astype")("O"));
  py::array c = py::array::ensure(objects, py::array::c_style);
  PyObject* const* items = static_cast<PyObject* const*>(c.data());
  for (int64_t i = 0; i < n; ++i) set_string(out[i], items[i]);
  return t;
}

py::object strings_to_numpy(const Tensor& tensor) {
  const std::string* in = tensor.data<std::string>();
  auto bytes = [](const std::string& s) { return py::bytes(s.data(), s.size()); };
  if (tensor.rank() == 0) return bytes(in[0]);
  std::vector<py::ssize_t> shape(tensor.dims().begin(), tensor.dims().end());
  py::array out(py::dtype("O"), shape);
  PyObject** items = static_cast<PyObject**>(out.mutable_data());
  for (int64_t i = 0; i < tensor.num_elements(); ++i) {
    PyObject* old = items[i];  // NumPy fills a new object array with None
    items[i] = bytes(in[i]).release().ptr();
    Py_XDECREF(old);
  }
  return std::move(out);
}
}  // namespace

DType dtype_from_numpy(const py::dtype& dtype) {
  const auto size = dtype.itemsize();
  switch (dtype.kind()) {
    case 'f':
      if (size == 2) return DType::kFloat16;
      if (size == 4) return DType::kFloat32;
      if (size == 8) return DType::kFloat64;
      break;
    case 'i':
      if (size == 1) return DType::kInt8;
      if (size == 2) return DType::kInt16;
      if (size == 4) return DType::kInt32;
      if (size == 8) return DType::kInt64;
      break;
    case 'u':
      if (size == 1) return DType::kUInt8;
      if (size == 2) return DType::kUInt16;
      if (size == 4) return DType::kUInt32;
      if (size == 8) return DType::kUInt64;
      break;
    case 'c':
      if (size == 8) return DType::kComplex64;
      if (size == 16) return DType::kComplex128;
      break;
    case 'b':
      return DType::kBool;
    case 'S':
    case 'U':
    case 'O':
      return DType::kString;
    case 'V':
      if (is_bfloat16(dtype)) return DType::kBFloat16;
      break;
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
    case DType::kString:
      return py::dtype("O");
    case DType::kInt8:
      return py::dtype::of<int8_t>();
    case DType::kInt16:
      return py::dtype::of<int16_t>();
    case DType::kUInt8:
      return py::dtype::of<uint8_t>();
    case DType::kUInt16:
      return py::dtype::of<uint16_t>();
    case DType::kUInt32:
      return py::dtype::of<uint32_t>();
    case DType::kUInt64:
      return py::dtype::of<uint64_t>();
    case DType::kFloat16:
      return py::dtype("float16");
    case DType::kBFloat16:
      return bfloat16_dtype();
    case DType::kComplex64:
      return py::dtype("complex64");
    case DType::kComplex128:
      return py::dtype("complex128");
    default:
      raise(ErrorCode::kType, "Tensor has no dtype");
  }
}

Tensor tensor_from_numpy(const py::array& array, bool borrow) {
  DType dtype = dtype_from_numpy(array.dtype());
  Dims dims(array.shape(), array.shape() + array.ndim());
  if (dtype == DType::kString) return strings_from_numpy(array, dims);
  // NumPy's alignment of complex128 is 8, not 16: borrowing needs only element alignment of
  // the component type.
  const size_t align = is_complex(dtype) ? dtype_size(dtype) / 2 : dtype_size(dtype);
  const bool contiguous = (array.flags() & py::array::c_style) != 0 &&
                          array.dtype().byteorder() != '>' &&
                          (reinterpret_cast<uintptr_t>(array.data()) % align) == 0;
  if (borrow && contiguous)
    return Tensor::borrow(dtype, dims, const_cast<void*>(array.data()), nullptr);
  py::array c = py::array::ensure(array, py::array::c_style | py::array::forcecast);
  Tensor t(dtype, dims);
  if (t.nbytes()) std::memcpy(t.raw(), c.data(), t.nbytes());
  return t;
}

py::array array_from_tensor(const Tensor& tensor) {
  if (tensor.dtype() == DType::kString) {
    if (tensor.rank() == 0) {  // an array, not the scalar strings_to_numpy gives
      py::array out(py::dtype("O"), std::vector<py::ssize_t>{});
      PyObject** item = static_cast<PyObject**>(out.mutable_data());
      PyObject* old = *item;
      const std::string& s = *tensor.data<std::string>();
      *item = py::bytes(s.data(), s.size()).release().ptr();
      Py_XDECREF(old);
      return out;
    }
    return strings_to_numpy(tensor).cast<py::array>();
  }
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
  if (tensor.dtype() == DType::kString) return strings_to_numpy(tensor);
  py::array array = array_from_tensor(tensor);
  if (tensor.rank() == 0) return array[py::tuple()];
  return std::move(array);
}

}  // namespace varflow::bindings
