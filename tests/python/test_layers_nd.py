"""tf.layers conv1d, conv3d, conv3d_transpose, separable_conv1d/2d, max/average_pooling1d and 3d
against what TF1 computed (fixtures/layers_nd, recorded by its make_fixtures.py): outputs,
gradients with respect to the input and the variables, variable names and shapes, and the
layers' nodes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

HERE = Path(__file__).resolve().parent / "fixtures" / "layers_nd"
EXPECTED = np.load(HERE / "expected.npz")
GRAPHS = json.loads((HERE / "graphs.json").read_text())

# name: (layer, keyword arguments), as make_fixtures.py's CASES.
CASES = {
    "conv1d_same_strided": (
        "conv1d",
        {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
    ),
    "conv1d_channels_first": (
        "conv1d",
        {"filters": 4, "kernel_size": 3, "data_format": "channels_first"},
    ),
    "conv1d_dilated_relu": (
        "conv1d",
        {"filters": 2, "kernel_size": 3, "dilation_rate": 2, "activation": tf.nn.relu},
    ),
    "conv3d_same": (
        "conv3d",
        {"filters": 4, "kernel_size": (2, 3, 2), "strides": (1, 2, 1), "padding": "same"},
    ),
    "conv3d_dilated": ("conv3d", {"filters": 3, "kernel_size": 2, "dilation_rate": (2, 1, 1)}),
    "conv3d_transpose_same": (
        "conv3d_transpose",
        {"filters": 4, "kernel_size": (2, 3, 2), "strides": (1, 2, 1), "padding": "same"},
    ),
    "conv3d_transpose_valid": ("conv3d_transpose", {"filters": 2, "kernel_size": 3, "strides": 2}),
    "max_pooling1d": ("max_pooling1d", {"pool_size": 2, "strides": 2}),
    "average_pooling1d_channels_first": (
        "average_pooling1d",
        {"pool_size": 2, "strides": 1, "padding": "same", "data_format": "channels_first"},
    ),
    "max_pooling3d": ("max_pooling3d", {"pool_size": 2, "strides": 2}),
    "average_pooling3d_channels_first": (
        "average_pooling3d",
        {"pool_size": (2, 3, 2), "strides": 1, "padding": "same", "data_format": "channels_first"},
    ),
    "separable_conv1d_same": (
        "separable_conv1d",
        {"filters": 4, "kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"},
    ),
    "separable_conv2d_relu": (
        "separable_conv2d",
        {"filters": 5, "kernel_size": 3, "depth_multiplier": 2, "activation": tf.nn.relu},
    ),
    "separable_conv2d_dilated": (
        "separable_conv2d",
        {"filters": 3, "kernel_size": 2, "dilation_rate": 2, "padding": "same"},
    ),
}
# Where varflow's graph differs from TF 2.21's tf_keras on purpose: dilated convolutions run
# the convolution op's own dilations (TF1's SpaceToBatchND wrapping gives the same numbers),
# the transposed layers build their output shape as varflow's conv2d_transpose does (unstack of
# the batch, constant sizes) where tf_keras slices the dynamic shape, and tf.nn.separable_conv2d
# leaves two unused Consts ("Shape", "dilation_rate") that varflow does not build.
SAME_NODES = [n for n in CASES if "dilated" not in n and "transpose" not in n]
WITH_VALUES = [n for n in CASES if f"{n}/y" in EXPECTED]


def _layer_nodes(graph, layer):
    return [
        [op.name, op.type]
        for op in graph.get_operations()
        if op.name.startswith(layer)
        and not any(p in op.name for p in ("Initializer", "/Assign", "/read"))
        and op.type != "VariableV2"
    ]


@pytest.mark.parametrize("name", SAME_NODES)
def test_the_layer_builds_tf1s_nodes(name):
    layer, kwargs = CASES[name]
    shape = EXPECTED[f"{name}/x"].shape if f"{name}/x" in EXPECTED else (2, 3, 9)
    with tf.Graph().as_default() as g:
        getattr(tf.layers, layer)(tf.placeholder(tf.float32, shape, name="x"), **kwargs)
    unused = ("separable_conv2d/Shape", "separable_conv2d/dilation_rate")
    assert _layer_nodes(g, layer) == [n for n in GRAPHS[name] if not n[0].endswith(unused)]


@pytest.mark.parametrize("name", WITH_VALUES)
def test_outputs_and_gradients_match_tf1(name):
    layer, kwargs = CASES[name]
    x_value = EXPECTED[f"{name}/x"]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, x_value.shape, name="x")
        y = getattr(tf.layers, layer)(x, **kwargs)
        assert y.shape.as_list() == list(EXPECTED[f"{name}/y"].shape)
        variables = tf.global_variables()
        keys = [v.op.name.split("/")[-1] for v in variables]
        for v, key in zip(variables, keys, strict=True):
            assert v.shape.as_list() == list(EXPECTED[f"{name}/{key}"].shape)
        loss = tf.reduce_sum(y * EXPECTED[f"{name}/weighting"])
        grads = tf.gradients(loss, [x, *variables])
        with tf.Session() as sess:
            for v, key in zip(variables, keys, strict=True):
                v.load(EXPECTED[f"{name}/{key}"], sess)
            out = sess.run([y, *grads], {x: x_value})
    np.testing.assert_allclose(out[0], EXPECTED[f"{name}/y"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out[1], EXPECTED[f"{name}/dx"], rtol=1e-5, atol=1e-5)
    for key, grad in zip(keys, out[2:], strict=True):
        np.testing.assert_allclose(grad, EXPECTED[f"{name}/d_{key}"], rtol=1e-5, atol=1e-4)


def test_channels_first_conv1d_is_the_channels_last_one_transposed():
    rng = np.random.default_rng(4)
    x_value = rng.normal(size=(2, 9, 3)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, (2, 9, 3))
        last = tf.layers.conv1d(x, 4, 3, name="last", bias_initializer=tf.ones_initializer())
        first = tf.layers.conv1d(
            tf.transpose(x, [0, 2, 1]),
            4,
            3,
            data_format="channels_first",
            name="first",
            bias_initializer=tf.ones_initializer(),
        )
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            kernels = {v.op.name: v for v in tf.global_variables()}
            sess.run(tf.assign(kernels["first/kernel"], kernels["last/kernel"]))
            a, b = sess.run([last, first], {x: x_value})
    np.testing.assert_allclose(b, a.transpose(0, 2, 1), rtol=1e-5, atol=1e-5)


def test_variables_are_named_and_numbered_as_tf1():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, (1, 4, 4, 4, 2))
        tf.layers.conv3d(x, 2, 2)
        tf.layers.conv3d(x, 2, 2)
        tf.layers.conv3d_transpose(x, 3, 2, use_bias=False)
        tf.layers.conv1d(tf.placeholder(tf.float32, (1, 5, 2)), 2, 2, name="c")
        names = [(v.op.name, v.shape.as_list()) for v in tf.trainable_variables()]
    assert names == [
        ("conv3d/kernel", [2, 2, 2, 2, 2]),
        ("conv3d/bias", [2]),
        ("conv3d_1/kernel", [2, 2, 2, 2, 2]),
        ("conv3d_1/bias", [2]),
        ("conv3d_transpose/kernel", [2, 2, 2, 3, 2]),
        ("c/kernel", [2, 2, 2]),
        ("c/bias", [2]),
    ]


def test_an_unknown_batch_keeps_the_static_sizes():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, (None, 3, 4, 5, 2))
        assert tf.layers.conv3d_transpose(x, 4, 3, strides=2).shape.as_list() == [None, 7, 9, 11, 4]
        assert tf.layers.max_pooling3d(x, 2, 1).shape.as_list() == [None, 2, 3, 4, 2]
        seq = tf.placeholder(tf.float32, (None, 8, 2))
        assert tf.layers.average_pooling1d(seq, 3, 2).shape.as_list() == [None, 3, 2]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: tf.layers.conv3d(tf.zeros((2, 4, 4, 3)), 2, 2), "expected ndim=5, found ndim=4"),
        (lambda: tf.layers.conv1d(tf.zeros((2, 4, 4, 3)), 2, 2), "expected ndim=3, found ndim=4"),
        (lambda: tf.layers.max_pooling1d(tf.zeros((4, 3)), 2, 2), "layer max_pooling1d"),
        (
            lambda: tf.layers.average_pooling3d(tf.zeros((1, 4, 4, 3)), 2, 2),
            "layer average_pooling3d",
        ),
        (
            lambda: tf.layers.conv3d(tf.zeros((1, 4, 4, 4, 3)), 2, (2, 2)),
            "`kernel_size` argument must be a tuple of 3 integers",
        ),
        (lambda: tf.layers.conv3d(tf.zeros((1, 4, 4, 4, 3)), 0, 2), "strictly positive value"),
        (
            lambda: tf.layers.max_pooling3d(tf.zeros((1, 4, 4, 4, 3)), 2, 2, padding="full"),
            "`padding` argument",
        ),
        (
            lambda: tf.layers.conv3d_transpose(
                tf.placeholder(tf.float32, (1, None, 4, 4, 3)), 2, 2
            ),
            "known spatial sizes",
        ),
    ],
)
def test_bad_arguments_raise_value_errors(build, message):
    with tf.Graph().as_default(), pytest.raises(ValueError, match=message):
        build()
