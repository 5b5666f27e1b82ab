"""Reading checkpoints without a graph: ``tf.train.load_checkpoint``, ``list_variables``,
``load_variable`` and ``init_from_checkpoint``, on varflow's and TensorFlow's V2 format."""
# Checkpoint paths are TF1's plain strings, handled with os.path as TF1 does.
# ruff: noqa: PTH112

from __future__ import annotations

import logging
import os

from varflow import _core
from varflow.tensor_shape import TensorShape
from varflow.train import checkpoint_management as cm

_log = logging.getLogger("varflow")


class CheckpointReader:
    """TF1's ``NewCheckpointReader`` result (``py_checkpoint_reader``)."""

    def __init__(self, filepattern):
        """Opens a checkpoint for reading.

        Args:
          filepattern: The checkpoint prefix (varflow's `.safetensors` or TensorFlow's V2
            format).

        Raises:
          NotFoundError: If no checkpoint exists at `filepattern`.
        """
        self._reader = _core.CheckpointReader(cm._normalize_prefix(filepattern))
        self._entries = {name: (dtype, shape) for name, dtype, shape in self._reader.entries()}

    def has_tensor(self, name) -> bool:
        """Returns whether the checkpoint holds a tensor named `name`.

        Args:
          name: The tensor's key, e.g. `"dense/kernel"`.

        Returns:
          A bool.
        """
        return self._reader.has_tensor(name)

    def get_tensor(self, name):
        """Returns the saved value of the tensor named `name`.

        Args:
          name: The tensor's key, e.g. `"dense/kernel"`.

        Returns:
          A NumPy array.

        Raises:
          NotFoundError: If the checkpoint has no tensor named `name`.
        """
        return self._reader.get_tensor(name)

    def get_variable_to_shape_map(self) -> dict:
        """Returns a dict from each saved tensor's name to its shape (a list of ints)."""
        return {name: list(shape) for name, (_, shape) in self._entries.items()}

    def get_variable_to_dtype_map(self) -> dict:
        """Returns a dict from each saved tensor's name to its `tf.DType`.

        A dtype varflow has no `DType` for is given by its NumPy name.
        """
        from varflow import dtypes

        out = {}
        for name, (dtype, _) in self._entries.items():
            try:
                out[name] = dtypes.as_dtype(dtype)
            except (TypeError, ValueError):
                out[name] = dtype  # a dtype varflow has no DType for: its NumPy name
        return out

    def debug_string(self) -> bytes:
        """Returns a description of the saved tensors: one `name (dtype) [shape]` line each."""
        lines = [f"{n} ({d}) {list(s)}" for n, (d, s) in sorted(self._entries.items())]
        return ("\n".join(lines) + "\n").encode()

    @property
    def metadata(self) -> dict:
        """The safetensors ``__metadata__`` (``global_step``, ``varflow_version``, ...)."""
        return dict(self._reader.metadata())

    @property
    def format(self) -> str:
        """The checkpoint's format: varflow's safetensors or TensorFlow's V2."""
        return self._reader.format


def NewCheckpointReader(filepattern):
    """Returns a reader for the checkpoint at `filepattern`.

    Args:
      filepattern: The checkpoint prefix.

    Returns:
      A `CheckpointReader`, with `get_tensor`, `has_tensor` and the variable maps.

    Raises:
      NotFoundError: If no checkpoint exists at `filepattern`.
    """
    return CheckpointReader(filepattern)


def _checkpoint_prefix(ckpt_dir_or_file) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = cm.latest_checkpoint(path)
        if latest is None:
            raise ValueError(
                f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}"
            )
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """Returns `CheckpointReader` for checkpoint found in `ckpt_dir_or_file`.

    If `ckpt_dir_or_file` resolves to a directory with multiple checkpoints, reader for the
    latest checkpoint is returned.

    Args:
      ckpt_dir_or_file: Directory with checkpoints file or path to checkpoint.

    Returns:
      `CheckpointReader` object.

    Raises:
      ValueError: If `ckpt_dir_or_file` resolves to a directory with no checkpoints.
    """
    return CheckpointReader(_checkpoint_prefix(ckpt_dir_or_file))


