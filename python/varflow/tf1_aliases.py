"""TF1's other names for ops varflow has (``tf.arg_max``, ``tf.to_float``, ...), TF1's small
composites of them, and what ``tf.<name>`` says for a TF1 name varflow does not implement."""

from __future__ import annotations

from varflow import _core, array_ops, dtypes, math_ops
from varflow.clip_ops import core_arg
from varflow.graph import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope


def arg_max(input, dimension, output_type=dtypes.int64, name=None) -> Tensor:
    """Returns the index with the largest value across dimensions of a tensor (deprecated).

    Args:
      input: A `Tensor`.
      dimension: The dimension to reduce across.
      output_type: An optional `tf.DType` from: `tf.int32, tf.int64`. Defaults to
        `tf.int64`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `output_type` (op `ArgMax`).
    """
    return math_ops.argmax(input, axis=dimension, output_type=output_type, name=name)


def arg_min(input, dimension, output_type=dtypes.int64, name=None) -> Tensor:
    """Returns the index with the smallest value across dimensions of a tensor (deprecated).

    Args:
      input: A `Tensor`.
      dimension: The dimension to reduce across.
      output_type: An optional `tf.DType` from: `tf.int32, tf.int64`. Defaults to
        `tf.int64`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `output_type` (op `ArgMin`).
    """
    return math_ops.argmin(input, axis=dimension, output_type=output_type, name=name)


def to_float(x, name="ToFloat") -> Tensor:
    """Casts a tensor to type `float32` (deprecated in TF1: use `tf.cast`).

    Args:
      x: A `Tensor` or `SparseTensor` or `IndexedSlices`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with same shape as `x` with type `float32`.

    Raises:
      TypeError: If `x` cannot be cast to the `float32`.
    """
    return array_ops.cast(x, dtypes.float32, name=name)


def to_double(x, name="ToDouble") -> Tensor:
    """Casts a tensor to type `float64` (deprecated in TF1: use `tf.cast`).

    Args:
      x: A `Tensor` or `SparseTensor` or `IndexedSlices`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with same shape as `x` with type `float64`.

    Raises:
      TypeError: If `x` cannot be cast to the `float64`.
    """
    return array_ops.cast(x, dtypes.float64, name=name)


def to_int32(x, name="ToInt32") -> Tensor:
    """Casts a tensor to type `int32` (deprecated in TF1: use `tf.cast`).

    Args:
      x: A `Tensor` or `SparseTensor` or `IndexedSlices`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with same shape as `x` with type `int32`.

    Raises:
      TypeError: If `x` cannot be cast to the `int32`.
    """
    return array_ops.cast(x, dtypes.int32, name=name)


def to_int64(x, name="ToInt64") -> Tensor:
    """Casts a tensor to type `int64` (deprecated in TF1: use `tf.cast`).

    Args:
      x: A `Tensor` or `SparseTensor` or `IndexedSlices`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with same shape as `x` with type `int64`.

    Raises:
      TypeError: If `x` cannot be cast to the `int64`.
    """
    return array_ops.cast(x, dtypes.int64, name=name)


def floor_div(x, y, name=None) -> Tensor:
    """Returns x // y element-wise (op `FloorDiv`), the same as `tf.floordiv`.

    Args:
      x: A `Tensor`.
      y: A `Tensor`. Must have the same type as `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.
    """
    return math_ops.floordiv(x, y, name=name)


def scalar_mul(scalar, x, name=None) -> Tensor:
    """Multiplies a scalar times a `Tensor` or `IndexedSlices` object.

    Intended for use in gradient code which might deal with `IndexedSlices` objects, which
    are easy to multiply by a scalar but more expensive to multiply with arbitrary tensors.

    Args:
      scalar: A 0-D scalar `Tensor`. Must have known shape.
      x: A `Tensor` or `IndexedSlices` to be scaled.
      name: A name for the operation (optional).

    Returns:
      `scalar * x` of the same type (`Tensor` or `IndexedSlices`) as `x`.

    Raises:
      ValueError: if scalar is not a 0-D `scalar`.
    """
    scalar = convert_to_tensor(scalar, dtype=convert_to_tensor(x).dtype.base_dtype)
    if scalar.shape.ndims is not None and scalar.shape.ndims != 0:
        raise ValueError(f"Only scalar multiply works, got shape {scalar.shape}")
    with name_scope(name, "scalar_mul") as scope:
        return math_ops.multiply(scalar, x, name=scope)


