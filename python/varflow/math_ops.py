"""Math ops and the operator overloads of Tensor and Variable."""

from __future__ import annotations

import builtins

from varflow import dtypes
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
    x, y = _binary_inputs(x, y)
    return _op("Add", [x, y], name=name)


def _add_v2(x, y, name=None) -> Tensor:
    x, y = _binary_inputs(x, y)
    return _op("AddV2", [x, y], name=name or "add")


def subtract(x, y, name=None) -> Tensor:
    x, y = _binary_inputs(x, y)
    return _op("Sub", [x, y], name=name)


def multiply(x, y, name=None) -> Tensor:
    x, y = _binary_inputs(x, y)
    return _op("Mul", [x, y], name=name)


def truediv(x, y, name=None) -> Tensor:
    """x / y; integer operands are cast to float64 first (float32 for int16), as in TF1."""
    x, y = _binary_inputs(x, y)
    with name_scope(name, "truediv") as scope:
        if x.dtype.base_dtype.is_integer:
            x = cast(x, dtypes.float64)
            y = cast(y, dtypes.float64)
        return _op("RealDiv", [x, y], name=scope)


def divide(x, y, name=None) -> Tensor:
    if name is not None:
        return truediv(x, y, name=name)
    return truediv(x, y)


def realdiv(x, y, name=None) -> Tensor:
    x, y = _binary_inputs(x, y)
    return _op("RealDiv", [x, y], name=name)


def div(x, y, name=None) -> Tensor:
    """TF1's legacy division: integer division for ints, true division for floats."""
    x, y = _binary_inputs(x, y)
    return _op("Div" if not x.dtype.base_dtype.is_integer else "FloorDiv", [x, y], name=name)


def floordiv(x, y, name=None) -> Tensor:
    x, y = _binary_inputs(x, y)
    return _op("FloorDiv", [x, y], name=name)


def truncatediv(x, y, name=None) -> Tensor:
    """Division rounding toward zero (op TruncateDiv); integer division by zero is an error."""
    x, y = _binary_inputs(x, y)
    return _op("TruncateDiv", [x, y], name=name)


def negative(x, name=None) -> Tensor:
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
    return _reduction("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_all(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction("All", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_any(
    input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None
):
    return _reduction("Any", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _arg_reduction(op_type, input, axis, name, dimension, output_type):  # noqa: A002
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    if axis is None:
        axis = dimension
    if axis is None:
        axis = 0
    x = convert_to_tensor(input)
    axis_t = convert_to_index_tensor(axis)
    return _op(op_type, [x, axis_t], {"output_type": dtypes.as_dtype(output_type)._core}, name)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64) -> Tensor:  # noqa: A002
    """Index of the largest value along `axis` (default 0) (op ArgMax)."""
    return _arg_reduction("ArgMax", input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64) -> Tensor:  # noqa: A002
    """Index of the smallest value along `axis` (default 0) (op ArgMin)."""
    return _arg_reduction("ArgMin", input, axis, name, dimension, output_type)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
    x = convert_to_tensor(x)
    axis = convert_to_index_tensor(axis)
    return _op("Cumprod", [x, axis], {"exclusive": bool(exclusive), "reverse": bool(reverse)}, name)


_RANGE_HIERARCHY = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:  # noqa: A001
    """TF1's tf.range: [start, limit) by delta; dtype inferred as the widest of the arguments'
    (int32 < int64 < float32 < float64) unless given."""
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
    """Sums rows of `data` into `num_segments` buckets by `segment_ids` (negative ids are dropped)
    (op UnsortedSegmentSum)."""
    data = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids)
    num = (
        num_segments if isinstance(num_segments, Tensor) else convert_to_index_tensor(num_segments)
    )
    return _op("UnsortedSegmentSum", [data, ids, num], name=name)


