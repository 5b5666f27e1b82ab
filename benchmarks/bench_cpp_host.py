"""The same MLP training step from C++ and from Python, side by side in one run.

A ReLU MLP with the mean sparse softmax cross entropy, minimized by Adam(1e-3); each step feeds
one of 8 fixed batches and fetches the loss. The C++ side is benchmarks/bench_cpp_host/
bench_step.cc (built here against the installed package with find_package(varflow)) running a
prepared Plan; the Python side builds the same graph with varflow's TF1 API and runs it with
``Session.run(feed_dict)`` and with ``make_callable``. Both compute the weights and batches from
the same closed formulas, and the first losses of both are compared before timing, so the two
sides time the same step on the same numbers.

The machine is shared: every timing is the median of REPS samples, taken round-robin (each
repetition times every side once, in a rotated order, so drift hits all alike), each sample a
calibrated number of back-to-back steps lasting at least MIN_SAMPLE_S.

    python benchmarks/bench_cpp_host.py [--reps 15] [--write-results benchmarks/RESULTS.md]

OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE when it loads; the script drops them from
its environment (re-executing itself) so that both sides run OpenBLAS's own choice of kernels.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from report import write_block

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "benchmarks" / "bench_cpp_host"
CASES = [((64, 32, 10), 128), ((784, 256, 256, 10), 128), ((784, 256, 256, 10), 512)]
POOL = 8
MIN_SAMPLE_S = 0.05
DROPPED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BEGIN, END = "<!-- bench_cpp_host:begin -->", "<!-- bench_cpp_host:end -->"


def build(build_dir: Path) -> Path:
    import varflow

    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    subprocess.run(
        ["cmake", "-S", str(SOURCE), "-B", str(build_dir), *generator,
         f"-DCMAKE_PREFIX_PATH={varflow.cmake_prefix()}", "-DCMAKE_BUILD_TYPE=Release"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(["cmake", "--build", str(build_dir)], check=True, capture_output=True)
    return build_dir / "bench_step"


class CppStep:
    """The C++ executable, kept running: each sample is one request on its stdin."""

    def __init__(self, exe: Path, layers, batch: int):
        self.proc = subprocess.Popen(
            [str(exe), "--layers", ",".join(map(str, layers)), "--batch", str(batch)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("bench_step did not start")

    def _ask(self, line: str) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().split()

    def losses(self, n: int) -> list[float]:
        return [float(v) for v in self._ask(f"losses {n}")]

    def time(self, n: int) -> tuple[float, float]:
        _, wall, cpu = self._ask(f"run {n}")
        return int(wall) * 1e-9, int(cpu) * 1e-9

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class PyStep:
    """The same step from varflow's Python API (Session.run or make_callable)."""

    def __init__(self, layers, batch: int, callable_: bool):
        import numpy as np
        import varflow as tf

        self.graph = tf.Graph()
        with self.graph.as_default():
            x = tf.placeholder(tf.float32, [None, layers[0]], name="x")
            y = tf.placeholder(tf.int32, [None], name="y")
            h = x
            for i, (fan_in, fan_out) in enumerate(itertools.pairwise(layers)):
                k = np.arange(fan_in * fan_out, dtype=np.float64)
                w0 = (np.sin(0.1 * k) * np.sqrt(2.0 / fan_in)).astype(np.float32)
                w = tf.Variable(w0.reshape(fan_in, fan_out), name=f"w{i}")
                b = tf.Variable(np.zeros(fan_out, np.float32), name=f"b{i}")
                h = tf.nn.bias_add(tf.matmul(h, w), b)
                if i + 2 < len(layers):
                    h = tf.nn.relu(h)
            xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h)
            loss = tf.reduce_mean(xent)
            train = tf.train.AdamOptimizer(0.001).minimize(loss)
            init = tf.global_variables_initializer()
        self.sess = tf.Session(graph=self.graph)
        self.sess.run(init)
        self.feeds = []
        for p in range(POOL):
            j = np.arange(p * batch * layers[0], (p + 1) * batch * layers[0], dtype=np.float64)
            xb = np.sin(0.37 * j + 0.5).astype(np.float32).reshape(batch, layers[0])
            yb = ((7 * np.arange(p * batch, (p + 1) * batch)) % layers[-1]).astype(np.int32)
            self.feeds.append((xb, yb))
        self.next = 0
        if callable_:
            run = self.sess.make_callable([train, loss], feed_list=[x, y])
            self.run_step = lambda xb, yb: run(xb, yb)[1]
        else:
            fetches = [train, loss]
            self.run_step = lambda xb, yb: self.sess.run(fetches, {x: xb, y: yb})[1]

    def _step(self):
        xb, yb = self.feeds[self.next % POOL]
        self.next += 1
        return self.run_step(xb, yb)

    def losses(self, n: int) -> list[float]:
        return [float(self._step()) for _ in range(n)]

    def time(self, n: int) -> tuple[float, float]:
        """Wall time and the process's CPU time (all threads) of n steps."""
        step = self._step
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            step()
        return time.perf_counter() - t0, time.process_time() - c0

    def close(self):
        self.sess.close()


