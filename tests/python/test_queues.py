"""TF1's queues: element order, blocking, closing, and the errors TF1 raises.

Threads that may block are joined with a timeout, so a queue that fails to wake its waiter
fails the test instead of hanging the suite. Blocking itself is shown with a run deadline
(the run fails with DeadlineExceeded instead of completing), never with a sleep.
"""

import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest
import varflow as tf
from varflow import _core

FIXTURES = Path(__file__).parent / "fixtures" / "queues" / "orders.json"
JOIN_TIMEOUT = 30.0


def run_with_timeout(sess, fetch, timeout_ms):
    """sess.run(fetch) whose blocked queue ops fail after timeout_ms (RunOptions.timeout_in_ms
    in TF1)."""
    outputs = [fetch._output] if isinstance(fetch, tf.Tensor) else []
    targets = [] if isinstance(fetch, tf.Tensor) else [fetch._node]
    plan = sess._core.prepare([], outputs, targets)
    return _core.run_with_timeout(sess._core, plan, [], timeout_ms)


class Runner:
    """Runs `fetch` in a thread and keeps its result or exception."""

    def __init__(self, sess, fetch):
        self.result = None
        self.error = None
        self._thread = threading.Thread(target=self._run, args=(sess, fetch), daemon=True)
        self._thread.start()

    def _run(self, sess, fetch):
        try:
            self.result = sess.run(fetch)
        except Exception as e:  # noqa: BLE001  (kept for the test to inspect)
            self.error = e

    def join(self):
        self._thread.join(JOIN_TIMEOUT)
        assert not self._thread.is_alive(), "the blocked run never woke up"
        return self


def test_fifo_order_and_sizes():
    q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
    enq = q.enqueue_many([[1.0, 2.0, 3.0]])
    enq1 = q.enqueue(4.0)
    deq, deq2, size, closed = q.dequeue(), q.dequeue_many(2), q.size(), q.is_closed()
    with tf.Session() as sess:
        sess.run(enq)
        sess.run(enq1)
        assert sess.run(size) == 4
        assert sess.run(deq) == 1.0
        np.testing.assert_array_equal(sess.run(deq2), [2.0, 3.0])
        assert sess.run(deq) == 4.0
        assert sess.run(size) == 0
        assert not sess.run(closed)
        sess.run(q.close())
        assert sess.run(closed)


def test_op_names_and_static_shapes_are_tf1s():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[2]])
    assert q.name == "fifo_queue"
    assert q.enqueue([[1.0, 2.0]]).name == "fifo_queue_enqueue"
    assert q.enqueue_many([[[1.0, 2.0]]]).name == "fifo_queue_EnqueueMany"
    assert q.dequeue().name == "fifo_queue_Dequeue:0"
    assert q.dequeue().shape.as_list() == [2]
    assert q.dequeue_many(4).shape.as_list() == [4, 2]
    assert q.dequeue_up_to(4).shape.as_list() == [None, 2]
    assert q.close().name == "fifo_queue_Close"
    assert q.size().name == "fifo_queue_Size:0"
    unshaped = tf.FIFOQueue(3, [tf.int32, tf.float32], names=["a", "b"], name="pairs")
    out = unshaped.dequeue()
    assert sorted(out) == ["a", "b"]
    assert out["a"].dtype == tf.int32


def test_tuples_with_names_round_trip():
    q = tf.FIFOQueue(4, [tf.int32, tf.float32], shapes=[[], [2]], names=["i", "v"])
    enq = q.enqueue({"i": 7, "v": [0.5, 1.5]})
    out = q.dequeue()
    with tf.Session() as sess:
        sess.run(enq)
        got = sess.run(out)
    assert got["i"] == 7
    np.testing.assert_array_equal(got["v"], [0.5, 1.5])


def test_dequeue_blocks_until_another_thread_enqueues():
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    deq = q.dequeue()
    enq = q.enqueue(42)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DeadlineExceededError, match="Timed out waiting"):
            run_with_timeout(sess, deq, 50)
        waiter = Runner(sess, deq)
        sess.run(enq)
        assert waiter.join().error is None
        assert waiter.result == 42


def test_close_wakes_a_blocked_dequeue_with_tf1s_error():
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    deq = q.dequeue()
    deq_many = q.dequeue_many(3)
    with tf.Session() as sess:
        waiters = [Runner(sess, deq), Runner(sess, deq_many)]
        sess.run(q.close())
        for w in waiters:
            w.join()
            assert isinstance(w.error, tf.errors.OutOfRangeError)
        assert re.search(
            r"FIFOQueue '_\d+_fifo_queue' is closed and has insufficient elements "
            r"\(requested 1, current size 0\)",
            str(waiters[0].error),
        )
        assert "fifo_queue_Dequeue" in str(waiters[0].error)
        assert "(requested 3, current size 0)" in str(waiters[1].error)


