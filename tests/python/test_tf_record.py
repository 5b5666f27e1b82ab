"""TFRecord files: byte-compatible with TensorFlow's writer, TF 1.15's reader errors, and
TensorBoard reading varflow's event files with ``tensorflow`` resolved to varflow."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import varflow as tf
from varflow.io.tf_record import crc32c


def test_crc32c_known_values():
    # RFC 3720's test vectors for CRC-32C.
    assert crc32c(b"") == 0
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert crc32c(b"\xff" * 32) == 0x62A8AB43
    assert crc32c(b"123456789") == 0xE3069283


def test_the_bytes_are_tensorflows(tmp_path):
    path = tmp_path / "r.tfr"
    with tf.io.TFRecordWriter(str(path)) as w:
        w.write(b"hello")
        w.write("")
    data = path.read_bytes()
    # Recorded from TensorFlow's TFRecordWriter writing the same two records.
    assert data.hex() == (
        "0500000000000000eab2043e68656c6c6fbb1f1c19000000000000000029039807d8ea82a2"
    )
    assert list(tf.io.tf_record_iterator(str(path))) == [b"hello", b""]


@pytest.mark.parametrize("compression", ["GZIP", "ZLIB", None])
def test_round_trip_with_compression(tmp_path, compression):
    path = str(tmp_path / "r")
    options = tf.io.TFRecordOptions(compression)
    records = [b"x" * n for n in (0, 1, 100, 70000)]
    with tf.python_io.TFRecordWriter(path, options) as w:
        for r in records:
            w.write(r)
    assert list(tf.python_io.tf_record_iterator(path, options)) == records


def test_reader_errors_are_tf1s(tmp_path):
    good = tmp_path / "good"
    with tf.io.TFRecordWriter(str(good)) as w:
        w.write(b"hello")
        w.write(b"world!")
    data = good.read_bytes()
    cases = {
        "header_cut": (data[:30], "truncated record at 21"),
        "data_cut": (data[: 21 + 14], "truncated record at 33"),
        "data_missing": (data[: 21 + 12], "truncated record at 21"),
        "header_corrupt": (data[:3] + b"\x07" + data[4:], "corrupted record at 0"),
        "data_corrupt": (data[:14] + b"X" + data[15:], "corrupted record at 12"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(tf.errors.DataLossError) as e:
            list(tf.io.tf_record_iterator(str(path)))
        assert str(e.value) == message, name
    assert next(tf.io.tf_record_iterator(str(tmp_path / "header_cut"))) == b"hello"
    missing = tmp_path / "missing"
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        next(tf.io.tf_record_iterator(str(missing)))
    with pytest.raises(ValueError, match='Unsupported compression type "LZ4"'):
        tf.io.TFRecordOptions("LZ4")


def test_tensorboard_reads_varflow_events_as_tensorflow(tmp_path):
    pytest.importorskip("tensorboard")
    script = textwrap.dedent(
        f"""
        import sys
        import varflow
        sys.modules["tensorflow"] = varflow
        import tensorflow as tf
        from tensorboard.backend.event_processing import event_accumulator

        x = tf.placeholder(tf.float32, [])
        summary = tf.summary.scalar("loss", x)
        writer = tf.summary.FileWriter({str(tmp_path)!r})
        with tf.Session() as sess:
            for step in range(3):
                writer.add_summary(sess.run(summary, {{x: step * 0.5}}), step)
        writer.close()
        acc = event_accumulator.EventAccumulator({str(tmp_path)!r})
        acc.Reload()
        print([(e.step, e.value) for e in acc.Scalars("loss")])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[(0, 0.0), (1, 0.5), (2, 1.0)]"
