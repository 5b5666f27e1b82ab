#include "collective/mpi_api.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "varflow/errors.h"

namespace varflow::collective::mpi {

namespace {

std::mutex load_mu;
Api api_table{};
bool loaded = false;
std::string library_path;

template <typename F>
void resolve(void* lib, const char* name, F*& out) {
  void* sym = dlsym(lib, name);
  if (!sym)
    raise(ErrorCode::kFailedPrecondition, "The MPI library ", library_path, " has no ", name,
          ": it does not implement the MPI standard ABI (set VARFLOW_MPI_LIBRARY to a "
          "libmpi_abi.so from MPICH >= 4.2)");
  out = reinterpret_cast<F*>(sym);
}

}  // namespace

const Api& load(const std::string& path) {
  std::lock_guard<std::mutex> lock(load_mu);
  if (loaded) return api_table;
  std::string chosen = path;
  if (chosen.empty()) {
    const char* env = std::getenv("VARFLOW_MPI_LIBRARY");
    chosen = env && *env ? env : "libmpi_abi.so.1";
  }
  library_path = chosen;
  // RTLD_GLOBAL: MPICH loads its network providers (libfabric, UCX) itself and they resolve
  // MPI's symbols through the global scope.
  void* lib = dlopen(chosen.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!lib) {
    const char* why = dlerror();
    raise(ErrorCode::kFailedPrecondition, "Cannot load the MPI library '", chosen,
          "': ", why ? why : "unknown error",
          ". Install it with pip install 'varflow[distributed]' (the mpich wheel) or set "
          "VARFLOW_MPI_LIBRARY to an MPI standard-ABI library (libmpi_abi.so)");
  }
  Api a{};
  resolve(lib, "MPI_Init_thread", a.Init_thread);
  resolve(lib, "MPI_Initialized", a.Initialized);
  resolve(lib, "MPI_Finalized", a.Finalized);
  resolve(lib, "MPI_Finalize", a.Finalize);
  resolve(lib, "MPI_Abort", a.Abort);
  resolve(lib, "MPI_Comm_dup", a.Comm_dup);
  resolve(lib, "MPI_Comm_free", a.Comm_free);
  resolve(lib, "MPI_Comm_split_type", a.Comm_split_type);
  resolve(lib, "MPI_Comm_rank", a.Comm_rank);
  resolve(lib, "MPI_Comm_size", a.Comm_size);
  resolve(lib, "MPI_Comm_set_errhandler", a.Comm_set_errhandler);
  resolve(lib, "MPI_Iallreduce", a.Iallreduce);
  resolve(lib, "MPI_Ibcast", a.Ibcast);
  resolve(lib, "MPI_Iallgather", a.Iallgather);
  resolve(lib, "MPI_Iallgatherv", a.Iallgatherv);
  resolve(lib, "MPI_Allreduce", a.Allreduce);
  resolve(lib, "MPI_Bcast", a.Bcast);
  resolve(lib, "MPI_Allgatherv", a.Allgatherv);
  resolve(lib, "MPI_Test", a.Test);
  resolve(lib, "MPI_Op_create", a.Op_create);
  resolve(lib, "MPI_Op_free", a.Op_free);
  resolve(lib, "MPI_Error_string", a.Error_string);
  resolve(lib, "MPI_Get_library_version", a.Get_library_version);
  api_table = a;
  loaded = true;
  return api_table;
}

const std::string& loaded_path() { return library_path; }

std::string error_string(int code) {
  if (!loaded) return "MPI error " + std::to_string(code);
  char text[kMaxErrorString];
  int len = 0;
  if (api_table.Error_string(code, text, &len) != kSuccess)
    return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<size_t>(len));
}

}  // namespace varflow::collective::mpi
