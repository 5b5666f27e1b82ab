"""The ``checkpoint`` state file and checkpoint paths, as TF1's ``checkpoint_management``.

The state file is TF1's text-format ``CheckpointState``::

    model_checkpoint_path: "model.ckpt-3"
    all_model_checkpoint_paths: "model.ckpt-2"
    all_model_checkpoint_paths: "model.ckpt-3"

It is replaced atomically (temporary file, fsync, rename), so a reader never sees half of it.
A checkpoint at prefix ``p`` is ``p.safetensors`` (varflow) or ``p.index`` plus
``p.data-?????-of-?????`` (TensorFlow's V2 format, read natively).
"""
# Checkpoint paths are TF1's plain strings, handled with os.path as TF1 does.
# ruff: noqa: PTH107, PTH113, PTH116, PTH117, PTH118, PTH123, PTH207

from __future__ import annotations

import contextlib
import glob
import logging
import os
import re

from varflow import _core

_log = logging.getLogger("varflow")


class CheckpointState:
    """TF1's ``CheckpointState`` proto: the fields, ``str()`` in text format, and equality."""

    def __init__(
        self,
        model_checkpoint_path="",
        all_model_checkpoint_paths=None,
        all_model_checkpoint_timestamps=None,
        last_preserved_timestamp=None,
    ):
        """Creates a checkpoint state.

        Args:
          model_checkpoint_path: Path to the most recent model checkpoint.
          all_model_checkpoint_paths: Paths to all not-yet-deleted model checkpoints, sorted
            from oldest to newest.
          all_model_checkpoint_timestamps: Unix timestamps corresponding to
            `all_model_checkpoint_paths`.
          last_preserved_timestamp: The Unix timestamp of the most recent checkpoint kept
            because of `keep_checkpoint_every_n_hours`.
        """
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps or [])
        self.last_preserved_timestamp = last_preserved_timestamp

    def __str__(self) -> str:
        lines = [f"model_checkpoint_path: {_quote(self.model_checkpoint_path)}"]
        lines += [
            f"all_model_checkpoint_paths: {_quote(p)}" for p in self.all_model_checkpoint_paths
        ]
        lines += [
            f"all_model_checkpoint_timestamps: {t!r}" for t in self.all_model_checkpoint_timestamps
        ]
        if self.last_preserved_timestamp is not None:
            lines.append(f"last_preserved_timestamp: {self.last_preserved_timestamp!r}")
        return "\n".join(lines) + "\n"

    def __eq__(self, other) -> bool:
        return isinstance(other, CheckpointState) and str(self) == str(other)

    def __repr__(self) -> str:
        return str(self)


class ParseError(ValueError):
    """A ``checkpoint`` file that is not a text-format CheckpointState."""


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "'": "'", "\\": "\\", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v", "?": "?"}  # fmt: skip


def _quote(s: str) -> str:
    """protobuf text format's C escaping of a UTF-8 string (non-ASCII bytes as octal)."""
    out = []
    for byte in s.encode("utf-8", "surrogateescape"):
        c = chr(byte)
        if c in "\n\r\t\"'\\":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c, "\\" + c))
        elif 0x20 <= byte < 0x7F:
            out.append(c)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


_TOKEN = re.compile(
    r"""\s*(?:(\#[^\n]*)|([A-Za-z_][A-Za-z0-9_]*)|(:)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|([-+]?(?:inf|nan|[0-9.][0-9.eE+\-]*)[fF]?))""",
    re.DOTALL,
)


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        i += 1
        e = body[i]
        if e in _ESCAPES:
            out += _ESCAPES[e].encode()
            i += 1
        elif e in "01234567":
            j = i
            while j < len(body) and j < i + 3 and body[j] in "01234567":
                j += 1
            out.append(int(body[i:j], 8) & 0xFF)
            i = j
        elif e in "xX":
            j = i + 1
            while j < len(body) and j < i + 3 and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                raise ParseError(f"bad \\x escape in {literal}")
            out.append(int(body[i + 1 : j], 16))
            i = j
        else:
            raise ParseError(f"bad escape \\{e} in {literal}")
    return out.decode("utf-8", "surrogateescape")


