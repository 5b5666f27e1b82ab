"""varflow.horovod on 2 ranks: each test launches test_horovod_worker.py through the mpich
wheel's mpiexec and compares what the ranks wrote (see that file for the per-rank programs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import varflow as tf
import varflow.horovod as hvd

WORKER = Path(__file__).with_name("test_horovod_worker.py")
sys.path.insert(0, str(WORKER.parent))
import test_horovod_worker as worker


def _mpiexec():
    here = Path(sys.executable).parent / "mpiexec"
    return str(here) if here.exists() else shutil.which("mpiexec")


pytestmark = pytest.mark.skipif(
    not hvd.mpi_library() or _mpiexec() is None,
    reason="MPI is not installed (pip install 'varflow[distributed]')",
)


def run_ranks(scenario, tmp_path, n=2, env=None, timeout=60):
    environment = dict(os.environ, **(env or {}))
    environment.setdefault("OMP_NUM_THREADS", "1")
    start = time.monotonic()
    proc = subprocess.run(
        [_mpiexec(), "-n", str(n), sys.executable, str(WORKER), scenario, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )
    return proc, time.monotonic() - start


def ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr


def load(tmp_path, n=2):
    return [dict(np.load(tmp_path / f"rank{r}.npz")) for r in range(n)]


def errors(tmp_path, ranks):
    return [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in ranks]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_two_ranks_on_shards_equal_one_rank_on_the_batch(optimizer, tmp_path):
    proc, _ = run_ranks(f"train_{optimizer}", tmp_path)
    ok(proc)
    ranks = load(tmp_path)
    x, y = worker.data()
    single = worker.train_model(tf, x, y, optimizer, 5)
    initial = worker.initial_weights()
    for name, expected in single.items():
        np.testing.assert_array_equal(ranks[0][name], ranks[1][name], err_msg=name)
        np.testing.assert_allclose(ranks[0][name], expected, rtol=1e-5, atol=1e-6, err_msg=name)
        if name in initial:
            assert not np.allclose(expected, initial[name]), f"{name} did not train"
    np.testing.assert_array_equal(ranks[0]["frozen"], np.ones(3, np.float32))


def test_live_frozen_variable_is_neither_reduced_nor_updated(tmp_path):
    proc, _ = run_ranks("frozen", tmp_path)
    ok(proc)
    ranks = load(tmp_path)
    x, y = worker.data()
    single = worker.train_model(tf, x, y, "adam", 3, freeze=("w1",))
    np.testing.assert_array_equal(ranks[0]["w1"], worker.initial_weights()["w1"])
    for name, expected in single.items():
        np.testing.assert_array_equal(ranks[0][name], ranks[1][name], err_msg=name)
        np.testing.assert_allclose(ranks[0][name], expected, rtol=1e-5, atol=1e-6, err_msg=name)


def _combined_loss_sgd(average):
    """One rank, one SGD run per update on both batches' losses (summed, or averaged)."""
    xb, yb = worker.batches()
    tf.reset_default_graph()
    v = {k: tf.Variable(val, name=k) for k, val in worker.initial_weights().items()}
    frozen = tf.Variable(np.ones(3, np.float32), trainable=False)

    def loss(x, y):
        h = tf.nn.relu(tf.matmul(tf.constant(x), v["w1"]) + v["b1"])
        logits = tf.matmul(h, v["w2"]) + v["b2"] + tf.reduce_sum(frozen) * 0.0
        return tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(y), logits=logits)
        )

    total = loss(xb[0], yb[0]) + loss(xb[1], yb[1])
    if average:
        total = total / 2.0
    step = tf.train.GradientDescentOptimizer(0.5).minimize(total)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2):
            sess.run(step)
        return sess.run(v)


def test_backward_passes_per_step_accumulates_before_one_allreduce(tmp_path):
    """Two runs per update: each update is one SGD step on the sum (average_aggregated_gradients
    =False) or mean (True) of the two batches' losses, each over both ranks' shards."""
    proc, _ = run_ranks("aggregate", tmp_path)
    ok(proc)
    ranks = load(tmp_path)
    for average in (0, 1):
        init = worker.initial_weights()
        expected = _combined_loss_sgd(average)
        for name, want in expected.items():
            got = ranks[0][f"{name}_{average}"]
            np.testing.assert_array_equal(got, ranks[1][f"{name}_{average}"], err_msg=name)
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=name)
            assert not np.allclose(got, init[name]), f"{name} did not train"
        # The global step advances on every run, also those that only accumulate.
        assert int(ranks[0][f"global_step_{average}"]) == 4


