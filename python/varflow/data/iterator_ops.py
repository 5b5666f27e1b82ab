"""TF1's iterators over a Dataset: one-shot, initializable (its ``initializer`` binds the
pipeline to the values its tensors have at that run) and reinitializable
(``Iterator.from_structure`` + ``make_initializer``). ``get_next()`` is an op of the graph;
running it pulls the next element from the C++ pipeline and raises ``OutOfRangeError`` at the
end."""

from __future__ import annotations

from varflow import _core, dtypes
from varflow import graph as graph_module
from varflow.data import structure
from varflow.tensor_shape import TensorShape


def _signature_attrs(types, shapes) -> dict:
    flat_types = structure.flatten(types)
    flat_shapes = structure.flatten(shapes)
    return {
        "output_types": [int(t._core) for t in flat_types],
        "output_shapes": _core.encode_shapes(
            [_core.Shape(s.as_list() if s.ndims is not None else None) for s in flat_shapes]
        ),
    }


def _check_capturable(dataset, what: str) -> None:
    for t in dataset._all_tensors():
        op = t.op
        if op.type == "Placeholder":
            raise ValueError(
                f"Cannot capture a placeholder (name:{op.name}, type:Placeholder) by value. "
                f"Use `{what}` with an initializable iterator instead."
            )
        if op.type in ("VariableV2", "Variable"):
            raise ValueError(
                "Failed to create a one-shot iterator for a dataset. "
                "`Dataset.make_one_shot_iterator()` does not support datasets that capture "
                "stateful objects, such as a `Variable` or `LookupTable`. In these cases, use "
                "`Dataset.make_initializable_iterator()`. (Original error: Cannot capture a "
                f"stateful node (name:{op.name}, type:{op.type}) by value.)"
            )


