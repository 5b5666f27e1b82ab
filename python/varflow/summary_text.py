"""``tf.summary.text``: a string tensor as a TensorBoard text summary (TF1's
python/summary/text_summary.py): one value with the text plugin's metadata and the strings
in a DT_STRING TensorProto."""

from __future__ import annotations

import numpy as np

from varflow import dtypes
from varflow import summary as _summary
from varflow.graph import GraphKeys, convert_to_tensor

_DT_STRING = 7  # tensorflow/core/framework/types.proto


def string_tensor_proto(arr, proto) -> None:
    """Fills a TensorProto with `arr`'s strings (bytes, or str encoded as UTF-8).

    Args:
      arr: An array-like of strings (bytes or str), any shape.
      proto: The ``TensorProto`` to fill: its dtype, shape and ``string_val``.
    """
    arr = np.asarray(arr)
    proto.dtype = _DT_STRING
    _summary._set_shape(proto.tensor_shape, arr.shape)
    items = arr.reshape(-1).tolist()
    proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in items)


def _encode_text(summary, tag, arr) -> None:
    value = summary.value.add(tag=tag)
    value.metadata.plugin_data.plugin_name = "text"
    string_tensor_proto(arr, value.tensor)


def text(name, tensor, collections=None) -> object:
    """Summarizes textual data.

    Text data summarized this way is shown in TensorBoard's Text dashboard, where each string
    is rendered as Markdown (a 2-D tensor as a table).

    Args:
      name: A name for the generated node; also the series name in TensorBoard.
      tensor: A string ``Tensor`` of any shape.
      collections: Optional list of graph collection keys the summary is added to. Defaults to
        ``[GraphKeys.SUMMARIES]``.

    Returns:
      A ``Tensor`` that ``sess.run`` turns into a serialized ``Summary`` protocol buffer.

    Raises:
      ValueError: If ``tensor`` does not have dtype string.
    """

    def check(t):
        if t.dtype.base_dtype != dtypes.string:
            raise ValueError(f"Expected tensor {t.name} to have dtype string, got {t.dtype!r}")

    tensor = convert_to_tensor(tensor)
    keys = collections if collections is not None else [GraphKeys.SUMMARIES]
    return _summary._summary_op(name, tensor, keys, None, _encode_text, check)