def measure(exe: Path, layers, batch: int, reps: int) -> dict:
    sides = {
        "C++ (Session::run, prepared Plan)": CppStep(exe, layers, batch),
        "Python (make_callable)": PyStep(layers, batch, callable_=True),
        "Python (Session.run, feed_dict)": PyStep(layers, batch, callable_=False),
    }
    try:
        reference = None
        for name, side in sides.items():
            got = side.losses(5)
            if reference is None:
                reference = got
            worst = max(abs(a - b) / abs(b) for a, b in zip(got, reference, strict=True))
            if worst > 1e-5:
                raise RuntimeError(f"{name} computes other losses: {got} vs {reference}")
        # Warm up, then calibrate the steps per sample on the slowest side.
        for side in sides.values():
            side.time(20)
        n = 20
        while max(side.time(n)[0] for side in sides.values()) < MIN_SAMPLE_S:
            n *= 2
        samples = {name: [] for name in sides}
        cpu = {name: [] for name in sides}
        names = list(sides)
        for r in range(reps):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                wall_s, cpu_s = sides[name].time(n)
                samples[name].append(wall_s / n)
                cpu[name].append(cpu_s / n)
    finally:
        for side in sides.values():
            side.close()
    return {
        "layers": "-".join(map(str, layers)),
        "batch": batch,
        "steps_per_sample": n,
        "median": {k: statistics.median(v) for k, v in samples.items()},
        "min": {k: min(v) for k, v in samples.items()},
        "max": {k: max(v) for k, v in samples.items()},
        "cpu": {k: statistics.median(v) for k, v in cpu.items()},
        "iqr": {k: _iqr(v) for k, v in samples.items()},
    }


def _iqr(values: list[float]) -> float:
    q = statistics.quantiles(values, n=4)
    return q[2] - q[0]


def _us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:.1f} µs" if us < 1000 else f"{us / 1000:.2f} ms"


def _signed_us(seconds: float) -> str:
    return ("+" if seconds >= 0 else "-") + _us(abs(seconds))


