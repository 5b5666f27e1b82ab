// TF1's queue runners for Python: the enqueue loop a QueueRunner thread runs (one call, GIL
// released, so no Python runs per element), the Coordinator's stop flag, runs with a timeout,
// and waking the queue ops blocked in a closing session.
#include <pybind11/stl.h>

#include "numpy_tensor.h"
#include "varflow/plan.h"
#include "varflow/queue_runner.h"

namespace py = pybind11;

namespace varflow::bindings {

void bind_queues(py::module_& m) {
  py::class_<StopFlag, std::shared_ptr<StopFlag>>(m, "StopFlag")
      .def(py::init<>())
      .def("request", &StopFlag::request)
      .def_property_readonly("requested", &StopFlag::requested);
  m.def(
      "run_enqueue_loop",
      [](Session& session, Plan& plan, std::shared_ptr<StopFlag> stop) {
        py::gil_scoped_release release;
        run_enqueue_loop(session, plan, stop.get());
      },
      py::arg("session"), py::arg("plan"), py::arg("stop") = nullptr,
      "Runs the plan until `stop` is requested or a run fails (its error is raised).");
  m.def(
      "run_with_timeout",
      [](Session& session, Plan& plan, const py::list& feed_values, int64_t timeout_ms) {
        std::vector<Tensor> feeds;
        for (py::handle v : feed_values)
          feeds.push_back(tensor_from_numpy(v.cast<py::array>(), true));
        std::vector<Tensor> results;
        {
          py::gil_scoped_release release;
          results = run_with_timeout(session, plan, feeds, timeout_ms);
          feeds.clear();
        }
        py::list out(results.size());
        for (size_t i = 0; i < results.size(); ++i) out[i] = numpy_from_tensor(results[i]);
        return out;
      },
      py::arg("session"), py::arg("plan"), py::arg("feed_values"), py::arg("timeout_ms"),
      "Session.run whose blocked queue ops fail with DeadlineExceeded after timeout_ms.");
  m.def(
      "cancel_queue_waits",
      [](Session& session) {
        py::gil_scoped_release release;
        cancel_queue_waits(session);
      },
      py::arg("session"), "Fails the queue ops blocked in the session's runs with Cancelled.");
}

}  // namespace varflow::bindings
