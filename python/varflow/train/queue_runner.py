"""``tf.train.QueueRunner``, ``add_queue_runner`` and ``start_queue_runners``.

A runner thread is a Python ``threading.Thread`` (so a Coordinator joins it as in TF1) whose
body is one call into C++: the enqueue op runs again and again in a C++ loop with the GIL
released, until the queue closes (OutOfRangeError/CancelledError), the Coordinator's stop flag
is set, or a run fails. What follows the loop is TF1's: the last thread of a session to see
the queue closed runs the close op; other errors go to the Coordinator (or are logged and
kept in ``exceptions_raised``); a companion thread runs the cancel op once the Coordinator
stops, waking enqueues blocked on a full queue.
"""

from __future__ import annotations

import threading
import weakref

from varflow import _core, errors
from varflow import tf_logging as logging
from varflow.graph import GraphKeys, add_to_collection


class QueueRunner:
    """Runs a queue's enqueue ops in threads, and closes the queue when they end.

    Queues let several threads compute input tensors while the training step runs: in TF1's
    input pipelines one set of threads fills a queue of file names, a second reads and
    preprocesses records from those files into another queue, and the training step
    dequeues batches from the last one.

    A ``QueueRunner`` keeps, for one queue, the enqueue ops to run in parallel threads and
    the ops that close the queue. Each thread is a Python ``threading.Thread`` (so a
    ``Coordinator`` joins it, as in TF1) whose body is a single call into C++: the enqueue op
    runs again and again in a C++ loop with the GIL released, until the queue is closed, the
    coordinator's stop flag is set, or a run fails. Then, as in TF1, the last thread of a
    session to see the queue closed runs the close op, and other errors go to the
    coordinator (or are logged and kept in ``exceptions_raised``).
    """

    def __init__(
        self,
        queue=None,
        enqueue_ops=None,
        close_op=None,
        cancel_op=None,
        queue_closed_exception_types=None,
        queue_runner_def=None,
        import_scope=None,
    ):
        """Creates a runner for ``queue``'s enqueue ops.

        Unless given, the close and cancel ops are made here, from ``queue.close()``. The
        threads themselves are made later, by ``create_threads()``: one per op of
        ``enqueue_ops``, all running at once. The ops may differ (several readers, say), but
        each should enqueue into ``queue``.

        Args:
          queue: The queue (a ``tf.QueueBase``).
          enqueue_ops: The enqueue ops, one thread each.
          close_op: The op run when the enqueues end: it closes the queue, letting waiting
            enqueues finish. Defaults to ``queue.close()``.
          cancel_op: The op run when the coordinator stops: it closes the queue and cancels
            waiting enqueues. Defaults to ``queue.close(cancel_pending_enqueues=True)``.
          queue_closed_exception_types: Optional tuple of ``tf.errors`` types that mean, when
            an enqueue raises them, that the input has ended (a clean end of the thread).
            Defaults to ``(tf.errors.OutOfRangeError,)``.
          queue_runner_def: Not supported: varflow does not read ``QueueRunnerDef`` protos, so
            this must be None.
          import_scope: Optional string, TF1's name scope for ``queue_runner_def``; unused.

        Raises:
          ValueError: If ``queue`` or ``enqueue_ops`` are not provided.
          TypeError: If ``queue_closed_exception_types`` is not a non-empty tuple of
            ``tf.errors`` types.
          RuntimeError: If eager execution is enabled (use ``tf.data`` instead).
          NotImplementedError: If ``queue_runner_def`` is given.
        """
        from varflow.eager import executing_eagerly

        if executing_eagerly():
            raise RuntimeError(
                "QueueRunners are not supported when eager execution is enabled. "
                "Instead, please use tf.data to get data into your model."
            )
        if queue_runner_def is not None:
            raise NotImplementedError(
                "QueueRunner(queue_runner_def=...) needs QueueRunnerDef protos, which varflow "
                "does not read; build the QueueRunner from its queue and enqueue ops"
            )
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        if queue_closed_exception_types is not None and (
            not isinstance(queue_closed_exception_types, tuple)
            or not queue_closed_exception_types
            or not all(
                isinstance(t, type) and issubclass(t, errors.OpError)
                for t in queue_closed_exception_types
            )
        ):
            raise TypeError(
                "queue_closed_exception_types, when provided, must be a tuple of tf.error "
                f"types, but saw: {queue_closed_exception_types}"
            )
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = (
            cancel_op if cancel_op is not None else queue.close(cancel_pending_enqueues=True)
        )
        self._queue_closed_exception_types = queue_closed_exception_types or (
            errors.OutOfRangeError,
        )
        self._lock = threading.Lock()
        self._runs_per_session = weakref.WeakKeyDictionary()
        self._exceptions_raised = []

    @property
    def queue(self):
        """The queue whose enqueue ops this runner runs."""
        return self._queue

    @property
    def enqueue_ops(self):
        """The list of enqueue ops, one thread each."""
        return self._enqueue_ops

    @property
    def close_op(self):
        """The op that closes the queue, keeping pending enqueues."""
        return self._close_op

    @property
    def cancel_op(self):
        """The op that closes the queue and cancels pending enqueues."""
        return self._cancel_op

    @property
    def queue_closed_exception_types(self):
        """The exception types that mean the queue was closed (a clean end of a thread)."""
        return self._queue_closed_exception_types

    @property
    def exceptions_raised(self):
        """The errors of this runner's threads that no coordinator took.

        With a ``Coordinator`` given to ``create_threads()``, a thread's error goes to it (and
        ``coord.join()`` re-raises it); without one, the thread logs the error and it is kept
        in this list, which ``create_threads()`` empties.
        """
        return self._exceptions_raised

    @property
    def name(self):
        """The string name of the underlying Queue."""
        return self._queue.name

    def _loop(self, sess, enqueue_op, coord):
        core = getattr(sess, "_core", None)
        if isinstance(core, _core.Session):
            plan = core.prepare([], [], [enqueue_op._node])
            stop = coord._stop_flag if coord is not None else None
            _core.run_enqueue_loop(core, plan, stop)
            return
        # A session-like object of the user's (a wrapper): TF1's Python loop.
        enqueue = sess.make_callable(enqueue_op)
        while not (coord and coord.should_stop()):
            enqueue()

    def _run(self, sess, enqueue_op, coord=None):
        decremented = False
        try:
            try:
                self._loop(sess, enqueue_op, coord)
            except self._queue_closed_exception_types:
                with self._lock:
                    self._runs_per_session[sess] -= 1
                    decremented = True
                    if self._runs_per_session[sess] == 0:
                        try:
                            sess.run(self._close_op)
                        except Exception as e:  # noqa: BLE001  (TF1 ignores close errors)
                            logging.vlog(1, "Ignored exception: %s", str(e))
                return
        except Exception as e:
            if coord:
                coord.request_stop(e)
            else:
                logging.error("Exception in QueueRunner: %s", str(e))
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _close_on_stop(self, sess, cancel_op, coord):
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:  # noqa: BLE001  (TF1 ignores cancel errors)
            logging.vlog(1, "Ignored exception: %s", str(e))

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """Makes (and optionally starts) the threads that run the enqueue ops in ``sess``.

        One thread per enqueue op, plus, when ``coord`` is given, one that waits for the
        coordinator to stop and then runs ``cancel_op``, waking enqueues blocked on a full
        queue. If this runner's threads still run in ``sess``, no new ones are made and the
        list is empty.

        Args:
          sess: The ``Session`` to run the ops in.
          coord: Optional ``Coordinator`` that stops the threads and takes their errors; they
            are registered with it.
          daemon: If True, the threads are daemons (they do not keep the program alive).
          start: If True, the threads are started; if False, call their ``start()``.

        Returns:
          The list of threads.
        """
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [
            threading.Thread(
                target=self._run,
                args=(sess, op, coord),
                name=f"QueueRunnerThread-{self.name}-{op.name}",
            )
            for op in self._enqueue_ops
        ]
        if coord:
            threads.append(
                threading.Thread(
                    target=self._close_on_stop,
                    args=(sess, self._cancel_op, coord),
                    name=f"QueueRunnerThread-{self.name}-{self._cancel_op.name}",
                )
            )
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    """Adds a ``QueueRunner`` to a graph collection, for ``start_queue_runners()``.

    The input functions (``tf.train.batch``, the producers...) register their runners this
    way, so that one ``start_queue_runners()`` call starts them all.

    Args:
      qr: The ``QueueRunner``.
      collection: The collection's key; ``GraphKeys.QUEUE_RUNNERS`` by default.
    """
    add_to_collection(collection, qr)


