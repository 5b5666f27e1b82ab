"""Math ops and the operator overloads of Tensor and Variable."""

from __future__ import annotations

import builtins

from varflow import _core, dtypes
from varflow.array_ops import cast
from varflow.graph import (
    Tensor,
    constant,
    convert_to_index_tensor,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


def _binary_inputs(x, y):
    """Converts both operands; a non-tensor operand takes the tensor operand's dtype, and when
    neither is a tensor, y takes x's (TF1's order: `tf.add(1, 2.5)` is a TypeError)."""
    y_is_tensor = isinstance(y, Tensor) or hasattr(y, "_as_graph_element")
    if isinstance(x, Tensor) or hasattr(x, "_as_graph_element") or not y_is_tensor:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype)
    else:
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype.base_dtype)
    return x, y


def add(x, y, name=None) -> Tensor:
    """Returns x + y element-wise.

    Supports broadcasting (op `Add`).

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("Add", [x, y], name=name)


def _add_v2(x, y, name=None) -> Tensor:
    x, y = _binary_inputs(x, y)
    return _op("AddV2", [x, y], name=name or "add")


def subtract(x, y, name=None) -> Tensor:
    """Returns x - y element-wise.

    Supports broadcasting (op `Sub`).

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("Sub", [x, y], name=name)


def multiply(x, y, name=None) -> Tensor:
    """Returns x * y element-wise.

    Supports broadcasting (op `Mul`).

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("Mul", [x, y], name=name)


def truediv(x, y, name=None) -> Tensor:
    """Divides x / y elementwise (using Python 3 division operator semantics).

    Integer operands are cast to float64 first (float32 for int8 and int16), as in TF1;
    floating operands are divided as they are (op `RealDiv`).

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of a floating type: `x / y` evaluated in floating point.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    with name_scope(name, "truediv") as scope:
        if x.dtype.base_dtype.is_integer:
            x = cast(x, dtypes.float64)
            y = cast(y, dtypes.float64)
        return _op("RealDiv", [x, y], name=scope)


def divide(x, y, name=None) -> Tensor:
    """Computes Python style division of `x` by `y`.

    The same as `tf.truediv`.

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the value of `x / y`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    if name is not None:
        return truediv(x, y, name=name)
    return truediv(x, y)


def realdiv(x, y, name=None) -> Tensor:
    """Returns x / y element-wise for real types.

    Integer division by zero is an error (op `RealDiv`).

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("RealDiv", [x, y], name=name)


def div(x, y, name=None) -> Tensor:
    """Divides x / y elementwise (using Python 2 division operator semantics).

    TF1's legacy division: integer division (floored) for ints, true division for floats.

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("Div" if not x.dtype.base_dtype.is_integer else "FloorDiv", [x, y], name=name)


def floordiv(x, y, name=None) -> Tensor:
    """Divides `x / y` elementwise, rounding toward the most negative integer.

    The same as `tf.div(x,y)` for integers, but uses `tf.floor(tf.div(x,y))` for floating
    point arguments so that the result is always an integer (though possibly an integer
    represented as floating point). Integer division by zero is an error.

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("FloorDiv", [x, y], name=name)


