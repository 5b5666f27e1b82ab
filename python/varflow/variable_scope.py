"""TF1's ``tf.variable_scope`` and ``tf.get_variable``.

Each graph holds a variable store (``graph._var_store``: full name -> Variable, only variables
created by ``get_variable``) and a variable-scope store (``graph._var_scope_store``: the current
``VariableScope`` and how often each scope name was opened, to make ``default_name`` unique).
Variable names depend on the variable scope only; ops built inside a ``variable_scope`` use the
name scope it opens (``"a_1/"`` when ``"a"`` was already used), as in TF1.
"""

from __future__ import annotations

import contextlib
import enum
import inspect
import traceback

from varflow import _core, dtypes, init_ops
from varflow.graph import GraphKeys, Tensor, _graph_of, get_default_graph
from varflow.tensor_shape import TensorShape


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """Variable scope object to carry defaults to provide to `get_variable`.

    Many of the arguments we need for `get_variable` in a variable store are most easily
    handled with a context. This object is used for the defaults: `name`, `initializer`,
    `regularizer`, `reuse`, `caching_device`, `partitioner`, `custom_getter`,
    `name_scope`, `dtype`, `use_resource` and `constraint`.
    """

    def __init__(
        self,
        reuse,
        name="",
        initializer=None,
        regularizer=None,
        caching_device=None,
        partitioner=None,
        custom_getter=None,
        name_scope="",
        dtype=dtypes.float32,
        use_resource=None,
        constraint=None,
    ):
        """Creates a new VariableScope with the given properties.

        Args:
          reuse: `True`, `tf.AUTO_REUSE`, or `None`/`False` (inherit).
          name: The name of the scope.
          initializer: Default initializer passed to `get_variable`.
          regularizer: Default regularizer passed to `get_variable`.
          caching_device: Default caching device passed to `get_variable`.
          partitioner: Default partitioner passed to `get_variable`.
          custom_getter: Default custom getter passed to `get_variable`.
          name_scope: The name passed to `tf.name_scope`.
          dtype: Default type passed to `get_variable` (defaults to `DT_FLOAT`).
          use_resource: If `False`, variables are reference variables (all varflow has).
          constraint: Default constraint passed to `get_variable`.
        """
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    @property
    def name(self) -> str:
        """The name of this scope, e.g. `"outer/inner"`."""
        return self._name

    @property
    def original_name_scope(self) -> str:
        """The name scope this variable scope opened first (ends in `/`)."""
        return self._name_scope

    @property
    def reuse(self):
        """The reuse flag: `True`, `tf.AUTO_REUSE`, or `False`."""
        return self._reuse

    @property
    def initializer(self):
        """The default initializer for variables made in this scope, or None."""
        return self._initializer

    @property
    def regularizer(self):
        """The default regularizer for variables made in this scope, or None."""
        return self._regularizer

    @property
    def dtype(self):
        """The default dtype for variables made in this scope."""
        return self._dtype

    @property
    def caching_device(self):
        """The default caching device for variables made in this scope, or None."""
        return self._caching_device

    @property
    def partitioner(self):
        """The default partitioner for variables made in this scope, or None."""
        return self._partitioner

    @property
    def custom_getter(self):
        """The default custom getter for variables made in this scope, or None."""
        return self._custom_getter

    @property
    def use_resource(self):
        """The `use_resource` default of this scope (varflow makes reference variables)."""
        return self._use_resource

    @property
    def constraint(self):
        """The default constraint for variables made in this scope, or None."""
        return self._constraint

    def reuse_variables(self) -> None:
        """Reuse variables in this scope: sets its reuse flag to True."""
        self._reuse = True

    def set_initializer(self, initializer) -> None:
        """Set initializer for this scope.

        Args:
          initializer: The new default initializer.
        """
        self._initializer = initializer

    def set_regularizer(self, regularizer) -> None:
        """Set regularizer for this scope.

        Args:
          regularizer: The new default regularizer.
        """
        self._regularizer = regularizer

    def set_dtype(self, dtype) -> None:
        """Set data type for this scope.

        Args:
          dtype: The new default data type.
        """
        self._dtype = dtypes.as_dtype(dtype)

    def set_caching_device(self, caching_device) -> None:
        """Set caching device for this scope.

        Args:
          caching_device: The new default caching device.
        """
        self._caching_device = caching_device

    def set_partitioner(self, partitioner) -> None:
        """Set partitioner for this scope.

        Args:
          partitioner: The new default partitioner.
        """
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter) -> None:
        """Set custom getter for this scope.

        Args:
          custom_getter: The new default custom getter.
        """
        self._custom_getter = custom_getter

    def set_use_resource(self, use_resource) -> None:
        """Set `use_resource` flag for this scope.

        Args:
          use_resource: The new default `use_resource` flag.
        """
        self._use_resource = use_resource

    def _prefix(self) -> str:
        return self._name + "/" if self._name else ""

    def get_collection(self, name):
        """Get this scope's variables in the collection `name`.

        Args:
          name: A collection key.

        Returns:
          The items of the collection whose names start with this scope's name.
        """
        return get_default_graph().get_collection(name, self._prefix())

    def global_variables(self):
        """Get this scope's global variables."""
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self):
        """Get this scope's trainable variables."""
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def local_variables(self):
        """Get this scope's local variables."""
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(
        self,
        var_store,
        name,
        shape=None,
        dtype=None,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        custom_getter=None,
        constraint=None,
        synchronization=None,
        aggregation=None,
    ):
        """Gets an existing variable with this name or create a new one.

        The scope's defaults fill in the arguments left as None.

        Args:
          var_store: The variable store of the graph.
          name: The name of the new or existing variable.
          shape: Shape of the new or existing variable.
          dtype: Type of the new or existing variable (defaults to `DT_FLOAT`).
          initializer: Initializer for the variable if one is created. Can either be an
            initializer object or a Tensor. If it's a Tensor, its shape must be known unless
            validate_shape is False.
          regularizer: A (Tensor -> Tensor or None) function; the result of applying it on a
            newly created variable will be added to the collection
            `tf.GraphKeys.REGULARIZATION_LOSSES` and can be used for regularization.
          reuse: A reuse flag overriding the scope's.
          trainable: If `True` also add the variable to the graph collection
            `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
          collections: List of graph collections keys to add the Variable to. Defaults to
            `[GraphKeys.GLOBAL_VARIABLES]` (see `tf.Variable`).
          caching_device: Accepted for TF1 compatibility; varflow runs on the CPU.
          partitioner: Optional callable that accepts a fully defined `TensorShape` and `dtype` of
            the Variable to be created, and returns a list of partitions for each axis (currently
            only one axis can be partitioned); the result is a `PartitionedVariable`.
          validate_shape: If False, allows the variable to be initialized with a value of
            unknown shape. If True, the default, the shape of initial_value must be known. For
            this to be used the initializer must be a Tensor and not an initializer object.
          use_resource: Accepted for TF1 compatibility (varflow makes reference variables).
          custom_getter: Callable that takes as a first argument the true getter, and allows
            overwriting the internal get_variable method. The signature of `custom_getter`
            should match that of this method, but the most future-proof version will allow for
            changes: `def custom_getter(getter, *args, **kwargs)`.
          constraint: An optional projection function to be applied to the variable after
            being updated by an `Optimizer`.
          synchronization: Accepted for TF1 compatibility.
          aggregation: Accepted for TF1 compatibility.

        Returns:
          The created or existing `Variable`.

        Raises:
          ValueError: when creating a new variable and shape is not declared, when violating
            reuse during variable creation (a variable that exists without `reuse`, or one that
            does not exist with `reuse=True`), or when `initializer` dtype and `dtype` don't
            match. Reuse is set inside `variable_scope`.
        """
        if regularizer is None:
            regularizer = self._regularizer
        if caching_device is None:
            caching_device = self._caching_device
        if partitioner is None:
            partitioner = self._partitioner
        if constraint is None:
            constraint = self._constraint
        if reuse is None:
            reuse = self._reuse
        if custom_getter is not None and self._custom_getter is not None:
            inner, outer = self._custom_getter, custom_getter

            def custom_getter(getter, *args, **kwargs):  # TF1's composition
                return outer(lambda *a, **k: inner(getter, *a, **k), *args, **kwargs)
        elif custom_getter is None:
            custom_getter = self._custom_getter
        full_name = self._prefix() + name
        if dtype is not None and initializer is not None and not callable(initializer):
            from varflow.graph import convert_to_tensor

            init_dtype = (
                initializer.dtype.base_dtype
                if isinstance(initializer, Tensor)
                else convert_to_tensor(initializer).dtype.base_dtype
            )
            if init_dtype != dtypes.as_dtype(dtype):
                raise ValueError(
                    f"Initializer type '{init_dtype}' and explicit dtype '{dtypes.as_dtype(dtype)}' "
                    f"don't match."
                )
        if initializer is None:
            initializer = self._initializer
        if dtype is None:
            dtype = self._dtype
        return var_store.get_variable(
            full_name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            reuse=reuse,
            trainable=trainable,
            collections=collections,
            caching_device=caching_device,
            partitioner=partitioner,
            validate_shape=validate_shape,
            use_resource=use_resource,
            custom_getter=custom_getter,
            constraint=constraint,
            synchronization=synchronization,
            aggregation=aggregation,
        )