def table(results: list[dict], reps: int, load: tuple[float, float]) -> str:
    import varflow

    info = varflow.build_info()
    lines = [
        "## C++ host vs Python: the same MLP training step",
        "",
        (
            "One Adam(1e-3) step of a ReLU MLP with the mean sparse softmax cross entropy, fed one of "
            "8 fixed batches and fetching the loss: from C++ (`benchmarks/bench_cpp_host/"
            "bench_step.cc`, a prepared `Plan` through `Session::run`) and from varflow's Python API "
            "(`make_callable`, and `Session.run` with a feed_dict), same graph, same numbers (the "
            "first losses are compared before timing). Generated by `benchmarks/bench_cpp_host.py` "
            f"on {time.strftime('%Y-%m-%d')} (varflow {info['version']}, {info['selected_isa']}, "
            f"{info['num_threads']} threads, OpenBLAS with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset). "
            f"The machine is shared with other builds (1-minute load average {load[0]:.1f} at "
            f"the start, {load[1]:.1f} at the end, on {os.cpu_count()} logical CPUs): each time "
            f"is the median of {reps} round-robin samples of back-to-back steps (min .. max "
            "alongside)."
        ),
        "",
        (
            "| MLP, batch | C++ | Python (make_callable) | Python (Session.run) | "
            "Python / C++ | CPU time per step: C++, make_callable, Session.run |"
        ),
        "|---|---|---|---|---|---|",
    ]
    cpp, call, run = (
        "C++ (Session::run, prepared Plan)",
        "Python (make_callable)",
        "Python (Session.run, feed_dict)",
    )
    notes = []
    for r in results:
        med, lo, hi, cpu = r["median"], r["min"], r["max"], r["cpu"]
        cells = [f"{_us(med[k])} ({_us(lo[k])} .. {_us(hi[k])})" for k in (cpp, call, run)]
        lines.append(
            f"| {r['layers']}, {r['batch']} | {' | '.join(cells)} | "
            f"{med[call] / med[cpp]:.2f}x, {med[run] / med[cpp]:.2f}x | "
            f"{_us(cpu[cpp])}, {_us(cpu[call])}, {_us(cpu[run])} |"
        )
        saved = med[call] - med[cpp]
        notes.append(
            f"- **{r['layers']}, batch {r['batch']}**: C++ takes {_us(med[cpp])} per step; "
            + f"Python takes {_signed_us(saved)} ({saved / med[cpp]:+.0%}) with make_callable, "
            f"{_signed_us(med[run] - med[cpp])} with Session.run; in CPU time "
            f"{cpu[call] / cpu[cpp] - 1:+.0%} (make_callable) and {cpu[run] / cpu[cpp] - 1:+.0%} "
            "(Session.run)"
            + (
                "; the wall-clock difference is within the samples' interquartile range "
                f"({_us(max(r['iqr'][cpp], r['iqr'][call]))})."
                if abs(saved) < max(r["iqr"][cpp], r["iqr"][call])
                else "."
            )
        )
    lines += [
        "",
        *notes,
        "",
        (
            "Both sides run the same compiled plan on the same kernels (the same object code of "
            "libvarflow.a, linked into the Python module and into the executable): the only work "
            "one side does and the other does not is the cost of a run outside the plan, which "
            "Python pays and C++ does not (the call into the module, turning NumPy feeds into "
            "borrowed tensors, wrapping the fetched loss; Session.run also looks its plan up "
            "from the feed dict's keys), a few microseconds per step whatever the model's size. "
            "So C++ should lead by those microseconds on the small MLP; on the 784-256-256-10 "
            "steps (milliseconds of "
            "matrix products) a difference either way is the shared machine's noise (or the "
            "code's placement in two different binaries), not work. CPU time (all threads of "
            "each process) is the steadier measure when other tenants compete for the cores."
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    if any(v in os.environ for v in DROPPED_ENV):
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build" / "bench_cpp_host")
    parser.add_argument("--write-results", type=Path, help="update this RESULTS.md's section")
    args = parser.parse_args(argv)
    exe = build(args.build_dir)
    load_start = os.getloadavg()[0]
    results = []
    for layers, batch in CASES:
        results.append(measure(exe, layers, batch, args.reps))
        r = results[-1]
        print(
            f"{r['layers']} batch {r['batch']}: "
            + ", ".join(f"{k} {_us(v)}" for k, v in r["median"].items()),
            flush=True,
        )
    section = table(results, args.reps, (load_start, os.getloadavg()[0]))
    print("\n" + section)
    if args.write_results:
        write_block(Path(args.write_results), f"{BEGIN}\n{section}{END}\n")


if __name__ == "__main__":
    main()
