"""varflow attribute values <-> TensorFlow's AttrValue, TensorProto and TensorShapeProto."""

from __future__ import annotations

import numpy as np
from tensorboard.compat.proto import attr_value_pb2, tensor_pb2, tensor_shape_pb2, types_pb2

from varflow import _core, dtypes

_TO_TF = {
    _core.DType.float32: types_pb2.DT_FLOAT,
    _core.DType.float64: types_pb2.DT_DOUBLE,
    _core.DType.int32: types_pb2.DT_INT32,
    _core.DType.int64: types_pb2.DT_INT64,
    _core.DType.bool: types_pb2.DT_BOOL,
    _core.DType.string: types_pb2.DT_STRING,
    _core.DType.int8: types_pb2.DT_INT8,
    _core.DType.int16: types_pb2.DT_INT16,
    _core.DType.uint8: types_pb2.DT_UINT8,
    _core.DType.uint16: types_pb2.DT_UINT16,
    _core.DType.uint32: types_pb2.DT_UINT32,
    _core.DType.uint64: types_pb2.DT_UINT64,
    _core.DType.float16: types_pb2.DT_HALF,
    _core.DType.bfloat16: types_pb2.DT_BFLOAT16,
    _core.DType.complex64: types_pb2.DT_COMPLEX64,
    _core.DType.complex128: types_pb2.DT_COMPLEX128,
}
_FROM_TF = {v: k for k, v in _TO_TF.items()}
_REF_OFFSET = 100  # TensorFlow's DT_FLOAT_REF = DT_FLOAT + 100, and so on

# The TensorProto field TensorFlow fills for one element of each dtype.
_VALUE_FIELD = {
    types_pb2.DT_FLOAT: "float_val",
    types_pb2.DT_DOUBLE: "double_val",
    types_pb2.DT_INT32: "int_val",
    types_pb2.DT_INT64: "int64_val",
    types_pb2.DT_BOOL: "bool_val",
    types_pb2.DT_INT8: "int_val",
    types_pb2.DT_INT16: "int_val",
    types_pb2.DT_UINT8: "int_val",
    types_pb2.DT_UINT16: "int_val",
    types_pb2.DT_UINT32: "uint32_val",
    types_pb2.DT_UINT64: "uint64_val",
}


def tf_dtype(dtype) -> int:
    """Returns TensorFlow's ``DataType`` enum value for a varflow core dtype.

    Args:
      dtype: A ``_core.DType``.

    Returns:
      The ``types_pb2`` enum value (``DT_FLOAT``...).
    """
    return _TO_TF[dtype]


def varflow_dtype(tf_enum: int, node_name: str):
    """Returns the varflow core dtype of a TensorFlow ``DataType`` (reference types too).

    Args:
      tf_enum: A ``types_pb2`` enum value; ``DT_FLOAT_REF`` reads as ``DT_FLOAT``.
      node_name: The node being imported, for the error message.

    Returns:
      A ``_core.DType``.

    Raises:
      TypeError: if varflow has no such dtype, naming the node and the dtype.
    """
    base = tf_enum - _REF_OFFSET if tf_enum > _REF_OFFSET else tf_enum
    if base not in _FROM_TF:
        name = (
            types_pb2.DataType.Name(tf_enum) if tf_enum in types_pb2.DataType.values() else tf_enum
        )
        raise TypeError(
            f"Node '{node_name}' uses dtype {name}, which varflow does not support "
            "(its dtypes are those of varflow.dtypes)"
        )
    return _FROM_TF[base]


def shape_proto(dims) -> tensor_shape_pb2.TensorShapeProto:
    """Returns a shape as a ``TensorShapeProto``.

    Args:
      dims: A list of dimensions (``None`` for unknown ones, written as -1), or ``None`` for
        an unknown rank.

    Returns:
      A ``TensorShapeProto``.
    """
    proto = tensor_shape_pb2.TensorShapeProto()
    if dims is None:
        proto.unknown_rank = True
        return proto
    for d in dims:
        proto.dim.add().size = -1 if d is None else int(d)
    return proto


def shape_dims(proto) -> list | None:
    """Returns the dimensions of a ``TensorShapeProto``.

    Args:
      proto: A ``TensorShapeProto``.

    Returns:
      A list of dimensions with ``None`` for unknown ones, or ``None`` for an unknown rank.
    """
    if proto.unknown_rank:
        return None
    return [None if d.size < 0 else int(d.size) for d in proto.dim]


def tensor_proto(array: np.ndarray) -> tensor_pb2.TensorProto:
    """Returns an array as a ``TensorProto``, encoded as TensorFlow encodes it.

    Strings go to ``string_val``, one element to its typed value field (what
    ``tf.constant(1.0)`` writes), anything else to little-endian ``tensor_content``.

    Args:
      array: A NumPy array (or anything ``np.asarray`` takes).

    Returns:
      A ``TensorProto``.
    """
    array = np.asarray(array, order="C")  # (ascontiguousarray would make a scalar 1-d)
    dtype = _TO_TF[dtypes.as_dtype(array.dtype)._core]
    proto = tensor_pb2.TensorProto(dtype=dtype, tensor_shape=shape_proto(array.shape))
    if dtype == types_pb2.DT_STRING:
        # TensorFlow keeps every string element in string_val (there is no raw encoding).
        proto.string_val.extend(
            v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1)
        )
        return proto
    if array.size == 1 and dtype in _VALUE_FIELD:
        # TensorFlow's own encoding of one element (what tf.constant(1.0) writes).
        getattr(proto, _VALUE_FIELD[dtype]).append(array.reshape(()).item())
    elif array.size:
        proto.tensor_content = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
    return proto


