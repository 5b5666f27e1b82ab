"""``tf.train.Saver``: TF1's Saver over the C++ core's checkpoint files.

A checkpoint is one safetensors file, ``<prefix>.safetensors``, written atomically by the core
(see cpp/include/varflow/checkpoint.h); ``restore`` also reads TensorFlow's V2 checkpoints.
Variables are keyed by op name (``dense/kernel``) or by the keys of a ``var_list`` dict, as in
TF1. The bookkeeping (``last_checkpoints``, ``max_to_keep``, ``keep_checkpoint_every_n_hours``,
the ``checkpoint`` state file) follows TF1's saver.py line by line.

``save`` writes ``<prefix>.meta`` (a MetaGraphDef: graph, collections) as TF1 does, and
``tf.train.import_meta_graph`` reads it back (varflow.framework.meta_graph). The saver itself
is no graph nodes here (the core reads and writes the files), so a SaverDef names no
filename tensor, save tensor or restore op; the ``.meta`` files carry none, and importing one
(in varflow or in TensorFlow) builds a default Saver over the imported global variables.

Not supported: ``builder``, partitioned variables.
"""
# Checkpoint paths are TF1's plain strings, handled with os.path as TF1 does.
# ruff: noqa: PTH112, PTH119, PTH120

from __future__ import annotations

import logging
import numbers
import os
import time

from varflow import _core, errors
from varflow.graph import GraphKeys, Tensor, get_default_graph
from varflow.train import checkpoint_management as cm
from varflow.train import training_util
from varflow.variables import Variable

_log = logging.getLogger("varflow")


def _saver_def_class():
    from tensorboard.compat.proto.saver_pb2 import SaverDef as proto

    return proto


class _LazyProtoClass(type):
    """Makes ``SaverDef`` stand for the protobuf class without importing protobuf with varflow
    (``import varflow`` stays free of tensorboard; see test_summary.py)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, _saver_def_class())

    def __getattr__(cls, name):
        return getattr(_saver_def_class(), name)

    def __call__(cls, *args, **kwargs):
        return _saver_def_class()(*args, **kwargs)


class SaverDef(metaclass=_LazyProtoClass):
    """TF1's ``tf.train.SaverDef`` (the protobuf class, loaded on first use)."""

    LEGACY = 0
    V1 = 1
    V2 = 2


def _variable_of(item):
    """The Variable a var_list item stands for, or None."""
    if isinstance(item, Variable):
        return item
    if isinstance(item, Tensor):
        graph = item.graph
        for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + graph.get_collection(
            GraphKeys.LOCAL_VARIABLES
        ):
            if v._ref() is item or v.value() is item:
                return v
    return None


def _slice_info(var):
    return getattr(var, "_save_slice_info", None)


def _names_to_variables(var_list) -> dict:
    """TF1's op_list_to_dict / dict validation: {checkpoint name: Variable or parts}.

    The parts of a partitioned variable (a `PartitionedVariable`, or variables carrying a
    `SaveSliceInfo`) are saved under the full variable's name, as a list.
    """
    from varflow.partitioned_variables import PartitionedVariable

    if isinstance(var_list, dict):
        items = []
        for name, value in var_list.items():
            if isinstance(value, PartitionedVariable):
                value = list(value)
            items.append((name, value))
    elif isinstance(var_list, (list, tuple, set)):
        flat = []
        for item in var_list:
            if isinstance(item, PartitionedVariable):
                flat.extend(item)
            else:
                flat.extend(item if isinstance(item, (list, tuple)) else [item])
        items = []
        parts = {}
        for item in sorted(flat, key=lambda x: getattr(x, "name", "")):
            var = _variable_of(item)
            if var is None:
                raise TypeError(f"Variable to save is not a Variable: {item}")
            info = _slice_info(var)
            if info is not None:
                if info.full_name not in parts:
                    parts[info.full_name] = []
                    items.append((info.full_name, parts[info.full_name]))
                parts[info.full_name].append(var)
            else:
                items.append((var.op.name, var))
    else:
        raise TypeError(f"Variables to save should be passed in a dict or a list. Got {var_list}")
    result = {}
    seen = {}
    for name, item in items:
        group = item if isinstance(item, list) else [item]
        variables = []
        for element in group:
            var = _variable_of(element)
            if var is None:
                raise TypeError(f"Variable to save is not a Variable: {element}")
            if isinstance(item, list) and _slice_info(var) is None:
                raise ValueError(
                    f"Slices of '{name}' must be partitioned variables' parts; {var.name} has no "
                    "save_slice_info"
                )
            variables.append(var)
        if not isinstance(name, str):
            raise TypeError(
                f"Checkpoint names must be strings, got {name!r} for {variables[0].name}"
            )
        if name in result:
            raise ValueError(f"At least two variables have the same name: {name}")
        for var in variables:
            if var._node in seen:
                raise ValueError(f"The same saveable will be restored with two names: {name}")
            seen[var._node] = name
        result[name] = variables if isinstance(item, list) else variables[0]
    return result


