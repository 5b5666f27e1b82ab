// varflow._core: the pybind11 module over the C++ core.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "bindings.h"
#include "varflow/errors.h"
#include "varflow/op_registry.h"
#include "varflow/runtime.h"

namespace py = pybind11;
using namespace varflow;

namespace varflow::bindings {
void bind_train_utils(py::module_& m);     // train_utils_bindings.cc
void bind_checkpoint(py::module_& m);      // checkpoint_bindings.cc
void bind_eager(py::module_& m);           // eager_bindings.cc
void bind_queues(py::module_& m);          // queue_bindings.cc
void bind_data(py::module_& m);            // data_bindings.cc
void bind_control_flow(py::module_& m);    // control_flow_bindings.cc
void bind_host_functions(py::module_& m);  // host_function_bindings.cc
void bind_collective(py::module_& m);      // collective_bindings.cc
void bind_graph_def(py::module_& m);       // graph_def_bindings.cc
void bind_layers(py::module_& m);          // layer_bindings.cc
void bind_rnn_cells(py::module_& m);       // rnn_bindings.cc
void bind_metrics(py::module_& m);         // metrics_bindings.cc
void bind_array_math(py::module_& m);      // array_bindings.cc
void bind_functional(py::module_& m);      // functional_bindings.cc
}  // namespace varflow::bindings

namespace {

// Python exception classes per error code, registered by varflow.errors at import.
py::dict& error_classes() {
  static py::dict* classes = new py::dict();
  return *classes;
}

// The message as a Python str; bytes that are not UTF-8 (a file path, say) become U+FFFD
// instead of failing the translation with a UnicodeDecodeError.
py::str message_of(const Error& e) {
  PyObject* text =
      PyUnicode_DecodeUTF8(e.what(), static_cast<Py_ssize_t>(std::strlen(e.what())), "replace");
  if (!text) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

void translate(const Error& e) {
  const int code = static_cast<int>(e.code());
  const py::str message = message_of(e);
  PyObject* cls = nullptr;
  switch (e.code()) {
    case ErrorCode::kValue:
      cls = PyExc_ValueError;
      break;
    case ErrorCode::kType:
      cls = PyExc_TypeError;
      break;
    case ErrorCode::kLookup:
      cls = PyExc_LookupError;
      break;
    case ErrorCode::kRuntime:
      cls = PyExc_RuntimeError;
      break;
    default:
      break;
  }
  if (cls) {
    PyErr_SetObject(cls, message.ptr());
    return;
  }
  py::dict& classes = error_classes();
  py::int_ key(code);
  if (classes.contains(key)) {
    py::object error_class = classes[key];
    py::object instance = error_class(py::none(), py::none(), message);
    PyErr_SetObject(error_class.ptr(), instance.ptr());
  } else {
    PyErr_SetObject(PyExc_RuntimeError, message.ptr());
  }
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "varflow's C++ core: graph, op registry, gradients, Session and kernels.";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      translate(e);
    }
  });
  m.def(
      "_register_error_class",
      [](int code, py::object cls) { error_classes()[py::int_(code)] = cls; },
      "Maps an error code to the Python exception class raised for it.");

  py::enum_<DType>(m, "DType")
      .value("float32", DType::kFloat32)
      .value("float64", DType::kFloat64)
      .value("int32", DType::kInt32)
      .value("int64", DType::kInt64)
      .value("bool", DType::kBool)
      .value("string", DType::kString)
      .value("int8", DType::kInt8)
      .value("int16", DType::kInt16)
      .value("uint8", DType::kUInt8)
      .value("uint16", DType::kUInt16)
      .value("uint32", DType::kUInt32)
      .value("uint64", DType::kUInt64)
      .value("float16", DType::kFloat16)
      .value("bfloat16", DType::kBFloat16)
      .value("complex64", DType::kComplex64)
      .value("complex128", DType::kComplex128);

  m.def(
      "build_info",
      [] {
        BuildInfo info = varflow::build_info();
        py::dict d;
        d["version"] = info.version;
        d["compiler"] = info.compiler;
        d["compiled_isas"] = info.compiled_isas;
        d["runnable_isas"] = info.runnable_isas;
        d["selected_isa"] = info.selected_isa;
        d["blas"] = info.blas;
        d["num_threads"] = info.num_threads;
        return d;
      },
      "Version, compiler, compiled, runnable and selected SIMD variants, BLAS and thread count.");
  m.def("set_num_threads", &varflow::set_num_threads, py::arg("n"),
        "Sets the intra-op thread pool size (0 = every core).");
  m.def("owned_buffer_allocations", &varflow::owned_buffer_allocations,
        "How many tensor buffers this process has allocated (a steady-state run adds none).");

  m.def(
      "registered_ops",
      [] {
        py::list out;
        for (const OpDef* def : OpRegistry::global().all()) {
          py::dict d;
          d["name"] = def->name;
          d["inputs"] = def->input_names;
          d["outputs"] = def->output_names;
          d["variadic"] = def->variadic_inputs;
          d["has_shape_fn"] = static_cast<bool>(def->shape_fn);
          d["has_kernel"] = def->kernel != nullptr;
          d["has_gradient"] = static_cast<bool>(def->grad);
          d["not_differentiable"] = def->not_differentiable;
          d["stateful"] = def->stateful;
          out.append(d);
        }
        return out;
      },
      "Every registered op with its signature and what it defines.");

  bindings::bind_graph(m);
  bindings::bind_session(m);
  bindings::bind_train(m);
  bindings::bind_train_utils(m);
  bindings::bind_checkpoint(m);
  bindings::bind_eager(m);
  bindings::bind_queues(m);
  bindings::bind_data(m);
  bindings::bind_control_flow(m);
  bindings::bind_host_functions(m);
  bindings::bind_collective(m);
  bindings::bind_graph_def(m);
  bindings::bind_layers(m);
  bindings::bind_rnn_cells(m);
  bindings::bind_metrics(m);
  bindings::bind_array_math(m);
  bindings::bind_functional(m);
}
