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
        """Creates the Python handle of a graph node; ops are made by op functions, not by users.

        Args:
          graph: The `Graph` the node belongs to.
          node: The C++ core's node handle.
        """
        self._graph = graph
        self._node = node
        self._outputs = tuple(Tensor(self, i) for i in range(node.num_outputs))

    @property
    def name(self) -> str:
        """The full name of this operation, e.g. `"scope/MatMul"`."""
        return self._node.name

    @property
    def type(self) -> str:
        """The type of the op, e.g. `"MatMul"`."""
        return self._node.type

    @property
    def graph(self) -> Graph:
        """The `Graph` that contains this operation."""
        return self._graph

    @property
    def outputs(self) -> list[Tensor]:
        """The list of `Tensor` objects this operation produces."""
        return list(self._outputs)

    @property
    def inputs(self) -> list[Tensor]:
        """The list of `Tensor` objects this operation consumes."""
        return [self._graph._tensor_for(o) for o in self._node.inputs]

    @property
    def control_inputs(self) -> list[Operation]:
        """The operations that must run before this one (its control dependencies).

        Returns:
          A list of `Operation` objects.
        """
        return [self._graph._op_for(n) for n in self._node.control_inputs]

    @property
    def device(self) -> str:
        """The device name this op is placed on (varflow runs every op on the CPU)."""
        return self._node.device

    def get_attr(self, name: str):
        """Returns the value of the attr of this op with the given `name`.

        Args:
          name: The name of the attr to fetch.

        Returns:
          The attr's value: a `tf.DType` for type attrs, a `tf.TensorShape` for shape attrs, else
          the Python or NumPy value.

        Raises:
          ValueError: If this op has no attr named `name`.
        """
        value = self._node.get_attr(name)
        if isinstance(value, _core.DType):
            return dtypes.as_dtype(value)
        if isinstance(value, _core.Shape):
            return TensorShape(value.dims)
        return value

    def values(self) -> tuple:
        """The tuple of this operation's output tensors (TF1's `op.values()`)."""
        return self._outputs

    def run(self, feed_dict=None, session=None) -> None:
        """Runs this operation in a `Session`.

        Calling this method executes every operation this one depends on. It is a shortcut for
        `tf.get_default_session().run(op)`.

        Args:
          feed_dict: A dictionary that maps `Tensor` objects to feed values. See `Session.run()`.
          session: The `Session` to use. If None, the default session is used.

        Raises:
          ValueError: If no session is given and there is no default session, or the default
            session's graph is not this op's graph.
        """
        from varflow.session import _session_or_default

        _session_or_default(session, self._graph).run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Tensor:
    """One output of an Operation (TF1's ``tf.Tensor``)."""

    __slots__ = ("__weakref__", "_index", "_op", "_output")
    __array_priority__ = 100

    def __init__(self, op: Operation, index: int):
        """Creates the Python handle of an op's output; tensors are made by op functions.

        Args:
          op: The `Operation` that produces this tensor.
          index: The index of this tensor among the op's outputs.
        """
        self._op = op
        self._index = index
        self._output = op._node.output(index)

    @property
    def op(self) -> Operation:
        """The `Operation` that produces this tensor as an output."""
        return self._op

    @property
    def value_index(self) -> int:
        """The index of this tensor in the outputs of its `Operation`."""
        return self._index

    @property
    def name(self) -> str:
        """The string name of this tensor, `"<op name>:<output index>"`."""
        return f"{self._op.name}:{self._index}"

    @property
    def dtype(self) -> dtypes.DType:
        """The `DType` of elements in this tensor (a `_ref` type for a variable's output)."""
        d = dtypes.as_dtype(self._output.dtype)
        return d._as_ref() if self._op.type == "VariableV2" else d

    @property
    def graph(self) -> Graph:
        """The `Graph` that contains this tensor."""
        return self._op._graph

    @property
    def shape(self) -> TensorShape:
        """The static `TensorShape` of this tensor, as inferred when the graph was built.

        Dimensions or the rank may be unknown (None) where shape inference cannot tell them.
        """
        return TensorShape(self._output.shape)

    @property
    def device(self) -> str:
        """The device name of the op that produces this tensor."""
        return self._op.device

    def get_shape(self) -> TensorShape:
        """Returns the `TensorShape` of this tensor; an alias of `Tensor.shape`.

        Returns:
          A `TensorShape`.
        """
        return self.shape

    def set_shape(self, shape) -> None:
        """Updates the static shape of this tensor with more specific information.

        The merged shape is what ops built afterwards infer from, and what feeds of this
        tensor are checked against (TF1's behaviour); no check is added at run time.

        Args:
          shape: A `TensorShape` (or a list of ints and None) compatible with the current shape.

        Raises:
          ValueError: If `shape` is not compatible with the current shape of this tensor.
        """
        shape = TensorShape(shape)
        current = self.shape
        if current.ndims is not None and shape.ndims is not None:
            # TF's shape-inference messages (what TF1 graph mode raises since TF 1.x's C API).
            if current.ndims != shape.ndims:
                raise ValueError(
                    f"Shapes must be equal rank, but are {current.ndims} and {shape.ndims}"
                )
            for i, (a, b) in enumerate(zip(current.as_list(), shape.as_list(), strict=True)):
                if a is not None and b is not None and a != b:

                    def text(s):
                        return "[" + ",".join("?" if d is None else str(d) for d in s) + "]"

                    raise ValueError(
                        f"Dimension {i} in both shapes must be equal, but are {a} and {b}. "
                        f"Shapes are {text(current.as_list())} and {text(shape.as_list())}."
                    )
        dims = None if shape.dims is None else [d.value for d in shape.dims]
        self._op._graph._core.merge_output_shape(self._op._node, self._output.index, dims)

    def consumers(self) -> list[Operation]:
        """Returns the operations that consume this tensor.

        Returns:
          A list of `Operation` objects.
        """
        graph = self._op._graph
        return [
            graph._op_for(n)
            for n in self._op._node.consumers
            if any(i == self._output for i in n.inputs)
        ]

    def eval(self, feed_dict=None, session=None):
        """Evaluates this tensor in a `Session`.

        Calling this method executes every operation needed to compute the tensor. It is a
        shortcut for `tf.get_default_session().run(t)`.

        Args:
          feed_dict: A dictionary that maps `Tensor` objects to feed values. See `Session.run()`.
          session: The `Session` to use. If None, the default session is used.

        Returns:
          A NumPy array (or scalar) with the tensor's value.

        Raises:
          ValueError: If no session is given and there is no default session, or the default
            session's graph is not this tensor's graph.
        """
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
        """Creates a new, empty graph.

        Use it with `with g.as_default():` to build ops into it; ops made outside such a block go to
        the global default graph.
        """
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
        """Creates an `Operation` in this graph (a low-level method; use the op functions instead).

        Args:
          op_type: The registered op type, e.g. `"MatMul"`.
          inputs: A list of `Tensor` objects, the op's inputs.
          attrs: A dict from attr name to value (optional).
          name: The op's name (optional); made unique in the graph and prefixed with the name scope.

        Returns:
          The new `Operation`.

        Raises:
          ValueError: If the op type is unknown, the inputs do not match its signature, an attr is
            missing or wrong, or shape inference rejects the inputs.
          RuntimeError: If the graph is finalized.
        """
        node = self._core.add_node(
            op_type, [t._output for t in inputs], attrs or {}, "" if name is None else name
        )
        return self._op_for(node)

    def get_operations(self) -> list[Operation]:
        """Returns the list of operations in the graph, in the order they were created.

        Returns:
          A list of `Operation` objects.
        """
        return [self._op_for(self._core.node(i)) for i in range(self._core.num_nodes)]

    def get_operation_by_name(self, name: str) -> Operation:
        """Returns the `Operation` with the given `name`.

        Args:
          name: The name of the operation.

        Returns:
          The `Operation` with the given `name`.

        Raises:
          TypeError: If `name` is not a string.
          KeyError: If `name` does not name an operation in this graph.
        """
        if not isinstance(name, str):
            raise TypeError(f"Operation names are strings (or similar), not {type(name).__name__}.")
        try:
            return self._op_for(self._core.operation_by_name(name))
        except errors.NotFoundError as e:
            raise KeyError(str(e)) from None

    def get_tensor_by_name(self, name: str) -> Tensor:
        """Returns the `Tensor` with the given `name`.

        Args:
          name: The name of the tensor, `"<op name>:<output index>"`.

        Returns:
          The `Tensor` with the given `name`.

        Raises:
          TypeError: If `name` is not a string.
          KeyError: If `name` does not name a tensor in this graph.
        """
        if not isinstance(name, str):
            raise TypeError(f"Tensor names are strings (or similar), not {type(name).__name__}.")
        try:
            return self._tensor_for(self._core.tensor_by_name(name))
        except errors.NotFoundError as e:
            raise KeyError(str(e)) from None

    def as_graph_element(self, obj, allow_tensor=True, allow_operation=True):
        """Returns the object referred to by `obj`, as an `Operation` or `Tensor`.

        Args:
          obj: A `Tensor`, an `Operation`, a `Variable`, or the name of a tensor or operation.
          allow_tensor: If true, `obj` may refer to a `Tensor`.
          allow_operation: If true, `obj` may refer to an `Operation`.

        Returns:
          The `Tensor` or `Operation` in this graph corresponding to `obj`.

        Raises:
          TypeError: If `obj` is not a type that can be converted, or refers to a kind of element
            that is not allowed.
          ValueError: If `obj` belongs to another graph, or is a malformed name.
          KeyError: If `obj` names an element that is not in this graph.
        """
        return _as_graph_element(self, obj, allow_tensor, allow_operation)

    def as_graph_def(self, from_version=None, add_shapes=False):
        """Returns a serialized `GraphDef` representation of this graph.

        The result is TensorFlow's own `GraphDef` protobuf (from the `tensorboard` package's copy of
        TF's protos), so TensorBoard and TF's tools can read it.

        Args:
          from_version: Optional. If set, only nodes added since `graph.version` had this value
            are included.
          add_shapes: If true, adds an `_output_shapes` list attr to each node.

        Returns:
          A `GraphDef` protocol buffer.
        """
        from varflow.framework.graph_def import as_graph_def

        return as_graph_def(self, from_version, add_shapes)

    @property
    def version(self) -> int:
        """A number that grows as ops are added to the graph (its node count)."""
        return self._core.num_nodes

    @property
    def finalized(self) -> bool:
        """True if this graph has been finalized, so no more ops can be added."""
        return self._core.finalized

    def finalize(self) -> None:
        """Finalizes this graph, making it read-only.

        After this call no new operations can be added: `create_op` raises a RuntimeError. Use it
        to make sure no ops are added by mistake inside a training loop.
        """
        self._core.finalize()

    @property
    def seed(self):
        """The graph-level random seed, or None (set by `tf.set_random_seed`)."""
        return self._seed

    @seed.setter
    def seed(self, value) -> None:
        self._seed = value
        self._core.seed = value

    # --- scopes ------------------------------------------------------------------------------
    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """Returns a unique operation name for `name`.

        `name` is prefixed with the current name scope; if the result is already in use, `_1`,
        `_2`, ... are appended.

        Args:
          name: The name for an operation.
          mark_as_used: Whether to mark the returned name as used, so the next call gives another.

        Returns:
          A string to be passed to `create_op()` as the name of an operation.
        """
        return self._core.unique_name(name, mark_as_used)

    def get_name_scope(self) -> str:
        """Returns the current name scope, e.g. `"outer/inner"` (no trailing slash).

        Returns:
          A string; empty at the top level.
        """
        return self._core.name_scope.rstrip("/")

    @contextlib.contextmanager
    def name_scope(self, name):
        """Returns a context manager that creates hierarchical names for operations.

        Args:
          name: The name of the scope. A name ending in `/` is reused as it is (re-entering an
            existing scope); otherwise it is made unique. An empty string or None resets to the top
            level.

        Returns:
          A context manager that yields the scope name, ending in `/` (or `""`).
        """
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
        """Returns a context manager that specifies control dependencies.

        Ops created inside the block run only after every op in `control_inputs` has run.
        Blocks nest, accumulating their dependencies; passing None clears them.

        Args:
          control_inputs: A list of `Operation` or `Tensor` objects (or callables returning them)
            that must run before ops made in the block, or None to clear the dependencies.

        Returns:
          A context manager.

        Raises:
          TypeError: If an element of `control_inputs` is not an `Operation` or `Tensor`.
        """
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
        """Returns a context manager that sets the default device for ops made in the block.

        varflow records the device string on each op (it shows in `GraphDef`s and TensorBoard) but
        runs every op on the CPU.

        Args:
          device_name: A device name string such as `"/cpu:0"`, or None/empty for no device.

        Returns:
          A context manager.
        """
        old = self._core.device
        self._core.set_device(device_name or "")
        try:
            yield
        finally:
            self._core.set_device(old)

    @contextlib.contextmanager
    def as_default(self):
        """Returns a context manager that makes this graph the default graph.

        Use it to create ops in a graph other than the global default graph:

        ```python
        g = tf.Graph()
        with g.as_default():
          c = tf.constant(5.0)
          assert c.graph is g
        ```

        Returns:
          A context manager that yields this graph.
        """
        stack = _default_graph_stack()
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    # --- collections -------------------------------------------------------------------------
    def add_to_collection(self, name: str, value) -> None:
        """Stores `value` in the collection named `name`.

        Args:
          name: The key for the collection, e.g. a `GraphKeys` member.
          value: The value to add to the collection.
        """
        self._collections.lists.setdefault(name, []).append(value)

    def add_to_collections(self, names, value) -> None:
        """Stores `value` in the collections given by `names` (each name once).

        Args:
          names: A collection key, or a list of keys.
          value: The value to add to the collections.
        """
        names = (names,) if isinstance(names, str) else set(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: str) -> list:
        """Returns the list of values in the collection `name`, which callers may modify.

        Args:
          name: The key for the collection.

        Returns:
          The list itself (created empty if the collection did not exist).
        """
        return self._collections.lists.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list:
        """Returns a list of values in the collection `name`.

        Args:
          name: The key for the collection.
          scope: Optional. If given, only items whose `name` attribute matches the regular
            expression `scope` (with `re.match`) are returned; items without a name are dropped.

        Returns:
          A new list of the collection's values, in the order they were added.
        """
        items = self._collections.lists.get(name)
        if items is None:
            return []
        if scope is None:
            return list(items)
        pattern = re.compile(scope)
        return [x for x in items if hasattr(x, "name") and pattern.match(x.name)]

    def get_all_collection_keys(self) -> list[str]:
        """Returns the names of the collections in this graph.

        Returns:
          A list of strings.
        """
        return [k for k in self._collections.lists if isinstance(k, str)]

    def clear_collection(self, name: str) -> None:
        """Clears all values in the collection `name`.

        Args:
          name: The key for the collection.
        """
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
class _ThreadGraphStack(threading.local):
    """Each thread's `as_default()` graphs, as TF1 keeps them: a graph made default in one
    thread is not the default of another (which sees the global default graph)."""

    def __init__(self):
        self.graphs: list[Graph] = []


