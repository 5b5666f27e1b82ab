"""The Saver writes and reads variables of every fixed-size TF1 dtype in its safetensors files
(under safetensors' own dtype codes), and TensorFlow's tensor-bundle checkpoints of those
dtypes load; strings and complex128, which safetensors cannot hold, are refused by name."""

from __future__ import annotations

import json
import pathlib
import struct

import numpy as np
import pytest
import varflow as tf

DTYPES = [
    ("int8", "I8"),
    ("int16", "I16"),
    ("uint8", "U8"),
    ("uint16", "U16"),
    ("uint32", "U32"),
    ("uint64", "U64"),
    ("float16", "F16"),
    ("bfloat16", "BF16"),
    ("complex64", "C64"),
    ("float64", "F64"),
    ("bool", "BOOL"),
]


def _value(name):
    rng = np.random.default_rng(3)
    if name == "bool":
        return np.array([[True, False, True], [False, False, True]])
    if name == "complex64":
        return (rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))).astype(np.complex64)
    if name in ("float16", "float64"):
        return rng.standard_normal((2, 3)).astype(name)
    if name == "bfloat16":
        return rng.standard_normal((2, 3)).astype(np.float32)
    info = np.iinfo(name)
    return np.array([[info.min, 0, 1], [info.max, 7, info.max // 3]], dtype=name)


def _header(path):
    with path.open("rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(size))


@pytest.mark.parametrize(("name", "code"), DTYPES)
def test_round_trip_each_dtype(tmp_path, name, code):
    dtype = getattr(tf, name)
    value = _value(name)
    with tf.Graph().as_default():
        v = tf.Variable(
            tf.cast(tf.constant(value), dtype) if name == "bfloat16" else value,
            name="v",
            dtype=dtype,
        )
        saver = tf.train.Saver([v])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saved = sess.run(v)
            prefix = saver.save(sess, str(tmp_path / "model"))
            sess.run(tf.assign(v, tf.zeros_like(v)))
            saver.restore(sess, prefix)
            restored = sess.run(v)
    assert restored.dtype == saved.dtype
    np.testing.assert_array_equal(restored.view(np.uint8), saved.view(np.uint8))
    files = list(tmp_path.glob("model*.safetensors")) or list(tmp_path.glob("model*"))
    headers = [_header(p) for p in files if p.suffix == ".safetensors"]
    if headers:
        assert headers[0]["v"]["dtype"] == code
    reader = tf.train.load_checkpoint(prefix) if hasattr(tf.train, "load_checkpoint") else None
    if reader is not None:
        np.testing.assert_array_equal(
            np.asarray(reader.get_tensor("v")).view(np.uint8), saved.view(np.uint8)
        )


@pytest.mark.parametrize("name", ["string", "complex128"])
def test_unstorable_dtypes_are_refused_by_name(tmp_path, name):
    value = ["ab", "c"] if name == "string" else np.array([1 + 2j], np.complex128)
    with tf.Graph().as_default():
        v = tf.Variable(value, name="w", dtype=getattr(tf, name))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError, match=f"dtype {name}"):
                tf.train.Saver([v]).save(sess, str(tmp_path / "model"))


BUNDLE = pathlib.Path(__file__).parent / "fixtures" / "checkpoint_dtypes"


def test_tensorflow_bundle_of_every_dtype_loads():
    expected = json.loads((BUNDLE / "expected.json").read_text())
    reader = tf.train.load_checkpoint(str(BUNDLE / "model"))
    for name, want in expected.items():
        got = np.asarray(reader.get_tensor(name))
        assert list(got.shape) == want["shape"], name
        assert got.tobytes().hex() == want["hex"], name
        assert getattr(tf, want["dtype"]).name == want["dtype"]


def test_restore_from_a_tensorflow_bundle(tmp_path):
    expected = json.loads((BUNDLE / "expected.json").read_text())
    with tf.Graph().as_default():
        variables = [
            tf.Variable(tf.zeros(w["shape"], getattr(tf, w["dtype"])), name=name)
            for name, w in expected.items()
        ]
        with tf.Session() as sess:
            tf.train.Saver(variables).restore(sess, str(BUNDLE / "model"))
            for v, (name, w) in zip(variables, expected.items(), strict=True):
                assert np.asarray(sess.run(v)).tobytes().hex() == w["hex"], name
