"""Eager execution: the mode switch, eager tensors and variables, GradientTape, and eager
optimizers giving graph mode's numbers. Expected printing is TF 2.21's (tf.compat.v1 eager)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import varflow as tf
from varflow.eager.context import eager_mode


@pytest.fixture
def eager():
    with eager_mode():
        yield


def run_script(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )


# --- the mode switch -------------------------------------------------------------------------
def test_enable_at_startup_then_graph_mode_inside_graph_blocks():
    out = run_script(
        """
        import varflow as tf
        tf.enable_eager_execution()
        print(tf.executing_eagerly())
        with tf.Graph().as_default():
            print(tf.executing_eagerly(), tf.placeholder(tf.float32).op.type)
        print(tf.executing_eagerly(), tf.constant(1.5) * 2)
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "True",
        "False Placeholder",
        "True tf.Tensor(3.0, shape=(), dtype=float32)",
    ]


def test_enable_after_graph_building_is_tf1s_value_error():
    out = run_script(
        """
        import varflow as tf
        tf.constant(1.0)
        try:
            tf.enable_eager_execution()
        except ValueError as e:
            print(e)
        """
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "tf.enable_eager_execution must be called at program startup."


def test_compat_v1_spelling_and_disable(eager):
    assert tf.executing_eagerly()
    with tf.Graph().as_default():
        assert not tf.executing_eagerly()
    assert tf.executing_eagerly()


# --- eager tensors ---------------------------------------------------------------------------
def test_eager_tensor_values_and_printing(eager):
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == tf.TensorShape([2, 2])
    assert t.dtype == tf.float32
    np.testing.assert_array_equal(t.numpy(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(np.asarray(t), [[1, 2], [3, 4]])
    s = tf.reduce_sum(t)
    assert float(s) == 10.0
    assert int(s) == 10
    assert bool(s)
    assert str(s) == "tf.Tensor(10.0, shape=(), dtype=float32)"
    assert repr(s) == "<tf.Tensor: shape=(), dtype=float32, numpy=10.0>"
    assert str(tf.constant([1, 2])) == "tf.Tensor([1 2], shape=(2,), dtype=int32)"
    assert repr(tf.constant([1.5, 2.0])) == (
        "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1.5, 2. ], dtype=float32)>"
    )
    assert str(t[1, 0]) == "tf.Tensor(3.0, shape=(), dtype=float32)"
    assert len(t) == 2
    assert [float(r[0]) for r in t] == [1.0, 3.0]
    np.testing.assert_array_equal((t @ t).numpy(), np.array([[7, 10], [15, 22]]))
    np.testing.assert_array_equal((-t + 1).numpy(), 1 - t.numpy())
    assert f"{s:.1f}" == "10.0"


def test_numpy_is_a_copy(eager):
    t = tf.constant([1.0, 2.0])
    a = t.numpy()
    a[0] = 9.0
    assert t.numpy()[0] == 1.0


def test_kernel_errors_name_the_op(eager):
    # As in TF's eager mode, bad input is the op's InvalidArgumentError, whichever check finds it.
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"3 elements.*\[Op:Reshape\]"):
        tf.reshape(tf.constant([1.0, 2.0, 3.0]), [2, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:MatMul\]"):
        tf.matmul(tf.constant([[1.0, 2.0]]), tf.constant([[1.0, 2.0]]))
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"Dimensions must be equal.*\[Op:AddV2\]"
    ):
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])


def test_placeholder_and_collections_in_eager_mode(eager):
    with pytest.raises(RuntimeError, match=r"tf.placeholder\(\) is not compatible with eager"):
        tf.placeholder(tf.float32)
    tf.Variable(1.0)
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == []
    assert tf.trainable_variables() == []


# --- variables -------------------------------------------------------------------------------
def test_variable_repr_and_updates_apply_at_once(eager):
    v = tf.Variable(0, trainable=False)
    assert repr(v) == "<tf.Variable 'Variable:0' shape=() dtype=int32, numpy=0>"
    v.assign_add(5)
    assert v.numpy() == 5
    v.assign_sub(2)
    v.assign(v * 10)
    assert int(v.read_value()) == 30
    w = tf.Variable([1.0, 2.0], name="w")
    assert repr(w) == (
        "<tf.Variable 'w:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    )
    # Names are made unique as in graph mode (TF's eager mode would repeat 'Variable:0').
    assert tf.Variable(3).name == "Variable_1:0"


def test_reads_are_snapshots(eager):
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()
    doubled = v * 2
    v.assign([5.0, 6.0])
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(doubled.numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])


def test_get_variable_with_initializer(eager):
    tf.set_random_seed(3)
    w = tf.get_variable("w", shape=[3, 2], initializer=tf.zeros_initializer())
    np.testing.assert_array_equal(w.numpy(), np.zeros((3, 2), np.float32))


