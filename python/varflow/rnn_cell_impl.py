"""TF1's ``tf.nn.rnn_cell``: RNNCell with TF1's layer scoping, and the standard cells.

Variable names follow TF1 so checkpoints line up: a cell called inside ``variable_scope("rnn")``
creates ``rnn/basic_lstm_cell/kernel`` and ``.../bias``; a second cell in the same scope gets
``basic_lstm_cell_1``; later calls reuse the variables of the first. The scoping rules are
those of TF1's legacy ``tf.layers.Layer`` (which TF1's RNNCell extends): the variable scope is
captured at the first call and re-entered, with ``reuse=True``, at every later call.

The cells' step maths (and their checks of dtypes and input sizes) is C++,
``varflow/train/rnn_cells.h``, which a C++ host calls to build the same cells; this module keeps
TF1's classes and signatures, the scoping, the variables (through ``tf.get_variable``) and the
state structures.
"""

from __future__ import annotations

import collections
import re
import weakref

from varflow import _core, array_ops, dtypes, math_ops, nn
from varflow import rnn_cell_nest as nest
from varflow.graph import (
    Tensor,
    constant,
    convert_to_tensor,
    core_callback,
    get_default_graph,
    name_scope,
)
from varflow.tensor_shape import TensorShape
from varflow.variable_scope import get_variable, get_variable_scope, variable_scope
from varflow.variables import trainable_variables

_BIAS_VARIABLE_NAME = "bias"
_WEIGHTS_VARIABLE_NAME = "kernel"

# Per graph: how many layers of each base name exist (TF1's unique layer names, zero-based).
_LAYER_NAME_UIDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _to_snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return "private" + s if s[0] == "_" else s


def _unique_layer_name(base: str) -> str:
    uids = _LAYER_NAME_UIDS.setdefault(get_default_graph(), collections.Counter())
    n = uids[base]
    uids[base] += 1
    return base if n == 0 else f"{base}_{n}"


def _check_supported_dtypes(dtype) -> None:
    if dtype is None:
        return
    _core.check_rnn_cell_dtype(dtypes.as_dtype(dtype)._core)


def _check_rnn_cell_input_dtypes(inputs) -> None:
    for t in nest.flatten(inputs):
        _check_supported_dtypes(t.dtype)


def _static_value(t):
    """The value of a tensor made by tf.constant, else None (TF1's constant_value, for the
    shapes and probabilities the RNN code is handed)."""
    if isinstance(t, Tensor) and t.op.type == "Const":
        import numpy as np

        return np.asarray(t.op.get_attr("value"))
    return None


def _concat(prefix, suffix, static=False):
    """TF1's rnn_cell_impl._concat: [prefix..., suffix...] from ints, TensorShapes or tensors;
    a list (static=True, None for unknown) or an int32 tensor."""

    def parts(x):
        if isinstance(x, Tensor):
            value = _static_value(x)
            static_part = None if value is None else [int(v) for v in _as_list(value)]
            if x.shape.ndims == 0:
                x = array_ops.expand_dims(x, 0)
            elif x.shape.ndims not in (None, 1):
                raise ValueError(
                    f"prefix tensor must be either a scalar or vector, but saw tensor: {x}"
                )
            return x, static_part
        shape = TensorShape(x if isinstance(x, (list, tuple, TensorShape)) else [x])
        static_part = shape.as_list() if shape.ndims is not None else None
        tensor = constant(static_part, dtype=dtypes.int32) if shape.is_fully_defined() else None
        return tensor, static_part

    p, p_static = parts(prefix)
    s, s_static = parts(suffix)
    if static:
        if p_static is None or s_static is None:
            return None
        return p_static + s_static
    if p is None or s is None:
        raise ValueError(f"Provided a prefix or suffix of None: {prefix} and {suffix}")
    return array_ops.concat([p, s], 0)


def _as_list(value):
    import numpy as np

    return list(np.atleast_1d(np.asarray(value)))


def _zero_state_tensors(state_size, batch_size, dtype):
    def zeros_for(s):
        if isinstance(batch_size, Tensor):
            return array_ops.zeros(_concat(batch_size, s), dtype=dtype)
        return array_ops.zeros(_concat(batch_size, s, static=True), dtype=dtype)

    return nest.map_structure(zeros_for, state_size)


_LSTMStateTuple = collections.namedtuple("LSTMStateTuple", ("c", "h"))


class LSTMStateTuple(_LSTMStateTuple):
    """The state of an LSTM: the pair ``(c, h)`` of cell state and output, in that order.

    LSTM cells with ``state_is_tuple=True`` use it for ``state_size``, ``zero_state`` and
    the state they return.
    """

    __slots__ = ()

    @property
    def dtype(self):
        """The dtype shared by ``c`` and ``h``.

        Raises:
          TypeError: if ``c`` and ``h`` have different dtypes.
        """
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