def _reduction_axis(axis, reduction_indices):
    """TF1's reduction `axis` (or its deprecated name) for C++: None, or converted as TF1
    converts it (an int or a list becomes an int32 constant) when C++ asks for it."""
    if axis is not None and reduction_indices is not None:
        raise ValueError("Cannot specify both 'axis' and 'reduction_indices'")
    axis = axis if axis is not None else reduction_indices
    return None if axis is None else core_arg(axis)


def _keep_dims(keepdims, keep_dims) -> bool:
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'")
    return bool(keepdims if keepdims is not None else keep_dims)


def log_sigmoid(x, name=None) -> Tensor:
    """Computes log sigmoid of `x` element-wise.

    Specifically, `y = log(1 / (1 + exp(-x)))`. For numerical stability, we use `y =
    -tf.nn.softplus(-x)`.

    Args:
      x: A Tensor with type `float32` or `float64`.
      name: A name for the operation (optional).

    Returns:
      A Tensor with the same type as `x`.
    """
    graph = get_default_graph()
    return graph._tensor_for(_core.log_sigmoid(graph._core, core_arg(x), name or ""))


def matrix_transpose(a, name="matrix_transpose", conjugate=False) -> Tensor:
    """Transposes last two dimensions of tensor `a`.

    Args:
      a: A `Tensor` with `rank >= 2`.
      name: A name for the operation (optional).
      conjugate: Optional bool. Setting it to `True` is mathematically equivalent to
        tf.math.conj(tf.linalg.matrix_transpose(input)); varflow's dtypes are real, so it
        changes nothing.

    Returns:
      A transposed batch matrix `Tensor`.

    Raises:
      ValueError: If `a` is determined statically to have `rank < 2`.
    """
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
    """Computes number of nonzero elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` has no entries, all
    dimensions are reduced, and a tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should be of numeric type, or `bool`.
      axis: The dimensions to reduce. If `None` (the default), reduces all dimensions. Must
        be in the range `[-rank(input_tensor), rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      dtype: The output dtype; defaults to `tf.int64`.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.
      input: Overrides input_tensor. For compatibility.

    Returns:
      The reduced tensor (number of nonzero values).
    """
    if input is not None:
        if input_tensor is not None:
            raise ValueError("Cannot specify both 'input' and 'input_tensor'")
        input_tensor = input
    axis = _reduction_axis(axis, reduction_indices)
    keep = _keep_dims(keepdims, keep_dims)
    dtype = dtypes.as_dtype(dtype)
    graph = get_default_graph()
    out = _core.count_nonzero(
        graph._core, core_arg(input_tensor), axis, keep, dtype._core, name or ""
    )
    return graph._tensor_for(out)


def reduce_logsumexp(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
) -> Tensor:
    """Computes log(sum(exp(elements across dimensions of a tensor))).

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. This function is more
    numerically stable than log(sum(exp(input))): it avoids overflows caused by taking the
    exp of large inputs and underflows caused by taking the log of small inputs, by shifting
    by the (gradient-stopped) maximum.

    Args:
      input_tensor: The tensor to reduce. Should have numeric type.
      axis: The dimensions to reduce. If `None` (the default), reduces all dimensions. Must
        be in the range `[-rank(input_tensor), rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.

    Returns:
      The reduced tensor.
    """
    axis = _reduction_axis(axis, reduction_indices)
    keep = _keep_dims(keepdims, keep_dims)
    graph = get_default_graph()
    out = _core.reduce_logsumexp(graph._core, core_arg(input_tensor), axis, keep, name or "")
    return graph._tensor_for(out)


