"""tf.data's feedable iterators (Iterator.from_string_handle / string_handle), compressed
TFRecordDatasets (GZIP and ZLIB, as tf.io.TFRecordWriter writes them) and SparseTensor
elements (VarLenFeature parsed in a map)."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from test_data_tfrecord import _field, _varint


def test_from_string_handle_switches_between_iterators():
    with tf.Graph().as_default():
        train = tf.data.Dataset.range(100).map(lambda x: x * 2)
        val = tf.data.Dataset.range(3).map(lambda x: -x)
        handle = tf.placeholder(tf.string, shape=[])
        iterator = tf.data.Iterator.from_string_handle(
            handle, train.output_types, train.output_shapes
        )
        nxt = iterator.get_next()
        train_it = tf.data.make_one_shot_iterator(train)
        val_it = tf.data.make_initializable_iterator(val)
        with tf.Session() as sess:
            th, vh = sess.run([train_it.string_handle(), val_it.string_handle()])
            assert isinstance(th, bytes)
            assert th != vh
            assert [sess.run(nxt, {handle: th}) for _ in range(3)] == [0, 2, 4]
            sess.run(val_it.initializer)
            assert [sess.run(nxt, {handle: vh}) for _ in range(3)] == [0, -1, -2]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(nxt, {handle: vh})
            assert sess.run(nxt, {handle: th}) == 6  # the train iterator went on where it was
            sess.run(val_it.initializer)
            assert sess.run(nxt, {handle: vh}) == 0
            with pytest.raises(tf.errors.InvalidArgumentError, match="string_handle"):
                sess.run(nxt, {handle: b"not a handle"})


def test_string_handle_signature_must_match():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensors((np.int64(1), np.float32(2)))
        handle = tf.placeholder(tf.string, shape=[])
        wrong = tf.data.Iterator.from_string_handle(handle, tf.int64, tf.TensorShape([]))
        it = tf.data.make_one_shot_iterator(ds)
        with tf.Session() as sess:
            h = sess.run(it.string_handle())
            with pytest.raises(tf.errors.InvalidArgumentError, match="Number of components"):
                sess.run(wrong.get_next(), {handle: h})


@pytest.mark.parametrize("compression", ["GZIP", "ZLIB", ""])
def test_compressed_tfrecord_dataset(tmp_path, compression):
    records = [b"x" * n + bytes([n % 256]) for n in (0, 1, 100, 70000, 5)]
    paths = []
    for k in range(2):
        path = str(tmp_path / f"r{k}")
        with tf.io.TFRecordWriter(path, tf.io.TFRecordOptions(compression)) as w:
            for r in records[k:]:
                w.write(r)
        paths.append(path)
    with tf.Graph().as_default():
        ds = tf.data.TFRecordDataset(paths, compression_type=compression)
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        got = []
        with tf.Session() as sess:
            while True:
                try:
                    got.append(sess.run(nxt))
                except tf.errors.OutOfRangeError:
                    break
    assert got == records + records[1:]


def test_corrupt_gzip_is_data_loss(tmp_path):
    path = tmp_path / "r"
    with tf.io.TFRecordWriter(str(path), tf.io.TFRecordOptions("GZIP")) as w:
        for _ in range(50):
            w.write(b"abc" * 100)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data[: len(data) - 10]))
    with tf.Graph().as_default():
        nxt = tf.data.make_one_shot_iterator(
            tf.data.TFRecordDataset(str(path), compression_type="GZIP")
        ).get_next()
        with tf.Session() as sess:

            def drain():
                for _ in range(60):
                    sess.run(nxt)

            with pytest.raises(tf.errors.DataLossError):
                drain()


def test_unknown_compression_is_value_error():
    with pytest.raises(ValueError, match="Unsupported compression_type"):
        tf.data.TFRecordDataset("x", compression_type="LZ4")


def test_sparse_elements_map_and_classes():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(4).map(
            lambda x: tf.SparseTensor(tf.reshape(x, [1, 1]), tf.reshape(x * 10, [1]), [5])
        )
        assert ds.output_classes is tf.SparseTensor
        ds = ds.map(lambda sp: (tf.sparse.to_dense(sp), sp))
        dense, sp = tf.data.make_one_shot_iterator(ds).get_next()
        assert isinstance(sp, tf.SparseTensor)
        with tf.Session() as sess:
            d, s = sess.run((dense, sp))
            np.testing.assert_array_equal(d, [0, 0, 0, 0, 0])
            d, s = sess.run((dense, sp))
            np.testing.assert_array_equal(d, [0, 10, 0, 0, 0])
            assert isinstance(s, tf.SparseTensorValue)
            np.testing.assert_array_equal(s.indices, [[1]])
        with pytest.raises(TypeError, match="`padded_batch` is only supported for datasets"):
            tf.data.Dataset.range(2).map(
                lambda x: tf.SparseTensor([[0]], tf.reshape(x, [1]), [1])
            ).padded_batch(2)


def _example(values):
    """A serialized tf.train.Example: `v` an int64 list of `values`, `d` its length (a float)."""
    features = {
        b"v": _field(3, _field(1, b"".join(_varint(v) for v in values)) if values else b""),
        b"d": _field(2, _field(1, np.asarray([len(values)], "<f4").tobytes())),
    }
    entries = b"".join(_field(1, _field(1, k) + _field(2, v)) for k, v in features.items())
    return _field(1, entries)


def test_batch_of_var_len_features_is_tf1s_sparse_batch():
    # Expected values recorded from TF 2.21's tf.compat.v1 (the same program).
    records = [_example([1, 2, 3]), _example([]), _example([4]), _example([5, 6])]
    features = {"v": tf.VarLenFeature(tf.int64), "d": tf.FixedLenFeature([1], tf.float32)}
    with tf.Graph().as_default():
        ds = (
            tf.data.Dataset.from_tensor_slices(records)
            .map(lambda s: tf.parse_single_example(s, features))
            .batch(3)
        )
        assert ds.output_classes == {"v": tf.SparseTensor, "d": tf.Tensor}
        nxt = tf.data.make_one_shot_iterator(ds).get_next()
        assert isinstance(nxt["v"], tf.SparseTensor)
        assert nxt["v"].dense_shape.shape.as_list() == [2]
        with tf.Session() as sess:
            first, second = sess.run(nxt), sess.run(nxt)
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(nxt)
    np.testing.assert_array_equal(first["v"].indices, [[0, 0], [0, 1], [0, 2], [2, 0]])
    np.testing.assert_array_equal(first["v"].values, [1, 2, 3, 4])
    np.testing.assert_array_equal(first["v"].dense_shape, [3, 3])
    np.testing.assert_array_equal(first["d"], [[3.0], [0.0], [1.0]])
    np.testing.assert_array_equal(second["v"].indices, [[0, 0], [0, 1]])
    np.testing.assert_array_equal(second["v"].values, [5, 6])
    np.testing.assert_array_equal(second["v"].dense_shape, [1, 2])


def test_batch_of_rank_two_sparse_tensors_takes_each_dimensions_largest():
    # TF 2.21 (compat.v1): indices [[0, 0, 0], [1, 0, 0]], values [0, 1], dense shape [2, 2, 3].
    with tf.Graph().as_default():
        ds = (
            tf.data.Dataset.range(3)
            .map(
                lambda i: tf.SparseTensor(
                    indices=[[0, 0]],
                    values=tf.reshape(i, [1]),
                    dense_shape=tf.stack([i + 1, 2 * i + 1]),
                )
            )
            .batch(2, drop_remainder=True)
            .map(lambda sp: (sp, tf.sparse.to_dense(sp)))
        )
        sp, dense = tf.data.make_one_shot_iterator(ds).get_next()
        with tf.Session() as sess:
            value, d = sess.run((sp, dense))
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(sp)
    np.testing.assert_array_equal(value.indices, [[0, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(value.values, [0, 1])
    np.testing.assert_array_equal(value.dense_shape, [2, 2, 3])
    assert d.shape == (2, 2, 3)
    assert d[1, 0, 0] == 1
    assert d.sum() == 1


def test_batch_of_sparse_tensors_of_different_ranks_is_an_error():
    def element(i):
        rank = i + 1  # 1, then 2
        indices = tf.zeros(tf.stack([tf.constant(1, tf.int64), rank]), tf.int64)
        return tf.SparseTensor(
            indices, tf.reshape(i, [1]), tf.ones(tf.reshape(rank, [1]), tf.int64)
        )

    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(2).map(element)
        nxt = tf.data.make_one_shot_iterator(ds.batch(2)).get_next()
        with (
            tf.Session() as sess,
            pytest.raises(
                tf.errors.InvalidArgumentError, match="Inconsistent rank across SparseTensors"
            ),
        ):
            sess.run(nxt)
