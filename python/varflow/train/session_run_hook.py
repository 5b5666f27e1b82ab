"""``tf.train.SessionRunHook`` and the values a MonitoredSession hands to hooks (TF1's API).

A hook extends a MonitoredSession's ``run`` calls: it may add fetches and feeds to each step
(``before_run``), see their results (``after_run``) and ask the loop to stop. The call order is
TF1's::

    hook.begin()                       # graph may still change
    sess = tf.Session(); hook.after_create_session(sess, coord)
    while not stop:
        hook.before_run(run_context)   # returns SessionRunArgs or None
        results = sess.run(merged_fetches, feed_dict=merged_feeds)
        hook.after_run(run_context, run_values)
    hook.end(sess)                     # not called when the loop ends by an exception
"""

from __future__ import annotations

import collections

__all__ = ["SessionRunArgs", "SessionRunContext", "SessionRunHook", "SessionRunValues"]


class SessionRunHook:
    """Hook to extend calls to ``MonitoredSession.run()``.

    Subclass it and override the methods you need; the defaults do nothing. A hook must not
    create ops after ``begin()``: the graph is finalized when the session is created.
    """

    def begin(self):
        """Called once before using the session.

        The graph can still be changed here (add ops, look up tensors by name); after this
        call the graph is finalized. ``begin()`` is called again if the session is recreated.
        """

    def after_create_session(self, session, coord):
        """Called when a new TensorFlow session is created.

        Called after the variables are initialized or restored from a checkpoint, before the
        first ``before_run``; the graph is finalized, so the hook may only run existing ops
        (e.g. broadcast initial values).

        Args:
          session: A TensorFlow Session that has been created.
          coord: A Coordinator object which keeps track of all threads.
        """

    def before_run(self, run_context):
        """Called before each call to run().

        Args:
          run_context: A ``SessionRunContext`` object.

        Returns:
          None or a ``SessionRunArgs`` object whose fetches and feeds are added to the step.
        """

    def after_run(self, run_context, run_values):
        """Called after each call to run().

        ``run_values.results`` holds the values of the fetches this hook asked for in
        ``before_run``. Call ``run_context.request_stop()`` to end the loop.

        Args:
          run_context: A ``SessionRunContext`` object.
          run_values: A ``SessionRunValues`` object.
        """

    def end(self, session):
        """Called at the end of session.

        Not called when the loop ends with an exception other than ``OutOfRangeError`` or
        ``StopIteration``; the session may still run ops here (e.g. save a final checkpoint).

        Args:
          session: A TensorFlow Session that will be soon closed.
        """


class SessionRunArgs(collections.namedtuple("SessionRunArgs", ["fetches", "feed_dict", "options"])):
    """Represents arguments to be added to a ``Session.run()`` call.

    Args:
      fetches: Exactly like the 'fetches' argument to Session.Run(): a single tensor or op, a
        list, a tuple, a namedtuple or a dict of them.
      feed_dict: Exactly like the ``feed_dict`` argument to ``Session.Run()``.
      options: Exactly like the ``options`` argument to ``Session.run()``, i.e., a
        ``RunOptions`` (accepted and merged; varflow has no tracing to request with it).
    """

    __slots__ = ()

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """Provides information about the ``session.run()`` call being made.

    Passed to ``before_run`` and ``after_run``; ``request_stop()`` asks the MonitoredSession to
    stop after this step (``should_stop()`` becomes True).
    """

    def __init__(self, original_args, session):
        """Initializes SessionRunContext.

        Args:
          original_args: A ``SessionRunArgs`` with the caller's fetches and feed_dict.
          session: The Session being run (the raw session, not the monitored one).
        """
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        """A ``SessionRunArgs`` object holding the original arguments of ``run()``."""
        return self._original_args

    @property
    def session(self):
        """A TensorFlow session object which will execute the ``run``."""
        return self._session

    @property
    def stop_requested(self):
        """Returns whether a stop is requested or not."""
        return self._stop_requested

    def request_stop(self):
        """Sets stop requested field.

        Hooks can use this function to request stop of iterations; ``MonitoredSession`` checks
        whether this is called or not.
        """
        self._stop_requested = True


class SessionRunValues(
    collections.namedtuple("SessionRunValues", ["results", "options", "run_metadata"])
):
    """Contains the results of ``Session.run()``.

    Args:
      results: The return values of ``Session.run()`` for the fetches the hook asked for, in
        the same structure as ``SessionRunArgs.fetches``.
      options: ``RunOptions`` of the step.
      run_metadata: ``RunMetadata`` of the step (varflow fills no step stats).
    """

    __slots__ = ()
