"""TF1's ``tf.parse_single_example`` / ``tf.parse_example`` for ``FixedLenFeature`` (float32,
int64 and bytes): one ParseExample op reading tf.train.Example protos in C++, usable inside a
dataset's map function."""

from __future__ import annotations

import collections

import numpy as np

from varflow import _core, dtypes
from varflow import graph as graph_module
from varflow.tensor_shape import TensorShape


class FixedLenFeature(
    collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])
):
    """A feature of a fixed shape (TF1's ``tf.FixedLenFeature``)."""

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """A feature of any length (TF1's ``tf.VarLenFeature``; parsed into a SparseTensor)."""


def _default(feature, dtype, shape):
    if feature.default_value is None:
        return graph_module.constant(
            np.zeros([0], dtype=object if dtype == dtypes.string else dtype.as_numpy_dtype),
            dtype=dtype,
        )
    value = feature.default_value
    if dtype == dtypes.string:
        arr = np.asarray(value, dtype=object)
        arr = np.vectorize(lambda v: v.encode() if isinstance(v, str) else v, otypes=[object])(arr)
    else:
        arr = np.asarray(value, dtype=dtype.as_numpy_dtype)
    try:
        arr = np.broadcast_to(arr, shape).copy()
    except ValueError:
        raise ValueError(
            f"default_value {value!r} does not match the feature's shape {list(shape)}"
        ) from None
    return graph_module.constant(arr, dtype=dtype)


def parse_example(serialized, features, name=None, example_names=None):
    """Parses a batch of serialized ``Example`` protos into dense tensors.

    One ``ParseExample`` op reads the ``tf.train.Example`` protos in C++ (it can run inside
    a ``Dataset.map``); each ``FixedLenFeature`` becomes a ``[batch] + shape`` tensor, its
    ``default_value`` filling the examples that lack it.

    Args:
      serialized: A 1-D string tensor of serialized ``Example`` protos.
      features: A dict from feature keys to ``FixedLenFeature`` values (float32, int64 or
        string).
      name: A name for this operation (optional).
      example_names: Accepted for TF1 compatibility (TF only uses them in its messages).

    Returns:
      A dict from the feature keys to the parsed tensors.

    Raises:
      NotImplementedError: for a ``VarLenFeature`` (it needs a ``SparseTensor``).
      ValueError: for another feature type, an unsupported dtype, a key with a newline, or
        a default value that does not fit the shape. A missing feature without a default,
        or a value of the wrong type or count, fails the run with ``InvalidArgumentError``.
    """
    serialized = graph_module.convert_to_tensor(serialized, dtype=dtypes.string)
    keys = sorted(features)
    for key in keys:
        if isinstance(features[key], VarLenFeature):
            raise NotImplementedError(
                f"VarLenFeature ('{key}') needs SparseTensor, which varflow does not have yet; "
                "use FixedLenFeature"
            )
        if not isinstance(features[key], FixedLenFeature):
            # TF1 raises ValueError here too.
            raise ValueError(f"Unsupported feature type for '{key}': {features[key]!r}")  # noqa: TRY004
        if "\n" in key:
            raise ValueError(f"Feature keys may not contain newlines: {key!r}")
    types = [dtypes.as_dtype(features[k].dtype) for k in keys]
    for key, dtype in zip(keys, types, strict=True):
        if dtype not in (dtypes.float32, dtypes.int64, dtypes.string):
            raise ValueError(
                f"Unsupported dtype {dtype.name} for feature '{key}': FixedLenFeature takes "
                "float32, int64 or string"
            )
    shapes = [[int(d) for d in TensorShape(features[k].shape).as_list()] for k in keys]
    defaults = [_default(features[k], t, s) for k, t, s in zip(keys, types, shapes, strict=True)]
    op = graph_module.get_default_graph().create_op(
        "ParseExample",
        [serialized, *defaults],
        {
            "dense_keys": "\n".join(keys),
            "Tdense": [int(t._core) for t in types],
            "dense_shapes": _core.encode_shapes([_core.Shape(s) for s in shapes]),
        },
        name=name or "ParseExample",
    )
    return dict(zip(keys, op.outputs, strict=True))


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized ``Example`` proto into dense tensors.

    As ``parse_example`` for a scalar ``serialized``: each ``FixedLenFeature`` value has
    the feature's own shape.

    Args:
      serialized: A scalar string tensor, one serialized ``Example``.
      features: A dict from feature keys to ``FixedLenFeature`` values.
      name: A name for this operation (optional).
      example_names: Accepted for TF1 compatibility.

    Returns:
      A dict from the feature keys to the parsed tensors.

    Raises:
      NotImplementedError: for a ``VarLenFeature``.
      ValueError: as for ``parse_example``.
    """
    return parse_example(serialized, features, name=name or "ParseSingleExample")
