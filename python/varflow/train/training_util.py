"""The global step (TF1's ``training_util.py``), and an opt-in check that it advances.

``create_global_step`` makes ``global_step``: an int64 scalar variable, zero-initialised,
not trainable, in GLOBAL_VARIABLES and GLOBAL_STEP, created with ``get_variable`` in the
root name scope. Nothing increments it: pass it to ``Optimizer.minimize(global_step=...)``
(or ``apply_gradients``), or run an ``assign_add``.

Beyond TF1: ``warn_if_global_step_stalls(sess, every_n_runs=100)`` watches a session and
issues TF's "It seems that global step (tf.train.get_global_step) has not been increased..."
warning (Python ``warnings``, ``GlobalStepStallWarning``) when the step read after a run
equals the one read ``every_n_runs`` runs before, the usual sign of a learning-rate schedule
that never decays because nobody passed the step to the optimizer. It costs one Python call
per ``sess.run`` and one extra scalar read every ``every_n_runs`` runs; ``make_callable``
callables bypass it.
"""

from __future__ import annotations

import logging
import warnings
import weakref

from varflow import _core, dtypes
from varflow.graph import GraphKeys, Tensor, get_default_graph
from varflow.variables import Variable

_log = logging.getLogger("varflow")

# Graph -> global step tensors read by learning-rate schedules (for the stall check).
_schedule_steps: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def assert_global_step(global_step_tensor) -> None:
    """Asserts `global_step_tensor` is a scalar int `Variable` or `Tensor`.

    Args:
      global_step_tensor: `Tensor` to test.

    Raises:
      TypeError: If `global_step_tensor` is not a scalar integer `Variable` or `Tensor`.
    """
    if not isinstance(global_step_tensor, (Variable, Tensor)):
        raise TypeError(
            f'Existing "global_step" must be a Variable or Tensor: {global_step_tensor}.'
        )
    output = (
        global_step_tensor._ref_tensor._output
        if isinstance(global_step_tensor, Variable)
        else global_step_tensor._output
    )
    _core.assert_global_step(output)


def get_global_step(graph=None):
    """Get the global step tensor.

    The global step tensor must be an integer variable. We first try to find it in the
    collection `GLOBAL_STEP`, or by name `global_step:0`.

    Args:
      graph: The graph to find the global step in. If missing, use default graph.

    Returns:
      The global step variable, or `None` if none was found.

    Raises:
      TypeError: If the global step tensor has a non-integer type, or if it is not a
        `Variable`.
    """
    graph = graph or get_default_graph()
    items = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(items) == 1 and not isinstance(items[0], (Variable, Tensor)):
        assert_global_step(items[0])  # a Python object C++ cannot see: TF1's TypeError
    step = _core.get_global_step(graph._core)
    if step is None:
        if len(items) > 1:
            _log.error("Multiple tensors in global_step collection.")
        return None
    return graph._wrap_core_item(step)


def create_global_step(graph=None):
    """Create global step tensor in graph.

    The variable is `global_step` (int64, initialized to zero, not trainable) in the graph's
    root name scope, made with `get_variable` as in TF1 so that variable scopes see it (C++
    hosts use `train::create_global_step`, which builds the same nodes).

    Args:
      graph: The graph to find the global step in. If missing, use default graph.

    Returns:
      Global step tensor.

    Raises:
      ValueError: if global step tensor is already defined.
    """
    from varflow.init_ops import zeros_initializer
    from varflow.variable_scope import get_variable

    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default() as g, g.name_scope(None):
        return get_variable(
            GraphKeys.GLOBAL_STEP,
            shape=[],
            dtype=dtypes.int64,
            initializer=zeros_initializer(),
            trainable=False,
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
        )


def get_or_create_global_step(graph=None):
    """Returns and create (if necessary) the global step tensor.

    Args:
      graph: The graph to find the global step in. If missing, use default graph.

    Returns:
      The global step tensor.
    """
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def global_step(sess, global_step_tensor) -> int:
    """Small helper to get the global step.

    Args:
      sess: A TensorFlow `Session` object.
      global_step_tensor: `Tensor` or the `name` of the operation that contains the global
        step.

    Returns:
      The global step value, as a Python int.
    """
    return int(sess.run(global_step_tensor))


