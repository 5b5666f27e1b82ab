// The C++ GraphDef/MetaGraphDef reader and writer (varflow/graph_def.h), for the tests that
// check it against the Python layer's protobuf code: conversions only.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "varflow/graph_def.h"

namespace py = pybind11;

namespace varflow::bindings {

namespace {

py::object item_to_py(const CollectionItem& item) {
  if (const auto* node = std::get_if<Node*>(&item))
    return py::cast(*node, py::return_value_policy::reference);
  return py::cast(std::get<Output>(item));
}

}  // namespace

void bind_graph_def(py::module_& m) {
  m.def(
      "graph_def_from_cpp",
      [](const Graph& graph, bool add_shapes, bool clear_devices, int from_version) {
        GraphDefOptions options;
        options.add_shapes = add_shapes;
        options.clear_devices = clear_devices;
        options.from_version = from_version;
        return py::bytes(graph_to_graph_def(graph, options));
      },
      py::arg("graph"), py::arg("add_shapes") = false, py::arg("clear_devices") = false,
      py::arg("from_version") = 0);
  m.def(
      "control_flow_node_attrs",
      [](const Node& node) {
        py::dict out;
        for (const auto& [key, value] : control_flow_node_attrs(node))
          out[py::str(key)] = py::bytes(value);
        return out;
      },
      py::arg("node"),
      "The internal attributes (name: serialized AttrValue) that carry the node's control-flow "
      "region structure in a GraphDef; empty outside control flow.");
  m.def(
      "import_graph_def_cpp",
      [](Graph& graph, const py::bytes& data, const std::string& name,
         const std::map<std::string, Output>& input_map,
         const std::vector<std::string>& return_elements) {
        ImportGraphDefOptions options;
        options.name = name;
        options.input_map = input_map;
        options.return_elements = return_elements;
        ImportGraphDefResult result = import_graph_def(graph, std::string(data), options);
        py::list items;
        for (const CollectionItem& item : result.return_elements) items.append(item_to_py(item));
        return py::make_tuple(items, result.warnings);
      },
      py::arg("graph"), py::arg("data"), py::arg("name") = "import",
      py::arg("input_map") = std::map<std::string, Output>{},
      py::arg("return_elements") = std::vector<std::string>{});
  m.def(
      "export_meta_graph_cpp",
      [](const Graph& graph, const std::string& export_scope, bool clear_devices,
         bool strip_default_attrs, int max_to_keep) {
        MetaGraphExportOptions options;
        options.export_scope = export_scope;
        options.clear_devices = clear_devices;
        options.strip_default_attrs = strip_default_attrs;
        if (max_to_keep >= 0) {
          SaverDef saver;
          saver.max_to_keep = max_to_keep;
          options.saver_def = saver;
        }
        return py::bytes(export_meta_graph(graph, options));
      },
      py::arg("graph"), py::arg("export_scope") = "", py::arg("clear_devices") = false,
      py::arg("strip_default_attrs") = false, py::arg("max_to_keep") = -1);
  m.def(
      "import_meta_graph_cpp",
      [](Graph& graph, const py::bytes& data, const std::string& import_scope, bool clear_devices) {
        MetaGraphImportOptions options;
        options.import_scope = import_scope;
        options.clear_devices = clear_devices;
        ImportedMetaGraph meta = import_meta_graph(graph, std::string(data), options);
        py::list saver_variables;
        for (const auto& [key, node] : meta.saver_variables)
          saver_variables.append(
              py::make_tuple(key, py::cast(node, py::return_value_policy::reference)));
        py::dict out;
        out["saver_variables"] = saver_variables;
        out["has_saver_def"] = meta.saver_def.has_value();
        py::dict bytes_collections;
        for (const auto& [key, values] : meta.bytes_collections) {
          py::list items;
          for (const std::string& v : values) items.append(py::bytes(v));
          bytes_collections[py::str(key)] = items;
        }
        out["bytes_collections"] = bytes_collections;
        out["int64_collections"] = meta.int64_collections;
        out["float_collections"] = meta.float_collections;
        out["warnings"] = meta.warnings;
        return out;
      },
      py::arg("graph"), py::arg("data"), py::arg("import_scope") = "",
      py::arg("clear_devices") = false);
}

}  // namespace varflow::bindings
