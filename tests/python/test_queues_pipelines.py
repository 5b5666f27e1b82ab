"""TF1's queue input pipelines: producers, batching, QueueRunner and Coordinator.

Orders and the step of the closing OutOfRangeError come from TF1 (fixtures/queues, recorded by
make_fixtures.py there) where TF's order does not depend on thread timing; elsewhere the tests
check what holds under any interleaving (each epoch's elements, batch shapes, the end step).
"""

import json
import threading
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

FIXTURES = Path(__file__).parent / "fixtures" / "queues" / "orders.json"


def load_cases(key):
    return json.loads(FIXTURES.read_text())[key]


def drain(sess, tensor, limit=1000):
    """Values until OutOfRangeError, and the run count at which it came."""
    out = []
    for step in range(limit):
        try:
            value = sess.run(tensor)
        except tf.errors.OutOfRangeError:
            return out, step
        out.append(value.tolist() if hasattr(value, "tolist") else value)
    raise AssertionError("no OutOfRangeError")


def run_pipeline(build, consume):
    """Builds a graph, starts its queue runners under a Coordinator, and stops them after
    `consume(sess, fetches)`, the way TF1's tutorials write it."""
    with tf.Graph().as_default():
        fetches = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess=sess, coord=coord)
            try:
                result = consume(sess, fetches)
            finally:
                coord.request_stop()
                coord.join(threads, stop_grace_period_secs=30)
            return result


@pytest.mark.parametrize(
    "case", load_cases("producers"), ids=lambda c: f"{c['kind']}-{c['num_epochs']}-{c['shuffle']}"
)
def test_producers_give_tf1s_order_and_end_step(case):
    def build():
        if case["graph_seed"] is not None:
            tf.set_random_seed(case["graph_seed"])
        if case["kind"] == "range":
            q = tf.train.range_input_producer(
                case["n"],
                num_epochs=case["num_epochs"],
                shuffle=case["shuffle"],
                seed=case["op_seed"],
                capacity=100,
            )
            return q.dequeue()
        data = tf.constant([[i, 10 * i] for i in range(case["n"])])
        return tf.train.slice_input_producer(
            [data],
            num_epochs=case["num_epochs"],
            shuffle=case["shuffle"],
            seed=case["op_seed"],
            capacity=100,
        )[0]

    values, step = run_pipeline(build, drain)
    assert values == case["values"]
    assert step == case["end_step"]


@pytest.mark.parametrize("case", load_cases("batch"), ids=lambda c: f"smaller={c['allow_smaller']}")
def test_batch_gives_tf1s_batches_and_end_step(case):
    def build():
        q = tf.train.range_input_producer(10, num_epochs=1, shuffle=False)
        return tf.train.batch(
            [q.dequeue()], batch_size=3, allow_smaller_final_batch=case["allow_smaller"]
        )

    values, step = run_pipeline(build, drain)
    assert values == case["values"]
    assert step == case["end_step"]


def test_limit_epochs_raises_after_num_epochs():
    x = tf.constant([1, 2])
    limited = tf.train.limit_epochs(x, num_epochs=2)
    assert tf.train.limit_epochs(x) is x
    with pytest.raises(ValueError, match="num_epochs must be > 0 not 0"):
        tf.train.limit_epochs(x, num_epochs=0)
    epochs = [v for v in tf.local_variables() if "epochs" in v.name]
    assert len(epochs) == 1
    assert epochs[0].dtype.base_dtype == tf.int64
    assert epochs[0] not in tf.global_variables()
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        for _ in range(2):
            np.testing.assert_array_equal(sess.run(limited), [1, 2])
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 2"):
            sess.run(limited)


def test_shuffle_batch_epochs_hold_every_element_once():
    def build():
        tf.set_random_seed(3)
        x = tf.constant(np.arange(12, dtype=np.int32))
        y = tf.constant(np.arange(12, dtype=np.float32) * 10)
        xs, ys = tf.train.slice_input_producer([x, y], num_epochs=2, shuffle=True)
        return tf.train.shuffle_batch(
            [xs, ys],
            batch_size=4,
            capacity=20,
            min_after_dequeue=5,
            num_threads=2,
            allow_smaller_final_batch=True,
        )

    def consume(sess, fetches):
        return drain(sess, fetches)

    batches, step = run_pipeline(build, consume)
    xs = [x for b in batches for x in b[0]]
    ys = [y for b in batches for y in b[1]]
    assert sorted(xs) == sorted(list(range(12)) * 2)
    assert ys == [10.0 * x for x in xs]  # components of one element stay together
    assert step == len(batches) == 6
    assert xs != sorted(xs)


