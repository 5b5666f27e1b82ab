"""The op library, part 3: MirrorPad (tf.pad's REFLECT and SYMMETRIC modes) and its gradient
MirrorPadGrad, Where (tf.where with one argument) and tf.boolean_mask / ``tensor[bool_mask]``:
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


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


# --- MirrorPad ---------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4),
    mode=st.sampled_from(["REFLECT", "SYMMETRIC", "reflect", "Symmetric"]),
    dtype=st.sampled_from([np.float32, np.float64, np.int32, np.int64]),
    data=st.data(),
)
def test_mirror_pad_matches_numpy(shape, mode, dtype, data):
    tf.reset_default_graph()
    offset = 1 if mode.upper() == "REFLECT" else 0
    x = (np.random.default_rng(3).standard_normal(shape) * 10).astype(dtype)
    pads = [
        (data.draw(st.integers(0, d - offset)), data.draw(st.integers(0, d - offset)))
        for d in shape
    ]
    t = tf.pad(tf.constant(x), pads, mode=mode)
    assert t.op.type == "MirrorPad" and t.dtype.as_numpy_dtype == dtype
    want = np.pad(x, pads, mode=mode.lower())
    assert t.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(t), want)


def test_mirror_pad_with_runtime_paddings_and_unknown_shapes():
    x = tf.placeholder(tf.float32, shape=[None, 3])
    p = tf.placeholder(tf.int32, shape=[2, 2])
    t = tf.pad(x, p, mode="REFLECT", name="mp")
    assert t.op.name == "mp" and t.shape.as_list() == [None, None]
    v = np.arange(6, dtype=np.float32).reshape(2, 3)
    pads = np.array([[1, 1], [2, 0]], np.int32)
    np.testing.assert_array_equal(run(t, {x: v, p: pads}), np.pad(v, pads, mode="reflect"))


def test_mirror_pad_build_time_errors():
    x = tf.constant(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        tf.pad(x, [[-1, 0], [0, 0]], mode="SYMMETRIC")
    with pytest.raises(ValueError, match="MirrorPad"):
        tf.pad(x, [[1, 1]], mode="REFLECT")
    with pytest.raises(ValueError, match="2 columns"):
        tf.pad(x, [[1, 1, 1], [0, 0, 0]], mode="REFLECT")
    with pytest.raises(ValueError, match="Unknown padding mode"):
        tf.pad(x, [[1, 1], [0, 0]], mode="WRAP")
    with pytest.raises(ValueError, match="not in the list of allowed values"):
        tf.get_default_graph().create_op(
            "MirrorPad", [x, tf.constant([[0, 0], [0, 0]])], {"mode": "WRAP"}
        )
    with pytest.raises(TypeError):
        tf.pad(x, tf.constant([[0.5, 0.0], [0.0, 0.0]]), mode="REFLECT")


def test_mirror_pad_too_large_paddings_fail_at_run_time_as_tf1():
    """TF1's MirrorPad shares Pad's shape rule: the bound on the paddings (< dim for REFLECT,
    <= dim for SYMMETRIC) is checked by the kernel."""
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    t = tf.pad(x, [[2, 0], [0, 0]], mode="REFLECT", name="too_far")
    assert t.shape.as_list() == [4, 3]
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match=r"less than the dimension size: 2, 0 not less than 2[\s\S]*too_far",
    ):
        run(t)
    np.testing.assert_array_equal(
        run(tf.pad(x, [[2, 0], [0, 3]], mode="SYMMETRIC")),
        np.pad(np.arange(6.0).reshape(2, 3), [[2, 0], [0, 3]], mode="symmetric"),
    )
    s = tf.pad(x, [[0, 0], [0, 4]], mode="SYMMETRIC")
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="no greater than the dimension size: 0, 4 greater than 3",
    ):
        run(s)


def test_mirror_pad_run_time_errors_name_the_op():
    x = tf.placeholder(tf.float64, shape=None)
    p = tf.placeholder(tf.int32)
    t = tf.pad(x, p, mode="REFLECT", name="reflected")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"not less than 3[\s\S]*reflected"):
        run(t, {x: np.zeros(3), p: [[0, 3]]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank of inputs"):
        run(t, {x: np.zeros(3), p: [[0, 1], [0, 1]]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        run(t, {x: np.zeros(3), p: [[-1, 1]]})
    s = tf.pad(x, p, mode="SYMMETRIC", name="symmetric")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"greater than 3[\s\S]*symmetric"):
        run(s, {x: np.zeros(3), p: [[4, 0]]})
    np.testing.assert_array_equal(
        run(s, {x: [1.0, 2.0, 3.0], p: [[3, 3]]}), np.pad([1.0, 2.0, 3.0], 3, mode="symmetric")
    )


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
def test_mirror_pad_gradients(mode):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 4))
    check_gradients(lambda a: tf.pad(a, [[2, 1], [1, 3]], mode=mode), [x])
    check_gradients(lambda a: tf.pad(a, [[0, 0], [0, 2]], mode=mode), [rng.standard_normal((2, 3))])
    x3 = rng.standard_normal((2, 3, 2))
    check_gradients(lambda a: tf.pad(a * a, [[1, 1], [2, 0], [1, 1]], mode=mode), [x3])


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
def test_mirror_pad_grad_folds_back_and_has_a_gradient(mode):
    x = np.random.default_rng(6).standard_normal((3, 4))
    pads = [[1, 2], [2, 1]]
    padded = tf.pad(tf.constant(x), pads, mode=mode)
    g = np.random.default_rng(7).standard_normal(padded.shape.as_list())
    dx = tf.gradients(padded, padded.op.inputs[0], grad_ys=tf.constant(g))[0]
    assert dx.op.type == "MirrorPadGrad" and dx.shape.as_list() == [3, 4]
    # The fold is the transpose of the padding: <pad(x), g> == <x, fold(g)>.
    np.testing.assert_allclose(np.sum(run(padded) * g), np.sum(x * run(dx)), rtol=1e-12)

    # MirrorPadGrad's own gradient is MirrorPad, checked through a second derivative.
    def fold(gy):
        graph = tf.get_default_graph()
        return graph.create_op("MirrorPadGrad", [gy, tf.constant(pads)], {"mode": mode}).outputs[0]

    check_gradients(fold, [g])


def test_mirror_pad_grad_errors():
    g = tf.placeholder(tf.float64)
    p = tf.placeholder(tf.int32)
    t = tf.get_default_graph().create_op("MirrorPadGrad", [g, p], {"mode": "REFLECT"}).outputs[0]
    with pytest.raises(tf.errors.InvalidArgumentError, match="output dimension size"):
        run(t, {g: np.zeros(4), p: [[2, 1]]})
    np.testing.assert_array_equal(run(t, {g: np.arange(5.0), p: [[1, 1]]}), [1.0, 0 + 2 + 4, 3])
    graph = tf.get_default_graph()
    with pytest.raises(ValueError, match="Negative dimension size caused by subtracting 5 from 4"):
        graph.create_op(
            "MirrorPadGrad",
            [tf.constant(np.zeros(4)), tf.constant([[2, 3]])],
            {"mode": "SYMMETRIC"},
        )
    folded = graph.create_op(
        "MirrorPadGrad", [tf.constant(np.zeros(4)), tf.constant([[2, 2]])], {"mode": "SYMMETRIC"}
    ).outputs[0]
    assert folded.shape.as_list() == [0]
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="no greater than the output dimension"
    ):
        run(folded)


# --- Where -------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    x=hnp.arrays(
        st.sampled_from([np.bool_, np.float32, np.float64, np.int32, np.int64]),
        hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4),
        elements=st.integers(0, 1),
    )
)
def test_where_matches_argwhere(x):
    tf.reset_default_graph()
    t = tf.where(tf.constant(x))
    assert t.op.type == "Where" and t.dtype == tf.int64
    assert t.shape.as_list() == [None, x.ndim]
    got = run(t)
    assert got.dtype == np.int64
    assert got.shape == np.argwhere(x).shape
    np.testing.assert_array_equal(got, np.argwhere(x))


def test_where_one_argument_name_unknown_rank_and_gradient():
    c = tf.placeholder(tf.bool)
    t = tf.where(c)
    assert t.op.name == "Where" and t.shape.as_list() == [None, None]
    np.testing.assert_array_equal(run(t, {c: [[True, False], [False, True]]}), [[0, 0], [1, 1]])
    assert tf.where(c, name="w").op.name == "w"
    np.testing.assert_array_equal(run(tf.where([0.0, -0.0, 2.0])), [[2]])
    x = tf.constant([1.0, 2.0])
    assert tf.gradients(tf.reduce_sum(tf.cast(tf.where(x), tf.float32)), x) == [None]
    with pytest.raises(ValueError, match="x and y must both be non-None"):
        tf.where(c, x)


# --- boolean_mask ------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=4),
    data=st.data(),
)
def test_boolean_mask_matches_numpy(shape, data):
    tf.reset_default_graph()
    x = np.random.default_rng(9).standard_normal(shape)
    axis = data.draw(st.integers(0, len(shape) - 1))
    k = data.draw(st.integers(1, len(shape) - axis))
    mask = data.draw(hnp.arrays(np.bool_, shape[axis : axis + k]))
    t = tf.boolean_mask(tf.constant(x), tf.constant(mask), axis=axis)
    index = (slice(None),) * axis + (mask,)
    want = x[index]
    # varflow's set_shape only checks compatibility, so zero-sized dims may stay unknown.
    assert t.shape.ndims == want.ndim and t.shape.is_compatible_with(
        list(shape[:axis]) + [None] + list(shape[axis + k :])
    )
    np.testing.assert_array_equal(run(t), want)
    if axis == 0:
        np.testing.assert_array_equal(run(tf.constant(x)[tf.constant(mask)]), x[mask])


def test_boolean_mask_names_placeholders_and_gradient():
    x = tf.placeholder(tf.float64, shape=[None, 3])
    m = tf.placeholder(tf.bool, shape=[None])
    t = tf.boolean_mask(x, m)
    assert t.op.name.startswith("boolean_mask/") and t.op.type == "GatherV2"
    types = {o.type for o in tf.get_default_graph().get_operations()}
    assert {"Where", "Squeeze", "Reshape", "Prod", "GatherV2"} <= types
    v = np.arange(12.0).reshape(4, 3)
    mv = np.array([True, False, True, True])
    np.testing.assert_array_equal(run(t, {x: v, m: mv}), v[mv])
    assert tf.boolean_mask(x, m, name="bm").op.name.startswith("bm/")
    mask2 = np.array([[True, False, True], [False, False, True]])
    check_gradients(lambda a: tf.boolean_mask(a * a, tf.constant(mask2)), [v[:2] - 5.0])
    check_gradients(lambda a: a[tf.constant(mv)], [v])


def test_boolean_mask_errors():
    x = tf.constant(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask(x, True)
    with pytest.raises(ValueError, match="Number of mask dimensions must be specified"):
        tf.boolean_mask(x, tf.placeholder(tf.bool))
    with pytest.raises(ValueError, match="incompatible"):
        tf.boolean_mask(x, [True, False, True])
    with pytest.raises(ValueError, match="incompatible"):
        x[tf.constant([True, False, True])]
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        x[True]  # TF1: a Python bool index is a (scalar) mask
    m = tf.placeholder(tf.bool, shape=[None])
    t = tf.boolean_mask(x, m)
    with pytest.raises(tf.errors.InvalidArgumentError):
        run(t, {m: [True, False, True]})