def truncatediv(x, y, name=None) -> Tensor:
    """Returns x / y element-wise for integer types, rounding toward zero.

    Truncation designates that negative numbers will round fractional quantities toward
    zero, i.e. -7 / 5 = -1 (op `TruncateDiv`). Integer division by zero is an error.

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return _op("TruncateDiv", [x, y], name=name)


def negative(x, name=None) -> Tensor:
    """Computes numerical negative value element-wise: `y = -x`.

    Args:
      x: A `Tensor` of a numeric type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.
    """
    return _op("Neg", [convert_to_tensor(x)], name=name)


def matmul(
    a,
    b,
    transpose_a=False,
    transpose_b=False,
    adjoint_a=False,
    adjoint_b=False,
    a_is_sparse=False,
    b_is_sparse=False,
    name=None,
) -> Tensor:
    """Multiplies matrix `a` by matrix `b`, producing `a` * `b`.

    The inputs must, following any transpositions, be tensors of rank >= 2 where the inner 2
    dimensions specify valid matrix multiplication dimensions, and any further outer
    dimensions specify matching batch size. Both matrices must be of the same type.

    Args:
      a: `Tensor` of type `float32`, `float64`, `int32` or `int64` and rank > 1.
      b: `Tensor` with same type and rank as `a`.
      transpose_a: If `True`, `a` is transposed before multiplication.
      transpose_b: If `True`, `b` is transposed before multiplication.
      adjoint_a: If `True`, `a` is conjugated and transposed before multiplication (for
        real types, the same as `transpose_a`).
      adjoint_b: If `True`, `b` is conjugated and transposed before multiplication.
      a_is_sparse: A hint in TF1; accepted and ignored.
      b_is_sparse: A hint in TF1; accepted and ignored.
      name: Name for the operation (optional).

    Returns:
      A `Tensor` of the same type as `a` and `b` where each inner-most matrix is the product
      of the corresponding matrices in `a` and `b`.

    Raises:
      ValueError: If the inner dimensions do not match, or `transpose_a` and `adjoint_a`, or
        `transpose_b` and `adjoint_b` are both set to True.
    """
    a = convert_to_tensor(a)
    b = convert_to_tensor(b, dtype=a.dtype.base_dtype)
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None or ra > 2 or rb > 2:
        # TF1: batched products (BatchMatMulV2, broadcasting batch dims) for rank > 2.
        attrs = {"adj_x": bool(transpose_a or adjoint_a), "adj_y": bool(transpose_b or adjoint_b)}
        return _op("BatchMatMulV2", [a, b], attrs, name or "MatMul")
    attrs = {
        "transpose_a": bool(transpose_a or adjoint_a),
        "transpose_b": bool(transpose_b or adjoint_b),
    }
    return _op("MatMul", [a, b], attrs, name)


def add_n(inputs, name=None) -> Tensor:
    """Adds all input tensors element-wise.

    Args:
      inputs: A list of `Tensor` objects, each with same shape and type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of same shape and type as the elements of `inputs`.

    Raises:
      ValueError: If `inputs` don't all have same shape and dtype or the shape cannot be
        inferred, or `inputs` is empty or not a list.
    """
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError(
            "inputs must be a list of at least one Tensor/IndexedSlices with the same dtype and shape"
        )
    tensors = [convert_to_tensor(t) for t in inputs]
    if len(tensors) == 1:
        from varflow.array_ops import identity

        return identity(tensors[0], name=name)
    return _op("AddN", tensors, name=name)


def _reduction(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    x = convert_to_tensor(input_tensor)
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    if axis is None:
        ndims = x.shape.ndims
        if ndims is not None:
            axes = constant(list(builtins.range(ndims)), dtype=dtypes.int32, name="Const")
        else:
            axes = _op(
                "Range",
                [
                    constant(0, name="range/start"),
                    _op("Rank", [x]),
                    constant(1, name="range/delta"),
                ],
                name="range",
            )
    else:
        axes = convert_to_index_tensor(axis)
    return _op(op_type, [x, axes], {"keep_dims": bool(keepdims)}, name)


def reduce_sum(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the sum of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

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

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the mean of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

    For integer inputs the mean is computed in the integer type, as in TF1.

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

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the maximum of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should have real numeric type.
      axis: The dimensions to reduce. If `None` (the default), reduces all dimensions. Must
        be in the range `[-rank(input_tensor), rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.

    Returns:
      The reduced tensor.

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the minimum of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should have real numeric type.
      axis: The dimensions to reduce. If `None` (the default), reduces all dimensions. Must
        be in the range `[-rank(input_tensor), rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.

    Returns:
      The reduced tensor.

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the product of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

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

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_all(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the "logical and" of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should have `bool` type.
      axis: The dimensions to reduce. If `None` (the default), reduces all dimensions. Must
        be in the range `[-rank(input_tensor), rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.

    Returns:
      The reduced tensor.

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("All", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_any(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    """Computes the "logical or" of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`. Unless `keepdims` is true,
    the rank of the tensor is reduced by 1 for each entry in `axis`. If `keepdims` is true,
    the reduced dimensions are retained with length 1. If `axis` is None, all dimensions are
    reduced, and a tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should have `bool` type.
      axis: The dimensions to reduce. If `None` (the default), reduces all dimensions. Must
        be in the range `[-rank(input_tensor), rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.

    Returns:
      The reduced tensor.

    Raises:
      InvalidArgumentError: If an axis is out of range.
    """
    return _reduction("Any", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _arg_reduction(op_type, input, axis, name, dimension, output_type):
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    if axis is None:
        axis = dimension
    if axis is None:
        axis = 0
    x = convert_to_tensor(input)
    axis_t = convert_to_index_tensor(axis)
    return _op(op_type, [x, axis_t], {"output_type": dtypes.as_dtype(output_type)._core}, name)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64) -> Tensor:
    """Returns the index with the largest value across axes of a tensor.

    Note that in case of ties the identity of the return value is not guaranteed (varflow
    returns the first).

    Args:
      input: A `Tensor` of a real numeric type.
      axis: An int or an int32/int64 scalar `Tensor`, in the range `[-rank(input),
        rank(input))`. Describes which axis of the input tensor to reduce across (default 0).
      name: A name for the operation (optional).
      dimension: Deprecated alias for `axis`.
      output_type: An optional `tf.DType` from: `tf.int32, tf.int64`. Defaults to
        `tf.int64`.

    Returns:
      A `Tensor` of type `output_type`.

    Raises:
      ValueError: If both `axis` and `dimension` are given.
    """
    return _arg_reduction("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64) -> Tensor:
    """Returns the index with the smallest value across axes of a tensor.

    Note that in case of ties the identity of the return value is not guaranteed (varflow
    returns the first).

    Args:
      input: A `Tensor` of a real numeric type.
      axis: An int or an int32/int64 scalar `Tensor`, in the range `[-rank(input),
        rank(input))`. Describes which axis of the input tensor to reduce across (default 0).
      name: A name for the operation (optional).
      dimension: Deprecated alias for `axis`.
      output_type: An optional `tf.DType` from: `tf.int32, tf.int64`. Defaults to
        `tf.int64`.

    Returns:
      A `Tensor` of type `output_type`.

    Raises:
      ValueError: If both `axis` and `dimension` are given.
    """
    return _arg_reduction("ArgMin", input, axis, name, dimension, output_type)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Compute the cumulative product of the tensor `x` along `axis`.

    By default, this op performs an inclusive cumulative product, which means that the first
    element of the input is identical to the first element of the output:
    `tf.cumprod([a, b, c])` gives `[a, a * b, a * b * c]`. With `exclusive=True` an
    exclusive cumulative product is performed instead; with `reverse=True` it runs in the
    opposite direction.

    Args:
      x: A `Tensor` of a numeric type.
      axis: A `Tensor` of type `int32` (default: 0). Must be in the range
        `[-rank(x), rank(x))`.
      exclusive: If `True`, perform exclusive cumulative product.
      reverse: A `bool` (default: False).
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `x`.
    """
    x = convert_to_tensor(x)
    axis = convert_to_index_tensor(axis)
    return _op("Cumprod", [x, axis], {"exclusive": bool(exclusive), "reverse": bool(reverse)}, name)


_RANGE_HIERARCHY = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:
    """Creates a sequence of numbers.

    Creates a sequence of numbers that begins at `start` and extends by increments of
    `delta` up to but not including `limit`. The dtype of the resulting tensor is inferred
    from the inputs unless it is provided explicitly: the widest of the arguments' types
    (int32 < int64 < float32 < float64). Like Python's `range`, `tf.range(n)` counts from 0.

    Args:
      start: A 0-D `Tensor` (scalar). Acts as first entry in the range if `limit` is not
        None; otherwise, acts as range limit and first entry defaults to 0.
      limit: A 0-D `Tensor` (scalar). Upper limit of sequence, exclusive. If None, defaults
        to the value of `start` while the first entry of the range defaults to 0.
      delta: A 0-D `Tensor` (scalar). Number that increments `start`. Defaults to 1.
      dtype: The type of the elements of the resulting tensor.
      name: A name for the operation. Defaults to "range".

    Returns:
      An 1-D `Tensor` of type `dtype`.

    Raises:
      InvalidArgumentError: If `delta` is 0 or has the wrong sign for `start` and `limit`.
    """
    if limit is None:
        start, limit = 0, start
    with name_scope(name, "Range") as scope:
        from varflow.graph import _default_dtype
        from varflow.variables import Variable

        values = ((start, "start"), (limit, "limit"), (delta, "delta"))
        if dtype is None:
            kinds = [
                (v.dtype.base_dtype if isinstance(v, (Tensor, Variable)) else _default_dtype(v))
                for v, _ in values
            ]
            for k in kinds:
                if k not in _RANGE_HIERARCHY:
                    raise TypeError(f"Unsupported dtype {k.name} for tf.range")
            inferred = max(kinds, key=_RANGE_HIERARCHY.index)
            args = [
                cast(convert_to_tensor(v), inferred)
                if isinstance(v, (Tensor, Variable))
                else convert_to_tensor(v, dtype=inferred, name=n)
                for v, n in values
            ]
        else:
            args = [convert_to_tensor(v, dtype=dtype, name=n) for v, n in values]
        return _op("Range", args, name=scope)


def unsorted_segment_sum(data, segment_ids, num_segments, name=None) -> Tensor:
    """Computes the sum along segments of a tensor.

    Computes a tensor such that `output[i, ...] = sum(data[j, ...])` over the `j` where
    `segment_ids[j] == i`. Unlike `segment_sum`, `segment_ids` need not be sorted and need
    not cover all values in the full range of valid values. If the sum is empty for a given
    segment ID `i`, `output[i] = 0`. Negative ids are dropped, as in TF1.

    Args:
      data: A `Tensor` of a numeric type.
      segment_ids: An int32 or int64 `Tensor` whose shape is a prefix of `data.shape`.
      num_segments: A scalar int `Tensor`, the number of segments.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same type as `data`, of shape `[num_segments] +
      data.shape[segment_ids.ndim:]`.

    Raises:
      InvalidArgumentError: If a segment id is `>= num_segments`.
    """
    data = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids)
    num = (
        num_segments if isinstance(num_segments, Tensor) else convert_to_index_tensor(num_segments)
    )
    return _op("UnsortedSegmentSum", [data, ids, num], name=name)