def test_batch_join_and_shuffle_batch_join_use_one_runner_thread_per_list():
    def build():
        a = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue()
        b = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue() + 100
        joined = tf.train.batch_join([[a], [b]], batch_size=2, allow_smaller_final_batch=True)
        shuffled = tf.train.shuffle_batch_join(
            [[a * 0 + 7], [b * 0 + 8]], batch_size=2, capacity=10, min_after_dequeue=1
        )
        return joined, shuffled

    def consume(sess, fetches):
        runners = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        joined_runner = [r for r in runners if r.queue.name.startswith("batch_join")]
        assert len(joined_runner) == 1
        assert len(joined_runner[0].enqueue_ops) == 2
        values, step = drain(sess, fetches[0])
        return values, step

    values, step = run_pipeline(build, consume)
    flat = sorted(v for batch in values for v in batch)
    assert flat == [0, 1, 2, 3, 4, 100, 101, 102, 103, 104]
    assert step == len(values)


def test_dynamic_pad_batch():
    def build():
        n = tf.train.range_input_producer(4, num_epochs=1, shuffle=False).dequeue() + 1
        row = tf.fill(tf.reshape(n, [1]), n)
        return tf.train.batch([row], batch_size=2, dynamic_pad=True)

    values, step = run_pipeline(build, drain)
    assert values == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]]]
    assert step == 2


def test_training_loop_from_shuffle_batch_as_tf1_tutorials_write_it():
    rng = np.random.RandomState(0)
    features = rng.randn(256, 3).astype(np.float32)
    labels = (features @ np.array([[2.0], [-1.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        x, y = tf.train.slice_input_producer([features, labels], shuffle=True)
        bx, by = tf.train.shuffle_batch(
            [x, y], batch_size=32, capacity=200, min_after_dequeue=64, num_threads=2
        )
        w = tf.Variable(tf.zeros([3, 1]))
        b = tf.Variable(tf.zeros([1]))
        loss = tf.reduce_mean(tf.square(tf.matmul(bx, w) + b - by))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess=sess, coord=coord)
            try:
                step = 0
                first = None
                while not coord.should_stop() and step < 300:
                    _, value = sess.run([train, loss])
                    first = value if first is None else first
                    step += 1
            except tf.errors.OutOfRangeError:
                pytest.fail("an endless producer ran out")
            finally:
                coord.request_stop()
            coord.join(threads, stop_grace_period_secs=30)
            assert value < 1e-3 < first
            np.testing.assert_allclose(sess.run(w).ravel(), [2.0, -1.0, 0.5], atol=0.02)


def test_num_epochs_loop_ends_with_out_of_range_as_tf1_tutorials_expect():
    with tf.Graph().as_default():
        x = tf.train.range_input_producer(6, num_epochs=2, shuffle=False).dequeue()
        batch = tf.train.batch([x], batch_size=4)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess=sess, coord=coord)
            steps = 0
            try:
                while not coord.should_stop():
                    sess.run(batch)
                    steps += 1
            except tf.errors.OutOfRangeError:
                pass
            finally:
                coord.request_stop()
            coord.join(threads, stop_grace_period_secs=30)
    assert steps == 3  # 12 elements, batches of 4; the fourth dequeue finds the queue closed


def test_coordinator_join_reraises_a_thread_s_exception():
    coord = tf.train.Coordinator()

    def worker():
        with coord.stop_on_exception():
            raise RuntimeError("boom in worker")

    def waiter():
        coord.wait_for_stop()

    threads = [threading.Thread(target=worker), threading.Thread(target=waiter)]
    for t in threads:
        t.start()
    with pytest.raises(RuntimeError, match="boom in worker"):
        coord.join(threads, stop_grace_period_secs=30)
    assert coord.should_stop()
    assert coord.joined
    coord.clear_stop()
    assert not coord.should_stop()


def test_coordinator_treats_out_of_range_as_a_clean_stop():
    coord = tf.train.Coordinator()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "done"))
    assert coord.should_stop()
    coord.join([])
    # After join, a reported exception is raised at once, as in TF1.
    with pytest.raises(ValueError, match="bad"):
        coord.request_stop(ValueError("bad"))


