"""Checkpoints: save and restore of 1e8 float32 parameters (400 MB), against the disk.

Each implementation runs in its own subprocess (`checkpoint_worker.py`), so one's page cache and
allocator state never colour another's numbers; the raw disk is measured first and last, and
its entry pools every run (the others run twice, interleaved). Times include fsync for every saver and a cold page cache for every
restore (see the worker). "vs varflow" is peer time / varflow time, so the disk row reads as the
fraction of the disk's sequential speed varflow reaches (0.9x: varflow runs at 90% of it).

TensorFlow runs with the benchmark's own Python when it imports there, else with the
interpreter named by VARFLOW_BENCH_TF_PYTHON (a separate venv holding tensorflow-cpu).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

NAME = "checkpoint"
TITLE = "Checkpoints: save and restore of 1e8 float32 parameters (400 MB)"
DESCRIPTION = (
    "Saver.save (to disk, fsync included) and Saver.restore (cold page cache) of one 1e8-element "
    "float32 variable, against raw sequential write+fsync / read of the same bytes measured in "
    "the same run, the safetensors package's numpy save_file/load_file, and TF1's Saver."
)
PLOT = "bar"
KIND = "io"

N = 10**8
N_QUICK = 10**7
WORKER = str(Path(__file__).resolve().parent / "checkpoint_worker.py")


def _python_for(impl: str) -> str | None:
    if impl != "tf":
        return sys.executable
    probe = subprocess.run(
        [sys.executable, "-c", "import tensorflow"], capture_output=True, check=False
    )
    if probe.returncode == 0:
        return sys.executable
    return os.environ.get("VARFLOW_BENCH_TF_PYTHON")


def _run(impl: str, n: int, reps: int, directory: str) -> dict[str, Any]:
    python = _python_for(impl)
    if python is None:
        return {"status": "skipped", "note": "tensorflow not importable (VARFLOW_BENCH_TF_PYTHON)"}
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    cmd = [python, WORKER, impl, str(n), str(reps), directory]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=1800, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "note": "failed: worker timed out"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"status": "error", "note": "failed: " + " | ".join(tail)}
    return json.loads(lines[-1])


def _entry(impl: str, label: str, samples: list[int] | None, res: dict[str, Any]) -> dict:
    e = {"impl": impl, "variant": "", "label": label, "status": res.get("status", "ok")}
    e["note"] = res.get("note", "")
    if samples:
        e.update(samples_ns=samples, median_ns=statistics.median(samples),
                 min_ns=min(samples), max_ns=max(samples))  # fmt: skip
    return e


def run(ctx: Any, progress: Any = None) -> list[dict[str, Any]]:
    n = N_QUICK if ctx.quick else N
    reps = 2 if ctx.quick else 3
    # Two rounds, disk first and last: the disk of a shared machine drifts, and every
    # implementation should see the drift alike.
    impls = ["disk", "varflow", "safetensors", "tf"] * 2 + ["disk"]
    labels = {"disk": "disk (raw write+fsync / read)", "varflow": "varflow",
              "safetensors": "safetensors (numpy)", "tf": "tf (TF1 Saver, V2 bundle)"}  # fmt: skip
    directory = tempfile.mkdtemp(prefix="varflow-ckpt-bench-", dir=os.environ.get("TMPDIR"))
    results: dict[str, list[dict[str, Any]]] = {}
    try:
        for impl in impls:
            results.setdefault(impl, []).append(_run(impl, n, reps, directory))
            if progress is not None:
                progress.update(1)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    rows = []
    for key, what in (("save_ns", "save"), ("restore_ns", "restore")):
        entries = []
        for impl in ("varflow", "disk", "safetensors", "tf"):
            runs = results[impl]
            samples = [s for r in runs for s in r.get(key, [])]
            entries.append(_entry(impl, labels[impl], samples, runs[-1]))
        rows.append(
            {
                "key": what,
                "label": f"{what}, n={n:.0e} float32 ({4 * n / 1e6:.0f} MB)",
                "params": {"n": n},
                "bytes_per_iter": 4 * n,
                "entries": entries,
            }
        )
    return rows


def count(ctx: Any) -> int:
    return 9
