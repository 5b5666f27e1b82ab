// Host functions: code of the embedding program that a graph calls back into by token, as
// TF1's tf.py_func does. The PyFunc, PyFuncStateless and EagerPyFunc ops look the token up
// when they run and pass their inputs; the Python API registers Python callables here, and a
// C++ host can register its own functions under tokens of its choosing.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "varflow/tensor.h"

namespace varflow {

// Receives the op's inputs and returns its outputs, whose count and dtypes the op checks
// against its Tout attribute. To fail the step, throw varflow::Error: its code and message
// become the run's error (the op adds its node name). A host function may be called from any
// of the session's threads, and from several at once when independent ops call it.
using HostFunction = std::function<std::vector<Tensor>(const std::vector<Tensor>& inputs)>;

// Registers `fn` under `token`, replacing any function registered under it before.
// Thread-safe.
void register_host_function(const std::string& token, HostFunction fn);

// Removes the function registered under `token`, if any; a step that runs it later fails with
// kInvalidArgument. Calls already under way finish with the function they started with.
// Thread-safe.
void unregister_host_function(const std::string& token);

// Whether a function is registered under `token`. Thread-safe.
bool has_host_function(const std::string& token);

}  // namespace varflow