def parse_checkpoint_state(text: str) -> CheckpointState:
    """Parses TF1's text format for a `CheckpointState`.

    Args:
      text: The contents of a `checkpoint` state file.

    Returns:
      A `CheckpointState`.

    Raises:
      ParseError: If `text` is not a valid text-format `CheckpointState`.
    """
    state = CheckpointState()
    pos, n = 0, len(text)
    tokens = []
    while pos < n:
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ParseError(f"unexpected text at offset {pos}: {text[pos : pos + 20]!r}")
        pos = m.end()
        if m.group(1) is None:
            tokens.append(m.group(2) or m.group(3) or m.group(4) or m.group(5))
    i = 0
    while i < len(tokens):
        field = tokens[i]
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", field):
            raise ParseError(f"expected a field name, got {field!r}")
        if i + 1 >= len(tokens) or tokens[i + 1] != ":":
            raise ParseError(f"expected ':' after {field!r}")
        if i + 2 >= len(tokens):
            raise ParseError(f"missing value for {field!r}")
        i += 2
        value = tokens[i]
        i += 1
        if field in ("model_checkpoint_path", "all_model_checkpoint_paths"):
            if value[0] not in "\"'":
                raise ParseError(f"{field} needs a string, got {value!r}")
            s = _unquote(value)
            while i < len(tokens) and tokens[i][0] in "\"'":  # adjacent literals concatenate
                s += _unquote(tokens[i])
                i += 1
            if field == "model_checkpoint_path":
                state.model_checkpoint_path = s
            else:
                state.all_model_checkpoint_paths.append(s)
        elif field in ("all_model_checkpoint_timestamps", "last_preserved_timestamp"):
            try:
                x = float(value.rstrip("fF"))
            except ValueError:
                raise ParseError(f"{field} needs a number, got {value!r}") from None
            if field == "last_preserved_timestamp":
                state.last_preserved_timestamp = x
            else:
                state.all_model_checkpoint_timestamps.append(x)
        else:
            raise ParseError(
                f'Message type "tensorflow.CheckpointState" has no field named "{field}".'
            )
    return state


def _checkpoint_state_filename(save_dir, latest_filename):
    return os.path.join(save_dir, latest_filename or "checkpoint")


def generate_checkpoint_state_proto(
    save_dir,
    model_checkpoint_path,
    all_model_checkpoint_paths=None,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp=None,
):
    """Generates a checkpoint state proto.

    Args:
      save_dir: Directory where the model was saved.
      model_checkpoint_path: The checkpoint file.
      all_model_checkpoint_paths: List of strings. Paths to all not-yet-deleted
        checkpoints, sorted from oldest to newest. If this is a non-empty list, the last
        element must be equal to model_checkpoint_path. These paths are also saved in the
        CheckpointState proto.
      all_model_checkpoint_timestamps: A list of floats, indicating the number of seconds
        since the Epoch when each checkpoint was generated.
      last_preserved_timestamp: A float, indicating the number of seconds since the Epoch
        when the last preserved checkpoint was written.

    Returns:
      CheckpointState proto with model_checkpoint_path and all_model_checkpoint_paths
      updated to either absolute paths or relative paths to the current save_dir.

    Raises:
      ValueError: If `all_model_checkpoint_timestamps` was provided but its length does not
        match `all_model_checkpoint_paths`.
    """
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        _log.info(
            "%s is not in all_model_checkpoint_paths. Manually adding it.", model_checkpoint_path
        )
        paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and len(all_model_checkpoint_timestamps) != len(paths):
        raise ValueError(
            "Checkpoint timestamps, if provided, must match checkpoint paths (got paths "
            f"{paths} and timestamps {all_model_checkpoint_timestamps})"
        )
    # As TF1: relative paths are rewritten relative to a relative save_dir.
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    return CheckpointState(
        model_checkpoint_path, paths, all_model_checkpoint_timestamps, last_preserved_timestamp
    )


