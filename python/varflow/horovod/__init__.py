"""Horovod's TF1 API on varflow: ``import varflow.horovod as hvd``.

Data-parallel training over MPI: launch one process per rank with ``mpiexec -n N python
script.py`` (the ``mpich`` wheel of ``pip install "varflow[distributed]"`` provides both the
library and ``mpiexec``), call `hvd.init()`, shard the data by `hvd.rank()`, wrap the optimizer
in `hvd.DistributedOptimizer`, and broadcast the initial variables from rank 0 with
`hvd.broadcast_global_variables(0)` or `hvd.BroadcastGlobalVariablesHook(0)`.

Environment: ``VARFLOW_MPI_LIBRARY`` (an MPI standard-ABI library to load instead of the
wheel's), ``HOROVOD_FUSION_THRESHOLD`` (fusion buffer bytes, default 64 MB, 0 disables fusion),
``HOROVOD_CYCLE_TIME`` (ms an idle runtime waits between negotiation rounds, default 1; a
tensor handed over starts a round at once), ``HOROVOD_CACHE_CAPACITY`` (tensors remembered by
every rank after their first round, default 1024, 0 disables: a remembered tensor with the same
shape is announced by a 4-byte id instead of its name and shape), ``HOROVOD_TIMELINE`` (a file
for rank 0's timeline,
a Chrome trace written at shutdown),
``HOROVOD_STALL_SHUTDOWN_TIME_SECONDS`` (default 60: a tensor some ranks never submit, or a
rank that stops responding, becomes an error after this long instead of a hang).
"""

from varflow.horovod.basics import (
    gloo_built,
    init,
    is_initialized,
    local_rank,
    local_size,
    mpi_built,
    mpi_enabled,
    mpi_library,
    mpi_threads_supported,
    nccl_built,
    rank,
    shutdown,
    size,
)
from varflow.horovod.compression import Compression, Compressor
from varflow.horovod.hooks import (
    BroadcastGlobalVariablesHook,
    broadcast_global_variables,
    broadcast_variables,
)
from varflow.horovod.mpi_ops import (
    Adasum,
    Average,
    Sum,
    allgather,
    allreduce,
    broadcast,
    grouped_allreduce,
)
from varflow.horovod.optimizer import DistributedOptimizer

__all__ = [
    "Adasum",
    "Average",
    "BroadcastGlobalVariablesHook",
    "Compression",
    "Compressor",
    "DistributedOptimizer",
    "Sum",
    "allgather",
    "allreduce",
    "broadcast",
    "broadcast_global_variables",
    "broadcast_variables",
    "gloo_built",
    "grouped_allreduce",
    "init",
    "is_initialized",
    "local_rank",
    "local_size",
    "mpi_built",
    "mpi_enabled",
    "mpi_library",
    "mpi_threads_supported",
    "nccl_built",
    "rank",
    "shutdown",
    "size",
]
