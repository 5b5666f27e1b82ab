// tf.cond and tf.while_loop: the Python functions are called back while their regions are
// being built; nested structures and TensorArrays are the Python layer's business.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "varflow/control_flow.h"
#include "varflow/graph.h"

namespace varflow::bindings {

namespace py = pybind11;

void bind_control_flow(py::module_& m) {
  m.def(
      "cond",
      [](Output pred, const std::function<std::vector<Output>()>& then_fn,
         const std::function<std::vector<Output>()>& else_fn,
         const std::string& name) { return ops::cond(pred, then_fn, else_fn, name); },
      py::arg("pred"), py::arg("then_fn"), py::arg("else_fn"), py::arg("name") = "cond",
      "Builds an If node over two branch regions; returns its outputs.");
  m.def(
      "while_loop",
      [](const std::function<Output(const std::vector<Output>&)>& cond,
         const std::function<std::vector<Output>(const std::vector<Output>&)>& body,
         const std::vector<Output>& loop_vars, const py::object& shape_invariants,
         std::optional<Output> maximum_iterations, bool back_prop, const std::string& name) {
        ops::WhileOptions options;
        if (!shape_invariants.is_none())
          for (py::handle s : shape_invariants)
            options.shape_invariants.push_back(shape_from_py(s));
        options.maximum_iterations = maximum_iterations;
        options.back_prop = back_prop;
        options.name = name;
        return ops::while_loop(cond, body, loop_vars, options);
      },
      py::arg("cond"), py::arg("body"), py::arg("loop_vars"), py::arg("shape_invariants"),
      py::arg("maximum_iterations"), py::arg("back_prop"), py::arg("name"),
      "Builds a While node over a loop region; returns the loop variables' final values.");
  m.def(
      "set_current_region",
      [](Graph& graph, int region) { return graph.set_current_region(region); }, py::arg("graph"),
      py::arg("region"),
      "Builds the next nodes in control-flow region `region` (-1: the top level); returns the "
      "previous one.");
  m.def(
      "current_region", [](const Graph& graph) { return graph.current_region(); }, py::arg("graph"),
      "The control-flow region new nodes go to (-1: the top level).");
  m.def(
      "node_region", [](const Node& node) { return node.region(); }, py::arg("node"),
      "The control-flow region a node was built in (-1: the top level).");
}

}  // namespace varflow::bindings