def test_gradient_allreduces_overlap_the_backward_pass(tmp_path):
    """Each gradient's allreduce starts right after its producer: in rank 0's timeline, the
    last layer's gradients are submitted before the first layer's weight gradient in every
    step (plan order), and in some step the allreduce of the output bias is already done on
    the MPI thread before that weight gradient is even submitted (overlap: the backward pass
    and the reduction ran at the same time)."""
    timeline = tmp_path / "timeline.json"
    # A short cycle: started gradients wait at most 0.2 ms for the next negotiation round.
    env = {"HOROVOD_TIMELINE": str(timeline), "HOROVOD_CYCLE_TIME": "0.2"}
    proc, _ = run_ranks("overlap", tmp_path, env=env)
    ok(proc)
    events = json.loads(timeline.read_text())

    def times(activity, var):
        name = "DistributedOptimizer_Allreduce/start_" + var
        return [
            (e["ts"], e["ts"] + e["dur"])
            for e in events
            if e["name"] == activity and e["args"]["tensor"] == name
        ]

    queued_b2, queued_w1 = times("QUEUE", "b2"), times("QUEUE", "w1")
    reduced_b2 = times("ALLREDUCE", "b2")
    waits = times("WAIT", "w1")
    assert len(queued_b2) == len(queued_w1) == len(reduced_b2) == len(waits) == 10
    for (b2_in, _), (w1_in, _) in zip(queued_b2, queued_w1, strict=True):
        assert b2_in < w1_in
    assert any(done < w1_in for (_, done), (w1_in, _) in zip(reduced_b2, queued_w1, strict=True))