# --- beyond TF1: noticing a global step that never moves ----------------------------------------
_STALL_MESSAGE = (
    "It seems that global step (tf.train.get_global_step) has not been increased. Current value "
    "(could be stable): {} vs previous value: {}. You could increase the global step by passing "
    "tf.train.get_global_step() to Optimizer.apply_gradients or Optimizer.minimize."
)


class GlobalStepStallWarning(RuntimeWarning):
    """The global step read by a schedule did not change across ``every_n_runs`` runs."""


def _note_schedule_step(step) -> None:
    """Records that a schedule reads ``step`` (a global step tensor or variable)."""
    if not isinstance(step, (Variable, Tensor)):
        return
    steps = _schedule_steps.setdefault(step.graph, [])
    if not any(s is step for s in steps):
        steps.append(step)


class GlobalStepStallMonitor:
    """Installed on one session by ``warn_if_global_step_stalls``; ``stop()`` removes it."""

    def __init__(self, sess, every_n_runs, global_step_tensor):
        """Installs the monitor on `sess` (use `warn_if_global_step_stalls` rather than this).

        Args:
          sess: The `Session` whose `run` calls are counted.
          every_n_runs: How many `run` calls between two reads of the global step.
          global_step_tensor: The global step to watch, or None to find it as
            `warn_if_global_step_stalls` says.
        """
        self._sess = sess
        self._every = int(every_n_runs)
        self._step = global_step_tensor
        self._count = 0
        self._previous = None
        self._warned = False
        self.stalls = 0  # how many times the warning condition was met
        self._run = sess.run  # the session's own run (bound method)

        def run(fetches, feed_dict=None, options=None, run_metadata=None):
            out = self._run(fetches, feed_dict, options, run_metadata)
            self._count += 1
            if self._count >= self._every:
                self._count = 0
                self._check()
            return out

        run.__doc__ = self._run.__doc__
        sess.run = run

    def _resolve_step(self):
        if self._step is not None:
            return self._step
        graph = self._sess.graph
        steps = _schedule_steps.get(graph)
        if steps:
            return steps[0]
        return get_global_step(graph)

    def _check(self) -> None:
        step = self._resolve_step()
        if step is None:
            return
        try:
            value = int(self._run(step))
        except Exception:  # noqa: BLE001 - not initialised yet, closed session...: no verdict
            return
        previous, self._previous = self._previous, value
        if previous is None or value != previous:
            self._warned = False
            return
        self.stalls += 1
        if not self._warned:
            self._warned = True
            warnings.warn(
                _STALL_MESSAGE.format(value, previous), GlobalStepStallWarning, stacklevel=3
            )

    def stop(self) -> None:
        """Restores the session's own ``run``."""
        if self._sess.__dict__.get("run") is not None:
            del self._sess.run


def warn_if_global_step_stalls(sess=None, every_n_runs=100, global_step_tensor=None):
    """Warns when the global step stops advancing between runs of `sess` (beyond TF1, opt-in).

    Every `every_n_runs` calls of `sess.run` the monitor reads the global step: the one
    given, else the first one a learning-rate schedule of the session's graph read, else
    `get_global_step(graph)`. If it equals the value read at the previous check it issues
    TF's "It seems that global step (tf.train.get_global_step) has not been increased..."
    message once as a `GlobalStepStallWarning` (again after the step moves and stalls anew).

    Args:
      sess: The `Session` to watch; None uses the default session.
      every_n_runs: How many `run` calls between two checks (positive).
      global_step_tensor: The global step to watch (optional).

    Returns:
      The `GlobalStepStallMonitor`; its `stop()` removes it.

    Raises:
      ValueError: If there is no session to watch, or `every_n_runs` is not positive.
    """
    if sess is None:
        from varflow.session import get_default_session

        sess = get_default_session()
        if sess is None:
            raise ValueError("No default session is registered. Pass a session to watch.")
    if int(every_n_runs) < 1:
        raise ValueError(f"every_n_runs must be positive, got {every_n_runs}")
    return GlobalStepStallMonitor(sess, every_n_runs, global_step_tensor)
