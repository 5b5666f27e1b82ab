"""Elementwise fusion in the plan gives bit for bit the unfused plan's results: random chains of
the elementwise ops with scalar and full-shape operands, their gradients, odd sizes across tile
boundaries, and fetches and feeds of values inside a chain. The unfused reference is the same
graph in a session compiled with VARFLOW_PLAN_OPTIMIZE=0 (read when a plan is compiled)."""

import os

import numpy as np
import pytest
import varflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

UNARY = [tf.tanh, tf.sigmoid, tf.nn.relu, tf.square, tf.negative, tf.abs, tf.exp, tf.sin]
BINARY = [tf.add, tf.subtract, tf.multiply, tf.maximum, tf.minimum]


def run_both(build):
    """Runs `build`'s fetches optimised and unoptimised; returns both result lists."""
    results = []
    for optimise in (True, False):
        os.environ["VARFLOW_PLAN_OPTIMIZE"] = "1" if optimise else "0"
        try:
            with tf.Graph().as_default():
                fetches, feeds = build()
                with tf.Session() as sess:
                    sess.run(tf.global_variables_initializer())
                    # Twice: the second run uses the kept buffers and spare lists.
                    sess.run(fetches, feeds)
                    results.append(sess.run(fetches, feeds))
        finally:
            os.environ.pop("VARFLOW_PLAN_OPTIMIZE", None)
    return results


def assert_identical(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


chains = st.lists(
    st.tuples(
        st.sampled_from(["unary", "binary_const", "binary_row", "binary_prev", "binary_x", "bias"]),
        st.integers(0, 7),
        st.floats(-1.5, 1.5, allow_nan=False, width=32),
        st.booleans(),
    ),
    min_size=2,
    max_size=24,
)


@settings(max_examples=40, deadline=None)
@given(
    chain=chains,
    shape=st.sampled_from([(1,), (7,), (1000,), (4097,), (3, 5), (40, 257), (9000, 1), (2, 3, 4)]),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_random_chains_and_gradients_match_the_unfused_plan(chain, shape, dtype):
    n = int(np.prod(shape))
    x0 = np.linspace(-2.0, 2.0, n).astype(dtype).reshape(shape)
    row = np.linspace(0.5, -0.5, shape[-1]).astype(dtype)

    def build():
        x = tf.Variable(x0, name="x")
        h = tf.identity(x)
        prev = h
        for kind, k, c, swap in chain:
            if kind == "unary":
                nxt = UNARY[k % len(UNARY)](h)
            elif kind == "bias":
                nxt = tf.nn.bias_add(h, tf.constant(row * c)) if len(shape) >= 2 else h + c
            else:
                if kind == "binary_const":
                    other = tf.constant(c, dtype=dtype)
                elif kind == "binary_row":
                    other = tf.constant(row * c)
                elif kind == "binary_prev":
                    other = prev
                else:
                    other = x.value()
                f = BINARY[k % len(BINARY)]
                nxt = f(other, h) if swap else f(h, other)
            prev, h = h, nxt
        (g,) = tf.gradients(tf.reduce_sum(h), [x])
        return [h, g], None

    a, b = run_both(build)
    assert_identical(a, b)


def test_chain_with_fetched_and_fed_intermediates():
    def build():
        x = tf.placeholder(tf.float32, [None, 5], name="x")
        a = x * 2.0
        b = a + 1.0
        c = tf.tanh(b)
        d = c * c
        e = d - 0.5
        feeds = {x: np.arange(15, dtype=np.float32).reshape(3, 5) / 7.0}
        return [b, e, d], feeds

    a, b = run_both(build)
    assert_identical(a, b)
    x = np.arange(15, dtype=np.float32).reshape(3, 5) / 7.0
    bb = x * np.float32(2.0) + np.float32(1.0)
    np.testing.assert_allclose(a[0], bb, rtol=1e-6)

    # An intermediate of the chain can be fed: the chain below it uses the fed value.
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4])
        a = x * 2.0
        b = a + 1.0
        c = b * 3.0
        with tf.Session() as sess:
            out = sess.run(c, {x: np.ones(4, np.float32), b: np.full(4, 10.0, np.float32)})
            np.testing.assert_array_equal(out, np.full(4, 30.0, np.float32))
            np.testing.assert_array_equal(
                sess.run(c, {x: np.ones(4, np.float32)}), np.full(4, 9.0, np.float32)
            )


def test_shapes_that_do_not_fit_a_chain_fall_back_to_the_unfused_steps():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        y = tf.placeholder(tf.float32, [None])
        z = tf.tanh(x * y + 1.0)
        with tf.Session() as sess:
            # y broadcasts at run time (one element against five): not a fusable shape.
            out = sess.run(z, {x: np.arange(5, dtype=np.float32), y: np.array([2.0], np.float32)})
            np.testing.assert_allclose(out, np.tanh(np.arange(5) * 2.0 + 1.0), rtol=1e-6)
            with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
                sess.run(z, {x: np.ones(5, np.float32), y: np.ones(3, np.float32)})


def test_uninitialised_variable_in_a_chain_is_named():
    with tf.Graph().as_default():
        v = tf.Variable(tf.ones([3]), name="v")
        z = tf.tanh(v * 2.0 + 1.0)
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"),
        ):
            sess.run(z)
