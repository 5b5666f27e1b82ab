// Graph, Node, Output, collections, variables and gradients.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "numpy_tensor.h"
#include "varflow/gradients.h"
#include "varflow/graph.h"
#include "varflow/op_registry.h"
#include "varflow/variable.h"

namespace varflow::bindings {

namespace {

// An int64 from a Python int, or a typed error saying what `what` was (pybind11's own
// cast_error would surface as an untyped RuntimeError).
int64_t int64_from_py(const py::handle& v, const std::string& what) {
  if (!py::isinstance<py::int_>(v))
    raise(ErrorCode::kType, what, " must be an int, got ", std::string(py::str(py::type::of(v))));
  try {
    return v.cast<int64_t>();
  } catch (const py::cast_error&) {
    raise(ErrorCode::kValue, what, " = ", std::string(py::str(v)), " does not fit in int64");
  }
}

}  // namespace

Shape shape_from_py(const py::handle& h) {
  if (h.is_none()) return Shape::unknown_rank();
  if (!py::isinstance<py::iterable>(h))
    raise(ErrorCode::kType, "A shape must be a list of dimensions or None, got ",
          std::string(py::str(py::type::of(h))));
  Dims dims;
  for (py::handle d : h) dims.push_back(d.is_none() ? kUnknownDim : int64_from_py(d, "Dimension"));
  return Shape(dims);
}

namespace {

py::object shape_to_py(const Shape& s) {
  if (!s.has_rank()) return py::none();
  py::list dims;
  for (int64_t d : s.dims()) dims.append(d < 0 ? py::object(py::none()) : py::object(py::int_(d)));
  return std::move(dims);
}

AttrValue attr_from_py(const std::string& key, const py::handle& v) {
  const std::string what = "Attribute '" + key + "'";
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>();
  if (py::isinstance<py::int_>(v)) return int64_from_py(v, what);
  if (py::isinstance<py::float_>(v)) return v.cast<double>();
  if (py::isinstance<py::str>(v)) return v.cast<std::string>();
  if (py::isinstance<DType>(v)) return v.cast<DType>();
  if (py::isinstance<Shape>(v)) return v.cast<Shape>();
  if (py::isinstance<py::array>(v)) return tensor_from_numpy(v.cast<py::array>(), false);
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    bool all_int = true, all_number = true;
    for (py::handle item : v) {
      const bool is_int = py::isinstance<py::int_>(item) && !py::isinstance<py::bool_>(item);
      all_int = all_int && is_int;
      all_number = all_number && (is_int || py::isinstance<py::float_>(item));
    }
    if (all_int) {
      std::vector<int64_t> ints;
      for (py::handle item : v) ints.push_back(int64_from_py(item, what + " element"));
      return ints;
    }
    if (!all_number)
      raise(ErrorCode::kType, what, " must be a list of ints or of floats, got ",
            std::string(py::str(v)));
    return v.cast<std::vector<double>>();
  }
  raise(ErrorCode::kType, "Unsupported value for attribute '", key,
        "': ", std::string(py::str(py::type::of(v))));
}

py::object attr_to_py(const AttrValue& v) {
  return std::visit(
      [](const auto& value) -> py::object {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, Tensor>)
          return array_from_tensor(value);
        else
          return py::cast(value);
      },
      v);
}

AttrMap attrs_from_py(const py::dict& d) {
  AttrMap attrs;
  for (auto [k, v] : d) attrs.set(k.cast<std::string>(), attr_from_py(k.cast<std::string>(), v));
  return attrs;
}

py::object item_to_py(const CollectionItem& item) {
  if (const auto* node = std::get_if<Node*>(&item))
    return py::cast(*node, py::return_value_policy::reference);
  return py::cast(std::get<Output>(item));
}

// Lets the Python layer keep collections in Python lists that C++ reads and appends to.
class PyCollectionStore : public CollectionStore {
 public:
  void add(const std::string& key, const CollectionItem& item) override {
    py::gil_scoped_acquire gil;
    override_of("add")(key, item_to_py(item));
  }
  std::vector<CollectionItem> get(const std::string& key) override {
    py::gil_scoped_acquire gil;
    std::vector<CollectionItem> out;
    for (py::handle h : override_of("get")(key)) {
      if (py::isinstance<Node>(h))
        out.emplace_back(h.cast<Node*>());
      else if (py::isinstance<Output>(h))
        out.emplace_back(h.cast<Output>());
    }
    return out;
  }
  std::vector<std::string> keys() override {
    py::gil_scoped_acquire gil;
    return override_of("keys")().cast<std::vector<std::string>>();
  }
  void clear(const std::string& key) override {
    py::gil_scoped_acquire gil;
    override_of("clear")(key);
  }