def is_tensor(x) -> bool:
    """Checks whether `x` is a tensor or "tensor-like".

    In varflow, a `Tensor`, an eager tensor or a `Variable`.

    Args:
      x: A python object to check.

    Returns:
      `True` if `x` is a tensor or "tensor-like", `False` if not.
    """
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
    """Gets an existing *local* variable or creates a new one.

    Behavior is the same as in `get_variable`, except that variables are added to the
    `LOCAL_VARIABLES` collection (and `collections`) and `trainable` is set to `False` by
    default.

    Args:
      name: The name of the new or existing variable.
      shape: Shape of the new or existing variable.
      dtype: Type of the new or existing variable (defaults to `DT_FLOAT`).
      initializer: Initializer for the variable if one is created.
      regularizer: A (Tensor -> Tensor or None) function; the result of applying it on a
        newly created variable will be added to the collection
        `tf.GraphKeys.REGULARIZATION_LOSSES` and can be used for regularization.
      trainable: If `True` also add the variable to `GraphKeys.TRAINABLE_VARIABLES`.
      collections: List of graph collections keys to add the Variable to, besides
        `LOCAL_VARIABLES`.
      caching_device: Accepted for TF1 compatibility.
      partitioner: Optional partitioner, as for `get_variable` (a `PartitionedVariable` results).
      validate_shape: If False, allows the variable to be initialized with a value of
        unknown shape.
      use_resource: Accepted for TF1 compatibility.
      custom_getter: Callable that takes as a first argument the true getter, and allows
        overwriting the internal get_variable method.
      constraint: An optional projection function to be applied to the variable after
        being updated by an `Optimizer`.
      synchronization: Accepted for TF1 compatibility.
      aggregation: Accepted for TF1 compatibility.

    Returns:
      The created or existing `Variable`.

    Raises:
      ValueError: when creating a new variable and shape is not declared, when violating
        reuse during variable creation, or when `initializer` dtype and `dtype` don't match.
    """
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
    """Returns an Op that initializes all tables of the default graph.

    It runs every initializer in `GraphKeys.TABLE_INITIALIZERS` (a `no_op` when there is
    none).

    Args:
      name: Optional name for the initialization op.

    Returns:
      An Op that initializes all tables. Note that if there are not tables the returned Op
      is a NoOp.
    """
    from varflow import control_flow_ops

    initializers = get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return control_flow_ops.group(*initializers, name=name)
    return control_flow_ops.no_op(name=name)


initialize_all_tables = tables_initializer

# What to use instead, for TF1 names whose absence users meet most often.
_HINTS = {
    "estimator": "write the training loop with tf.train optimizers and a tf.Session",
    "keras": "use tf.layers (dense, conv2d, ...) and tf.train optimizers",
    "to_bfloat16": "cast with tf.cast to a dtype varflow has",
    "to_complex64": "cast with tf.cast to a dtype varflow has",
    "to_complex128": "cast with tf.cast to a dtype varflow has",
    "div_no_nan": "use tf.where(tf.equal(y, 0), tf.zeros_like(x), x / y)",
    "GradientTape": "use tf.gradients in a graph",
}


def unimplemented_message(name: str, module: str = "") -> str | None:
    """Returns the AttributeError message for a TF 1.15 name that varflow lacks.

    For use in a module's `__getattr__`:

        def __getattr__(name):
            raise AttributeError(unimplemented_message(name, "train")
                                 or f"module 'varflow.train' has no attribute '{name}'")

    Args:
      name: The attribute name looked up.
      module: The TF1 module it was looked up in, e.g. `"train"` (`""` is `tf` itself).

    Returns:
      A message saying varflow does not implement TF1's `tf.<module>.<name>` yet, or None
      if TF 1.15 has no such name there (a misspelling).
    """
    from varflow._tf1_api_names import TF1_NAMES

    if name not in TF1_NAMES.get(module, ()):
        return None
    qualified = f"tf.{module}.{name}" if module else f"tf.{name}"
    message = f"varflow does not implement {qualified} (a TensorFlow 1.15 name)"
    hint = _HINTS.get(qualified if module else name)
    return f"{message}; {hint}" if hint else message
