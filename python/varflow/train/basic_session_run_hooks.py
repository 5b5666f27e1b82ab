"""TF1's standard SessionRunHooks: stop at a step, checkpoints, summaries, step rate, logging.

Each hook follows TF1's ``basic_session_run_hooks`` step for step: the global step a hook
fetches with the train op is "stale" (read in the same run as the update), so a hook that acts
on it re-reads the global step with its own ``session.run`` before it triggers.
"""

from __future__ import annotations

import os
import time

import numpy as np

from varflow import errors
from varflow import tf_logging as logging
from varflow.graph import get_default_graph
from varflow.summary_writer_cache import FileWriterCache, add_meta_graph
from varflow.train import training_util
from varflow.train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = [
    "CheckpointSaverHook",
    "CheckpointSaverListener",
    "FeedFnHook",
    "FinalOpsHook",
    "GlobalStepWaiterHook",
    "LoggingTensorHook",
    "NanLossDuringTrainingError",
    "NanTensorHook",
    "SecondOrStepTimer",
    "StepCounterHook",
    "StopAtStepHook",
    "SummarySaverHook",
]

_GLOBAL_STEP_READ_KEY = "global_step_read_op_cache"


def _get_or_create_global_step_read(graph=None):
    """A tensor holding a copy of the global step's value (TF1's `global_step + 0`), or None.

    One per graph, kept in a collection: every hook fetches the same tensor, so a step fetches
    the global step once.
    """
    graph = graph or get_default_graph()
    cached = graph.get_collection(_GLOBAL_STEP_READ_KEY)
    if cached:
        return cached[0]
    step = training_util.get_global_step(graph)
    if step is None:
        return None
    with graph.as_default(), graph.name_scope(None), graph.name_scope(step.op.name + "/"):
        read = step + 0
    graph.add_to_collection(_GLOBAL_STEP_READ_KEY, read)
    return read


def _summary_protos():
    from varflow import summary

    return summary.Summary, summary.SessionLog


class _HookTimer:
    """Base timer for determining when Hooks should trigger."""

    def reset(self):
        """Resets the timer."""

    def should_trigger_for_step(self, step):
        """Return true if the timer should trigger for the specified step.

        Args:
          step: Training step to trigger on.
        """
        raise NotImplementedError

    def update_last_triggered_step(self, step):
        """Update the last triggered time and step number.

        Args:
          step: The current step.

        Returns:
          (elapsed seconds, elapsed steps) since the last trigger, or (None, None).
        """
        raise NotImplementedError

    def last_triggered_step(self):
        """Returns the last triggered time step or None if never triggered."""
        raise NotImplementedError


class SecondOrStepTimer(_HookTimer):
    """Timer that triggers at most once every N seconds or once every N steps.

    This symbol is also exported to v2 in tf.estimator namespace. See
    https://github.com/tensorflow/estimator/blob/master/tensorflow_estimator/python/estimator/hooks/basic_session_run_hooks.py
    """

    def __init__(self, every_secs=None, every_steps=None):
        """Creates the timer; exactly one of `every_secs` and `every_steps` must be given.

        Args:
          every_secs: Trigger at most once every this many seconds.
          every_steps: Trigger once every this many steps.

        Raises:
          ValueError: If both or neither are given.
        """
        self.reset()
        self._every_secs = every_secs
        self._every_steps = every_steps
        if self._every_secs is None and self._every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if self._every_secs is not None and self._every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")

    def reset(self):
        """Forgets the last trigger: the next step triggers."""
        self._last_triggered_step = None
        self._last_triggered_time = None

    def should_trigger_for_step(self, step):
        """Return true if the timer should trigger for the specified step.

        Args:
          step: Training step to trigger on.

        Returns:
          True if the difference between the current time and the time of the last trigger
          exceeds `every_secs`, or if the difference between the current step and the last
          triggered step exceeds `every_steps`. False otherwise.
        """
        if self._last_triggered_step is None:
            return True
        if self._last_triggered_step == step:
            return False
        if self._every_secs is not None and time.time() >= (
            self._last_triggered_time + self._every_secs
        ):
            return True
        return self._every_steps is not None and step >= (
            self._last_triggered_step + self._every_steps
        )

    def update_last_triggered_step(self, step):
        """Update the last triggered time and step number.

        Args:
          step: The current step.

        Returns:
          A pair `(elapsed_time, elapsed_steps)`, where `elapsed_time` is a float indicating
          the number of seconds between the current trigger and the last one (a float), and
          `elapsed_steps` is the number of steps between the current trigger and the last
          one. Both values will be set to `None` on the first trigger.
        """
        current_time = time.time()
        if self._last_triggered_time is None:
            elapsed_secs = None
            elapsed_steps = None
        else:
            elapsed_secs = current_time - self._last_triggered_time
            elapsed_steps = step - self._last_triggered_step
        self._last_triggered_time = current_time
        self._last_triggered_step = step
        return elapsed_secs, elapsed_steps

    def last_triggered_step(self):
        """The step of the last trigger, or None."""
        return self._last_triggered_step


