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


def length(input, name=None, unit="BYTE") -> Tensor:
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
    input,
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


format = string_format


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


def _sparse_result(op, result_type):
    from varflow.sparse_tensor import SparseTensor

    if result_type != "SparseTensor":
        # varflow has no RaggedTensor; TF1 raises ValueError for an unknown result_type too.
        raise ValueError(
            f"result_type must be 'SparseTensor' (varflow has no RaggedTensor), got {result_type!r}"
        )
    return SparseTensor(op.outputs[0], op.outputs[1], op.outputs[2])


def string_split(
    source, sep=None, skip_empty=True, delimiter=None, result_type="SparseTensor", name=None
):
    """Splits the elements of `source` at any byte of `delimiter` (op ``StringSplit``).

    An empty `delimiter` splits each string into its bytes. Tokens are the values of a
    `SparseTensor` whose row is the element's index and column the token's position;
    its dense_shape is ``[len(source), the most tokens of an element]``.

    Args:
      source: A 1-D string `Tensor`, the strings to split.
      sep: 0-D string `Tensor`, the delimiter characters (an alias of `delimiter`).
      skip_empty: Whether to drop empty tokens.
      delimiter: Deprecated alias for `sep`; the default is ``" "``.
      result_type: ``"SparseTensor"`` (the only one varflow has).
      name: A name for the operation (optional).

    Returns:
      A `SparseTensor` of rank 2 with the tokens.

    Raises:
      ValueError: If both `sep` and `delimiter` are given, or for another `result_type`.
      InvalidArgumentError: When run, if `source` is not a vector.
    """
    from varflow.graph import name_scope

    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'")
    delimiter = sep if sep is not None else delimiter
    if delimiter is None:
        delimiter = " "
    with name_scope(name, "StringSplit", [source]):
        op = get_default_graph().create_op(
            "StringSplit",
            [_strings(source), _strings(delimiter)],
            {"skip_empty": bool(skip_empty)},
            name="StringSplit",
        )
        return _sparse_result(op, result_type)


def split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None, name=None):
    """Splits each string of `input` as Python's ``str.split(sep, maxsplit)`` (``StringSplitV2``).

    With `sep` None or empty, strings split on runs of whitespace and empty tokens are
    dropped; otherwise at each occurrence of `sep`, keeping empty tokens.

    Args:
      input: A 1-D string `Tensor`, the strings to split.
      sep: A 0-D string `Tensor`, the separator (default: whitespace).
      maxsplit: The most splits per string; -1 means no limit.
      result_type: ``"SparseTensor"`` (TF1's default and the only one varflow has).
      source: Deprecated alias for `input`.
      name: A name for the operation (optional).

    Returns:
      A `SparseTensor` of rank 2 with the tokens.

    Raises:
      ValueError: If both `input` and `source` are given, or for another `result_type`.
    """
    from varflow.graph import name_scope

    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'input' and 'source'")
    input = source if input is None else input
    with name_scope(name, "StringSplit", [input]):
        op = get_default_graph().create_op(
            "StringSplitV2",
            [_strings(input), _strings("" if sep is None else sep)],
            {"maxsplit": int(maxsplit)},
            name="StringSplitV2",
        )
        return _sparse_result(op, result_type)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None) -> Tensor:
    """Replaces the matches of `pattern` in each string of `input` with `rewrite`.

    The pattern uses RE2's syntax (see ``cpp/src/ops/regex_ops.cc`` for the parts varflow
    refuses); the rewrite inserts groups with ``\\0``..``\\9``. Python strings as `pattern`
    and `rewrite` give op ``StaticRegexReplace``, tensors op ``RegexReplace``.

    Args:
      input: A string `Tensor`, the text to be processed.
      pattern: A scalar string: the regular expression to match.
      rewrite: A scalar string: the replacement of each match.
      replace_global: If True, replace every match; else only the first.
      name: A name for the operation (optional).

    Returns:
      A string `Tensor` of `input`'s shape.

    Raises:
      InvalidArgumentError: When run, for an invalid pattern or rewrite.
      UnimplementedError: When run, for RE2 syntax that varflow's engine does not have.
    """
    if isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes)):
        attrs = {
            "pattern": pattern.decode() if isinstance(pattern, bytes) else pattern,
            "rewrite": rewrite.decode() if isinstance(rewrite, bytes) else rewrite,
            "replace_global": bool(replace_global),
        }
        return _op("StaticRegexReplace", [_strings(input)], attrs, name or "StaticRegexReplace")
    return _op(
        "RegexReplace",
        [_strings(input), _strings(pattern), _strings(rewrite)],
        {"replace_global": bool(replace_global)},
        name or "RegexReplace",
    )


def regex_full_match(input, pattern, name=None) -> Tensor:
    """Whether each whole string of `input` matches `pattern` (RE2 syntax).

    A Python string `pattern` gives op ``StaticRegexFullMatch``, a tensor ``RegexFullMatch``.

    Args:
      input: A string `Tensor`.
      pattern: A scalar string: the regular expression.
      name: A name for the operation (optional).

    Returns:
      A bool `Tensor` of `input`'s shape.

    Raises:
      InvalidArgumentError: When run, for an invalid pattern.
      UnimplementedError: When run, for RE2 syntax that varflow's engine does not have.
    """
    if isinstance(pattern, (str, bytes)):
        text = pattern.decode() if isinstance(pattern, bytes) else pattern
        return _op(
            "StaticRegexFullMatch",
            [_strings(input)],
            {"pattern": text},
            name or "StaticRegexFullMatch",
        )
    return _op(
        "RegexFullMatch", [_strings(input), _strings(pattern)], None, name or "RegexFullMatch"
    )
