"""``tf.train.SessionManager``: creates a session and makes its model ready (TF1's rules).

The model is ready when the ready op reports no uninitialized variable. A chief restores the
latest checkpoint of ``checkpoint_dir`` or runs the init op; a worker waits (polling with fresh
sessions) until the model is ready.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np

from varflow import errors
from varflow import tf_logging as logging
from varflow.graph import get_default_graph
from varflow.session import Session
from varflow.train import checkpoint_management

__all__ = ["SessionManager"]


def _maybe_name(obj) -> str:
    if obj is None:
        return "None"
    if hasattr(obj, "name"):
        return obj.name
    return f"<no name for {type(obj)}>"


def _restore(sess, saver, path) -> None:
    # SavedModel's initializers run before the restore, as TF1 does.
    init_ops = sess.graph.get_collection("saved_model_initializers")
    if init_ops:
        sess.run(init_ops)
    saver.restore(sess, path)


def _ready(op, sess, msg):
    """(True, None) when `op` reports nothing uninitialized, else (False, the reason)."""
    if op is None:
        return True, None
    try:
        ready_value = sess.run(op)
    except errors.FailedPreconditionError as e:
        if "uninitialized" not in str(e):
            logging.warning("%s : error [%s]", msg, str(e))
            raise
        return False, str(e)
    ready_value = None if ready_value is None else np.asarray(ready_value)
    # TF1 treats an int32 result as "ready": ready ops of other kinds return a scalar int.
    if ready_value is None or ready_value.dtype == np.int32 or ready_value.size == 0:
        return True, None
    names = ", ".join(
        n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in ready_value.ravel()
    )
    return False, "Variables not initialized: " + names


class _CountDownTimer:
    __slots__ = ("_duration_secs", "_start_time_secs")

    def __init__(self, duration_secs):
        self._start_time_secs = time.time()
        self._duration_secs = duration_secs

    def secs_remaining(self):
        return max(0, self._duration_secs - (time.time() - self._start_time_secs))


class SessionManager:
    """Training helper that restores from checkpoint and creates session.

    This class is a small wrapper that takes care of session creation and checkpoint recovery.
    It also provides functions to facilitate coordination among multiple training threads or
    processes: checkpointing trained variables as training progresses, and initializing
    variables on startup, restoring them from the most recent checkpoint after a crash, or
    waiting for checkpoints to become available.

    ```python
    with tf.Graph().as_default():
      ...add operations to the graph...
      sm = SessionManager()
      sess = sm.prepare_session(master, init_op, saver, checkpoint_dir)
    ```
    """

    def __init__(
        self,
        local_init_op=None,
        ready_op=None,
        ready_for_local_init_op=None,
        graph=None,
        recovery_wait_secs=30,
        local_init_run_options=None,
        local_init_feed_dict=None,
    ):
        """Creates a SessionManager.

        Args:
          local_init_op: An `Operation` run always after a new session was created. If `None`,
            this step is skipped.
          ready_op: An `Operation` to check if the model is initialized: it returns an empty
            1-D string tensor when the model is ready, else the names of the uninitialized
            variables. If `None`, the model is not checked for readiness.
          ready_for_local_init_op: An `Operation` to check if the model is ready to run
            local_init_op (same convention as `ready_op`).
          graph: The `Graph` that the model will use.
          recovery_wait_secs: Seconds between checks that the model is ready.
          local_init_run_options: `RunOptions` to be passed to session.run when executing the
            local_init_op.
          local_init_feed_dict: Optional feed dictionary to use when running the local_init_op.

        Raises:
          ValueError: If ready_for_local_init_op is not None but local_init_op is None.
        """
        if graph is None:
            graph = get_default_graph()
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph
        self._recovery_wait_secs = recovery_wait_secs
        self._target = None
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError(
                "If you pass a ready_for_local_init_op you must also pass a local_init_op , "
                f"ready_for_local_init_op [{ready_for_local_init_op}]"
            )

    def _restore_checkpoint(
        self,
        master,
        saver=None,
        checkpoint_dir=None,
        checkpoint_filename_with_path=None,
        wait_for_checkpoint=False,
        max_wait_secs=7200,
        config=None,
    ):
        self._target = master
        sess = Session(self._target, graph=self._graph, config=config)
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError(
                "Can not provide both checkpoint_dir and checkpoint_filename_with_path."
            )
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            _restore(sess, saver, checkpoint_filename_with_path)
            return sess, True
        wait_time = 0
        ckpt = checkpoint_management.get_checkpoint_state(checkpoint_dir)
        while not ckpt or not ckpt.model_checkpoint_path:
            if wait_for_checkpoint and wait_time < max_wait_secs:
                logging.info("Waiting for checkpoint to be available.")
                time.sleep(self._recovery_wait_secs)
                wait_time += self._recovery_wait_secs
                ckpt = checkpoint_management.get_checkpoint_state(checkpoint_dir)
            else:
                return sess, False
        _restore(sess, saver, ckpt.model_checkpoint_path)
        saver.recover_last_checkpoints(list(ckpt.all_model_checkpoint_paths))
        return sess, True

    def prepare_session(
        self,
        master,
        init_op=None,
        saver=None,
        checkpoint_dir=None,
        checkpoint_filename_with_path=None,
        wait_for_checkpoint=False,
        max_wait_secs=7200,
        config=None,
        init_feed_dict=None,
        init_fn=None,
    ):
        """Creates a `Session`. Makes sure the model is ready to be used.

        Creates a `Session` on 'master'. If a `saver` object is passed in, and `checkpoint_dir`
        points to a directory containing valid checkpoint files, then it will try to recover
        the model from checkpoint. If no checkpoint files are available, and
        `wait_for_checkpoint` is `True`, then the process would check every
        `recovery_wait_secs`, up to `max_wait_secs`, for recovery to succeed.

        If the model cannot be recovered successfully then it is initialized by running the
        `init_op` and calling `init_fn` if they are provided. The `local_init_op` is also run
        after init_op and init_fn, regardless of whether the model was recovered successfully,
        but only if `ready_for_local_init_op` passes.

        Args:
          master: `String` representation of the TensorFlow master to use (varflow runs
            in-process: accepted and ignored).
          init_op: Optional `Operation` used to initialize the model.
          saver: A `Saver` object used to restore a model.
          checkpoint_dir: Path to the checkpoint files. The latest checkpoint in the dir will
            be used to restore.
          checkpoint_filename_with_path: Full file name path to the checkpoint file.
          wait_for_checkpoint: Whether to wait for checkpoint to become available.
          max_wait_secs: Maximum time to wait for checkpoints to become available.
          config: Optional `ConfigProto` proto used to configure the session.
          init_feed_dict: Optional dictionary that maps `Tensor` objects to feed values. This
            feed dictionary is passed to the session `run()` call when running the init op.
          init_fn: Optional callable used to initialize the model. Called after the optional
            `init_op` is called. The callable must accept one argument, the session being
            initialized.

        Returns:
          A `Session` object that can be used to drive the model.

        Raises:
          RuntimeError: If the model cannot be initialized or recovered.
          ValueError: If both checkpoint_dir and checkpoint_filename_with_path are set.
        """
        sess, is_loaded_from_checkpoint = self._restore_checkpoint(
            master,
            saver,
            checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint,
            max_wait_secs=max_wait_secs,
            config=config,
        )
        if not is_loaded_from_checkpoint:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError(
                    "Model is not initialized and no init_op or init_fn or local_init_op was given"
                )
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        local_init_success, msg = self._try_run_local_init_op(sess)
        if not local_init_success:
            raise RuntimeError(
                "Init operations did not make model ready for local_init.  Init op: "
                f"{_maybe_name(init_op)}, init fn: {init_fn}, error: {msg}"
            )
        is_ready, msg = self._model_ready(sess)
        if not is_ready:
            raise RuntimeError(
                f"Init operations did not make model ready.  Init op: {_maybe_name(init_op)}, "
                f"init fn: {init_fn}, local_init_op: {self._local_init_op}, error: {msg}"
            )
        return sess

    def recover_session(
        self,
        master,
        saver=None,
        checkpoint_dir=None,
        checkpoint_filename_with_path=None,
        wait_for_checkpoint=False,
        max_wait_secs=7200,
        config=None,
    ):
        """Creates a `Session`, recovering if possible.

        Creates a new session on 'master'. If the session is not initialized and can be
        recovered from a checkpoint, recover it.

        Args:
          master: `String` representation of the TensorFlow master to use.
          saver: A `Saver` object used to restore a model.
          checkpoint_dir: Path to the checkpoint files. The latest checkpoint in the dir will
            be used to restore.
          checkpoint_filename_with_path: Full file name path to the checkpoint file.
          wait_for_checkpoint: Whether to wait for checkpoint to become available.
          max_wait_secs: Maximum time to wait for checkpoints to become available.
          config: Optional `ConfigProto` proto used to configure the session.

        Returns:
          A pair (sess, initialized) where 'initialized' is `True` if the session could be
          recovered and initialized, `False` otherwise.

        Raises:
          ValueError: If both checkpoint_dir and checkpoint_filename_with_path are set.
        """
        sess, is_loaded_from_checkpoint = self._restore_checkpoint(
            master,
            saver,
            checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint,
            max_wait_secs=max_wait_secs,
            config=config,
        )
        local_init_success, msg = self._try_run_local_init_op(sess)
        if not is_loaded_from_checkpoint:
            return sess, False
        restoring_file = checkpoint_dir or checkpoint_filename_with_path
        if not local_init_success:
            logging.info(
                "Restoring model from %s did not make model ready for local init: %s",
                restoring_file,
                msg,
            )
            return sess, False
        is_ready, msg = self._model_ready(sess)
        if not is_ready:
            logging.info(
                "Restoring model from %s did not make model ready: %s", restoring_file, msg
            )
            return sess, False
        logging.info("Restored model from %s", restoring_file)
        return sess, is_loaded_from_checkpoint

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """Creates a new `Session` and waits for model to be ready.

        Creates a new `Session` on 'master'. Waits for the model to be initialized or recovered
        from a checkpoint. It's expected that another thread or process will make the model
        ready, and that this is intended to be used by threads/processes that participate in a
        distributed training configuration where a different thread/process is responsible
        for initializing or recovering the model being trained. (varflow's sessions are
        in-process and own their variables, so only a model whose state is all local-init
        becomes ready here.)

        Args:
          master: `String` representation of the TensorFlow master to use.
          config: Optional ConfigProto proto used to configure the session.
          max_wait_secs: Maximum time to wait for the session to become available.

        Returns:
          A `Session`.

        Raises:
          DeadlineExceededError: if the session is not available after max_wait_secs.
        """
        self._target = master
        if max_wait_secs is None:
            max_wait_secs = float("Inf")
        timer = _CountDownTimer(max_wait_secs)
        while True:
            sess = Session(self._target, graph=self._graph, config=config)
            not_ready_msg = None
            local_init_success, not_ready_local_msg = self._try_run_local_init_op(sess)
            if local_init_success:
                is_ready, not_ready_msg = self._model_ready(sess)
                if is_ready:
                    return sess
            # Closing a half-made session must not hide why it is not ready.
            with contextlib.suppress(Exception):
                sess.close()
            if timer.secs_remaining() - self._recovery_wait_secs < 0:
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {max_wait_secs} secs."
                )
            logging.info(
                "Waiting for model to be ready.  Ready_for_local_init_op:  %s, ready: %s",
                not_ready_local_msg,
                not_ready_msg,
            )
            time.sleep(self._recovery_wait_secs)

    def _model_ready(self, sess):
        return _ready(self._ready_op, sess, "Model not ready")

    def _model_ready_for_local_init(self, sess):
        return _ready(self._ready_for_local_init_op, sess, "Model not ready for local init")

    def _try_run_local_init_op(self, sess):
        if self._local_init_op is not None:
            is_ready_for_local_init, msg = self._model_ready_for_local_init(sess)
            if not is_ready_for_local_init:
                return False, msg
            logging.info("Running local_init_op.")
            sess.run(
                self._local_init_op,
                feed_dict=self._local_init_feed_dict,
                options=self._local_init_run_options,
            )
            logging.info("Done running local_init_op.")
        return True, None
