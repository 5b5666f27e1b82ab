"""tf.reverse, tf.reverse_sequence and tf.roll: values against NumPy, gradients against finite
differences, and TF's shape rules and error messages (recorded from TF 2.21's compat.v1)."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.fixture(autouse=True)
def _fresh_graph():
    tf.reset_default_graph()


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def numpy_reverse_sequence(x, lengths, seq_axis, batch_axis):
    out = x.copy()
    for b, n in enumerate(lengths):
        index = [slice(None)] * x.ndim
        index[batch_axis] = b
        index[seq_axis] = slice(0, n)
        source = [slice(None)] * x.ndim
        source[batch_axis] = b
        source[seq_axis] = slice(n - 1, None, -1) if n else slice(0, 0)
        out[tuple(index)] = x[tuple(source)]
    return out


shapes = st.lists(st.integers(0, 4), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(shape=shapes, data=st.data())
def test_reverse_matches_numpy(shape, data):
    tf.reset_default_graph()
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    rank = len(shape)
    axes = data.draw(st.lists(st.integers(-rank, rank - 1), unique_by=lambda a: a % rank))
    got = run(tf.reverse(x, np.array(axes, np.int64)))
    np.testing.assert_array_equal(got, np.flip(x, axis=tuple(a % rank for a in axes)))


@settings(max_examples=60, deadline=None)
@given(shape=shapes, data=st.data())
def test_roll_matches_numpy(shape, data):
    tf.reset_default_graph()
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    rank = len(shape)
    axes = data.draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=3))
    shifts = data.draw(st.lists(st.integers(-7, 7), min_size=len(axes), max_size=len(axes)))
    np.testing.assert_array_equal(run(tf.roll(x, shifts, axes)), np.roll(x, shifts, axes))


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4), data=st.data())
def test_reverse_sequence_matches_reference(shape, data):
    tf.reset_default_graph()
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    seq_axis, batch_axis = data.draw(st.permutations(range(len(shape))))[:2]
    lengths = data.draw(
        st.lists(
            st.integers(0, shape[seq_axis]),
            min_size=shape[batch_axis],
            max_size=shape[batch_axis],
        )
    )
    got = run(tf.reverse_sequence(x, lengths, seq_axis=seq_axis, batch_axis=batch_axis))
    np.testing.assert_array_equal(got, numpy_reverse_sequence(x, lengths, seq_axis, batch_axis))


def test_strings_and_scalars_move_as_elements():
    words = np.array([[b"a", b"bb"], [b"ccc", b"d"]], dtype=object)
    assert run(tf.reverse(words, [1])).tolist() == [[b"bb", b"a"], [b"d", b"ccc"]]
    assert run(tf.roll(words, 1, 0)).tolist() == [[b"ccc", b"d"], [b"a", b"bb"]]
    assert run(tf.reverse_sequence(words, [1, 2], seq_axis=1)).tolist() == [
        [b"a", b"bb"],
        [b"d", b"ccc"],
    ]
    assert run(tf.reverse(tf.constant(1.5), [])) == 1.5


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 4, 2))
    check_gradients(lambda a: tf.reverse(a, [0, 2]), [x])
    check_gradients(lambda a: tf.roll(a, [2, -1, 5], [1, 0, 1]), [x])
    check_gradients(lambda a: tf.reverse_sequence(a, [1, 4, 0], seq_axis=1, batch_axis=0), [x])
    check_gradients(lambda a: tf.reverse_sequence(a, [1, 2, 0, 2], seq_axis=2, batch_axis=1), [x])


def test_names_attrs_and_static_shapes_follow_tf():
    x = tf.placeholder(tf.float32, [None, 3, None])
    t = tf.reverse_sequence(x, tf.placeholder(tf.int64, [5]), seq_axis=1)
    assert t.shape.as_list() == [5, 3, None]
    assert t.op.type == "ReverseSequence"
    assert t.op.name == "ReverseSequence"
    assert t.op.get_attr("seq_dim") == 1
    assert t.op.get_attr("batch_dim") == 0
    assert tf.reverse(x, [1]).op.type == "ReverseV2"
    assert tf.reverse_v2 is tf.reverse
    assert tf.roll(x, 1, 0).op.type == "Roll"
    assert tf.reverse_sequence(tf.placeholder(tf.float32), [1, 2], seq_axis=1).shape.ndims is None
    assert tf.reverse_sequence(x, [1] * 5, seq_dim=1, batch_dim=0).op.get_attr("seq_dim") == 1
    known = tf.placeholder(tf.float32, [5, 3, 2])
    grads = [
        tf.gradients(tf.reverse(known, [1]), known)[0],
        tf.gradients(tf.roll(known, 1, 1), known)[0],
        tf.gradients(tf.reverse_sequence(known, [1] * 5, seq_axis=1), known)[0],
    ]
    # (Past the generic unbroadcast step, where the gradient builder adds one.)
    producers = [g.op.inputs[0].op if g.op.type == "SumToShape" else g.op for g in grads]
    assert [p.type for p in producers] == ["ReverseV2", "Roll", "ReverseSequence"]


x234 = np.arange(24.0).reshape(2, 3, 4)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tf.reverse(x234, [3]), r"'axis'\[0\] = 3 is out of valid range \[0, 2"),
        (lambda: tf.reverse(x234, [-4]), r"'axis'\[0\] = -4 is out of valid range \[0, 2"),
        (lambda: tf.reverse(x234, [1, -2]), "axis 1 specified more than once."),
        (lambda: tf.reverse(x234, [[1]]), "Shape must be rank 1 but is rank 2"),
        (lambda: tf.reverse(1.0, [0]), r"'axis'\[0\] = 0 is out of valid range \[0, -1"),
        (
            lambda: tf.reverse_sequence(x234, [2, 3], seq_axis=3),
            "seq_dim must be < input rank: 3 vs. 3",
        ),
        (
            lambda: tf.reverse_sequence(x234, [2, 3], seq_axis=1, batch_axis=3),
            "batch_dim must be < input rank: 3 vs. 3",
        ),
        (
            lambda: tf.reverse_sequence(x234, [2, 3, 1], seq_axis=2, batch_axis=-2),
            "batch_dim must be >=0, got -2",
        ),
        (
            lambda: tf.reverse_sequence(x234, [2, 3, 1], seq_axis=1),
            "Dimensions must be equal, but are 2 and 3",
        ),
        (lambda: tf.reverse_sequence(x234, [[2, 3]], seq_axis=1), "Shape must be rank 1"),
        (
            lambda: tf.reverse_sequence(x234, [2], seq_axis=1, seq_dim=1),
            "Cannot specify both 'seq_axis' and 'seq_dim'",
        ),
        (lambda: tf.roll(1.0, 1, 0), "Shape must be at least rank 1 but is rank 0"),
        (lambda: tf.roll(x234, [[1]], [0]), "Shape must be at most rank 1 but is rank 2"),
        (
            lambda: tf.roll(x234, [1, 2], [1]),
            "Dimension 0 in both shapes must be equal, but are 2 and 1",
        ),
    ],
)
def test_build_time_errors_are_tfs(build, message):
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tf.reverse(x234, [1.0]), "DataType float32,? not in list of allowed values"),
        (lambda: tf.reverse_sequence(x234, [2.0, 3.0], seq_axis=1), "not in list of allowed"),
        (lambda: tf.reverse_sequence(x234, [2, 3]), "Expected int for argument 'seq_dim'"),
    ],
)
def test_type_errors_are_tfs(build, message):
    with pytest.raises(TypeError, match=message):
        build()


def test_run_time_errors_are_tfs():
    axis = tf.placeholder(tf.int32, [None])
    reversed_ = tf.reverse(x234, axis)
    lengths = tf.placeholder(tf.int64, [None])
    sequence = tf.reverse_sequence(x234, lengths, seq_axis=1)
    same_axis = tf.reverse_sequence(x234, [2, 3], seq_axis=0)
    negative_seq = tf.reverse_sequence(x234, [2, 3], seq_axis=-2)
    shift = tf.placeholder(tf.int32)
    rolled = tf.roll(x234, shift, tf.placeholder_with_default([1], [None]))
    bad_axis = tf.roll(x234, 1, 3)
    cases = [
        (reversed_, {axis: [3]}, r"'axis'\[0\] = 3 is out of valid range \[0, 2"),
        (reversed_, {axis: [0, -3]}, "axis 0 specified more than once."),
        (sequence, {lengths: [-1, 3]}, r"seq_lens\(0\) < 0"),
        (sequence, {lengths: [4, 3]}, r"seq_lens\(0\) > input.dims\(1\)"),
        (sequence, {lengths: [1, 2, 3]}, r"Length of seq_lengths != input.dims\(0\), \(3 vs. 2\)"),
        (same_axis, None, "batch_dim == seq_dim == 0"),
        (negative_seq, None, "Invalid seq_dim -2"),
        (rolled, {shift: [1, 2]}, "shift and axis must have the same size"),
        (bad_axis, None, "axis 3 is out of range"),
    ]
    with tf.Session() as sess:
        for fetch, feed, message in cases:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message):
                sess.run(fetch, feed)
        np.testing.assert_array_equal(sess.run(reversed_, {axis: [0, -1]}), np.flip(x234, (0, 2)))
