"""TF1's regularized incomplete gamma and beta functions: ``igamma`` P(a, x), ``igammac``
Q(a, x), their derivative in a (op ``IgammaGradA``) and ``betainc`` I_x(a, b).

Values and gradients against TF-recorded fixtures (fixtures/incomplete, made by its
make_fixtures.py with the TF oracle) over both evaluation regions and the domain edges; the
a-derivative against finite differences of P itself; identities the functions obey; and TF1's
shape rules and errors. test_gradient_registry.py checks the gradients against finite
differences too."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import varflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

FIXTURES = np.load(pathlib.Path(__file__).parent / "fixtures" / "incomplete" / "expected.npz")
DTYPES = ["float32", "float64"]
# TF evaluates float32 in float32 (up to ~1e-4 off in the tails); varflow rounds the double
# result, so float32 is compared loosely against TF and tightly against TF's float64.
RTOL = {"float32": 2e-4, "float64": 1e-12}


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def igamma_grad_a(a, x):
    return tf.get_default_graph().create_op("IgammaGradA", [a, x]).outputs[0]


def check(got, dtype, key, atol=1e-30):
    want = FIXTURES[f"{dtype}/{key}"]
    assert got.dtype == want.dtype, key
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=atol, equal_nan=True, err_msg=key)
    # rounding the double result: within an ulp of TF's float64 (the broadcast cases drew other
    # inputs per dtype)
    if dtype == "float32" and "bcast" not in key:
        exact = FIXTURES[f"float64/{key}"].astype(np.float32)
        np.testing.assert_allclose(got, exact, rtol=2e-7, atol=atol, equal_nan=True, err_msg=key)


@pytest.mark.parametrize("dtype", DTYPES)
def test_values_match_tf(dtype):
    a, x = FIXTURES["a"].astype(dtype), FIXTURES["x"].astype(dtype)
    ga, gx = FIXTURES["g_a"].astype(dtype), FIXTURES["g_x"].astype(dtype)
    ba, bb, bx = (FIXTURES[k].astype(dtype) for k in ("ba", "bb", "bx"))
    got = run(
        {
            "igamma": tf.math.igamma(a, x),
            "igammac": tf.math.igammac(a, x),
            "igamma_grad_a": igamma_grad_a(tf.constant(ga), tf.constant(gx)),
            "betainc": tf.math.betainc(ba, bb, bx),
        }
    )
    for key, value in got.items():
        check(value, dtype, key, atol=1e-6 if dtype == "float32" else 1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradients_match_tf(dtype):
    ga, gx = (tf.constant(FIXTURES[k].astype(dtype)) for k in ("g_a", "g_x"))
    gba, gbb, gbx = (tf.constant(FIXTURES[k].astype(dtype)) for k in ("gb_a", "gb_b", "gb_x"))
    p, q = tf.math.igamma(ga, gx), tf.math.igammac(ga, gx)
    beta = tf.math.betainc(gba, gbb, gbx)
    bcast_x = tf.constant(FIXTURES[f"{dtype}/bcast_x"])
    bcast_a = tf.constant(np.array(1.5, dtype))
    p_bcast = tf.math.igamma(bcast_a, bcast_x)
    grads = {
        "igamma_da": tf.gradients(p, ga)[0],
        "igamma_dx": tf.gradients(p, gx)[0],
        "igammac_da": tf.gradients(q, ga)[0],
        "igammac_dx": tf.gradients(q, gx)[0],
        "betainc_dx": tf.gradients(beta, gbx)[0],
        "igamma_bcast": p_bcast,
        "igamma_bcast_da": tf.gradients(p_bcast, bcast_a)[0],
        "betainc_scalar_ab": tf.math.betainc(np.array(2.0, dtype), np.array(3.0, dtype), gbx),
    }
    assert tf.gradients(beta, [gba, gbb]) == [None, None]  # TF1 gives none for a and b
    got = run(grads)
    for key, value in got.items():
        check(value, dtype, key, atol=1e-6 if dtype == "float32" else 1e-14)
    assert got["igamma_bcast_da"].shape == ()


def test_grad_a_is_the_derivative_of_p():
    a = np.array([0.3, 1.0, 2.5, 8.0, 40.0, 0.9, 12.0])
    x = np.array([0.2, 3.0, 2.0, 6.0, 45.0, 30.0, 0.5])  # series and continued-fraction cases
    h = 1e-6
    ta = tf.placeholder(tf.float64)
    p = tf.math.igamma(ta, x)
    with tf.Session() as sess:
        numeric = (sess.run(p, {ta: a + h}) - sess.run(p, {ta: a - h})) / (2 * h)
        analytic = sess.run(igamma_grad_a(ta, tf.constant(x)), {ta: a})
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(
    a=st.floats(0.05, 50.0),
    b=st.floats(0.05, 50.0),
    x=st.floats(0.001, 0.999),
    y=st.floats(0.0, 80.0),
)
def test_identities(a, b, x, y):
    """P + Q = 1, I_x(a, b) = 1 - I_(1-x)(b, a), both in [0, 1], and I_x(1, 1) = x."""
    with tf.Graph().as_default():
        ta, tb, tx, ty = (tf.constant(v, tf.float64) for v in (a, b, x, y))
        p, q, i, j, unit = run(
            [
                tf.math.igamma(ta, ty),
                tf.math.igammac(ta, ty),
                tf.math.betainc(ta, tb, tx),
                tf.math.betainc(tb, ta, 1.0 - tx),
                tf.math.betainc(tf.constant(1.0, tf.float64), 1.0, tx),
            ]
        )
    assert 0.0 <= p <= 1.0 and 0.0 <= q <= 1.0 and 0.0 <= i <= 1.0
    assert abs(p + q - 1.0) < 1e-12
    assert abs(i + j - 1.0) < 1e-10
    assert abs(unit - x) < 1e-14


def test_shapes_and_broadcasting():
    assert tf.math.igamma(tf.ones([2, 1]), tf.ones([3])).shape.as_list() == [2, 3]
    assert tf.math.betainc(1.0, 2.0, tf.zeros([2, 3])).shape.as_list() == [2, 3]
    assert tf.math.betainc(tf.ones([4]), 2.0, 0.5).shape.as_list() == [4]
    assert tf.math.betainc(1.0, 2.0, 0.5).shape.as_list() == []
    assert tf.math.betainc(tf.placeholder(tf.float32), 2.0, 0.5).shape.ndims is None
    assert tf.math.igamma is tf.igamma and tf.math.betainc is tf.betainc
    assert tf.math.igammac(1.0, 2.0).op.type == "Igammac"


def test_bad_input():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tf.math.betainc(tf.ones([2]), tf.ones([3]), 0.5)
    with pytest.raises(ValueError, match="Shapes must be equal rank"):
        tf.math.betainc(tf.ones([2]), tf.ones([2, 2]), 0.5)
    a = tf.placeholder(tf.float64)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shapes of a and x are inconsistent"):
        run(tf.math.betainc(a, 2.0, tf.constant([0.1, 0.2, 0.3], tf.float64)), {a: [1.0, 2.0]})
    with pytest.raises(TypeError, match="Igamma"):
        tf.math.igamma(tf.constant([1, 2]), tf.constant([1, 2]))
    with pytest.raises(TypeError, match="Betainc"):
        tf.math.betainc(tf.constant([1, 2]), tf.constant([1, 2]), tf.constant([1, 2]))
    with pytest.raises(ValueError, match="Xdivy|Igamma"):
        tf.math.igamma(tf.ones([2, 3]), tf.ones([4]))
    a = tf.constant(2.0)
    with pytest.raises(LookupError, match="No gradient defined for operation.*IgammaGradA"):
        tf.gradients(igamma_grad_a(a, tf.constant(1.0)), a)
