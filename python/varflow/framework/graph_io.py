"""``tf.train.write_graph``: a GraphDef (or any protobuf) to a file, text or binary, written
atomically (temporary file, fsync, rename) as TF1's file_io.atomic_write_string_to_file does."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from google.protobuf import text_format


def atomic_write(path: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_graph(graph_or_graph_def, logdir, name, as_text=True) -> str:
    """Writes the graph's GraphDef (or the given protobuf) to ``logdir/name``; returns the path."""
    from varflow.graph import Graph

    proto = graph_or_graph_def
    if isinstance(proto, Graph):
        proto = proto.as_graph_def()
    directory = Path(os.fspath(logdir))
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if as_text:
        data = text_format.MessageToString(proto).encode()
    else:
        data = proto.SerializeToString(deterministic=True)
    atomic_write(path, data)
    return str(path)