def tensordot(a, b, axes, name=None) -> Tensor:
    """Tensor contraction of a and b along specified axes.

    Tensordot sums the product of elements from `a` and `b` over the indices specified by
    `axes[0]` and `axes[1]` (or, for a scalar `axes = N`, over the last `N` axes of `a` and the
    first `N` axes of `b`), computed as one `MatMul` between transposed and reshaped operands
    (varflow/train/math.h). Dimensions unknown when the graph is built are read at run time.

    Args:
      a: `Tensor` of type `float32` or `float64`, of known rank.
      b: `Tensor` with the same type as `a`, of known rank.
      axes: Either a scalar `N`, or a list of two axis lists (or two ints). If axes is a
        scalar, sum over the last N axes of a and the first N axes of b in order. Otherwise
        the first and second entries name the axes of `a` and `b` along which the contraction
        is computed, pairwise. The number of axes for `a` and `b` must be equal.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same type as `a`.

    Raises:
      ValueError: If the shapes of `a`, `b`, and `axes` are incompatible, or an operand's rank
        is unknown.
    """
    import numpy as np

    a = convert_to_tensor(a, name="a")
    b = convert_to_tensor(b, name="b", dtype=a.dtype.base_dtype)
    graph = get_default_graph()
    if isinstance(axes, (int, np.integer)):
        out = _core.tensordot(graph._core, a._output, b._output, int(axes), name or "")
        return graph._tensor_for(out)
    if isinstance(axes, np.ndarray):
        axes = axes.tolist()
    if len(axes) != 2:
        raise ValueError(f"'axes' must be an integer or have length 2, got {axes}.")
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
    out = _core.tensordot(
        graph._core,
        a._output,
        b._output,
        [int(x) for x in a_axes],
        [int(x) for x in b_axes],
        name or "",
    )
    return graph._tensor_for(out)


