"""Nested element structures as tf.data gives them: tuples (and namedtuples) and dicts (keys
in sorted order) nest; anything else is one component. Lists are values to convert (a list of
numbers is one tensor), except that a list returned by a function is taken as a tuple, as TF
does."""

from __future__ import annotations


def _is_namedtuple(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def is_nested(value) -> bool:
    """Returns True if ``value`` nests in a dataset element: a tuple (namedtuple) or a dict.

    Lists are not nested: in an element, a list is a value to convert (a list of numbers
    is one tensor), as in TF.

    Args:
      value: Any object.

    Returns:
      A bool.
    """
    return isinstance(value, (tuple, dict))


def flatten(structure) -> list:
    """Returns the components of a dataset element's structure, in TF's order.

    Tuples are read in order and dicts by sorted key, recursively; anything else is one
    component.

    Args:
      structure: A component, or a tuple, namedtuple or dict of them (nested).

    Returns:
      A flat list of the components.
    """
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, tuple):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def map_structure(fn, structure):
    """Applies ``fn`` to every component of ``structure``, keeping its nesting.

    Namedtuples keep their class and dicts their type and key order.

    Args:
      fn: A callable of one component.
      structure: A component, or a tuple, namedtuple or dict of them (nested).

    Returns:
      ``structure`` with each component ``c`` replaced by ``fn(c)``.
    """
    if isinstance(structure, dict):
        return type(structure)((key, map_structure(fn, structure[key])) for key in structure)
    if _is_namedtuple(structure):
        return type(structure)(*(map_structure(fn, item) for item in structure))
    if isinstance(structure, tuple):
        return tuple(map_structure(fn, item) for item in structure)
    return fn(structure)


def pack_as(structure, flat: list):
    """Returns ``flat``'s values in the nesting of ``structure`` (the inverse of ``flatten``).

    Args:
      structure: The structure to follow.
      flat: A list with one value per component of ``structure``, in ``flatten``'s order.

    Returns:
      The values nested like ``structure``.
    """
    it = iter(flat)

    def build(s):
        if isinstance(s, dict):
            values = {key: build(s[key]) for key in sorted(s)}
            return type(s)((key, values[key]) for key in s)
        if _is_namedtuple(s):
            return type(s)(*(build(item) for item in s))
        if isinstance(s, tuple):
            return tuple(build(item) for item in s)
        return next(it)

    return build(structure)


def lists_to_tuples(structure):
    """A function's result with its lists read as tuples (TF's rule for returned values).

    ``Dataset.map`` functions often return ``[image, label]``; TF treats that list as a
    tuple of two components rather than one stacked tensor, and so does varflow.

    Args:
      structure: What the function returned.

    Returns:
      ``structure`` with every list (nested too) turned into a tuple.
    """
    if isinstance(structure, list):
        return tuple(lists_to_tuples(item) for item in structure)
    if isinstance(structure, dict):
        return type(structure)((k, lists_to_tuples(v)) for k, v in structure.items())
    if _is_namedtuple(structure):
        return type(structure)(*(lists_to_tuples(item) for item in structure))
    if isinstance(structure, tuple):
        return tuple(lists_to_tuples(item) for item in structure)
    return structure


def assert_same_structure(a, b, what: str) -> None:
    """Checks that two structures nest in the same way, as ``tf.nest`` does.

    Args:
      a: A structure.
      b: A structure.
      what: What is being checked, for the error message.

    Raises:
      TypeError: if one nests where the other does not, or in a different kind (tuple
        against dict).
      ValueError: if two tuples differ in length or two dicts in keys.
    """
    if isinstance(a, dict) != isinstance(b, dict) or isinstance(a, tuple) != isinstance(b, tuple):
        raise TypeError(
            f"{what}: the two structures don't have the same nested structure: {a} vs {b}"
        )
    if isinstance(a, dict):
        if sorted(a) != sorted(b):
            raise ValueError(
                f"{what}: the two structures have different keys: {sorted(a)} vs {sorted(b)}"
            )
        for key in a:
            assert_same_structure(a[key], b[key], what)
    elif isinstance(a, tuple):
        if len(a) != len(b):
            raise ValueError(
                f"{what}: the two structures don't have the same number of elements: "
                f"{len(a)} vs {len(b)}"
            )
        for x, y in zip(a, b, strict=True):
            assert_same_structure(x, y, what)


