"""``tf.layers`` (TF1's functional layers): ``dense``, ``batch_normalization``, ``flatten``,
``dropout``, ``conv2d``, ``conv2d_transpose``, ``max_pooling2d``, ``average_pooling2d``.

Variables are created with ``tf.get_variable`` inside ``variable_scope(name,
default_name=<layer>)``, so they get TF1's names (``dense/kernel:0``, ``dense/bias:0``,
``dense_1/kernel:0``, ``batch_normalization/moving_mean:0``) and honour ``reuse``.

``batch_normalization`` normalises with the batch statistics when training (the biased
variance over every axis but ``axis``, TF1's non-fused path) and with ``moving_mean`` /
``moving_variance`` (non-trainable) otherwise. Its moving-statistics updates
(``AssignMovingAvg`` ops) go to ``GraphKeys.UPDATE_OPS``: run them with the train op, e.g.
``with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))``. ``training`` is
a Python bool or a bool tensor (a tensor selects between batch and moving statistics with
``Select`` and leaves the moving statistics unchanged when False).

``dropout`` and the maths of ``batch_normalization`` are C++ (``varflow/train/nn.h``); this
module keeps TF1's arguments and creates the variables with ``tf.get_variable``.
"""

from __future__ import annotations

from varflow import _core, array_ops, dtypes, init_ops, math_ops, nn
from varflow.clip_ops import core_arg
from varflow.graph import (
    GraphKeys,
    add_to_collections,
    constant,
    convert_to_tensor,
    core_callback,
)
from varflow.variable_scope import get_variable, variable_scope

__all__ = ["batch_normalization", "dense", "dropout", "flatten"]


