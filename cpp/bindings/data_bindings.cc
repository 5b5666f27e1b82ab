// tf.data's C++ pipelines for Python: dataset specs and traced functions built by
// python/varflow/data, the registry the iterator ops name them by, from_generator's Python
// generators (the only place a pipeline thread takes the GIL), and eager iteration.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "numpy_tensor.h"
#include "varflow/data.h"
#include "varflow/errors.h"

namespace py = pybind11;

namespace varflow::bindings {

namespace {

using data::DatasetSpec;
using data::Element;
using data::GraphFunction;

// A Python object that may be dropped by a pipeline thread: the reference goes with the GIL
// held, and is leaked when the interpreter is already gone.
struct PyRef {
  py::object obj;
  explicit PyRef(py::object o) : obj(std::move(o)) {}
  ~PyRef() {
    if (!Py_IsInitialized()) {
      obj.release();
      return;
    }
    py::gil_scoped_acquire gil;
    obj = py::object();
  }
};

// "TypeError: message" of the Python exception being handled (GIL held), without pybind11's
// traceback, for the InvalidArgument error TF raises for a failing generator.
std::string python_error(py::error_already_set& e) {
  return py::str(e.type().attr("__name__")).cast<std::string>() + ": " +
         py::str(e.value()).cast<std::string>();
}

// `make()` returns a Python iterator over elements, each a list of arrays of the declared
// dtypes (python/varflow/data converts what the user's generator yields).
data::GeneratorFn generator_from(py::object make) {
  auto factory = std::make_shared<PyRef>(std::move(make));
  return [factory]() -> std::function<bool(Element*)> {
    std::shared_ptr<PyRef> it;
    {
      py::gil_scoped_acquire gil;
      try {
        it = std::make_shared<PyRef>(factory->obj());
      } catch (py::error_already_set& e) {
        raise(ErrorCode::kInvalidArgument, python_error(e));
      }
    }
    return [it](Element* out) {
      py::gil_scoped_acquire gil;
      try {
        py::object value = it->obj.attr("__next__")();
        for (py::handle component : value)
          out->push_back(tensor_from_numpy(py::reinterpret_borrow<py::array>(component), false));
        return true;
      } catch (py::error_already_set& e) {
        if (e.matches(PyExc_StopIteration)) return false;
        raise(ErrorCode::kInvalidArgument, python_error(e));
      }
    };
  };
}

py::list to_python(const Element& element) {
  py::list out;
  for (const Tensor& t : element) out.append(numpy_from_tensor(t));
  return out;
}

}  // namespace

void bind_data(py::module_& m) {
  py::class_<GraphFunction, std::shared_ptr<GraphFunction>>(m, "DataFunction")
      .def(py::init([](std::shared_ptr<Graph> graph, std::vector<Output> args,
                       std::vector<Output> results, std::vector<int> captured,
                       std::shared_ptr<const DatasetSpec> dataset, std::string name) {
             auto fn = std::make_shared<GraphFunction>();
             fn->graph = std::move(graph);
             fn->args = std::move(args);
             fn->results = std::move(results);
             fn->captured = std::move(captured);
             fn->dataset = std::move(dataset);
             fn->name = std::move(name);
             return fn;
           }),
           py::arg("graph"), py::arg("args"), py::arg("results"), py::arg("captured"),
           py::arg("dataset"), py::arg("name"),
           "A traced dataset function: placeholders (element, then captured values), results.");
  py::class_<DatasetSpec, std::shared_ptr<DatasetSpec>>(m, "DatasetSpec")
      .def(py::init([](std::string kind, std::string name,
                       std::vector<std::shared_ptr<const DatasetSpec>> inputs,
                       std::vector<int> args, std::shared_ptr<const GraphFunction> fn,
                       std::map<std::string, int64_t> options, std::vector<DType> dtypes,
                       std::vector<Shape> shapes, py::object generator) {
             auto spec = std::make_shared<DatasetSpec>();
             spec->kind = std::move(kind);
             spec->name = std::move(name);
             spec->inputs = std::move(inputs);
             spec->args = std::move(args);
             spec->fn = std::move(fn);
             spec->options = std::move(options);
             spec->dtypes = std::move(dtypes);
             spec->shapes = std::move(shapes);
             if (!generator.is_none()) spec->generator = generator_from(std::move(generator));
             return spec;
           }),
           py::arg("kind"), py::arg("name"), py::arg("inputs"), py::arg("args"), py::arg("fn"),
           py::arg("options"), py::arg("dtypes"), py::arg("shapes"), py::arg("generator"),
           "One node of a tf.data pipeline (varflow/data.h).");
  m.def(
      "register_dataset",
      [](std::shared_ptr<const DatasetSpec> spec) {
        return data::register_dataset(std::move(spec));
      },
      "Registers a pipeline for the iterator ops' dataset_id attribute.");
  m.def("encode_shapes", &data::encode_shapes, "The iterator ops' output_shapes attribute.");

  // Eager iteration (a for loop over a Dataset): the pipeline bound to concrete values.
  struct EagerIterator {
    std::shared_ptr<const data::Dataset> dataset;
    std::unique_ptr<data::Iterator> iterator;
  };
  py::class_<EagerIterator>(m, "DatasetIterator")
      .def(py::init([](std::shared_ptr<const DatasetSpec> spec, const py::list& inputs) {
             std::vector<Tensor> values;
             for (py::handle v : inputs)
               values.push_back(tensor_from_numpy(v.cast<py::array>(), false));
             auto it = std::make_unique<EagerIterator>();
             py::gil_scoped_release release;
             it->dataset = data::bind_dataset(*spec, values);
             it->iterator = it->dataset->make_iterator();
             return it;
           }),
           py::arg("spec"), py::arg("inputs"))
      .def(
          "next",
          [](EagerIterator& it) -> py::object {
            Element element;
            bool got = false;
            {
              py::gil_scoped_release release;
              got = it.iterator && it.iterator->next(&element);
            }
            if (!got) return py::none();
            return to_python(element);
          },
          "The next element as a list of arrays, or None at the end.");
}

}  // namespace varflow::bindings
