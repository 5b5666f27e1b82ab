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
    """Represents a potentially large set of elements.

    A ``Dataset`` describes an input pipeline: a source (``from_tensor_slices``, ``range``,
    ``from_generator``, ``TFRecordDataset``...) and the transformations applied to it
    (``map``, ``shuffle``, ``batch``, ``prefetch``...), each returning a new dataset. An
    element is a nested structure (tuple, namedtuple or dict) of tensors, described by
    ``output_types``, ``output_shapes`` and ``output_classes``.

    The description is built once in Python; an iterator (``make_one_shot_iterator``,
    ``make_initializable_iterator``, ``Iterator.from_structure``) binds it to the C++
    pipeline, whose transformations run in C++ threads while the training step runs, and
    ``get_next()`` hands out one element per run. Every scalar parameter (batch sizes,
    counts, buffer sizes, seeds) may be a tensor, a placeholder for instance: an
    initializable iterator reads their values each time its ``initializer`` runs.

        dataset = tf.data.Dataset.from_tensor_slices((images, labels))
        dataset = dataset.shuffle(1000).batch(32).repeat()
        iterator = dataset.make_one_shot_iterator()
        next_images, next_labels = iterator.get_next()

    In eager mode a dataset is iterable with a Python ``for`` loop.
    """

    def __init__(
        self, kind, types, shapes, inputs=(), args=(), fn=None, options=None, generator=None
    ):
        """Creates a dataset node; use the source methods and transformations instead.

        Every public way of making a dataset (``from_tensor_slices``, ``map``, ...) calls this
        with the C++ pipeline's kind of dataset and its inputs.

        Args:
          kind: The C++ dataset kind (``"TensorSlice"``, ``"Map"``, ``"Batch"``...).
          types: The element's structure of ``tf.DType``s.
          shapes: The element's structure of ``tf.TensorShape``s, nested like ``types``.
          inputs: The input datasets.
          args: The scalar or tensor parameters, as tensors.
          fn: The traced function of ``map``, ``filter``, ``flat_map`` or ``interleave``.
          options: Integer options of the C++ dataset (``num_parallel_calls``...).
          generator: The Python callable of ``from_generator``.
        """
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
        """The ``tf.DType`` of each component of an element, nested as the elements are."""
        return self._types

    @property
    def output_shapes(self):
        """The ``tf.TensorShape`` of each component of an element, nested as the elements are.

        Unknown dimensions are ``None``.
        """
        return self._shapes

    @property
    def output_classes(self):
        """The Python class of each component of an element, nested as the elements are.

        ``tf.Tensor``, or ``tf.SparseTensor`` for a sparse component.
        """
        from varflow.sparse_tensor import SparseTensor

        def classes(s):
            if isinstance(s, structure.SparseComponents):
                return SparseTensor
            if isinstance(s, dict):
                return type(s)((k, classes(v)) for k, v in s.items())
            if isinstance(s, tuple):
                items = [classes(v) for v in s]
                return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
            return graph_module.Tensor

        return classes(self._types)

    def _refuse_sparse_padding(self) -> None:
        def first_sparse(types, shapes):
            if isinstance(types, structure.SparseComponents):
                return types, shapes
            if isinstance(types, dict):
                items = [(types[k], shapes[k]) for k in sorted(types)]
            elif isinstance(types, tuple):
                items = list(zip(types, shapes, strict=True))
            else:
                return None
            for t, s in items:
                found = first_sparse(t, s)
                if found is not None:
                    return found
            return None

        found = first_sparse(self._types, self._shapes)
        if found is not None:
            (_, values, _), (_, _, dense_shape) = found
            rank = dense_shape.as_list()[0] if dense_shape.ndims == 1 else None
            shape = TensorShape(None if rank is None else [None] * rank)
            raise TypeError(
                "`padded_batch` is only supported for datasets that produce tensor elements but "
                "type spec of elements in the input dataset is not a subclass of TensorSpec: "
                f"`SparseTensorSpec({shape!r}, tf.{values.name})`."
            )

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
        """Returns a dataset of the rows of ``tensors`` (slices along the first dimension).

        Element ``i`` is row ``i`` of every component: the components are cut along their
        first dimension, which must have the same size in all of them, and the element keeps
        the structure of ``tensors`` (a tuple stays a tuple, a dict a dict).

            features = np.random.rand(100, 4).astype(np.float32)
            labels = np.arange(100)
            dataset = tf.data.Dataset.from_tensor_slices((features, labels))
            # 100 elements, each a pair of a [4] float32 tensor and an int64 scalar

        NumPy arrays become constants in the graph; for large arrays, feed them through
        placeholders and an initializable iterator.

        Args:
          tensors: A tensor, array or list, or a tuple, namedtuple or dict of them, whose
            components share their first dimension.

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          ValueError: if ``tensors`` is empty, a component is a scalar, or the components'
            first dimensions differ.
        """
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
        """Returns a dataset of one element: ``tensors``.

        Args:
          tensors: A dataset element (a tensor, or a tuple, namedtuple or dict of them).

        Returns:
          Dataset: A ``Dataset``.
        """
        tensors = structure.map_structure(_to_tensor, tensors)
        types = structure.map_structure(lambda t: t.dtype.base_dtype, tensors)
        shapes = structure.map_structure(_shape_of, tensors)
        return DatasetV1Adapter("Tensors", types, shapes, args=structure.flatten(tensors))

    @staticmethod
    def range(*args, output_type=dtypes.int64):
        """Returns a dataset of the integers of a Python-style range.

        The arguments are those of Python's ``range``:

            Dataset.range(5)         # 0, 1, 2, 3, 4
            Dataset.range(2, 5)      # 2, 3, 4
            Dataset.range(1, 5, 2)   # 1, 3
            Dataset.range(5, 1, -2)  # 5, 3

        Args:
          *args: ``stop``, or ``start, stop``, or ``start, stop, step``, as for Python's
            ``range``; each an integer or an integer scalar tensor.
          output_type: The ``tf.DType`` of the elements; default ``tf.int64``.

        Returns:
          Dataset: A ``RangeDataset`` of scalars.

        Raises:
          ValueError: if len(args) == 0 or more than 3.
          TypeError: if an argument is not an integer (or integer tensor).
        """
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
        """Creates a ``Dataset`` by zipping together the given datasets.

        Like Python's ``zip()``: element ``i`` holds element ``i`` of each dataset, and the
        result ends with the shortest input. ``datasets`` may be any nesting (tuples, dicts) of
        datasets, and the elements are nested the same way.

            a = Dataset.range(1, 4)      # 1, 2, 3
            b = Dataset.range(4, 8)      # 4, 5, 6, 7
            Dataset.zip((a, b))          # (1, 4), (2, 5), (3, 6)

        Args:
          datasets: A nested structure of datasets.

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          TypeError: if an element of ``datasets`` is not a ``Dataset``.
        """
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
        """Creates a ``Dataset`` whose elements are generated by ``generator``.

        ``generator`` is called (with ``args``, if given) to get an iterable, a generator
        function typically, whose values are the elements. Each value must have the structure
        and types of ``output_types`` and fit ``output_shapes``; one that does not fails the run
        that reaches it with ``InvalidArgumentError``.

            def gen():
                for i in itertools.count(1):
                    yield (i, [1] * i)

            ds = tf.data.Dataset.from_generator(
                gen, (tf.int64, tf.int64), (tf.TensorShape([]), tf.TensorShape([None])))

        The generator runs in Python, called from the C++ pipeline's thread through the GIL;
        each iterator initialisation calls ``generator`` again.

        Args:
          generator: A callable returning an iterable; it takes the values of ``args`` as its
            arguments (none when ``args`` is None).
          output_types: The ``tf.DType`` of each component of a value, nested as the values
            are.
          output_shapes: (Optional.) The ``tf.TensorShape`` of each component, nested the same
            way; unknown when omitted.
          args: (Optional.) A tuple of arguments for ``generator``.

        Returns:
          Dataset: A ``Dataset``.
        """
        from varflow.data.generator import generator_dataset

        return generator_dataset(generator, output_types, output_shapes, args)

    # --- transformations -------------------------------------------------------------------------
    def concatenate(self, dataset):
        """Returns this dataset's elements followed by ``dataset``'s.

            a = Dataset.range(1, 4)  # 1, 2, 3
            b = Dataset.range(4, 8)  # 4, 5, 6, 7
            a.concatenate(b)         # 1, 2, 3, 4, 5, 6, 7

        Args:
          dataset: The ``Dataset`` whose elements follow this one's; it must have the same
            element structure and types (the shapes become the most specific ones compatible
            with both).

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          TypeError: if the two datasets' element types differ.
        """
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
        """Maps ``map_func`` across the elements of this dataset.

        The new dataset holds ``map_func(element)`` for each element, in the input's order.
        A tuple element is spread over ``map_func``'s arguments; any other element (a tensor, a
        dict) is passed as one argument:

            a = Dataset.range(1, 6)                # 1, 2, 3, 4, 5
            a.map(lambda x: x + 1)                 # 2, 3, 4, 5, 6
            b = Dataset.zip((a, a))
            b.map(lambda x, y: (x * y, x - y))     # the tuple's components as arguments

        ``map_func`` is called once, at graph build, with symbolic tensors: it is traced into a
        function graph that the C++ pipeline runs for each element (so Python side effects
        happen once, not per element, as in TF1). It may return a tensor, a tuple,
        namedtuple or dict of tensors; Python numbers and NumPy arrays become tensors, and a
        returned list becomes a tuple. Tensors of the outer graph it uses are captured and read
        when the iterator is initialised.

        Args:
          map_func: A function of an element (its components as tensors of
            ``self.output_types`` and ``self.output_shapes``) returning the new element.
          num_parallel_calls: (Optional.) How many elements to map at once, each in a C++
            thread; ``tf.data.experimental.AUTOTUNE`` takes one per core. None maps one
            element at a time. Either way the output keeps the input's order.
          deterministic: Accepted for TF compatibility; varflow's parallel map always keeps the
            input order.

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          ValueError: if ``num_parallel_calls`` is 0 or below -1 (AUTOTUNE).
          TypeError: if ``map_func`` returns None, an Operation or a ``Dataset``.
        """
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
        """Filters this dataset according to ``predicate``.

            d = tf.data.Dataset.from_tensor_slices([1, 2, 3])
            d = d.filter(lambda x: x < 3)  # 1, 2

        ``predicate`` is traced once, as ``map``'s function is.

        Args:
          predicate: A function of an element (as ``map`` passes it) returning a ``tf.bool``
            scalar.

        Returns:
          Dataset: The elements for which ``predicate`` is True, in order.

        Raises:
          ValueError: if ``predicate`` does not return one ``tf.bool`` scalar.
        """
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
        """Maps ``map_func`` across this dataset and flattens the result.

        Each element becomes a dataset, and the result is those datasets one after the other,
        in order (``interleave`` mixes them instead). For example, to turn a dataset of rows into
        one of their entries:

            a = Dataset.from_tensor_slices([[1, 2, 3], [4, 5, 6]])
            a.flat_map(lambda x: Dataset.from_tensor_slices(x + 1))  # 2, 3, 4, 5, 6, 7

        Args:
          map_func: A function of an element (as ``map`` passes it) returning a ``Dataset``.

        Returns:
          Dataset: A ``Dataset``.
        """
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
        """Maps each element to a dataset and mixes their elements, a few datasets at a time.

        The typical use reads several files at a time and mixes their records:

            files = tf.data.Dataset.from_tensor_slices(["a.tfrecord", "b.tfrecord", "c.tfrecord"])
            records = files.interleave(tf.data.TFRecordDataset, cycle_length=2, block_length=8)

        ``cycle_length`` input elements are opened at once, each mapped to its dataset; then
        ``block_length`` consecutive elements are taken from each in turn, and an exhausted
        dataset is replaced by the next input element's, in TF's deterministic order:

            d = Dataset.range(1, 4).interleave(lambda x: Dataset.from_tensors(x).repeat(3),
                                               cycle_length=2, block_length=2)
            # 1, 1, 2, 2, 1, 2, 3, 3, 3

        Args:
          map_func: A function of an element (as ``map`` passes it) returning a ``Dataset``.
          cycle_length: (Optional.) How many input elements' datasets are open at once. None
            (or AUTOTUNE) takes the number of CPU cores, as TF does.
          block_length: (Optional.) How many consecutive elements to take from one dataset
            before moving to the next. Defaults to 1.
          num_parallel_calls: Accepted for TF compatibility; varflow's interleave reads its
            inputs in one thread, in the deterministic order.
          deterministic: Accepted for TF compatibility (the order is always deterministic).

        Returns:
          Dataset: A ``Dataset``.
        """
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

        def batched(s):
            if isinstance(s, structure.SparseComponents):
                # A batch of SparseTensors is one of a rank more (see batch).
                dense = s[2].as_list()[0] if s[2].ndims == 1 else None
                rank = None if dense is None else dense + 1
                return structure.SparseComponents(
                    TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])
                )
            if isinstance(s, dict):
                return type(s)((k, batched(v)) for k, v in s.items())
            if isinstance(s, tuple):
                items = [batched(v) for v in s]
                return type(s)(*items) if hasattr(s, "_fields") else tuple(items)
            if s.ndims is None:
                return TensorShape(None)
            return TensorShape([dim, *s.as_list()])

        return batched(shapes)

    def batch(self, batch_size, drop_remainder=False):
        """Stacks runs of ``batch_size`` consecutive elements into batches.

        Each component gains a first dimension of ``batch_size``, except in the last batch,
        which holds the ``N % batch_size`` elements left over (``N`` the input's size) unless
        ``drop_remainder`` drops it. With ``drop_remainder=True`` and a constant
        ``batch_size``, the static shape's first dimension is ``batch_size``; otherwise it is
        ``None``.

            Dataset.range(8).batch(3)  # [0, 1, 2], [3, 4, 5], [6, 7]

        The elements of a batch must have the same shape: batching elements of different
        shapes raises ``InvalidArgumentError`` naming the ``IteratorGetNext`` op (use
        ``padded_batch`` for those).

        Args:
          batch_size: An integer or ``tf.int64`` scalar, the number of elements per batch.
          drop_remainder: (Optional.) A bool or ``tf.bool`` scalar: whether to drop a last
            batch smaller than ``batch_size``. Default: False, keep it.

        Returns:
          Dataset: A ``Dataset``.

        A ``SparseTensor`` component batches as TF1's does: one ``SparseTensor`` of a rank
        more, each element's indices prefixed by its position in the batch, the values
        concatenated, and the dense shape the batch size followed by each dimension's largest
        size in the batch (``VarLenFeature``s of ``parse_single_example``, then ``batch``).

        Raises:
          TypeError: if ``batch_size`` is not an integer or ``drop_remainder`` not a bool.
        """
        size = _int64(batch_size, "batch_size")
        shapes = self._batched_shapes(size, drop_remainder, self._shapes)
        args = [size, _bool(drop_remainder, "drop_remainder")]
        starts = structure.sparse_starts(self._types)
        if starts:
            args.append(
                graph_module.constant(
                    np.array(starts, np.int64), dtype=dtypes.int64, name="sparse_components"
                )
            )
        return DatasetV1Adapter("Batch", self._types, shapes, inputs=[self], args=args)

    def padded_batch(
        self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False
    ):
        """Stacks runs of consecutive elements of different shapes, padding them.

        As ``batch``, but the elements may differ in shape: before stacking, each component
        is padded (at the end of each dimension) to ``padded_shapes``, where a dimension given
        as ``None`` (or -1) is padded to the largest size in that batch.

            a = Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
            a.padded_batch(2, padded_shapes=[None])  # [[1, 0], [2, 2]], [[3, 3, 3]]

        Args:
          batch_size: An integer or ``tf.int64`` scalar, the number of elements per batch.
          padded_shapes: (Optional.) One shape per component, nested as the elements are: a
            ``tf.TensorShape``, a list, or an int64 vector tensor. Defaults to the components'
            static shapes, their unknown dimensions padded to the batch's largest.
          padding_values: (Optional.) One scalar per component to pad with, nested the same
            way; defaults to 0 for numbers and ``b""`` for strings.
          drop_remainder: (Optional.) A bool or ``tf.bool`` scalar: whether to drop a last
            batch smaller than ``batch_size``.

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          ValueError: if a padded shape has an unknown rank, or a rank or a dimension smaller
            than the component's static shape.
          TypeError: if a padding value's dtype is not its component's, or the elements have a
            ``SparseTensor`` component (TensorFlow's TypeError too).
        """
        self._refuse_sparse_padding()
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
        """Randomly shuffles the elements of this dataset.

        A buffer is filled with the first ``buffer_size`` elements; each output element is
        drawn at random from the buffer, and its place is taken by the next input element. So
        an element can only move ahead by up to ``buffer_size`` places: a buffer at least as
        large as the dataset shuffles it uniformly, a small one only locally (with 10,000
        elements and a buffer of 1,000, the first output is one of the first 1,000 inputs).

        The random stream is TF's (Philox, with the op and graph-level seeds combined as TF
        combines them), so a seeded shuffle gives the order TF1 gives for the same seeds.

        Args:
          buffer_size: An integer or ``tf.int64`` scalar, the size of the buffer drawn from.
          seed: (Optional.) An integer, the op seed; combined with the graph-level seed as
            ``tf.set_random_seed`` describes.
          reshuffle_each_iteration: (Optional.) Whether each pass over the dataset (each
            ``repeat`` epoch, each iterator initialisation) draws a new order. Defaults to
            ``True``; False repeats the first order.

        Returns:
          Dataset: A ``Dataset``.
        """
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
        """Returns this dataset's elements ``count`` times over.

            Dataset.range(3).repeat(2)  # 0, 1, 2, 0, 1, 2

        Args:
          count: (Optional.) An integer or ``tf.int64`` scalar, how many times to go through
            the dataset. ``None`` or -1 (the default) repeats it without end.

        Returns:
          Dataset: A ``Dataset``.
        """
        return DatasetV1Adapter(
            "Repeat",
            self._types,
            self._shapes,
            inputs=[self],
            args=[_int64(-1 if count is None else count, "count")],
        )

    def prefetch(self, buffer_size):
        """Creates a ``Dataset`` that prefetches elements from this dataset.

        A C++ thread produces the elements of this dataset ahead of the consumer and keeps up
        to ``buffer_size`` of them ready, so that the pipeline's work overlaps the training
        step. Most pipelines should end with a ``prefetch``.

        Args:
          buffer_size: An integer or ``tf.int64`` scalar, the most elements kept ready.
            ``tf.data.experimental.AUTOTUNE`` gives a fixed depth that covers a step's jitter
            (varflow has no tuner).

        Returns:
          Dataset: A ``Dataset``.
        """
        return DatasetV1Adapter(
            "Prefetch",
            self._types,
            self._shapes,
            inputs=[self],
            args=[_int64(buffer_size, "buffer_size")],
        )

    def take(self, count):
        """Returns this dataset's first ``count`` elements.

        Args:
          count: An integer or ``tf.int64`` scalar, the number of elements to keep; -1 (or a
            count past the end) keeps them all.

        Returns:
          Dataset: A ``Dataset``.
        """
        return DatasetV1Adapter(
            "Take", self._types, self._shapes, inputs=[self], args=[_int64(count, "count")]
        )

    def skip(self, count):
        """Returns this dataset without its first ``count`` elements.

        Args:
          count: An integer or ``tf.int64`` scalar, the number of elements to drop from the
            start; -1 (or a count past the end) drops them all.

        Returns:
          Dataset: A ``Dataset``.
        """
        return DatasetV1Adapter(
            "Skip", self._types, self._shapes, inputs=[self], args=[_int64(count, "count")]
        )

    def cache(self, filename=""):
        """Keeps the elements in memory after the first complete pass.

        Once a pass has gone through the whole dataset, its elements are kept; later iterations (``repeat`` epochs) read them from there instead of
        recomputing them. An iteration stopped before the end caches nothing.

        Args:
          filename: Must be ``""``: varflow caches in memory only (TF1 also caches to files).

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          NotImplementedError: if ``filename`` is given (a cache on disk).
        """
        if filename:
            raise NotImplementedError(
                "Dataset.cache(filename) (a cache on disk) is not supported by varflow; "
                "cache() keeps the elements in memory"
            )
        return DatasetV1Adapter("Cache", self._types, self._shapes, inputs=[self])

    def enumerate(self, start=0):
        """Enumerates the elements of this dataset.

        As Python's ``enumerate``: each element becomes a pair ``(index, element)``, the
        index an int64 counting from ``start``.

            a = Dataset.from_tensor_slices([1, 2, 3])
            a.enumerate(start=5)  # (5, 1), (6, 2), (7, 3)

        Args:
          start: An integer or ``tf.int64`` scalar, the first index.

        Returns:
          Dataset: A ``Dataset``.
        """
        return Dataset.zip((Dataset.range(start, 2**63 - 1), self))

    def apply(self, transformation_func):
        """Applies a transformation function to this dataset.

        A transformation written as a function from a dataset to a dataset (those of
        ``tf.data.experimental`` in TF) can then be chained like the built-in ones:

            def every_other(ds):
                return ds.enumerate().filter(lambda i, x: tf.equal(i % 2, 0)).map(lambda i, x: x)

            Dataset.range(10).apply(every_other).batch(3)  # [0, 2, 4], [6, 8]

        Args:
          transformation_func: A function from a ``Dataset`` to a ``Dataset``.

        Returns:
          Dataset: ``transformation_func(self)``.

        Raises:
          TypeError: if ``transformation_func`` does not return a ``Dataset``.
        """
        result = transformation_func(self)
        if not isinstance(result, Dataset):
            raise TypeError("`transformation_func` must return a Dataset.")
        return result

    def with_options(self, options):
        """Returns this dataset: varflow's pipelines take no ``tf.data.Options``.

        TF tunes a pipeline through its options (threading, static optimisations); varflow
        accepts the call so that TF programs run, and ignores the options.

        Args:
          options: A ``tf.data.Options`` (ignored).

        Returns:
          Dataset: This dataset.
        """
        return self

    # --- iterators -----------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """Creates an ``Iterator`` for enumerating the elements of this dataset.

        The iterator needs no initializer: it starts on the dataset the first time a run
        reaches it in a session, and goes through the dataset once; it cannot be restarted.

        Returns:
          An ``Iterator`` over the elements of this dataset.

        Raises:
          ValueError: if the dataset reads a placeholder or a variable (use
            ``make_initializable_iterator``, whose initializer reads them).
        """
        from varflow.data.iterator_ops import make_one_shot_iterator

        return make_one_shot_iterator(self)

    def make_initializable_iterator(self, shared_name=None):
        """Creates an ``Iterator`` for enumerating the elements of this dataset.

        The iterator starts when its ``initializer`` op runs, which must happen before the
        first ``get_next()``; each run of the initializer restarts it, reading the values the
        dataset's tensors (placeholders, say) have in that run:

            dataset = ...
            iterator = dataset.make_initializable_iterator()
            # ...
            sess.run(iterator.initializer, feed_dict={...})

        Args:
          shared_name: (Optional.) Accepted for TF1 compatibility (TF1 shares such an iterator
            between the sessions of one server); varflow's iterators belong to their session.

        Returns:
          An ``Iterator`` over the elements of this dataset.
        """
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
    """The class of the datasets the sources and transformations return (TF1's name for it)."""


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