def dense(
    inputs,
    units,
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=init_ops.zeros_initializer(),
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """``activation(inputs @ kernel + bias)``; kernel ``[in, units]`` (glorot-uniform by default)."""
    inputs = convert_to_tensor(inputs)
    if inputs.shape.ndims is None or inputs.shape.dims[-1].value is None:
        raise ValueError(
            "The last dimension of the inputs to `Dense` should be defined. Found `None`."
        )
    in_dim = inputs.shape.dims[-1].value
    dtype = inputs.dtype.base_dtype if inputs.dtype.base_dtype.is_floating else dtypes.float32
    with variable_scope(name, default_name="dense", values=[inputs], reuse=reuse):
        kernel = get_variable(
            "kernel",
            shape=[in_dim, units],
            dtype=dtype,
            initializer=kernel_initializer,
            regularizer=kernel_regularizer,
            trainable=trainable,
            constraint=kernel_constraint,
        )
        bias = None
        if use_bias:
            bias = get_variable(
                "bias",
                shape=[units],
                dtype=dtype,
                initializer=bias_initializer,
                regularizer=bias_regularizer,
                trainable=trainable,
                constraint=bias_constraint,
            )
        x = array_ops.cast(inputs, dtype)
        rank = x.shape.ndims
        if rank > 2:
            dims = x.shape.as_list()
            flat = array_ops.reshape(x, constant([-1, in_dim], dtype=dtypes.int32))
            out = math_ops.matmul(flat, kernel)
            if any(d is None for d in dims[:-1]):
                parts = array_ops.unstack(array_ops.shape(x), num=rank)[:-1]
                out_shape = array_ops.stack(parts + [constant(units, dtype=dtypes.int32)])
            else:
                out_shape = constant(dims[:-1] + [units], dtype=dtypes.int32)
            outputs = array_ops.reshape(out, out_shape, name="Tensordot")
        else:
            outputs = math_ops.matmul(x, kernel, name="MatMul")
        if bias is not None:
            outputs = nn.bias_add(outputs, bias)
        if activation is not None:
            outputs = activation(outputs)
        if activity_regularizer is not None:
            penalty = activity_regularizer(outputs)
            if penalty is not None:
                add_to_collections([GraphKeys.REGULARIZATION_LOSSES], penalty)
        return outputs


def flatten(inputs, name=None, data_format="channels_last"):
    """Reshapes ``[batch, ...]`` to ``[batch, prod(...)]``."""
    inputs = convert_to_tensor(inputs)
    from varflow.graph import name_scope

    with name_scope(name, "flatten", [inputs]):
        x = inputs
        rank = x.shape.ndims
        if data_format == "channels_first" and rank is not None and rank > 2:
            x = array_ops.transpose(x, [0] + list(range(2, rank)) + [1])
        batch = x.shape.dims[0].value if rank else None
        rest = x.shape.as_list()[1:] if rank else [None]
        if batch is not None or (rest and all(d is not None for d in rest)):
            prod = 1
            for d in rest:
                prod *= d if d is not None else 1
            shape = constant(
                [batch if batch is not None else -1, prod if batch is None else -1],
                dtype=dtypes.int32,
            )
        else:
            parts = array_ops.unstack(array_ops.shape(x), num=rank) if rank else None
            if parts is None:
                raise ValueError("flatten needs inputs of known rank")
            shape = array_ops.stack([parts[0], constant(-1, dtype=dtypes.int32)])
        return array_ops.reshape(x, shape, name="Reshape")


def _training_arg(training):
    """tf.layers' ``training``: True or False are known while building; anything else is a
    bool tensor read at run time."""
    if training is True or training is False:
        return _core.Arg(1.0 if training else 0.0)
    return _core.Arg(core_callback(lambda dtype, name: convert_to_tensor(training)._output))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Drops elements with probability ``rate`` (scaling the rest) when ``training``
    (C++: ``train::dropout_layer``)."""
    inputs = convert_to_tensor(inputs)
    graph = inputs.graph
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.dropout_layer(
            graph._core,
            inputs._output,
            core_arg(rate, numeric=True),
            _training_arg(training),
            nn._noise_shape_arg(noise_shape),
            None if seed is None else int(seed),
            "dropout" if name is None else name,
        )
    return graph._tensor_for(out)


def batch_normalization(
    inputs,
    axis=-1,
    momentum=0.99,
    epsilon=1e-3,
    center=True,
    scale=True,
    beta_initializer=init_ops.zeros_initializer(),
    gamma_initializer=init_ops.ones_initializer(),
    moving_mean_initializer=init_ops.zeros_initializer(),
    moving_variance_initializer=init_ops.ones_initializer(),
    beta_regularizer=None,
    gamma_regularizer=None,
    beta_constraint=None,
    gamma_constraint=None,
    training=False,
    trainable=True,
    name=None,
    reuse=None,
    renorm=False,
    renorm_clipping=None,
    renorm_momentum=0.99,
    fused=None,
    virtual_batch_size=None,
    adjustment=None,
):
    """TF1's ``tf.layers.batch_normalization`` (see the module docstring)."""
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise NotImplementedError(
            "varflow: batch renormalization, virtual batches and adjustment are not supported"
        )
    inputs = convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    if rank is None:
        raise ValueError("Input has undefined rank.")
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = [a % rank for a in axes]
    if len(axes) != 1:
        raise NotImplementedError("varflow: batch_normalization over several axes is not supported")
    ax = axes[0]
    channels = inputs.shape.dims[ax].value
    if channels is None:
        raise ValueError(f"Input has undefined `axis` dimension. Input shape: {inputs.shape}")
    dtype = inputs.dtype.base_dtype
    with variable_scope(name, default_name="batch_normalization", values=[inputs], reuse=reuse):
        gamma = (
            get_variable(
                "gamma",
                shape=[channels],
                dtype=dtype,
                initializer=gamma_initializer,
                regularizer=gamma_regularizer,
                constraint=gamma_constraint,
                trainable=trainable,
            )
            if scale
            else None
        )
        beta = (
            get_variable(
                "beta",
                shape=[channels],
                dtype=dtype,
                initializer=beta_initializer,
                regularizer=beta_regularizer,
                constraint=beta_constraint,
                trainable=trainable,
            )
            if center
            else None
        )
        moving_mean = get_variable(
            "moving_mean",
            shape=[channels],
            dtype=dtype,
            initializer=moving_mean_initializer,
            trainable=False,
        )
        moving_variance = get_variable(
            "moving_variance",
            shape=[channels],
            dtype=dtype,
            initializer=moving_variance_initializer,
            trainable=False,
        )

        graph = inputs.graph
        with graph.as_default():  # TF1: the inputs' graph is the default one
            out = _core.batch_normalization_layer(
                graph._core,
                inputs._output,
                ax,
                None if gamma is None else gamma._node,
                None if beta is None else beta._node,
                moving_mean._node,
                moving_variance._node,
                float(momentum),
                float(epsilon),
                _training_arg(training),
            )
        return graph._tensor_for(out)


# TF1's class aliases are not provided; the functional forms above are.


# --- convolution and pooling layers (TF1's tf.layers over Keras' Conv2D and Pooling2D) -------


def _normalize_tuple(value, n, name):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * n
    try:
        values = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        values = ()
    if len(values) != n:
        raise ValueError(
            f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
        )
    return values


def _normalize_padding(padding):
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in ("valid", "same"):
        raise ValueError(
            'The `padding` argument must be a list/tuple or one of "valid", "same" (or '
            f'"causal", only for `Conv1D). Received: {padding}'
        )
    return value.upper()


def _normalize_data_format(data_format):
    value = "channels_last" if data_format is None else str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {data_format}"
        )
    return value


