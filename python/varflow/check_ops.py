"""TF1's assertions: ``tf.Assert`` and ``tf.debugging.assert_*`` (``tf.assert_*``).

Each assertion is an ``Assert`` op that fails its run with InvalidArgumentError
("assertion failed: [message] [x (x:0) = ] [1 2]...") unless its condition holds. As in TF1, a
check that the graph alone decides is made when the graph is built: a constant that fails an
elementwise check raises InvalidArgumentError there, a known rank that fails a rank check a
ValueError, and a check known to pass builds a NoOp.
"""

from __future__ import annotations

import collections

import numpy as np

from varflow import dtypes, errors
from varflow.graph import Tensor, convert_to_tensor, name_scope

__all__ = [
    "Assert",
    "assert_equal",
    "assert_greater",
    "assert_greater_equal",
    "assert_integer",
    "assert_less",
    "assert_less_equal",
    "assert_near",
    "assert_negative",
    "assert_non_negative",
    "assert_non_positive",
    "assert_none_equal",
    "assert_positive",
    "assert_proper_iterable",
    "assert_rank",
    "assert_rank_at_least",
    "assert_rank_in",
    "assert_same_float_dtype",
    "assert_scalar",
    "assert_shapes",
    "assert_type",
    "is_non_decreasing",
    "is_numeric_tensor",
    "is_strictly_increasing",
]


def _tf():
    import varflow

    return varflow


def constant_value(t):
    """The value of `t` when the graph alone decides it, else None.

    TF's `tensor_util.constant_value` for what the checks need: a constant (through
    identities), or the shape, rank or size of a tensor whose shape is known.

    Args:
      t: A `Tensor` (anything else gives None).

    Returns:
      A NumPy array, or None.
    """
    if not isinstance(t, Tensor):
        return None
    op = t.op
    if op.type == "Const":
        return np.asarray(op.get_attr("value"))
    if op.type in ("Shape", "Size", "Rank"):
        shape = op.inputs[0].shape
        if op.type == "Rank" and shape.ndims is not None:
            return np.asarray(shape.ndims, np.int32)
        if shape.is_fully_defined():
            dims = shape.as_list()
            dtype = t.dtype.as_numpy_dtype
            if op.type == "Shape":
                return np.asarray(dims, dtype)
            return np.asarray(int(np.prod(dims)), dtype)
    if op.type == "Identity":
        return constant_value(op.inputs[0])
    return None


def _data_tensors(data):
    return [x if isinstance(x, Tensor) else convert_to_tensor(x) for x in data]


def Assert(condition, data, summarize=None, name=None):
    """Asserts that the given condition is true.

    If `condition` evaluates to false, print the list of tensors in `data`. `summarize`
    determines how many entries of the tensors to print.

    In graph mode, add a control dependency on the returned op to make the assertion run:

    ```python
    # Ensure maximum element of x is smaller or equal to 1
    assert_op = tf.Assert(tf.less_equal(tf.reduce_max(x), 1.), [x])
    with tf.control_dependencies([assert_op]):
      ... code using x ...
    ```

    Args:
      condition: The condition to evaluate (a scalar bool `Tensor` or Python bool).
      data: The tensors to print out when condition is false.
      summarize: Print this many entries of each tensor (default 3; -1: all).
      name: A name for this operation (optional).

    Returns:
      assert_op: An `Operation` that, when executed, raises a `tf.errors.InvalidArgumentError`
      if `condition` is not true.

    Raises:
      TypeError: If `condition` is not boolean.
    """
    with name_scope(name, "Assert", [condition, data]):
        xs = _data_tensors(data)
        condition = convert_to_tensor(condition, name="Condition")
        graph = condition.graph
        attrs = {} if summarize is None else {"summarize": int(summarize)}
        return graph.create_op("Assert", [condition, *xs], attrs=attrs, name="Assert")


def _no_op(name):
    return _tf().no_op(name=name)


def _maybe_constant_value_string(t):
    if not isinstance(t, Tensor):
        return str(t)
    value = constant_value(t)
    return str(value) if value is not None else str(t)


def _assert_static(condition, data):
    if not condition:
        raise errors.InvalidArgumentError(
            None, None, "\n".join(_maybe_constant_value_string(x) for x in data)
        )