def test_clip_by_global_norm_after_the_allreduce(tmp_path):
    proc, _ = run_ranks("train_sgd_clip", tmp_path)
    ok(proc)
    ranks = load(tmp_path)
    x, y = worker.data()
    single = worker.train_model(tf, x, y, "sgd", 5, clip=1.0)
    for name, expected in single.items():
        np.testing.assert_allclose(ranks[0][name], expected, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_array_equal(ranks[1][name], ranks[0][name], err_msg=name)


def test_collectives_and_broadcast_of_differently_initialised_variables(tmp_path):
    proc, _ = run_ranks("collectives", tmp_path)
    ok(proc)
    r0, r1 = load(tmp_path)
    for res in (r0, r1):
        assert res["size"] == 2
        assert res["local_size"] == 2
        np.testing.assert_array_equal(res["a"], np.full((2, 3), 1.0, np.float32))
        np.testing.assert_array_equal(res["b"], np.arange(4, dtype=np.float64))
        np.testing.assert_array_equal(
            res["gathered"], np.array([[0, 0], [1, 1], [1, 1]], np.float32)
        )
        np.testing.assert_array_equal(res["ints"], [1, 10])
        assert str(res["half_dtype"]) == "<dtype: 'float32'>"
        np.testing.assert_allclose(res["half"], np.full(5, 0.75), rtol=1e-3)
        np.testing.assert_array_equal(res["g1"], np.full(3, 0.5, np.float32))
        assert float(res["g2"]) == 1.5
        np.testing.assert_array_equal(res["root1"], [1.0])
    assert {int(r0["rank"]), int(r1["rank"])} == {0, 1}
    assert {int(r0["local_rank"]), int(r1["local_rank"])} == {0, 1}


def test_gradients_of_the_collectives(tmp_path):
    proc, _ = run_ranks("gradients", tmp_path)
    ok(proc)
    ranks = load(tmp_path)
    c = [1.0, 2.0]  # each rank's loss weight
    weights = [np.arange(6, dtype=np.float64).reshape(3, 2) * (r + 1) for r in range(2)]
    total_weights = weights[0] + weights[1]
    rows = [slice(0, 1), slice(1, 3)]  # rank r's rows of the gathered tensor
    for r, res in enumerate(ranks):
        # The allreduce's gradient is the allreduce of the ranks' gradients (Sum: 1 + 2).
        np.testing.assert_allclose(res["sum"], np.full(3, sum(c)))
        np.testing.assert_allclose(res["avg"], np.full(3, sum(c) / 2))  # Average: / 2 ranks
        np.testing.assert_allclose(res["gather"], total_weights[rows[r]])
        np.testing.assert_allclose(res["bcast"], np.full(3, sum(c) if r == 0 else 0.0))


def test_mismatched_shapes_name_the_tensor(tmp_path):
    proc, _ = run_ranks("mismatch", tmp_path)
    ok(proc)
    for e in errors(tmp_path, [0, 1]):
        assert e["type"] == "FailedPreconditionError", e
        assert "grads_of_layer" in e["message"]
        assert "Mismatched allreduce tensor shapes" in e["message"]
        assert "rank 0 (2, 3), rank 1 (3, 3)" in e["message"]


@pytest.mark.parametrize("capacity", ["1024", "0"])
def test_response_cache_follows_changing_shapes_and_keeps_the_mismatch_error(capacity, tmp_path):
    # HOROVOD_CACHE_CAPACITY=0 turns the cache off: every run is negotiated by name.
    proc, _ = run_ranks("cache", tmp_path, env={"HOROVOD_CACHE_CAPACITY": capacity})
    ok(proc)
    for res in load(tmp_path):
        assert len(res) == 5
        for key, value in res.items():
            n = int(key[1 : key.index("_")])
            np.testing.assert_array_equal(value, 2 * np.arange(n, dtype=np.float32) + 1)
    for e in errors(tmp_path, [0, 1]):
        assert e["type"] == "FailedPreconditionError", e
        assert "ragged_batch" in e["message"]
        assert "rank 0 (4,), rank 1 (5,)" in e["message"]


def test_tensor_one_rank_never_submits_times_out_naming_the_ranks(tmp_path):
    proc, elapsed = run_ranks("stall", tmp_path, env={"HOROVOD_STALL_SHUTDOWN_TIME_SECONDS": "2"})
    ok(proc)
    (e,) = errors(tmp_path, [0])
    assert e["type"] == "DeadlineExceededError", e
    assert "only_rank_0" in e["message"]
    assert "not by ranks [1]" in e["message"]
    assert elapsed < 30


def test_dead_rank_fails_the_job_instead_of_hanging(tmp_path):
    proc, elapsed = run_ranks("dead", tmp_path, env={"HOROVOD_STALL_SHUTDOWN_TIME_SECONDS": "3"})
    assert proc.returncode != 0
    assert elapsed < 30
    survivor = tmp_path / "rank0.json"
    if survivor.exists():  # rank 0 saw the death itself before mpiexec ended the job
        (e,) = errors(tmp_path, [0])
        assert e["type"] in ("UnavailableError", "FailedPreconditionError"), e


def test_stopped_rank_gives_the_others_an_error_within_the_timeout(tmp_path):
    proc, elapsed = run_ranks("hung", tmp_path, env={"HOROVOD_STALL_SHUTDOWN_TIME_SECONDS": "3"})
    assert proc.returncode != 0
    assert elapsed < 30
    (e,) = errors(tmp_path, [0])
    assert e["type"] == "UnavailableError", e
    assert "has had no response from the other 1 rank(s) for 3 s" in e["message"]


def test_collectives_before_init_fail_clearly():
    # In a process of its own: init() is once per process, and other tests may have called it.
    code = """
import varflow as tf, varflow.horovod as hvd
t = hvd.allreduce(tf.ones([2]), name="early")
for call in (lambda: tf.Session().run(t), hvd.rank):
    try:
        call()
    except tf.errors.FailedPreconditionError as e:
        assert "hvd.init()" in str(e), e
    else:
        raise SystemExit("no error")
print("ok")
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_graph_build_errors():
    with pytest.raises(TypeError, match="Allreduce"):
        hvd.allreduce(tf.constant([1, 2]))  # integers cannot be averaged
    with pytest.raises(ValueError, match="rank >= 1"):
        hvd.allgather(tf.constant(1.0))
    with pytest.raises(ValueError, match="does not implement Adasum"):
        hvd.allreduce(tf.ones([2]), op=hvd.Adasum)
    with pytest.raises(ValueError, match="does not implement Adasum"):
        hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1), op=hvd.Adasum)
    with pytest.raises(ValueError, match="backward_passes_per_step must be > 0"):
        hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1), backward_passes_per_step=0)
    # The wait op takes only start ops' handles.
    with pytest.raises(TypeError, match="must come from a HorovodAllreduceStart"):
        tf.get_default_graph().create_op("HorovodAllreduceWait", [tf.constant(1, tf.int64)])
