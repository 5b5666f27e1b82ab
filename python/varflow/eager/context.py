"""Eager mode: TF 1.x's ``tf.enable_eager_execution`` on varflow's own graph machinery.

In eager mode the default graph is an ``EagerGraph``: a C++ graph whose nodes run the moment
they are added (``_core.EagerContext``), so every op, every C++ training helper and every
gradient rule works unchanged and produces values at once. ``with tf.Graph().as_default():``
still builds an ordinary graph, as in TF1.

The eager graph keeps the nodes (and values) of what ran since its last release; a release
drops all of them except variables. Releases happen when a GradientTape starts while no other
tape is alive, and, without tapes, once enough nodes have piled up.
"""

from __future__ import annotations

import contextlib
import weakref

from varflow import _core, errors
from varflow import graph as graph_module
from varflow.eager.tensor import EagerOperation, EagerTensor

# Without a tape, at most this many nodes (and their values) are kept before a release.
_RELEASE_AFTER = 2048


class _NoCollections(_core.CollectionStore):
    """Eager mode has no collections (TF1's tf.get_collection returns [])."""

    def add(self, key, item):
        """Eager mode keeps no collections."""

    def get(self, key):
        """Always empty."""
        return []

    def keys(self):
        """No keys."""
        return []

    def clear(self, key):
        """Nothing to clear."""


