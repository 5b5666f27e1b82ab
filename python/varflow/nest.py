"""tf.nest: nested structures of lists, tuples, namedtuples and dicts, as TF1 walks them.

Dicts are walked by sorted key; anything else (tensors, TensorArrays, numbers, None) is a leaf.
"""

from __future__ import annotations

import collections.abc


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_sequence(x) -> bool:
    """True for the containers nest walks into: lists, tuples, namedtuples and mappings.

    Args:
      x: any Python value.

    Returns:
      Whether `x` is a structure rather than a leaf.
    """
    return isinstance(x, (list, tuple, collections.abc.Mapping))


is_nested = is_sequence


def _children(x) -> list:
    if isinstance(x, collections.abc.Mapping):
        return [x[k] for k in sorted(x)]
    return list(x)


def flatten(structure, expand_composites=False) -> list:
    """The leaves of `structure`, depth first (dicts by sorted key).

    Args:
      structure: a leaf or a nested structure.
      expand_composites: accepted for TF compatibility; varflow has no composite tensors.

    Returns:
      A flat list of the leaves (a leaf alone gives ``[leaf]``).
    """
    if not is_sequence(structure):
        return [structure]
    out = []
    for child in _children(structure):
        out.extend(flatten(child))
    return out


def _rebuild(template, children: list):
    if isinstance(template, collections.abc.Mapping):
        keys = sorted(template)
        values = dict(zip(keys, children, strict=False))
        return type(template)((k, values[k]) for k in template)
    if _is_namedtuple(template):
        return type(template)(*children)
    return type(template)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """`flat_sequence` packed into the shape of `structure`.

    Args:
      structure: the nested structure to copy.
      flat_sequence: as many leaves as `structure` has.
      expand_composites: accepted for TF compatibility.

    Returns:
      A structure like `structure` holding the leaves of `flat_sequence`.

    Raises:
      ValueError: if the counts differ.
    """
    flat_sequence = list(flat_sequence)
    count = len(flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {count} elements, but flat_sequence had "
            f"{len(flat_sequence)} elements."
        )
    position = [0]

    def build(template):
        if not is_sequence(template):
            value = flat_sequence[position[0]]
            position[0] += 1
            return value
        return _rebuild(template, [build(c) for c in _children(template)])

    return build(structure)


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False) -> None:
    """Raises unless both structures nest the same way.

    Args:
      nest1: a structure.
      nest2: a structure.
      check_types: also require the same container types.
      expand_composites: accepted for TF compatibility.

    Raises:
      ValueError: when the nesting or the number of leaves differs.
      TypeError: when `check_types` and a container type differs.
    """

    def walk(a, b):
        if is_sequence(a) != is_sequence(b):
            raise ValueError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {nest1}\n\nSecond structure: {nest2}"
            )
        if not is_sequence(a):
            return
        if check_types and type(a) is not type(b):
            raise TypeError(
                "The two structures don't have the same sequence type. First structure has "
                f"type {type(a)}, while second structure has type {type(b)}."
            )
        ca, cb = _children(a), _children(b)
        if len(ca) != len(cb) or (
            isinstance(a, collections.abc.Mapping) and sorted(a) != sorted(b)
        ):
            raise ValueError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {nest1}\n\nSecond structure: {nest2}"
            )
        for x, y in zip(ca, cb, strict=False):
            walk(x, y)

    walk(nest1, nest2)


def map_structure(func, *structure, **kwargs):
    """`func` applied to the leaves of the structures, packed like the first.

    Args:
      func: called with one leaf of each structure.
      *structure: structures of the same nesting.
      **kwargs: ``check_types`` (default True) as for assert_same_structure.

    Returns:
      A structure like ``structure[0]`` of func's results.
    """
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are check_types, not {sorted(kwargs)}")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flats, strict=False)])


__all__ = [
    "assert_same_structure",
    "flatten",
    "is_nested",
    "is_sequence",
    "map_structure",
    "pack_sequence_as",
]