def start_queue_runners(
    sess=None, coord=None, daemon=True, start=True, collection=GraphKeys.QUEUE_RUNNERS
):
    """Starts the threads of every ``QueueRunner`` in the graph's collection.

    Args:
      sess: The ``Session`` to run the enqueue ops in; the default session if None.
      coord: Optional ``Coordinator`` that stops the threads and takes their errors.
      daemon: If True, the threads are daemons (they do not keep the program alive).
      start: If False, the threads are made but not started.
      collection: The collection's key; ``GraphKeys.QUEUE_RUNNERS`` by default.

    Returns:
      The list of threads (empty for a ``MonitoredSession``, which starts its queue
      runners itself).

    Raises:
      RuntimeError: If called with eager execution enabled.
      ValueError: If called without a default ``tf.Session`` registered.
      TypeError: If ``sess`` is not a ``tf.Session``.
    """
    from varflow.eager import executing_eagerly
    from varflow.session import Session, get_default_session

    if executing_eagerly():
        raise RuntimeError("Queues are not compatible with eager execution.")
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError(
                "Cannot start queue runners: No default session is registered. Use "
                "`with sess.as_default()` or pass an explicit session to "
                "tf.start_queue_runners(sess=sess)"
            )
    if not isinstance(sess, Session):
        if sess.__class__.__name__ in ("MonitoredSession", "SingularMonitoredSession"):
            return []
        raise TypeError(f"sess must be a `tf.Session` object. Given class: {sess.__class__}")
    queue_runners = sess.graph.get_collection(collection)
    if not queue_runners:
        logging.warning(
            "`tf.train.start_queue_runners()` was called when no queue runners were defined. "
            "You can safely remove the call to this deprecated function."
        )
    threads = []
    for qr in queue_runners:
        threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads


__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]
