"""Regression tests for the math, nn and conversion classes of issue 11: integer arithmetic
defined on every input, Python values out of a dtype's range, run-time shape and axis checks,
NaN propagation. Values are checked against NumPy; errors by class and by what they name."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import varflow as tf

INT32_MIN = -(2**31)


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def fed(value, dtype):
    """A placeholder of unknown shape, so that only the kernel can check the value."""
    p = tf.placeholder(dtype, shape=None)
    return p, {p: value}


# --- integer arithmetic ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_integer_division_of_the_minimum_by_minus_one_wraps_as_numpy_does(dtype):
    low = np.iinfo(dtype).min
    x, feed = fed(np.array([low, 7, -7], dtype), tf.as_dtype(dtype))
    minus_one = tf.constant(np.array(-1, dtype))
    with np.errstate(over="ignore"):
        want_floordiv = np.floor_divide(np.array([low, 7, -7], dtype), dtype(-1))
    np.testing.assert_array_equal(run(tf.floordiv(x, minus_one), feed), want_floordiv)
    np.testing.assert_array_equal(run(tf.floormod(x, minus_one), feed), [0, 0, 0])
    np.testing.assert_array_equal(run(tf.truncatediv(x, minus_one), feed), want_floordiv)


@pytest.mark.parametrize("op", ["floordiv", "floormod", "truncatediv"])
def test_integer_division_by_zero_is_invalid_argument(op):
    x, feed = fed(np.array([1, 2], np.int32), tf.int32)
    out = getattr(tf, op)(x, tf.constant([1, 0]), name="divide_me")
    with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero") as info:
        run(out, feed)
    assert "divide_me" in str(info.value)


def test_integer_pow_by_squaring_matches_numpy_for_huge_exponents():
    base = np.array([3, -3, 2, 0, 1, -1], np.int32)
    exponent = np.array([2**30, 2**31 - 1, 40, 5, 2**31 - 1, 2**31 - 1], np.int32)
    x, feed = fed(base, tf.int32)
    e, feed_e = fed(exponent, tf.int32)
    feed.update(feed_e)
    np.testing.assert_array_equal(run(tf.pow(x, e), feed), np.power(base, exponent))


def test_integer_pow_with_a_negative_exponent_is_rejected_as_in_tf1():
    x, feed = fed(np.array([3], np.int64), tf.int64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="negative integer powers"):
        run(tf.pow(x, tf.constant(np.array([-1], np.int64))), feed)


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_integer_mean_over_no_elements_is_zero_as_in_tf1(dtype):
    x, feed = fed(np.zeros((0, 3), dtype.as_numpy_dtype), dtype)
    np.testing.assert_array_equal(run(tf.reduce_mean(x, axis=0), feed), [0, 0, 0])
    assert run(tf.reduce_mean(x), feed) == 0


@settings(max_examples=40, deadline=None)
@given(
    values=hnp.arrays(np.int32, hnp.array_shapes(max_dims=2, max_side=4)),
    op=st.sampled_from(["add", "subtract", "multiply", "square", "abs", "negative", "cumsum"]),
)
def test_integer_overflow_wraps_as_numpy_does(values, op):
    x, feed = fed(values, tf.int32)
    with np.errstate(over="ignore"):
        if op in ("add", "subtract", "multiply"):
            got = run(getattr(tf, op)(x, x), feed)
            want = getattr(np, op)(values, values)
        elif op == "cumsum":
            if values.ndim == 0:
                return
            got = run(tf.cumsum(x, axis=0), feed)
            want = np.cumsum(values, axis=0, dtype=np.int32)
        else:
            got = run(getattr(tf, op)(x), feed)
            want = getattr(np, op)(values)
    np.testing.assert_array_equal(got, want)


# --- Python values into tensors ---------------------------------------------------------------
def test_python_ints_choose_int32_or_int64_as_tf1_does():
    assert tf.constant(2**31 - 1).dtype == tf.int32
    assert tf.constant(2**40).dtype == tf.int64
    assert tf.constant([1, 2**40]).dtype == tf.int64
    assert run(tf.constant(2**40)) == 2**40


@pytest.mark.parametrize(
    ("value", "dtype", "error"),
    [
        (2**40, tf.int32, ValueError),
        (2**64, tf.int64, ValueError),
        (-(2**31) - 1, tf.int32, ValueError),
        ([1, 2**31], tf.int32, ValueError),
        (1e10, tf.int32, TypeError),
        (3.0, tf.int32, TypeError),  # TF1: a Python float is no integer, even when integral
        (1, tf.bool, TypeError),
    ],
)
def test_python_values_out_of_a_dtype_are_rejected(value, dtype, error):
    with pytest.raises(error, match=dtype.name):
        tf.constant(value, dtype=dtype)


def test_python_scalar_operands_are_checked_against_the_tensor_dtype():
    x = tf.placeholder(tf.int32)
    with pytest.raises(ValueError, match="out of range"):
        tf.add(x, 2**31)
    with pytest.raises(TypeError, match="Expected int32"):
        tf.add(x, 1e10)


def test_python_int_beyond_int64_is_a_value_error():
    with pytest.raises(ValueError, match="int64"):
        tf.constant(2**63)


def test_ragged_nested_lists_are_a_value_error():
    with pytest.raises(ValueError, match="dense tensor"):
        tf.constant([[1, 2], [3]])


# --- shapes and axes --------------------------------------------------------------------------
def test_add_n_checks_every_input_at_build_time_with_tf1s_message():
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.add_n([tf.ones([2, 3]), tf.ones([3, 2])])
    with pytest.raises(ValueError, match="Shapes must be equal rank, but are 2 and 1"):
        tf.add_n([tf.ones([2, 3]), tf.ones([2])])


@pytest.mark.parametrize("second", [(3, 2), (0, 2), (2,), (1, 3)])
def test_add_n_checks_every_input_at_run_time(second):
    a, feed = fed(np.ones((2, 3), np.float32), tf.float32)
    b, feed_b = fed(np.ones(second, np.float32), tf.float32)
    feed.update(feed_b)
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size and shape"):
        run(tf.add_n([a, b, a], name="summed"), feed)


@pytest.mark.parametrize("op", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_prod"])
@pytest.mark.parametrize("axes", [[0, 0], [1, -1], [5], [-3], [2**40]])
def test_reduction_axes_are_checked_at_run_time(op, axes):
    x, feed = fed(np.ones((2, 3), np.float32), tf.float32)
    ax, feed_ax = fed(np.array(axes, np.int64), tf.int64)
    feed.update(feed_ax)
    with pytest.raises(tf.errors.InvalidArgumentError, match="reduction"):
        run(getattr(tf, op)(x, axis=ax), feed)


def test_reduction_axes_must_be_a_scalar_or_a_vector():
    x, feed = fed(np.ones((2, 3), np.float32), tf.float32)
    ax, feed_ax = fed(np.array([[0]], np.int32), tf.int32)
    feed.update(feed_ax)
    with pytest.raises(tf.errors.InvalidArgumentError, match="scalar or a vector"):
        run(tf.reduce_sum(x, axis=ax), feed)


@pytest.mark.parametrize("op", ["cumsum", "cumprod", "argmax", "argmin"])
def test_scan_and_arg_axes_are_range_checked_at_run_time(op):
    x, feed = fed(np.ones((2, 3), np.float32), tf.float32)
    ax, feed_ax = fed(np.array(2**40, np.int64), tf.int64)
    feed.update(feed_ax)
    with pytest.raises(tf.errors.InvalidArgumentError, match="range"):
        run(getattr(tf, op)(x, axis=ax), feed)
    ax_vector, feed_vector = fed(np.array([0], np.int64), tf.int64)
    feed.update(feed_vector)
    with pytest.raises(tf.errors.InvalidArgumentError, match="scalar"):
        run(getattr(tf, op)(x, axis=ax_vector), feed)


def test_shape_inputs_reject_negative_dims_and_overflowing_counts():
    with pytest.raises(ValueError, match="Invalid value in tensor used for shape: -2|must be >= 0"):
        tf.fill(tf.constant([-2]), 1.0)
    # As in TF1, a shape whose element count overflows builds and fails when run.
    huge = tf.fill(tf.constant(np.array([2**62, 2**62], np.int64)), 1.0, name="huge")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"overflows int64[\s\S]*huge"):
        run(huge)
    with pytest.raises(ValueError, match="rank 1"):
        tf.fill(tf.constant(3), 1.0)


def test_select_takes_a_vector_condition_over_rows_as_tf1():
    cond = np.array([True, False, True])
    t, e = np.arange(6.0).reshape(3, 2), -np.arange(6.0).reshape(3, 2)
    out = tf.where(tf.constant(cond), tf.constant(t), tf.constant(e))
    np.testing.assert_array_equal(run(out), np.where(cond[:, None], t, e))
    c, feed = fed(np.array([True, False]), tf.bool)
    with pytest.raises(tf.errors.InvalidArgumentError, match="size of 'cond'"):
        run(tf.where(c, tf.constant(t), tf.constant(e)), feed)


def test_softmax_axis_out_of_range_is_tf1s_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"range \[-1, 1\)"):
        tf.nn.softmax(tf.constant([1.0, 2.0]), axis=-2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"range \[0, 0\)"):
        tf.nn.log_softmax(3.0, axis=0)


@pytest.mark.parametrize("shape", [(4, 3), (2, 4, 3), (3,)])
def test_softmax_cross_entropy_runs_on_logits_of_unknown_rank(shape):
    rng = np.random.default_rng(0)
    logits_v = rng.normal(size=shape)
    labels_v = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
    logits, feed = fed(logits_v, tf.float64)
    labels, feed_l = fed(labels_v, tf.float64)
    feed.update(feed_l)
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    z = logits_v - logits_v.max(axis=-1, keepdims=True)
    want = -(labels_v * (z - np.log(np.exp(z).sum(axis=-1, keepdims=True)))).sum(axis=-1)
    np.testing.assert_allclose(run(loss, feed), want, rtol=1e-12)


@pytest.mark.parametrize("axes", [[[0, 0], [0, 0]], [[3], [0]], [[0], [1]]])
def test_tensordot_rejects_bad_axes_with_a_value_error(axes):
    with pytest.raises(ValueError, match="tensordot"):
        tf.tensordot(tf.ones([1, 1, 2]), tf.ones([1]), axes)


# --- NaN propagates as in TF1 -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "reference"),
    [
        (lambda x: tf.maximum(x, 0.5), lambda v: np.maximum(v, 0.5)),
        (lambda x: tf.maximum(0.5, x), lambda v: np.maximum(0.5, v)),
        (lambda x: tf.minimum(x, 0.5), lambda v: np.minimum(v, 0.5)),
        (tf.nn.relu, lambda v: np.where(v < 0, 0, v)),
        (tf.nn.relu6, lambda v: np.where(v < 0, 0, np.where(v > 6, 6, v))),
        (lambda x: tf.clip_by_value(x, 0.0, 1.0), lambda v: np.clip(v, 0.0, 1.0)),
    ],
)
def test_nan_propagates_through_max_min_relu_and_clip(make, reference):
    values = np.array([np.nan, -np.inf, -1.0, 0.25, 7.0, np.inf], np.float32)
    x, feed = fed(values, tf.float32)
    np.testing.assert_array_equal(run(make(x), feed), reference(values))


@pytest.mark.parametrize("shape", [(4, 3), (2, 4, 3)])
def test_sparse_softmax_cross_entropy_runs_on_logits_of_unknown_rank(shape):
    rng = np.random.default_rng(1)
    logits_v = rng.normal(size=shape)
    labels_v = rng.integers(0, shape[-1], size=shape[:-1])
    logits, feed = fed(logits_v, tf.float64)
    labels, feed_l = fed(labels_v, tf.int64)
    feed.update(feed_l)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    z = logits_v - logits_v.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    want = -np.take_along_axis(log_p, labels_v[..., None], axis=-1)[..., 0]
    np.testing.assert_allclose(run(loss, feed), want, rtol=1e-12)
    labels_out_of_range = np.full(shape[:-1], shape[-1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="valid range"):
        run(loss, {**feed, labels: labels_out_of_range})


# --- feeds never change a value silently ------------------------------------------------------
@pytest.mark.parametrize(
    ("dtype", "value", "reason"),
    [
        (tf.int32, np.array([1.5]), "truncated"),
        (tf.int32, [np.nan], "non-finite"),
        (tf.int32, np.array([2**40]), "wrap"),
        (tf.int32, np.array([2**63], np.uint64), "wrap"),
        (tf.float32, np.array([1j]), "imaginary"),
        (tf.bool, [0, 2], "booleans"),
    ],
)
def test_lossy_feeds_are_value_errors_naming_the_tensor(dtype, value, reason):
    p = tf.placeholder(dtype, shape=None, name="fed")
    with tf.Session() as sess, pytest.raises(ValueError, match=f"'fed:0'.*{reason}"):
        sess.run(tf.identity(p), {p: value})


def test_exact_feeds_still_convert():
    p = tf.placeholder(tf.int32, shape=None)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(tf.identity(p), {p: np.array([2.0, -3.0])}), [2, -3])
        np.testing.assert_array_equal(sess.run(tf.identity(p), {p: np.array([1], np.int8)}), [1])


def test_feeding_an_operation_says_which_tensor_to_feed():
    op = tf.no_op(name="step")
    with tf.Session() as sess, pytest.raises(TypeError, match="'step:0'"):
        sess.run(tf.constant(1.0), {op: 1.0})
