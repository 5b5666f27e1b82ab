"""``tf.summary.image`` and ``tf.summary.audio``: PNG and WAV encodings as TF1's ImageSummary and
AudioSummaryV2 kernels make them (the same normalisation, clipping, tags and errors).

A summary's value is turned into its serialized ``Summary`` when fetched (see ``summary.py``).
An image summary fetches its tensor; an audio summary also needs its ``sample_rate`` tensor, so it
fetches one float64 vector that packs the audio's rank, shape, sample rate and samples (float64
holds float32 samples and any shape exactly).
"""

from __future__ import annotations

import io
import struct
import wave
import zlib

import numpy as np

from varflow import array_ops, dtypes, errors
from varflow.graph import Tensor, convert_to_tensor
from varflow.summary import _summary_op

_IMAGE_DTYPES = (dtypes.float32, dtypes.float64)
_BAD_COLOR = np.array([255, 0, 0, 255], np.uint8)  # TF's default for non-finite pixels
_ZERO_THRESHOLD = np.float32(1e-6)


def _shape_text(shape) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _png(pixels: np.ndarray) -> bytes:
    """A PNG of a [height, width, 1|3|4] uint8 array (grey, RGB or RGBA; zlib's default level)."""
    height, width, depth = pixels.shape
    color_type = {1: 0, 3: 2, 4: 6}[depth]
    rows = np.concatenate(
        [np.zeros((height, 1), np.uint8), pixels.reshape(height, width * depth)], axis=1
    )  # each scanline starts with filter type 0 (none)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes()))
        + chunk(b"IEND", b"")
    )


def _to_uint8(image: np.ndarray) -> np.ndarray:
    """TF's NormalizeFloatImage: non-negative images scale so the largest value is 255; others
    centre 0 at 128 and scale by the largest magnitude; pixels with a non-finite channel take
    the bad colour. Bounds are taken over the finite pixels, in float32, as TF does."""
    depth = image.shape[-1]
    finite = np.all(np.isfinite(image), axis=-1)
    good = image[finite].astype(np.float32)
    lo = np.float32(good.min()) if good.size else np.float32(np.inf)
    hi = np.float32(good.max()) if good.size else np.float32(-np.inf)
    kind = image.dtype.type
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale = kind(0.0 if top < _ZERO_THRESHOLD else np.float32(127.0) / top)
        offset = kind(128.0)
    else:
        scale = kind(0.0 if hi < _ZERO_THRESHOLD else np.float32(255.0) / hi)
        offset = kind(0.0)
    with np.errstate(invalid="ignore"):
        out = (image * scale + offset).astype(np.uint8)
    out[~finite] = _BAD_COLOR[:depth]
    return out


def _image_encoder(max_outputs: int):
    def encode(summary, tag, arr) -> None:
        if arr.ndim != 4 or arr.shape[3] not in (1, 3, 4):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Tensor must be 4-D with last dim 1, 3, or 4, not {_shape_text(arr.shape)}",
            )
        batch, height, width, _ = arr.shape
        if batch and (height == 0 or width == 0):
            raise errors.InvalidArgumentError(
                None,
                None,
                "input tensor must have non-zero dims. Found: "
                f"[{', '.join(str(d) for d in arr.shape)}].",
            )
        # The tag depends on how many images were asked for, not how many there are.
        for i in range(min(max_outputs, batch)):
            suffix = f"/image/{i}" if max_outputs > 1 else "/image"
            image = summary.value.add(tag=tag + suffix).image
            image.height, image.width, image.colorspace = height, width, arr.shape[3]
            image.encoded_image_string = _png(_to_uint8(arr[i]))

    return encode


def _check_max_outputs(max_outputs, op_type: str, attr: str) -> int:
    if isinstance(max_outputs, bool) or not isinstance(max_outputs, (int, np.integer)):
        raise TypeError(f"Expected int for argument '{attr}' not {max_outputs!r}.")
    if max_outputs < 1:
        raise ValueError(
            f"Attr '{attr}' of '{op_type}' Op passed {int(max_outputs)} less than minimum 1."
        )
    return int(max_outputs)


def image(name, tensor, max_outputs=3, collections=None, family=None) -> Tensor:
    """Outputs a ``Summary`` protocol buffer with images.

    The images are built from ``tensor``, which must be 4-D with shape
    ``[batch_size, height, width, channels]`` where ``channels`` is 1 (grayscale), 3 (RGB) or 4
    (RGBA). Float images are scaled to ``[0, 255]``: if every value is non-negative they are
    scaled so that the largest is 255, otherwise 0 maps to 128 and the largest magnitude to the
    edge of the range. Pixels with a NaN or infinite channel are drawn red.

    The summary has up to ``max_outputs`` values tagged ``name/image/0``, ``name/image/1``, ...
    (``name/image`` when ``max_outputs`` is 1).

    Args:
      name: A name for the generated node; also the series name in TensorBoard.
      tensor: A 4-D float32 or float64 ``Tensor`` of shape ``[batch_size, height, width,
        channels]``.
      max_outputs: Max number of batch elements to generate images for (an int >= 1).
      collections: Optional list of graph collection keys the summary is added to. Defaults to
        ``[GraphKeys.SUMMARIES]``.
      family: Optional; if provided, used as the prefix of the summary tag name, which controls
        the tab name used for display on TensorBoard.

    Returns:
      A ``Tensor`` that ``sess.run`` turns into a serialized ``Summary`` protocol buffer.

    Raises:
      TypeError: If ``tensor`` is not float32 or float64.
      ValueError: If ``max_outputs`` is less than 1.
      InvalidArgumentError: At run time, if the value is not 4-D with 1, 3 or 4 channels, or an
        image has no pixels.
    """
    max_outputs = _check_max_outputs(max_outputs, "ImageSummary", "max_images")

    def check(t):
        if t.dtype.base_dtype not in _IMAGE_DTYPES:
            raise TypeError(
                f"Value passed to parameter 'tensor' has DataType {t.dtype.name} not in list of "
                "allowed values: float32, float64"
            )

    if not isinstance(tensor, Tensor):
        tensor = convert_to_tensor(np.asarray(tensor, np.float32))
    return _summary_op(name, tensor, collections, family, _image_encoder(max_outputs), check)


