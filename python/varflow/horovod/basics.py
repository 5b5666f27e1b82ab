"""Process-level Horovod calls: init, shutdown, rank and size.

MPI is loaded when `init()` runs, not at import: the library is the one named by the
environment variable ``VARFLOW_MPI_LIBRARY`` when set (any MPI implementing the MPI-5 standard
ABI, such as a cluster's MPICH >= 4.2 ``libmpi_abi.so``), else the ``libmpi_abi.so.1`` of the
installed ``mpich`` wheel (``pip install "varflow[distributed]"``).
"""

from __future__ import annotations

import atexit
import importlib.metadata
import os
from pathlib import Path

from varflow import _core

_atexit_registered = False
# (rank, size, local_rank, local_size) from init() until this process's shutdown(): they stay
# readable after another rank has finished and shut the collectives down, as in Horovod.
_layout = None


def _mpich_wheel_library() -> str:
    """The mpich wheel's standard-ABI library, or "" when the wheel is not installed."""
    try:
        files = importlib.metadata.files("mpich") or ()
    except importlib.metadata.PackageNotFoundError:
        return ""
    # The versioned name: the bare libmpi_abi.so of the wheel is a linker stub.
    for f in files:
        if f.name.startswith("libmpi_abi.so."):
            path = Path(f.locate()).resolve()
            if path.exists():
                return str(path)
    return ""


def mpi_library() -> str:
    """The MPI library `init()` loads ("" means the dynamic loader's search path)."""
    return os.environ.get("VARFLOW_MPI_LIBRARY") or _mpich_wheel_library()


def init(comm=None) -> None:
    """Initializes Horovod: starts MPI and the background thread that runs the collectives.

    Args:
      comm: Must be None: varflow's collectives run on all processes (MPI_COMM_WORLD).

    Raises:
      ValueError: If `comm` is given.
      FailedPreconditionError: If no MPI library can be loaded, or MPI fails to start.
    """
    global _atexit_registered, _layout
    if comm is not None:
        raise ValueError(
            "varflow.horovod.init(comm=...) is not supported: the collectives run on every "
            "process of the job (MPI_COMM_WORLD)"
        )
    _core.hvd_init(mpi_library())
    _layout = (_core.hvd_rank(), _core.hvd_size(), _core.hvd_local_rank(), _core.hvd_local_size())
    if not _atexit_registered:
        atexit.register(shutdown)
        _atexit_registered = True


def shutdown() -> None:
    """Shuts Horovod down (every rank should; it also runs at exit). Collectives submitted
    afterwards, here or on the other ranks, fail with FailedPreconditionError."""
    global _layout
    _layout = None
    _core.hvd_shutdown()


def is_initialized() -> bool:
    """True between `init()` and `shutdown()`."""
    return _core.hvd_is_initialized()


def rank() -> int:
    """This process's rank among all processes (0..size()-1).

    Raises:
      FailedPreconditionError: Before `init()`.
    """
    return _layout[0] if _layout else _core.hvd_rank()


def size() -> int:
    """The number of processes in the job."""
    return _layout[1] if _layout else _core.hvd_size()


def local_rank() -> int:
    """This process's rank among the processes on its host."""
    return _layout[2] if _layout else _core.hvd_local_rank()


def local_size() -> int:
    """The number of processes on this process's host."""
    return _layout[3] if _layout else _core.hvd_local_size()


def mpi_threads_supported() -> bool:
    """True: the MPI library is started with MPI_THREAD_MULTIPLE (only the background thread
    calls it)."""
    return True


def mpi_enabled() -> bool:
    """True once MPI has been started by `init()`."""
    return is_initialized()


def mpi_built() -> bool:
    """True: varflow's collectives run on MPI."""
    return True


def gloo_built() -> bool:
    """False: varflow's collectives run on MPI only."""
    return False


def nccl_built() -> bool:
    """False: varflow runs on CPUs."""
    return False
