"""tf.nn: activations, softmax, losses, convolution and pooling."""

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
    """2-D convolution (op Conv2D); filter ``[height, width, in_channels, out_channels]``."""
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
    """The gradient of conv2d with respect to its input (op Conv2DBackpropInput)."""
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
    """The gradient of conv2d with respect to its filter (op Conv2DBackpropFilter)."""
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
    """The transpose of conv2d (op Conv2DBackpropInput named ``conv2d_transpose``); filter
    ``[height, width, output_channels, in_channels]``."""
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
    """1-D convolution as TF1 computes it: expand_dims, conv2d, squeeze."""
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
    """Max pooling (op MaxPool)."""
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
    """Average pooling over the window's elements inside the input (op AvgPool)."""
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
    """Max pooling and the flat position of each maximum (op MaxPoolWithArgmax)."""
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
    """Depthwise convolution (op DepthwiseConv2dNative); filter
    ``[height, width, in_channels, channel_multiplier]``."""
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
    """TF1's depthwise_conv2d: each input channel convolved with its own filters
    (op DepthwiseConv2dNative; ``rate`` becomes its dilations)."""
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
    """A depthwise convolution followed by a 1x1 convolution (TF1's separable_conv2d)."""
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
    """x / (bias + alpha * sum of squares over 2 * depth_radius + 1 channels) ** beta (op LRN)."""
    attrs = {
        "depth_radius": int(depth_radius),
        "bias": float(bias),
        "alpha": float(alpha),
        "beta": float(beta),
    }
    return _op("LRN", [convert_to_tensor(input, name="input")], attrs, name=name)


lrn = local_response_normalization
__all__ += ["local_response_normalization", "lrn"]