def _int16_samples(samples: np.ndarray) -> np.ndarray:
    # TF's FloatToInt16Sample: roundf(x * 32768), halves away from zero (np.round would take
    # them to even), clamped to int16; NaN, undefined there, gives 0.
    with np.errstate(invalid="ignore"):
        scaled = samples.astype(np.float32) * np.float32(32768.0)
        whole = np.trunc(scaled)
        scaled = whole + np.where(np.abs(scaled - whole) >= 0.5, np.sign(scaled), 0)
    return np.nan_to_num(np.clip(scaled, -32768, 32767), nan=0.0).astype("<i2")


def _wav(samples: np.ndarray, rate: int) -> bytes:
    """A 16-bit PCM WAV of a [frames, channels] float array in [-1, 1]."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(_int16_samples(samples).tobytes())
    return buffer.getvalue()


def _audio_encoder(max_outputs: int):
    def encode(summary, tag, packed) -> None:
        rank = int(packed[0])
        shape = tuple(int(d) for d in packed[1 : 1 + rank])
        sample_rate = np.float32(packed[1 + rank])
        if rank not in (2, 3):
            raise errors.InvalidArgumentError(
                None, None, f"Tensor must be 3-D or 2-D, got: {_shape_text(shape)}"
            )
        if not sample_rate > 0:
            raise errors.InvalidArgumentError(None, None, "sample_rate must be > 0")
        audio = packed[2 + rank :].astype(np.float32)
        batch, frames = shape[0], shape[1]
        channels = shape[2] if rank == 3 else 1
        audio = audio.reshape(batch, frames, channels)
        rate = max(int(np.rint(sample_rate)), 1)  # TF: lrintf, and at least 1
        for i in range(min(max_outputs, batch)):
            suffix = f"/audio/{i}" if max_outputs > 1 else "/audio"
            value = summary.value.add(tag=tag + suffix).audio
            value.sample_rate = float(sample_rate)
            value.num_channels = channels
            value.length_frames = frames
            value.content_type = "audio/wav"
            value.encoded_audio_string = _wav(audio[i], rate)

    return encode


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None) -> Tensor:
    """Outputs a ``Summary`` protocol buffer with audio.

    The audio is built from ``tensor``, which must be 3-D with shape ``[batch_size, frames,
    channels]`` or 2-D with shape ``[batch_size, frames]``. Values are clipped to ``[-1.0, 1.0]``
    and encoded as 16-bit PCM WAV at ``sample_rate`` frames per second.

    The summary has up to ``max_outputs`` values tagged ``name/audio/0``, ``name/audio/1``, ...
    (``name/audio`` when ``max_outputs`` is 1).

    Args:
      name: A name for the generated node; also the series name in TensorBoard.
      tensor: A 3-D float32 ``Tensor`` of shape ``[batch_size, frames, channels]`` or a 2-D
        float32 ``Tensor`` of shape ``[batch_size, frames]``.
      sample_rate: A scalar float32 ``Tensor`` (or number) with the sample rate in Hertz.
      max_outputs: Max number of batch elements to generate audio for (an int >= 1).
      collections: Optional list of graph collection keys the summary is added to. Defaults to
        ``[GraphKeys.SUMMARIES]``.
      family: Optional; if provided, used as the prefix of the summary tag name, which controls
        the tab name used for display on TensorBoard.

    Returns:
      A ``Tensor`` that ``sess.run`` turns into a serialized ``Summary`` protocol buffer.

    Raises:
      TypeError: If ``tensor`` or ``sample_rate`` is not float32.
      ValueError: If ``max_outputs`` is less than 1.
      InvalidArgumentError: At run time, if the value is not 2-D or 3-D, or ``sample_rate`` is
        not positive.
    """
    max_outputs = _check_max_outputs(max_outputs, "AudioSummaryV2", "max_outputs")
    if isinstance(tensor, Tensor) and tensor.dtype.base_dtype != dtypes.float32:
        raise TypeError(
            f"Input 'tensor' of 'AudioSummaryV2' Op has type {tensor.dtype.name} that does not "
            "match expected type of float32."
        )
    tensor = convert_to_tensor(tensor, dtype=dtypes.float32)

    def pack(t):
        rate = convert_to_tensor(sample_rate, dtype=dtypes.float32, name="sample_rate")
        if rate.shape.ndims not in (None, 0):
            raise ValueError(f"sample_rate must be a scalar, got shape {rate.shape}")
        f64 = dtypes.float64
        shape = array_ops.shape(t)
        parts = [
            array_ops.reshape(array_ops.cast(array_ops.size(shape), f64), [1]),
            array_ops.cast(shape, f64),
            array_ops.reshape(array_ops.cast(rate, f64), [1]),
            array_ops.reshape(array_ops.cast(t, f64), [-1]),
        ]
        return array_ops.concat(parts, axis=0)

    return _summary_op(name, tensor, collections, family, _audio_encoder(max_outputs), prepare=pack)


__all__ = ["audio", "image"]