 private:
  py::function override_of(const char* name) {
    py::function f = py::get_override(static_cast<const CollectionStore*>(this), name);
    if (!f) raise(ErrorCode::kInternal, "CollectionStore subclass does not define ", name);
    return f;
  }
};

}  // namespace

void bind_graph(py::module_& m) {
  py::class_<Shape>(m, "Shape")
      .def(py::init([](const py::object& dims) { return shape_from_py(dims); }),
           py::arg("dims") = py::none())
      .def_property_readonly("dims", [](const Shape& s) { return shape_to_py(s); })
      .def("__repr__", &Shape::to_string);

  py::class_<Output>(m, "Output")
      .def_property_readonly(
          "node", [](const Output& o) { return o.node; }, py::return_value_policy::reference)
      .def_readonly("index", &Output::index)
      .def_property_readonly("dtype", &Output::dtype)
      .def_property_readonly("shape", [](const Output& o) { return shape_to_py(o.shape()); })
      .def_property_readonly("name", &Output::name)
      .def("__eq__", [](const Output& a, const Output& b) { return a == b; })
      .def("__hash__", [](const Output& o) {
        return std::hash<const void*>()(o.node) ^ static_cast<size_t>(o.index);
      });

  py::class_<Node, std::unique_ptr<Node, py::nodelete>>(m, "Node")
      .def_property_readonly("id", &Node::id)
      .def_property_readonly("name", &Node::name)
      .def_property_readonly("type", &Node::type)
      .def_property_readonly("inputs", &Node::inputs)
      .def_property_readonly("control_inputs", &Node::control_inputs,
                             py::return_value_policy::reference)
      .def_property_readonly("consumers", &Node::consumers, py::return_value_policy::reference)
      .def_property_readonly("num_outputs", &Node::num_outputs)
      .def_property_readonly("device", &Node::device)
      .def_property_readonly("graph_uid", [](const Node& n) { return n.graph().uid(); })
      .def(
          "output", [](Node& n, int i) { return n.output(i); }, py::arg("index") = 0)
      .def("output_dtype", &Node::output_dtype)
      .def("output_shape", [](const Node& n, int i) { return shape_to_py(n.output_shape(i)); })
      .def("attr_names",
           [](const Node& n) {
             std::vector<std::string> names;
             for (const auto& [k, v] : n.attrs().items()) names.push_back(k);
             return names;
           })
      .def("get_attr",
           [](const Node& n, const std::string& key) -> py::object {
             auto it = n.attrs().items().find(key);
             if (it == n.attrs().items().end())
               raise(ErrorCode::kValue, "Operation '", n.name(), "' has no attr named '", key,
                     "'.");
             return attr_to_py(it->second);
           })
      .def("is_stateful", [](const Node& n) { return n.op_def().stateful; })
      .def("__eq__", [](const Node& a, const Node& b) { return &a == &b; })
      .def("__hash__", [](const Node& n) { return std::hash<const void*>()(&n); });

  py::class_<CollectionStore, PyCollectionStore, std::shared_ptr<CollectionStore>>(
      m, "CollectionStore")
      .def(py::init<>());

  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph")
      .def(py::init<>())
      .def(
          "add_node",
          [](Graph& g, const std::string& type, const std::vector<Output>& inputs,
             const py::dict& attrs, const std::string& name) {
            AttrMap converted;
            try {
              converted = attrs_from_py(attrs);
            } catch (const Error& e) {
              raise(e.code(), e.what(), " (op '", type, "', node '", name.empty() ? type : name,
                    "')");
            }
            return g.add_node(type, inputs, std::move(converted), name);
          },
          py::arg("op_type"), py::arg("inputs"), py::arg("attrs") = py::dict(),
          py::arg("name") = "", py::return_value_policy::reference)
      .def("find_node", &Graph::find_node, py::return_value_policy::reference)
      .def("node", &Graph::node, py::return_value_policy::reference)
      .def_property_readonly("num_nodes", &Graph::num_nodes)
      .def("tensor_by_name", &Graph::tensor_by_name)
      .def("operation_by_name", &Graph::operation_by_name, py::return_value_policy::reference)
      .def("unique_name", &Graph::unique_name, py::arg("name"), py::arg("mark_as_used") = true)
      .def_property_readonly("name_scope", &Graph::name_scope)
      .def("set_name_scope", &Graph::set_name_scope)
      .def("push_control_dependencies", &Graph::push_control_dependencies, py::arg("nodes"),
           py::arg("replace") = false)
      .def("pop_control_dependencies", &Graph::pop_control_dependencies)
      .def("set_device", &Graph::set_device)
      .def_property_readonly("device", &Graph::device)
      .def("set_collection_store", &Graph::set_collection_store)
      .def("add_to_collection", &Graph::add_to_collection)
      .def("finalize", &Graph::finalize)
      .def("_unsafe_unfinalize", &Graph::unsafe_unfinalize)
      .def_property_readonly("finalized", &Graph::finalized)
      .def_property_readonly("uid", &Graph::uid)
      .def_property("seed", &Graph::seed, &Graph::set_seed)
      .def("next_op_seed", &Graph::next_op_seed)
      .def("variable_info",
           [](const Graph& g, const Node* node) -> py::object {
             const VariableInfo* info = g.variable_info(node);
             return info ? py::cast(*info) : py::none();
           })
      // import_meta_graph's VariableDefs: the imported nodes become a variable the core knows,
      // as the C++ importer's variable_from_def does, so optimizers and Savers take it.
      .def(
          "register_variable",
          [](Graph& g, Node* node, Node* initializer, const Output& initial_value,
             const Output& snapshot, bool trainable) -> VariableInfo {
            if (&node->graph() != &g || !node->op_def().is_variable)
              raise(ErrorCode::kValue, "'", node->name(), "' is a ", node->type(),
                    " node of this graph, not a variable");
            if (const VariableInfo* known = g.variable_info(node)) return *known;
            VariableInfo info;
            info.node = node;
            info.initializer = initializer;
            info.initial_value = initial_value;
            info.snapshot = snapshot;
            info.trainable = trainable;
            g.register_variable(info);
            return info;
          },
          py::arg("node"), py::arg("initializer"), py::arg("initial_value"), py::arg("snapshot"),
          py::arg("trainable"))
      // Tensor.set_shape: TF1 merges the claim into the static shape, so that ops built later
      // infer from it (and feeds are checked against it); an incompatible claim is a ValueError.
      .def(
          "merge_output_shape",
          [](Graph& g, Node& node, int index, const py::handle& shape) {
            if (index < 0 || index >= node.num_outputs())
              raise(ErrorCode::kValue, "Node '", node.name(), "' has no output ", index);
            const Shape claim = shape_from_py(shape);
            const Shape& current = node.output_shape(index);
            if (!current.compatible_with(claim))
              raise(ErrorCode::kValue, "Shapes ", current.to_string(), " and ", claim.to_string(),
                    " are incompatible");
            g.refine_output_shape(node, index, current.merge_with(claim));
          },
          py::arg("node"), py::arg("index"), py::arg("shape"));

  py::class_<VariableInfo>(m, "VariableInfo")
      .def_property_readonly(
          "node", [](const VariableInfo& v) { return v.node; }, py::return_value_policy::reference)
      .def_property_readonly(
          "initializer", [](const VariableInfo& v) { return v.initializer; },
          py::return_value_policy::reference)
      .def_readonly("initial_value", &VariableInfo::initial_value)
      .def_readonly("snapshot", &VariableInfo::snapshot)
      .def_readonly("trainable", &VariableInfo::trainable);

  m.def(
      "create_variable",
      [](Graph& g, const std::function<Output()>& initial_value, const std::string& name,
         bool trainable, const std::vector<std::string>& collections, bool validate_shape,
         std::optional<DType> dtype) {
        VariableOptions options;
        options.name = name;
        options.trainable = trainable;
        options.collections = collections;
        options.validate_shape = validate_shape;
        options.dtype = dtype;
        Variable v = Variable::create(g, [&](Graph&) { return initial_value(); }, options);
        return *g.variable_info(v.node());
      },
      py::arg("graph"), py::arg("initial_value"), py::arg("name"), py::arg("trainable"),
      py::arg("collections"), py::arg("validate_shape"), py::arg("dtype"),
      "Builds a variable; `initial_value` runs inside its name scope.");

  m.def(
      "gradients",
      [](const std::vector<Output>& ys, const std::vector<Output>& xs,
         const std::vector<std::optional<Output>>& grad_ys, const std::vector<Output>& stop,
         bool unconnected_zero, const std::string& name, bool gate_per_op) {
        GradientsOptions options;
        options.gate_per_op = gate_per_op;
        options.grad_ys = grad_ys;
        options.stop_gradients = stop;
        options.unconnected =
            unconnected_zero ? UnconnectedGradients::kZero : UnconnectedGradients::kNone;
        options.name = name;
        return gradients(ys, xs, options);
      },
      py::arg("ys"), py::arg("xs"), py::arg("grad_ys"), py::arg("stop_gradients"),
      py::arg("unconnected_zero"), py::arg("name"), py::arg("gate_per_op") = false);
}

}  // namespace varflow::bindings
