"""Array ops: constants, placeholders, identity, shapes and reshapes."""

from __future__ import annotations

import builtins

import numpy as np

from varflow import _core, dtypes
from varflow.graph import (
    Tensor,
    constant,
    convert_to_index_tensor,
    convert_to_tensor,
    get_default_graph,
)
from varflow.tensor_shape import TensorShape


def _int_tensor(value, name=None):
    """An op's index input (shape, axis, paddings...) as TF1 converts it: int32 when every value
    fits, else int64, never a wrapped int32. An int64 NumPy array keeps its dtype (TF1 does not
    narrow arrays; convert_to_index_tensor would cast it to int32 unchecked)."""
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype == np.int64:
        return convert_to_tensor(value, dtype=dtypes.int64, name=name)
    return convert_to_index_tensor(value, name=name)


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


def _core_shape(shape) -> _core.Shape:
    if shape is None:
        return _core.Shape(None)
    dims = TensorShape(shape)._dims
    return _core.Shape(dims)


def placeholder(dtype, shape=None, name=None) -> Tensor:
    """Inserts a placeholder for a tensor that will be always fed.

    **Important**: This tensor will produce an error if evaluated. Its value must be fed
    using the `feed_dict` optional argument to `Session.run()`, `Tensor.eval()`, or
    `Operation.run()`.

    Args:
      dtype: The type of elements in the tensor to be fed.
      shape: The shape of the tensor to be fed (optional). If the shape is not specified,
        you can feed a tensor of any shape.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` that may be used as a handle for feeding a value, but not evaluated
      directly.

    Raises:
      RuntimeError: If eager execution is enabled (TF1 has no placeholders in eager mode).
    """
    dtype = dtypes.as_dtype(dtype)
    return _op(
        "Placeholder",
        [],
        {"dtype": dtype._core, "shape": _core_shape(shape)},
        name or "Placeholder",
    )


def placeholder_with_default(input, shape, name=None) -> Tensor:  # noqa: A002 - TF1's name
    """A placeholder op that passes through `input` when its output is not fed.

    Args:
      input: A `Tensor`. The default value to produce when output is not fed.
      shape: A `tf.TensorShape` or list of `int`s. The (possibly partial) shape of the
        tensor.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `input`.

    Raises:
      ValueError: If `shape` is not compatible with the shape of `input`.
    """
    x = convert_to_tensor(input)
    return _op("PlaceholderWithDefault", [x], {"shape": _core_shape(shape)}, name)


def identity(input, name=None) -> Tensor:  # noqa: A002
    """Return a tensor with the same shape and contents as input.

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `input`.
    """
    return _op("Identity", [convert_to_tensor(input)], name=name)


def stop_gradient(input, name=None) -> Tensor:  # noqa: A002
    """Stops gradient computation.

    When executed in a graph, this op outputs its input tensor as-is. When building ops to
    compute gradients, this op prevents the contribution of its inputs to be taken into
    account: `tf.gradients` treats it as a constant.

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `input`.
    """
    return _op("StopGradient", [convert_to_tensor(input)], name=name)


def shape(input, name=None, out_type=dtypes.int32) -> Tensor:  # noqa: A002
    """Returns the shape of a tensor.

    This operation returns a 1-D integer tensor representing the shape of `input` (at run
    time; `Tensor.shape` holds the static shape).

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).
      out_type: (Optional) The specified output type of the operation (`int32` or
        `int64`). Defaults to `tf.int32`.

    Returns:
      A `Tensor` of type `out_type`.
    """
    attrs = {"out_type": dtypes.as_dtype(out_type)._core}
    return _op("Shape", [convert_to_tensor(input)], attrs, name)


def size(input, name=None, out_type=dtypes.int32) -> Tensor:  # noqa: A002
    """Returns the size of a tensor: the number of elements in `input`.

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).
      out_type: (Optional) The specified non-quantized numeric output type of the
        operation. Defaults to `tf.int32`.

    Returns:
      A `Tensor` of type `out_type`.
    """
    attrs = {"out_type": dtypes.as_dtype(out_type)._core}
    return _op("Size", [convert_to_tensor(input)], attrs, name)


def rank(input, name=None) -> Tensor:  # noqa: A002
    """Returns the rank of a tensor: the number of its dimensions.

    Args:
      input: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A scalar `Tensor` of type `int32`.
    """
    return _op("Rank", [convert_to_tensor(input)], name=name)


def reshape(tensor, shape, name=None) -> Tensor:
    """Reshapes a tensor.

    Given `tensor`, this operation returns a tensor that has the same values as `tensor`
    with shape `shape`. If one component of `shape` is the special value -1, the size of
    that dimension is computed so that the total size remains constant. At most one
    component of `shape` can be -1.

    Args:
      tensor: A `Tensor`.
      shape: A `Tensor` of type `int32` or `int64`, or a list of ints. Defines the shape of
        the output tensor.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `tensor`.

    Raises:
      ValueError: If the number of elements cannot match `shape` (when shapes are known).
      InvalidArgumentError: If they do not match at run time.
    """
    return _op(
        "Reshape",
        [convert_to_tensor(tensor), _int_tensor(shape)],
        name=name,
    )


