"""TF1's TensorShape and Dimension (unknown dimensions print as ``?``)."""

from __future__ import annotations


class Dimension:
    """Represents the value of one dimension in a TensorShape (an int, or None if unknown)."""

    __slots__ = ("_value",)

    def __init__(self, value):
        """Creates a new Dimension with the given value.

        Args:
          value: A non-negative int, another `Dimension`, or None for an unknown dimension.
        """
        self._value = None if value is None else int(value)

    @property
    def value(self):
        """The value of this dimension, or None if it is unknown."""
        return self._value

    def __int__(self) -> int:
        if self._value is None:
            raise TypeError("Cannot convert an unknown Dimension to an int")
        return self._value

    __index__ = __int__

    def __eq__(self, other) -> bool:
        other = other.value if isinstance(other, Dimension) else other
        if self._value is None or other is None:
            return None
        return self._value == other

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return f"Dimension({self._value})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)


class TensorShape:
    """A possibly partial shape: ``dims`` is None (unknown rank) or a list of int or None."""

    __slots__ = ("_dims",)

    def __init__(self, dims):
        """Creates a new TensorShape with the given dimensions.

        Args:
          dims: A list of Dimensions (or ints, or None), a `TensorShape`, or None for a shape
            of unknown rank.
        """
        if dims is None:
            self._dims = None
        elif isinstance(dims, TensorShape):
            self._dims = dims._dims
        else:
            self._dims = [
                d.value if isinstance(d, Dimension) else (None if d is None or d == -1 else int(d))
                for d in dims
            ]

    @property
    def dims(self):
        """Returns a list of Dimensions, or None if the shape is unspecified."""
        return None if self._dims is None else [Dimension(d) for d in self._dims]

    @property
    def ndims(self):
        """Returns the rank of this shape, or None if it is unspecified."""
        return None if self._dims is None else len(self._dims)

    rank = ndims

    def as_list(self):
        """Returns a list of integers or `None` for each dimension.

        Returns:
          A list of integers or `None` for each dimension.

        Raises:
          ValueError: If `self` is an unknown shape with an unknown rank.
        """
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self._dims)

    def is_fully_defined(self) -> bool:
        """Returns True iff `self` is fully defined in every dimension."""
        return self._dims is not None and all(d is not None for d in self._dims)

    def num_elements(self):
        """Returns the total number of elements, or none for incomplete shapes."""
        if not self.is_fully_defined():
            return None
        n = 1
        for d in self._dims:
            n *= d
        return n

    def is_compatible_with(self, other) -> bool:
        """Returns True iff `self` is compatible with `other`.

        Two possibly-partially-defined shapes are compatible if there exists a fully-defined
        shape that both shapes can represent: their ranks agree (or one is unknown) and every
        pair of dimensions is equal or has an unknown member.

        Args:
          other: Another TensorShape (or a value `as_shape` accepts).

        Returns:
          True iff `self` is compatible with `other`.
        """
        other = as_shape(other)
        if self._dims is None or other._dims is None:
            return True
        if len(self._dims) != len(other._dims):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self._dims, other._dims))

    def merge_with(self, other) -> TensorShape:
        """The shape with every dimension either shape knows.

        Args:
          other: a shape compatible with this one.

        Returns:
          The merged TensorShape.

        Raises:
          ValueError: if the shapes are not compatible.
        """
        other = as_shape(other)
        if self._dims is None:
            return other
        if other._dims is None:
            return self
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {other} are not compatible")
        return TensorShape([a if a is not None else b for a, b in zip(self._dims, other._dims)])

    def assert_is_compatible_with(self, other) -> None:
        """Raises exception if `self` and `other` do not represent the same shape.

        This method can be used to assert that there exists a shape that both `self` and
        `other` represent.

        Args:
          other: Another TensorShape.

        Raises:
          ValueError: If `self` and `other` do not represent the same shape.
        """
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {as_shape(other)} are incompatible")

    def __len__(self) -> int:
        if self._dims is None:
            raise ValueError("Cannot take the length of Shape with unknown rank.")
        return len(self._dims)

    def __getitem__(self, key):
        if self._dims is None:
            return Dimension(None) if not isinstance(key, slice) else TensorShape(None)
        if isinstance(key, slice):
            return TensorShape(self._dims[key])
        return Dimension(self._dims[key])

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(Dimension(d) for d in self._dims)

    def __eq__(self, other) -> bool:
        try:
            other = as_shape(other)
        except TypeError:
            return NotImplemented
        return self._dims == other._dims

    def __hash__(self) -> int:
        return hash(None if self._dims is None else tuple(self._dims))

    def __repr__(self) -> str:
        if self._dims is None:
            return "TensorShape(None)"
        return f"TensorShape({[Dimension(d) for d in self._dims]})"

    def __str__(self) -> str:
        if self._dims is None:
            return "<unknown>"
        parts = ["?" if d is None else str(d) for d in self._dims]
        if len(parts) == 1:
            return f"({parts[0]},)"
        return "(" + ", ".join(parts) + ")"


def as_shape(shape) -> TensorShape:
    """Converts the given object to a TensorShape.

    Args:
      shape: A `TensorShape`, a list of ints and None, or None.

    Returns:
      A `TensorShape` (`shape` itself if it is one).
    """
    return shape if isinstance(shape, TensorShape) else TensorShape(shape)


def unknown_shape() -> TensorShape:
    """Returns an unknown TensorShape (of unknown rank).

    Returns:
      An unknown TensorShape.
    """
    return TensorShape(None)
