// Session and compiled plans. The GIL is released while a plan runs.
#include <pybind11/stl.h>

#include "bindings.h"
#include "numpy_tensor.h"
#include "varflow/errors.h"
#include "varflow/plan.h"
#include "varflow/session.h"

namespace varflow::bindings {

void bind_session(py::module_& m) {
  py::class_<Plan, std::shared_ptr<Plan>>(m, "Plan");

  py::class_<Session, std::shared_ptr<Session>>(m, "Session")
      .def(py::init([](std::shared_ptr<Graph> graph, int intra_op_threads) {
             SessionOptions options;
             options.intra_op_threads = intra_op_threads;
             return std::make_shared<Session>(std::move(graph), options);
           }),
           py::arg("graph"), py::arg("intra_op_threads") = 0)
      .def("prepare", &Session::prepare, py::arg("feeds"), py::arg("fetches"), py::arg("targets"))
      .def(
          "run",
          [](Session& s, Plan& plan, const py::list& feed_values,
             const std::vector<const Node*>& frozen_variables) {
            RunOptions options;
            options.frozen_variables = frozen_variables;
            std::vector<Tensor> feeds;
            feeds.reserve(feed_values.size());
            const std::vector<Output>& targets = plan_feeds(plan);
            for (py::handle v : feed_values) {
              feeds.push_back(tensor_from_numpy(v.cast<py::array>(), true));
              // TF1's session.py checks a feed's shape itself and raises ValueError; the C++
              // Session would report the same mismatch as InvalidArgument.
              const size_t i = feeds.size() - 1;
              if (i < targets.size() && !targets[i].shape().accepts(feeds[i].dims()))
                raise(ErrorCode::kValue, "Cannot feed value of shape ",
                      dims_to_string(feeds[i].dims()), " for Tensor '", targets[i].name(),
                      "', which has shape '", targets[i].shape().to_string(), "'");
            }
            std::vector<Tensor> results;
            {
              py::gil_scoped_release release;
              results = s.run(plan, feeds, options);
              feeds.clear();
            }
            py::list out(results.size());
            for (size_t i = 0; i < results.size(); ++i) out[i] = numpy_from_tensor(results[i]);
            return out;
          },
          py::arg("plan"), py::arg("feed_values"),
          py::arg("frozen_variables") = std::vector<const Node*>{})
      .def("close", &Session::close)
      .def_property_readonly("closed", &Session::closed)
      .def("variable_value",
           [](Session& s, const Node* node) -> py::object {
             Tensor t = s.variable_value(node);  // a copy: NumPy owns it
             if (!t.defined()) return py::none();
             return array_from_tensor(t);
           })
      .def("set_variable_value",
           [](Session& s, const Node* node, const py::array& value) {
             s.set_variable_value(node, tensor_from_numpy(value, false));
           })
      .def("is_initialized", &Session::is_initialized);
}

}  // namespace varflow::bindings
