"""Dense-layer fusion in the plan (cpp/src/exec/dense_fusion.cc) gives bit for bit the unfused
plan's results: MLP training steps with every gating mode and optimizer, the activations the
fused GEMM epilogue applies, BiasAdd and Add biases, transposed products, fetched
intermediates (which stay unfused) and batch sizes that split the GEMMs across the pool or not.
The unfused reference is the same graph in a session compiled with VARFLOW_PLAN_OPTIMIZE=0.
Which steps fuse is checked by tests/cpp/dense_fusion_test.cc."""

from __future__ import annotations

import os

import numpy as np
import pytest
import varflow as tf


def run_both(build, steps=3):
    """Runs `build`'s (fetches, feeds_per_step) optimised and unoptimised; returns both."""
    results = []
    for optimise in (True, False):
        os.environ["VARFLOW_PLAN_OPTIMIZE"] = "1" if optimise else "0"
        try:
            with tf.Graph().as_default():
                fetches, feeds = build()
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    out = [sess.run(fetches, feeds(i)) for i in range(steps)]
                    out.append(sess.run(tf.trainable_variables()))
                    results.append(out)
        finally:
            os.environ.pop("VARFLOW_PLAN_OPTIMIZE", None)
    return results


def assert_identical(a, b):
    flat_a, flat_b = tf.nest.flatten(a), tf.nest.flatten(b)
    assert len(flat_a) == len(flat_b)
    for x, y in zip(flat_a, flat_b, strict=True):
        if x is None:
            assert y is None
            continue
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def mlp(batch, opt="sgd", gate=tf.train.Optimizer.GATE_OP, act=tf.nn.relu, bias_add=False):
    sizes = [37, 64, 48, 10]
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((batch, sizes[0])).astype(np.float32) for _ in range(3)]
    ys = [np.eye(10, dtype=np.float32)[rng.integers(0, 10, batch)] for _ in range(3)]
    weights = [
        (
            rng.standard_normal(sizes[i : i + 2]).astype(np.float32) * 0.3,
            rng.standard_normal(sizes[i + 1]).astype(np.float32) * 0.1,
        )
        for i in range(3)
    ]

    def build():
        x = tf.placeholder(tf.float32, [None, sizes[0]])
        y = tf.placeholder(tf.float32, [None, 10])
        h = x
        for i in range(3):
            w = tf.Variable(weights[i][0])
            b = tf.Variable(weights[i][1])
            h = tf.nn.bias_add(tf.matmul(h, w), b) if bias_add else tf.matmul(h, w) + b
            if i < 2:
                h = act(h)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h))
        optimizer = (
            tf.train.AdamOptimizer(0.01)
            if opt == "adam"
            else tf.train.GradientDescentOptimizer(0.1)
        )
        train = optimizer.minimize(loss, gate_gradients=gate)
        return [train, loss], lambda i: {x: xs[i], y: ys[i]}

    return build


@pytest.mark.parametrize("opt", ["sgd", "adam"])
@pytest.mark.parametrize(
    "gate",
    [tf.train.Optimizer.GATE_NONE, tf.train.Optimizer.GATE_OP, tf.train.Optimizer.GATE_GRAPH],
)
@pytest.mark.parametrize("batch", [1, 33, 700])
def test_mlp_training_steps_match_the_unfused_plan(opt, gate, batch):
    fused, plain = run_both(mlp(batch, opt, gate))
    assert_identical(fused, plain)


@pytest.mark.parametrize("act", [tf.nn.relu, tf.nn.relu6, tf.tanh, tf.sigmoid])
@pytest.mark.parametrize("bias_add", [False, True])
def test_activations_and_bias_forms_match(act, bias_add):
    fused, plain = run_both(mlp(65, act=act, bias_add=bias_add))
    assert_identical(fused, plain)


@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
def test_transposed_products_and_their_gradients_match(transpose_a, transpose_b):
    rng = np.random.default_rng(1)
    a0 = rng.standard_normal((20, 300) if transpose_a else (300, 20)).astype(np.float32)
    w0 = rng.standard_normal((40, 20) if transpose_b else (20, 40)).astype(np.float32)

    def build():
        a = tf.placeholder(tf.float32, a0.shape)
        w = tf.Variable(w0)
        b = tf.Variable(np.linspace(-1, 1, 40, dtype=np.float32))
        h = tf.nn.relu(tf.matmul(a, w, transpose_a=transpose_a, transpose_b=transpose_b) + b)
        loss = tf.reduce_sum(h * h)
        grads = tf.gradients(loss, [a, w, b])
        return [h, loss, *grads], lambda i: {a: a0 * (i + 1)}

    fused, plain = run_both(build)
    assert_identical(fused, plain)


def test_fetched_intermediates_keep_their_values():
    rng = np.random.default_rng(2)
    x0 = rng.standard_normal((50, 30)).astype(np.float32)
    w0 = rng.standard_normal((30, 20)).astype(np.float32)
    b0 = rng.standard_normal(20).astype(np.float32)

    def build():
        x = tf.placeholder(tf.float32, [None, 30])
        w = tf.Variable(w0)
        b = tf.Variable(b0)
        product = tf.matmul(x, w)
        pre = product + b
        h = tf.nn.relu(pre)
        loss = tf.reduce_sum(h)
        relu_grad = tf.gradients(loss, pre)[0]
        return [product, pre, h, relu_grad, tf.gradients(loss, b)[0]], lambda i: {x: x0}

    fused, plain = run_both(build, steps=2)
    assert_identical(fused, plain)
    _, pre, h, relu_grad, bias_grad = fused[0]
    np.testing.assert_array_equal(h, np.maximum(pre, 0))
    np.testing.assert_array_equal(relu_grad, (pre > 0).astype(np.float32))
    np.testing.assert_allclose(bias_grad, relu_grad.sum(axis=0), rtol=1e-6)


def test_a_wrong_inner_dimension_names_the_matmul():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        w = tf.constant(np.ones((4, 3), np.float32))
        h = tf.nn.relu(tf.matmul(x, w, name="layer_matmul") + tf.constant(np.ones(3, np.float32)))
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError, match="layer_matmul"),
        ):
            sess.run(h, {x: np.ones((2, 5), np.float32)})


@pytest.mark.parametrize("batch", [2, 33])
def test_a_cnns_relu_and_bias_gradients_fused_give_the_unfused_bits(batch):
    """conv2d -> bias_add -> relu -> max_pool: the ReluGrad over [batch, h, w, channels] and
    its bias gradient run as one fused pass."""
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((batch, 12, 12, 3)).astype(np.float32) for _ in range(3)]
    labels = [rng.integers(0, 5, batch) for _ in range(3)]
    w1 = rng.standard_normal((3, 3, 3, 8)).astype(np.float32) * 0.3
    b1 = rng.standard_normal(8).astype(np.float32) * 0.1
    w2 = rng.standard_normal((6 * 6 * 8, 5)).astype(np.float32) * 0.1

    def build():
        x = tf.placeholder(tf.float32, [None, 12, 12, 3])
        y = tf.placeholder(tf.int64, [None])
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, tf.Variable(w1), 1, "SAME"), tf.Variable(b1)))
        h = tf.reshape(tf.nn.max_pool(h, 2, 2, "VALID"), [-1, 6 * 6 * 8])
        logits = tf.matmul(h, tf.Variable(w2))
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        )
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        return [loss, train], lambda i: {x: xs[i], y: labels[i]}

    fused, unfused = run_both(build)
    assert_identical(fused, unfused)