def _spatial_input(inputs, layer, data_format):
    """Checks a 4-D input (Keras' InputSpec) and returns its channel count."""
    inputs = convert_to_tensor(inputs)
    ndims = inputs.shape.ndims
    if ndims is not None and ndims != 4:
        raise ValueError(
            f"Input 0 of layer {layer} is incompatible with the layer: expected ndim=4, found "
            f"ndim={ndims}. Full shape received: {inputs.shape.as_list()}"
        )
    channels = None
    if ndims is not None:
        channels = inputs.shape.dims[1 if data_format == "channels_first" else -1].value
    return inputs, channels


def _activity(outputs, activation, activity_regularizer):
    if activation is not None:
        outputs = activation(outputs)
    if activity_regularizer is not None:
        penalty = activity_regularizer(outputs)
        if penalty is not None:
            add_to_collections([GraphKeys.REGULARIZATION_LOSSES], penalty)
    return outputs


def _conv_variables(shape, filters, dtype, use_bias, init, trainable):
    """(kernel, bias) with TF1's names; ``init`` holds the initializers, regularizers and
    constraints."""
    kernel = get_variable(
        "kernel",
        shape=list(shape),
        dtype=dtype,
        initializer=init["kernel_initializer"],
        regularizer=init["kernel_regularizer"],
        trainable=trainable,
        constraint=init["kernel_constraint"],
    )
    bias = None
    if use_bias:
        bias = get_variable(
            "bias",
            shape=[filters],
            dtype=dtype,
            initializer=init["bias_initializer"],
            regularizer=init["bias_regularizer"],
            trainable=trainable,
            constraint=init["bias_constraint"],
        )
    return kernel, bias


def conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1),
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=init_ops.zeros_initializer(),
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """2-D convolution layer: ``activation(conv2d(inputs, kernel) + bias)``; kernel
    ``[kh, kw, in_channels, filters]`` (glorot-uniform by default), ops ``conv2d/Conv2D``,
    ``conv2d/BiasAdd``."""
    data_format = _normalize_data_format(data_format)
    kernel_size = _normalize_tuple(kernel_size, 2, "kernel_size")
    strides = _normalize_tuple(strides, 2, "strides")
    dilation_rate = _normalize_tuple(dilation_rate, 2, "dilation_rate")
    padding = _normalize_padding(padding)
    inputs, channels = _spatial_input(inputs, "conv2d", data_format)
    if channels is None:
        raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
    dtype = inputs.dtype.base_dtype if inputs.dtype.base_dtype.is_floating else dtypes.float32
    fmt = "NCHW" if data_format == "channels_first" else "NHWC"
    with variable_scope(name, default_name="conv2d", values=[inputs], reuse=reuse):
        kernel, bias = _conv_variables(
            (*kernel_size, channels, filters), filters, dtype, use_bias, locals(), trainable
        )
        outputs = nn.conv2d(
            array_ops.cast(inputs, dtype),
            kernel,
            strides=list(strides),
            padding=padding,
            dilations=list(dilation_rate),
            data_format=fmt,
            name="Conv2D",
        )
        if bias is not None:
            outputs = nn.bias_add(outputs, bias, data_format=fmt)
        return _activity(outputs, activation, activity_regularizer)