def flatten_up_to(shallow, value, what: str) -> list:
    """Flattens ``value`` down to the components of ``shallow`` (TF's ``nest.flatten_up_to``).

    Where ``shallow`` has a component, the corresponding part of ``value`` stays whole: a
    shape such as ``(None, 3)`` given for one component is not split. A list in ``value``
    counts as a tuple.

    Args:
      shallow: The element structure (the dataset's ``output_types``, say).
      value: A structure at least as deep as ``shallow`` (padded shapes, padding values).
      what: The argument's name, for the error message.

    Returns:
      A flat list with one item per component of ``shallow``.

    Raises:
      ValueError: if ``value`` does not nest like ``shallow``.
    """
    if isinstance(shallow, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(shallow):
            raise ValueError(
                f"The structure of `{what}` ({value!r}) does not match the dataset's ({shallow!r})"
            )
        return [
            leaf
            for key in sorted(shallow)
            for leaf in flatten_up_to(shallow[key], value[key], what)
        ]
    if isinstance(shallow, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(shallow):
            raise ValueError(
                f"The structure of `{what}` ({value!r}) does not match the dataset's ({shallow!r})"
            )
        return [
            leaf for s, v in zip(shallow, value, strict=True) for leaf in flatten_up_to(s, v, what)
        ]
    return [value]


class SparseComponents(tuple):
    """A SparseTensor component of a dataset element, carried as its three dense tensors
    (indices, values, dense_shape): the pipeline moves tensors, the Python edges (function
    arguments, get_next) give SparseTensors."""

    __slots__ = ()
    _fields = ("indices", "values", "dense_shape")

    def __new__(cls, indices, values, dense_shape):
        return super().__new__(cls, (indices, values, dense_shape))


def has_sparse(structure) -> bool:
    """Whether `structure` holds a SparseComponents.

    Args:
      structure: A nested element structure.

    Returns:
      True if any component is sparse.
    """
    if isinstance(structure, SparseComponents):
        return True
    if isinstance(structure, dict):
        return any(has_sparse(v) for v in structure.values())
    if isinstance(structure, tuple):
        return any(has_sparse(v) for v in structure)
    return False


def sparse_starts(structure) -> list:
    """The flat positions (``flatten``'s order) of each sparse component's indices.

    Args:
      structure: A nested element structure (of dtypes, shapes or tensors).

    Returns:
      A list of ints: each SparseComponents' first flat position, in order.
    """

    def mark(s):
        if isinstance(s, SparseComponents):
            return SparseComponents(True, False, False)
        if isinstance(s, dict):
            return type(s)((k, mark(v)) for k, v in s.items())
        if _is_namedtuple(s):
            return type(s)(*(mark(v) for v in s))
        if isinstance(s, tuple):
            return tuple(mark(v) for v in s)
        return False

    return [i for i, m in enumerate(flatten(mark(structure))) if m is True]


def sparse_to_components(structure):
    """Each SparseTensor (or SparseTensorValue) in `structure` as SparseComponents.

    Args:
      structure: A nested structure of tensors and SparseTensors.

    Returns:
      The structure with each SparseTensor replaced.
    """
    from varflow.sparse_tensor import SparseTensor, SparseTensorValue

    def convert(s):
        if isinstance(s, SparseTensorValue):
            s = SparseTensor.from_value(s)
        if isinstance(s, SparseTensor):
            return SparseComponents(s.indices, s.values, s.dense_shape)
        if isinstance(s, dict):
            return type(s)((k, convert(v)) for k, v in s.items())
        if _is_namedtuple(s):
            return type(s)(*(convert(v) for v in s))
        if isinstance(s, tuple):
            return tuple(convert(v) for v in s)
        return s

    return convert(structure)


def components_to_sparse(structure):
    """Each SparseComponents of tensors in `structure` as a SparseTensor.

    Args:
      structure: A nested structure of tensors and SparseComponents.

    Returns:
      The structure with each SparseComponents replaced.
    """
    from varflow.sparse_tensor import SparseTensor

    def convert(s):
        if isinstance(s, SparseComponents):
            return SparseTensor(*s)
        if isinstance(s, dict):
            return type(s)((k, convert(v)) for k, v in s.items())
        if _is_namedtuple(s):
            return type(s)(*(convert(v) for v in s))
        if isinstance(s, tuple):
            return tuple(convert(v) for v in s)
        return s

    return convert(structure)
