"""Queue waits and the Session: closing a session wakes its blocked queue ops, and
RunOptions(timeout_in_ms) bounds them, as in TF1."""

import threading
import time

import varflow as tf

# A liveness bound: a wired Session wakes the waiter at once; unwired, it waits forever.
JOIN_TIMEOUT = 5.0


def wait_until(condition):
    """Polls `condition` (no timing assertion: a bound on how long to keep asking)."""
    deadline = time.monotonic() + JOIN_TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.001)


def test_closing_the_session_wakes_a_blocked_dequeue():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    deq = q.dequeue_many(2)
    size = q.size()
    sess = tf.Session()
    sess.run(q.enqueue(1))
    errors = []

    def waiter():
        try:
            sess.run(deq)
        except Exception as e:  # noqa: BLE001  (inspected below)
            errors.append(e)

    t = threading.Thread(target=waiter, daemon=True)
    t.start()
    # The waiter's dequeue_many has taken the one element and waits for the second.
    wait_until(lambda: sess.run(size) == 0)
    sess.close()
    t.join(JOIN_TIMEOUT)
    woke = not t.is_alive()
    if not woke:  # leave no thread blocked behind the test
        from varflow import _core

        _core.cancel_queue_waits(sess._core)
        t.join(JOIN_TIMEOUT)
    assert woke
    assert isinstance(errors[0], tf.errors.CancelledError)
    assert "Dequeue operation was cancelled" in str(errors[0])


def test_run_options_timeout_raises_deadline_exceeded():
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    deq = q.dequeue()
    with tf.Session() as sess:
        errors = []

        def waiter():
            try:
                sess.run(deq, options=tf.RunOptions(timeout_in_ms=50))
            except Exception as e:  # noqa: BLE001  (inspected below)
                errors.append(e)

        t = threading.Thread(target=waiter, daemon=True)
        t.start()
        t.join(JOIN_TIMEOUT)
        timed_out = not t.is_alive()
        if not timed_out:  # release the waiter before failing
            sess.run(q.close())
            t.join(JOIN_TIMEOUT)
        assert timed_out
        assert isinstance(errors[0], tf.errors.DeadlineExceededError)
        assert "Timed out waiting for notification" in str(errors[0])
