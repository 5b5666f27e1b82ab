"""Memory: peak RSS of an Adam step on 1e7 parameters, and RSS drift over many tiny steps.

Each measurement runs in its own subprocess (`memory_worker.py`) so that allocator state and
imports of one implementation never colour another's numbers. RSS is read from
/proc/self/status; the step peak uses VmHWM after resetting it (`echo 5 > /proc/self/clear_refs`)
once the variables are initialised, so it covers the steps, not graph construction.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from isolated import python_for

NAME = "memory"
TITLE = "Memory: Adam step peak RSS and RSS drift over tiny steps"
DESCRIPTION = (
    "Peak RSS above the baseline (after import and a warm-up step on 16 elements) while running "
    "Adam steps on 1e7 float32 parameters "
    "(theory: params + grads + 2 slots = 16 B x 1e7 = 160 MB), and RSS growth over many tiny "
    "Adam steps after a warmup (should be ~0)."
)
PLOT = "memory"
KIND = "memory"

N_PEAK = 10**7
TINY_STEPS = 100_000
TINY_STEPS_QUICK = 10_000
WORKER = str(Path(__file__).resolve().parent / "memory_worker.py")


def variants(impl: str) -> list[str]:
    return ["", "foreach", "fused"] if impl == "torch" else [""]


def run_worker(impl: str, variant: str, mode: str, arg: int, threads: int) -> dict[str, Any]:
    cmd = [python_for(impl), WORKER, impl, variant or "-", mode, str(arg), str(threads)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "error", "note": "failed: worker timed out"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"status": "error", "note": "failed: " + " | ".join(tail)}
    return json.loads(lines[-1])


def run(ctx: Any, progress: Any = None) -> list[dict[str, Any]]:
    """Return rows: {key, label, kind, theory_bytes, entries: [...]}."""
    tiny = TINY_STEPS_QUICK if ctx.quick else TINY_STEPS
    specs = [
        ("peak", N_PEAK, f"Adam step peak RSS, n=1e7 (theory {16 * N_PEAK / 1e6:.0f} MB)"),
        ("tiny", tiny, f"RSS growth over {tiny:,} tiny Adam steps"),
    ]
    rows = []
    for mode, arg, label in specs:
        entries = []
        for name in ctx.impls:
            if mode == "tiny" and name == "numpy":
                continue
            for variant in variants(name):
                res = run_worker(name, variant, mode, arg, ctx.threads)
                label_ = f"{name} ({variant})" if variant else name
                res.update(impl=name, variant=variant, label=label_)
                res.setdefault("status", "ok")
                res.setdefault("note", "")
                res["missing_api"] = "varflow yet" in res.get("note", "")
                entries.append(res)
                if progress is not None:
                    progress.update(1)
        rows.append(
            {
                "key": mode,
                "label": label,
                "kind": mode,
                "params": {"n": arg} if mode == "peak" else {"steps": arg},
                "theory_bytes": 16 * N_PEAK if mode == "peak" else 0,
                "entries": entries,
            }
        )
    return rows


def count(ctx: Any) -> int:
    per = sum(len(variants(n)) for n in ctx.impls)
    return per + per - (1 if "numpy" in ctx.impls else 0)
