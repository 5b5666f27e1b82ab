// Data-parallel training over MPI: Horovod's collectives as graph ops, and the C++ side of
// Horovod's TF1 API (init, rank/size, allreduce/allgather/broadcast builders, distributed
// gradients, broadcasting the global variables).
//
// MPI is loaded at run time (dlopen), never linked: a program that never calls init() needs
// no MPI. init() loads, in this order, the library it is given, the one named by the
// environment variable VARFLOW_MPI_LIBRARY, or "libmpi_abi.so.1" from the loader's search path;
// it must implement the MPI-5 standard ABI (MPICH >= 4.2's libmpi_abi.so, which the `mpich`
// wheel ships; the Python layer finds the wheel's copy by itself). A host points it at a
// system MPI by building that MPI with its standard-ABI library and setting VARFLOW_MPI_LIBRARY.
//
// A background thread owns MPI: kernels hand it their tensors and wait. Each cycle the ranks
// exchange the names of the tensors they have ready; a tensor is reduced when every rank has
// it, so ranks may submit in different orders. Allreduces of one dtype and op that are ready
// together are packed into one fusion buffer of at most HOROVOD_FUSION_THRESHOLD bytes
// (default 64 MB, 0 turns fusion off) and reduced with one MPI call. As Horovod's response
// cache, every rank remembers up to HOROVOD_CACHE_CAPACITY tensors (default 1024, 0 turns it
// off) once they are done, and announces one again with the same shape by a 4-byte id.
//
// Errors (raised by the op's kernel, naming the node):
//   FailedPrecondition  a collective before init(), or after shutdown() or another rank's
//                       shutdown; tensors of one name whose shapes, dtypes or ops differ
//                       across ranks (the message names the tensor and each rank's shape).
//   DeadlineExceeded    a tensor that some ranks submitted and others did not within
//                       HOROVOD_STALL_SHUTDOWN_TIME_SECONDS (default 60; the ranks missing
//                       are named).
//   Unavailable         a rank stopped taking part in the exchange (died or hung) for that
//                       long; every later collective of this process fails the same way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "varflow/graph.h"
#include "varflow/train/optimizer.h"
#include "varflow/variable.h"

namespace varflow::collective {

// Horovod's numbering (hvd.Average, hvd.Sum).
enum class ReduceOp : int { kAverage = 0, kSum = 1 };

// Starts MPI (MPI_Init_thread) and the background thread; a second call is a no-op.
// kFailedPrecondition when the library cannot be loaded or MPI fails to start.
void init(const std::string& mpi_library = "");
// Stops the background thread and finalizes MPI (collective: every rank should call it; the
// Python layer does at exit). Pending collectives fail with FailedPrecondition.
void shutdown();
bool is_initialized();
// kFailedPrecondition before init().
int rank();
int size();
int local_rank();
int local_size();
// The MPI library's version string and the path it was loaded from.
std::string mpi_library_version();
std::string mpi_library_path();

// --- graph builders ---------------------------------------------------------------------
// The sum or average of `tensor` over all ranks (float32/float64 for Average, also
// float16/int32/int64 for Sum). Differentiable: the gradient is the allreduce of the gradient.
Output allreduce(Graph& graph, Output tensor, ReduceOp op = ReduceOp::kAverage,
                 const std::string& name = "");
// One op for many tensors, reduced together (fused when they fit one buffer).
std::vector<Output> grouped_allreduce(Graph& graph, const std::vector<Output>& tensors,
                                      ReduceOp op = ReduceOp::kAverage,
                                      const std::string& name = "");
// The ranks' tensors concatenated along the first dimension (which may differ by rank).
Output allgather(Graph& graph, Output tensor, const std::string& name = "");
// root_rank's tensor on every rank.
Output broadcast(Graph& graph, Output tensor, int root_rank, const std::string& name = "");
// A NoOp assigning root_rank's value to every variable of `vars` (all global variables when
// empty), for hvd.broadcast_global_variables.
Node* broadcast_variables(Graph& graph, int root_rank, std::vector<Variable> vars = {},
                          const std::string& name = "broadcast_global_variables");

// --- distributed training -----------------------------------------------------------------
// The gradients of `grads_and_vars` averaged (or summed) over the ranks: one
// HorovodAllreduceStart per gradient, which the plan runs as soon as the gradient exists (its
// allreduce travels while the backward pass goes on; gradients ready together share fusion
// buffers), and one HorovodAllreduceWait giving the reduced gradients. A variable frozen in a
// run (RunOptions' live freezing) is not reduced in that run. Pairs without a gradient pass
// through. `fp16` sends float32 gradients as float16 and returns float32 (Horovod's
// Compression.fp16).
std::vector<train::GradAndVar> allreduce_gradients(
    Graph& graph, const std::vector<train::GradAndVar>& grads, ReduceOp op = ReduceOp::kAverage,
    bool fp16 = false, const std::string& name = "DistributedAllreduce");

// Horovod's DistributedOptimizer for a C++ host: compute_gradients of the wrapped optimizer,
// then allreduce_gradients; apply_gradients is the wrapped optimizer's. Scale the learning
// rate by size() (Horovod's convention) when averaging.
class DistributedOptimizer {
 public:
  explicit DistributedOptimizer(train::Optimizer& optimizer, ReduceOp op = ReduceOp::kAverage,
                                bool fp16 = false)
      : optimizer_(optimizer), op_(op), fp16_(fp16) {}
  std::vector<train::GradAndVar> compute_gradients(
      Output loss, const std::optional<std::vector<Variable>>& var_list = std::nullopt);
  Node* apply_gradients(const std::vector<train::GradAndVar>& grads_and_vars,
                        const std::optional<Variable>& global_step = std::nullopt);
  Node* minimize(Output loss, const std::optional<Variable>& global_step = std::nullopt,
                 const std::optional<std::vector<Variable>>& var_list = std::nullopt);
  train::Optimizer& optimizer() { return optimizer_; }

 private:
  train::Optimizer& optimizer_;
  ReduceOp op_;
  bool fp16_;
};

}  // namespace varflow::collective
