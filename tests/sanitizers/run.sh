#!/usr/bin/env bash
# Sanitizer runs of varflow (issue 11), in three stages; any sanitizer report fails the run.
#   asan    the core, the C++ tests and the pybind11 module built once with
#           AddressSanitizer + UndefinedBehaviorSanitizer (-O1); ctest runs every C++ test
#   python  a subset of the pytest suite and the fuzz regression tests against that module
#   tsan    the core and tests/cpp/concurrency_test.cc built with ThreadSanitizer; its
#           "concurrent_" tests (one Session from 8 threads, the intra-op pool) must be silent
# Usage: tests/sanitizers/run.sh [asan|python|tsan ...]   (no argument: all three, in order)
# Build directories persist under $VARFLOW_SANITIZER_BUILD_DIR (default build/sanitizers), so a
# second run only rebuilds what changed. Needs gcc, cmake, ninja and pybind11 in the Python
# environment (pip install '.[test]').
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${VARFLOW_SANITIZER_BUILD_DIR:-$ROOT/build/sanitizers}"
PYTHON="${PYTHON:-$(command -v python3)}"
JOBS="${JOBS:-$(nproc)}"
CXX="${CXX:-c++}"
STAGES=("$@")
[ ${#STAGES[@]} -eq 0 ] && STAGES=(asan python tsan)

# The pytest files that drive the C++ core through the bindings hardest: feeds, fetches,
# variables, every op against NumPy, bad input, optimizers, gradients, freezing, and eager mode
# (nodes run as they are added, released and replayed).
PYTEST_FILES=(
  tests/python/test_session.py
  tests/python/test_bad_input.py
  tests/python/test_bad_input_math.py
  tests/python/test_graph.py
  tests/python/test_ops_numpy.py
  tests/python/test_op_library.py
  tests/python/test_optimizers.py
  tests/python/test_live_freezing.py
  tests/python/test_gradients.py
  tests/python/test_random_ops.py
  tests/python/test_eager.py
  tests/python/test_function.py
)

# Every report is fatal; frames are symbolised. LeakSanitizer is on for the C++ tests and off
# under Python, whose interpreter keeps objects alive at exit on purpose.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:report_error_type=1"
ASAN_COMMON="allocator_may_return_null=1:strict_string_checks=1:detect_stack_use_after_return=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"

log() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

configure() {  # configure <dir> <sanitizers> [extra cmake args...]
  local dir="$1" sanitize="$2"
  shift 2
  local generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$ROOT" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" "-DCMAKE_CXX_COMPILER=$CXX" \
    "-DVARFLOW_SANITIZE=$sanitize" "-DPython_EXECUTABLE=$PYTHON" "$@" >/dev/null
}

stage_asan() {
  log "asan: configure and build (ASan + UBSan, -O1)"
  local pybind11_dir
  if ! pybind11_dir="$("$PYTHON" -m pybind11 --cmakedir 2>/dev/null)"; then
    echo "pybind11 is not installed for $PYTHON (pip install '.[test]')" >&2
    exit 2
  fi
  # One build for the C++ tests and the Python module: the core is compiled once.
  rm -f "$BUILD/asan/built-ok"
  configure "$BUILD/asan" "address;undefined" -DVARFLOW_BUILD_TESTS=ON \
    -DVARFLOW_BUILD_PYTHON=ON "-Dpybind11_DIR=$pybind11_dir"
  cmake --build "$BUILD/asan" --parallel "$JOBS"
  touch "$BUILD/asan/built-ok"  # the python stage runs only against a module built from now
  log "asan: ctest"
  # The generated-code check compares files, runs no varflow code: nothing to sanitize.
  ASAN_OPTIONS="$ASAN_COMMON:detect_leaks=1" \
    ctest --test-dir "$BUILD/asan" --output-on-failure --parallel "$JOBS" \
    -E '^generated_op_builders_up_to_date$'

}

stage_python() {
  log "python: pytest subset and fuzz regressions against the ASan + UBSan module"
  local module
  module="$(find "$BUILD/asan/cpp/bindings" -maxdepth 1 -name '_core*.so' 2>/dev/null | head -n 1)"
  if [ -z "$module" ] || [ ! -e "$BUILD/asan/built-ok" ]; then
    echo "no up-to-date sanitized module under $BUILD/asan: the asan stage must build first" >&2
    exit 2
  fi
  # A package directory of links: the working tree's Python files plus the sanitized module.
  local stage="$BUILD/python-stage"
  rm -rf "$stage"
  mkdir -p "$stage/varflow"
  for entry in "$ROOT"/python/varflow/*; do
    case "$(basename "$entry")" in _core*.so | __pycache__) continue ;; esac
    ln -s "$entry" "$stage/varflow/"
  done
  ln -s "$module" "$stage/varflow/"
  # PYTHONPATH puts the staged package first, for this process and the fuzzer's workers. An
  # editable install's import hook would still win, so sitecustomize (imported after the .pth
  # hooks) removes it.
  cat >"$stage/sitecustomize.py" <<'PY'
import sys

sys.meta_path[:] = [f for f in sys.meta_path if not type(f).__module__.startswith("_editable_")]
PY
  local libasan libubsan
  libasan="$("$CXX" -print-file-name=libasan.so)"
  libubsan="$("$CXX" -print-file-name=libubsan.so)"
  local tests=()
  for f in "${PYTEST_FILES[@]}"; do [ -e "$ROOT/$f" ] && tests+=("$f"); done
  # The fuzzer's regression corpus and a shorter bounded run (ASan makes each case ~5x slower);
  # its atheris harness is its own instrumented runtime and stays out.
  [ -e "$ROOT/tests/fuzz/test_fuzz.py" ] && tests+=(tests/fuzz/test_fuzz.py)
  # Python is not instrumented, so the runtimes are preloaded. PYTHONMALLOC=malloc lets ASan
  # see Python objects too (a binding that frees one too early is caught). Allocations above
  # 4 GiB fail as the fuzzer's workers' address-space limit would make them (ASan needs that
  # limit lifted for its shadow memory).
  (
    cd "$ROOT"
    export LD_PRELOAD="$libasan:$libubsan" PYTHONMALLOC=malloc PYTHONPATH="$stage" \
      ASAN_OPTIONS="$ASAN_COMMON:detect_leaks=0:max_allocation_size_mb=4096" \
      PYTHONDONTWRITEBYTECODE=1 VARFLOW_FUZZ_MEMORY=-1 \
      VARFLOW_FUZZ_CASES="${VARFLOW_FUZZ_CASES:-2000}"
    "$PYTHON" -c "import sys, varflow._core as c; sys.exit(0 if c.__file__.startswith('$stage') \
      else 'the staged module was not imported: ' + c.__file__)"
    "$PYTHON" -m pytest -q -p no:cacheprovider "${tests[@]}"
  )
}

stage_tsan() {
  log "tsan: configure and build the concurrency test (TSan, -O1)"
  # Without oneDNN: its GNU OpenMP runtime is not built with TSan, whose reports about it would
  # not be varflow's.
  configure "$BUILD/tsan" thread -DVARFLOW_BUILD_TESTS=ON -DVARFLOW_BUILD_PYTHON=OFF \
    -DVARFLOW_ONEDNN=OFF
  cmake --build "$BUILD/tsan" --parallel "$JOBS" --target concurrency_test
  log "tsan: concurrency_test"
  for isa in baseline avx2; do
    VARFLOW_ISA=$isa "$BUILD/tsan/tests/cpp/concurrency_test" concurrent_
  done
}

# One stage runs here, under set -e. Several run as separate processes of this script, so that
# every stage runs even after another failed (one run shows all reports; the python stage
# needs the asan build) and set -e still holds inside each.
if [ ${#STAGES[@]} -eq 1 ]; then
  case "${STAGES[0]}" in
    asan | python | tsan) "stage_${STAGES[0]}" ;;
    *)
      echo "unknown stage '${STAGES[0]}' (asan, python, tsan)" >&2
      exit 2
      ;;
  esac
  log "${STAGES[0]}: clean"
  exit 0
fi
failed=()
for stage in "${STAGES[@]}"; do
  bash "$0" "$stage" || failed+=("$stage")
done
if [ ${#failed[@]} -gt 0 ]; then
  printf '\n== sanitizers: FAILED in %s\n' "${failed[*]}"
  exit 1
fi
printf '\n== sanitizers: clean (%ss)\n' "$SECONDS"
