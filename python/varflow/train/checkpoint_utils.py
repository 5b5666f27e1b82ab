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
        self._reader = _core.CheckpointReader(cm._normalize_prefix(filepattern))
        self._entries = {name: (dtype, shape) for name, dtype, shape in self._reader.entries()}

    def has_tensor(self, name) -> bool:
        return self._reader.has_tensor(name)

    def get_tensor(self, name):
        return self._reader.get_tensor(name)

    def get_variable_to_shape_map(self) -> dict:
        return {name: list(shape) for name, (_, shape) in self._entries.items()}

    def get_variable_to_dtype_map(self) -> dict:
        from varflow import dtypes

        out = {}
        for name, (dtype, _) in self._entries.items():
            try:
                out[name] = dtypes.as_dtype(dtype)
            except (TypeError, ValueError):
                out[name] = dtype  # a dtype varflow has no DType for: its NumPy name
        return out

    def debug_string(self) -> bytes:
        lines = [f"{n} ({d}) {list(s)}" for n, (d, s) in sorted(self._entries.items())]
        return ("\n".join(lines) + "\n").encode()

    @property
    def metadata(self) -> dict:
        """The safetensors ``__metadata__`` (``global_step``, ``varflow_version``, ...)."""
        return dict(self._reader.metadata())

    @property
    def format(self) -> str:
        return self._reader.format


def NewCheckpointReader(filepattern):
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
    """A reader for the latest checkpoint of a directory, or for a checkpoint prefix."""
    return CheckpointReader(_checkpoint_prefix(ckpt_dir_or_file))


def load_variable(ckpt_dir_or_file, name):
    """The saved value of `name` (a trailing ``:0`` is ignored, as in TF1)."""
    name = name.removesuffix(":0")
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file) -> list:
    """``[(name, shape)]`` of every tensor in the checkpoint, sorted by name."""
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
    """TF1's ``tf.train.init_from_checkpoint``: the initializers of the mapped variables load
    the checkpoint's values instead (``{'ckpt_scope/': 'scope/'}``, ``{'/': 'scope/'}``,
    ``{'ckpt/name': 'scope/var'}`` or ``{'ckpt/name': variable}``)."""
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
