// varflow.horovod's process-level calls (init, shutdown, rank and size). The collective ops
// themselves are graph ops that Python builds with create_op; their kernels never enter Python.
#include <pybind11/stl.h>

#include "varflow/collective.h"

namespace py = pybind11;

namespace varflow::bindings {

void bind_collective(py::module_& m) {
  m.def(
      "hvd_init",
      [](const std::string& library) {
        py::gil_scoped_release release;
        collective::init(library);
      },
      py::arg("library") = "",
      "Starts MPI (loading `library`, else $VARFLOW_MPI_LIBRARY, else libmpi_abi.so.1) and the "
      "collective runtime's thread.");
  m.def(
      "hvd_shutdown",
      [] {
        py::gil_scoped_release release;
        collective::shutdown();
      },
      "Stops the collective runtime and finalizes MPI.");
  m.def("hvd_is_initialized", &collective::is_initialized);
  m.def("hvd_rank", &collective::rank);
  m.def("hvd_size", &collective::size);
  m.def("hvd_local_rank", &collective::local_rank);
  m.def("hvd_local_size", &collective::local_size);
  m.def("hvd_mpi_library_version", &collective::mpi_library_version);
  m.def("hvd_mpi_library_path", &collective::mpi_library_path);
}

}  // namespace varflow::bindings
