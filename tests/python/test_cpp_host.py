"""The C++ host (examples/cpp_host), built against the installed package with
find_package(varflow): it trains the digits MLP of ``python -m varflow.demo`` and must print the
demo's numbers for the same seed, and resume from its checkpoint as if never interrupted."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import varflow

pytest.importorskip("sklearn")

ROOT = Path(__file__).resolve().parents[2]
HOST_SOURCE = ROOT / "examples" / "cpp_host"
MAX_STEPS = 120


def _cmake(*args):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.fail("cmake is required for the C++ host (pip install '.[test]')")
    subprocess.run([cmake, *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="session")
def host(tmp_path_factory) -> Path:
    """The host executable, configured and built once per session (VARFLOW_CPP_HOST_BUILD_DIR
    keeps the build between sessions)."""
    prefix = varflow.cmake_prefix()
    if not (Path(prefix) / "lib" / "cmake" / "varflow").is_dir():
        pytest.fail(f"the installed varflow has no CMake package under {prefix}")
    build = Path(
        os.environ.get("VARFLOW_CPP_HOST_BUILD_DIR") or tmp_path_factory.mktemp("cpp_host")
    )
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    _cmake(
        "-S",
        str(HOST_SOURCE),
        "-B",
        str(build),
        *generator,
        f"-DCMAKE_PREFIX_PATH={prefix}",
        f"-DPython_EXECUTABLE={sys.executable}",
        "-DCMAKE_BUILD_TYPE=Release",
    )
    _cmake("--build", str(build))
    return build / "varflow_cpp_host"


@pytest.fixture(scope="session")
def make_data(tmp_path_factory):
    """make_data(seed, batch_size): the demo's data and a batch order of MAX_STEPS steps,
    written once per session by examples/cpp_host/make_data.py, loaded in this process (its
    imports, scikit-learn and varflow, are already here)."""
    spec = importlib.util.spec_from_file_location("make_data", HOST_SOURCE / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = {}

    def make(seed: int, batch_size: int) -> Path:
        if (seed, batch_size) not in files:
            out = tmp_path_factory.mktemp("digits") / f"digits_{seed}_{batch_size}.bin"
            module.write(out, seed, MAX_STEPS, batch_size)
            files[seed, batch_size] = out
        return files[seed, batch_size]

    return make


def _run(host: Path, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(host), *map(str, args)], capture_output=True, text=True, check=check, timeout=120
    )


def _trace(stdout: str):
    """The host's --trace lines: the loss of every step, and every evaluation."""
    losses, evals = {}, []
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "loss":
            losses[int(parts[1])] = np.float32(parts[2])
        elif parts and parts[0] == "eval":
            evals.append(
                (int(parts[1]), float(parts[2]), float(parts[3]), *map(np.float32, parts[4:]))
            )
    return losses, evals


def _table(lines):
    """The evaluation table the demo and the host print, from its header on."""
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("step "))
    return lines[start:]


@pytest.mark.parametrize(("seed", "batch_size", "steps"), [(0, 64, 120), (3, 32, 60)])
def test_host_prints_the_python_demos_numbers(host, make_data, seed, batch_size, steps):
    from varflow import demo

    data = make_data(seed, batch_size)
    log = []
    result = demo.train(
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        eval_every=steps // 3,
        progress=False,
        log=log.append,
    )
    out = _run(
        host,
        "--data",
        data,
        "--seed",
        seed,
        "--steps",
        steps,
        "--eval-every",
        steps // 3,
        "--trace",
    ).stdout
    losses, evals = _trace(out)
    # Bit for bit: the same initial weights (seeded Philox initializers with the same op
    # seeds), the same batches and the same ops give the same float32 losses.
    assert [losses[i] for i in range(steps)] == [np.float32(v) for v in result["losses"]]
    expected = [
        (
            h["step"],
            h["accuracy"],
            h["averaged_accuracy"],
            np.float32(h["loss"]),
            np.float32(h["averaged_loss"]),
        )
        for h in result["history"]
    ]
    assert evals == expected
    host_lines = [line for line in out.splitlines() if not line.startswith(("loss ", "eval "))]
    assert _table(host_lines) == _table(log)
    assert f"learning rate 3.0e-03 -> {result['final_learning_rate']:.1e}" in out