def assert_like_rnncell(cell_name, cell) -> None:
    """Checks that ``cell`` behaves like an RNNCell.

    A cell qualifies when it has ``output_size`` and ``state_size`` properties, a
    ``zero_state`` or ``get_initial_state`` method, and is callable; it need not derive from
    ``RNNCell`` (as in TF1, duck typing is enough).

    Args:
      cell_name: A string, the name of the argument being checked; used in the error message.
      cell: The object to check.

    Raises:
      TypeError: if ``cell`` lacks any of the attributes above; the message lists each one
        that is missing.
    """
    conditions = [
        hasattr(cell, "output_size"),
        hasattr(cell, "state_size"),
        hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
        callable(cell),
    ]
    errors = [
        "'output_size' property is missing",
        "'state_size' property is missing",
        "either 'zero_state' or 'get_initial_state' method is required",
        "is not callable",
    ]
    if not all(conditions):
        errors = [e for e, ok in zip(errors, conditions, strict=True) if not ok]
        raise TypeError(
            f"The argument {cell_name!r} ({cell}) is not an RNNCell: {', '.join(errors)}."
        )


class RNNCell:
    """The base of RNN cells: one time step, ``(output, new_state) = cell(inputs, state)``.

    Every cell computes ``output, new_state = cell(inputs, state)``. ``inputs`` is a
    ``[batch_size, input_size]`` tensor (or a nested structure of them) and ``state`` a
    ``[batch_size, s]`` tensor, or a nested tuple of them, for each ``s`` in
    ``self.state_size``; ``output`` is ``[batch_size, self.output_size]``.

    A cell behaves like TF1's legacy ``tf.layers.Layer``: the first call captures the
    caller's variable scope and creates the variables there (through ``build`` and
    ``add_weight``); every later call re-enters that scope with ``reuse=True``, so one cell
    object shares its weights across time steps. A second cell of the same class in the same
    scope gets a numbered name (``basic_lstm_cell_1``), which keeps checkpoint names
    identical to TF1's.

    Subclasses define ``state_size``, ``output_size``, ``build(input_shape)`` and
    ``call(inputs, state)``.
    """

    _input_ndim = None  # the rank __call__ requires of `inputs` (TF1's InputSpec(ndim=2))

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None, _scope=None, **kwargs):
        """Creates the cell; variables are made later, at the first call.

        Args:
          trainable: Boolean, whether the cell's variables are added to the
            ``TRAINABLE_VARIABLES`` collection.
          name: String, the cell's name (its variable scope). Defaults to the class name in
            snake case, numbered when the graph already has a cell of that name.
          dtype: The default dtype of the cell's variables; when ``None``, the dtype of the
            first input.
          _reuse: Boolean or None, TF1's ``reuse`` argument of the subclasses: whether to reuse
            variables that already exist in the scope.
          _scope: A ``VariableScope`` to create the variables in instead of the caller's.
          **kwargs: Only ``input_shape`` and ``batch_input_shape`` are accepted (and ignored), as
            TF1's Layer accepts them.

        Raises:
          TypeError: for any other keyword argument.
        """
        for key in kwargs:
            if key not in ("input_shape", "batch_input_shape"):
                raise TypeError(f"Keyword argument not understood: {key}")
        self.trainable = trainable
        self._reuse = _reuse
        self._base_name = name or _to_snake_case(type(self).__name__)
        self._name = name or _unique_layer_name(self._base_name)
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype).base_dtype
        self._scope = _scope
        self._current_scope = None
        self._rnncell_scope = None
        self.built = False
        self._trainable_weights: list = []
        self._non_trainable_weights: list = []

    # --- properties of TF1's Layer --------------------------------------------------------------
    @property
    def name(self) -> str:
        """The cell's name, unique in its graph (``lstm_cell``, ``lstm_cell_1``...)."""
        return self._name

    @property
    def dtype(self):
        """The dtype of the cell's variables, or ``None`` until the first call sets it."""
        return self._dtype

    @property
    def scope_name(self) -> str:
        """The name of the variable scope the cell's variables live in.

        Raises:
          ValueError: if the cell has not been called yet (the scope is made at the first call).
        """
        if self._scope is None:
            raise ValueError(
                "No name available for layer scope because the layer "
                + self._name
                + " has not been used yet."
            )
        return self._scope.name

    @property
    def trainable_weights(self) -> list:
        """The cell's trainable variables (empty when ``trainable=False``)."""
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        """The cell's non-trainable variables (all of them when ``trainable=False``)."""
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self) -> list:
        """All the cell's variables: ``trainable_weights + non_trainable_weights``."""
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def state_size(self):
        """The size of the cell's state.

        An integer, a ``TensorShape``, or a (possibly nested) tuple of them, one per state tensor
        (``LSTMStateTuple(c=num_units, h=num_units)`` for an LSTM with ``state_is_tuple=True``).
        """
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        """The size of the cell's output: an integer or a ``TensorShape``."""
        raise NotImplementedError("Abstract method")

    def build(self, input_shape) -> None:
        """Creates the cell's variables; called once, at the first call, inside the cell's scope.

        Args:
          input_shape: The ``TensorShape`` of the first input; the last dimension (the input
            depth) sizes the kernel.

        Raises:
          ValueError: if the input depth (``input_shape[-1]``) is unknown, or the cell's dtype is
            not floating point.
        """
        self.built = True

    def call(self, inputs, state):
        """Runs one step of the cell; ``__call__`` calls it inside the cell's scopes.

        Args:
          inputs: A ``[batch_size, input_size]`` tensor.
          state: The previous state: a ``[batch_size, state_size]`` tensor, or a tuple of them
            matching ``self.state_size``.

        Returns:
          A pair ``(output, new_state)``: the ``[batch_size, output_size]`` output and the new
          state, with the structure of ``state``.
        """
        raise NotImplementedError("Abstract method")

    # --- calling ----------------------------------------------------------------------------------
    def __call__(self, inputs, state, scope=None):
        """Runs one step of the cell: returns ``(output, new_state)``.

        The first call creates the cell's variables in the variable scope that is current at
        that moment (or in ``scope``); later calls reuse them.

        Args:
          inputs: A ``[batch_size, input_size]`` tensor (or a nested structure of them).
          state: The previous state: a ``[batch_size, state_size]`` tensor for an integer
            ``state_size``, else tensors nested as ``state_size`` is.
          scope: Optional variable scope (or its name) to create the variables in, instead of the
            caller's current scope.

        Returns:
          A pair ``(output, new_state)``: ``output`` is ``[batch_size, self.output_size]`` and
          ``new_state`` has the structure and shapes of ``state``.

        Raises:
          ValueError: if ``inputs`` does not have the rank the cell requires (2 for the standard
            cells), or its last dimension is unknown at the first call.
        """
        # TF1's RNNCell: run inside the caller's variable scope (captured at the first call),
        # with a getter that records the variables this cell uses.
        if scope is not None:
            with variable_scope(scope, custom_getter=self._rnn_get_variable) as entered:
                return self._layer_call(inputs, state, scope=entered)
        if self._rnncell_scope is None:
            self._rnncell_scope = get_variable_scope()
        with variable_scope(self._rnncell_scope, custom_getter=self._rnn_get_variable):
            return self._layer_call(inputs, state)

    def _rnn_get_variable(self, getter, *args, **kwargs):
        variable = getter(*args, **kwargs)
        trainable = any(variable is v for v in trainable_variables())
        target = self._trainable_weights if trainable else self._non_trainable_weights
        if all(variable is not v for v in target):
            target.append(variable)
        return variable

    def _set_scope(self, scope=None) -> None:
        if self._scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as s:
                    self._scope = s
            else:
                with variable_scope(scope, default_name=self._base_name) as s:
                    self._scope = s

    def _layer_call(self, inputs, state, scope=None):
        """TF1's legacy Layer.__call__: the captured variable scope and its name scope."""
        self._set_scope(scope)
        inputs = nest.map_structure(convert_to_tensor, inputs)
        self._check_input_rank(inputs)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as s:
            self._current_scope = s
            with name_scope(self._scope.original_name_scope):
                if not self.built:
                    if self._dtype is None:
                        first = nest.flatten(inputs)[0]
                        self._dtype = first.dtype.base_dtype
                    self.build(nest.flatten(inputs)[0].shape)
                    self.built = True
                return self.call(inputs, state)

    def _check_input_rank(self, inputs) -> None:
        if self._input_ndim is None:
            return
        x = nest.flatten(inputs)[0]
        ndim = x.shape.ndims
        if ndim is not None and ndim != self._input_ndim:
            raise ValueError(
                f"Input 0 of layer {self._name} is incompatible with the layer: expected "
                f"ndim={self._input_ndim}, found ndim={ndim}. Full shape received: "
                f"{x.shape.as_list()}"
            )

    def add_weight(
        self,
        name,
        shape,
        dtype=None,
        initializer=None,
        trainable=True,
        partitioner=None,
        regularizer=None,
    ):
        """Creates (or, on later calls, reuses) a variable in the cell's variable scope.

        The variable is made with ``tf.get_variable`` and recorded in ``trainable_weights`` or
        ``non_trainable_weights``.

        Args:
          name: The variable's name inside the cell's scope (``kernel``, ``gates/bias``...).
          shape: The variable's shape.
          dtype: Its dtype; defaults to the cell's dtype, then float32.
          initializer: An initializer; defaults to the scope's initializer (and then to
            ``get_variable``'s default, Glorot uniform).
          trainable: Whether the variable is trainable (also requires the cell to be).
          partitioner: Optional partitioner passed to ``get_variable``.
          regularizer: Optional regularizer passed to ``get_variable``.

        Returns:
          The variable.
        """
        dtype = dtypes.as_dtype(dtype or self._dtype or dtypes.float32)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with name_scope(self._scope.original_name_scope):
                if initializer is None:
                    initializer = scope.initializer
                variable = get_variable(
                    name,
                    shape=shape,
                    dtype=dtype,
                    initializer=initializer,
                    regularizer=regularizer,
                    trainable=trainable and self.trainable,
                    partitioner=partitioner,
                )
        is_trainable = any(variable is v for v in trainable_variables())
        target = self._trainable_weights if is_trainable else self._non_trainable_weights
        if all(variable is not v for v in target):
            target.append(variable)
        return variable

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """The initial state of the cell: zeros, as ``zero_state`` makes them.

        Give either ``inputs`` (whose first dimension and dtype are used) or both ``batch_size``
        and ``dtype``.

        Args:
          inputs: Optional tensor whose first dimension is the batch size and whose dtype is the
            state's.
          batch_size: An integer or scalar tensor, the batch size.
          dtype: The dtype of the state.

        Returns:
          The zero state, with the structure of ``self.state_size``.

        Raises:
          ValueError: if ``batch_size`` or ``dtype`` disagree with ``inputs``, or if neither
            ``inputs`` nor both of them are given.
        """
        if inputs is not None:
            inputs = convert_to_tensor(inputs, name="inputs")
            if batch_size is not None:
                static = (
                    batch_size if not isinstance(batch_size, Tensor) else _static_value(batch_size)
                )
                if inputs.shape.dims[0].value != static:
                    raise ValueError(
                        "batch size from input tensor is different from the input param. Input "
                        f"tensor batch: {inputs.shape.dims[0].value}, batch_size: {batch_size}"
                    )
            if dtype is not None and inputs.dtype != dtype:
                raise ValueError(
                    "dtype from input tensor is different from the input param. Input tensor "
                    f"dtype: {inputs.dtype}, dtype: {dtype}"
                )
            batch_size = inputs.shape.dims[0].value or array_ops.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(
                "batch_size and dtype cannot be None while constructing initial state: "
                f"batch_size={batch_size}, dtype={dtype}"
            )
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Returns the all-zero state for a batch.

        Args:
          batch_size: An int or a scalar int32 tensor, the batch size.
          dtype: The dtype of the state.

        Returns:
          For each leaf ``s`` of ``state_size``, zeros of shape ``[batch_size, s]``, nested as
          ``state_size`` is (a single tensor for an integer ``state_size``); made under the
          name scope ``<ClassName>ZeroState``.
        """
        with name_scope(type(self).__name__ + "ZeroState"):
            return _zero_state_tensors(self.state_size, batch_size, dtype)


class LayerRNNCell(RNNCell):
    """An RNN cell whose variables are made in ``build`` under the cell's own scope.

    Unlike ``RNNCell``, calling it does not capture the caller's variable scope first: the
    cell's scope is opened (or re-entered) directly, as TF1's ``LayerRNNCell`` does. The
    standard cells (``BasicRNNCell``, ``GRUCell``, ``BasicLSTMCell``, ``LSTMCell``) derive
    from it.
    """

    def __call__(self, inputs, state, scope=None):
        return self._layer_call(inputs, state, scope=scope)


def _input_depth(cell, input_shape) -> int:
    return _core.rnn_cell_input_depth(array_ops._core_shape(TensorShape(input_shape)))


def _core_tensor(value):
    """`value` (a tensor or a variable) as the C++ Output the step functions take."""
    return convert_to_tensor(value)._output


def _core_activation(graph, activation):
    """The activation for the C++ step: None for tanh (its default), else a callback."""
    if activation is math_ops.tanh:
        return None
    return core_callback(lambda out: convert_to_tensor(activation(graph._tensor_for(out)))._output)


def _lstm_state(graph, step, state_is_tuple):
    """(output, new_state) from a C++ LSTM step's (output, c, h, concatenated)."""
    output, c, h, concatenated = step
    if state_is_tuple:
        new_state = LSTMStateTuple(graph._tensor_for(c), graph._tensor_for(h))
    else:
        new_state = graph._tensor_for(concatenated)
    return graph._tensor_for(output), new_state


