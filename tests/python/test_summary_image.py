"""tf.summary.image and tf.summary.audio: TF1's encodings (the expected pixels and samples are
what TensorFlow's ImageSummary and AudioSummaryV2 kernels give for the same inputs), tags,
errors, and reading them back as TensorBoard does."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
import varflow as tf

pytest.importorskip("tensorboard")
Image = pytest.importorskip("PIL.Image")  # a dependency of tensorboard

from tensorboard.backend.event_processing import event_accumulator
from tensorboard.compat.proto import summary_pb2


def _values(data):
    return list(summary_pb2.Summary.FromString(data).value)


def _pixels(value):
    return np.asarray(Image.open(io.BytesIO(value.image.encoded_image_string)))


def _run(summary, feed=None):
    with tf.Session() as sess:
        return _values(sess.run(summary, feed))


def test_float_images_scale_as_tf_does():
    x = tf.placeholder(tf.float32, shape=(None, 2, 2, 1))
    s = tf.summary.image("img", x)
    assert s.name == "img:0"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [s]
    # A negative value: 0 goes to 128 and the largest magnitude (NaN left out) to the edge;
    # the NaN pixel takes the bad colour (red, whose grey channel is 255).
    (value,) = _run(s, {x: [[[[-1.0], [0.5]], [[2.0], [np.nan]]]]})
    assert value.tag == "img/image/0"
    assert (value.image.height, value.image.width, value.image.colorspace) == (2, 2, 1)
    np.testing.assert_array_equal(_pixels(value), [[64, 159], [255, 255]])
    # Non-negative: scaled so that the largest value is 255 (truncated, not rounded).
    (value,) = _run(s, {x: [[[[0.0], [0.5]], [[2.0], [1.0]]]]})
    np.testing.assert_array_equal(_pixels(value), [[0, 63], [255, 127]])


def test_image_channels_dtypes_and_bad_pixels():
    rgb = tf.constant(np.zeros((2, 2, 3, 3)), dtype=tf.float64)
    values = _run(tf.summary.image("rgb", rgb, max_outputs=5))
    assert [v.tag for v in values] == ["rgb/image/0", "rgb/image/1"]  # min(max_outputs, batch)
    assert _pixels(values[0]).shape == (2, 3, 3)
    assert not _pixels(values[0]).any()  # an all-zero image stays black
    (value,) = _run(tf.summary.image("inf", [[[[np.inf, 1.0, 2.0], [0.0, 1.0, 2.0]]]]))
    np.testing.assert_array_equal(_pixels(value), [[[255, 0, 0], [0, 127, 255]]])
    rgba = _run(tf.summary.image("rgba", np.ones((1, 1, 1, 4), np.float32), max_outputs=1))
    assert rgba[0].tag == "rgba/image"
    np.testing.assert_array_equal(_pixels(rgba[0]), [[[255, 255, 255, 255]]])
    assert _run(tf.summary.image("none", np.zeros((0, 2, 2, 1), np.float32))) == []


def test_image_errors_name_the_op():
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tf.summary.image("ints", tf.zeros((1, 2, 2, 1), tf.int32))
    with pytest.raises(ValueError, match="'max_images' of 'ImageSummary' Op passed 0"):
        tf.summary.image("none", tf.zeros((1, 2, 2, 1)), max_outputs=0)
    x = tf.placeholder(tf.float32)
    s = tf.summary.image("my_images", x)
    with tf.Session() as sess:
        for value, message in [
            (np.zeros((2, 2, 3)), r"4-D with last dim 1, 3, or 4, not \[2,2,3\]"),
            (np.zeros((1, 2, 2, 2)), r"not \[1,2,2,2\]"),
            (np.zeros((1, 0, 2, 3)), r"non-zero dims. Found: \[1, 0, 2, 3\]"),
        ]:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message) as info:
                sess.run(s, {x: value})
            assert "my_images" in str(info.value)
            assert info.value.op.name == "my_images"


def test_image_tags_follow_scopes_and_families():
    x = tf.placeholder(tf.float32, shape=(None, 2, 2, 1))
    with tf.name_scope("outer"):
        s = tf.summary.image("img x", x, family="fam")
    assert s.op.name == "outer/fam/img_x"
    values = _run(s, {x: np.ones((5, 2, 2, 1))})
    assert [v.tag for v in values] == [f"fam/outer/fam/img_x/image/{i}" for i in range(3)]


def _wav(value):
    with wave.open(io.BytesIO(value.audio.encoded_audio_string)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        return w.getnchannels(), w.getsampwidth(), w.getframerate(), frames.tolist()


def test_audio_samples_clip_and_round_as_tf_does():
    x = tf.placeholder(tf.float32)
    s = tf.summary.audio("snd", x, 8000.7)
    assert s.op.name == "snd"
    samples = [[0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 1 / 65536, 3 / 65536]]
    (value,) = _run(s, {x: samples})
    assert value.tag == "snd/audio/0"
    audio = value.audio
    assert audio.sample_rate == pytest.approx(8000.7001953125)
    assert (audio.num_channels, audio.length_frames, audio.content_type) == (1, 9, "audio/wav")
    # Halves round away from zero; the WAV's rate is the rounded sample rate.
    assert _wav(value) == (1, 2, 8001, [0, 16384, -16384, 32767, -32768, 32767, -32768, 1, 2])
    (value,) = _run(s, {x: [[np.nan, np.inf]]})
    assert _wav(value)[3] == [0, 32767]


def test_audio_channels_rates_and_errors():
    stereo = np.arange(12, dtype=np.float32).reshape(2, 3, 2) / 16
    values = _run(tf.summary.audio("stereo", stereo, 16000, max_outputs=1))
    assert [v.tag for v in values] == ["stereo/audio"]
    channels, _, rate, frames = _wav(values[0])
    assert (channels, rate, values[0].audio.length_frames) == (2, 16000, 3)
    assert frames == [int(v * 32768) for v in stereo[0].ravel()]

    x = tf.placeholder(tf.float32)
    rate = tf.placeholder(tf.float32, shape=())
    s = tf.summary.audio("fed", x, rate)
    with tf.Session() as sess:
        (value,) = _values(sess.run(s, {x: np.zeros((1, 3)), rate: 0.3}))
        assert _wav(value)[2] == 1  # a rate that rounds to 0 is written as 1, as TF does
        for value, r, message in [
            (np.zeros(2), 100.0, r"3-D or 2-D, got: \[2\]"),
            (np.zeros((1, 2, 2, 2)), 100.0, r"3-D or 2-D, got: \[1,2,2,2\]"),
            (np.zeros((1, 3)), 0.0, "sample_rate must be > 0"),
        ]:
            with pytest.raises(tf.errors.InvalidArgumentError, match=message) as info:
                sess.run(s, {x: value, rate: r})
            assert info.value.op.name == "fed"
    with pytest.raises(ValueError, match="'max_outputs' of 'AudioSummaryV2' Op passed 0"):
        tf.summary.audio("zero", np.zeros((1, 2)), 10, max_outputs=0)
    with pytest.raises(TypeError, match=r"has type float64 that does not match .* float32"):
        tf.summary.audio("f64", tf.zeros((1, 2), tf.float64), 10)


def test_images_and_audio_read_back_through_tensorboard(tmp_path):
    x = tf.placeholder(tf.float32, shape=(None, 4, 4, 1))
    images = tf.summary.image("digits", x, max_outputs=2)
    sound = tf.summary.audio(
        "tone", tf.reshape(tf.sin(tf.range(0.0, 100.0) * 0.1), [1, 100]), 44100
    )
    loss = tf.summary.scalar("loss", tf.reduce_mean(x))
    merged = tf.summary.merge_all()
    data = np.linspace(0, 1, 32, dtype=np.float32).reshape(2, 4, 4, 1)
    with tf.Session() as sess, tf.summary.FileWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_summary(sess.run(merged, {x: data * (step + 1)}), step)
    del images, sound, loss
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"images": 0})
    acc.Reload()
    tags = acc.Tags()
    assert sorted(tags["images"]) == ["digits/image/0", "digits/image/1"]
    assert tags["audio"] == ["tone/audio/0"]
    assert tags["scalars"] == ["loss"]
    events = acc.Images("digits/image/1")
    assert [e.step for e in events] == [0, 1, 2]
    expected = (data[1, :, :, 0] * (255.0 / data[1].max())).astype(np.uint8)
    picture = np.asarray(Image.open(io.BytesIO(events[2].encoded_image_string)))
    np.testing.assert_array_equal(picture, expected)  # the scale does not depend on the step
    (clip,) = acc.Audio("tone/audio/0")[:1]
    assert (clip.content_type, clip.sample_rate, clip.length_frames) == ("audio/wav", 44100, 100)
