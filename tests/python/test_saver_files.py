"""Checkpoint files under damage: truncation, flipped bytes, a save killed mid-write, and
TensorFlow's own V2 checkpoints (fixtures written by TensorFlow, read without it)."""
# Checkpoint paths are TF1's plain strings, handled with os.path as TF1 does.
# ruff: noqa: PTH107, PTH208

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import varflow as tf
from varflow import errors

FIXTURES = Path(__file__).parent / "fixtures" / "tf_checkpoints"


def _save_small(tmp_path):
    prefix = str(tmp_path / "m")
    with tf.Graph().as_default():
        tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
        tf.Variable(np.array([7, -8], np.int64), name="scope/n")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver().save(sess, prefix, global_step=1)
    return prefix + "-1"


def _restore_small(prefix):
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros([2, 3], np.float32), name="w")
        n = tf.Variable(np.zeros([2], np.int64), name="scope/n")
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, prefix)
            return sess.run(w), sess.run(n)


def test_every_truncation_is_data_loss(tmp_path):
    prefix = _save_small(tmp_path)
    path = prefix + ".safetensors"
    data = Path(path).read_bytes()
    for n in range(len(data)):
        Path(path).write_bytes(data[:n])
        with pytest.raises(errors.DataLossError, match=r"m-1\.safetensors"):
            _restore_small(prefix)
        with pytest.raises(errors.DataLossError):
            tf.train.list_variables(prefix)


def test_every_flipped_byte_is_an_error_or_harmless(tmp_path):
    prefix = _save_small(tmp_path)
    path = prefix + ".safetensors"
    data = Path(path).read_bytes()
    header_end = 8 + int.from_bytes(data[:8], "little")
    want_w, want_n = np.arange(6, dtype=np.float32).reshape(2, 3), np.array([7, -8])
    for i in range(len(data)):
        for flip in (0x01, 0x80):
            damaged = bytearray(data)
            damaged[i] ^= flip
            Path(path).write_bytes(bytes(damaged))
            if i >= header_end:  # the values themselves: the checksum must catch it
                with pytest.raises(errors.DataLossError, match="Checksum does not match"):
                    _restore_small(prefix)
                continue
            try:
                w, n = _restore_small(prefix)
            except (errors.DataLossError, errors.NotFoundError, errors.InvalidArgumentError):
                continue
            # A flip the header survives (a metadata value, say) must not change a value.
            np.testing.assert_array_equal(w, want_w)
            np.testing.assert_array_equal(n, want_n)


def test_hostile_headers_are_data_loss(tmp_path):
    path = tmp_path / "h.safetensors"

    def write(header: bytes, data=b""):
        path.write_bytes(len(header).to_bytes(8, "little") + header + data)

    cases = [
        b"[]",
        b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}',  # data missing
        b'{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}',
        b'{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}',
        b'{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}',
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}',
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 18446744073709551615]}}',
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 99999999999999999999999]}}',
        b'{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}',
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "a": 1}',
        b'{"__metadata__": {"k": 1}}',
        b'{"__metadata__": {"varflow_crc32c": "zz"}}',
        b'{"a": "\\ud800"}',
        b"[" * 100000,
        b'{"a": {"dtype": "F32"',
        b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}} trailing',
    ]
    for header in cases:
        write(header, b"\0" * 4)
        with pytest.raises(errors.DataLossError):
            tf.train.list_variables(str(tmp_path / "h"))
    path.write_bytes((10**12).to_bytes(8, "little") + b"{}")
    with pytest.raises(errors.DataLossError, match="100 MB limit"):
        tf.train.list_variables(str(tmp_path / "h"))
    # An unknown dtype lists but does not load.
    write(b'{"a": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}}', b"\0\0")
    assert tf.train.list_variables(str(tmp_path / "h")) == [("a", [2])]
    with pytest.raises(errors.UnimplementedError, match="F8_E4M3"):
        tf.train.load_variable(str(tmp_path / "h"), "a")


