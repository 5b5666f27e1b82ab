// How many owned tensor buffers this process has allocated: tests and benchmarks read it
// around runs to check that a compiled plan's steady-state runs allocate none.
#pragma once

#include <cstdint>

namespace varflow {

int64_t owned_buffer_allocations();  // never throws

}  // namespace varflow