class _VariableStore:
    """The variables created by ``get_variable`` in one graph, by full name."""

    def __init__(self, graph):
        self._graph = graph
        self._vars: dict = {}
        self._tracebacks: dict = {}

    def get_variable(
        self,
        name,
        shape=None,
        dtype=dtypes.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        custom_getter=None,
        constraint=None,
        synchronization=None,
        aggregation=None,
    ):
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")

        def true_getter(
            name,
            shape=None,
            dtype=dtypes.float32,
            initializer=None,
            regularizer=None,
            reuse=None,
            trainable=None,
            collections=None,
            caching_device=None,
            partitioner=None,
            validate_shape=True,
            use_resource=None,
            constraint=None,
            **_,
        ):
            if partitioner is not None and TensorShape(shape).ndims != 0:
                # TF1: a partitioner makes name/part_0..k (scalars are never partitioned).
                from varflow.partitioned_variables import get_partitioned_variable

                return get_partitioned_variable(
                    self, name, partitioner, shape, dtype, initializer, regularizer, reuse,
                    trainable, collections, validate_shape, constraint,
                )  # fmt: skip
            return self._get_single_variable(
                name,
                shape,
                dtype,
                initializer,
                regularizer,
                reuse,
                trainable,
                collections,
                validate_shape,
                constraint,
            )

        kwargs = {
            "name": name,
            "shape": shape,
            "dtype": dtype,
            "initializer": initializer,
            "regularizer": regularizer,
            "reuse": reuse,
            "trainable": trainable,
            "collections": collections,
            "caching_device": caching_device,
            "partitioner": partitioner,
            "validate_shape": validate_shape,
            "use_resource": use_resource,
            "constraint": constraint,
        }
        if custom_getter is not None:
            return custom_getter(true_getter, **kwargs)
        return true_getter(**kwargs)

    def _get_single_variable(
        self,
        name,
        shape,
        dtype,
        initializer,
        regularizer,
        reuse,
        trainable,
        collections,
        validate_shape,
        constraint,
        partition_info=None,
    ):
        from varflow.variables import Variable

        initializing_from_value = initializer is not None and not callable(initializer)
        if shape is not None and initializing_from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        shape = TensorShape(shape)

        # TF1's reuse checks (train::check_get_variable, shared with C++ hosts' get_variable).
        found_var = self._vars.get(name)
        defined_at = ""
        if found_var is not None:
            found_shape = found_var.get_shape()
            found_dtype = found_var.dtype.base_dtype._core
            defined_at = "".join(traceback.format_list(self._tracebacks.get(name) or []))
        else:
            found_shape, found_dtype = None, None
        if _core.check_get_variable(
            name,
            None if found_shape is None or found_shape.ndims is None else found_shape.as_list(),
            found_dtype,
            shape.as_list() if shape.ndims is not None else None,
            dtype.base_dtype._core,
            "create" if reuse is False else "reuse" if reuse is True else "auto",
            defined_at,
        ):
            return found_var

        if initializer is None:
            initializer, initializing_from_value = _default_initializer(name, dtype)
        if initializing_from_value:
            init_val = initializer
            variable_dtype = None
        else:
            if isinstance(initializer, type):
                initializer = initializer()
            if shape.is_fully_defined():
                dims = shape.as_list()

                kwargs = {"dtype": dtype}
                if _accepts_partition_info(initializer):
                    kwargs["partition_info"] = partition_info

                def init_val():
                    with get_default_graph().name_scope("Initializer"):
                        return initializer(dims, **kwargs)

                variable_dtype = dtype.base_dtype
            else:
                raise ValueError(
                    f"Shape of a new variable ({name}) must be fully defined, but instead was "
                    f"{shape}."
                )

        graph = self._graph
        if trainable is None:
            trainable = True
        with graph.control_dependencies(None), graph.name_scope(""):
            v = Variable(
                initial_value=init_val,
                name=name,
                trainable=trainable,
                collections=collections,
                validate_shape=validate_shape,
                dtype=variable_dtype,
                constraint=constraint,
            )
        self._vars[name] = v
        self._tracebacks[name] = [
            f for f in traceback.extract_stack()[:-1] if "/varflow/" not in f.filename
        ][-5:][::-1]

        if regularizer:
            with graph.control_dependencies(None), graph.name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _accepts_partition_info(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return True
    return "partition_info" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
    )


