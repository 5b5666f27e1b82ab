// The hook through which op libraries fill the global registry. The registry is the graph
// layer's, the op families are a layer above it (cpp/src/ops/op_library.cc): they announce
// themselves here at load time, so the graph layer never names them.
#pragma once

namespace varflow {

class OpRegistry;
using OpLibrary = void (*)(OpRegistry&);

// Runs `library` on OpRegistry::global(): when the registry is first used, or at once if it
// is already in use. Thread-safe; called from static initialisers.
void add_op_library(OpLibrary library);

}  // namespace varflow