def test_host_resumes_from_its_checkpoint_as_if_never_interrupted(host, make_data, tmp_path):
    steps, stop = 90, 37
    data = make_data(0, 64)
    ckpt = tmp_path / "mlp"
    common = ["--data", data, "--steps", steps, "--eval-every", 30, "--trace"]
    whole = _trace(_run(host, *common).stdout)
    first = _run(host, *common, "--checkpoint", ckpt, "--stop-after", stop).stdout
    second = _run(host, *common, "--checkpoint", ckpt, "--resume").stdout
    assert f"saved {ckpt}.safetensors at step {stop}" in first
    assert f"resumed from {ckpt} at step {stop}" in second
    losses1, evals1 = _trace(first)
    losses2, evals2 = _trace(second)
    assert sorted(losses1) == list(range(stop))
    assert sorted(losses2) == list(range(stop, steps))
    assert ({**losses1, **losses2}, evals1 + evals2) == whole

    # The checkpoint holds TF1's names for every variable, readable from Python, and the
    # Saver's state file names it.
    assert varflow.train.latest_checkpoint(str(tmp_path)) == str(ckpt)
    names = {name for name, _ in varflow.train.list_variables(str(ckpt))}
    assert {
        "global_step",
        "beta1_power",
        "mlp/hidden/kernel",
        "mlp/hidden/kernel/Adam_1",
        "mlp/logits/bias/ExponentialMovingAverage",
    } <= names
    assert varflow.train.load_variable(str(ckpt), "global_step") == steps


def test_host_reports_bad_input_clearly(host, make_data, tmp_path):
    data = make_data(0, 64)
    tmp = tmp_path

    missing = _run(host, "--data", tmp / "nothing.bin", check=False)
    assert missing.returncode == 1
    assert "cannot open it" in missing.stderr

    truncated = tmp / "truncated.bin"
    truncated.write_bytes(data.read_bytes()[:1000])
    out = _run(host, "--data", truncated, check=False)
    assert out.returncode == 1
    assert "truncated" in out.stderr

    garbage = tmp / "garbage.bin"
    garbage.write_bytes(b"\0" * 4096)
    out = _run(host, "--data", garbage, check=False)
    assert out.returncode == 1
    assert "bad magic" in out.stderr

    too_long = _run(host, "--data", data, "--steps", MAX_STEPS + 1, check=False)
    assert too_long.returncode == 1
    assert f"make_data.py --steps {MAX_STEPS + 1}" in too_long.stderr

    # A varflow::Error reaches the host with its code: kNotFound (5) for no checkpoint.
    no_ckpt = _run(
        host, "--data", data, "--steps", 10, "--checkpoint", tmp / "none", "--resume", check=False
    )
    assert no_ckpt.returncode == 1
    assert no_ckpt.stderr.startswith("varflow error 5: ")

    # A flipped byte in a tensor is kDataLoss (15), not a resumed run with wrong weights.
    _run(host, "--data", data, "--steps", 5, "--checkpoint", tmp / "ckpt")
    saved = tmp / "ckpt.safetensors"
    raw = bytearray(saved.read_bytes())
    raw[-100] ^= 0xFF
    saved.write_bytes(bytes(raw))
    corrupt = _run(
        host, "--data", data, "--steps", 5, "--checkpoint", tmp / "ckpt", "--resume", check=False
    )
    assert corrupt.returncode == 1
    assert corrupt.stderr.startswith("varflow error 15: Checksum does not match")

    usage = _run(host, "--data", data, "--bogus", 1, check=False)
    assert usage.returncode == 2
    assert "unknown option --bogus" in usage.stderr
