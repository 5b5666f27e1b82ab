"""tf.TensorArray (dense arrays written in place) and tf.map_fn/scan/foldl/foldr on it."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_write_read_stack_size():
    ta = tf.TensorArray(tf.float32, size=3)
    ta = ta.write(0, [1.0, 2.0]).write(2, [5.0, 6.0])
    assert ta.element_shape.as_list() == [2]
    got = run([ta.read(2), ta.stack(), ta.size()])
    np.testing.assert_array_equal(got[0], [5.0, 6.0])
    np.testing.assert_array_equal(got[1], [[1, 2], [0, 0], [5, 6]])
    assert got[2] == 3


def test_unstack_gather_scatter_concat():
    value = np.arange(12, dtype=np.float32).reshape(4, 3)
    ta = tf.TensorArray(tf.float32, size=4).unstack(value)
    gathered = ta.gather([3, 1])
    scattered = ta.scatter([0, 2], np.ones((2, 3), np.float32)).stack()
    got = run([gathered, scattered, ta.concat()])
    np.testing.assert_array_equal(got[0], value[[3, 1]])
    want = value.copy()
    want[[0, 2]] = 1.0
    np.testing.assert_array_equal(got[1], want)
    np.testing.assert_array_equal(got[2], value.reshape(-1))


def test_writes_in_a_loop_with_unknown_element_shape():
    x = tf.placeholder(tf.float32, [None])
    n = 5
    ta = tf.TensorArray(tf.float32, size=n)
    _, ta = tf.while_loop(
        lambda i, ta: i < n, lambda i, ta: (i + 1, ta.write(i, x * tf.cast(i, tf.float32))), (0, ta)
    )
    out = ta.stack()
    got = run(out, {x: np.array([1.0, 2.0], np.float32)})
    np.testing.assert_array_equal(got, np.outer(np.arange(5), [1.0, 2.0]))
    got = run(out, {x: np.array([3.0], np.float32)})
    np.testing.assert_array_equal(got, np.arange(5)[:, None] * 3.0)


def test_dynamic_size_grows():
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
    _, ta = tf.while_loop(lambda i, ta: i < 6, lambda i, ta: (i + 1, ta.write(i, i * i)), (0, ta))
    np.testing.assert_array_equal(run(ta.stack()), [0, 1, 4, 9, 16, 25])


def test_errors():
    ta = tf.TensorArray(tf.float32, size=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not resizeable"):
        run(ta.write(2, 1.0).stack())
    with pytest.raises(tf.errors.InvalidArgumentError, match="index 5"):
        run(ta.write(0, 1.0).read(5))
    with pytest.raises(ValueError, match="Inconsistent shapes"):
        tf.TensorArray(tf.float32, size=2, element_shape=[3]).write(0, [1.0, 2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not yet been written"):
        run(tf.TensorArray(tf.float32, size=2).read(0))
    p = tf.placeholder(tf.float32, [None])
    written = tf.TensorArray(tf.float32, size=2).write(0, p)
    with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible"):
        run(written.write(1, p[:1]).stack(), {p: np.ones(2, np.float32)})


def test_read_and_write_gradients_in_a_loop():
    def build(xs, w):
        n = 3
        inputs = tf.TensorArray(tf.float64, size=n).unstack(xs)
        outputs = tf.TensorArray(tf.float64, size=n)

        def body(t, h, out):
            h = tf.sin(h * w + inputs.read(t))
            return t + 1, h, out.write(t, h * h)

        _, _, out = tf.while_loop(
            lambda t, h, o: t < n, body, (0, tf.zeros([2], tf.float64), outputs)
        )
        return out.stack()

    rng = np.random.default_rng(0)
    check_gradients(build, [rng.normal(size=(3, 2)), rng.normal(size=(2,))])


def test_map_fn_forward_and_gradient():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = tf.map_fn(lambda row: row * 2.0 + tf.reduce_sum(row), tf.constant(x))
    assert out.shape.as_list() == [3, 2]
    np.testing.assert_allclose(run(out), x * 2 + x.sum(1, keepdims=True))
    pair = tf.map_fn(lambda t: (t[0] * 2, t[1] + 1), (tf.constant([1, 2]), tf.constant([3.0, 4.0])))
    got = run(pair)
    np.testing.assert_array_equal(got[0], [2, 4])
    np.testing.assert_array_equal(got[1], [4.0, 5.0])
    check_gradients(
        lambda v: tf.map_fn(lambda r: tf.sin(r) * r, v),
        [np.random.default_rng(4).normal(size=(4, 3))],
    )


def test_map_fn_with_dtype():
    out = tf.map_fn(lambda v: tf.cast(v, tf.int32) * 2, tf.constant([1.5, 2.5]), dtype=tf.int32)
    np.testing.assert_array_equal(run(out), [2, 4])


def test_scan_foldl_foldr():
    elems = tf.constant([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(run(tf.scan(lambda a, x: a + x, elems)), [1, 3, 6, 10])
    np.testing.assert_array_equal(
        run(tf.scan(lambda a, x: a * x, elems, initializer=tf.constant(2.0))), [2, 4, 12, 48]
    )
    np.testing.assert_array_equal(
        run(tf.scan(lambda a, x: a + x, elems, reverse=True)), [10, 9, 7, 4]
    )
    assert run(tf.foldl(lambda a, x: a - x, elems)) == 1 - 2 - 3 - 4
    assert run(tf.foldr(lambda a, x: a - x, elems)) == 4 - 3 - 2 - 1
    assert run(tf.foldl(lambda a, x: a + x, elems, initializer=tf.constant(10.0))) == 20.0
    check_gradients(lambda v: tf.scan(lambda a, x: a * x + 1.0, v), [np.array([0.5, 1.5, -0.5])])
    check_gradients(lambda v: tf.foldl(lambda a, x: tf.sin(a) * x, v), [np.array([0.5, 1.5, -0.5])])


def test_map_fn_refuses_scalars_and_non_callables():
    with pytest.raises(TypeError, match="callable"):
        tf.map_fn(1, tf.constant([1.0]))
    with pytest.raises(ValueError, match="1\\+ dimensional"):
        tf.map_fn(lambda v: v, tf.constant(1.0))


def test_map_fn_scan_and_folds_run_eagerly_with_the_graphs_numbers():
    from varflow.eager.context import eager_mode

    x = np.arange(6.0).reshape(3, 2)

    def build(v):
        return [
            tf.map_fn(lambda r: tf.sin(r) * 2.0, v),
            tf.scan(lambda a, r: a * r + 1.0, v, reverse=True),
            tf.foldl(lambda a, r: a - r, v, initializer=tf.constant([10.0, 20.0], tf.float64)),
            tf.foldr(lambda a, r: a * 0.5 + r, v),
        ]

    tf.reset_default_graph()
    want = run(build(tf.constant(x)))
    with eager_mode():
        got = [t.numpy() for t in build(tf.constant(x))]
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    np.testing.assert_allclose(want[2], [10 - 6, 20 - 9])


def test_map_fn_errors_name_the_cause():
    with pytest.raises(ValueError, match="same number of elements"):
        tf.map_fn(lambda v: (v, v), tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="share their first dimension"):
        tf.map_fn(lambda t: t[0], (tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0, 3.0])))
    with pytest.raises(ValueError, match="Inconsistent shapes|must have the same shape|shape"):
        tf.scan(lambda a, x: tf.concat([a, x], 0), tf.ones([3, 2]))
