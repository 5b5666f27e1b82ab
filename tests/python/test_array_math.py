"""tf.eye, tf.linspace, tf.sequence_mask, tf.where_v2, tf.math.bincount, tf.multinomial /
tf.random.categorical and tf.einsum against TF-recorded fixtures (fixtures/math_ops), with
their errors, broadcasting properties and (einsum, where_v2) gradients by finite
differences."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients
from hypothesis import given, settings
from hypothesis.extra import numpy as hnp

FIXTURES = np.load(pathlib.Path(__file__).parent / "fixtures" / "math_ops" / "expected.npz")
EINSUM_CASES = sorted({int(k.split("/")[1]) for k in FIXTURES.files if k.startswith("einsum/")})


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


# --- linspace -----------------------------------------------------------------------------------
def test_linspace_matches_tf():
    got = run(tf.linspace(-1.0, 2.0, 7))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, FIXTURES["linspace/a"], rtol=1e-6)
    got = run(tf.lin_space(np.float64(3.0), np.float64(-1.5), 10))
    np.testing.assert_allclose(got, FIXTURES["linspace/b"], rtol=1e-15)
    np.testing.assert_array_equal(run(tf.linspace(5.0, 9.0, 1)), FIXTURES["linspace/one"])
    assert tf.linspace(0.0, 1.0, 4).shape.as_list() == [4]
    assert tf.linspace(0.0, 1.0, 4).op.type == "LinSpace"


def test_linspace_errors():
    with pytest.raises(ValueError, match="num > 0"):
        tf.linspace(0.0, 1.0, 0)
    n = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="num > 0"):
        run(tf.linspace(0.0, 1.0, n), {n: -2})
    with pytest.raises(TypeError, match="LinSpace"):
        tf.linspace(0, 1, 3)
    with pytest.raises(ValueError, match="rank 0"):
        tf.linspace([0.0, 1.0], 1.0, 3)


# --- eye ------------------------------------------------------------------------------------------
def test_eye_matches_tf():
    np.testing.assert_array_equal(run(tf.eye(3)), FIXTURES["eye/3"])
    got = run(tf.eye(2, 4, batch_shape=[3], dtype=tf.int32))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, FIXTURES["eye/2x4_batch"])
    np.testing.assert_array_equal(
        run(tf.linalg.eye(4, num_columns=2, dtype=tf.float64)), FIXTURES["eye/4x2"]
    )
    n = tf.placeholder(tf.int32, [])
    np.testing.assert_array_equal(run(tf.eye(n), {n: 2}), np.eye(2))
    with pytest.raises(ValueError, match="non-negative"):
        tf.eye(-1)


# --- sequence_mask ------------------------------------------------------------------------------
def test_sequence_mask_matches_tf():
    lengths = FIXTURES["sequence_mask/lengths"]
    got = run(tf.sequence_mask(lengths, 5))
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, FIXTURES["sequence_mask/5"])
    np.testing.assert_array_equal(run(tf.sequence_mask([1, 3, 2])), FIXTURES["sequence_mask/none"])
    got = run(tf.sequence_mask([0, 2], 3, dtype=tf.float32))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, FIXTURES["sequence_mask/float"])
    with pytest.raises(ValueError, match="maxlen must be scalar"):
        tf.sequence_mask([1, 2], [3, 4])


# --- where_v2 -----------------------------------------------------------------------------------
def test_where_v2_broadcasts_as_tf():
    c, t, e = FIXTURES["where_v2/c"], FIXTURES["where_v2/t"], FIXTURES["where_v2/e"]
    out = tf.where_v2(c, t, e)
    assert out.op.type == "SelectV2"
    assert out.shape.as_list() == [3, 2, 4]
    np.testing.assert_array_equal(run(out), FIXTURES["where_v2/out"])
    np.testing.assert_array_equal(run(tf.where_v2(c, 1.0, -1.0)), FIXTURES["where_v2/scalar"])
    np.testing.assert_array_equal(run(tf.where_v2([True, False, True])), [[0], [2]])


def test_where_v1_with_x_and_y_stays_select():
    # tf.compat.v1.where with x and y does not broadcast: it is Select.
    assert tf.where([True, False], [1, 2], [3, 4]).op.type == "Select"
    with pytest.raises(ValueError, match="Shapes"):
        tf.where([[True, False]], tf.ones([2, 2]), tf.ones([1, 2]))


def test_where_v2_errors():
    with pytest.raises(ValueError, match="both be non-None"):
        tf.where_v2([True], [1.0])
    with pytest.raises(TypeError, match="condition"):
        tf.where_v2([1, 0], [1.0, 2.0], [3.0, 4.0])
    with pytest.raises(ValueError, match="SelectV2"):
        tf.where_v2([True, False, True], tf.ones([2]), tf.ones([2]))
    c = tf.placeholder(tf.bool)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        run(tf.where_v2(c, tf.ones([2]), tf.ones([2])), {c: [True, False, True]})


@settings(max_examples=25, deadline=None)
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3))
def test_where_v2_broadcasting_property(shapes):
    sc, st_, se = shapes.input_shapes
    rng = np.random.default_rng(sum(map(len, shapes.input_shapes)))
    c, t, e = rng.uniform(size=sc) > 0.5, rng.uniform(size=st_), rng.uniform(size=se)
    with tf.Graph().as_default():
        out = tf.where_v2(c, t, e)
        assert out.shape.as_list() == list(shapes.result_shape)
        np.testing.assert_array_equal(run(out), np.where(c, t, e))


def test_where_v2_gradient_sums_broadcast_axes():
    c = np.array([[True], [False], [True]])
    check_gradients(lambda t, e: tf.where_v2(c, t, e), [np.arange(4.0), np.ones((3, 1)) * 2.0])


# --- bincount -----------------------------------------------------------------------------------
def test_bincount_matches_tf():
    arr, w = FIXTURES["bincount/arr"], FIXTURES["bincount/w"]
    got = run(tf.math.bincount(arr))
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, FIXTURES["bincount/plain"])
    np.testing.assert_array_equal(run(tf.bincount(arr, minlength=9)), FIXTURES["bincount/min"])
    np.testing.assert_array_equal(run(tf.bincount(arr, maxlength=3)), FIXTURES["bincount/max"])
    np.testing.assert_allclose(run(tf.bincount(arr, weights=w)), FIXTURES["bincount/weights"])
    got = run(tf.bincount(arr, dtype=tf.float32))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, FIXTURES["bincount/float"])
    np.testing.assert_array_equal(
        run(tf.bincount(np.zeros([0], np.int32))), FIXTURES["bincount/empty"]
    )


def test_bincount_errors():
    p = tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        run(tf.bincount(p), {p: [1, -1, 2]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="same shape"):
        run(tf.bincount(p, weights=[1.0, 2.0]), {p: [1, 1, 2]})


# --- multinomial / categorical ------------------------------------------------------------------
def test_multinomial_is_seeded_as_tf1():
    logits = FIXTURES["multinomial/logits"]
    tf.set_random_seed(7)
    s1 = tf.multinomial(logits, 6, seed=3)
    s2 = tf.random.categorical(logits.astype(np.float32), 5, dtype=tf.int32, seed=5)
    assert s1.dtype == tf.int64
    assert s2.dtype == tf.int32
    assert s1.shape.as_list() == [3, 6]
    with tf.Session() as sess:
        a, b = sess.run([s1, s2])
        c = sess.run(s1)
    np.testing.assert_array_equal(a, FIXTURES["multinomial/run1"])
    np.testing.assert_array_equal(b, FIXTURES["categorical/run1"])
    np.testing.assert_array_equal(c, FIXTURES["multinomial/run2"])


def test_multinomial_frequencies_follow_the_probabilities():
    probs = np.array([0.1, 0.6, 0.3])
    samples = run(tf.random.categorical(np.log([probs]), 20000, seed=1))
    freq = np.bincount(samples[0], minlength=3) / samples.size
    np.testing.assert_allclose(freq, probs, atol=0.015)
    # -inf logits are never drawn
    samples = run(tf.multinomial([[0.0, -np.inf, 0.0]], 500, seed=2))
    assert not (samples == 1).any()


def test_multinomial_errors():
    with pytest.raises(ValueError, match="rank 2"):
        tf.multinomial([1.0, 2.0], 3)
    with pytest.raises(TypeError, match="Multinomial"):
        tf.multinomial([[1, 2]], 3)
    n = tf.placeholder(tf.int32, [])
    with pytest.raises(tf.errors.InvalidArgumentError, match="nonnegative"):
        run(tf.multinomial([[1.0, 2.0]], n), {n: -1})


# --- einsum -------------------------------------------------------------------------------------
def _case(k):
    eq = str(FIXTURES[f"einsum/{k}/eq"])
    inputs = []
    j = 0
    while f"einsum/{k}/in{j}" in FIXTURES.files:
        inputs.append(FIXTURES[f"einsum/{k}/in{j}"])
        j += 1
    return eq, inputs, FIXTURES[f"einsum/{k}/out"]


@pytest.mark.parametrize("k", EINSUM_CASES)
def test_einsum_matches_tf(k):
    eq, inputs, want = _case(k)
    out = tf.einsum(eq, *[tf.constant(x) for x in inputs])
    assert out.shape.as_list() == list(want.shape), eq
    np.testing.assert_allclose(run(out), want, rtol=1e-12, atol=1e-12, err_msg=eq)
    assert tf.linalg.einsum is tf.einsum


@pytest.mark.parametrize("k", EINSUM_CASES)
def test_einsum_gradients_match_finite_differences(k):
    eq, inputs, _ = _case(k)
    check_gradients(lambda *xs: tf.einsum(eq, *xs), [np.array(x) for x in inputs])


def test_einsum_with_an_unknown_batch_dimension():
    a = tf.placeholder(tf.float64, [None, 3])
    b = tf.placeholder(tf.float64, [None, 3])
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    np.testing.assert_allclose(
        run(tf.einsum("bi,bi->b", a, b), {a: x, b: y}), np.einsum("bi,bi->b", x, y)
    )
    m = tf.placeholder(tf.float64, [None, None])
    np.testing.assert_allclose(run(tf.einsum("ij,jk->ik", m, b), {m: x.T, b: y}), x.T @ y)


def test_einsum_three_operands():
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal(s) for s in ((2, 3), (3, 4), (4, 5))]
    got = run(tf.einsum("ij,jk,kl->il", *[tf.constant(x) for x in xs]))
    np.testing.assert_allclose(got, np.einsum("ij,jk,kl->il", *xs), rtol=1e-12)


@pytest.mark.parametrize(
    ("eq", "shapes", "match"),
    [
        ("ij,jk->ik", [(2, 3)], "Got 1 arguments"),
        ("ij->iij", [(2, 3)], "more than once"),
        ("ij->k", [(2, 3)], "not present"),
        ("ij-k", [(2, 3)], "incorrect format"),
        ("ijk->i", [(2, 3)], "rank 2"),
        ("ij,jk->ik", [(2, 3), (4, 5)], "must be equal"),
    ],
)
def test_einsum_errors(eq, shapes, match):
    with pytest.raises(ValueError, match=match):
        tf.einsum(eq, *[tf.ones(s, tf.float64) for s in shapes])


def test_multinomial_with_only_a_graph_seed_repeats_in_a_new_graph():
    def draw(graph_seed):
        with tf.Graph().as_default():
            tf.set_random_seed(graph_seed)
            return run(tf.random.categorical([[0.0, 0.5, 1.0, 1.5]], 50))

    np.testing.assert_array_equal(draw(11), draw(11))
    assert (draw(11) != draw(12)).any()


def test_cumprod_matches_tf():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    got = run(tf.math.cumprod(x, axis=1, exclusive=True))
    np.testing.assert_array_equal(got, FIXTURES["cumprod"])
