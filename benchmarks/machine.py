"""Machine description and machine limits measured in the same run as the benchmarks.

Limits (all use the STREAM byte-counting convention: copy moves 2 arrays, triad 3 arrays; no
write-allocate traffic is counted, exactly like the 28 bytes per element quoted for Adam):

* copy and triad bandwidth, 1 thread and all threads, over arrays of `array_mb` each (far
  larger than the caches). With PyTorch installed the kernels are `b.copy_(a)`, the
  single-pass triad `torch.add(b, c, alpha=s, out=a)` and the in-place triad
  `a.add_(c, alpha=s)`, under `torch.set_num_threads(k)`. NumPy adds 1-thread numbers:
  `np.copyto`, a two-pass triad (`multiply(c, s, out=a)`, `add(a, b, out=a)`) whose *real*
  traffic (5 arrays) is counted, and the in-place add `np.add(a, c, out=a)`.
* The reference for "% triad" is the best of the triads (out-of-place or in-place, any thread
  count, probed at the start and at the end of the run). Optimizer steps update in place, so
  like the in-place kernels they pay no write-allocate read for their stores; an out-of-place
  triad does and shows ~3/4 of the useful bandwidth.
* float32 FMA peak, estimated by a large float32 GEMM (2*n^3 flops) through PyTorch (MKL) or
  NumPy's BLAS; a GEMM reaches ~85-95% of the FMA peak, so this is an achievable peak.
* The FMA roof itself (`fma_1t`, `fma_all`): c_reference/fma_peak.c, independent chains of the
  widest vector FMAs, on 1 thread and on `threads` threads at once (ctypes drops the GIL), when
  a C compiler is there.
* sgemm at the MLP's shapes (`gemm_mlp_b<batch>_1t` / `_all`): the forward and backward
  products of the 784-256-256-10 MLP's train step (x W, dY Wᵀ and Xᵀ dY per layer) through
  NumPy's BLAS on 1 thread and on `threads` (threadpoolctl), back to back: what a GEMM reaches
  at those skinny shapes, the roof of the MLP rows.

No compiler is assumed at benchmark time. If varflow later ships a bandwidth probe, plug it in
`measure_limits`.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def describe_machine() -> dict[str, Any]:
    cpuinfo = _read("/proc/cpuinfo")
    first = cpuinfo.split("\n\n")[0]
    fields: dict[str, str] = {}
    for line in first.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    flags = fields.get("flags", "").split()
    simd = [
        f
        for f in ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16")
        if f in flags
    ]
    lscpu: dict[str, str] = {}
    try:
        out = subprocess.run(
            ["lscpu"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
        for line in out.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                if not k.startswith("Vulnerability") and k.strip() != "Flags":
                    lscpu[k.strip()] = v.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    mem_total = re.search(r"MemTotal:\s+(\d+) kB", _read("/proc/meminfo"))
    return {
        "model_name": fields.get("model name", platform.processor()),
        "vendor": fields.get("vendor_id", ""),
        "cpu_family": fields.get("cpu family", ""),
        "model": fields.get("model", ""),
        "cpu_mhz": fields.get("cpu MHz", ""),
        "cache_size": fields.get("cache size", ""),
        "logical_cpus": os.cpu_count(),
        "simd_flags": simd,
        "flags": flags,
        "lscpu": lscpu,
        "mem_total_gb": round(int(mem_total.group(1)) / 2**20, 1) if mem_total else None,
        "kernel": platform.release(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def _best_of(fn, reps: int) -> tuple[float, list[float]]:
    """Run fn() reps times after one warmup; return (best seconds, all seconds)."""
    fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        fn()
        ts.append((time.perf_counter_ns() - t0) / 1e9)
    return min(ts), ts


def _bw_entry(nbytes: float, ts: list[float], method: str) -> dict[str, Any]:
    return {
        "gbps": nbytes / min(ts) / 1e9,
        "gbps_median": nbytes / statistics.median(ts) / 1e9,
        "bytes": nbytes,
        "samples_s": ts,
        "method": method,
    }


def _torch_limits(torch: Any, n: int, threads: int, reps: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    old = torch.get_num_threads()
    a = torch.full((n,), 1.0)
    b = torch.full((n,), 2.0)
    c = torch.full((n,), 0.5)
    m = 2048
    x, y, z = torch.rand(m, m), torch.rand(m, m), torch.empty(m, m)
    try:
        for k, tag in ((1, "1t"), (threads, "all")):
            torch.set_num_threads(k)
            _, ts = _best_of(lambda: b.copy_(a), reps)
            out[f"copy_{tag}"] = _bw_entry(2 * 4 * n, ts, f"torch copy_, {k} thread(s)")
            _, ts = _best_of(lambda: torch.add(b, c, alpha=3.0, out=a), reps)
            out[f"triad_{tag}"] = _bw_entry(
                3 * 4 * n, ts, f"torch.add(b, c, alpha=s, out=a), {k} thread(s)"
            )
            _, ts = _best_of(lambda: a.add_(c, alpha=1e-3), reps)
            out[f"update_{tag}"] = _bw_entry(
                3 * 4 * n, ts, f"in-place triad a.add_(c, alpha=s), {k} thread(s)"
            )
            _, ts = _best_of(lambda: torch.mm(x, y, out=z), max(3, reps // 2))
            out[f"gemm_{tag}"] = {
                "gflops": 2 * m**3 / min(ts) / 1e9,
                "samples_s": ts,
                "method": f"torch.mm float32 {m}x{m}, {k} thread(s)",
            }
    finally:
        torch.set_num_threads(old)
    return out


def _numpy_limits(np: Any, n: int, reps: int, with_gemm: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    a = np.full(n, 1.0, dtype=np.float32)
    b = np.full(n, 2.0, dtype=np.float32)
    c = np.full(n, 0.5, dtype=np.float32)
    _, ts = _best_of(lambda: np.copyto(b, a), reps)
    out["numpy_copy_1t"] = _bw_entry(2 * 4 * n, ts, "np.copyto, 1 thread")

    def triad() -> None:
        np.multiply(c, 3.0, out=a)
        np.add(a, b, out=a)

    _, ts = _best_of(triad, reps)
    out["numpy_triad_1t"] = _bw_entry(
        5 * 4 * n, ts, "np.multiply(c,s,out=a); np.add(a,b,out=a): 5 arrays of real traffic"
    )

    _, ts = _best_of(lambda: np.add(a, c, out=a), reps)
    out["numpy_update_1t"] = _bw_entry(3 * 4 * n, ts, "np.add(a, c, out=a), 1 thread")
    if with_gemm:
        m = 2048
        rng = np.random.default_rng(0)
        x = rng.random((m, m), dtype=np.float32)
        y = rng.random((m, m), dtype=np.float32)
        _, ts = _best_of(lambda: x @ y, 3)
        out["gemm_all"] = {
            "gflops": 2 * m**3 / min(ts) / 1e9,
            "samples_s": ts,
            "method": "numpy float32 matmul (BLAS default threads)",
        }
    return out


def _fma_limits(threads: int, reps: int) -> dict[str, Any]:
    import ctypes
    import shutil
    import tempfile
    import threading

    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return {}
    source = Path(__file__).resolve().parent / "c_reference" / "fma_peak.c"
    with tempfile.TemporaryDirectory() as tmp:
        so = Path(tmp) / "fma_peak.so"
        flags = ["-O2", "-march=native", "-ffp-contract=fast", "-shared", "-fPIC"]
        proc = subprocess.run(
            [cc, *flags, str(source), "-o", str(so)], capture_output=True, check=False
        )
        if proc.returncode != 0:
            return {}
        lib = ctypes.CDLL(str(so))
    lib.fma_peak.argtypes = [ctypes.c_int64, ctypes.c_float]
    lib.fma_peak.restype = ctypes.c_float
    iters = 20_000_000
    flops_per_call = 2.0 * iters * lib.fma_lanes()
    out: dict[str, Any] = {}
    for k, tag in ((1, "1t"), (threads, "all")):

        def run(k: int = k) -> None:
            workers = [threading.Thread(target=lib.fma_peak, args=(iters, 1.0)) for _ in range(k)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()

        _, ts = _best_of(run, max(3, reps // 2))
        out[f"fma_{tag}"] = {
            "gflops": k * flops_per_call / min(ts) / 1e9,
            "samples_s": ts,
            "method": f"c_reference/fma_peak.c, {lib.fma_lanes()} FMA lanes, {k} thread(s)",
        }
    return out


MLP_LAYERS = ((784, 256), (256, 256), (256, 10))


def mlp_gemm_flops(batch: int) -> float:
    """The products of one MLP train step: x W forward, dY Wᵀ backward (not for the input),
    Xᵀ dY for every weight."""
    flops = 0.0
    for i, (k, n) in enumerate(MLP_LAYERS):
        flops += 2 * batch * k * n * (3 if i > 0 else 2)
    return flops


def _gemm_mlp_limits(np: Any, threads: int, reps: int) -> dict[str, Any]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return {}
    rng = np.random.default_rng(0)
    out: dict[str, Any] = {}
    for batch in (32, 128, 512):
        mats = []
        for k, n in MLP_LAYERS:
            x = rng.random((batch, k), dtype=np.float32)
            w = rng.random((k, n), dtype=np.float32)
            dy = rng.random((batch, n), dtype=np.float32)
            mats.append((x, w, dy))

        def step(mats: list = mats) -> None:
            for i, (x, w, dy) in enumerate(mats):
                x @ w
                if i > 0:
                    dy @ w.T  # BLAS transpose flags: numpy passes the view's order
                x.T @ dy

        for k, tag in ((1, "1t"), (threads, "all")):
            with threadpool_limits(limits=k, user_api="blas"):
                n_calls = 1

                def steps(n_calls: int) -> None:
                    for _ in range(n_calls):
                        step()

                while _best_of(lambda n=n_calls: steps(n), 1)[0] < 0.01:
                    n_calls *= 2
                _, ts = _best_of(lambda n=n_calls: steps(n), reps)
            out[f"gemm_mlp_b{batch}_{tag}"] = {
                "gflops": n_calls * mlp_gemm_flops(batch) / min(ts) / 1e9,
                "samples_s": ts,
                "method": f"numpy sgemm at the MLP's batch-{batch} shapes, {k} thread(s)",
            }
    return out


def measure_limits(threads: int, array_mb: int = 256, reps: int = 10) -> dict[str, Any]:
    """Measure copy/triad bandwidth (1 and `threads` threads) and float32 GEMM peak."""
    import numpy as np

    try:
        import torch
    except ImportError:
        torch = None
    n = array_mb * 2**20 // 4
    limits: dict[str, Any] = {"array_mb": array_mb, "threads_all": threads}
    if torch is not None:
        limits.update(_torch_limits(torch, n, threads, reps))
    limits.update(_numpy_limits(np, n, reps, with_gemm=torch is None))
    limits.update(_fma_limits(threads, reps))
    limits.update(_gemm_mlp_limits(np, threads, reps))
    if torch is None:
        limits["copy_1t"] = limits["numpy_copy_1t"]
        limits["triad_1t"] = limits["numpy_triad_1t"]
        limits["update_1t"] = limits["numpy_update_1t"]
        limits["note"] = "PyTorch not installed: no all-thread bandwidth; NumPy 1-thread only"
    return with_reference(limits)


REF_KEYS = ("triad_1t", "triad_all", "update_1t", "update_all", "numpy_update_1t")


def with_reference(limits: dict[str, Any]) -> dict[str, Any]:
    """Set the reference bandwidth for '% triad': the best triad measured, out-of-place or in-place.

    Optimizer steps update their arrays in place, so like the in-place triad they pay no
    write-allocate read for their stores; the out-of-place STREAM triad does, and so reads ~1/3
    less useful bytes per second. On small VMs one thread often saturates memory, so both thread
    counts are candidates.
    """
    keys = [k for k in REF_KEYS if k in limits]
    best = max(keys, key=lambda k: limits[k]["gbps"], default=None)
    limits["triad_ref_gbps"] = limits[best]["gbps"] if best else None
    limits["triad_ref_name"] = best
    return limits


def merge_limits(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Combine two probes of one run (start and end): keep the best of each, and both samples."""
    out = dict(first)
    for key, val in second.items():
        if not isinstance(val, dict) or key not in first or not isinstance(first[key], dict):
            continue
        metric = "gbps" if "gbps" in val else "gflops"
        best = val if val.get(metric, 0) > first[key].get(metric, 0) else first[key]
        out[key] = {**best, "samples_s": first[key]["samples_s"] + val["samples_s"]}
    out["probes"] = 2
    return with_reference(out)