def update_checkpoint_state(
    save_dir,
    model_checkpoint_path,
    all_model_checkpoint_paths=None,
    latest_filename=None,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp=None,
    save_relative_paths=False,
):
    """Updates the content of the 'checkpoint' file.

    This updates the checkpoint file containing a CheckpointState proto; the file is
    rewritten atomically.

    Args:
      save_dir: Directory where the model was saved.
      model_checkpoint_path: The checkpoint file.
      all_model_checkpoint_paths: List of strings. Paths to all not-yet-deleted
        checkpoints, sorted from oldest to newest. If this is a non-empty list, the last
        element must be equal to model_checkpoint_path.
      latest_filename: Optional name of the checkpoint file. Default to 'checkpoint'.
      all_model_checkpoint_timestamps: Optional list of timestamps (floats, seconds since
        the Epoch) indicating when the checkpoints in `all_model_checkpoint_paths` were
        created.
      last_preserved_timestamp: A float, indicating the number of seconds since the Epoch
        when the last preserved checkpoint was written.
      save_relative_paths: If `True`, the paths are stored relative to `save_dir`.

    Raises:
      RuntimeError: If any of the model checkpoint paths conflict with the file containing
        CheckpointSate.
    """
    save_dir = os.fspath(save_dir)
    filename = _checkpoint_state_filename(save_dir, latest_filename)
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        if os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [os.path.relpath(p, save_dir) if os.path.isabs(p) else p for p in paths]
    ckpt = generate_checkpoint_state_proto(
        save_dir, model_checkpoint_path, paths, all_model_checkpoint_timestamps,
        last_preserved_timestamp,
    )  # fmt: skip
    if filename == ckpt.model_checkpoint_path:
        raise RuntimeError(
            f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint "
            "state.  Please use a different save path."
        )
    _core.atomic_write_file(filename, str(ckpt))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """Returns CheckpointState proto from the "checkpoint" file.

    If the "checkpoint" file contains a valid CheckpointState proto, returns it; relative
    paths in it are joined to `checkpoint_dir`.

    Args:
      checkpoint_dir: The directory of checkpoints.
      latest_filename: Optional name of the checkpoint file. Default to 'checkpoint'.

    Returns:
      A CheckpointState if the state was available, None otherwise.

    Raises:
      ValueError: if the checkpoint read doesn't have model_checkpoint_path set.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _checkpoint_state_filename(checkpoint_dir, latest_filename)
    if not os.path.isfile(filename):
        return None
    try:
        with open(filename, encoding="utf-8", errors="surrogateescape") as f:
            ckpt = parse_checkpoint_state(f.read())
    except (OSError, ParseError) as e:
        _log.warning("%s: %s", type(e).__name__, e)
        _log.warning("%s: Checkpoint ignored", filename)
        return None
    if not ckpt.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(ckpt.model_checkpoint_path):
        ckpt.model_checkpoint_path = os.path.join(checkpoint_dir, ckpt.model_checkpoint_path)
    ckpt.all_model_checkpoint_paths = [
        p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        for p in ckpt.all_model_checkpoint_paths
    ]
    return ckpt


def _files_of(prefix: str) -> list[str]:
    """The files of the checkpoint at `prefix`, index first (empty if there is none)."""
    if os.path.isfile(prefix + ".safetensors"):
        return [prefix + ".safetensors"]
    if os.path.isfile(prefix + ".index"):
        return [prefix + ".index", *sorted(glob.glob(glob.escape(prefix) + ".data-?????-of-?????"))]
    return []


def _normalize_prefix(prefix) -> str:
    """A prefix, also accepting the path of the checkpoint's own file."""
    prefix = os.fspath(prefix)
    for suffix in (".safetensors", ".index"):
        if prefix.endswith(suffix) and os.path.isfile(prefix) and not _files_of(prefix):
            return prefix[: -len(suffix)]
    return prefix


