"""tf.Assert, tf.debugging.assert_*, check_numerics, tf.Print/tf.print and the checks that use
Assert (tf.case exclusive, the metrics' range checks), against TF-recorded messages
(fixtures/asserts/golden.json, written by make_fixtures.py with TF 2.21's tf.compat.v1)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

GOLDEN = json.loads((Path(__file__).parent / "fixtures/asserts/golden.json").read_text())

VALUES = {
    "i32": (np.array([1, 2, 3], np.int32), "int32"),
    "f32": (np.array([1.5, 2, 0.1], np.float32), "float32"),
    "f64": (np.array([0.1, 1 / 3], np.float64), "float64"),
    "mat": (np.arange(6).reshape(2, 3), "int32"),
    "mat5": (np.arange(10).reshape(2, 5), "int64"),
    "cube": (np.arange(12).reshape(2, 2, 3), "int32"),
    "str": (np.array([b"a", b'b"\n'], object), "string"),
    "bool": (np.array([True, False]), "bool"),
    "scalar": (np.float32(2.5), "float32"),
    "empty": (np.zeros([0]), "float32"),
    "empty2": (np.zeros([2, 0]), "float32"),
    "long": (np.arange(10), "int64"),
    "u8": (np.array([200, 3]), "uint8"),
    "i8": (np.array([-3, 3]), "int8"),
    "f16": (np.array([0.1, 2]), "float16"),
    "c64": (np.array([1 + 2j]), "complex64"),
    "inf": (np.array([np.inf, -np.inf, np.nan, 1e30, 1e-8]), "float32"),
}


def assertion_line(err):
    return next(line for line in str(err).split("\n") if "assertion failed" in line)


@pytest.mark.parametrize(("key", "summarize", "want"), GOLDEN["assert"])
def test_assert_message_summarizes_data_as_tf(key, summarize, want):
    value, dtype = VALUES[key]
    with tf.Graph().as_default():
        op = tf.Assert(False, [tf.constant(value, dtype=getattr(tf, dtype))], summarize=summarize)
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError) as info:
            s.run(op)
    assert assertion_line(info.value) == want
    assert "Assert" in str(info.value)  # the message names the node


def test_assert_passes_and_orders_with_control_dependencies():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        check = tf.Assert(tf.reduce_all(x > 0), [x])
        with tf.control_dependencies([check]):
            y = tf.identity(x * 2)
        with tf.Session() as s:
            np.testing.assert_allclose(s.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"assertion failed: \[-1 2\]"):
                s.run(y, {x: [-1.0, 2.0]})


def _outcome(build, session_init=None):
    with tf.Graph().as_default():
        try:
            op = build()
        except (ValueError, TypeError, tf.errors.InvalidArgumentError) as e:
            return ["build", type(e).__name__, getattr(e, "message", None) or str(e)]
        with tf.Session() as s:
            if session_init:
                s.run(tf.local_variables_initializer())
            try:
                s.run(op)
            except tf.errors.InvalidArgumentError as e:
                keys = ("assertion failed", "should be a scalar")
                line = next(ln for ln in str(e).split("\n") if any(k in ln for k in keys))
                return ["run", type(e).__name__, line]
    return ["ok"]


def _p():
    return tf.placeholder_with_default(np.array([1, 2, 3], np.int32), [None])


CASES = {
    "mixed_data": lambda: tf.Assert(False, ["msg", tf.constant([1.0, 2.0]), 3]),
    "cond_not_scalar": lambda: tf.Assert(tf.constant([True]), ["x"]),
    "cond_not_bool": lambda: tf.Assert(tf.constant(1.0), ["x"]),
    "equal_static": lambda: tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3])),
    "equal_static_msg": lambda: tf.assert_equal(tf.constant(1), 2, message="custom"),
    "equal_run": lambda: tf.assert_equal(_p(), tf.constant([1, 2, 4])),
    "equal_ok": lambda: tf.assert_equal(_p(), tf.constant([1, 2, 3])),
    "none_equal_run": lambda: tf.assert_none_equal(_p(), tf.constant([0, 2, 0])),
    "less_run": lambda: tf.assert_less(_p(), 3),
    "less_equal_run": lambda: tf.assert_less_equal(_p(), 2, message="too big"),
    "greater_run": lambda: tf.assert_greater(_p(), 1, summarize=1),
    "greater_equal_static": lambda: tf.assert_greater_equal(tf.constant([0, 1]), 1),
    "positive_run": lambda: tf.assert_positive(_p() - 2),
    "negative_run": lambda: tf.assert_negative(_p()),
    "non_negative_run": lambda: tf.assert_non_negative(_p() - 2, message="m"),
    "non_positive_run": lambda: tf.assert_non_positive(_p()),
    "near_run": lambda: tf.assert_near(tf.placeholder_with_default([1.0, 2.0], [2]), [1.0, 2.1]),
    "near_ok": lambda: tf.assert_near(
        tf.placeholder_with_default([1.0, 2.0], [2]), [1.0, 2.0 + 1e-7]
    ),
    "rank_static": lambda: tf.assert_rank(tf.constant([1, 2]), 2),
    "rank_static_msg": lambda: tf.assert_rank(tf.zeros([2, 3]), 1, message="hey"),
    "rank_ok": lambda: tf.assert_rank(tf.zeros([2, 3]), 2),
    "rank_run": lambda: tf.assert_rank(tf.placeholder_with_default(tf.zeros([2, 3]), None), 1),
    "rank_at_least_static": lambda: tf.assert_rank_at_least(tf.constant([1, 2]), 2),
    "rank_at_least_run": lambda: tf.assert_rank_at_least(
        tf.placeholder_with_default(tf.zeros([2]), None), 2
    ),
    "rank_in_static": lambda: tf.assert_rank_in(tf.zeros([2]), [0, 2]),
    "integer": lambda: tf.assert_integer(tf.constant(1.0)),
    "type": lambda: tf.assert_type(tf.constant(1.0), tf.int32),
    "scalar": lambda: tf.assert_scalar(tf.constant([1.0])),
    "shapes_static": lambda: tf.debugging.assert_shapes(
        [(tf.zeros([2, 3]), ("N", "Q")), (tf.zeros([3, 4]), ("N", "D"))]
    ),
    "shapes_explicit": lambda: tf.debugging.assert_shapes([(tf.zeros([2, 3]), (2, 4))]),
    "shapes_rank": lambda: tf.debugging.assert_shapes([(tf.zeros([2, 3]), ("N",))]),
    "shapes_run": lambda: tf.debugging.assert_shapes(
        [
            (tf.placeholder_with_default(tf.zeros([2, 3]), [None, 3]), ("N", "Q")),
            (tf.placeholder_with_default(tf.zeros([3, 4]), [None, 4]), ("N", "D")),
        ]
    ),
    "shapes_ok": lambda: tf.debugging.assert_shapes(
        [(tf.zeros([2, 3]), ("N", "Q")), (tf.zeros([2, 4]), ("N", "D"))]
    ),
    "case_exclusive": lambda: tf.case(
        [
            (tf.placeholder_with_default(True, []), lambda: tf.constant(1)),
            (tf.placeholder_with_default(True, []), lambda: tf.constant(2)),
        ],
        default=lambda: tf.constant(3),
        exclusive=True,
    ),
    "case_no_default": lambda: tf.case(
        [
            (tf.placeholder_with_default(False, []), lambda: tf.constant(1)),
            (tf.placeholder_with_default(False, []), lambda: tf.constant(2)),
        ]
    ),
    "confusion_out_of_range": lambda: tf.confusion_matrix(
        tf.placeholder_with_default([0, 3], [2]), tf.constant([0, 1]), num_classes=3
    ),
    "confusion_negative": lambda: tf.confusion_matrix(
        tf.constant([0, 1]), tf.placeholder_with_default([0, -1], [2]), num_classes=3
    ),
}

METRIC_CASES = {
    "mean_iou_out_of_range": lambda: tf.group(
        tf.metrics.mean_iou(tf.placeholder_with_default([0, 5], [2]), tf.constant([0, 1]), 3)[1]
    ),
    "auc_out_of_range": lambda: tf.group(
        tf.metrics.auc(tf.constant([True, False]), tf.placeholder_with_default([0.5, 1.5], [2]))[1]
    ),
    "auc_out_of_range_f64": lambda: tf.group(
        tf.metrics.auc(
            tf.constant([True, False]),
            tf.placeholder_with_default(np.array([0.5, 1.5], np.float64), [2]),
        )[1]
    ),
}

# Tensor names the two libraries give intermediate tensors differently (TF: "Cast_2",
# "control_dependency"; varflow's placeholder_with_default makes a Const of its default):
# compared as "(...)" after "x"/"y".
_NAMES = re.compile(r"\b([xy]) \([^)]*\) = ")


def _normalized(outcome):
    parts = [_NAMES.sub(r"\1 (...) = ", part) for part in outcome]
    if parts and parts[0] == "build":
        # varflow's graph-build errors end with the node they are about: " for 'x' (op: ...)".
        parts[2] = re.sub(r" for '[^']*' \(op: '[^']*'\)$", "", parts[2])
    return parts


@pytest.mark.parametrize("key", sorted(CASES))
def test_debugging_checks_as_tf(key):
    assert _normalized(_outcome(CASES[key])) == _normalized(GOLDEN["debugging"][key])


@pytest.mark.parametrize("key", sorted(METRIC_CASES))
def test_metric_range_checks_as_tf(key):
    got = _outcome(METRIC_CASES[key], session_init=True)
    assert _normalized(got) == _normalized(GOLDEN["debugging"][key])


@pytest.mark.parametrize("key", ["confusion_out_of_range", "confusion_negative"])
def test_confusion_matrix_range_checks_modulo_names(key):
    assert _normalized(_outcome(CASES[key])) == _normalized(GOLDEN["debugging"][key])


def test_confusion_matrix_in_range_unchanged():
    with tf.Graph().as_default():
        m = tf.confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1], num_classes=3)
        with tf.Session() as s:
            np.testing.assert_array_equal(s.run(m), [[1, 0, 0], [0, 0, 1], [0, 1, 1]])


@pytest.mark.parametrize("key", sorted(GOLDEN["numerics"]))
def test_check_numerics_as_tf(key):
    values = {"nan": [1.0, np.nan], "inf": [np.inf, 1.0], "both": [np.inf, np.nan], "ok": [1, 2]}
    with tf.Graph().as_default():
        t = tf.check_numerics(tf.placeholder_with_default(np.float32(values[key]), [2]), "checked")
        with tf.Session() as s:
            want = GOLDEN["numerics"][key]
            if want[0] == "ok":
                assert s.run(t).tolist() == want[1]
            else:
                with pytest.raises(tf.errors.InvalidArgumentError) as info:
                    s.run(t)
                assert want[1] in str(info.value)


def test_check_numerics_gradient_checks_the_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        y = tf.check_numerics(x, "fwd")
        (g,) = tf.gradients(tf.reduce_sum(tf.log(y)), [x])
        with tf.Session() as s:
            np.testing.assert_allclose(s.run(g, {x: [1.0, 2.0]}), [1.0, 0.5])
            with pytest.raises(tf.errors.InvalidArgumentError, match="detected in gradient"):
                s.run(g, {x: [0.0, 2.0]})
        with pytest.raises(TypeError, match="not in list of allowed values"):
            tf.check_numerics(tf.constant([1, 2]), "ints")


def test_verify_tensor_all_finite():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        y = tf.verify_tensor_all_finite(x, "bad")
        with tf.Session() as s:
            assert s.run(y, {x: [1.0, 2.0]}).tolist() == [1.0, 2.0]
            with pytest.raises(tf.errors.InvalidArgumentError, match="bad : Tensor had Inf"):
                s.run(y, {x: [np.inf, 2.0]})


_PRINT_SCRIPT = """
import sys, numpy as np, varflow as tf
x = tf.constant(np.arange(10, dtype=np.int64))
y = tf.Print(x, [x, tf.constant("s")], message="msg: ", summarize=4, first_n=2)
p = tf.print("tensors:", x, {"k": x * 2}, [1, "a"], output_stream=sys.stdout, summarize=2)
with tf.Session() as s:
    for _ in range(3):
        s.run(y)
    s.run(p)
