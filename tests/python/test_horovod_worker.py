"""The per-rank programs that test_horovod.py launches with mpiexec (no tests of its own).

Run as ``python test_horovod_worker.py <scenario> <out_dir>``; each rank writes what it saw to
``<out_dir>/rank<r>.npz`` (arrays) or ``rank<r>.json`` (errors), which the test compares.
`train_model` also runs in the test process itself, as the single-rank reference.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

BATCH, FEATURES, HIDDEN, CLASSES = 16, 6, 10, 3


def data():
    rng = np.random.RandomState(7)
    x = rng.randn(BATCH, FEATURES).astype(np.float32)
    y = rng.randint(0, CLASSES, size=BATCH).astype(np.int32)
    return x, y


def initial_weights():
    rng = np.random.RandomState(11)
    return {
        "w1": (rng.randn(FEATURES, HIDDEN) * 0.5).astype(np.float32),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": (rng.randn(HIDDEN, CLASSES) * 0.5).astype(np.float32),
        "b2": np.full(CLASSES, 0.1, np.float32),
    }


def train_model(tf, x, y, optimizer, steps, hvd=None, clip=None, freeze=(), **wrap):
    """Trains a two-layer MLP on (x, y) from fixed initial weights; returns the final weights.
    With `hvd`, the optimizer is wrapped in hvd.DistributedOptimizer(**wrap). `freeze` names
    the weights every run freezes live (RunOptions(frozen_variables=...)). `x` and `y` may be
    lists: run k feeds x[k % len(x)]."""
    tf.reset_default_graph()
    init = initial_weights()
    v = {k: tf.Variable(val, name=k) for k, val in init.items()}
    frozen = tf.Variable(np.ones(3, np.float32), name="frozen", trainable=False)
    xs = tf.placeholder(tf.float32, [None, FEATURES])
    ys = tf.placeholder(tf.int32, [None])
    h = tf.nn.relu(tf.matmul(xs, v["w1"]) + v["b1"])
    logits = tf.matmul(h, v["w2"]) + v["b2"] + tf.reduce_sum(frozen) * 0.0
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ys, logits=logits))
    opt = {
        "sgd": lambda: tf.train.GradientDescentOptimizer(0.5),
        "adam": lambda: tf.train.AdamOptimizer(0.05),
    }[optimizer]()
    if hvd is not None:
        opt = hvd.DistributedOptimizer(opt, **wrap)
    grads = opt.compute_gradients(loss)
    if clip is not None:
        g, vs = zip(*grads, strict=True)
        g, _ = tf.clip_by_global_norm(list(g), clip)
        grads = list(zip(g, vs, strict=True))
    global_step = tf.train.get_or_create_global_step()
    train = opt.apply_gradients(grads, global_step=global_step)
    options = tf.RunOptions(frozen_variables=[v[k] for k in freeze])
    xs_list, ys_list = (x, y) if isinstance(x, list) else ([x], [y])
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        for k in range(steps):
            feed = {xs: xs_list[k % len(xs_list)], ys: ys_list[k % len(ys_list)]}
            sess.run(train, feed, options=options)
        out = sess.run(v)
        out["global_step"] = sess.run(global_step)
        out["frozen"] = sess.run(frozen)
    return out


def shard(hvd, x, y):
    per = BATCH // hvd.size()
    lo = hvd.rank() * per
    return x[lo : lo + per], y[lo : lo + per]


def scenario_train(tf, hvd, out, optimizer, clip=None):
    x, y = shard(hvd, *data())
    np.savez(out, **train_model(tf, x, y, optimizer, 5, hvd=hvd, clip=clip))


def scenario_frozen(tf, hvd, out):
    """Live freezing: w1 is frozen in every run, so its gradient is neither reduced nor
    applied; the other weights train as on one rank."""
    x, y = shard(hvd, *data())
    np.savez(out, **train_model(tf, x, y, "adam", 3, hvd=hvd, freeze=("w1",)))


def batches():
    """Two batches of BATCH examples (the second the first's examples reversed, doubled)."""
    x, y = data()
    return [x, 2.0 * x[::-1]], [y, y[::-1]]


def scenario_aggregate(tf, hvd, out):
    """backward_passes_per_step=2: runs alternate between the two batches' shards; the update
    happens on every second run, from the sum (or mean) of the two passes' reduced gradients."""
    xb, yb = batches()
    shards = [shard(hvd, x, y) for x, y in zip(xb, yb, strict=True)]
    xs, ys = [s[0] for s in shards], [s[1] for s in shards]
    res = {}
    for average in (False, True):
        weights = train_model(
            tf,
            xs,
            ys,
            "sgd",
            4,
            hvd=hvd,
            backward_passes_per_step=2,
            average_aggregated_gradients=average,
        )
        res.update({f"{k}_{int(average)}": val for k, val in weights.items()})
    np.savez(out, **res)


def scenario_overlap(tf, hvd, out):
    """A wide first layer, so that its weight gradient (the last one the backward pass makes)
    takes milliseconds; with HOROVOD_TIMELINE set, rank 0's timeline shows what the ranks did
    meanwhile."""
    rng = np.random.RandomState(hvd.rank())
    x = tf.constant(rng.rand(512, 1024).astype(np.float32))
    w1 = tf.Variable(rng.rand(1024, 2048).astype(np.float32) * 0.01, name="w1")
    w2 = tf.Variable(rng.rand(2048, 16).astype(np.float32) * 0.01, name="w2")
    b2 = tf.Variable(np.zeros(16, np.float32), name="b2")
    logits = tf.matmul(tf.nn.relu(tf.matmul(x, w1)), w2) + b2
    loss = tf.reduce_mean(tf.square(logits))
    train = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)).minimize(loss)
    with tf.Session(config=tf.ConfigProto(intra_op_parallelism_threads=1)) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10):
            sess.run(train)
        np.savez(out, b2=sess.run(b2))
    hvd.shutdown()  # writes the timeline


