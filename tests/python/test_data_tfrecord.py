"""tf.data.TFRecordDataset over files written by tf.io.TFRecordWriter, and
parse_single_example / parse_example of tf.train.Example protos (FixedLenFeature)."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import varflow as tf


def _varint(n: int) -> bytes:
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _example(image, label, name):
    """A tf.train.Example in protobuf's wire format (packed float and int64 lists)."""
    features = {
        b"image": _field(2, _field(1, np.asarray(image, "<f4").tobytes())),
        b"label": _field(3, _field(1, _varint(label))),
        b"name": _field(1, _field(1, name)),
    }
    entries = b"".join(_field(1, _field(1, k) + _field(2, v)) for k, v in features.items())
    return _field(1, entries)


@pytest.fixture
def records(tmp_path):
    paths = []
    for f in range(2):
        path = str(tmp_path / f"part-{f}.tfrecord")
        with tf.io.TFRecordWriter(path) as w:
            for i in range(3):
                k = 3 * f + i
                w.write(_example([k, k + 0.5, -k, 2.0 * k], k, f"ex{k}".encode()))
        paths.append(path)
    return paths


FEATURES = {
    "image": tf.FixedLenFeature([2, 2], tf.float32),
    "label": tf.FixedLenFeature([], tf.int64),
    "name": tf.FixedLenFeature([], tf.string),
    "weight": tf.FixedLenFeature([], tf.float32, default_value=1.5),
}


def test_records_parsed_in_a_map_then_batched(records):
    with tf.Graph().as_default():
        ds = tf.data.TFRecordDataset(records)
        ds = ds.map(lambda s: tf.parse_single_example(s, FEATURES)).batch(4)
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        assert nxt["image"].shape.as_list() == [None, 2, 2]
        with tf.Session() as sess:
            first = sess.run(nxt)
            second = sess.run(nxt)
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(nxt)
    assert first["label"].tolist() == [0, 1, 2, 3]
    assert second["label"].tolist() == [4, 5]
    np.testing.assert_array_equal(first["image"][1], [[1.0, 1.5], [-1.0, 2.0]])
    assert first["name"].tolist() == [b"ex0", b"ex1", b"ex2", b"ex3"]
    assert first["weight"].tolist() == [1.5] * 4


def test_parse_example_of_a_batch(records):
    with tf.Graph().as_default():
        ds = (
            tf.data.TFRecordDataset(records[1])
            .batch(3)
            .map(lambda s: tf.parse_example(s, {"label": tf.FixedLenFeature([1], tf.int64)}))
        )
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            assert sess.run(nxt)["label"].tolist() == [[3], [4], [5]]


def test_missing_and_mismatched_features(records):
    with tf.Graph().as_default():
        ds = tf.data.TFRecordDataset(records[0])
        missing = ds.map(
            lambda s: tf.parse_single_example(s, {"other": tf.FixedLenFeature([], tf.float32)})
        )
        wrong_size = ds.map(
            lambda s: tf.parse_single_example(s, {"image": tf.FixedLenFeature([3], tf.float32)})
        )
        wrong_type = ds.map(
            lambda s: tf.parse_single_example(s, {"label": tf.FixedLenFeature([], tf.float32)})
        )
        with tf.Session() as sess:
            for d, pattern in (
                (missing, r"Feature: other \(data type: float\) is required"),
                (wrong_size, r"Number of float values != expected.*output shape: \[3\]"),
                (wrong_type, r"Data types don't match"),
            ):
                nxt = d.make_one_shot_iterator().get_next()
                with pytest.raises(tf.errors.InvalidArgumentError, match=pattern):
                    sess.run(nxt)


def test_corrupt_and_missing_files(records, tmp_path):
    data = bytearray(pathlib.Path(records[0]).read_bytes())
    data[20] ^= 0xFF
    bad = tmp_path / "bad.tfrecord"
    bad.write_bytes(bytes(data))
    with tf.Graph().as_default():
        nxt = tf.data.TFRecordDataset(str(bad)).make_one_shot_iterator().get_next()
        gone = tf.data.TFRecordDataset(str(tmp_path / "nope")).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.DataLossError, match="corrupted record"):
                sess.run(nxt)
            with pytest.raises(tf.errors.NotFoundError, match="nope"):
                sess.run(gone)


def test_files_from_a_placeholder(records):
    with tf.Graph().as_default():
        files = tf.placeholder(tf.string, [None])
        it = tf.data.TFRecordDataset(files).make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer, {files: records[1:]})
            assert len([sess.run(nxt) for _ in range(3)]) == 3
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(nxt)