def zeros_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    """Creates a tensor with all elements set to zero.

    Given a single tensor (`tensor`), this operation returns a tensor of the same type and
    shape as `tensor` with all elements set to zero. Optionally, you can use `dtype` to
    specify a new type for the returned tensor.

    Args:
      tensor: A `Tensor`.
      dtype: A type for the returned `Tensor`.
      name: A name for the operation (optional).
      optimize: Accepted for TF1 compatibility.

    Returns:
      A `Tensor` with all elements set to zero.
    """
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype.base_dtype:
        dims = tensor.shape.as_list() if tensor.shape.is_fully_defined() else shape(tensor)
        return zeros(dims, dtype=dtype, name=name or "zeros_like")
    return _op("ZerosLike", [tensor], name=name)


def ones_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    """Creates a tensor with all elements set to 1.

    Given a single tensor (`tensor`), this operation returns a tensor of the same type and
    shape as `tensor` with all elements set to 1. Optionally, you can specify a new type
    (`dtype`) for the returned tensor.

    Args:
      tensor: A `Tensor`.
      dtype: A type for the returned `Tensor`.
      name: A name for the operation (optional).
      optimize: Accepted for TF1 compatibility.

    Returns:
      A `Tensor` with all elements set to 1.
    """
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype.base_dtype:
        dims = tensor.shape.as_list() if tensor.shape.is_fully_defined() else shape(tensor)
        return ones(dims, dtype=dtype, name=name or "ones_like")
    return _op("OnesLike", [tensor], name=name)


def fill(dims, value, name=None) -> Tensor:
    """Creates a tensor filled with a scalar value.

    This operation creates a tensor of shape `dims` and fills it with `value`.

    Args:
      dims: A `Tensor`. Must be one of the following types: `int32`, `int64`. 1-D.
        Represents the shape of the output tensor.
      value: A `Tensor`. 0-D (scalar). Value to fill the returned tensor.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `value`.

    Raises:
      InvalidArgumentError: If `dims` contains negative entries or `value` is not a scalar.
    """
    return _op("Fill", [_int_tensor(dims), convert_to_tensor(value)], name=name)


def _filled(shape, value, dtype, name) -> Tensor:
    """TF1's zeros/ones: a constant when it has fewer than 1000 elements, else a Fill, so that
    a large (or, for Fill, too large to allocate) shape is not materialised at build time."""
    dtype = dtypes.as_dtype(dtype)
    scalar = np.array(value, dtype=dtype.as_numpy_dtype)
    if isinstance(shape, Tensor):
        return fill(shape, constant(scalar, dtype=dtype), name=name)
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    if isinstance(shape, TensorShape):
        shape = shape.as_list() if shape.ndims is not None else [None]
    dims = [getattr(d, "value", d) for d in shape]  # Dimension objects too
    if any(d is None for d in dims):
        raise ValueError(
            f"Cannot create a tensor of partially known shape {dims} for '{name}' (op: 'Fill')"
        )
    dims = [int(d) for d in dims]
    count = 1
    for d in dims:
        count *= d
    # A negative size goes to Fill, whose shape rule rejects it naming the op, as in TF1.
    if 0 <= count < 1000 and min(dims, default=0) >= 0:
        try:
            return constant(np.full(dims, value, dtype.as_numpy_dtype), dtype=dtype, name=name)
        except ValueError:  # empty, but too large for NumPy to hold: a Fill, as TF1 falls back
            pass
    from varflow.graph import name_scope

    with name_scope(name) as scope:
        return fill(_int_tensor(dims, name="shape"), constant(scalar, dtype=dtype), name=scope)


def zeros(shape, dtype=dtypes.float32, name=None) -> Tensor:
    """Creates a tensor with all elements set to zero.

    Args:
      shape: A list of integers, a tuple of integers, or a 1-D `Tensor` of type `int32`.
      dtype: The type of an element in the resulting `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with all elements set to zero.
    """
    return _filled(shape, 0, dtype, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None) -> Tensor:
    """Creates a tensor with all elements set to one (1).

    Args:
      shape: A list of integers, a tuple of integers, or a 1-D `Tensor` of type `int32`.
      dtype: The type of an element in the resulting `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with all elements set to one (1).
    """
    return _filled(shape, 1, dtype, name or "ones")


def cast(x, dtype, name=None) -> Tensor:
    """Casts a tensor to a new type.

    The operation casts `x` to `dtype`. Casting a float to an int truncates toward zero; a
    cast to the tensor's own type returns `x` itself.

    Args:
      x: A `Tensor` (or a value convertible to one) of numeric type.
      dtype: The destination type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with same shape as `x` and type `dtype`.

    Raises:
      TypeError: If `x` cannot be cast to the `dtype`.
    """
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype.base_dtype == dtype:
        return x
    return _op("Cast", [x], {"DstT": dtype._core, "SrcT": x.dtype.base_dtype._core}, name or "Cast")


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    """Broadcast an array for a compatible shape.

    Broadcasting is the process of making arrays to have compatible shapes for arithmetic
    operations. Two shapes are compatible if for each dimension pair they are either equal
    or one of them is one.

    Args:
      input: A `Tensor`. A Tensor to broadcast.
      shape: A `Tensor`. Must be one of the following types: `int32`, `int64`. An 1-D `int`
        Tensor. The shape of the desired output.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `input`.

    Raises:
      ValueError: If `input` cannot be broadcast to `shape`.
    """
    return _op(
        "BroadcastTo",
        [convert_to_tensor(input), _int_tensor(shape)],
        name=name,
    )


