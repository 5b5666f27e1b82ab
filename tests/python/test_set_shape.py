"""Tensor.set_shape refines the static shape as TF1 does: later ops infer from the merged
shape, feeds are checked against it, an incompatible claim is TF's ValueError."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf


def test_set_shape_merges_and_later_ops_see_it():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        x.set_shape([2, None])
        assert x.shape.as_list() == [2, None]
        x.set_shape([None, 3])
        assert x.shape.as_list() == [2, 3]
        y = tf.matmul(x, tf.zeros([3, 4]))
        assert y.shape.as_list() == [2, 4]
        assert x.get_shape().as_list() == [2, 3]


def test_set_shape_on_unknown_rank():
    with tf.Graph().as_default():
        u = tf.placeholder(tf.float32)
        u.set_shape([None, 5])
        assert u.shape.as_list() == [None, 5]
        assert (u * 2).shape.as_list() == [None, 5]
        u.set_shape(None)  # no information: unchanged
        assert u.shape.as_list() == [None, 5]


def test_incompatible_claims_are_tf_value_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, None])
        x.set_shape([None, 3])
        with pytest.raises(
            ValueError,
            match=r"Dimension 0 in both shapes must be equal, but are 2 and 3\. "
            r"Shapes are \[2,3\] and \[3,3\]\.",
        ):
            x.set_shape([3, 3])
        with pytest.raises(ValueError, match="Shapes must be equal rank, but are 2 and 3"):
            x.set_shape([2, 3, 1])
        assert x.shape.as_list() == [2, 3]  # a rejected claim changes nothing


def test_feeds_are_checked_against_the_refined_shape():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        x.set_shape([2, 3])
        y = x + 1.0
        with tf.Session() as s:
            np.testing.assert_allclose(s.run(y, {x: np.zeros([2, 3])}), np.ones([2, 3]))
            with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 4\)"):
                s.run(y, {x: np.zeros([2, 4])})


def test_set_shape_of_an_op_output():
    with tf.Graph().as_default():
        z = tf.reshape(tf.range(6), tf.placeholder(tf.int32, [1]))
        assert z.shape.as_list() == [None]
        z.set_shape([6])
        assert z.shape.as_list() == [6]
        assert tf.reshape(z, [2, -1]).shape.as_list() == [2, 3]
