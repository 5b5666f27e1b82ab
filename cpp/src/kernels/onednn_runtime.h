// What every oneDNN caller shares. oneDNN's wheel runs its primitives on GNU OpenMP's own team of
// every CPU; varflow's pool splits the work instead, and each part runs single-threaded on the pool
// thread that took it. On a machine shared with other work an OpenMP team spins at its barriers for
// descheduled members; the pool's parts need none.
#pragma once

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

namespace varflow::kernels::onednn {

// VARFLOW_ONEDNN=0 sends every convolution down the im2col path and every matrix product to the
// BLAS (to compare the two).
inline bool enabled() {
  static const bool on = [] {
    const char* v = std::getenv("VARFLOW_ONEDNN");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return on;
}

// The number is each calling thread's own OpenMP setting, so it is set per thread, once.
// libgomp comes with libdnnl.so.3; it is looked up rather than linked so that the build does not
// depend on which OpenMP the compiler would pick.
inline void single_threaded_here() {
  using SetThreads = void (*)(int);
  static const SetThreads set_threads =
      reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  thread_local bool done = false;
  if (set_threads && !done) {
    set_threads(1);
    done = true;
  }
}

}  // namespace varflow::kernels::onednn
