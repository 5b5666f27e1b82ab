"""TF1's string ops: ``tf.strings.join/length/format/to_number``, ``tf.as_string``."""

from __future__ import annotations

from varflow import dtypes
from varflow.graph import Tensor, convert_to_tensor, get_default_graph


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


def _strings(value) -> Tensor:
    return convert_to_tensor(value, dtype=dtypes.string)


def string_join(inputs, separator="", name=None) -> Tensor:
    """Joins the strings of several tensors element-wise (op ``StringJoin``).

    Args:
      inputs: A list of string tensors (or Python strings), all of one shape or scalars;
        scalars repeat across the others' shape.
      separator: A string put between the joined strings.
      name: A name for the operation (optional).

    Returns:
      A string `Tensor` of the inputs' common shape.

    Raises:
      ValueError: If the inputs' shapes are known to differ.
    """
    tensors = [_strings(v) for v in inputs]
    attrs = {"separator": str(separator), "N": len(tensors)}
    return _op("StringJoin", tensors, attrs, name or "StringJoin")


join = string_join


def length(input, name=None, unit="BYTE") -> Tensor:  # noqa: A002
    """The length of each string (op ``StringLength``).

    Args:
      input: A string `Tensor`.
      name: A name for the operation (optional).
      unit: ``"BYTE"`` (the default) counts bytes, ``"UTF8_CHAR"`` UTF-8 characters.

    Returns:
      An int32 `Tensor` of `input`'s shape.
    """
    return _op("StringLength", [_strings(input)], {"unit": unit}, name or "StringLength")


string_length = length


def as_string(
    input,  # noqa: A002
    precision=-1,
    scientific=False,
    shortest=False,
    width=-1,
    fill="",
    name=None,
) -> Tensor:
    """Formats each element as text with TF's printf formats (op ``AsString``).

    Args:
      input: A numeric, bool or string `Tensor`.
      precision: Digits after the decimal point for floating types; -1 is printf's default (6).
      scientific: Exponent notation (``1.000000e+10``) for floating types.
      shortest: The shorter of fixed and exponent notation (``%g``) for floating types.
      width: Pad each element to this width; -1 pads nothing.
      fill: The padding: one of ``" "``, ``"0"`` (left), ``"-"`` (right), ``"+"`` and ``"#"``
        (printf's flags), or empty for spaces.
      name: A name for the operation (optional).

    Returns:
      A string `Tensor` of `input`'s shape.

    Raises:
      InvalidArgumentError: When run, for both `scientific` and `shortest`, a `fill` that is
        not one of the flags, or a `precision` for a non-floating type.
    """
    attrs = {
        "precision": int(precision),
        "scientific": bool(scientific),
        "shortest": bool(shortest),
        "width": int(width),
        "fill": str(fill),
    }
    return _op("AsString", [convert_to_tensor(input)], attrs, name or "AsString")


def string_format(template, inputs, placeholder="{}", summarize=3, name=None) -> Tensor:
    """Formats tensors into a template string (op ``StringFormat``).

    Each `placeholder` in `template` is replaced by a summary of the next tensor as TF prints
    tensors: ``[0 1 2 ... 7 8 9]``, nested brackets per dimension, strings quoted.

    Args:
      template: The text, with one `placeholder` per input.
      inputs: A tensor or a list of tensors.
      placeholder: The marker of an input's place in `template`.
      summarize: Elements printed at each end of each dimension; -1 prints all of them.
      name: A name for the operation (optional).

    Returns:
      A scalar string `Tensor`.

    Raises:
      ValueError: If `template` has not one placeholder per input.
    """
    if isinstance(inputs, (list, tuple)):
        tensors = [convert_to_tensor(v) for v in inputs]
    else:
        tensors = [convert_to_tensor(inputs)]
    attrs = {"template": template, "placeholder": placeholder, "summarize": int(summarize)}
    return _op("StringFormat", tensors, attrs, name or "StringFormat")


format = string_format  # noqa: A001 - tf.strings.format


def string_to_number(string_tensor, out_type=dtypes.float32, name=None) -> Tensor:
    """Parses each string as a number (op ``StringToNumber``).

    Spaces around the number are allowed; floats also take hex, ``inf`` and ``nan``.

    Args:
      string_tensor: A string `Tensor`.
      out_type: float32 (the default), float64, int32 or int64.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of `out_type` and `string_tensor`'s shape.

    Raises:
      InvalidArgumentError: When run, for a string that is not a number of `out_type`
        ("StringToNumberOp could not correctly convert string: ...").
    """
    attrs = {"out_type": dtypes.as_dtype(out_type)._core}
    return _op("StringToNumber", [_strings(string_tensor)], attrs, name or "StringToNumber")


to_number = string_to_number