def scenario_collectives(tf, hvd, out):
    """Broadcast of differently initialised variables, allgather of ragged shards, integer and
    fp16-compressed allreduces, grouped allreduce."""
    r, n = hvd.rank(), hvd.size()
    a = tf.Variable(np.full((2, 3), float(r + 1), np.float32), name="a")
    b = tf.Variable(np.arange(4, dtype=np.float64) * (r + 1), name="b")
    hook = hvd.BroadcastGlobalVariablesHook(0)
    hook.begin()
    rows = tf.constant(np.full((r + 1, 2), float(r), np.float32))
    gathered = hvd.allgather(rows)
    ints = hvd.allreduce(tf.constant([r, 10 * r], tf.int64), op=hvd.Sum)
    half = hvd.allreduce(
        tf.constant(np.full(5, 0.5 * (r + 1), np.float32)), compression=hvd.Compression.fp16
    )
    g1, g2 = hvd.grouped_allreduce(
        [tf.constant(np.full(3, float(r), np.float32)), tf.constant(np.float64(r + 1))]
    )
    root1 = hvd.broadcast(tf.constant([float(r)]), root_rank=n - 1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        hook.after_create_session(sess, None)
        res = sess.run(
            {
                "a": a,
                "b": b,
                "gathered": gathered,
                "ints": ints,
                "half": half,
                "g1": g1,
                "g2": g2,
                "root1": root1,
            }
        )
        res["half_dtype"] = np.array(str(half.dtype))
    np.savez(out, rank=r, size=n, local_rank=hvd.local_rank(), local_size=hvd.local_size(), **res)


def scenario_gradients(tf, hvd, out):
    """Gradients through each collective; the test checks them against the sums over ranks."""
    r = hvd.rank()
    x = tf.constant(np.arange(3, dtype=np.float64) + r)
    c = float(r + 1)
    s = hvd.allreduce(x, op=hvd.Sum)
    avg = hvd.allreduce(x)
    rows = tf.constant(np.full((r + 1, 2), 1.0))
    gathered = hvd.allgather(rows)  # 3 rows for 2 ranks
    weights = tf.constant(np.arange(6, dtype=np.float64).reshape(3, 2) * (r + 1))
    bc = hvd.broadcast(x, root_rank=0)
    loss_sum = tf.reduce_sum(s * c)
    loss_avg = tf.reduce_sum(avg * c)
    loss_gather = tf.reduce_sum(gathered * weights)
    loss_bc = tf.reduce_sum(bc * c)
    grads = {
        "sum": tf.gradients(loss_sum, x)[0],
        "avg": tf.gradients(loss_avg, x)[0],
        "gather": tf.gradients(loss_gather, rows)[0],
        "bcast": tf.gradients(loss_bc, x)[0],
    }
    with tf.Session() as sess:
        np.savez(out, rank=r, **sess.run(grads))


def record_error(out, fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the test checks the class and the message
        Path(out + ".json").write_text(json.dumps({"type": type(e).__name__, "message": str(e)}))
        return
    Path(out + ".json").write_text(json.dumps({"type": None, "message": ""}))


def scenario_mismatch(tf, hvd, out):
    r = hvd.rank()
    t = hvd.allreduce(tf.zeros([r + 2, 3]), name="grads_of_layer")
    record_error(out, lambda: tf.Session().run(t))


def scenario_cache(tf, hvd, out):
    """One tensor name over runs of changing shapes (a cached name takes its new shape), then a
    run whose shapes differ across the ranks after cached runs (the error still names it)."""
    r = hvd.rank()
    x = tf.placeholder(tf.float32, [None])
    total = hvd.allreduce(x, op=hvd.Sum, name="ragged_batch")
    sums = {}
    with tf.Session() as sess:
        for n in (3, 3, 5, 5, 2):
            sums[f"n{n}_{len(sums)}"] = sess.run(total, {x: np.arange(n, dtype=np.float32) + r})
        np.savez(out, **sums)
        record_error(out, lambda: sess.run(total, {x: np.ones(4 + r, np.float32)}))


def scenario_stall(tf, hvd, out):
    """Rank 1 never submits the tensor rank 0 reduces (but stays alive)."""
    t = hvd.allreduce(tf.ones([4]), name="only_rank_0")
    if hvd.rank() == 0:
        record_error(out, lambda: tf.Session().run(t))
    else:
        time.sleep(float(os.environ["HOROVOD_STALL_SHUTDOWN_TIME_SECONDS"]) + 4)
        record_error(out, lambda: None)


def scenario_dead(tf, hvd, out):
    """Rank 1 dies (SIGKILL) before the allreduce rank 0 waits in."""
    t = hvd.allreduce(tf.ones([4]), name="after_death")
    if hvd.rank() == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    record_error(out, lambda: tf.Session().run(t))


def scenario_hung(tf, hvd, out):
    """Rank 1 stops (SIGSTOP) with the runtime's thread inside; rank 0 must not hang."""
    t = hvd.allreduce(tf.ones([4]), name="after_hang")
    if hvd.rank() == 1:
        os.kill(os.getpid(), signal.SIGSTOP)
    record_error(out, lambda: tf.Session().run(t))
    os._exit(1)  # mpiexec then ends the stopped rank


def main():
    scenario, out_dir = sys.argv[1], sys.argv[2]
    import varflow as tf
    import varflow.horovod as hvd

    hvd.init()
    out = str(Path(out_dir) / f"rank{hvd.rank()}")
    if scenario.startswith("train_"):
        parts = scenario.split("_")
        scenario_train(tf, hvd, out, parts[1], clip=1.0 if "clip" in parts else None)
    else:
        globals()["scenario_" + scenario](tf, hvd, out)


if __name__ == "__main__":
    main()
