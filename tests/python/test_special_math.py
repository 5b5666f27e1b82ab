"""TF1's trigonometric, hyperbolic and special functions and the guarded binary ops
(special_math_ops): forward values against TF-recorded fixtures (fixtures/math_ops, made by
its make_fixtures.py with the TF oracle), broadcasting and dtype errors as properties, and
the names under tf., tf.math. and tf.nn. Gradients are in test_gradient_registry.py."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import varflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FIXTURES = np.load(pathlib.Path(__file__).parent / "fixtures" / "math_ops" / "expected.npz")

UNARY = sorted({k.split("/")[1] for k in FIXTURES.files if k.startswith("unary/")})
BINARY = sorted({k.split("/")[1] for k in FIXTURES.files if k.startswith("binary/")})
# float32 results differ from TF's in the last bits where TF computes in float32 and varflow
# rounds a double result (or the other way round).
RTOL = {"float32": 2e-6, "float64": 1e-13}
LOOSE = {"lgamma": 1e-5, "digamma": 1e-5, "zeta": 1e-5, "polygamma": 1e-5, "tan": 1e-5}


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def test_fixture_lists_every_function():
    assert len(UNARY) == 19
    assert len(BINARY) == 6


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY)
def test_unary_matches_tf(name, dtype):
    x = FIXTURES[f"unary/{name}/{dtype}/x"]
    want = FIXTURES[f"unary/{name}/{dtype}/y"]
    fn = getattr(tf.math, name)
    got = run(fn(tf.constant(x)))
    assert got.dtype == want.dtype
    if want.dtype == np.bool_:
        np.testing.assert_array_equal(got, want)
        return
    if name == "erf" and dtype == "float64":
        # TF 2.21's Eigen gives erf(+-inf) = NaN in float64 (its float32, TF 1.15 and C's erf
        # give +-1); varflow keeps +-1.
        infinite = np.isinf(x)
        np.testing.assert_array_equal(got[infinite], np.sign(x[infinite]))
        got, want = got[~infinite], want[~infinite]
    rtol = max(RTOL[dtype], LOOSE.get(name, 0) if dtype == "float32" else 1e-12)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-30, equal_nan=True, err_msg=name)
    # signs of zeros and infinities agree too
    zero = want == 0
    np.testing.assert_array_equal(np.signbit(got[zero]), np.signbit(want[zero]))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", BINARY)
def test_binary_matches_tf(name, dtype):
    key = f"binary/{name}/{dtype}"
    x, y, want = FIXTURES[key + "/x"], FIXTURES[key + "/y"], FIXTURES[key + "/z"]
    fn = getattr(tf.math, name, None) or getattr(tf, name)
    got = run(fn(tf.constant(x), tf.constant(y)))
    rtol = max(RTOL[dtype], LOOSE.get(name, 0) if dtype == "float32" else 1e-12)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-30, equal_nan=True, err_msg=name)


def test_truncatemod_on_integers_matches_tf_and_checks_zero():
    x = FIXTURES["binary/truncatemod/int32/x"]
    y = FIXTURES["binary/truncatemod/int32/y"]
    np.testing.assert_array_equal(run(tf.truncatemod(x, y)), FIXTURES["binary/truncatemod/int32/z"])
    p = tf.placeholder(tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="division by zero"):
        run(tf.truncatemod(p, 0, name="modulo"), {p: [3, 4]})


def test_sign_of_integers_matches_tf():
    np.testing.assert_array_equal(
        run(tf.sign(np.array([-3, 0, 4], np.int32))), FIXTURES["sign/int32/y"]
    )


def test_names_and_aliases():
    for name in UNARY + BINARY:
        if name != "truncatemod":  # tf.truncatemod only, in TF 1.15
            assert callable(getattr(tf.math, name))
    assert tf.nn.softsign is tf.math.softsign
    names = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf"]
    names += ["erfc", "lgamma", "digamma", "polygamma", "zeta", "rint", "is_nan", "is_inf"]
    for name in [*names, "is_finite", "atan2"]:
        assert getattr(tf, name) is getattr(tf.math, name), name
    assert tf.math.xlogy(0.0, 0.0).op.type == "Xlogy"
    assert tf.atan2(1.0, 2.0).op.type == "Atan2"


def test_predicates_give_bool():
    x = tf.constant([1.0, np.nan, np.inf, -np.inf], tf.float32)
    assert tf.is_nan(x).dtype == tf.bool
    np.testing.assert_array_equal(run(tf.is_finite(x)), [True, False, False, False])
    np.testing.assert_array_equal(run(tf.math.is_inf(x)), [False, False, True, True])


def test_float16_goes_through_float32():
    x = np.array([0.25, -0.5, 1.0], np.float16)
    got = run(tf.math.atan(tf.constant(x)))
    assert got.dtype == np.float16
    np.testing.assert_allclose(got, np.arctan(x.astype(np.float32)), rtol=1e-3)
    np.testing.assert_array_equal(run(tf.math.is_nan(tf.constant(x))), [False] * 3)


# --- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["tan", "erf", "lgamma", "digamma", "rint", "is_nan", "asinh"])
def test_integer_input_is_a_type_error_naming_the_op(name):
    with pytest.raises(TypeError, match=r"int32.*op: '\w+'") as info:
        getattr(tf.math, name)(tf.constant([1, 2]), name="bad_input")
    assert "bad_input" in str(info.value)


@pytest.mark.parametrize("name", ["atan2", "xlogy", "xdivy", "zeta", "polygamma"])
def test_binary_dtype_errors_name_the_op(name):
    fn = getattr(tf.math, name)
    with pytest.raises(TypeError, match="bad_pair"):
        fn(tf.constant([1, 2]), tf.constant([3, 4]), name="bad_pair")
    with pytest.raises(ValueError, match="requested dtype float32"):
        fn(tf.constant([1.0], tf.float32), tf.constant([1.0], tf.float64))


def test_incompatible_shapes_are_value_errors():
    with pytest.raises(ValueError, match="Xdivy"):
        tf.math.xdivy(tf.ones([2, 3]), tf.ones([4]))


# --- properties -------------------------------------------------------------------------------
SHAPES = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@settings(max_examples=25, deadline=None)
@given(shapes=SHAPES, name=st.sampled_from(["atan2", "xlogy", "xdivy", "truncatemod"]))
def test_binary_ops_broadcast_as_numpy(shapes, name):
    (sx, sy), result = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(len(sx) * 7 + len(sy))
    x = rng.uniform(-2, 2, sx)
    y = rng.uniform(0.5, 2, sy)
    numpy_fn = {
        "atan2": np.arctan2,
        "xlogy": lambda a, b: np.where(a == 0, 0.0, a * np.log(b)),
        "xdivy": lambda a, b: np.where(a == 0, 0.0, a / b),
        "truncatemod": np.fmod,
    }[name]
    with tf.Graph().as_default():
        fn = getattr(tf.math, name, None) or getattr(tf, name)
        t = fn(tf.constant(x), tf.constant(y))
        assert t.shape.as_list() == list(result)
        np.testing.assert_allclose(run(t), numpy_fn(x, y), rtol=1e-12, atol=1e-300)


@settings(max_examples=25, deadline=None)
@given(
    x=hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
        elements=st.floats(-1e6, 1e6),
    )
)
def test_unary_ops_keep_shape_and_match_numpy(x):
    with tf.Graph().as_default():
        for fn, ref in (
            (tf.sinh, np.sinh),
            (tf.atan, np.arctan),
            (tf.math.rint, np.rint),
            (tf.math.softsign, lambda v: v / (1 + np.abs(v))),
        ):
            with np.errstate(over="ignore"):
                want = ref(x)
            got = run(fn(tf.constant(x)))
            assert got.shape == x.shape
            np.testing.assert_allclose(got, want, rtol=1e-13)


# --- every compiled SIMD variant --------------------------------------------------------------
PROBE = r"""
import json, numpy as np, varflow as tf
rng = np.random.default_rng(3)
x = rng.uniform(0.1, 0.9, 1003)
y = rng.uniform(0.5, 3.0, 1003)
out = {}
for name in ("tan asin acos atan sinh cosh asinh atanh erf erfc lgamma digamma rint "
             "softsign is_nan is_finite").split():
    out[name] = getattr(tf.math, name)(tf.constant(x))
out["acosh"] = tf.math.acosh(tf.constant(y))
for name in ("atan2", "xlogy", "xdivy", "zeta", "polygamma"):
    out[name] = getattr(tf.math, name)(tf.constant(np.round(y)), tf.constant(x))
out["truncatemod"] = tf.truncatemod(tf.constant(y * 7), tf.constant(x))
with tf.Session() as s:
    values = s.run(out)
print(json.dumps({"isa": tf.build_info()["selected_isa"],
                  "values": {k: v.astype(float).tolist() for k, v in values.items()}}))
"""


def _probe(isa):
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, VARFLOW_ISA=isa)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize("isa", ["avx2", "avx512"])
def test_each_compiled_variant_matches_baseline(isa):
    if isa not in tf.build_info()["runnable_isas"]:
        pytest.skip(f"{isa} not compiled, or not supported by this CPU")
    baseline, variant = _probe("baseline"), _probe(isa)
    assert (baseline["isa"], variant["isa"]) == ("baseline", isa)
    for name, want in baseline["values"].items():
        np.testing.assert_allclose(variant["values"][name], want, rtol=1e-14, err_msg=name)
