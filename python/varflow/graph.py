"""Graphs, operations and tensors: the Python face of the C++ graph.

Nodes live in the C++ graph; an ``Operation`` and its ``Tensor`` outputs are created once per
node and cached, so identity comparisons (``x in collection``) behave as in TF1. Collections
are Python lists (they may hold any Python object, as in TF1) that the C++ core reads and
appends to through a CollectionStore.
"""

from __future__ import annotations

import contextlib
import re
import threading
import weakref

import numpy as np

from varflow import _core, dtypes, errors
from varflow.tensor_shape import TensorShape


class GraphKeys:
    """Standard collection names (TF1's ``tf.GraphKeys``)."""

    GLOBAL_VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"
    VARIABLES = GLOBAL_VARIABLES


class Operation:
    """A node of the graph (TF1's ``tf.Operation``)."""

    __slots__ = ("__weakref__", "_graph", "_node", "_outputs")

    def __init__(self, graph: Graph, node):
        self._graph = graph
        self._node = node
        self._outputs = tuple(Tensor(self, i) for i in range(node.num_outputs))

    @property
    def name(self) -> str:
        return self._node.name

    @property
    def type(self) -> str:
        return self._node.type

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def outputs(self) -> list[Tensor]:
        return list(self._outputs)

    @property
    def inputs(self) -> list[Tensor]:
        return [self._graph._tensor_for(o) for o in self._node.inputs]

    @property
    def control_inputs(self) -> list[Operation]:
        return [self._graph._op_for(n) for n in self._node.control_inputs]

    @property
    def device(self) -> str:
        return self._node.device

    def get_attr(self, name: str):
        value = self._node.get_attr(name)
        if isinstance(value, _core.DType):
            return dtypes.as_dtype(value)
        if isinstance(value, _core.Shape):
            return TensorShape(value.dims)
        return value

    def values(self) -> tuple:
        return self._outputs

    def run(self, feed_dict=None, session=None) -> None:
        from varflow.session import _session_or_default

        _session_or_default(session, self._graph).run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Tensor:
    """One output of an Operation (TF1's ``tf.Tensor``)."""

    __slots__ = ("__weakref__", "_index", "_op", "_output")
    __array_priority__ = 100

    def __init__(self, op: Operation, index: int):
        self._op = op
        self._index = index
        self._output = op._node.output(index)

    @property
    def op(self) -> Operation:
        return self._op

    @property
    def value_index(self) -> int:
        return self._index

    @property
    def name(self) -> str:
        return f"{self._op.name}:{self._index}"

    @property
    def dtype(self) -> dtypes.DType:
        d = dtypes.as_dtype(self._output.dtype)
        return d._as_ref() if self._op.type == "VariableV2" else d

    @property
    def graph(self) -> Graph:
        return self._op._graph

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._output.shape)

    @property
    def device(self) -> str:
        return self._op.device

    def get_shape(self) -> TensorShape:
        return self.shape

    def set_shape(self, shape) -> None:
        if not self.shape.is_compatible_with(shape):
            raise ValueError(f"Shapes {self.shape} and {TensorShape(shape)} are incompatible")

    def consumers(self) -> list[Operation]:
        graph = self._op._graph
        return [
            graph._op_for(n)
            for n in self._op._node.consumers
            if any(i == self._output for i in n.inputs)
        ]

    def eval(self, feed_dict=None, session=None):
        from varflow.session import _session_or_default

        return _session_or_default(session, self.graph).run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"

    def __str__(self) -> str:
        return f'Tensor("{self.name}", shape={self.shape}, dtype={self.dtype.name})'

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other) -> bool:
        return self is other

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined."
        )

    def __iter__(self):
        raise TypeError("'Tensor' object is not iterable.")

    def __len__(self) -> int:
        raise TypeError(
            f"len is not well defined for symbolic Tensors. ({self.name}) Please call "
            "`x.shape` rather than `len(x)` for shape information."
        )


class _PythonCollections(_core.CollectionStore):
    """Collections as Python lists; the C++ core reads graph elements out of them."""

    def __init__(self, graph: Graph):
        super().__init__()
        self._graph = graph
        self.lists: dict[str, list] = {}

    def add(self, key, item):
        self.lists.setdefault(key, []).append(self._graph._wrap_core_item(item))

    def get(self, key):
        return [_core_item(x) for x in self.lists.get(key, ())]

    def keys(self):
        return list(self.lists)

    def clear(self, key):
        self.lists.pop(key, None)


def _core_item(value):
    from varflow.variables import Variable

    if isinstance(value, Variable):
        return value._node
    if isinstance(value, Operation):
        return value._node
    if isinstance(value, Tensor):
        return value._output
    return None


