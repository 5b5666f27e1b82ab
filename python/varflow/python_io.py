"""``tf.python_io``: TF1's older name for the TFRecord reader and writer."""

from __future__ import annotations

from varflow.io.tf_record import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator"]
