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
        """Returns the type of each component of an element of this dataset.

        Returns:
          A nested structure of ``tf.DType`` objects corresponding to each component of an
          element of this dataset.
        """
        return self._types

    @property
    def output_shapes(self):
        """Returns the shape of each component of an element of this dataset.

        Returns:
          A nested structure of ``tf.TensorShape`` objects corresponding to each component of
          an element of this dataset; unknown dimensions are ``None``.
        """
        return self._shapes

    @property
    def output_classes(self):
        """Returns the class of each component of an element of this dataset.

        Returns:
          A nested structure of Python ``type`` objects (``tf.Tensor``, or ``tf.SparseTensor``
          for a sparse component) corresponding to each component of an element.
        """
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
        """Creates a ``Dataset`` whose elements are slices of the given tensors.

        The given tensors are sliced along their first dimension. This operation preserves the
        structure of the input tensors, removing the first dimension of each tensor and using
        it as the dataset dimension. All input tensors must have the same size in their first
        dimensions.

            features = np.random.rand(100, 4).astype(np.float32)
            labels = np.arange(100)
            dataset = tf.data.Dataset.from_tensor_slices((features, labels))
            # 100 elements, each a pair of a [4] float32 tensor and an int64 scalar

        NumPy arrays become constants in the graph; for large arrays, feed them through
        placeholders and an initializable iterator.

        Args:
          tensors: A dataset element, whose components have the same first dimension (a
            tensor, array or list, or a tuple, namedtuple or dict of them).

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
        """Creates a ``Dataset`` with a single element, comprising the given tensors.

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
        """Creates a ``Dataset`` of a step-separated range of values.

        The arguments are those of Python's ``range``:

            Dataset.range(5)         # 0, 1, 2, 3, 4
            Dataset.range(2, 5)      # 2, 3, 4
            Dataset.range(1, 5, 2)   # 1, 3
            Dataset.range(5, 1, -2)  # 5, 3

        Args:
          *args: follows the same semantics as python's ``range``: ``len(args) == 1 ->
            stop``, ``len(args) == 2 -> start, stop``, ``len(args) == 3 -> start, stop, step``.
            Each may be an integer or an integer scalar tensor.
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

        This method has similar semantics to the built-in ``zip()`` function in Python, with the
        main difference being that the ``datasets`` argument can be an arbitrary nested
        structure of ``Dataset`` objects; the elements are nested the same way. The result ends
        with the shortest input.

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

        The ``generator`` argument must be a callable object that returns an object that
        supports the ``iter()`` protocol (e.g. a generator function). The elements generated by
        ``generator`` must be compatible with the given ``output_types`` and (optional)
        ``output_shapes`` arguments; a value that is not raises ``InvalidArgumentError`` when
        the iterator reaches it.

            def gen():
                for i in itertools.count(1):
                    yield (i, [1] * i)

            ds = tf.data.Dataset.from_generator(
                gen, (tf.int64, tf.int64), (tf.TensorShape([]), tf.TensorShape([None])))

        The generator runs in Python, called from the C++ pipeline's thread through the GIL;
        each iterator initialisation calls ``generator`` again.

        Args:
          generator: A callable object that returns an object that supports the ``iter()``
            protocol. If ``args`` is not specified, ``generator`` must take no arguments;
            otherwise it must take as many arguments as there are values in ``args``.
          output_types: A nested structure of ``tf.DType`` objects corresponding to each
            component of an element yielded by ``generator``.
          output_shapes: (Optional.) A nested structure of ``tf.TensorShape`` objects
            corresponding to each component of an element yielded by ``generator``.
          args: (Optional.) A tuple of ``tf.Tensor`` objects that will be evaluated and passed
            to ``generator`` as NumPy-array arguments.

        Returns:
          Dataset: A ``Dataset``.
        """
        from varflow.data.generator import generator_dataset

        return generator_dataset(generator, output_types, output_shapes, args)

    # --- transformations -------------------------------------------------------------------------
    def concatenate(self, dataset):
        """Creates a ``Dataset`` by concatenating the given dataset with this dataset.

            a = Dataset.range(1, 4)  # 1, 2, 3
            b = Dataset.range(4, 8)  # 4, 5, 6, 7
            a.concatenate(b)         # 1, 2, 3, 4, 5, 6, 7

        Args:
          dataset: ``Dataset`` to be concatenated; its elements must have this dataset's
            structure and types (the shapes become the most specific shape compatible with
            both).

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

        This transformation applies ``map_func`` to each element of this dataset, and returns a
        new dataset containing the transformed elements, in the same order as they appeared in
        the input. ``map_func`` takes the element's components as separate arguments when the
        element is a tuple, and the element itself otherwise (a tensor or a dict):

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
          map_func: A function mapping a nested structure of tensors (having shapes and types
            defined by ``self.output_shapes`` and ``self.output_types``) to another nested
            structure of tensors.
          num_parallel_calls: (Optional.) An integer, representing the number of elements to
            process asynchronously in parallel, in C++ threads; ``tf.data.experimental.AUTOTUNE``
            picks the number from the machine. If not specified, elements are processed
            sequentially. The output order is always the input order.
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
          predicate: A function mapping a nested structure of tensors (having shapes and types
            defined by ``self.output_shapes`` and ``self.output_types``) to a scalar
            ``tf.bool`` tensor.

        Returns:
          Dataset: The ``Dataset`` containing the elements of this dataset for which
          ``predicate`` is ``True``.

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

        Use ``flat_map`` if you want to make sure that the order of your dataset stays the
        same. For example, to flatten a dataset of batches into a dataset of their elements:

            a = Dataset.from_tensor_slices([[1, 2, 3], [4, 5, 6]])
            a.flat_map(lambda x: Dataset.from_tensor_slices(x + 1))  # 2, 3, 4, 5, 6, 7

        Args:
          map_func: A function mapping a nested structure of tensors (having shapes and types
            defined by ``self.output_shapes`` and ``self.output_types``) to a ``Dataset``.

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
        """Maps ``map_func`` across this dataset, and interleaves the results.

        For example, you can use ``Dataset.interleave()`` to process many input files
        concurrently:

            filenames = ["/var/data/file1.tfrecord", "/var/data/file2.tfrecord", ...]
            dataset = (Dataset.from_tensor_slices(filenames)
                       .interleave(lambda x: tf.data.TFRecordDataset(x),
                                   cycle_length=4, block_length=16))

        ``cycle_length`` input elements are opened at once, each mapped to its dataset; then
        ``block_length`` consecutive elements are taken from each in turn, and an exhausted
        dataset is replaced by the next input element's, in TF's deterministic order:

            a = Dataset.range(1, 6)  # 1, 2, 3, 4, 5
            a.interleave(lambda x: Dataset.from_tensors(x).repeat(6),
                         cycle_length=2, block_length=4)
            # 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4,
            # 5, 5, 5, 5, 5, 5

        Args:
          map_func: A function mapping a nested structure of tensors (having shapes and types
            defined by ``self.output_shapes`` and ``self.output_types``) to a ``Dataset``.
          cycle_length: (Optional.) The number of input elements that will be processed
            concurrently. If not specified (or AUTOTUNE), the C++ pipeline picks it from the
            number of CPU cores, as TF does.
          block_length: (Optional.) The number of consecutive elements to produce from each
            input element before cycling to another input element. Defaults to 1.
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
        return structure.map_structure(
            lambda s: (
                TensorShape([dim] + (s.as_list() if s.ndims is not None else []))
                if s.ndims is not None
                else TensorShape(None)
            ),
            shapes,
        )

    def batch(self, batch_size, drop_remainder=False):
        """Combines consecutive elements of this dataset into batches.

        The components of the resulting element will have an additional outer dimension, which
        will be ``batch_size`` (or ``N % batch_size`` for the last element if ``batch_size``
        does not divide the number of input elements ``N`` evenly and ``drop_remainder`` is
        ``False``). If your program depends on the batches having the same outer dimension, you
        should set the ``drop_remainder`` argument to ``True`` to prevent the smaller batch from
        being produced; the static shape's batch dimension is then ``batch_size`` rather than
        ``None`` (when ``batch_size`` is a constant).

            Dataset.range(8).batch(3)  # [0, 1, 2], [3, 4, 5], [6, 7]

        The elements of a batch must have the same shape: batching elements of different
        shapes raises ``InvalidArgumentError`` naming the ``IteratorGetNext`` op (use
        ``padded_batch`` for those).

        Args:
          batch_size: A ``tf.int64`` scalar (or integer), representing the number of
            consecutive elements of this dataset to combine in a single batch.
          drop_remainder: (Optional.) A ``tf.bool`` scalar (or bool), representing whether the
            last batch should be dropped in the case it has fewer than ``batch_size`` elements;
            the default behavior is not to drop the smaller batch.

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          TypeError: if ``batch_size`` is not an integer or ``drop_remainder`` not a bool, or
            the elements have a ``SparseTensor`` component.
        """
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
        """Combines consecutive elements of this dataset into padded batches.

        This transformation combines multiple consecutive elements of the input dataset into a
        single element. Like ``batch``, the components of the resulting element have an
        additional outer dimension of ``batch_size`` (smaller for the last batch unless
        ``drop_remainder``). Unlike ``batch``, the input elements may have different shapes:
        each component is padded to ``padded_shapes``, where a dimension that is ``None`` (or
        -1) is padded to the longest in the batch.

            a = Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
            a.padded_batch(2, padded_shapes=[None])  # [[1, 0], [2, 2]], [[3, 3, 3]]

        Args:
          batch_size: A ``tf.int64`` scalar (or integer), representing the number of
            consecutive elements of this dataset to combine in a single batch.
          padded_shapes: (Optional.) A nested structure of ``tf.TensorShape`` or ``tf.int64``
            vector tensor-like objects representing the shape to which the respective component
            of each input element should be padded prior to batching. Defaults to the
            components' static shapes (their unknown dimensions padded to the batch's longest).
          padding_values: (Optional.) A nested structure of scalar-shaped values to pad with,
            one per component; defaults to 0 for numbers and ``b""`` for strings.
          drop_remainder: (Optional.) A ``tf.bool`` scalar (or bool), representing whether the
            last batch should be dropped in the case it has fewer than ``batch_size`` elements.

        Returns:
          Dataset: A ``Dataset``.

        Raises:
          ValueError: if a padded shape has an unknown rank, or a rank or a dimension smaller
            than the component's static shape.
          TypeError: if a padding value's dtype is not its component's, or the elements have a
            ``SparseTensor`` component.
        """
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

        This dataset fills a buffer with ``buffer_size`` elements, then randomly samples
        elements from this buffer, replacing the selected elements with new elements. For
        perfect shuffling, a buffer size greater than or equal to the full size of the dataset
        is required.

        For instance, if your dataset contains 10,000 elements but ``buffer_size`` is set to
        1,000, then ``shuffle`` will initially select a random element from only the first
        1,000 elements in the buffer. Once an element is selected, its space in the buffer is
        replaced by the next (i.e. 1,001-st) element, maintaining the 1,000 element buffer.

        The random stream is TF's (Philox, with the op and graph-level seeds combined as TF
        combines them), so a seeded shuffle gives the order TF1 gives for the same seeds.

        Args:
          buffer_size: A ``tf.int64`` scalar (or integer), representing the number of elements
            from this dataset from which the new dataset will sample.
          seed: (Optional.) A ``tf.int64`` scalar (or integer), representing the random seed
            that will be used to create the distribution. See ``tf.set_random_seed`` for
            behavior.
          reshuffle_each_iteration: (Optional.) A boolean, which if true indicates that the
            dataset should be pseudorandomly reshuffled each time it is iterated over (each
            ``repeat`` epoch, each iterator initialisation). Defaults to ``True``.

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
        """Repeats this dataset so each original value is seen ``count`` times.

            Dataset.range(3).repeat(2)  # 0, 1, 2, 0, 1, 2

        Args:
          count: (Optional.) A ``tf.int64`` scalar (or integer), representing the number of
            times the dataset should be repeated. The default behavior (if ``count`` is
            ``None`` or ``-1``) is for the dataset be repeated indefinitely.

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
          buffer_size: A ``tf.int64`` scalar (or integer), representing the maximum number of
            elements that will be buffered when prefetching. ``tf.data.experimental.AUTOTUNE``
            gives a fixed depth that covers a step's jitter (varflow has no tuner).

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
        """Creates a ``Dataset`` with at most ``count`` elements from this dataset.

        Args:
          count: A ``tf.int64`` scalar (or integer), representing the number of elements of
            this dataset that should be taken to form the new dataset. If ``count`` is -1, or if
            ``count`` is greater than the size of this dataset, the new dataset will contain all
            elements of this dataset.

        Returns:
          Dataset: A ``Dataset``.
        """
        return DatasetV1Adapter(
            "Take", self._types, self._shapes, inputs=[self], args=[_int64(count, "count")]
        )

    def skip(self, count):
        """Creates a ``Dataset`` that skips ``count`` elements from this dataset.

        Args:
          count: A ``tf.int64`` scalar (or integer), representing the number of elements of
            this dataset that should be skipped to form the new dataset. If ``count`` is greater
            than the size of this dataset, the new dataset will contain no elements. If
            ``count`` is -1, skips the entire dataset.

        Returns:
          Dataset: A ``Dataset``.
        """
        return DatasetV1Adapter(
            "Skip", self._types, self._shapes, inputs=[self], args=[_int64(count, "count")]
        )

    def cache(self, filename=""):
        """Caches the elements in this dataset.

        The first time the dataset is iterated over completely, its elements are kept in
        memory; later iterations (``repeat`` epochs) read them from there instead of
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

        It is similar to python's ``enumerate``: each element becomes a pair ``(index,
        element)`` with an int64 index.

            a = Dataset.from_tensor_slices([1, 2, 3])
            a.enumerate(start=5)  # (5, 1), (6, 2), (7, 3)

        Args:
          start: A ``tf.int64`` scalar (or integer), representing the start value for
            enumeration.

        Returns:
          Dataset: A ``Dataset``.
        """
        return Dataset.zip((Dataset.range(start, 2**63 - 1), self))

    def apply(self, transformation_func):
        """Applies a transformation function to this dataset.

        ``apply`` enables chaining of custom ``Dataset`` transformations, which are represented
        as functions that take one ``Dataset`` argument and return a transformed ``Dataset``.

            dataset = (dataset.map(lambda x: x ** 2)
                       .apply(my_transformation)
                       .map(lambda x: x + 1))

        Args:
          transformation_func: A function that takes one ``Dataset`` argument and returns a
            ``Dataset``.

        Returns:
          Dataset: The ``Dataset`` returned by applying ``transformation_func`` to this
          dataset.

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

        The returned iterator will be initialized automatically: it starts on the dataset the
        first time ``get_next()`` runs in a session, and cannot be re-initialized. A
        "one-shot" iterator does not currently support re-initialization.

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

        The returned iterator will be in an uninitialized state, and you must run the
        ``iterator.initializer`` operation before using it; running it again restarts the
        iterator, reading the values the dataset's tensors (placeholders, say) have in that
        run:

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