__all__ = ["constant", "placeholder"]


def stack(values, axis=0, name="stack") -> Tensor:
    """Stacks a list of rank-`R` tensors into one rank-`(R+1)` tensor.

    Packs the list of tensors in `values` into a tensor with rank one higher than each
    tensor in `values`, by packing them along the `axis` dimension (op `Pack`). Given a list
    of length `N` of tensors of shape `(A, B, C)`; if `axis == 0` then the `output` tensor
    will have the shape `(N, A, B, C)`.

    Args:
      values: A list of `Tensor` objects with the same shape and type.
      axis: An `int`. The axis to stack along. Defaults to the first dimension. Negative
        values wrap around, so the valid range is `[-(R+1), R+1)`.
      name: A name for this operation (optional).

    Returns:
      output: A stacked `Tensor` with the same type as `values`.

    Raises:
      ValueError: If `axis` is out of the range [-(R+1), R+1), or the shapes differ.
    """
    tensors = [convert_to_tensor(v) for v in values]
    if not tensors:
        raise ValueError("stack needs at least one value")
    base = tensors[0].dtype.base_dtype
    tensors = [tensors[0]] + [convert_to_tensor(v, dtype=base) for v in tensors[1:]]
    ndims = tensors[0].shape.ndims
    if ndims is not None and not -ndims - 1 <= axis < ndims + 1:
        raise ValueError(
            f"axis = {axis} not in [{-ndims - 1}, {ndims + 1}) for '{name}' (op: 'Pack')"
        )
    return _op("Pack", tensors, {"axis": int(axis), "N": len(tensors)}, name)


def unstack(value, num=None, axis=0, name="unstack") -> list:
    """Unpacks the given dimension of a rank-`R` tensor into rank-`(R-1)` tensors.

    Unpacks `num` tensors from `value` by chipping it along the `axis` dimension (op
    `Unpack`). If `num` is not specified (the default), it is inferred from `value`'s shape.
    If `value.shape[axis]` is not known, `ValueError` is raised.

    Args:
      value: A rank `R > 0` `Tensor` to be unstacked.
      num: An `int`. The length of the dimension `axis`. Automatically inferred if `None`
        (the default).
      axis: An `int`. The axis to unstack along. Defaults to the first dimension. Negative
        values wrap around, so the valid range is `[-R, R)`.
      name: A name for the operation (optional).

    Returns:
      The list of `Tensor` objects unstacked from `value`.

    Raises:
      ValueError: If `num` is unspecified and cannot be inferred, or `axis` is out of the
        range `[-R, R)`.
    """
    value = convert_to_tensor(value)
    attrs = {"axis": int(axis)}
    ndims = value.shape.ndims
    if ndims is not None and not -ndims <= axis < ndims:
        raise ValueError(f"axis = {axis} not in [{-ndims}, {ndims}) for '{name}' (op: 'Unpack')")
    if num is not None:
        attrs["num"] = int(num)
    elif ndims is None or value.shape.dims[axis].value is None:
        raise ValueError(f"Cannot infer num from shape {value.shape}")
    op = get_default_graph().create_op("Unpack", [value], attrs, name=name)
    return list(op.outputs)


def transpose(a, perm=None, name="transpose", conjugate=False) -> Tensor:
    """Transposes `a`.

    Permutes the dimensions according to `perm`. The returned tensor's dimension i will
    correspond to the input dimension `perm[i]`. If `perm` is not given, it is set to
    (n-1...0), where n is the rank of the input tensor. Hence by default, this operation
    performs a regular matrix transpose on 2-D input Tensors.

    Args:
      a: A `Tensor`.
      perm: A permutation of the dimensions of `a`.
      name: A name for the operation (optional).
      conjugate: Optional bool. Setting it to `True` is mathematically equivalent to
        tf.math.conj(tf.transpose(input)); varflow's types are real, so it changes nothing.

    Returns:
      A transposed `Tensor`.

    Raises:
      ValueError: If `perm` is not a permutation of the dimensions of `a`.
    """
    a = convert_to_tensor(a)
    if perm is None:
        if a.shape.ndims is not None:
            perm = constant(list(range(a.shape.ndims - 1, -1, -1)), dtype=dtypes.int32)
        else:
            rank_t = _op("Rank", [a])
            one = constant(1, dtype=dtypes.int32)
            perm = _op(
                "Sub",
                [
                    _op("Sub", [rank_t, one]),
                    _op("Range", [constant(0, dtype=dtypes.int32), rank_t, one]),
                ],
            )
    perm = _int_tensor(perm)
    return _op("Transpose", [a, perm], name=name)


