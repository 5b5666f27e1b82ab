"""Element types with TF1's names (``tf.float32``...)."""

from __future__ import annotations

import builtins

import numpy as np

from varflow import _core


def _bfloat16_numpy():
    """ml_dtypes' bfloat16 (what TensorFlow uses: NumPy has none), or None without it."""
    try:
        import ml_dtypes
    except ImportError:
        return None
    return np.dtype(ml_dtypes.bfloat16)


class DType:
    """A tensor element type; ``repr`` is ``tf.float32`` as in TF1."""

    __slots__ = ("_core", "_kind", "_name", "_np", "_ref", "_size")

    def __init__(self, name: str, core, np_dtype, kind: str, size: int, ref: bool = False):
        """Creates a DType; use the module's constants (``tf.float32``) or `as_dtype` instead.

        Args:
          name: The base dtype's name (``"float32"``).
          core: The matching ``varflow._core.DType``.
          np_dtype: Its NumPy dtype (None for bfloat16 without ml_dtypes).
          kind: NumPy's kind letter of the type (``"f"`` for bfloat16, ``"S"`` for string).
          size: Bytes per element as TF1 reports it.
          ref: True for the ``_ref`` type of a variable.
        """
        self._name = name
        self._core = core
        # None only for bfloat16 without ml_dtypes; string's NumPy type is object (bytes items).
        self._np = np_dtype
        self._kind = kind  # NumPy's kind letter, "f" for bfloat16, "S" for string
        self._size = size
        self._ref = ref

    @property
    def name(self) -> str:
        """The dtype's name, with ``_ref`` for a reference type (``float32_ref``)."""
        return self._name + ("_ref" if self._ref else "")

    @property
    def as_numpy_dtype(self):
        """The NumPy type of the elements (``np.object_`` for string, ml_dtypes' bfloat16)."""
        if self._np is None:
            raise TypeError("tf.bfloat16 needs the ml_dtypes package for its NumPy type")
        return self._np.type

    @property
    def as_datatype_enum(self) -> int:
        """TensorFlow's ``DataType`` enum value (types.proto), +100 for a reference type."""
        return _TF_ENUM[self._name] + (100 if self._ref else 0)

    @property
    def base_dtype(self) -> DType:
        """The dtype without ``_ref``."""
        return _BY_NAME[self._name]

    @property
    def real_dtype(self) -> DType:
        """The type of a complex type's parts; other types are their own."""
        base = self.base_dtype
        return {"complex64": float32, "complex128": float64}.get(self._name, base)

    @property
    def is_floating(self) -> bool:
        """True for float16, bfloat16, float32 and float64."""
        return self._kind == "f"

    @property
    def is_integer(self) -> bool:
        """True for the signed and unsigned integer types (not bool)."""
        return self._kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        """True for uint8, uint16, uint32 and uint64."""
        return self._kind == "u"

    @property
    def is_complex(self) -> bool:
        """True for complex64 and complex128."""
        return self._kind == "c"

    @property
    def is_bool(self) -> bool:
        """True for bool."""
        return self._kind == "b"

    @property
    def is_quantized(self) -> bool:
        """False: varflow has no quantized types."""
        return False

    @property
    def is_numpy_compatible(self) -> bool:
        """True when the dtype has a NumPy type (bfloat16 needs ml_dtypes)."""
        return self._np is not None

    @property
    def size(self) -> int:
        """Bytes per element, as TF1 reports it (8 for string: a NumPy object pointer)."""
        return self._size

    @property
    def min(self):
        """The smallest value; TypeError for bool, complex and string, as in TF1."""
        if self.is_floating:
            return _finfo(self).min
        if self.is_integer:
            return np.iinfo(self._np).min
        raise TypeError(f"Cannot find minimum value of {self}.")

    @property
    def max(self):
        """The largest value; TypeError for bool, complex and string, as in TF1."""
        if self.is_floating:
            return _finfo(self).max
        if self.is_integer:
            return np.iinfo(self._np).max
        raise TypeError(f"Cannot find maximum value of {self}.")

    @property
    def limits(self):
        """``(min, max)``."""
        return (self.min, self.max)

    def _as_ref(self) -> DType:
        return DType(self._name, self._core, self._np, self._kind, self._size, ref=True)

    def is_compatible_with(self, other) -> bool:
        """True if values of dtype `other` can be used where this dtype is expected.

        Args:
          other: A `DType`, or anything `as_dtype` converts.

        Returns:
          True when both have the same base dtype (a ``_ref`` type matches its base).
        """
        return self.base_dtype == as_dtype(other).base_dtype

    def __eq__(self, other) -> builtins.bool:
        if other is None:
            return False
        try:
            other = as_dtype(other)
        except TypeError:
            return False
        return self._name == other._name and self._ref == other._ref

    def __ne__(self, other) -> builtins.bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((self._name, self._ref))

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)


def _finfo(d: DType):
    if d._np is None:  # bfloat16 without ml_dtypes: its limits are float32's exponent range
        return np.finfo(np.float32)
    if d._name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(d._np)


def _make(name: str, np_dtype, kind: str, size: int) -> DType:
    return DType(name, getattr(_core.DType, name), np_dtype, kind, size)


