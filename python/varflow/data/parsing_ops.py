"""TF1's ``tf.parse_single_example`` / ``tf.parse_example`` for ``FixedLenFeature`` and
``VarLenFeature`` (float32, int64 and bytes): one ParseExample op reading tf.train.Example
protos in C++, usable inside a dataset's map function. A VarLenFeature comes back as a
`SparseTensor` (indices ``[nnz, 2]`` of (example, position) for a batch, ``[nnz, 1]`` for one
example; dense_shape the longest list)."""

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
    """Parses a vector of serialized Examples into a dict of dense and sparse tensors.

    Args:
      serialized: A vector (1-D string Tensor) of serialized `Example` protos.
      features: A dict from feature keys to `FixedLenFeature` or `VarLenFeature` values.
      name: A name for this operation (optional).
      example_names: Accepted for TF1 compatibility (names only appear in TF's messages).

    Returns:
      A dict from keys to `Tensor` (FixedLenFeature, shape ``[batch] + shape``) and
      `SparseTensor` (VarLenFeature) values.

    Raises:
      ValueError: For an unsupported feature type or dtype, or a bad default value.
      InvalidArgumentError: When run, for a missing required feature, a type mismatch or a
        wrong number of values.
    """
    from varflow.sparse_tensor import SparseTensor

    serialized = graph_module.convert_to_tensor(serialized, dtype=dtypes.string)
    for key in features:
        if not isinstance(features[key], (FixedLenFeature, VarLenFeature)):
            # TF1 raises ValueError here too.
            raise ValueError(f"Unsupported feature type for '{key}': {features[key]!r}")  # noqa: TRY004
        if "\n" in key:
            raise ValueError(f"Feature keys may not contain newlines: {key!r}")
    keys = sorted(k for k in features if isinstance(features[k], FixedLenFeature))
    sparse_keys = sorted(k for k in features if isinstance(features[k], VarLenFeature))
    types = [dtypes.as_dtype(features[k].dtype) for k in keys]
    sparse_types = [dtypes.as_dtype(features[k].dtype) for k in sparse_keys]
    for key, dtype in zip(keys + sparse_keys, types + sparse_types, strict=True):
        if dtype not in (dtypes.float32, dtypes.int64, dtypes.string):
            kind = type(features[key]).__name__
            raise ValueError(
                f"Unsupported dtype {dtype.name} for feature '{key}': {kind} takes "
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
            "sparse_keys": "\n".join(sparse_keys),
            "Tsparse": [int(t._core) for t in sparse_types],
        },
        name=name or "ParseExample",
    )
    outputs = list(op.outputs)
    result = dict(zip(keys, outputs[: len(keys)], strict=True))
    for k, key in enumerate(sparse_keys):
        at = len(keys) + 3 * k
        result[key] = SparseTensor(outputs[at], outputs[at + 1], outputs[at + 2])
    return result


def parse_single_example(serialized, features, name=None, example_names=None):
    """Parses one serialized Example into a dict of dense and sparse tensors.

    As `parse_example` for a scalar `serialized`: FixedLenFeature values have the feature's
    shape and VarLenFeature values are 1-D `SparseTensor`s.

    Args:
      serialized: A scalar string Tensor, a single serialized Example.
      features: A dict from feature keys to `FixedLenFeature` or `VarLenFeature` values.
      name: A name for this operation (optional).
      example_names: Accepted for TF1 compatibility.

    Returns:
      A dict from keys to `Tensor` and `SparseTensor` values.
    """
    return parse_example(serialized, features, name=name or "ParseSingleExample")
