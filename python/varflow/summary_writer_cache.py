"""``tf.summary.FileWriterCache``: one ``FileWriter`` per log directory, shared by the hooks."""

from __future__ import annotations

import threading
import time

__all__ = ["FileWriterCache"]


def add_meta_graph(writer, graph, saver_def=None, global_step=None) -> None:
    """Writes `graph`'s MetaGraphDef to `writer`'s event file.

    TF1's FileWriter.add_meta_graph; TF1's writer also does it when it is made with a graph.

    Args:
      writer: A `FileWriter`.
      graph: The `Graph` to describe.
      saver_def: An optional `SaverDef` to include.
      global_step: An optional step to record with the event.
    """
    from varflow.framework import export_meta_graph
    from varflow.summary import _tb

    meta = export_meta_graph(saver_def=saver_def, graph=graph)
    event = _tb().event_pb2.Event(meta_graph_def=meta.SerializeToString())
    event.wall_time = time.time()
    if global_step is not None:
        event.step = int(global_step)
    writer.add_event(event)


class FileWriterCache:
    """Cache for file writers.

    This class caches file writers, one per directory: the summary, step-counter and
    checkpoint hooks of a MonitoredTrainingSession write to one event file.
    """

    _cache: dict = {}
    _lock = threading.RLock()

    @staticmethod
    def clear():
        """Clear cached summary writers. Currently only used for unit tests."""
        with FileWriterCache._lock:
            for writer in FileWriterCache._cache.values():
                writer.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir):
        """Returns the FileWriter for the specified directory.

        Args:
          logdir: str, name of the directory.

        Returns:
          A `FileWriter`.
        """
        from varflow.graph import get_default_graph
        from varflow.summary import FileWriter

        with FileWriterCache._lock:
            writer = FileWriterCache._cache.get(logdir)
            if writer is None:
                graph = get_default_graph()
                writer = FileWriter(logdir, graph=graph)
                add_meta_graph(writer, graph)
                FileWriterCache._cache[logdir] = writer
            elif writer._closed:
                writer.reopen()
            return writer
