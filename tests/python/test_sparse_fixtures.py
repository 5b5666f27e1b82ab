"""Sparse tensors, string splitting, regexes and VarLenFeature parsing give TensorFlow's
values, gradients and errors: each case of fixtures/sparse/cases.py runs here with varflow and
is compared with what TensorFlow gave for the same code (fixtures/sparse/make_fixtures.py)."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import numpy as np
import pytest
import varflow as tf

HERE = pathlib.Path(__file__).parent / "fixtures" / "sparse"
GOLDEN = json.loads((HERE / "golden.json").read_text())


def _load_cases():
    spec = importlib.util.spec_from_file_location("sparse_cases", HERE / "cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = _load_cases()


def _decode(encoded):
    if encoded["dtype"] == "bytes":
        values = [v.encode("latin-1") for v in encoded["values"]]
        return np.asarray(values, dtype=object).reshape(encoded["shape"])
    return np.asarray(encoded["values"], dtype=encoded["dtype"]).reshape(encoded["shape"])


def _assert_matches(got, want, where):
    if "sparse" in want:
        assert isinstance(got, tf.SparseTensorValue), f"{where}: got {type(got).__name__}"
        for part, g, w in zip(
            ("indices", "values", "dense_shape"), got, want["sparse"], strict=True
        ):
            _assert_matches(g, w, f"{where}.{part}")
        return
    expected = _decode(want)
    got = np.asarray(got)
    assert got.shape == expected.shape, f"{where}: shape {got.shape} vs TF's {expected.shape}"
    if expected.dtype == object:
        assert got.tolist() == expected.tolist(), where
    elif expected.dtype.kind == "f":
        assert got.dtype == expected.dtype, f"{where}: dtype {got.dtype} vs {expected.dtype}"
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=where)
    else:
        assert got.dtype == expected.dtype, f"{where}: dtype {got.dtype} vs {expected.dtype}"
        np.testing.assert_array_equal(got, expected, err_msg=where)


@pytest.mark.parametrize("name", sorted(CASES.CASES))
def test_case_matches_tensorflow(name):
    with tf.Graph().as_default():
        fetches, feed = CASES.CASES[name](tf)
        with tf.Session() as sess:
            values = sess.run(fetches, feed_dict=feed)
    want = GOLDEN["cases"][name]
    assert sorted(values) == sorted(want)
    for key in want:
        _assert_matches(values[key], want[key], f"{name}.{key}")


_ERRORS = {
    "InvalidArgumentError": tf.errors.InvalidArgumentError,
    "ValueError": ValueError,
    "TypeError": TypeError,
}


@pytest.mark.parametrize("name", sorted(CASES.ERROR_CASES))
def test_error_matches_tensorflow(name):
    want = GOLDEN["errors"][name]

    def build_and_run():
        fetch = CASES.ERROR_CASES[name](tf)
        with tf.Session() as sess:
            sess.run(fetch)

    with tf.Graph().as_default(), pytest.raises(_ERRORS[want["type"]]) as info:
        build_and_run()
    message = getattr(info.value, "message", None) or str(info.value)
    if name == "regex_unbalanced":
        # std::regex words its syntax errors its own way; the pattern and the class match.
        want = {**want, "message": want["message"].split(" error:")[0]}
    assert want["message"] in message, f"{name}: {message!r} lacks TF's {want['message']!r}"
