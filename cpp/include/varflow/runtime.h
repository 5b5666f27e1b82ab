// Process-wide runtime: the intra-op thread pool and the SIMD variant chosen at load time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace varflow {

struct BuildInfo {
  std::string version;
  std::string compiler;
  std::vector<std::string> compiled_isas;  // "baseline", "avx2", "avx512"
  std::vector<std::string> runnable_isas;  // the compiled ones this CPU can run
  std::string selected_isa;
  std::string blas;
  int num_threads = 1;
};

// None of these throw varflow::Error; all are thread-safe.
BuildInfo build_info();
// Sets the size of the intra-op pool (0 or negative = every core). Safe while sessions run on
// other threads: runs already under way finish on the pool they started with.
void set_num_threads(int n);
int num_threads();
// How many owned tensor buffers this process has allocated so far (buffers of caller memory
// not counted): read around runs, it shows that a compiled plan's steady-state runs
// allocate none.
int64_t owned_buffer_allocations();

}  // namespace varflow