def load_variable(ckpt_dir_or_file, name):
    """Returns the tensor value of the given variable in the checkpoint.

    Args:
      ckpt_dir_or_file: Directory with checkpoints file or path to checkpoint.
      name: Name of the variable to return (a trailing `:0` is ignored, as in TF1).

    Returns:
      A numpy `ndarray` with a copy of the value of this variable.
    """
    name = name.removesuffix(":0")
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file) -> list:
    """Returns list of all variables in the checkpoint.

    Args:
      ckpt_dir_or_file: Directory with checkpoints file or path to checkpoint.

    Returns:
      List of tuples `(name, shape)`, sorted by name.
    """
    reader = load_checkpoint(ckpt_dir_or_file)
    return sorted(reader.get_variable_to_shape_map().items())


def _initialize_from(var, reader, prefix, tensor_name):
    """Makes `var`'s initializer assign the checkpoint's value (TF1 rewires it the same way)."""
    from varflow import state_ops
    from varflow.graph import constant, name_scope

    value = reader.get_tensor(tensor_name)
    with var.graph.as_default(), name_scope(var.op.name + "/"):
        op = state_ops.assign(var, constant(value, dtype=var.dtype), name="checkpoint_initializer")
    var._initializer_op = op.op
    _log.debug("Initialize variable %s from checkpoint %s with %s", var.name, prefix, tensor_name)


def init_from_checkpoint(ckpt_dir_or_file, assignment_map) -> None:
    """Replaces `tf.Variable` initializers so they load from a checkpoint file.

    Values are not loaded immediately, but when the initializer is run (typically by
    running a `tf.global_variables_initializer` op). The assignment map supports the
    following syntax:

    * `'checkpoint_scope_name/': 'scope_name/'` - will load all variables in current
      `scope_name` from `checkpoint_scope_name` with matching tensor names.
    * `'checkpoint_scope_name/some_other_variable': 'scope_name/variable_name'` - will
      initialize `scope_name/variable_name` variable from
      `checkpoint_scope_name/some_other_variable`.
    * `'scope_variable_name': variable` - will initialize given `tf.Variable` object with
      tensor 'scope_variable_name' from the checkpoint.
    * `'/': 'scope_name/'` - will load all variables in current `scope_name` from
      checkpoint's root (e.g. no scope).

    Args:
      ckpt_dir_or_file: Directory with checkpoints file or path to checkpoint.
      assignment_map: Dict, where keys are names of the variables in the checkpoint and
        values are current variables or names of current variables (in default graph).

    Raises:
      ValueError: If missing variables in current graph, or if missing checkpoints or
        tensors in checkpoints, or the shapes do not match.
    """
    from varflow.variable_scope import _get_default_variable_store
    from varflow.variables import Variable

    prefix = _checkpoint_prefix(ckpt_dir_or_file)
    reader = CheckpointReader(prefix)
    variable_map = reader.get_variable_to_shape_map()
    items = assignment_map.items() if hasattr(assignment_map, "items") else assignment_map
    store_vars = _get_default_variable_store()._vars
    for tensor_name, current in sorted(items, key=lambda pair: pair[0]):
        var = current if isinstance(current, Variable) else store_vars.get(current)
        if var is not None:
            if tensor_name not in variable_map:
                raise ValueError(
                    f"Tensor {tensor_name} is not found in {ckpt_dir_or_file} checkpoint "
                    f"{variable_map}"
                )
            if not var.get_shape().is_compatible_with(TensorShape(variable_map[tensor_name])):
                raise ValueError(
                    f"Shape of variable {var.name} ({var.get_shape()}) doesn't match with shape "
                    f"of tensor {tensor_name} ({variable_map[tensor_name]}) from checkpoint reader."
                )
            _initialize_from(var, reader, prefix, tensor_name)
            continue
        scopes = current[: current.rindex("/")] if "/" in current else ""
        if not tensor_name.endswith("/"):
            raise ValueError(
                f"Assignment map with scope only name {scopes} should map to scope only "
                f"{tensor_name}. Should be 'scope/': 'other_scope/'."
            )
        for var_name in sorted(n for n in store_vars if not scopes or n.startswith(scopes + "/")):
            full = var_name[len(scopes) :]
            if current != "/":
                full = full[1:]
            if tensor_name != "/":
                full = tensor_name + full
            full = full.removesuffix("/")
            if full not in variable_map:
                raise ValueError(
                    f"Tensor {full} ({var_name[len(scopes) + 1 :]} in {tensor_name}) is not found "
                    f"in {ckpt_dir_or_file} checkpoint"
                )
            _initialize_from(store_vars[var_name], reader, prefix, full)
