"""GradientTape gives tf.gradients' numbers for every differentiable op: the registry-driven
cases of test_gradient_registry run once as a graph and once eagerly under a tape."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from test_gradient_registry import CASES
from varflow.eager.context import eager_mode

# Cases that build their op with tf.gradients, which eager mode does not have (TF1 neither).
NEEDS_TF_GRADIENTS = sorted(
    name for name, (fn, _) in CASES.items() if "gradients" in fn.__code__.co_names
)


def _weights(shape):
    return np.random.default_rng(1).uniform(0.5, 1.5, size=shape)


def _graph_gradients(fn, inputs):
    with tf.Graph().as_default():
        xs = [tf.constant(v) for v in inputs]
        out = fn(*xs)
        with tf.Session() as sess:
            w = _weights(np.shape(sess.run(out)))
            loss = tf.reduce_sum(out * tf.constant(w))
            grads = tf.gradients(loss, xs)
            fetch = [g for g in grads if g is not None]
            values = iter(sess.run(fetch))
            return [None if g is None else next(values) for g in grads]


def _tape_gradients(fn, inputs):
    with eager_mode():
        xs = [tf.constant(v) for v in inputs]
        with tf.GradientTape() as tape:
            tape.watch(xs)
            out = fn(*xs)
            loss = tf.reduce_sum(out * tf.constant(_weights(out.shape.as_list())))
        return [None if g is None else g.numpy() for g in tape.gradient(loss, xs)]


@pytest.mark.parametrize("op_type", sorted(set(CASES) - set(NEEDS_TF_GRADIENTS)))
def test_tape_gradient_equals_tf_gradients(op_type):
    fn, inputs = CASES[op_type]
    want = _graph_gradients(fn, inputs)
    got = _tape_gradients(fn, inputs)
    assert [g is None for g in got] == [g is None for g in want]
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12, err_msg=f"input {i}")


def test_tf_gradients_is_graph_only():
    with eager_mode():
        x = tf.constant(1.0)
        with pytest.raises(RuntimeError, match=r"Use tf\.GradientTape instead"):
            tf.gradients(x * x, x)
    assert NEEDS_TF_GRADIENTS  # the split above is real: some cases do need tf.gradients