class Iterator:
    """Represents the state of iterating through a ``Dataset``.

    An iterator is a node of the graph holding, in each Session, the position of a C++
    pipeline. ``get_next()`` returns the tensors of the next element; running them pulls it
    from the pipeline (which keeps producing ahead in its threads), and once the dataset is
    exhausted the run raises ``tf.errors.OutOfRangeError``.

    Iterators are made by ``Dataset.make_one_shot_iterator()`` (starts by itself),
    ``Dataset.make_initializable_iterator()`` (its ``initializer`` starts it, reading the
    dataset's placeholders), ``Iterator.from_structure()`` (a reinitializable iterator
    that ``make_initializer(dataset)`` switches between datasets of one structure) and
    ``Iterator.from_string_handle()`` (a feedable iterator).
    """

    def __init__(self, handle, initializer, output_types, output_shapes):
        """Wraps an iterator node's output.

        Made by the ``Dataset`` and ``Iterator`` factory methods; programs do not call it.

        Args:
          handle: The iterator node's output, naming the iterator's state in a session.
          initializer: The ``tf.Operation`` that starts the iterator, or None (one-shot and
            reinitializable iterators).
          output_types: The elements' nested ``tf.DType``s.
          output_shapes: The elements' nested ``tf.TensorShape``s.
        """
        self._handle = handle
        self._initializer = initializer
        self._types = output_types
        self._shapes = output_shapes

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """Creates a reinitializable ``Iterator`` for elements of the given structure.

        The iterator is bound to no dataset and has no ``initializer``: each
        ``iterator.make_initializer(dataset)`` returns an op that starts it on ``dataset``, so one
        iterator (and one model built on its ``get_next()``) can read several datasets of the
        same structure in turn, training and validation data for instance.

            train = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(1000).batch(64)
            valid = tf.data.Dataset.from_tensor_slices((x_valid, y_valid)).batch(256)
            iterator = tf.data.Iterator.from_structure(train.output_types, valid.output_shapes)
            features, labels = iterator.get_next()
            loss = model_loss(features, labels)
            to_train = iterator.make_initializer(train)
            to_valid = iterator.make_initializer(valid)
            # each epoch: sess.run(to_train), train until OutOfRangeError,
            # then sess.run(to_valid) and evaluate until OutOfRangeError

        (``valid``'s shapes, ``[None, ...]``, are compatible with both datasets' batches.)

        Args:
          output_types: The ``tf.DType`` of each component of an element, nested as the
            elements are.
          output_shapes: (Optional.) The ``tf.TensorShape`` of each component, nested the same
            way; omitted, every component's shape is unknown.
          shared_name: (Optional.) Recorded as the iterator node's ``shared_name``; varflow's
            iterators belong to their session (TF1 shares them between the sessions of one
            server).
          output_classes: Accepted for TF1 compatibility (the classes follow from the types).

        Returns:
          An ``Iterator``.

        Raises:
          TypeError: if a type is not a ``tf.DType``.
          ValueError: if ``output_shapes`` does not match the structure of ``output_types``.
        """
        types = structure.map_structure(dtypes.as_dtype, output_types)
        if output_shapes is None:
            shapes = structure.map_structure(lambda _: TensorShape(None), types)
        else:
            flat = structure.flatten_up_to(types, output_shapes, "output_shapes")
            shapes = structure.pack_as(types, [TensorShape(s) for s in flat])
        graph = graph_module.get_default_graph()
        attrs = _signature_attrs(types, shapes)
        if shared_name:
            attrs["shared_name"] = shared_name
        handle = graph.create_op("IteratorV2", [], attrs, name="Iterator")._outputs[0]
        return Iterator(handle, None, types, shapes)

    @staticmethod
    def _signature(output_types, output_shapes):
        types = structure.map_structure(dtypes.as_dtype, output_types)
        if output_shapes is None:
            return types, structure.map_structure(lambda _: TensorShape(None), types)
        flat = structure.flatten_up_to(types, output_shapes, "output_shapes")
        return types, structure.pack_as(types, [TensorShape(s) for s in flat])

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        """A feedable iterator: `get_next()` reads the iterator whose `string_handle()` value
        `string_handle` (a scalar string tensor, usually a placeholder) holds when run.

        Args:
          string_handle: A scalar string `Tensor` that evaluates to a handle produced by
            `Iterator.string_handle()` in the same session.
          output_types: A nested structure of `tf.DType`s, the element's component types.
          output_shapes: (Optional.) A nested structure of `tf.TensorShape`s.
          output_classes: Accepted for TF1 compatibility.

        Returns:
          An `Iterator`.
        """
        handle = graph_module.convert_to_tensor(string_handle, dtype=dtypes.string)
        types, shapes = Iterator._signature(output_types, output_shapes)
        return _FeedableIterator(handle, types, shapes)

    @property
    def initializer(self):
        """The ``tf.Operation`` that (re)starts this iterator on its dataset.

        Raises:
          ValueError: If this iterator initializes itself automatically (a one-shot iterator)
            or has no dataset (made by ``from_structure``: use ``make_initializer``).
        """
        if self._initializer is None:
            raise ValueError(
                "The iterator does not have an initializer. This means it was likely created "
                "using `tf.data.Dataset.make_one_shot_iterator()`. For an initializable "
                "iterator, use `tf.data.Dataset.make_initializable_iterator()` instead."
            )
        return self._initializer

    @property
    def output_types(self):
        """The ``tf.DType`` of each component of an element, nested as the elements are."""
        return self._types

    @property
    def output_shapes(self):
        """The ``tf.TensorShape`` of each component of an element, nested as the elements are."""
        return self._shapes

    @property
    def output_classes(self):
        """The Python class of each component of an element (``tf.Tensor``), nested as the
        elements are.
        """
        return structure.map_structure(lambda _: graph_module.Tensor, self._types)

    def make_initializer(self, dataset, name=None):
        """Returns an op that starts this iterator on ``dataset``.

        Running it (re)starts the iterator at the dataset's first element, binding the dataset
        to the values its tensors (placeholders, variables) have in that run.

        Args:
          dataset: A ``Dataset`` whose elements have this iterator's structure and types, and
            compatible shapes.
          name: (Optional.) A name for the created operation.

        Returns:
          The initializing ``tf.Operation`` (a ``MakeIterator`` node).

        Raises:
          TypeError: If ``dataset`` and this iterator do not have a compatible element
            structure (types or shapes).
        """
        if structure.flatten(dataset.output_types) != structure.flatten(self._types):
            raise TypeError(
                f"Expected output types {self._types!r} but got dataset with output types "
                f"{dataset.output_types!r}."
            )
        for want, have in zip(
            structure.flatten(self._shapes), structure.flatten(dataset.output_shapes), strict=True
        ):
            if not want.is_compatible_with(have):
                raise TypeError(
                    f"Expected output shapes compatible with {self._shapes!r} but got dataset "
                    f"with output shapes {dataset.output_shapes!r}."
                )
        spec, tensors = dataset._bound()
        graph = self._handle.graph
        return graph.create_op(
            "MakeIterator",
            [self._handle, *tensors],
            {"dataset_id": _core.register_dataset(spec)},
            name=name or "MakeIterator",
        )

    def get_next(self, name=None):
        """Returns the tensors of the next element, nested as the elements are.

        Call it once, at graph build, and build the model on its result; each
        ``Session.run`` of something that depends on it then consumes one element, until the
        run raises ``tf.errors.OutOfRangeError`` at the end of the dataset:

            iterator = dataset.make_initializable_iterator()
            images, labels = iterator.get_next()
            loss = model_loss(images, labels)
            train_op = tf.train.AdamOptimizer().minimize(loss)
            with tf.Session() as sess:
                sess.run([tf.global_variables_initializer(), iterator.initializer])
                try:
                    while True:
                        sess.run(train_op)     # one element per step
                except tf.errors.OutOfRangeError:
                    pass                       # the dataset is exhausted

        Each call adds an ``IteratorGetNext`` op, and each such op pulls its own element when
        it runs: call it once and reuse its tensors.

        Args:
          name: (Optional.) A name for the created operation.

        Returns:
          A nested structure of ``tf.Tensor`` objects, nested like the dataset's elements.
        """
        graph = self._handle.graph
        op = graph.create_op(
            "IteratorGetNext",
            [self._handle],
            _signature_attrs(self._types, self._shapes),
            name=name or "IteratorGetNext",
        )
        return structure.components_to_sparse(structure.pack_as(self._types, list(op._outputs)))

    def string_handle(self, name=None):
        """A scalar string tensor naming this iterator (in the session that runs it), to feed
        the `string_handle` of an `Iterator.from_string_handle` iterator.

        Args:
          name: A name for the operation (optional).

        Returns:
          A scalar string `Tensor`.
        """
        return self._handle.graph.create_op(
            "IteratorToStringHandle", [self._handle], name=name or "IteratorToStringHandle"
        )._outputs[0]


