"""tf.nn: activations, softmax, losses."""

from __future__ import annotations

from varflow import array_ops, dtypes, errors
from varflow.graph import Tensor, constant, convert_to_tensor, get_default_graph, name_scope
from varflow.math_ops import sigmoid, tanh

__all__ = [
    "elu",
    "l2_loss",
    "log_softmax",
    "relu",
    "relu6",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2",
    "softplus",
    "tanh",
]


def _op(op_type, inputs, attrs=None, name=None) -> Tensor:
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


def relu(features, name=None) -> Tensor:
    return _op("Relu", [convert_to_tensor(features)], name=name)


def relu6(features, name=None) -> Tensor:
    return _op("Relu6", [convert_to_tensor(features)], name=name)


def elu(features, name=None) -> Tensor:
    return _op("Elu", [convert_to_tensor(features)], name=name)


def softplus(features, name=None) -> Tensor:
    return _op("Softplus", [convert_to_tensor(features)], name=name)


def l2_loss(t, name=None) -> Tensor:
    return _op("L2Loss", [convert_to_tensor(t)], name=name)


def _last_axis_perm(ndims, axis):
    perm = list(range(ndims))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    return perm


def _softmax(op_type, logits, axis, name):
    logits = convert_to_tensor(logits)
    ndims = logits.shape.ndims
    if axis is None or axis == -1 or (ndims is not None and axis == ndims - 1):
        return _op(op_type, [logits], name=name)
    if ndims is None:
        raise ValueError(f"{op_type} over axis {axis} (not the last) needs logits of known rank")
    if not -ndims <= axis < ndims:
        raise errors.InvalidArgumentError(
            None,
            None,
            f"`dim` must be in the range [{-ndims}, {ndims}) where {ndims} is the number of "
            f"dimensions in the input. Received: dim={axis} (op: '{op_type}', name: "
            f"'{name or op_type}')",
        )
    axis = axis % ndims
    perm = _last_axis_perm(ndims, axis)
    out = _op(op_type, [array_ops.transpose(logits, perm)])
    return array_ops.transpose(out, perm, name=name or op_type)


def _flatten_outer_dims(t):
    """`t` as a matrix [product of all but the last dim, last dim], for any (even unknown) rank."""
    last = array_ops.slice(array_ops.shape(t), array_ops.expand_dims(array_ops.rank(t) - 1, 0), [1])
    return array_ops.reshape(t, array_ops.concat([constant([-1], dtype=dtypes.int32), last], 0))


def softmax(logits, axis=None, name=None, dim=None) -> Tensor:
    return _softmax("Softmax", logits, dim if axis is None else axis, name)


def log_softmax(logits, axis=None, name=None, dim=None) -> Tensor:
    return _softmax("LogSoftmax", logits, dim if axis is None else axis, name)


