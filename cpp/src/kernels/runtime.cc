#include "varflow/runtime.h"

#include "core/thread_pool.h"
#include "kernels/isa.h"
#include "kernels/matmul.h"

#ifndef VARFLOW_VERSION
#define VARFLOW_VERSION "0.0.0"
#endif

namespace varflow {

BuildInfo build_info() {
  BuildInfo info;
  info.version = VARFLOW_VERSION;
#if defined(__clang__)
  info.compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  info.compiler = std::string("gcc ") + __VERSION__;
#else
  info.compiler = "unknown";
#endif
  for (kernels::Isa isa : kernels::compiled_isas()) {
    info.compiled_isas.push_back(kernels::isa_name(isa));
    if (kernels::cpu_supports(isa)) info.runnable_isas.push_back(kernels::isa_name(isa));
  }
  info.selected_isa = kernels::isa_name(kernels::selected_isa());
  info.blas = kernels::blas_description();
  info.num_threads = ThreadPool::global().num_threads();
  return info;
}

void set_num_threads(int n) { ThreadPool::resize_global(n); }

int num_threads() { return ThreadPool::global().num_threads(); }

}  // namespace varflow