def tensordot(a, b, axes, name=None) -> Tensor:
    """TF1's tf.tensordot for operands with static shapes: contracts a's `axes[0]` with b's
    `axes[1]` (or a's last and b's first `axes` dimensions) as one MatMul."""
    import numpy as np

    from varflow import array_ops

    with name_scope(name, "Tensordot") as scope:
        a = convert_to_tensor(a, name="a")
        b = convert_to_tensor(b, name="b", dtype=a.dtype.base_dtype)
        sa, sb = a.shape, b.shape
        if not sa.is_fully_defined() or not sb.is_fully_defined():
            raise NotImplementedError("tensordot needs operands with fully defined static shapes")
        da, db = sa.as_list(), sb.as_list()
        if isinstance(axes, (int, np.integer)):
            n = int(axes)
            if n < 0:
                raise ValueError("'axes' must be at least 0.")
            if n > len(da) or n > len(db):
                raise ValueError(
                    f"'axes' must not be larger than the number of dimensions of tensor {a}.  "
                    f"Received {n}, vs tensor dimensions {min(len(da), len(db))}."
                )
            axes_a = [len(da) - n + i for i in _py_range(n)]
            axes_b = list(_py_range(n))
        else:
            if len(axes) != 2:
                raise ValueError(f"'axes' must be an integer or have length 2, got {axes}.")
            axes_a, axes_b = axes
            axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
            axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
            if len(axes_a) != len(axes_b):
                raise ValueError(
                    f"Different number of contraction axes 'a' and 'b', {len(axes_a)} != {len(axes_b)}."
                )
        for axes_of, dims, operand in ((axes_a, da, "a"), (axes_b, db, "b")):
            for x in axes_of:
                if not -len(dims) <= int(x) < len(dims):
                    raise ValueError(
                        f"tensordot: axis {int(x)} of '{operand}' is out of range for a tensor of "
                        f"rank {len(dims)} (shape {dims})"
                    )
        axes_a = [int(x) % len(da) for x in axes_a]
        axes_b = [int(x) % len(db) for x in axes_b]
        for axes_of, operand in ((axes_a, "a"), (axes_b, "b")):
            if len(set(axes_of)) != len(axes_of):
                raise ValueError(f"tensordot: repeated contraction axes of '{operand}': {axes_of}")
        for x, y in zip(axes_a, axes_b, strict=True):
            if da[x] != db[y]:
                raise ValueError(
                    f"Dimensions must be equal, but are {da[x]} and {db[y]} for tensordot"
                )
        free_a = [i for i in _py_range(len(da)) if i not in axes_a]
        free_b = [i for i in _py_range(len(db)) if i not in axes_b]
        prod = lambda dims: int(np.prod(dims)) if dims else 1  # noqa: E731
        a2 = array_ops.reshape(
            array_ops.transpose(a, free_a + axes_a)
            if free_a + axes_a != list(_py_range(len(da)))
            else a,
            [prod([da[i] for i in free_a]), prod([da[i] for i in axes_a])],
        )
        b2 = array_ops.reshape(
            array_ops.transpose(b, axes_b + free_b)
            if axes_b + free_b != list(_py_range(len(db)))
            else b,
            [prod([db[i] for i in axes_b]), prod([db[i] for i in free_b])],
        )
        ab = matmul(a2, b2)
        return array_ops.reshape(ab, [da[i] for i in free_a] + [db[i] for i in free_b], name=scope)


def leaky_relu(features, alpha=0.2, name=None) -> Tensor:
    """TF1's tf.nn.leaky_relu: x if x > 0 else alpha * x (op LeakyRelu, attr alpha)."""
    import numpy as np

    with name_scope(name, "LeakyRelu") as scope:
        features = convert_to_tensor(features, name="features")
        if features.dtype.base_dtype.is_integer:
            features = cast(features, dtypes.float32)
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        return _op("LeakyRelu", [features], {"alpha": float(alpha)}, scope)


def selu(features, name=None) -> Tensor:
    """TF1's tf.nn.selu: scale * (x if x > 0 else alpha * (exp(x) - 1)) (op Selu)."""
    return _op("Selu", [convert_to_tensor(features)], name=name)


def _unary(op_type):
    def fn(x, name=None) -> Tensor:
        return _op(op_type, [convert_to_tensor(x)], name=name)

    fn.__name__ = op_type.lower()
    fn.__doc__ = f"Elementwise {op_type} (TF1's tf.{op_type.lower()})."
    return fn


def _binary(op_type):
    def fn(x, y, name=None) -> Tensor:
        x, y = _binary_inputs(x, y)
        return _op(op_type, [x, y], name=name)

    fn.__doc__ = f"Elementwise {op_type} with broadcasting."
    return fn


abs = _unary("Abs")  # noqa: A001 - TF1's name
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
round = _unary("Round")  # noqa: A001
logical_not = _unary("LogicalNot")

maximum = _binary("Maximum")
minimum = _binary("Minimum")
pow = _binary("Pow")  # noqa: A001
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
    with name_scope(name, "LogicalXor") as scope:
        return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=scope)


def where(condition, x=None, y=None, name=None) -> Tensor:
    """TF1's tf.where: with x and y, an elementwise select of x or y (same shapes) by a bool
    condition; with neither, the int64 [num_true, rank] coordinates of the true elements (op
    Where)."""
    if x is None and y is None:
        return _op("Where", [convert_to_tensor(condition)], name=name or "Where")
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    cond = convert_to_tensor(condition)
    x, y = _binary_inputs(x, y)
    return _op("Select", [cond, x, y], name=name or "Select")


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None) -> Tensor:
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