def _default_initializer(name, dtype):
    if dtype.is_floating:
        return init_ops.glorot_uniform_initializer(), False
    if dtype.is_integer or dtype.is_bool:
        return init_ops.zeros_initializer(), False
    raise ValueError(f"An initializer for variable {name} of {dtype.base_dtype} is required")


class _VariableScopeStore:
    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count: dict[str, int] = {}

    def open_variable_scope(self, scope_name) -> None:
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name) -> None:
        for k in list(self.variable_scopes_count):
            if scope_name is None or k.startswith(scope_name + "/"):
                self.variable_scopes_count[k] = 0

    def variable_scope_count(self, scope_name) -> int:
        return self.variable_scopes_count.get(scope_name, 0)


def _get_default_variable_store(graph=None) -> _VariableStore:
    graph = graph or get_default_graph()
    store = getattr(graph, "_var_store", None)
    if store is None:
        store = graph._var_store = _VariableStore(graph)
    return store


def _get_variable_scope_store(graph=None) -> _VariableScopeStore:
    graph = graph or get_default_graph()
    store = getattr(graph, "_var_scope_store", None)
    if store is None:
        store = graph._var_scope_store = _VariableScopeStore()
    return store


def get_variable_scope() -> VariableScope:
    """The current ``VariableScope`` of the default graph."""
    return _get_variable_scope_store().current_scope


