// Checkpoints: save/restore of a Session's variables and CheckpointReader. File I/O runs with
// the GIL released.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "numpy_tensor.h"
#include "varflow/checkpoint.h"
#include "varflow/errors.h"

namespace varflow::bindings {

namespace {

py::tuple entry_tuple(const CheckpointEntry& e) {
  return py::make_tuple(e.name, e.dtype_name, std::vector<int64_t>(e.dims.begin(), e.dims.end()));
}

// Any dtype NumPy knows is returned, so TF checkpoints holding float16 or uint8 still load.
py::array read_array(const CheckpointReader& reader, const std::string& name) {
  const CheckpointEntry& e = reader.entry(name);
  py::dtype dtype;
  try {
    dtype = py::dtype(e.dtype_name);
  } catch (const py::error_already_set&) {
    raise(ErrorCode::kUnimplemented, "Cannot read tensor '", name, "' of checkpoint ",
          reader.path(), ": NumPy has no dtype ", e.dtype_name);
  }
  reader.check_extent(name);
  std::vector<py::ssize_t> shape(e.dims.begin(), e.dims.end());
  py::array out(dtype, shape);
  const auto nbytes = static_cast<size_t>(out.nbytes());
  void* dst = out.mutable_data();
  {
    py::gil_scoped_release release;
    reader.read_bytes(name, dst, nbytes);
  }
  return out;
}

}  // namespace

void bind_checkpoint(py::module_& m) {
  py::class_<CheckpointReader, std::shared_ptr<CheckpointReader>>(m, "CheckpointReader")
      .def(py::init([](const std::string& prefix) {
             py::gil_scoped_release release;
             return std::make_shared<CheckpointReader>(prefix);
           }),
           py::arg("prefix"))
      .def_property_readonly("format", &CheckpointReader::format)
      .def_property_readonly("path", &CheckpointReader::path)
      .def("entries",
           [](const CheckpointReader& r) {
             py::list out;
             for (const CheckpointEntry& e : r.entries()) out.append(entry_tuple(e));
             return out;
           })
      .def("has_tensor", &CheckpointReader::has_tensor, py::arg("name"))
      .def("entry", [](const CheckpointReader& r,
                       const std::string& name) { return entry_tuple(r.entry(name)); })
      .def("get_tensor", &read_array, py::arg("name"))
      .def("metadata", &CheckpointReader::metadata);

  m.def(
      "save_checkpoint",
      [](Session& session, const std::vector<std::pair<std::string, const Node*>>& variables,
         const std::string& prefix, const std::map<std::string, std::string>& metadata) {
        py::gil_scoped_release release;
        return save_checkpoint(session, variables, prefix, metadata);
      },
      py::arg("session"), py::arg("variables"), py::arg("prefix"), py::arg("metadata"));
  m.def(
      "save_checkpoint_slices",
      [](Session& session, const std::vector<std::pair<std::string, const Node*>>& variables,
         const std::vector<std::optional<std::pair<std::vector<int64_t>, std::vector<int64_t>>>>&
             slices,
         const std::string& prefix, const std::map<std::string, std::string>& metadata) {
        std::vector<std::optional<VariableSlice>> parts;
        for (const auto& s : slices)
          parts.push_back(s ? std::optional<VariableSlice>(VariableSlice{Dims(s->first), s->second})
                            : std::nullopt);
        py::gil_scoped_release release;
        return save_checkpoint(session, variables, parts, prefix, metadata);
      },
      py::arg("session"), py::arg("variables"), py::arg("slices"), py::arg("prefix"),
      py::arg("metadata"));
  m.def(
      "restore_checkpoint_slices",
      [](Session& session, const std::vector<std::pair<std::string, const Node*>>& variables,
         const std::vector<std::optional<std::pair<std::vector<int64_t>, std::vector<int64_t>>>>&
             slices,
         const std::string& prefix, bool reshape) {
        std::vector<std::optional<VariableSlice>> parts;
        for (const auto& s : slices)
          parts.push_back(s ? std::optional<VariableSlice>(VariableSlice{Dims(s->first), s->second})
                            : std::nullopt);
        py::gil_scoped_release release;
        restore_checkpoint(session, variables, parts, prefix, reshape);
      },
      py::arg("session"), py::arg("variables"), py::arg("slices"), py::arg("prefix"),
      py::arg("reshape") = false);
  m.def(
      "restore_checkpoint",
      [](Session& session, const std::vector<std::pair<std::string, const Node*>>& variables,
         const std::string& prefix, bool reshape) {
        py::gil_scoped_release release;
        restore_checkpoint(session, variables, prefix, reshape);
      },
      py::arg("session"), py::arg("variables"), py::arg("prefix"), py::arg("reshape") = false);
  m.def("checkpoint_exists", &checkpoint_exists, py::arg("prefix"));
  m.def("checkpoint_filename", &checkpoint_filename, py::arg("prefix"));
  m.def(
      "atomic_write_file",
      [](const std::string& path, const std::string& contents) {
        py::gil_scoped_release release;
        write_file_atomically(path, contents);
      },
      py::arg("path"), py::arg("contents"));
}

}  // namespace varflow::bindings
