"""tf.data input pipeline throughput in varflow and TF1, and whether it keeps up with a step.

The pipeline: ``from_tensor_slices((images, labels))`` of 60,000 MNIST-sized float32 rows
(784) with int64 labels -> ``map`` (scale and centre the pixels, one-hot the label; sequential,
and with ``num_parallel_calls=2``) -> ``shuffle(10000, seed=1)`` -> ``batch(128)`` ->
``prefetch(2)`` -> ``repeat()``, iterated with a one-shot iterator's ``get_next()`` in graph
mode (TF1 through ``tf.compat.v1``). One step of the first rows is ``sess.run(get_next)``:
the rate is elements per second. The last rows time an Adam step of a 784-256-256-10 ReLU MLP
at batch 128 fed three ways: from NumPy through feed_dict (the reference: no pipeline), from
the pipeline's ``get_next()`` inside the graph (map sequential, and with 2 parallel calls), so
the pipeline "keeps up" when its step is no slower than the fed one.

Each implementation runs in a worker process of its own (TF1 may live in another venv:
``--peer-python``); the parent times them round-robin, each sample a calibrated number of
back-to-back steps of at least MIN_SAMPLE_S, and reports medians.

    python benchmarks/scenarios/data_pipeline.py [--peer-python /work/venv-tf/bin/python]
        [--reps 7] [--write-results benchmarks/RESULTS.md]

OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE when it loads; the workers run without
them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

N = 60000
BATCH = 128
SHUFFLE = 10000
MIN_SAMPLE_S = 0.3
LAYERS = (784, 256, 256, 10)
DROPPED_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BEGIN, END = "<!-- bench_data_pipeline:begin -->", "<!-- bench_data_pipeline:end -->"
CASES = {
    "pipeline, map sequential": "elements",
    "pipeline, map num_parallel_calls=2": "elements",
    "MLP Adam step, fed from NumPy": "step",
    "MLP Adam step, fed by the pipeline (map sequential)": "step",
    "MLP Adam step, fed by the pipeline (map num_parallel_calls=2)": "step",
}


def data():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (N, LAYERS[0])).astype(np.float32)
    labels = rng.integers(0, 10, N).astype(np.int64)
    return images, labels


def pipeline(tf, images, labels, parallel):
    def prepare(x, y):
        return x * (1.0 / 255.0) - 0.5, tf.one_hot(y, 10)

    ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(
        prepare, num_parallel_calls=parallel
    )
    return ds.shuffle(SHUFFLE, seed=1).batch(BATCH).prefetch(2).repeat()


def mlp_train(tf, x, y):
    rng = np.random.default_rng(1)
    h = x
    for i in range(len(LAYERS) - 1):
        w0 = (rng.standard_normal(LAYERS[i : i + 2]) * (2.0 / LAYERS[i]) ** 0.5).astype(np.float32)
        h = tf.matmul(h, tf.Variable(w0)) + tf.Variable(np.zeros(LAYERS[i + 1], np.float32))
        if i < len(LAYERS) - 2:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h))
    return [tf.train.AdamOptimizer(1e-3).minimize(loss), loss]


def build(impl: str, case: str, threads: int):
    if impl == "varflow":
        import varflow as tf

        version = tf.__version__
    else:
        import tensorflow as real_tf

        version = real_tf.__version__
        tf = real_tf.compat.v1
        tf.disable_v2_behavior()
    images, labels = data()
    graph = tf.Graph()
    feed_pool = None
    with graph.as_default():
        if case.startswith("pipeline"):
            parallel = 2 if "parallel" in case else None
            fetch = tf.data.make_one_shot_iterator(
                pipeline(tf, images, labels, parallel)
            ).get_next()
            init = None
        elif case.endswith("NumPy"):
            x = tf.placeholder(tf.float32, [None, LAYERS[0]])
            y = tf.placeholder(tf.float32, [None, LAYERS[-1]])
            fetch = mlp_train(tf, x, y)
            init = tf.global_variables_initializer()
            eye = np.eye(10, dtype=np.float32)
            feed_pool = [
                {x: images[i : i + BATCH] / 255.0 - 0.5, y: eye[labels[i : i + BATCH]]}
                for i in range(0, 8 * BATCH, BATCH)
            ]
        else:
            ds = pipeline(tf, images, labels, 2 if "parallel" in case else None)
            x, y = tf.data.make_one_shot_iterator(ds).get_next()
            fetch = mlp_train(tf, x, y)
            init = tf.global_variables_initializer()
    config = tf.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1)
    sess = tf.Session(graph=graph, config=config)
    if init is not None:
        sess.run(init)
    counter = [0]

    def step():
        if feed_pool is None:
            return sess.run(fetch)
        counter[0] += 1
        return sess.run(fetch, feed_dict=feed_pool[counter[0] % len(feed_pool)])

    return step, version


def worker(impl: str, case: str, threads: int) -> None:
    step, version = build(impl, case, threads)
    for _ in range(5):
        step()
    print(json.dumps({"ready": version}), flush=True)
    for line in sys.stdin:
        n = int(line.split()[1])
        t = time.perf_counter()
        for _ in range(n):
            step()
        print(json.dumps(time.perf_counter() - t), flush=True)


class Worker:
    def __init__(self, python: str, impl: str, case: str, threads: int):
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        env["TF_CPP_MIN_LOG_LEVEL"] = "3"
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", impl, case, str(threads)],
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

    def time(self, n: int) -> float:
        self.proc.stdin.write(f"time {n}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def measure(impls: dict, case: str, threads: int, reps: int) -> dict:
    workers = {name: Worker(py, name, case, threads) for name, py in impls.items()}
    try:
        steps = {}
        for name, w in workers.items():
            n = 1
            while w.time(n) < MIN_SAMPLE_S:
                n *= 2
            steps[name] = n
        samples = {name: [] for name in workers}
        order = list(workers)
        for rep in range(reps):
            k = rep % len(order)
            for name in order[k:] + order[:k]:
                samples[name].append(workers[name].time(steps[name]) / steps[name])
        versions = {name: w.version for name, w in workers.items()}
    finally:
        for w in workers.values():
            w.close()
    median = {name: statistics.median(s) for name, s in samples.items()}
    return {"case": case, "median": median, "samples": samples, "versions": versions}


def table(results: list[dict], reps: int, threads: int, load: tuple) -> str:
    lines = [
        "## tf.data input pipeline (`benchmarks/scenarios/data_pipeline.py`)\n",
        (
            f"from_tensor_slices of {N} rows of 784 float32 + int64 label -> map (scale, centre, "
            f"one-hot) -> shuffle({SHUFFLE}, seed=1) -> batch({BATCH}) -> prefetch(2) -> repeat(), "
            "one `sess.run(get_next)` per step; then an Adam step of a 784-256-256-10 MLP at batch "
            f"{BATCH} fed from NumPy (feed_dict) and by the pipeline (map sequential, and with 2 "
            f"parallel calls). {threads} thread(s) each; medians of {reps} "
            "round-robin samples, each implementation in its own process. Ratio: TF1 time / "
            "varflow time (>1: varflow faster). Load average (1 min) at the start and end: "
            f"{load[0]:.1f}, {load[1]:.1f} on {os.cpu_count()} CPUs.\n"
        ),
        "| case | impl | per step | elements/s | vs varflow |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        base = r["median"].get("varflow")
        for name, t in r["median"].items():
            ratio = f"{t / base:.2f}x" if base and name != "varflow" else ""
            lines.append(
                f"| {r['case']} | {name} {r['versions'][name]} | {1e3 * t:.2f} ms | "
                f"{BATCH / t:,.0f} | {ratio} |"
            )
    return "\n".join(lines) + "\n"


def verdict(results: list[dict]) -> str:
    by_case = {r["case"]: r["median"] for r in results}
    out = []
    fed = by_case.get("MLP Adam step, fed from NumPy", {})
    for mode in ("map sequential", "map num_parallel_calls=2"):
        piped = by_case.get(f"MLP Adam step, fed by the pipeline ({mode})", {})
        alone = by_case.get(f"pipeline, {mode}", {})
        for name in piped:
            if name in fed and name in alone:
                keeps = piped[name] <= fed[name] * 1.05
                out.append(
                    f"- {name}, {mode}: the step fed by the pipeline takes "
                    f"{1e3 * piped[name]:.2f} ms against {1e3 * fed[name]:.2f} ms fed from NumPy; "
                    f"the pipeline alone makes a batch in {1e3 * alone[name]:.2f} ms, so it "
                    + ("keeps up with the step." if keeps else "slows the step down.")
                )
    return "\n".join(out) + ("\n" if out else "")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        worker(argv[1], argv[2], int(argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", default=sys.executable, help="python with tensorflow")
    parser.add_argument("--impl", default="varflow,tf")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", nargs="*", help="cases to run (substrings)")
    parser.add_argument("--write-results", type=Path, help="update this RESULTS.md's section")
    args = parser.parse_args(argv)
    impls = {
        name: sys.executable if name == "varflow" else args.peer_python
        for name in args.impl.split(",")
    }
    load_start = os.getloadavg()[0]
    results = []
    for case in CASES:
        if args.only and not any(s in case for s in args.only):
            continue
        results.append(measure(impls, case, args.threads, args.reps))
        r = results[-1]
        print(
            case + ": " + ", ".join(f"{k} {1e3 * v:.2f} ms" for k, v in r["median"].items()),
            flush=True,
        )
    section = table(results, args.reps, args.threads, (load_start, os.getloadavg()[0]))
    section += "\n" + verdict(results)
    print(section)
    if args.write_results:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/, for report
        from report import write_block

        write_block(Path(args.write_results), f"{BEGIN}\n{section}{END}\n")


if __name__ == "__main__":
    main()
