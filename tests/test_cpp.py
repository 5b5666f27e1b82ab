"""Builds the C++ tests and examples with CMake and runs them with ctest (the example host
against the installed package is tests/python/test_cpp_host.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cmake(*args, cwd=None):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.fail("cmake is required for the C++ tests (pip install '.[test]')")
    subprocess.run([cmake, *args], check=True, cwd=cwd)


def _generator():
    return ["-G", "Ninja"] if shutil.which("ninja") else []


def test_cpp_tests_pass_under_ctest(tmp_path_factory):
    build = Path(os.environ.get("VARFLOW_CTEST_BUILD_DIR", ROOT / "build" / "ctest"))
    _cmake(
        "-S",
        str(ROOT),
        "-B",
        str(build),
        *_generator(),
        "-DVARFLOW_BUILD_TESTS=ON",
        "-DVARFLOW_BUILD_PYTHON=OFF",
        "-DVARFLOW_WARNINGS_AS_ERRORS=ON",
        "-DCMAKE_BUILD_TYPE=Release",
    )
    _cmake("--build", str(build), "--parallel", str(os.cpu_count() or 2))
    ctest = shutil.which("ctest")
    subprocess.run([ctest, "--test-dir", str(build), "--output-on-failure"], check=True)