def test_closed_queue_still_hands_out_what_it_holds():
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1, 2]]))
        sess.run(q.close())
        with pytest.raises(tf.errors.OutOfRangeError, match=r"requested 3, current size 2"):
            sess.run(q.dequeue_many(3))
        np.testing.assert_array_equal(sess.run(q.dequeue_up_to(3)), [1, 2])
        with pytest.raises(tf.errors.OutOfRangeError, match=r"requested 3, current size 0"):
            sess.run(q.dequeue_up_to(3))


def test_enqueue_and_close_on_a_closed_queue_are_cancelled():
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    enq = q.enqueue(1)
    with tf.Session() as sess:
        sess.run(q.close())
        with pytest.raises(
            tf.errors.CancelledError, match=r"FIFOQueue '_\d+_fifo_queue' is closed\."
        ):
            sess.run(enq)
        with pytest.raises(
            tf.errors.CancelledError, match=r"FIFOQueue '_\d+_fifo_queue' is closed\."
        ):
            sess.run(q.enqueue_many([[1, 2]]))
        with pytest.raises(
            tf.errors.CancelledError, match=r"Queue '_\d+_fifo_queue' is already closed\."
        ):
            sess.run(q.close())
        sess.run(q.close(cancel_pending_enqueues=True))


def test_capacity_blocks_enqueue_until_a_dequeue_makes_room():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    fill = q.enqueue_many([[0, 1]])
    enq = q.enqueue(2)
    deq = q.dequeue()
    with tf.Session() as sess:
        sess.run(fill)
        with pytest.raises(tf.errors.DeadlineExceededError):
            run_with_timeout(sess, enq, 50)
        assert sess.run(q.size()) == 2
        writer = Runner(sess, enq)
        assert sess.run(deq) == 0
        assert writer.join().error is None
        assert [sess.run(deq), sess.run(deq)] == [1, 2]


def test_enqueue_many_larger_than_capacity_streams_through():
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    enq = q.enqueue_many([list(range(6))])
    deq = q.dequeue()
    with tf.Session() as sess:
        writer = Runner(sess, enq)
        got = [int(sess.run(deq)) for _ in range(6)]
        assert writer.join().error is None
    assert got == list(range(6))


def test_close_with_cancel_fails_pending_enqueues():
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    with tf.Session() as sess:
        sess.run(q.enqueue(1))
        enq = q.enqueue(2)
        with pytest.raises(tf.errors.DeadlineExceededError):
            run_with_timeout(sess, enq, 50)
        writer = Runner(sess, enq)
        # The close goes in only after the writer's enqueue waits: then it is cancelled;
        # had it come later, it would find the queue closed. Both are CancelledError.
        sess.run(q.close(cancel_pending_enqueues=True))
        writer.join()
        assert isinstance(writer.error, tf.errors.CancelledError)
        assert re.search(r"Enqueue operation was cancelled|is closed\.", str(writer.error))
        assert sess.run(q.dequeue()) == 1


def test_timeout_loses_no_element_of_a_single_dequeue():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    deq = q.dequeue()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DeadlineExceededError):
            run_with_timeout(sess, deq, 20)
        sess.run(q.enqueue(5))
        assert sess.run(deq) == 5


def test_two_sessions_hold_separate_queues():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    enq = q.enqueue(1)
    size = q.size()
    with tf.Session() as a, tf.Session() as b:
        a.run(enq)
        a.run(enq)
        assert a.run(size) == 2
        assert b.run(size) == 0