_KILLED_SAVER = r"""
import sys, numpy as np, varflow as tf
prefix = sys.argv[1]
v = tf.Variable(np.zeros([int(sys.argv[2])], np.float32), name="big")
step = tf.train.get_or_create_global_step()
bump = tf.group(tf.assign_add(v, tf.ones_like(v)), tf.assign_add(step, 1))
saver = tf.train.Saver(max_to_keep=100)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(bump)
    saver.save(sess, prefix, global_step=step)
    print("saved", flush=True)
    while True:
        sess.run(bump)
        saver.save(sess, prefix, global_step=step)
"""


def test_a_save_killed_mid_write_leaves_the_last_good_checkpoint(tmp_path):
    n = 50_000_000  # 200 MB: a save takes long enough to be caught in the middle
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SAVER, str(tmp_path / "m"), str(n)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "saved"
        deadline = time.time() + 60
        while not any(".tmp" in name for name in os.listdir(tmp_path)):
            assert time.time() < deadline, "the second save never started"
            time.sleep(0.001)
        time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    # Killed mid-write: the partial file is still a temporary one, named by nothing.
    assert any(".tmp" in name for name in os.listdir(tmp_path))
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert latest is not None
    step = int(latest.rsplit("-", 1)[1])
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros([n], np.float32), name="big")
        gs = tf.train.get_or_create_global_step()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, latest)
            got = sess.run(v)
            assert sess.run(gs) == step
    assert got[0] == step
    assert got[-1] == step
    assert np.all(got == step)
    # Every complete file is a good checkpoint; the killed one is only a temporary file.
    for name in os.listdir(tmp_path):
        if name.endswith(".safetensors"):
            tf.train.list_variables(str(tmp_path / name))


# --- TensorFlow's own checkpoints -----------------------------------------------------------


def _expected():
    return dict(np.load(FIXTURES / "expected.npz"))


def test_tf_checkpoint_lists_and_loads_with_tensorflows_values():
    expected = {k: v for k, v in _expected().items() if not k.startswith("__")}
    prefix = str(FIXTURES / "model.ckpt-3")
    listed = tf.train.list_variables(prefix)
    assert [name for name, _ in listed] == sorted(expected)
    for name, shape in listed:
        assert list(expected[name].shape) == shape
        value = tf.train.load_variable(prefix, name)
        assert value.dtype == expected[name].dtype, name
        np.testing.assert_array_equal(value, expected[name], err_msg=name)
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map()["dense/kernel"] == [3, 2]
    assert reader.get_variable_to_dtype_map()["extra/i64"] == tf.int64
    assert reader.has_tensor("global_step")
    assert not reader.has_tensor("nope")
    assert tf.train.load_variable(str(FIXTURES), "global_step") == 3  # a directory: latest


def test_tf_checkpoint_state_file_and_restore_resume_training():
    assert tf.train.latest_checkpoint(str(FIXTURES)) == str(FIXTURES / "model.ckpt-3")
    state = tf.train.get_checkpoint_state(str(FIXTURES))
    assert state.all_model_checkpoint_paths == [
        str(FIXTURES / "model.ckpt-2"),
        str(FIXTURES / "model.ckpt-3"),
    ]
    expected = _expected()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.placeholder(tf.float32, [None, 2], name="y")
        with tf.variable_scope("dense"):
            w = tf.get_variable("kernel", shape=[3, 2])
            b = tf.get_variable("bias", shape=[2])
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        step = tf.train.get_or_create_global_step()
        train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
        with tf.Session() as sess:
            tf.train.Saver(var_list=[v for v in tf.global_variables()]).restore(
                sess, tf.train.latest_checkpoint(str(FIXTURES))
            )
            rng = np.random.RandomState(3)
            bx, by = rng.randn(4, 3).astype(np.float32), rng.randn(4, 2).astype(np.float32)
            np.testing.assert_allclose(
                sess.run(loss, {x: bx, y: by}), expected["__next_loss__"], rtol=1e-6
            )
            sess.run(train, {x: bx, y: by})
            np.testing.assert_allclose(
                sess.run(w), expected["__next_kernel__"], rtol=1e-6, atol=1e-7
            )
            assert sess.run(step) == 4


