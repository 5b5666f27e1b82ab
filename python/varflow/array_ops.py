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
    dtype = dtypes.as_dtype(dtype)
    return _op(
        "Placeholder",
        [],
        {"dtype": dtype._core, "shape": _core_shape(shape)},
        name or "Placeholder",
    )


def placeholder_with_default(input, shape, name=None) -> Tensor:  # noqa: A002 - TF1's name
    x = convert_to_tensor(input)
    return _op("PlaceholderWithDefault", [x], {"shape": _core_shape(shape)}, name)


def identity(input, name=None) -> Tensor:  # noqa: A002
    return _op("Identity", [convert_to_tensor(input)], name=name)


def stop_gradient(input, name=None) -> Tensor:  # noqa: A002
    return _op("StopGradient", [convert_to_tensor(input)], name=name)


def shape(input, name=None, out_type=dtypes.int32) -> Tensor:  # noqa: A002
    attrs = {"out_type": dtypes.as_dtype(out_type)._core}
    return _op("Shape", [convert_to_tensor(input)], attrs, name)


def size(input, name=None, out_type=dtypes.int32) -> Tensor:  # noqa: A002
    attrs = {"out_type": dtypes.as_dtype(out_type)._core}
    return _op("Size", [convert_to_tensor(input)], attrs, name)


def rank(input, name=None) -> Tensor:  # noqa: A002
    return _op("Rank", [convert_to_tensor(input)], name=name)


def reshape(tensor, shape, name=None) -> Tensor:
    return _op(
        "Reshape",
        [convert_to_tensor(tensor), _int_tensor(shape)],
        name=name,
    )


def zeros_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype.base_dtype:
        dims = tensor.shape.as_list() if tensor.shape.is_fully_defined() else shape(tensor)
        return zeros(dims, dtype=dtype, name=name or "zeros_like")
    return _op("ZerosLike", [tensor], name=name)


def ones_like(tensor, dtype=None, name=None, optimize=True) -> Tensor:
    tensor = convert_to_tensor(tensor)
    if dtype is not None and dtypes.as_dtype(dtype) != tensor.dtype.base_dtype:
        dims = tensor.shape.as_list() if tensor.shape.is_fully_defined() else shape(tensor)
        return ones(dims, dtype=dtype, name=name or "ones_like")
    return _op("OnesLike", [tensor], name=name)


def fill(dims, value, name=None) -> Tensor:
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
    return _filled(shape, 0, dtype, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None) -> Tensor:
    return _filled(shape, 1, dtype, name or "ones")


def cast(x, dtype, name=None) -> Tensor:
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype)
    if x.dtype.base_dtype == dtype:
        return x
    return _op("Cast", [x], {"DstT": dtype._core, "SrcT": x.dtype.base_dtype._core}, name or "Cast")


def broadcast_to(input, shape, name=None) -> Tensor:  # noqa: A002
    return _op(
        "BroadcastTo",
        [convert_to_tensor(input), _int_tensor(shape)],
        name=name,
    )


__all__ = ["constant", "placeholder"]


def stack(values, axis=0, name="stack") -> Tensor:
    """Stacks a list of same-shape tensors along a new axis (op Pack)."""
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
    """Splits a tensor along `axis` into a list of tensors (op Unpack)."""
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
    """Permutes the dimensions of `a`; reverses them when perm is None (op Transpose)."""
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
    """Inserts a dimension of 1 at `axis` (op ExpandDims); `dim` is TF1's deprecated alias."""
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    return _op("ExpandDims", [convert_to_tensor(input), _int_tensor(axis)], name=name)


