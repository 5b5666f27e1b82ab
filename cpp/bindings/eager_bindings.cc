// varflow._core.EagerContext: eager execution's context and the values of what it ran.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

#include "numpy_tensor.h"
#include "varflow/eager.h"

namespace py = pybind11;

namespace varflow::bindings {

namespace {

// The tensor behind an array that array_from_tensor made (the array is the whole tensor), so
// that an eager result used again becomes a constant without a copy; else a copy.
Tensor tensor_of_array(const py::array& array) {
  py::handle base = array.base();
  if (base && PyCapsule_CheckExact(base.ptr())) {
    auto* owner = static_cast<Tensor*>(PyCapsule_GetPointer(base.ptr(), nullptr));
    if (owner && owner->defined() && owner->raw() == array.data() &&
        static_cast<py::ssize_t>(owner->num_elements()) == array.size() &&
        owner->dtype() == dtype_from_numpy(array.dtype()) &&
        (array.flags() & py::array::c_style) != 0 &&
        owner->rank() == static_cast<int>(array.ndim()))
      return *owner;
  }
  return tensor_from_numpy(array, false);
}

}  // namespace

void bind_eager(py::module_& m) {
  py::class_<EagerContext, std::shared_ptr<EagerContext>>(m, "EagerContext")
      .def(py::init<>())
      .def_property_readonly("graph", &EagerContext::graph_ptr)
      .def(
          "value",
          [](const EagerContext& ctx, const Output& output) {
            return array_from_tensor(ctx.value(output));
          },
          py::arg("output"))
      .def(
          "constant",
          [](EagerContext& ctx, const py::array& value, const std::string& name) {
            return ctx.constant(tensor_of_array(value), name);
          },
          py::arg("value"), py::arg("name") = "Const")
      .def_property_readonly("transient_nodes", &EagerContext::transient_nodes)
      .def_property_readonly("epoch", &EagerContext::epoch)
      .def("release_transient", &EagerContext::release_transient)
      .def("make_function", &EagerContext::make_function, py::arg("first_node"), py::arg("inputs"),
           py::arg("outputs"))
      .def(
          "call",
          [](EagerContext& ctx, const EagerFunction& function, const py::list& inputs) {
            std::vector<Tensor> values;
            for (const py::handle& v : inputs)
              values.push_back(tensor_of_array(v.cast<py::array>()));
            std::vector<Tensor> outputs = ctx.call(function, values);
            py::list results;
            for (const Tensor& t : outputs) results.append(array_from_tensor(t));
            return results;
          },
          py::arg("function"), py::arg("inputs"));
  py::class_<EagerFunction, std::shared_ptr<EagerFunction>>(m, "EagerFunction")
      .def_property_readonly("num_steps", [](const EagerFunction& f) { return f.steps.size(); });
}

}  // namespace varflow::bindings