def get_variable(
    name,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable=None,
    collections=None,
    caching_device=None,
    partitioner=None,
    validate_shape=True,
    use_resource=None,
    custom_getter=None,
    constraint=None,
    synchronization=None,
    aggregation=None,
):
    """Gets an existing variable with these parameters or create a new one.

    This function prefixes the name with the current variable scope and performs reuse
    checks. If initializer is `None` (the default), the default initializer passed in the
    variable scope will be used. If that one is `None` too, a `glorot_uniform_initializer`
    will be used for float variables, and zeros for int and bool ones. The initializer can
    also be a Tensor, in which case the variable is initialized to this value and shape.

    Args:
      name: The name of the new or existing variable.
      shape: Shape of the new or existing variable.
      dtype: Type of the new or existing variable (defaults to `DT_FLOAT`).
      initializer: Initializer for the variable if one is created. Can either be an
        initializer object or a Tensor. If it's a Tensor, its shape must be known unless
        validate_shape is False.
      regularizer: A (Tensor -> Tensor or None) function; the result of applying it on a
        newly created variable will be added to the collection
        `tf.GraphKeys.REGULARIZATION_LOSSES` and can be used for regularization.
      trainable: If `True` also add the variable to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      collections: List of graph collections keys to add the Variable to. Defaults to
        `[GraphKeys.GLOBAL_VARIABLES]` (see `tf.Variable`).
      caching_device: Accepted for TF1 compatibility; varflow runs on the CPU.
      partitioner: Optional callable that accepts a fully defined `TensorShape` and `dtype` of
        the Variable to be created, and returns a list of partitions for each axis (currently
        only one axis can be partitioned); the result is a `PartitionedVariable`.
      validate_shape: If False, allows the variable to be initialized with a value of
        unknown shape. If True, the default, the shape of initial_value must be known. For
        this to be used the initializer must be a Tensor and not an initializer object.
      use_resource: Accepted for TF1 compatibility (varflow makes reference variables).
      custom_getter: Callable that takes as a first argument the true getter, and allows
        overwriting the internal get_variable method. The signature of `custom_getter`
        should match that of this method, but the most future-proof version will allow for
        changes: `def custom_getter(getter, *args, **kwargs)`.
      constraint: An optional projection function to be applied to the variable after
        being updated by an `Optimizer`.
      synchronization: Accepted for TF1 compatibility.
      aggregation: Accepted for TF1 compatibility.

    Returns:
      The created or existing `Variable`.

    Raises:
      ValueError: when creating a new variable and shape is not declared, when violating
        reuse during variable creation (a variable that exists without `reuse`, or one that
        does not exist with `reuse=True`), or when `initializer` dtype and `dtype` don't
        match. Reuse is set inside `variable_scope`.
    """
    return get_variable_scope().get_variable(
        _get_default_variable_store(),
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=collections,
        caching_device=caching_device,
        partitioner=partitioner,
        validate_shape=validate_shape,
        use_resource=use_resource,
        custom_getter=custom_getter,
        constraint=constraint,
        synchronization=synchronization,
        aggregation=aggregation,
    )


