"""TF1's other names for ops varflow has (``tf.arg_max``, ``tf.to_float``, ...), TF1's small
composites of them, and what ``tf.<name>`` says for a TF1 name varflow does not implement."""

from __future__ import annotations

from varflow import array_ops, dtypes, math_ops
from varflow.graph import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope


def arg_max(input, dimension, output_type=dtypes.int64, name=None) -> Tensor:
    """TF1's deprecated ``tf.arg_max`` (op ArgMax)."""
    return math_ops.argmax(input, axis=dimension, output_type=output_type, name=name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None) -> Tensor:
    """TF1's deprecated ``tf.arg_min`` (op ArgMin)."""
    return math_ops.argmin(input, axis=dimension, output_type=output_type, name=name)


def to_float(x, name="ToFloat") -> Tensor:
    return array_ops.cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble") -> Tensor:
    return array_ops.cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32") -> Tensor:
    return array_ops.cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64") -> Tensor:
    return array_ops.cast(x, dtypes.int64, name=name)


def floor_div(x, y, name=None) -> Tensor:
    """TF1's ``tf.floor_div`` (op FloorDiv), the same as ``tf.floordiv``."""
    return math_ops.floordiv(x, y, name=name)


def scalar_mul(scalar, x, name=None) -> Tensor:
    """``scalar * x`` for a scalar ``scalar``; TF1 raises ValueError for any other shape."""
    scalar = convert_to_tensor(scalar, dtype=convert_to_tensor(x).dtype.base_dtype)
    if scalar.shape.ndims is not None and scalar.shape.ndims != 0:
        raise ValueError(f"Only scalar multiply works, got shape {scalar.shape}")
    with name_scope(name, "scalar_mul") as scope:
        return math_ops.multiply(scalar, x, name=scope)


def log_sigmoid(x, name=None) -> Tensor:
    """``log(1 / (1 + exp(-x)))`` computed as ``-softplus(-x)``, as TF1."""
    from varflow import nn

    with name_scope(name, "LogSigmoid") as scope:
        x = convert_to_tensor(x, name="x")
        return math_ops.negative(nn.softplus(math_ops.negative(x)), name=scope)


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """Swaps the last two dimensions (real dtypes, so ``conjugate`` changes nothing)."""
    with name_scope(name) as scope:
        a = convert_to_tensor(a, name="a")
        ndims = a.shape.ndims
        if ndims is None:
            raise ValueError(f"matrix_transpose needs a known rank; '{a.name}' has none")
        if ndims < 2:
            raise ValueError(
                f"Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: {a.shape}"
            )
        perm = [*range(ndims - 2), ndims - 1, ndims - 2]
        return array_ops.transpose(a, perm=perm, name=scope)


def count_nonzero(
    input_tensor=None,
    axis=None,
    keepdims=None,
    dtype=dtypes.int64,
    name=None,
    reduction_indices=None,
    keep_dims=None,
    input=None,
) -> Tensor:
    """The number of nonzero elements along ``axis`` (all axes by default), in ``dtype``."""
    if input is not None:
        if input_tensor is not None:
            raise ValueError("Cannot specify both 'input' and 'input_tensor'")
        input_tensor = input
    with name_scope(name, "count_nonzero"):
        x = convert_to_tensor(input_tensor, name="input")
        nonzero = math_ops.not_equal(x, array_ops.zeros([], dtype=x.dtype))
        counts = math_ops.reduce_sum(
            array_ops.cast(nonzero, dtypes.int64),
            axis=axis,
            keepdims=keepdims,
            reduction_indices=reduction_indices,
            keep_dims=keep_dims,
        )
        return array_ops.cast(counts, dtype)