def _deconv_length(size, kernel, padding, stride):
    if size is None:
        return None
    if padding == "VALID":
        return size * stride + max(kernel - stride, 0)
    return size * stride


def conv2d_transpose(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    activation=None,
    use_bias=True,
    kernel_initializer=None,
    bias_initializer=init_ops.zeros_initializer(),
    kernel_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    kernel_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    """Transposed 2-D convolution layer; kernel ``[kh, kw, filters, in_channels]``, op
    ``conv2d_transpose/conv2d_transpose`` (Conv2DBackpropInput)."""
    data_format = _normalize_data_format(data_format)
    kernel_size = _normalize_tuple(kernel_size, 2, "kernel_size")
    strides = _normalize_tuple(strides, 2, "strides")
    padding = _normalize_padding(padding)
    inputs, channels = _spatial_input(inputs, "conv2d_transpose", data_format)
    if channels is None:
        raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
    dtype = inputs.dtype.base_dtype if inputs.dtype.base_dtype.is_floating else dtypes.float32
    first = data_format == "channels_first"
    fmt = "NCHW" if first else "NHWC"
    with variable_scope(name, default_name="conv2d_transpose", values=[inputs], reuse=reuse):
        kernel, bias = _conv_variables(
            (*kernel_size, filters, channels), filters, dtype, use_bias, locals(), trainable
        )
        x = array_ops.cast(inputs, dtype)
        dims = x.shape.as_list()
        h_axis, w_axis = (2, 3) if first else (1, 2)
        out_h = _deconv_length(dims[h_axis], kernel_size[0], padding, strides[0])
        out_w = _deconv_length(dims[w_axis], kernel_size[1], padding, strides[1])
        shape = array_ops.shape(x)
        if out_h is None or out_w is None:
            raise ValueError(
                f"varflow: conv2d_transpose needs inputs of known height and width, got {x.shape}"
            )
        batch = array_ops.unstack(shape, num=4)[0]
        out_dims = [filters, out_h, out_w] if first else [out_h, out_w, filters]
        output_shape = array_ops.stack(
            [batch] + [constant(d, dtype=dtypes.int32) for d in out_dims]
        )
        stride_list = [1, 1, *strides] if first else [1, *strides, 1]
        outputs = nn.conv2d_backprop_input(
            output_shape,
            kernel,
            x,
            strides=stride_list,
            padding=padding,
            data_format=fmt,
            use_cudnn_on_gpu=None,
            name="conv2d_transpose",
        )
        if bias is not None:
            outputs = nn.bias_add(outputs, bias, data_format=fmt)
        return _activity(outputs, activation, activity_regularizer)


def _pooling2d(pool, layer, op_name, inputs, pool_size, strides, padding, data_format, name):
    from varflow.graph import name_scope

    data_format = _normalize_data_format(data_format)
    pool_size = _normalize_tuple(pool_size, 2, "pool_size")
    strides = _normalize_tuple(strides, 2, "strides")
    padding = _normalize_padding(padding)
    inputs, _ = _spatial_input(inputs, layer, data_format)
    first = data_format == "channels_first"
    with name_scope(name, layer, [inputs]):
        return pool(
            inputs,
            [1, 1, *pool_size] if first else [1, *pool_size, 1],
            [1, 1, *strides] if first else [1, *strides, 1],
            padding,
            data_format="NCHW" if first else "NHWC",
            name=op_name,
        )


def max_pooling2d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Max pooling layer (op ``max_pooling2d/MaxPool``)."""
    return _pooling2d(
        nn.max_pool,
        "max_pooling2d",
        "MaxPool",
        inputs,
        pool_size,
        strides,
        padding,
        data_format,
        name,
    )


def average_pooling2d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    """Average pooling layer (op ``average_pooling2d/AvgPool``)."""
    return _pooling2d(
        nn.avg_pool,
        "average_pooling2d",
        "AvgPool",
        inputs,
        pool_size,
        strides,
        padding,
        data_format,
        name,
    )


__all__ += ["average_pooling2d", "conv2d", "conv2d_transpose", "max_pooling2d"]
