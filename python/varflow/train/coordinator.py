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
    """A coordinator for threads: they stop together, and an exception in one is re-raised
    by ``join``. ``clean_stop_exception_types`` (default ``(OutOfRangeError,)``) stop the
    threads without being reported."""

    def __init__(self, clean_stop_exception_types=None):
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
        """Requests that the threads stop; `ex` (an exception or an exc_info tuple) is kept
        for ``join`` to re-raise, unless it is a clean-stop type or a stop is already on."""
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
        """Clears the stop request (and a recorded exception), so the threads may run again."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            if self._stop_event.is_set():
                self._stop_event.clear()
                self._stop_flag = _core.StopFlag()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A context in which an exception requests a stop (and is kept for ``join``)."""
        try:
            yield
        except:  # noqa: E722  (TF1 catches everything here, KeyboardInterrupt included)
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for the threads (and the registered ones) to end; re-raises an exception
        passed to ``request_stop``; RuntimeError if some outlive the grace period."""
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
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


class LooperThread(threading.Thread):
    """A thread that runs code repeatedly (every `timer_interval_secs`, or back to back when
    None) until its Coordinator stops."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
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
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args, kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
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
        pass

    def stop_loop(self):
        pass

    def run_loop(self):
        if self._target:
            self._target(*self._args, **self._kwargs)


__all__ = ["Coordinator", "LooperThread"]
