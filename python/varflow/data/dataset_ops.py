"""``tf.data.Dataset`` (TF1's DatasetV1): a description of an input pipeline, built in Python
once, that the C++ core binds and runs (cpp/include/varflow/data.h). Every scalar parameter
(batch sizes, counts, seeds) is a tensor, so a pipeline may take them from placeholders and an
initializable iterator re-reads them at each initialisation."""

from __future__ import annotations

import numpy as np

from varflow import _core, dtypes
from varflow import graph as graph_module
from varflow.data import structure, tracing
from varflow.tensor_shape import TensorShape

AUTOTUNE = -1


def _int64(value, name: str):
    """A scalar parameter as an int64 tensor (an integer tensor passes as it is)."""
    if isinstance(value, graph_module.Tensor):
        if not value.dtype.base_dtype.is_integer:
            raise TypeError(f"`{name}` must be an integer tensor, got {value.dtype.name}")
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an integer, got {value!r}")
    return graph_module.constant(int(value), dtype=dtypes.int64, name=name)


def _bool(value, name: str):
    if isinstance(value, graph_module.Tensor):
        if value.dtype.base_dtype != dtypes.bool:
            raise TypeError(f"`{name}` must be a bool tensor, got {value.dtype.name}")
        return value
    return graph_module.constant(bool(value), dtype=dtypes.bool, name=name)


def _static_int(tensor):
    """The value of a constant scalar tensor, else None."""
    if tensor.op.type == "Const":
        return int(np.asarray(tensor.op.get_attr("value")).reshape(()))
    return None


def _to_tensor(value, name="component"):
    if isinstance(value, graph_module.Tensor):
        return value
    return graph_module.convert_to_tensor(value, name=name)


def _shape_of(tensor) -> TensorShape:
    return tensor.shape


def _core_shape(shape: TensorShape):
    return _core.Shape(shape.as_list() if shape.ndims is not None else None)


