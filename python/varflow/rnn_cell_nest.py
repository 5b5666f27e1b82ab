"""The slice of TF1's ``nest`` that the RNN code needs: states are nested tuples (LSTMStateTuple,
MultiRNNCell's tuple of per-layer states) and every driver flattens and repacks them."""

from __future__ import annotations


def is_sequence(x) -> bool:
    return isinstance(x, (list, tuple))


def _children(x):
    return list(x)


def _rebuild(structure, items):
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):  # namedtuple
        return type(structure)(*items)
    return type(structure)(items)


def flatten(structure) -> list:
    if not is_sequence(structure):
        return [structure]
    out = []
    for child in _children(structure):
        out.extend(flatten(child))
    return out


def pack_sequence_as(structure, flat_sequence):
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
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats, strict=True)])


def flatten_up_to(shallow, structure) -> list:
    """Flattens `structure` only as deep as `shallow` goes (deeper parts stay whole)."""
    if not is_sequence(shallow):
        return [structure]
    if not is_sequence(structure) or len(structure) != len(shallow):
        raise ValueError(f"The structure {structure} does not match the shallow one {shallow}")
    out = []
    for s, x in zip(_children(shallow), _children(structure), strict=True):
        out.extend(flatten_up_to(s, x))
    return out


def enumerated_map_structure_up_to(shallow, fn, *structures):
    """TF1's _enumerated_map_structure_up_to: fn(index, *leaves) over `shallow`'s leaves."""
    flats = [flatten_up_to(shallow, s) for s in structures]
    results = [fn(i, *xs) for i, xs in enumerate(zip(*flats, strict=True))]
    return pack_sequence_as(shallow, results)


def get_traverse_shallow_structure(traverse_fn, structure):
    """TF1's nest.get_traverse_shallow_structure: traverse_fn returns a bool (stop there) or a
    structure of bools shallower than the subtree (keep descending where it is a sequence)."""
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
