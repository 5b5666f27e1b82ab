"""tf.nn.top_k, tf.nn.in_top_k, tf.sort and tf.argsort: values and tie order against NumPy,
the gradient against finite differences, TF's rules and messages (recorded from TF 2.21)."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


rows = arrays(np.int32, st.tuples(st.integers(1, 4), st.integers(1, 9)), elements=st.integers(0, 4))


@settings(max_examples=60, deadline=None)
@given(x=rows, data=st.data())
def test_top_k_matches_a_stable_numpy_sort(x, data):
    tf.reset_default_graph()
    k = data.draw(st.integers(0, x.shape[1]))
    values, indices = run(tf.nn.top_k(x.astype(np.float32), k))
    order = np.argsort(-x, axis=1, kind="stable")[:, :k]  # ties: lower index first, as TF
    np.testing.assert_array_equal(indices, order)
    np.testing.assert_array_equal(values, np.take_along_axis(x, order, 1))


@settings(max_examples=60, deadline=None)
@given(x=rows, data=st.data())
def test_sort_and_argsort_match_numpy(x, data):
    tf.reset_default_graph()
    axis = data.draw(st.sampled_from([0, 1, -1]))
    got = run(
        [
            tf.sort(x, axis=axis),
            tf.sort(x, axis=axis, direction="DESCENDING"),
            tf.argsort(x, axis=axis, stable=True),
        ]
    )
    np.testing.assert_array_equal(got[0], np.sort(x, axis=axis))
    np.testing.assert_array_equal(got[1], -np.sort(-x, axis=axis))
    np.testing.assert_array_equal(got[2], np.argsort(x, axis=axis, kind="stable"))


def test_top_k_graph_and_gradient_follow_tf():
    x = tf.constant([[1.0, 3.0, 3.0, 2.0], [4.0, 0.0, 4.0, 4.0]])
    top = tf.nn.top_k(x, 2)
    assert top.values.op.type == "TopKV2"
    assert top.indices.dtype == tf.int32
    assert tf.math.top_k is tf.nn.top_k
    grad = tf.gradients(tf.reduce_sum(top.values * [[1.0, 2.0], [3.0, 4.0]]), x)[0]
    np.testing.assert_array_equal(run(grad), [[0, 1, 2, 0], [3, 0, 4, 0]])  # TF's values
    assert tf.nn.top_k(
        tf.placeholder(tf.float32, [2, None]), tf.placeholder(tf.int32)
    ).values.shape.as_list() == [2, None]
    rng = np.random.default_rng(5)
    distinct = rng.permutation(24).reshape(2, 3, 4) / 7.0
    check_gradients(lambda a: tf.nn.top_k(a, 3).values, [distinct])


def test_in_top_k_counts_ties_and_refuses_non_finite_rows():
    p = tf.constant([[0.1, 0.3, 0.3, 0.2], [0.5, 0.1, np.inf, 0.2]])
    t = tf.nn.in_top_k(p, [2, 0], 1)
    assert (t.op.type, t.op.name, t.shape.as_list()) == ("InTopKV2", "in_top_k/InTopKV2", [2])
    assert run(t).tolist() == [True, False]
    assert run(tf.nn.in_top_k(p, [1, 3], 1)).tolist() == [True, False]
    assert run(tf.nn.in_top_k(p, [7, -1], 2)).tolist() == [False, False]
    assert run(tf.nn.in_top_k(p, tf.constant([2, 0], tf.int64), 10)).tolist() == [True, False]
    assert run(tf.nn.in_top_k(p, [2, 0], -1)).tolist() == [False, False]


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (
            lambda x: tf.nn.top_k(x, 5),
            ValueError,
            "input must have last dimension >= k = 5 but is 4",
        ),
        (lambda x: tf.nn.top_k(x, -1), ValueError, "must be non-negative but is -1"),
        (lambda x: tf.nn.top_k(tf.constant(3.0), 1), ValueError, "at least rank 1 but is rank 0"),
        (lambda x: tf.nn.top_k(x, [1]), ValueError, "Input must be scalar but has rank 1"),
        (
            lambda x: tf.nn.in_top_k(tf.constant([[0.1]], tf.float64), [0], 1),
            TypeError,
            "has type float64 that does not match expected type of float32",
        ),
        (lambda x: tf.nn.in_top_k(tf.constant([0.1, 0.2]), [0], 1), ValueError, "must be rank 2"),
        (lambda x: tf.nn.in_top_k(x, [2, 0, 1], 1), ValueError, "equal, but are 2 and 3"),
        (lambda x: tf.sort(x, direction="UP"), ValueError, "Unknown direction"),
    ],
)
def test_build_time_errors(build, error, message):
    with pytest.raises(error, match=message):
        build(tf.constant([[1.0, 3.0, 3.0, 2.0], [4.0, 0.0, 4.0, 4.0]]))


def test_run_time_errors():
    k = tf.placeholder(tf.int32)
    top = tf.nn.top_k(tf.constant([[1.0, 3.0, 3.0, 2.0]]), k)
    with tf.Session() as sess:
        with pytest.raises(
            tf.errors.InvalidArgumentError, match=r"at least k columns\. Had 4, needed 5"
        ):
            sess.run(top, {k: 5})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need k >= 0, got -1"):
            sess.run(top, {k: -1})
