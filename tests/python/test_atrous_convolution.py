"""tf.nn.atrous_conv2d, atrous_conv2d_transpose and tf.nn.convolution: forward values and
the gradients of a weighted sum against TF-recorded fixtures (fixtures/atrous, made by its
make_fixtures.py with the TF oracle), op names, and TF1's argument errors."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import varflow as tf

FIXTURES = np.load(pathlib.Path(__file__).parent / "fixtures" / "atrous" / "expected.npz")

BUILDERS = {
    **{
        f"atrous/{rate}/{padding}": (
            lambda x, f, r=rate, p=padding: tf.nn.atrous_conv2d(x, f, r, p),
            4,
        )
        for rate in (1, 2, 3)
        for padding in ("SAME", "VALID")
    },
    **{
        f"transpose/2/{padding}": (
            lambda x, f, p=padding: tf.nn.atrous_conv2d_transpose(
                tf.nn.atrous_conv2d(x, f, 2, p), f, [2, 11, 10, 3], 2, p
            ),
            4,
        )
        for padding in ("SAME", "VALID")
    },
    "convolution2d/strides": (lambda x, f: tf.nn.convolution(x, f, "SAME", strides=[2, 3]), 4),
    "convolution2d/dilated": (
        lambda x, f: tf.nn.convolution(x, f, "VALID", dilation_rate=[2, 1]),
        4,
    ),
    "convolution1d/dilated": (
        lambda x, f: tf.nn.convolution(x, f, "SAME", dilation_rate=[3]),
        3,
    ),
    "convolution1d/strided": (lambda x, f: tf.nn.convolution(x, f, "VALID", strides=2), 3),
}


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_values_and_gradients_match_tf(key):
    build, rank = BUILDERS[key]
    x = tf.constant(FIXTURES[f"x{rank}"])
    f = tf.constant(FIXTURES[f"f{rank}"])
    y = build(x, f)
    want = FIXTURES[f"{key}/y"]
    assert y.shape.as_list() == list(want.shape)
    loss = tf.reduce_sum(y * tf.constant(FIXTURES[f"{key}/w"]))
    dx, df = tf.gradients(loss, [x, f])
    with tf.Session() as sess:
        got_y, got_dx, got_df = sess.run([y, dx, df])
    np.testing.assert_allclose(got_y, want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_dx, FIXTURES[f"{key}/dx"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got_df, FIXTURES[f"{key}/df"], rtol=1e-10, atol=1e-12)


def test_names_follow_the_scope():
    x = tf.zeros([1, 8, 8, 2])
    f = tf.zeros([3, 3, 2, 4])
    assert tf.nn.convolution(x, f, "SAME").op.name == "convolution"
    assert tf.nn.atrous_conv2d(x, f, 2, "SAME", name="aspp").op.name == "aspp"
    y = tf.nn.atrous_conv2d_transpose(tf.zeros([1, 8, 8, 4]), f, [1, 8, 8, 2], 2, "SAME")
    assert (y.op.name, y.op.type) == ("atrous_conv2d_transpose", "Conv2DBackpropInput")
    assert tf.nn.convolution(tf.zeros([1, 8, 2]), tf.zeros([3, 2, 4]), "VALID").shape == (1, 6, 4)


def test_bad_arguments():
    x = tf.zeros([1, 8, 8, 2])
    f = tf.zeros([3, 3, 2, 4])
    with pytest.raises(ValueError, match="rate 0 cannot be less than one"):
        tf.nn.atrous_conv2d(x, f, 0, "SAME")
    with pytest.raises(ValueError, match="rate -1 cannot be less than one"):
        tf.nn.atrous_conv2d_transpose(tf.zeros([1, 8, 8, 4]), f, [1, 8, 8, 2], -1, "SAME")
    with pytest.raises(ValueError, match="padding must be either VALID or SAME"):
        tf.nn.atrous_conv2d_transpose(tf.zeros([1, 8, 8, 4]), f, [1, 8, 8, 2], 2, "FULL")
    with pytest.raises(ValueError, match="strides > 1 not supported in conjunction"):
        tf.nn.convolution(x, f, "SAME", strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="Unknown padding"):
        tf.nn.convolution(x, f, "same")
    with pytest.raises(ValueError, match="convolution is 1-D, 2-D or 3-D; got 4-D"):
        tf.nn.convolution(tf.zeros([1, 4, 4, 4, 4, 2]), tf.zeros([2, 2, 2, 2, 2, 3]), "SAME")
    with pytest.raises(ValueError, match="dilation_rate must be of length 2"):
        tf.nn.convolution(x, f, "SAME", dilation_rate=[1, 2, 3])
    with pytest.raises(ValueError, match="mutually exclusive"):
        tf.nn.convolution(x, f, "SAME", filters=f)
    with pytest.raises(ValueError, match="same rank"):
        tf.nn.convolution(tf.zeros([8, 8, 2]), f, "SAME")