def leaky_relu(features, alpha=0.2, name=None) -> Tensor:
    """Compute the Leaky ReLU activation function: `x if x > 0 else alpha * x`.

    "Rectifier Nonlinearities Improve Neural Network Acoustic Models" AL Maas, AY Hannun, AY
    Ng - Proc. ICML, 2013 (op `LeakyRelu`, attr `alpha`).

    Args:
      features: A `Tensor` representing preactivation values. Must be one of the following
        types: `float32`, `float64`, `int32`, `int64`.
      alpha: Slope of the activation function at x < 0.
      name: A name for the operation (optional).

    Returns:
      The activation value.
    """
    import numpy as np

    with name_scope(name, "LeakyRelu") as scope:
        features = convert_to_tensor(features, name="features")
        if features.dtype.base_dtype.is_integer:
            features = cast(features, dtypes.float32)
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        return _op("LeakyRelu", [features], {"alpha": float(alpha)}, scope)


def selu(features, name=None) -> Tensor:
    """Computes scaled exponential linear (SELU) activations.

    `scale * alpha * (exp(features) - 1)` if < 0, `scale * features` otherwise, with TF1's
    `alpha` and `scale` constants (op `Selu`).

    To be used together with `initializer = tf.variance_scaling_initializer(factor=1.0,
    mode='FAN_IN')`. See "Self-Normalizing Neural Networks" (Klambauer et al., 2017).

    Args:
      features: A `Tensor` of a floating type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `features`.
    """
    return _op("Selu", [convert_to_tensor(features)], name=name)


