"""tf.nn: activations, softmax, losses."""

from __future__ import annotations

from varflow import _core, array_ops, dtypes, errors
from varflow.graph import (
    Tensor,
    _graph_of,
    constant,
    convert_to_tensor,
    get_default_graph,
    name_scope,
)
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
    """Elementwise logistic loss in TF1's stable form max(x, 0) - x * z + log1p(exp(-|x|))
    (C++: ``train::sigmoid_cross_entropy_with_logits``)."""
    from varflow.clip_ops import core_arg

    if _sentinel is not None:
        raise ValueError(
            "Only call `sigmoid_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    graph = _graph_of([logits, labels])
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.sigmoid_cross_entropy_with_logits(
            graph._core,
            core_arg(labels),
            core_arg(logits),
            "logistic_loss" if name is None else name,
        )
    return graph._tensor_for(out)


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
    """Mean and variance of `x` over `axes` (TF1's tf.nn.moments); `shift` is ignored, as in TF
    (C++: ``train::moments``)."""
    from varflow.clip_ops import core_arg

    if keepdims is None:
        keepdims = bool(keep_dims)
    graph = _graph_of([x])
    with graph.as_default():  # TF1: the inputs' graph is the default one
        mean, variance = _core.moments(
            graph._core,
            core_arg(x),
            [int(a) for a in axes],
            bool(keepdims),
            "moments" if name is None else name,
        )
    return graph._tensor_for(mean), graph._tensor_for(variance)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None) -> Tensor:
    """(x - mean) * scale / sqrt(variance + epsilon) + offset, as TF1 computes it
    (C++: ``train::batch_normalization``)."""
    from varflow.clip_ops import core_arg

    graph = _graph_of([x, mean, variance, scale, offset])
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.batch_normalization(
            graph._core,
            core_arg(x),
            core_arg(mean),
            core_arg(variance),
            None if offset is None else core_arg(offset),
            None if scale is None else core_arg(scale),
            core_arg(variance_epsilon),
            "batchnorm" if name is None else name,
        )
    return graph._tensor_for(out)


def _noise_shape_arg(noise_shape):
    if noise_shape is None:
        return None
    return _core.Arg(lambda dtype, name: convert_to_tensor(noise_shape, dtype=dtypes.int32)._output)


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None) -> Tensor:
    """TF1's tf.nn.dropout: keeps each element with probability 1 - rate, scaled by 1/(1 - rate)
    (op RandomUniform; a fresh mask every run; C++: ``train::dropout``)."""
    from varflow.clip_ops import core_arg

    if keep_prob is not None:
        if rate is not None:
            raise ValueError("Cannot specify both 'rate' and 'keep_prob'.")
        rate = 1 - keep_prob
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    graph = _graph_of([x])
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.dropout(
            graph._core,
            core_arg(x),
            core_arg(rate, numeric=True),
            _noise_shape_arg(noise_shape),
            None if seed is None else int(seed),
            "dropout" if name is None else name,
        )
    return graph._tensor_for(out)


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