def _message_prefix(message):
    return f"{message}.  " if message else ""


def _binary_assert(sym, opname, op_func, static_func, x, y, data, summarize, message, name):
    tf = _tf()
    with name_scope(name, opname, [x, y, data]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y")
        if data is None:
            data = [
                f"Condition x {sym} y did not hold element-wise:",
                f"x ({x.name}) = ",
                x,
                f"y ({y.name}) = ",
                y,
            ]
        if message is not None:
            data = [message, *list(data)]
        condition = tf.reduce_all(op_func(x, y))
        x_static = constant_value(x)
        y_static = constant_value(y)
        if x_static is not None and y_static is not None:
            _assert_static(bool(np.all(static_func(x_static, y_static))), data)
        return Assert(condition, data, summarize=summarize)


def _binary_doc(sym):
    return f"""Assert the condition `x {sym} y` holds element-wise.

    This condition holds if for every pair of (possibly broadcast) elements `x[i]`, `y[i]`, we
    have `x[i] {sym} y[i]`. If both `x` and `y` are empty, this is trivially satisfied.

    When running in graph mode, you should add a dependency on this operation to ensure that
    it runs:

    ```python
    with tf.control_dependencies([tf.assert_...(x, y)]):
      output = tf.reduce_sum(x)
    ```

    Args:
      x:  Numeric `Tensor`.
      y:  Numeric `Tensor`, same dtype as and broadcastable to `x`.
      data:  The tensors to print out if the condition is False. Defaults to error message
        and first few entries of `x`, `y`.
      summarize: Print this many entries of each tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional).

    Returns:
      Op that raises `InvalidArgumentError` if `x {sym} y` is False.

    Raises:
      InvalidArgumentError: if the check can be performed immediately and `x {sym} y` is
        False. The check can be performed immediately if `x` and `y` are statically known.
    """


def _binary_check(opname, sym, compare, np_compare, trivial_if_same=False):
    """The public `assert_<opname>` for `x <sym> y` element-wise."""

    def _check(x, y, data=None, summarize=None, message=None, name=None):
        if trivial_if_same:
            # TF1 opens this scope first, so the check's own ops are named "assert_equal_1/...".
            with name_scope(name, opname, [x, y, data]):
                if x is y:
                    return _no_op(None)
        return _binary_assert(
            sym, opname, getattr(_tf(), compare), np_compare, x, y, data, summarize, message, name
        )

    _check.__name__ = _check.__qualname__ = opname
    _check.__doc__ = _binary_doc(sym)
    return _check


assert_equal = _binary_check("assert_equal", "==", "equal", np.equal, trivial_if_same=True)
assert_none_equal = _binary_check("assert_none_equal", "!=", "not_equal", np.not_equal)
assert_less = _binary_check("assert_less", "<", "less", np.less)
assert_less_equal = _binary_check("assert_less_equal", "<=", "less_equal", np.less_equal)
assert_greater = _binary_check("assert_greater", ">", "greater", np.greater)
assert_greater_equal = _binary_check(
    "assert_greater_equal", ">=", "greater_equal", np.greater_equal
)


def _unary_doc(sym, what):
    return f"""Assert the condition `x {sym}` holds element-wise.

    {what.capitalize()} means, for every element `x[i]` of `x`, we have `x[i] {sym}`. If `x`
    is empty this is trivially satisfied. In graph mode, add a control dependency on the
    returned op to make it run.

    Args:
      x:  Numeric `Tensor`.
      data:  The tensors to print out if the condition is False. Defaults to error message
        and first few entries of `x`.
      summarize: Print this many entries of each tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional).

    Returns:
      Op that raises `InvalidArgumentError` if `x {sym}` is False.

    Raises:
      InvalidArgumentError: if the check can be performed immediately and `x {sym}` is False
        (`x` is statically known).
    """


def _unary_check(opname, sym, what, binary_check, zero_first, joined_message=False):
    """The public `assert_<opname>` for `x <sym>` element-wise, as TF1 builds it: a binary check
    of `x` against zero (`zero_first` puts zero on the left)."""

    def _check(x, data=None, summarize=None, message=None, name=None):
        prefix = _message_prefix(message)
        with name_scope(name, opname, [x, data]):
            x = convert_to_tensor(x, name="x")
            if data is None:
                condition = f"Condition x {sym} did not hold element-wise:"
                if joined_message:  # TF1's message has no separator here for this one
                    data = [prefix, f"{condition}x ({x.name}) = ", x]
                else:
                    data = [prefix, condition, f"x ({x.name}) = ", x]
            zero = convert_to_tensor(0, dtype=x.dtype)
            left, right = (zero, x) if zero_first else (x, zero)
            return binary_check(left, right, data=data, summarize=summarize)

    _check.__name__ = _check.__qualname__ = opname
    _check.__doc__ = _unary_doc(sym, what)
    return _check


assert_negative = _unary_check("assert_negative", "< 0", "negative", assert_less, False)
assert_positive = _unary_check("assert_positive", "> 0", "positive", assert_less, True)
assert_non_negative = _unary_check(
    "assert_non_negative", ">= 0", "non-negative", assert_less_equal, True
)
assert_non_positive = _unary_check(
    "assert_non_positive", "<= 0", "non-positive", assert_less_equal, False, joined_message=True
)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x` and `y` are close element-wise.

    This condition holds if for every pair of (possibly broadcast) elements `x[i]`, `y[i]`, we
    have `tf.abs(x[i] - y[i]) <= atol + rtol * tf.abs(y[i])`. If both `x` and `y` are empty,
    this is trivially satisfied. The default `atol` and `rtol` is `10 * eps`, where `eps` is
    the smallest representable positive number such that `1 + eps != 1`.

    Args:
      x:  Float or complex `Tensor`.
      y:  Float or complex `Tensor`, same `dtype` as, and broadcastable to, `x`.
      rtol:  `Tensor`. Same `dtype` as, and broadcastable to, `x`. The relative tolerance.
      atol:  `Tensor`. Same `dtype` as, and broadcastable to, `x`. The absolute tolerance.
      data:  The tensors to print out if the condition is False.
      summarize: Print this many entries of each tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional). Defaults to "assert_near".

    Returns:
      Op that raises `InvalidArgumentError` if `x` and `y` are not close enough.
    """
    tf = _tf()
    message = _message_prefix(message)
    with name_scope(name, "assert_near", [x, y, rtol, atol, data]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", dtype=x.dtype)
        dtype = x.dtype.real_dtype if x.dtype.is_complex else x.dtype
        eps = np.finfo(dtype.as_numpy_dtype).eps
        rtol = 10 * eps if rtol is None else rtol
        atol = 10 * eps if atol is None else atol
        rtol = convert_to_tensor(rtol, name="rtol", dtype=dtype)
        atol = convert_to_tensor(atol, name="atol", dtype=dtype)
        if data is None:
            data = [
                message,
                f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
                f"x ({x.name}) = ",
                x,
                f"y ({y.name}) = ",
                y,
            ]
        tol = atol + rtol * tf.abs(y)
        diff = tf.abs(x - y)
        condition = tf.reduce_all(tf.less(diff, tol))
        return Assert(condition, data, summarize=summarize)


def _assert_rank_condition(x, rank, static_condition, dynamic_condition, data, summarize):
    tf = _tf()
    assert_type(rank, dtypes.int32)
    rank_static = constant_value(rank)
    if rank_static is not None:
        if rank_static.ndim != 0:
            raise ValueError("Rank must be a scalar.")
        x_rank_static = x.shape.ndims
        if x_rank_static is not None:
            if not static_condition(x_rank_static, rank_static):
                raise ValueError("Static rank condition failed", x_rank_static, rank_static)
            return _no_op("static_checks_determined_all_ok")
    condition = dynamic_condition(tf.rank(x), rank)
    if rank_static is None:
        rank_check = assert_rank(rank, 0, data=["Rank must be a scalar. Received rank: ", rank])
        with tf.control_dependencies([rank_check]):
            condition = tf.identity(condition)
    return Assert(condition, data, summarize=summarize)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """Assert `x` has rank equal to `rank`.

    Args:
      x:  Numeric `Tensor`.
      rank:  Scalar integer `Tensor`.
      data:  The tensors to print out if the condition is False. Defaults to error message
        and the shape of `x`.
      summarize: Print this many entries of each tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional). Defaults to "assert_rank".

    Returns:
      Op raising `InvalidArgumentError` unless `x` has specified rank. If static checks
      determine `x` has correct rank, a `no_op` is returned.

    Raises:
      ValueError:  If static checks determine `x` has wrong rank.
    """
    tf = _tf()
    with name_scope(name, "assert_rank", (x, rank, *tuple(data or []))):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [
                message,
                f"Tensor {x.name} must have rank",
                rank,
                "Received shape: ",
                tf.shape(x),
            ]
        try:
            return _assert_rank_condition(x, rank, lambda a, g: a == g, tf.equal, data, summarize)
        except ValueError as e:
            if e.args[0] == "Static rank condition failed":
                raise ValueError(
                    f"{message}Tensor {x.name} must have rank {int(e.args[2])}.  Received rank "
                    f"{e.args[1]}, shape {x.shape}"
                ) from None
            raise ValueError(e.args[0]) from None


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """Assert `x` has rank equal to `rank` or higher.

    Args:
      x:  Numeric `Tensor`.
      rank:  Scalar `Tensor`.
      data:  The tensors to print out if the condition is False. Defaults to error message
        and first few entries of `x`.
      summarize: Print this many entries of each tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional). Defaults to "assert_rank_at_least".

    Returns:
      Op raising `InvalidArgumentError` unless `x` has specified rank or higher. If static
      checks determine `x` has correct rank, a `no_op` is returned.

    Raises:
      ValueError:  If static checks determine `x` has wrong rank.
    """
    tf = _tf()
    with name_scope(name, "assert_rank_at_least", (x, rank, *tuple(data or []))):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [
                message,
                f"Tensor {x.name} must have rank at least",
                rank,
                "Received shape: ",
                tf.shape(x),
            ]
        try:
            return _assert_rank_condition(
                x, rank, lambda a, g: a >= g, tf.greater_equal, data, summarize
            )
        except ValueError as e:
            if e.args[0] == "Static rank condition failed":
                raise ValueError(
                    f"{message}Tensor {x.name} must have rank at least {int(e.args[2])}.  "
                    f"Received rank {e.args[1]}, shape {x.shape}"
                ) from None
            raise


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """Assert `x` has rank in `ranks`.

    Args:
      x:  Numeric `Tensor`.
      ranks:  Iterable of scalar `Tensor` objects.
      data:  The tensors to print out if the condition is False.
      summarize: Print this many entries of each tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional). Defaults to "assert_rank_in".

    Returns:
      Op raising `InvalidArgumentError` unless rank of `x` is in `ranks`. If static checks
      determine `x` has matching rank, a `no_op` is returned.

    Raises:
      ValueError:  If static checks determine `x` has mismatched rank.
    """
    tf = _tf()
    with name_scope(name, "assert_rank_in", (x, *tuple(ranks), *tuple(data or []))):
        x = convert_to_tensor(x, name="x")
        ranks = tuple(convert_to_tensor(r, name="rank") for r in ranks)
        message = _message_prefix(message)
        if data is None:
            data = [
                message,
                f"Tensor {x.name} must have rank in",
                *ranks,
                "Received shape: ",
                tf.shape(x),
            ]
        for r in ranks:
            assert_type(r, dtypes.int32)
        statics = tuple(constant_value(r) for r in ranks)
        if all(s is not None for s in statics):
            if any(s.ndim != 0 for s in statics):
                raise ValueError("Rank must be a scalar.")
            if x.shape.ndims is not None:
                if x.shape.ndims not in [int(s) for s in statics]:
                    raise ValueError(
                        f"{message}Tensor {x.name} must have rank in "
                        f"{tuple(int(s) for s in statics)}.  Received rank {x.shape.ndims}, "
                        f"shape {x.shape}"
                    )
                return _no_op("static_checks_determined_all_ok")
        x_rank = tf.rank(x)
        condition = tf.constant(False) if not ranks else tf.equal(ranks[0], x_rank)
        for r in ranks[1:]:
            condition = tf.logical_or(condition, tf.equal(r, x_rank))
        return Assert(condition, data, summarize=summarize)


def assert_integer(x, message=None, name=None):
    """Assert that `x` is of integer dtype.

    Args:
      x: `Tensor` whose basetype is integer and is not quantized.
      message: A string to prefix to the default message.
      name: A name for this operation (optional). Defaults to "assert_integer".

    Raises:
      TypeError:  If `x.dtype` is anything other than non-quantized integer.

    Returns:
      A `no_op` that does nothing. Type can be determined statically.
    """
    with name_scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError(
                f'{_message_prefix(message)}Expected "x" to be integer type.  Found: {x.name} of '
                f"dtype {x.dtype}"
            )
        return _no_op("statically_determined_was_integer")


def assert_type(tensor, tf_type, message=None, name=None):
    """Statically asserts that the given `Tensor` is of the specified type.

    Args:
      tensor: A `Tensor`.
      tf_type: A tensorflow type (`dtypes.float32`, `tf.int64`, `dtypes.bool`, etc).
      message: A string to prefix to the default message.
      name:  A name to give this `Op`. Defaults to "assert_type"

    Raises:
      TypeError: If the tensors data type doesn't match `tf_type`.

    Returns:
      A `no_op` that does nothing. Type can be determined statically.
    """
    tf_type = dtypes.as_dtype(tf_type)
    with name_scope(name, "assert_type", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype != tf_type:
            raise TypeError(
                f"{_message_prefix(message)}{getattr(tensor, 'name', 'tensor')} must be of type "
                f"{tf_type!r}; got {tensor.dtype!r}"
            )
        return _no_op("statically_determined_correct_type")


def assert_scalar(tensor, name=None, message=None):
    """Asserts that the given `tensor` is a scalar (i.e. zero-dimensional).

    This function raises `ValueError` unless it can be certain that the given `tensor` is a
    scalar. `ValueError` is also raised if the shape of `tensor` is unknown.

    Args:
      tensor: A `Tensor`.
      name:  A name for this operation. Defaults to "assert_scalar"
      message: A string to prefix to the default message.

    Returns:
      The input tensor (potentially converted to a `Tensor`).

    Raises:
      ValueError: If the tensor is not scalar (rank 0), or if its shape is unknown.
    """
    with name_scope(name, "assert_scalar", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name=scope)
        shape = tensor.shape
        if shape.ndims != 0:
            raise ValueError(
                f"{_message_prefix(message)}Expected scalar shape for {tensor.name}, saw shape: "
                f"{shape}."
            )
        return tensor


def assert_proper_iterable(values):
    """Static assert that values is a "proper" iterable.

    `Ops` that expect iterables of `Tensor` can call this to validate input. Useful since
    `Tensor`, `ndarray`, byte/text type are all iterables themselves.

    Args:
      values:  Object to be checked.

    Raises:
      TypeError:  If `values` is not iterable or is one of `Tensor`, `SparseTensor`,
        `np.array`, `tf.compat.bytes_or_text_types`.
    """
    unintentional = (Tensor, np.ndarray, bytes, str)
    try:
        from varflow.sparse_tensor import SparseTensor

        unintentional = (*unintentional, SparseTensor)
    except ImportError:
        pass
    if isinstance(values, unintentional):
        raise TypeError(
            f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}'
        )
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


def assert_same_float_dtype(tensors=None, dtype=None):
    """Validate and return float type based on `tensors` and `dtype`.

    For ops such as matrix multiplication, inputs and weights must be of the same float type.
    This function validates that all `tensors` are the same type, validates that type is
    `dtype` (if supplied), and returns the type. Type must be a floating point type. If
    neither `tensors` nor `dtype` is supplied, the function will return `dtypes.float32`.

    Args:
      tensors: Tensors of input values. Can include `None` elements, which will be ignored.
      dtype: Expected type.

    Returns:
      Validated type.

    Raises:
      ValueError: if neither `tensors` nor `dtype` is supplied, or result is not float, or the
        common type of the inputs is not a floating point type.
    """
    if tensors:
        expected = dtype
        first = None
        for item in tensors:
            if item is None:
                continue
            item_type = item.dtype.base_dtype
            if expected is None:
                expected, first = item_type, item
            elif expected != item_type:
                where = f" as {first.name}" if first is not None else ""
                raise ValueError(
                    f"{item.name}, type={item_type}, must be of the same type ({expected}){where}."
                )
        dtype = expected
    if not dtype:
        return dtypes.float32
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


_NUMERIC = {
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "complex64",
    "complex128",
}


def is_numeric_tensor(tensor):
    """Returns `True` if the elements of `tensor` are numbers.

    Specifically, returns `True` if the dtype of `tensor` is one of the following: float16,
    float32, float64, bfloat16, int8/16/32/64, uint8/16/32/64, complex64, complex128.

    Args:
      tensor: The tensor to check.

    Returns:
      `True` if `tensor` is a numeric `Tensor`.
    """
    return isinstance(tensor, Tensor) and tensor.dtype.base_dtype.name in _NUMERIC


def _monotonic(x, compare, name, default_name):
    tf = _tf()
    with name_scope(name, default_name, [x]):
        x = tf.reshape(convert_to_tensor(x, name="x"), [-1])
        if not is_numeric_tensor(x):
            raise TypeError(f"Expected x to be numeric, instead found: {x}")
        # An empty or one-element x holds; the slices below are then empty.
        return tf.reduce_all(compare(x[1:], x[:-1]))


def is_non_decreasing(x, name=None):
    """Returns `True` if `x` is non-decreasing.

    Elements of `x` are compared in row-major order. The tensor `[x[0],...]` is
    non-decreasing if for every adjacent pair we have `x[i] <= x[i+1]`. If `x` has less than
    two elements, it is trivially non-decreasing.

    Args:
      x: Numeric `Tensor`.
      name: A name for this operation (optional). Defaults to "is_non_decreasing"

    Returns:
      Boolean `Tensor`, equal to `True` iff `x` is non-decreasing.

    Raises:
      TypeError: if `x` is not a numeric tensor.
    """
    return _monotonic(x, _tf().greater_equal, name, "is_non_decreasing")


def is_strictly_increasing(x, name=None):
    """Returns `True` if `x` is strictly increasing.

    Elements of `x` are compared in row-major order. The tensor `[x[0],...]` is strictly
    increasing if for every adjacent pair we have `x[i] < x[i+1]`. If `x` has less than two
    elements, it is trivially strictly increasing.

    Args:
      x: Numeric `Tensor`.
      name: A name for this operation (optional). Defaults to "is_strictly_increasing"

    Returns:
      Boolean `Tensor`, equal to `True` iff `x` is strictly increasing.

    Raises:
      TypeError: if `x` is not a numeric tensor.
    """
    return _monotonic(x, _tf().greater, name, "is_strictly_increasing")


_Sizes = collections.namedtuple("_Sizes", ["x", "unspecified_dim", "actual", "symbolic"])


def _dimension_sizes(x):
    tf = _tf()
    rank = x.shape.ndims
    if rank == 0:
        return (1,)
    if rank is not None:
        dynamic = None
        sizes = []
        for i, d in enumerate(x.shape.as_list()):
            if d is None:
                dynamic = tf.shape(x) if dynamic is None else dynamic
                sizes.append(dynamic[i])
            else:
                sizes.append(int(d))
        return sizes
    return tf.shape(x)


def _known(size):
    try:
        int(size)
    except (TypeError, ValueError):
        return False
    return size is not None and not isinstance(size, Tensor)


def assert_shapes(shapes, data=None, summarize=None, message=None, name=None):
    """Assert tensor shapes and dimension size relationships between tensors.

    This Op checks that a collection of tensors shape relationships satisfies given
    constraints:

    ```python
    tf.assert_shapes([
      (x, ('N', 'Q')),
      (y, ('N', 'D')),
      (param, ('Q',)),
      (scalar, ()),
    ])
    ```

    A size symbol ('N') must mean the same size wherever it appears, an int is that size,
    `None` or '.' any size, and a leading `...` or '*' any number of outer dimensions.
    Checks the graph decides fail with ValueError at once; the others are Assert ops.

    Args:
      shapes: A list of (`Tensor`, `shape`) tuples, wherein `shape` is the expected shape of
        `Tensor`. See the example code above. The `shape` must be an iterable. Each element of
        the iterable can be either a concrete integer value or a string that abstractly
        represents the dimension. A dict of `Tensor` to shape is accepted too.
      data: The tensors to print out if the condition is False.
      summarize: Print this many entries of the tensor.
      message: A string to prefix to the default message.
      name: A name for this operation (optional). Defaults to "assert_shapes".

    Returns:
      Op raising `InvalidArgumentError` unless all shape constraints are satisfied. If static
      checks determine all constraints are satisfied, a `no_op` is returned.

    Raises:
      ValueError:  If static checks determine any shape constraint is violated.
    """
    tf = _tf()
    if isinstance(shapes, dict):
        shapes = shapes.items()
    prefix = _message_prefix(message)
    with name_scope(name, "assert_shapes", [shapes, data]):
        constraints = [(convert_to_tensor(x), s) for x, s in shapes if s is not None]
        sizes_list = []
        for tensor, symbolic in constraints:
            if not (hasattr(symbolic, "__iter__") or hasattr(symbolic, "__getitem__")):
                raise ValueError(
                    f"{prefix}Tensor {tensor.name}.  Specified shape must be an iterable.  An "
                    "iterable has the attribute `__iter__` or `__getitem__`.  Received specified "
                    f"shape: {symbolic}"
                )
            symbolic = tuple(symbolic)
            innermost = False
            for i, symbol in enumerate(symbolic):
                if symbol is not Ellipsis and symbol != "*":
                    continue
                if i != 0:
                    raise ValueError(
                        f"{prefix}Tensor {tensor.name} specified shape index {i}.  Symbol `...` "
                        "or `*` for a variable number of unspecified dimensions is only allowed "
                        "as the first entry"
                    )
                innermost = True
            sym = symbolic[1:] if innermost else symbolic
            sizes_list.append(_Sizes(tensor, innermost, _dimension_sizes(tensor), sym or (1,)))
        rank_assertions = []
        for sizes in sizes_list:
            rank = len(sizes.symbolic)
            zero_or_one = rank in (0, 1)
            if sizes.unspecified_dim:
                if zero_or_one:
                    continue
                assertion = assert_rank_at_least(
                    sizes.x, rank, data=data, summarize=summarize, message=message, name=name
                )
            elif zero_or_one:
                assertion = assert_rank_in(
                    sizes.x, [0, 1], data=data, summarize=summarize, message=message, name=name
                )
            else:
                assertion = assert_rank(
                    sizes.x, rank, data=data, summarize=summarize, message=message, name=name
                )
            rank_assertions.append(assertion)
        size_assertions = []
        specified = {}
        for sizes in sizes_list:
            for i, symbol in enumerate(sizes.symbolic):
                if symbol is None or symbol == ".":
                    continue
                tensor_dim = i - len(sizes.symbolic) if sizes.unspecified_dim else i
                if symbol in specified or _known(symbol):
                    if _known(symbol):
                        specified_size = int(symbol)
                        check_message = "Specified explicitly"
                    else:
                        specified_size, by, at = specified[symbol]
                        check_message = f"Specified by tensor {by.name} dimension {at}"
                    actual = sizes.actual[tensor_dim]
                    if _known(actual) and _known(specified_size):
                        if int(actual) != int(specified_size):
                            raise ValueError(
                                f"{prefix}{check_message}.  Tensor {sizes.x.name} dimension "
                                f"{tensor_dim} must have size {specified_size}.  Received size "
                                f"{actual}, shape {sizes.x.shape}"
                            )
                        continue
                    condition = tf.equal(
                        convert_to_tensor(actual), convert_to_tensor(specified_size)
                    )
                    data_ = data
                    if data is None:
                        data_ = [
                            prefix,
                            check_message,
                            f"Tensor {sizes.x.name} dimension",
                            tensor_dim,
                            "must have size",
                            specified_size,
                            "Received shape: ",
                            tf.shape(sizes.x),
                        ]
                    with tf.control_dependencies(rank_assertions):
                        size_assertions.append(Assert(condition, data_, summarize=summarize))
                else:
                    specified[symbol] = (sizes.actual[tensor_dim], sizes.x, tensor_dim)
    with tf.control_dependencies(rank_assertions):
        return tf.group(size_assertions)
