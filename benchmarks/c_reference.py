"""C loops as the reference of the optimizer rows (the "C loop" entries): c_reference/steps.c,
compiled at first use with the system's C compiler into benchmarks/out/ and called through
ctypes on NumPy arrays. Without a compiler the entries are "n/a"."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from harness import Unavailable

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "c_reference" / "steps.c"
FLAGS = ["-O3", "-march=native", "-fno-math-errno", "-shared", "-fPIC"]
ADAM = {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

_lib: ctypes.CDLL | None = None


def library() -> ctypes.CDLL:
    global _lib
    if _lib is not None:
        return _lib
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise Unavailable("no C compiler for the C reference")
    out = HERE / "out" / "c_reference"
    out.mkdir(parents=True, exist_ok=True)
    so = out / f"steps-{os.getpid()}.so"
    proc = subprocess.run(
        [cc, *FLAGS, str(SOURCE), "-o", str(so), "-lm"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise Unavailable(f"the C reference did not compile: {proc.stderr.strip()[:200]}")
    _lib = ctypes.CDLL(str(so))
    so.unlink()  # the mapping stays; nothing is left behind
    f32p, i64, f64 = ctypes.c_void_p, ctypes.c_int64, ctypes.c_double
    _lib.sgd.argtypes = [f32p, f32p, i64, ctypes.c_float]
    _lib.adam.argtypes = [f32p, f32p, f32p, f32p, i64, f64, f64, f64, f64, i64]
    pp = ctypes.c_void_p
    _lib.adam_multi.argtypes = [pp, pp, pp, pp, pp, i64, f64, f64, f64, f64, i64]
    return _lib


def ptr(a: Any) -> int:
    return a.ctypes.data


def step(np: Any, name: str, ws: list[Any], gs: list[Any], lr: float) -> Any:
    """One C call per step over ws/gs (GradientDescent or Adam), slots held here."""
    lib = library()
    if name == "GradientDescent":
        if len(ws) != 1:
            raise Unavailable("the C reference of GradientDescent is single-tensor")
        w, g = ws[0], gs[0]
        pw, pg, n, flr = ptr(w), ptr(g), w.size, ctypes.c_float(lr)

        def sgd() -> None:
            lib.sgd(pw, pg, n, flr)

        sgd.keep = (w, g)  # what the C call points into lives as long as the step
        return sgd
    if name != "Adam":
        raise Unavailable(f"no C reference for {name}")
    ms = [np.zeros_like(w) for w in ws]
    vs = [np.zeros_like(w) for w in ws]
    t = [0]
    a = ADAM
    if len(ws) == 1:
        args = (ptr(ws[0]), ptr(ms[0]), ptr(vs[0]), ptr(gs[0]), ws[0].size)

        def one() -> None:
            t[0] += 1
            lib.adam(*args, lr, a["beta1"], a["beta2"], a["eps"], t[0])

        one.keep = (ws, gs, ms, vs)  # what the C call points into lives as long as the step
        return one

    def table(arrays: list[Any]) -> Any:
        return (ctypes.c_void_p * len(arrays))(*[ptr(x) for x in arrays])

    keep = [table(ws), table(ms), table(vs), table(gs)]
    sizes = (ctypes.c_int64 * len(ws))(*[w.size for w in ws])
    count = len(ws)

    def multi() -> None:
        t[0] += 1
        lib.adam_multi(*keep, sizes, count, lr, a["beta1"], a["beta2"], a["eps"], t[0])

    multi.keep = (keep, sizes, ws, gs, ms, vs)  # what the C call points into lives as long
    return multi
