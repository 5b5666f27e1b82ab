// tf.map_fn, tf.scan, tf.foldl and tf.foldr: the Python function is called back to build each
// step over flat lists of tensors; nested structures are the Python layer's business.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "varflow/train/functional.h"

namespace varflow::bindings {

namespace py = pybind11;

namespace {

train::LoopFnOptions loop_options(bool back_prop, bool infer_shape, const std::string& name) {
  train::LoopFnOptions options;
  options.back_prop = back_prop;
  options.infer_shape = infer_shape;
  options.name = name;
  return options;
}

}  // namespace

void bind_functional(py::module_& m) {
  m.def(
      "map_fn",
      [](Graph& g, const train::ElementFn& fn, const std::vector<Output>& elems,
         const std::vector<DType>& dtypes, bool back_prop, bool infer_shape,
         const std::string& name) {
        return train::map_fn(g, fn, elems, dtypes, loop_options(back_prop, infer_shape, name));
      },
      py::arg("graph"), py::arg("fn"), py::arg("elems"), py::arg("dtypes"), py::arg("back_prop"),
      py::arg("infer_shape"), py::arg("name"),
      "tf.map_fn over flat elems; returns the flat stacked results.");
  m.def(
      "scan",
      [](Graph& g, const train::AccumulatorFn& fn, const std::vector<Output>& elems,
         std::optional<std::vector<Output>> initializer, bool reverse, bool back_prop,
         bool infer_shape, const std::string& name) {
        return train::scan(g, fn, elems, initializer, reverse,
                           loop_options(back_prop, infer_shape, name));
      },
      py::arg("graph"), py::arg("fn"), py::arg("elems"), py::arg("initializer"), py::arg("reverse"),
      py::arg("back_prop"), py::arg("infer_shape"), py::arg("name"),
      "tf.scan over flat elems; returns the flat stacked accumulators.");
  m.def(
      "fold",
      [](Graph& g, const train::AccumulatorFn& fn, const std::vector<Output>& elems,
         std::optional<std::vector<Output>> initializer, bool reverse, bool back_prop,
         const std::string& name) {
        const train::LoopFnOptions options = loop_options(back_prop, true, name);
        return reverse ? train::foldr(g, fn, elems, initializer, options)
                       : train::foldl(g, fn, elems, initializer, options);
      },
      py::arg("graph"), py::arg("fn"), py::arg("elems"), py::arg("initializer"), py::arg("reverse"),
      py::arg("back_prop"), py::arg("name"),
      "tf.foldl (tf.foldr when reverse) over flat elems; returns the flat last accumulator.");
}

}  // namespace varflow::bindings
