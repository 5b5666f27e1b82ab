"""Timing core: rows of entries, warmup + calibration, round-robin repetitions, statistics.

A scenario yields `Row`s. A row is one problem (e.g. "Adam, n=1e6") and holds one `Entry` per
implementation variant (varflow, tf, torch foreach, ...). All entries of a row are set up
together, warmed up, calibrated so that one timed sample lasts at least `min_sample_s`, and then
timed round-robin: repetition r runs every entry once, in an order rotated by r, so slow machine
drift (frequency, other tenants, page cache) hits every implementation alike. Each sample starts
with one untimed step: the entry's threads have slept and its caches have been overwritten while
the other entries ran, and the timed steps should be the back-to-back steps of a training loop.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import math
import os
import statistics
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A setup function returns the step to time and an optional close function.
Step = Callable[[], Any]
Setup = Callable[[], "tuple[Step, Callable[[], None] | None]"]


class Unavailable(Exception):
    """Raised by a setup when the implementation lacks something the scenario needs."""


@dataclass
class Entry:
    impl: str  # "varflow", "tf", "torch", "numpy"
    variant: str  # "" for the plain form, else e.g. "foreach", "fused", "make_callable"
    setup: Setup | None
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.impl} ({self.variant})" if self.variant else self.impl


@dataclass
class Row:
    key: str  # unique within the scenario, e.g. "Adam/n=1000000"
    label: str  # human-readable, e.g. "Adam, n=1e6"
    series: str  # plot grouping, e.g. "Adam"
    x: float | None  # problem size for plots (elements, batch, ...)
    entries: list[Entry]
    bytes_per_iter: float | None = None  # memory traffic of one step, STREAM convention
    flops_per_iter: float | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class TimingConfig:
    reps: int = 15
    warmup_s: float = 0.05
    min_warmup_iters: int = 3
    min_sample_s: float = 0.005

    def for_scenario(self, module: Any) -> TimingConfig:
        """This configuration with the scenario's own sample minimum (MIN_SAMPLE_S), if longer.

        Rows whose steps spread over the whole thread pool set one: on a small VM a pool that
        slept while another process ran can start with two of its threads on one core until the
        scheduler moves one, which is a millisecond-scale effect a 5 ms sample does not average
        out."""
        return dataclasses.replace(
            self, min_sample_s=max(self.min_sample_s, getattr(module, "MIN_SAMPLE_S", 0.0))
        )


def describe_exception(exc: BaseException, limit: int = 240) -> str:
    """One line: the exception type and its message with whitespace collapsed, truncated."""
    text = " ".join(str(exc).split())
    if not isinstance(exc, Unavailable):
        text = f"{type(exc).__name__}: {text}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def classify_failure(impl: str, exc: BaseException) -> tuple[str, str, bool]:
    """Return (status, note, is_missing_varflow_api) for an exception raised by a setup."""
    if isinstance(exc, Unavailable):
        return "n/a", str(exc), "varflow yet" in str(exc)
    if impl == "varflow" and isinstance(exc, (AttributeError, NotImplementedError)):
        return "n/a", f"not available in varflow yet: {exc}", True
    return "error", f"failed: {describe_exception(exc)}", False


def _busy_cpu_s() -> float:
    """CPU seconds spent non-idle by the whole machine so far (from /proc/stat)."""
    try:
        vals = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    return (sum(vals) - vals[3] - vals[4]) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(
    max_s: float = 0.5, window_s: float = 0.02, busy: float = 0.15
) -> tuple[float, float]:
    """Waits until the machine is idle (busy below `busy` of its cores over a window), at most
    `max_s`; returns the time waited and the machine's busy CPU seconds meanwhile. The workers' thread pools (OpenMP's, OpenBLAS's, TF's,
    varflow's) spin for a while after a sample: without the wait, the next implementation's
    sample would share the cores with the previous one's spinning threads."""
    cores = os.cpu_count() or 1
    start, busy_start = time.perf_counter(), _busy_cpu_s()
    while time.perf_counter() - start < max_s:
        b0, t0 = _busy_cpu_s(), time.perf_counter()
        time.sleep(window_s)
        if (_busy_cpu_s() - b0) / max(1e-9, (time.perf_counter() - t0) * cores) < busy:
            break
    return time.perf_counter() - start, _busy_cpu_s() - busy_start


class ForeignLoad:
    """Measures CPU time used by *other* processes while a block runs (noise detector).

    foreign = machine busy CPU time - this process's CPU time, as a fraction of wall x cores.
    """

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()
        self.busy0 = _busy_cpu_s()
        t = os.times()
        self.own0 = t.user + t.system
        self.fraction = 0.0
        self.wall = 0.0

    def __exit__(self, *exc: object) -> None:
        wall = time.perf_counter() - self.t0
        self.wall = wall
        t = os.times()
        own = t.user + t.system - self.own0
        other = _busy_cpu_s() - self.busy0 - own
        self.fraction = max(0.0, other / max(1e-9, wall * (os.cpu_count() or 1)))


def _time_once(step: Step, inner: int) -> int:
    t0 = time.perf_counter_ns()
    for _ in range(inner):
        step()
    return time.perf_counter_ns() - t0


def time_sample(step: Step, inner: int) -> float:
    """Nanoseconds per step of `inner` back-to-back steps, after one untimed step."""
    step()
    return _time_once(step, inner) / inner


def _timed_round(live: list[tuple[dict[str, Any], Step, Any]], rep: int) -> None:
    """One repetition: one sample of every live entry, starting at entry `rep % len(live)`."""
    k = len(live)
    for i in range(k):
        res, step, _ = live[(i + rep) % k]
        if res["status"] != "ok":
            continue
        inner = res["inner"]
        try:
            res["samples_ns"].append(time_sample(step, inner))
        except Exception as exc:  # noqa: BLE001
            res.update(status="error", note=f"failed: {describe_exception(exc)}")


def calibrate(step: Step, cfg: TimingConfig) -> tuple[int, int]:
    """Warm `step` up, then choose the inner loop count; returns (warmup iterations, inner)."""
    # Warmup: at least min_warmup_iters calls and warmup_s of wall time.
    t_start = time.perf_counter()
    n = 0
    t_one = 0
    while n < cfg.min_warmup_iters or time.perf_counter() - t_start < cfg.warmup_s:
        t_one = _time_once(step, 1)
        n += 1
        if n >= 10_000:
            break
    # Calibrate the inner loop on a few single calls after warmup.
    t_cal = min(_time_once(step, 1) for _ in range(3))
    t_cal = max(1, min(t_cal, t_one))
    inner = max(1, math.ceil(cfg.min_sample_s * 1e9 / t_cal))
    # Re-check with the inner loop (first-call effects can make t_cal pessimistic).
    t_inner = _time_once(step, inner) / inner
    if t_inner * inner < cfg.min_sample_s * 1e9 * 0.5:
        inner = max(1, math.ceil(cfg.min_sample_s * 1e9 / max(1, t_inner)))
    return n, inner


def run_row(row: Row, cfg: TimingConfig) -> tuple[list[dict[str, Any]], float]:
    """Set up, warm up, calibrate and time every entry of `row` round-robin.

    Returns (entry results, fraction of the machine's CPU used by other processes meanwhile).
    """
    results: list[dict[str, Any]] = []
    live: list[tuple[dict[str, Any], Step, Callable[[], None] | None]] = []
    for entry in row.entries:
        res: dict[str, Any] = {
            "impl": entry.impl,
            "variant": entry.variant,
            "label": entry.label,
            "status": "ok",
            "note": entry.note,
            "missing_api": False,
        }
        results.append(res)
        if entry.setup is None:
            res["status"] = "skipped"
            continue
        try:
            step, close = entry.setup()
            n, inner = calibrate(step, cfg)
            res.update(warmup_iters=n, inner=inner, samples_ns=[])
            live.append((res, step, close))
        except Exception as exc:  # noqa: BLE001 - any failure becomes a note in the table
            status, note, missing = classify_failure(entry.impl, exc)
            res.update(status=status, note=note, missing_api=missing)
            if status == "error":
                res["traceback"] = traceback.format_exc(limit=6)

    gc.collect()
    gc_was_enabled = gc.isenabled()
    gc.disable()
    load = ForeignLoad()
    try:
        with load:
            for rep in range(cfg.reps):
                _timed_round(live, rep)
    finally:
        if gc_was_enabled:
            gc.enable()

    for res, _, close in live:
        if close is not None:
            with contextlib.suppress(Exception):
                close()
        s = res.get("samples_ns") or []
        if s:
            res.update(median_ns=statistics.median(s), min_ns=min(s), max_ns=max(s))
        elif res["status"] == "ok":
            res["status"] = "error"
    live.clear()
    gc.collect()
    return results, load.fraction
