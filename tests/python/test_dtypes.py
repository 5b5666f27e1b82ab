"""TF1's dtypes: the DType objects' properties, feeds and fetches of every dtype, tf.cast
between them (against TensorFlow-recorded fixtures and NumPy), the dtype-agnostic shape ops,
float16/int8 arithmetic, and a sweep over the op registry: an op given a dtype it has no
kernel for raises a clear error instead of crashing or reading the buffer as another type."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re

import ml_dtypes
import numpy as np
import pytest
import varflow as tf
from varflow import _core

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "strings"
CASTS_GOLDEN = json.loads((FIXTURES / "golden.json").read_text())["casts"]
_spec = importlib.util.spec_from_file_location("string_cases", FIXTURES / "cases.py")
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)

NUMERIC = _cases.NUMERIC
NUMPY = {name: np.dtype(_cases._numpy_dtype(name)) for name in NUMERIC}


def run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


# --- DType objects -------------------------------------------------------------------------------
# (name, is_floating, is_integer, is_complex, is_unsigned, size, TF enum) as TF1 defines them.
TF1_FACTS = [
    ("float16", True, False, False, False, 2, 19),
    ("bfloat16", True, False, False, False, 2, 14),
    ("float32", True, False, False, False, 4, 1),
    ("float64", True, False, False, False, 8, 2),
    ("int8", False, True, False, False, 1, 6),
    ("int16", False, True, False, False, 2, 5),
    ("int32", False, True, False, False, 4, 3),
    ("int64", False, True, False, False, 8, 9),
    ("uint8", False, True, False, True, 1, 4),
    ("uint16", False, True, False, True, 2, 17),
    ("uint32", False, True, False, True, 4, 22),
    ("uint64", False, True, False, True, 8, 23),
    ("complex64", False, False, True, False, 8, 8),
    ("complex128", False, False, True, False, 16, 18),
    ("bool", False, False, False, False, 1, 10),
    ("string", False, False, False, False, 8, 7),
]


@pytest.mark.parametrize("facts", TF1_FACTS, ids=[f[0] for f in TF1_FACTS])
def test_dtype_properties_match_tf1(facts):
    name, floating, integer, complex_, unsigned, size, enum = facts
    d = getattr(tf, name)
    assert d.name == name
    assert repr(d) == f"tf.{name}"
    assert str(d) == f"<dtype: '{name}'>"
    assert (d.is_floating, d.is_integer, d.is_complex, d.is_unsigned) == (
        floating,
        integer,
        complex_,
        unsigned,
    )
    assert d.size == size
    assert d.as_datatype_enum == enum
    assert tf.as_dtype(enum) is d
    assert tf.as_dtype(name) is d
    assert d.base_dtype is d
    assert d._as_ref().base_dtype is d
    if name == "string":
        assert d.as_numpy_dtype is np.object_
    else:
        assert np.dtype(d.as_numpy_dtype) == NUMPY[name]
        assert tf.as_dtype(NUMPY[name]) is d


def test_limits_follow_numpy_and_tf1():
    assert tf.int8.min == -128
    assert tf.uint16.max == 65535
    assert tf.float16.max == 65504
    assert tf.bfloat16.max == float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)
    assert tf.uint64.max == 2**64 - 1
    for d in (tf.bool, tf.string, tf.complex64):
        with pytest.raises(TypeError, match="Cannot find minimum value"):
            d.min  # noqa: B018


def test_aliases_and_conversions():
    assert tf.half is tf.float16
    assert tf.double is tf.float64
    assert tf.as_dtype("half") is tf.float16
    assert tf.as_dtype(np.dtype("S3")) is tf.string
    assert tf.as_dtype(np.str_) is tf.string
    assert tf.as_dtype(bytes) is tf.string
    assert tf.as_dtype(complex) is tf.complex128
    assert tf.complex64.real_dtype is tf.float32
    assert tf.complex128.real_dtype is tf.float64
    assert tf.float16.real_dtype is tf.float16
    with pytest.raises(TypeError):
        tf.as_dtype("qint8")


# --- feeds and fetches ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", NUMERIC)
def test_every_dtype_feeds_and_fetches_unchanged(name):
    values = np.array([[0, 1], [2, 3]]).astype(NUMPY[name])
    x = tf.placeholder(getattr(tf, name), shape=[2, None])
    got = run(tf.identity(x), {x: values})
    assert got.dtype == NUMPY[name]
    np.testing.assert_array_equal(got, values)
    scalar = run(tf.constant(values[1, 1]))
    assert np.asarray(scalar).dtype == NUMPY[name]


def test_constant_infers_the_numpy_dtype():
    for name in NUMERIC:
        assert tf.constant(np.zeros(2, NUMPY[name])).dtype is getattr(tf, name)
    assert tf.constant(1 + 2j).dtype is tf.complex128


# --- tf.cast ------------------------------------------------------------------------------------
def _expected(want):
    if want["dtype"].startswith("complex"):
        values = [complex(float(re), float(im)) for re, im in want["array"]]
    else:
        values = [float(v) if isinstance(v, str) else v for v in want["array"]]
    return np.array(values, dtype=NUMPY[want["dtype"]]).reshape(want["shape"])


@pytest.mark.parametrize("name", sorted(_cases.CAST_CASES))
def test_cast_matches_tensorflow(name):
    got = run(_cases.CAST_CASES[name](tf))
    want = _expected(CASTS_GOLDEN[name])
    assert got.dtype == want.dtype
    if want.dtype.kind == "f" or want.dtype == NUMPY["bfloat16"]:
        np.testing.assert_array_equal(got.astype(np.float64), want.astype(np.float64))
    else:
        np.testing.assert_array_equal(got, want)


def _in_range_values(src: str, dst: str) -> np.ndarray:
    """Values every destination represents exactly (NumPy and TF agree on those)."""
    base = np.array([0, 1, 2, 5, 7, 100, 127])
    if src not in ("bool",) and not src.startswith("uint") and not dst.startswith("uint"):
        base = np.concatenate([base, -base[1:]])
    if src == "bool":
        base = np.array([0, 1, 1, 0])
    return base.astype(NUMPY[src])


@pytest.mark.parametrize("src", NUMERIC)
@pytest.mark.parametrize("dst", NUMERIC)
def test_cast_in_range_matches_numpy(src, dst):
    values = _in_range_values(src, dst)
    got = run(tf.cast(tf.constant(values), getattr(tf, dst)))
    want = values.astype(NUMPY[dst]) if src[:7] != "complex" else values.real.astype(NUMPY[dst])
    assert got.dtype == NUMPY[dst]
    np.testing.assert_array_equal(got, want)


def test_cast_float_to_int_truncates_toward_zero():
    got = run(tf.cast(tf.constant([2.7, -2.7, 0.5, -0.5]), tf.int16))
    np.testing.assert_array_equal(got, [2, -2, 0, 0])


def test_complex_to_real_drops_the_imaginary_part():
    z = tf.constant(np.array([1.5 + 2j, 1j], np.complex64))
    np.testing.assert_array_equal(run(tf.cast(z, tf.float32)), [1.5, 0.0])
    np.testing.assert_array_equal(run(tf.cast(z, tf.bool)), [True, False])


# --- dtype-agnostic shape ops --------------------------------------------------------------------
@pytest.mark.parametrize("name", ["int8", "uint16", "float16", "bfloat16", "complex64", "uint64"])
def test_shape_ops_move_every_dtype(name):
    arr = (np.arange(12).reshape(3, 4) + 1).astype(NUMPY[name])
    x = tf.constant(arr)
    got = run(
        [
            tf.reshape(x, [4, 3]),
            tf.expand_dims(x, 1),
            tf.squeeze(tf.expand_dims(x, 0), [0]),
            tf.concat([x, x], 0),
            tf.gather(x, [2, 0]),
            tf.slice(x, [1, 1], [2, 2]),
            x[::2, 1:],
            tf.stack([x, x], axis=2),
            tf.unstack(x)[1],
            tf.transpose(x),
            tf.tile(x, [1, 2]),
            tf.pad(x, [[0, 1], [1, 0]]),
            tf.zeros_like(x),
        ]
    )
    want = [
        arr.reshape(4, 3),
        arr[:, None],
        arr,
        np.concatenate([arr, arr]),
        arr[[2, 0]],
        arr[1:3, 1:3],
        arr[::2, 1:],
        np.stack([arr, arr], axis=2),
        arr[1],
        arr.T,
        np.tile(arr, [1, 2]),
        np.pad(arr, [[0, 1], [1, 0]]),
        np.zeros_like(arr),
    ]
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


# --- arithmetic in the 16-bit floats and small integers ------------------------------------------
@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_half_arithmetic_is_float32_rounded_back(name):
    a = np.array([1.1, 2.5, 65504, -3.3, 0.1], NUMPY[name])
    b = np.array([3.3, 0.1, 65504, 7.0, 3.0], NUMPY[name])
    x, y = tf.constant(a), tf.constant(b)
    got = run([x + y, x - y, x * y, x / y, tf.maximum(x, y), tf.less(x, y), -x, tf.abs(x)])
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    dt = NUMPY[name]
    with np.errstate(over="ignore"):  # 65504 * 65504 overflows float16: inf, as in TF
        want = _half_ops(a32, b32, dt)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g.astype(np.float64), w.astype(np.float64))


def _half_ops(a32, b32, dt):
    return [
        (a32 + b32).astype(dt),
        (a32 - b32).astype(dt),
        (a32 * b32).astype(dt),
        (a32 / b32).astype(dt),
        np.maximum(a32, b32).astype(dt),
        a32 < b32,
        (-a32).astype(dt),
        np.abs(a32).astype(dt),
    ]


@pytest.mark.parametrize("name", ["int8", "int16", "uint8", "uint16", "uint32"])
def test_small_integer_arithmetic_wraps_as_tf1(name):
    a = np.array([100, 7, 3, 0], NUMPY[name])
    b = np.array([100, 2, 5, 1], NUMPY[name])
    x, y = tf.constant(a), tf.constant(b)
    got = run([x + y, x * y, x // y, tf.equal(x, y), tf.maximum(x, y)])
    with np.errstate(over="ignore"):
        want = [a + b, a * b, a // b, a == b, np.maximum(a, b)]
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)


def test_complex_equality_compares_both_parts():
    z = tf.constant(np.array([1 + 1j, 1 + 2j], np.complex64))
    w = tf.constant(np.array([1 + 1j, 1 + 1j], np.complex64))
    np.testing.assert_array_equal(run(tf.equal(z, w)), [True, False])


def test_kernels_without_the_dtype_raise_clearly():
    with pytest.raises(TypeError, match=r"half|float16"):
        tf.matmul(tf.constant([[1.0]], tf.float16), tf.constant([[1.0]], tf.float16))
    with pytest.raises((TypeError, tf.errors.InvalidArgumentError), match="int8"):
        run(tf.reduce_sum(tf.constant([1, 2], tf.int8)))


# --- the registry sweep: no op crashes on a dtype it does not take --------------------------------
SWEEP_DTYPES = ["string", "int8", "float16", "uint8", "complex64", "bfloat16", "uint64"]


def _sweep_values(dtype: str, shape):
    if dtype == "string":
        return np.array([f"s{i}" for i in range(int(np.prod(shape)))], object).reshape(shape)
    return (np.arange(int(np.prod(shape))) % 3).astype(NUMPY[dtype]).reshape(shape)


# Ops that wait for other ops (a dequeue on an empty queue blocks, as in TF1): not swept.
# TensorArray* (new in this session, cpp/src/ops/tensor_array_ops.cc) still memcpy their
# elements, which frees a string twice: swept again once they move strings (copy_raw).
_BLOCKING = re.compile(
    r"Queue|Dequeue|Enqueue|Barrier|Iterator|Dataset|Reader|Conditional|TensorArray"
)


def _op_inputs(op: dict) -> int:
    return 3 if op["variadic"] else len(op["inputs"])


@pytest.mark.parametrize("dtype", SWEEP_DTYPES)
def test_every_registered_op_rejects_or_handles_new_dtypes(dtype):
    ops = [o for o in _core.registered_ops() if not _BLOCKING.search(o["name"])]
    assert len(ops) > 100
    expected = (TypeError, ValueError, tf.errors.OpError, KeyError, LookupError)
    for op in ops:
        for shapes, partner in (
            ([(2, 2)] * _op_inputs(op), None),
            ([()] * _op_inputs(op), None),
            ([(2, 2)] + [(1,)] * (_op_inputs(op) - 1), "int32"),
        ):
            tf.reset_default_graph()
            inputs = []
            for i, shape in enumerate(shapes):
                d = dtype if (i == 0 or partner is None) else partner
                inputs.append(tf.constant(_sweep_values(d, shape)))
            try:
                node = tf.get_default_graph().create_op(op["name"], inputs, {}, name="swept")
                fetch = node.outputs[0] if node.outputs else node
                run(fetch)
            except expected:
                pass