# TF1's one-line summaries of the elementwise ops the two factories below make.
_ELEMENTWISE_SUMMARIES = {
    "Abs": "Computes the absolute value of a tensor, elementwise.",
    "Sign": "Returns an elementwise indication of the sign of a number (-1, 0 or 1).",
    "Square": "Computes square of x element-wise.",
    "Sqrt": "Computes square root of x element-wise.",
    "Rsqrt": "Computes reciprocal of square root of x element-wise.",
    "Reciprocal": "Computes the reciprocal of x element-wise.",
    "Exp": "Computes exponential of x element-wise.",
    "Expm1": "Computes `exp(x) - 1` element-wise.",
    "Log": "Computes natural logarithm of x element-wise.",
    "Log1p": "Computes natural logarithm of (1 + x) element-wise.",
    "Tanh": "Computes hyperbolic tangent of `x` element-wise.",
    "Sigmoid": "Computes sigmoid of `x` element-wise: `1 / (1 + exp(-x))`.",
    "Sin": "Computes sine of x element-wise.",
    "Cos": "Computes cos of x element-wise.",
    "Floor": "Returns element-wise largest integer not greater than x.",
    "Ceil": "Returns element-wise smallest integer not less than x.",
    "Round": "Rounds the values of a tensor to the nearest integer, element-wise (half to even).",
    "LogicalNot": "Returns the truth value of NOT x element-wise.",
    "Maximum": "Returns the max of x and y (i.e. x > y ? x : y) element-wise.",
    "Minimum": "Returns the min of x and y (i.e. x < y ? x : y) element-wise.",
    "Pow": "Computes the power of one value to another: `x ** y`, element-wise.",
    "SquaredDifference": "Returns (x - y)(x - y) element-wise.",
    "FloorMod": "Returns element-wise remainder of division, with the sign of `y` (floored).",
    "Less": "Returns the truth value of (x < y) element-wise.",
    "LessEqual": "Returns the truth value of (x <= y) element-wise.",
    "Greater": "Returns the truth value of (x > y) element-wise.",
    "GreaterEqual": "Returns the truth value of (x >= y) element-wise.",
    "Equal": "Returns the truth value of (x == y) element-wise.",
    "NotEqual": "Returns the truth value of (x != y) element-wise.",
    "LogicalAnd": "Returns the truth value of x AND y element-wise.",
    "LogicalOr": "Returns the truth value of x OR y element-wise.",
}
_COMPARISONS = ("Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual")