def checkpoint_exists(checkpoint_prefix) -> bool:
    """Checks whether a V1 or V2 checkpoint exists with the specified prefix.

    varflow looks for its own checkpoint (`<prefix>.safetensors`) and for a TensorFlow V2
    checkpoint (`<prefix>.index`).

    Args:
      checkpoint_prefix: the prefix of a checkpoint, as the output of `saver.save()` or
        that of `tf.train.latest_checkpoint()`.

    Returns:
      A bool, true if a checkpoint referred to by `checkpoint_prefix` exists.
    """
    return bool(_files_of(_normalize_prefix(checkpoint_prefix)))


checkpoint_exists_internal = checkpoint_exists


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """Finds the filename of latest saved checkpoint file.

    Args:
      checkpoint_dir: Directory where the variables were saved.
      latest_filename: Optional name for the protocol buffer file that contains the list of
        most recent checkpoint filenames. See the corresponding argument to `Saver.save()`.

    Returns:
      The full path to the latest checkpoint or `None` if no checkpoint was found.
    """
    ckpt = get_checkpoint_state(checkpoint_dir, latest_filename)
    if ckpt and ckpt.model_checkpoint_path:
        if checkpoint_exists(ckpt.model_checkpoint_path):
            return ckpt.model_checkpoint_path
        _log.error("Couldn't match files for checkpoint %s", ckpt.model_checkpoint_path)
    return None


def get_checkpoint_mtimes(checkpoint_prefixes) -> list[float]:
    """Returns the mtimes (modification timestamps) of the checkpoints.

    Globs for the checkpoints pointed to by `checkpoint_prefixes`. If the files exist,
    collect their mtime. Checkpoints that do not exist are left out.

    Args:
      checkpoint_prefixes: a list of checkpoint paths, typically the results of
        `Saver.save()` or those of `tf.train.latest_checkpoint()`.

    Returns:
      A list of mtimes (in seconds since the Epoch) of the found checkpoints.
    """
    mtimes = []
    for prefix in checkpoint_prefixes:
        files = _files_of(_normalize_prefix(prefix))
        if files:
            mtimes.append(os.stat(files[0]).st_mtime_ns / 1e9)
    return mtimes


def meta_graph_filename(checkpoint_filename, meta_graph_suffix="meta") -> str:
    """Returns the meta graph filename of a checkpoint.

    Args:
      checkpoint_filename: Name of the checkpoint file (its prefix).
      meta_graph_suffix: Suffix for `MetaGraphDef` file. Defaults to 'meta'.

    Returns:
      MetaGraph file name, e.g. `"model.ckpt-100.meta"`.
    """
    basename = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return f"{basename}.{meta_graph_suffix}"


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """Removes a checkpoint given by `checkpoint_prefix`.

    Deletes the files of the checkpoint in both formats (varflow's and TensorFlow's) and its
    meta graph file.

    Args:
      checkpoint_prefix: The prefix of a V1 or V2 checkpoint. Typically the result of
        `Saver.save()` or that of `tf.train.latest_checkpoint()`.
      checkpoint_format_version: `SaverDef.CheckpointFormatVersion`, defaults to
        `SaverDef.V2`.
      meta_graph_suffix: Suffix for `MetaGraphDef` file. Defaults to 'meta'.
    """
    prefix = os.fspath(checkpoint_prefix)
    candidates = [meta_graph_filename(prefix, meta_graph_suffix), prefix + ".safetensors",
                  prefix + ".index"]  # fmt: skip
    candidates += glob.glob(glob.escape(prefix) + ".data-?????-of-?????")
    for path in candidates:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
