"""Tracing a dataset function (map, filter, flat_map...) once into a graph of its own, which
the C++ pipeline runs per element with a Session plan.

The function sees placeholders for the element's components. An outer tensor it uses is
captured: a constant is copied in (so the function graph needs nothing from outside), any
other tensor becomes one more placeholder, fed with the outer tensor's value when the
iterator is initialised (a variable's value is read then, not per element)."""

from __future__ import annotations

from varflow import _core, dtypes
from varflow import graph as graph_module
from varflow.data import structure


class FunctionGraph(graph_module.Graph):
    """The graph a dataset function (``map``, ``filter``, ``flat_map``...) is traced into.

    The C++ pipeline runs it for each element with a Session plan. An outer tensor an op of
    this graph uses is captured (see ``capture``); the graph-level seed is the outer
    graph's.
    """

    def __init__(self, outer):
        """Creates an empty function graph for a function traced inside ``outer``.

        Args:
          outer: The graph the dataset is built in, whose tensors the function may capture.
        """
        super().__init__()
        self._outer = outer
        self._building_function = True
        self.captured: list = []  # outer tensors, in the order of their placeholders
        self.capture_placeholders: list = []
        self._captures: dict = {}
        self.seed = outer.seed

    def create_op(self, op_type, inputs, attrs=None, name=None):
        return super().create_op(op_type, [self.capture(t) for t in inputs], attrs, name)

    def capture(self, tensor):
        """Returns ``tensor`` as a tensor of this graph, capturing it if it is an outer one.

        A constant of the outer graph is copied in (the function graph then needs nothing from
        outside), an eager tensor becomes a constant of its value, and any other outer tensor
        becomes a placeholder, fed with that tensor's value when the iterator is initialised
        (so a variable is read at initialisation, not per element). Each outer tensor is
        captured once.

        Args:
          tensor: A tensor of this graph or of an outer one.

        Returns:
          The tensor of this graph that stands for ``tensor``.
        """
        if tensor.graph is self:
            return tensor
        key = id(tensor)
        if key in self._captures:
            return self._captures[key][1]
        op = tensor.op
        if getattr(tensor.graph, "_is_eager", False):
            inner = graph_module.constant(tensor.numpy(), dtype=tensor.dtype)
        elif op.type == "Const" and not op.control_inputs:
            inner = (
                super()
                .create_op(
                    "Const",
                    [],
                    {"value": op.get_attr("value"), "dtype": tensor.dtype.base_dtype._core},
                    name=op.name.split("/")[-1],
                )
                ._outputs[0]
            )
        else:
            inner = (
                super()
                .create_op(
                    "Placeholder",
                    [],
                    {
                        "dtype": tensor.dtype.base_dtype._core,
                        "shape": _core.Shape(
                            tensor.shape.as_list() if tensor.shape.ndims is not None else None
                        ),
                    },
                    name="captured",
                )
                ._outputs[0]
            )
            self.captured.append(tensor)
            self.capture_placeholders.append(inner)
        # The outer tensor stays referenced so that id() keys stay unique.
        self._captures[key] = (tensor, inner)
        return inner


class TracedFunction:
    """A traced dataset function: its graph, argument placeholders, flat results and nesting.

    ``dataset`` is the ``Dataset`` the function returned, for ``flat_map`` and
    ``interleave`` (whose results are then that dataset's input tensors).
    """

    def __init__(self, graph, args, results, output_structure, dataset=None):
        """Holds the parts of a traced function.

        Args:
          graph: The ``FunctionGraph`` it was traced into.
          args: The placeholders of the element's components, in ``flatten`` order.
          results: The flat list of result tensors.
          output_structure: The results nested as the function returned them (None when it
            returned a dataset).
          dataset: The ``Dataset`` the function returned, or None.
        """
        self.graph = graph
        self.args = args
        self.results = results
        self.output_structure = output_structure
        self.dataset = dataset

    @property
    def captured(self) -> list:
        """The outer tensors the function captured, in the order of their placeholders."""
        return self.graph.captured

    def core(self, scope_index, name: str, dataset_spec=None):
        """Returns the C++ ``DataFunction`` that runs this function per element.

        Args:
          scope_index: A callable mapping each captured outer tensor to its index among the
            tensors the dataset is bound to.
          name: The dataset's name, for error messages (``MapDataset``...).
          dataset_spec: The spec of the returned dataset (``flat_map``, ``interleave``), or
            None.

        Returns:
          A ``_core.DataFunction``.
        """
        return _core.DataFunction(
            self.graph._core,
            [t._output for t in self.args + self.graph.capture_placeholders],
            [t._output for t in self.results],
            [scope_index(t) for t in self.graph.captured],
            dataset_spec,
            name,
        )