def reduce_logsumexp(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
) -> Tensor:
    """``log(sum(exp(x)))`` along ``axis``, shifted by the (gradient-stopped) maximum so that it
    neither overflows nor underflows, as TF1."""
    if keepdims is None:
        keepdims = bool(keep_dims)
    if axis is None:
        axis = reduction_indices
    with name_scope(name, "ReduceLogSumExp") as scope:
        x = convert_to_tensor(input_tensor)
        raw_max = math_ops.reduce_max(x, axis=axis, keepdims=True)
        # An infinite maximum would give inf - inf = nan; TF1 shifts by zero there instead.
        finite = math_ops.logical_and(
            math_ops.less(math_ops.abs(raw_max), float("inf")),
            math_ops.equal(raw_max, raw_max),
        )
        my_max = array_ops.stop_gradient(
            math_ops.where(finite, raw_max, array_ops.zeros_like(raw_max))
        )
        result = math_ops.log(
            math_ops.reduce_sum(
                math_ops.exp(math_ops.subtract(x, my_max)), axis=axis, keepdims=keepdims
            )
        )
        if not keepdims:
            my_max = array_ops.reshape(my_max, array_ops.shape(result))
        return math_ops.add(result, my_max, name=scope)


def is_tensor(x) -> bool:
    """Whether ``x`` is a varflow tensor or variable (TF1's ``tf.is_tensor``)."""
    from varflow.variables import Variable

    return isinstance(x, (Tensor, Variable))


def get_local_variable(
    name,
    shape=None,
    dtype=None,
    initializer=None,
    regularizer=None,
    trainable=False,
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
    """``get_variable`` for a variable in LOCAL_VARIABLES (and ``collections``), not trainable
    by default, as TF1's ``tf.get_local_variable``."""
    from varflow.variable_scope import get_variable

    collections = [GraphKeys.LOCAL_VARIABLES, *list(collections or [])]
    return get_variable(
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


def tables_initializer(name="init_all_tables"):
    """An op running every initializer in TABLE_INITIALIZERS (a no-op when there is none)."""
    from varflow import control_flow_ops

    initializers = get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return control_flow_ops.group(*initializers, name=name)
    return control_flow_ops.no_op(name=name)


initialize_all_tables = tables_initializer

# What to use instead, for TF1 names whose absence users meet most often.
_HINTS = {
    "Assert": "varflow has no runtime assertion ops; check fetched values in NumPy",
    "Print": "fetch the tensor with Session.run and print it",
    "print": "fetch the tensor with Session.run and print it",
    "py_func": "varflow runs graphs in C++ without calling back into Python",
    "py_function": "varflow runs graphs in C++ without calling back into Python",
    "numpy_function": "varflow runs graphs in C++ without calling back into Python",
    "estimator": "write the training loop with tf.train optimizers and a tf.Session",
    "keras": "use tf.layers (dense, conv2d, ...) and tf.train optimizers",
    "SparseTensor": "use dense tensors",
    "sparse_placeholder": "use a dense tf.placeholder",
    "to_bfloat16": "cast with tf.cast to a dtype varflow has",
    "to_complex64": "cast with tf.cast to a dtype varflow has",
    "to_complex128": "cast with tf.cast to a dtype varflow has",
    "div_no_nan": "use tf.where(tf.equal(y, 0), tf.zeros_like(x), x / y)",
    "lin_space": "use tf.range(n) * ((stop - start) / (n - 1)) + start",
    "linspace": "use tf.range(n) * ((stop - start) / (n - 1)) + start",
    "GradientTape": "use tf.gradients in a graph",
}


def unimplemented_message(name: str, module: str = "") -> str | None:
    """The AttributeError message for a name of TF 1.15's ``tf`` (or ``tf.<module>``) that
    varflow lacks, or None if TF 1.15 has no such name there. A module's ``__getattr__``:

        def __getattr__(name):
            raise AttributeError(unimplemented_message(name, "train")
                                 or f"module 'varflow.train' has no attribute '{name}'")
    """
    from varflow._tf1_api_names import TF1_NAMES

    if name not in TF1_NAMES.get(module, ()):
        return None
    qualified = f"tf.{module}.{name}" if module else f"tf.{name}"
    message = f"varflow does not implement {qualified} (a TensorFlow 1.15 name)"
    hint = _HINTS.get(qualified if module else name)
    return f"{message}; {hint}" if hint else message