_thread_graph_stack = _ThreadGraphStack()


def _default_graph_stack() -> list[Graph]:
    return _thread_graph_stack.graphs


_global_default_graph: list[Graph] = [Graph()]
# Eager mode's graph (varflow.eager.context), the default outside any `as_default()` block.
_eager_graph: list[Graph | None] = [None]


def get_default_graph() -> Graph:
    """Returns the default graph for the current thread.

    This is the innermost graph made default with `Graph.as_default()`, else the global
    default graph (or, with eager execution enabled, the eager context's graph).

    Returns:
      The default `Graph`.
    """
    stack = _default_graph_stack()
    if stack:
        return stack[-1]
    return _eager_graph[0] or _global_default_graph[0]


def reset_default_graph() -> None:
    """Clears the default graph stack and resets the global default graph.

    Sessions, variables and tensors of the old graph keep referring to it; using them with ops
    of the new graph raises an error.

    Raises:
      AssertionError: If called inside a `with graph.as_default():` block.
    """
    if _default_graph_stack():
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared "
            "graph, exit the nesting and create a new graph."
        )
    _global_default_graph[0] = Graph()


@contextlib.contextmanager
def name_scope(name, default_name=None, values=None):
    """Returns a context manager for use when defining a Python op.

    The scope is opened in the graph of `values` (or the default graph) and names the ops made
    in the block `"<scope>/<op name>"`.

    Args:
      name: The name argument passed to the op function.
      default_name: The name to use if `name` is None.
      values: The list of `Tensor` arguments passed to the op function; selects the graph.

    Returns:
      A context manager that yields the scope name, ending in `/`.
    """
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
    """Wrapper for `Graph.control_dependencies()` using the default graph.

    Args:
      control_inputs: A list of `Operation` or `Tensor` objects that must run before the ops
        defined in the block, or None to clear the control dependencies.

    Returns:
      A context manager.
    """
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name):
    """Wrapper for `Graph.device()` using the default graph.

    Args:
      device_name: The device name to use in the block, e.g. `"/cpu:0"`; varflow records it
        and runs on the CPU.

    Returns:
      A context manager.
    """
    return get_default_graph().device(device_name)