def _get_unique_variable_scope(prefix) -> str:
    store = _get_variable_scope_store()
    current = store.current_scope
    name = current.name + "/" + prefix if current.name else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while store.variable_scope_count(name + f"_{idx}") > 0:
        idx += 1
    return prefix + f"_{idx}"


@contextlib.contextmanager
def _pure_variable_scope(
    name_or_scope,
    reuse=None,
    initializer=None,
    regularizer=None,
    caching_device=None,
    partitioner=None,
    custom_getter=None,
    old_name_scope=None,
    dtype=None,
    use_resource=None,
    constraint=None,
):
    store = _get_variable_scope_store()
    old = store.current_scope
    if isinstance(name_or_scope, VariableScope):
        new_name = name_or_scope.name
        name_scope = name_or_scope.original_name_scope
        scope = VariableScope(
            reuse if reuse else name_or_scope.reuse,
            name=new_name,
            initializer=name_or_scope.initializer,
            regularizer=name_or_scope.regularizer,
            caching_device=name_or_scope.caching_device,
            partitioner=name_or_scope.partitioner,
            custom_getter=name_or_scope.custom_getter,
            name_scope=name_scope,
            dtype=name_or_scope.dtype,
            use_resource=name_or_scope.use_resource,
            constraint=name_or_scope.constraint,
        )
        store.open_variable_scope(new_name)
        old_subscopes = dict(store.variable_scopes_count)
    else:
        new_name = old.name + "/" + name_or_scope if old.name else name_or_scope
        reuse = reuse or old.reuse
        name_scope = name_or_scope if old_name_scope is None else old_name_scope
        scope = VariableScope(
            reuse,
            name=new_name,
            initializer=old.initializer,
            regularizer=old.regularizer,
            caching_device=old.caching_device,
            partitioner=old.partitioner,
            custom_getter=old.custom_getter,
            name_scope=name_scope,
            dtype=old.dtype,
            use_resource=old.use_resource,
            constraint=old.constraint,
        )
        store.open_variable_scope(new_name)
        old_subscopes = None
    if initializer is not None:
        scope.set_initializer(initializer)
    if regularizer is not None:
        scope.set_regularizer(regularizer)
    if caching_device is not None:
        scope.set_caching_device(caching_device)
    if partitioner is not None:
        scope.set_partitioner(partitioner)
    if custom_getter is not None:
        scope.set_custom_getter(_maybe_wrap_custom_getter(custom_getter, scope.custom_getter))
    if dtype is not None:
        scope.set_dtype(dtype)
    if use_resource is not None:
        scope.set_use_resource(use_resource)
    if constraint is not None:
        scope._constraint = constraint
    store.current_scope = scope
    try:
        yield scope
    finally:
        store.current_scope = old
        if old_subscopes is not None:
            store.variable_scopes_count = old_subscopes
        else:
            store.close_variable_subscopes(new_name)