def softmax_cross_entropy_with_logits_v2(
    _sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None
):
    """Softmax cross entropy of each row; gradients flow into both labels and logits."""
    if _sentinel is not None:
        raise ValueError(
            "Only call `softmax_cross_entropy_with_logits_v2` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    if axis is not None:
        dim = axis
    with name_scope(name, "softmax_cross_entropy_with_logits", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, dtype=logits.dtype.base_dtype, name="labels")
        ndims = logits.shape.ndims
        if ndims is None and dim != -1:
            raise ValueError(
                f"softmax_cross_entropy_with_logits over dim {dim} (not the last) needs logits "
                "of known rank"
            )
        if ndims is not None:
            if not -ndims <= dim < ndims:
                raise errors.InvalidArgumentError(
                    None,
                    None,
                    f"`dim` must be in the range [{-ndims}, {ndims}) where {ndims} is the number "
                    f"of dimensions in the input. Received: dim={dim} (op: "
                    f"'SoftmaxCrossEntropyWithLogits', name: '{scope}')",
                )
            dim = dim % ndims
            if dim != ndims - 1:  # move `dim` to the end, keeping the other axes in order
                perm = [i for i in range(ndims) if i != dim] + [dim]
                logits = array_ops.transpose(logits, perm)
                labels = array_ops.transpose(labels, perm)
        if ndims == 2:
            return (
                get_default_graph()
                .create_op("SoftmaxCrossEntropyWithLogits", [logits, labels], name=scope)
                .outputs[0]
            )
        if logits.shape.is_fully_defined():
            dims = logits.shape.as_list()
            rows = constant([-1, dims[-1]], dtype=dtypes.int32)
            op = get_default_graph().create_op(
                "SoftmaxCrossEntropyWithLogits",
                [array_ops.reshape(logits, rows), array_ops.reshape(labels, rows)],
            )
            outer = constant(dims[:-1], dtype=dtypes.int32)
            return array_ops.reshape(op.outputs[0], outer, name=scope)
        # Any other rank, known or not, as TF1 does it: rows of the last axis, then the
        # outer shape back.
        op = get_default_graph().create_op(
            "SoftmaxCrossEntropyWithLogits",
            [_flatten_outer_dims(logits), _flatten_outer_dims(labels)],
        )
        outer = array_ops.slice(
            array_ops.shape(logits), [0], array_ops.expand_dims(array_ops.rank(logits) - 1, 0)
        )
        return array_ops.reshape(op.outputs[0], outer, name=scope)


def softmax_cross_entropy_with_logits(
    _sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None
):
    """TF1's deprecated variant: no gradient flows into labels."""
    if _sentinel is not None:
        raise ValueError(
            "Only call `softmax_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...)"
        )
    with name_scope(name, "softmax_cross_entropy_with_logits_sg", [logits, labels]) as scope:
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
        return softmax_cross_entropy_with_logits_v2(
            labels=labels, logits=logits, dim=dim, name=scope, axis=axis
        )


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Elementwise logistic loss in TF1's stable form max(x, 0) - x * z + log1p(exp(-|x|))."""
    from varflow import math_ops

    if _sentinel is not None:
        raise ValueError(
            "Only call `sigmoid_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        logits = convert_to_tensor(logits, name="logits")
        labels = convert_to_tensor(labels, dtype=logits.dtype.base_dtype, name="labels")
        if not labels.shape.is_compatible_with(logits.shape):
            raise ValueError(
                f"logits and labels must have the same shape ({logits.shape} vs {labels.shape})"
            )
        zeros = array_ops.zeros_like(logits)
        cond = math_ops.greater_equal(logits, zeros)
        relu_logits = math_ops.where(cond, logits, zeros)
        neg_abs_logits = math_ops.where(cond, math_ops.negative(logits), logits)
        return math_ops.add(
            relu_logits - logits * labels, math_ops.log1p(math_ops.exp(neg_abs_logits)), name=scope
        )


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Softmax cross entropy against integer class labels (op SparseSoftmaxCrossEntropyWithLogits;
    no gradient into labels)."""
    if _sentinel is not None:
        raise ValueError(
            "Only call `sparse_softmax_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    with name_scope(name, "SparseSoftmaxCrossEntropyWithLogits", [labels, logits]) as scope:
        labels = convert_to_tensor(labels)
        logits = convert_to_tensor(logits)
        if not labels.dtype.base_dtype.is_integer:
            raise ValueError(f"labels must be int32 or int64, got {labels.dtype}")
        lr, gr = labels.shape.ndims, logits.shape.ndims
        if lr is not None and gr is not None and lr != gr - 1:
            raise ValueError(
                f"Rank mismatch: Rank of labels (received {lr}) should equal rank of logits minus 1 "
                f"(received {gr})."
            )
        if gr == 2:
            return (
                get_default_graph()
                .create_op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels], name=scope)
                .outputs[0]
            )
        # Any other rank, known or not: rows of the last axis, as TF1 does it.
        flat_logits = _flatten_outer_dims(logits)
        flat_labels = array_ops.reshape(labels, constant([-1], dtype=dtypes.int32))
        loss = (
            get_default_graph()
            .create_op("SparseSoftmaxCrossEntropyWithLogits", [flat_logits, flat_labels])
            .outputs[0]
        )
        return array_ops.reshape(loss, array_ops.shape(labels), name=scope)


def bias_add(value, bias, data_format=None, name=None) -> Tensor:
    """value + bias along the last axis (NHWC) or axis 1 (NCHW); op BiasAdd."""
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype.base_dtype, name="bias")
        attrs = {"data_format": "NCHW" if data_format in ("NCHW", "NCW", "NCDHW") else "NHWC"}
        return get_default_graph().create_op("BiasAdd", [value, bias], attrs, name=scope).outputs[0]


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """Mean and variance of `x` over `axes` (TF1's tf.nn.moments); `shift` is ignored, as in TF."""
    from varflow import math_ops

    if keepdims is None:
        keepdims = bool(keep_dims)
    with name_scope(name, "moments", [x, axes]):
        y = convert_to_tensor(x)
        axes = list(axes)
        mean = math_ops.reduce_mean(y, axes, keepdims=True, name="mean")
        variance = math_ops.reduce_mean(
            math_ops.squared_difference(y, array_ops.stop_gradient(mean)),
            axes,
            keepdims=True,
            name="variance",
        )
        if not keepdims:  # squeeze the size-1 axes (a sum over them)
            mean = math_ops.reduce_sum(mean, axes, name="Squeeze")
            variance = math_ops.reduce_sum(variance, axes, name="Squeeze_1")
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None) -> Tensor:
    """(x - mean) * scale / sqrt(variance + epsilon) + offset, as TF1 computes it."""
    from varflow import math_ops

    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        x = convert_to_tensor(x)
        inv = math_ops.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = offset - mean * inv if offset is not None else -mean * inv
        return x * inv + shift


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None) -> Tensor:
    """TF1's tf.nn.dropout: keeps each element with probability 1 - rate, scaled by 1/(1 - rate)
    (op RandomUniform; a fresh mask every run)."""
    if keep_prob is not None:
        if rate is not None:
            raise ValueError("Cannot specify both 'rate' and 'keep_prob'.")
        rate = 1 - keep_prob
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    from varflow import init_ops, math_ops

    with name_scope(name, "dropout", [x]) as scope:
        x = convert_to_tensor(x, name="x")
        if not x.dtype.base_dtype.is_floating:
            raise ValueError(
                "x has to be a floating point tensor since it's going to be scaled. Got a "
                f"{x.dtype} tensor instead."
            )
        if isinstance(rate, (int, float)):
            if not 0 <= rate < 1:
                raise ValueError(
                    f"rate must be a scalar tensor or a float in the range [0, 1), got {rate:g}"
                )
            if rate == 0:
                return x
            scale = constant(1.0 / (1.0 - rate), dtype=x.dtype.base_dtype)
            rate_t = constant(rate, dtype=x.dtype.base_dtype, name="rate")
        else:
            rate_t = convert_to_tensor(rate, dtype=x.dtype.base_dtype, name="rate")
            scale = 1.0 / (1.0 - rate_t)
        shape = (
            array_ops.shape(x)
            if noise_shape is None
            else convert_to_tensor(noise_shape, dtype=dtypes.int32)
        )
        seed1, seed2 = init_ops.get_seed(seed)
        attrs = {"dtype": x.dtype.base_dtype._core}
        if seed1 is not None:
            attrs.update(seed=int(seed1), seed2=int(seed2))
        random_tensor = (
            get_default_graph()
            .create_op("RandomUniform", [shape], attrs, name="random_uniform")
            .outputs[0]
        )
        keep_mask = math_ops.greater_equal(random_tensor, rate_t)
        return math_ops.multiply(
            x * scale, array_ops.cast(keep_mask, x.dtype.base_dtype), name=scope
        )


__all__ += [
    "batch_normalization",
    "bias_add",
    "dropout",
    "moments",
    "sigmoid_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
]


from varflow.array_ops import embedding_lookup  # noqa: E402
from varflow.math_ops import leaky_relu, selu  # noqa: E402
