"""run.py's side of --isolate (the default): one worker process per implementation.

The rows come from the workers (each builds the scenario's rows for its own implementation) and
are merged by key; each entry is set up in its worker, then the entries are timed round-robin
exactly as harness.run_row does, one command at a time, so only one process runs at any moment.
The noise detector counts the workers' CPU time as this run's, not as foreign load. Before each
sample the parent waits (at most 0.5 s) until the machine is idle: the previous worker's thread
pools spin for a while after its sample, and would otherwise share the cores with the next.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import ForeignLoad, TimingConfig, wait_until_quiet

HERE = Path(__file__).resolve().parent


def python_for(impl: str) -> str:
    """The interpreter of an implementation: VARFLOW_BENCH_<IMPL>_PYTHON, else this one."""
    return os.environ.get(f"VARFLOW_BENCH_{impl.upper()}_PYTHON", sys.executable)


class WorkerProcess:
    def __init__(self, impl: str, threads: int, quick: bool) -> None:
        cmd = [python_for(impl), str(HERE / "worker.py"), "--impl", impl, "--threads", str(threads)]
        if quick:
            cmd.append("--quick")
        self.impl = impl
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def call(self, **cmd: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.impl} worker exited (code {self.proc.poll()})")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"{self.impl} worker: {reply['error']}\n{reply.get('traceback')}")
        return reply

    def close(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"op": "exit"}) + "\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired, AssertionError):
            self.proc.kill()


class Workers:
    """The workers of a run, started once; `impls` describes what each one loaded."""

    def __init__(self, names: list[str], threads: int, quick: bool) -> None:
        self.workers: dict[str, WorkerProcess] = {}
        self.impls: dict[str, Any] = {}
        for name in names:
            w = WorkerProcess(name, threads, quick)
            try:
                info = w.call(op="hello")["impls"]
            except RuntimeError as exc:
                info = {name: {"available": False, "reason": str(exc)}}
            if info.get(name, {}).get("available"):
                self.workers[name] = w
            else:
                w.close()
            self.impls.update({k: v for k, v in info.items() if k == name or k not in self.impls})

    def rows(self, scenario: str) -> list[dict[str, Any]]:
        """The scenario's rows, entries of every worker merged in implementation order."""
        merged: dict[str, dict[str, Any]] = {}
        for name, w in self.workers.items():
            for row in w.call(op="rows", scenario=scenario)["rows"]:
                target = merged.setdefault(row["key"], {**row, "entries": []})
                for i, e in enumerate(row["entries"]):
                    if e["impl"] == name:
                        target["entries"].append({**e, "worker": name, "index": i})
        return list(merged.values())

    def close(self) -> None:
        for w in self.workers.values():
            w.close()


def run_row_isolated(
    workers: Workers, scenario: str, row: dict[str, Any], cfg: TimingConfig
) -> tuple[list[dict[str, Any]], float]:
    results: list[dict[str, Any]] = []
    live: list[tuple[dict[str, Any], WorkerProcess, int]] = []
    for e in row["entries"]:
        label = f"{e['impl']} ({e['variant']})" if e["variant"] else e["impl"]
        res: dict[str, Any] = {
            "impl": e["impl"],
            "variant": e["variant"],
            "label": label,
            "status": "ok",
            "note": e["note"],
            "missing_api": False,
            "process": "own",
        }
        results.append(res)
        if not e["runs"]:
            res["status"] = "skipped"
            continue
        w = workers.workers[e["worker"]]
        try:
            reply = w.call(
                op="setup",
                scenario=scenario,
                row=row["key"],
                entry=e["index"],
                cfg=dataclasses.asdict(cfg),
            )
        except RuntimeError as exc:
            res.update(status="error", note=f"failed: {exc}".splitlines()[0])
            continue
        if reply["status"] != "ok":
            res.update({k: v for k, v in reply.items() if k != "id"})
            continue
        res.update(warmup_iters=reply["warmup_iters"], inner=reply["inner"], samples_ns=[])
        live.append((res, w, reply["id"]))

    load = ForeignLoad()
    worker_cpu = 0.0
    wait_wall = wait_cpu = 0.0  # the pauses between samples, and what spun during them
    with load:
        for rep in range(cfg.reps):
            k = len(live)
            for i in range(k):
                res, w, ident = live[(i + rep) % k]
                if res["status"] != "ok":
                    continue
                # The previous sample's process may still be spinning: its busy threads'
                # CPU would count as foreign load and slow this sample down.
                waited, spun = wait_until_quiet()
                wait_wall += waited
                wait_cpu += spun
                try:
                    reply = w.call(op="sample", id=ident)
                except RuntimeError as exc:
                    res.update(status="error", note=f"failed: {exc}".splitlines()[0])
                    continue
                res["samples_ns"].append(reply["ns"])
                worker_cpu += reply["cpu_s"]
    # The workers' CPU time is this row's own, not another tenant's.
    cores = os.cpu_count() or 1
    other = load.fraction * load.wall * cores - worker_cpu - wait_cpu
    foreign = max(0.0, other / max(1e-9, (load.wall - wait_wall) * cores))

    for res, w, ident in live:
        with contextlib.suppress(RuntimeError):
            w.call(op="close", id=ident)
        s = res.get("samples_ns") or []
        if s:
            res.update(median_ns=statistics.median(s), min_ns=min(s), max_ns=max(s))
        elif res["status"] == "ok":
            res["status"] = "error"
    return results, foreign
