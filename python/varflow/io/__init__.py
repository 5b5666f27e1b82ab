"""``tf.io``: the file API (``tf.io.gfile``) and TFRecord files. TF1's other ``tf.io``
functions (parsing, decoding, serialising tensors) are not implemented."""

from __future__ import annotations

from varflow.data.parsing_ops import (
    FixedLenFeature,
    VarLenFeature,
    parse_example,
    parse_single_example,
)
from varflow.framework import write_graph
from varflow.io import gfile
from varflow.io.tf_record import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "io") or f"module 'varflow.io' has no attribute '{name}'"
    )


__all__ = [
    "FixedLenFeature",
    "TFRecordCompressionType",
    "TFRecordOptions",
    "TFRecordWriter",
    "VarLenFeature",
    "gfile",
    "parse_example",
    "parse_single_example",
    "tf_record_iterator",
    "write_graph",
]