class NeverTriggerTimer(_HookTimer):
    """Timer that never triggers."""

    def should_trigger_for_step(self, step):
        """Always False.

        Args:
          step: Training step (ignored).
        """
        return False

    def update_last_triggered_step(self, step):
        """Records nothing.

        Args:
          step: The current step (ignored).

        Returns:
          (None, None).
        """
        return None, None

    def last_triggered_step(self):
        """Always None."""
        return


def _as_graph_element(obj):
    """The graph element `obj` names in the default graph (TF1's checks and messages)."""
    graph = get_default_graph()
    if not isinstance(obj, str):
        if not hasattr(obj, "graph") or obj.graph is not graph:
            raise ValueError(
                f"Passed {obj} should have graph attribute that is equal to current graph {graph}."
            )
        return obj
    if ":" in obj:
        return graph.as_graph_element(obj)
    element = graph.as_graph_element(obj + ":0")
    try:
        graph.as_graph_element(obj + ":1")
    except (KeyError, ValueError):
        pass
    else:
        raise ValueError(
            f"Name {obj} is ambiguous, as this `Operation` has multiple outputs (at least 2)."
        )
    return element


class LoggingTensorHook(SessionRunHook):
    """Prints the given tensors every N local steps, every N seconds, or at end.

    The tensors will be printed to the log, with `INFO` severity. If you are not seeing the
    logs, you might want to add the following line after your imports:

    ```python
      tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.INFO)
    ```

    Note that if `at_end` is True, `tensors` should not include any tensor whose evaluation
    produces a side effect such as consuming additional inputs.
    """

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False, formatter=None):
        """Initializes a `LoggingTensorHook`.

        Args:
          tensors: `dict` that maps string-valued tags to tensors/tensor names, or `iterable`
            of tensors/tensor names.
          every_n_iter: `int`, print the values of `tensors` once every N local steps taken on
            the current worker.
          every_n_secs: `int` or `float`, print the values of `tensors` once every N seconds.
            Exactly one of `every_n_iter` and `every_n_secs` should be provided.
          at_end: `bool` specifying whether to print the values of `tensors` at the end of the
            run.
          formatter: function, takes dict of `tag`->`Tensor` and returns a string. If `None`
            uses default printing all tensors.

        Raises:
          ValueError: if `every_n_iter` is non-positive.
        """
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError(
                "either at_end and/or exactly one of every_n_iter and every_n_secs must be "
                "provided."
            )
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(tensors, dict):
            self._tag_order = tensors
            tensors = {item: item for item in tensors}
        else:
            self._tag_order = sorted(tensors.keys())
        self._tensors = tensors
        self._formatter = formatter
        self._timer = (
            NeverTriggerTimer()
            if only_log_at_end
            else SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_iter)
        )
        self._log_at_end = at_end

    def begin(self):
        # Resolves the tensors in the default graph.
        self._timer.reset()
        self._iter_count = 0
        self._current_tensors = {
            tag: _as_graph_element(tensor) for tag, tensor in self._tensors.items()
        }

    def before_run(self, run_context):
        # Asks for the tensors on the steps that log.
        self._should_trigger = self._timer.should_trigger_for_step(self._iter_count)
        if self._should_trigger:
            return SessionRunArgs(self._current_tensors)
        return None

    def _log_tensors(self, tensor_values):
        original = np.get_printoptions()
        np.set_printoptions(suppress=True)
        try:
            elapsed_secs, _ = self._timer.update_last_triggered_step(self._iter_count)
            if self._formatter:
                logging.info(self._formatter(tensor_values))
            else:
                stats = ["%s = %s" % (tag, tensor_values[tag]) for tag in self._tag_order]  # noqa: UP031  (str() of NumPy scalars, as TF1)
                if elapsed_secs is not None:
                    logging.info("%s (%.3f sec)", ", ".join(stats), elapsed_secs)
                else:
                    logging.info("%s", ", ".join(stats))
        finally:
            np.set_printoptions(**original)

    def after_run(self, run_context, run_values):
        # Logs the fetched values on the steps that log.
        if self._should_trigger:
            self._log_tensors(run_values.results)
        self._iter_count += 1

    def end(self, session):
        # Logs the tensors once more when `at_end` is set.
        if self._log_at_end:
            self._log_tensors(session.run(self._current_tensors))