class Graph:
    """A dataflow graph (TF1's ``tf.Graph``)."""

    _is_eager = False

    def __init__(self):
        self._core = _core.Graph()
        self._ops: list[Operation | None] = []
        self._variables: dict[int, object] = {}
        self._pending_variable = None
        self._collections = _PythonCollections(self)
        self._core.set_collection_store(self._collections)
        self._seed = None
        self._lock = threading.RLock()
        self._building_function = False
        # Fetched values of these tensors go through a Python function (e.g. indices of
        # uninitialised variables become their names, as TF1's string tensor holds).
        self._fetch_transforms: dict = {}
        _graphs_by_uid[self._core.uid] = self

    # --- nodes -------------------------------------------------------------------------------
    def _hold(self):
        """Eager graphs keep their nodes meanwhile; building a graph needs nothing."""
        return contextlib.nullcontext()

    def _op_for(self, node) -> Operation:
        index = node.id
        ops = self._ops
        if index >= len(ops):
            ops.extend([None] * (index + 1 - len(ops)))
        op = ops[index]
        if op is None:
            op = ops[index] = Operation(self, node)
        return op

    def _tensor_for(self, output) -> Tensor:
        return self._op_for(output.node)._outputs[output.index]

    def _wrap_core_item(self, item):
        if isinstance(item, _core.Output):
            return self._tensor_for(item)
        if item.type == "VariableV2":
            return self._variable_for(item)
        return self._op_for(item)

    def _variable_for(self, node):
        from varflow.variables import Variable

        var = self._variables.get(node.id)
        if var is None:
            var = self._pending_variable
            self._pending_variable = None
            if var is None:
                var = Variable.__new__(Variable)
            var._bind(self, self._core.variable_info(node))
            self._variables[node.id] = var
        return var

    def create_op(self, op_type: str, inputs, attrs=None, name: str | None = None) -> Operation:
        node = self._core.add_node(
            op_type, [t._output for t in inputs], attrs or {}, "" if name is None else name
        )
        return self._op_for(node)

    def get_operations(self) -> list[Operation]:
        return [self._op_for(self._core.node(i)) for i in range(self._core.num_nodes)]

    def get_operation_by_name(self, name: str) -> Operation:
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        try:
            return self._op_for(self._core.operation_by_name(name))
        except errors.NotFoundError as e:
            raise KeyError(str(e)) from None

    def get_tensor_by_name(self, name: str) -> Tensor:
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        try:
            return self._tensor_for(self._core.tensor_by_name(name))
        except errors.NotFoundError as e:
            raise KeyError(str(e)) from None

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        return _as_graph_element(self, obj, allow_tensor, allow_operation)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """TensorFlow's GraphDef protobuf of this graph (varflow.framework.graph_def)."""
        from varflow.framework.graph_def import as_graph_def

        return as_graph_def(self, from_version, add_shapes)

    @property
    def version(self) -> int:
        return self._core.num_nodes

    @property
    def finalized(self) -> bool:
        return self._core.finalized

    def finalize(self) -> None:
        self._core.finalize()

    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value) -> None:
        self._seed = value
        self._core.seed = value

    # --- scopes ------------------------------------------------------------------------------
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        return self._core.unique_name(name, mark_as_used)

    def get_name_scope(self) -> str:
        return self._core.name_scope.rstrip("/")

    @contextlib.contextmanager
    def name_scope(self, name):
        if name:
            scope = name if name.endswith("/") else self._core.unique_name(name) + "/"
        else:
            scope = ""
        old = self._core.set_name_scope(scope)
        try:
            yield scope
        finally:
            self._core.set_name_scope(old)

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            self._core.push_control_dependencies([], True)
        else:
            nodes = []
            for c in control_inputs:
                if callable(c) and not isinstance(c, (Tensor, Operation)):
                    c = c()
                element = _as_graph_element(self, c, True, True)
                nodes.append(element._node if isinstance(element, Operation) else element.op._node)
            self._core.push_control_dependencies(nodes, False)
        try:
            yield
        finally:
            self._core.pop_control_dependencies()

    @contextlib.contextmanager
    def device(self, device_name):
        old = self._core.device
        self._core.set_device(device_name or "")
        try:
            yield
        finally:
            self._core.set_device(old)

    @contextlib.contextmanager
    def as_default(self):
        _default_graph_stack.append(self)
        try:
            yield self
        finally:
            _default_graph_stack.pop()

    # --- collections -------------------------------------------------------------------------
    def add_to_collection(self, name: str, value) -> None:
        self._collections.lists.setdefault(name, []).append(value)

    def add_to_collections(self, names, value) -> None:
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        return self._collections.lists.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list:
        items = self._collections.lists.get(name)
        if items is None:
            return []
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [x for x in items if hasattr(x, "name") and pattern.match(x.name)]

    def get_all_collection_keys(self) -> list[str]:
        return [k for k in self._collections.lists if isinstance(k, str)]

    def clear_collection(self, name: str) -> None:
        self._collections.lists.pop(name, None)


