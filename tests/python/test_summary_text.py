"""tf.summary.text: a string tensor as TF1's text summary (the text plugin's metadata and the
strings in a DT_STRING TensorProto), read back as TensorBoard reads it."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf

pytest.importorskip("tensorboard")

from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import summary_pb2, types_pb2
from tensorboard.util import tensor_util


def test_text_summary_holds_the_strings_for_the_text_dashboard(tmp_path):
    notes = tf.summary.text("notes", tf.constant([["**bold**", "plain"], ["a | b", "é"]]))
    assert notes.op.name == "notes"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [notes]
    fed = tf.placeholder(tf.string, shape=())
    line = tf.summary.text("line", fed, collections=[])
    with tf.Session() as sess, tf.summary.FileWriter(tmp_path) as writer:
        data = sess.run(notes)
        writer.add_summary(data, 1)
        writer.add_summary(sess.run(line, {fed: b"step two"}), 2)
    (value,) = summary_pb2.Summary.FromString(data).value
    assert value.tag == "notes"
    assert value.metadata.plugin_data.plugin_name == "text"
    assert value.tensor.dtype == types_pb2.DT_STRING
    np.testing.assert_array_equal(
        tensor_util.make_ndarray(value.tensor),
        np.array([[b"**bold**", b"plain"], [b"a | b", "é".encode()]], dtype=object),
    )

    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    assert sorted(acc.Tags()["tensors"]) == ["line", "notes"]
    (event,) = acc.Tensors("line")
    assert event.step == 2
    assert tensor_util.make_ndarray(event.tensor_proto).item() == b"step two"


def test_text_summary_needs_a_string_tensor():
    with pytest.raises(ValueError, match="to have dtype string"):
        tf.summary.text("number", tf.constant(1.0))
