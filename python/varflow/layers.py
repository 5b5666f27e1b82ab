"""``tf.layers`` (TF1's functional layers): ``dense``, ``batch_normalization``, ``flatten``,
``dropout``, ``conv1d``/``conv2d``/``conv3d``, ``conv2d_transpose``/``conv3d_transpose``,
``separable_conv1d``/``separable_conv2d``, ``max_pooling1d/2d/3d``,
``average_pooling1d/2d/3d``.

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

``dropout`` and the maths of ``batch_normalization`` are C++ (``varflow/train/nn.h``), and so are
``dense``'s computation (``train::dense_output``, ``varflow/train/layers.h``) and the
convolution, pooling and flatten layers' (``varflow/train/conv_layers.h``); this module keeps
TF1's arguments and creates the variables with ``tf.get_variable``.
"""

from __future__ import annotations

from varflow import _core, dtypes, init_ops, nn
from varflow.clip_ops import core_arg
from varflow.graph import (
    GraphKeys,
    add_to_collections,
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
    """Functional interface for the densely-connected layer.

    This layer implements the operation `outputs = activation(inputs * kernel + bias)`, where
    `activation` is the activation function passed as the `activation` argument (if not
    None), `kernel` is a weights matrix `[in, units]` created by the layer, and `bias` is a
    bias vector created by the layer (only if `use_bias` is True). Variables are made with
    `tf.get_variable` under `variable_scope(name, default_name="dense")`, so they get TF1's
    names (`dense/kernel:0`, `dense_1/bias:0`).

    Args:
      inputs: Tensor input.
      units: Integer or Long, dimensionality of the output space.
      activation: Activation function (callable). Set it to None to maintain a linear
        activation.
      use_bias: Boolean, whether the layer uses a bias.
      kernel_initializer: An initializer for the weight matrix (glorot-uniform if None).
      bias_initializer: An initializer for the bias vector. If None, the default initializer
        will be used.
      kernel_regularizer: Optional regularizer for the weight matrix.
      bias_regularizer: Optional regularizer for the bias vector.
      activity_regularizer: Optional regularizer function for the output.
      kernel_constraint: Optional projection function to be applied to the kernel after
        being updated by an `Optimizer`.
      bias_constraint: Optional projection function to be applied to the bias after being
        updated by an `Optimizer`.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: A string, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer by the same name.

    Returns:
      Output tensor the same shape as `inputs` except the last dimension is of size `units`.

    Raises:
      ValueError: If the last dimension of `inputs` is not defined.
    """
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
        graph = inputs.graph
        kernel_value = convert_to_tensor(kernel)
        bias_value = None if bias is None else convert_to_tensor(bias)._output
        act = None
        if activation is not None:
            act = core_callback(
                lambda out: convert_to_tensor(activation(graph._tensor_for(out)))._output
            )
        with graph.as_default():  # TF1: the inputs' graph is the default one
            outputs = graph._tensor_for(
                _core.dense_output(
                    graph._core, inputs._output, kernel_value._output, bias_value, act
                )
            )
        if activity_regularizer is not None:
            penalty = activity_regularizer(outputs)
            if penalty is not None:
                add_to_collections([GraphKeys.REGULARIZATION_LOSSES], penalty)
        return outputs


def flatten(inputs, name=None, data_format="channels_last"):
    """Flattens an input tensor while preserving the batch axis (axis 0).

    Args:
      inputs: Tensor input, `[batch, ...]`.
      name: The name of the layer (string).
      data_format: A string, one of `channels_last` (default) or `channels_first`. With
        `channels_first` the inputs are transposed to channels-last order first, as in TF1.

    Returns:
      Reshaped tensor `[batch, prod(...)]`.

    Raises:
      ValueError: If the rank of `inputs` is unknown.
    """
    inputs = convert_to_tensor(inputs)
    graph = inputs.graph
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.flatten(
            graph._core, inputs._output, data_format == "channels_first", name or ""
        )
    return graph._tensor_for(out)


def _training_arg(training):
    """tf.layers' ``training``: True or False are known while building; anything else is a
    bool tensor read at run time."""
    if training is True or training is False:
        return _core.Arg(1.0 if training else 0.0)
    return _core.Arg(core_callback(lambda dtype, name: convert_to_tensor(training)._output))


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Applies Dropout to the input.

    Dropout consists in randomly setting a fraction `rate` of input units to 0 at each
    update during training time, which helps prevent overfitting. The units that are kept are
    scaled by `1 / (1 - rate)`, so that their sum is unchanged at training time and inference
    time.

    Args:
      inputs: Tensor input.
      rate: The dropout rate, between 0 and 1. E.g. "rate=0.1" would drop out 10% of input
        units.
      noise_shape: 1D tensor of type `int32` representing the shape of the binary dropout
        mask that will be multiplied with the input.
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed`.
      training: Either a Python boolean, or a TensorFlow boolean scalar tensor (e.g. a
        placeholder). Whether to return the output in training mode (apply dropout) or in
        inference mode (return the input untouched).
      name: The name of the layer (string).

    Returns:
      Output tensor.
    """
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
    """Functional interface for the batch normalization layer.

    Normalizes with the batch statistics when training (the biased variance over every axis
    but `axis`, TF1's non-fused path) and with the non-trainable `moving_mean` /
    `moving_variance` otherwise. The moving statistics are updated by ops added to
    `tf.GraphKeys.UPDATE_OPS`, which need to be executed alongside the `train_op`:

    ```python
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
      train_op = optimizer.minimize(loss)
    ```

    Args:
      inputs: Tensor input.
      axis: An `int`, the axis that should be normalized (typically the features axis), or a
        list of them: statistics and variables per element of those axes (the variables then
        have the inputs' rank, with 1 on the other axes).
      momentum: Momentum for the moving average.
      epsilon: Small float added to variance to avoid dividing by zero.
      center: If True, add offset of `beta` to normalized tensor. If False, `beta` is
        ignored.
      scale: If True, multiply by `gamma`. If False, `gamma` is not used.
      beta_initializer: Initializer for the beta weight.
      gamma_initializer: Initializer for the gamma weight.
      moving_mean_initializer: Initializer for the moving mean.
      moving_variance_initializer: Initializer for the moving variance.
      beta_regularizer: Optional regularizer for the beta weight.
      gamma_regularizer: Optional regularizer for the gamma weight.
      beta_constraint: An optional projection function to be applied to the `beta` weight
        after being updated by an `Optimizer`.
      gamma_constraint: An optional projection function to be applied to the `gamma`
        weight after being updated by an `Optimizer`.
      training: Either a Python boolean, or a TensorFlow boolean scalar tensor (e.g. a
        placeholder). Whether to return the output in training mode (normalized with
        statistics of the current batch) or in inference mode (normalized with moving
        statistics). A tensor selects between them and leaves the moving statistics
        unchanged when False.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES`.
      name: String, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer by the same name.
      renorm: Whether to use Batch Renormalization; not supported by varflow.
      renorm_clipping: Not supported by varflow (renormalization).
      renorm_momentum: Not supported by varflow (renormalization).
      fused: Accepted; varflow always computes the non-fused form.
      virtual_batch_size: Not supported by varflow.
      adjustment: Not supported by varflow.

    Returns:
      Output tensor.

    Raises:
      ValueError: If the rank of `inputs` or its `axis` dimension is unknown.
      NotImplementedError: If renormalization, virtual batches or `adjustment` are asked
        for.
    """
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
    if len(set(axes)) != len(axes):
        raise ValueError(f"Duplicate axis: {axes}")
    dims = inputs.shape.as_list()
    if any(dims[a] is None for a in axes):
        raise ValueError(f"Input has undefined `axis` dimension. Input shape: {inputs.shape}")
    # TF1's Keras param_shape: [C] for one axis, else the inputs' rank with 1 elsewhere.
    if len(axes) == 1:
        param_shape = [dims[axes[0]]]
    else:
        param_shape = [dims[i] if i in axes else 1 for i in range(rank)]
    dtype = inputs.dtype.base_dtype
    with variable_scope(name, default_name="batch_normalization", values=[inputs], reuse=reuse):
        gamma = (
            get_variable(
                "gamma",
                shape=param_shape,
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
                shape=param_shape,
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
            shape=param_shape,
            dtype=dtype,
            initializer=moving_mean_initializer,
            trainable=False,
        )
        moving_variance = get_variable(
            "moving_variance",
            shape=param_shape,
            dtype=dtype,
            initializer=moving_variance_initializer,
            trainable=False,
        )

        graph = inputs.graph
        with graph.as_default():  # TF1: the inputs' graph is the default one
            out = _core.batch_normalization_layer(
                graph._core,
                inputs._output,
                axes,
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


def _spatial_input(inputs, layer, data_format, rank):
    """Checks an input of `rank` dimensions (Keras' InputSpec) and returns its channel count."""
    inputs = convert_to_tensor(inputs)
    channels = _core.spatial_input_channels(
        inputs._output, layer, data_format == "channels_first", rank
    )
    return inputs, None if channels < 0 else channels


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


def _check_filters(filters):
    if filters is not None and int(filters) <= 0:
        raise ValueError(
            "Invalid value for argument `filters`. Expected a strictly positive value. "
            f"Received filters={filters}."
        )


def _conv(layer, rank, transpose, args):
    """The convolution layers: TF1's argument checks, the variables in the layer's
    variable_scope, the C++ computation (``train::conv*d_output``) and the activation."""
    data_format = _normalize_data_format(args["data_format"])
    kernel_size = _normalize_tuple(args["kernel_size"], rank, "kernel_size")
    strides = _normalize_tuple(args["strides"], rank, "strides")
    padding = _normalize_padding(args["padding"])
    if not transpose:
        dilation_rate = _normalize_tuple(args["dilation_rate"], rank, "dilation_rate")
    inputs, channels = _spatial_input(args["inputs"], layer, data_format, rank + 2)
    if channels is None:
        raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
    dtype = inputs.dtype.base_dtype if inputs.dtype.base_dtype.is_floating else dtypes.float32
    filters = args["filters"]
    _check_filters(filters)
    shape = (*kernel_size, filters, channels) if transpose else (*kernel_size, channels, filters)
    first = data_format == "channels_first"
    with variable_scope(args["name"], default_name=layer, values=[inputs], reuse=args["reuse"]):
        kernel, bias = _conv_variables(
            shape, filters, dtype, args["use_bias"], args, args["trainable"]
        )
        kernel = convert_to_tensor(kernel)._output
        bias = None if bias is None else convert_to_tensor(bias)._output
        graph = inputs.graph
        with graph.as_default():  # TF1: the inputs' graph is the default one
            if transpose:
                out = _core.conv_transpose_output(
                    graph._core, inputs._output, kernel, bias, kernel_size, strides, padding, first
                )
            else:
                out = _core.conv_output(
                    graph._core,
                    inputs._output,
                    kernel,
                    bias,
                    strides,
                    padding,
                    dilation_rate,
                    first,
                )
            outputs = graph._tensor_for(out)
        return _activity(outputs, args["activation"], args["activity_regularizer"])


_CONV_ARGS = """
    Args:
      inputs: Tensor input.
      filters: Integer, the dimensionality of the output space (i.e. the number of filters
        in the convolution).
      kernel_size: An integer or tuple/list of {n} integers, specifying the size of the
        convolution window.
      strides: An integer or tuple/list of {n} integers, specifying the strides of the
        convolution.
      padding: One of `"valid"` or `"same"` (case-insensitive).
      data_format: A string, one of `channels_last` (default) or `channels_first`.{dilation}
      activation: Activation function. Set it to None to maintain a linear activation.
      use_bias: Boolean, whether the layer uses a bias.
      kernel_initializer: An initializer for the convolution kernel (glorot-uniform if None).
      bias_initializer: An initializer for the bias vector. If None, the default initializer
        will be used.
      kernel_regularizer: Optional regularizer for the convolution kernel.
      bias_regularizer: Optional regularizer for the bias vector.
      activity_regularizer: Optional regularizer function for the output.
      kernel_constraint: Optional projection function to be applied to the kernel after
        being updated by an `Optimizer`.
      bias_constraint: Optional projection function to be applied to the bias after being
        updated by an `Optimizer`.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: A string, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer by the same name.

    Returns:
      Output tensor.

    Raises:
      ValueError: If the channel dimension of the inputs is not defined, or an argument is
        invalid.
    """

_DILATION_ARG = """
      dilation_rate: An integer or tuple/list of {n} integers, specifying the dilation rate
        to use for dilated convolution."""


def _conv_doc(summary, n, dilation=True):
    """A layer's docstring: its summary and the arguments every convolution layer shares."""
    return summary + _CONV_ARGS.format(n=n, dilation=_DILATION_ARG.format(n=n) if dilation else "")


def conv1d(
    inputs,
    filters,
    kernel_size,
    strides=1,
    padding="valid",
    data_format="channels_last",
    dilation_rate=1,
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
    return _conv("conv1d", 1, False, locals())


conv1d.__doc__ = _conv_doc(
    """Functional interface for 1D convolution layer (e.g. temporal convolution).

    The kernel is `[k, in_channels, filters]`; the inputs and kernel are expanded to 2-D and
    convolved by a `Conv2D` named `conv1d/Conv1D`, as in TF1.
""",
    1,
)


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
    return _conv("conv2d", 2, False, locals())


conv2d.__doc__ = _conv_doc(
    """Functional interface for the 2D convolution layer.

    This layer creates a convolution kernel `[kh, kw, in_channels, filters]` that is
    convolved (actually cross-correlated) with the layer input to produce a tensor of
    outputs. If `use_bias` is True (and a `bias_initializer` is provided), a bias vector is
    created and added to the outputs. Finally, if `activation` is not `None`, it is applied
    to the outputs as well. The ops are named `conv2d/Conv2D` and `conv2d/BiasAdd`, as in TF1.
""",
    2,
)


def conv3d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1, 1),
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
    return _conv("conv3d", 3, False, locals())


conv3d.__doc__ = _conv_doc(
    """Functional interface for the 3D convolution layer.

    The kernel is `[kd, kh, kw, in_channels, filters]` and the ops `conv3d/Conv3D` and
    `conv3d/BiasAdd`, as in TF1. CPU kernels take only `channels_last`.
""",
    3,
)


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
    return _conv("conv2d_transpose", 2, True, locals())


conv2d_transpose.__doc__ = _conv_doc(
    """Functional interface for transposed 2D convolution layer.

    The need for transposed convolutions generally arises from the desire to use a
    transformation going in the opposite direction of a normal convolution. The kernel is
    `[kh, kw, filters, in_channels]` and the op `conv2d_transpose/conv2d_transpose` (a
    `Conv2DBackpropInput`).
""",
    2,
    dilation=False,
)


def conv3d_transpose(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1, 1),
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
    return _conv("conv3d_transpose", 3, True, locals())


conv3d_transpose.__doc__ = _conv_doc(
    """Functional interface for transposed 3D convolution layer.

    The kernel is `[kd, kh, kw, filters, in_channels]` and the op
    `conv3d_transpose/conv3d_transpose` (a `Conv3DBackpropInputV2`).
""",
    3,
    dilation=False,
)


def _separable_conv(layer, rank, args):
    """The separable convolution layers: the depthwise and pointwise kernels and the bias in
    the layer's variable_scope, the C++ computation (``train::separable_conv*d_output``) and
    the activation."""
    data_format = _normalize_data_format(args["data_format"])
    kernel_size = _normalize_tuple(args["kernel_size"], rank, "kernel_size")
    strides = _normalize_tuple(args["strides"], rank, "strides")
    dilation_rate = _normalize_tuple(args["dilation_rate"], rank, "dilation_rate")
    padding = _normalize_padding(args["padding"])
    inputs, channels = _spatial_input(args["inputs"], layer, data_format, rank + 2)
    if channels is None:
        raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
    filters, multiplier = args["filters"], int(args["depth_multiplier"])
    _check_filters(filters)
    if multiplier <= 0:
        raise ValueError(f"{layer}: `depth_multiplier` must be positive, got {multiplier}")
    dtype = inputs.dtype.base_dtype if inputs.dtype.base_dtype.is_floating else dtypes.float32
    with variable_scope(args["name"], default_name=layer, values=[inputs], reuse=args["reuse"]):
        kernels = [
            get_variable(
                f"{part}_kernel",
                shape=list(shape),
                dtype=dtype,
                initializer=args[f"{part}_initializer"],
                regularizer=args[f"{part}_regularizer"],
                trainable=args["trainable"],
                constraint=args[f"{part}_constraint"],
            )
            for part, shape in (
                ("depthwise", (*kernel_size, channels, multiplier)),
                ("pointwise", (*(1,) * rank, channels * multiplier, filters)),
            )
        ]
        bias = None
        if args["use_bias"]:
            bias = get_variable(
                "bias",
                shape=[filters],
                dtype=dtype,
                initializer=args["bias_initializer"],
                regularizer=args["bias_regularizer"],
                trainable=args["trainable"],
                constraint=args["bias_constraint"],
            )
        graph = inputs.graph
        with graph.as_default():  # TF1: the inputs' graph is the default one
            out = _core.separable_conv_output(
                graph._core,
                inputs._output,
                *(convert_to_tensor(k)._output for k in kernels),
                None if bias is None else convert_to_tensor(bias)._output,
                strides,
                padding,
                dilation_rate,
                data_format == "channels_first",
            )
            outputs = graph._tensor_for(out)
        return _activity(outputs, args["activation"], args["activity_regularizer"])


_SEPARABLE_DOC = """Functional interface for the depthwise separable {n}D convolution layer.

    A depthwise convolution (kernel `depthwise_kernel` `[k..., in_channels,
    depth_multiplier]`) that acts separately on the channels, then a pointwise convolution
    (`pointwise_kernel` `[1..., in_channels * depth_multiplier, filters]`) that mixes them,
    the bias and the activation, as in TF1.

    Args:
      inputs: Input tensor.
      filters: Integer, the dimensionality of the output space.
      kernel_size: An integer or tuple/list of {n} integers, the depthwise window's size.
      strides: An integer or tuple/list of {n} integers, the depthwise convolution's strides.
      padding: One of `"valid"` or `"same"` (case-insensitive).
      data_format: A string, one of `channels_last` (default) or `channels_first`.
      dilation_rate: An integer or tuple/list of {n} integers, the depthwise dilation rate.
      depth_multiplier: The number of depthwise convolution output channels for each input
        channel.
      activation: Activation function. Set it to None to maintain a linear activation.
      use_bias: Boolean, whether the layer uses a bias.
      depthwise_initializer: An initializer for the depthwise kernel (glorot-uniform if None).
      pointwise_initializer: An initializer for the pointwise kernel (glorot-uniform if None).
      bias_initializer: An initializer for the bias vector.
      depthwise_regularizer: Optional regularizer for the depthwise kernel.
      pointwise_regularizer: Optional regularizer for the pointwise kernel.
      bias_regularizer: Optional regularizer for the bias vector.
      activity_regularizer: Optional regularizer function for the output.
      depthwise_constraint: Optional projection function for the depthwise kernel.
      pointwise_constraint: Optional projection function for the pointwise kernel.
      bias_constraint: Optional projection function for the bias.
      trainable: Boolean, if `True` also add variables to the graph collection
        `GraphKeys.TRAINABLE_VARIABLES` (see `tf.Variable`).
      name: A string, the name of the layer.
      reuse: Boolean, whether to reuse the weights of a previous layer by the same name.

    Returns:
      Output tensor.

    Raises:
      ValueError: If the channel dimension of the inputs is not defined, or an argument is
        invalid.
    """


def separable_conv1d(
    inputs,
    filters,
    kernel_size,
    strides=1,
    padding="valid",
    data_format="channels_last",
    dilation_rate=1,
    depth_multiplier=1,
    activation=None,
    use_bias=True,
    depthwise_initializer=None,
    pointwise_initializer=None,
    bias_initializer=init_ops.zeros_initializer(),
    depthwise_regularizer=None,
    pointwise_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    depthwise_constraint=None,
    pointwise_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return _separable_conv("separable_conv1d", 1, locals())


def separable_conv2d(
    inputs,
    filters,
    kernel_size,
    strides=(1, 1),
    padding="valid",
    data_format="channels_last",
    dilation_rate=(1, 1),
    depth_multiplier=1,
    activation=None,
    use_bias=True,
    depthwise_initializer=None,
    pointwise_initializer=None,
    bias_initializer=init_ops.zeros_initializer(),
    depthwise_regularizer=None,
    pointwise_regularizer=None,
    bias_regularizer=None,
    activity_regularizer=None,
    depthwise_constraint=None,
    pointwise_constraint=None,
    bias_constraint=None,
    trainable=True,
    name=None,
    reuse=None,
):
    return _separable_conv("separable_conv2d", 2, locals())


separable_conv1d.__doc__ = _SEPARABLE_DOC.format(n=1)
separable_conv2d.__doc__ = _SEPARABLE_DOC.format(n=2)


def _pooling(max_pool, rank, inputs, pool_size, strides, padding, data_format, name):
    data_format = _normalize_data_format(data_format)
    pool_size = _normalize_tuple(pool_size, rank, "pool_size")
    strides = _normalize_tuple(strides, rank, "strides")
    padding = _normalize_padding(padding)
    inputs = convert_to_tensor(inputs)
    graph = inputs.graph
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.pooling(
            graph._core,
            inputs._output,
            max_pool,
            pool_size,
            strides,
            padding,
            data_format == "channels_first",
            name or "",
        )
    return graph._tensor_for(out)


_POOLING_DOC = """{kind} pooling layer for {n}D inputs ({what}).

    Args:
      inputs: The tensor over which to pool. Must have rank {rank}.
      pool_size: An integer or tuple/list of {n} integers specifying the size of the pooling
        window. Can be a single integer to specify the same value for all spatial dimensions.
      strides: An integer or tuple/list of {n} integers, specifying the strides of the pooling
        operation. Can be a single integer to specify the same value for all spatial
        dimensions.
      padding: A string. The padding method, either 'valid' or 'same'. Case-insensitive.
      data_format: A string. The ordering of the dimensions in the inputs. `channels_last`
        (default) and `channels_first` are supported.
      name: A string, the name of the layer.

    Returns:
      Output tensor (op `{layer}/{op}`).

    Raises:
      ValueError: If the inputs' rank, `padding` or `data_format` is invalid.
    """


def _pooling_doc(kind, n, layer, op):
    what = {1: "e.g. sequences", 2: "e.g. images", 3: "e.g. volumes"}[n]
    return _POOLING_DOC.format(kind=kind, n=n, what=what, rank=n + 2, layer=layer, op=op)


def max_pooling1d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    return _pooling(True, 1, inputs, pool_size, strides, padding, data_format, name)


def average_pooling1d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    return _pooling(False, 1, inputs, pool_size, strides, padding, data_format, name)


def max_pooling2d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    return _pooling(True, 2, inputs, pool_size, strides, padding, data_format, name)


def average_pooling2d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    return _pooling(False, 2, inputs, pool_size, strides, padding, data_format, name)


def max_pooling3d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    return _pooling(True, 3, inputs, pool_size, strides, padding, data_format, name)


def average_pooling3d(
    inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None
):
    return _pooling(False, 3, inputs, pool_size, strides, padding, data_format, name)


max_pooling1d.__doc__ = _pooling_doc("Max", 1, "max_pooling1d", "MaxPool")
average_pooling1d.__doc__ = _pooling_doc("Average", 1, "average_pooling1d", "AvgPool")
max_pooling2d.__doc__ = _pooling_doc("Max", 2, "max_pooling2d", "MaxPool")
average_pooling2d.__doc__ = _pooling_doc("Average", 2, "average_pooling2d", "AvgPool")
max_pooling3d.__doc__ = _pooling_doc("Max", 3, "max_pooling3d", "MaxPool3D")
average_pooling3d.__doc__ = _pooling_doc("Average", 3, "average_pooling3d", "AvgPool3D")

__all__ += [
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
    "conv1d",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
    "separable_conv1d",
    "separable_conv2d",
]


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "layers")
        or f"module 'varflow.layers' has no attribute '{name}'"
    )
