"""A LeNet-style CNN training step in varflow, TF1 and PyTorch, side by side in one run.

conv 5x5x32 (SAME) + ReLU -> max pool 2x2 -> conv 5x5x64 (SAME) + ReLU -> max pool 2x2 ->
fc 1024 + ReLU -> fc 10, mean sparse softmax cross entropy, Adam(1e-3), on 28x28x1 images; each
step feeds one of POOL fixed random batches and fetches the loss. varflow and TF1 build the same
graph from the same code (``tf.nn.conv2d``, ``bias_add``, ``max_pool``; ``Session.run`` with a
feed dict); PyTorch runs the same model eagerly (NCHW, ``torch.optim.Adam``). All three start
from the same weights, and the first losses are compared before timing, so they time the same
step on the same numbers.

Each implementation runs in its own worker process (TF1 and PyTorch may live in another venv:
``--peer-python``), all with the same number of threads; the parent times them round-robin
(each repetition times every worker once, in a rotated order, so drift hits all alike), each
sample a calibrated number of back-to-back steps lasting at least MIN_SAMPLE_S, and reports
medians. The fraction of the FMA peak is the step's multiply-add work (forward, and backward
without the first layer's input gradient) over the time, against the float32 GEMM rate that
PyTorch's ``torch.mm`` reaches on 2048x2048 matrices with the same threads (the practical peak).

    python benchmarks/bench_cnn.py [--peer-python /path/to/venv-with-tf-and-torch/bin/python]
        [--reps 7] [--write-results benchmarks/RESULTS.md]

``varflow`` convolves float32 through oneDNN when the build links it; ``varflow-im2col`` is the
same build with ``VARFLOW_ONEDNN=0`` (the im2col + OpenBLAS path), timed in the same rotation.

OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE when it loads; the workers run without
them, so every implementation uses OpenBLAS's (or its own) choice of kernels.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import write_block

BATCHES = (64, 128)
POOL = 4
MIN_SAMPLE_S = 0.3
DROPPED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BEGIN, END = "<!-- bench_cnn:begin -->", "<!-- bench_cnn:end -->"
SHAPES = {
    "w1": (5, 5, 1, 32),
    "b1": (32,),
    "w2": (5, 5, 32, 64),
    "b2": (64,),
    "w3": (7 * 7 * 64, 1024),
    "b3": (1024,),
    "w4": (1024, 10),
    "b4": (10,),
}


def step_flops(batch: int) -> float:
    """Floating-point operations (2 per multiply-add) of one training step."""
    conv1 = 28 * 28 * 32 * 25 * 1
    conv2 = 14 * 14 * 64 * 25 * 32
    fc = 3136 * 1024 + 1024 * 10
    forward = conv1 + conv2 + fc
    backward = 2 * forward - conv1  # weights and inputs; the images need no gradient
    return 2.0 * batch * (forward + backward)


def make_data(path: Path) -> None:
    rng = np.random.default_rng(0)
    arrays = {}
    for name, shape in SHAPES.items():
        fan_in = int(np.prod(shape[:-1]))
        scale = np.sqrt(2.0 / fan_in) if name.startswith("w") else 0.01
        arrays[name] = (rng.standard_normal(shape) * scale).astype(np.float32)
    for batch in BATCHES:
        arrays[f"x{batch}"] = rng.standard_normal((POOL, batch, 28, 28, 1)).astype(np.float32)
        arrays[f"y{batch}"] = rng.integers(0, 10, size=(POOL, batch)).astype(np.int32)
    np.savez(path, **arrays)


# --- workers -----------------------------------------------------------------------------------


class GraphModel:
    """varflow or TF1: the same graph, built through the module `tf`."""

    def __init__(self, tf, data, batch: int, threads: int):
        self.tf = tf
        g = tf.Graph()
        with g.as_default():
            w = {k: tf.Variable(data[k], name=k) for k in SHAPES}
            self.x = tf.placeholder(tf.float32, [batch, 28, 28, 1])
            self.y = tf.placeholder(tf.int32, [batch])
            h = tf.nn.relu(
                tf.nn.bias_add(tf.nn.conv2d(self.x, w["w1"], [1, 1, 1, 1], "SAME"), w["b1"])
            )
            h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
            h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, w["w2"], [1, 1, 1, 1], "SAME"), w["b2"]))
            h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
            h = tf.reshape(h, [batch, 7 * 7 * 64])
            h = tf.nn.relu(tf.matmul(h, w["w3"]) + w["b3"])
            logits = tf.matmul(h, w["w4"]) + w["b4"]
            self.loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.y, logits=logits)
            )
            self.train = tf.train.AdamOptimizer(1e-3).minimize(self.loss)
            init = tf.global_variables_initializer()
        config = None
        if hasattr(tf, "ConfigProto") and tf.__name__.startswith("tensorflow"):
            config = tf.ConfigProto(
                intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1
            )
        self.sess = tf.Session(graph=g, config=config)
        self.sess.run(init)
        self.xs, self.ys = data[f"x{batch}"], data[f"y{batch}"]
        self.i = 0

    def step(self) -> float:
        i = self.i % POOL
        self.i += 1
        _, loss = self.sess.run([self.train, self.loss], {self.x: self.xs[i], self.y: self.ys[i]})
        return float(loss)


class TorchModel:
    def __init__(self, data, batch: int, threads: int):
        import torch

        torch.set_num_threads(threads)
        self.torch = torch
        t = {k: torch.nn.Parameter(torch.from_numpy(data[k].copy())) for k in SHAPES}
        # HWIO -> OIHW for conv weights, [in, out] -> [out, in] for linear ones
        self.params = {
            "w1": torch.nn.Parameter(t["w1"].detach().permute(3, 2, 0, 1).contiguous()),
            "w2": torch.nn.Parameter(t["w2"].detach().permute(3, 2, 0, 1).contiguous()),
            "w3": torch.nn.Parameter(t["w3"].detach().t().contiguous()),
            "w4": torch.nn.Parameter(t["w4"].detach().t().contiguous()),
            **{k: t[k] for k in ("b1", "b2", "b3", "b4")},
        }
        self.opt = torch.optim.Adam(self.params.values(), lr=1e-3, eps=1e-8)
        self.xs = torch.from_numpy(data[f"x{batch}"].transpose(0, 1, 4, 2, 3).copy())
        self.ys = torch.from_numpy(data[f"y{batch}"].astype(np.int64))
        self.i = 0

    def step(self) -> float:
        F = self.torch.nn.functional
        p = self.params
        i = self.i % POOL
        self.i += 1
        h = F.max_pool2d(F.relu(F.conv2d(self.xs[i], p["w1"], p["b1"], padding=2)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, p["w2"], p["b2"], padding=2)), 2)
        h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # TF's (h, w, c) flattening order
        logits = F.linear(F.relu(F.linear(h, p["w3"], p["b3"])), p["w4"], p["b4"])
        loss = F.cross_entropy(logits, self.ys[i])
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return float(loss.detach())


def gemm_rate(threads: int) -> float:
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    for _ in range(3):
        torch.mm(a, b)
    best = float("inf")
    for _ in range(10):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * 2048**3 / best


def cpu_seconds() -> float:
    """User + system CPU time of this process, every thread (spin-waits included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(impl: str, data_path: str, batch: int, threads: int) -> None:
    data = dict(np.load(data_path))
    if impl.startswith("varflow"):
        import varflow as tf

        model = GraphModel(tf, data, batch, threads)
        version = tf.__version__ if hasattr(tf, "__version__") else "?"
    elif impl == "tf":
        import tensorflow.compat.v1 as tf

        tf.disable_v2_behavior()
        tf.logging.set_verbosity(tf.logging.ERROR)
        model = GraphModel(tf, data, batch, threads)
        version = tf.VERSION if hasattr(tf, "VERSION") else "?"
    else:
        import torch

        model = TorchModel(data, batch, threads)
        version = torch.__version__
    print(json.dumps({"ready": version}), flush=True)
    for line in sys.stdin:
        cmd, arg = line.split()
        if cmd == "losses":
            out = [model.step() for _ in range(int(arg))]
        elif cmd == "time":
            c, t = cpu_seconds(), time.perf_counter()
            for _ in range(int(arg)):
                model.step()
            out = [time.perf_counter() - t, cpu_seconds() - c]
        else:
            out = gemm_rate(threads)
        print(json.dumps(out), flush=True)


# --- parent ------------------------------------------------------------------------------------


class Worker:
    def __init__(self, python: str, impl: str, data: Path, batch: int, threads: int):
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        if impl == "varflow-im2col":  # the same build with oneDNN switched off at run time
            env["VARFLOW_ONEDNN"] = "0"
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", impl, str(data), str(batch), str(threads)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.version = self._read()["ready"]

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("worker exited")
        return json.loads(line)

    def ask(self, cmd: str, n: int = 0):
        self.proc.stdin.write(f"{cmd} {n}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def measure(impls: dict, data: Path, batch: int, threads: int, reps: int) -> dict:
    workers = {name: Worker(py, name, data, batch, threads) for name, py in impls.items()}
    try:
        losses = {name: w.ask("losses", 5) for name, w in workers.items()}
        ref = losses.get("tf") or next(iter(losses.values()))
        for name, got in losses.items():
            if abs(got[0] - ref[0]) > 1e-4 * abs(ref[0]) or abs(got[-1] - ref[-1]) > 2e-2 * abs(
                ref[-1]
            ):
                raise RuntimeError(f"{name} computes other losses: {got} vs {ref}")
        steps = {}
        for name, w in workers.items():
            n = 1
            while w.ask("time", n)[0] < MIN_SAMPLE_S:
                n *= 2
            steps[name] = n
        samples = {name: [] for name in workers}
        cpu = {name: [] for name in workers}
        order = list(workers)
        for rep in range(reps):
            k = rep % len(order)
            for name in order[k:] + order[:k]:
                wall, used = workers[name].ask("time", steps[name])
                samples[name].append(wall / steps[name])
                cpu[name].append(used / steps[name])
        versions = {name: w.version for name, w in workers.items()}
    finally:
        for w in workers.values():
            w.close()
    median = {name: statistics.median(s) for name, s in samples.items()}
    cpu_median = {name: statistics.median(s) for name, s in cpu.items()}
    return {"batch": batch, "median": median, "samples": samples, "cpu": cpu_median,
            "losses": losses, "versions": versions}  # fmt: skip


def table(results: list[dict], gemm: float | None, reps: int, threads: int, load: tuple) -> str:
    names = list(results[0]["median"])
    lines = [
        "## CNN training step (LeNet-style, `benchmarks/bench_cnn.py`)\n",
        "conv 5x5x32 -> pool -> conv 5x5x64 -> pool -> fc 1024 -> 10, Adam, one fed batch per "
        f"step; {threads} thread(s) each; medians of {reps} round-robin samples. Ratio: peer "
        "time / varflow time (>1: varflow faster). Peak: the step's FLOPs over its time, "
        + (
            f"as a fraction of torch.mm's float32 GEMM rate ({gemm / 1e9:.0f} GFLOP/s)."
            if gemm
            else "(no GEMM reference measured)."
        )
        + f" Load average (1 min) at the start and end of the run: {load[0]:.1f}, {load[1]:.1f}"
        f" on {os.cpu_count()} CPUs (a shared, loaded machine: absolute times and the GEMM reference vary from run to run; the interleaved ratios are the comparable numbers)."
        " CPU: the worker process's user + system CPU time per step (all its threads; it"
        " counts threads spin-waiting for work, which TF's, OpenBLAS's and varflow's pools do"
        " before they sleep), less sensitive to the load than the step time but not a"
        " measure of useful work alone.\n",
        (
            "| batch | impl | step | images/s | GFLOP/s | of GEMM peak | vs varflow | CPU/step |"
            " CPU vs varflow |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        base = r["median"].get("varflow")
        cpu_base = r["cpu"].get("varflow")
        for name in names:
            t = r["median"][name]
            rate = step_flops(r["batch"]) / t
            ratio = f"{t / base:.2f}x" if base and name != "varflow" else ""
            used = r["cpu"][name]
            cpu_ratio = f"{used / cpu_base:.2f}x" if cpu_base and name != "varflow" else ""
            peak = f"{100 * rate / gemm:.0f}%" if gemm else ""
            lines.append(
                f"| {r['batch']} | {name} {r['versions'][name]} | {1e3 * t:.1f} ms | "
                f"{r['batch'] / t:.0f} | {rate / 1e9:.1f} | {peak} | {ratio} | "
                f"{1e3 * used:.1f} ms | {cpu_ratio} |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        worker(argv[1], argv[2], int(argv[3]), int(argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--peer-python",
        help="python with tf and torch (default: $VARFLOW_BENCH_TF_PYTHON for TF1, "
        "$VARFLOW_BENCH_TORCH_PYTHON for PyTorch, else this python)",
    )
    parser.add_argument("--impl", default="varflow,varflow-im2col,tf,torch")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--write-results", type=Path, help="update this RESULTS.md's section")
    args = parser.parse_args(argv)
    peers = {
        "tf": args.peer_python or os.environ.get("VARFLOW_BENCH_TF_PYTHON"),
        "torch": args.peer_python
        or os.environ.get("VARFLOW_BENCH_TORCH_PYTHON")
        or os.environ.get("VARFLOW_BENCH_TF_PYTHON"),
    }
    impls = {name: peers.get(name) or sys.executable for name in args.impl.split(",")}
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.npz"
        make_data(data)
        results = []
        for batch in BATCHES:
            results.append(measure(impls, data, batch, args.threads, args.reps))
            r = results[-1]
            print(
                f"batch {batch}: "
                + ", ".join(
                    f"{k} {1e3 * v:.1f} ms (CPU {1e3 * r['cpu'][k]:.1f} ms)"
                    for k, v in r["median"].items()
                ),
                flush=True,
            )
        gemm = None
        if "torch" in impls:
            w = Worker(impls["torch"], "torch", data, BATCHES[0], args.threads)
            gemm = w.ask("gemm")
            w.close()
    section = table(results, gemm, args.reps, args.threads, (load_start, os.getloadavg()[0]))
    print("\n" + section)
    if args.write_results:
        write_block(Path(args.write_results), f"{BEGIN}\n{section}{END}\n")


if __name__ == "__main__":
    main()
