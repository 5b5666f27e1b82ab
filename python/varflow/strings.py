"""``tf.strings``: the string ops under their TF1 module names."""

from varflow.string_ops import (
    as_string,
    format,
    join,
    length,
    regex_full_match,
    regex_replace,
    split,
    to_number,
)

__all__ = [
    "as_string",
    "format",
    "join",
    "length",
    "regex_full_match",
    "regex_replace",
    "split",
    "to_number",
]
