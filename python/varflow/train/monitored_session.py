"""TF1's training loop driver: ``MonitoredTrainingSession``, ``MonitoredSession``, ``Scaffold``.

A MonitoredSession wraps a Session in layers, as TF1 does: hooks (``_HookedSession``), a
Coordinator for the queue runners (``_CoordinatedSession``) and, for ``MonitoredSession``,
recreation of the session after AbortedError/UnavailableError (``_RecoverableSession``).

Each step's fetches (the caller's and every hook's) are flattened into one list for one
``Session.run``, so the session's plan cache serves the step instead of compiling a plan for
a fresh dict of fetches on every step.
"""

from __future__ import annotations

import abc
import contextlib
import inspect

from varflow import errors
from varflow import tf_logging as logging
from varflow.graph import GraphKeys, Operation, Tensor, get_default_graph
from varflow.session import RunMetadata, RunOptions
from varflow.train import queue_runner
from varflow.train import session_manager as sm
from varflow.train.basic_session_run_hooks import (
    CheckpointSaverHook,
    StepCounterHook,
    SummarySaverHook,
)
from varflow.train.coordinator import Coordinator
from varflow.train.session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = [
    "ChiefSessionCreator",
    "MonitoredSession",
    "MonitoredTrainingSession",
    "Scaffold",
    "SessionCreator",
    "SingularMonitoredSession",
    "WorkerSessionCreator",
]

_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)

USE_DEFAULT = object()


def _group(*inputs):
    from varflow.control_flow_ops import group

    return group(*inputs)


def _get_saver_or_default():
    """The graph's one Saver (SAVERS collection), else a new one added there (TF1's rule)."""
    graph = get_default_graph()
    savers = graph.get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError(
                f"More than one item in collection {GraphKeys.SAVERS}. Please indicate which "
                "one to use by passing it to the constructor."
            )
        return savers[0]
    from varflow.train.saver import Saver

    saver = Saver(sharded=True, allow_empty=True)
    graph.add_to_collection(GraphKeys.SAVERS, saver)
    return saver


