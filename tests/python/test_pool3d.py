"""3-D pooling: tf.nn.max_pool3d and avg_pool3d (ops MaxPool3D, AvgPool3D and their gradients)
against a NumPy reference of TF1's rules (windows clipped to the volume; the average counts
only inputs inside it; max's gradient goes to every tied maximum, as TF1's CPU kernel), and
TF1's errors. test_gradient_registry.py checks every gradient against finite differences."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import varflow as tf


def reference(x, k, s, padding, reduce):
    n, *spatial, c = x.shape
    outs, pads = [], []
    for size, kk, ss in zip(spatial, k, s, strict=True):
        if padding == "VALID":
            outs.append((size - kk + ss) // ss)
            pads.append(0)
        else:
            o = (size + ss - 1) // ss
            outs.append(o)
            pads.append(max(0, (o - 1) * ss + kk - size) // 2)
    y = np.zeros((n, *outs, c))
    for idx in itertools.product(*(range(o) for o in outs)):
        sl = []
        for o, kk, ss, p, size in zip(idx, k, s, pads, spatial, strict=True):
            start = o * ss - p
            sl.append(slice(max(start, 0), min(start + kk, size)))
        window = x[:, sl[0], sl[1], sl[2], :]
        y[(slice(None), *idx, slice(None))] = reduce(window, axis=(1, 2, 3))
    return y


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize(("k", "s"), [((2, 2, 2), (2, 2, 2)), ((3, 1, 2), (1, 2, 1))])
def test_pooling_matches_the_reference(padding, k, s):
    x = np.random.default_rng(1).normal(size=(2, 5, 4, 6, 3))
    with tf.Session() as sess:
        mx, av = sess.run(
            [
                tf.nn.max_pool3d(x, [1, *k, 1], [1, *s, 1], padding),
                tf.nn.avg_pool3d(x, k, s, padding),
            ]
        )
    np.testing.assert_allclose(mx, reference(x, k, s, padding, np.max), rtol=1e-15)
    np.testing.assert_allclose(av, reference(x, k, s, padding, np.mean), rtol=1e-13)


def test_max_gradient_goes_to_every_tie_and_grad_grad_to_the_first():
    x = tf.constant(np.ones((1, 2, 2, 2, 1), np.float32))
    y = tf.nn.max_pool3d(x, 2, 2, "VALID")
    dx = tf.gradients(y, x)[0]
    w = tf.constant(np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2, 1))
    grad_grad = tf.gradients(tf.reduce_sum(tf.gradients(y, x, grad_ys=tf.ones_like(y))[0]), [])
    assert grad_grad == []
    gg = (
        tf.get_default_graph()
        .create_op(
            "MaxPool3DGradGrad",
            [x, y, w],
            {"ksize": [1, 2, 2, 2, 1], "strides": [1, 2, 2, 2, 1], "padding": "VALID"},
        )
        .outputs[0]
    )
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(dx).ravel(), np.ones(8))
        np.testing.assert_array_equal(sess.run(gg).ravel(), [0.0])  # w at the first maximum


def test_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 8, 7, 6, 3])
    assert tf.nn.max_pool3d(x, 2, 2, "SAME").shape.as_list() == [None, 4, 4, 3, 3]
    assert tf.nn.avg_pool3d(x, 3, 1, "VALID").shape.as_list() == [None, 6, 5, 4, 3]
    with pytest.raises(ValueError, match="Pooling is not yet supported on the batch dimension"):
        tf.nn.max_pool3d(x, [2, 2, 2, 2, 1], 1, "SAME")
    with pytest.raises(ValueError, match="Sliding window ksize field must specify 5 dimensions"):
        tf.get_default_graph().create_op(
            "MaxPool3D", [x], {"ksize": [1, 2, 2, 1], "strides": [1] * 5, "padding": "SAME"}
        )
    with pytest.raises(ValueError, match="Shape must be rank 5 but is rank 4"):
        tf.nn.avg_pool3d(tf.zeros([2, 3, 4, 5]), 2, 1, "SAME")
    with pytest.raises(ValueError, match="Negative dimension size"):
        tf.nn.max_pool3d(x, [1, 9, 2, 2, 1], 1, "VALID")
    p = tf.placeholder(tf.float64, [None, None, None, None, None])
    nc = tf.nn.avg_pool3d(p, 2, 1, "SAME", data_format="NCDHW")
    with (
        tf.Session() as sess,
        pytest.raises(tf.errors.InvalidArgumentError, match="only supports NDHWC"),
    ):
        sess.run(nc, {p: np.zeros((1, 2, 3, 3, 3))})
