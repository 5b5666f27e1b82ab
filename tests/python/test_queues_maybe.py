"""tf.train.maybe_batch / maybe_shuffle_batch (+ _join): only the kept examples are enqueued.
Expected batches and errors as TF 2.21's tf.compat.v1 gives them (checked by hand there)."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf


def _drain(make):
    with tf.Graph().as_default():
        out = make()
        got = []
        with tf.train.MonitoredSession() as sess:
            while not sess.should_stop():
                got.append(sess.run(out).tolist())
        return got


def _items(values):
    (item,) = tf.train.slice_input_producer([tf.constant(values)], num_epochs=1, shuffle=False)
    return item


def test_maybe_batch_scalar_keep_input():
    def make():
        item = _items(np.arange(6, dtype=np.int32))
        return tf.train.maybe_batch(
            [item], tf.equal(item % 2, 0), 2, allow_smaller_final_batch=True
        )

    assert _drain(make) == [[0, 2], [4]]


def test_maybe_batch_vector_keep_input_with_enqueue_many():
    def make():
        item = _items(np.arange(6, dtype=np.int32).reshape(3, 2))
        return tf.train.maybe_batch(
            [item], item < 3, 2, enqueue_many=True, allow_smaller_final_batch=True
        )

    assert _drain(make) == [[0, 1], [2]]


def test_maybe_batch_join_and_shuffle_batch_keep_the_same_examples():
    def join():
        item = _items(np.arange(6, dtype=np.int32))
        return tf.train.maybe_batch_join([[item]], item >= 3, 2, allow_smaller_final_batch=True)

    assert _drain(join) == [[3, 4], [5]]

    def shuffled():
        item = _items(np.arange(8, dtype=np.int32))
        return tf.train.maybe_shuffle_batch(
            [item], 2, 10, 0, item < 5, seed=1, allow_smaller_final_batch=True
        )

    got = _drain(shuffled)
    assert sorted(v for b in got for v in b) == [0, 1, 2, 3, 4]


def test_static_keep_input_decides_at_graph_build():
    def make():
        item = _items(np.arange(3, dtype=np.int32))
        return tf.train.maybe_batch([item], True, 2, allow_smaller_final_batch=True)

    assert _drain(make) == [[0, 1], [2]]


def test_keep_input_errors_as_tf():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="cannot be a vector when `enqueue_many=False`"):
            tf.train.maybe_batch([tf.constant(1)], tf.constant([True]), 2)
        with pytest.raises(ValueError, match="must be 0 or 1 dimensions"):
            tf.train.maybe_batch([tf.constant([1])], tf.constant([[True]]), 2, enqueue_many=True)
        with pytest.raises(ValueError, match="dimensions must be known at graph construction"):
            tf.train.maybe_batch([tf.constant(1)], tf.placeholder(tf.bool), 2)


def test_public_queue_and_random_names():
    assert tf.queue.FIFOQueue is tf.FIFOQueue
    assert tf.queue.RandomShuffleQueue is tf.RandomShuffleQueue
    with tf.Graph().as_default():
        v = tf.Variable(0, dtype=tf.int32)
        c = tf.count_up_to(v, 2)
        s = tf.random_shuffle(tf.range(5), seed=3)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert [sess.run(c), sess.run(c)] == [0, 1]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(c)
            assert sorted(sess.run(s).tolist()) == [0, 1, 2, 3, 4]
    assert tf.random.shuffle is tf.random_shuffle
