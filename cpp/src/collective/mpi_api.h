// The part of MPI that the collective layer calls, loaded at run time with dlopen so that
// neither the core nor the wheel links an MPI library and a program that never calls
// collective::init needs none. The handles are those of the MPI-5 standard ABI (mpi_abi.h of
// MPICH >= 4.2 / 5, libmpi_abi.so.1): their values are fixed by the standard, so no MPI header
// is needed at build time and any library implementing that ABI can be pointed at.
#pragma once

#include <string>

namespace varflow::collective::mpi {

// Opaque handle types of the standard ABI (pointer-sized, constants below).
using Comm = struct AbiComm*;
using Datatype = struct AbiDatatype*;
using Op = struct AbiOp*;
using Request = struct AbiRequest*;
using Info = struct AbiInfo*;
using Errhandler = struct AbiErrhandler*;
using UserFunction = void(void* in, void* inout, int* len, Datatype* type);

template <typename H>
H handle(unsigned long value) {
  return reinterpret_cast<H>(value);
}

inline Comm comm_world() { return handle<Comm>(0x101); }
inline Comm comm_null() { return handle<Comm>(0x100); }
inline Op op_sum() { return handle<Op>(0x21); }
inline Info info_null() { return handle<Info>(0x130); }
inline Errhandler errors_return() { return handle<Errhandler>(0x143); }
inline Request request_null() { return handle<Request>(0x180); }
inline Datatype type_float() { return handle<Datatype>(0x210); }
inline Datatype type_double() { return handle<Datatype>(0x214); }
inline Datatype type_byte() { return handle<Datatype>(0x247); }
inline Datatype type_uint16() { return handle<Datatype>(0x249); }
inline Datatype type_int32() { return handle<Datatype>(0x250); }
inline Datatype type_int64() { return handle<Datatype>(0x258); }
inline void* in_place() { return reinterpret_cast<void*>(1); }
constexpr int kSuccess = 0;
constexpr int kThreadMultiple = 4096;
constexpr int kCommTypeShared = 221;
constexpr int kMaxErrorString = 512;

// The entry points, resolved from the loaded library.
struct Api {
  int (*Init_thread)(int*, char***, int, int*);
  int (*Initialized)(int*);
  int (*Finalized)(int*);
  int (*Finalize)();
  int (*Abort)(Comm, int);
  int (*Comm_dup)(Comm, Comm*);
  int (*Comm_free)(Comm*);
  int (*Comm_split_type)(Comm, int, int, Info, Comm*);
  int (*Comm_rank)(Comm, int*);
  int (*Comm_size)(Comm, int*);
  int (*Comm_set_errhandler)(Comm, Errhandler);
  int (*Iallreduce)(const void*, void*, int, Datatype, Op, Comm, Request*);
  int (*Ibcast)(void*, int, Datatype, int, Comm, Request*);
  int (*Iallgather)(const void*, int, Datatype, void*, int, Datatype, Comm, Request*);
  int (*Iallgatherv)(const void*, int, Datatype, void*, const int*, const int*, Datatype, Comm,
                     Request*);
  int (*Allreduce)(const void*, void*, int, Datatype, Op, Comm);
  int (*Bcast)(void*, int, Datatype, int, Comm);
  int (*Allgatherv)(const void*, int, Datatype, void*, const int*, const int*, Datatype, Comm);
  int (*Test)(Request*, int*, void* status);
  int (*Op_create)(UserFunction*, int, Op*);
  int (*Op_free)(Op*);
  int (*Error_string)(int, char*, int*);
  int (*Get_library_version)(char*, int*);
};

// Loads the library once (later calls return the same table; a different path after a
// successful load is ignored). Which library: `path` when not empty, else the environment
// variable VARFLOW_MPI_LIBRARY, else "libmpi_abi.so.1" from the loader's search path.
// kFailedPrecondition naming the library and dlerror() when it cannot be loaded or lacks a
// symbol.
const Api& load(const std::string& path);
// The library load() opened ("" before).
const std::string& loaded_path();
// MPI's text for an error code.
std::string error_string(int code);

}  // namespace varflow::collective::mpi