def _unary(op_type):
    def fn(x, name=None) -> Tensor:
        return _op(op_type, [convert_to_tensor(x)], name=name)

    fn.__name__ = op_type.lower()
    fn.__doc__ = f"""{_ELEMENTWISE_SUMMARIES[op_type]}

Args:
  x: A `Tensor` (or a value convertible to one) of a type the `{op_type}` op accepts.
  name: A name for the operation (optional).

Returns:
  A `Tensor` with the same shape and type as `x`.
"""
    return fn


def _binary(op_type):
    def fn(x, y, name=None) -> Tensor:
        x, y = _binary_inputs(x, y)
        return _op(op_type, [x, y], name=name)

    result = "`bool`" if op_type in _COMPARISONS else "the same type as `x`"
    fn.__doc__ = f"""{_ELEMENTWISE_SUMMARIES[op_type]}

Supports NumPy-style broadcasting of `x` and `y` (op `{op_type}`).

Args:
  x: A `Tensor` (or a value convertible to one).
  y: A `Tensor` (or value) of the same type as `x`.
  name: A name for the operation (optional).

Returns:
  A `Tensor` of {result}, with the broadcast shape of `x` and `y`.

Raises:
  ValueError: If the shapes of `x` and `y` cannot be broadcast together.
  TypeError: If `x` and `y` have different types.
"""
    return fn


abs = _unary("Abs")
sign = _unary("Sign")
square = _unary("Square")
sqrt = _unary("Sqrt")
rsqrt = _unary("Rsqrt")
reciprocal = _unary("Reciprocal")
exp = _unary("Exp")
expm1 = _unary("Expm1")
log = _unary("Log")
log1p = _unary("Log1p")
tanh = _unary("Tanh")
sigmoid = _unary("Sigmoid")
sin = _unary("Sin")
cos = _unary("Cos")
floor = _unary("Floor")
ceil = _unary("Ceil")
round = _unary("Round")
logical_not = _unary("LogicalNot")

maximum = _binary("Maximum")
minimum = _binary("Minimum")
pow = _binary("Pow")
squared_difference = _binary("SquaredDifference")
floormod = _binary("FloorMod")
mod = floormod
less = _binary("Less")
less_equal = _binary("LessEqual")
greater = _binary("Greater")
greater_equal = _binary("GreaterEqual")
equal = _binary("Equal")
not_equal = _binary("NotEqual")
logical_and = _binary("LogicalAnd")
logical_or = _binary("LogicalOr")


def logical_xor(x, y, name="LogicalXor") -> Tensor:
    """Logical XOR function: `x ^ y = (x | y) & ~(x & y)` (varflow/train/math.h).

    Inputs are `bool` tensors; supports broadcasting.

    Args:
      x: A `Tensor` (or a value convertible to one).
      y: A `Tensor` (or value) of the same type as `x`; broadcast against `x`.
      name: A name for the operation (optional).

    Returns:
      A `bool` `Tensor`.

    Raises:
      TypeError: If `x` and `y` have different types.
      ValueError: If the shapes of `x` and `y` cannot be broadcast together.
    """
    x, y = _binary_inputs(x, y)
    return get_default_graph()._tensor_for(_core.logical_xor(x._output, y._output, name or ""))