def _activation_or_tanh(activation):
    if activation is None:
        return math_ops.tanh
    if isinstance(activation, str):
        return getattr(math_ops, activation, None) or getattr(nn, activation)
    return activation


class BasicRNNCell(LayerRNNCell):
    """The plain RNN cell: ``output = new_state = activation(W * [inputs, state] + b)``.

    Its variables are ``basic_rnn_cell/kernel`` (``[input_size + num_units, num_units]``) and
    ``basic_rnn_cell/bias`` (zeros).
    """

    _input_ndim = 2

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        """Creates the cell (its variables are made at the first call).

        Args:
          num_units: int, the size of the state and of the output.
          activation: The nonlinearity: a callable, or the name of a ``tf.math``/``tf.nn``
            function. Default: ``tanh``.
          reuse: (optional) Boolean: whether to reuse the variables already in the cell's scope
            (the scope is then the cell's base name, never a numbered one). Otherwise, making a
            variable that already exists raises ``ValueError``.
          name: String, the cell's name and variable scope. A second cell of the same name in one
            scope gets a numbered scope (``name_1``) unless ``reuse=True`` shares the first's.
          dtype: The dtype of the cell's variables; ``None`` takes the dtype of the first
            input. Required when ``build`` is called before ``call``.
          **kwargs: Common layer attributes: ``input_shape`` and ``batch_input_shape`` are
            accepted and ignored.

        Raises:
          ValueError: if ``dtype`` is not a floating-point type.
          TypeError: for an unknown keyword argument.
        """
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self._num_units = num_units
        self._activation = _activation_or_tanh(activation)

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, input_shape) -> None:
        depth = _input_depth(self, input_shape)
        _check_supported_dtypes(self.dtype)
        self._kernel = self.add_weight(
            _WEIGHTS_VARIABLE_NAME, shape=[depth + self._num_units, self._num_units]
        )
        self._bias = self.add_weight(
            _BIAS_VARIABLE_NAME, shape=[self._num_units], initializer=_zeros(self.dtype)
        )
        self.built = True

    def call(self, inputs, state):
        inputs = convert_to_tensor(inputs)
        graph = inputs.graph
        output = _core.basic_rnn_cell_step(
            graph._core,
            inputs._output,
            _core_tensor(state),
            _core_tensor(self._kernel),
            _core_tensor(self._bias),
            _core_activation(graph, self._activation),
        )
        output = graph._tensor_for(output)
        return output, output


