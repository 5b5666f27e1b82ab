"""Allreduce bandwidth of varflow.horovod against mpi4py on the same MPI, and an MLP training
step on 2 ranks against 1.

    python benchmarks/bench_allreduce.py [--write-results benchmarks/RESULTS.md]

Every measurement is its own `mpiexec` job of this script (``--child``), on the mpich wheel's
MPI (varflow loads its libmpi_abi.so, mpi4py its libmpi.so: the same MPICH build). Allreduce:
a float32 variable of n elements summed over 2 ranks, timed per op after a synchronisation of
the ranks (median of repeats; varflow's includes the Session.run and the negotiation round and
is preceded by a scalar allreduce, mpi4py's is one blocking Allreduce preceded by a Barrier).
The MLP step: 784-256-256-10, Adam, 128 examples per rank; 1 rank with 2 threads against 2
ranks with 1 thread each (the same 2 cores): the DistributedOptimizer (each gradient's allreduce
started as the backward pass produces it, overlapped with the rest), with fusion on (64 MB) and
off (HOROVOD_FUSION_THRESHOLD=0), and the previous scheme for comparison (one synchronous
HorovodAllreduceGradients op after the whole backward pass). The MLP jobs run interleaved, three
rounds, and each setup reports the median of its rounds' medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from report import write_block

SIZES = [10**3, 10**4, 10**5, 10**6, 10**7, 10**8]


def repeats(n: int) -> int:
    return max(10, min(200, int(3e7 / max(n, 1))))


def child_varflow_allreduce(out: Path) -> None:
    import varflow as tf
    import varflow.horovod as hvd

    hvd.init()
    rows = []
    for n in SIZES:
        tf.reset_default_graph()
        v = tf.Variable(np.ones(n, np.float32), name="v")
        reduced = hvd.allreduce(v.value(), op=hvd.Sum, name=f"sum_{n}")
        probe = reduced[0]
        sync = hvd.allreduce(tf.constant(1.0), name=f"sync_{n}")
        with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)) as sess:
            sess.run(tf.global_variables_initializer())
            run = sess.make_callable(probe)
            barrier = sess.make_callable(sync)
            assert run() == hvd.size()
            times = []
            for _ in range(repeats(n)):
                barrier()
                t0 = time.perf_counter()
                run()
                times.append(time.perf_counter() - t0)
        rows.append({"n": n, "seconds": float(np.median(times)), "best": float(np.min(times))})
    if hvd.rank() == 0:
        out.write_text(json.dumps(rows))


def child_mpi4py_allreduce(out: Path) -> None:
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    rows = []
    for n in SIZES:
        buf = np.ones(n, np.float32)
        result = np.empty_like(buf)
        comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
        comm.Allreduce(buf, result, op=MPI.SUM)
        times, apart = [], []
        for _ in range(repeats(n)):
            comm.Barrier()
            t0 = time.perf_counter()
            comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
            times.append(time.perf_counter() - t0)
            # Out of place, as a graph op works (its input and output are distinct tensors).
            comm.Barrier()
            t0 = time.perf_counter()
            comm.Allreduce(buf, result, op=MPI.SUM)
            apart.append(time.perf_counter() - t0)
        rows.append(
            {
                "n": n,
                "seconds": float(np.median(times)),
                "best": float(np.min(times)),
                "apart_best": float(np.min(apart)),
            }
        )
    if comm.rank == 0:
        out.write_text(json.dumps(rows))


def child_mlp(out: Path, threads: int, mode: str) -> None:
    import varflow as tf
    import varflow.horovod as hvd

    hvd.init()
    rng = np.random.RandomState(hvd.rank())
    batch = 128
    x_data = rng.rand(batch, 784).astype(np.float32)
    y_data = rng.randint(0, 10, batch).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.int32, [None])
    h = tf.layers.dense(x, 256, activation=tf.nn.relu)
    h = tf.layers.dense(h, 256, activation=tf.nn.relu)
    logits = tf.layers.dense(h, 10)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    if mode == "sync":
        # The scheme before the start/wait ops: one op reducing every gradient at once, after
        # the whole backward pass.
        opt = tf.train.AdamOptimizer(1e-3)
        pairs = opt.compute_gradients(loss)
        inputs = [t for g, v in pairs for t in (g, v._ref_tensor)]
        node = tf.get_default_graph().create_op(
            "HorovodAllreduceGradients", inputs, {"reduce_op": 0}, name="sync_allreduce"
        )
        train = opt.apply_gradients(list(zip(node._outputs, [v for _, v in pairs], strict=True)))
    else:
        train = hvd.DistributedOptimizer(tf.train.AdamOptimizer(1e-3)).minimize(loss)
    config = tf.ConfigProto(intra_op_parallelism_threads=threads)
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(hvd.broadcast_global_variables(0))
        step = sess.make_callable(train, [x, y])
        for _ in range(10):
            step(x_data, y_data)
        times = []
        for _ in range(60):
            t0 = time.perf_counter()
            step(x_data, y_data)
            times.append(time.perf_counter() - t0)
    if hvd.rank() == 0:
        out.write_text(
            json.dumps(
                {"seconds": float(np.median(times)), "best": float(np.min(times)), "batch": batch}
            )
        )


def mpiexec() -> str:
    here = Path(sys.executable).parent / "mpiexec"
    found = str(here) if here.exists() else shutil.which("mpiexec")
    if not found:
        sys.exit("mpiexec not found: pip install '.[distributed]'")
    return found


def launch(ranks: int, args: list[str], env: dict | None = None) -> object:
    out = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_allreduce_{os.getpid()}.json"
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    cmd = [mpiexec(), "-n", str(ranks), sys.executable, __file__, "--child", *args, str(out)]
    subprocess.run(cmd, check=True, env=environment, timeout=1800)
    result = json.loads(out.read_text())
    out.unlink()
    return result


def markdown(varflow_rows, mpi4py_rows, mlp, loads) -> str:
    lines = [
        "<!-- bench_allreduce:begin -->",
        "## Allreduce over MPI and a data-parallel MLP step (`benchmarks/bench_allreduce.py`)",
        "",
        (
            "Sum of a float32 tensor over 2 ranks on this 2-core machine (shared memory, the mpich "
            "wheel's MPICH 5): varflow.horovod's `HorovodAllreduce` run by `Session.run` "
            "(negotiation round + one `MPI_Allreduce`) against mpi4py's blocking "
            "`comm.Allreduce` on the same MPI. GB/s = bytes / time (for 2 ranks the ring's bus bandwidth, 2(p-1)/p x bytes / time, is the same)."
        ),
        "",
        "",
        (
            f"Load average (1 min) at the start and end of the run: {loads[0]:.1f}, {loads[1]:.1f} "
            f"on {os.cpu_count()} CPUs. Both "
            "implementations busy-poll, so a descheduled peer stretches single ops by "
            "milliseconds: the table gives the best op over all repeats of three interleaved "
            "rounds (the cost when both ranks are on a core), the ratio of the medians, and "
            "mpi4py's out-of-place `Allreduce(send, recv)` (distinct buffers, as an op's input "
            "and output are)."
        ),
        "",
        (
            "| floats | varflow best | mpi4py best | varflow GB/s | mpi4py GB/s "
            "| varflow / mpi4py (best) | (median) | mpi4py out of place best | varflow / that |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for v, m in zip(varflow_rows, mpi4py_rows, strict=True):
        nbytes = 4 * v["n"]
        lines.append(
            f"| {v['n']:.0e} | {fmt(v['best'])} | {fmt(m['best'])} | "
            f"{nbytes / v['best'] / 1e9:.2f} | {nbytes / m['best'] / 1e9:.2f} | "
            f"{v['best'] / m['best']:.2f}x | {v['seconds'] / m['seconds']:.2f}x | "
            f"{fmt(m['apart_best'])} | {v['best'] / m['apart_best']:.2f}x |"
        )
    one = mlp["1"]
    lines += [
        "",
        (
            "MLP 784-256-256-10, Adam, 128 examples per rank and step (weak scaling: 2 ranks "
            "train on twice the examples per step); step = median over three interleaved "
            "rounds of each round's median of 60 steps, best = the fastest step seen:"
        ),
        "",
        "| setup | step | best | examples/s | speed-up |",
        "|---|---|---|---|---|",
        (
            f"| 1 rank, 2 threads | {fmt(one['seconds'])} | {fmt(one['best'])} | "
            f"{128 / one['seconds']:.0f} | 1.00x |"
        ),
    ]
    for key, label in MLP_SETUPS[1:]:
        t = mlp[key]["seconds"]
        lines.append(
            f"| {label} | {fmt(t)} | {fmt(mlp[key]['best'])} | {256 / t:.0f} | "
            f"{256 / t / (128 / one['seconds']):.2f}x |"
        )
    lines += [
        "<!-- bench_allreduce:end -->",
        "",
    ]
    return "\n".join(lines)


# (key, table label, ranks, child arguments, environment)
MLP_JOBS = [
    ("1", "1 rank, 2 threads", 1, ["mlp", "2", "overlap"], {}),
    (
        "2",
        "2 ranks, 1 thread each, overlapped allreduces, fusion 64 MB",
        2,
        ["mlp", "1", "overlap"],
        {},
    ),
    (
        "2_nofusion",
        "2 ranks, 1 thread each, overlapped allreduces, fusion off",
        2,
        ["mlp", "1", "overlap"],
        {"HOROVOD_FUSION_THRESHOLD": "0"},
    ),
    (
        "2_sync",
        "2 ranks, 1 thread each, one allreduce after the backward pass (before)",
        2,
        ["mlp", "1", "sync"],
        {},
    ),
]
MLP_SETUPS = [(key, label) for key, label, *_ in MLP_JOBS]


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-results", metavar="RESULTS_MD")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, out = args.child[0], Path(args.child[-1])
        if kind == "varflow":
            child_varflow_allreduce(out)
        elif kind == "mpi4py":
            child_mpi4py_allreduce(out)
        else:
            child_mlp(out, int(args.child[1]), args.child[2])
        return 0
    load_start = os.getloadavg()[0]
    runs = {"varflow": [], "mpi4py": []}
    for _ in range(3):
        for kind, results in runs.items():
            results.append(launch(2, [kind]))

    def combine(kind):
        return [
            {
                "n": rows[0]["n"],
                "seconds": float(np.median([r["seconds"] for r in rows])),
                "best": float(min(r["best"] for r in rows)),
                "apart_best": float(min(r.get("apart_best", np.inf) for r in rows)),
            }
            for rows in zip(*runs[kind], strict=True)
        ]

    varflow_rows, mpi4py_rows = combine("varflow"), combine("mpi4py")
    rounds = {key: [] for key, *_ in MLP_JOBS}
    for _ in range(3):
        for key, _label, ranks, child, env in MLP_JOBS:
            rounds[key].append(launch(ranks, child, env))
    mlp = {
        key: {
            "seconds": float(np.median([r["seconds"] for r in t])),
            "best": float(min(r["best"] for r in t)),
            "rounds": [r["seconds"] for r in t],
        }
        for key, t in rounds.items()
    }
    block = markdown(varflow_rows, mpi4py_rows, mlp, (load_start, os.getloadavg()[0]))
    print(block)
    if args.write_results:
        write_block(Path(args.write_results), block)
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("allreduce.json").write_text(
        json.dumps({"varflow": varflow_rows, "mpi4py": mpi4py_rows, "mlp": mlp}, indent=1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