class StopAtStepHook(SessionRunHook):
    """Hook that requests stop at a specified step."""

    def __init__(self, num_steps=None, last_step=None):
        """Initializes a `StopAtStepHook`.

        This hook requests stop after either a number of steps have been executed or a last
        step has been reached. Only one of the two options can be specified.

        if `num_steps` is specified, it indicates the number of steps to execute after
        `begin()` is called. If instead `last_step` is specified, it indicates the last step
        we want to execute, as passed to the `after_run()` call.

        Args:
          num_steps: Number of steps to execute.
          last_step: Step after which to stop.

        Raises:
          ValueError: If one of the arguments is invalid.
        """
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps = num_steps
        self._last_step = last_step

    def begin(self):
        # Finds the global step. Raises: RuntimeError: If the graph has no global step.
        self._global_step_tensor = _get_or_create_global_step_read()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use StopAtStepHook.")

    def after_create_session(self, session, coord):
        # With `num_steps`, the last step counts from the restored global step.
        if self._last_step is None:
            global_step = session.run(self._global_step_tensor)
            self._last_step = global_step + self._num_steps

    def before_run(self, run_context):
        # Asks for the global step.
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        # Requests stop once the global step reaches the last step.
        global_step = run_values.results + 1
        if global_step >= self._last_step:
            # The fetched value may be stale (read with the update): read it again.
            step = run_context.session.run(self._global_step_tensor)
            if step >= self._last_step:
                run_context.request_stop()


class CheckpointSaverListener:
    """Interface for listeners that take action before or after checkpoint save.

    `CheckpointSaverListener` triggers only in steps when `CheckpointSaverHook` is triggered,
    and provides callbacks at the following points:
     - before using the session
     - before each call to `Saver.save()`
     - after each call to `Saver.save()`
     - at the end of session

    To use a listener, implement a class and pass the listener to a `CheckpointSaverHook`.
    `after_save` may return True to request that training stop.
    """

    def begin(self):
        """Called once before the session is used (the graph can still change)."""

    def before_save(self, session, global_step_value):
        """Called before each checkpoint is saved.

        Args:
          session: The `Session` whose variables are about to be saved.
          global_step_value: The global step of the checkpoint.
        """

    def after_save(self, session, global_step_value):
        """Called after each checkpoint is saved.

        Args:
          session: The `Session` whose variables were saved.
          global_step_value: The global step of the checkpoint.

        Returns:
          True to request that training stop; anything else continues.
        """

    def end(self, session, global_step_value):
        """Called at the end of the session, after the last checkpoint.

        Args:
          session: The `Session` about to be closed.
          global_step_value: The global step at the end.
        """