float16 = _make("float16", np.dtype(np.float16), "f", 2)
bfloat16 = _make("bfloat16", _bfloat16_numpy(), "f", 2)
float32 = _make("float32", np.dtype(np.float32), "f", 4)
float64 = _make("float64", np.dtype(np.float64), "f", 8)
int8 = _make("int8", np.dtype(np.int8), "i", 1)
int16 = _make("int16", np.dtype(np.int16), "i", 2)
int32 = _make("int32", np.dtype(np.int32), "i", 4)
int64 = _make("int64", np.dtype(np.int64), "i", 8)
uint8 = _make("uint8", np.dtype(np.uint8), "u", 1)
uint16 = _make("uint16", np.dtype(np.uint16), "u", 2)
uint32 = _make("uint32", np.dtype(np.uint32), "u", 4)
uint64 = _make("uint64", np.dtype(np.uint64), "u", 8)
complex64 = _make("complex64", np.dtype(np.complex64), "c", 8)
complex128 = _make("complex128", np.dtype(np.complex128), "c", 16)
bool = _make("bool", np.dtype(np.bool_), "b", 1)
# TF1's DType.size of string is its NumPy type's (object: a pointer), not the bytes it holds.
string = _make("string", np.dtype(object), "S", np.dtype(object).itemsize)
double = float64
half = float16

_ALL = (
    float16,
    bfloat16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
    complex64,
    complex128,
    bool,
    string,
)
_BY_NAME = {d._name: d for d in _ALL}
_ALIASES = {"float": float32, "double": float64, "half": float16}
_BY_CORE = {d._core: d for d in _ALL}
# tensorflow/core/framework/types.proto
_TF_ENUM = {
    "float32": 1,
    "float64": 2,
    "int32": 3,
    "uint8": 4,
    "int16": 5,
    "int8": 6,
    "string": 7,
    "complex64": 8,
    "int64": 9,
    "bool": 10,
    "bfloat16": 14,
    "uint16": 17,
    "complex128": 18,
    "float16": 19,
    "uint32": 22,
    "uint64": 23,
}
_BY_ENUM = {v: _BY_NAME[k] for k, v in _TF_ENUM.items()}


def _from_numpy(np_type: np.dtype) -> DType | None:
    if np_type.kind in "SUO":  # bytes, str and object arrays hold TF1's strings
        return string
    for d in _ALL:
        if d._np is not None and d._np == np_type and d is not string:
            return d
    return None


def as_dtype(type_value) -> DType:
    """Converts a value to a `DType`.

    Args:
      type_value: A `DType`, a name (``"float32"``, ``"half"``, ``"string"``), a TensorFlow
        ``DataType`` enum value, a NumPy dtype or type (bytes/str/object arrays are strings),
        or a Python type (``float``, ``int``, ``bool``, ``complex``, ``str``, ``bytes``).

    Returns:
      The `DType`.

    Raises:
      TypeError: If `type_value` names no dtype varflow has.
    """
    if isinstance(type_value, DType):
        return type_value
    if isinstance(type_value, _core.DType):
        return _BY_CORE[type_value]
    if isinstance(type_value, str):
        name = type_value.removesuffix("_ref")
        found = _BY_NAME.get(name) or _ALIASES.get(name)
        if found is not None:
            return found._as_ref() if type_value.endswith("_ref") else found
    if isinstance(type_value, int) and not isinstance(type_value, builtins.bool):
        if type_value in _BY_ENUM:
            return _BY_ENUM[type_value]
        if type_value - 100 in _BY_ENUM:
            return _BY_ENUM[type_value - 100]._as_ref()
    if type_value is builtins.float:
        return float32
    if type_value is builtins.int:
        return int32
    if type_value is builtins.bool:
        return bool
    if type_value is builtins.complex:
        return complex128
    if type_value in (builtins.str, builtins.bytes):
        return string
    try:
        np_type = np.dtype(type_value)
    except TypeError:
        np_type = None
    if np_type is not None:
        found = _from_numpy(np_type)
        if found is not None:
            return found
    raise TypeError(f"Cannot convert value {type_value!r} to a TensorFlow DType.")


def _string_leaf(v) -> builtins.bool:
    return isinstance(v, (builtins.str, builtins.bytes, np.str_, np.bytes_))


def _is_string_value(value) -> builtins.bool:
    """True for TF1's string data: str/bytes, NumPy bytes/str arrays, or nested lists of them
    (``["a", 1]`` is string data with a bad element, which the conversion reports)."""
    if isinstance(value, (np.ndarray, np.generic)):
        if value.dtype.kind in "SU":
            return True
        return value.dtype.kind == "O" and value.size > 0 and _string_leaf(value.flat[0])
    if isinstance(value, (list, tuple)):
        return any(_is_string_value(v) for v in value)
    return _string_leaf(value)


def _string_array(value) -> np.ndarray:
    """`value` as a NumPy object array of its strings (str stays str: the C++ conversion
    encodes it as UTF-8); TF1's TypeError for an element that is no string."""
    arr = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if arr.dtype.kind == "O":
        for v in arr.flat:
            if not _string_leaf(v):
                raise TypeError(f"Expected string, got {v!r} of type '{type(v).__name__}' instead.")
    return np.asarray(arr, dtype=object, order="C")
