"""tf.function: traced once per signature, replayed with eager mode's numbers; variables the
trace created are initialised once; gradients through it under an outer tape."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from varflow.eager.context import eager_mode

X = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
Y = np.random.default_rng(1).normal(size=(6, 2)).astype(np.float32)


@pytest.fixture
def eager():
    with eager_mode():
        yield


def _train_step(w, opt, step):
    def train(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.nn.relu(tf.matmul(x, w)) - y))
        grads = tape.gradient(loss, [w])
        opt.apply_gradients(zip(grads, [w], strict=True), global_step=step)
        return loss

    return train


@pytest.mark.parametrize("make_opt", [tf.train.AdamOptimizer, tf.train.MomentumOptimizer])
def test_replayed_steps_equal_eager_steps(eager, make_opt):
    def build(name):
        w = tf.Variable(np.full((3, 2), 0.5, np.float32), name=name)
        step = tf.Variable(0, trainable=False, name=f"{name}_step")
        opt = make_opt(0.1) if make_opt is tf.train.AdamOptimizer else make_opt(0.1, 0.9)
        return w, step, _train_step(w, opt, step), opt

    w1, s1, eager_step, _ = build("w1")
    w2, s2, python_step, opt2 = build("w2")
    traced = tf.function(python_step)
    for i in range(12):
        x, y = X[i % 3 :], Y[i % 3 :]  # three batch sizes: three traces
        want = float(eager_step(x, y))
        assert float(traced(x, y)) == want
    np.testing.assert_array_equal(w1.numpy(), w2.numpy())
    assert s1.numpy() == s2.numpy() == 12
    assert len(traced._traces) == 3
    for name in opt2.get_slot_names():
        assert opt2.get_slot(w2, name).numpy().any()


def test_side_effects_run_at_trace_time_and_python_values_retrace(eager):
    calls = []

    @tf.function
    def scaled(x, factor):
        calls.append(factor)
        return x * factor

    x = tf.constant([1.0, 2.0])
    assert scaled(x, 2.0).numpy().tolist() == [2.0, 4.0]
    assert scaled(tf.constant([3.0, 4.0]), 2.0).numpy().tolist() == [6.0, 8.0]
    assert scaled(x, 3.0).numpy().tolist() == [3.0, 6.0]
    assert calls == [2.0, 3.0]
    out = scaled(x, 2.0) + 1.0  # a replayed result feeds later eager ops
    assert out.numpy().tolist() == [3.0, 5.0]


def test_structures_and_variables_read_at_call_time(eager):
    v = tf.Variable(1.0)

    @tf.function
    def f(x):
        return {"sum": x + v, "pair": (x * v, None)}

    first = f(tf.constant(2.0))
    v.assign(10.0)
    again = f(tf.constant(2.0))
    assert float(first["sum"]) == 3.0
    assert float(again["sum"]) == 12.0
    assert float(again["pair"][0]) == 20.0
    assert again["pair"][1] is None


def test_gradients_through_a_function_under_an_outer_tape(eager):
    f = tf.function(lambda x: x * x * x)
    x = tf.constant(2.0)
    f(x)  # traced
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == 12.0


def test_graph_mode_calls_the_function_inline():
    @tf.function
    def f(a):
        return a * 2.0

    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [])
        out = f(p)
        with tf.Session() as sess:
            assert sess.run(out, {p: 3.0}) == 6.0


def test_replay_survives_releases(eager):
    v = tf.Variable(0.0)

    @tf.function
    def bump(x):
        v.assign_add(x)
        return v.read_value()

    bump(tf.constant(1.0))
    graph = tf.get_default_graph()
    for _ in range(3):
        with tf.GradientTape():
            pass  # each tape start releases the eager graph's transient nodes
        graph._context.release_transient()
        bump(tf.constant(1.0))
    assert v.numpy() == 4.0


def test_input_signature_is_refused_rather_than_ignored():
    with pytest.raises(ValueError, match="input_signature"):
        tf.function(lambda x: x, input_signature=[None])


def test_decorated_methods_trace_per_instance(eager):
    class Scale:
        def __init__(self, k):
            self.k = tf.Variable(k)

        @tf.function
        def __call__(self, x):
            return x * self.k

    a, b = Scale(2.0), Scale(3.0)
    x = tf.constant(1.5)
    assert [float(a(x)), float(b(x)), float(a(x))] == [3.0, 4.5, 3.0]
