"""LSTM training step (hidden 256, 50 steps, batch 64) in varflow, TF1 and PyTorch.

The model: inputs [64, 50, 128] -> one LSTM layer of 256 units (TF1's BasicLSTMCell, PyTorch's
nn.LSTM) -> a dense layer on the last output -> mean sparse softmax cross entropy, Adam(1e-3);
each step feeds one of POOL fixed random batches and fetches the loss. varflow and TF1 build the
same graph from the same code, once unrolled with ``tf.nn.static_rnn`` and once looped with
``tf.nn.dynamic_rnn`` (the form TF1 programs use); PyTorch runs ``nn.LSTM`` eagerly. All start
from the same weights (PyTorch's gates reordered, TF1's forget bias folded into its bias), and
the first losses are compared before timing, so every entry times the same step on the same
numbers.

Each implementation runs in its own worker process (TF1 and PyTorch may live in another venv:
``--peer-python``), all with the same number of threads; the parent times them round-robin,
each sample a calibrated number of back-to-back steps lasting at least MIN_SAMPLE_S, and
reports medians (the method of bench_cnn.py).

    python benchmarks/scenarios/lstm.py [--peer-python /path/to/venv-with-tf-and-torch/bin/python]
        [--reps 7] [--variants static,dynamic] [--write-results benchmarks/RESULTS.md]

OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE when it loads; the workers run without
them, so every implementation uses OpenBLAS's (or its own) choice of kernels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

BATCH, STEPS, INPUT, HIDDEN, CLASSES = 64, 50, 128, 256, 10
POOL = 4
MIN_SAMPLE_S = 0.5
DROPPED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BEGIN, END = "<!-- bench_lstm:begin -->", "<!-- bench_lstm:end -->"
FORGET_BIAS = 1.0


def step_flops() -> float:
    """2 per multiply-add: the gates' product forward, and twice that backward (inputs and
    weights), over every step; the dense layer is negligible."""
    gates = BATCH * (INPUT + HIDDEN) * 4 * HIDDEN
    return 2.0 * STEPS * 3 * gates


def make_data(path: Path) -> None:
    rng = np.random.default_rng(0)
    scale = 1 / np.sqrt(INPUT + HIDDEN)
    arrays = {
        "kernel": rng.uniform(-scale, scale, (INPUT + HIDDEN, 4 * HIDDEN)).astype(np.float32),
        "bias": rng.uniform(-0.1, 0.1, 4 * HIDDEN).astype(np.float32),
        "w_out": (rng.standard_normal((HIDDEN, CLASSES)) * 0.1).astype(np.float32),
        "b_out": np.zeros(CLASSES, np.float32),
        "x": rng.standard_normal((POOL, BATCH, STEPS, INPUT)).astype(np.float32),
        "y": rng.integers(0, CLASSES, (POOL, BATCH)).astype(np.int32),
    }
    np.savez(path, **arrays)


# --- workers -----------------------------------------------------------------------------------


class GraphModel:
    """varflow or TF1: the same graph, built through the module `tf`."""

    def __init__(self, tf, data, variant: str, threads: int):
        g = tf.Graph()
        with g.as_default():
            self.x = tf.placeholder(tf.float32, [BATCH, STEPS, INPUT])
            self.y = tf.placeholder(tf.int32, [BATCH])
            kernel, bias = data["kernel"], data["bias"]
            cell = tf.nn.rnn_cell.BasicLSTMCell(HIDDEN, forget_bias=FORGET_BIAS)
            if variant == "static":
                outputs, _ = tf.nn.static_rnn(cell, tf.unstack(self.x, axis=1), dtype=tf.float32)
                last = outputs[-1]
            else:
                outputs, _ = tf.nn.dynamic_rnn(cell, self.x, dtype=tf.float32)
                last = outputs[:, -1]
            logits = tf.matmul(last, tf.Variable(data["w_out"])) + tf.Variable(data["b_out"])
            self.loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=self.y, logits=logits)
            )
            self.train = tf.train.AdamOptimizer(1e-3).minimize(self.loss)
            init = tf.global_variables_initializer()
            assigns = [
                tf.assign(v, value)
                for v, value in zip(cell.trainable_weights, (kernel, bias), strict=True)
            ]
        config = None
        if tf.__name__.startswith("tensorflow"):
            config = tf.ConfigProto(
                intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1
            )
        self.sess = tf.Session(graph=g, config=config)
        self.sess.run(init)
        self.sess.run(assigns)
        self.xs, self.ys = data["x"], data["y"]
        self.i = 0

    def step(self) -> float:
        i = self.i % POOL
        self.i += 1
        _, loss = self.sess.run([self.train, self.loss], {self.x: self.xs[i], self.y: self.ys[i]})
        return float(loss)


class TorchModel:
    def __init__(self, data, threads: int):
        import torch

        torch.set_num_threads(threads)
        self.torch = torch
        self.lstm = torch.nn.LSTM(INPUT, HIDDEN, batch_first=True)
        self.out = torch.nn.Linear(HIDDEN, CLASSES)
        # TF's gate blocks i, j, f, o -> PyTorch's i, f, g(j), o; TF adds forget_bias to f.
        kernel, bias = data["kernel"], data["bias"].copy()
        bias[2 * HIDDEN : 3 * HIDDEN] += FORGET_BIAS
        order = [0, 2, 1, 3]

        def blocks(a):
            return np.concatenate([a[..., k * HIDDEN : (k + 1) * HIDDEN] for k in order], -1)

        with torch.no_grad():
            self.lstm.weight_ih_l0.copy_(torch.from_numpy(blocks(kernel[:INPUT]).T.copy()))
            self.lstm.weight_hh_l0.copy_(torch.from_numpy(blocks(kernel[INPUT:]).T.copy()))
            self.lstm.bias_ih_l0.copy_(torch.from_numpy(blocks(bias)))
            self.lstm.bias_hh_l0.zero_()
            self.out.weight.copy_(torch.from_numpy(data["w_out"].T.copy()))
            self.out.bias.copy_(torch.from_numpy(data["b_out"]))
        params = list(self.lstm.parameters()) + list(self.out.parameters())
        self.opt = torch.optim.Adam(params, lr=1e-3, eps=1e-8)
        self.xs = torch.from_numpy(data["x"])
        self.ys = torch.from_numpy(data["y"].astype(np.int64))
        self.i = 0

    def step(self) -> float:
        i = self.i % POOL
        self.i += 1
        outputs, _ = self.lstm(self.xs[i])
        loss = self.torch.nn.functional.cross_entropy(self.out(outputs[:, -1]), self.ys[i])
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        return float(loss.detach())


def worker(impl: str, data_path: str, threads: int) -> None:
    data = dict(np.load(data_path))
    name, _, variant = impl.partition(":")
    if name == "varflow":
        import varflow as tf

        model = GraphModel(tf, data, variant, threads)
        version = tf.__version__
    elif name == "tf":
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        import tensorflow.compat.v1 as tf

        tf.disable_v2_behavior()
        tf.logging.set_verbosity(tf.logging.ERROR)
        model = GraphModel(tf, data, variant, threads)
        version = tf.VERSION
    else:
        import torch

        model = TorchModel(data, threads)
        version = torch.__version__
    print(json.dumps({"ready": version}), flush=True)
    for line in sys.stdin:
        cmd, arg = line.split()
        if cmd == "losses":
            out = [model.step() for _ in range(int(arg))]
        else:
            t = time.perf_counter()
            for _ in range(int(arg)):
                model.step()
            out = time.perf_counter() - t
        print(json.dumps(out), flush=True)


# --- parent ------------------------------------------------------------------------------------


class Worker:
    def __init__(self, python: str, impl: str, data: Path, threads: int):
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", impl, str(data), str(threads)],
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


def measure(impls: dict, data: Path, threads: int, reps: int) -> dict:
    workers = {name: Worker(py, name, data, threads) for name, py in impls.items()}
    try:
        losses = {name: w.ask("losses", 3) for name, w in workers.items()}
        ref = losses.get("tf:dynamic") or next(iter(losses.values()))
        for name, got in losses.items():
            if abs(got[0] - ref[0]) > 1e-4 * abs(ref[0]) or abs(got[-1] - ref[-1]) > 1e-3 * abs(
                ref[-1]
            ):
                raise RuntimeError(f"{name} computes other losses: {got} vs {ref}")
        steps = {}
        for name, w in workers.items():
            n = 1
            while w.ask("time", n) < MIN_SAMPLE_S:
                n *= 2
            steps[name] = n
        samples = {name: [] for name in workers}
        order = list(workers)
        for rep in range(reps):
            k = rep % len(order)
            for name in order[k:] + order[:k]:
                samples[name].append(workers[name].ask("time", steps[name]) / steps[name])
        versions = {name: w.version for name, w in workers.items()}
    finally:
        for w in workers.values():
            w.close()
    median = {name: statistics.median(s) for name, s in samples.items()}
    return {"median": median, "samples": samples, "losses": losses, "versions": versions}


def table(r: dict, reps: int, threads: int, load: tuple) -> str:
    lines = [
        "## LSTM training step (`benchmarks/scenarios/lstm.py`)\n",
        (
            f"One BasicLSTMCell / nn.LSTM layer of {HIDDEN} units over {STEPS} steps of [{BATCH}, "
            f"{INPUT}] inputs, a dense layer on the last output, sparse softmax cross entropy, Adam; "
            f"one fed batch per step; {threads} thread(s) each, every implementation in its own "
            f"process; medians of {reps} round-robin samples. Ratio: peer time / varflow time of the "
            "same driver, else varflow's static_rnn (>1: varflow faster; PyTorch against varflow's "
            "dynamic_rnn when measured). "
            f"Load average (1 min) at the start and end: {load[0]:.1f}, {load[1]:.1f} on "
            f"{os.cpu_count()} CPUs (a shared machine: the interleaved ratios are the comparable "
            "numbers).\n"
        ),
        "| impl | driver | step | sequences/s | GFLOP/s | vs varflow |",
        "|---|---|---|---|---|---|",
    ]
    med = r["median"]
    for name, t in med.items():
        impl, _, variant = name.partition(":")
        base_key = f"varflow:{variant or 'dynamic'}"
        base = med.get(base_key) or med.get("varflow:static")
        ratio = f"{t / base:.2f}x" if base and impl != "varflow" else ""
        driver = {"static": "static_rnn", "dynamic": "dynamic_rnn", "": "nn.LSTM"}[variant]
        lines.append(
            f"| {impl} {r['versions'][name]} | {driver} | {1e3 * t:.1f} ms | {BATCH / t:.0f} | "
            f"{step_flops() / t / 1e9:.1f} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        worker(argv[1], argv[2], int(argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", default=sys.executable, help="python with tf and torch")
    parser.add_argument(
        "--impl", default="varflow,tf,torch", help="varflow, tf, torch, or impl:driver"
    )
    parser.add_argument("--variants", default="static,dynamic", help="varflow/TF1 drivers")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--write-results", type=Path, help="update this RESULTS.md's section")
    args = parser.parse_args(argv)
    impls = {}
    for name in args.impl.split(","):
        python = sys.executable if name.startswith("varflow") else args.peer_python
        if name == "torch" or ":" in name:  # "tf:dynamic": one driver only
            impls[name] = python
        else:
            for variant in args.variants.split(","):
                impls[f"{name}:{variant}"] = python
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.npz"
        make_data(data)
        result = measure(impls, data, args.threads, args.reps)
    print(", ".join(f"{k} {1e3 * v:.1f} ms" for k, v in result["median"].items()), flush=True)
    section = table(result, args.reps, args.threads, (load_start, os.getloadavg()[0]))
    print("\n" + section)
    if args.write_results:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for report
        from report import write_block

        write_block(Path(args.write_results), f"{BEGIN}\n{section}{END}\n")


if __name__ == "__main__":
    main()
