"""Sparse ops side by side: varflow, TF1 (tf.compat.v1 graph mode) and PyTorch.

Rows (forward and the gradient to the dense operand, in one step):
- ``sparse_tensor_dense_matmul``: a 4096 x 4096 SparseTensor of 1% density (167,772 entries)
  times a dense 4096 x 64 float32 matrix (torch: ``torch.sparse.mm`` on a COO tensor);
- ``embedding_lookup_sparse`` (combiner "mean"): a batch of 512 rows of 32 ids over a
  100,000 x 64 float32 table (torch: ``nn.functional.embedding_bag`` in mode "mean"),
  gradient to the table.

Each implementation runs in a worker process of its own (TF1 may live in another venv:
``--peer-python``, which also runs PyTorch); the parent runs them round-robin and reports the median of `--reps`
samples, each a calibrated number of back-to-back steps of at least 0.2 s.

    python benchmarks/bench_sparse.py [--peer-python /work/venv-tf/bin/python] [--reps 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

N, K, DENSITY = 4096, 64, 0.01
BATCH, IDS, VOCAB, DIM = 512, 32, 100_000, 64
MIN_SAMPLE_S = 0.2


def matmul_data():
    rng = np.random.default_rng(0)
    nnz = int(N * N * DENSITY)
    flat = np.unique(rng.integers(0, N * N, nnz))
    indices = np.stack(np.unravel_index(flat, (N, N)), axis=1).astype(np.int64)
    values = rng.standard_normal(len(flat)).astype(np.float32)
    b = rng.standard_normal((N, K)).astype(np.float32)
    return indices, values, b


def lookup_data():
    rng = np.random.default_rng(1)
    ids = rng.integers(0, VOCAB, (BATCH, IDS)).astype(np.int64)
    table = rng.standard_normal((VOCAB, DIM)).astype(np.float32) * 0.1
    return ids, table


def build_tf(tf, case):
    """A callable running one step of `case` in TF1-shaped `tf` (varflow or TF)."""
    g = tf.Graph()
    with g.as_default():
        if case == "matmul":
            indices, values, b0 = matmul_data()
            sp = tf.SparseTensor(indices, values, [N, N])
            b = tf.Variable(b0)
            y = tf.sparse_tensor_dense_matmul(sp, b)
            fetch = tf.gradients(tf.reduce_sum(y * y), [b])[0]
        else:
            ids, table0 = lookup_data()
            rows = np.repeat(np.arange(BATCH), IDS)
            cols = np.tile(np.arange(IDS), BATCH)
            sp = tf.SparseTensor(
                np.stack([rows, cols], 1).astype(np.int64), ids.reshape(-1), [BATCH, IDS]
            )
            table = tf.Variable(table0)
            y = tf.nn.embedding_lookup_sparse(table, sp, None, combiner="mean")
            fetch = tf.convert_to_tensor(tf.gradients(tf.reduce_sum(y * y), [table])[0])
        sess = tf.Session(graph=g)
        sess.run(tf.global_variables_initializer())
    return lambda: sess.run(fetch)


def build_torch(case):
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    if case == "matmul":
        indices, values, b0 = matmul_data()
        a = torch.sparse_coo_tensor(torch.from_numpy(indices.T), torch.from_numpy(values), (N, N))
        a = a.coalesce()
        b = torch.from_numpy(b0).requires_grad_()

        def step():
            b.grad = None
            y = torch.sparse.mm(a, b)
            (y * y).sum().backward()
            return b.grad

        return step
    ids, table0 = lookup_data()
    table = torch.from_numpy(table0).requires_grad_()
    ids_t = torch.from_numpy(ids)

    def step():
        table.grad = None
        y = torch.nn.functional.embedding_bag(ids_t, table, mode="mean")
        (y * y).sum().backward()
        return table.grad

    return step


def worker(impl, case, reps):
    if impl == "torch":
        step = build_torch(case)
    elif impl == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tensorflow.compat.v1 as tf

        tf.disable_v2_behavior()
        step = build_tf(tf, case)
    else:
        import varflow as tf

        step = build_tf(tf, case)
    for _ in range(3):
        step()
    t0 = time.perf_counter()
    loops = 0
    while time.perf_counter() - t0 < MIN_SAMPLE_S:
        step()
        loops += 1
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(loops):
            step()
        samples.append((time.perf_counter() - t0) / loops)
    print(json.dumps({"median_s": statistics.median(samples)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", nargs=2)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--peer-python", default=sys.executable)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker, args.reps)
        return
    rows = []
    for case, title in (
        ("matmul", f"sparse_tensor_dense_matmul {N}x{N} ({DENSITY:.0%}) x {N}x{K}, fwd+grad"),
        ("lookup", f"embedding_lookup_sparse mean, {BATCH}x{IDS} ids, {VOCAB}x{DIM}, fwd+grad"),
    ):
        times = {}
        for impl in ("varflow", "tf", "torch"):
            python = args.peer_python if impl in ("tf", "torch") else sys.executable
            cmd = [python, __file__, "--worker", impl, case, "--reps", str(args.reps)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                times[impl] = None
                print(f"{impl} {case} failed: {out.stderr[-500:]}", file=sys.stderr)
                continue
            times[impl] = json.loads(out.stdout.strip().splitlines()[-1])["median_s"]
        rows.append((title, times))
    print("| case | varflow | TF1 | PyTorch | TF1 / varflow | PyTorch / varflow |")
    print("|---|---|---|---|---|---|")
    for title, t in rows:

        def ms(x):
            return "n/a" if x is None else f"{x * 1e3:.2f} ms"

        def ratio(x, base=t["varflow"]):
            return "n/a" if x is None or not base else f"{x / base:.2f}x"

        print(
            f"| {title} | {ms(t['varflow'])} | {ms(t['tf'])} | {ms(t['torch'])} | "
            f"{ratio(t['tf'])} | {ratio(t['torch'])} |"
        )


if __name__ == "__main__":
    main()
