"""Bad input to the array and indexing ops (array_ops.cc and the indexing families in
concat_split_ops.cc, slice_ops.cc, gather_ops.cc, pad_tile_ops.cc, index_set_ops.cc): a typed
error that names the node, never a crash, a wrapped size or a silent wrong answer.

Each op is checked twice, as it checks itself twice: with constants, where the shape rule sees
the values and raises ValueError / TypeError at build time, and with placeholders of unknown
shape, where only the kernel sees them and raises InvalidArgumentError (or ResourceExhausted
for a size that cannot be allocated). Good cases compare with NumPy. Sizes used for
"too large" cases are far beyond any machine (>= 2**45 bytes), so that they fail without
touching memory, and never in between, where they would really be allocated.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import varflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

INVALID = tf.errors.InvalidArgumentError
EXHAUSTED = tf.errors.ResourceExhaustedError
HUGE = 2**45  # elements: 256 TiB of float64, beyond any allocation

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fed(fn, *values):
    """Builds fn(placeholders...) with shape=None placeholders (so only the kernel sees the
    values) and runs it fed with `values`. Returns (output tensor(s), result)."""
    tf.reset_default_graph()
    arrays = [np.asarray(v) for v in values]
    holders = [tf.placeholder(tf.as_dtype(a.dtype), shape=None) for a in arrays]
    out = fn(*holders)
    with tf.Session() as sess:
        return out, sess.run(out, dict(zip(holders, arrays, strict=True)))


def run_error(cls, match, fn, *values, node="bad"):
    """fn(placeholders...) fed with `values` raises `cls` matching `match`, naming `node`."""
    with pytest.raises(cls) as info:
        fed(fn, *values)
    message = str(info.value)
    assert re.search(match, message), message
    assert f"[[node {node}" in message or f"'{node}'" in message, message
    return message


def build_error(cls, match, fn, node="bad"):
    """fn() with constant inputs raises `cls` at graph-build time, naming `node`."""
    tf.reset_default_graph()
    with pytest.raises(cls) as info:
        fn()
    message = str(info.value)
    assert re.search(match, message), message
    assert node in message, message
    return message


def value_of(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


# --- Axis and rank handling ---------------------------------------------------------------------
# Each op's valid axes per NumPy: stack/expand_dims/one_hot take rank+1 positions.
@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3),
    axis=st.integers(-6, 6),
    op=st.sampled_from(["stack", "expand_dims", "unstack", "concat", "split", "gather", "squeeze"]),
)
def test_axis_out_of_range_is_an_error_at_run_time_and_a_numpy_answer_in_range(shape, axis, op):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    r = x.ndim
    if op == "stack":
        valid, want = -r - 1 <= axis <= r, lambda: np.stack([x, x + 1], axis)
        fn = lambda p: tf.stack([p, p + 1], axis=axis, name="bad")
    elif op == "expand_dims":
        valid, want = -r - 1 <= axis <= r, lambda: np.expand_dims(x, axis)
        fn = lambda p: tf.expand_dims(p, axis, name="bad")
    elif op == "unstack":
        valid = -r <= axis < r
        want = lambda: list(np.moveaxis(x, axis, 0))
        num = shape[axis] if valid else 1
        fn = lambda p: tf.unstack(p, num=num, axis=axis, name="bad")
    elif op == "concat":
        valid, want = r > 0 and -r <= axis < r, lambda: np.concatenate([x, x], axis)
        fn = lambda p: tf.concat([p, p], axis, name="bad")
    elif op == "split":
        valid, want = r > 0 and -r <= axis < r, lambda: np.split(x, 1, axis)
        fn = lambda p: tf.split(p, 1, axis=axis, name="bad")
    elif op == "gather":
        valid, want = r > 0 and -r <= axis < r, lambda: np.take(x, [0, 0], axis)
        fn = lambda p: tf.gather(p, [0, 0], axis=axis, name="bad")
    else:
        valid = -r <= axis < r and shape[axis] == 1
        want = lambda: np.squeeze(x, axis)
        fn = lambda p: tf.squeeze(p, [axis], name="bad")
    if not valid:
        run_error(INVALID, ".", fn, x)
        return
    _, got = fed(fn, x)
    expected = want()
    if isinstance(expected, list):
        assert len(got) == len(expected)
        for g, w in zip(got, expected, strict=True):
            np.testing.assert_array_equal(g, w)
    else:
        np.testing.assert_array_equal(got, expected)


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3),
    axis=st.integers(-4, 5),
)
def test_one_hot_axis_range_comes_from_the_output_rank(shape, axis):
    idx = (np.arange(int(np.prod(shape))) % 4 - 1).reshape(shape).astype(np.int32)
    r = idx.ndim
    fn = lambda p: tf.one_hot(p, 3, axis=axis, name="bad")
    if axis == -1 or 0 <= axis <= r:
        want = np.moveaxis(
            np.eye(3, dtype=np.float32)[idx] * (idx >= 0)[..., None], -1, axis if axis >= 0 else -1
        )
        np.testing.assert_array_equal(fed(fn, idx)[1], want)
        return
    if axis < -1:
        build_error(
            ValueError, "axis must be >= -1", lambda: tf.one_hot(idx, 3, axis=axis, name="bad")
        )
        return
    msg = run_error(INVALID, re.escape(f"between [0, {r + 1}).  But received: {axis}"), fn, idx)
    assert "[0, 0)" not in msg
    build_error(
        ValueError,
        re.escape(f"between [0, {r + 1})"),
        lambda: tf.one_hot(idx, 3, axis=axis, name="bad"),
    )


def test_known_crashers_one_hot_and_stack_with_bad_axis():
    # These wrote out of bounds in Dims::insert (SIGSEGV) before the kernels checked the axis.
    run_error(
        INVALID,
        r"between \[0, 1\)\.  But received: 2",
        lambda p: tf.one_hot(p, 5, axis=2, name="bad"),
        np.int32(3),
    )
    run_error(
        INVALID,
        r"between \[0, 2\)",
        lambda p: tf.one_hot(p, 0, axis=3, name="bad"),
        np.array([1], np.int32),
    )
    run_error(
        INVALID,
        r"axis = 2 not in \[-2, 2\)",
        lambda p: tf.stack([p, p], axis=2, name="bad"),
        np.ones(2),
    )
    run_error(
        INVALID,
        r"axis = 5 not in \[-2, 2\)",
        lambda p: tf.stack([p], axis=5, name="bad"),
        np.zeros(0, bool),
    )
    run_error(
        INVALID,
        r"axis = -4 not in \[-2, 2\)",
        lambda p: tf.stack([p, p], axis=-4, name="bad"),
        np.ones(2),
    )
    run_error(
        INVALID,
        r"axis = 3 not in \[-2, 2\)",
        lambda p: tf.unstack(p, num=2, axis=3, name="bad")[0],
        np.ones((2, 3)),
    )


def test_negative_axes_give_numpy_shapes_not_garbage():
    x = np.zeros((2, 3))
    assert tf.stack([x, x], axis=-2).shape.as_list() == [2, 2, 3]
    assert tf.stack([x, x], axis=-3).shape.as_list() == [2, 2, 3]
    assert tf.expand_dims(x, -3).shape.as_list() == [1, 2, 3]
    assert tf.one_hot(np.zeros((2, 3), np.int32), 4).shape.as_list() == [2, 3, 4]
    build_error(
        ValueError, r"axis = -4 not in \[-3, 3\)", lambda: tf.stack([x, x], axis=-4, name="bad")
    )
    build_error(
        ValueError,
        r"dim -4 not in the interval \[-3, 2\]",
        lambda: tf.expand_dims(x, -4, name="bad"),
    )
    build_error(
        ValueError,
        r"squeeze_dims\[0\] not in \[-2,2\)",
        lambda: tf.squeeze(np.zeros((1, 1)), [-3], name="bad"),
    )


def test_pack_shape_mismatch_messages_tell_rank_from_dimension():
    build_error(
        ValueError,
        "Shapes must be equal rank, but are 1 and 2",
        lambda: tf.get_default_graph().create_op(
            "Pack", [tf.zeros([3]), tf.zeros([2, 3])], {"axis": 0}, name="bad"
        ),
    )
    msg = build_error(
        ValueError,
        "Dimension 0 in both shapes must be equal, but are 3 and 2",
        lambda: tf.get_default_graph().create_op(
            "Pack", [tf.zeros([3]), tf.zeros([2])], {"axis": 0}, name="bad"
        ),
    )
    assert "equal rank" not in msg
    run_error(
        INVALID,
        r"values\[0\]\.shape = \[3\] != values\[1\]\.shape = \[2,3\]",
        lambda p, q: tf.stack([p, q], name="bad"),
        np.ones(3),
        np.ones((2, 3)),
    )


def test_unpack_num_must_match():
    run_error(
        INVALID,
        "Input shape axis 0 must equal 3, got shape \\[2,3\\]",
        lambda p: tf.unstack(p, num=3, name="bad")[0],
        np.ones((2, 3)),
    )
    build_error(
        ValueError,
        "Dimension must be 3 but is 2",
        lambda: tf.unstack(np.ones((2, 3)), num=3, name="bad"),
    )


# --- Size overflow ------------------------------------------------------------------------------
def test_tile_with_an_element_count_beyond_memory_is_resource_exhausted():
    msg = run_error(
        EXHAUSTED,
        "OOM when allocating",
        lambda p: tf.tile(p, [2**30, 2**30], name="bad"),
        np.array([[-3, 3, -2, 5]], np.int32),
    )
    assert "1073741824, 4294967296" in msg  # the true shape, not a wrapped one


def test_tile_dimension_overflow_is_invalid_argument():
    mult = np.array([2**62, 2**62], np.int64)
    run_error(
        INVALID,
        "overflow when multiplying 2 with 4611686018427387904",
        lambda p, m: tf.tile(p, m, name="bad"),
        np.ones((2, 3)),
        mult,
    )
    build_error(
        ValueError,
        "overflow when multiplying 2 and 4611686018427387904",
        lambda: tf.tile(np.ones((2, 3)), mult, name="bad"),
    )


@SETTINGS
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3),
    data=st.data(),
)
def test_tile_matches_numpy_or_fails_cleanly(shape, data):
    mult = data.draw(
        st.lists(
            st.sampled_from([0, 1, 2, 3, HUGE, 2**62]), min_size=len(shape), max_size=len(shape)
        )
    )
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    dims = [d * m for d, m in zip(shape, mult, strict=True)]
    fn = lambda p, m: tf.tile(p, m, name="bad")
    m = np.array(mult, np.int64)
    if any(d > 2**63 - 1 for d in dims):
        run_error(INVALID, "overflow", fn, x, m)
    elif 0 in dims:
        # NumPy itself cannot hold an empty array whose other dimensions overflow its byte count.
        nonzero = int(np.prod([d for d in dims if d], dtype=object))
        if nonzero * x.itemsize < 2**63:
            assert fed(fn, x, m)[1].shape == tuple(dims)
    elif int(np.prod(dims, dtype=object)) >= HUGE:
        run_error((INVALID, EXHAUSTED), "OOM|overflow|more elements", fn, x, m)
    else:
        np.testing.assert_array_equal(fed(fn, x, m)[1], np.tile(x, mult))


def test_reshape_to_a_huge_shape_is_an_error_not_a_wrapped_shape():
    x = np.ones((2, 3), np.float32)
    shape = np.array([4294967300, -1], np.int64)
    run_error(
        INVALID,
        "requires a multiple of 4294967300",
        lambda p, s: tf.reshape(p, s, name="bad"),
        x,
        shape,
    )
    build_error(
        ValueError,
        "evenly divisible by 4294967300",
        lambda: tf.reshape(x, [4294967300, -1], name="bad"),
    )
    assert tf.reshape(tf.placeholder(tf.float32), [4294967300, -1]).op.inputs[1].dtype == tf.int64
    run_error(
        INVALID,
        r"Shape \[4611686018427387904,4611686018427387904,-1\] has too many",
        lambda p, s: tf.reshape(p, s, name="bad"),
        x,
        np.array([2**62, 2**62, -1], np.int64),
    )
    build_error(
        ValueError,
        "overflow when multiplying",
        lambda: tf.reshape(x, np.array([2**62, 2**62, -1]), name="bad"),
    )


@pytest.mark.parametrize(
    ("shape", "match"),
    [
        ([2, -2], "Size 1 must be non-negative, not -2"),
        ([-1, -1], "Only one input size may be -1, not both 0 and 1"),
        ([0, -1], "cannot infer the missing input size for an empty tensor"),
        ([4], "tensor with 6 values, but the requested shape has 4"),
        ([4, -1], "tensor with 6 values, but the requested shape requires a multiple of 4"),
    ],
)
def test_reshape_run_time_errors(shape, match):
    run_error(
        INVALID,
        match,
        lambda p, s: tf.reshape(p, s, name="bad"),
        np.ones((2, 3)),
        np.array(shape, np.int32),
    )


def test_reshape_build_time_errors():
    x = np.ones((2, 3))
    build_error(
        ValueError,
        "Invalid value in tensor used for shape: -2",
        lambda: tf.reshape(tf.placeholder(tf.float32), [2, -2], name="bad"),
    )
    build_error(
        ValueError, "Shape must be rank 1 but is rank 2", lambda: tf.reshape(x, [[6]], name="bad")
    )
    build_error(
        ValueError,
        r"Cannot reshape a tensor with 6 elements to shape \[4\] \(4 elements\)",
        lambda: tf.reshape(x, [4], name="bad"),
    )
    run_error(
        INVALID,
        "sizes input must be 1-D, not \\[1,1\\]",
        lambda p, s: tf.reshape(p, s, name="bad"),
        x,
        np.array([[6]], np.int32),
    )


def test_fill_with_dims_beyond_int32_keeps_them():
    t = tf.fill([2**32 + 3], 1.5)
    assert t.op.inputs[0].dtype == tf.int64
    assert t.shape.as_list() == [2**32 + 3]
    run_error(
        EXHAUSTED,
        r"OOM when allocating tensor with shape \(1099511627779,\)",
        lambda d, v: tf.fill(d, v, name="bad"),
        np.array([2**40 + 3], np.int64),
        np.float32(1.5),
    )
    # Empty, however large its other dimensions.
    _, got = fed(lambda v: tf.fill([2, 4294967296, 0], v), np.float32(1.25))
    assert got.shape == (2, 4294967296, 0)
    assert got.dtype == np.float32


def test_fill_errors():
    build_error(
        ValueError, "Fill dimensions must be >= 0", lambda: tf.fill([2, -1], 1.0, name="bad")
    )
    build_error(
        ValueError,
        "Shape must be rank 0 but is rank 1",
        lambda: tf.fill([2], [1.0, 2.0], name="bad"),
    )
    build_error(
        ValueError, "Shape must be rank 1 but is rank 2", lambda: tf.fill([[2]], 1.0, name="bad")
    )
    run_error(
        INVALID,
        "Dimension -1 must be >= 0",
        lambda d, v: tf.fill(d, v, name="bad"),
        np.array([2, -1], np.int32),
        np.float32(1),
    )
    run_error(
        INVALID,
        "value must represent a scalar, got shape \\[2\\]",
        lambda d, v: tf.fill(d, v, name="bad"),
        np.array([2], np.int32),
        np.ones(2),
    )
    run_error(
        INVALID,
        "dims must represent a vector, got shape \\[1,1\\]",
        lambda d, v: tf.fill(d, v, name="bad"),
        np.array([[2]], np.int32),
        np.float32(1),
    )
    run_error(
        INVALID,
        "more elements than fit|overflow",
        lambda d, v: tf.fill(d, v, name="bad"),
        np.array([2**62, 2**62], np.int64),
        np.float32(1),
    )


def test_zeros_and_ones_of_a_huge_shape_build_a_fill_not_a_constant():
    z = tf.zeros([2**40], name="bad")
    assert z.op.type == "Fill"
    assert z.shape.as_list() == [2**40]
    with pytest.raises(EXHAUSTED, match="bad"):
        value_of(z)
    assert tf.ones([2, 3], tf.int32).op.type == "Const"
    np.testing.assert_array_equal(value_of(tf.ones([40, 30], tf.bool)), np.ones((40, 30), bool))


def test_zeros_like_and_ones_like_honour_dtype():
    x = tf.constant([1.5, -2.0])
    z, o = tf.zeros_like(x, dtype=tf.int32), tf.ones_like(x, dtype=tf.bool)
    assert z.dtype == tf.int32
    assert o.dtype == tf.bool
    assert z.shape.as_list() == [2]
    got = value_of([z, o])
    np.testing.assert_array_equal(got[0], np.zeros(2, np.int32))
    np.testing.assert_array_equal(got[1], np.ones(2, bool))


def test_broadcast_to_checks_rank_sign_and_size():
    x = np.ones((2, 3))
    build_error(
        ValueError,
        "Dimensions must be equal, but are 2 and 3",
        lambda: tf.broadcast_to(x, [3, 3], name="bad"),
    )
    build_error(
        ValueError,
        "Invalid value in tensor used for shape: -3",
        lambda: tf.broadcast_to(x, [2, -3], name="bad"),
    )
    fn = lambda p, s: tf.broadcast_to(p, s, name="bad")
    run_error(INVALID, r"Incompatible shapes: \[2,3\] vs. \[3,3\]", fn, x, np.array([3, 3]))
    run_error(
        INVALID,
        r"Rank of input \(2\) must be no greater than rank of output shape \(1\)",
        fn,
        x,
        np.array([3]),
    )
    run_error(INVALID, "Dimension -3 must be >= 0", fn, x, np.array([2, -3]))
    run_error(
        INVALID,
        "more elements than fit|overflow",
        fn,
        np.float64(1),
        np.array([2**40, 2**40, 2**40]),
    )
    run_error(EXHAUSTED, "OOM", fn, np.float64(1), np.array([2**40, 2**10]))
    np.testing.assert_array_equal(fed(fn, x, np.array([4, 2, 3]))[1], np.broadcast_to(x, (4, 2, 3)))
    assert fed(fn, x, np.array([0, 2, 3]))[1].shape == (0, 2, 3)


def test_concat_of_huge_empty_tensors_overflows_cleanly():
    big = np.zeros((0, 2**62), bool)  # the largest empty array NumPy holds
    run_error(INVALID, "overflows int64", lambda p: tf.concat([p, p], 1, name="bad"), big)
    build_error(
        ValueError,
        "Dimension size overflow from adding",
        lambda: tf.concat([tf.zeros([0, 2**62], tf.bool)] * 2, 1, name="bad"),
    )
    _, got = fed(lambda p: tf.concat([p, p], 0), big)
    assert got.shape == (0, 2**62)


def test_pad_paddings_overflow_and_sign():
    x = np.ones((2, 3))
    fn = lambda p, q: tf.pad(p, q, name="bad")
    run_error(
        INVALID,
        "Dimension size overflow from adding paddings",
        fn,
        x,
        np.array([[0, 2**63 - 1], [0, 0]], np.int64),
    )
    build_error(
        ValueError,
        "Dimension size overflow",
        lambda: tf.pad(x, np.array([[0, 2**63 - 1], [0, 0]]), name="bad"),
    )
    run_error(EXHAUSTED, "OOM", fn, x, np.array([[0, 2**40], [0, 2**10]], np.int64))
    run_error(INVALID, "Paddings must be non-negative: -1 0", fn, x, np.array([[0, 1], [-1, 0]]))
    build_error(
        ValueError,
        "Paddings must be non-negative",
        lambda: tf.pad(x, [[0, 1], [-1, 0]], name="bad"),
    )
    run_error(
        INVALID, "paddings must be a matrix with 2 columns: \\[4\\]", fn, x, np.array([0, 1, 0, 1])
    )
    run_error(
        INVALID,
        "The first dimension of paddings must be the rank of inputs",
        fn,
        x,
        np.array([[0, 1]]),
    )
    build_error(
        ValueError,
        "Shape must be rank 2 but is rank 1",
        lambda: tf.pad(x, [0, 1, 0, 1], name="bad"),
    )
    build_error(
        ValueError,
        "Dimension must be 2 but is 3",
        lambda: tf.pad(x, [[0, 1, 2], [0, 1, 2]], name="bad"),
    )
    run_error(
        INVALID,
        "constant_values must be a scalar. Found: \\[2\\]",
        lambda p, v: tf.pad(p, [[0, 1], [0, 1]], constant_values=v, name="bad"),
        x,
        np.ones(2),
    )


def test_mirror_pad_paddings_against_the_dimension():
    x = np.arange(6.0).reshape(2, 3)
    reflect = lambda p, q: tf.pad(p, q, mode="REFLECT", name="bad")
    symmetric = lambda p, q: tf.pad(p, q, mode="SYMMETRIC", name="bad")
    run_error(
        INVALID,
        "paddings must be less than the dimension size: 0, 2 not less than 2",
        reflect,
        x,
        np.array([[0, 2], [0, 0]]),
    )
    run_error(
        INVALID,
        "paddings must be no greater than the dimension size: 0, 3 greater than 2",
        symmetric,
        x,
        np.array([[0, 3], [0, 0]]),
    )
    run_error(
        INVALID,
        "paddings must be no greater than the dimension size",
        symmetric,
        x,
        np.array([[0, 2**62], [0, 2**62]], np.int64),
    )
    run_error(
        INVALID, "paddings must be non-negative: 0 -1", symmetric, x, np.array([[0, -1], [0, 0]])
    )
    np.testing.assert_array_equal(
        fed(reflect, x, np.array([[1, 1], [2, 2]]))[1], np.pad(x, [[1, 1], [2, 2]], mode="reflect")
    )
    graph_grad = lambda g, q: (
        tf.get_default_graph()
        .create_op("MirrorPadGrad", [g, q], {"mode": "SYMMETRIC"}, name="bad")
        .outputs[0]
    )
    run_error(
        INVALID,
        "no greater than the output dimension size",
        graph_grad,
        np.zeros(4),
        np.array([[2**62, 2**62]], np.int64),
    )


def test_range_counts_in_the_inputs_dtype_without_overflow():
    t = tf.range(0, 3221225472)
    assert t.dtype == tf.int64
    assert t.shape.as_list() == [3221225472]
    np.testing.assert_array_equal(
        value_of(tf.range(0, 3221225472, 10**9)), np.arange(0, 3221225472, 10**9)
    )
    fn = lambda a, b, c: tf.range(a, b, c, name="bad")
    _, got = fed(fn, np.int64(-(2**63)), np.int64(2**63 - 1), np.int64(2**62))
    np.testing.assert_array_equal(got, [-(2**63), -(2**62), 0, 2**62])
    _, got = fed(fn, np.int32(-(2**31)), np.int32(2**31 - 1), np.int32(2**30))
    np.testing.assert_array_equal(got, np.arange(-(2**31), 2**31 - 1, 2**30, dtype=np.int64))
    run_error(
        INVALID,
        r"Requires \(\(limit - start\) / delta\) <= 9223372036854775807",
        fn,
        np.int64(-(2**63)),
        np.int64(2**63 - 1),
        np.int64(1),
    )
    run_error(
        EXHAUSTED,
        "OOM when allocating tensor with shape \\(1099511627776,\\)",
        fn,
        np.int64(0),
        np.int64(2**40),
        np.int64(1),
    )


@pytest.mark.parametrize(
    ("start", "limit", "delta", "match"),
    [
        (0, 5, -1, "Requires start >= limit when delta < 0: 0/5"),
        (5, 0, 1, "Requires start <= limit when delta > 0: 5/0"),
        (0, 5, 0, "Requires delta != 0"),
        (0.0, float("inf"), 1.0, r"Requires \(\(limit - start\) / delta\) <= 9223372036854775807"),
        (0.0, float("nan"), 1.0, "Requires start <= limit when delta > 0: 0/nan"),
        (0.0, 1.0, 1e-30, r"Requires \(\(limit - start\) / delta\) <="),
    ],
)
def test_range_errors(start, limit, delta, match):
    dtype = np.float32 if isinstance(start, float) else np.int32
    args = [np.array(v, dtype) for v in (start, limit, delta)]
    run_error(INVALID, match, lambda a, b, c: tf.range(a, b, c, name="bad"), *args)
    build_error(ValueError, match, lambda: tf.range(*[tf.constant(a) for a in args], name="bad"))


def test_unsorted_segment_sum_with_huge_empty_output():
    data = np.zeros((0, 0), np.int64)
    ids = np.zeros((0,), np.int64)
    _out, got = fed(lambda d, i: tf.unsorted_segment_sum(d, i, 2**40), data, ids)
    assert got.shape == (2**40, 0)
    fn = lambda d, i, n: tf.unsorted_segment_sum(d, i, n, name="bad")
    x = np.ones((2, 3))
    run_error(
        INVALID,
        "segment_ids\\[1\\] = 5 is out of range \\[0, 3\\)",
        fn,
        x,
        np.array([0, 5]),
        np.int32(3),
    )
    run_error(
        INVALID,
        "Input num_segments == -1 must not be negative",
        fn,
        x,
        np.array([0, 1]),
        np.int32(-1),
    )
    run_error(
        INVALID,
        "num_segments should be a scalar, not shape \\[1\\]",
        fn,
        x,
        np.array([0, 1]),
        np.array([3]),
    )
    run_error(
        INVALID, "does not start with segment_ids.shape", fn, x, np.array([0, 1, 2]), np.int32(3)
    )
    build_error(
        ValueError,
        "must be non-negative but is -1",
        lambda: tf.unsorted_segment_sum(x, [0, 1], -1, name="bad"),
    )
    _, got = fed(fn, x, np.array([0, -1]), np.int32(3))  # negative ids are dropped, as in TF
    np.testing.assert_array_equal(got, [[1, 1, 1], [0, 0, 0], [0, 0, 0]])
    # Integer sums wrap (defined, as in TF1 and NumPy), never UB.
    _, got = fed(fn, np.array([2**31 - 1, 1], np.int32), np.array([0, 0]), np.int32(1))
    np.testing.assert_array_equal(
        got, np.array([2**31 - 1, 1], np.int32).sum(dtype=np.int32, keepdims=True)
    )


def test_split_v_sizes_checked_without_overflow():
    x = np.ones((2, 3))
    fn = lambda p, s: tf.split(p, s, axis=1, num=3, name="bad")[0]
    run_error(
        INVALID, "Determined shape must either match", fn, x, np.array([2**62, 2**62, -1], np.int64)
    )
    run_error(INVALID, "Split size at index 0 must be >= 0. Got: -2", fn, x, np.array([-2, 5, 0]))
    run_error(INVALID, "There can only be one -1 in the input", fn, x, np.array([-1, -1, 3]))
    build_error(
        ValueError,
        "Split size at index 1 must be >= 0. Got: -2",
        lambda: tf.split(x, [4, -2], axis=1, name="bad"),
    )
    build_error(
        ValueError,
        "size_splits can only have one -1",
        lambda: tf.split(x, [-1, -1, 1], axis=1, name="bad"),
    )
    build_error(
        ValueError,
        r"can't split axis of size 3 into pieces of size \[1,1\]",
        lambda: tf.split(x, [1, 1], axis=1, name="bad"),
    )


def test_slice_bounds_without_overflow():
    x = np.arange(6.0).reshape(2, 3)
    fn = lambda p, b, s: tf.slice(p, b, s, name="bad")
    run_error(
        INVALID,
        r"Expected begin\[1\] in \[0, 3\], but got 2147483647",
        fn,
        x,
        np.array([0, 2**31 - 1]),
        np.array([1, 2**31 - 1]),
    )
    run_error(
        INVALID,
        r"Expected size\[1\] in \[0, 2\], but got 9223372036854775807",
        fn,
        x,
        np.array([0, 1], np.int64),
        np.array([1, 2**63 - 1], np.int64),
    )
    run_error(
        INVALID,
        r"Expected begin\[0\] in \[0, 2\], but got -1",
        fn,
        x,
        np.array([-1, 0]),
        np.array([1, 1]),
    )
    run_error(
        INVALID,
        r"Expected size\[1\] in \[0, 3\], but got -2",
        fn,
        x,
        np.array([0, 0]),
        np.array([1, -2]),
    )
    run_error(
        INVALID,
        "1-D tensors of size 2, but got shapes \\[2\\] and \\[1\\]",
        fn,
        x,
        np.array([0, 1]),
        np.array([1]),
    )
    run_error(
        INVALID,
        r"Expected begin\[0\] == 0 \(got 1\) and size\[0\] == 0",
        fn,
        np.zeros((0, 2)),
        np.array([1, 0]),
        np.array([0, 1]),
    )
    build_error(
        ValueError,
        "Invalid value in tensor used for shape: -2",
        lambda: tf.slice(x, [0, 0], [1, -2], name="bad"),
    )
    build_error(
        ValueError,
        r"Expected begin\[1\] in \[0, 3\], but got 4",
        lambda: tf.slice(x, [0, 4], [2, -1], name="bad"),
    )
    build_error(
        ValueError,
        "Shape must be rank 1 but is rank 2",
        lambda: tf.slice(x, [[0, 0]], [[1, 1]], name="bad"),
    )
    np.testing.assert_array_equal(fed(fn, x, np.array([1, 1]), np.array([-1, 2]))[1], x[1:, 1:3])


# --- Strided slices -----------------------------------------------------------------------------
def test_strided_slice_zero_stride():
    x = np.ones((2, 3))
    run_error(
        INVALID,
        r"strides\[1\] must be non-zero",
        lambda p, b, e, s: tf.strided_slice(p, b, e, s, name="bad"),
        x,
        np.array([0, 0]),
        np.array([1, 1]),
        np.array([1, 0]),
    )
    build_error(
        ValueError,
        r"strides\[1\] must be non-zero",
        lambda: tf.strided_slice(x, [0, 0], [1, 1], [1, 0], name="bad"),
    )


@SETTINGS
@given(
    data=st.data(),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=4),
)
def test_strided_slice_huge_bounds_and_strides_match_numpy(data, shape):
    bound = st.sampled_from(
        [0, 1, -1, 2, -3, 5, 2**31 - 1, -(2**31), 2**62, -(2**62), 2**63 - 1, -(2**63)]
    )
    stride = st.sampled_from([1, -1, 2, -3, 2**62, -(2**62), 2**63 - 1, -(2**63)])
    n = len(shape)
    begin = data.draw(st.lists(bound, min_size=n, max_size=n))
    end = data.draw(st.lists(bound, min_size=n, max_size=n))
    strides = data.draw(st.lists(stride, min_size=n, max_size=n))
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    want = x[tuple(slice(b, e, s) for b, e, s in zip(begin, end, strides, strict=True))]
    vals = [np.array(v, np.int64) for v in (begin, end, strides)]
    _, got = fed(lambda p, b, e, s: tf.strided_slice(p, b, e, s), x, *vals)
    np.testing.assert_array_equal(got, want)
    t = tf.strided_slice(tf.constant(x), *[tf.constant(v) for v in vals])
    assert tuple(t.shape.as_list()) == want.shape


def test_strided_slice_shrink_out_of_bounds_and_spec_errors():
    x = np.ones((2, 3))
    run_error(
        INVALID,
        "slice index 5 of dimension 0 out of bounds",
        lambda p: p[5],
        x,
        node="strided_slice",
    )
    run_error(
        INVALID,
        "slice index -9223372036854775808 of dimension 0 out of bounds",
        lambda p: p[-(2**63)],
        x,
        node="strided_slice",
    )
    build_error(
        ValueError,
        "slice index 5 of dimension 0 out of bounds",
        lambda: tf.constant(x)[5],
        node="strided_slice",
    )
    run_error(
        INVALID,
        "Index out of range using input dim 2; input has only 2 dims",
        lambda p: p[0, 0, 0],
        x,
        node="strided_slice",
    )
    fn = lambda p, b, e, s: tf.strided_slice(p, b, e, s, name="bad")
    run_error(
        INVALID,
        "Expected begin, end, and strides to be 1D equal size tensors",
        fn,
        x,
        np.array([0, 0, 0]),
        np.array([1, 1]),
        np.array([1, 1]),
    )
    run_error(
        INVALID,
        "Expected begin, end, and strides to be 1D equal size tensors",
        fn,
        x,
        np.array([[0, 0]]),
        np.array([[1, 1]]),
        np.array([1, 1]),
    )
    run_error(
        INVALID,
        "Multiple ellipses in slice spec not allowed",
        lambda p: tf.strided_slice(p, [0, 0], [1, 1], [1, 1], ellipsis_mask=3, name="bad"),
        x,
    )
    long = np.zeros(100, np.int32)
    run_error(INVALID, "at most 62 entries", fn, x, long, long, long + 1)
    # Masks of any value are bit sets: a negative mask is not undefined behaviour.
    _, got = fed(
        lambda p: tf.strided_slice(p, [0, 0], [1, 1], [1, 1], begin_mask=-1, end_mask=-1), x
    )
    np.testing.assert_array_equal(got, x)


def test_strided_slice_grad_checks_its_shape():
    fn = lambda s, dy: (
        tf.get_default_graph()
        .create_op(
            "StridedSliceGrad",
            [s, tf.constant([0]), tf.constant([1]), tf.constant([1]), dy],
            {},
            name="bad",
        )
        .outputs[0]
    )
    run_error(INVALID, "Dimension -3 must be >= 0", fn, np.array([-3], np.int32), np.ones(1))
    run_error(
        INVALID,
        "shape of dy was \\[2\\] instead of \\[1\\]",
        fn,
        np.array([3], np.int32),
        np.ones(2),
    )
    np.testing.assert_array_equal(fed(fn, np.array([3], np.int32), np.ones(1))[1], [1, 0, 0])


# --- Invalid values: indices, permutations, squeezes, splits ------------------------------------
def test_gather_indices_out_of_range():
    fn = lambda p, i: tf.gather(p, i, name="bad")
    run_error(
        INVALID, r"indices\[3\] = 7 is not in \[0, 5\)", fn, np.arange(5.0), np.array([1, 2, 3, 7])
    )
    run_error(
        INVALID, r"indices\[0,0\] = -1 is not in \[0, 2\)", fn, np.ones((2, 3)), np.array([[-1, 0]])
    )
    run_error(INVALID, r"indices\[0\] = 0 is not in \[0, 0\)", fn, np.zeros((0, 3)), np.array([0]))
    run_error(INVALID, "params must be at least 1 dimensional", fn, np.float64(1), np.array([0]))
    run_error(
        INVALID,
        r"Expected axis in the range \[-2, 2\), but got 2",
        lambda p, a: tf.gather(p, [0], axis=a, name="bad"),
        np.ones((2, 3)),
        np.int32(2),
    )
    run_error(
        INVALID,
        "axis must be scalar",
        lambda p, a: tf.gather(p, [0], axis=a, name="bad"),
        np.ones((2, 3)),
        np.array([0]),
    )
    build_error(
        ValueError,
        "Shape must be at least rank 1 but is rank 0",
        lambda: tf.gather(1.0, [0], name="bad"),
    )
    build_error(
        TypeError, "indices", lambda: tf.gather(np.ones(3), [0.5], name="bad"), node="indices"
    )


def test_one_hot_indices_out_of_range_are_off_values():
    _, got = fed(lambda i: tf.one_hot(i, 3), np.array([1, 7, -1, 2**31 - 1]))
    np.testing.assert_array_equal(got, [[0, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]])
    run_error(
        INVALID,
        "depth must be non-negative, got: -1",
        lambda i, d: tf.one_hot(i, d, name="bad"),
        np.array([1]),
        np.int32(-1),
    )
    run_error(
        INVALID,
        "depth must be a scalar, but got: \\[1\\]",
        lambda i, d: tf.one_hot(i, d, name="bad"),
        np.array([1]),
        np.array([3]),
    )
    run_error(
        INVALID,
        "on_value must be a scalar, but got: \\[2\\]",
        lambda i, v: tf.one_hot(i, 3, on_value=v, off_value=np.float64(0), name="bad"),
        np.array([1]),
        np.ones(2),
    )
    run_error(
        EXHAUSTED,
        "OOM",
        lambda i, d: tf.one_hot(i, d, name="bad"),
        np.arange(2**10),
        np.int64(2**40),
    )
    build_error(
        ValueError, "must be non-negative but is -1", lambda: tf.one_hot([1], -1, name="bad")
    )


def test_transpose_wrong_or_duplicate_permutation():
    x = np.ones((2, 3))
    fn = lambda p, q: tf.transpose(p, q, name="bad")
    run_error(INVALID, r"1 is missing from \{0,0\}\.", fn, x, np.array([0, 0]))
    run_error(INVALID, r"2 is out of range \[0 \.\. 2\)", fn, x, np.array([0, 2]))
    run_error(INVALID, r"-1 is out of range \[0 \.\. 2\)", fn, x, np.array([-1, 0]))
    run_error(
        INVALID,
        "transpose expects a vector of size 2. But input\\(1\\) is a vector of size 3",
        fn,
        x,
        np.array([0, 1, 2]),
    )
    run_error(INVALID, "perm must be rank 1, got shape \\[1,2\\]", fn, x, np.array([[0, 1]]))
    build_error(
        ValueError,
        "perm dim 2 is out of range of input rank 2",
        lambda: tf.transpose(x, [0, 2], name="bad"),
    )
    build_error(
        ValueError, r"1 is missing from \{0,0\}", lambda: tf.transpose(x, [0, 0], name="bad")
    )
    build_error(
        ValueError, "Dimension must be 2 but is 3", lambda: tf.transpose(x, [0, 1, 2], name="bad")
    )
    np.testing.assert_array_equal(fed(fn, x, np.array([1, 0], np.int64))[1], x.T)


def test_invert_permutation_errors():
    fn = lambda p: (
        tf.get_default_graph().create_op("InvertPermutation", [p], {}, name="bad").outputs[0]
    )
    run_error(INVALID, "0 is duplicated in the input", fn, np.array([0, 0], np.int32))
    run_error(INVALID, "5 is not between 0 and 2", fn, np.array([0, 5], np.int32))
    run_error(INVALID, "invert_permutation expects a 1D vector", fn, np.array([[0]], np.int32))
    np.testing.assert_array_equal(fed(fn, np.array([2, 0, 1], np.int32))[1], [1, 2, 0])


def test_squeeze_of_a_dimension_that_is_not_one():
    run_error(
        INVALID,
        r"Can not squeeze dim\[0\], expected a dimension of 1, got 2",
        lambda p: tf.squeeze(p, [0], name="bad"),
        np.ones((2, 3)),
    )
    build_error(
        ValueError,
        r"Can not squeeze dim\[0\], expected a dimension of 1, got 2",
        lambda: tf.squeeze(np.ones((2, 3)), [0], name="bad"),
    )


def test_expand_dims_needs_a_single_value():
    fn = lambda p, d: tf.expand_dims(p, d, name="bad")
    run_error(
        INVALID, "'dim' must be a tensor with a single value", fn, np.ones(2), np.array([0, 1])
    )
    run_error(
        INVALID,
        "Tried to expand dim index 3 for tensor with 1 dimensions",
        fn,
        np.ones(2),
        np.int32(3),
    )
    build_error(
        ValueError,
        "'dim' input must be a tensor with a single value",
        lambda: tf.expand_dims(np.ones(2), [0, 1], name="bad"),
    )


def test_concat_of_mismatched_ranks_dims_and_dtypes():
    a = np.ones((2, 3))
    fn = lambda p, q: tf.concat([p, q], 0, name="bad")
    run_error(
        INVALID,
        r"Ranks of all input tensors should match: shape\[0\] = \[2,3\] vs\. "
        r"shape\[1\] = \[3\]",
        fn,
        a,
        np.ones(3),
    )
    run_error(
        INVALID,
        r"Dimension 1 in both shapes must be equal: shape\[0\] = \[2,3\]",
        fn,
        a,
        np.ones((3, 2)),
    )
    run_error(INVALID, "Can't concatenate scalars", fn, np.float64(1), np.float64(2))
    run_error(
        INVALID,
        "axis tensor should be a scalar integer, but got shape \\[2\\]",
        lambda p, x: tf.concat([p, p], x, name="bad"),
        a,
        np.array([0, 1]),
    )
    build_error(
        TypeError,
        r"have types \[float64, int32\] that don't all match",
        lambda: tf.concat([tf.constant(a), tf.constant(np.ones((2, 3), np.int32))], 0, name="bad"),
    )
    build_error(
        ValueError,
        "Shape must be rank 2 but is rank 1",
        lambda: tf.concat([tf.constant(a), tf.constant(np.ones(3))], 0, name="bad"),
    )


def test_concat_offset_checks_its_shapes():
    fn = lambda d, s0, s1: (
        tf.get_default_graph().create_op("ConcatOffset", [d, s0, s1], {}, name="bad").outputs[1]
    )
    i32 = lambda v: np.array(v, np.int32)
    run_error(
        INVALID,
        r"All dimensions except 0 must match. Input 1 has shape \[2 4\]",
        fn,
        i32(0),
        i32([2, 3]),
        i32([2, 4]),
    )
    run_error(
        INVALID, "input 1 should contain 2 elements, but got 1", fn, i32(0), i32([2, 3]), i32([2])
    )
    run_error(INVALID, "Concat dim is out of range: 5 vs. 2", fn, i32(5), i32([2, 3]), i32([2, 3]))
    np.testing.assert_array_equal(fed(fn, i32(-1), i32([2, 3]), i32([2, 4]))[1], [0, 3])


def test_split_with_a_size_that_does_not_divide():
    run_error(
        INVALID,
        "Number of ways to split should evenly divide the split dimension",
        lambda p: tf.split(p, 2, axis=1, name="bad")[0],
        np.ones((2, 3)),
    )
    run_error(
        INVALID,
        r"-input rank\(-2\) <= split_dim < input rank \(2\), but got 2",
        lambda p, a: tf.split(p, 2, axis=a, name="bad")[0],
        np.ones((2, 4)),
        np.int32(2),
    )
    run_error(
        INVALID,
        "split_dim must be a scalar but has rank 1",
        lambda p, a: tf.split(p, 2, axis=a, name="bad")[0],
        np.ones((2, 4)),
        np.array([1]),
    )
    build_error(
        ValueError,
        "evenly divisible by 2 but is 3",
        lambda: tf.split(np.ones((2, 3)), 2, axis=1, name="bad"),
    )
    build_error(
        ValueError,
        "Attr 'num_split' of 'Split' Op passed 0 less than minimum 1",
        lambda: tf.split(np.ones((2, 3)), 0, axis=1, name="bad"),
    )


def test_tile_and_multiples_errors():
    fn = lambda p, m: tf.tile(p, m, name="bad")
    x = np.ones((2, 3))
    run_error(INVALID, r"Expected multiples\[1\] >= 0, but got -1", fn, x, np.array([1, -1]))
    run_error(INVALID, "vector of length 2 but got length 1", fn, x, np.array([1]))
    run_error(
        INVALID, "Expected multiples to be 1-D, but got shape \\[1,2\\]", fn, x, np.array([[1, 1]])
    )
    build_error(
        ValueError, "Shape must be rank 1 but is rank 2", lambda: tf.tile(x, [[1, 1]], name="bad")
    )


def test_boolean_mask_and_where_with_wrong_shapes():
    x = np.arange(6.0).reshape(2, 3)
    build_error(
        ValueError,
        "incompatible|Incompatible|not compatible",
        lambda: tf.boolean_mask(x, [True, False, True]),
        node="",
    )
    build_error(ValueError, "mask cannot be scalar", lambda: tf.boolean_mask(x, True), node="")
    tf.reset_default_graph()
    p = tf.placeholder(tf.float64, shape=[None])
    m = tf.placeholder(tf.bool, shape=[None])
    with tf.Session() as sess, pytest.raises(INVALID, match=r"indices\[1\] = 2 is not in \[0, 2\)"):
        sess.run(tf.boolean_mask(p, m), {p: np.ones(2), m: [True, False, True]})
    _, got = fed(lambda c: tf.where(c), np.array([[0, 3], [4, 0]], np.int32))
    np.testing.assert_array_equal(got, np.argwhere([[0, 3], [4, 0]]))


def test_list_diff_checks_ranks_and_handles_nan():
    fn = lambda a, b: (
        tf.get_default_graph().create_op("ListDiff", [a, b], {}, name="bad").outputs[0]
    )
    run_error(INVALID, "x should be a 1D vector", fn, np.array([[1, 2]]), np.array([1]))
    run_error(INVALID, "y should be a 1D vector", fn, np.array([1, 2]), np.array([[1]]))
    x = np.array([1.0, np.nan, 2.0, 1.0])
    tf.reset_default_graph()
    op = tf.get_default_graph().create_op(
        "ListDiff", [tf.constant(x), tf.constant(np.array([1.0, np.nan]))], {}
    )
    out, idx = value_of(list(op.outputs))
    np.testing.assert_array_equal(out, [np.nan, 2.0])  # NaN equals nothing, so it stays
    np.testing.assert_array_equal(idx, [1, 2])
    build_error(
        TypeError,
        "does not match",
        lambda: tf.get_default_graph().create_op(
            "ListDiff", [tf.constant([1, 2]), tf.constant([1.0])], {}, name="bad"
        ),
    )


# --- Shape, Size, Cast --------------------------------------------------------------------------
def test_shape_and_size_int32_overflow_is_an_error():
    big = np.zeros((0, 2**32))
    run_error(
        INVALID,
        "Shape output type is 32-bit  but dim 1 is 4294967296",
        lambda p: tf.shape(p, name="bad"),
        big,
    )
    np.testing.assert_array_equal(fed(lambda p: tf.shape(p, out_type=tf.int64), big)[1], [0, 2**32])
    assert fed(lambda p: tf.size(p), big)[1] == 0
    build_error(
        TypeError, "out_type", lambda: tf.shape(np.ones(2), out_type=tf.float32, name="bad")
    )


DTYPES = [np.float32, np.float64, np.int32, np.int64, np.bool_]


def cast_reference(x: np.ndarray, to) -> np.ndarray:
    """varflow's documented Cast: NumPy's conversion, except that a float which is NaN or outside
    the integer type's range becomes the type's minimum (x86's answer, which TF1 and NumPy give
    there, but which C++ leaves undefined)."""
    if x.dtype.kind == "f" and np.dtype(to).kind == "i":
        info = np.iinfo(to)
        ok = np.isfinite(x) & (x >= float(info.min)) & (x < -float(info.min))
        out = np.full(x.shape, info.min, dtype=to)
        out[ok] = np.trunc(x[ok]).astype(to)
        return out
    with np.errstate(all="ignore"):
        return x.astype(to)


@pytest.mark.parametrize("src", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("dst", DTYPES, ids=lambda d: np.dtype(d).name)
def test_cast_between_every_dtype_pair_is_defined(src, dst):
    specials = [
        0.0,
        -0.0,
        1.0,
        -1.5,
        2.7,
        np.nan,
        np.inf,
        -np.inf,
        1e10,
        -1e10,
        3e38,
        1e300,
        2.0**31,
        -(2.0**31),
        2.0**63,
        -(2.0**63),
        2.0**31 - 1,
    ]
    if np.dtype(src).kind == "f":
        with np.errstate(all="ignore"):
            x = np.array(specials, dtype=src)
    elif src == np.bool_:
        x = np.array([True, False])
    else:
        info = np.iinfo(src)
        x = np.array([0, 1, -1, info.min, info.max, 2**24 + 1], dtype=src)
    _, got = fed(lambda p: tf.cast(p, tf.as_dtype(dst)), x)
    assert got.dtype == np.dtype(dst)
    np.testing.assert_array_equal(got, cast_reference(x, dst))


def test_cast_checks_src_attr():
    build_error(
        TypeError,
        "does not match its attr SrcT",
        lambda: tf.get_default_graph().create_op(
            "Cast",
            [tf.constant([1.0])],
            {"DstT": tf.int32._core, "SrcT": tf.int64._core},
            name="bad",
        ),
    )


# --- Fuzzer findings ----------------------------------------------------------------------------
def test_zeros_and_ones_with_bad_shapes_name_the_op():
    build_error(
        ValueError, "Fill dimensions must be >= 0", lambda: tf.ones([-2], tf.int32, name="bad")
    )
    build_error(
        ValueError, "Fill dimensions must be >= 0", lambda: tf.zeros([3, -1, 4], name="bad")
    )
    build_error(ValueError, "partially known shape", lambda: tf.ones([3, None, 4], name="bad"))
    assert tf.zeros(tf.zeros([2, 3]).shape).shape.as_list() == [2, 3]


@pytest.mark.parametrize(
    ("start", "limit", "delta", "message"),
    [
        (3221225472, -1.26, 3, "Requires start <= limit when delta > 0: 3221225472/-1.26"),
        (4.25, 1099511627776, -1, "Requires start >= limit when delta < 0: 4.25/1099511627776"),
        (float("inf"), 2147483648, 2, "Requires start <= limit when delta > 0: inf/2147483648"),
    ],
)
def test_range_messages_show_values_in_full(start, limit, delta, message):
    msg = build_error(
        ValueError, re.escape(message), lambda: tf.range(start, limit, delta, name="bad")
    )
    assert "e+" not in msg


def test_declared_attributes_are_checked_naming_the_node():
    def make(op, n_inputs, attrs):
        g = tf.get_default_graph()
        inputs = [tf.constant([1, 2]), tf.constant([[0, 0]])][:n_inputs]
        return lambda: g.create_op(op, inputs, attrs, name="bad")

    def check(cls, match, op, n_inputs, attrs):
        tf.reset_default_graph()
        with pytest.raises(cls, match=match) as info:
            make(op, n_inputs, attrs)()
        assert "bad" in str(info.value)

    check(ValueError, "requires attribute 'DstT'", "Cast", 1, {})
    check(ValueError, "has no attribute 'perm'", "Cast", 1, {"DstT": tf.float32._core, "perm": [1]})
    check(TypeError, "must be int", "Pack", 1, {"axis": "zero"})
    check(ValueError, "requires attribute 'mode'", "MirrorPad", 2, {})
    tf.reset_default_graph()
    assert tf.constant([1, 2]).op.get_attr("dtype") == tf.int32


@pytest.mark.parametrize(
    ("op", "want"),
    [
        ("stack", [2**40, 2**40, 2, 0]),
        ("unstack", [2**40, 2**40, 0]),
        ("transpose", [0, 2**40, 2**40]),
        ("gather", [2**40, 2, 0]),
        ("split", [2**40, 2**39, 0]),
        ("concat", [2**40, 2**40, 0]),
        ("slice", [2**40 - 1, 2**40 - 1, 0]),
        ("expand", [2**40, 2**40, 0, 1]),
        ("tile", [2**40, 2**40, 0]),
        ("one_hot", [3, 2**40, 2**40, 0]),
        ("pad", [2**40, 2**40, 0]),
        ("reshape", [2**41, 2**39, 0]),
    ],
)
def test_empty_tensors_with_huge_dimensions(op, want):
    # It exists (no elements), but the partial products of its dimensions overflow int64, so a
    # kernel must not compute them. Built in the graph (NumPy cannot hold it) and only its shape
    # fetched.
    tf.reset_default_graph()
    x = tf.fill(tf.constant([2**40, 2**40, 0], tf.int64), False)
    out = {
        "stack": lambda: tf.stack([x, x], axis=2),
        "unstack": lambda: tf.unstack(
            tf.fill(tf.constant([2**40, 2**40, 2, 0], tf.int64), False), num=2, axis=2
        )[1],
        "transpose": lambda: tf.transpose(x, [2, 1, 0]),
        "gather": lambda: tf.gather(x, [0, 1], axis=1),
        "split": lambda: tf.split(x, 2, axis=1)[1],
        "concat": lambda: tf.concat([x, x], 2),
        "slice": lambda: tf.slice(x, [1, 1, 0], [-1, -1, 0]),
        "expand": lambda: tf.expand_dims(x, 3),
        "tile": lambda: tf.tile(x, [1, 1, 5]),
        "one_hot": lambda: tf.one_hot(tf.cast(x, tf.int32), 3, axis=0),
        "pad": lambda: tf.pad(x, [[0, 0], [0, 0], [0, 0]]),
        "reshape": lambda: tf.reshape(x, [2**41, 2**39, 0]),
    }[op]()
    np.testing.assert_array_equal(value_of(tf.shape(out, out_type=tf.int64)), want)


def test_sum_to_shape_and_placeholder_with_default_checks():
    fn = lambda x, s: (  # noqa: E731
        tf.get_default_graph().create_op("SumToShape", [x, s], {}, name="bad").outputs[0]
    )
    x = np.ones((2, 3))
    run_error(INVALID, r"Cannot reduce shape \[2,3\] to \[4\]", fn, x, np.array([4]))
    run_error(INVALID, r"Cannot reduce shape \[2,3\] to \[1,2,3\]", fn, x, np.array([1, 2, 3]))
    run_error(INVALID, "Dimension -3 must be >= 0", fn, x, np.array([-3]))
    np.testing.assert_array_equal(fed(fn, x, np.array([1, 3]))[1], x.sum(0, keepdims=True))
    build_error(
        TypeError,
        "numeric dtype",
        lambda: tf.get_default_graph().create_op(
            "SumToShape", [tf.constant([True]), tf.constant([1])], {}, name="bad"
        ),
    )
    build_error(
        ValueError,
        "not compatible",
        lambda: tf.placeholder_with_default(np.ones(3), [2], name="bad"),
    )
    build_error(
        ValueError, "must be >= 0", lambda: tf.placeholder(tf.float32, shape=[-2], name="bad"), ""
    )


def test_strided_slice_with_an_extreme_stride_taking_one_element():
    # The copy's offset step (stride x row length) overflowed for a stride of -2^63 (UBSan).
    x = np.arange(4, dtype=np.int32).reshape(2, 2)
    vals = [np.array(v, np.int64) for v in ([5, -1], [-(2**31), 0], [-(2**63), 2**62])]
    _, got = fed(lambda p, b, e, s: tf.strided_slice(p, b, e, s), x, *vals)
    np.testing.assert_array_equal(got, x[5 : -(2**31) : -(2**63), -1 : 0 : 2**62])
