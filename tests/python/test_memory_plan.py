"""Memory planning never overwrites what must survive a step: fed arrays, fetched results (also
those of earlier runs the caller still holds), variables, constants, values aliased by Identity
or Reshape, and the values while loops save for their gradients. Each case also matches the
plan compiled without memory planning (VARFLOW_PLAN_OPTIMIZE=0)."""

import os

import numpy as np
import pytest
import varflow as tf


def unoptimised(fn):
    os.environ["VARFLOW_PLAN_OPTIMIZE"] = "0"
    try:
        return fn()
    finally:
        os.environ.pop("VARFLOW_PLAN_OPTIMIZE", None)


def test_fed_arrays_variables_and_constants_are_not_overwritten():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [6])
        v = tf.Variable(np.arange(6, dtype=np.float32), name="v")
        c = tf.constant(np.full(6, 3.0, np.float32))
        # Each op's first input dies at it: all candidates for writing in place.
        a = tf.identity(x) + 1.0
        b = tf.reshape(v.value(), [2, 3]) * 2.0
        d = tf.identity(c) - 1.0
        out = tf.reshape(a, [2, 3]) + b + tf.reshape(d, [2, 3])
        feed = np.linspace(0, 1, 6).astype(np.float32)
        kept = feed.copy()
        with tf.Session() as sess:
            sess.run(v.initializer)
            for _ in range(3):
                res = sess.run(out, {x: feed})
            np.testing.assert_array_equal(feed, kept)
            np.testing.assert_array_equal(sess.run(v), np.arange(6, dtype=np.float32))
            np.testing.assert_array_equal(sess.run(c), np.full(6, 3.0, np.float32))
            expected = (kept + 1).reshape(2, 3) + np.arange(6).reshape(2, 3) * 2 + 2
            np.testing.assert_allclose(res, expected, rtol=1e-6)


def test_results_of_earlier_runs_survive_later_runs():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1000])
        h = x
        for _ in range(5):
            h = tf.tanh(h * 1.5 + 0.25)
        y = tf.reduce_sum(h) + tf.zeros([1000]) * h  # a non-fused consumer
        with tf.Session() as sess:
            r1 = sess.run([h, y], {x: np.zeros(1000, np.float32)})
            snapshot = [r.copy() for r in r1]
            for k in range(1, 4):
                sess.run([h, y], {x: np.full(1000, float(k), np.float32)})
            for r, s in zip(r1, snapshot, strict=True):
                np.testing.assert_array_equal(r, s)


def test_fetching_an_input_that_dies_in_place_keeps_its_value():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4])
        a = tf.matmul(
            tf.reshape(x, [2, 2]), tf.constant(np.eye(2, dtype=np.float32))
        )  # not elementwise: a real buffer
        b = tf.exp(a)  # a's last reader: may write in place unless a is fetched
        c = tf.matmul(b, tf.constant(np.eye(2, dtype=np.float32)))
        with tf.Session() as sess:
            feed = {x: np.arange(4, dtype=np.float32)}
            av, cv = sess.run([a, c], feed)
            np.testing.assert_array_equal(av, np.arange(4, dtype=np.float32).reshape(2, 2))
            np.testing.assert_allclose(cv, np.exp(av), rtol=1e-6)


def test_while_loop_gradients_match_the_unplanned_plan():
    def build_and_run():
        with tf.Graph().as_default():
            x = tf.Variable(np.linspace(0.1, 0.9, 50).astype(np.float32), name="x")

            def body(i, h):
                return i + 1, tf.tanh(h * 1.1 + 0.05) * tf.exp(-h)

            _, h = tf.while_loop(lambda i, h: i < 6, body, [tf.constant(0), x.value()])
            loss = tf.reduce_sum(tf.sigmoid(h * 2.0) - h)
            (g,) = tf.gradients(loss, [x])
            with tf.Session() as sess:
                sess.run(x.initializer)
                sess.run([h, g])
                return sess.run([h, g, loss])

    optimised = build_and_run()
    reference = unoptimised(build_and_run)
    for a, b in zip(optimised, reference, strict=True):
        np.testing.assert_array_equal(a, b)


def test_cond_results_that_are_outer_tensors_are_not_overwritten():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3])
        p = tf.placeholder(tf.bool, [])
        a = tf.matmul(tf.reshape(x, [1, 3]), tf.constant(np.eye(3, dtype=np.float32)))
        r = tf.cond(p, lambda: a, lambda: a * 2.0)
        out = tf.exp(r) + 0.0
        with tf.Session() as sess:
            feed = {x: np.array([0.0, 1.0, 2.0], np.float32)}
            for flag in (True, False, True):
                av, ov = sess.run([a, out], {**feed, p: flag})
                np.testing.assert_array_equal(av, [[0.0, 1.0, 2.0]])
                scale = 1.0 if flag else 2.0
                np.testing.assert_allclose(ov, np.exp(av * scale), rtol=1e-6)


def test_training_loop_matches_the_unplanned_plan():
    def build_and_run():
        with tf.Graph().as_default():
            tf.set_random_seed(1)
            x = tf.constant(np.linspace(-1, 1, 64).reshape(16, 4).astype(np.float32))
            y = tf.constant(np.linspace(0, 1, 16).reshape(16, 1).astype(np.float32))
            w1 = tf.Variable(np.full((4, 8), 0.1, np.float32))
            b1 = tf.Variable(np.zeros(8, np.float32))
            w2 = tf.Variable(np.full((8, 1), 0.2, np.float32))
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
            pred = tf.sigmoid(tf.matmul(h, w2))
            loss = tf.reduce_mean(tf.square(pred - y))
            train = tf.train.AdamOptimizer(0.05).minimize(loss)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                losses = [sess.run([train, loss])[1] for _ in range(20)]
                return losses, sess.run(w1), sess.run(w2)

    optimised = build_and_run()
    reference = unoptimised(build_and_run)
    assert optimised[0] == reference[0]
    np.testing.assert_array_equal(optimised[1], reference[1])
    np.testing.assert_array_equal(optimised[2], reference[2])


