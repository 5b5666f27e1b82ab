"""The op library, part 2: reductions with axis lists, arg-reductions, cumprod, batched
matmul, indexing (ExpandDims, Squeeze, ConcatV2, Split(V), Slice, StridedSlice behind
``tensor[...]``, Gather, UnsortedSegmentSum, Tile, Pad, OneHot, Range) and LeakyRelu/Selu:
forward passes against NumPy, gradients against central finite differences in float64, and
TF1's errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from varflow import _core, array_ops, math_ops


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


# --- reductions ------------------------------------------------------------------------------
REDUCTIONS = {
    "max": (tf.reduce_max, np.max),
    "min": (tf.reduce_min, np.min),
    "prod": (tf.reduce_prod, np.prod),
    "sum": (tf.reduce_sum, np.sum),
}


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60, deadline=None
)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4),
    name=st.sampled_from(sorted(REDUCTIONS)),
    dtype=st.sampled_from([np.float32, np.float64, np.int32, np.int64]),
    keepdims=st.booleans(),
    data=st.data(),
)
def test_reductions_match_numpy(shape, name, dtype, keepdims, data):
    tf.reset_default_graph()
    ours, theirs = REDUCTIONS[name]
    rank = len(shape)
    axes = data.draw(
        st.lists(st.integers(-rank, rank - 1), max_size=rank, unique_by=lambda a: a % rank)
    )
    x = np.random.default_rng(1).integers(-3, 4, size=shape).astype(dtype)
    t = ours(tf.constant(x), axis=axes, keepdims=keepdims)
    want = theirs(x, axis=tuple(axes), keepdims=keepdims)
    assert t.shape.as_list() == list(want.shape)
    got = run(t)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_reductions_default_axes_names_and_bools():
    x = np.array([[True, False, True], [True, True, True]])
    t = tf.constant(x)
    alls = [
        tf.reduce_all(t),
        tf.reduce_all(t, 1),
        tf.reduce_any(t, 0, keepdims=True),
        tf.reduce_any(~t),
    ]
    assert [a.op.type for a in alls] == ["All", "All", "Any", "Any"]
    assert alls[0].op.name == "All" and alls[2].op.name == "Any"
    got = run(alls)
    want = [x.all(), x.all(1), x.any(0, keepdims=True), (~x).any()]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    f = tf.constant([[1.0, 5.0], [-2.0, 3.0]])
    assert tf.reduce_max(f).op.name == "Max" and tf.reduce_prod(f).op.name == "Prod"
    assert run(tf.reduce_min(f, reduction_indices=[0], keep_dims=True)).tolist() == [[-2.0, 3.0]]
    with pytest.raises(TypeError, match="All"):
        tf.reduce_all(f)
    with pytest.raises(ValueError, match="Max"):
        tf.reduce_max(f, axis=2)


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("output_type", [tf.int32, tf.int64])
def test_argmax_argmin_match_numpy(op, axis, output_type):
    x = np.random.default_rng(2).standard_normal((3, 4, 5))
    t = getattr(tf, op)(tf.constant(x), axis=axis, output_type=output_type)
    assert t.op.type == {"argmax": "ArgMax", "argmin": "ArgMin"}[op]
    assert t.dtype == output_type
    got = run(t)
    np.testing.assert_array_equal(got, getattr(np, op)(x, axis=axis))
    assert got.dtype == output_type.as_numpy_dtype


def test_argmax_defaults_and_dimension_alias():
    x = np.array([[1, 9, 3], [7, 2, 8]], np.int32)
    t = tf.argmax(tf.constant(x))
    assert t.dtype == tf.int64 and t.op.name == "ArgMax"
    np.testing.assert_array_equal(run(t), [1, 0, 1])
    np.testing.assert_array_equal(run(tf.argmin(tf.constant(x), dimension=1)), [0, 1])
    assert tf.gradients(tf.cast(tf.argmax(tf.constant([1.0, 2.0])), tf.float32), []) == []
    with pytest.raises(ValueError, match="ArgMax"):
        tf.argmax(tf.constant(x), axis=2)


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cumprod_matches_numpy(exclusive, reverse, axis):
    x = np.random.default_rng(3).uniform(0.5, 1.5, size=(2, 3, 4))
    got = run(tf.cumprod(tf.constant(x), axis=axis, exclusive=exclusive, reverse=reverse))
    y = np.flip(x, axis) if reverse else x
    want = np.cumprod(y, axis=axis)
    if exclusive:
        want = want / y
    if reverse:
        want = np.flip(want, axis)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    xi = np.arange(1, 7, dtype=np.int32).reshape(2, 3)
    np.testing.assert_array_equal(run(tf.cumprod(tf.constant(xi), axis=1)), np.cumprod(xi, axis=1))


def test_max_min_gradient_splits_ties_equally():
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 0.0, -1.0]])
    (gmax,) = tf.gradients(tf.reduce_max(x, axis=1), x)
    (gmin,) = tf.gradients(tf.reduce_min(x), x)
    np.testing.assert_allclose(run(gmax), [[0, 0.5, 0.5], [1, 0, 0]])
    np.testing.assert_allclose(run(gmin), [[0, 0, 0], [0, 0, 1]])


# --- batched matmul and tensordot -------------------------------------------------------------
@pytest.mark.parametrize("adj_x", [False, True])
@pytest.mark.parametrize("adj_y", [False, True])
@pytest.mark.parametrize(
    "batch_a,batch_b", [((2,), (2,)), ((2, 3), (1, 3)), ((), (2,)), ((2,), ()), ((4, 1), (3,))]
)
def test_batch_matmul_v2_matches_numpy(adj_x, adj_y, batch_a, batch_b):
    tf.reset_default_graph()
    rng = np.random.default_rng(4)
    m, k, n = 2, 3, 4
    a = rng.standard_normal(batch_a + ((k, m) if adj_x else (m, k)))
    b = rng.standard_normal(batch_b + ((n, k) if adj_y else (k, n)))
    t = tf.matmul(tf.constant(a), tf.constant(b), transpose_a=adj_x, adjoint_b=adj_y)
    want = np.matmul(np.swapaxes(a, -1, -2) if adj_x else a, np.swapaxes(b, -1, -2) if adj_y else b)
    if len(batch_a) == 0 and len(batch_b) == 0:
        return
    assert t.op.type == "BatchMatMulV2" and t.op.name == "MatMul"
    assert t.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(run(t), want, rtol=1e-12)
    check_gradients(lambda x, y: tf.matmul(x, y, adjoint_a=adj_x, transpose_b=adj_y), [a, b])


def test_batch_matmul_v1_and_integer_and_errors():
    rng = np.random.default_rng(5)
    a = rng.integers(-3, 3, size=(2, 2, 3)).astype(np.int32)
    b = rng.integers(-3, 3, size=(2, 3, 2)).astype(np.int32)
    t = tf.get_default_graph().create_op("BatchMatMul", [tf.constant(a), tf.constant(b)]).outputs[0]
    np.testing.assert_array_equal(run(t), a @ b)
    check_gradients(
        lambda x, y: (
            tf.get_default_graph().create_op("BatchMatMul", [x, y], {"adj_y": True}).outputs[0]
        ),
        [rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 5, 4))],
    )
    with pytest.raises(ValueError, match="BatchMatMulV2"):
        tf.matmul(tf.ones([2, 2, 3]), tf.ones([2, 4, 2]))
    with pytest.raises(ValueError, match="BatchMatMulV2"):
        tf.matmul(tf.ones([2, 2, 3]), tf.ones([3, 3, 2]))


@pytest.mark.parametrize("axes", [1, 2, ([0], [1]), ([1, 2], [0, 1]), 0])
def test_tensordot_matches_numpy(axes):
    rng = np.random.default_rng(6)
    a = rng.standard_normal((2, 3, 4))
    b = rng.standard_normal((3, 4, 2)) if axes != 1 else rng.standard_normal((4, 2))
    if axes == ([0], [1]):
        b = rng.standard_normal((3, 2, 5))
    got = run(tf.tensordot(tf.constant(a), tf.constant(b), axes))
    np.testing.assert_allclose(got, np.tensordot(a, b, axes), rtol=1e-12)


def test_tensordot_reads_unknown_dimensions_at_run_time():
    rng = np.random.default_rng(7)
    a_value, b_value = rng.standard_normal((5, 3, 4)), rng.standard_normal((4, 3, 2))
    a = tf.placeholder(tf.float64, [None, 3, 4])
    b = tf.placeholder(tf.float64, [4, None, 2])
    out = tf.tensordot(a, b, [[1, 2], [1, 0]])
    assert out.shape.as_list() == [None, 2]
    got = run(out, {a: a_value, b: b_value})
    np.testing.assert_allclose(got, np.tensordot(a_value, b_value, [[1, 2], [1, 0]]), rtol=1e-12)
    with pytest.raises(ValueError, match="known rank"):
        tf.tensordot(tf.placeholder(tf.float64), b, 1)


def _batch_gather_reference(params, indices, batch_dims, axis):
    """NumPy: for each batch index, np.take along the axis (shifted past the batch dims)."""
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack(
        [
            _batch_gather_reference(p, i, batch_dims - 1, axis - 1)
            for p, i in zip(params, indices, strict=True)
        ]
    )


@pytest.mark.parametrize(
    ("params_shape", "indices_shape", "batch_dims", "axis"),
    [
        ((2, 3, 4), (2, 5), 1, None),
        ((2, 3, 4, 5), (2, 3, 2), 2, None),
        ((2, 3, 4, 5), (2, 2), 1, 2),
        ((2, 3, 4, 5), (2, 3), -1, 3),
        ((3, 4), (3, 2, 2), 1, -1),
    ],
)
def test_gather_with_batch_dims_matches_numpy(params_shape, indices_shape, batch_dims, axis):
    rng = np.random.default_rng(11)
    params = rng.standard_normal(params_shape)
    b = batch_dims % len(indices_shape)
    a = b if axis is None else axis % len(params_shape)
    indices = rng.integers(0, params_shape[a], indices_shape)
    out = tf.gather(tf.constant(params), tf.constant(indices), axis=axis, batch_dims=batch_dims)
    want = _batch_gather_reference(params, indices, b, a)
    assert out.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(out), want)
    check_gradients(lambda p: tf.gather(p, indices, axis=axis, batch_dims=batch_dims), [params])


def test_gather_with_batch_dims_errors():
    p = tf.ones([2, 3, 4])
    with pytest.raises(ValueError, match="must be less than rank\\(indices\\) = 2"):
        tf.gather(p, tf.zeros([2, 3], tf.int32), batch_dims=2)
    with pytest.raises(ValueError, match="must be less than or equal to axis = 0"):
        tf.gather(p, tf.zeros([2, 3], tf.int32), batch_dims=1, axis=0)
    with pytest.raises(ValueError, match="unknown shape when batch_dims"):
        tf.gather(p, tf.placeholder(tf.int32), batch_dims=1)
    with pytest.raises(TypeError, match="batch_dims must be an int"):
        tf.gather(p, tf.zeros([2, 3], tf.int32), batch_dims=1.0)
    indices = tf.placeholder(tf.int32, [None, 2])
    out = tf.gather(p, indices, batch_dims=1)
    assert out.shape.as_list() == [2, 2, 4]
    with tf.Session() as sess:
        np.testing.assert_array_equal(
            sess.run(out, {indices: [[0, 2], [1, 1]]})[1], np.ones([2, 4])
        )
        # 3 is past params' axis 1: an error, not batch 1's row 0.
        with pytest.raises(tf.errors.InvalidArgumentError, match="indices must lie in"):
            sess.run(out, {indices: [[0, 3], [1, 2]]})


# --- array ops forward ---------------------------------------------------------------------------
def test_expand_dims_and_squeeze():
    x = np.zeros((2, 1, 3, 1))
    t = tf.constant(x)
    assert tf.expand_dims(t, dim=2).op.name == "ExpandDims"
    assert tf.squeeze(t, axis=1).op.name == "Squeeze"
    assert tf.expand_dims(t, 0).shape.as_list() == [1, 2, 1, 3, 1]
    assert tf.expand_dims(t, -1).shape.as_list() == [2, 1, 3, 1, 1]
    assert run(tf.expand_dims(t, -2)).shape == (2, 1, 3, 1, 1)
    assert tf.squeeze(t).shape.as_list() == [2, 3]
    assert tf.squeeze(t, [1]).shape.as_list() == [2, 3, 1]
    assert tf.squeeze(t, squeeze_dims=[-1]).shape.as_list() == [2, 1, 3]
    assert run(tf.squeeze(t, [1, 3])).shape == (2, 3)
    with pytest.raises(ValueError, match="Squeeze"):
        tf.squeeze(t, [0])
    with pytest.raises(ValueError, match="ExpandDims"):
        tf.expand_dims(t, 6)
    with pytest.raises(ValueError):
        tf.expand_dims(t)
    p = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="squeeze"):
        run(tf.squeeze(p, [0]), {p: np.zeros((2, 3))})


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None
)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4),
    n=st.integers(1, 3),
    data=st.data(),
)
def test_concat_and_split_match_numpy(shape, n, data):
    tf.reset_default_graph()
    rank = len(shape)
    axis = data.draw(st.integers(-rank, rank - 1))
    rng = np.random.default_rng(7)
    xs = []
    for _ in range(n):
        s = list(shape)
        s[axis] = data.draw(st.integers(0, 3))
        xs.append(rng.standard_normal(s))
    t = tf.concat([tf.constant(x) for x in xs], axis)
    want = np.concatenate(xs, axis)
    assert t.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(t), want)
    sizes = [x.shape[axis] for x in xs]
    parts = tf.split(tf.constant(want), sizes, axis=axis)
    for g, x in zip(run(parts), xs):
        np.testing.assert_array_equal(g, x)
    k = data.draw(st.sampled_from([d for d in (1, 2, 3) if want.shape[axis] % d == 0]))
    for g, w in zip(run(tf.split(tf.constant(want), k, axis)), np.split(want, k, axis)):
        np.testing.assert_array_equal(g, w)


def test_concat_split_names_and_errors():
    a, b = tf.constant(np.zeros((2, 3))), tf.constant(np.zeros((2, 4)))
    assert tf.concat([a, b], 1).op.name == "concat"
    assert tf.concat([a, b], -1).op.type == "ConcatV2"
    assert tf.concat([a], 0).op.type == "Identity"
    parts = tf.split(tf.constant(np.zeros((6, 2))), 3)
    assert [p.op.name for p in parts] == ["split"] * 3 and [p.value_index for p in parts] == [
        0,
        1,
        2,
    ]
    assert tf.split(tf.constant(np.zeros((6, 2))), [1, -1, 2])[1].shape.as_list() == [3, 2]
    with pytest.raises(ValueError, match="ConcatV2"):
        tf.concat([a, tf.constant(np.zeros((2, 3, 1)))], 0)
    with pytest.raises(ValueError, match="ConcatV2"):
        tf.concat([a, b], 0)
    with pytest.raises(ValueError, match="ConcatV2"):
        tf.concat([a, b], 2)
    with pytest.raises(TypeError, match="ConcatV2"):
        tf.concat([a, tf.constant(np.zeros((2, 3), np.int32))], 0)
    with pytest.raises(ValueError, match="Split"):
        tf.split(tf.constant(np.zeros((5, 2))), 2)
    with pytest.raises(ValueError, match="SplitV"):
        tf.split(tf.constant(np.zeros((5, 2))), [1, 1])
    p = tf.placeholder(tf.float64, [None, None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="ConcatOp"):
        run(tf.concat([p, a], 0), {p: np.zeros((1, 2))})


def test_slice_matches_numpy():
    x = np.arange(60.0).reshape(3, 4, 5)
    t = tf.slice(tf.constant(x), [1, 0, 2], [2, -1, 3])
    assert t.op.name == "Slice" and t.shape.as_list() == [2, 4, 3]
    np.testing.assert_array_equal(run(t), x[1:3, :, 2:5])
    with pytest.raises(ValueError, match="Slice"):
        tf.slice(tf.constant(x), [2, 0, 0], [2, 1, 1])
    b = tf.placeholder(tf.int32, [3])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected (begin|size)"):
        run(tf.slice(tf.constant(x), b, [1, 1, 1]), {b: [3, 0, 0]})


def _index_strategy(shape):
    """A random basic-indexing expression (ints, slices with steps, Ellipsis, None) for `shape`."""

    @st.composite
    def build(draw):
        rank = len(shape)
        pre = draw(st.integers(0, rank))
        ellipsis = draw(st.booleans())
        post = draw(st.integers(0, rank - pre)) if ellipsis else 0
        dims = list(range(pre)) + (["..."] if ellipsis else []) + list(range(rank - post, rank))
        items = []
        for d in dims:
            while draw(st.integers(0, 4)) == 0:
                items.append(None)
            if d == "...":
                items.append(Ellipsis)
                continue
            n = shape[d]
            if draw(st.booleans()):
                items.append(draw(st.integers(-n, n - 1)))
            else:
                start = draw(st.one_of(st.none(), st.integers(-n - 2, n + 2)))
                stop = draw(st.one_of(st.none(), st.integers(-n - 2, n + 2)))
                step = draw(st.sampled_from([None, 1, 2, 3, -1, -2]))
                items.append(slice(start, stop, step))
        if draw(st.integers(0, 3)) == 0:
            items.append(None)
        return items[0] if len(items) == 1 and draw(st.booleans()) else tuple(items)

    return build()


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150, deadline=None
)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=5), data=st.data())
def test_getitem_matches_numpy(shape, data):
    tf.reset_default_graph()
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    index = data.draw(_index_strategy(shape))
    t = tf.constant(x)[index]
    want = x[index]
    assert t.shape.as_list() == list(want.shape), index
    got = run(t)
    np.testing.assert_array_equal(got, want, err_msg=str(index))


def test_getitem_names_tensor_indices_and_errors():
    x = np.arange(24.0).reshape(2, 3, 4)
    t = tf.constant(x)
    s = t[0, 1:]
    assert s.op.type == "StridedSlice" and s.op.name == "strided_slice"
    assert [i.op.name for i in s.op.inputs[1:]] == [
        "strided_slice/stack",
        "strided_slice/stack_1",
        "strided_slice/stack_2",
    ]
    i = tf.placeholder(tf.int32, [])
    y = t[:, i, tf.newaxis]
    assert y.shape.as_list() == [2, 1, 4]
    np.testing.assert_array_equal(run(y, {i: 2}), x[:, 2, None])
    np.testing.assert_array_equal(run(t[...]), x)
    np.testing.assert_array_equal(run(t[[1, 2]]), x[1, 2])  # TF1 reads a list like a tuple
    v = tf.Variable(x)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(v[1, ::-1]), x[1, ::-1])
    with pytest.raises(TypeError, match="Only integers, slices"):
        t[1.5]
    with pytest.raises(TypeError, match="Only integers, slices"):
        t["a"]
    with pytest.raises(ValueError, match="out of bounds"):
        t[2]
    with pytest.raises(ValueError, match="StridedSlice"):
        t[:, :, :, 0]
    with pytest.raises(ValueError, match="Multiple ellipses"):
        t[..., ...]
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bounds"):
        run(t[i], {i: 5})


def test_strided_slice_explicit_masks():
    x = np.arange(24.0).reshape(2, 3, 4)
    t = tf.strided_slice(tf.constant(x), [0, 1], [0, 3], [1, 1], begin_mask=1, end_mask=1)
    assert t.op.name == "StridedSlice"
    np.testing.assert_array_equal(run(t), x[:, 1:3])
    t = tf.strided_slice(
        tf.constant(x), [1, 0, -1], [2, 0, 0], [1, 1, -1], shrink_axis_mask=1, ellipsis_mask=2
    )
    np.testing.assert_array_equal(run(t), x[1, ..., :0:-1])


def test_gather_matches_numpy_and_checks_indices():
    x = np.arange(60.0).reshape(5, 3, 4)
    assert tf.gather(tf.constant(x), [1]).op.name == "GatherV2"
    idx = np.array([[4, 0], [2, 2]], np.int64)
    for axis in (0, 1, -1, 2):
        ix = idx % x.shape[axis]
        t = tf.gather(tf.constant(x), tf.constant(ix), axis=axis)
        want = np.take(x, ix, axis=axis)
        assert t.shape.as_list() == list(want.shape)
        np.testing.assert_array_equal(run(t), want)
    ids = tf.placeholder(tf.int32, [None])
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"indices\[3\] = 7 is not in \[0, 5\)"
    ):
        run(tf.gather(tf.constant(x), ids), {ids: [0, 1, 2, 7]})
    with pytest.raises(TypeError):
        tf.gather(tf.constant(x), tf.constant([0.5]))
    with pytest.raises(ValueError, match="GatherV2"):
        tf.gather(tf.constant(x), [0], axis=3)
    v1 = (
        tf.get_default_graph().create_op("Gather", [tf.constant(x), tf.constant([3, 1])]).outputs[0]
    )
    np.testing.assert_array_equal(run(v1), x[[3, 1]])


def test_unsorted_segment_sum_matches_numpy():
    data = np.arange(12.0).reshape(4, 3)
    ids = np.array([2, 0, 2, -1])
    got = run(tf.unsorted_segment_sum(tf.constant(data), tf.constant(ids), 3))
    want = np.zeros((3, 3))
    for i, s in enumerate(ids):
        if s >= 0:
            want[s] += data[i]
    np.testing.assert_array_equal(got, want)
    with pytest.raises(
        tf.errors.InvalidArgumentError, match=r"segment_ids\[1\] = 5 is out of range"
    ):
        run(tf.unsorted_segment_sum(tf.constant(data), tf.constant([0, 5, 1, 1]), 3))


def test_embedding_lookup_is_a_gather_with_dense_gradient():
    params = tf.Variable(np.arange(10.0).reshape(5, 2))
    ids = tf.constant([[1, 3], [1, 0]])
    e = array_ops.embedding_lookup(params, ids)
    assert e.shape.as_list() == [2, 2, 2]
    (g,) = tf.gradients(tf.reduce_sum(e), params)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(e), np.arange(10.0).reshape(5, 2)[[[1, 3], [1, 0]]])
        np.testing.assert_array_equal(sess.run(g), [[1, 1], [2, 2], [0, 0], [1, 1], [0, 0]])


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30, deadline=None
)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3), data=st.data())
def test_tile_and_pad_match_numpy(shape, data):
    tf.reset_default_graph()
    x = np.random.default_rng(8).standard_normal(shape)
    mult = data.draw(st.lists(st.integers(0, 3), min_size=len(shape), max_size=len(shape)))
    t = tf.tile(tf.constant(x), mult)
    assert t.shape.as_list() == list(np.tile(x, mult).shape)
    np.testing.assert_array_equal(run(t), np.tile(x, mult) if shape else x)
    if not shape:
        return
    pads = data.draw(
        st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            min_size=len(shape),
            max_size=len(shape),
        )
    )
    pads_arr = np.array(pads, np.int32).reshape(len(shape), 2)
    p = tf.pad(tf.constant(x), pads_arr)
    np.testing.assert_array_equal(run(p), np.pad(x, pads_arr))
    p2 = tf.pad(tf.constant(x), pads_arr, constant_values=1.5)
    assert p2.op.type == "PadV2"
    np.testing.assert_array_equal(run(p2), np.pad(x, pads_arr, constant_values=1.5))


def test_tile_pad_errors():
    x = tf.constant(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="Tile"):
        tf.tile(x, [1, 2, 3])
    with pytest.raises(ValueError, match="Pad"):
        tf.pad(x, [[1, 1]])
    with pytest.raises(ValueError, match="Unknown padding mode"):
        tf.pad(x, [[1, 1], [0, 0]], mode="WRAP")


def test_one_hot_matches_numpy():
    idx = np.array([[0, 2], [3, -1]])
    t = tf.one_hot(idx, 3)
    assert t.op.name == "one_hot" and t.dtype == tf.float32 and t.shape.as_list() == [2, 2, 3]
    np.testing.assert_array_equal(
        run(t), np.eye(3)[np.clip(idx, 0, 2)] * ((idx >= 0) & (idx < 3))[..., None]
    )
    t0 = tf.one_hot([1, 0], 2, on_value=5, off_value=-1, axis=0)
    assert t0.dtype == tf.int32
    np.testing.assert_array_equal(run(t0), [[-1, 5], [5, -1]])
    assert tf.one_hot([1], 2, dtype=tf.float64).dtype == tf.float64
    with pytest.raises(TypeError):
        tf.one_hot([1], 2, on_value=1.0, off_value=0)
    with pytest.raises(TypeError):
        tf.one_hot([1], 2, on_value=1.0, dtype=tf.int32)


def test_range_dtype_rules():
    cases = [
        (tf.range(5), np.arange(5), tf.int32),
        (tf.range(2, 9, 3), np.arange(2, 9, 3), tf.int32),
        (tf.range(5, 0, -2), np.arange(5, 0, -2), tf.int32),
        (tf.range(0, 1, 0.25), np.arange(0, 1, 0.25), tf.float32),
        (tf.range(3, dtype=tf.float64), np.arange(3.0), tf.float64),
        (tf.range(tf.constant(4, tf.int64)), np.arange(4), tf.int64),
        (tf.range(1.5, 4), np.arange(1.5, 4), tf.float32),
    ]
    for t, want, dtype in cases:
        assert t.dtype == dtype
        assert t.shape.as_list() == [len(want)]
        np.testing.assert_allclose(run(t), want)
    assert tf.range(3).op.name.startswith("range")


def test_leaky_relu_and_selu_forward():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    t = math_ops.leaky_relu(tf.constant(x))
    assert t.op.name == "LeakyRelu" and t.op.get_attr("alpha") == pytest.approx(0.2)
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    got = run(
        [
            math_ops.leaky_relu(tf.constant(x)),
            math_ops.leaky_relu(tf.constant(x), alpha=0.1),
            math_ops.selu(tf.constant(x)),
            math_ops.leaky_relu(tf.constant([-2, 3])),
        ]
    )
    np.testing.assert_allclose(got[0], np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(got[1], np.where(x > 0, x, 0.1 * x))
    np.testing.assert_allclose(got[2], scale * np.where(x > 0, x, alpha * np.expm1(x)), rtol=1e-12)
    np.testing.assert_allclose(got[3], [-0.4, 3.0], rtol=1e-6)
    with pytest.raises(TypeError, match="Selu"):
        math_ops.selu(tf.constant([1, 2]))


# --- gradients ---------------------------------------------------------------------------------
def _distinct(shape, seed):
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(n).reshape(shape) * 0.37 - 1.0


GRADIENT_CASES = [
    ("max_axes", lambda a: tf.reduce_max(a, axis=[0, 2]), [_distinct((2, 3, 4), 0)]),
    ("max_keepdims", lambda a: tf.reduce_max(a, axis=-1, keepdims=True), [_distinct((3, 4), 1)]),
    ("max_all", lambda a: tf.reduce_max(a), [_distinct((3, 4), 5)]),
    ("min_neg_axis", lambda a: tf.reduce_min(a, axis=-2), [_distinct((2, 3, 4), 2)]),
    (
        "prod_axis",
        lambda a: tf.reduce_prod(a, axis=1),
        [np.random.default_rng(3).uniform(0.5, 1.5, (3, 4))],
    ),
    (
        "prod_axes_zero",
        lambda a: tf.reduce_prod(a, axis=[0, 2], keepdims=True),
        [np.array([[[1.2, 0.0], [0.7, -1.1]], [[0.9, 1.3], [0.0, 0.0]]])],
    ),
    ("prod_all", lambda a: tf.reduce_prod(a), [np.random.default_rng(4).uniform(0.5, 1.5, (2, 3))]),
    (
        "cumprod",
        lambda a: tf.cumprod(a, axis=1),
        [np.random.default_rng(5).uniform(0.5, 1.5, (2, 4))],
    ),
    (
        "cumprod_excl_rev",
        lambda a: tf.cumprod(a, axis=0, exclusive=True, reverse=True),
        [np.random.default_rng(6).uniform(0.5, 1.5, (3, 2))],
    ),
    (
        "expand_dims",
        lambda a: tf.expand_dims(a, 1) * a[:, None],
        [np.random.default_rng(7).standard_normal((2, 3))],
    ),
    (
        "squeeze",
        lambda a: tf.squeeze(a, [1]),
        [np.random.default_rng(8).standard_normal((2, 1, 3))],
    ),
    (
        "concat",
        lambda a, b: tf.concat([a, b * b, a], axis=1),
        [
            np.random.default_rng(9).standard_normal((2, 3)),
            np.random.default_rng(10).standard_normal((2, 2)),
        ],
    ),
    (
        "split",
        lambda a: tf.split(a, 2, axis=1)[1] * tf.split(a, 2, axis=1)[0],
        [np.random.default_rng(11).standard_normal((2, 4))],
    ),
    (
        "split_v_unused",
        lambda a: tf.split(a, [1, 3, 1], axis=0)[1],
        [np.random.default_rng(12).standard_normal((5, 2))],
    ),
    (
        "slice",
        lambda a: tf.slice(a, [1, 0], [2, -1]),
        [np.random.default_rng(13).standard_normal((4, 3))],
    ),
    (
        "strided_slice",
        lambda a: a[1:, ::-2, None, 1],
        [np.random.default_rng(14).standard_normal((3, 5, 2))],
    ),
    (
        "strided_slice_ellipsis",
        lambda a: a[..., ::2] * a[0, 1::2],
        [np.random.default_rng(15).standard_normal((2, 4))],
    ),
    (
        "gather_axis0",
        lambda a: tf.gather(a, [[2, 0], [2, 2]]),
        [np.random.default_rng(16).standard_normal((3, 2))],
    ),
    (
        "gather_axis1",
        lambda a: tf.gather(a, [1, 1, 0], axis=1),
        [np.random.default_rng(17).standard_normal((2, 3, 2))],
    ),
    (
        "gather_axis_last",
        lambda a: tf.gather(a, [[0, 2]], axis=-1),
        [np.random.default_rng(18).standard_normal((2, 3))],
    ),
    (
        "unsorted_segment_sum",
        lambda a: tf.unsorted_segment_sum(a, [1, -1, 1, 0], 3),
        [np.random.default_rng(19).standard_normal((4, 2))],
    ),
    (
        "tile",
        lambda a: tf.tile(a, [2, 1, 3]),
        [np.random.default_rng(20).standard_normal((2, 3, 1))],
    ),
    (
        "pad",
        lambda a: tf.pad(a, [[1, 0], [2, 1]]),
        [np.random.default_rng(21).standard_normal((2, 3))],
    ),
    (
        "pad_v2",
        lambda a: tf.pad(a, [[1, 2]], constant_values=3.0),
        [np.random.default_rng(22).standard_normal((3,))],
    ),
    (
        "leaky_relu",
        lambda a: math_ops.leaky_relu(a, alpha=0.3),
        [np.array([[-1.5, 0.4], [2.0, -0.2]])],
    ),
    ("selu", lambda a: math_ops.selu(a), [np.array([[-1.5, 0.4], [2.0, -0.2]])]),
    (
        "batch_matmul",
        lambda a, b: tf.matmul(a, b),
        [
            np.random.default_rng(23).standard_normal((2, 3, 4)),
            np.random.default_rng(24).standard_normal((4, 2)),
        ],
    ),
    (
        "tensordot",
        lambda a, b: tf.tensordot(a, b, [[0, 2], [1, 0]]),
        [
            np.random.default_rng(25).standard_normal((2, 3, 4)),
            np.random.default_rng(26).standard_normal((4, 2, 2)),
        ],
    ),
]


@pytest.mark.parametrize("name,build,inputs", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradients_match_finite_differences(name, build, inputs):
    check_gradients(build, inputs)


@pytest.mark.parametrize("op_type", ["LeakyReluGrad", "SeluGrad"])
def test_activation_grad_ops_second_order(op_type):
    rng = np.random.default_rng(27)
    a = rng.uniform(-2, 2, size=(2, 3))
    b = rng.uniform(-1.5, 2, size=(2, 3))
    b = np.where(np.abs(b) < 0.05, 0.3, b)

    def build(x, y):
        return (
            tf.get_default_graph()
            .create_op(op_type, [x, y], {"alpha": 0.3} if op_type == "LeakyReluGrad" else {})
            .outputs[0]
        )

    check_gradients(build, [a, b])


def test_second_order_through_gather_and_strided_slice():
    x = np.random.default_rng(28).standard_normal((4, 3))

    def build(a):
        (g,) = tf.gradients(
            tf.reduce_sum(tf.gather(a * a, [3, 1, 3]) ** 2) + tf.reduce_sum(a[1:, ::2] ** 3), a
        )
        return g * a

    check_gradients(build, [x])


def test_not_differentiable_ops():
    x = tf.constant([[1.0, 2.0], [3.0, 0.5]])
    for t in (tf.argmax(x, 1), tf.one_hot(tf.argmax(x, 1), 2), tf.range(3)):
        assert tf.gradients(tf.reduce_sum(tf.cast(t, tf.float32)), x) == [None]


def test_new_ops_are_registered_and_complete():
    ops = {op["name"]: op for op in _core.registered_ops()}
    for name in (
        "Max",
        "Min",
        "Prod",
        "All",
        "Any",
        "ArgMax",
        "ArgMin",
        "Cumprod",
        "BatchMatMul",
        "BatchMatMulV2",
        "ExpandDims",
        "Squeeze",
        "ConcatV2",
        "ConcatOffset",
        "Split",
        "SplitV",
        "Slice",
        "StridedSlice",
        "StridedSliceGrad",
        "Gather",
        "GatherV2",
        "UnsortedSegmentSum",
        "Tile",
        "Pad",
        "PadV2",
        "OneHot",
        "ListDiff",
        "LeakyRelu",
        "LeakyReluGrad",
        "Selu",
        "SeluGrad",
    ):
        op = ops[name]
        assert (
            op["has_shape_fn"]
            and op["has_kernel"]
            and (op["has_gradient"] or op["not_differentiable"])
        ), name


def test_embedding_lookup_max_norm_clips_each_row():
    params = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], np.float32)
    ids = tf.placeholder(tf.int32, None)
    static = array_ops.embedding_lookup(tf.constant(params), [[0, 1], [2, 0]], max_norm=1.0)
    dynamic = array_ops.embedding_lookup(tf.constant(params), ids, max_norm=1.0)
    want = np.array([[[0.6, 0.8], [0.3, 0.4]], [[0.6, 0.8], [0.6, 0.8]]], np.float32)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(static), want, rtol=1e-6)
        np.testing.assert_allclose(sess.run(dynamic, {ids: [[0, 1], [2, 0]]}), want, rtol=1e-6)


def test_bool_indices_are_masks_as_in_tf1():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    picked = t[np.array([False, True])]
    assert picked.op.type == "GatherV2"
    np.testing.assert_array_equal(run(picked), [[3.0, 4.0]])
    np.testing.assert_array_equal(run(t[tf.constant([True, False])]), [[1.0, 2.0]])
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        t[True]  # noqa: B018 (the indexing is the test)
    with pytest.raises(TypeError):
        t[[True, False]]  # noqa: B018