class Scaffold:
    """Structure to create or gather pieces commonly needed to train a model.

    When you build a model for training you usually need ops to initialize variables, a
    `Saver` to checkpoint them, an op to collect summaries for the visualizer, and so on.

    Various libraries built on top of the core TensorFlow library take care of creating some
    or all of these pieces and storing them in well known collections in the graph. The
    `Scaffold` class helps pick these pieces from the graph collections, creating and adding
    them to the collections if needed.

    If you call the scaffold constructor without any arguments, it will pick pieces from the
    collections, creating default ones if needed when `scaffold.finalize()` is called. You can
    pass arguments to the constructor to provide your own pieces. Pieces that you pass to the
    constructor are not added to the graph collections.

    The following pieces are directly accessible as attributes of the `Scaffold` object:

    * `saver`: A `tf.compat.v1.train.Saver` object taking care of saving the variables.
      Picked from and stored into the `SAVERS` collection in the graph by default.
    * `init_op`: An op to run to initialize the variables. Picked from and stored into the
      `INIT_OP` collection in the graph by default.
    * `ready_op`: An op to verify that the variables are initialized. Picked from and stored
      into the `READY_OP` collection in the graph by default.
    * `ready_for_local_init_op`: An op to verify that global state has been initialized and it
      is alright to run `local_init_op`. Picked from and stored into the
      `READY_FOR_LOCAL_INIT_OP` collection in the graph by default.
    * `local_init_op`: An op to initialize the local variables. Picked from and stored into
      the `LOCAL_INIT_OP` collection in the graph by default.
    * `summary_op`: An op to run and merge the summaries in the graph. Picked from and stored
      into the `SUMMARY_OP` collection in the graph by default.

    You can also pass the following additional pieces to the constructor:

    * `init_feed_dict`: A session feed dictionary that should be used when running the init
      op.
    * `init_fn`: A callable to run after the init op to perform additional initializations.
      The callable will be called as `init_fn(scaffold, session)`.
    """

    def __init__(
        self,
        init_op=None,
        init_feed_dict=None,
        init_fn=None,
        ready_op=None,
        ready_for_local_init_op=None,
        local_init_op=None,
        summary_op=None,
        saver=None,
        copy_from_scaffold=None,
        local_init_feed_dict=None,
    ):
        """Create a scaffold.

        Args:
          init_op: Optional op for initializing variables.
          init_feed_dict: Optional session feed dictionary to use when running the init_op.
          init_fn: Optional function to use to initialize the model after running the init_op.
            Will be called as `init_fn(scaffold, session)`.
          ready_op: Optional op to verify that the variables are initialized. Must return an
            empty 1D string tensor when the variables are initialized, or a non-empty 1D
            string tensor listing the names of the non-initialized variables.
          ready_for_local_init_op: Optional op to verify that the global variables are
            initialized and `local_init_op` can be run (same convention as `ready_op`).
          local_init_op: Optional op to initialize local variables.
          summary_op: Optional op to gather all summaries. Must return a scalar string tensor
            containing a serialized `Summary` proto.
          saver: Optional `tf.compat.v1.train.Saver` object to use to save and restore
            variables.
          copy_from_scaffold: Optional scaffold object to copy fields from. Its fields will be
            overwritten by the provided fields in this function.
          local_init_feed_dict: Optional session feed dictionary to use when running the
            local_init_op.

        Raises:
          TypeError: If `copy_from_scaffold` is not a `Scaffold`.
        """
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")

            def coalesce(a, b):
                return a if a is not None else b

            init_op = coalesce(init_op, copy_from_scaffold.init_op)
            init_feed_dict = coalesce(init_feed_dict, copy_from_scaffold.init_feed_dict)
            init_fn = coalesce(init_fn, copy_from_scaffold._user_init_fn)
            ready_op = coalesce(ready_op, copy_from_scaffold.ready_op)
            ready_for_local_init_op = coalesce(
                ready_for_local_init_op, copy_from_scaffold.ready_for_local_init_op
            )
            local_init_op = coalesce(local_init_op, copy_from_scaffold.local_init_op)
            local_init_feed_dict = coalesce(
                local_init_feed_dict, copy_from_scaffold.local_init_feed_dict
            )
            summary_op = coalesce(summary_op, copy_from_scaffold.summary_op)
            saver = coalesce(saver, copy_from_scaffold.saver)
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._local_init_feed_dict = local_init_feed_dict
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self):
        """Creates operations if needed and finalizes the graph.

        After this call the graph is read-only: creating an op raises a RuntimeError ("Graph
        is finalized and cannot be modified.") until the MonitoredSession is closed.

        Returns:
          This `Scaffold`.
        """
        from varflow import summary
        from varflow.state_ops import report_uninitialized_variables
        from varflow.tf1_aliases import tables_initializer
        from varflow.variables import (
            global_variables,
            global_variables_initializer,
            local_variables_initializer,
        )

        graph = get_default_graph()
        if self._init_op is None:

            def default_init_op():
                return _group(
                    global_variables_initializer(),
                    graph.get_collection("saved_model_initializers"),
                )

            self._init_op = Scaffold.get_or_default("init_op", GraphKeys.INIT_OP, default_init_op)
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP, report_uninitialized_variables
            )
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op",
                GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: report_uninitialized_variables(global_variables()),
            )
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op",
                GraphKeys.LOCAL_INIT_OP,
                lambda: _group(local_variables_initializer(), tables_initializer()),
            )
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default(
                "summary_op", GraphKeys.SUMMARY_OP, summary.merge_all
            )
        if self._saver is None:
            self._saver = _get_saver_or_default()
        self._saver.build()
        graph.finalize()
        logging.info("Graph was finalized.")
        return self

    @property
    def init_fn(self):
        """The `init_fn(session)` to run after the init op, or None."""
        return self._init_fn

    @property
    def init_op(self):
        """The op that initializes the variables."""
        return self._init_op

    @property
    def ready_op(self):
        """The op that lists uninitialized variables (empty when the model is ready)."""
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        """The op that lists uninitialized global variables."""
        return self._ready_for_local_init_op

    @property
    def local_init_op(self):
        """The op that initializes local variables and tables."""
        return self._local_init_op

    @property
    def local_init_feed_dict(self):
        """The feed dict for `local_init_op`, or None."""
        return self._local_init_feed_dict

    @property
    def summary_op(self):
        """The merged summary op, or None when the graph has no summaries."""
        return self._summary_op

    @property
    def saver(self):
        """The `Saver` that checkpoints and restores the variables."""
        return self._saver

    @property
    def init_feed_dict(self):
        """The feed dict for `init_op`, or None."""
        return self._init_feed_dict

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """Get from cache or create a default operation.

        Args:
          arg_name: The Scaffold argument the collection stands for (for the error message).
          collection_key: The graph collection holding the piece.
          default_constructor: Builds the piece when the collection is empty; the result is
            added to the collection unless it is None.

        Returns:
          The collection's single item, or the newly built one.

        Raises:
          RuntimeError: If the collection holds more than one item.
        """
        graph = get_default_graph()
        elements = graph.get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    f'More than one item in the collection "{collection_key}". Please indicate '
                    "which one to use by passing it to the tf.Scaffold constructor as:  "
                    f"tf.Scaffold({arg_name}=item to use)"
                )
            return elements[0]
        op = default_constructor()
        if op is not None:
            graph.add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """Returns an op that groups the default local init ops.

        This op is used during session initialization when a Scaffold is initialized without
        specifying the local_init_op arg. It includes `tf.compat.v1.local_variables_initializer`
        and `tf.compat.v1.tables_initializer`.

        Returns:
          The default Scaffold local init op.
        """
        from varflow.tf1_aliases import tables_initializer
        from varflow.variables import local_variables_initializer

        return _group(local_variables_initializer(), tables_initializer())