"""


def test_print_and_print_v2_write_as_tf():
    out = subprocess.run(
        [sys.executable, "-c", _PRINT_SCRIPT], capture_output=True, text=True, check=True
    )
    # TF1's Print: message then [summary] per tensor, on stderr, the first first_n runs only.
    assert out.stderr.count("msg: [0 1 2 3...][s]\n") == 2
    assert out.stdout == "tensors: [0 1 ... 8 9] {'k': [0 2 ... 16 18]} [1, 'a']\n"


def test_assert_in_a_cond_branch_only_checks_when_taken():
    with tf.Graph().as_default():
        pred = tf.placeholder(tf.bool, [])
        x = tf.placeholder_with_default(-1.0, [])

        def checked():
            with tf.control_dependencies([tf.assert_positive(x)]):
                return tf.identity(x)

        out = tf.cond(pred, checked, lambda: x * 2)
        with tf.Session() as s:
            assert s.run(out, {pred: False}) == -2.0
            with pytest.raises(tf.errors.InvalidArgumentError, match="x > 0 did not hold"):
                s.run(out, {pred: True})


def test_case_exclusive_passes_when_one_holds():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.bool, [])
        b = tf.placeholder(tf.bool, [])
        out = tf.case(
            [(a, lambda: tf.constant(1)), (b, lambda: tf.constant(2))],
            default=lambda: tf.constant(3),
            exclusive=True,
        )
        with tf.Session() as s:
            assert s.run(out, {a: False, b: True}) == 2
            assert s.run(out, {a: False, b: False}) == 3


def test_proper_iterable_and_same_float_dtype():
    with pytest.raises(TypeError, match='"proper" iterable'):
        tf.assert_proper_iterable(np.array([1]))
    with pytest.raises(TypeError, match="to be iterable"):
        tf.assert_proper_iterable(3)
    tf.assert_proper_iterable([1, 2])
    with tf.Graph().as_default():
        assert tf.assert_same_float_dtype([tf.constant(1.0)]) == tf.float32
        with pytest.raises(ValueError, match="Expected floating point type"):
            tf.assert_same_float_dtype([tf.constant(1)])
        with tf.Session() as s:
            assert s.run(tf.is_non_decreasing([1, 1, 2]))
            assert not s.run(tf.is_strictly_increasing([1, 1, 2]))
            assert s.run(tf.is_strictly_increasing([5]))
