// Python callables as host functions (tf.py_func): NumPy arrays in and out, the GIL taken for
// the call, and the callable's exception mapped to TF1's error class.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "numpy_tensor.h"
#include "varflow/errors.h"
#include "varflow/host_function.h"

namespace varflow::bindings {

namespace {

// Holds a Python object that may be released on a session thread (the last call of an
// unregistered function): the reference is dropped with the GIL held.
class PyReference {
 public:
  explicit PyReference(py::object object) : object_(std::move(object)) {}
  PyReference(const PyReference& other) {
    py::gil_scoped_acquire gil;
    object_ = other.object_;
  }
  PyReference& operator=(const PyReference&) = delete;
  ~PyReference() {
    py::gil_scoped_acquire gil;
    object_ = py::object();
  }
  const py::object& get() const { return object_; }

 private:
  py::object object_;
};

// TF1's mapping (script_ops.py's FuncRegistry, py_func.cc) of a Python exception to the
// error of the run.
ErrorCode error_code_of(const py::error_already_set& e) {
  if (e.matches(PyExc_ValueError) || e.matches(PyExc_TypeError)) return ErrorCode::kInvalidArgument;
  if (e.matches(PyExc_StopIteration)) return ErrorCode::kOutOfRange;
  if (e.matches(PyExc_MemoryError)) return ErrorCode::kResourceExhausted;
  if (e.matches(PyExc_NotImplementedError)) return ErrorCode::kUnimplemented;
  return ErrorCode::kUnknown;
}

// "<Type>: <message>" and the traceback, as TF1 reports a failing py_func.
std::string describe(py::error_already_set& e) {
  py::object traceback = py::module_::import("traceback");
  py::list lines = traceback.attr("format_exception")(e.type(), e.value(), e.trace());
  std::string text;
  for (py::handle line : lines) text += line.cast<std::string>();
  std::string head = py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
                     py::str(e.value()).cast<std::string>();
  return head + "\n" + text;
}

std::vector<Tensor> call_python(const PyReference& fn, const std::vector<Tensor>& inputs) {
  py::gil_scoped_acquire gil;
  try {
    py::list args(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      args[i] = array_from_tensor(inputs[i]).attr("copy")();  // the callable may write to it
    py::object result = fn.get()(args);
    std::vector<Tensor> outputs;
    for (py::handle value : result)
      outputs.push_back(tensor_from_numpy(value.cast<py::array>(), false));
    return outputs;
  } catch (py::error_already_set& e) {
    const ErrorCode code = error_code_of(e);
    raise(code, describe(e));
  }
}

}  // namespace

void bind_host_functions(py::module_& m) {
  m.def(
      "register_host_function",
      [](const std::string& token, py::object fn) {
        PyReference reference(std::move(fn));
        register_host_function(token, [reference](const std::vector<Tensor>& inputs) {
          return call_python(reference, inputs);
        });
      },
      py::arg("token"), py::arg("fn"),
      "Registers fn(list of arrays) -> list of arrays as the host function `token`.");
  m.def("unregister_host_function", &unregister_host_function, py::arg("token"));
  m.def("has_host_function", &has_host_function, py::arg("token"));
}

}  // namespace varflow::bindings