def MonitoredTrainingSession(
    master="",
    is_chief=True,
    checkpoint_dir=None,
    scaffold=None,
    hooks=None,
    chief_only_hooks=None,
    save_checkpoint_secs=USE_DEFAULT,
    save_summaries_steps=USE_DEFAULT,
    save_summaries_secs=USE_DEFAULT,
    config=None,
    stop_grace_period_secs=120,
    log_step_count_steps=100,
    max_wait_secs=7200,
    save_checkpoint_steps=USE_DEFAULT,
    summary_dir=None,
    save_graph_def=True,
):
    """Creates a `MonitoredSession` for training.

    For a chief, this utility sets proper session initializer/restorer. It also creates hooks
    related to checkpoint and summary saving. For workers, this utility sets proper session
    creator which waits for the chief to initialize/restore. Please check
    `tf.compat.v1.train.MonitoredSession` for more information.

    ```python
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt_dir,
                                           hooks=[tf.train.StopAtStepHook(last_step=1000)]) as sess:
      while not sess.should_stop():
        sess.run(train_op)
    ```

    Args:
      master: `String` the TensorFlow master to use (varflow runs in-process).
      is_chief: If `True`, it will take care of initialization and recovery the underlying
        TensorFlow session. If `False`, it will wait on a chief to initialize or recover the
        TensorFlow session.
      checkpoint_dir: A string. Optional path to a directory where to restore variables.
      scaffold: A `Scaffold` used for gathering or building supportive ops. If not specified,
        a default one is created. It's used to finalize the graph.
      hooks: Optional list of `SessionRunHook` objects.
      chief_only_hooks: list of `SessionRunHook` objects. Activate these hooks if
        `is_chief==True`, ignore otherwise.
      save_checkpoint_secs: The frequency, in seconds, that a checkpoint is saved using a
        default checkpoint saver. If both `save_checkpoint_steps` and `save_checkpoint_secs`
        are set to `None`, then the default checkpoint saver isn't used. If both are provided,
        then only `save_checkpoint_secs` is used. Default 600.
      save_summaries_steps: The frequency, in number of global steps, that the summaries are
        written to disk using a default summary saver. If both `save_summaries_steps` and
        `save_summaries_secs` are set to `None`, then the default summary saver isn't used.
        Default 100.
      save_summaries_secs: The frequency, in secs, that the summaries are written to disk
        using a default summary saver. Default not enabled.
      config: an instance of `tf.compat.v1.ConfigProto` proto used to configure the session.
      stop_grace_period_secs: Number of seconds given to threads to stop after `close()` has
        been called.
      log_step_count_steps: The frequency, in number of global steps, that the global
        step/sec is logged.
      max_wait_secs: Maximum time workers should wait for the session to become available.
      save_checkpoint_steps: The frequency, in number of global steps, that a checkpoint is
        saved using a default checkpoint saver. Default not enabled.
      summary_dir: A string. Optional path to a directory where to save summaries. If None,
        checkpoint_dir is used instead.
      save_graph_def: Whether to save the GraphDef and MetaGraphDef to `checkpoint_dir`.

    Returns:
      A `MonitoredSession` object.
    """
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps = 100
        save_summaries_secs = None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps = None
        save_checkpoint_secs = 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None

    scaffold = scaffold or Scaffold()
    if not is_chief:
        session_creator = WorkerSessionCreator(
            scaffold=scaffold, master=master, config=config, max_wait_secs=max_wait_secs
        )
        return MonitoredSession(
            session_creator=session_creator,
            hooks=hooks or [],
            stop_grace_period_secs=stop_grace_period_secs,
        )

    all_hooks = []
    if chief_only_hooks:
        all_hooks.extend(chief_only_hooks)
    session_creator = ChiefSessionCreator(
        scaffold=scaffold, checkpoint_dir=checkpoint_dir, master=master, config=config
    )
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(
                StepCounterHook(output_dir=summary_dir, every_n_steps=log_step_count_steps)
            )
        if (save_summaries_steps and save_summaries_steps > 0) or (
            save_summaries_secs and save_summaries_secs > 0
        ):
            all_hooks.append(
                SummarySaverHook(
                    scaffold=scaffold,
                    save_steps=save_summaries_steps,
                    save_secs=save_summaries_secs,
                    output_dir=summary_dir,
                )
            )
    if checkpoint_dir and (
        (save_checkpoint_secs and save_checkpoint_secs > 0)
        or (save_checkpoint_steps and save_checkpoint_steps > 0)
    ):
        all_hooks.append(
            CheckpointSaverHook(
                checkpoint_dir,
                save_steps=save_checkpoint_steps,
                save_secs=save_checkpoint_secs,
                scaffold=scaffold,
                save_graph_def=save_graph_def,
            )
        )
    if hooks:
        all_hooks.extend(hooks)
    return MonitoredSession(
        session_creator=session_creator,
        hooks=all_hooks,
        stop_grace_period_secs=stop_grace_period_secs,
    )


