// TF1's array composites (tf.eye, tf.sequence_mask, tf.math.bincount, tf.einsum):
// conversions only. Arguments arrive as train::Arg so that C++ converts them at TF1's point.
#include <pybind11/stl.h>

#include "bindings.h"
#include "varflow/train/array_math.h"

namespace varflow::bindings {

namespace py = pybind11;

void bind_array_math(py::module_& m) {
  m.def("eye", &train::eye, py::arg("graph"), py::arg("num_rows"), py::arg("num_columns"),
        py::arg("batch_shape"), py::arg("dtype"), py::arg("name"));
  m.def("sequence_mask", &train::sequence_mask, py::arg("graph"), py::arg("lengths"),
        py::arg("maxlen"), py::arg("dtype"), py::arg("name"));
  m.def("bincount", &train::bincount, py::arg("graph"), py::arg("arr"), py::arg("weights"),
        py::arg("minlength"), py::arg("maxlength"), py::arg("dtype"), py::arg("name"));
  m.def("einsum", &train::einsum, py::arg("graph"), py::arg("equation"), py::arg("inputs"),
        py::arg("name"));
}

}  // namespace varflow::bindings