def test_runtime_shape_mismatch_names_the_op():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[2]])
    x = tf.placeholder(tf.float32)
    enq, enq_many = q.enqueue(x), q.enqueue_many(x)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            sess.run(enq, feed_dict={x: [1.0, 2.0, 3.0]})
        assert "Shape mismatch in tuple component 0. Expected [2], got [3]" in str(e.value)
        assert "fifo_queue_enqueue" in str(e.value)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected \[3,2\], got \[3\]"):
            sess.run(enq_many, feed_dict={x: [1.0, 2.0, 3.0]})
    pairs = tf.FIFOQueue(3, [tf.float32, tf.int32])
    y = tf.placeholder(tf.int32, [None])
    enq_pairs = pairs.enqueue_many([x, y])
    with tf.Session() as sess:
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"All input tensors must have the same size in the 0th dimension\. "
            r"Component 1 has 2, and should have 3",
        ):
            sess.run(enq_pairs, feed_dict={x: [1.0, 2.0, 3.0], y: [1, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="require the components to"):
            sess.run(pairs.dequeue_many(1))


def test_graph_build_errors():
    q = tf.FIFOQueue(3, tf.float32, shapes=[[2]])
    with pytest.raises(ValueError, match=r"Shapes \(3,\) and \(2,\) are incompatible"):
        q.enqueue([[1.0, 2.0, 3.0]])
    with pytest.raises((TypeError, ValueError)):
        q.enqueue("a")
    with pytest.raises(ValueError, match="holds 1 components, but 2 values"):
        q.enqueue((np.zeros(2, np.float32), np.zeros(2, np.float32)))
    with pytest.raises(ValueError, match="must have rank at least 1"):
        tf.FIFOQueue(3, tf.float32, shapes=[[]]).enqueue_many(1.0)
    with pytest.raises(ValueError, match="Queue shapes must have the same length as dtypes"):
        tf.FIFOQueue(3, [tf.float32], shapes=[[1], [2]])
    with pytest.raises(ValueError, match="All shapes must be fully defined"):
        tf.FIFOQueue(3, [tf.float32], shapes=[[None]])
    with pytest.raises(TypeError):
        tf.PaddingFIFOQueue(3, [tf.float32])
    with pytest.raises(ValueError, match="a list of shapes must be provided"):
        tf.PaddingFIFOQueue(3, [tf.float32], shapes=None)
    with pytest.raises(ValueError, match="Input 'n' must be >= 0, but is -1"):
        q.dequeue_many(-1)
    with pytest.raises(ValueError, match="You must enqueue a dictionary"):
        tf.FIFOQueue(3, [tf.float32], names=["a"]).enqueue(1.0)


def test_padding_queue_pads_to_the_batch_s_largest():
    q = tf.PaddingFIFOQueue(10, [tf.int32, tf.float32], shapes=[[None], [None, 2]])
    a, b = tf.placeholder(tf.int32, [None]), tf.placeholder(tf.float32, [None, 2])
    enq = q.enqueue([a, b])
    deq = q.dequeue_many(2)
    with tf.Session() as sess:
        sess.run(enq, feed_dict={a: [1, 2, 3], b: [[1, 1]]})
        sess.run(enq, feed_dict={a: [4], b: [[2, 2], [3, 3]]})
        ints, floats = sess.run(deq)
        np.testing.assert_array_equal(ints, [[1, 2, 3], [4, 0, 0]])
        np.testing.assert_array_equal(floats, [[[1, 1], [0, 0]], [[2, 2], [3, 3]]])
        pl = tf.placeholder(tf.int32)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected \[\?\], got \[1,1\]"):
            sess.run(q.enqueue([pl, b]), feed_dict={pl: [[1]], b: [[1, 1]]})
    assert deq[0].shape.as_list() == [2, None]


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    q = tf.RandomShuffleQueue(10, 3, tf.int32, shapes=[[]], seed=1)
    deq = q.dequeue()
    with tf.Session() as sess:
        sess.run(q.enqueue_many([[1, 2, 3, 4]]))
        first = sess.run(deq)
        with pytest.raises(tf.errors.DeadlineExceededError):
            run_with_timeout(sess, deq, 20)
        sess.run(q.close())
        rest = sorted(int(sess.run(deq)) for _ in range(3))
        assert sorted([int(first), *rest]) == [1, 2, 3, 4]
        with pytest.raises(
            tf.errors.OutOfRangeError,
            match=r"RandomShuffleQueue '_\d+_random_shuffle_queue' is closed and has "
            r"insufficient elements \(requested 1, current size 0\)",
        ):
            sess.run(deq)


def test_random_shuffle_queue_checks_its_arguments():
    q = tf.RandomShuffleQueue(5, 5, tf.int32, shapes=[[]])
    with (
        tf.Session() as sess,
        pytest.raises(
            tf.errors.InvalidArgumentError, match="min_after_dequeue 5 must be < capacity 5"
        ),
    ):
        sess.run(q.size())


def load_cases(key):
    return json.loads(FIXTURES.read_text())[key]


@pytest.mark.parametrize("case", load_cases("shuffle_queue"), ids=lambda c: f"seed{c['op_seed']}")
def test_random_shuffle_queue_order_is_tf1s(case):
    with tf.Graph().as_default():
        if case["graph_seed"] is not None:
            tf.set_random_seed(case["graph_seed"])
        q = tf.RandomShuffleQueue(30, 5, [tf.int32], shapes=[[]], seed=case["op_seed"])
        enq = q.enqueue_many([list(range(20))])
        enq2 = q.enqueue_many([list(range(100, 110))])
        one, many, up_to = q.dequeue(), q.dequeue_many(4), q.dequeue_up_to(7)
        with tf.Session() as sess:
            sess.run(enq)
            assert [int(sess.run(one)) for _ in range(6)] == case["singles"]
            assert sess.run(many).tolist() == case["many"]
            sess.run(enq2)
            assert [int(sess.run(one)) for _ in range(5)] == case["more"]
            sess.run(q.close())
            rest = []
            for _ in range(len(case["up_to"])):
                rest.append(sess.run(up_to).tolist())
            assert rest == case["up_to"]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(up_to)


def test_enqueue_of_another_graph_s_tensor_is_refused():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    with tf.Graph().as_default():
        other = tf.constant(1)
    with pytest.raises(ValueError, match="must be from the same graph"):
        q.enqueue(other)
