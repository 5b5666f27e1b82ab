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
    """Writes a graph proto to a file.

    The graph is written as a text proto unless ``as_text`` is ``False``, atomically.

        v = tf.Variable(0, name="my_variable")
        sess = tf.Session()
        tf.train.write_graph(sess.graph_def, "/tmp/my-model", "train.pbtxt")

    or

        tf.train.write_graph(sess.graph, "/tmp/my-model", "train.pbtxt")

    Args:
      graph_or_graph_def: A ``Graph`` or a ``GraphDef`` protocol buffer (or any protocol
        buffer: ``export_meta_graph`` writes its MetaGraphDef with it).
      logdir: Directory where to write the graph; it is created if missing.
      name: Filename for the graph.
      as_text: If ``True``, writes the graph as an ASCII proto.

    Returns:
      The path of the output proto file.
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
