"""``Dataset.from_generator``: the one source that runs Python per element. The C++ pipeline
calls back through the GIL; each value the generator yields is converted here to the declared
dtypes, and the C++ side checks it against the declared shapes."""

from __future__ import annotations

import numpy as np

from varflow import dtypes
from varflow.data import structure
from varflow.tensor_shape import TensorShape


def _convert(value, dtype, index):
    try:
        if dtype == getattr(dtypes, "string", None):
            arr = np.asarray(value, dtype=object)
        else:
            arr = np.asarray(value)
            if arr.dtype == object or (arr.dtype.kind == "f" and dtype.is_integer and arr.size):
                raise TypeError
            arr = np.asarray(arr, dtype=dtype.as_numpy_dtype, order="C")
    except (TypeError, ValueError):
        raise TypeError(
            "`generator` yielded an element that could not be converted to the expected type. "
            f"The expected type was {dtype.name}, but the yielded element was {value!r}."
        ) from None
    return arr


def generator_dataset(generator, output_types, output_shapes, args):
    """Builds ``Dataset.from_generator``'s dataset (see there for the arguments' meaning).

    Each iterator initialisation calls ``generator(*args)`` again; the C++ pipeline pulls
    its values through the GIL. A yielded value is checked against the structure of
    ``output_types`` (a list counts as a tuple) and converted here to the declared dtypes;
    the C++ side checks it against ``output_shapes``.

    Args:
      generator: A callable returning an iterable.
      output_types: A nested structure of ``tf.DType``s.
      output_shapes: A nested structure of ``tf.TensorShape``s, or None (unknown shapes).
      args: A tuple of arguments for ``generator``, or None.

    Returns:
      A ``Dataset``.

    Raises:
      TypeError: if ``generator`` is not callable. A yielded value of the wrong structure
        or type fails the run that reaches it with ``InvalidArgumentError``.
    """
    from varflow.data.dataset_ops import DatasetV1Adapter

    if not callable(generator):
        raise TypeError("`generator` must be a Python callable.")
    types = structure.map_structure(dtypes.as_dtype, output_types)
    if output_shapes is None:
        shapes = structure.map_structure(lambda _: TensorShape(None), types)
    else:
        flat = structure.flatten_up_to(types, output_shapes, "output_shapes")
        shapes = structure.pack_as(types, [TensorShape(s) for s in flat])
    flat_types = structure.flatten(types)
    call_args = tuple(args) if args is not None else ()

    def make():
        source = iter(generator(*call_args))

        def pull():
            for value in source:
                if not structure.is_nested(types):
                    flat = [value]
                else:
                    if isinstance(value, list):
                        value = tuple(value)
                    try:
                        structure.assert_same_structure(types, value, "generator")
                    except (TypeError, ValueError):
                        raise TypeError(
                            "`generator` yielded an element that did not match the expected "
                            f"structure. The expected structure was {types}, but the yielded "
                            f"element was {value!r}."
                        ) from None
                    flat = structure.flatten(value)
                yield [
                    _convert(v, t, i) for i, (v, t) in enumerate(zip(flat, flat_types, strict=True))
                ]

        return pull()

    return DatasetV1Adapter("Generator", types, shapes, generator=make)
