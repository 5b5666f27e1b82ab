"""tf.layers: dense, batch_normalization, flatten, dropout."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield


def test_dense_names_shapes_and_values():
    x = tf.placeholder(tf.float32, shape=(None, 4))
    h = tf.layers.dense(x, 3, activation=tf.nn.relu)
    y = tf.layers.dense(h, 2, use_bias=False)
    z = tf.layers.dense(x, 5, name="out")
    names = [v.name for v in tf.trainable_variables()]
    assert names == [
        "dense/kernel:0",
        "dense/bias:0",
        "dense_1/kernel:0",
        "out/kernel:0",
        "out/bias:0",
    ]
    assert (
        h.shape.as_list() == [None, 3]
        and y.shape.as_list() == [None, 2]
        and z.shape.as_list() == [None, 5]
    )
    assert h.op.name == "dense/Relu"
    xv = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, b, k1, hv, yv = sess.run(
            ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", h, y], {x: xv}
        )
    np.testing.assert_array_equal(b, 0)
    np.testing.assert_allclose(hv, np.maximum(xv @ k + b, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(yv, hv @ k1, rtol=1e-5, atol=1e-6)


def test_dense_reuse_and_rank3_inputs():
    x = tf.placeholder(tf.float32, shape=(2, 3, 4))
    a = tf.layers.dense(x, 5, name="shared")
    b = tf.layers.dense(x, 5, name="shared", reuse=True)
    assert len(tf.trainable_variables()) == 2 and a.shape.as_list() == [2, 3, 5]
    xv = np.ones((2, 3, 4), np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        av, bv = sess.run([a, b], {x: xv})
    np.testing.assert_allclose(av, bv)


def test_dense_regularizers_and_trainable():
    x = tf.placeholder(tf.float32, shape=(None, 2))
    tf.layers.dense(
        x,
        3,
        kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1),
        bias_regularizer=tf.contrib.layers.l1_regularizer(0.2),
        kernel_initializer=tf.ones_initializer(),
        bias_initializer=tf.ones_initializer(),
    )
    tf.layers.dense(x, 3, trainable=False, name="frozen")
    regs = tf.losses.get_regularization_losses()
    assert [r.name for r in regs] == [
        "dense/kernel/Regularizer/l2_regularizer:0",
        "dense/bias/Regularizer/l1_regularizer:0",
    ]
    assert [v.name for v in tf.trainable_variables()] == ["dense/kernel:0", "dense/bias:0"]
    assert {"frozen/kernel:0", "frozen/bias:0"} <= {v.name for v in tf.global_variables()}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(regs), [0.1 * 6 / 2, 0.2 * 3], rtol=1e-6)


def _bn_setup(training, momentum=0.9):
    x = tf.placeholder(tf.float32, shape=(None, 3))
    y = tf.layers.batch_normalization(x, momentum=momentum, training=training)
    return x, y


def test_batch_norm_variables_and_inference():
    x, y = _bn_setup(False)
    names = [v.name for v in tf.global_variables()]
    assert names == [
        "batch_normalization/gamma:0",
        "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0",
    ]
    assert [v.name for v in tf.trainable_variables()] == names[:2]
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    xv = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: xv}), xv / np.sqrt(1 + 1e-3), rtol=1e-5)


def test_batch_norm_training_updates_only_through_update_ops():
    x, y = _bn_setup(True)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    assert updates[0].op.name == "batch_normalization/AssignMovingAvg"
    mm = [v for v in tf.global_variables() if v.name == "batch_normalization/moving_mean:0"][0]
    mv = [v for v in tf.global_variables() if v.name == "batch_normalization/moving_variance:0"][0]
    xv = np.random.default_rng(1).normal(2.0, 3.0, size=(8, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: xv})
        np.testing.assert_allclose(
            out, (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3), rtol=1e-4, atol=1e-5
        )
        np.testing.assert_array_equal(sess.run(mm), 0)  # not updated without UPDATE_OPS
        with tf.control_dependencies(updates):
            step = tf.no_op()
        sess.run(step, {x: xv})
        np.testing.assert_allclose(sess.run(mm), 0.1 * xv.mean(0), rtol=1e-5)
        np.testing.assert_allclose(sess.run(mv), 0.9 + 0.1 * xv.var(0), rtol=1e-5)


def test_batch_norm_typical_train_loop():
    x = tf.placeholder(tf.float32, shape=(None, 2))
    h = tf.layers.batch_normalization(tf.layers.dense(x, 4), training=True)
    loss = tf.reduce_mean(h * h)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    mm = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: np.ones((3, 2), np.float32)})
        assert np.abs(sess.run(mm)).sum() > 0


def test_batch_norm_training_tensor():
    training = tf.placeholder(tf.bool, shape=())
    x, y = _bn_setup(training, momentum=0.5)
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    mm = [v for v in tf.global_variables() if v.name == "batch_normalization/moving_mean:0"][0]
    xv = np.arange(12, dtype=np.float32).reshape(4, 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out_train = sess.run(y, {x: xv, training: True})
        np.testing.assert_allclose(
            out_train, (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3), rtol=1e-4, atol=1e-5
        )
        out_eval = sess.run(y, {x: xv, training: False})
        np.testing.assert_allclose(out_eval, xv / np.sqrt(1 + 1e-3), rtol=1e-5)
        sess.run(updates, {x: xv, training: False})
        np.testing.assert_array_equal(sess.run(mm), 0)  # eval mode leaves the statistics alone
        sess.run(updates, {x: xv, training: True})
        np.testing.assert_allclose(sess.run(mm), 0.5 * xv.mean(0), rtol=1e-5)


def test_batch_norm_channels_first_axis():
    x = tf.placeholder(tf.float32, shape=(None, 2, 3, 3))
    y = tf.layers.batch_normalization(x, axis=1, training=True)
    xv = np.random.default_rng(2).normal(size=(2, 2, 3, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: xv})
    m = xv.mean((0, 2, 3), keepdims=True)
    v = xv.var((0, 2, 3), keepdims=True)
    np.testing.assert_allclose(out, (xv - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-5)


def test_batch_norm_over_several_axes_keeps_per_element_statistics():
    # TF1 (checked against TensorFlow 2.21's compat.v1): the variables have the inputs' rank
    # with 1 on the other axes, the statistics are per (H, C) element.
    xv = np.random.default_rng(3).normal(size=(4, 3, 5, 2)).astype(np.float32)
    x = tf.placeholder(tf.float32, shape=(None, 3, 5, 2))
    y = tf.layers.batch_normalization(x, axis=[1, 3], training=True, momentum=0.9)
    shapes = {v.name: v.shape.as_list() for v in tf.global_variables()}
    assert shapes == {
        f"batch_normalization/{n}:0": [1, 3, 1, 2]
        for n in ("gamma", "beta", "moving_mean", "moving_variance")
    }
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    (moving_mean,) = [v for v in tf.global_variables() if "moving_mean" in v.name]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, _ = sess.run([y, updates], {x: xv})
        mm = sess.run(moving_mean)
    m = xv.mean((0, 2), keepdims=True)
    v = xv.var((0, 2), keepdims=True)
    np.testing.assert_allclose(out, (xv - m) / np.sqrt(v + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(mm, 0.1 * m, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="Duplicate axis"):
        tf.layers.batch_normalization(x, axis=[1, -3])


def test_flatten_and_dropout():
    x = tf.placeholder(tf.float32, shape=(None, 2, 3))
    f = tf.layers.flatten(x)
    assert f.shape.as_list() == [None, 6]
    xv = np.ones((4, 2, 3), np.float32)
    d_eval = tf.layers.dropout(f, rate=0.5, training=False)
    d_train = tf.layers.dropout(f, rate=0.5, training=True)
    flag = tf.placeholder(tf.bool, shape=())
    d_flag = tf.layers.dropout(f, rate=0.5, training=flag)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(f, {x: xv}), np.ones((4, 6)))
        np.testing.assert_array_equal(sess.run(d_eval, {x: xv}), np.ones((4, 6)))
        assert set(np.unique(sess.run(d_train, {x: xv}))) <= {0.0, 2.0}
        np.testing.assert_array_equal(sess.run(d_flag, {x: xv, flag: False}), np.ones((4, 6)))
        assert set(np.unique(sess.run(d_flag, {x: xv, flag: True}))) <= {0.0, 2.0}