def tensor_array(proto, node_name: str) -> np.ndarray:
    """Returns a ``TensorProto`` as a NumPy array, read as TensorFlow reads it.

    Raw ``tensor_content``, or typed values with the last one repeated to fill the shape
    (the ``Const`` of a splat), or zeros when there are none.

    Args:
      proto: A ``TensorProto``.
      node_name: The node being imported, for error messages.

    Returns:
      A NumPy array.

    Raises:
      ValueError: if the shape is unknown or the values do not fit it.
      TypeError: if varflow has no such dtype.
    """
    np_dtype = dtypes.as_dtype(varflow_dtype(proto.dtype, node_name)).as_numpy_dtype
    dims = shape_dims(proto.tensor_shape)
    if dims is None or any(d is None for d in dims):
        raise ValueError(f"Node '{node_name}' holds a tensor of unknown shape")
    size = int(np.prod(dims, dtype=np.int64))
    if proto.dtype == types_pb2.DT_STRING:
        values = list(proto.string_val)
        out = np.empty(size, dtype=object)
        out[: len(values)] = values[:size]
        out[len(values) :] = values[-1] if values else b""
        return out.reshape(dims)
    if proto.tensor_content:
        flat = np.frombuffer(proto.tensor_content, dtype=np.dtype(np_dtype).newbyteorder("<"))
        if flat.size != size:
            raise ValueError(
                f"Node '{node_name}': tensor_content holds {flat.size} elements, its shape "
                f"{dims} needs {size}"
            )
        return flat.astype(np_dtype).reshape(dims)
    values = list(getattr(proto, _VALUE_FIELD[_dtype_base(proto.dtype)]))
    if len(values) > size:
        raise ValueError(
            f"Node '{node_name}': the tensor holds {len(values)} values, its shape {dims} "
            f"needs {size}"
        )
    out = np.zeros(size, dtype=np_dtype)
    if values:
        out[: len(values)] = values
        out[len(values) :] = values[-1]
    return out.reshape(dims)


def _dtype_base(tf_enum: int) -> int:
    return tf_enum - _REF_OFFSET if tf_enum > _REF_OFFSET else tf_enum


def attr_proto(value) -> attr_value_pb2.AttrValue:
    """Returns a varflow attribute value (as ``Node.get_attr`` returns it) as an ``AttrValue``.

    Args:
      value: A bool, int, float, string, ``_core.DType``, ``_core.Shape``, NumPy array, or
        list of ints or floats.

    Returns:
      An ``AttrValue`` proto.

    Raises:
      TypeError: for a value with no ``AttrValue`` encoding.
    """
    if isinstance(value, bool):
        return attr_value_pb2.AttrValue(b=value)
    if isinstance(value, int):
        return attr_value_pb2.AttrValue(i=value)
    if isinstance(value, float):
        return attr_value_pb2.AttrValue(f=value)
    if isinstance(value, str):
        return attr_value_pb2.AttrValue(s=value.encode())
    if isinstance(value, _core.DType):
        return attr_value_pb2.AttrValue(type=_TO_TF[value])
    if isinstance(value, _core.Shape):
        return attr_value_pb2.AttrValue(shape=shape_proto(value.dims))
    if isinstance(value, np.ndarray):
        return attr_value_pb2.AttrValue(tensor=tensor_proto(value))
    if isinstance(value, (list, tuple)):
        proto = attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue())
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            proto.list.i.extend(value)
        else:
            proto.list.f.extend(value)
        return proto
    raise TypeError(f"Attribute value {value!r} has no AttrValue encoding")


def attr_from_proto(proto, node_name: str, attr_name: str):
    """Returns an ``AttrValue`` as the value ``Graph.add_node`` takes.

    Args:
      proto: An ``AttrValue`` proto.
      node_name: The node being imported, for the error message.
      attr_name: The attribute's name, for the error message.

    Returns:
      A bool, int, float, string, ``_core.DType``, ``_core.Shape``, NumPy array, or list.

    Raises:
      ValueError: for a value varflow cannot hold (a list of strings, types or shapes).
    """
    kind = proto.WhichOneof("value")
    if kind == "b":
        return bool(proto.b)
    if kind == "i":
        return int(proto.i)
    if kind == "f":
        return float(proto.f)
    if kind == "s":
        return proto.s.decode("utf-8", errors="replace")
    if kind == "type":
        return varflow_dtype(proto.type, node_name)
    if kind == "shape":
        return _core.Shape(shape_dims(proto.shape))
    if kind == "tensor":
        return tensor_array(proto.tensor, node_name)
    if kind == "list":
        if proto.list.f:
            return [float(v) for v in proto.list.f]
        if proto.list.i or not any(
            (proto.list.s, proto.list.type, proto.list.shape, proto.list.tensor)
        ):
            return [int(v) for v in proto.list.i]
    raise ValueError(
        f"Attribute '{attr_name}' of node '{node_name}' has a value varflow cannot hold: "
        f"{str(proto).strip()}"
    )


def default_matches(proto, default) -> bool:
    """Returns whether an ``AttrValue`` equals an ``OpDef``'s default.

    TensorFlow compares them as protos, so this compares their deterministic encodings.

    Args:
      proto: An ``AttrValue`` proto.
      default: The ``OpDef``'s default ``AttrValue``.

    Returns:
      A bool.
    """
    return proto.SerializeToString(deterministic=True) == default.SerializeToString(
        deterministic=True
    )