class SessionCreator(metaclass=abc.ABCMeta):
    """A factory for tf.Session."""

    @abc.abstractmethod
    def create_session(self):
        """Returns a new, ready `Session`."""
        raise NotImplementedError(f"create_session is not implemented for {self}.")


class ChiefSessionCreator(SessionCreator):
    """Creates a tf.compat.v1.Session for a chief."""

    def __init__(
        self,
        scaffold=None,
        master="",
        config=None,
        checkpoint_dir=None,
        checkpoint_filename_with_path=None,
    ):
        """Initializes a chief session creator.

        Args:
          scaffold: A `Scaffold` used for gathering or building supportive ops. If not
            specified a default one is created. It's used to finalize the graph.
          master: `String` representation of the TensorFlow master to use.
          config: `ConfigProto` proto used to configure the session.
          checkpoint_dir: A string. Optional path to a directory where to restore variables.
          checkpoint_filename_with_path: Full file name path to the checkpoint file.
        """
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._session_manager = None
        self._master = master
        self._config = config

    def _get_session_manager(self):
        if self._session_manager is None:
            self._session_manager = sm.SessionManager(
                local_init_op=self._scaffold.local_init_op,
                local_init_feed_dict=self._scaffold.local_init_feed_dict,
                ready_op=self._scaffold.ready_op,
                ready_for_local_init_op=self._scaffold.ready_for_local_init_op,
                graph=get_default_graph(),
            )
        return self._session_manager

    def create_session(self):
        """Finalizes the scaffold; restores the latest checkpoint or runs the init ops.

        Returns:
          A ready `Session`.
        """
        self._scaffold.finalize()
        return self._get_session_manager().prepare_session(
            self._master,
            saver=self._scaffold.saver,
            checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config,
            init_op=self._scaffold.init_op,
            init_feed_dict=self._scaffold.init_feed_dict,
            init_fn=self._scaffold.init_fn,
        )


