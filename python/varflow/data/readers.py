"""``tf.data.TFRecordDataset``: the records of TFRecord files (as ``tf.io.TFRecordWriter``
writes them) as scalar string elements, read by the C++ pipeline."""

from __future__ import annotations

from varflow import dtypes
from varflow import graph as graph_module
from varflow.data.dataset_ops import DatasetV1Adapter
from varflow.tensor_shape import TensorShape


def _strings(value, name):
    if isinstance(value, graph_module.Tensor):
        if value.dtype.base_dtype != dtypes.string:
            raise TypeError(f"`{name}` must be a string tensor, got {value.dtype.name}")
        return value
    if isinstance(value, (str, bytes)):
        value = [value]
    values = [v.encode() if isinstance(v, str) else bytes(v) for v in value]
    return graph_module.constant(values, dtype=dtypes.string, name=name)


class TFRecordDataset(DatasetV1Adapter):
    """The records of one or more TFRecord files, file after file.

    `compression_type` is ``""``/None (uncompressed), ``"ZLIB"`` or ``"GZIP"``, as
    `tf.io.TFRecordOptions` writes them; the C++ reader inflates them as it reads.
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None):
        """Creates a ``TFRecordDataset`` to read one or more TFRecord files.

        Each element is a scalar ``tf.string``: one record, as ``tf.io.TFRecordWriter`` wrote
        it. The C++ reader checks each record's CRCs and raises ``DataLossError`` for a
        corrupted one, and ``NotFoundError`` for a missing file, when the iterator reaches it.

        Args:
          filenames: A ``tf.string`` tensor (or a string, or a list of strings) containing one
            or more filenames, read one after the other.
          compression_type: (Optional.) A ``tf.string`` scalar evaluating to one of ``""`` (no
            compression), ``"ZLIB"``, or ``"GZIP"``.
          buffer_size: Accepted for TF1 compatibility (the number of bytes TF buffers per
            file); the C++ reader chooses its own buffering.
          num_parallel_reads: Accepted for TF1 compatibility; varflow reads the files one at a
            time, in order (TF1 interleaves several when this is set).

        Raises:
          TypeError: if ``filenames`` is a tensor of another dtype than ``tf.string``.
          ValueError: if ``filenames`` has a rank above 1.
        """
        if compression_type not in (None, "", "ZLIB", "GZIP"):
            raise ValueError(
                f"Unsupported compression_type: {compression_type}. Supported compression "
                "types: , ZLIB, GZIP"
            )
        files = _strings(filenames, "filenames")
        if files.shape.ndims not in (None, 0, 1):
            raise ValueError("`filenames` must be a scalar or a vector of strings")
        compression = graph_module.constant(
            (compression_type or "").encode(), dtype=dtypes.string, name="compression_type"
        )
        super().__init__("TFRecord", dtypes.string, TensorShape([]), args=[files, compression])
