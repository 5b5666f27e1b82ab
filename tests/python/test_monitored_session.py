"""tf.train.MonitoredTrainingSession / MonitoredSession / Scaffold against TF1-recorded runs.

fixtures/monitored/golden.json (make_fixtures.py, TF 2.21's tf.compat.v1) holds, for the same
linear regression: the per-step losses, the checkpoints kept, the event file's records in
order, the values after a resumed run, LoggingTensorHook's lines and end-of-input loops.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

GOLDEN = json.loads((Path(__file__).parent / "fixtures/monitored/golden.json").read_text())
X = np.array(GOLDEN["X"], np.float32)
Y = np.array(GOLDEN["Y"], np.float32)


def regression():
    w = tf.get_variable("w", [3, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(X), w) + b - tf.constant(Y)))
    tf.summary.scalar("loss", loss)
    gs = tf.train.get_or_create_global_step()
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
    return train_op, loss


def events(logdir):
    out = []
    for path in sorted(str(f) for f in Path(logdir).glob("events.out.tfevents.*")):
        for e in tf.train.summary_iterator(path):
            if e.HasField("file_version"):
                continue
            if e.HasField("summary"):
                out.extend([int(e.step), "summary:" + v.tag] for v in e.summary.value)
            elif e.HasField("session_log"):
                status = tf.summary.SessionLog.SessionStatus.Name(e.session_log.status)
                out.append([int(e.step), "session_log:" + status])
            elif e.HasField("graph_def"):
                out.append([int(e.step), "graph"])
            elif e.HasField("meta_graph_def"):
                out.append([int(e.step), "meta_graph"])
    return out


def loss_summaries(logdir):
    out = []
    for path in sorted(str(f) for f in Path(logdir).glob("events.out.tfevents.*")):
        for e in tf.train.summary_iterator(path):
            out.extend(
                [int(e.step), float(v.simple_value)] for v in e.summary.value if v.tag == "loss"
            )
    return out


def train_case(d, last_step=None, num_steps=None, **kw):
    with tf.Graph().as_default():
        train_op, loss = regression()
        hook = tf.train.StopAtStepHook(last_step=last_step, num_steps=num_steps)
        losses = []
        with tf.train.MonitoredTrainingSession(checkpoint_dir=d, hooks=[hook], **kw) as sess:
            while not sess.should_stop():
                losses.append(float(sess.run([train_op, loss])[1]))
        finalized_after = tf.get_default_graph().finalized
    tf.summary.FileWriterCache.get(d).flush()
    st = tf.train.get_checkpoint_state(d)
    return {
        "losses": losses,
        "ckpt": {
            "latest": Path(st.model_checkpoint_path).name,
            "all": [Path(p).name for p in st.all_model_checkpoint_paths],
        },
        "w": tf.train.load_variable(d, "w").ravel().tolist(),
        "b": tf.train.load_variable(d, "b").ravel().tolist(),
        "global_step": int(tf.train.load_variable(d, "global_step")),
        "graph_finalized_after_close": finalized_after,
        "files": sorted(
            f.name
            for f in Path(d).iterdir()
            if not f.name.startswith("events") and "ckpt" not in f.name
        ),
    }


def check_run(got, want):
    np.testing.assert_allclose(got["losses"], want["losses"], rtol=1e-5)
    np.testing.assert_allclose(got["w"], want["w"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got["b"], want["b"], rtol=1e-5, atol=1e-7)
    for key in ("ckpt", "global_step", "graph_finalized_after_close", "files"):
        assert got[key] == want[key], key


@pytest.fixture(autouse=True)
def _fresh_writers():
    yield
    tf.summary.FileWriterCache.clear()


def test_training_loop_checkpoints_summaries_and_resume_as_tf1(tmp_path):
    d = str(tmp_path)
    kw = {"save_checkpoint_steps": 3, "save_summaries_steps": 2, "log_step_count_steps": 4}
    first = train_case(d, last_step=7, **kw)
    check_run(first, GOLDEN["first"])
    assert events(d) == GOLDEN["first"]["events"]
    np.testing.assert_allclose(loss_summaries(d), GOLDEN["first"]["loss_summaries"], rtol=1e-5)
    # A second run restores the latest checkpoint and continues the global step.
    resumed = train_case(d, num_steps=5, **kw)
    check_run(resumed, GOLDEN["resumed"])
    assert events(d) == GOLDEN["resumed"]["events"]


def test_default_hooks_save_at_start_and_end(tmp_path):
    d = str(tmp_path)
    got = train_case(d, last_step=4)
    check_run(got, GOLDEN["defaults"])
    assert events(d) == GOLDEN["defaults"]["events"]


def test_numbers_equal_a_plain_session_loop():
    with tf.Graph().as_default():
        train_op, loss = regression()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            plain = [float(sess.run([train_op, loss])[1]) for _ in range(7)]
    with tf.Graph().as_default():
        train_op, loss = regression()
        with tf.train.MonitoredSession(hooks=[tf.train.StopAtStepHook(last_step=7)]) as sess:
            monitored = []
            while not sess.should_stop():
                monitored.append(float(sess.run([train_op, loss])[1]))
    assert monitored == plain
    np.testing.assert_allclose(plain, GOLDEN["plain"]["losses"], rtol=1e-5)


def test_logging_tensor_hook_lines_as_tf1():
    records = []

    class Handler(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logger = tf.get_logger()
    handler = Handler()
    logger.addHandler(handler)
    old = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.INFO)
    try:
        with tf.Graph().as_default():
            train_op, loss = regression()
            gs = tf.train.get_global_step()
            hooks = [
                tf.train.StopAtStepHook(last_step=5),
                tf.train.LoggingTensorHook({"loss": loss, "step": gs}, every_n_iter=2),
                tf.train.LoggingTensorHook([loss], at_end=True),
            ]
            with tf.train.MonitoredSession(hooks=hooks) as sess:
                while not sess.should_stop():
                    sess.run(train_op)
    finally:
        logger.removeHandler(handler)
        tf.logging.set_verbosity(old)
    lines = [r.split(" (")[0].split(", step")[0] for r in records if " = " in r]
    # Same tags and format (str() of float32 values, as TF1's '%s = %s'); the values agree to
    # float32 rounding (the losses are compared above).
    assert [ln.rsplit(" = ", 1)[0] for ln in lines] == [
        ln.rsplit(" = ", 1)[0] for ln in GOLDEN["logging"]
    ]
    np.testing.assert_allclose(
        [float(ln.rsplit(" = ", 1)[1]) for ln in lines],
        [float(ln.rsplit(" = ", 1)[1]) for ln in GOLDEN["logging"]],
        rtol=1e-5,
    )
    assert all(len(ln.rsplit(" = ", 1)[1]) <= 10 for ln in lines), lines  # float32 str()
    # Every line after the first says how long since the last one, as TF1's does.
    raw = [r for r in records if " = " in r]
    assert all(r.endswith(" sec)") for r in raw[1:3])


def test_dataset_end_of_input_ends_the_loop_and_runs_end_hooks():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensor_slices(np.arange(5, dtype=np.int64)).batch(2)
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        total = tf.Variable(0, dtype=tf.int64)
        acc = tf.assign_add(total, tf.reduce_sum(nxt))
        final = tf.train.FinalOpsHook(total)
        got = []
        with tf.train.MonitoredSession(hooks=[final]) as sess:
            while not sess.should_stop():
                got.append(sess.run([nxt, acc])[0].tolist())
    assert got == GOLDEN["dataset"]["batches"]
    assert int(final.final_ops_values) == GOLDEN["dataset"]["final"]


def test_queue_input_runners_started_and_epochs_end_the_loop():
    with tf.Graph().as_default():
        (item,) = tf.train.slice_input_producer(
            [tf.constant(np.arange(6, dtype=np.int32))], num_epochs=2, shuffle=False
        )
        batch = tf.train.batch([item], batch_size=4, allow_smaller_final_batch=True)
        got = []
        with tf.train.MonitoredSession() as sess:
            while not sess.should_stop():
                got.append(sess.run(batch).tolist())
    assert got == GOLDEN["queue"]["batches"]


def test_nan_tensor_hook():
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        step = tf.assign(v, v * 0.0 / 0.0)
        hook = tf.train.NanTensorHook(step)
        with (
            pytest.raises(tf.train.NanLossDuringTrainingError) as info,
            tf.train.MonitoredSession(hooks=[hook]) as sess,
        ):
            sess.run(step)
        assert [type(info.value).__name__, str(info.value)] == GOLDEN["nan"]["raised"]
        hook = tf.train.NanTensorHook(step, fail_on_nan_loss=False)
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(step)
            assert sess.should_stop() is GOLDEN["nan"]["stopped_without_fail"]


def test_graph_finalized_inside_and_reopened_after():
    with tf.Graph().as_default() as g:
        tf.Variable(1.0)
        with tf.train.MonitoredSession():
            assert g.finalized is GOLDEN["finalize"]["finalized_inside"]
            with pytest.raises(RuntimeError, match=GOLDEN["finalize"]["inside"]):
                tf.constant(1.0)
        assert g.finalized is GOLDEN["finalize"]["after"]
        tf.constant(2.0)  # the graph takes ops again


def test_run_step_fn():
    with tf.Graph().as_default():
        c = tf.placeholder(tf.float32)
        v = tf.add(c, 4.0)
        w = tf.add(c, 0.5)
        out = []

        def step_fn(step_context):
            a = step_context.session.run(fetches=v, feed_dict={c: 0.5})
            if a <= 4.5:
                step_context.request_stop()
            return step_context.run_with_hooks(fetches=w, feed_dict={c: 0.1})

        with tf.train.MonitoredSession() as session:
            while not session.should_stop():
                out.append(float(session.run_step_fn(step_fn)))
        assert out == GOLDEN["step_fn"]["values"]

        def continue_fn(step_context):
            return step_context.run_with_hooks(fetches=w, feed_dict={c: 1.0})

        with tf.train.MonitoredSession() as session:
            assert session.run_step_fn(continue_fn) == pytest.approx(1.5)
        with (
            pytest.raises(ValueError, match="`step_fn` may either have") as info,
            tf.train.MonitoredSession() as session,
        ):
            session.run_step_fn(lambda x: x)
        assert str(info.value) == GOLDEN["step_fn"]["bad_step_fn"]


class _Recorder(tf.train.SessionRunHook):
    def __init__(self, fetch=None, feed=None):
        self.calls = []
        self.fetch = fetch
        self.feed = feed
        self.results = []

    def begin(self):
        self.calls.append(("begin", tf.get_default_graph().finalized))

    def after_create_session(self, session, coord):
        self.calls.append(("after_create_session", session.graph.finalized))

    def before_run(self, run_context):
        self.calls.append("before_run")
        if self.fetch is None and self.feed is None:
            return None
        return tf.train.SessionRunArgs(self.fetch, feed_dict=self.feed)

    def after_run(self, run_context, run_values):
        self.calls.append("after_run")
        self.results.append(run_values.results)

    def end(self, session):
        self.calls.append("end")


def test_hook_call_order_fetches_and_feeds():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [])
        q = tf.placeholder(tf.float32, [])
        out = p * 2.0
        dbl = q + 1.0
        rec = _Recorder(fetch={"a": [dbl, out]}, feed={q: 3.0})
        with tf.train.MonitoredSession(hooks=[rec]) as sess:
            assert sess.run(out, feed_dict={p: 5.0}) == 10.0
            assert sess.run({"x": [out]}, feed_dict={p: 1.0}) == {"x": [2.0]}
        assert rec.calls == [
            ("begin", False),
            ("after_create_session", True),
            "before_run",
            "after_run",
            "before_run",
            "after_run",
            "end",
        ]
        assert rec.results == [{"a": [4.0, 10.0]}, {"a": [4.0, 2.0]}]
        clash = _Recorder(feed={p: 1.0})
        with (
            tf.train.MonitoredSession(hooks=[clash]) as sess,
            pytest.raises(RuntimeError, match="Same tensor is fed by a SessionRunHook and user"),
        ):
            sess.run(out, feed_dict={p: 2.0})


def test_exception_skips_end_and_closes():
    with tf.Graph().as_default():
        rec = _Recorder()
        p = tf.placeholder(tf.float32, [])
        doubled = p * 2.0
        sess = tf.train.MonitoredSession(hooks=[rec])
        with pytest.raises(tf.errors.InvalidArgumentError), sess:
            sess.run(doubled)
        assert "end" not in rec.calls
        assert sess.should_stop()


def test_stop_at_step_hook_arguments():
    with pytest.raises(ValueError, match="One of num_steps or last_step must be specified"):
        tf.train.StopAtStepHook()
    with pytest.raises(ValueError, match="Only one of num_steps or last_step"):
        tf.train.StopAtStepHook(num_steps=1, last_step=2)
    with tf.Graph().as_default():
        tf.Variable(1.0)
        with pytest.raises(RuntimeError, match="Global step should be created"):
            tf.train.MonitoredSession(hooks=[tf.train.StopAtStepHook(last_step=1)])


def test_scaffold_pieces_from_collections():
    with tf.Graph().as_default() as g:
        v = tf.Variable(3.0)
        local = tf.Variable(0.0, collections=[tf.GraphKeys.LOCAL_VARIABLES])
        scaffold = tf.train.Scaffold()
        scaffold.finalize()
        assert g.finalized
        assert g.get_collection(tf.GraphKeys.INIT_OP) == [scaffold.init_op]
        assert g.get_collection(tf.GraphKeys.SAVERS) == [scaffold.saver]
        assert scaffold.summary_op is None
        g._core._unsafe_unfinalize()
        sess = tf.train.MonitoredSession(
            session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold)
        )
        assert sess.run([v, local]) == [3.0, 0.0]
        sess.close()
        with pytest.raises(RuntimeError, match="Session is already closed"):
            sess.close()
    with tf.Graph().as_default() as g:
        tf.Variable(1.0)
        g.add_to_collection(tf.GraphKeys.INIT_OP, tf.no_op())
        g.add_to_collection(tf.GraphKeys.INIT_OP, tf.no_op())
        with pytest.raises(RuntimeError, match='More than one item in the collection "init_op"'):
            tf.train.Scaffold().finalize()


def test_model_not_ready_is_a_runtime_error():
    with tf.Graph().as_default():
        tf.Variable(1.0)
        scaffold = tf.train.Scaffold(init_op=tf.no_op())
        with pytest.raises(RuntimeError, match="Variables not initialized: Variable"):
            tf.train.SingularMonitoredSession(scaffold=scaffold)


def test_worker_waits_then_deadline():
    with tf.Graph().as_default():
        tf.Variable(1.0)
        creator = tf.train.WorkerSessionCreator(max_wait_secs=0)
        with pytest.raises(tf.errors.DeadlineExceededError, match="Session was not ready"):
            tf.train.MonitoredSession(session_creator=creator)


def test_singular_monitored_session_raw_session_and_checkpoint_restore(tmp_path):
    d = str(tmp_path)
    with tf.Graph().as_default():
        v = tf.Variable(2.0, name="v")
        saver = tf.train.Saver()
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(tf.assign(v, 7.0))
            path = saver.save(s, str(Path(d) / "m"))
    with tf.Graph().as_default():
        v = tf.Variable(2.0, name="v")
        with tf.train.SingularMonitoredSession(checkpoint_filename_with_path=path) as sess:
            assert sess.raw_session().run(v) == 7.0
            assert isinstance(sess.raw_session(), tf.Session)


def test_checkpoint_saver_listener(tmp_path):
    calls = []

    class Listener(tf.train.CheckpointSaverListener):
        def begin(self):
            calls.append("begin")

        def before_save(self, session, global_step_value):
            calls.append(("before", int(global_step_value)))

        def after_save(self, session, global_step_value):
            calls.append(("after", int(global_step_value)))
            return global_step_value >= 2  # ask to stop

        def end(self, session, global_step_value):
            calls.append(("end", int(global_step_value)))

    with tf.Graph().as_default():
        train_op, _ = regression()
        hook = tf.train.CheckpointSaverHook(str(tmp_path), save_steps=2, listeners=[Listener()])
        n = 0
        with tf.train.MonitoredSession(hooks=[hook]) as sess:
            while not sess.should_stop():
                sess.run(train_op)
                n += 1
    assert n == 2
    assert calls == ["begin", ("before", 0), ("after", 0), ("before", 2), ("after", 2), ("end", 2)]


def test_feed_fn_and_global_step_waiter_hooks():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [])
        gs = tf.train.get_or_create_global_step()
        inc = tf.assign_add(gs, 1)
        doubled = p * 2.0
        hooks = [tf.train.FeedFnHook(lambda: {p: 4.0}), tf.train.GlobalStepWaiterHook(0)]
        with tf.train.MonitoredSession(hooks=hooks) as sess:
            assert sess.run([doubled, inc])[0] == 8.0


def test_step_counter_hook_needs_one_of_its_arguments():
    with pytest.raises(ValueError, match="exactly one of every_n_steps and every_n_secs"):
        tf.train.StepCounterHook(every_n_steps=None)
    with pytest.raises(ValueError, match="Either every_secs or every_steps"):
        tf.train.SecondOrStepTimer()
    with pytest.raises(ValueError, match="Exactly one of scaffold or summary_op"):
        tf.train.SummarySaverHook(save_steps=1)