def _maybe_wrap_custom_getter(custom_getter, old_getter):
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(lambda *a, **k: old_getter(getter, *a, **k), *args, **kwargs)

    return wrapped


@contextlib.contextmanager
def variable_scope(
    name_or_scope,
    default_name=None,
    values=None,
    initializer=None,
    regularizer=None,
    caching_device=None,
    partitioner=None,
    custom_getter=None,
    reuse=None,
    dtype=None,
    use_resource=None,
    constraint=None,
    auxiliary_name_scope=True,
):
    """A context manager for defining ops that creates variables (layers).

    This context manager validates that the (optional) `values` are from the same graph,
    ensures that graph is the default graph, and pushes a name scope and a variable scope.
    If `name_or_scope` is not None, it is used as is. If `name_or_scope` is None, then
    `default_name` is used. In that case, if the same name has been previously used in the
    same scope, it will be made unique by appending `_N` to it.

    Variable scope allows you to create new variables and to share already created ones
    while providing checks to not create or share by accident: `reuse=True` only gets
    existing variables, `tf.AUTO_REUSE` gets or creates, and `None`/`False` inherit the
    parent scope's flag.

    Args:
      name_or_scope: `string` or `VariableScope`: the scope to open.
      default_name: The default name to use if the `name_or_scope` argument is `None`, this
        name will be uniquified. If name_or_scope is provided it won't be used and therefore
        it is not required and can be None.
      values: The list of `Tensor` arguments that are passed to the op function.
      initializer: default initializer for variables within this scope.
      regularizer: default regularizer for variables within this scope.
      caching_device: default caching device for variables within this scope.
      partitioner: default partitioner for variables within this scope.
      custom_getter: default custom getter for variables within this scope.
      reuse: `True`, None, or tf.AUTO_REUSE; if `True`, we go into reuse mode for this
        scope as well as all sub-scopes; if tf.AUTO_REUSE, we create variables if they do
        not exist, and return them otherwise; if None, we inherit the parent scope's reuse
        flag.
      dtype: type of variables created in this scope (defaults to the type in the passed
        scope, or inherited from parent scope).
      use_resource: Accepted for TF1 compatibility.
      constraint: An optional projection function to be applied to the variable after
        being updated by an `Optimizer`.
      auxiliary_name_scope: If `True`, we create an auxiliary name scope with the scope. If
        `False`, we don't create it.

    Returns:
      A context manager that yields the `VariableScope`.

    Raises:
      ValueError: when trying to reuse within a create scope, or create within a reuse
        scope, or if reuse is not `None` or `True`.
      TypeError: when the types of some arguments are not appropriate.
    """
    if default_name is None and name_or_scope is None:
        raise TypeError("If default_name is None then name_or_scope is required")
    if reuse is False:
        reuse = None  # We don't allow non-inheriting scopes, False = None here.
    if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
        raise ValueError("The reuse parameter must be True or False or None.")
    if name_or_scope is not None and not isinstance(name_or_scope, (VariableScope, str)):
        raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
    graph = _graph_of(values) if values else get_default_graph()
    with contextlib.ExitStack() as stack:
        if values:
            stack.enter_context(graph.as_default())
        kwargs = {
            "initializer": initializer,
            "regularizer": regularizer,
            "caching_device": caching_device,
            "partitioner": partitioner,
            "custom_getter": custom_getter,
            "dtype": dtype,
            "use_resource": use_resource,
            "constraint": constraint,
        }
        if name_or_scope is not None:
            if isinstance(name_or_scope, str):
                ns_name = name_or_scope
            else:
                ns_name = name_or_scope.name.split("/")[-1]
            if ns_name and auxiliary_name_scope:
                current_ns = stack.enter_context(graph.name_scope(ns_name))
            else:
                current_ns = graph._core.name_scope
            if isinstance(name_or_scope, str):
                old_name_scope = current_ns
            else:
                old_name_scope = name_or_scope.original_name_scope
            scope = stack.enter_context(
                _pure_variable_scope(
                    name_or_scope, reuse=reuse, old_name_scope=old_name_scope, **kwargs
                )
            )
        else:
            if reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            if auxiliary_name_scope:
                current_ns = stack.enter_context(graph.name_scope(default_name))
            else:
                current_ns = graph._core.name_scope
            unique_default_name = _get_unique_variable_scope(default_name)
            scope = stack.enter_context(
                _pure_variable_scope(unique_default_name, old_name_scope=current_ns, **kwargs)
            )
        yield scope


