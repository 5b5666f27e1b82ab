"""``tf.train.write_graph``: a GraphDef (or any protobuf) to a file, text or binary, written
atomically (temporary file, fsync, rename) as TF1's file_io.atomic_write_string_to_file does."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from google.protobuf import text_format


def atomic_write(path: Path, data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically: a temporary file, fsync, then rename.

    A reader never sees a partial file, and a failed write leaves the old file in place
    (TF1's ``file_io.atomic_write_string_to_file``).

    Args:
      path: The ``pathlib.Path`` to write; its directory must exist.
      data: The bytes to write.
    """
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
    """Writes a graph's ``GraphDef`` (or any proto) to ``logdir/name``, atomically.

    A text proto by default, binary with ``as_text=False``:

        tf.train.write_graph(tf.get_default_graph(), "/tmp/model", "graph.pbtxt")
        tf.train.write_graph(sess.graph_def, "/tmp/model", "graph.pb", as_text=False)

    Args:
      graph_or_graph_def: A ``Graph``, a ``GraphDef``, or any proto
        (``export_meta_graph`` writes its ``MetaGraphDef`` this way).
      logdir: The directory; it is made if missing.
      name: The file's name.
      as_text: If True, a text proto; if False, binary.

    Returns:
      The path of the file written.
    """
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