def where(condition, x=None, y=None, name=None) -> Tensor:
    """Return the elements, either from `x` or `y`, depending on the `condition`.

    If both `x` and `y` are None, this operation returns the coordinates of true elements of
    `condition`: a 2-D int64 tensor of shape `[num_true, rank(condition)]`. Otherwise `x` and
    `y` must have the same shape, and the result takes elements from `x` where `condition` is
    true and from `y` where it is false. If `condition` is rank 1, `x` may have higher rank,
    and the condition selects whole rows.

    Args:
      condition: A `Tensor` of type `bool`.
      x: A Tensor which may have the same shape as `condition`. If `condition` is rank 1,
        `x` may have higher rank, but its first dimension must match the size of
        `condition`.
      y: A `tensor` with the same shape and type as `x`.
      name: A name of the operation (optional).

    Returns:
      A `Tensor` with the same type and shape as `x`, `y` if they are non-None.
      Otherwise, a `Tensor` with shape `(num_true, rank(condition))`.

    Raises:
      ValueError: When exactly one of `x` or `y` is non-None, or their shapes differ.
    """
    if x is None and y is None:
        return _op("Where", [convert_to_tensor(condition)], name=name or "Where")
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    cond = convert_to_tensor(condition)
    x, y = _binary_inputs(x, y)
    return _op("Select", [cond, x, y], name=name or "Select")


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    """Compute the cumulative sum of the tensor `x` along `axis`.

    By default, this op performs an inclusive cumulative sum, which means that the first
    element of the input is identical to the first element of the output:
    `tf.cumsum([a, b, c])` gives `[a, a + b, a + b + c]`. With `exclusive=True` an
    exclusive cumulative sum is performed instead; with `reverse=True` it runs in the
    opposite direction.

    Args:
      x: A `Tensor` of a numeric type.
      axis: A `Tensor` of type `int32` (default: 0). Must be in the range
        `[-rank(x), rank(x))`.
      exclusive: If `True`, perform exclusive cumulative sum.
      reverse: A `bool` (default: False).
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `x`.
    """
    x = convert_to_tensor(x)
    axis = convert_to_index_tensor(axis)
    return _op("Cumsum", [x, axis], {"exclusive": bool(exclusive), "reverse": bool(reverse)}, name)


def _install_operators(cls) -> None:
    """The arithmetic operators of Tensor and Variable, with TF1's default op names."""

    def binary(fn, op_name):
        def forward(self, other):
            return fn(self, other, name=op_name)

        def reverse(self, other):
            return fn(other, self, name=op_name)

        return forward, reverse

    for dunder, fn, op_name in (
        ("add", _add_v2, "add"),
        ("sub", subtract, "sub"),
        ("mul", multiply, "mul"),
        ("truediv", truediv, "truediv"),
        ("matmul", matmul, "MatMul"),
        ("floordiv", floordiv, "floordiv"),
        ("mod", floormod, "mod"),
        ("pow", pow, "pow"),
        ("and", logical_and, "and"),
        ("or", logical_or, "or"),
        ("xor", logical_xor, "xor"),
    ):
        forward, reverse = binary(fn, op_name)
        setattr(cls, f"__{dunder}__", forward)
        setattr(cls, f"__r{dunder}__", reverse)
    cls.__neg__ = lambda self: negative(self, name="Neg")
    from varflow.array_ops import _slice_helper

    cls.__getitem__ = lambda self, slice_spec: _slice_helper(self, slice_spec)
    cls.__pos__ = lambda self: self
    cls.__abs__ = lambda self: abs(self, name="Abs")
    cls.__invert__ = lambda self: logical_not(self, name="LogicalNot")
    cls.__lt__ = lambda self, other: less(self, other)
    cls.__le__ = lambda self, other: less_equal(self, other)
    cls.__gt__ = lambda self, other: greater(self, other)
    cls.__ge__ = lambda self, other: greater_equal(self, other)


def _install_all_operators() -> None:
    from varflow.variables import Variable

    _install_operators(Tensor)
    _install_operators(Variable)


_install_all_operators()

_py_range = builtins.range