def add_to_collection(name, value) -> None:
    """Wrapper for `Graph.add_to_collection()` using the default graph.

    Args:
      name: The key for the collection, e.g. `tf.GraphKeys.LOSSES`.
      value: The value to add to the collection.
    """
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value) -> None:
    """Wrapper for `Graph.add_to_collections()` using the default graph.

    Args:
      names: A collection key, or a list of keys.
      value: The value to add to the collections.
    """
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None) -> list:
    """Wrapper for `Graph.get_collection()` using the default graph.

    Args:
      key: The key for the collection, e.g. `tf.GraphKeys.TRAINABLE_VARIABLES`.
      scope: Optional. A regular expression that the items' names must match.

    Returns:
      A list of the collection's values (empty if there is none).
    """
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key) -> list:
    """Wrapper for `Graph.get_collection_ref()` using the default graph.

    Args:
      key: The key for the collection.

    Returns:
      The collection's list itself, which callers may modify.
    """
    return get_default_graph().get_collection_ref(key)


def get_all_collection_keys() -> list[str]:
    """Returns the list of collection names in the default graph.

    Returns:
      A list of strings.
    """
    return get_default_graph().get_all_collection_keys()


def clear_collection(key) -> None:
    """Wrapper for `Graph.clear_collection()` using the default graph.

    Args:
      key: The key for the collection.
    """
    get_default_graph().clear_collection(key)


