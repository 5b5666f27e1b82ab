"""TF1's string ops: ``tf.strings.join/length/format/to_number``, ``tf.as_string``."""

from __future__ import annotations

from varflow import dtypes
from varflow.graph import Tensor, convert_to_tensor, get_default_graph


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


def _strings(value) -> Tensor:
    return convert_to_tensor(value, dtype=dtypes.string)


def string_join(inputs, separator="", name=None) -> Tensor:
    """Element-wise concatenation of string tensors; scalars repeat across the others' shape."""
    tensors = [_strings(v) for v in inputs]
    return _op(
        "StringJoin",
        tensors,
        {"separator": str(separator), "N": len(tensors)},
        name or "StringJoin",
    )


join = string_join


def length(input, name=None, unit="BYTE") -> Tensor:
    """The length of each string: in bytes, or with ``unit="UTF8_CHAR"`` in characters."""
    return _op("StringLength", [_strings(input)], {"unit": unit}, name or "StringLength")


string_length = length


def as_string(
    input,
    precision=-1,
    scientific=False,
    shortest=False,
    width=-1,
    fill="",
    name=None,
) -> Tensor:
    """Each element as text, formatted as TF's printf formats do (``3.140000``, ``1e+10``)."""
    attrs = {
        "precision": int(precision),
        "scientific": bool(scientific),
        "shortest": bool(shortest),
        "width": int(width),
        "fill": str(fill),
    }
    return _op("AsString", [convert_to_tensor(input)], attrs, name or "AsString")


def string_format(template, inputs, placeholder="{}", summarize=3, name=None) -> Tensor:
    """A scalar string: `template` with each `placeholder` replaced by a summary of the next
    tensor, as TF prints them (``[0 1 2 ... 7 8 9]``)."""
    if isinstance(inputs, (list, tuple)):
        tensors = [convert_to_tensor(v) for v in inputs]
    else:
        tensors = [convert_to_tensor(inputs)]
    attrs = {"template": template, "placeholder": placeholder, "summarize": int(summarize)}
    return _op("StringFormat", tensors, attrs, name or "StringFormat")


format = string_format


def string_to_number(string_tensor, out_type=dtypes.float32, name=None) -> Tensor:
    """Parses each string as a number of `out_type` (float32, float64, int32 or int64)."""
    attrs = {"out_type": dtypes.as_dtype(out_type)._core}
    return _op("StringToNumber", [_strings(string_tensor)], attrs, name or "StringToNumber")


to_number = string_to_number