class CheckpointSaverHook(SessionRunHook):
    """Saves checkpoints every N steps or seconds."""

    def __init__(
        self,
        checkpoint_dir,
        save_secs=None,
        save_steps=None,
        saver=None,
        checkpoint_basename="model.ckpt",
        scaffold=None,
        listeners=None,
        save_graph_def=True,
    ):
        """Initializes a `CheckpointSaverHook`.

        Args:
          checkpoint_dir: `str`, base directory for the checkpoint files.
          save_secs: `int`, save every N secs.
          save_steps: `int`, save every N steps.
          saver: `Saver` object, used for saving.
          checkpoint_basename: `str`, base name for the checkpoint files.
          scaffold: `Scaffold`, use to get saver object.
          listeners: List of `CheckpointSaverListener` subclass instances. Used for callbacks
            that run immediately before or after this hook saves the checkpoint.
          save_graph_def: Whether to save the GraphDef and MetaGraphDef to `checkpoint_dir`.
            The GraphDef is saved after the session is created as `graph.pbtxt`.
            MetaGraphDefs are saved out for every checkpoint as `model.ckpt-*.meta`.

        Raises:
          ValueError: One of `save_steps` or `save_secs` should be set.
          ValueError: At most one of `saver` or `scaffold` should be set.
        """
        logging.info("Create CheckpointSaverHook.")
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver = saver
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)  # noqa: PTH118  (TF1 joins the text)
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = listeners or []
        # TF1's default: a stale global step plus this many steps may trigger a save check.
        self._steps_per_run = 1000000
        self._save_graph_def = save_graph_def

    def begin(self):
        # Opens the directory's event file and finds the global step. Raises: RuntimeError: If the
        # graph has no global step.
        self._summary_writer = FileWriterCache.get(self._checkpoint_dir)
        self._global_step_tensor = _get_or_create_global_step_read()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use CheckpointSaverHook.")
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord):
        # Writes graph.pbtxt and the graph event, and saves the first checkpoint.
        from varflow.framework import write_graph

        global_step = session.run(self._global_step_tensor)
        graph = get_default_graph()
        if self._save_graph_def:
            write_graph(graph, self._checkpoint_dir, "graph.pbtxt")
        saver = self._get_saver()
        self._summary_writer.add_graph(graph)
        add_meta_graph(self._summary_writer, graph, saver.saver_def if saver else None)
        self._save(session, global_step)
        self._timer.update_last_triggered_step(global_step)

    def before_run(self, run_context):
        # Asks for the global step.
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        # Saves when the timer triggers for the (re-read) global step.
        stale_global_step = run_values.results
        if self._timer.should_trigger_for_step(stale_global_step + self._steps_per_run):
            global_step = run_context.session.run(self._global_step_tensor)
            if self._timer.should_trigger_for_step(global_step):
                self._timer.update_last_triggered_step(global_step)
                if self._save(run_context.session, global_step):
                    run_context.request_stop()

    def end(self, session):
        # Saves the last step's checkpoint unless it was just saved.
        last_step = session.run(self._global_step_tensor)
        if last_step != self._timer.last_triggered_step():
            self._save(session, last_step)
        for listener in self._listeners:
            listener.end(session, last_step)

    def _save(self, session, step):
        """Saves the latest checkpoint, returns should_stop."""
        _, session_log = _summary_protos()
        logging.info("Calling checkpoint listeners before saving checkpoint %d...", step)
        for listener in self._listeners:
            listener.before_save(session, step)
        logging.info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._get_saver().save(
            session, self._save_path, global_step=step, write_meta_graph=self._save_graph_def
        )
        self._summary_writer.add_session_log(
            session_log(status=session_log.CHECKPOINT, checkpoint_path=self._save_path), step
        )
        logging.info("Calling checkpoint listeners after saving checkpoint %d...", step)
        should_stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                logging.info(
                    "A CheckpointSaverListener requested that training be stopped. "
                    f"listener: {listener}"
                )
                should_stop = True
        return should_stop

    def _get_saver(self):
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        from varflow.graph import GraphKeys

        savers = get_default_graph().get_collection(GraphKeys.SAVERS)
        if not savers:
            raise RuntimeError(
                f"No items in collection {GraphKeys.SAVERS}. Please add a saver to the "
                "collection or provide a saver or scaffold."
            )
        if len(savers) > 1:
            raise RuntimeError(
                f"More than one item in collection {GraphKeys.SAVERS}. Please indicate which "
                "one to use by passing it to the constructor."
            )
        self._saver = savers[0]
        return savers[0]


class StepCounterHook(SessionRunHook):
    """Hook that counts steps per second."""

    def __init__(self, every_n_steps=100, every_n_secs=None, output_dir=None, summary_writer=None):
        """Initializes a `StepCounterHook`; logs and records `global_step/sec`.

        Args:
          every_n_steps: `int`, count steps per second every N steps.
          every_n_secs: `int` or `float`, count every N seconds (exactly one of the two).
          output_dir: `str`, directory for the event file (via `FileWriterCache`).
          summary_writer: `FileWriter` to record the rate with.

        Raises:
          ValueError: If both or neither of `every_n_steps` and `every_n_secs` are given.
        """
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._last_global_step = None
        self._steps_per_run = 1

    def begin(self):
        # Opens the event file and finds the global step. Raises: RuntimeError: If the graph has
        # no global step.
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._global_step_tensor = _get_or_create_global_step_read()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use StepCounterHook.")
        self._summary_tag = training_util.get_global_step().op.name + "/sec"

    def before_run(self, run_context):
        # Asks for the global step.
        return SessionRunArgs(self._global_step_tensor)

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        steps_per_sec = elapsed_steps / elapsed_time
        if self._summary_writer is not None:
            summary, _ = _summary_protos()
            proto = summary(
                value=[summary.Value(tag=self._summary_tag, simple_value=steps_per_sec)]
            )
            self._summary_writer.add_summary(proto, global_step)
        logging.info("%s: %g", self._summary_tag, steps_per_sec)

    def after_run(self, run_context, run_values):
        # Logs the step rate when the timer triggers; warns when the step stalls.
        stale_global_step = run_values.results
        if self._timer.should_trigger_for_step(stale_global_step + self._steps_per_run):
            global_step = run_context.session.run(self._global_step_tensor)
            if self._timer.should_trigger_for_step(global_step):
                elapsed_time, elapsed_steps = self._timer.update_last_triggered_step(global_step)
                if elapsed_time is not None:
                    self._log_and_record(elapsed_steps, elapsed_time, global_step)
        if stale_global_step == self._last_global_step:
            logging.log_first_n(
                logging.WARN,
                "It seems that global step (tf.train.get_global_step) has not been increased. "
                "Current value (could be stable): %s vs previous value: %s. You could increase "
                "the global step by passing tf.train.get_global_step() to "
                "Optimizer.apply_gradients or Optimizer.minimize.",
                5,
                stale_global_step,
                self._last_global_step,
            )
        self._last_global_step = stale_global_step


