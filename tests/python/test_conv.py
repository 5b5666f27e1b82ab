"""Convolution and pooling: forward and gradients against TensorFlow-recorded fixtures
(fixtures/gen_conv_fixtures.py), gradients against finite differences in float64, the
tf.layers wrappers' variables and names, and bad input as TF1's errors naming the op."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients

FIXTURES = np.load(Path(__file__).parent / "fixtures" / "conv_fixtures.npz")
CASE_NAMES = sorted({k.split("/")[0] for k in FIXTURES.files})


def build(spec, t):
    op = spec["op"]
    fmt = spec.get("data_format", "NHWC")
    if op == "conv2d":
        return tf.nn.conv2d(
            t["x"],
            t["f"],
            spec["strides"],
            spec["padding"],
            data_format=fmt,
            dilations=spec.get("dilations", [1, 1, 1, 1]),
        )
    if op == "conv2d_transpose":
        return tf.nn.conv2d_transpose(
            t["x"], t["f"], spec["output_shape"], spec["strides"], spec["padding"]
        )
    if op == "conv1d":
        return tf.nn.conv1d(t["x"], t["f"], spec["stride"], spec["padding"])
    if op == "depthwise_conv2d":
        return tf.nn.depthwise_conv2d(
            t["x"], t["f"], spec["strides"], spec["padding"], rate=spec.get("rate")
        )
    if op == "separable_conv2d":
        return tf.nn.separable_conv2d(t["x"], t["f"], t["pw"], spec["strides"], spec["padding"])
    if op in ("max_pool", "avg_pool"):
        fn = tf.nn.max_pool if op == "max_pool" else tf.nn.avg_pool
        return fn(t["x"], spec["ksize"], spec["strides"], spec["padding"], data_format=fmt)
    if op == "max_pool_with_argmax":
        return tf.nn.max_pool_with_argmax(
            t["x"],
            spec["ksize"],
            spec["strides"],
            spec["padding"],
            include_batch_in_index=spec.get("include_batch_in_index", False),
        )
    if op == "lrn":
        return tf.nn.lrn(t["x"], spec["depth_radius"], spec["bias"], spec["alpha"], spec["beta"])
    raise ValueError(op)


def case(name):
    spec = json.loads(str(FIXTURES[f"{name}/spec"]))
    inputs = {k: FIXTURES[f"{name}/{k}"] for k in ("x", "f", "pw") if f"{name}/{k}" in FIXTURES}
    return spec, inputs


@pytest.mark.parametrize("name", CASE_NAMES)
def test_forward_and_gradient_match_tensorflow(name):
    spec, inputs = case(name)
    phs = {k: tf.placeholder(tf.float32, v.shape) for k, v in inputs.items()}
    out = build(spec, phs)
    argmax = None
    if isinstance(out, tuple):
        out, argmax = out
    assert out.shape.as_list() == list(FIXTURES[f"{name}/y"].shape)
    keys = sorted(phs)
    loss = tf.reduce_sum(out * FIXTURES[f"{name}/w"])
    grads = tf.gradients(loss, [phs[k] for k in keys])
    feed = {phs[k]: v for k, v in inputs.items()}
    with tf.Session() as sess:
        y, got = sess.run([out, grads], feed)
        np.testing.assert_allclose(y, FIXTURES[f"{name}/y"], rtol=1e-5, atol=1e-5)
        if argmax is not None:
            np.testing.assert_array_equal(sess.run(argmax, feed), FIXTURES[f"{name}/argmax"])
    for k, g in zip(keys, got, strict=True):
        np.testing.assert_allclose(g, FIXTURES[f"{name}/d{k}"], rtol=1e-4, atol=1e-4, err_msg=k)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_float64_gradients_match_finite_differences(name):
    spec, inputs = case(name)
    keys = sorted(inputs)

    def fn(*tensors):
        out = build(spec, dict(zip(keys, tensors, strict=True)))
        return out[0] if isinstance(out, tuple) else out

    check_gradients(fn, [inputs[k].astype(np.float64) for k in keys], rtol=1e-5, atol=1e-6)


def ones(*shape, dtype=np.float32):
    return tf.constant(np.ones(shape, dtype))


def conv(x_shape, f_shape, strides=(1, 1, 1, 1), padding="SAME", **kw):
    return tf.nn.conv2d(ones(*x_shape), ones(*f_shape), list(strides), padding, **kw)


@pytest.mark.parametrize(
    ("build_op", "message"),
    [
        (lambda: conv((1, 4, 4), (2, 2, 1, 1)), "Shape must be rank 4 but is rank 3 for 'Conv2D'"),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1)), "Shape must be rank 4 but is rank 3 for 'Conv2D'"),
        (lambda: conv((1, 4, 4, 3), (2, 2, 2, 1)), "Depth of input (3) is not a multiple of"),
        (lambda: conv((1, 4, 4, 4), (2, 2, 2, 1)), "grouped convolution"),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), (1, 1, 1)), "strides should be of length 1, 2"),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), (2, 1, 1, 1)), "strides in the batch and depth"),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), (1, 0, 1, 1)), "Stride must be > 0, but got 0"),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), padding="FOO"), "Attr 'padding' of 'Conv2D'"),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), padding="same"), "passed string 'same'"),
        (
            lambda: conv((1, 2, 2, 1), (3, 3, 1, 1), padding="VALID"),
            "Negative dimension size caused by subtracting 3 from 2 for 'Conv2D'",
        ),
        (
            lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), padding=[[0, 0], [1, 1], [2, 0]]),
            "When padding is a list, it must be of size 4",
        ),
        (
            lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), padding=[[0, 0], [-1, 1], [2, 0], [0, 0]]),
            "explicit_paddings must be nonnegative for 'Conv2D'",
        ),
        (
            lambda: conv(
                (1, 4, 4, 1), (2, 2, 1, 1), padding=[[0, 0], [2**62, 2**62], [0, 0], [0, 0]]
            ),
            "too large",
        ),
        (
            lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), padding=[[1, 0], [1, 1], [2, 0], [0, 0]]),
            "the first and last elements of padding must be [0, 0]",
        ),
        (
            lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), dilations=[1, 0, 1, 1]),
            "Dilation rate must be >= 1, but got 0",
        ),
        (lambda: conv((1, 4, 4, 1), (2, 2, 1, 1), data_format="NHCW"), "'data_format' of 'Conv2D'"),
        (lambda: conv((1, 4, 4, 1), (0, 2, 1, 1)), "Window size must be > 0"),
        (lambda: tf.nn.max_pool(ones(1, 4, 4), 2, 2, "SAME"), "rank 4 but is rank 3 for 'MaxPool'"),
        (lambda: tf.nn.max_pool(ones(1, 4, 4, 2), [1, 2, 2, 2], 1, "SAME"), "depth dimensions"),
        (lambda: tf.nn.max_pool(ones(1, 4, 4, 2), [1, 0, 2, 1], 1, "SAME"), "cannot be zero"),
        (lambda: tf.nn.max_pool(ones(1, 2, 2, 2), 3, 1, "VALID"), "subtracting 3 from 2"),
        (lambda: tf.nn.avg_pool(ones(1, 2, 2, 2), 1, 1, "FULL"), "Attr 'padding' of 'AvgPool'"),
        (
            lambda: tf.nn.avg_pool(ones(1, 4, 4, 1), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
            "AvgPool does not support explicit padding",
        ),
        (lambda: tf.nn.lrn(ones(2, 3)), "rank 4 but is rank 2 for 'LRN'"),
        (lambda: tf.nn.lrn(ones(1, 2, 2, 2), depth_radius=-1), "depth_radius = -1"),
        (
            lambda: tf.nn.depthwise_conv2d(
                ones(1, 4, 4, 3), ones(2, 2, 2, 1), [1, 1, 1, 1], "SAME"
            ),
            "Dimensions must be equal, but are 3 and 2 for 'depthwise'",
        ),
        (
            lambda: tf.nn.conv2d_transpose(ones(1, 2, 2, 3), ones(2, 2, 1, 2), [1, 4, 4, 1], 2),
            "input channels does not match filter's input channels, 3 != 2",
        ),
    ],
)
def test_bad_attributes_and_shapes_raise_value_error(build_op, message):
    with pytest.raises(ValueError) as e:
        build_op()
    assert message in str(e.value)


@pytest.mark.parametrize(
    "build_op",
    [
        lambda: tf.nn.conv2d(
            ones(1, 4, 4, 1, dtype=np.int32), ones(2, 2, 1, 1, dtype=np.int32), 1, "SAME"
        ),
        lambda: tf.nn.conv2d(ones(1, 4, 4, 1), ones(2, 2, 1, 1, dtype=np.float64), 1, "SAME"),
        lambda: tf.nn.avg_pool(ones(1, 4, 4, 1, dtype=np.int32), 2, 2, "SAME"),
        lambda: tf.nn.lrn(ones(1, 2, 2, 2, dtype=np.int32)),
    ],
)
def test_bad_dtypes_raise_type_error(build_op):
    with pytest.raises(TypeError):
        build_op()


def run_fed(build_op, value, dtype=tf.float32):
    p = tf.placeholder(dtype, None)
    y = build_op(p)
    with tf.Session() as sess:
        return sess.run(y, {p: value})


@pytest.mark.parametrize(
    ("build_op", "value", "message"),
    [
        (
            lambda p: tf.nn.conv2d(p, ones(2, 2, 3, 1), 1, "SAME"),
            np.ones((1, 4, 4, 2)),
            "input depth 2",
        ),
        (
            lambda p: tf.nn.conv2d(p, ones(2, 2, 3, 1), 1, "SAME"),
            np.ones((4, 4, 3)),
            "4-dimensional",
        ),
        (
            lambda p: tf.nn.conv2d(p, ones(3, 3, 3, 1), 1, "VALID"),
            np.ones((1, 2, 2, 3)),
            "subtracting 3",
        ),
        (
            lambda p: tf.nn.conv2d(ones(1, 4, 4, 1), p, 1, "SAME"),
            np.ones((2, 2, 1)),
            "filter must be 4",
        ),
        (lambda p: tf.nn.max_pool(p, 2, 2, "VALID"), np.ones((1, 1, 1, 1)), "subtracting 2 from 1"),
        (lambda p: tf.nn.avg_pool(p, 2, 2, "VALID"), np.ones((1, 1, 1)), "4-dimensional"),
        (lambda p: tf.nn.lrn(p), np.ones((2, 2)), "4-dimensional"),
        (
            lambda p: tf.nn.depthwise_conv2d(p, ones(2, 2, 3, 1), [1, 1, 1, 1], "SAME"),
            np.ones((1, 4, 4, 2)),
            "input depth 2",
        ),
    ],
)
def test_bad_fed_shapes_raise_invalid_argument(build_op, value, message):
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        run_fed(build_op, value)
    assert message in str(e.value)
    assert "[[node " in str(e.value)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([1, 5, 5, 1], "out_backprop has shape (1, 2, 2, 1)"),
        ([1, -3, 3, 1], "input_sizes has a negative dimension: [1,-3,3,1]"),
        ([1, 3, 3], "input_sizes must be a vector of 4 values"),
    ],
)
def test_bad_fed_output_shape_of_conv2d_transpose(sizes, message):
    def build_op(p):
        return tf.nn.conv2d_transpose(ones(1, 2, 2, 1), ones(2, 2, 1, 1), p, 1, "VALID")

    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        run_fed(build_op, np.array(sizes, np.int32), tf.int32)
    assert message in str(e.value)


def test_argmax_out_of_range_is_invalid_argument():
    x = tf.constant(np.arange(8.0).reshape(1, 2, 2, 2))
    argmax = tf.placeholder(tf.int64, [1, 1, 1, 2])
    grad = (
        tf.get_default_graph()
        .create_op(
            "MaxPoolGradWithArgmax",
            [x, tf.constant(np.ones((1, 1, 1, 2))), argmax],
            {"ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1], "padding": "VALID"},
        )
        .outputs[0]
    )
    with tf.Session() as sess:
        assert sess.run(grad, {argmax: [[[[6, 7]]]]}).reshape(-1)[6:].tolist() == [1.0, 1.0]
        with pytest.raises(tf.errors.InvalidArgumentError, match="argmax holds an index"):
            sess.run(grad, {argmax: [[[[8, 7]]]]})


def test_unknown_shapes_are_resolved_at_run_time():
    x = tf.placeholder(tf.float32, [None, None, None, 3])
    y = tf.nn.conv2d(x, ones(3, 3, 3, 4), [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, None, None, 4]
    p = tf.nn.max_pool(y, 2, 2, "SAME")
    dx = tf.gradients(tf.reduce_sum(p), x)[0]
    with tf.Session() as sess:
        got, gx = sess.run([p, dx], {x: np.ones((2, 7, 9, 3))})
    assert got.shape == (2, 2, 3, 4) and gx.shape == (2, 7, 9, 3)


def test_int_max_pool_and_empty_batches():
    v = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)
    with tf.Session() as sess:
        got = sess.run(tf.nn.max_pool(tf.constant(v), 2, 2, "VALID"))
        empty = sess.run(tf.nn.conv2d(ones(0, 4, 4, 2), ones(3, 3, 2, 5), 1, "SAME"))
    assert got.reshape(-1).tolist() == [5, 7, 13, 15]
    assert empty.shape == (0, 4, 4, 5)


def test_large_batch_splits_across_threads_as_one_loop():
    """Every threading path (row blocks, per-image scatter, per-thread filter partials) gives
    what a small batch computed one image at a time gives."""
    rng = np.random.default_rng(5)
    xv = rng.standard_normal((24, 14, 14, 16)).astype(np.float32)
    fv = rng.standard_normal((5, 5, 16, 32)).astype(np.float32)
    x, f = tf.constant(xv), tf.constant(fv)
    y = tf.nn.conv2d(x, f, 1, "SAME")
    dx, df = tf.gradients(tf.reduce_sum(tf.square(y)), [x, f])
    x1 = tf.placeholder(tf.float32, [1, 14, 14, 16])
    y1 = tf.nn.conv2d(x1, f, 1, "SAME")
    dx1, df1 = tf.gradients(tf.reduce_sum(tf.square(y1)), [x1, f])
    with tf.Session() as sess:
        big = sess.run([y, dx, df])
        parts = [sess.run([y1, dx1, df1], {x1: xv[i : i + 1]}) for i in range(24)]
    np.testing.assert_allclose(big[0], np.concatenate([p[0] for p in parts]), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(big[1], np.concatenate([p[1] for p in parts]), rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(big[2], sum(p[2] for p in parts), rtol=1e-4, atol=1e-2)


# --- tf.layers ---------------------------------------------------------------------------------


def test_layers_names_shapes_and_variables_match_tf1():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    y = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
    p = tf.layers.max_pooling2d(y, 2, 2)
    a = tf.layers.average_pooling2d(p, 2, 2)
    t = tf.layers.conv2d_transpose(a, 4, 3, strides=2, padding="valid")
    f = tf.layers.flatten(t)
    y2 = tf.layers.conv2d(x, 8, (3, 3), strides=(2, 2), use_bias=False)
    assert [v.name for v in tf.global_variables()] == [
        "conv2d/kernel:0",
        "conv2d/bias:0",
        "conv2d_transpose/kernel:0",
        "conv2d_transpose/bias:0",
        "conv2d_1/kernel:0",
    ]
    assert (y.name, p.name, a.name, t.name, f.name) == (
        "conv2d/Relu:0",
        "max_pooling2d/MaxPool:0",
        "average_pooling2d/AvgPool:0",
        "conv2d_transpose/BiasAdd:0",
        "flatten/Reshape:0",
    )
    assert y.shape.as_list() == [None, 28, 28, 32]
    assert p.shape.as_list() == [None, 14, 14, 32]
    assert a.shape.as_list() == [None, 7, 7, 32]
    assert t.shape.as_list() == [None, 15, 15, 4]
    assert f.shape.as_list() == [None, 900]
    assert y2.shape.as_list() == [None, 13, 13, 8]
    ops = {o.name: o.type for o in tf.get_default_graph().get_operations()}
    assert ops["conv2d/Conv2D"] == "Conv2D"
    assert ops["conv2d_transpose/conv2d_transpose"] == "Conv2DBackpropInput"
    kernel = tf.global_variables()[0]
    assert kernel.shape.as_list() == [5, 5, 1, 32]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, b = sess.run(tf.global_variables()[:2])
        limit = np.sqrt(6 / (25 * 1 + 25 * 32))  # glorot uniform over (fan_in, fan_out)
        assert np.abs(k).max() <= limit and np.abs(k).max() > 0.8 * limit
        assert not b.any()
        out = sess.run(f, {x: np.ones((3, 28, 28, 1))})
    assert out.shape == (3, 900)


def test_layers_conv2d_computes_conv_plus_bias_and_reuses():
    x = tf.constant(np.random.default_rng(1).standard_normal((2, 6, 6, 3)).astype(np.float32))
    y = tf.layers.conv2d(
        x, 4, 3, padding="same", bias_initializer=tf.constant_initializer(0.5), name="c"
    )
    y_again = tf.layers.conv2d(x, 4, 3, padding="same", name="c", reuse=True)
    with tf.variable_scope("c", reuse=True):
        kernel = tf.get_variable("kernel")
    want = tf.nn.conv2d(x, kernel, 1, "SAME") + 0.5
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, again, ref = sess.run([y, y_again, want])
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    np.testing.assert_allclose(again, ref, rtol=1e-6)
    assert len(tf.global_variables()) == 2


def test_layers_channels_first():
    x = tf.constant(np.random.default_rng(2).standard_normal((2, 3, 6, 6)).astype(np.float32))
    y = tf.layers.conv2d(x, 4, 3, data_format="channels_first")
    p = tf.layers.max_pooling2d(y, 2, 2, data_format="channels_first")
    assert y.shape.as_list() == [2, 4, 4, 4] and p.shape.as_list() == [2, 4, 2, 2]
    kernel = tf.global_variables()[0]
    want = tf.transpose(
        tf.nn.max_pool(
            tf.nn.conv2d(tf.transpose(x, [0, 2, 3, 1]), kernel, 1, "VALID"), 2, 2, "VALID"
        ),
        [0, 3, 1, 2],
    )
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, ref = sess.run([p, want])
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("build_op", "message"),
    [
        (lambda: tf.layers.conv2d(ones(4, 4, 3), 2, 3), "expected ndim=4, found ndim=3"),
        (lambda: tf.layers.conv2d(ones(1, 4, 4, 3), 2, 3, padding="foo"), "`padding` argument"),
        (
            lambda: tf.layers.conv2d(tf.placeholder(tf.float32, [None, 4, 4, None]), 2, 3),
            "The channel dimension of the inputs should be defined",
        ),
        (lambda: tf.layers.conv2d(ones(1, 4, 4, 3), 2, (3, 3, 3)), "`kernel_size` argument"),
        (
            lambda: tf.layers.max_pooling2d(ones(1, 4, 4, 3), 2, 2, data_format="nhwc"),
            "data_format",
        ),
        (lambda: tf.layers.average_pooling2d(ones(4, 4, 3), 2, 2), "layer average_pooling2d"),
    ],
)
def test_layers_bad_arguments(build_op, message):
    with pytest.raises(ValueError) as e:
        build_op()
    assert message in str(e.value)


def test_a_small_cnn_learns():
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((64, 8, 8, 1)).astype(np.float32)
    labels = (xs[:, :4].sum(axis=(1, 2, 3)) > xs[:, 4:].sum(axis=(1, 2, 3))).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.int32, [None])
    h = tf.layers.conv2d(x, 8, 3, padding="same", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, 2, 2)
    logits = tf.layers.dense(tf.layers.flatten(h), 2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: labels})
        for _ in range(150):
            sess.run(train, {x: xs, y: labels})
        last = sess.run(loss, {x: xs, y: labels})
    assert last < 0.3 * first
