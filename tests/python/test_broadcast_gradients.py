"""The broadcasting ops reduce their own gradients (TF1's math_grad), only where the static
shapes leave room for broadcasting: no reduction after other ops' gradients."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf


def _grad_ops(graph):
    return [op for op in graph.get_operations() if op.name.startswith("gradients")]


def _types(ops):
    return [op.type for op in ops]


def test_equal_static_shapes_take_no_reduction():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2, 3])
        y = tf.placeholder(tf.float32, [2, 3])
        tf.gradients(tf.reduce_sum(x * y + x - y), [x, y])
        assert "SumToShape" not in _types(_grad_ops(g))
        assert "Shape" not in _types([op for op in _grad_ops(g) if "mul_grad" in op.name])


def test_unknown_batch_reduces_only_the_broadcast_side():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3])
        b = tf.placeholder(tf.float32, [3])
        gx, gb = tf.gradients(tf.reduce_sum(tf.nn.relu(x + b)), [x, b])
        sums = [op for op in _grad_ops(g) if op.type == "SumToShape"]
        assert [op.name for op in sums] == ["gradients/add_grad/Reshape"]
        assert gb.name == "gradients/add_grad/Reshape:0"
        assert gx.op.type == "ReluGrad"  # x's gradient is the incoming one, unreduced
        xv = np.array([[1.0, -2.0, 3.0], [-1.0, 2.0, 0.5]], np.float32)
        bv = np.array([0.5, 0.5, -1.0], np.float32)
        with tf.Session() as sess:
            gxv, gbv = sess.run([gx, gb], {x: xv, b: bv})
        mask = (xv + bv > 0).astype(np.float32)
        np.testing.assert_array_equal(gxv, mask)
        np.testing.assert_array_equal(gbv, mask.sum(0))


def test_matmul_and_relu_gradients_with_unknown_batch_add_nothing():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 4])
        w = tf.Variable(tf.ones([4, 5]))
        b = tf.Variable(tf.zeros([5]))
        loss = tf.reduce_mean(tf.nn.relu(tf.nn.bias_add(tf.matmul(x, w), b)))
        tf.gradients(loss, [w, b])
        types = _types(_grad_ops(g))
        # One reduction: BiasAdd's gradient for its bias, named as TF1's op.
        assert types.count("SumToShape") == 1
        assert g.get_operation_by_name("gradients/BiasAdd_grad/BiasAddGrad").type == "SumToShape"


@pytest.mark.parametrize(
    "build",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a * b,
        lambda a, b: a / b,
        lambda a, b: tf.maximum(a, b),
        lambda a, b: tf.minimum(a, b),
        lambda a, b: tf.pow(a, b),
        lambda a, b: tf.squared_difference(a, b),
        lambda a, b: tf.floormod(a, b),
    ],
)
def test_both_sides_unknown_reduce_at_run_time(build):
    a = tf.placeholder(tf.float64, [None, None])
    b = tf.placeholder(tf.float64, [None, None])
    ga, gb = tf.gradients(tf.reduce_sum(build(a, b)), [a, b])
    rng = np.random.default_rng(0)
    av = rng.uniform(0.5, 2.0, (4, 1))
    bv = rng.uniform(0.5, 2.0, (1, 3))
    with tf.Session() as sess:
        gav, gbv = sess.run([ga, gb], {a: av, b: bv})
    assert gav.shape == (4, 1)
    assert gbv.shape == (1, 3)
    # The same op over materialised broadcasts: its gradients summed back by hand.
    a2 = tf.placeholder(tf.float64, [4, 3])
    b2 = tf.placeholder(tf.float64, [4, 3])
    ga2, gb2 = tf.gradients(tf.reduce_sum(build(a2, b2)), [a2, b2])
    with tf.Session() as sess:
        full_a, full_b = sess.run(
            [ga2, gb2], {a2: np.broadcast_to(av, (4, 3)), b2: np.broadcast_to(bv, (4, 3))}
        )
    np.testing.assert_allclose(gav, full_a.sum(1, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(gbv, full_b.sum(0, keepdims=True), rtol=1e-12)


def test_clip_by_value_with_scalar_bounds_reduces_the_bounds():
    t = tf.placeholder(tf.float32, [None, 3])
    lo = tf.constant(0.0)
    hi = tf.constant(1.0)
    gt, glo, ghi = tf.gradients(tf.reduce_sum(tf.clip_by_value(t, lo, hi)), [t, lo, hi])
    tv = np.array([[-1.0, 0.5, 2.0], [3.0, 0.2, -0.5]], np.float32)
    with tf.Session() as sess:
        gtv, glov, ghiv = sess.run([gt, glo, ghi], {t: tv})
    np.testing.assert_array_equal(gtv, ((tv >= 0) & (tv <= 1)).astype(np.float32))
    assert glov.shape == ()
    assert glov == 2.0
    assert ghiv.shape == ()
    assert ghiv == 2.0
