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
    """TF1's ``tf.data.Iterator``."""

    def __init__(self, handle, initializer, output_types, output_shapes):
        self._handle = handle
        self._initializer = initializer
        self._types = output_types
        self._shapes = output_shapes

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """A reinitializable iterator: `make_initializer(dataset)` starts it on a dataset."""
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
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        raise NotImplementedError(
            "Iterator.from_string_handle is not supported by varflow yet (iterator handles as "
            "string tensors); use Iterator.from_structure with make_initializer to switch "
            "datasets"
        )

    @property
    def initializer(self):
        if self._initializer is None:
            raise ValueError(
                "The iterator does not have an initializer. This means it was likely created "
                "using `tf.data.Dataset.make_one_shot_iterator()`. For an initializable "
                "iterator, use `tf.data.Dataset.make_initializable_iterator()` instead."
            )
        return self._initializer

    @property
    def output_types(self):
        return self._types

    @property
    def output_shapes(self):
        return self._shapes

    @property
    def output_classes(self):
        return structure.map_structure(lambda _: graph_module.Tensor, self._types)

    def make_initializer(self, dataset, name=None):
        """The op that (re)starts this iterator on `dataset`."""
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
        """The next element, as tensors nested like the dataset's elements."""
        graph = self._handle.graph
        op = graph.create_op(
            "IteratorGetNext",
            [self._handle],
            _signature_attrs(self._types, self._shapes),
            name=name or "IteratorGetNext",
        )
        return structure.pack_as(self._types, list(op._outputs))

    def string_handle(self, name=None):
        raise NotImplementedError(
            "Iterator.string_handle is not supported by varflow yet (iterator handles as "
            "string tensors)"
        )


def make_one_shot_iterator(dataset):
    """An iterator that starts on `dataset` the first time it is used (no initializer)."""
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
    """An iterator whose `initializer` (re)starts it, reading the dataset's fed values."""
    it = Iterator.from_structure(dataset.output_types, dataset.output_shapes, shared_name)
    it._initializer = it.make_initializer(dataset)
    return it


class EagerIterator:
    """Python iteration over a dataset in eager mode: the C++ pipeline bound to the values."""

    def __init__(self, dataset):
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
        return structure.pack_as(self._types, flat)

    def get_next(self):
        return self.__next__()


def get_output_types(dataset_or_iterator):
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    return dataset_or_iterator.output_classes
