"""``tf.train.summary_iterator``: the ``Event`` protos of an event file, in order."""

from __future__ import annotations

__all__ = ["summary_iterator"]


def summary_iterator(path):
    """Returns a iterator for reading `Event` protocol buffers from an event file.

    You can use this function to read events written to an event file. It returns a Python
    iterator that yields `Event` protocol buffers.

    Example: Print the contents of an events file.

    ```python
    for e in tf.compat.v1.train.summary_iterator(path to events file):
        print(e)
    ```

    Args:
      path: The path to an event file created by a `SummaryWriter`.

    Yields:
      `Event` protocol buffers.
    """
    from varflow.io.tf_record import tf_record_iterator
    from varflow.summary import _tb

    event_cls = _tb().event_pb2.Event
    for record in tf_record_iterator(path):
        yield event_cls.FromString(record)
