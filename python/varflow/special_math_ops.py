"""TF1's trigonometric, hyperbolic and special functions, the guarded binary ops, and the
array helpers built on them: ``eye``, ``linspace``, ``sequence_mask``, ``where_v2``,
``bincount``, ``multinomial``/``categorical`` and ``einsum``.

Each elementwise function is one registered C++ op (cpp/src/ops/special_math_ops.cc) with
its shape rule, kernel and gradient; ``eye``, ``sequence_mask``, ``bincount`` and ``einsum``
are the C++ composites of varflow/train/array_math.h (einsum lowers an equation to Transpose,
Reshape, MatMul and Sum ops in the graph, so its gradient is theirs).
"""

from __future__ import annotations

import numpy as np

from varflow import _core, dtypes
from varflow.clip_ops import core_arg
from varflow.graph import Tensor, convert_to_tensor, get_default_graph, name_scope


def _graph():
    return get_default_graph()._core


def _tensor(output) -> Tensor:
    return get_default_graph()._tensor_for(output)


def _size_arg(value):
    """A size argument for C++: a Python integer also as a number, so that C++ can check that
    it is not negative while the graph is built."""
    if isinstance(value, np.integer):
        value = int(value)
    return core_arg(value, numeric=isinstance(value, int) and not isinstance(value, bool))


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


# TF1's one-line summaries of the ops the factories below make.
_SUMMARIES = {
    "Tan": "Computes tan of x element-wise.",
    "Asin": "Computes the trignometric inverse sine of x element-wise.",
    "Acos": "Computes acos of x element-wise.",
    "Atan": "Computes the trignometric inverse tangent of x element-wise.",
    "Sinh": "Computes hyperbolic sine of x element-wise.",
    "Cosh": "Computes hyperbolic cosine of x element-wise.",
    "Asinh": "Computes inverse hyperbolic sine of x element-wise.",
    "Acosh": "Computes inverse hyperbolic cosine of x element-wise.",
    "Atanh": "Computes inverse hyperbolic tangent of x element-wise.",
    "Erf": "Computes the Gauss error function of `x` element-wise.",
    "Erfc": "Computes the complementary error function of `x` element-wise.",
    "Lgamma": "Computes the log of the absolute value of `Gamma(x)` element-wise.",
    "Digamma": "Computes Psi, the derivative of Lgamma (the log of the absolute value of "
    "`Gamma(x)`), element-wise.",
    "Rint": "Returns element-wise integer closest to x (half to even).",
    "Softsign": "Computes softsign: `features / (abs(features) + 1)`.",
    "IsNan": "Returns which elements of x are NaN.",
    "IsInf": "Returns which elements of x are Inf.",
    "IsFinite": "Returns which elements of x are finite.",
    "Atan2": "Computes arctangent of `y/x` element-wise, respecting signs of the arguments.",
    "Xlogy": "Returns 0 if x == 0, and x * log(y) otherwise, elementwise.",
    "Xdivy": "Returns 0 if x == 0, and x / y otherwise, elementwise.",
    "TruncateMod": "Returns element-wise remainder of division, with the sign of `x` "
    "(truncated, as C's `%` and `fmod`).",
    "Zeta": "Computes the Hurwitz zeta function `sum_n (n + q)^-x`.",
    "Polygamma": "Computes the polygamma function `psi^(a)(x)`, the `a`-th derivative of digamma.",
}
_PREDICATES = ("IsNan", "IsInf", "IsFinite")


def _unary(op_type, name, arg="x"):
    def fn(x, name=None) -> Tensor:
        return _op(op_type, [convert_to_tensor(x)], name=name)

    fn.__name__ = fn.__qualname__ = name
    result = "A `Tensor` of type `bool`" if op_type in _PREDICATES else "A `Tensor`"
    fn.__doc__ = f"""{_SUMMARIES[op_type]}

Args:
  {arg}: A `Tensor` of type `float32` or `float64` (op `{op_type}`).
  name: A name for the operation (optional).

Returns:
  {result} with the shape of `{arg}`.

Raises:
  TypeError: If `{arg}` has a dtype the op does not take.
"""
    if arg != "x":  # TF1's argument name (softsign's `features`)

        def fn_named(features, name=None) -> Tensor:
            return _op(op_type, [convert_to_tensor(features)], name=name)

        fn_named.__name__ = fn_named.__qualname__ = name
        fn_named.__doc__ = fn.__doc__
        return fn_named
    return fn


