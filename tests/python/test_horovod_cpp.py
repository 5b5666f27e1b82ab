"""The C++ collective test (tests/cpp/collective_test.cc) on 2 ranks through mpiexec: a C++ host
training data-parallel gets the single-process numbers. It uses the binary that
tests/test_cpp.py builds (VARFLOW_CTEST_BUILD_DIR, else the extension's build tree)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import varflow.horovod as hvd

sys.path.insert(0, str(Path(__file__).parent))
from test_horovod import _mpiexec


def _binary():
    trees = []
    if os.environ.get("VARFLOW_CTEST_BUILD_DIR"):
        trees.append(Path(os.environ["VARFLOW_CTEST_BUILD_DIR"]))
    from varflow import _core

    record = Path(_core.__file__).parent / "_build_tree.txt"
    if record.is_file():
        trees.append(Path(record.read_text().strip()))
    trees.append(Path(__file__).resolve().parents[2] / "build" / "ctest")
    for tree in trees:
        candidate = tree / "tests" / "cpp" / "collective_test"
        if candidate.exists():
            return candidate
    return None


@pytest.mark.skipif(not hvd.mpi_library() or _mpiexec() is None, reason="MPI is not installed")
def test_cpp_host_trains_data_parallel_on_two_ranks():
    binary = _binary()
    if binary is None:
        pytest.skip("tests/cpp/collective_test is not built yet (tests/test_cpp.py builds it)")
    env = dict(os.environ, VARFLOW_MPI_LIBRARY=hvd.mpi_library(), OMP_NUM_THREADS="1")
    proc = subprocess.run(
        [_mpiexec(), "-n", "2", str(binary)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("[ OK ] data_parallel_training_equals_one_process_on_the_batch") == 2
    assert "FAIL" not in proc.stdout