def _as_graph_element(graph: Graph, obj, allow_tensor=True, allow_operation=True):
    from varflow.variables import Variable

    if isinstance(obj, Variable):
        obj = obj._ref_tensor
    if isinstance(obj, str):
        if ":" in obj:
            if not allow_tensor:
                raise ValueError(f"Name '{obj}' appears to refer to a Tensor, not a Operation.")
            return graph.get_tensor_by_name(obj)
        if not allow_operation:
            raise ValueError(f"The name '{obj}' looks a like an Operation name, not a Tensor name.")
        return graph.get_operation_by_name(obj)
    if isinstance(obj, Tensor) and allow_tensor:
        if obj.graph is not graph:
            raise ValueError(f"Tensor {obj} is not an element of this graph.")
        return obj
    if isinstance(obj, Operation) and allow_operation:
        if obj.graph is not graph:
            raise ValueError(f"Operation {obj!r} is not an element of this graph.")
        return obj
    raise TypeError(f"Can not convert a {type(obj).__name__} into a Tensor or Operation.")


_graphs_by_uid: weakref.WeakValueDictionary[int, Graph] = weakref.WeakValueDictionary()


def _graph_of_node(node) -> Graph:
    """The Python Graph that owns a core node."""
    return _graphs_by_uid[node.graph_uid]


# --- default graph ---------------------------------------------------------------------------
_default_graph_stack: list[Graph] = []
_global_default_graph: list[Graph] = [Graph()]
# Eager mode's graph (varflow.eager.context), the default outside any `as_default()` block.
_eager_graph: list[Graph | None] = [None]


def get_default_graph() -> Graph:
    if _default_graph_stack:
        return _default_graph_stack[-1]
    return _eager_graph[0] or _global_default_graph[0]


def reset_default_graph() -> None:
    if _default_graph_stack:
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph."
        )
    _global_default_graph[0] = Graph()


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """TF1's ``tf.name_scope(name, default_name=None, values=None)``: yields ``"scope/"``."""
    graph = _graph_of(values) if values else get_default_graph()
    if name is None and default_name is not None:
        name = default_name
    with graph.name_scope(name) as scope:
        yield scope


def _graph_of(values) -> Graph:
    from varflow.variables import Variable

    for v in values:
        if isinstance(v, (Tensor, Operation)):
            return v.graph
        if isinstance(v, Variable):
            return v.graph
    return get_default_graph()


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name):
    return get_default_graph().device(device_name)


def add_to_collection(name, value) -> None:
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None) -> list:
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key) -> list:
    return get_default_graph().get_collection_ref(key)


def get_all_collection_keys() -> list[str]:
    return get_default_graph().get_all_collection_keys()


def clear_collection(key) -> None:
    get_default_graph().clear_collection(key)


def core_callback(fn):
    """`fn` for C++ to call back while it builds (a ``_core.Arg`` or ``_core.Hyper``): an eager
    graph keeps all its nodes meanwhile, since the C++ caller holds some of them."""

    def call(*args):
        with get_default_graph()._hold():
            return fn(*args)

    return call


# --- conversion to tensors -------------------------------------------------------------------
def _python_leaves(value):
    """The scalars of a nested list/tuple of Python values (NumPy arrays are not walked)."""
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _python_leaves(v)
    else:
        yield value


def _dense_array(value) -> np.ndarray:
    """`value` as a NumPy array; ragged nested lists are TF1's ValueError."""
    try:
        return np.asarray(value)
    except ValueError as e:
        raise ValueError(
            f"Argument must be a dense tensor (op: 'Const'): {value!r} ({e})"
        ) from None


def _default_dtype(value) -> dtypes.DType:
    if isinstance(value, np.ndarray | np.generic):
        return dtypes.as_dtype(value.dtype)
    arr = _dense_array(value)
    if arr.dtype.kind == "f":
        return dtypes.float32
    if arr.dtype.kind in "iu" or arr.dtype == object:
        # TF1: int32 when every Python int fits, else int64 (2**40 is int64, not a wrapped 0).
        ints = [v for v in _python_leaves(value) if isinstance(v, int) and not isinstance(v, bool)]
        if ints and all(isinstance(v, int) for v in _python_leaves(value)):
            lo, hi = min(ints), max(ints)
            if lo >= -(2**31) and hi < 2**31:
                return dtypes.int32
            if lo >= -(2**63) and hi < 2**63:
                return dtypes.int64
            raise ValueError(
                f"Can't convert Python int {hi if hi >= 2**63 else lo} to a tensor: "
                "it does not fit in int64"
            )
        if arr.dtype.kind in "iu":
            return dtypes.int32
    if arr.dtype.kind == "b":
        return dtypes.bool
    raise TypeError(f"Failed to convert object of type {type(value)} to Tensor.")