class WorkerSessionCreator(SessionCreator):
    """Creates a tf.compat.v1.Session for a worker."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        """Initializes a worker session creator.

        Args:
          scaffold: A `Scaffold` used for gathering or building supportive ops. If not
            specified a default one is created. It's used to finalize the graph.
          master: `String` representation of the TensorFlow master to use.
          config: `ConfigProto` proto used to configure the session.
          max_wait_secs: Maximum time to wait for the session to become available.
        """
        self._scaffold = scaffold or Scaffold()
        self._session_manager = None
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    _get_session_manager = ChiefSessionCreator._get_session_manager

    def create_session(self):
        """Finalizes the scaffold and waits until the model is ready.

        Returns:
          A ready `Session`.

        Raises:
          DeadlineExceededError: If the model is not ready within `max_wait_secs`.
        """
        self._scaffold.finalize()
        return self._get_session_manager().wait_for_session(
            self._master, config=self._config, max_wait_secs=self._max_wait_secs
        )


# --- one step's fetches as one flat list (so Session.run's plan cache applies) ---------------
def _flatten_fetches(graph, fetch, leaves):
    """Appends `fetch`'s graph elements to `leaves`; returns a function rebuilding `fetch`'s
    structure from the list of fetched values."""
    if isinstance(fetch, (list, tuple)):
        parts = [_flatten_fetches(graph, f, leaves) for f in fetch]
        kind = type(fetch)
        if hasattr(fetch, "_fields"):
            return lambda values: kind(*[p(values) for p in parts])
        if kind in (list, tuple):
            return lambda values: kind(p(values) for p in parts)
        return lambda values: kind([p(values) for p in parts])
    if isinstance(fetch, dict):
        items = [(k, _flatten_fetches(graph, v, leaves)) for k, v in fetch.items()]
        kind = type(fetch)
        return lambda values: kind((k, p(values)) for k, p in items)
    if fetch is not None and not isinstance(fetch, (Tensor, Operation, str)):
        # A Variable (or another convertible): its graph element, as Session fetches it; for
        # anything else Session.run raises TF1's error.
        with contextlib.suppress(TypeError, ValueError):
            if not hasattr(fetch, "_fetch_combine"):
                fetch = graph.as_graph_element(fetch)
    index = len(leaves)
    leaves.append(fetch)
    return lambda values: values[index]


class _WrappedSession:
    """Wrapper around a `tf.compat.v1.Session`.

    The base of the session wrappers: a method to check for stop, and `close()` that never
    raises preemption errors.
    """

    def __init__(self, sess):
        self._sess = sess
        self._wrapped_is_stoppable = isinstance(self._sess, _WrappedSession)

    @property
    def graph(self):
        return self._sess.graph

    @property
    def sess_str(self):
        return self._sess.sess_str

    def should_stop(self):
        if self._check_stop():
            return True
        if self._sess:
            return self._wrapped_is_stoppable and self._sess.should_stop()
        return True

    def _check_stop(self):
        return False

    def close(self):
        if self._sess:
            try:
                self._sess.close()
            except _PREEMPTION_ERRORS as e:
                logging.error(
                    "An error occurred when attempting to close the session. This may be due "
                    "to a preemption in a connected worker or parameter server. Error: %s",
                    e,
                )
            finally:
                self._sess = None

    def run(self, *args, **kwargs):
        return self._sess.run(*args, **kwargs)

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        run_with_hooks = run_with_hooks or self.run
        return step_fn(_MonitoredSession.StepContext(raw_session, run_with_hooks))


_RECOVER_MESSAGE = (
    "An error was raised. This may be due to a preemption in a connected worker or parameter "
    "server. The current session will be closed and a new session will be created. Error: %s"
)


class _RecoverableSession(_WrappedSession):
    """A wrapped session that recreates a session upon AbortedError or UnavailableError."""

    def __init__(self, sess_creator):
        self._sess_creator = sess_creator
        _WrappedSession.__init__(self, self._create_session())

    def _create_session(self):
        while True:
            try:
                return self._sess_creator.create_session()
            except _PREEMPTION_ERRORS as e:
                logging.info(
                    "An error was raised while a session was being created. This may be due to "
                    "a preemption of a connected worker or parameter server. A new session "
                    "will be created. Error: %s",
                    e,
                )

    def _check_stop(self):
        try:
            if self._sess:
                return self._sess._check_stop()
            return True
        except _PREEMPTION_ERRORS as e:
            logging.info(_RECOVER_MESSAGE, e)
            self.close()
            self._sess = self._create_session()
            return False
        except Exception:  # noqa: BLE001  (TF1: a failing stop check means stop)
            return True

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                return self._sess.run(
                    fetches, feed_dict=feed_dict, options=options, run_metadata=run_metadata
                )
            except _PREEMPTION_ERRORS as e:
                logging.info(_RECOVER_MESSAGE, e)
                self.close()
                self._sess = None

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                return self._sess.run_step_fn(step_fn, raw_session, self._sess.run)
            except _PREEMPTION_ERRORS as e:
                logging.info(_RECOVER_MESSAGE, e)
                self.close()
                self._sess = None


class _CoordinatedSession(_WrappedSession):
    """A wrapped session that works with a `tf.Coordinator`.

    An exception in `run()` is checked against the coordinator: when a thread (e.g. a queue
    runner) stopped it with an exception, that one is raised. `close()` stops and joins the
    coordinator's threads.
    """

    def __init__(self, sess, coord, stop_grace_period_secs=120):
        _WrappedSession.__init__(self, sess)
        self._coord = coord
        self._stop_grace_period_secs = stop_grace_period_secs

    def _check_stop(self):
        self._coord.raise_requested_exception()
        return self._coord.should_stop()

    def close(self):
        self._coord.request_stop()
        try:
            self._coord.join(
                stop_grace_period_secs=self._stop_grace_period_secs, ignore_live_threads=True
            )
        finally:
            # TF1 ignores errors of the final close.
            with contextlib.suppress(Exception):
                _WrappedSession.close(self)

    def run(self, *args, **kwargs):
        try:
            return self._sess.run(*args, **kwargs)
        except _PREEMPTION_ERRORS:
            raise
        except Exception as original_exception:
            try:
                self._coord.raise_requested_exception()
            except _PREEMPTION_ERRORS:
                raise
            except Exception:  # noqa: BLE001  (the run's own error is the one to report)
                raise original_exception from None
            raise


class _HookedSession(_WrappedSession):
    """A _WrappedSession that calls hooks during calls to run().

    Before each call to `run()` the session calls the `before_run()` method of the hooks,
    which can return additional ops or tensors to run. These are added to the arguments of the
    call to `run()`. When the `run()` call finishes, the session calls the `after_run()`
    methods of the hooks, passing the values returned by the `run()` call corresponding to the
    ops and tensors that each hook requested. If any call to the hooks requests stop via
    run_context the session will be marked as needing to stop.
    """

    def __init__(self, sess, hooks):
        _WrappedSession.__init__(self, sess)
        self._hooks = hooks
        self._should_stop = False

    def _check_stop(self):
        return self._should_stop

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self.should_stop():
            raise RuntimeError("Run called even after should_stop requested.")
        run_context = SessionRunContext(
            original_args=SessionRunArgs(fetches, feed_dict), session=self._sess
        )
        options = options or RunOptions()
        hook_fetches = {}
        feed_dict = self._call_hook_before_run(run_context, hook_fetches, feed_dict, options)
        run_metadata = run_metadata or RunMetadata()

        graph = self._sess.graph
        leaves: list = []
        caller = _flatten_fetches(graph, fetches, leaves)
        rebuilds = {hook: _flatten_fetches(graph, f, leaves) for hook, f in hook_fetches.items()}
        values = self._sess.run(
            leaves, feed_dict=feed_dict, options=options, run_metadata=run_metadata
        )
        for hook in self._hooks:
            rebuild = rebuilds.get(hook)
            hook.after_run(
                run_context,
                SessionRunValues(
                    results=rebuild(values) if rebuild is not None else None,
                    options=options,
                    run_metadata=run_metadata,
                ),
            )
        self._should_stop = self._should_stop or run_context.stop_requested
        return caller(values)

    def _call_hook_before_run(self, run_context, fetch_dict, user_feed_dict, options):
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(run_context)
            if request is None:
                continue
            if request.fetches is not None:
                fetch_dict[hook] = request.fetches
            if request.feed_dict:
                _raise_if_feeds_intersect(
                    hook_feeds, request.feed_dict, "Same tensor is fed by two hooks."
                )
                hook_feeds.update(request.feed_dict)
            if request.options:
                _merge_run_options(options, request.options)
        if not hook_feeds:
            return user_feed_dict
        if not user_feed_dict:
            return hook_feeds
        _raise_if_feeds_intersect(
            user_feed_dict, hook_feeds, "Same tensor is fed by a SessionRunHook and user."
        )
        hook_feeds.update(user_feed_dict)
        return hook_feeds


def _raise_if_feeds_intersect(feeds1, feeds2, message):
    intersection = set(feeds1.keys()) & set(feeds2.keys())
    if intersection:
        raise RuntimeError(message + " Conflict(s): " + str(list(intersection)))


def _merge_run_options(options, incoming):
    # TF1: numeric fields take the larger value, flags are OR-ed, lists are concatenated.
    for field in ("trace_level", "timeout_in_ms", "inter_op_thread_pool"):
        mine, theirs = getattr(options, field, 0) or 0, getattr(incoming, field, 0) or 0
        if mine or theirs:
            setattr(options, field, max(mine, theirs))
    frozen = list(getattr(options, "frozen_variables", ()) or ())
    frozen += [v for v in getattr(incoming, "frozen_variables", ()) or () if v not in frozen]
    if frozen:
        options.frozen_variables = frozen


class _MonitoredSession:
    """See `MonitoredSession` or `SingularMonitoredSession`."""

    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        """Sets up a Monitored or Hooked Session.

        Args:
          session_creator: A factory object to create session. Typically a
            `ChiefSessionCreator` or a `WorkerSessionCreator`.
          hooks: An iterable of `SessionRunHook' objects.
          should_recover: A bool. Indicates whether to recover from `AbortedError` and
            `UnavailableError` or not.
          stop_grace_period_secs: Number of seconds given to threads to stop after `close()`
            has been called.
        """
        self._graph_was_finalized = get_default_graph().finalized
        self._graph = get_default_graph()
        self._hooks = list(hooks or [])
        for h in self._hooks:
            h.begin()
        self._coordinated_creator = self._CoordinatedSessionCreator(
            session_creator=session_creator or ChiefSessionCreator(),
            hooks=self._hooks,
            stop_grace_period_secs=stop_grace_period_secs,
        )
        if should_recover:
            self._sess = _RecoverableSession(self._coordinated_creator)
        else:
            self._sess = self._coordinated_creator.create_session()

    @property
    def graph(self):
        """The graph that was launched in this session."""
        if self._tf_sess() is None:
            return None
        return self._tf_sess().graph

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Run ops in the monitored session.

        This method is completely compatible with the `tf.Session.run()` method.

        Args:
          fetches: Same as `tf.Session.run()`.
          feed_dict: Same as `tf.Session.run()`.
          options: Same as `tf.Session.run()`.
          run_metadata: Same as `tf.Session.run()`.

        Returns:
          Same as `tf.Session.run()`.
        """
        return self._sess.run(
            fetches, feed_dict=feed_dict, options=options, run_metadata=run_metadata
        )

    def run_step_fn(self, step_fn):
        """Run ops using a step function.

        Args:
          step_fn: A function or a method with a single argument of type `StepContext`. The
            function may use methods of the argument to perform computations with access to a
            raw session. The returned value of the `step_fn` will be returned from
            `run_step_fn`, unless a stop is requested. In that case, the next `should_stop`
            call will return True. Hooks interact with the `run_with_hooks()` call inside the
            `step_fn` as they do with a `MonitoredSession.run` call.

        Returns:
          Returns the returned value of `step_fn`.

        Raises:
          StopIteration: if `step_fn` has called `request_stop()`. It may be caught by
            `with tf.MonitoredSession()` to close the session.
          ValueError: if `step_fn` doesn't have a single argument called `step_context`. It
            may also optionally have `self` for cases when it belongs to an object.
        """
        args = _fn_args(step_fn)
        if args not in (("step_context",), ("self", "step_context")):
            raise ValueError(
                "`step_fn` may either have one `step_context` argument, or `self` and "
                f"`step_context` arguments if it's an instance method. Got {args} instead."
            )
        return self._sess.run_step_fn(step_fn, self._tf_sess(), run_with_hooks=None)

    class StepContext:
        """Control flow instrument for the `step_fn` from `run_step_fn()`.

        Users of `step_fn` may perform `run()` calls without running hooks by accessing the
        `session`. A `run()` call with hooks may be performed using `run_with_hooks()`.
        Computation flow can be interrupted using `request_stop()`.
        """

        def __init__(self, session, run_with_hooks_fn):
            """Initializes the `step_context` argument for a `step_fn` invocation.

            Args:
              session: An instance of `tf.compat.v1.Session`.
              run_with_hooks_fn: A function for running fetches and hooks.
            """
            self._session = session
            self._run_with_hooks_fn = run_with_hooks_fn

        @property
        def session(self):
            """The raw `Session` (runs without hooks)."""
            return self._session

        def run_with_hooks(self, *args, **kwargs):
            """Same as `MonitoredSession.run`. Accepts the same arguments.

            Args:
              *args: `fetches`, `feed_dict`, `options`, `run_metadata`, as for `run`.
              **kwargs: The same, by name.

            Returns:
              What `MonitoredSession.run` returns.
            """
            return self._run_with_hooks_fn(*args, **kwargs)

        def request_stop(self):
            """Exit the training loop by causing `should_stop()` to return `True`.

            Causes `step_fn` to exit by raising an exception.

            Raises:
              StopIteration
            """
            raise StopIteration("step_fn has requested the iterations to stop.")

    def should_stop(self):
        """True when a hook, the coordinator or a closed session ends the loop."""
        return self._sess is None or self._sess.should_stop()

    def close(self):
        """Calls `end()` of every hook, stops the queue runners and closes the session."""
        self._close_internal()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        # The input ran out: a normal end of training, as in TF1 (hooks' end() still runs).
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None

    class _CoordinatedSessionCreator(SessionCreator):
        """Factory for _CoordinatedSession."""

        def __init__(self, session_creator, hooks, stop_grace_period_secs):
            self._session_creator = session_creator
            self._hooks = hooks
            self.coord = None
            self.tf_sess = None
            self._stop_grace_period_secs = stop_grace_period_secs

        def create_session(self):
            """Creates a coordinated session."""
            self.tf_sess = self._session_creator.create_session()
            self.coord = Coordinator(clean_stop_exception_types=[])
            if self.tf_sess.graph.get_collection(GraphKeys.QUEUE_RUNNERS):
                queue_runner.start_queue_runners(sess=self.tf_sess, coord=self.coord)
            for hook in self._hooks:
                hook.after_create_session(self.tf_sess, self.coord)
            return _CoordinatedSession(
                _HookedSession(self.tf_sess, self._hooks),
                self.coord,
                self._stop_grace_period_secs,
            )

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type:
                for h in self._hooks:
                    h.end(self._coordinated_creator.tf_sess)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._sess.close()
            finally:
                self._sess = None
                self._coordinated_creator.tf_sess = None
                self._coordinated_creator.coord = None
                if not self._graph_was_finalized:
                    self._graph._core._unsafe_unfinalize()

    def _is_closed(self):
        return self._coordinated_creator.tf_sess is None

    def _tf_sess(self):
        return self._coordinated_creator.tf_sess


def _fn_args(fn):
    params = inspect.signature(fn).parameters
    args = tuple(
        p.name
        for p in params.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    )
    if inspect.ismethod(fn):
        args = ("self", *args)
    return args


class MonitoredSession(_MonitoredSession):
    """Session-like object that handles initialization, recovery and hooks.

    Example usage:

    ```python
    saver_hook = CheckpointSaverHook(...)
    summary_hook = SummarySaverHook(...)
    with MonitoredSession(session_creator=ChiefSessionCreator(...),
                          hooks=[saver_hook, summary_hook]) as sess:
      while not sess.should_stop():
        sess.run(train_op)
    ```

    Initialization: At creation time the monitored session does following things in given
    order:

    * calls `hook.begin()` for each given hook
    * finalizes the graph via `scaffold.finalize()`
    * create session
    * initializes the model via initialization ops provided by `Scaffold`
    * restores variables if a checkpoint exists
    * launches queue runners
    * calls `hook.after_create_session()`

    Run: When `run()` is called, the monitored session does following things:

    * calls `hook.before_run()`
    * calls TensorFlow `session.run()` with merged fetches and feed_dict
    * calls `hook.after_run()`
    * returns result of `session.run()` asked by user
    * if `AbortedError` or `UnavailableError` occurs, it recovers or reinitializes the session
      before executing the run() call again

    Exit: At the `close()`, the monitored session does following things in order:

    * calls `hook.end()`
    * closes the queue runners and the session
    * suppresses `OutOfRange` error which indicates that all inputs have been processed if the
      monitored_session is used as a context

    Args:
      session_creator: A factory object to create session. Typically a `ChiefSessionCreator`
        which is the default one.
      hooks: An iterable of `SessionRunHook' objects.
      stop_grace_period_secs: Number of seconds given to threads to stop after `close()`.

    Returns:
      A MonitoredSession object.
    """

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        """Creates a MonitoredSession: begins the hooks, creates and prepares the session.

        Args:
          session_creator: A factory object to create session. Typically a
            `ChiefSessionCreator` which is the default one.
          hooks: An iterable of `SessionRunHook' objects.
          stop_grace_period_secs: Number of seconds given to threads to stop after `close()`
            has been called.
        """
        super().__init__(
            session_creator,
            hooks,
            should_recover=True,
            stop_grace_period_secs=stop_grace_period_secs,
        )


class SingularMonitoredSession(_MonitoredSession):
    """Session-like object that handles initialization, restoring, and hooks.

    Please note that this utility is not recommended for distributed settings. The
    differences between `MonitoredSession` and `SingularMonitoredSession` are:

    * `MonitoredSession` handles `AbortedError` and `UnavailableError` for distributed
      settings, but `SingularMonitoredSession` does not.
    * `MonitoredSession` can be created in `chief` or `worker` modes.
      `SingularMonitoredSession` is always created as `chief`.
    * You can access the raw `tf.compat.v1.Session` object used by `SingularMonitoredSession`
      (`raw_session()`), whereas in MonitoredSession the raw session is private. This can be
      used to `run` without hooks, or to save and restore.
    * All other functionality is identical.
    """

    def __init__(
        self,
        hooks=None,
        scaffold=None,
        master="",
        config=None,
        checkpoint_dir=None,
        stop_grace_period_secs=120,
        checkpoint_filename_with_path=None,
    ):
        """Creates a SingularMonitoredSession.

        Args:
          hooks: An iterable of `SessionRunHook' objects.
          scaffold: A `Scaffold` used for gathering or building supportive ops. If not
            specified a default one is created. It's used to finalize the graph.
          master: `String` representation of the TensorFlow master to use.
          config: `ConfigProto` proto used to configure the session.
          checkpoint_dir: A string. Optional path to a directory where to restore variables.
          stop_grace_period_secs: Number of seconds given to threads to stop after `close()`
            has been called.
          checkpoint_filename_with_path: A string. Optional path to a checkpoint file from
            which to restore variables.
        """
        session_creator = ChiefSessionCreator(
            scaffold=scaffold,
            master=master,
            config=config,
            checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
        )
        super().__init__(
            session_creator,
            hooks,
            should_recover=False,
            stop_grace_period_secs=stop_grace_period_secs,
        )

    def raw_session(self):
        """Returns underlying `TensorFlow.Session` object."""
        return self._tf_sess()