def test_queue_runner_errors_reach_the_coordinator():
    with tf.Graph().as_default():
        q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
        bad = tf.placeholder(tf.float32, [])
        qr = tf.train.QueueRunner(q, [q.enqueue(bad)])
        with tf.Session() as sess:
            coord = tf.train.Coordinator()
            threads = qr.create_threads(sess, coord=coord, start=True)
            assert len(threads) == 2  # the enqueue thread and the close-on-stop thread
            with pytest.raises(tf.errors.InvalidArgumentError, match="You must feed a value"):
                coord.join(threads, stop_grace_period_secs=30)


# Without a Coordinator the runner re-raises in its thread, as TF1's does.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_queue_runner_without_coordinator_keeps_its_exceptions():
    with tf.Graph().as_default():
        q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
        bad = tf.placeholder(tf.float32, [])
        qr = tf.train.QueueRunner(q, [q.enqueue(bad)])
        with tf.Session() as sess:
            threads = qr.create_threads(sess, start=True)
            for t in threads:
                t.join(30)
                assert not t.is_alive()
            assert len(qr.exceptions_raised) == 1
            assert isinstance(qr.exceptions_raised[0], tf.errors.InvalidArgumentError)


def test_request_stop_ends_runner_threads_blocked_on_a_full_queue():
    with tf.Graph().as_default():
        q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
        qr = tf.train.QueueRunner(q, [q.enqueue(1), q.enqueue(2)])
        tf.train.add_queue_runner(qr)
        assert tf.get_collection("queue_runners") == [qr]
        with tf.Session() as sess:
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            assert all(t.daemon for t in threads)
            assert qr.create_threads(sess, coord=coord) == []  # already running there
            assert sess.run(q.dequeue()) in (1, 2)
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=30)
            assert sess.run(q.is_closed())


def test_start_queue_runners_needs_a_session():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No default session is registered"):
            tf.train.start_queue_runners()
        with pytest.raises(TypeError, match=r"sess must be a `tf\.Session` object"):
            tf.train.start_queue_runners(sess=object())
    with pytest.raises(ValueError, match="Must provide queue and enqueue_ops"):
        tf.train.QueueRunner()
    with pytest.raises(ValueError, match="capacity 5 must be bigger than min_after_dequeue 5"):
        tf.train.shuffle_batch([tf.constant(1)], 2, capacity=5, min_after_dequeue=5)


@pytest.mark.parametrize("case", load_cases("strings"), ids=lambda c: f"seed{c['op_seed']}")
def test_string_input_producer_gives_tf1s_order(case):
    def build():
        tf.set_random_seed(case["graph_seed"])
        q = tf.train.string_input_producer(case["names"], num_epochs=2, seed=case["op_seed"])
        assert q.name == case["queue"]
        return q.dequeue()

    def consume(sess, out):
        values, step = drain(sess, out)
        return [v.decode() for v in values], step

    values, step = run_pipeline(build, consume)
    assert values == case["values"]
    assert step == case["end_step"]


def test_string_input_producer_refuses_empty_input():
    with pytest.raises(ValueError, match="requires a non-null input tensor"):
        tf.train.string_input_producer([])


@pytest.mark.parametrize("case", load_cases("random_shuffle"), ids=lambda c: str(c["shape"]))
def test_input_producer_shuffle_is_tf1s_random_shuffle(case):
    from varflow.train.input import _random_shuffle

    with tf.Graph().as_default():
        tf.set_random_seed(case["graph_seed"])
        n = int(np.prod(case["shape"]))
        out = _random_shuffle(tf.reshape(tf.range(n), case["shape"]), seed=case["op_seed"])
        with tf.Session() as sess:
            assert [sess.run(out).tolist() for _ in range(3)] == case["runs"]