def core_callback(fn):
    """Wraps `fn` for C++ to call back while it builds (a `_core.Arg` or `_core.Hyper`).

    An eager graph keeps all its nodes during the call, since the C++ caller holds some of them.

    Args:
      fn: The Python callable to wrap.

    Returns:
      A callable taking the same arguments as `fn`.
    """

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
    if dtypes._is_string_value(value):
        return dtypes.string
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
    if arr.dtype.kind == "c":
        return dtypes.complex128
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
    if dtype == dtypes.string:
        return dtypes._string_array(value)
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
    """Creates a constant tensor.

    The value is a Python scalar, a (nested) list or a NumPy array. If `shape` is given and
    `value` is a scalar, the scalar fills the shape; a value with as many elements as the
    shape is reshaped to it.

    Args:
      value: A constant value (or list) of output type `dtype`.
      dtype: The type of the elements of the resulting tensor; inferred from `value` if None
        (Python floats give float32 and Python ints int32, as in TF1).
      shape: Optional dimensions of the resulting tensor.
      name: Optional name for the tensor.
      verify_shape: If true, `value`'s shape must equal `shape`.

    Returns:
      A constant `Tensor`.

    Raises:
      TypeError: If `shape` is incorrectly specified or unsupported, or `value` cannot be
        converted to `dtype`.
    """
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
    """Converts an axis, shape or index argument as TF1 takes it.

    An int32 or int64 tensor passes through; Python values become int32 when they fit, else
    int64 (never a wrapped int32).

    Args:
      value: A `Tensor`, Python int or list of ints, or NumPy integer array.
      name: Optional name for a new constant.

    Returns:
      An int32 or int64 `Tensor`.

    Raises:
      TypeError: If `value` is not of an integer type.
    """
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
    """Converts the given `value` to a `Tensor`.

    Tensors pass through (their dtype checked), variables give their value, lists that contain
    tensors are stacked, and other data (Python scalars and lists, NumPy arrays) become a
    constant.

    Args:
      value: An object whose type has a registered `Tensor` conversion.
      dtype: Optional element type for the returned tensor. If missing, the type is inferred
        from the type of `value`.
      name: Optional name to use if a new `Tensor` is created.
      preferred_dtype: Optional element type used when `dtype` is None and `value` converts to
        it; ignored otherwise (it never narrows an int64 array whose values overflow it).

    Returns:
      A `Tensor` based on `value`.

    Raises:
      TypeError: If no conversion function is registered for `value`'s type, or `value` is an
        `Operation`.
      ValueError: If `value` is None, or a tensor whose dtype is not `dtype`.
    """
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
