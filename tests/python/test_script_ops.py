"""tf.py_func, tf.numpy_function and tf.py_function: Python callables run by the C++ core as
ops, with TF1's op types, return checks, error classes (recorded from TF 2.21's compat.v1) and,
for py_function, gradients through a recorded tape."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest
import varflow as tf
from varflow import _core
from varflow.eager.context import eager_mode


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


def test_py_func_op_types_names_and_results():
    x = tf.constant([1.0, 2.0])
    y = tf.py_func(lambda a: a * 2, [x], tf.float32)
    assert (y.op.type, y.op.name, y.shape.ndims) == ("PyFunc", "PyFunc", None)
    assert y.op.get_attr("token").startswith("pyfunc_")
    np.testing.assert_array_equal(run(y), [2.0, 4.0])
    stateless = tf.py_func(lambda a: a, [x], tf.float32, stateful=False, name="same")
    assert (stateless.op.type, stateless.op.name) == ("PyFuncStateless", "same")
    assert tf.numpy_function(lambda a: a, [x], tf.float32).op.type == "PyFunc"
    pair = tf.py_func(lambda a: [a, a + 1], [x], [tf.float32, tf.float32])
    assert isinstance(pair, list)
    np.testing.assert_array_equal(run(pair)[1], [2.0, 3.0])
    nothing = tf.py_func(lambda a: None, [x], [])
    assert isinstance(nothing, tf.Operation)
    assert run(nothing) is None


def test_returned_values_take_numpy_dtypes_as_tf1():
    x = tf.constant([1.0, 2.0])
    assert run(tf.py_func(lambda a: 3, [x], tf.int64)) == 3
    assert run(tf.py_func(lambda a: 3.5, [x], tf.float64)) == 3.5
    assert run(tf.py_func(lambda a: a > 1, [x], tf.bool)).tolist() == [False, True]
    words = run(tf.py_func(lambda a: np.array(["x", "yy"]), [x], tf.string))
    assert words.tolist() == [b"x", b"yy"]
    echoed = run(tf.py_func(lambda s: s, [tf.constant(["a", "bc"])], tf.string))
    assert echoed.tolist() == [b"a", b"bc"]
    assert run(tf.py_func(lambda a: a + 1, [3], tf.int32)) == 4


@pytest.mark.parametrize(
    ("func", "tout", "message"),
    [
        (
            lambda a: a.astype(np.float64),
            tf.float32,
            r"0-th value returned by pyfunc_\d+ is double, ",
        ),
        (lambda a: 3, tf.int32, "is int64, but expects int32"),
        (lambda a: 3.5, tf.float32, "is double, but expects float"),
        (lambda a: (a, a), [tf.float32], r"returns 2 values, but expects to see 1 values."),
        (lambda a: [1.0, 2.0], tf.float32, "returns 2 values, but expects to see 1 values."),
    ],
)
def test_wrong_results_are_invalid_argument(func, tout, message):
    y = tf.py_func(func, [tf.constant([1.0, 2.0])], tout)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        run(y)


@pytest.mark.parametrize(
    ("exception", "error"),
    [
        (ValueError, tf.errors.InvalidArgumentError),
        (TypeError, tf.errors.InvalidArgumentError),
        (StopIteration, tf.errors.OutOfRangeError),
        (NotImplementedError, tf.errors.UnimplementedError),
        (MemoryError, tf.errors.ResourceExhaustedError),
        (KeyError, tf.errors.UnknownError),
        (ZeroDivisionError, tf.errors.UnknownError),
    ],
)
def test_exceptions_map_to_tf1_error_classes(exception, error):
    def fails(a):
        raise exception("boom")

    y = tf.py_func(fails, [tf.constant(1.0)], tf.float32)
    with pytest.raises(error, match=rf"{exception.__name__}: .*boom.*\nTraceback") as info:
        run(y)
    assert "PyFunc" in str(info.value)


def test_callable_gets_copies_and_runs_every_step():
    source = tf.Variable([1.0, 2.0])
    calls = []

    def scribble(a):
        calls.append(a.copy())
        a[:] = -1  # must not reach the variable
        return a

    y = tf.py_func(scribble, [source.read_value()], tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y)
        sess.run(y)
        np.testing.assert_array_equal(sess.run(source), [1.0, 2.0])
    assert len(calls) == 2


def test_no_gradient_through_py_func():
    x = tf.constant([1.0, 2.0])
    y = tf.py_func(lambda a: a * 2, [x], tf.float32)
    assert tf.gradients(y, x) == [None]


def test_py_func_inside_a_dataset_and_a_while_loop():
    ds = tf.data.Dataset.range(3).map(lambda i: tf.py_func(lambda v: v * 10, [i], tf.int64))
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    seen = []

    def body(i, total):
        step = tf.reshape(tf.py_func(lambda v: seen.append(int(v)) or v + 1, [i], tf.int32), [])
        return step, total + step

    loop = tf.while_loop(lambda i, total: i < 4, body, [tf.constant(0), tf.constant(0)])
    with tf.Session() as sess:
        assert [sess.run(nxt) for _ in range(3)] == [0, 10, 20]
        assert sess.run(loop) == (4, 10)
    assert seen == [0, 1, 2, 3]


def test_concurrent_sessions_call_safely():
    y = tf.py_func(lambda a: a + 1.0, [tf.constant(np.arange(1000.0))], tf.float64)
    results = []

    def work():
        with tf.Session(graph=y.graph) as sess:
            results.append(all(sess.run(y)[5] == 6.0 for _ in range(50)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 4


def test_a_dropped_graph_releases_its_functions():
    graph = tf.Graph()
    with graph.as_default():
        token = tf.py_func(lambda a: a, [tf.constant(1.0)], tf.float32).op.get_attr("token")
    assert _core.has_host_function(token)
    del graph
    gc.collect()
    assert not _core.has_host_function(token)


def test_py_function_runs_eager_ops_and_has_a_gradient():
    x = tf.constant([1.0, 2.0, 3.0])

    def cubic(a):
        assert tf.executing_eagerly()
        return tf.square(a) * a + float(a.numpy().sum())

    y = tf.py_function(cubic, [x], tf.float32)
    assert (y.op.type, y.shape.ndims) == ("EagerPyFunc", None)
    with tf.Session() as sess:
        value, grad = sess.run([y, tf.gradients(tf.reduce_sum(y * [1.0, 2.0, 3.0]), x)[0]])
    np.testing.assert_allclose(value, [7.0, 14.0, 33.0])
    # d/da of a^3 weighted by w (the sum term is a constant: it went through numpy()).
    np.testing.assert_allclose(grad, 3 * np.array([1.0, 4.0, 9.0]) * [1.0, 2.0, 3.0])
    assert not tf.executing_eagerly()


def test_py_function_gradient_of_one_of_two_outputs():
    x = tf.constant(2.0)
    _, b = tf.py_function(lambda v: [v * v, v * 3.0], [x], [tf.float32, tf.float32])
    assert run(tf.gradients(b, x)) == [3.0]


def test_py_function_in_eager_mode_is_a_call_seen_by_the_tape():
    with eager_mode():
        x = tf.constant(3.0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.py_function(lambda v: v * v, [x], tf.float32)
        assert float(y) == 9.0
        assert float(tape.gradient(y, x)) == 6.0
        assert float(tf.py_func(lambda v: v + 1, [x], tf.float32)) == 4.0


def test_default_graphs_are_per_thread_as_in_tf1():
    graph = tf.Graph()
    seen = []
    with graph.as_default():
        thread = threading.Thread(target=lambda: seen.append(tf.get_default_graph()))
        thread.start()
        thread.join()
        assert tf.get_default_graph() is graph
    assert seen[0] is not graph
