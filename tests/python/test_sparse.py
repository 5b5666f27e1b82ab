"""tf.SparseTensor and the sparse ops against NumPy references on random sparse tensors
(hypothesis), Session feeds and fetches of sparse values, eager printing, and bad input:
every malformed SparseTensor is an InvalidArgumentError naming the op, never a crash."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def sparse_arrays(draw, min_rank=1, max_rank=3, max_dim=5):
    """(indices sorted row-major, float values, shape, dense) for a random sparse tensor."""
    rank = draw(st.integers(min_rank, max_rank))
    shape = draw(st.lists(st.integers(1, max_dim), min_size=rank, max_size=rank))
    size = int(np.prod(shape))
    flat = draw(st.lists(st.integers(0, size - 1), unique=True, max_size=size))
    flat = sorted(flat)
    indices = np.asarray(np.unravel_index(np.asarray(flat, np.intp), shape), np.int64)
    indices = indices.T.reshape(-1, rank)
    values = np.asarray(
        draw(st.lists(st.floats(-4, 4, width=32), min_size=len(flat), max_size=len(flat))),
        np.float32,
    )
    dense = np.zeros(shape, np.float32)
    for ix, v in zip(indices, values, strict=True):
        dense[tuple(ix)] = v
    return indices, values, np.asarray(shape, np.int64), dense


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict=feed)


@SETTINGS
@given(sparse_arrays())
def test_to_dense_from_dense_and_reorder(arrays):
    indices, values, shape, dense = arrays
    with tf.Graph().as_default():
        sp = tf.SparseTensor(indices, values, shape)
        perm = np.random.default_rng(len(values)).permutation(len(values))
        shuffled = tf.SparseTensor(indices[perm].reshape(-1, len(shape)), values[perm], shape)
        out = _run(
            {
                "dense": tf.sparse.to_dense(sp),
                "reordered": tf.sparse.reorder(shuffled),
                "from_dense": tf.sparse.from_dense(dense),
            }
        )
    np.testing.assert_array_equal(out["dense"], dense)
    np.testing.assert_array_equal(out["reordered"].indices, indices)
    np.testing.assert_array_equal(out["reordered"].values, values)
    nonzero = values != 0
    np.testing.assert_array_equal(out["from_dense"].indices, indices[nonzero])
    np.testing.assert_array_equal(out["from_dense"].values, values[nonzero])


@SETTINGS
@given(sparse_arrays(), st.data())
def test_reshape_and_reduce_sum_match_numpy(arrays, data):
    indices, values, shape, dense = arrays
    rank = len(shape)
    new_shape = [-1] + [int(d) for d in shape[1:][::-1]] if rank > 1 else [int(shape[0]), 1]
    axes = data.draw(st.lists(st.integers(0, rank - 1), max_size=rank, unique=True))
    axes = [a - rank if i % 2 else a for i, a in enumerate(axes)]  # negative axes too
    keep = data.draw(st.booleans())
    with tf.Graph().as_default():
        sp = tf.SparseTensor(indices, values, shape)
        reshaped = tf.sparse.reshape(sp, new_shape)
        summed = tf.sparse_reduce_sum(sp, axis=axes or None, keepdims=keep)
        out = _run({"dense": tf.sparse.to_dense(reshaped), "sum": summed})
    np.testing.assert_array_equal(out["dense"], dense.reshape(new_shape))
    want = np.sum(dense, axis=tuple(axes) if axes else None, keepdims=keep)
    np.testing.assert_allclose(out["sum"], want, rtol=1e-5, atol=1e-5)


@SETTINGS
@given(sparse_arrays(min_rank=2, max_rank=2), st.booleans(), st.booleans(), st.integers(1, 4))
def test_dense_matmul_matches_numpy(arrays, adjoint_a, adjoint_b, n):
    indices, values, shape, dense = arrays
    a = dense.T if adjoint_a else dense
    b = np.random.default_rng(n).standard_normal((a.shape[1], n)).astype(np.float32)
    with tf.Graph().as_default():
        sp = tf.SparseTensor(indices, values, shape)
        got = _run(
            tf.sparse_tensor_dense_matmul(
                sp, b.T if adjoint_b else b, adjoint_a=adjoint_a, adjoint_b=adjoint_b
            )
        )
    np.testing.assert_allclose(got, a @ b, rtol=1e-4, atol=1e-4)


@SETTINGS
@given(sparse_arrays(max_rank=3), st.floats(0, 3))
def test_sparse_add_matches_dense_sum(arrays, thresh):
    indices, values, shape, dense = arrays
    # b: every other entry of a, negated and scaled, plus nothing else (both stay ordered).
    b_ix, b_val = indices[::2], values[::2] * np.float32(-1.5)
    b_dense = np.zeros_like(dense)
    for ix, v in zip(b_ix, b_val, strict=True):
        b_dense[tuple(ix)] = v
    with tf.Graph().as_default():
        a = tf.SparseTensor(indices, values, shape)
        b = tf.SparseTensor(b_ix.reshape(-1, len(shape)), b_val, shape)
        out = _run(
            {
                "sparse": tf.sparse.to_dense(tf.sparse_add(a, b, threshold=thresh)),
                "dense": tf.sparse_add(a, b_dense),
            }
        )
    summed = dense + b_dense
    # Only positions present in both are sums, and only sums below thresh are dropped.
    both = np.zeros(dense.shape, bool)
    for ix in b_ix:
        both[tuple(ix)] = True
    want = np.where(both & (np.abs(summed) < np.float32(thresh)), 0, summed)
    np.testing.assert_allclose(out["sparse"], want, rtol=1e-6)
    np.testing.assert_allclose(out["dense"], summed, rtol=1e-6)


@SETTINGS
@given(sparse_arrays())
def test_reset_shape_is_the_tight_or_the_given_shape(arrays):
    indices, values, shape, _ = arrays
    with tf.Graph().as_default():
        sp = tf.SparseTensor(indices, values, shape)
        fed = tf.placeholder(tf.int64, [None])
        tight = tf.sparse.reset_shape(sp)
        bigger = tf.sparse_reset_shape(sp, shape + 2)
        checked = tf.sparse.reset_shape(sp, fed)
        with tf.Session() as sess:
            got = sess.run([tight, bigger, checked], {fed: shape + 1})
            want_tight = indices.max(axis=0) + 1 if len(indices) else np.zeros_like(shape)
            np.testing.assert_array_equal(got[0].dense_shape, want_tight)
            np.testing.assert_array_equal(got[1].dense_shape, shape + 2)
            np.testing.assert_array_equal(got[2].dense_shape, shape + 1)
            for out in got:
                np.testing.assert_array_equal(out.indices, indices)
                np.testing.assert_array_equal(out.values, values)
            with pytest.raises(tf.errors.InvalidArgumentError, match="x <= y did not hold"):
                sess.run(checked.dense_shape, {fed: shape - 1})
            with pytest.raises(tf.errors.InvalidArgumentError, match="x == y did not hold"):
                sess.run(checked.dense_shape, {fed: np.append(shape, 1)})
        with pytest.raises(ValueError, match=r"should have dimension sizes >= sp_input\.shape"):
            tf.sparse.reset_shape(sp, shape - 1)
        with pytest.raises(ValueError, match="must have rank 1"):
            tf.sparse.reset_shape(sp, [shape])


@SETTINGS
@given(sparse_arrays(min_rank=2, max_rank=2))
def test_fill_empty_rows_covers_every_row(arrays):
    indices, values, shape, dense = arrays
    with tf.Graph().as_default():
        filled, empty = tf.sparse_fill_empty_rows(tf.SparseTensor(indices, values, shape), -7.0)
        out, is_empty = _run((filled, empty))
    want_empty = ~np.any(dense != 0, axis=1) & ~np.isin(np.arange(shape[0]), indices[:, 0])
    np.testing.assert_array_equal(is_empty, want_empty)
    assert set(out.indices[:, 0]) == set(range(shape[0]))
    np.testing.assert_array_equal(
        out.values[np.isin(out.indices[:, 0], np.flatnonzero(want_empty))], -7.0
    )


# --- bad input: an InvalidArgumentError naming the op, never a crash -----------------------------
@SETTINGS
@given(
    st.lists(st.lists(st.integers(-3, 8), min_size=2, max_size=2), max_size=6),
    st.lists(st.integers(-1, 6), min_size=2, max_size=2),
)
def test_bad_indices_are_invalid_argument(rows, shape):
    indices = np.asarray(rows, np.int64).reshape(-1, 2)
    values = np.ones(len(rows), np.float32)
    with tf.Graph().as_default():
        ix = tf.placeholder(tf.int64, [None, 2])
        vals = tf.placeholder(tf.float32, [None])
        dense_shape = tf.placeholder(tf.int64, [2])
        sp = tf.SparseTensor(ix, vals, dense_shape)
        b = tf.placeholder(tf.float32, [None, None])
        fetches = {
            "to_dense": tf.sparse.to_dense(sp),
            "reorder": tf.sparse.reorder(sp).indices,
            "reshape": tf.sparse.reshape(sp, [-1]).indices,
            "reduce": tf.sparse_reduce_sum(sp, axis=1),
            "matmul": tf.sparse_tensor_dense_matmul(sp, b),
            "add": tf.sparse_add(sp, sp).values,
            "fill": tf.sparse_fill_empty_rows(sp, 0.0)[0].values,
            "segment": tf.sparse_segment_sum(b, ix[:, 1], ix[:, 0]),
            "gather_nd": tf.gather_nd(b, ix),
        }
        feed = {ix: indices, vals: values, dense_shape: shape, b: np.ones([3, 2], np.float32)}
        with tf.Session() as sess:
            for name, fetch in fetches.items():
                try:
                    sess.run(fetch, feed_dict=feed)
                except tf.errors.InvalidArgumentError as e:
                    assert "[[node " in str(e), (name, str(e))  # noqa: PT017


def test_bad_input_names_the_node():
    with tf.Graph().as_default():
        sp = tf.SparseTensor([[0, 9]], [1.0], [2, 2])
        dense = tf.sparse.to_dense(sp, name="my_dense")
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="my_dense"):
            sess.run(dense)


def test_indices_must_match_values():
    with tf.Graph().as_default():
        ix = tf.placeholder(tf.int64, [None, 2])
        sp = tf.SparseTensor(ix, [1.0, 2.0], [3, 3])
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError, match="must match"),
        ):
            sess.run(tf.sparse.reorder(sp).values, {ix: [[0, 0]]})


def test_static_errors_are_value_and_type_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="rank 2"):
            tf.SparseTensor([1, 2], [1.0, 2.0], [3])
        with pytest.raises(TypeError, match="SparseTensor"):
            tf.sparse.to_dense(tf.constant([1.0]))
        with pytest.raises(TypeError, match="At least one input should be SparseTensor"):
            tf.sparse_add(tf.constant([1.0]), tf.constant([1.0]))
        with pytest.raises(ValueError, match="incompatible"):
            tf.sparse_add(tf.SparseTensor([[0]], [1.0], [2]), tf.SparseTensor([[0]], [1.0], [3]))


# --- Session feeds and fetches ---------------------------------------------------------------------
def test_feed_and_fetch_sparse_values():
    with tf.Graph().as_default():
        p = tf.sparse_placeholder(tf.float32, name="sp")
        doubled = tf.SparseTensor(p.indices, p.values * 2, p.dense_shape)
        assert p.indices.name == "sp/indices:0"
        assert p.values.name == "sp/values:0"
        assert p.dense_shape.name == "sp/shape:0"
        with tf.Session() as sess:
            value = tf.SparseTensorValue(
                np.asarray([[0, 1]], np.int64), np.asarray([3.0], np.float32), [2, 2]
            )
            got = sess.run(doubled, {p: value})
            assert isinstance(got, tf.SparseTensorValue)
            np.testing.assert_array_equal(got.values, [6.0])
            got = sess.run([doubled, tf.sparse.to_dense(p)], {p: ([[1, 0]], [1.5], [2, 3])})
            np.testing.assert_array_equal(got[1], [[0, 0, 0], [1.5, 0, 0]])
            call = sess.make_callable(tf.sparse.to_dense(p), [p])
            np.testing.assert_array_equal(call(value), [[0, 3.0], [0, 0]])
            assert doubled.eval({p: value}, session=sess).dense_shape.tolist() == [2, 2]
            with pytest.raises(TypeError, match="SparseTensorValue"):
                sess.run(doubled, {p: [1.0, 2.0]})


def test_sparse_tensor_properties_and_printing():
    with tf.Graph().as_default():
        sp = tf.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [3, 4])
        assert sp.dtype == tf.float32
        assert sp.shape.as_list() == [3, 4]
        assert sp.get_shape().as_list() == [3, 4]
        assert sp.graph is tf.get_default_graph()
        assert str(sp) == (
            'SparseTensor(indices=Tensor("SparseTensor/indices:0", shape=(2, 2), dtype=int64), '
            'values=Tensor("SparseTensor/values:0", shape=(2,), dtype=float32), '
            'dense_shape=Tensor("SparseTensor/dense_shape:0", shape=(2,), dtype=int64))'
        )
        p = tf.sparse_placeholder(tf.float32, shape=[None, 3])
        assert p.shape.ndims == 2


def test_string_values_round_trip():
    with tf.Graph().as_default():
        sp = tf.string_split(["a b", "c"])
        got = _run(tf.sparse.to_dense(sp, default_value=b"-"))
    assert got.tolist() == [[b"a", b"b"], [b"c", b"-"]]
