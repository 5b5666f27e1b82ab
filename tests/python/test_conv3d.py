"""3-D convolution: tf.nn.conv3d, conv3d_transpose and tf.nn.convolution over 5-D inputs
(ops Conv3D, Conv3DBackpropInputV2, Conv3DBackpropFilterV2), forward values and the gradients
of a weighted sum against TF-recorded fixtures (fixtures/conv3d, made by its make_fixtures.py
with the TF oracle), the gradient ops' own gradients against finite differences, and TF1's
shape rules and errors."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import varflow as tf
from finite_differences import numeric_gradient

FIXTURES = np.load(pathlib.Path(__file__).parent / "fixtures" / "conv3d" / "expected.npz")

CASES = {
    "valid": lambda x, f: tf.nn.conv3d(x, f, [1, 1, 1, 1, 1], "VALID"),
    "same": lambda x, f: tf.nn.conv3d(x, f, [1, 1, 1, 1, 1], "SAME"),
    "strided_same": lambda x, f: tf.nn.conv3d(x, f, [1, 2, 3, 1, 1], "SAME"),
    "strided_valid": lambda x, f: tf.nn.conv3d(x, f, [1, 2, 1, 2, 1], "VALID"),
    "dilated": lambda x, f: tf.nn.convolution(x, f, "SAME", dilation_rate=[2, 1, 2]),
    "transpose": lambda x, f: tf.nn.conv3d_transpose(
        tf.nn.conv3d(x, f, [1, 2, 2, 1, 1], "SAME"), f, [2, 6, 7, 5, 3], [1, 2, 2, 1, 1], "SAME"
    ),
}
TOL = {"float64": 1e-10, "float32": 2e-4}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("key", sorted(CASES))
def test_values_and_gradients_match_tf(key, dtype):
    x = tf.constant(FIXTURES["x"].astype(dtype))
    f = tf.constant(FIXTURES["f"].astype(dtype))
    y = CASES[key](x, f)
    want = FIXTURES[f"{dtype}/{key}/y"]
    assert y.shape.as_list() == list(want.shape)
    loss = tf.reduce_sum(y * tf.constant(FIXTURES[f"{dtype}/{key}/w"]))
    dx, df = tf.gradients(loss, [x, f])
    with tf.Session() as sess:
        got = sess.run([y, dx, df])
    for value, part in zip(got, ("y", "dx", "df"), strict=True):
        expected = FIXTURES[f"{dtype}/{key}/{part}"]
        scale = np.abs(expected).max()
        np.testing.assert_allclose(value, expected, rtol=TOL[dtype], atol=TOL[dtype] * scale)


def test_second_order_gradients_match_finite_differences():
    """The gradient ops' gradients (Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 are
    differentiable, as TF1's)."""
    rng = np.random.default_rng(2)
    x0 = rng.normal(size=(1, 4, 3, 3, 2))
    f0 = rng.normal(size=(2, 2, 2, 2, 2))
    x = tf.placeholder(tf.float64, x0.shape)
    f = tf.placeholder(tf.float64, f0.shape)
    y = tf.nn.conv3d(x, f, [1, 1, 2, 1, 1], "SAME")
    dx, df = tf.gradients(tf.reduce_sum(tf.sin(y)), [x, f])
    second = tf.reduce_sum(dx * dx) + tf.reduce_sum(df * df)
    gx, gf = tf.gradients(second, [x, f])
    with tf.Session() as sess:
        got_x, got_f = sess.run([gx, gf], {x: x0, f: f0})

        def value(xv, fv):
            return sess.run(second, {x: xv, f: fv})

        np.testing.assert_allclose(
            got_x, numeric_gradient(lambda v: value(v, f0), x0), rtol=1e-5, atol=1e-7
        )
        np.testing.assert_allclose(
            got_f, numeric_gradient(lambda v: value(x0, v), f0), rtol=1e-5, atol=1e-7
        )


def test_shapes_and_names():
    x = tf.placeholder(tf.float32, [None, 8, 8, 8, 3])
    f = tf.zeros([3, 3, 3, 3, 5])
    y = tf.nn.conv3d(x, f, [1, 2, 2, 2, 1], "SAME")
    assert (y.op.type, y.shape.as_list()) == ("Conv3D", [None, 4, 4, 4, 5])
    assert tf.nn.conv3d(x, f, [1, 1, 1, 1, 1], "VALID").shape.as_list() == [None, 6, 6, 6, 5]
    t = tf.nn.conv3d_transpose(tf.zeros([2, 4, 4, 4, 5]), f, [2, 8, 8, 8, 3], [1, 2, 2, 2, 1])
    assert (t.op.name, t.op.type) == ("conv3d_transpose", "Conv3DBackpropInputV2")
    assert t.shape.as_list() == [2, 8, 8, 8, 3]
    c = tf.nn.convolution(x, f, "VALID", strides=[1, 2, 1])
    assert (c.op.name, c.shape.as_list()) == ("convolution", [None, 6, 3, 6, 5])
    assert tf.nn.conv3d(tf.placeholder(tf.float32), f, [1] * 5, "SAME").shape.ndims == 5


def test_bad_input():
    x = tf.zeros([1, 4, 4, 4, 3])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 2, 4]), [1] * 5, "SAME")
    with pytest.raises(ValueError, match="Shape must be rank 5 but is rank 4"):
        tf.nn.conv3d(tf.zeros([4, 4, 4, 3]), tf.zeros([2, 2, 2, 3, 4]), [1] * 5, "SAME")
    with pytest.raises(ValueError, match="stride attribute to contain 5 values"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 3, 4]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="strides in the batch and depth dimensions"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 3, 4]), [2, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match='not in: "SAME", "VALID"'):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 3, 4]), [1] * 5, "EXPLICIT")
    with pytest.raises(ValueError, match="Negative dimension size"):
        tf.nn.conv3d(x, tf.zeros([5, 2, 2, 3, 4]), [1] * 5, "VALID")
    with pytest.raises(TypeError, match="Conv3D"):
        tf.nn.conv3d(
            tf.zeros([1, 4, 4, 4, 3], tf.int32),
            tf.zeros([2, 2, 2, 3, 4], tf.int32),
            [1] * 5,
            "SAME",
        )
    # Fed shapes are checked again when run.
    p = tf.placeholder(tf.float64, [None, None, None, None, None])
    y = tf.nn.conv3d(p, tf.zeros([2, 2, 2, 3, 4], tf.float64), [1] * 5, "SAME")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Conv3D: input depth"):
            sess.run(y, {p: np.zeros((1, 3, 3, 3, 2))})
    nc = tf.nn.conv3d(
        tf.zeros([1, 3, 4, 4, 4]), tf.zeros([2, 2, 2, 3, 4]), [1] * 5, "SAME", data_format="NCDHW"
    )
    assert nc.shape.as_list() == [1, 4, 4, 4, 4]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="only supports the NHWC"):
            sess.run(nc)