class NanLossDuringTrainingError(RuntimeError):
    """Raised by `NanTensorHook` when the loss is NaN."""

    def __str__(self):
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Monitors the loss tensor and stops training if loss is NaN.

    Can either fail with exception or just stop training.
    """

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        """Initializes a `NanTensorHook`.

        Args:
          loss_tensor: `Tensor`, the loss tensor.
          fail_on_nan_loss: `bool`, whether to raise exception when loss is NaN.
        """
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss

    def before_run(self, run_context):
        # Asks for the loss.
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values):
        # Raises `NanLossDuringTrainingError` (or requests stop) on a NaN loss.
        if np.isnan(run_values.results):
            failure_message = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                logging.error(failure_message)
                raise NanLossDuringTrainingError
            logging.warning(failure_message)
            run_context.request_stop()


class SummarySaverHook(SessionRunHook):
    """Saves summaries every N steps."""

    def __init__(
        self,
        save_steps=None,
        save_secs=None,
        output_dir=None,
        summary_writer=None,
        scaffold=None,
        summary_op=None,
    ):
        """Initializes a `SummarySaverHook`.

        Args:
          save_steps: `int`, save summaries every N steps. Exactly one of `save_secs` and
            `save_steps` should be set.
          save_secs: `int`, save summaries every N seconds.
          output_dir: `string`, the directory to save the summaries to. Only used if no
            `summary_writer` is supplied.
          summary_writer: `SummaryWriter`. If `None` and an `output_dir` was passed, one will
            be created accordingly.
          scaffold: `Scaffold` to get summary_op if it's not provided.
          summary_op: `Tensor` of type `string` containing the serialized `Summary` protocol
            buffer or a list of `Tensor`. They are most likely an output by TF summary methods
            like `tf.compat.v1.summary.scalar` or `tf.compat.v1.summary.merge_all`. It can be
            passed in as one tensor; if more than one, they must be passed in as a list.

        Raises:
          ValueError: Exactly one of scaffold or summary_op should be set.
        """
        if (scaffold is None and summary_op is None) or (
            scaffold is not None and summary_op is not None
        ):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op = summary_op
        self._summary_writer = summary_writer
        self._output_dir = output_dir
        self._scaffold = scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        # Opens the event file and finds the global step. Raises: RuntimeError: If the graph has
        # no global step.
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._next_step = None
        self._global_step_tensor = _get_or_create_global_step_read()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use SummarySaverHook.")

    def before_run(self, run_context):
        # Asks for the global step, and for the summaries on the steps that save.
        self._request_summary = self._next_step is None or self._timer.should_trigger_for_step(
            self._next_step
        )
        requests = {"global_step": self._global_step_tensor}
        if self._request_summary and self._get_summary_op() is not None:
            requests["summary"] = self._get_summary_op()
        return SessionRunArgs(requests)

    def after_run(self, run_context, run_values):
        # Writes the fetched summaries at the (re-read) global step.
        if not self._summary_writer:
            return
        _, session_log = _summary_protos()
        stale_global_step = run_values.results["global_step"]
        global_step = stale_global_step + 1
        if self._next_step is None or self._request_summary:
            global_step = run_context.session.run(self._global_step_tensor)
        if self._next_step is None:
            self._summary_writer.add_session_log(session_log(status=session_log.START), global_step)
        if self._request_summary:
            self._timer.update_last_triggered_step(global_step)
            if "summary" in run_values.results:
                for summary in run_values.results["summary"]:
                    self._summary_writer.add_summary(summary, global_step)
        self._next_step = global_step + 1

    def end(self, session=None):
        # Flushes the event file.
        if self._summary_writer:
            self._summary_writer.flush()

    def _get_summary_op(self):
        summary_op = self._summary_op
        if summary_op is None:
            summary_op = self._scaffold.summary_op
        if summary_op is None:
            return None
        if not isinstance(summary_op, list):
            return [summary_op]
        return summary_op


class GlobalStepWaiterHook(SessionRunHook):
    """Delays execution until global step reaches `wait_until_step`.

    This hook delays execution until global step reaches to `wait_until_step`. It is used to
    gradually start workers in distributed settings. One example usage would be setting
    `wait_until_step=int(K*log(task_id+1))` assuming that task_id=0 is the chief.
    """

    def __init__(self, wait_until_step):
        """Initializes a `GlobalStepWaiterHook`.

        Args:
          wait_until_step: an `int` shows until which global step should we wait.
        """
        self._wait_until_step = wait_until_step

    def begin(self):
        # Finds the global step. Raises: RuntimeError: If the graph has no global step.
        self._worker_is_started = False
        self._global_step_tensor = _get_or_create_global_step_read()
        if self._global_step_tensor is None:
            raise RuntimeError("Global step should be created to use _GlobalStepWaiterHook.")

    def before_run(self, run_context):
        # Blocks (polling every 0.5 s) until the global step reaches `wait_until_step`.
        if self._worker_is_started:
            return
        if self._wait_until_step <= 0:
            self._worker_is_started = True
            return
        logging.info("Waiting for global step %d before starting training.", self._wait_until_step)
        last_logged_step = 0
        while True:
            current_step = run_context.session.run(self._global_step_tensor)
            if current_step >= self._wait_until_step:
                self._worker_is_started = True
                return
            if current_step - last_logged_step > 1000:
                logging.info(
                    "Waiting for global step %d before starting training. Current step is %d.",
                    self._wait_until_step,
                    current_step,
                )
                last_logged_step = current_step
            time.sleep(0.5)


class FinalOpsHook(SessionRunHook):
    """A hook which evaluates `Tensors` at the end of a session."""

    def __init__(self, final_ops, final_ops_feed_dict=None):
        """Initializes `FinalOpHook` with ops to run at the end of the session.

        Args:
          final_ops: A single `Tensor`, a list of `Tensors` or a dictionary of names to
            `Tensors`.
          final_ops_feed_dict: A feed dictionary to use when running `final_ops_dict`.
        """
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values = None

    @property
    def final_ops_values(self):
        """The values of `final_ops` fetched in `end()`, or None before it."""
        return self._final_ops_values

    def end(self, session):
        # Runs `final_ops`. Raises: OutOfRangeError: If the final ops read from an exhausted input
        # (logged first, as TF1 explains the likely mistake).
        if self._final_ops is None:
            return
        try:
            self._final_ops_values = session.run(
                self._final_ops, feed_dict=self._final_ops_feed_dict
            )
        except (errors.OutOfRangeError, StopIteration):
            logging.warning(
                "An OutOfRangeError or StopIteration exception is raised by the code in "
                "FinalOpsHook. This typically means the Ops running by the FinalOpsHook have a "
                "dependency back to some input source, which should not happen. For example, "
                "for metrics in tf.estimator.Estimator, all metrics functions return two Ops: "
                "`value_op` and  `update_op`. Estimator.evaluate calls the `update_op` for each "
                "batch of the data in input source and, once it is exhausted, it call the "
                "`value_op` to get the metric values. The `value_op` here should have "
                "dependency back to variables reading only, rather than reading another batch "
                "from input. Otherwise, the `value_op`, executed by `FinalOpsHook`, triggers "
                "another data reading, which ends OutOfRangeError/StopIteration. Please fix "
                "that."
            )
            raise


class FeedFnHook(SessionRunHook):
    """Runs `feed_fn` and sets the `feed_dict` accordingly."""

    def __init__(self, feed_fn):
        """Initializes a `FeedFnHook`.

        Args:
          feed_fn: function that takes no arguments and returns `dict` of `Tensor` to feed.
        """
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        # Feeds what `feed_fn()` returns.
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())