class EagerGraph(graph_module.Graph):
    """The default graph in eager mode: each op runs as it is created."""

    _is_eager = True

    def __init__(self):
        self._context = _core.EagerContext()
        self._core = self._context.graph
        self._ops = []
        self._variables = {}
        self._pending_variable = None
        self._collections = _NoCollections()
        self._core.set_collection_store(self._collections)
        self._seed = None
        self._lock = graph_module.threading.RLock()
        self._building_function = False
        # Set by tf.cond/tf.while_loop run eagerly: a tf.function tracing them is not replayed.
        self._value_dependent_control_flow = False
        self._fetch_transforms = {}
        # Tapes that may still compute gradients: their nodes must stay.
        self._live_tapes: weakref.WeakSet = weakref.WeakSet()
        self._recording_tapes: list = []
        self._holds = 0
        graph_module._graphs_by_uid[self._core.uid] = self

    # --- running ops -------------------------------------------------------------------------
    def create_op(self, op_type: str, inputs, attrs=None, name: str | None = None):
        """Runs the op now; its outputs are `EagerTensor` objects.

        Args:
          op_type: The registered op type, e.g. `"MatMul"`.
          inputs: A list of tensors, the op's inputs.
          attrs: A dict from attr name to value (optional).
          name: The op's name (optional).

        Returns:
          An `EagerOperation` holding the computed outputs.

        Raises:
          InvalidArgumentError: If the kernel rejects its inputs, as in TF's eager mode.
        """
        if op_type == "Placeholder":
            raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
        self._maybe_release()
        inputs = [t._output for t in inputs]
        try:
            node = self._core.add_node(op_type, inputs, attrs or {}, "" if name is None else name)
        except (ValueError, TypeError) as e:
            # An eager op has no separate shape-inference stage: TF reports its bad input as
            # the op's InvalidArgumentError.
            raise errors.InvalidArgumentError(None, None, f"{e} [Op:{op_type}]") from None
        op = EagerOperation(self, node)
        if self._recording_tapes and not self._recording():
            for t in op._outputs:
                t._detach()
        return op

    def _op_for(self, node):
        # A variable's initializer was released after it ran (TF's eager variables have none).
        return None if node is None else EagerOperation(self, node)

    def _tensor_for(self, output):
        if output.node is None:
            return None
        return EagerTensor(self, output, live=output.node.type == "VariableV2")

    def _variable_for(self, node):
        from varflow.variables import Variable

        # Keyed by the node object (pybind11 hands out one per node while it is referenced),
        # since ids change when a release renumbers the nodes.
        var = self._variables.get(node)
        if var is None:
            var = self._pending_variable
            self._pending_variable = None
            if var is None:
                var = Variable.__new__(Variable)
            var._bind(self, self._core.variable_info(node))
            self._variables[node] = var
        return var

    def _recording(self) -> bool:
        return any(t._recording for t in self._recording_tapes)

    # --- releases ----------------------------------------------------------------------------
    def _maybe_release(self) -> None:
        if (
            self._context.transient_nodes > _RELEASE_AFTER
            and not self._holds
            and not len(self._live_tapes)
        ):
            self._context.release_transient()

    def _release_for_new_tape(self) -> None:
        if not self._holds and not len(self._live_tapes):
            self._context.release_transient()

    @contextlib.contextmanager
    def _hold(self):
        """Keeps every node alive meanwhile (C++ helpers that call back into Python)."""
        self._holds += 1
        try:
            yield
        finally:
            self._holds -= 1

    # --- what graph mode has and eager mode has not -------------------------------------------
    def finalize(self) -> None:
        """Eager graphs grow as ops run; they cannot be finalized."""
        raise RuntimeError("An eager graph cannot be finalized.")

    def get_operations(self):
        """Eager ops are not kept as a graph's operations (TF: [])."""
        return []

    def add_to_collection(self, name, value) -> None:
        """Ignored: eager mode has no collections.

        Args:
          name: The key for the collection.
          value: The value that would be added.
        """

    def get_collection_ref(self, name):
        """Returns a fresh empty list: eager mode has no collections.

        Args:
          name: The key for the collection.

        Returns:
          An empty list.
        """
        return []

    def get_collection(self, name, scope=None):
        """Returns `[]`, as TF1 in eager mode.

        Args:
          name: The key for the collection.
          scope: Ignored.

        Returns:
          An empty list.
        """
        return []

    def get_all_collection_keys(self):
        """Always []."""
        return []

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Returns a no-op context: eager ops run in program order (TF1 ignores them in eager mode).

        Args:
          control_inputs: Ignored.

        Returns:
          A context manager.
        """
        yield


_eager_enabled = [False]


def executing_eagerly() -> bool:
    """True when ops run immediately: eager mode is on and no graph is being built."""
    return graph_module.get_default_graph().__class__ is EagerGraph


def _graph_mode_used() -> bool:
    from varflow import session

    return graph_module._global_default_graph[0].version > 0 or session._sessions_created[0] > 0


def enable_eager_execution(config=None, device_policy=None, execution_mode=None) -> None:
    """Enables eager execution for the lifetime of this program.

    Eager execution provides an imperative interface to TensorFlow. With eager execution
    enabled, TensorFlow functions execute operations immediately (as opposed to adding to a
    graph to be executed later in a `tf.compat.v1.Session`) and return concrete values (as
    opposed to symbolic references to a node in a computational graph).

    Eager execution cannot be enabled after TensorFlow APIs have been used to create or
    execute graphs. It is typically recommended to invoke this function at program startup
    and not in a library (as most libraries should be usable both with and without eager
    execution).

    Args:
      config: (Optional.) A `tf.compat.v1.ConfigProto` to use to configure the environment
        in which operations are executed (accepted and ignored).
      device_policy: (Optional.) Policy controlling how operations requiring inputs on a
        specific device are handled (accepted and ignored; varflow runs on the CPU).
      execution_mode: (Optional.) Policy controlling how operations dispatched are actually
        executed (accepted; varflow's eager ops run synchronously).

    Raises:
      ValueError: If eager execution is enabled after creating/executing a TensorFlow graph,
        or if options provided conflict with a previous call to this function.
    """
    if _eager_enabled[0]:
        return
    if _graph_mode_used():
        raise ValueError("tf.enable_eager_execution must be called at program startup.")
    graph_module._eager_graph[0] = EagerGraph()
    _eager_enabled[0] = True


def disable_eager_execution() -> None:
    """Back to graph mode (TF1's ``tf.compat.v1.disable_eager_execution``)."""
    graph_module._eager_graph[0] = None
    _eager_enabled[0] = False


def eager_graph() -> EagerGraph:
    """The current eager graph; RuntimeError when ops are being built into a graph."""
    graph = graph_module.get_default_graph()
    if graph.__class__ is not EagerGraph:
        raise RuntimeError("This needs eager execution (tf.enable_eager_execution()).")
    return graph


@contextlib.contextmanager
def eager_mode():
    """Runs the block in a fresh eager context, whatever the program's mode (as TF's
    ``context.eager_mode()``); the previous mode comes back afterwards."""
    previous = graph_module._eager_graph[0], _eager_enabled[0]
    graph_module._eager_graph[0] = EagerGraph()
    _eager_enabled[0] = True
    try:
        yield
    finally:
        graph_module._eager_graph[0], _eager_enabled[0] = previous
