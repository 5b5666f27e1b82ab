"""``tf.compat``: TF1's string and path conversions, and ``tf.compat.v1``.

``tf.compat.v1`` is the whole varflow API (varflow is TF1's API); ``tf.compat.v2`` is TF2's
API, which varflow does not implement.
"""

from __future__ import annotations

import numbers as _numbers

import numpy as _np

from varflow.compat import v1


def as_bytes(bytes_or_text, encoding="utf-8") -> bytes:
    """Converts `bytearray`, `bytes`, or unicode python input types to `bytes`.

    Uses utf-8 encoding for text by default.

    Args:
      bytes_or_text: A `bytearray`, `bytes`, `str`, or `unicode` object.
      encoding: A string indicating the charset for encoding unicode.

    Returns:
      A `bytes` object.

    Raises:
      TypeError: If `bytes_or_text` is not a binary or unicode string.
    """
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8") -> str:
    """Converts any string-like python input types to unicode.

    Returns the input as a unicode string. Uses utf-8 encoding for text by default.

    Args:
      bytes_or_text: A `bytes`, `str`, or `unicode` object.
      encoding: A string indicating the charset for decoding unicode.

    Returns:
      A `unicode` (Python 2) or `str` (Python 3) object.

    Raises:
      TypeError: If `bytes_or_text` is not a binary or unicode string.
    """
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value) -> str:
    """Converts input to `str` type.

    Uses `str(value)`, except for `bytes` typed inputs, which are converted using
    `as_str`.

    Args:
      value: A object that can be converted to `str`.

    Returns:
      A `str` object.
    """
    if isinstance(value, bytes):
        return as_str(value)
    return str(value)


def path_to_str(path):
    """Converts input which is a `PathLike` object to `str` type.

    Converts from any python constant representation of a `PathLike` object to a string. If
    the input is not a `PathLike` object, simply returns the input.

    Args:
      path: An object that can be converted to path representation.

    Returns:
      A `str` object.
    """
    if hasattr(path, "__fspath__"):
        path = as_str_any(path.__fspath__())
    return path


def dimension_value(dimension):
    """Compatibility utility required to allow for both V1 and V2 behavior in TF.

    Returns the int (or None) of a `Dimension`; anything else is returned unchanged.

    Args:
      dimension: Either a `Dimension` instance, an integer, or None.

    Returns:
      A plain value, i.e. an integer or None.
    """
    from varflow.tensor_shape import Dimension

    if isinstance(dimension, Dimension):
        return dimension.value
    return dimension


def dimension_at_index(shape, index):
    """Compatibility utility required to allow for both V1 and V2 behavior in TF.

    Returns the `Dimension` at `index` of `shape` (an unknown one if the rank is unknown).

    Args:
      shape: A TensorShape instance.
      index: An integer index.

    Returns:
      A dimension object.
    """
    from varflow.tensor_shape import Dimension, TensorShape

    shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if shape.dims is None:
        return Dimension(None)
    dim = shape.dims[index]
    return dim if isinstance(dim, Dimension) else Dimension(dim)


integral_types = (_numbers.Integral, _np.integer)
real_types = (_numbers.Real, _np.integer, _np.floating)
complex_types = (_numbers.Complex, _np.number)
bytes_or_text_types = (bytes, str)


def __getattr__(name: str):
    if name == "v2":
        raise AttributeError(
            "varflow does not implement tf.compat.v2 (TensorFlow 2's API); varflow is TF1's "
            "graph API: use tf.compat.v1 or tf itself"
        )
    raise AttributeError(f"module 'varflow.compat' has no attribute '{name}'")


__all__ = [
    "as_bytes",
    "as_str",
    "as_str_any",
    "as_text",
    "bytes_or_text_types",
    "complex_types",
    "dimension_at_index",
    "dimension_value",
    "integral_types",
    "path_to_str",
    "real_types",
    "v1",
]