class _FeedableIterator(Iterator):
    """Iterator.from_string_handle's iterator: reads whichever iterator its handle names."""

    def __init__(self, string_handle, output_types, output_shapes):
        super().__init__(string_handle, None, output_types, output_shapes)

    def get_next(self, name=None):
        """The next element of the iterator the fed handle names."""
        op = self._handle.graph.create_op(
            "IteratorGetNextFromStringHandle",
            [self._handle],
            _signature_attrs(self._types, self._shapes),
            name=name or "IteratorGetNext",
        )
        return structure.components_to_sparse(structure.pack_as(self._types, list(op._outputs)))

    def string_handle(self, name=None):
        """The handle this iterator reads through."""
        return self._handle


def make_one_shot_iterator(dataset):
    """Returns an iterator over ``dataset`` that starts by itself.

    The function form of ``Dataset.make_one_shot_iterator()``: the iterator starts by
    itself the first time a run reaches it, and cannot be restarted. The dataset may not
    read placeholders or variables, whose values would be needed before any feed.

    Args:
      dataset: A ``tf.data.Dataset``.

    Returns:
      A ``tf.data.Iterator`` over the elements of this dataset.

    Raises:
      ValueError: if the dataset reads a placeholder or a variable.
    """
    _check_capturable(dataset, "make_initializable_iterator")
    spec, tensors = dataset._bound()
    attrs = _signature_attrs(dataset.output_types, dataset.output_shapes)
    attrs["dataset_id"] = _core.register_dataset(spec)
    handle = (
        graph_module.get_default_graph()
        .create_op("OneShotIterator", tensors, attrs, name="OneShotIterator")
        ._outputs[0]
    )
    return Iterator(handle, None, dataset.output_types, dataset.output_shapes)