def _binary(op_type, name):
    a, b = "x", "y"

    def fn(x, y, name=None) -> Tensor:
        from varflow.math_ops import _binary_inputs

        x, y = _binary_inputs(x, y)
        return _op(op_type, [x, y], name=name)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""{_SUMMARIES[op_type]}

Supports NumPy-style broadcasting of `{a}` and `{b}` (op `{op_type}`).

Args:
  {a}: A `Tensor` (or a value convertible to one).
  {b}: A `Tensor` (or value) of the same type as `{a}`.
  name: A name for the operation (optional).

Returns:
  A `Tensor` of the type of `{a}`, with the broadcast shape of `{a}` and `{b}`.

Raises:
  ValueError: If the shapes cannot be broadcast together.
  TypeError: If the operands have different types, or a type the op does not take.
"""
    return fn


tan = _unary("Tan", "tan")
asin = _unary("Asin", "asin")
acos = _unary("Acos", "acos")
atan = _unary("Atan", "atan")
sinh = _unary("Sinh", "sinh")
cosh = _unary("Cosh", "cosh")
asinh = _unary("Asinh", "asinh")
acosh = _unary("Acosh", "acosh")
atanh = _unary("Atanh", "atanh")
erf = _unary("Erf", "erf")
erfc = _unary("Erfc", "erfc")
lgamma = _unary("Lgamma", "lgamma")
digamma = _unary("Digamma", "digamma")
rint = _unary("Rint", "rint")
softsign = _unary("Softsign", "softsign", arg="features")
is_nan = _unary("IsNan", "is_nan")
is_inf = _unary("IsInf", "is_inf")
is_finite = _unary("IsFinite", "is_finite")


def atan2(y, x, name=None) -> Tensor:
    """Computes arctangent of `y/x` element-wise, respecting signs of the arguments.

    The result is the angle of the point `(x, y)` in `[-pi, pi]`. Supports broadcasting
    (op `Atan2`).

    Args:
      y: A `Tensor` of type `float32` or `float64`.
      x: A `Tensor` of the same type as `y`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the type of `y`.

    Raises:
      ValueError: If the shapes cannot be broadcast together.
      TypeError: If `y` and `x` have different types.
    """
    from varflow.math_ops import _binary_inputs

    y, x = _binary_inputs(y, x)
    return _op("Atan2", [y, x], name=name)


xlogy = _binary("Xlogy", "xlogy")
xdivy = _binary("Xdivy", "xdivy")
truncatemod = _binary("TruncateMod", "truncatemod")


def zeta(x, q, name=None) -> Tensor:
    """Computes the Hurwitz zeta function `sum_n (n + q)^-x`.

    Supports broadcasting (op `Zeta`). As TF, `x == 1` gives inf and `x < 1` NaN.

    Args:
      x: A `Tensor` of type `float32` or `float64`.
      q: A `Tensor` of the same type as `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the type of `x`.

    Raises:
      ValueError: If the shapes cannot be broadcast together.
      TypeError: If `x` and `q` have different types, or a type the op does not take.
    """
    from varflow.math_ops import _binary_inputs

    x, q = _binary_inputs(x, q)
    return _op("Zeta", [x, q], name=name)


def polygamma(a, x, name=None) -> Tensor:
    """Computes the polygamma function `psi^(a)(x)`, the `a`-th derivative of digamma.

    `a` must hold non-negative integer values (others give NaN). Supports broadcasting
    (op `Polygamma`); the gradient flows to `x` only.

    Args:
      a: A `Tensor` of type `float32` or `float64`.
      x: A `Tensor` of the same type as `a`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the type of `a`.

    Raises:
      ValueError: If the shapes cannot be broadcast together.
      TypeError: If `a` and `x` have different types, or a type the op does not take.
    """
    from varflow.math_ops import _binary_inputs

    a, x = _binary_inputs(a, x)
    return _op("Polygamma", [a, x], name=name)


def igamma(a, x, name=None) -> Tensor:
    """Computes the lower regularized incomplete Gamma function `P(a, x)`.

    `P(a, x) = gamma(a, x) / Gamma(a) = 1 / Gamma(a) * integral_0^x t^(a-1) exp(-t) dt`.
    Supports broadcasting (op `Igamma`). As TF, `x == 0` gives 0, `x == inf` gives 1, and
    `x < 0` or `a <= 0` give NaN. Gradients flow to both `a` (op `IgammaGradA`) and `x`.

    Args:
      a: A `Tensor` of type `float32` or `float64`.
      x: A `Tensor` of the same type as `a`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the type of `a`.

    Raises:
      ValueError: If the shapes cannot be broadcast together.
      TypeError: If `a` and `x` have different types, or a type the op does not take.
    """
    from varflow.math_ops import _binary_inputs

    a, x = _binary_inputs(a, x)
    return _op("Igamma", [a, x], name=name)


def igammac(a, x, name=None) -> Tensor:
    """Computes the upper regularized incomplete Gamma function `Q(a, x) = 1 - P(a, x)`.

    `Q(a, x) = Gamma(a, x) / Gamma(a) = 1 / Gamma(a) * integral_x^inf t^(a-1) exp(-t) dt`.
    Supports broadcasting (op `Igammac`); its gradients are those of `igamma`, negated.

    Args:
      a: A `Tensor` of type `float32` or `float64`.
      x: A `Tensor` of the same type as `a`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the type of `a`.

    Raises:
      ValueError: If the shapes cannot be broadcast together.
      TypeError: If `a` and `x` have different types, or a type the op does not take.
    """
    from varflow.math_ops import _binary_inputs

    a, x = _binary_inputs(a, x)
    return _op("Igammac", [a, x], name=name)


def betainc(a, b, x, name=None) -> Tensor:
    """Computes the regularized incomplete beta integral `I_x(a, b)`.

    `I_x(a, b) = B(x; a, b) / B(a, b)` with `B(x; a, b) = integral_0^x t^(a-1) (1 - t)^(b-1)
    dt`. Each of `a`, `b` and `x` is a scalar or of one common shape (op `Betainc`; no other
    broadcasting, as TF). `a <= 0`, `b <= 0` or `x` outside `[0, 1]` give NaN. The gradient
    flows to `x` only, as TF1's.

    Args:
      a: A `Tensor` of type `float32` or `float64`.
      b: A `Tensor` of the same type as `a`.
      x: A `Tensor` of the same type as `a`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the type of `a`.

    Raises:
      ValueError: If the non-scalar shapes differ.
      TypeError: If the inputs have different types, or a type the op does not take.
      InvalidArgumentError: At run time, if the non-scalar shapes differ.
    """
    a = convert_to_tensor(a, name="a")
    b = convert_to_tensor(b, dtype=a.dtype.base_dtype, name="b")
    x = convert_to_tensor(x, dtype=a.dtype.base_dtype, name="x")
    return _op("Betainc", [a, b, x], name=name)


# --- array helpers ---------------------------------------------------------------------------


def linspace(start, stop, num, name=None) -> Tensor:
    """Generates values in an interval.

    A sequence of `num` evenly-spaced values is generated beginning at `start`. If
    `num > 1`, the values in the sequence increase by `(stop - start) / (num - 1)`, so that
    the last one is exactly `stop` (up to rounding). For example
    `tf.linspace(10.0, 12.0, 3) == [10.0, 11.0, 12.0]`.

    Args:
      start: A `Tensor` of type `float32` or `float64`: 0-D, the first entry in the range.
      stop: A `Tensor` of the same type as `start`: 0-D, the last entry in the range.
      num: A `Tensor` of type `int32` or `int64`: 0-D, the number of values to generate.
      name: A name for the operation (optional).

    Returns:
      A 1-D `Tensor` of the type of `start`.

    Raises:
      ValueError: If `num` is a constant that is not positive, or an argument is not 0-D.
      InvalidArgumentError: At run time, if `num` is not positive.
    """
    start = convert_to_tensor(start, name="start")
    stop = convert_to_tensor(stop, dtype=start.dtype.base_dtype, name="stop")
    num = convert_to_tensor(num, name="num")
    return _op("LinSpace", [start, stop, num], name=name or "LinSpace")


lin_space = linspace


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None) -> Tensor:
    """Construct an identity matrix, or a batch of matrices.

    ```python
    tf.eye(2)  # [[1., 0.], [0., 1.]]
    tf.eye(2, batch_shape=[3])  # shape [3, 2, 2]
    tf.eye(2, 3)  # [[1., 0., 0.], [0., 1., 0.]]
    ```

    Args:
      num_rows: Non-negative `int32` scalar `Tensor` giving the number of rows in each batch
        matrix.
      num_columns: Optional non-negative `int32` scalar `Tensor` giving the number of columns
        in each batch matrix. Defaults to `num_rows`.
      batch_shape: A list or tuple of Python integers or a 1-D `int32` `Tensor`. If
        provided, the returned `Tensor` will have leading batch dimensions of this shape.
      dtype: The type of an element in the resulting `Tensor`.
      name: A name for this `Op`. Defaults to "eye".

    Returns:
      A `Tensor` of shape `batch_shape + [num_rows, num_columns]`.

    Raises:
      ValueError: If a static dimension is negative.
    """
    dtype = dtypes.as_dtype(dtype)
    columns = None if num_columns is None else _size_arg(num_columns)
    batch = None if batch_shape is None else core_arg(batch_shape)
    out = _core.eye(_graph(), _size_arg(num_rows), columns, batch, dtype._core, name or "")
    return _tensor(out)


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None) -> Tensor:
    """Returns a mask tensor representing the first N positions of each cell.

    If `lengths` has shape `[d_1, d_2, ..., d_n]` the resulting tensor `mask` has dtype
    `dtype` and shape `[d_1, d_2, ..., d_n, maxlen]`, with
    `mask[i_1, ..., i_n, j] = (j < lengths[i_1, ..., i_n])`.

    ```python
    tf.sequence_mask([1, 3, 2], 5)  # [[True, False, False, False, False],
                                    #  [True, True, True, False, False],
                                    #  [True, True, False, False, False]]
    ```

    Args:
      lengths: integer tensor, all its values <= maxlen.
      maxlen: scalar integer tensor, size of last dimension of returned tensor. Default is
        the maximum value in `lengths`.
      dtype: output type of the resulting tensor.
      name: name of the op.

    Returns:
      A mask tensor of shape `lengths.shape + (maxlen,)`, cast to specified dtype.

    Raises:
      ValueError: if `maxlen` is not a scalar.
    """
    maxlen = None if maxlen is None else core_arg(maxlen)
    dtype = dtypes.as_dtype(dtype)
    out = _core.sequence_mask(_graph(), core_arg(lengths), maxlen, dtype._core, name or "")
    return _tensor(out)


def where_v2(condition, x=None, y=None, name=None) -> Tensor:
    """Return the elements where `condition` is `True` (multiplexing `x` and `y`).

    With `x` and `y` given, the result takes `x`'s element where `condition` is true and
    `y`'s elsewhere; `condition`, `x` and `y` broadcast against each other (op `SelectV2`).
    With neither, the result is the coordinates of the true elements of `condition`.

    Args:
      condition: A `Tensor` of type `bool`.
      x: A Tensor, broadcastable with `condition` and `y`.
      y: A Tensor of the type of `x`, broadcastable with `condition` and `x`.
      name: A name of the operation (optional).

    Returns:
      A `Tensor` with the broadcast shape of the three inputs and the type of `x`, or, if
      `x` and `y` are None, an `int64` `Tensor` of shape `(num_true, rank(condition))`.

    Raises:
      ValueError: When exactly one of `x` or `y` is non-None, or the shapes cannot be
        broadcast together.
    """
    if x is None and y is None:
        return _op("Where", [convert_to_tensor(condition)], name=name or "Where")
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    from varflow.math_ops import _binary_inputs

    cond = convert_to_tensor(condition)
    x, y = _binary_inputs(x, y)
    return _op("SelectV2", [cond, x, y], name=name or "SelectV2")


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, name=None):
    """Counts the number of occurrences of each value in an integer array.

    If `minlength` and `maxlength` are not given, returns a vector with length
    `tf.reduce_max(arr) + 1` if `arr` is non-empty, and length 0 otherwise. If `weights` are
    non-None, then index `i` of the output stores the sum of the value in `weights` at each
    index where the corresponding value in `arr` is `i`.

    Args:
      arr: An int32 tensor of non-negative values.
      weights: If non-None, must be the same shape as arr. For each value in `arr`, the bin
        will be incremented by the corresponding weight instead of 1.
      minlength: If given, ensures the output has length at least `minlength`, padding with
        zeros at the end if necessary.
      maxlength: If given, skips values in `arr` that are equal or greater than `maxlength`,
        ensuring that the output has length at most `maxlength`.
      dtype: If `weights` is None, determines the type of the output bins.
      name: A name scope for the associated operations (optional).

    Returns:
      A vector with the same dtype as `weights` or the given `dtype`. The bin values.

    Raises:
      InvalidArgumentError: At run time, if `arr` has a negative value.
    """
    optional = [None if v is None else core_arg(v) for v in (weights, minlength, maxlength)]
    dtype = dtypes.as_dtype(dtype)
    out = _core.bincount(_graph(), core_arg(arr), *optional, dtype._core, name or "")
    return _tensor(out)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None) -> Tensor:
    """Draws samples from a multinomial distribution.

    ```python
    # samples has shape [1, 5], where each value is either 0 or 1 with equal probability.
    samples = tf.multinomial(tf.log([[10., 10.]]), 5)
    ```

    Args:
      logits: 2-D Tensor with shape `[batch_size, num_classes]`. Each slice `[i, :]`
        represents the unnormalized log-probabilities for all classes.
      num_samples: 0-D. Number of independent samples to draw for each row slice.
      seed: A Python integer. Used to create a random seed for the distribution. See
        `tf.set_random_seed` for behavior.
      name: Optional name for the operation.
      output_dtype: integer type to use for the output. Defaults to int64.

    Returns:
      The drawn samples of shape `[batch_size, num_samples]`.

    Raises:
      ValueError: If `logits` is not of rank 2.
    """
    with name_scope(name, "multinomial"):
        return _multinomial(logits, num_samples, output_dtype, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None) -> Tensor:
    """Draws samples from a categorical distribution.

    ```python
    # samples has shape [1, 5], where each value is either 0 or 1 with equal probability.
    samples = tf.random.categorical(tf.math.log([[0.5, 0.5]]), 5)
    ```

    Args:
      logits: 2-D Tensor with shape `[batch_size, num_classes]`. Each slice `[i, :]`
        represents the unnormalized log-probabilities for all classes.
      num_samples: 0-D. Number of independent samples to draw for each row slice.
      dtype: integer type to use for the output. Defaults to int64.
      seed: A Python integer. Used to create a random seed for the distribution. See
        `tf.set_random_seed` for behavior.
      name: Optional name for the operation.

    Returns:
      The drawn samples of shape `[batch_size, num_samples]`.

    Raises:
      ValueError: If `logits` is not of rank 2.
    """
    with name_scope(name, "categorical"):
        return _multinomial(logits, num_samples, dtype, seed)


def _multinomial(logits, num_samples, dtype, seed) -> Tensor:
    from varflow.init_ops import get_seed

    logits = convert_to_tensor(logits, name="logits")
    seed1, seed2 = get_seed(seed)  # before num_samples' constant, as TF1 (the op-count seed)
    num_samples = convert_to_tensor(num_samples, dtype=dtypes.int32, name="num_samples")
    attrs = {
        "seed": 0 if seed1 is None else int(seed1),
        "seed2": 0 if seed2 is None else int(seed2),
        "output_dtype": dtypes.as_dtype(dtype or dtypes.int64)._core,
    }
    return _op("Multinomial", [logits, num_samples], attrs, name="Multinomial")


# --- einsum ----------------------------------------------------------------------------------


def einsum(equation, *inputs, **kwargs) -> Tensor:
    """Tensor contraction over specified indices and outer product.

    The equation names each operand's axes with letters; a letter shared by operands and
    absent from the output is summed over, a letter repeated within one operand takes the
    diagonal, and `...` stands for the remaining (broadcast) leading axes. Without `->` the
    output is the ellipsis axes then the letters that appear once, in alphabetical order:

    ```python
    tf.einsum('ij,jk->ik', m0, m1)          # matmul
    tf.einsum('bij,bjk->bik', a, b)         # batch matmul
    tf.einsum('ij->ji', m)                  # transpose
    tf.einsum('ii->i', m)                   # diagonal
    tf.einsum('i,i->', u, v)                # dot product
    tf.einsum('i,j->ij', u, v)              # outer product
    ```

    The contraction is lowered to Transpose, Reshape, MatMul/BatchMatMulV2 and Sum ops, so
    its gradient is theirs. Several operands are contracted from left to right.

    Args:
      equation: a `str` describing the contraction, in the same format as `numpy.einsum`.
      *inputs: the inputs to contract (each one a `Tensor`), whose shapes should be
        consistent with `equation`.
      **kwargs: `name`: A name for the operation (optional).

    Returns:
      The contracted `Tensor`, with shape determined by `equation`.

    Raises:
      ValueError: If the format of `equation` is incorrect, the number of inputs or their
        shapes are inconsistent with `equation`, or the output names a label twice or one
        that no input has.
      TypeError: If an unknown keyword argument is given.
    """
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"invalid keyword arguments for this function: {sorted(kwargs)}")
    operands = [convert_to_tensor(x)._output for x in inputs]
    return _tensor(_core.einsum(_graph(), equation, operands, name or ""))