def _allocations_over(run, times):
    from varflow import _core

    before = _core.owned_buffer_allocations()
    for _ in range(times):
        run()
    return _core.owned_buffer_allocations() - before


def test_steady_state_training_steps_allocate_no_buffers():
    # Mean's gradient casts the element count at run time: Cast once allocated its output anew.
    with tf.Graph().as_default():
        rng = np.random.RandomState(0)
        x = tf.placeholder(tf.float32, [32, 20])
        y = tf.placeholder(tf.int64, [32])
        w1 = tf.Variable(rng.randn(20, 16).astype(np.float32) * 0.3)
        b1 = tf.Variable(np.zeros(16, np.float32))
        w2 = tf.Variable(rng.randn(16, 4).astype(np.float32) * 0.3)
        h = tf.tanh(tf.nn.bias_add(tf.matmul(x, w1), b1) * 1.5 + 0.1)
        logits = tf.matmul(h, w2)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        )
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        feed = {x: rng.randn(32, 20).astype(np.float32), y: rng.randint(0, 4, 32)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            step = sess.make_callable(train, feed_list=[x, y])
            for _ in range(3):
                step(feed[x], feed[y])
            assert _allocations_over(lambda: step(feed[x], feed[y]), 20) == 0
            for _ in range(3):
                sess.run(train, feed)
            assert _allocations_over(lambda: sess.run(train, feed), 20) == 0
            losses = [sess.run([train, loss], feed)[1] for _ in range(5)]
            assert losses[-1] < losses[0]


def test_broadcast_to_copies_exactly_and_allocates_nothing_in_steady_state():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [1, 3])
        b = tf.broadcast_to(a, [4, 2, 3])
        s = tf.reduce_sum(b, axis=0)  # the broadcast value is not fetched: its buffer is reused
        value = np.array([[-0.0, np.nan, 2.5]], np.float32)
        with tf.Session() as sess:
            out = sess.run(b, {a: value})
            assert out.shape == (4, 2, 3)
            assert np.all(np.signbit(out[..., 0]))  # -0 stays -0 (x + 0 would give +0)
            assert np.all(np.isnan(out[..., 1]))
            np.testing.assert_array_equal(out[..., 2], 2.5)
            for _ in range(3):
                sess.run(s, {a: value})
            assert _allocations_over(lambda: sess.run(s, {a: value}), 10) <= 10  # the fetch only
            flags = sess.run(tf.broadcast_to(tf.constant([True, False]), [3, 2]))
            np.testing.assert_array_equal(flags, [[True, False]] * 3)


def test_static_shapes_are_plan_constants_but_variable_shapes_are_read():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2, 3])
        h = tf.tanh(x) * 2.0
        shape, size, rank = tf.shape(h), tf.size(h), tf.rank(h)
        v = tf.Variable(np.zeros(2, np.float32), validate_shape=False)
        grow = tf.assign(v, np.zeros(5, np.float32), validate_shape=False)
        with tf.Session() as sess:
            sess.run(v.initializer)
            feed = {x: np.ones((2, 3), np.float32)}
            out = sess.run([shape, size, rank, tf.shape(h, out_type=tf.int64)], feed)
            np.testing.assert_array_equal(out[0], [2, 3])
            assert out[1] == 6
            assert out[2] == 2
            assert out[3].dtype == np.int64
            sess.run(grow)
            np.testing.assert_array_equal(sess.run(tf.shape(v)), [5])


def _dense(h, units):
    return tf.layers.dense(h, units)


def _sparse_xent(logits, labels):
    return tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    )


# Each model reaches a kernel that once built a new tensor every run instead of writing the
# output the plan keeps: RandomUniform's shape (dropout), ConcatOffset (concat's gradient),
# OnesLike (the losses' weights), Cast (Mean's gradient).
STEADY_STATE_MODELS = {
    "dropout": lambda x, y: _sparse_xent(_dense(tf.nn.dropout(_dense(x, 16), keep_prob=0.5), 4), y),
    "concat": lambda x, y: _sparse_xent(
        _dense(tf.concat([tf.tanh(_dense(x, 8)), tf.sigmoid(_dense(x, 8))], 1), 4), y
    ),
    "losses": lambda x, y: (
        tf.nn.l2_loss(_dense(x, 4)) + tf.losses.mean_squared_error(tf.one_hot(y, 4), _dense(x, 4))
    ),
    "mean": lambda x, y: tf.reduce_mean(tf.square(_dense(x, 4))),
}


@pytest.mark.parametrize("model", sorted(STEADY_STATE_MODELS))
def test_steady_state_steps_of_common_models_allocate_no_buffers(model):
    with tf.Graph().as_default():
        rng = np.random.RandomState(1)
        x = tf.placeholder(tf.float32, [8, 12])
        y = tf.placeholder(tf.int64, [8])
        train = tf.train.AdamOptimizer(0.01).minimize(STEADY_STATE_MODELS[model](x, y))
        feed = {x: rng.randn(8, 12).astype(np.float32), y: rng.randint(0, 4, 8)}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, feed)
            assert _allocations_over(lambda: sess.run(train, feed), 10) == 0
