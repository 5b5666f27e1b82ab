"""``tf.Variable``: a VariableV2 node with TF1's names, collections and methods."""

from __future__ import annotations

from varflow import _core, dtypes
from varflow.graph import (
    GraphKeys,
    Tensor,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)
from varflow.tensor_shape import TensorShape


class Variable:
    """TF1's ``tf.Variable``. ``trainable`` is fixed at creation, as in TF1."""

    def __init__(
        self,
        initial_value=None,
        trainable=None,
        collections=None,
        validate_shape=True,
        caching_device=None,
        name=None,
        variable_def=None,
        dtype=None,
        expected_shape=None,
        import_scope=None,
        constraint=None,
        use_resource=None,
        synchronization=None,
        aggregation=None,
        shape=None,
    ):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        # TF1 reads `trainable` once, by truth value: a tf.Variable passed here counts as True
        # and later changes to it do nothing (see RunOptions(frozen_variables=...) instead).
        trainable = True if trainable is None else bool(trainable)
        if collections is not None and not isinstance(collections, (list, tuple, set)):
            raise ValueError(
                f"collections argument to Variable constructor must be a list, tuple, or set. "
                f"Got {collections} of type {type(collections)}"
            )
        graph = get_default_graph()
        dtype = dtypes.as_dtype(dtype) if dtype is not None else None

        def make_initial_value():
            value = initial_value() if callable(initial_value) else initial_value
            return convert_to_tensor(value, dtype=dtype, name="initial_value")._output

        self._constraint = constraint
        graph._pending_variable = self
        with graph._hold():
            try:
                info = _core.create_variable(
                    graph._core,
                    make_initial_value,
                    name or "Variable",
                    trainable,
                    list(collections) if collections is not None else [],
                    validate_shape,
                    None if dtype is None else dtype._core,
                )
                graph._variable_for(info.node)  # binds self, unless a collection did already
            finally:
                graph._pending_variable = None

    def _bind(self, graph, info) -> None:
        self._graph = graph
        self._info = info
        self._node = info.node
        self._op = graph._op_for(info.node)
        self._ref_tensor = self._op._outputs[0]
        self._snapshot = graph._tensor_for(info.snapshot)
        self._initializer_op = graph._op_for(info.initializer)
        self._initial_value = graph._tensor_for(info.initial_value)
        self._trainable = info.trainable
        if not hasattr(self, "_constraint"):
            self._constraint = None

    # --- attributes --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._ref_tensor.name

    @property
    def op(self):
        return self._op

    @property
    def dtype(self) -> dtypes.DType:
        return self._ref_tensor.dtype

    @property
    def shape(self) -> TensorShape:
        return self._ref_tensor.shape

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def graph(self):
        return self._graph

    @property
    def initializer(self):
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def device(self) -> str:
        return self._op.device

    # --- reads and updates -------------------------------------------------------------------
    def value(self) -> Tensor:
        if self._graph._is_eager:
            return self._eager_read()
        return self._snapshot

    def _eager_read(self) -> Tensor:
        """A snapshot of the current value; recording tapes watch trainable variables read."""
        from varflow import array_ops

        for tape in self._graph._recording_tapes:
            tape._variable_accessed(self)
        return array_ops.identity(self._ref_tensor, name="read")

    def numpy(self):
        """The current value (eager mode)."""
        if not self._graph._is_eager:
            raise NotImplementedError("numpy() is only available when eager execution is enabled.")
        return self._ref_tensor.numpy()

    def read_value(self) -> Tensor:
        from varflow import array_ops

        if self._graph._is_eager:
            return self._eager_read()
        return array_ops.identity(self._ref_tensor, name="read")

    def _ref(self) -> Tensor:
        return self._ref_tensor

    def _as_graph_element(self) -> Tensor:
        return self._ref_tensor

    def initialized_value(self) -> Tensor:
        from varflow import state_ops

        return state_ops.initialized_value(self)

    def assign(self, value, use_locking=False, name=None, read_value=True):
        from varflow import state_ops

        return state_ops._update("Assign", self, value, name, read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        from varflow import state_ops

        return state_ops._update("AssignAdd", self, delta, name, read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        from varflow import state_ops

        return state_ops._update("AssignSub", self, delta, name, read_value)

    def eval(self, session=None):
        from varflow.session import _session_or_default

        if self._graph._is_eager:
            return self.numpy()
        return _session_or_default(session, self._graph).run(self)

    def load(self, value, session=None) -> None:
        from varflow.session import _session_or_default

        session = _session_or_default(session, self._graph)
        session._set_variable_value(self, value)

    def __repr__(self) -> str:
        if self._graph._is_eager:
            from varflow.eager.tensor import _numpy_text

            value = self._ref_tensor._value()
            return (
                f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.base_dtype.name}, "
                f"numpy={_numpy_text(value, is_repr=True)}>"
            )
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def global_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None) -> list:
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


all_variables = global_variables


def variables_initializer(var_list, name="init"):
    from varflow import control_flow_ops

    if var_list:
        return control_flow_ops.group(*[v.initializer for v in var_list], name=name)
    return control_flow_ops.no_op(name=name)


def global_variables_initializer():
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init")


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    from varflow import state_ops

    return state_ops.report_uninitialized_variables(var_list, name)


def is_variable_initialized(variable) -> Tensor:
    from varflow import state_ops

    return state_ops.is_variable_initialized(variable)


__all__ = ["Variable", "name_scope"]
