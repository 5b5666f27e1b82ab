"""One implementation in a process of its own, timed on request by run.py (--isolate).

Three frameworks' thread pools in one process on two cores distort each other's rows (an idle
OpenMP or Eigen pool still spins or wakes), so by default every implementation runs in its own
worker and run.py interleaves them: it sends one command at a time, so only one worker runs.

Protocol: one JSON object per line on stdin, one JSON reply per line on the original stdout
(the implementations' own prints go to stderr).
  {"op": "hello"}                                    -> {"impls": describe_impls(...)}
  {"op": "rows", "scenario": s}                      -> {"rows": [row without setups, ...]}
  {"op": "setup", "scenario": s, "row": key, "entry": i, "cfg": {...}}
                                                     -> {"status", "note", "inner", ...}
  {"op": "sample", "id": n}                          -> {"ns": per-step ns, "cpu_s": ...}
  {"op": "close", "id": n}                           -> {}
  {"op": "exit"}
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import sys
import traceback
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from harness import TimingConfig, calibrate, classify_failure, time_sample
from impls import describe_impls, load_impls


def row_description(row: Any) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "series": row.series,
        "x": row.x,
        "bytes_per_iter": row.bytes_per_iter,
        "flops_per_iter": row.flops_per_iter,
        "params": row.params,
        "entries": [
            {"impl": e.impl, "variant": e.variant, "note": e.note, "runs": e.setup is not None}
            for e in row.entries
        ],
    }


def own_cpu_s() -> float:
    t = os.times()
    return t.user + t.system


class Worker:
    def __init__(self, impl: str, threads: int, quick: bool) -> None:
        self.loaded, self.skipped = load_impls([impl], threads)
        self.ctx = SimpleNamespace(impls=self.loaded, quick=quick, threads=threads)
        self.rows: dict[str, dict[str, Any]] = {}
        self.live: dict[int, tuple[Any, Any, int]] = {}  # id -> (step, close, inner)
        self.next_id = 0

    def scenario_rows(self, scenario: str) -> dict[str, Any]:
        if scenario not in self.rows:
            mod = importlib.import_module(f"scenarios.{scenario}")
            self.rows[scenario] = {row.key: row for row in mod.rows(self.ctx)}
        return self.rows[scenario]

    def handle(self, cmd: dict[str, Any]) -> dict[str, Any]:
        op = cmd["op"]
        if op == "hello":
            return {"impls": describe_impls(self.loaded, self.skipped)}
        if op == "rows":
            rows = self.scenario_rows(cmd["scenario"]).values() if self.loaded else []
            return {"rows": [row_description(r) for r in rows]}
        if op == "setup":
            return self.setup(cmd)
        if op == "sample":
            step, _, inner = self.live[cmd["id"]]
            cpu0 = own_cpu_s()
            ns = time_sample(step, inner)
            return {"ns": ns, "cpu_s": own_cpu_s() - cpu0}
        if op == "close":
            _, close, _ = self.live.pop(cmd["id"])
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
            gc.collect()
            return {}
        raise ValueError(f"unknown command {op!r}")

    def setup(self, cmd: dict[str, Any]) -> dict[str, Any]:
        entry = self.scenario_rows(cmd["scenario"])[cmd["row"]].entries[cmd["entry"]]
        cfg = TimingConfig(**cmd["cfg"])
        try:
            step, close = entry.setup()
            warmup_iters, inner = calibrate(step, cfg)
        except Exception as exc:  # noqa: BLE001 - any failure becomes a note in the table
            status, note, missing = classify_failure(entry.impl, exc)
            out = {"status": status, "note": note, "missing_api": missing}
            if status == "error":
                out["traceback"] = traceback.format_exc(limit=6)
            return out
        gc.collect()
        self.next_id += 1
        self.live[self.next_id] = (step, close, inner)
        return {"status": "ok", "id": self.next_id, "inner": inner, "warmup_iters": warmup_iters}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the frameworks print goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    worker = Worker(args.impl, args.threads, args.quick)
    gc.disable()  # the timed steps run without the collector, as in the in-process harness
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "exit":
            break
        try:
            reply = worker.handle(cmd)
        except Exception as exc:  # noqa: BLE001 - reported to run.py, which marks the entry
            reply = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        replies.write(json.dumps(reply) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
