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
    """A variable maintains state in the graph across calls to `run()` (TF1's `tf.Variable`).

    A variable is created with an initial value, which fixes its dtype and (unless
    `validate_shape=False`) its shape. It must be initialized, usually with
    `tf.global_variables_initializer()`, before it is read. `trainable` is fixed at creation,
    as in TF1 (see `tf.RunOptions(frozen_variables=...)` to hold trainable variables still).
    """

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
        """Creates a new variable with value `initial_value`.

        The new variable is added to the collections in `collections`, which default to
        `[GraphKeys.GLOBAL_VARIABLES]`; if `trainable` is true it is also added to
        `GraphKeys.TRAINABLE_VARIABLES`.

        Args:
          initial_value: A `Tensor`, or a Python object convertible to one, or a callable
            taking no arguments that returns it: the variable's initial value.
          trainable: If True (the default), the variable is added to
            `GraphKeys.TRAINABLE_VARIABLES`, the default list optimizers train. Read once, by
            truth value.
          collections: List of graph collection keys the variable is added to.
          validate_shape: If False, the variable may be initialized with a value of unknown shape.
          caching_device: Accepted for TF1 compatibility; varflow runs on the CPU.
          name: Optional name for the variable. Defaults to `"Variable"`, made unique.
          variable_def: Not supported by varflow (recreating a variable from a `VariableDef`).
          dtype: If set, `initial_value` is converted to this type.
          expected_shape: Deprecated in TF1 and ignored.
          import_scope: Not used by varflow.
          constraint: An optional projection function applied to the variable after an
            optimizer update; kept as `Variable.constraint`.
          use_resource: Accepted for TF1 compatibility (varflow's variables are reference
            variables).
          synchronization: Accepted for TF1 compatibility.
          aggregation: Accepted for TF1 compatibility.
          shape: Accepted for TF1 compatibility; the shape comes from `initial_value`.

        Raises:
          ValueError: If `initial_value` is None, or `collections` is not a list, tuple or set.
        """
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
        """The name of this variable, `"<op name>:0"`."""
        return self._ref_tensor.name

    @property
    def op(self):
        """The `VariableV2` `Operation` of this variable."""
        return self._op

    @property
    def dtype(self) -> dtypes.DType:
        """The `DType` of this variable (a `_ref` type, as TF1's reference variables)."""
        return self._ref_tensor.dtype

    @property
    def shape(self) -> TensorShape:
        """The `TensorShape` of this variable."""
        return self._ref_tensor.shape

    def get_shape(self) -> TensorShape:
        """Alias of `Variable.shape`.

        Returns:
          A `TensorShape`.
        """
        return self.shape

    @property
    def graph(self):
        """The `Graph` of this variable."""
        return self._graph

    @property
    def initializer(self):
        """The initializer operation (an `Assign` of the initial value) for this variable."""
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        """Returns the `Tensor` used as the initial value for the variable."""
        return self._initial_value

    @property
    def trainable(self) -> bool:
        """Whether this variable is in the trainable variables (fixed at creation)."""
        return self._trainable

    @property
    def constraint(self):
        """The constraint function given at creation, or None."""
        return self._constraint

    @property
    def device(self) -> str:
        """The device name of this variable."""
        return self._op.device

    # --- reads and updates -------------------------------------------------------------------
    def value(self) -> Tensor:
        """Returns the last snapshot of this variable.

        You usually do not need to call this method: ops that need the variable's value call it
        automatically through `convert_to_tensor()`.

        Returns:
          A `Tensor` containing the value of the variable.
        """
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
        """Returns the value of this variable, read in the current context.

        Unlike `value()`, this makes a new read op, which can be placed under control
        dependencies to read the value after an update.

        Returns:
          A `Tensor` containing the value of the variable.
        """
        from varflow import array_ops

        if self._graph._is_eager:
            return self._eager_read()
        return array_ops.identity(self._ref_tensor, name="read")

    def _ref(self) -> Tensor:
        return self._ref_tensor

    def _as_graph_element(self) -> Tensor:
        return self._ref_tensor

    def initialized_value(self) -> Tensor:
        """Returns the value of the initialized variable.

        Use it instead of the variable itself to initialize another variable with a value that
        depends on this one's initial value.

        Returns:
          A `Tensor` holding the value of this variable after its initializer has run.
        """
        from varflow import state_ops

        return state_ops.initialized_value(self)

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assigns a new value to the variable.

        This is essentially a shortcut for `tf.assign(self, value)`.

        Args:
          value: A `Tensor`, the new value for this variable.
          use_locking: Accepted for TF1 compatibility (varflow's kernels for one variable run in
            order).
          name: The name of the operation to be created.
          read_value: If True, returns the variable's value after the assignment; if False,
            returns the assign `Operation`.

        Returns:
          A `Tensor` that will hold the new value of this variable after the assignment has
          completed, or the assign `Operation` if `read_value` is False.

        Raises:
          ValueError: If `value`'s shape is not compatible with the variable's.
        """
        from varflow import state_ops

        return state_ops._update("Assign", self, value, name, read_value)

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        """Adds a value to this variable.

        This is essentially a shortcut for `tf.assign_add(self, delta)`.

        Args:
          delta: A `Tensor`, the value to add to this variable.
          use_locking: Accepted for TF1 compatibility.
          name: The name of the operation to be created.
          read_value: If True, returns the new value of the variable; if False, the `Operation`.

        Returns:
          A `Tensor` that will hold the new value of this variable after the addition has
          completed, or the `Operation` if `read_value` is False.
        """
        from varflow import state_ops

        return state_ops._update("AssignAdd", self, delta, name, read_value)

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        """Subtracts a value from this variable.

        This is essentially a shortcut for `tf.assign_sub(self, delta)`.

        Args:
          delta: A `Tensor`, the value to subtract from this variable.
          use_locking: Accepted for TF1 compatibility.
          name: The name of the operation to be created.
          read_value: If True, returns the new value of the variable; if False, the `Operation`.

        Returns:
          A `Tensor` that will hold the new value of this variable after the subtraction has
          completed, or the `Operation` if `read_value` is False.
        """
        from varflow import state_ops

        return state_ops._update("AssignSub", self, delta, name, read_value)

    def eval(self, session=None):
        """In a session, computes and returns the value of this variable.

        This is a shortcut for `tf.get_default_session().run(v)`; in eager mode it returns
        `v.numpy()`.

        Args:
          session: The session to use to evaluate this variable. If None, the default session
            is used.

        Returns:
          A NumPy `ndarray` with a copy of the value of this variable.

        Raises:
          FailedPreconditionError: If the variable has not been initialized.
        """
        from varflow.session import _session_or_default

        if self._graph._is_eager:
            return self.numpy()
        return _session_or_default(session, self._graph).run(self)

    def load(self, value, session=None) -> None:
        """Loads a new value into this variable without adding ops to the graph.

        Args:
          value: The new value, convertible to the variable's dtype and shape.
          session: The session to use. If None, the default session is used.

        Raises:
          ValueError: If no session is given and there is no default session, or `value`'s
            shape is not compatible with the variable's.
          TypeError: If `value` would lose precision in the variable's dtype.
        """
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
    """Returns the variables in the `GLOBAL_VARIABLES` collection of the default graph.

    Global variables are shared across machines in a distributed TF1 setup; in varflow
    they are every variable not made local, e.g. the ones `tf.train.Saver` saves.

    Args:
      scope: Optional. A regular expression; only variables whose name matches it (with
        `re.match`) are returned.

    Returns:
      A list of `Variable` objects.
    """
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope=None) -> list:
    """Returns the variables in the `TRAINABLE_VARIABLES` collection of the default graph.

    These are the variables made with `trainable=True`; optimizers train them by
    default.

    Args:
      scope: Optional. A regular expression; only variables whose name matches it (with
        `re.match`) are returned.

    Returns:
      A list of `Variable` objects.
    """
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None) -> list:
    """Returns the variables in the `LOCAL_VARIABLES` collection of the default graph.

    Local variables are per-process variables such as metric accumulators, usually
    not saved.

    Args:
      scope: Optional. A regular expression; only variables whose name matches it (with
        `re.match`) are returned.

    Returns:
      A list of `Variable` objects.
    """
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None) -> list:
    """Returns the variables in the `MODEL_VARIABLES` collection of the default graph.

    Model variables are the ones a model uses for inference (the layers' weights).

    Args:
      scope: Optional. A regular expression; only variables whose name matches it (with
        `re.match`) are returned.

    Returns:
      A list of `Variable` objects.
    """
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None) -> list:
    """Returns the variables in the `MOVING_AVERAGE_VARIABLES` collection of the default graph.

    These are the variables `tf.train.ExponentialMovingAverage.apply()` keeps an average
    of.

    Args:
      scope: Optional. A regular expression; only variables whose name matches it (with
        `re.match`) are returned.

    Returns:
      A list of `Variable` objects.
    """
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


all_variables = global_variables


def variables_initializer(var_list, name="init"):
    """Returns an op that initializes a list of variables.

    After the op has run, every variable in `var_list` holds its initial value. The op runs
    the variables' initializers in parallel; with an empty list it is a `no_op`.

    Args:
      var_list: List of `Variable` objects to initialize.
      name: Optional name for the returned operation.

    Returns:
      An `Operation` that runs the initializers of all the specified variables.
    """
    from varflow import control_flow_ops

    if var_list:
        return control_flow_ops.group(*[v.initializer for v in var_list], name=name)
    return control_flow_ops.no_op(name=name)


def global_variables_initializer():
    """Returns an op that initializes global variables.

    This is a shortcut for `variables_initializer(global_variables())`.

    Returns:
      An `Operation` that initializes global variables in the graph.
    """
    return variables_initializer(global_variables(), name="init")


def local_variables_initializer():
    """Returns an op that initializes all local variables.

    This is a shortcut for `variables_initializer(local_variables())`.

    Returns:
      An `Operation` that initializes all local variables in the graph.
    """
    return variables_initializer(local_variables(), name="init")


initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """Adds ops to list the names of uninitialized variables.

    Args:
      var_list: List of `Variable` objects to check. Defaults to all global and local
        variables.
      name: Optional name of the `Operation`.

    Returns:
      A 1-D tensor whose fetched value is the names of the uninitialized variables, as bytes
      (empty when all are initialized); inside the graph it holds their indices (see
      `tf.state_ops.report_uninitialized_variables`).
    """
    from varflow import state_ops

    return state_ops.report_uninitialized_variables(var_list, name)


def is_variable_initialized(variable) -> Tensor:
    """Tests whether a variable has been initialized.

    Args:
      variable: A `Variable`.

    Returns:
      A scalar boolean `Tensor`, true when the variable holds a value.
    """
    from varflow import state_ops

    return state_ops.is_variable_initialized(variable)


__all__ = ["Variable", "name_scope"]