def make_initializable_iterator(dataset, shared_name=None):
    """Returns an iterator over ``dataset`` that its ``initializer`` starts.

    The function form of ``Dataset.make_initializable_iterator()``: run
    ``iterator.initializer`` before the first ``get_next()``, and again to restart it:

        dataset = ...
        iterator = tf.data.make_initializable_iterator(dataset)
        # ...
        sess.run(iterator.initializer)

    Args:
      dataset: A ``tf.data.Dataset``.
      shared_name: (Optional.) Accepted for TF1 compatibility (see
        ``Iterator.from_structure``).

    Returns:
      A ``tf.data.Iterator`` over the elements of ``dataset``.
    """
    it = Iterator.from_structure(dataset.output_types, dataset.output_shapes, shared_name)
    it._initializer = it.make_initializer(dataset)
    return it


class EagerIterator:
    """Python iteration over a dataset in eager mode: the C++ pipeline bound to the values.

    ``iter(dataset)`` returns one; each ``next()`` gives the next element as eager tensors.
    """

    def __init__(self, dataset):
        """Binds ``dataset`` to the current values of the tensors it reads and starts it.

        Args:
          dataset: A ``tf.data.Dataset`` built in eager mode.
        """
        import numpy as np

        spec, tensors = dataset._bound()
        self._types = dataset.output_types
        self._it = _core.DatasetIterator(spec, [np.asarray(t.numpy()) for t in tensors])

    def __iter__(self):
        return self

    def __next__(self):
        values = self._it.next()
        if values is None:
            raise StopIteration
        flat = [
            graph_module.constant(v, dtype=t)
            for v, t in zip(values, structure.flatten(self._types), strict=True)
        ]
        return structure.components_to_sparse(structure.pack_as(self._types, flat))

    def get_next(self):
        """Returns the next element, as eager tensors nested like the dataset's elements.

        Raises:
          StopIteration: at the end of the dataset.
        """
        return self.__next__()


def get_output_types(dataset_or_iterator):
    """Returns the component types of the elements of a ``Dataset`` or ``Iterator``.

    The function form of the ``output_types`` property (which TF2 deprecates).

    Args:
      dataset_or_iterator: A ``tf.data.Dataset`` or ``tf.data.Iterator``.

    Returns:
      The elements' structure of ``tf.DType`` objects.
    """
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """Returns the component shapes of the elements of a ``Dataset`` or ``Iterator``.

    The function form of the ``output_shapes`` property (which TF2 deprecates).

    Args:
      dataset_or_iterator: A ``tf.data.Dataset`` or ``tf.data.Iterator``.

    Returns:
      The elements' structure of ``tf.TensorShape`` objects.
    """
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """Returns the component classes of the elements of a ``Dataset`` or ``Iterator``.

    The function form of the ``output_classes`` property (which TF2 deprecates).

    Args:
      dataset_or_iterator: A ``tf.data.Dataset`` or ``tf.data.Iterator``.

    Returns:
      The elements' structure of Python classes (``tf.Tensor``, ``tf.SparseTensor``).
    """
    return dataset_or_iterator.output_classes
