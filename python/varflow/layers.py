"""``tf.layers`` (TF1's functional layers): ``dense``, ``batch_normalization``, ``flatten``,
``dropout``.

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
from varflow.graph import GraphKeys, add_to_collections, constant, convert_to_tensor
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

    with name_scope(name, "flatten", [inputs]) as scope:
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
        return array_ops.reshape(x, shape, name=scope)


def _training_arg(training):
    """tf.layers' ``training``: True or False are known while building; anything else is a
    bool tensor read at run time."""
    if training is True or training is False:
        return _core.Arg(1.0 if training else 0.0)
    return _core.Arg(lambda dtype, name: convert_to_tensor(training)._output)


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