def test_init_from_tf_checkpoint_with_scope_and_name_maps():
    expected = _expected()
    with tf.Graph().as_default():
        with tf.variable_scope("new"):
            k = tf.get_variable("kernel", shape=[3, 2])
            bias = tf.get_variable("bias", shape=[2])
        f64 = tf.get_variable("mine", shape=[2], dtype=tf.float64)
        tf.train.init_from_checkpoint(str(FIXTURES), {"dense/": "new/", "extra/f64": "mine"})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(k), expected["dense/kernel"])
            np.testing.assert_array_equal(sess.run(bias), expected["dense/bias"])
            np.testing.assert_array_equal(sess.run(f64), expected["extra/f64"])
        with pytest.raises(ValueError, match="Shape of variable mine:0"):
            tf.train.init_from_checkpoint(str(FIXTURES), {"dense/kernel": "mine"})
        with pytest.raises(ValueError, match="Tensor nope is not found"):
            tf.train.init_from_checkpoint(str(FIXTURES), {"nope": f64})


def test_damaged_tf_checkpoints_are_data_loss(tmp_path):
    for name in ("model.ckpt-3.index", "model.ckpt-3.data-00000-of-00001"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    prefix = str(tmp_path / "model.ckpt-3")
    index = (tmp_path / "model.ckpt-3.index").read_bytes()
    data_file = tmp_path / "model.ckpt-3.data-00000-of-00001"
    data = data_file.read_bytes()
    for i in range(len(data)):
        damaged = bytearray(data)
        damaged[i] ^= 0x10
        data_file.write_bytes(bytes(damaged))
        reader = tf.train.load_checkpoint(prefix)
        failures = 0
        for name, _ in tf.train.list_variables(prefix):
            try:
                reader.get_tensor(name)
            except errors.DataLossError:
                failures += 1
        assert failures == 1, i  # every byte belongs to one tensor, whose CRC catches it
    data_file.write_bytes(data[:-1])
    with pytest.raises(errors.DataLossError, match="truncated"):
        tf.train.load_variable(prefix, "global_step")
    data_file.write_bytes(data)
    listing = tf.train.list_variables(prefix)
    for i in range(len(index)):
        for flip in (0x01, 0x80):
            damaged = bytearray(index)
            damaged[i] ^= flip
            (tmp_path / "model.ckpt-3.index").write_bytes(bytes(damaged))
            try:
                got = tf.train.list_variables(prefix)
            except errors.DataLossError:
                continue
            # The footer's padding and the (unused) metaindex block go unchecked, as in
            # TensorFlow; they change nothing.
            assert got == listing, i
    for n in range(len(index)):
        (tmp_path / "model.ckpt-3.index").write_bytes(index[:n])
        with pytest.raises(errors.DataLossError):
            tf.train.list_variables(prefix)
    os.remove(data_file)
    (tmp_path / "model.ckpt-3.index").write_bytes(index)
    assert tf.train.list_variables(prefix)  # the index alone lists
    with pytest.raises(errors.NotFoundError, match="data-00000-of-00001"):
        tf.train.load_variable(prefix, "global_step")


def test_large_tensors_checked_while_read_ahead(tmp_path):
    """Tensors of several chunks are read by a second thread; its errors still surface."""
    n = 5_000_000  # 20 MB: well past the size where the read-ahead thread starts
    prefix = str(tmp_path / "big")
    values = np.arange(n, dtype=np.float32)
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros([n], np.float32), name="v")
        with tf.Session() as sess:
            v.load(values, sess)
            tf.train.Saver().save(sess, prefix)
            path = Path(prefix + ".safetensors")
            data = path.read_bytes()
            tf.train.Saver().restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(v), values)
            damaged = bytearray(data)
            damaged[len(data) // 2] ^= 0x04
            path.write_bytes(bytes(damaged))
            with pytest.raises(errors.DataLossError, match="Checksum does not match"):
                tf.train.Saver().restore(sess, prefix)
            with pytest.raises(errors.FailedPreconditionError):
                sess.run(v)  # half-read: uninitialized, never half restored
    with pytest.raises(errors.DataLossError, match="Checksum does not match"):
        tf.train.load_variable(prefix + ".safetensors", "v")
