// The op families as one library of the registry (graph/op_library.h).
#include "graph/op_library.h"

#include "ops/op_families.h"

extern "C" {
// Nothing calls into this object; every program linking varflow::core asks the linker for
// this symbol (cpp/CMakeLists.txt), which keeps the object, its registration and every family.
extern const int varflow_op_library;
const int varflow_op_library = 1;
}

namespace {
const bool kRegistered = (varflow::add_op_library(&varflow::ops::register_all_ops), true);
}  // namespace
