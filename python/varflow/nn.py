"""tf.nn: activations, softmax, losses, convolution and pooling."""

from __future__ import annotations

from varflow import _core, array_ops, dtypes
from varflow.graph import (
    Tensor,
    _graph_of,
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
    """Computes rectified linear: `max(features, 0)`.

    Its gradient is 1 where `features > 0`, else 0.

    Args:
      features: A `Tensor` of a floating type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `features`.
    """
    return _op("Relu", [convert_to_tensor(features)], name=name)


def relu6(features, name=None) -> Tensor:
    """Computes Rectified Linear 6: `min(max(features, 0), 6)`.

    Its gradient is 1 where `0 < features < 6`, else 0.

    Args:
      features: A `Tensor` of a floating type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `features`.
    """
    return _op("Relu6", [convert_to_tensor(features)], name=name)


def elu(features, name=None) -> Tensor:
    """Computes exponential linear: `exp(features) - 1` if < 0, `features` otherwise.

    See Clevert et al., 2015: "Fast and Accurate Deep Network Learning by Exponential
    Linear Units (ELUs)".

    Args:
      features: A `Tensor` of a floating type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `features`.
    """
    return _op("Elu", [convert_to_tensor(features)], name=name)


def softplus(features, name=None) -> Tensor:
    """Computes softplus: `log(exp(features) + 1)`.

    Computed in a form that does not overflow for large `features`.

    Args:
      features: A `Tensor` of a floating type.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `features`.
    """
    return _op("Softplus", [convert_to_tensor(features)], name=name)


def l2_loss(t, name=None) -> Tensor:
    """Computes half the L2 norm of a tensor without the `sqrt`: `sum(t ** 2) / 2`.

    Args:
      t: A `Tensor` of a floating type, typically a weight matrix.
      name: A name for the operation (optional).

    Returns:
      A scalar `Tensor` of the same type as `t`.
    """
    return _op("L2Loss", [convert_to_tensor(t)], name=name)


def _softmax(core_fn, logits, axis, name):
    from varflow.clip_ops import core_arg

    logits = convert_to_tensor(logits)
    graph = logits.graph
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = core_fn(graph._core, core_arg(logits), -1 if axis is None else int(axis), name or "")
    return graph._tensor_for(out)


def softmax(logits, axis=None, name=None, dim=None) -> Tensor:
    """Computes softmax activations: `exp(logits) / reduce_sum(exp(logits), axis)`.

    Args:
      logits: A non-empty `Tensor` of a floating type.
      axis: The dimension softmax is performed on. The default is -1, the last dimension.
      name: A name for the operation (optional).
      dim: Deprecated alias for `axis`.

    Returns:
      A `Tensor` with the same type and shape as `logits`.

    Raises:
      InvalidArgumentError: If `logits` is empty or `axis` is beyond its last dimension.
    """
    return _softmax(_core.softmax, logits, dim if axis is None else axis, name)


def log_softmax(logits, axis=None, name=None, dim=None) -> Tensor:
    """Computes log softmax activations: `logits - log(reduce_sum(exp(logits), axis))`.

    Args:
      logits: A non-empty `Tensor` of a floating type.
      axis: The dimension log softmax is performed on. The default is -1, the last dimension.
      name: A name for the operation (optional).
      dim: Deprecated alias for `axis`.

    Returns:
      A `Tensor` with the same type and shape as `logits`.

    Raises:
      InvalidArgumentError: If `logits` is empty or `axis` is beyond its last dimension.
    """
    return _softmax(_core.log_softmax, logits, dim if axis is None else axis, name)


def softmax_cross_entropy_with_logits_v2(
    _sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None
):
    """Computes softmax cross entropy between `logits` and `labels`.

    Measures the probability error in discrete classification tasks in which the classes are
    mutually exclusive (each entry is in exactly one class). Each row of `labels` must be a
    valid probability distribution. Backpropagation happens into both `logits` and `labels`
    (wrap `labels` in `tf.stop_gradient` to prevent it).

    This op expects unscaled logits, since it performs a softmax on `logits` internally for
    efficiency. Do not call it with the output of `softmax`.

    Args:
      _sentinel: Used to prevent positional parameters. Internal, do not use.
      labels: Each vector along the class dimension should hold a valid probability
        distribution; same shape and dtype as `logits`.
      logits: Per-label activations, typically a linear output.
      dim: The class dimension. Defaulted to -1 which is the last dimension.
      name: A name for the operation (optional).
      axis: Alias for `dim`.

    Returns:
      A `Tensor` that contains the softmax cross entropy loss. Its type is the same as
      `logits` and its shape is the same as `labels` except that it does not have the class
      dimension.

    Raises:
      ValueError: If `labels` or `logits` is not given by keyword, or their shapes differ.
    """
    if _sentinel is not None:
        raise ValueError(
            "Only call `softmax_cross_entropy_with_logits_v2` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    if axis is not None:
        dim = axis
    return _softmax_cross_entropy(labels, logits, dim, name, stop_label_gradient=False)


def _softmax_cross_entropy(labels, logits, dim, name, stop_label_gradient):
    """train::softmax_cross_entropy_with_logits (varflow/train/nn.h), with TF1's conversion of
    the logits ("logits") and of the labels to their dtype ("labels")."""
    from varflow.clip_ops import core_arg

    graph = _graph_of((logits, labels))
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.softmax_cross_entropy_with_logits(
            graph._core,
            core_arg(labels),
            core_arg(logits),
            int(dim),
            name or "",
            stop_label_gradient,
        )
    return graph._tensor_for(out)


def softmax_cross_entropy_with_logits(
    _sentinel=None, labels=None, logits=None, dim=-1, name=None, axis=None
):
    """Computes softmax cross entropy between `logits` and `labels` (deprecated in TF1).

    As `softmax_cross_entropy_with_logits_v2`, except that no gradient flows into `labels`.

    Args:
      _sentinel: Used to prevent positional parameters. Internal, do not use.
      labels: Each vector along the class dimension should hold a valid probability
        distribution; same shape and dtype as `logits`.
      logits: Unscaled log probabilities.
      dim: The class dimension. Defaulted to -1 which is the last dimension.
      name: A name for the operation (optional).
      axis: Alias for `dim`.

    Returns:
      A `Tensor` of the same type as `logits` with the shape of `labels` minus the class
      dimension.

    Raises:
      ValueError: If `labels` or `logits` is not given by keyword, or their shapes differ.
    """
    if _sentinel is not None:
        raise ValueError(
            "Only call `softmax_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    if axis is not None:
        dim = axis
    return _softmax_cross_entropy(labels, logits, dim, name, stop_label_gradient=True)


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Computes sigmoid cross entropy given `logits`.

    Measures the probability error in discrete classification tasks in which each class is
    independent and not mutually exclusive. With `x = logits` and `z = labels` the loss is
    computed in TF1's numerically stable form `max(x, 0) - x * z + log(1 + exp(-abs(x)))`.

    Args:
      _sentinel: Used to prevent positional parameters. Internal, do not use.
      labels: A `Tensor` of the same type and shape as `logits`.
      logits: A `Tensor` of type `float32` or `float64`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape as `logits` with the componentwise logistic losses.

    Raises:
      ValueError: If `logits` and `labels` do not have the same shape.
    """
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
    """Computes sparse softmax cross entropy between `logits` and `labels`.

    Measures the probability error in discrete classification tasks in which the classes are
    mutually exclusive. `labels` holds the index of the true class rather than a one-hot
    distribution; no gradient flows into it.

    Args:
      _sentinel: Used to prevent positional parameters. Internal, do not use.
      labels: A `Tensor` of shape `[d_0, ..., d_{r-1}]` and dtype `int32` or `int64`.
        Each entry must be an index in `[0, num_classes)`.
      logits: Unscaled log probabilities of shape `[d_0, ..., d_{r-1}, num_classes]` and a
        floating dtype.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape as `labels` and of the same type as `logits` with the
      softmax cross entropy loss.

    Raises:
      ValueError: If `logits` are scalars or the rank of `labels` is not the rank of
        `logits` minus one.
      InvalidArgumentError: If a label is outside `[0, num_classes)` (when the step runs).
    """
    if _sentinel is not None:
        raise ValueError(
            "Only call `sparse_softmax_cross_entropy_with_logits` with named arguments (labels=..., logits=..., ...)"
        )
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    from varflow.clip_ops import core_arg

    # train::sparse_softmax_cross_entropy_with_logits (varflow/train/layers.h): the op for
    # rank-2 logits, the rows of the last axis for any other rank.
    graph = _graph_of([logits, labels])
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.sparse_softmax_cross_entropy_with_logits(
            graph._core,
            core_arg(labels),
            core_arg(logits),
            "SparseSoftmaxCrossEntropyWithLogits" if name is None else name,
        )
    return graph._tensor_for(out)


def bias_add(value, bias, data_format=None, name=None) -> Tensor:
    """Adds `bias` to `value`.

    This is (mostly) a special case of `tf.add` where `bias` is restricted to 1-D. Broadcasting
    is supported, so `value` may have any number of dimensions.

    Args:
      value: A `Tensor` of a numeric type.
      bias: A 1-D `Tensor` with size matching the channel dimension of `value`, of the same
        type as `value`.
      data_format: `"NHWC"` (bias along the last axis; the default) or `"NCHW"` (axis 1).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same type and shape as `value`.

    Raises:
      ValueError: If `bias` is not 1-D or its size does not match the channel dimension.
    """
    with name_scope(name, "BiasAdd", [value, bias]) as scope:
        value = convert_to_tensor(value, name="input")
        bias = convert_to_tensor(bias, dtype=value.dtype.base_dtype, name="bias")
        attrs = {"data_format": "NCHW" if data_format in ("NCHW", "NCW", "NCDHW") else "NHWC"}
        return get_default_graph().create_op("BiasAdd", [value, bias], attrs, name=scope).outputs[0]


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """Calculates the mean and variance of `x`.

    The mean and variance are calculated by aggregating the contents of `x` across `axes`.
    For batch normalization of a convolution use `axes=[0, 1, 2]`; for a simple batch
    normalization `axes=[0]`.

    Args:
      x: A `Tensor`.
      axes: Array of ints. Axes along which to compute mean and variance.
      shift: Not used in the current implementation (as in TF1).
      name: A name for the operation (optional).
      keep_dims: Deprecated alias for `keepdims`.
      keepdims: Produce moments with the same dimensionality as the input.

    Returns:
      Two `Tensor` objects: `mean` and `variance`.
    """
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
    """Batch normalization.

    Normalizes a tensor by `mean` and `variance`, and applies (optionally) a `scale` and an
    `offset`: `(x - mean) * scale / sqrt(variance + variance_epsilon) + offset`, computed as
    TF1 computes it.

    Args:
      x: Input `Tensor` of arbitrary dimensionality.
      mean: A mean `Tensor`, broadcastable against `x`.
      variance: A variance `Tensor`, broadcastable against `x`.
      offset: An offset `Tensor` (often `beta`), or None.
      scale: A scale `Tensor` (often `gamma`), or None.
      variance_epsilon: A small float number to avoid dividing by 0.
      name: A name for the operation (optional).

    Returns:
      The normalized, scaled, offset tensor.
    """
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
    """Computes dropout.

    With probability `rate`, drops elements of `x`. Input that are kept are scaled up by
    `1 / (1 - rate)`, so that the expected sum is unchanged. A fresh mask is drawn on every
    run. By default each element is kept or dropped independently; `noise_shape` makes the
    keep/drop decision shared along dimensions where it is 1.

    Args:
      x: A floating point tensor.
      keep_prob: (deprecated) A deprecated alias for `1 - rate`.
      noise_shape: A 1-D `Tensor` of type `int32`, representing the shape for randomly
        generated keep/drop flags.
      seed: A Python integer, used to create random seeds (see `tf.set_random_seed`).
      name: A name for the operation (optional).
      rate: A scalar `Tensor` with the same type as `x`. The probability that each
        element of `x` is discarded.

    Returns:
      A `Tensor` of the same shape and type as `x`.

    Raises:
      ValueError: If `rate` is not in `[0, 1)`, both or neither of `rate` and `keep_prob`
        are given, or `x` is not a floating point tensor.
    """
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
from varflow.special_math_ops import softsign  # noqa: E402
from varflow.sort_ops import in_top_k, top_k  # noqa: E402
from varflow.sparse_embedding import (  # noqa: E402
    embedding_lookup_sparse,
    safe_embedding_lookup_sparse,
)


# --- convolution and pooling (TF1's nn_ops.py) ------------------------------------------------


def _channel_index(data_format):
    return 1 if data_format is not None and data_format.startswith("NC") else -1


def _get_sequence(value, n, channel_index, name):
    """TF1's _get_sequence: an int or a list of 1, n or n + 2 values -> n + 2 values with 1 in
    the batch and channel positions."""
    if value is None:
        value = [1]
    elif isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    elif not isinstance(value, (list, tuple)):
        value = list(value)
    value = [int(v) for v in value]
    if len(value) == n + 2:
        return value
    if len(value) == 1:
        value = value * n
    elif len(value) != n:
        raise ValueError(
            f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of "
            f"length {len(value)}"
        )
    if channel_index == 1:
        return [1, 1, *value]
    return [1, *value, 1]


def _padding_attrs(padding, data_format, op_name):
    """TF1's _convert_padding: a string, or a list of [before, after] pairs (EXPLICIT)."""
    if isinstance(padding, (list, tuple)):
        pads = [list(p) for p in padding]
        if len(pads) != 4:
            raise ValueError(
                f"When padding is a list, it must be of size 4. Received: padding={padding} of "
                f"size {len(pads)}"
            )
        if any(len(p) != 2 for p in pads):
            raise ValueError(f"When padding is a list, each element must be a pair: {padding}")
        fmt = data_format or "NHWC"
        outer = (pads[0], pads[1]) if fmt.startswith("NC") else (pads[0], pads[3])
        if any(int(v) != 0 for p in outer for v in p):
            where = "first two" if fmt.startswith("NC") else "first and last"
            raise ValueError(
                f'When explicit padding is used and data_format is "{fmt}", the {where} '
                f"elements of padding must be [0, 0]. Received: padding={padding}"
            )
        return {"padding": "EXPLICIT", "explicit_paddings": [int(v) for p in pads for v in p]}
    if not isinstance(padding, str):
        raise TypeError(f"{op_name}: padding must be a string or a list of pairs, not {padding!r}")
    return {"padding": padding}


def _data_format(data_format):
    return "NCHW" if data_format in ("NCHW", "NCW", "NCDHW") else data_format or "NHWC"


def conv2d(
    input,
    filter=None,
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
) -> Tensor:
    """Computes a 2-D convolution given 4-D `input` and `filter` tensors.

    Given an input tensor of shape `[batch, in_height, in_width, in_channels]` and a filter
    tensor of shape `[filter_height, filter_width, in_channels, out_channels]`, this op
    computes the cross-correlation of each patch of the input with the filter.

    Args:
      input: A 4-D `Tensor` of type `float32` or `float64`.
      filter: A 4-D `Tensor` of the same type as `input`.
      strides: An int or list of ints of length 1, 2 or 4: the stride of the sliding window
        for each dimension of `input` (batch and channel strides must be 1).
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      use_cudnn_on_gpu: Accepted for TF1 compatibility; varflow runs on the CPU.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      dilations: An int or list of ints of length 1, 2 or 4: the dilation factor for each
        dimension of `input`.
      name: A name for the operation (optional).
      filters: Alias for `filter`.

    Returns:
      A `Tensor` of the same type as `input`.

    Raises:
      ValueError: If the shapes, strides or dilations do not fit each other.
    """
    if filter is None:
        filter = filters
    elif filters is not None:
        raise ValueError("Arguments filters and filter are mutually exclusive.")
    channel = _channel_index(data_format)
    attrs = {
        "strides": _get_sequence(strides, 2, channel, "strides"),
        "dilations": _get_sequence(dilations, 2, channel, "dilations"),
        "data_format": data_format or "NHWC",
        "use_cudnn_on_gpu": bool(use_cudnn_on_gpu),
        **_padding_attrs(padding, data_format, "Conv2D"),
    }
    x = convert_to_tensor(input, name="input")
    f = convert_to_tensor(filter, name="filter")
    return _op("Conv2D", [x, f], attrs, name=name)


def _backprop_attrs(strides, padding, use_cudnn_on_gpu, data_format, dilations, op_name):
    channel = _channel_index(data_format)
    attrs = {
        "strides": _get_sequence(strides, 2, channel, "strides"),
        "dilations": _get_sequence(dilations, 2, channel, "dilations"),
        "data_format": data_format or "NHWC",
        **_padding_attrs(padding, data_format, op_name),
    }
    if use_cudnn_on_gpu is not None:
        attrs["use_cudnn_on_gpu"] = bool(use_cudnn_on_gpu)
    return attrs


def conv2d_backprop_input(
    input_sizes,
    filter=None,
    out_backprop=None,
    strides=None,
    padding=None,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
    filters=None,
) -> Tensor:
    """Computes the gradients of convolution with respect to the input.

    Args:
      input_sizes: A 1-D int32 `Tensor`, the shape of `input`, a 4-D `[batch, height,
        width, channels]` tensor.
      filter: A 4-D `Tensor` of shape `[filter_height, filter_width, in_channels,
        out_channels]`.
      out_backprop: A 4-D `Tensor`, the gradients with respect to the output of the
        convolution.
      strides: The stride of the sliding window for each dimension of the input.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      use_cudnn_on_gpu: Accepted for TF1 compatibility.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      dilations: The dilation factor for each dimension of `input`.
      name: A name for the operation (optional).
      filters: Alias for `filter`.

    Returns:
      A `Tensor` of the same type as `filter`: the gradient with respect to the input.
    """
    filter = filter if filter is not None else filters
    attrs = _backprop_attrs(
        strides, padding, use_cudnn_on_gpu, data_format, dilations, "Conv2DBackpropInput"
    )
    sizes = convert_to_tensor(input_sizes, dtype=dtypes.int32, name="input_sizes")
    inputs = [sizes, convert_to_tensor(filter), convert_to_tensor(out_backprop)]
    return _op("Conv2DBackpropInput", inputs, attrs, name=name)


def conv2d_backprop_filter(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    use_cudnn_on_gpu=True,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
) -> Tensor:
    """Computes the gradients of convolution with respect to the filter.

    Args:
      input: A 4-D `Tensor` of shape `[batch, in_height, in_width, in_channels]`.
      filter_sizes: A 1-D int32 `Tensor`, the shape of the filter, a 4-D
        `[filter_height, filter_width, in_channels, out_channels]` tensor.
      out_backprop: A 4-D `Tensor`, the gradients with respect to the output of the
        convolution.
      strides: The stride of the sliding window for each dimension of the input.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      use_cudnn_on_gpu: Accepted for TF1 compatibility.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      dilations: The dilation factor for each dimension of `input`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same type as `input`: the gradient with respect to the filter.
    """
    attrs = _backprop_attrs(
        strides, padding, use_cudnn_on_gpu, data_format, dilations, "Conv2DBackpropFilter"
    )
    sizes = convert_to_tensor(filter_sizes, dtype=dtypes.int32, name="filter_sizes")
    inputs = [convert_to_tensor(input), sizes, convert_to_tensor(out_backprop)]
    return _op("Conv2DBackpropFilter", inputs, attrs, name=name)


def conv2d_transpose(
    value=None,
    filter=None,
    output_shape=None,
    strides=None,
    padding="SAME",
    data_format="NHWC",
    name=None,
    input=None,
    filters=None,
    dilations=None,
) -> Tensor:
    """The transpose of `conv2d`.

    This operation is sometimes called "deconvolution" after Deconvolutional Networks, but
    is really the transpose (gradient) of `conv2d` rather than an actual deconvolution. The
    op is a `Conv2DBackpropInput` named `conv2d_transpose`, as in TF1.

    Args:
      value: A 4-D `Tensor` of type `float` and shape `[batch, height, width, in_channels]`
        for `NHWC` data format.
      filter: A 4-D `Tensor` with the same type as `value` and shape `[height, width,
        output_channels, in_channels]`.
      output_shape: A 1-D `Tensor` representing the output shape of the op.
      strides: An int or list of ints: the stride of the sliding window for each dimension
        of the input tensor.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      name: A name for the operation (optional).
      input: Alias for `value`.
      filters: Alias for `filter`.
      dilations: An int or list of ints, the dilation factor for each dimension of `value`.

    Returns:
      A `Tensor` with the same type as `value`.

    Raises:
      ValueError: If the input/output depth does not match the filter's shape, or
        `output_shape` is not a 4-element vector.
    """
    import numpy as np

    value = input if value is None else value
    filter = filters if filter is None else filter
    with name_scope(name, "conv2d_transpose", [value, filter, output_shape]) as scope:
        value = convert_to_tensor(value, name="value")
        filter = convert_to_tensor(filter, name="filter")
        axis = 1 if _data_format(data_format) == "NCHW" else 3
        vshape, fshape = value.shape, filter.shape
        if vshape.ndims is not None and fshape.ndims is not None:
            vc, fc = vshape.dims[axis].value, fshape.dims[3].value
            if vc is not None and fc is not None and vc != fc:
                raise ValueError(
                    f"input channels does not match filter's input channels, {vc} != {fc}"
                )
        if isinstance(output_shape, (list, tuple, np.ndarray)):
            if len(output_shape) != 4:
                raise ValueError(f"output_shape must have shape (4,), got {list(output_shape)}")
            oc = fshape.dims[2].value if fshape.ndims is not None else None
            if oc is not None and output_shape[axis] is not None and int(output_shape[axis]) != oc:
                raise ValueError(
                    f"output_shape does not match filter's output channels, "
                    f"{output_shape[axis]} != {oc}"
                )
        return conv2d_backprop_input(
            output_shape,
            filter,
            value,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilations=dilations,
            use_cudnn_on_gpu=None,
            name=scope,
        )


def conv1d(
    value=None,
    filters=None,
    stride=None,
    padding=None,
    use_cudnn_on_gpu=None,
    data_format=None,
    name=None,
    input=None,
    dilations=None,
) -> Tensor:
    """Computes a 1-D convolution given 3-D input and filter tensors.

    Given an input tensor of shape `[batch, in_width, in_channels]` and a filter of shape
    `[filter_width, in_channels, out_channels]`, the op reshapes the arguments to pass them to
    `conv2d` (expand_dims, conv2d, squeeze), as TF1 does.

    Args:
      value: A 3-D `Tensor` of type `float32` or `float64`.
      filters: A 3-D `Tensor` with the same type as `value`.
      stride: An int or list of ints: the number of entries the filter moves right at each
        step.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      use_cudnn_on_gpu: Accepted for TF1 compatibility.
      data_format: `"NWC"` (the default) or `"NCW"`.
      name: A name for the operation (optional).
      input: Alias for `value`.
      dilations: The dilation rate of the width dimension.

    Returns:
      A `Tensor` with the same type as the input.

    Raises:
      ValueError: If `data_format` is invalid.
    """
    value = input if value is None else value
    with name_scope(name, "conv1d", [value, filters]) as scope:
        if data_format is None or data_format in ("NHWC", "NWC"):
            fmt, spatial = "NHWC", 1
        elif data_format in ("NCHW", "NCW"):
            fmt, spatial = "NCHW", 2
        else:
            raise ValueError(
                f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}"
            )
        channel = 1 if fmt == "NCHW" else -1
        strides = [1, *_get_sequence(stride, 1, channel, "stride")]
        dil = [1, *_get_sequence(dilations, 1, channel, "dilations")]
        x = array_ops.expand_dims(convert_to_tensor(value, name="value"), spatial)
        f = array_ops.expand_dims(convert_to_tensor(filters, name="filters"), 0)
        if isinstance(padding, (list, tuple)):
            raise TypeError("varflow: conv1d takes a padding string ('SAME' or 'VALID')")
        y = conv2d(
            x,
            f,
            strides=strides,
            padding=padding,
            use_cudnn_on_gpu=True if use_cudnn_on_gpu is None else use_cudnn_on_gpu,
            data_format=fmt,
            dilations=dil,
        )
        return array_ops.squeeze(y, [spatial], name=scope)


def conv3d(
    input,
    filter=None,
    strides=None,
    padding=None,
    data_format="NDHWC",
    dilations=(1, 1, 1, 1, 1),
    name=None,
    filters=None,
) -> Tensor:
    """Computes a 3-D convolution given 5-D `input` and `filter` tensors.

    In signal processing, cross-correlation is a measure of similarity of two waveforms as a
    function of a time-lag applied to one of them. This is also known as a sliding dot product
    or sliding inner-product. Our Conv3D implements a form of cross-correlation.

    Args:
      input: A 5-D `Tensor` of type `float32` or `float64`, `[batch, in_depth, in_height,
        in_width, in_channels]`.
      filter: A 5-D `Tensor` with the same type as `input`, `[filter_depth, filter_height,
        filter_width, in_channels, out_channels]`.
      strides: A list of 5 ints (the batch and channel strides must be 1).
      padding: `"SAME"` or `"VALID"`.
      data_format: `"NDHWC"` (the default). `"NCDHW"` builds, but runs only where TF1's GPU
        kernels would: the CPU kernels refuse it, as TF1's.
      dilations: A list of 5 ints (default 1): the dilation factor per dimension.
      name: A name for the operation (optional).
      filters: Alias for `filter`.

    Returns:
      A `Tensor` with the same type as `input`.

    Raises:
      ValueError: If the ranks, channels, strides, dilations or padding do not fit.
    """
    if filter is None:
        filter = filters
    elif filters is not None:
        raise ValueError("Arguments filters and filter are mutually exclusive.")
    if strides is None or padding is None:
        raise TypeError("conv3d() needs strides and padding")
    attrs = {
        "strides": [int(v) for v in strides],
        "padding": padding,
        "data_format": data_format or "NDHWC",
        "dilations": [int(v) for v in dilations],
    }
    x = convert_to_tensor(input, name="input")
    f = convert_to_tensor(filter, name="filter")
    return _op("Conv3D", [x, f], attrs, name=name)


def conv3d_backprop_filter_v2(
    input,
    filter_sizes,
    out_backprop,
    strides,
    padding,
    data_format="NDHWC",
    dilations=(1, 1, 1, 1, 1),
    name=None,
) -> Tensor:
    """Computes the gradient of 3-D convolution with respect to the filter.

    Args:
      input: A 5-D `Tensor` of type `float32` or `float64`, the convolution's input.
      filter_sizes: A 1-D int32 `Tensor` of 5 values: the filter's shape.
      out_backprop: The gradient of the convolution's output.
      strides: A list of 5 ints.
      padding: `"SAME"` or `"VALID"`.
      data_format: `"NDHWC"` (the default).
      dilations: A list of 5 ints.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the filter's shape and the type of `input`.
    """
    attrs = {
        "strides": [int(v) for v in strides],
        "padding": padding,
        "data_format": data_format,
        "dilations": [int(v) for v in dilations],
    }
    inputs = [
        convert_to_tensor(input, name="input"),
        convert_to_tensor(filter_sizes, dtype=dtypes.int32, name="filter_sizes"),
        convert_to_tensor(out_backprop, name="out_backprop"),
    ]
    return _op("Conv3DBackpropFilterV2", inputs, attrs, name=name)


def conv3d_transpose(
    value=None,
    filter=None,
    output_shape=None,
    strides=None,
    padding="SAME",
    data_format="NDHWC",
    name=None,
    input=None,
    filters=None,
    dilations=None,
) -> Tensor:
    """The transpose of `conv3d`: its gradient with respect to its input.

    The op is a `Conv3DBackpropInputV2` named `conv3d_transpose`, as in TF1.

    Args:
      value: A 5-D `Tensor` of type `float`, `[batch, depth, height, width, in_channels]`.
      filter: A 5-D `Tensor` with the same type as `value`, `[depth, height, width,
        output_channels, in_channels]`; its `in_channels` must match `value`'s.
      output_shape: A 1-D `Tensor` of 5 values: the shape of the output.
      strides: A list of 5 ints.
      padding: `"SAME"` or `"VALID"`.
      data_format: `"NDHWC"` (the default).
      name: A name for the operation (optional).
      input: Alias for `value`.
      filters: Alias for `filter`.
      dilations: A list of 5 ints (default 1).

    Returns:
      A `Tensor` with the same type as `value`.

    Raises:
      ValueError: If the channels or `output_shape` do not fit the filter.
    """
    import numpy as np

    value = input if value is None else value
    filter = filters if filter is None else filter
    with name_scope(name, "conv3d_transpose", [value, filter, output_shape]) as scope:
        value = convert_to_tensor(value, name="value")
        filter = convert_to_tensor(filter, name="filter")
        axis = 1 if data_format == "NCDHW" else 4
        vshape, fshape = value.shape, filter.shape
        if vshape.ndims is not None and fshape.ndims is not None:
            vc, fc = vshape.dims[axis].value, fshape.dims[4].value
            if vc is not None and fc is not None and vc != fc:
                raise ValueError(
                    f"input channels does not match filter's input channels, {vc} != {fc}"
                )
        if isinstance(output_shape, (list, tuple, np.ndarray)):
            if len(output_shape) != 5:
                raise ValueError(f"output_shape must have shape (5,), got {list(output_shape)}")
            oc = fshape.dims[3].value if fshape.ndims is not None else None
            if oc is not None and output_shape[axis] is not None and int(output_shape[axis]) != oc:
                raise ValueError(
                    f"output_shape does not match filter's output channels, "
                    f"{output_shape[axis]} != {oc}"
                )
        attrs = {
            "strides": [int(v) for v in strides],
            "padding": padding,
            "data_format": data_format,
            "dilations": [int(v) for v in (dilations or [1, 1, 1, 1, 1])],
        }
        sizes = convert_to_tensor(output_shape, dtype=dtypes.int32, name="output_shape")
        return _op("Conv3DBackpropInputV2", [sizes, filter, value], attrs, name=scope)


def _pool3d(op_type, input, ksize, strides, padding, data_format, name):
    attrs = {
        "ksize": _get_sequence(ksize, 3, 1 if data_format == "NCDHW" else -1, "ksize"),
        "strides": _get_sequence(strides, 3, 1 if data_format == "NCDHW" else -1, "strides"),
        "padding": padding,
        "data_format": data_format,
    }
    return _op(op_type, [convert_to_tensor(input, name="input")], attrs, name=name)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:
    """Performs 3-D max pooling on the input.

    Args:
      input: A 5-D `Tensor` of type `float32` or `float64`, `[batch, depth, rows, cols,
        channels]`.
      ksize: An int or list of 1, 3 or 5 ints: the size of the window for each dimension.
      strides: An int or list of 1, 3 or 5 ints: the stride of the window per dimension.
      padding: `"SAME"` or `"VALID"`.
      data_format: `"NDHWC"` (the default; the CPU kernels take only it).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the type of `input`: the max-pooled volume (op `MaxPool3D`).

    Raises:
      ValueError: If the window, strides or padding do not fit the input.
    """
    return _pool3d("MaxPool3D", input, ksize, strides, padding, data_format, name)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:
    """Performs 3-D average pooling on the input.

    Each output is the mean of its window's inputs inside the volume (padding is not counted).

    Args:
      input: A 5-D `Tensor` of type `float32` or `float64`, `[batch, depth, rows, cols,
        channels]`.
      ksize: An int or list of 1, 3 or 5 ints: the size of the window for each dimension.
      strides: An int or list of 1, 3 or 5 ints: the stride of the window per dimension.
      padding: `"SAME"` or `"VALID"`.
      data_format: `"NDHWC"` (the default; the CPU kernels take only it).
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the type of `input`: the average-pooled volume (op `AvgPool3D`).

    Raises:
      ValueError: If the window, strides or padding do not fit the input.
    """
    return _pool3d("AvgPool3D", input, ksize, strides, padding, data_format, name)


def _spatial_sequence(value, n, name):
    """An int or a list of n ints (TF1's convolution `strides`/`dilation_rate`)."""
    if value is None:
        return [1] * n
    values = [int(value)] * n if isinstance(value, int) else [int(v) for v in value]
    if len(values) != n:
        raise ValueError(f"{name} must be of length {n}, got {len(values)}: {values}")
    if any(v < 1 for v in values):
        raise ValueError(f"{name} must be positive, got {values}")
    return values


def convolution(
    input,
    filter=None,
    padding=None,
    strides=None,
    dilation_rate=None,
    name=None,
    data_format=None,
    filters=None,
    dilations=None,
) -> Tensor:
    """Computes sums of N-D convolutions (actually cross-correlation), for N = 1, 2 or 3.

    `filter` has shape `spatial_filter_shape + [in_channels, out_channels]`; its rank decides
    N. The op is `conv1d`'s, a `Conv2D` or a `Conv3D` named after the scope (default
    `"convolution"`), with
    `dilation_rate` as the convolution's dilations: the numbers of TF1's space-to-batch
    formulation, computed by one dilated convolution.

    Args:
      input: An (N+2)-D `Tensor` of type `float32` or `float64`, of shape `[batch] +
        input_spatial_shape + [in_channels]` (or channels first with `data_format` `"NC..."`).
      filter: An (N+2)-D `Tensor` with the same type as `input`.
      padding: `"SAME"` or `"VALID"`.
      strides: An int or a sequence of N positive ints (default 1).
      dilation_rate: An int or a sequence of N positive ints (default 1). Strides and dilation
        rates above 1 do not combine, as in TF1.
      name: A name for the scope of the operation (optional).
      data_format: `"NWC"`/`"NCW"` for N = 1, `"NHWC"`/`"NCHW"` for N = 2, `"NDHWC"` for
        N = 3 (default channels last).
      filters: Alias for `filter`.
      dilations: Alias for `dilation_rate`.

    Returns:
      A `Tensor` with the same type as `input`: `[batch] + output_spatial_shape +
      [out_channels]`.

    Raises:
      ValueError: If the ranks, strides, dilation rates or padding do not fit, or N is not 1,
        2 or 3.
    """
    if filter is not None and filters is not None:
        raise ValueError("Arguments filters and filter are mutually exclusive.")
    if dilation_rate is not None and dilations is not None:
        raise ValueError("Arguments dilations and dilation_rate are mutually exclusive.")
    filter = filters if filter is None else filter
    dilation_rate = dilations if dilation_rate is None else dilation_rate
    with name_scope(name, "convolution", [input, filter]) as scope:
        x = convert_to_tensor(input, name="input")
        f = convert_to_tensor(filter, name="filter")
        rank = f.shape.ndims if f.shape.ndims is not None else x.shape.ndims
        if rank is None:
            raise ValueError("convolution needs the rank of `input` or `filter` to be known")
        n = rank - 2
        if x.shape.ndims is not None and x.shape.ndims != rank:
            raise ValueError(
                f"input and filter must have the same rank, got {x.shape.ndims} and {rank}"
            )
        if n not in (1, 2, 3):
            raise ValueError(f"convolution is 1-D, 2-D or 3-D; got {n}-D")
        if padding not in ("SAME", "VALID"):
            raise ValueError(f"Unknown padding: {padding!r}; use 'SAME' or 'VALID'")
        strides = _spatial_sequence(strides, n, "strides")
        rates = _spatial_sequence(dilation_rate, n, "dilation_rate")
        if any(s > 1 for s in strides) and any(r > 1 for r in rates):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        if n == 1:
            return conv1d(
                x,
                f,
                stride=strides,
                padding=padding,
                data_format=data_format,
                dilations=rates,
                name=scope,
            )
        if n == 3:
            fmt = data_format or "NDHWC"
            if fmt not in ("NDHWC", "NCDHW"):
                raise ValueError(f"data_format must be 'NDHWC' or 'NCDHW' for 3-D, got {fmt!r}")
            full = [1, *strides, 1] if fmt == "NDHWC" else [1, 1, *strides]
            rates5 = [1, *rates, 1] if fmt == "NDHWC" else [1, 1, *rates]
            return conv3d(x, f, full, padding, data_format=fmt, dilations=rates5, name=scope)
        fmt = data_format or "NHWC"
        if fmt not in ("NHWC", "NCHW"):
            raise ValueError(f"data_format must be 'NHWC' or 'NCHW' for 2-D, got {fmt!r}")
        return conv2d(x, f, strides, padding, data_format=fmt, dilations=rates, name=scope)


def _atrous_rate(rate):
    if not isinstance(rate, int) or isinstance(rate, bool):
        raise TypeError(f"rate must be an int, got {rate!r}")
    if rate < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    return rate


def atrous_conv2d(value, filters, rate, padding, name=None) -> Tensor:
    """Atrous convolution (a.k.a. convolution with holes or dilated convolution).

    The filter is applied to every `rate`-th input value in height and width: the output is
    `conv2d` with dilations `[1, rate, rate, 1]` and stride 1, which is what TF1's
    space-to-batch formulation computes (`tf.nn.convolution` with `dilation_rate=[rate, rate]`).

    Args:
      value: A 4-D `Tensor` of type `float`, `[batch, in_height, in_width, in_channels]`.
      filters: A 4-D `Tensor` with the same type as `value`, `[filter_height, filter_width,
        in_channels, out_channels]`.
      rate: A positive int: the stride with which the input values are sampled.
      padding: `"SAME"` or `"VALID"`.
      name: A name for the scope of the operation (optional).

    Returns:
      A `Tensor` with the same type as `value`.

    Raises:
      ValueError: If `rate` is less than one, or the shapes or padding do not fit.
    """
    rate = _atrous_rate(rate)
    return convolution(value, filters, padding, dilation_rate=[rate, rate], name=name)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None) -> Tensor:
    """The transpose of `atrous_conv2d`: its gradient with respect to its input.

    A `Conv2DBackpropInput` with stride 1 and dilations `[1, rate, rate, 1]`, named after the
    scope (default `"atrous_conv2d_transpose"`).

    Args:
      value: A 4-D `Tensor` of type `float`, `[batch, in_height, in_width, in_channels]`.
      filters: A 4-D `Tensor` with the same type as `value`, `[filter_height, filter_width,
        out_channels, in_channels]`; its `in_channels` must match `value`'s.
      output_shape: A 1-D `Tensor` of 4 elements: the shape of the output.
      rate: A positive int: the dilation of the filter.
      padding: `"SAME"` or `"VALID"`.
      name: A name for the scope of the operation (optional).

    Returns:
      A `Tensor` with the same type as `value`.

    Raises:
      ValueError: If `rate` is less than one, the padding is neither `"SAME"` nor `"VALID"`,
        or the channels or `output_shape` do not fit the filters.
    """
    rate = _atrous_rate(rate)
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be either VALID or SAME: {padding!r}")
    with name_scope(name, "atrous_conv2d_transpose", [value, filters, output_shape]) as scope:
        return conv2d_transpose(
            value,
            filters,
            output_shape,
            strides=[1, 1, 1, 1],
            padding=padding,
            dilations=[1, rate, rate, 1],
            name=scope,
        )


def _pool_attrs(ksize, strides, padding, data_format, op_name, explicit=True):
    channel = _channel_index(data_format)
    ksize = _get_sequence(ksize, 2, channel, "ksize")
    if any(k == 0 for k in ksize):
        raise ValueError(f"`ksize` cannot be zero. Received: ksize={ksize}")
    attrs = {
        "ksize": ksize,
        "strides": _get_sequence(strides, 2, channel, "strides"),
        "data_format": data_format or "NHWC",
    }
    if isinstance(padding, (list, tuple)) and not explicit:
        raise ValueError(f"{op_name} does not support explicit padding: padding={padding}")
    attrs.update(_padding_attrs(padding, data_format, op_name))
    return attrs


def max_pool(
    value,
    ksize,
    strides,
    padding,
    data_format="NHWC",
    name=None,
    input=None,
) -> Tensor:
    """Performs max pooling on the input.

    Args:
      value: A 4-D `Tensor` of the format specified by `data_format`.
      ksize: An int or list of ints of length 1, 2 or 4: the size of the window for each
        dimension of the input tensor.
      strides: An int or list of ints of length 1, 2 or 4: the stride of the sliding window
        for each dimension of the input tensor.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      name: A name for the operation (optional).
      input: Alias for `value`.

    Returns:
      A `Tensor` of format specified by `data_format`: the max pooled output tensor.
    """
    value = input if value is None else value
    with name_scope(name, "MaxPool", [value]) as scope:
        attrs = _pool_attrs(ksize, strides, padding, data_format, "MaxPool")
        return _op("MaxPool", [convert_to_tensor(value, name="input")], attrs, name=scope)


def avg_pool(
    value,
    ksize,
    strides,
    padding,
    data_format="NHWC",
    name=None,
    input=None,
) -> Tensor:
    """Performs average pooling on the input.

    Each entry in `output` is the mean of the corresponding size `ksize` window in `value`;
    with `"SAME"` padding only the window's elements inside the input are averaged.

    Args:
      value: A 4-D `Tensor` of shape `[batch, height, width, channels]` and type `float32` or
        `float64`.
      ksize: An int or list of ints: the size of the window for each dimension of the input.
      strides: An int or list of ints: the stride of the sliding window for each dimension.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      name: A name for the operation (optional).
      input: Alias for `value`.

    Returns:
      A `Tensor` with the same type as `value`: the average pooled output tensor.
    """
    value = input if value is None else value
    with name_scope(name, "AvgPool", [value]) as scope:
        attrs = _pool_attrs(ksize, strides, padding, data_format, "AvgPool", explicit=False)
        return _op("AvgPool", [convert_to_tensor(value, name="input")], attrs, name=scope)


def max_pool_with_argmax(
    input,
    ksize,
    strides,
    padding,
    data_format="NHWC",
    Targmax=None,
    name=None,
    output_dtype=None,
    include_batch_in_index=False,
):
    """Performs max pooling on the input and outputs both max values and indices.

    The indices in `argmax` are flattened, so that a maximum value at position
    `[b, y, x, c]` becomes flattened index `((b * height + y) * width + x) * channels + c`
    (without `b` unless `include_batch_in_index` is true).

    Args:
      input: A 4-D `Tensor` with shape `[batch, height, width, channels]`.
      ksize: The size of the window for each dimension of the input tensor.
      strides: The stride of the sliding window for each dimension of the input tensor.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      data_format: Only `"NHWC"` is supported.
      Targmax: The dtype of `argmax` (`int64` by default); TF1's name.
      name: A name for the operation (optional).
      output_dtype: Alias for `Targmax`.
      include_batch_in_index: Whether to include batch dimension in the flattened index.

    Returns:
      A tuple of `Tensor` objects `(output, argmax)`: the max pooled output, and the
      flattened indices of the maxima.
    """
    if data_format != "NHWC":
        raise ValueError("Data formats other than 'NHWC' are not yet supported")
    dtype = dtypes.as_dtype(output_dtype or Targmax or dtypes.int64)
    if dtype != dtypes.int64:
        raise ValueError(f"varflow: max_pool_with_argmax supports only int64 argmax, not {dtype}")
    attrs = _pool_attrs(ksize, strides, padding, "NHWC", "MaxPoolWithArgmax", explicit=False)
    del attrs["data_format"]
    attrs["include_batch_in_index"] = bool(include_batch_in_index)
    op = get_default_graph().create_op(
        "MaxPoolWithArgmax", [convert_to_tensor(input)], attrs, name=name or "MaxPoolWithArgmax"
    )
    return op.outputs[0], op.outputs[1]


def depthwise_conv2d_native(
    input,
    filter,
    strides,
    padding,
    data_format="NHWC",
    dilations=(1, 1, 1, 1),
    name=None,
) -> Tensor:
    """Computes a 2-D depthwise convolution given 4-D `input` and `filter` tensors.

    Given an input of shape `[batch, in_height, in_width, in_channels]` and a filter of shape
    `[filter_height, filter_width, in_channels, channel_multiplier]`, each input channel is
    convolved with its own `channel_multiplier` filters; the output has
    `in_channels * channel_multiplier` channels.

    Args:
      input: A 4-D `Tensor` of type `float32` or `float64`.
      filter: A 4-D `Tensor` of the same type as `input`.
      strides: The stride of the sliding window for each dimension of `input`.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      dilations: The dilation factor for each dimension of `input`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same type as `input`.
    """
    channel = _channel_index(data_format)
    attrs = {
        "strides": _get_sequence(strides, 2, channel, "strides"),
        "dilations": _get_sequence(dilations, 2, channel, "dilations"),
        "data_format": data_format or "NHWC",
        **_padding_attrs(padding, data_format, "DepthwiseConv2dNative"),
    }
    inputs = [convert_to_tensor(input, name="input"), convert_to_tensor(filter, name="filter")]
    return _op("DepthwiseConv2dNative", inputs, attrs, name=name)


def _rate_to_dilations(rate, dilations, strides, data_format):
    if rate is not None and dilations is not None:
        raise ValueError("Arguments rate and dilations are mutually exclusive.")
    rate = dilations if rate is None else rate
    rate = (
        [1, 1]
        if rate is None
        else [int(r) for r in (rate if hasattr(rate, "__len__") else [rate, rate])]
    )
    if len(rate) != 2:
        raise ValueError(f"rate must be of length 2, got {rate}")
    if any(r > 1 for r in rate) and any(s > 1 for s in strides):
        raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
    return _get_sequence(rate, 2, _channel_index(data_format), "dilations")


def depthwise_conv2d(
    input,
    filter,
    strides,
    padding,
    rate=None,
    name=None,
    data_format=None,
    dilations=None,
) -> Tensor:
    """Depthwise 2-D convolution.

    Given a 4-D input tensor and a filter of shape `[filter_height, filter_width, in_channels,
    channel_multiplier]`, applies a different filter to each input channel (expanding from 1
    channel to `channel_multiplier` channels for each), then concatenates the results
    together. `rate` becomes the dilations of the `DepthwiseConv2dNative` op.

    Args:
      input: 4-D with shape according to `data_format`.
      filter: 4-D with shape `[filter_height, filter_width, in_channels,
        channel_multiplier]`.
      strides: 1-D of size 4. The stride of the sliding window for each dimension of
        `input`.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      rate: 1-D of size 2. The dilation rate in which we sample input values across the
        `height` and `width` dimensions.
      name: A name for the operation (optional).
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      dilations: Alias of `rate`.

    Returns:
      A 4-D `Tensor` with shape according to `data_format`, with `in_channels *
      channel_multiplier` channels.
    """
    with name_scope(name, "depthwise", [input, filter]) as scope:
        fmt = data_format or "NHWC"
        strides = _get_sequence(strides, 2, _channel_index(fmt), "strides")
        dil = _rate_to_dilations(rate, dilations, strides, fmt)
        return depthwise_conv2d_native(
            input, filter, strides, padding, data_format=fmt, dilations=dil, name=scope
        )


def separable_conv2d(
    input,
    depthwise_filter,
    pointwise_filter,
    strides,
    padding,
    rate=None,
    name=None,
    data_format=None,
    dilations=None,
) -> Tensor:
    """2-D convolution with separable filters.

    Performs a depthwise convolution that acts separately on channels followed by a pointwise
    convolution (a 1x1 `conv2d`) that mixes channels.

    Args:
      input: 4-D `Tensor` with shape according to `data_format`.
      depthwise_filter: 4-D `Tensor` with shape `[filter_height, filter_width, in_channels,
        channel_multiplier]`.
      pointwise_filter: 4-D `Tensor` with shape `[1, 1, channel_multiplier * in_channels,
        out_channels]`.
      strides: 1-D of size 4. The strides for the depthwise convolution for each dimension
        of `input`.
      padding: `"SAME"` or `"VALID"`, the type of padding algorithm to use.
      rate: 1-D of size 2. The dilation rate of the depthwise convolution.
      name: A name for the operation (optional).
      data_format: `"NHWC"` (the default: batch, height, width, channels) or `"NCHW"`.
      dilations: Alias of `rate`.

    Returns:
      A 4-D `Tensor` with shape according to `data_format`.

    Raises:
      ValueError: If the pointwise filter's shape is not `[1, 1, ...]`, or the channel
        counts of the filters do not fit each other.
    """
    with name_scope(name, "separable_conv2d", [input, depthwise_filter, pointwise_filter]) as scope:
        fmt = data_format or "NHWC"
        pointwise_filter = convert_to_tensor(pointwise_filter, name="pointwise_filter")
        pshape = pointwise_filter.shape
        if pshape.ndims is not None:
            if pshape.ndims != 4:
                raise ValueError(f"Shape must be rank 4 but is rank {pshape.ndims}")
            for i in (0, 1):
                if pshape.dims[i].value not in (None, 1):
                    raise ValueError(
                        f"Dimension must be 1 but is {pshape.dims[i].value} for pointwise_filter"
                    )
        strides = _get_sequence(strides, 2, _channel_index(fmt), "strides")
        dil = _rate_to_dilations(rate, dilations, strides, fmt)
        depthwise = depthwise_conv2d_native(
            input,
            depthwise_filter,
            strides,
            padding,
            data_format=fmt,
            dilations=dil,
            name="depthwise",
        )
        return conv2d(
            depthwise, pointwise_filter, [1, 1, 1, 1], "VALID", data_format=fmt, name=scope
        )


__all__ += [
    "avg_pool",
    "conv1d",
    "conv2d",
    "conv2d_backprop_filter",
    "conv2d_backprop_input",
    "conv2d_transpose",
    "depthwise_conv2d",
    "depthwise_conv2d_native",
    "max_pool",
    "max_pool_with_argmax",
    "separable_conv2d",
]


def local_response_normalization(
    input,
    depth_radius=5,
    bias=1,
    alpha=1,
    beta=0.5,
    name=None,
) -> Tensor:
    """Local Response Normalization.

    The 4-D `input` tensor is treated as a 3-D array of 1-D vectors (along the last
    dimension), and each vector is normalized independently: within a given vector, each
    component is divided by the weighted, squared sum of inputs within `depth_radius`:
    `input / (bias + alpha * sum(input[..., d - r: d + r + 1] ** 2)) ** beta`.

    Args:
      input: A 4-D `Tensor` of type `float32`.
      depth_radius: Half-width of the 1-D normalization window.
      bias: An offset (usually positive to avoid dividing by 0).
      alpha: A scale factor, usually positive.
      beta: An exponent.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same type and shape as `input`.
    """
    attrs = {
        "depth_radius": int(depth_radius),
        "bias": float(bias),
        "alpha": float(alpha),
        "beta": float(beta),
    }
    return _op("LRN", [convert_to_tensor(input, name="input")], attrs, name=name)


lrn = local_response_normalization
__all__ += ["local_response_normalization", "lrn"]


# --- recurrent networks (tf.nn.rnn_cell, tf.nn.dynamic_rnn; python/varflow/rnn*.py) ---------
from varflow import rnn_cell  # noqa: E402
from varflow.rnn import (  # noqa: E402
    bidirectional_dynamic_rnn,
    dynamic_rnn,
    static_bidirectional_rnn,
    static_rnn,
)

__all__ += ["bidirectional_dynamic_rnn", "dynamic_rnn", "rnn_cell", "static_bidirectional_rnn"]
__all__ += ["static_rnn"]

# --- candidate sampling (TF1's candidate_sampling_ops.py and nn_impl.py) ------------------------
from varflow.candidate_sampling_ops import (  # noqa: E402
    all_candidate_sampler,
    compute_accidental_hits,
    fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from varflow.nn_sampled import nce_loss, sampled_softmax_loss  # noqa: E402

__all__ += [
    "all_candidate_sampler",
    "compute_accidental_hits",
    "fixed_unigram_candidate_sampler",
    "learned_unigram_candidate_sampler",
    "log_uniform_candidate_sampler",
    "nce_loss",
    "sampled_softmax_loss",
    "uniform_candidate_sampler",
]


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "nn") or f"module 'varflow.nn' has no attribute '{name}'"
    )
