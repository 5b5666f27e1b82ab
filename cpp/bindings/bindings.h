#pragma once

#include <pybind11/pybind11.h>

#include "varflow/shape.h"

namespace varflow::bindings {
void bind_graph(pybind11::module_& m);
void bind_session(pybind11::module_& m);
void bind_train(pybind11::module_& m);
// A Shape from None (unknown rank) or a list of dimensions (None for unknown ones).
Shape shape_from_py(const pybind11::handle& h);
}  // namespace varflow::bindings