def _check_python_scalars(value, dtype: dtypes.DType) -> None:
    """TF1's rules for Python scalars: a float is no integer (3.0 included), an int is no bool,
    and an int outside the dtype's range is an error rather than a wrapped value."""
    for v in _python_leaves(value):
        if isinstance(v, (bool, np.generic)):
            continue
        if dtype.is_integer and isinstance(v, float):
            raise TypeError(f"Expected {dtype.name}, got {v!r} of type 'float' instead.")
        if dtype.is_bool and isinstance(v, (int, float)):
            raise TypeError(f"Expected bool, got {v!r} of type '{type(v).__name__}' instead.")
        if dtype.is_integer and isinstance(v, int) and not (dtype.min <= v <= dtype.max):
            raise ValueError(
                f"Can't convert Python int {v} to {dtype.name}: out of range "
                f"[{dtype.min}, {dtype.max}]"
            )


def _to_numpy(value, dtype: dtypes.DType) -> np.ndarray:
    if not dtype.is_floating and not isinstance(value, np.ndarray | np.generic):
        _check_python_scalars(value, dtype)
    arr = _dense_array(value)
    if dtype.is_integer and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"Can't convert non-finite values to {dtype.name}: {value!r}")
        if not np.all(np.mod(arr, 1) == 0):
            raise TypeError(
                f"Expected {dtype.name}, got {value!r} of type '{type(value).__name__}' instead."
            )
        if arr.size and not (dtype.min <= arr.min() and arr.max() <= dtype.max):
            raise ValueError(f"Can't convert {value!r} to {dtype.name}: out of range")
    if dtype.is_bool and arr.dtype.kind != "b":
        raise TypeError(f"Expected bool, got {value!r} of type '{type(value).__name__}' instead.")
    return np.asarray(arr, dtype=dtype.as_numpy_dtype, order="C")


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False) -> Tensor:
    dtype = dtypes.as_dtype(dtype) if dtype is not None else _default_dtype(value)
    arr = _to_numpy(value, dtype)
    if shape is not None:
        shape = [int(d) for d in shape]
        if arr.size == 1 and int(np.prod(shape)) != 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        elif verify_shape or arr.size != 1:
            raise TypeError(
                f"Expected Tensor's shape: {tuple(shape)}, got {arr.shape}."
                if verify_shape
                else f"Too many elements provided. Needed at most {int(np.prod(shape))}, "
                f"but received {arr.size}"
            )
    graph = get_default_graph()
    return graph.create_op(
        "Const", [], {"value": arr, "dtype": dtype._core}, name="Const" if name is None else name
    )._outputs[0]


def convert_to_index_tensor(value, name=None) -> Tensor:
    """An axis, shape or index argument as TF1 takes it: an int32 or int64 tensor passes
    through; Python values become int32 when they fit, else int64 (never a wrapped int32)."""
    if isinstance(value, Tensor) and value.dtype.base_dtype in (dtypes.int32, dtypes.int64):
        return value
    tensor = convert_to_tensor(value, name=name, preferred_dtype=dtypes.int32)
    if tensor.dtype.base_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(
            f"Value passed as an index, axis or shape has DataType {tensor.dtype.name}, not in "
            "list of allowed values: int32, int64"
        )
    return tensor


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None) -> Tensor:
    """Tensors pass through (dtype checked), variables give their value, data a constant."""
    from varflow.variables import Variable

    if isinstance(value, Variable):
        value = value.value()
    if isinstance(value, Tensor):
        if dtype is not None and not dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(
                f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for Tensor "
                f"with dtype {value.dtype.base_dtype.name}: {value!r}"
            )
        return value
    if isinstance(value, Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor")
    if value is None:
        raise ValueError("None values not supported.")
    if hasattr(value, "_as_graph_element") and not isinstance(value, (list, tuple)):
        return convert_to_tensor(value._as_graph_element(), dtype, name)
    if isinstance(value, (list, tuple)) and any(isinstance(v, (Tensor, Variable)) for v in value):
        from varflow import array_ops

        return array_ops.stack(list(value), name=name or "packed")
    if dtype is None and preferred_dtype is not None:
        preferred = dtypes.as_dtype(preferred_dtype)
        try:
            _to_numpy(value, preferred)
            dtype = preferred_dtype
        except (TypeError, ValueError):
            dtype = None
        # A preference never narrows: an int64 array with values beyond int32 stays int64.
        if dtype is not None and preferred.is_integer and isinstance(value, np.ndarray):
            if (
                value.size
                and value.dtype.kind in "iu"
                and not (preferred.min <= value.min() and value.max() <= preferred.max)
            ):
                dtype = None
    return constant(value, dtype=dtype, name=name or "Const")
