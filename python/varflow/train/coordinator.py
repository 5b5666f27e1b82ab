"""``tf.train.Coordinator`` and ``tf.train.LooperThread``, as TF1 writes them.

Beyond TF1, the Coordinator carries a C++ stop flag: queue runner threads loop over their
enqueue op in C++ (no Python per element) and read that flag between runs, so
``request_stop`` stops them as it stops Python threads that poll ``should_stop``.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time

from varflow import _core, errors
from varflow import tf_logging as logging


class Coordinator:
    """Makes a set of threads stop together, and reports their errors.

    Each thread checks ``should_stop()`` in its loop; any of them (or the main thread) may
    call ``request_stop()``; the main thread waits for them all with ``join()``.

        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        try:
            while not coord.should_stop():
                sess.run(train_op)
        except Exception as e:
            coord.request_stop(e)
        finally:
            coord.request_stop()
            coord.join(threads)

    An exception passed to ``request_stop`` (or raised inside ``stop_on_exception()``) is
    re-raised by ``join``, except the clean-stop types (``OutOfRangeError`` by default), which
    only stop the threads: that is how a queue that runs out of epochs ends training.

    Beyond TF1, the Coordinator carries a C++ stop flag: ``QueueRunner`` threads loop over
    their enqueue op in C++ and read it between runs, so ``request_stop`` stops them as it
    stops Python threads.
    """

    def __init__(self, clean_stop_exception_types=None):
        """Creates a coordinator with no stop requested.

        Args:
          clean_stop_exception_types: Optional tuple of exception types that stop the threads
            without being an error: passed to ``request_stop()``, they are not re-raised by
            ``join()``. Defaults to ``(tf.errors.OutOfRangeError,)``, the end of a queue's
            input.
        """
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._stop_flag = _core.StopFlag()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        ex2 = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(ex2, self._clean_stop_exception_types):
            ex = None
        return ex

    def request_stop(self, ex=None):
        """Asks the threads to stop.

        From now on ``should_stop()`` returns True, and the queue runners' C++ loops end after
        their current enqueue. An exception given here is kept for ``join()`` to re-raise,
        unless it is a clean-stop type, a stop was already requested, or an exception is
        already kept (the first one wins).

        Args:
          ex: Optional exception, or an ``exc_info`` tuple (``sys.exc_info()``), that caused
            the stop.

        Raises:
          Exception: ``ex`` itself, if ``join()`` has already returned (nobody would see it
            otherwise).
        """
        with self._lock:
            ex = self._filter_exception(ex)
            # After join, nobody would see the exception: raise it here instead.
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1]
                if ex is not None:
                    raise sys.exc_info()[1] or ex
            if not self._stop_event.is_set():
                if ex and self._exc_info_to_raise is None:
                    if isinstance(ex, tuple):
                        logging.info("Error reported to Coordinator: %s", str(ex[1]))
                        self._exc_info_to_raise = ex
                    else:
                        logging.info("Error reported to Coordinator: %s, %s", type(ex), str(ex))
                        self._exc_info_to_raise = sys.exc_info()
                    if (
                        len(self._exc_info_to_raise) != 3
                        or not self._exc_info_to_raise[0]
                        or not self._exc_info_to_raise[1]
                    ):
                        if isinstance(ex, BaseException):
                            self._exc_info_to_raise = (type(ex), ex, ex.__traceback__)
                        else:
                            try:
                                raise ValueError(
                                    "ex must be a tuple or sys.exc_info must return the current "
                                    f"exception: {self._exc_info_to_raise}"
                                )
                            except ValueError:
                                self._exc_info_to_raise = sys.exc_info()
                self._stop_event.set()
                self._stop_flag.request()

    def clear_stop(self):
        """Withdraws the stop request, so the same coordinator can run new threads.

        ``should_stop()`` returns False again, and a kept exception is forgotten.
        """
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            if self._stop_event.is_set():
                self._stop_event.clear()
                self._stop_flag = _core.StopFlag()

    def should_stop(self):
        """Returns whether a stop has been requested.

        Returns:
          A bool.
        """
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A context in which an exception requests a stop instead of propagating.

        The exception raised inside the ``with`` block (any exception, as in TF1) is passed to
        ``request_stop()``, to be re-raised by ``join()`` in the main thread:

            with coord.stop_on_exception():
                while not coord.should_stop():
                    ...do some work...

        Yields:
          nothing.
        """
        try:
            yield
        except:  # noqa: E722  (TF1 catches everything here, KeyboardInterrupt included)
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Blocks until a stop is requested, or ``timeout`` seconds pass.

        Args:
          timeout: Seconds to wait at most (a float); None waits without limit.

        Returns:
          True if a stop was requested, False if the wait timed out.
        """
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        """Adds a thread for ``join()`` to wait for, with those passed to it.

        Args:
          thread: A ``threading.Thread``.
        """
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for the threads to end, and re-raises the exception that stopped them.

        It returns once the given and the registered threads have ended. After a stop is
        requested, they get ``stop_grace_period_secs`` seconds to end; those still alive then
        are reported. An exception kept by ``request_stop()`` is re-raised here.

        Args:
          threads: Started threads to wait for besides the registered ones.
          stop_grace_period_secs: How long the threads may take to end once a stop is
            requested, in seconds.
          ignore_live_threads: If True, threads still alive after the grace period are only
            logged; if False, they are an error.

        Raises:
          RuntimeError: if threads outlive the grace period (unless ``ignore_live_threads``).
          Exception: the exception kept by ``request_stop()``, if any.
        """
        with self._lock:
            if threads is None:
                threads = self._registered_threads
            else:
                threads = self._registered_threads.union(set(threads))
            threads = list(threads)
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        stop_wait_secs = 0.001
        while any(t.is_alive() for t in threads) and stop_grace_period_secs >= 0.0:
            time.sleep(stop_wait_secs)
            stop_grace_period_secs -= stop_wait_secs
            stop_wait_secs = 2 * stop_wait_secs
            stop_wait_secs = max(min(stop_wait_secs, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if stragglers:
                if ignore_live_threads:
                    logging.info(
                        "Coordinator stopped with threads still running: %s", " ".join(stragglers)
                    )
                else:
                    raise RuntimeError(
                        "Coordinator stopped with threads still running: " + " ".join(stragglers)
                    )

    @property
    def joined(self):
        """True once ``join()`` has returned (until ``clear_stop()``)."""
        return self._joined

    def raise_requested_exception(self):
        """Raises the exception kept by ``request_stop()``, if there is one.

        Raises:
          Exception: the recorded exception, if any.
        """
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


class LooperThread(threading.Thread):
    """A thread that runs code again and again, optionally on a timer, until a stop.

    The thread runs ``run_loop()`` (by default ``target(*args, **kwargs)``) every
    ``timer_interval_secs`` seconds, or back to back when that is None, until its
    coordinator is told to stop; an exception in the loop is passed to the coordinator.
    Subclasses may override ``start_loop``, ``run_loop`` and ``stop_loop``. The thread is a
    daemon and is registered with the coordinator at construction.
    """

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        """Creates the thread (not started) and registers it with ``coord``.

        Args:
          coord: The ``Coordinator`` that stops it.
          timer_interval_secs: Seconds between calls of ``run_loop()``, or None to call it back
            to back.
          target: Optional callable that ``run_loop()`` calls.
          args: Positional arguments for ``target``.
          kwargs: Keyword arguments for ``target``.

        Raises:
          ValueError: If ``coord`` is not a Coordinator, or ``args`` or ``kwargs`` are given
            without a ``target``.
        """
        if not isinstance(coord, Coordinator):
            raise ValueError(  # noqa: TRY004  (TF1's error type)
                f"'coord' argument must be a Coordinator: {coord}"
            )
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if self._target:
            self._args = args or ()
            self._kwargs = kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Starts a thread calling ``target(*args, **kwargs)`` until ``coord`` stops.

        The calls come every ``timer_interval_secs`` seconds, or back to back when that is
        None.

        Args:
          coord: The ``Coordinator``.
          timer_interval_secs: Seconds between calls, or None.
          target: The callable.
          args: Positional arguments for ``target``.
          kwargs: Keyword arguments for ``target``.

        Returns:
          The started ``LooperThread``.
        """
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args, kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        """The thread's body: ``start_loop()``, the loop of ``run_loop()``, then ``stop_loop()``.

        Runs inside the coordinator's ``stop_on_exception()``, so an exception requests a stop.
        """
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_timer_time = time.time()
                while not self._coord.wait_for_stop(next_timer_time - time.time()):
                    next_timer_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called when the thread starts, before the first ``run_loop()``."""

    def stop_loop(self):
        """Called when the thread stops, after the last ``run_loop()``."""

    def run_loop(self):
        """Called at the timer boundaries: calls ``target`` if one was given."""
        if self._target:
            self._target(*self._args, **self._kwargs)


__all__ = ["Coordinator", "LooperThread"]