class Dataset:
    """A pipeline of elements (TF1's ``tf.data.Dataset``): nested structures of tensors."""

    def __init__(
        self, kind, types, shapes, inputs=(), args=(), fn=None, options=None, generator=None
    ):
        self._kind = kind
        self._types = types
        self._shapes = shapes
        self._input_datasets = list(inputs)
        self._args = list(args)
        self._fn = fn
        self._options = dict(options or {})
        self._generator = generator
        self._graph = graph_module.get_default_graph()

    # --- structure ---------------------------------------------------------------------------
    @property
    def output_types(self):
        return self._types

    @property
    def output_shapes(self):
        return self._shapes

    @property
    def output_classes(self):
        return structure.map_structure(lambda _: graph_module.Tensor, self._types)

    def _flat_types(self) -> list:
        return structure.flatten(self._types)

    def _flat_shapes(self) -> list:
        return structure.flatten(self._shapes)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} shapes: {self._shapes}, types: {self._types}>"

    # --- what the C++ core binds ---------------------------------------------------------------
    def _all_tensors(self) -> list:
        """Every tensor the pipeline reads when it is bound, each once, in a fixed order."""
        seen: dict = {}

        def visit(ds):
            for child in ds._input_datasets:
                visit(child)
            own = list(ds._args) + (list(ds._fn.captured) if ds._fn is not None else [])
            for t in own:
                seen.setdefault(id(t), t)

        visit(self)
        return list(seen.values())

    def _spec(self, scope_index):
        fn = None
        if self._fn is not None:
            inner = None
            if self._fn.dataset is not None:
                results = self._fn.results
                positions = {id(t): i for i, t in enumerate(results)}

                def inner_index(t, positions=positions, graph=self._fn.graph):
                    return positions[id(graph.capture(t))]

                inner = self._fn.dataset._spec(inner_index)
            fn = self._fn.core(scope_index, self._kind + "Dataset", inner)
        return _core.DatasetSpec(
            self._kind,
            self._kind + "Dataset",
            [d._spec(scope_index) for d in self._input_datasets],
            [scope_index(t) for t in self._args],
            fn,
            self._options,
            [t._core for t in self._flat_types()],
            [_core_shape(s) for s in self._flat_shapes()],
            self._generator,
        )

    def _bound(self):
        """(spec, input tensors) with the spec's inputs indexing that list."""
        tensors = self._all_tensors()
        positions = {id(t): i for i, t in enumerate(tensors)}
        return self._spec(lambda t: positions[id(t)]), tensors

    # --- sources -------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """Elements are the slices of `tensors` along their first dimension."""
        tensors = structure.map_structure(_to_tensor, tensors)
        flat = structure.flatten(tensors)
        if not flat:
            raise ValueError("Invalid `tensors`. `tensors` should not be empty.")
        first = None
        for t in flat:
            if t.shape.ndims == 0:
                raise ValueError(
                    f"Unbatching a tensor is only supported for rank >= 1, got {t.name} of shape ()"
                )
            n = t.shape.as_list()[0] if t.shape.ndims else None
            if n is not None:
                if first is not None and first != n:
                    raise ValueError(f"Dimensions {first} and {n} are not compatible")
                first = n
        types = structure.map_structure(lambda t: t.dtype.base_dtype, tensors)
        shapes = structure.map_structure(
            lambda t: TensorShape(t.shape.as_list()[1:]) if t.shape.ndims else TensorShape(None),
            tensors,
        )
        return DatasetV1Adapter("TensorSlice", types, shapes, args=flat)

    @staticmethod
    def from_tensors(tensors):
        """A single element: `tensors`."""
        tensors = structure.map_structure(_to_tensor, tensors)
        types = structure.map_structure(lambda t: t.dtype.base_dtype, tensors)
        shapes = structure.map_structure(_shape_of, tensors)
        return DatasetV1Adapter("Tensors", types, shapes, args=structure.flatten(tensors))

    @staticmethod
    def range(*args, output_type=dtypes.int64):
        """Python's range as a dataset of int64 scalars."""
        if len(args) == 1:
            start, stop, step = 0, args[0], 1
        elif len(args) == 2:
            start, stop, step = args[0], args[1], 1
        elif len(args) == 3:
            start, stop, step = args
        else:
            raise ValueError(f"Invalid arguments to Dataset.range: {args}")
        return DatasetV1Adapter(
            "Range",
            dtypes.as_dtype(output_type),
            TensorShape([]),
            args=[_int64(start, "start"), _int64(stop, "stop"), _int64(step, "step")],
        )

    @staticmethod
    def zip(datasets):
        """Elements are tuples (or the nesting of `datasets`) of the datasets' elements."""
        flat = structure.flatten(datasets)
        for d in flat:
            if not isinstance(d, Dataset):
                raise TypeError(
                    f"Invalid `datasets`. `datasets` must be a (nested) structure of "
                    f"`tf.data.Dataset` objects, got {type(d).__name__}."
                )
        types = structure.pack_as(datasets, [d.output_types for d in flat])
        shapes = structure.pack_as(datasets, [d.output_shapes for d in flat])
        return DatasetV1Adapter("Zip", types, shapes, inputs=flat)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements from a Python generator (called through the GIL; TF's from_generator)."""
        from varflow.data.generator import generator_dataset

        return generator_dataset(generator, output_types, output_shapes, args)

    # --- transformations -------------------------------------------------------------------------
    def concatenate(self, dataset):
        if structure.flatten(self._types) != structure.flatten(dataset.output_types):
            raise TypeError(
                f"Incompatible types of input datasets: {self._types} vs. {dataset.output_types}."
            )
        shapes = structure.pack_as(
            self._shapes,
            [
                a.most_specific_compatible_shape(b)
                if hasattr(a, "most_specific_compatible_shape")
                else _common_shape(a, b)
                for a, b in zip(
                    self._flat_shapes(), structure.flatten(dataset.output_shapes), strict=True
                )
            ],
        )
        return DatasetV1Adapter("Concatenate", self._types, shapes, inputs=[self, dataset])

    def map(self, map_func, num_parallel_calls=None, deterministic=None):
        """Applies `map_func` to each element (traced once into a graph run in C++)."""
        fn = tracing.trace(map_func, self._types, self._shapes, "map")
        types, shapes = tracing.output_signature(fn)
        parallel = 1 if num_parallel_calls is None else int(num_parallel_calls)
        if parallel == 0 or parallel < -1:
            raise ValueError(
                f"`num_parallel_calls` must be greater than zero or AUTOTUNE, got {parallel}"
            )
        return DatasetV1Adapter(
            "Map", types, shapes, inputs=[self], fn=fn, options={"num_parallel_calls": parallel}
        )

    def filter(self, predicate):
        """Keeps the elements for which `predicate` is True."""
        fn = tracing.trace(predicate, self._types, self._shapes, "filter")
        flat = structure.flatten(fn.output_structure)
        if (
            len(flat) != 1
            or not structure.flatten(fn.output_structure)
            or flat[0].dtype.base_dtype != dtypes.bool
            or (flat[0].shape.ndims is not None and flat[0].shape.ndims != 0)
        ):
            raise ValueError(
                "Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
                f"return type is {fn.output_structure}."
            )
        return DatasetV1Adapter("Filter", self._types, self._shapes, inputs=[self], fn=fn)

    def flat_map(self, map_func):
        """Maps each element to a dataset and flattens the results in order."""
        fn = tracing.trace(map_func, self._types, self._shapes, "flat_map", allow_dataset=True)
        inner = fn.dataset
        return DatasetV1Adapter(
            "FlatMap", inner.output_types, inner.output_shapes, inputs=[self], fn=fn
        )

    def interleave(
        self,
        map_func,
        cycle_length=None,
        block_length=None,
        num_parallel_calls=None,
        deterministic=None,
    ):
        """TF's deterministic interleave of the datasets `map_func` returns."""
        fn = tracing.trace(map_func, self._types, self._shapes, "interleave", allow_dataset=True)
        inner = fn.dataset
        cycle = AUTOTUNE if cycle_length is None else cycle_length
        block = 1 if block_length is None else block_length
        return DatasetV1Adapter(
            "Interleave",
            inner.output_types,
            inner.output_shapes,
            inputs=[self],
            fn=fn,
            args=[_int64(cycle, "cycle_length"), _int64(block, "block_length")],
        )

    def _batched_shapes(self, batch_size, drop_remainder, shapes):
        size = _static_int(batch_size)
        drop = drop_remainder if isinstance(drop_remainder, bool) else None
        dim = size if drop else None
        return structure.map_structure(
            lambda s: (
                TensorShape([dim] + (s.as_list() if s.ndims is not None else []))
                if s.ndims is not None
                else TensorShape(None)
            ),
            shapes,
        )

    def batch(self, batch_size, drop_remainder=False):
        """Stacks runs of `batch_size` elements (the last may be smaller)."""
        size = _int64(batch_size, "batch_size")
        shapes = self._batched_shapes(size, drop_remainder, self._shapes)
        return DatasetV1Adapter(
            "Batch",
            self._types,
            shapes,
            inputs=[self],
            args=[size, _bool(drop_remainder, "drop_remainder")],
        )

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False
    ):
        """Batches elements of different shapes, padding each component to `padded_shapes`."""
        size = _int64(batch_size, "batch_size")
        if padded_shapes is None:
            padded_shapes = self._shapes
        flat_types = self._flat_types()
        flat_shapes = self._flat_shapes()
        padded = _flatten_like(self._types, padded_shapes, "padded_shapes")
        shape_tensors, out_shapes = [], []
        for i, (want, have) in enumerate(zip(padded, flat_shapes, strict=True)):
            if isinstance(want, graph_module.Tensor):
                shape_tensors.append(want)
                out_shapes.append(
                    TensorShape([None] * (want.shape.as_list()[0] or 0))
                    if want.shape.ndims == 1 and want.shape.as_list()[0] is not None
                    else TensorShape(None)
                )
                continue
            want = TensorShape(want)
            if want.ndims is None:
                raise ValueError(f"Padded shape for component {i} must have a known rank")
            if have.ndims is not None and have.ndims != want.ndims:
                raise ValueError(
                    f"The padded shape {want} is not compatible with the shape {have} of the "
                    f"corresponding input component."
                )
            if have.ndims is not None:
                for w, h in zip(want.as_list(), have.as_list(), strict=True):
                    if w is not None and h is not None and h > w:
                        raise ValueError(
                            f"The padded shape {want} is not compatible with the shape {have} "
                            "of the corresponding input component."
                        )
            dims = [-1 if d is None else d for d in want.as_list()]
            shape_tensors.append(
                graph_module.constant(
                    np.asarray(dims, dtype=np.int64), dtype=dtypes.int64, name="padded_shapes"
                )
            )
            out_shapes.append(want)
        if padding_values is None:
            values = [_zero_of(t) for t in flat_types]
        else:
            values = _flatten_like(self._types, padding_values, "padding_values")
            values = [
                _zero_of(t) if v is None else graph_module.convert_to_tensor(v, dtype=t)
                for v, t in zip(values, flat_types, strict=True)
            ]
        for v, t in zip(values, flat_types, strict=True):
            if v.dtype.base_dtype != t:
                raise TypeError(
                    f"Padding value has dtype {v.dtype.name} but the component has {t.name}"
                )
        shapes = self._batched_shapes(
            size, drop_remainder, structure.pack_as(self._types, out_shapes)
        )
        return DatasetV1Adapter(
            "PaddedBatch",
            self._types,
            shapes,
            inputs=[self],
            args=[size, *shape_tensors, *values, _bool(drop_remainder, "drop_remainder")],
        )

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        """TF's buffered shuffle; seeded, it gives TF's order for the same seeds."""
        from varflow.init_ops import get_seed

        op_seed, op_seed2 = get_seed(seed)
        op_seed = 0 if op_seed is None else int(op_seed)
        if op_seed2 is None:
            op_seed2 = 0
        elif op_seed == 0 and int(op_seed2) == 0:
            op_seed2 = 2**31 - 1  # TF's data seeds avoid (0, 0), which means "unseeded"
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        return DatasetV1Adapter(
            "Shuffle",
            self._types,
            self._shapes,
            inputs=[self],
            args=[
                _int64(buffer_size, "buffer_size"),
                _int64(op_seed, "seed"),
                _int64(int(op_seed2), "seed2"),
            ],
            options={"reshuffle_each_iteration": int(reshuffle)},
        )

    def repeat(self, count=None):
        """Repeats the dataset `count` times (forever when None or -1)."""
        return DatasetV1Adapter(
            "Repeat",
            self._types,
            self._shapes,
            inputs=[self],
            args=[_int64(-1 if count is None else count, "count")],
        )

    def prefetch(self, buffer_size):
        """Keeps up to `buffer_size` elements ready, produced by a C++ thread."""
        return DatasetV1Adapter(
            "Prefetch",
            self._types,
            self._shapes,
            inputs=[self],
            args=[_int64(buffer_size, "buffer_size")],
        )

    def take(self, count):
        return DatasetV1Adapter(
            "Take", self._types, self._shapes, inputs=[self], args=[_int64(count, "count")]
        )

    def skip(self, count):
        return DatasetV1Adapter(
            "Skip", self._types, self._shapes, inputs=[self], args=[_int64(count, "count")]
        )

    def cache(self, filename=""):
        """Keeps the elements of the first complete iteration in memory."""
        if filename:
            raise NotImplementedError(
                "Dataset.cache(filename) (a cache on disk) is not supported by varflow; "
                "cache() keeps the elements in memory"
            )
        return DatasetV1Adapter("Cache", self._types, self._shapes, inputs=[self])

    def enumerate(self, start=0):
        return Dataset.zip((Dataset.range(start, 2**63 - 1), self))

    def apply(self, transformation_func):
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return result

    def with_options(self, options):
        return self

    # --- iterators -----------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        from varflow.data.iterator_ops import make_one_shot_iterator

        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        from varflow.data.iterator_ops import make_initializable_iterator

        return make_initializable_iterator(self, shared_name)

    def __iter__(self):
        from varflow.data.iterator_ops import EagerIterator
        from varflow.eager.context import executing_eagerly

        if not executing_eagerly():
            raise RuntimeError(
                "`tf.data.Dataset` only supports Python-style iteration in eager mode or "
                "within tf.function."
            )
        return EagerIterator(self)


class DatasetV1Adapter(Dataset):
    """The class of every dataset a transformation returns (TF1's name for it)."""


DatasetV1 = Dataset


def _common_shape(a: TensorShape, b: TensorShape) -> TensorShape:
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return TensorShape(None)
    return TensorShape(
        [x if x == y else None for x, y in zip(a.as_list(), b.as_list(), strict=True)]
    )


def _flatten_like(types, values, what: str) -> list:
    """`values` nested as `types`, flattened; a shape for a component may be a list."""
    return structure.flatten_up_to(types, values, what)


def _zero_of(dtype):
    if dtype == getattr(dtypes, "string", None):
        return graph_module.constant(b"", dtype=dtype)
    return graph_module.constant(np.zeros((), dtype=dtype.as_numpy_dtype), dtype=dtype)