def _call(fn, element):
    """TF's calling convention: a tuple element is spread over the arguments."""
    if isinstance(element, tuple) and not hasattr(element, "_fields"):
        return fn(*element)
    return fn(element)


def trace(fn, element_types, element_shapes, name: str, allow_dataset=False):
    """Traces ``fn`` once, on placeholders for the components of an element.

    The element is passed as TF passes it: a tuple's components as separate arguments,
    anything else (a tensor, a dict) as one argument. A list the function returns is a
    tuple; a result that is one of the arguments gets an ``Identity`` so that fetching it
    reads this call's value.

    Args:
      fn: The dataset function.
      element_types: The element's nested dtypes.
      element_shapes: The element's nested ``TensorShape``s.
      name: The transformation's name (``map``, ``filter``...), for error messages.
      allow_dataset: True when ``fn`` must return a ``Dataset`` (``flat_map``,
        ``interleave``).

    Returns:
      A ``TracedFunction``.

    Raises:
      TypeError: if ``fn`` returns None or an Operation, a ``Dataset`` where tensors are
        expected, or something else where a ``Dataset`` is.
    """
    from varflow import array_ops
    from varflow.data.dataset_ops import Dataset

    outer = graph_module.get_default_graph()
    graph = FunctionGraph(outer)
    with graph.as_default():
        flat_types = structure.flatten(element_types)
        flat_shapes = structure.flatten(element_shapes)
        args = [
            array_ops.placeholder(t, s.as_list() if s.ndims is not None else None, name="arg")
            for t, s in zip(flat_types, flat_shapes, strict=True)
        ]
        element = structure.components_to_sparse(structure.pack_as(element_types, args))
        result = _call(fn, element)
        if allow_dataset:
            if not isinstance(result, Dataset):
                raise TypeError(
                    f"`{name}` must return a `Dataset` object. Got {type(result).__name__}."
                )
            # The inner dataset's inputs are this function's results.
            results = [graph.capture(t) for t in result._all_tensors()]
            return TracedFunction(graph, args, results, None, dataset=result)
        if isinstance(result, Dataset):
            raise TypeError(f"`{name}` returned a Dataset where tensors were expected.")
        result = structure.sparse_to_components(structure.lists_to_tuples(result))
        if result is None:
            raise TypeError(
                f"The function passed to `{name}` returned None; it must return a tensor or a "
                "nested structure of tensors."
            )

        def convert(value):
            if isinstance(value, graph_module.Operation):
                raise TypeError(
                    f"The function passed to `{name}` returned an Operation ('{value.name}'); "
                    "it must return tensors."
                )
            return graph.capture(graph_module.convert_to_tensor(value))

        out = structure.map_structure(convert, result)
        # A result that is an argument or a capture as is still gets its own node, so that
        # fetching it reads this call's value.
        passthrough = {id(t) for t in args + graph.capture_placeholders}
        results = [
            array_ops.identity(t) if id(t) in passthrough else t for t in structure.flatten(out)
        ]
        out = structure.pack_as(out, results)
    return TracedFunction(graph, args, results, out)


def output_signature(traced: TracedFunction):
    """Returns the nested dtypes and ``TensorShape``s of a traced function's results.

    Args:
      traced: A ``TracedFunction`` that returned tensors.

    Returns:
      A pair ``(types, shapes)``, nested like the function's results.
    """
    types = structure.map_structure(lambda t: t.dtype.base_dtype, traced.output_structure)
    shapes = structure.map_structure(lambda t: t.shape, traced.output_structure)
    return types, shapes


def as_dtype(value):
    """Converts ``value`` to a ``tf.DType`` (``tf.as_dtype``).

    Args:
      value: A ``tf.DType``, a NumPy dtype or type, or a dtype name.

    Returns:
      The ``tf.DType``.
    """
    return dtypes.as_dtype(value)