def _zeros(dtype):
    from varflow.init_ops import zeros_initializer

    return zeros_initializer(dtype=dtype)


def _constant_init(value, dtype):
    from varflow.init_ops import constant_initializer

    return constant_initializer(value, dtype=dtype)


class GRUCell(LayerRNNCell):
    """The gated recurrent unit of Cho et al. (2014).

    The reset and update gates come from one kernel, ``gru_cell/gates/kernel``, and the
    candidate from ``gru_cell/candidate/kernel``; the new state is
    ``u * state + (1 - u) * candidate``. The gates' bias starts at 1.0, the candidate's at
    0.0, as in TF1. (TF1 suggests ``tf.contrib.cudnn_rnn.CudnnGRU`` on GPUs; varflow runs on
    the CPU and has no cuDNN cells.)
    """

    _input_ndim = 2

    def __init__(
        self,
        num_units,
        activation=None,
        reuse=None,
        kernel_initializer=None,
        bias_initializer=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        """Creates the cell (its variables are made at the first call).

        Args:
          num_units: int, the size of the state and of the output.
          activation: The candidate's nonlinearity. Default: ``tanh``.
          reuse: (optional) Boolean: whether to reuse the variables already in the cell's scope
            (the scope is then the cell's base name, never a numbered one). Otherwise, making a
            variable that already exists raises ``ValueError``.
          kernel_initializer: (optional) Initializer of the two kernels; by default the
            variable scope's (then Glorot uniform).
          bias_initializer: (optional) Initializer of the two biases; by default 1.0 for the
            gates and 0.0 for the candidate.
          name: String, the cell's name and variable scope. A second cell of the same name in one
            scope gets a numbered scope (``name_1``) unless ``reuse=True`` shares the first's.
          dtype: The dtype of the cell's variables; ``None`` takes the dtype of the first
            input.
          **kwargs: Common layer attributes: ``input_shape`` and ``batch_input_shape`` are
            accepted and ignored.

        Raises:
          ValueError: if ``dtype`` is not a floating-point type.
          TypeError: for an unknown keyword argument.
        """
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self._num_units = num_units
        self._activation = _activation_or_tanh(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, input_shape) -> None:
        depth = _input_depth(self, input_shape)
        _check_supported_dtypes(self.dtype)
        n = self._num_units
        self._gate_kernel = self.add_weight(
            f"gates/{_WEIGHTS_VARIABLE_NAME}",
            shape=[depth + n, 2 * n],
            initializer=self._kernel_initializer,
        )
        self._gate_bias = self.add_weight(
            f"gates/{_BIAS_VARIABLE_NAME}",
            shape=[2 * n],
            initializer=self._bias_initializer or _constant_init(1.0, self.dtype),
        )
        self._candidate_kernel = self.add_weight(
            f"candidate/{_WEIGHTS_VARIABLE_NAME}",
            shape=[depth + n, n],
            initializer=self._kernel_initializer,
        )
        self._candidate_bias = self.add_weight(
            f"candidate/{_BIAS_VARIABLE_NAME}",
            shape=[n],
            initializer=self._bias_initializer or _zeros(self.dtype),
        )
        self.built = True

    def call(self, inputs, state):
        inputs = convert_to_tensor(inputs)
        graph = inputs.graph
        new_h = _core.gru_cell_step(
            graph._core,
            inputs._output,
            _core_tensor(state),
            _core_tensor(self._gate_kernel),
            _core_tensor(self._gate_bias),
            _core_tensor(self._candidate_kernel),
            _core_tensor(self._candidate_bias),
            _core_activation(graph, self._activation),
        )
        new_h = graph._tensor_for(new_h)
        return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
    """The LSTM of Zaremba et al. (2014, arXiv:1409.2329): no peepholes, clipping or projection.

    The input, cell-input, forget and output gates (``i, j, f, o``) come from one kernel,
    ``basic_lstm_cell/kernel`` of shape ``[input_size + num_units, 4 * num_units]``;
    ``forget_bias`` (default 1.0) is added to the forget gate so that a fresh network
    starts by remembering. For peepholes, cell clipping or a projection, use ``LSTMCell``.

    With the default ``tanh`` activation each step is one fused ``LSTMBlockCell`` op (the
    numbers of the unfused formula, one op per step in the gradient too); with another
    activation the step is built from matmul, split, sigmoid and the activation, as in TF1.
    """

    _input_ndim = 2

    def __init__(
        self,
        num_units,
        forget_bias=1.0,
        state_is_tuple=True,
        activation=None,
        reuse=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        """Creates the cell (its variables are made at the first call).

        Args:
          num_units: int, the size of the cell state and of the output.
          forget_bias: float, added to the forget gate before its sigmoid (use 0.0 for weights
            trained with cuDNN's LSTM, which has no such bias).
          state_is_tuple: If True, the state is an ``LSTMStateTuple(c, h)``; if False, ``c``
            and ``h`` concatenated along axis 1 (TF1 deprecates that form).
          activation: The nonlinearity of the cell input and of the output. Default:
            ``tanh``, which selects the fused ``LSTMBlockCell`` step.
          reuse: (optional) Boolean: whether to reuse the variables already in the cell's scope
            (the scope is then the cell's base name, never a numbered one). Otherwise, making a
            variable that already exists raises ``ValueError``.
          name: String, the cell's name and variable scope. A second cell of the same name in one
            scope gets a numbered scope (``name_1``) unless ``reuse=True`` shares the first's.
          dtype: The dtype of the cell's variables; ``None`` takes the dtype of the first
            input.
          **kwargs: Common layer attributes: ``input_shape`` and ``batch_input_shape`` are
            accepted and ignored.

        Raises:
          ValueError: if ``dtype`` is not a floating-point type.
          TypeError: for an unknown keyword argument.
        """
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._fused = activation is None or activation is math_ops.tanh
        self._activation = _activation_or_tanh(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self):
        return self._num_units

    def build(self, input_shape) -> None:
        depth = _input_depth(self, input_shape)
        _check_supported_dtypes(self.dtype)
        n = self._num_units
        self._kernel = self.add_weight(_WEIGHTS_VARIABLE_NAME, shape=[depth + n, 4 * n])
        self._bias = self.add_weight(
            _BIAS_VARIABLE_NAME, shape=[4 * n], initializer=_zeros(self.dtype)
        )
        self.built = True

    def call(self, inputs, state):
        inputs = convert_to_tensor(inputs)
        graph = inputs.graph
        states = list(state) if self._state_is_tuple else [state]
        step = _core.basic_lstm_cell_step(
            graph._core,
            inputs._output,
            [_core_tensor(s) for s in states],
            _core_tensor(self._kernel),
            _core_tensor(self._bias),
            float(self._forget_bias),
            self._state_is_tuple,
            None if self._fused else _core_activation(graph, self._activation),
        )
        return _lstm_state(graph, step, self._state_is_tuple)


class LSTMCell(LayerRNNCell):
    """Long short-term memory cell, with TF1's peepholes, clipping and projection options.

    Without options it is the LSTM of Hochreiter & Schmidhuber (1997); the peephole
    connections and the projection of the output follow Sak, Senior & Beaufays (2014), and
    ``cell_clip`` and ``proj_clip`` bound the cell state and the projected output.

    The variables are ``lstm_cell/kernel`` (``[input_size + h, 4 * num_units]``, where ``h``
    is ``num_proj`` or ``num_units``), ``lstm_cell/bias``, the peepholes
    ``lstm_cell/w_f_diag``, ``w_i_diag``, ``w_o_diag`` and ``lstm_cell/projection/kernel``,
    named as in TF1 so that TF1 checkpoints restore.
    """

    _input_ndim = 2

    def __init__(
        self,
        num_units,
        use_peepholes=False,
        cell_clip=None,
        initializer=None,
        num_proj=None,
        proj_clip=None,
        num_unit_shards=None,
        num_proj_shards=None,
        forget_bias=1.0,
        state_is_tuple=True,
        activation=None,
        reuse=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        """Creates the cell (its variables are made at the first call).

        Args:
          num_units: int, the size of the cell state.
          use_peepholes: bool: if True, the gates also see the cell state through diagonal
            (peephole) weights.
          cell_clip: (optional) float: the cell state is clipped to ``[-cell_clip, cell_clip]``
            before the output nonlinearity.
          initializer: (optional) Initializer of the kernel, peephole and projection weights;
            by default the variable scope's (then Glorot uniform).
          num_proj: (optional) int: the output (and ``h``) is projected to this size by a
            ``projection/kernel``; None, no projection.
          proj_clip: (optional) float: with ``num_proj``, the projected output is clipped to
            ``[-proj_clip, proj_clip]``.
          num_unit_shards: Deprecated in TF1 and not supported: must be None (use a variable
            scope with a partitioner instead).
          num_proj_shards: Deprecated in TF1 and not supported: must be None.
          forget_bias: float, added to the forget gate before its sigmoid (default 1.0, so
            that a fresh network starts by remembering; use 0.0 for weights trained with
            cuDNN's LSTM).
          state_is_tuple: If True, the state is an ``LSTMStateTuple(c, m)``; if False, ``c``
            and ``m`` concatenated along axis 1.
          activation: The nonlinearity of the cell input and of the output. Default: ``tanh``.
          reuse: (optional) Boolean: whether to reuse the variables already in the cell's scope
            (the scope is then the cell's base name, never a numbered one). Otherwise, making a
            variable that already exists raises ``ValueError``.
          name: String, the cell's name and variable scope. A second cell of the same name in one
            scope gets a numbered scope (``name_1``) unless ``reuse=True`` shares the first's.
          dtype: The dtype of the cell's variables; ``None`` takes the dtype of the first
            input.
          **kwargs: Common layer attributes: ``input_shape`` and ``batch_input_shape`` are
            accepted and ignored.

        Raises:
          NotImplementedError: if ``num_unit_shards`` or ``num_proj_shards`` is given (TF1 only
            warns that they are deprecated).
          ValueError: if ``dtype`` is not a floating-point type.
          TypeError: for an unknown keyword argument.
        """
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        _check_supported_dtypes(self.dtype)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError(
                "LSTMCell: num_unit_shards and num_proj_shards (deprecated in TF1 since Jan "
                "2017) are not supported; use a variable scope with a partitioner"
            )
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation_or_tanh(activation)
        h = num_proj if num_proj else num_units
        self._state_size = LSTMStateTuple(num_units, h) if state_is_tuple else num_units + h
        self._output_size = h

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, input_shape) -> None:
        depth = _input_depth(self, input_shape)
        _check_supported_dtypes(self.dtype)
        n = self._num_units
        h_depth = n if self._num_proj is None else self._num_proj
        self._kernel = self.add_weight(
            _WEIGHTS_VARIABLE_NAME, shape=[depth + h_depth, 4 * n], initializer=self._initializer
        )
        self._bias = self.add_weight(
            _BIAS_VARIABLE_NAME, shape=[4 * n], initializer=_zeros(self.dtype)
        )
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", shape=[n], initializer=self._initializer)
            self._w_i_diag = self.add_weight("w_i_diag", shape=[n], initializer=self._initializer)
            self._w_o_diag = self.add_weight("w_o_diag", shape=[n], initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight(
                f"projection/{_WEIGHTS_VARIABLE_NAME}",
                shape=[n, self._num_proj],
                initializer=self._initializer,
            )
        self.built = True

    def call(self, inputs, state):
        """Runs one step of the LSTM.

        Args:
          inputs: A ``[batch_size, input_size]`` tensor.
          state: If ``state_is_tuple`` is False, a ``[batch_size, num_units + h]`` tensor (``h``
            is ``num_proj`` or ``num_units``); if True, an ``LSTMStateTuple(c, m)`` of
            ``[batch_size, num_units]`` and ``[batch_size, h]`` tensors.

        Returns:
          A pair ``(m, new_state)``: ``m`` is the ``[batch_size, h]`` output (projected and
          clipped when asked), ``new_state`` the new ``(c, m)`` in the form of ``state``.

        Raises:
          ValueError: if the input size cannot be inferred from ``inputs.shape[-1]``.
        """
        inputs = convert_to_tensor(inputs)
        graph = inputs.graph
        states = list(state) if self._state_is_tuple else [state]

        def optional(weight):
            return None if weight is None else _core_tensor(weight)

        peepholes = (None, None, None)
        if self._use_peepholes:
            peepholes = (self._w_f_diag, self._w_i_diag, self._w_o_diag)
        step = _core.lstm_cell_step(
            graph._core,
            inputs._output,
            [_core_tensor(s) for s in states],
            _core_tensor(self._kernel),
            _core_tensor(self._bias),
            *(optional(w) for w in peepholes),
            optional(self._proj_kernel if self._num_proj is not None else None),
            self._num_units,
            bool(self._use_peepholes),
            None if self._cell_clip is None else float(self._cell_clip),
            self._num_proj,
            None if self._proj_clip is None else float(self._proj_clip),
            float(self._forget_bias),
            self._state_is_tuple,
            _core_activation(graph, self._activation),
        )
        return _lstm_state(graph, step, self._state_is_tuple)


class MultiRNNCell(RNNCell):
    """Cells stacked in layers: each layer's output is the next layer's input.

    Layer ``i`` runs under the variable scope ``cell_i``, and its output is layer ``i + 1``'s
    input; the state is the tuple of the layers' states. Build each layer from its own cell
    object: a cell listed twice would share its variables between the layers.
    """

    def __init__(self, cells, state_is_tuple=True):
        """Stacks ``cells``, the first at the bottom.

        Args:
          cells: A list of RNNCells, one per layer, bottom first.
          state_is_tuple: If True, the state is the tuple of the layers' states; if False,
            their concatenation along axis 1 (TF1 deprecates that form).

        Raises:
          ValueError: if ``cells`` is empty, or ``state_is_tuple`` is False and a cell returns a
            tuple of states.
          TypeError: if ``cells`` is not a list or tuple.
        """
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_sequence(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        self._cells = cells
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_sequence(c.state_size) for c in cells):
            raise ValueError(
                "Some cells return tuples of states, but the flag state_is_tuple is not set.  "
                f"State sizes are: {[c.state_size for c in cells]}"
            )

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return _zero_state_tensors(self.state_size, batch_size, dtype)

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for cell in self._cells for w in getattr(cell, "trainable_weights", [])]

    @property
    def non_trainable_weights(self) -> list:
        weights = [w for cell in self._cells for w in getattr(cell, "non_trainable_weights", [])]
        if not self.trainable:
            trainable = [w for cell in self._cells for w in getattr(cell, "trainable_weights", [])]
            return trainable + weights
        return weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self) -> list:
        return self.trainable_weights + self.non_trainable_weights

    variables = weights

    def call(self, inputs, state):
        cur_state_pos = 0
        cur_inp = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not nest.is_sequence(state):
                        raise ValueError(
                            f"Expected state to be a tuple of length {len(self.state_size)}, "
                            f"but received: {state}"
                        )
                    cur_state = state[i]
                else:
                    cur_state = array_ops.slice(state, [0, cur_state_pos], [-1, cell.state_size])
                    cur_state_pos += cell.state_size
                cur_inp, new_state = cell(cur_inp, cur_state)
                new_states.append(new_state)
        new_states = tuple(new_states) if self._state_is_tuple else array_ops.concat(new_states, 1)
        return cur_inp, new_states


__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "LayerRNNCell",
    "MultiRNNCell",
    "RNNCell",
]
