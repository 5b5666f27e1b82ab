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
    """A dict of dense tensors [batch, *shape] from a vector of serialized Examples."""
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
    """A dict of dense tensors of the features' shapes from one serialized Example."""
    return parse_example(serialized, features, name=name or "ParseSingleExample")
