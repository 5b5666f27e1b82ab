// TF1's array and math composites (tf.eye, sequence_mask, bincount, gather with batch_dims,
// boolean_mask, einsum,
// tensordot, logical_xor, log_sigmoid, count_nonzero, reduce_logsumexp, sort, argsort):
// conversions only. Arguments arrive as train::Arg so that C++ converts them at TF1's point.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings.h"
#include "varflow/train/array_math.h"
#include "varflow/train/math.h"

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
  m.def("batch_gather", &train::batch_gather, py::arg("graph"), py::arg("params"),
        py::arg("indices"), py::arg("batch_dims"), py::arg("axis"), py::arg("name"));
  m.def("boolean_mask", &train::boolean_mask, py::arg("graph"), py::arg("tensor"), py::arg("mask"),
        py::arg("axis"), py::arg("name"));
  m.def(
      "tensordot",
      [](Graph& g, Output a, Output b, int64_t axes, const std::string& name) {
        return train::tensordot(g, a, b, axes, name);
      },
      py::arg("graph"), py::arg("a"), py::arg("b"), py::arg("axes"), py::arg("name"));
  m.def(
      "tensordot",
      [](Graph& g, Output a, Output b, const std::vector<int64_t>& a_axes,
         const std::vector<int64_t>& b_axes, const std::string& name) {
        return train::tensordot(g, a, b, train::ContractionAxes{a_axes, b_axes}, name);
      },
      py::arg("graph"), py::arg("a"), py::arg("b"), py::arg("a_axes"), py::arg("b_axes"),
      py::arg("name"));
  m.def("logical_xor", &train::logical_xor, py::arg("x"), py::arg("y"), py::arg("name"));
  m.def("log_sigmoid", &train::log_sigmoid, py::arg("graph"), py::arg("x"), py::arg("name"));
  m.def("count_nonzero", &train::count_nonzero, py::arg("graph"), py::arg("x"), py::arg("axis"),
        py::arg("keepdims"), py::arg("dtype"), py::arg("name"));
  m.def("reduce_logsumexp", &train::reduce_logsumexp, py::arg("graph"), py::arg("x"),
        py::arg("axis"), py::arg("keepdims"), py::arg("name"));
  for (const char* fn : {"sort", "argsort"}) {
    const bool indices = std::string(fn) == "argsort";
    m.def(
        fn,
        [indices](Graph& g, Output values, int64_t axis, const std::string& direction,
                  const std::string& name) {
          const train::SortDirection d = train::parse_sort_direction(direction);
          return indices ? train::argsort(g, values, axis, d, name)
                         : train::sort(g, values, axis, d, name);
        },
        py::arg("graph"), py::arg("values"), py::arg("axis"), py::arg("direction"),
        py::arg("name"));
  }
}

}  // namespace varflow::bindings