# --- shapes, joins and splits ----------------------------------------------------------------


def expand_dims(input, axis=None, name=None, dim=None) -> Tensor:  # noqa: A002
    """Inserts a dimension of 1 into a tensor's shape.

    Given a tensor `input`, this operation inserts a dimension of 1 at the dimension index
    `axis` of `input`'s shape. The dimension index `axis` starts at zero; if you specify a
    negative number for `axis` it is counted backward from the end.

    Args:
      input: A `Tensor`.
      axis: 0-D (scalar). Specifies the dimension index at which to expand the shape of
        `input`. Must be in the range `[-rank(input) - 1, rank(input)]`.
      name: A name for the operation (optional).
      dim: 0-D (scalar). Equivalent to `axis`, to be deprecated.

    Returns:
      A `Tensor` with the same data as `input`, but its shape has an additional dimension of
      size 1 added.

    Raises:
      ValueError: If both or neither of `axis` and `dim` are specified.
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return _op("ExpandDims", [convert_to_tensor(input), _int_tensor(axis)], name=name)


def squeeze(input, axis=None, name=None, squeeze_dims=None) -> Tensor:  # noqa: A002
    """Removes dimensions of size 1 from the shape of a tensor.

    Given a tensor `input`, this operation returns a tensor of the same type with all
    dimensions of size 1 removed. If you don't want to remove all size 1 dimensions, you can
    remove specific size 1 dimensions by specifying `axis`.

    Args:
      input: A `Tensor`. The `input` to squeeze.
      axis: An optional list of `ints`. Defaults to `[]`. If specified, only squeezes the
        dimensions listed. It is an error to squeeze a dimension that is not 1.
      name: A name for the operation (optional).
      squeeze_dims: Deprecated keyword argument that is now axis.

    Returns:
      A `Tensor`. Has the same type as `input`. Contains the same data as `input`, but has
      one or more dimensions of size 1 removed.

    Raises:
      ValueError: When both `squeeze_dims` and `axis` are specified, or a listed dimension
        is not 1.
    """
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    if axis is None:
        axis = squeeze_dims
    if axis is None:
        axis = []
    elif isinstance(axis, int) or np.isscalar(axis):
        axis = [int(axis)]
    return _op(
        "Squeeze", [convert_to_tensor(input)], {"squeeze_dims": [int(a) for a in axis]}, name
    )


def _same_dtype_tensors(values):
    tensors = [
        convert_to_tensor(v) if isinstance(v, Tensor) or hasattr(v, "_as_graph_element") else None
        for v in values
    ]
    base = next((t.dtype.base_dtype for t in tensors if t is not None), None)
    return [
        t if t is not None else convert_to_tensor(v, dtype=base) for t, v in zip(tensors, values)
    ]


def concat(values, axis, name="concat") -> Tensor:
    """Concatenates tensors along one dimension.

    Concatenates the list of tensors `values` along dimension `axis` (op `ConcatV2`). If
    `values[i].shape = [D0, D1, ... Daxis(i), ...Dn]`, the concatenated result has shape
    `[D0, D1, ... Raxis, ...Dn]` where `Raxis = sum(Daxis(i))`.

    Args:
      values: A list of `Tensor` objects or a single `Tensor`.
      axis: 0-D `int32` `Tensor`. Dimension along which to concatenate. Must be in the range
        `[-rank(values), rank(values))`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` resulting from concatenation of the input tensors.

    Raises:
      ValueError: If the inputs' ranks or non-axis dimensions differ.
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    if len(values) == 1:
        from varflow.graph import name_scope

        with name_scope(name):
            axis_t = _int_tensor(axis, name="concat_dim")
            if axis_t.shape.ndims not in (None, 0):
                raise ValueError(f"Shape {axis_t.shape} must have rank 0")
        return identity(values[0], name=name)
    tensors = _same_dtype_tensors(values)
    return _op("ConcatV2", [*tensors, _int_tensor(axis)], {"N": len(tensors)}, name)


def split(value, num_or_size_splits, axis=0, num=None, name="split") -> list:
    """Splits a tensor into sub tensors.

    If `num_or_size_splits` is an integer, then `value` is split along dimension `axis` into
    `num_or_size_splits` smaller tensors (op `Split`); this requires that
    `value.shape[axis]` is divisible by it. If `num_or_size_splits` is a 1-D Tensor (or
    list), `value` is split into `len(num_or_size_splits)` pieces of the given sizes along
    `axis` (op `SplitV`).

    Args:
      value: The `Tensor` to split.
      num_or_size_splits: Either an integer indicating the number of splits along `axis` or
        a 1-D integer `Tensor` or Python list containing the sizes of each output tensor
        along `axis`. If a scalar, then it must evenly divide `value.shape[axis]`; otherwise
        the sum of sizes along the split axis must match that of the `value`.
      axis: An integer or scalar `int32` `Tensor`. The dimension along which to split. Must
        be in the range `[-rank(value), rank(value))`. Defaults to 0.
      num: Optional, used to specify the number of outputs when it cannot be inferred from
        the shape of `size_splits`.
      name: A name for the operation (optional).

    Returns:
      If `num_or_size_splits` is a scalar returns `num_or_size_splits` `Tensor` objects;
      if `num_or_size_splits` is a 1-D Tensor returns `num_or_size_splits.get_shape[0]`
      `Tensor` objects resulting from splitting `value`.

    Raises:
      ValueError: If `num` is unspecified and cannot be inferred, or the split does not
        divide the dimension.
    """
    value = convert_to_tensor(value)
    graph = get_default_graph()
    if isinstance(num_or_size_splits, (int, np.integer)) and not isinstance(
        num_or_size_splits, bool
    ):
        op = graph.create_op(
            "Split", [_int_tensor(axis), value], {"num_split": int(num_or_size_splits)}, name=name
        )
        return list(op.outputs)
    size_splits = _int_tensor(num_or_size_splits)
    if size_splits.shape.ndims == 0:
        raise ValueError(
            "Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
            f"Argument provided: {num_or_size_splits}"
        )
    if num is None:
        if size_splits.shape.ndims == 1:
            num = size_splits.shape.dims[0].value
        if num is None:
            raise ValueError(f"Cannot infer num from shape {num_or_size_splits}")
    op = graph.create_op(
        "SplitV", [value, size_splits, _int_tensor(axis)], {"num_split": int(num)}, name=name
    )
    return list(op.outputs)


def slice(input_, begin, size, name=None) -> Tensor:  # noqa: A001
    """Extracts a slice from a tensor.

    This operation extracts a slice of size `size` from a tensor `input_` starting at the
    location specified by `begin`. The slice `size` is represented as a tensor shape, where
    `size[i]` is the number of elements of the 'i'th dimension of `input_` that you want to
    slice; -1 means "all remaining elements in that dimension".

    Args:
      input_: A `Tensor`.
      begin: An `int32` or `int64` `Tensor`.
      size: An `int32` or `int64` `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` the same type as `input_`.

    Raises:
      InvalidArgumentError: If the slice does not fit in `input_`.
    """
    return _op(
        "Slice", [convert_to_tensor(input_), _int_tensor(begin), _int_tensor(size)], name=name
    )


def strided_slice(
    input_,
    begin,
    end,
    strides=None,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    var=None,
    name=None,
) -> Tensor:
    """Extracts a strided slice of a tensor (generalized python array indexing).

    Roughly speaking, this op extracts a slice of size `(end-begin)/stride` from the given
    `input_` tensor, as NumPy's `input_[begin:end:stride]` in every dimension. The masks
    select TF1's special cases: bit `i` of `begin_mask` (`end_mask`) ignores `begin[i]`
    (`end[i]`) and uses the widest range; `ellipsis_mask` marks an `...`; `new_axis_mask`
    inserts a dimension of 1; `shrink_axis_mask` takes a single index and removes the
    dimension. `Tensor.__getitem__` builds this op.

    Args:
      input_: A `Tensor`.
      begin: An `int32` or `int64` `Tensor`.
      end: An `int32` or `int64` `Tensor`.
      strides: An `int32` or `int64` `Tensor`.
      begin_mask: An `int32` mask.
      end_mask: An `int32` mask.
      ellipsis_mask: An `int32` mask.
      new_axis_mask: An `int32` mask.
      shrink_axis_mask: An `int32` mask.
      var: The variable corresponding to `input_` or None.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` the same type as `input`.

    Raises:
      ValueError: If `begin`, `end` and `strides` differ in length, or a stride is 0.
    """
    begin = _int_tensor(begin)
    end = _int_tensor(end)
    if strides is None:
        strides = ones_like(begin)
    strides = _int_tensor(strides)
    attrs = {
        "begin_mask": int(begin_mask),
        "end_mask": int(end_mask),
        "ellipsis_mask": int(ellipsis_mask),
        "new_axis_mask": int(new_axis_mask),
        "shrink_axis_mask": int(shrink_axis_mask),
    }
    return _op("StridedSlice", [convert_to_tensor(input_), begin, end, strides], attrs, name)


_SLICE_TYPE_ERROR = (
    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 "
    "tensors are valid indices"
)


def _check_index(idx):
    if isinstance(idx, (int, np.integer)) and not isinstance(idx, bool):
        return
    if (
        isinstance(idx, Tensor)
        and idx.dtype.base_dtype in (dtypes.int32, dtypes.int64)
        and idx.shape.ndims in (None, 0)
    ):
        return
    raise TypeError(_SLICE_TYPE_ERROR + f", got {idx!r}")


def _pack_indices(values, name):
    if all(not isinstance(v, Tensor) for v in values):
        return constant(
            np.array(
                [int(v) for v in values],
                dtype=np.int64 if any(abs(int(v)) >= 2**31 for v in values) else np.int32,
            ),
            name=name,
        )
    return stack(values, name=name)


def _slice_helper(tensor, slice_spec, var=None) -> Tensor:
    """TF1's Tensor.__getitem__: basic indexing (ints, slices with steps, Ellipsis, None) as a
    StridedSlice; a bool tensor, bool array or Python bool index is a boolean_mask."""
    import sys

    from varflow.graph import name_scope

    # TF1: a bool tensor, a NumPy bool array or a Python bool is a mask (a Python bool, a scalar
    # mask, is boolean_mask's ValueError "mask cannot be scalar.").
    is_bool_array = isinstance(slice_spec, np.ndarray) and slice_spec.dtype == np.bool_
    if (
        isinstance(slice_spec, bool)
        or is_bool_array
        or (isinstance(slice_spec, Tensor) and slice_spec.dtype.base_dtype == dtypes.bool)
    ):
        return boolean_mask(tensor, slice_spec)
    if not isinstance(slice_spec, (list, tuple)):  # TF1 reads a list like a tuple of indices
        slice_spec = [slice_spec]
    begin, end, strides = [], [], []
    begin_mask = end_mask = ellipsis_mask = new_axis_mask = shrink_axis_mask = 0
    for index, s in enumerate(slice_spec):
        if isinstance(s, builtins.slice):
            if s.start is not None and s.start is not sys.maxsize:
                _check_index(s.start)
                begin.append(s.start)
            else:
                begin.append(0)
                begin_mask |= 1 << index
            if s.stop is not None and s.stop is not sys.maxsize:
                _check_index(s.stop)
                end.append(s.stop)
            else:
                end.append(0)
                end_mask |= 1 << index
            if s.step is not None:
                _check_index(s.step)
                strides.append(s.step)
            else:
                strides.append(1)
        elif s is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            ellipsis_mask |= 1 << index
        elif s is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            new_axis_mask |= 1 << index
        else:
            _check_index(s)
            begin.append(s)
            end.append(s + 1)
            strides.append(1)
            shrink_axis_mask |= 1 << index
    tensor = convert_to_tensor(tensor)
    with name_scope(None, "strided_slice") as scope:
        if begin:
            packed_begin = _pack_indices(begin, "stack")
            packed_end = _pack_indices(end, "stack_1")
            packed_strides = _pack_indices(strides, "stack_2")
        else:
            packed_begin = packed_end = packed_strides = constant(
                np.zeros(0, np.int32), name="Const"
            )
        return strided_slice(
            tensor,
            packed_begin,
            packed_end,
            packed_strides,
            begin_mask=begin_mask,
            end_mask=end_mask,
            shrink_axis_mask=shrink_axis_mask,
            new_axis_mask=new_axis_mask,
            ellipsis_mask=ellipsis_mask,
            var=var,
            name=scope,
        )


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0) -> Tensor:
    """Gather slices from params axis `axis` according to indices.

    `indices` must be an integer tensor of any dimension (usually 0-D or 1-D). Produces an
    output tensor with shape `params.shape[:axis] + indices.shape + params.shape[axis + 1:]`
    (op `GatherV2`). An index out of range fails at run time with `InvalidArgumentError`.
    The gradient for `params` is a dense tensor (varflow has no `IndexedSlices`).

    With `batch_dims = b`, the first `b` dimensions of `params` and `indices` are batch
    dimensions: `result[i..., j...] = params[i..., indices[i..., j...], ...]` along `axis`
    (default `b`), of shape `params.shape[:axis] + indices.shape[b:] + params.shape[axis + 1:]`
    (TF1's `_batch_gather` composite, built in C++: varflow/train/array_math.h).

    Args:
      params: The `Tensor` from which to gather values. Must be at least rank `axis + 1`.
      indices: The index `Tensor`. Must be one of the following types: `int32`, `int64`.
        Must be in range `[0, params.shape[axis])`.
      validate_indices: Deprecated, does nothing.
      name: A name for the operation (optional).
      axis: A `Tensor`. Must be one of the following types: `int32`, `int64`. The `axis`
        in `params` to gather `indices` from. Defaults to the first dimension (to
        `batch_dims` when that is given, and then a Python int).
      batch_dims: An `integer`. The number of batch dimensions. Must be less than
        `rank(indices)`; a negative value counts from `rank(indices)`.

    Returns:
      A `Tensor`. Has the same type as `params`.

    Raises:
      TypeError: If `indices` is not integer, or `batch_dims` is not an int.
      ValueError: If `batch_dims` or `axis` is out of range, or (with `batch_dims`) the rank
        of `indices` is unknown.
    """
    if not isinstance(batch_dims, (int, np.integer)) or isinstance(batch_dims, bool):
        raise TypeError(f"batch_dims must be an int; got {batch_dims!r}")
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    if not indices.dtype.base_dtype.is_integer:
        raise TypeError(
            f"Value passed to parameter 'indices' has DataType {indices.dtype.base_dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    if batch_dims != 0:
        if axis is not None and not isinstance(axis, (int, np.integer)):
            raise TypeError(f"axis must be a Python int when batch_dims is given; got {axis!r}")
        graph = get_default_graph()
        out = _core.batch_gather(
            graph._core,
            params._output,
            indices._output,
            int(batch_dims),
            None if axis is None else int(axis),
            name or "",
        )
        return graph._tensor_for(out)
    return _op("GatherV2", [params, indices, _int_tensor(0 if axis is None else axis)], name=name)


def embedding_lookup(
    params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None
) -> Tensor:
    """Looks up `ids` in a list of embedding tensors.

    This function is used to perform parallel lookups on the list of tensors in `params`. It
    is a generalization of `tf.gather`, where `params` is interpreted as a partitioning of a
    large embedding tensor. `params` may be a `PartitionedVariable` as returned by using
    `tf.compat.v1.get_variable()` with a partitioner.

    If `len(params) > 1`, each element `id` of `ids` is partitioned between the elements of
    `params` according to the `partition_strategy`. In all strategies, if the id space does
    not evenly divide the number of partitions, each of the first `(max_id + 1) %
    len(params)` partitions will be assigned one more id.

    If `partition_strategy` is `"mod"`, we assign each id to partition `p = id % len(params)`.
    For instance, 13 ids are split across 5 partitions as: `[[0, 5, 10], [1, 6, 11], [2, 7,
    12], [3, 8], [4, 9]]`

    If `partition_strategy` is `"div"`, we assign ids to partitions in a contiguous manner. In
    this case, 13 ids are split across 5 partitions as: `[[0, 1, 2], [3, 4, 5], [6, 7, 8],
    [9, 10], [11, 12]]`

    The results of the lookup are concatenated into a dense tensor. The returned tensor has
    shape `shape(ids) + shape(params)[1:]`. varflow has no `IndexedSlices`: the gradient for
    each partition is a dense tensor of its shape.

    Args:
      params: A single tensor representing the complete embedding tensor, or a list of P
        tensors all of same shape except for the first dimension, representing sharded
        embedding tensors. Alternatively, a `PartitionedVariable`, created by partitioning
        along dimension 0.
      ids: A `Tensor` with type `int32` or `int64` containing the ids to be looked up in
        `params`.
      partition_strategy: A string specifying the partitioning strategy, relevant if
        `len(params) > 1`. Currently `"div"` and `"mod"` are supported. Default is `"mod"`.
      name: A name for the operation (optional).
      validate_indices: Deprecated and ignored.
      max_norm: If not `None`, each embedding is clipped if its l2-norm is larger than this
        value.

    Returns:
      A `Tensor` with the same type as the tensors in `params`.

    Raises:
      ValueError: If `params` is empty, or `partition_strategy` is unknown.
    """
    if params is None:
        raise ValueError("Need at least one param")
    if hasattr(params, "_get_variable_list"):  # a PartitionedVariable
        params = list(params)
    if not isinstance(params, (list, tuple)):
        params = [params]
    from varflow.graph import get_default_graph

    graph = get_default_graph()
    outputs = [convert_to_tensor(p)._output for p in params]
    ids = convert_to_tensor(ids, name="ids")
    return graph._tensor_for(
        _core.embedding_lookup(
            graph._core,
            outputs,
            ids._output,
            partition_strategy,
            None if max_norm is None else float(max_norm),
            name or "",
        )
    )


def tile(input, multiples, name=None) -> Tensor:  # noqa: A002
    """Constructs a tensor by tiling a given tensor.

    This operation creates a new tensor by replicating `input` `multiples` times. The output
    tensor's i'th dimension has `input.dims(i) * multiples[i]` elements, and the values of
    `input` are replicated `multiples[i]` times along the 'i'th dimension.

    Args:
      input: A `Tensor`. 1-D or higher.
      multiples: A `Tensor`. Must be one of the following types: `int32`, `int64`. 1-D.
        Length must be the same as the number of dimensions in `input`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `input`.
    """
    return _op("Tile", [convert_to_tensor(input), _int_tensor(multiples)], name=name)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0) -> Tensor:
    """Pads a tensor.

    This operation pads a `tensor` according to the `paddings` you specify. `paddings` is an
    integer tensor with shape `[n, 2]`, where n is the rank of `tensor`. For each dimension
    D of `input`, `paddings[D, 0]` indicates how many values to add before the contents of
    `tensor` in that dimension, and `paddings[D, 1]` indicates how many values to add after.
    In "REFLECT" and "SYMMETRIC" modes the edges are mirrored (op `MirrorPad`, without or
    with the edge itself); "CONSTANT" pads with `constant_values` (ops `Pad` / `PadV2`).

    Args:
      tensor: A `Tensor`.
      paddings: A `Tensor` of type `int32`.
      mode: One of "CONSTANT", "REFLECT", or "SYMMETRIC" (case-insensitive).
      name: A name for the operation (optional).
      constant_values: In "CONSTANT" mode, the scalar pad value to use. Must be same type
        as `tensor`.

    Returns:
      A `Tensor`. Has the same type as `tensor`.

    Raises:
      ValueError: When mode is not one of "CONSTANT", "REFLECT", or "SYMMETRIC".
    """
    mode = mode.upper()
    tensor = convert_to_tensor(tensor)
    paddings = _int_tensor(paddings)
    if mode == "CONSTANT":
        if not isinstance(constant_values, Tensor) and np.all(np.asarray(constant_values) == 0):
            return _op("Pad", [tensor, paddings], name=name)
        value = convert_to_tensor(constant_values, dtype=tensor.dtype.base_dtype)
        return _op("PadV2", [tensor, paddings, value], name=name)
    if mode in ("REFLECT", "SYMMETRIC"):
        return _op("MirrorPad", [tensor, paddings], {"mode": mode}, name=name)
    raise ValueError(f"Unknown padding mode: {mode}")


def boolean_mask(tensor, mask, name="boolean_mask", axis=None) -> Tensor:
    """Apply boolean mask to tensor.

    Numpy equivalent is `tensor[mask]`. In general, `0 < dim(mask) = K <= dim(tensor)`, and
    `mask`'s shape must match the first K dimensions of `tensor`'s shape (starting at
    `axis`). The mask's dimensions are flattened into one and the true positions (op `Where`)
    gathered from it (op `GatherV2`), as varflow/train/array_math.h builds it.

    Args:
      tensor: N-D tensor.
      mask: K-D boolean tensor, K <= N and K must be known statically.
      name: A name for this operation (optional).
      axis: A 0-D int Tensor representing the axis in `tensor` to mask from. By default,
        axis is 0 which will mask from the first dimension. Otherwise K + axis <= N.

    Returns:
      (N-K+1)-dimensional tensor populated by entries in `tensor` corresponding to `True`
      values in `mask`.

    Raises:
      ValueError: If shapes do not conform.
    """
    from varflow.clip_ops import core_arg

    graph = get_default_graph()
    axis = 0 if axis is None else int(axis)
    out = _core.boolean_mask(graph._core, core_arg(tensor), core_arg(mask), axis, name or "")
    return graph._tensor_for(out)


def one_hot(
    indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None
) -> Tensor:
    """Returns a one-hot tensor.

    The locations represented by indices in `indices` take value `on_value`, while all
    other locations take value `off_value` (op `OneHot`). If the input `indices` is rank
    `N`, the output will have rank `N+1`; the new axis is created at dimension `axis`
    (default: the new axis is appended at the end). Indices out of `[0, depth)` give a row of
    `off_value`.

    Args:
      indices: A `Tensor` of indices.
      depth: A scalar defining the depth of the one hot dimension.
      on_value: A scalar defining the value to fill in output when `indices[j] = i`.
        (default: 1)
      off_value: A scalar defining the value to fill in output when `indices[j] != i`.
        (default: 0)
      axis: The axis to fill (default: -1, a new inner-most axis).
      dtype: The data type of the output tensor.
      name: A name for the operation (optional).

    Returns:
      output: The one-hot tensor.

    Raises:
      TypeError: If dtype of either `on_value` or `off_value` don't match `dtype`, or if
        dtypes of `on_value` and `off_value` don't match one another.
    """
    from varflow.graph import name_scope

    with name_scope(name, "one_hot") as scope:
        on_t = convert_to_tensor(on_value, name="on_value") if on_value is not None else None
        off_t = convert_to_tensor(off_value, name="off_value") if off_value is not None else None
        on_dtype = on_t.dtype.base_dtype if on_t is not None else None
        off_dtype = off_t.dtype.base_dtype if off_t is not None else None
        if on_t is not None or off_t is not None:
            if dtype is not None:
                dtype = dtypes.as_dtype(dtype)
                for d, arg in ((on_dtype, "on_value"), (off_dtype, "off_value")):
                    if d is not None and d != dtype:
                        raise TypeError(
                            f"dtype {d.name} of {arg} does not match dtype parameter {dtype.name}"
                        )
            else:
                dtype = on_dtype if on_t is not None else off_dtype
        dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
        if on_t is not None and off_t is not None and on_dtype != off_dtype:
            raise TypeError(
                f"dtype {on_dtype.name} of on_value does not match dtype {off_dtype.name} of off_value"
            )
        if on_t is None:
            on_t = constant(1, dtype=dtype, name="on_value")
        if off_t is None:
            off_t = constant(0, dtype=dtype, name="off_value")
        indices = convert_to_tensor(indices)
        attrs = {"axis": -1 if axis is None else int(axis)}
        return _op("OneHot", [indices, _int_tensor(depth), on_t, off_t], attrs, scope)


def ensure_shape(x, shape, name=None) -> Tensor:
    """`x`, checked when it runs to have a shape compatible with `shape`, and known to have
    it from then on (TF1's ``tf.ensure_shape``).

    Args:
      x: a tensor.
      shape: a TensorShape or list of dimensions (None for unknown ones).
      name: name of the op.

    Returns:
      `x` with its static shape merged with `shape`.

    Raises:
      ValueError: if x's static shape is incompatible with `shape`.
      InvalidArgumentError (at run time): if x's value has another shape.
    """
    x = convert_to_tensor(x)
    return _op("EnsureShape", [x], {"shape": _core_shape(shape)}, name or "EnsureShape")