def squeeze(input, axis=None, name=None, squeeze_dims=None) -> Tensor:  # noqa: A002
    """Removes dimensions of size 1 (all of them, or those in `axis`) (op Squeeze)."""
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
    """Concatenates tensors along `axis` (op ConcatV2)."""
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
    """Splits into `num_or_size_splits` equal parts (op Split) or parts of the given sizes (SplitV)."""
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
    """input_[begin : begin + size] in every dimension; size -1 means "to the end" (op Slice)."""
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
    """NumPy-style strided slicing with TF's masks (op StridedSlice)."""
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
    StridedSlice; a bool tensor index is a boolean_mask."""
    import sys

    from varflow.graph import name_scope

    if isinstance(slice_spec, Tensor) and slice_spec.dtype.base_dtype == dtypes.bool:
        return boolean_mask(tensor, slice_spec)
    if isinstance(slice_spec, bool):
        raise NotImplementedError("indexing with a Python bool is not supported")
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
    """params gathered at `indices` along `axis` (op GatherV2). An index out of range fails at
    run time with InvalidArgumentError. The gradient for params is dense (see UnsortedSegmentSum)."""
    if batch_dims != 0:
        raise NotImplementedError("gather with batch_dims != 0 is not supported")
    params = convert_to_tensor(params)
    indices = convert_to_tensor(indices)
    if not indices.dtype.base_dtype.is_integer:
        raise TypeError(
            f"Value passed to parameter 'indices' has DataType {indices.dtype.base_dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    return _op("GatherV2", [params, indices, _int_tensor(0 if axis is None else axis)], name=name)


def embedding_lookup(
    params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None
) -> Tensor:
    """TF1's tf.nn.embedding_lookup for one (unpartitioned) params tensor: a gather of rows.
    varflow has no IndexedSlices: the gradient for params is a dense tensor of params' shape
    (an UnsortedSegmentSum of the upstream gradient rows)."""
    from varflow.graph import name_scope

    if isinstance(params, (list, tuple)):
        if len(params) != 1:
            raise NotImplementedError(
                "embedding_lookup over partitioned params is not supported yet"
            )
        params = params[0]
    if params is None:
        raise ValueError("Need at least one param")
    with name_scope(name, "embedding_lookup") as scope:
        ids = convert_to_tensor(ids, name="ids")
        result = gather(params, ids, name=scope)
        if max_norm is not None:
            # TF1: each embedding (the dimensions past the ids') is clipped to L2 norm max_norm.
            from varflow import clip_ops, math_ops

            if ids.shape.ndims is not None and result.shape.ndims is not None:
                axes = list(range(ids.shape.ndims, result.shape.ndims))
            else:
                axes = math_ops.range(rank(ids), rank(result))
            result = clip_ops.clip_by_norm(result, max_norm, axes=axes)
        return identity(result)


def tile(input, multiples, name=None) -> Tensor:  # noqa: A002
    """Repeats `input` `multiples[i]` times along dimension i (op Tile)."""
    return _op("Tile", [convert_to_tensor(input), _int_tensor(multiples)], name=name)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0) -> Tensor:
    """Pads with `constant_values` (ops Pad / PadV2), or by mirroring the edges for modes
    REFLECT / SYMMETRIC (op MirrorPad); paddings is [rank, 2] (before, after)."""
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
    """TF1's tf.boolean_mask: the entries of `tensor` where `mask` is true. The mask's
    dimensions (starting at `axis`) are flattened into one and the true positions (op Where)
    gathered from it (op GatherV2)."""
    from varflow.graph import name_scope
    from varflow.math_ops import reduce_prod, where

    with name_scope(name, values=[tensor, mask]):
        tensor = convert_to_tensor(tensor, name="tensor")
        mask = convert_to_tensor(mask, name="mask")
        shape_mask = mask.get_shape()
        ndims_mask = shape_mask.ndims
        shape_tensor = tensor.get_shape()
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError(
                "Number of mask dimensions must be specified, even if some dimensions"
                " are None.  E.g. shape=[None] is ok, but shape=None is not."
            )
        axis = 0 if axis is None else axis
        shape_tensor[axis : axis + ndims_mask].assert_is_compatible_with(shape_mask)
        leading_size = reduce_prod(shape(tensor)[axis : axis + ndims_mask], [0])
        tensor = reshape(
            tensor,
            concat(
                [shape(tensor)[:axis], stack([leading_size]), shape(tensor)[axis + ndims_mask :]],
                0,
            ),
        )
        if shape_tensor.ndims is not None:
            first_dim = shape_tensor[axis : axis + ndims_mask].num_elements()
            tensor.set_shape(
                shape_tensor[:axis].as_list()
                + [first_dim]
                + shape_tensor[axis + ndims_mask :].as_list()
            )
        mask = reshape(mask, [-1])
        indices = squeeze(where(mask), axis=[1])
        return gather(tensor, indices, axis=axis)


def one_hot(
    indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None
) -> Tensor:
    """One-hot vectors of length `depth` at `axis` (default last) (op OneHot)."""
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
