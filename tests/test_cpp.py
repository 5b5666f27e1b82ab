"""Builds the C++ tests and examples with CMake and runs them with ctest (the example host
against the installed package is tests/python/test_cpp_host.py).

The tests are built in the build tree that made the installed extension (pyproject.toml's
persistent ``build-dir``, recorded in the package as ``_build_tree.txt``), reconfigured with the
tests on and the Python module off: the core's objects there are up to date, so only the tests
compile. Without such a tree (an install from a temporary build, another checkout's install) or
with ``VARFLOW_CTEST_BUILD_DIR`` set, they are built in a tree of their own, the core included,
with warnings as errors. In the shared tree, warnings are errors when the extension was built so
(``-Ccmake.define.VARFLOW_WARNINGS_AS_ERRORS=ON``, as .ci/run does; CI checks that it did).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _read_cache(path: Path) -> dict[str, str] | None:
    if not path.is_file():
        return None
    entries = {}
    for line in path.read_text(errors="replace").splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith(("#", "//")):
            entries[key.partition(":")[0]] = value
    return entries


def _extension_build_tree() -> tuple[Path, dict[str, str]] | None:
    """The build tree the imported varflow._core came from, if it still exists and was
    configured from this checkout."""
    try:
        from varflow import _core
    except ImportError:
        return None
    record = Path(_core.__file__).parent / "_build_tree.txt"
    if not record.is_file():
        return None
    tree = Path(record.read_text().strip())
    cache = _read_cache(tree / "CMakeCache.txt")
    if cache is None or cache.get("CMAKE_GENERATOR") is None:
        return None
    home = cache.get("CMAKE_HOME_DIRECTORY", "")
    if not home or Path(home).resolve() != ROOT:
        return None
    return tree, cache


def _existing(path: str | None) -> str | None:
    return path if path and Path(path).exists() else None


def _run(*cmd, **kwargs):
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def _configure_shared(tree: Path, cache: dict[str, str]) -> str:
    """Adds the tests to the extension's tree; returns the cmake that configured it."""
    # An isolated pip build ran a cmake, ninja and OpenBLAS from a temporary environment that
    # is gone now: the cached paths that point there are replaced by this environment's.
    cmake = _existing(cache.get("CMAKE_COMMAND")) or shutil.which("cmake")
    if cmake is None:
        pytest.fail("cmake is required for the C++ tests (pip install '.[test]')")
    args = ["-DVARFLOW_BUILD_TESTS=ON", "-DVARFLOW_BUILD_PYTHON=OFF"]
    program = cache.get("CMAKE_MAKE_PROGRAM")
    if not _existing(program):
        found = shutil.which("ninja" if cache["CMAKE_GENERATOR"] == "Ninja" else "make")
        if found:
            args.append(f"-DCMAKE_MAKE_PROGRAM={found}")
    if not _existing(cache.get("VARFLOW_BLAS_LIBRARY")):
        args.append("-UVARFLOW_BLAS_LIBRARY")  # found again in this environment's OpenBLAS
    if cache.get("Python_EXECUTABLE") and not _existing(cache["Python_EXECUTABLE"]):
        args.append(f"-DPython_EXECUTABLE={sys.executable}")
    if os.environ.get("CI") and cache.get("VARFLOW_WARNINGS_AS_ERRORS", "OFF").upper() != "ON":
        pytest.fail(
            f"{tree} was built without -Werror; CI installs with "
            "-Ccmake.define.VARFLOW_WARNINGS_AS_ERRORS=ON (.ci/run)"
        )
    _run(cmake, "-S", ROOT, "-B", tree, *args)
    return cmake


def _configure_own(tree: Path) -> str:
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.fail("cmake is required for the C++ tests (pip install '.[test]')")
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    _run(
        cmake,
        "-S",
        ROOT,
        "-B",
        tree,
        *generator,
        "-DVARFLOW_BUILD_TESTS=ON",
        "-DVARFLOW_BUILD_PYTHON=OFF",
        "-DVARFLOW_WARNINGS_AS_ERRORS=ON",
        "-DCMAKE_BUILD_TYPE=Release",
    )
    return cmake


def test_cpp_tests_pass_under_ctest():
    own = os.environ.get("VARFLOW_CTEST_BUILD_DIR")
    shared = None if own else _extension_build_tree()
    if shared is not None:
        tree = shared[0]
        print(f"C++ tests: in the extension's build tree {tree} (only the tests compile)")
        cmake = _configure_shared(*shared)
    else:
        tree = Path(own) if own else ROOT / "build" / "ctest"
        print(f"C++ tests: in their own build tree {tree} (the core compiles too)")
        cmake = _configure_own(tree)
    _run(cmake, "--build", tree, "--parallel", os.cpu_count() or 2)
    ctest = Path(cmake).with_name("ctest")
    ctest = ctest if ctest.exists() else shutil.which("ctest")
    _run(ctest, "--test-dir", tree, "--output-on-failure", "--parallel", os.cpu_count() or 2)
    # examples/cpp_host registers its training runs only when this Python can write the digits
    # data; with scikit-learn installed (the test extra) they must have run, not been skipped.
    listed = subprocess.run(
        [str(ctest), "--test-dir", str(tree), "-N"], check=True, capture_output=True, text=True
    ).stdout
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return
    for name in ("cpp_host_train", "cpp_host_resume", "cpp_import_host_train"):
        assert name in listed, f"ctest did not register {name}; its CMake message says why"