def _pairs_and_slices(variables: dict):
    """The (name, node) pairs the C++ checkpoint code takes, and each one's slice (or None)."""
    pairs, slices = [], []
    for name, value in variables.items():
        for var in value if isinstance(value, list) else [value]:
            pairs.append((name, var._node))
            info = _slice_info(var) if isinstance(value, list) else None
            slices.append(None if info is None else (list(info.full_shape), list(info.var_offset)))
    return pairs, slices


def _wrap_restore_error(err, verbiage):
    message = (
        f"Restoring from checkpoint failed. This is most likely due to {verbiage} from the "
        "checkpoint. Please ensure that you have not altered the graph expected based on the "
        f"checkpoint. Original error:\n\n{err.message}"
    )
    return type(err)(err.node_def, err.op, message)


class Saver:
    """Saves and restores variables (TF1's ``tf.train.Saver``)."""

    def __init__(
        self,
        var_list=None,
        reshape=False,
        sharded=False,
        max_to_keep=5,
        keep_checkpoint_every_n_hours=10000.0,
        name=None,
        restore_sequentially=False,
        saver_def=None,
        builder=None,
        defer_build=False,
        allow_empty=False,
        write_version=SaverDef.V2,
        pad_step_number=False,
        save_relative_paths=False,
        filename=None,
    ):
        """Creates a `Saver`.

        The constructor adds ops to save and restore variables. `var_list` specifies the
        variables that will be saved and restored. It can be passed as a `dict` or a list: a
        `dict` of names to variables (the keys are the names that will be used to save or
        restore the variables in the checkpoint files), or a list of variables (saved under
        their op names, e.g. `dense/kernel`).

        varflow writes one safetensors file per checkpoint, `<prefix>.safetensors`, and reads
        TensorFlow's V2 checkpoints too.

        Args:
          var_list: A list of `Variable`/`SaveableObject`, or a dictionary mapping names to
            `SaveableObject`s. If `None`, defaults to the list of all saveable objects.
          reshape: If `True`, allows restoring parameters from a checkpoint where the variables
            have a different shape.
          sharded: If `True`, shard the checkpoints, one per device (accepted; varflow writes
            one file).
          max_to_keep: Maximum number of recent checkpoints to keep. Defaults to 5.
          keep_checkpoint_every_n_hours: How often to keep checkpoints. Defaults to 10,000
            hours.
          name: String. Optional name to use as a prefix when adding operations.
          restore_sequentially: A `Bool`, which if true, causes restore of different variables
            to happen sequentially within each device (accepted and ignored).
          saver_def: Optional `SaverDef` proto to use instead of running the builder.
          builder: Not supported by varflow.
          defer_build: If `True`, defer adding the save and restore ops to the `build()` call.
          allow_empty: If `False` (default) raise an error if there are no variables in the
            graph. Otherwise, construct the saver anyway and make it a no-op.
          write_version: controls what format to use when saving checkpoints.
          pad_step_number: if True, pads the global step number in the checkpoint filepaths to
            some fixed width (8 by default).
          save_relative_paths: If `True`, will write relative paths to the checkpoint state
            file.
          filename: If known at graph construction time, filename used for variable loading/
            saving.

        Raises:
          TypeError: If `var_list` is invalid.
          ValueError: If any of the keys or values in `var_list` are not unique, or there are
            no variables to save and `allow_empty` is False.
        """
        if defer_build and var_list:
            raise ValueError(
                "If `var_list` is provided then build cannot be deferred. Either set "
                "defer_build=False or var_list=None."
            )
        if builder is not None:
            raise NotImplementedError(
                "Saver(builder=...): varflow's Saver builds no graph nodes, so there is no "
                "BaseSaverBuilder to replace"
            )
        if saver_def is not None:
            if not isinstance(saver_def, SaverDef):
                raise ValueError(f"saver_def must be a saver_pb2.SaverDef: {saver_def}")
            max_to_keep = saver_def.max_to_keep
            keep_checkpoint_every_n_hours = saver_def.keep_checkpoint_every_n_hours
            sharded = saver_def.sharded
            write_version = saver_def.version
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded  # one file per checkpoint either way: there is one device
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self._allow_empty = allow_empty
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._graph = get_default_graph()
        self._is_built = False
        self._is_empty = None
        self._variables: dict = {}
        self._last_checkpoints: list = []
        self._checkpoints_to_be_deleted: list = []
        if not defer_build:
            self.build()

    def build(self) -> None:
        """Builds the saver's variable list, when it was created with `defer_build=True`.

        Raises:
          ValueError: If there are no variables to save and `allow_empty` is False.
        """
        if self._is_built:
            return
        self._is_built = True
        var_list = self._var_list
        if var_list is None:
            graph = self._graph
            var_list = graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + graph.get_collection(
                GraphKeys.SAVEABLE_OBJECTS
            )
        if not var_list:
            if self._allow_empty:
                self._is_empty = True
                return
            raise ValueError("No variables to save")
        self._is_empty = False
        self._variables = _names_to_variables(var_list)
        self._pairs, self._slices = _pairs_and_slices(self._variables)
        self._next_checkpoint_time = time.time() + self._keep_checkpoint_every_n_hours * 3600

    # --- the list of recent checkpoints ---------------------------------------------------
    @property
    def last_checkpoints(self) -> list:
        """List of not-yet-deleted checkpoint filenames.

        You can pass any of the returned values to `restore()`.
        """
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints) -> None:
        """DEPRECATED: Use set_last_checkpoints_with_time.

        Sets the list of old checkpoint filenames.

        Args:
          last_checkpoints: A list of checkpoint filenames.

        Raises:
          AssertionError: If last_checkpoints is not a list.
        """
        assert isinstance(last_checkpoints, list)
        # +inf: never deleted, as TF1 (these came without a time).
        self._last_checkpoints = [(s, float("inf")) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time) -> None:
        """Sets the list of old checkpoint filenames and timestamps.

        Args:
          last_checkpoints_with_time: A list of tuples of checkpoint filenames and timestamps.

        Raises:
          AssertionError: If last_checkpoints_with_time is not a list.
        """
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = last_checkpoints_with_time

    def recover_last_checkpoints(self, checkpoint_paths) -> None:
        """Recovers the internal saver state after a crash.

        This method is useful for recovering the "self._last_checkpoints" state. Globs for the
        checkpoints pointed to by `checkpoint_paths`. If the files exist, use their mtime as the
        checkpoint timestamp.

        Args:
          checkpoint_paths: a list of checkpoint paths.
        """
        with_times = []
        for path in checkpoint_paths:
            mtime = cm.get_checkpoint_mtimes([path])
            if mtime:
                with_times.append((path, mtime[0]))
        self.set_last_checkpoints_with_time(with_times)

    def _record_last_checkpoint(self, path) -> None:
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != path]
        self._last_checkpoints.append((path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix="meta") -> None:
        if not self._checkpoints_to_be_deleted:
            return
        path, stamp = self._checkpoints_to_be_deleted.pop(0)
        if stamp > self._next_checkpoint_time:  # keep one every N hours
            self._next_checkpoint_time += self._keep_checkpoint_every_n_hours * 3600
            return
        try:
            cm.remove_checkpoint(path, self._write_version, meta_graph_suffix)
        except OSError as e:
            _log.warning("Ignoring: %s", e)

    # --- save / restore ---------------------------------------------------------------------
    def save(
        self,
        sess,
        save_path,
        global_step=None,
        latest_filename=None,
        meta_graph_suffix="meta",
        write_meta_graph=True,
        write_state=True,
        strip_default_attrs=False,
        save_debug_info=False,
    ):
        """Saves variables.

        This method runs the ops added by the constructor for saving variables. It requires a
        session in which the graph was launched. The variables to save must also have been
        initialized. The method returns the path prefix of the newly created checkpoint files.
        This string can be passed directly to a call to `restore()`.

        varflow writes `<save_path>[-<global_step>].safetensors` atomically, and the `.meta`
        file (a `MetaGraphDef`) as TF1 does.

        Args:
          sess: A Session to use to save the variables.
          save_path: String. Prefix of filenames created for the checkpoint.
          global_step: If provided the global step number is appended to `save_path` to create
            the checkpoint filenames. The optional argument can be a `Tensor`, a `Tensor` name
            or an integer.
          latest_filename: Optional name for the protocol buffer file that will contains the
            list of most recent checkpoints. That file, kept in the same directory as the
            checkpoint files, is automatically managed by the saver to keep track of recent
            checkpoints. Defaults to 'checkpoint'.
          meta_graph_suffix: Suffix for `MetaGraphDef` file. Defaults to 'meta'.
          write_meta_graph: `Boolean` indicating whether or not to write the meta graph file.
          write_state: `Boolean` indicating whether or not to write the `CheckpointStateProto`.
          strip_default_attrs: Boolean. If `True`, default-valued attributes will be removed
            from the NodeDefs.
          save_debug_info: If `True`, save the GraphDebugInfo to a separate file (accepted and
            ignored).

        Returns:
          A string: path prefix used for the checkpoint files. If the saver is sharded, this
          string ends with: '-?????-of-nnnnn' where 'nnnnn' is the number of shards created. If
          the saver is empty, returns None.

        Raises:
          TypeError: If `sess` is not a `Session`.
          ValueError: If `latest_filename` contains path components, or if it collides with
            `save_path`.
          RuntimeError: If save and restore ops weren't built.
        """
        from varflow.session import Session

        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        step = None
        if global_step is not None:
            if isinstance(global_step, numbers.Integral):
                step = int(global_step)
            else:
                step = training_util.global_step(sess, global_step)
            checkpoint_file = (
                f"{save_path}-{step:08d}" if self._pad_step_number else f"{save_path}-{step}"
            )
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError(
                    f"'latest_filename' collides with 'save_path': '{latest_filename}' and "
                    f"'{save_path}'"
                )
        if not isinstance(sess, Session):
            raise TypeError(f"'sess' must be a Session; {sess}")
        sess._check_open()
        save_path_parent = os.path.dirname(save_path)
        if self._is_empty:
            return None
        metadata = {} if step is None else {"global_step": str(step)}
        try:
            _core.save_checkpoint_slices(
                sess._core, self._pairs, self._slices, checkpoint_file, metadata
            )
        except (errors.FailedPreconditionError, errors.NotFoundError):
            if not os.path.isdir(save_path_parent or "."):
                raise ValueError(
                    f"Parent directory of {save_path} doesn't exist, can't save."
                ) from None
            raise
        if write_meta_graph:
            # Before the state file names this checkpoint, so that it never names one without
            # its meta graph (TF1 writes it last).
            with sess.graph.as_default():
                self.export_meta_graph(
                    cm.meta_graph_filename(checkpoint_file, meta_graph_suffix),
                    strip_default_attrs=strip_default_attrs,
                )
        if write_state:
            self._record_last_checkpoint(checkpoint_file)
            cm.update_checkpoint_state(
                save_path_parent,
                checkpoint_file,
                self.last_checkpoints,
                latest_filename,
                save_relative_paths=self._save_relative_paths,
            )
            self._maybe_delete_old_checkpoints(meta_graph_suffix)
        return checkpoint_file

    def restore(self, sess, save_path) -> None:
        """Restores previously saved variables.

        This method runs the ops added by the constructor for restoring variables. It requires
        a session in which the graph was launched. The variables to restore do not have to have
        been initialized, as restoring is itself a way to initialize variables. The `save_path`
        argument is typically a value previously returned from a `save()` call, or a call to
        `latest_checkpoint()`; it may name a varflow or a TensorFlow V2 checkpoint.

        Args:
          sess: A `Session` to use to restore the parameters. None in eager mode.
          save_path: Path where parameters were previously saved.

        Raises:
          ValueError: If save_path is None or not a valid checkpoint.
          NotFoundError: If a variable to restore is missing from the checkpoint (the message
            names it, as TF1's does).
          InvalidArgumentError: If a saved shape or dtype does not match the variable's.
        """
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = cm._normalize_prefix(save_path)
        if not cm.checkpoint_exists(prefix):
            raise ValueError("The passed save_path is not a valid checkpoint: " + str(save_path))
        sess._check_open()
        _log.info("Restoring parameters from %s", prefix)
        try:
            _core.restore_checkpoint_slices(
                sess._core, self._pairs, self._slices, prefix, bool(self._reshape)
            )
        except errors.NotFoundError as err:
            raise _wrap_restore_error(
                err, "a Variable name or other graph key that is missing"
            ) from None
        except errors.InvalidArgumentError as err:
            raise _wrap_restore_error(
                err, "a mismatch between the current graph and the graph"
            ) from None

    # --- protos and meta graphs -------------------------------------------------------------
    @property
    def saver_def(self):
        """The `SaverDef` of this Saver: its settings (it names no graph nodes)."""
        return self.as_saver_def()

    def as_saver_def(self):
        """The SaverDef of this Saver: its settings; no node names (it has no graph nodes)."""
        return SaverDef(
            max_to_keep=self._max_to_keep,
            keep_checkpoint_every_n_hours=self._keep_checkpoint_every_n_hours,
            sharded=bool(self._sharded),
            version=self._write_version,
        )

    def to_proto(self, export_scope=None):
        """Converts this `Saver` to a `SaverDef` protocol buffer.

        Args:
          export_scope: Optional `string`. Name scope to remove.

        Returns:
          A `SaverDef` protocol buffer.
        """
        del export_scope  # a SaverDef without node names has nothing to strip
        return self.as_saver_def()

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        """Returns a `Saver` object created from `saver_def`.

        Args:
          saver_def: a `SaverDef` protocol buffer.
          import_scope: Optional `string`. Name scope to use.

        Returns:
          A `Saver` built from saver_def.
        """
        return Saver(saver_def=saver_def, name=import_scope)

    def export_meta_graph(
        self,
        filename=None,
        collection_list=None,
        as_text=False,
        export_scope=None,
        clear_devices=False,
        clear_extraneous_savers=False,
        strip_default_attrs=False,
        save_debug_info=False,
    ):
        """Writes `MetaGraphDef` to save_path/filename.

        The meta graph holds the default graph with its collections (varflow's `SaverDef` names
        no nodes: see the module's docstring).

        Args:
          filename: Optional meta_graph filename including the path.
          collection_list: List of string keys to collect.
          as_text: If `True`, writes the meta_graph as an ASCII proto.
          export_scope: Optional `string`. Name scope to remove.
          clear_devices: Whether or not to clear the device field for an `Operation` or
            `Tensor` during export.
          clear_extraneous_savers: Remove any Saver-related information from the graph (both
            Save/Restore ops and SaverDefs) that are not associated with this Saver.
          strip_default_attrs: Boolean. If `True`, default-valued attributes will be removed
            from the NodeDefs.
          save_debug_info: If `True`, save the GraphDebugInfo to a separate file (accepted and
            ignored).

        Returns:
          A `MetaGraphDef` proto.
        """
        from varflow.framework import meta_graph

        return meta_graph.export_meta_graph(
            filename=filename,
            collection_list=collection_list,
            as_text=as_text,
            export_scope=export_scope,
            clear_devices=clear_devices,
            clear_extraneous_savers=clear_extraneous_savers,
            strip_default_attrs=strip_default_attrs,
            save_debug_info=save_debug_info,
        )