def variable_op_scope(
    values,
    name_or_scope,
    default_name=None,
    initializer=None,
    regularizer=None,
    caching_device=None,
    partitioner=None,
    custom_getter=None,
    reuse=None,
    dtype=None,
    use_resource=None,
    constraint=None,
):
    """Deprecated: context manager for defining an op that creates variables.

    The same as `variable_scope(name_or_scope, default_name, values, ...)` with `values`
    first.

    Args:
      values: The list of `Tensor` arguments that are passed to the op function.
      name_or_scope: The name argument that is passed to the op function, this name_or_scope
        is not uniquified in the variable scope.
      default_name: The default name to use if the `name_or_scope` argument is `None`, this
        name will be uniquified.
      initializer: A default initializer to pass to variable scope.
      regularizer: A default regularizer for variables within this scope.
      caching_device: A default caching device for variables within this scope.
      partitioner: A default partitioner for variables within this scope.
      custom_getter: The default custom getter for variables within this scope.
      reuse: `True` or `None`; if `True`, we go into reuse mode for this scope as well as
        all sub-scopes; if `None`, we just inherit the parent scope reuse.
      dtype: The default type of variables created in this scope.
      use_resource: Accepted for TF1 compatibility.
      constraint: An optional projection function to be applied to the variable after
        being updated by an `Optimizer`.

    Returns:
      A context manager that yields the `VariableScope`.

    Raises:
      ValueError: when trying to reuse within a create scope, or create within a reuse
        scope, or if reuse is not `None` or `True`.
      TypeError: when the types of some arguments are not appropriate.
    """
    return variable_scope(
        name_or_scope,
        default_name=default_name,
        values=values,
        initializer=initializer,
        regularizer=regularizer,
        caching_device=caching_device,
        partitioner=partitioner,
        custom_getter=custom_getter,
        reuse=reuse,
        dtype=dtype,
        use_resource=use_resource,
        constraint=constraint,
    )
