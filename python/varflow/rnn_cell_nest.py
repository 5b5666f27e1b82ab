"""The slice of TF1's ``nest`` that the RNN code needs: states are nested tuples (LSTMStateTuple,
MultiRNNCell's tuple of per-layer states) and every driver flattens and repacks them."""

from __future__ import annotations


def is_sequence(x) -> bool:
    """Returns True if ``x`` is a list or a tuple (namedtuples included).

    Unlike TF1's ``nest.is_sequence``, dicts are not sequences here: RNN states are nested
    tuples (``LSTMStateTuple``, ``MultiRNNCell``'s tuple of layer states), never dicts.

    Args:
      x: Any object.

    Returns:
      A bool.
    """
    return isinstance(x, (list, tuple))


def _children(x):
    return list(x)


def _rebuild(structure, items):
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):  # namedtuple
        return type(structure)(*items)
    return type(structure)(items)


def flatten(structure) -> list:
    """Returns the leaves of a nested structure as a flat list, depth first.

    A non-sequence ``structure`` gives the one-element list ``[structure]``.

    Args:
      structure: A leaf, or a (nested) list or tuple.

    Returns:
      A Python list of the leaves.
    """
    if not is_sequence(structure):
        return [structure]
    out = []
    for child in _children(structure):
        out.extend(flatten(child))
    return out


def pack_sequence_as(structure, flat_sequence):
    """Returns ``flat_sequence`` packed into the nested structure of ``structure``.

    The inverse of ``flatten``: lists stay lists, tuples stay tuples and namedtuples are
    rebuilt with their own class.

    Args:
      structure: A leaf, or a (nested) list or tuple, giving the structure.
      flat_sequence: A flat sequence with one item per leaf of ``structure``.

    Returns:
      ``flat_sequence``'s items in the structure of ``structure`` (the single item if
      ``structure`` is a leaf).

    Raises:
      ValueError: if ``flat_sequence`` does not have as many items as ``structure`` has
        leaves.
    """
    flat_sequence = list(flat_sequence)
    if not is_sequence(structure):
        if len(flat_sequence) != 1:
            raise ValueError(
                f"Structure is a scalar but len(flat_sequence) == {len(flat_sequence)} > 1"
            )
        return flat_sequence[0]
    want = len(flatten(structure))
    if want != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {want} elements, but flat_sequence had "
            f"{len(flat_sequence)} elements.  Structure: {structure}, flat_sequence: "
            f"{flat_sequence}."
        )
    it = iter(flat_sequence)

    def build(s):
        if not is_sequence(s):
            return next(it)
        return _rebuild(s, [build(c) for c in _children(s)])

    return build(structure)


def assert_same_structure(a, b) -> None:
    """Asserts that two structures are nested in the same way.

    Leaves may differ in type and value; only the nesting and the lengths of the sequences
    are compared (TF1's ``check_types=False``).

    Args:
      a: A leaf or a (nested) list or tuple.
      b: A leaf or a (nested) list or tuple.

    Raises:
      ValueError: if the two structures do not have the same nesting, naming both.
    """

    def same(x, y):
        if is_sequence(x) != is_sequence(y):
            return False
        if not is_sequence(x):
            return True
        if len(x) != len(y):
            return False
        return all(same(p, q) for p, q in zip(x, y, strict=True))

    if not same(a, b):
        raise ValueError(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: {a}\n\nSecond structure: {b}"
        )


def map_structure(fn, *structures):
    """Applies ``fn`` to the leaves of the structures, leaf by leaf.

    Args:
      fn: A callable taking as many arguments as there are structures.
      *structures: Structures of the same nesting.

    Returns:
      A structure like ``structures[0]`` holding ``fn(x[0], x[1], ...)`` for the leaves
      ``x[i]`` of ``structures[i]`` at each place.

    Raises:
      ValueError: if the structures are not nested in the same way.
    """
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats, strict=True)])


def flatten_up_to(shallow, structure) -> list:
    """Flattens ``structure`` only as deep as ``shallow`` goes.

    Where ``shallow`` has a leaf, the corresponding part of ``structure`` is kept whole,
    however deep it is.

    Args:
      shallow: A structure no deeper than ``structure``.
      structure: The structure to flatten.

    Returns:
      A flat list with one item per leaf of ``shallow``.

    Raises:
      ValueError: if ``structure`` does not contain ``shallow``'s nesting.
    """
    if not is_sequence(shallow):
        return [structure]
    if not is_sequence(structure) or len(structure) != len(shallow):
        raise ValueError(f"The structure {structure} does not match the shallow one {shallow}")
    out = []
    for s, x in zip(_children(shallow), _children(structure), strict=True):
        out.extend(flatten_up_to(s, x))
    return out


def enumerated_map_structure_up_to(shallow, fn, *structures):
    """Maps ``fn(index, *leaves)`` over the leaves of ``shallow`` (TF1's private helper).

    Each structure is flattened up to ``shallow`` and ``fn`` is called with the running
    index of the leaf and the items of every structure at that place; ``DropoutWrapper``
    uses the index to salt each dropout's seed.

    Args:
      shallow: The structure that decides how deep to go.
      fn: A callable ``fn(index, *items)``.
      *structures: Structures containing ``shallow``'s nesting.

    Returns:
      ``fn``'s results packed in the structure of ``shallow``.

    Raises:
      ValueError: if a structure does not contain ``shallow``'s nesting.
    """
    flats = [flatten_up_to(shallow, s) for s in structures]
    results = [fn(i, *xs) for i, xs in enumerate(zip(*flats, strict=True))]
    return pack_sequence_as(shallow, results)


def get_traverse_shallow_structure(traverse_fn, structure):
    """Generates a shallow structure from ``traverse_fn`` and ``structure``.

    ``traverse_fn`` is called on ``structure`` and, where it says so, on its children:
    returning a bool stops at that subtree (True keeps it, False drops it, as a leaf of the
    result); returning a structure of bools shallower than the subtree descends into the
    children it marks True. ``DropoutWrapper`` uses it to select the parts of a state to drop
    out.

    Args:
      traverse_fn: A callable taking a substructure and returning a bool or a structure of
        bools.
      structure: The structure to traverse.

    Returns:
      A structure of bools, no deeper than ``structure``.

    Raises:
      TypeError: if ``traverse_fn`` returns a non-bool for a leaf.
      ValueError: if a returned structure does not fit the subtree.
    """
    to_traverse = traverse_fn(structure)
    if not is_sequence(structure):
        if not isinstance(to_traverse, bool):
            raise TypeError(
                f"traverse_fn returned structure: {to_traverse} for non-structure: {structure}"
            )
        return to_traverse
    if isinstance(to_traverse, bool):
        if not to_traverse:
            return False
        return _rebuild(
            structure, [get_traverse_shallow_structure(traverse_fn, c) for c in structure]
        )
    # `to_traverse` is a structure of bools: descend into the children it marks True.
    marks = flatten(to_traverse)
    children = flatten_up_to(to_traverse, structure)
    result = [
        get_traverse_shallow_structure(traverse_fn, c) if m else False
        for m, c in zip(marks, children, strict=True)
    ]
    return pack_sequence_as(to_traverse, result)