# --- GradientTape ----------------------------------------------------------------------------
def test_tape_gradients_of_variables_and_watched_constants(eager):
    w = tf.Variable([[1.0, 2.0]])
    x = tf.constant([[3.0], [4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.matmul(w, x) ** 2)
    gw, gx = tape.gradient(y, [w, x])
    np.testing.assert_allclose(gw.numpy(), [[66.0, 88.0]])
    np.testing.assert_allclose(gx.numpy(), [[22.0], [44.0]])
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.gradient(y, w)


def test_unwatched_and_unconnected_sources(eager):
    a = tf.constant(2.0)
    v = tf.Variable(1.0)
    frozen = tf.Variable(4.0, trainable=False)
    with tf.GradientTape(persistent=True) as tape:
        y = a * a * v * frozen
    assert tape.gradient(y, a) is None  # a constant the tape did not watch
    assert tape.gradient(y, frozen) is None  # non-trainable variables are not watched
    assert float(tape.gradient(y, v)) == 16.0
    other = tf.Variable(7.0)
    assert tape.gradient(y, other) is None
    zero = tape.gradient(y, other, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert float(zero) == 0.0
    assert tape.watched_variables() == (v,)


def test_watch_accessed_variables_off(eager):
    v = tf.Variable(3.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        y = v * v
    assert tape.gradient(y, v) is None
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = v * v
    assert float(tape.gradient(y, v)) == 6.0


def test_stop_recording_makes_results_constants(eager):
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        with tape.stop_recording():
            z = x * 10.0
        total = y + z * x
    # d/dx (x^2 + z*x) with z a constant 30: 2x + 30
    assert float(tape.gradient(total, x)) == 36.0


def test_tensors_from_before_the_tape_are_constants(eager):
    x = tf.constant(3.0)
    y = x * x
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = y * x
    assert float(tape.gradient(z, x)) == 9.0


def test_nested_tapes_give_second_order(eager):
    x = tf.constant(3.0)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert float(dy) == 27.0
    assert float(d2y) == 18.0


def test_output_gradients_and_structures(eager):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    g = tape.gradient(y, x, output_gradients=tf.constant([10.0, 100.0]))
    np.testing.assert_allclose(g.numpy(), [20.0, 400.0])
    got = tape.gradient([y, y], {"a": x, "b": [x]})
    assert set(got) == {"a", "b"}
    assert isinstance(got["b"], list)
    np.testing.assert_allclose(got["a"].numpy(), [4.0, 8.0])


def test_long_loops_release_their_nodes(eager):
    graph = tf.get_default_graph()
    v = tf.Variable(0.0)
    for _ in range(3000):
        v.assign_add(1.0)
        with tf.GradientTape() as tape:
            y = v * 2.0
        tape.gradient(y, v)
    assert graph._core.num_nodes < 200
    assert v.numpy() == 3000.0
    x = tf.constant(1.0)
    for _ in range(5000):
        x = x + 1.0
    assert float(x) == 5001.0
    assert graph._core.num_nodes < 2500


# --- optimizers and schedules ----------------------------------------------------------------
OPTIMIZERS = {
    "sgd": lambda lr: tf.train.GradientDescentOptimizer(lr),
    "momentum": lambda lr: tf.train.MomentumOptimizer(lr, 0.9, use_nesterov=True),
    "adagrad": lambda lr: tf.train.AdagradOptimizer(lr),
    "adagrad_da": lambda lr: tf.train.AdagradDAOptimizer(lr, tf.train.get_or_create_global_step()),
    "adam": lambda lr: tf.train.AdamOptimizer(lr),
    "amsgrad": lambda lr: tf.train.AMSGradOptimizer(lr),
    "adamw": lambda lr: tf.train.AdamWOptimizer(lr),
    "adamax": lambda lr: tf.train.AdamaxOptimizer(lr),
    "nadam": lambda lr: tf.train.NadamOptimizer(lr),
    "lamb": lambda lr: tf.train.LAMBOptimizer(lr, weight_decay=0.01),
    "lion": lambda lr: tf.train.LionOptimizer(lr, weight_decay=0.1),
    "adadelta": lambda lr: tf.train.AdadeltaOptimizer(lr),
    "rmsprop": lambda lr: tf.train.RMSPropOptimizer(lr, momentum=0.5, centered=True),
    "ftrl": lambda lr: tf.train.FtrlOptimizer(lr, l1_regularization_strength=0.01),
    "proximal_gd": lambda lr: tf.train.ProximalGradientDescentOptimizer(lr, 0.01, 0.02),
    "proximal_adagrad": lambda lr: tf.train.ProximalAdagradOptimizer(lr, 0.01, 0.02),
}

X = np.random.default_rng(5).normal(size=(8, 3)).astype(np.float32)
Y = np.random.default_rng(6).normal(size=(8, 2)).astype(np.float32)
W0 = np.random.default_rng(7).normal(size=(3, 2)).astype(np.float32)


def _loss(w, b):
    return tf.reduce_mean(tf.square(tf.nn.relu(tf.matmul(X, w) + b) - Y))


# Learning rates that make 20 steps move the weights visibly.
BASE_RATE = {"lion": 0.005, "adadelta": 0.5}


def _decayed_rate(name, step):
    base = BASE_RATE.get(name, 0.05)
    return tf.train.exponential_decay(base, step, 5, 0.5, staircase=True)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_eager_optimizer_steps_equal_graph_mode(name):
    steps = 20
    with tf.Graph().as_default():
        w = tf.Variable(W0, name="w")
        b = tf.Variable(np.full(2, 0.1, np.float32), name="b")
        step = tf.train.get_or_create_global_step()
        opt = OPTIMIZERS[name](_decayed_rate(name, step))
        train = opt.minimize(_loss(w, b), global_step=step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(steps):
                sess.run(train)
            want = sess.run([w, b, step])
            want_slots = {s: sess.run(opt.get_slot(w, s)) for s in opt.get_slot_names()}
    with eager_mode():
        w = tf.Variable(W0, name="w")
        b = tf.Variable(np.full(2, 0.1, np.float32), name="b")
        step = tf.train.get_or_create_global_step()
        lr = _decayed_rate(name, step)
        assert callable(lr)
        opt = OPTIMIZERS[name](lr)
        for _ in range(steps):
            opt.minimize(lambda: _loss(w, b), global_step=step)
        got = [w.numpy(), b.numpy(), step.numpy()]
        got_slots = {s: opt.get_slot(w, s).numpy() for s in opt.get_slot_names()}
        slot_names = sorted(opt.get_slot(w, s).name for s in opt.get_slot_names())
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-6, atol=1e-7)
    assert got[2] == want[2] == steps
    assert set(got_slots) == set(want_slots)
    for s, want_slot in want_slots.items():
        np.testing.assert_allclose(got_slots[s], want_slot, rtol=1e-6, atol=1e-7, err_msg=s)
    assert all(n.startswith("w/") for n in slot_names)


def test_apply_gradients_with_explicit_grads_and_slot_names(eager):
    v = tf.Variable([1.0, 2.0], name="v")
    opt = tf.train.AdamOptimizer(0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(v * v)
    grads = tape.gradient(loss, [v])
    opt.apply_gradients(zip(grads, [v], strict=True))
    assert opt.get_slot(v, "m").name == "v/Adam:0"
    assert opt.get_slot(v, "v").name == "v/Adam_1:0"
    np.testing.assert_allclose(v.numpy(), [0.9, 1.9], rtol=1e-6)


def test_global_step_that_is_not_a_variable_is_named(eager):
    v = tf.Variable(1.0)
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(TypeError, match="global_step must be a Variable"):
        opt.minimize(lambda: v * v, global_step=[tf.Variable(0, trainable=False)])


def test_minimize_needs_a_function_in_eager_mode(eager):
    v = tf.Variable(1.0)
    with pytest.raises(RuntimeError, match="should be a function when eager execution"):
        tf.train.GradientDescentOptimizer(0.1).minimize(v * v)


def test_schedules_are_callables_following_the_step(eager):
    step = tf.Variable(0, trainable=False)
    lr = tf.train.piecewise_constant(step, [10, 20], [0.01, 0.001, 0.0001])
    assert repr(lr).startswith("functools.partial(<varflow.train.schedules.PiecewiseConstantDecay")
    seen = []
    for _ in range(25):
        seen.append(round(float(lr()), 6))
        step.assign_add(1)
    assert seen == [0.01] * 11 + [0.001] * 10 + [0.0001] * 4


def test_eager_mlp_learns_the_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    with eager_mode():
        tf.set_random_seed(0)
        w1 = tf.get_variable("w1", [64, 32], initializer=tf.glorot_uniform_initializer())
        b1 = tf.get_variable("b1", [32], initializer=tf.zeros_initializer())
        w2 = tf.get_variable("w2", [32, 10], initializer=tf.glorot_uniform_initializer())
        b2 = tf.get_variable("b2", [10], initializer=tf.zeros_initializer())

        def logits(inputs):
            return tf.matmul(tf.nn.relu(tf.matmul(inputs, w1) + b1), w2) + b2

        opt = tf.train.AdamOptimizer(0.01)
        rng = np.random.default_rng(0)
        for _ in range(300):
            batch = rng.integers(0, len(x), 64)
            opt.minimize(
                lambda batch=batch: tf.reduce_mean(
                    tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=y[batch], logits=logits(x[batch])
                    )
                )
            )
        accuracy = np.mean(np.argmax(logits(x).numpy(), axis=1) == y)
    assert accuracy > 0.95
