"""The Python API and the C++ API build the same graph and the same numbers.

``tf.layers.dense``, ``tf.get_variable``'s default initializer, ``tf.contrib.layers.
l2_regularizer`` and the initializers are skins over ``varflow/train/layers.h`` and
``initializers.h``. Here the same model is built once through the Python API and once by the
C++ functions a C++ host calls (``_core.dense_layer`` is ``train::dense`` with its default
glorot-uniform kernel and zeros bias, variables made by ``train::get_variable``), with the same
graph seed: the two GraphDefs must be equal node for node (names, ops, inputs, attributes, in
creation order) and the initial values equal bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from varflow import _core


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


def _nodes(graph):
    out = []
    for node in graph.as_graph_def().node:
        attrs = {k: str(v) for k, v in sorted(node.attr.items())}
        out.append((node.name, node.op, list(node.input), attrs))
    return out


def _python_model(in_shape, l2):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(7)
        x = tf.placeholder(tf.float32, shape=in_shape, name="x")
        reg = tf.contrib.layers.l2_regularizer(l2) if l2 else None
        h = tf.layers.dense(x, 5, kernel_regularizer=reg)
        y = tf.layers.dense(h, 3, use_bias=False)
        tf.layers.dense(x, 2, name="head")
    return g, y


def _cpp_model(in_shape, l2):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(7)
        x = tf.placeholder(tf.float32, shape=in_shape, name="x")
    core = g._core
    h = _core.dense_layer(core, x._output, 5, "", "", True, True, l2)
    y = _core.dense_layer(core, h, 3, "", "", False, True, None)
    _core.dense_layer(core, x._output, 2, "head", "", True, True, None)
    return g, g._tensor_for(y)


@pytest.mark.parametrize(
    ("in_shape", "l2"),
    [((None, 4), None), ((None, 4), 0.01), ((2, 3, 4), None), ((None, 3, 4), 0.5)],
)
def test_dense_graphs_are_the_same_node_for_node(in_shape, l2):
    gp, _ = _python_model(in_shape, l2)
    gc, _ = _cpp_model(in_shape, l2)
    assert _nodes(gp) == _nodes(gc)


@pytest.mark.parametrize("in_shape", [(None, 4), (None, 3, 4)])
def test_dense_initial_values_and_outputs_are_bit_identical(in_shape):
    feed_shape = [6 if d is None else d for d in in_shape]
    xv = np.random.default_rng(3).normal(size=feed_shape).astype(np.float32)
    results = []
    for build in (_python_model, _cpp_model):
        g, y = build(in_shape, 0.01)
        with g.as_default(), tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            names = sorted(v.name for v in tf.global_variables())
            values = sess.run(names)
            losses = sess.run(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
            out = sess.run(y, {g.get_tensor_by_name("x:0"): xv})
        results.append((names, values, losses, out))
    (pn, pv, pl, po), (cn, cv, cl, co) = results
    assert (
        pn
        == cn
        == sorted(
            ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "head/kernel:0", "head/bias:0"]
        )
    )
    for a, b in zip(pv, cv, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(pl) == len(cl) == 1
    np.testing.assert_array_equal(pl[0], cl[0])
    np.testing.assert_array_equal(po, co)
    # The initial kernel is glorot-uniform: inside +-sqrt(6 / (fan_in + fan_out)), not constant.
    kernel = pv[pn.index("dense/kernel:0")]
    limit = np.sqrt(6.0 / (4 + 5))
    assert np.all(np.abs(kernel) <= limit)
    assert kernel.std() > 0.1 * limit


def test_dense_unknown_leading_dims_reshape_back():
    x = tf.placeholder(tf.float32, shape=(None, None, 4))
    y = tf.layers.dense(x, 2, use_bias=False)
    assert y.shape.as_list() == [None, None, 2]
    assert y.op.name == "dense/Tensordot"
    xv = np.random.default_rng(1).normal(size=(2, 3, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, yv = sess.run(["dense/kernel:0", y], {x: xv})
    np.testing.assert_allclose(yv, xv @ k, rtol=1e-5, atol=1e-6)


def test_dense_input_errors_come_from_the_core():
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense`"):
        tf.layers.dense(tf.placeholder(tf.float32, shape=(None, None)), 3)
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        _core.dense_output(
            tf.get_default_graph()._core,
            tf.placeholder(tf.float32, shape=(4,))._output,
            tf.zeros([4, 3])._output,
            None,
            None,
        )


def test_initializers_match_the_core_functions():
    """Each Python initializer is the C++ initializer: same nodes as calling the core directly,
    and numbers that follow the formula (glorot/variance-scaling bounds, seeds repeatable)."""
    shape = [3, 4, 6, 8]  # a conv kernel: fans count the receptive field
    from varflow import init_ops

    assert init_ops._compute_fans(shape) == (3 * 4 * 6, 3 * 4 * 8)
    assert init_ops._compute_fans([]) == (1, 1)
    assert init_ops._compute_fans([5]) == (5, 5)
    cases = [
        (tf.initializers.variance_scaling(2.0, "fan_in", "truncated_normal", seed=3), None),
        (tf.initializers.variance_scaling(1.0, "fan_out", "untruncated_normal", seed=3), None),
        (tf.initializers.variance_scaling(0.5, "fan_avg", "uniform", seed=3), None),
        (tf.glorot_normal_initializer(seed=3), None),
        (tf.random_uniform_initializer(-2, 3, seed=3), None),
        (tf.random_normal_initializer(1.0, 2.0, seed=3), None),
        (tf.truncated_normal_initializer(1.0, 2.0, seed=3), None),
    ]
    for init, _ in cases:
        g1, g2 = tf.Graph(), tf.Graph()
        with g1.as_default():
            v1 = init(shape)
        with g2.as_default():
            v2 = init(shape)
        assert _nodes(g1) == _nodes(g2)
        with tf.Session(graph=g1) as s1, tf.Session(graph=g2) as s2:
            a, b = s1.run(v1), s2.run(v2)
        np.testing.assert_array_equal(a, b)
    # The variance-scaling graph is the C++ function's, node for node.
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        tf.initializers.variance_scaling(2.0, "fan_in", "uniform", seed=5)(shape)
    _core.variance_scaling(g2._core, shape, tf.float32._core, 2.0, "fan_in", "uniform", 5, None)
    assert _nodes(g1) == _nodes(g2)
    limit = np.sqrt(3 * 2.0 / (3 * 4 * 6))
    with g1.as_default(), tf.Session(graph=g1) as sess:
        values = sess.run(g1.get_tensor_by_name("random_uniform:0"))
    assert np.all(np.abs(values) <= limit)
    assert values.max() > 0.9 * limit


def test_random_tensors_take_tensor_arguments_and_integer_dtypes():
    shape = tf.constant([2, 3])
    lo = tf.constant(-1.0)
    u = tf.random_uniform(shape, lo, 1.0, seed=1)
    i = tf.random_uniform([500], 3, 7, dtype=tf.int64, seed=2)
    assert u.op.name == "random_uniform"
    assert i.op.type == "RandomUniformInt"
    assert i.op.name == "random_uniform_1"
    with tf.Session() as sess:
        uv, iv = sess.run([u, i])
    assert uv.shape == (2, 3)
    assert np.all((uv >= -1) & (uv < 1))
    assert iv.dtype == np.int64
    assert set(np.unique(iv)) == {3, 4, 5, 6}
    with pytest.raises(ValueError, match="Must specify maxval"):
        tf.random_uniform([2], dtype=tf.int32)
    with pytest.raises((TypeError, ValueError)):
        tf.random_uniform([2], tf.constant(0, tf.int32), 1.0)  # a bound of another dtype
    with pytest.raises(TypeError, match="floating dtype"):
        tf.random_normal([2], dtype=tf.int32)


def test_get_variable_reuse_errors_come_from_the_core():
    assert _core.check_get_variable("v", None, None, [2], tf.float32._core, "create", "") is False
    assert _core.check_get_variable("v", [2], tf.float32._core, None, tf.float32._core, "auto", "")
    with pytest.raises(ValueError, match="already exists, disallowed.*Originally defined at:\n\nX"):
        _core.check_get_variable("v", [2], tf.float32._core, [2], tf.float32._core, "create", "X")
    with pytest.raises(ValueError, match="does not exist, or was not created"):
        _core.check_get_variable("v", None, None, [2], tf.float32._core, "reuse", "")
    with tf.variable_scope("s"):
        tf.get_variable("w", [2, 3])
    with pytest.raises(ValueError, match=r"Variable s/w already exists, disallowed.*Originally"):
        with tf.variable_scope("s"):
            tf.get_variable("w", [2, 3])
    with pytest.raises(ValueError, match=r"specified shape \(3, 3\) and found shape \(2, 3\)"):
        with tf.variable_scope("s", reuse=True):
            tf.get_variable("w", [3, 3])
    with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
        with tf.variable_scope("s", reuse=True):
            tf.get_variable("w", [2, 3], dtype=tf.float64)
    with pytest.raises(ValueError, match="Variable s/u does not exist"):
        with tf.variable_scope("s", reuse=True):
            tf.get_variable("u", [1])
    with tf.variable_scope("s", reuse=tf.AUTO_REUSE):
        assert tf.get_variable("w", [2, 3]).name == "s/w:0"
        assert tf.get_variable("u", [1]).name == "s/u:0"


# The nodes the Python API built for a rank-3 sparse softmax cross entropy before it moved to
# C++ (train::sparse_softmax_cross_entropy_with_logits), recorded from that build: the graph is
# unchanged.
_XENT_RANK3 = [
    ("xentropy/Shape", "Shape"),
    ("xentropy/Rank", "Rank"),
    ("xentropy/Const", "Const"),
    ("xentropy/sub", "Sub"),
    ("xentropy/Const_1", "Const"),
    ("xentropy/ExpandDims", "ExpandDims"),
    ("xentropy/Const_2", "Const"),
    ("xentropy/Slice", "Slice"),
    ("xentropy/Const_3", "Const"),
    ("xentropy/Const_4", "Const"),
    ("xentropy/concat", "ConcatV2"),
    ("xentropy/Reshape", "Reshape"),
    ("xentropy/Const_5", "Const"),
    ("xentropy/Reshape_1", "Reshape"),
    ("xentropy/SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits"),
    ("xentropy/Shape_1", "Shape"),
    ("xentropy", "Reshape"),
]


def _softmax_xent(labels, logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]


@pytest.mark.parametrize("known_rank", [True, False])
def test_sparse_softmax_cross_entropy_of_any_rank_is_the_cores(known_rank):
    labels = tf.placeholder(tf.int32, [None, 3] if known_rank else None)
    logits = tf.placeholder(tf.float32, [None, 3, 5] if known_rank else None)
    loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
    prefix = "sparse_softmax_cross_entropy_loss/"
    nodes = [(n.name[len(prefix) :], n.op) for n in tf.get_default_graph().as_graph_def().node]
    assert nodes[2 : 2 + len(_XENT_RANK3)] == _XENT_RANK3
    # The C++ host's function builds the same graph.
    g = tf.Graph()
    with g.as_default():
        lc = tf.placeholder(tf.int32, [None, 3] if known_rank else None)
        xc = tf.placeholder(tf.float32, [None, 3, 5] if known_rank else None)
    out = _core.sparse_softmax_cross_entropy(
        g._core,
        _core.Arg(lc._output),
        _core.Arg(xc._output),
        _core.Arg(1.0),
        "",
        tf.GraphKeys.LOSSES,
        tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS,
    )
    assert _nodes(g) == _nodes(tf.get_default_graph())
    rng = np.random.default_rng(5)
    lv = rng.integers(0, 5, size=(4, 3)).astype(np.int32)
    xv = rng.normal(size=(4, 3, 5)).astype(np.float32)
    with tf.Session() as sess:
        got = sess.run(loss, {labels: lv, logits: xv})
    with tf.Session(graph=g) as sess:
        got_cpp = sess.run(g._tensor_for(out), {lc: lv, xc: xv})
    np.testing.assert_allclose(got, _softmax_xent(lv, xv).mean(), rtol=1e-5)
    np.testing.assert_array_equal(got, got_cpp)
    per_row = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    assert per_row.op.name == "SparseSoftmaxCrossEntropyWithLogits"
    with tf.Session() as sess:
        np.testing.assert_allclose(
            sess.run(per_row, {labels: lv, logits: xv}), _softmax_xent(lv, xv), rtol=1e-5
        )
    with pytest.raises(ValueError, match="Rank mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros([2], tf.int32), logits=tf.zeros([2, 3, 4])
        )
    with pytest.raises(ValueError, match="labels must be int32 or int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.zeros([2]), logits=tf.zeros([2, 3])
        )


def _python_cnn(channels_first):
    g = tf.Graph()
    fmt = "channels_first" if channels_first else "channels_last"
    with g.as_default():
        tf.set_random_seed(11)
        shape = (None, 3, 8, 8) if channels_first else (None, 8, 8, 3)
        x = tf.placeholder(tf.float32, shape=shape, name="x")
        h = tf.layers.conv2d(x, 4, 3, padding="same", data_format=fmt)
        h = tf.layers.max_pooling2d(h, 2, 2, data_format=fmt)
        h = tf.layers.conv2d_transpose(h, 2, (3, 3), strides=2, data_format=fmt, use_bias=False)
        h = tf.layers.average_pooling2d(h, 3, 1, padding="valid", data_format=fmt)
        y = tf.layers.flatten(h, data_format=fmt)
    return g, y


def _cpp_cnn(channels_first):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(11)
        shape = (None, 3, 8, 8) if channels_first else (None, 8, 8, 3)
        x = tf.placeholder(tf.float32, shape=shape, name="x")
    core = g._core
    h = _core.conv_layer(
        core, x._output, 4, (3, 3), False, "", (1, 1), "same", channels_first, (1, 1), True
    )
    h = _core.pooling(core, h, True, (2, 2), (2, 2), "valid", channels_first, "")
    h = _core.conv_layer(
        core, h, 2, (3, 3), True, "", (2, 2), "valid", channels_first, (1, 1), False
    )
    h = _core.pooling(core, h, False, (3, 3), (1, 1), "valid", channels_first, "")
    y = _core.flatten(core, h, channels_first, "")
    return g, g._tensor_for(y)


@pytest.mark.parametrize("channels_first", [False, True])
def test_conv_pool_flatten_graphs_and_values_are_the_cores(channels_first):
    """tf.layers' conv2d, conv2d_transpose, pooling and flatten are train/conv_layers.h: the
    same nodes in the same order, the same initial kernels and the same outputs."""
    gp, yp = _python_cnn(channels_first)
    gc, yc = _cpp_cnn(channels_first)
    assert _nodes(gp) == _nodes(gc)
    assert [n[0] for n in _nodes(gp) if n[1] == "VariableV2"] == [
        "conv2d/kernel",
        "conv2d/bias",
        "conv2d_transpose/kernel",
    ]
    shape = (2, 3, 8, 8) if channels_first else (2, 8, 8, 3)
    xv = np.random.default_rng(4).normal(size=shape).astype(np.float32)
    outs = []
    for g, y in ((gp, yp), (gc, yc)):
        with g.as_default(), tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            outs.append(sess.run(y, {g.get_tensor_by_name("x:0"): xv}))
    assert outs[0].shape == (2, 2 * 7 * 7)
    np.testing.assert_array_equal(outs[0], outs[1])


def _python_nd(rank):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(5)
        x = tf.placeholder(tf.float32, shape=(None, *([6] * rank), 2), name="x")
        conv = tf.layers.conv1d if rank == 1 else tf.layers.conv3d
        pool = tf.layers.max_pooling1d if rank == 1 else tf.layers.max_pooling3d
        h = conv(x, 3, 2, padding="same", strides=2)
        h = pool(h, 2, 1)
        if rank == 3:
            h = tf.layers.conv3d_transpose(h, 2, 2, strides=2, use_bias=False)
        avg = tf.layers.average_pooling1d if rank == 1 else tf.layers.average_pooling3d
        y = avg(h, 2, 2, padding="same", data_format="channels_first")
    return g, y


def _cpp_nd(rank):
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(5)
        x = tf.placeholder(tf.float32, shape=(None, *([6] * rank), 2), name="x")
    core, ones = g._core, (1,) * rank
    h = _core.conv_layer(
        core, x._output, 3, (2,) * rank, False, "", (2,) * rank, "same", False, ones, True
    )
    h = _core.pooling(core, h, True, (2,) * rank, ones, "valid", False, "")
    if rank == 3:
        h = _core.conv_layer(core, h, 2, (2,) * 3, True, "", (2,) * 3, "valid", False, ones, False)
    y = _core.pooling(core, h, False, (2,) * rank, (2,) * rank, "same", True, "")
    return g, g._tensor_for(y)


@pytest.mark.parametrize("rank", [1, 3])
def test_1d_and_3d_layers_are_the_cores(rank):
    """conv1d/conv3d, conv3d_transpose and the 1-D/3-D pooling layers are train/conv_layers.h:
    the same nodes in the same order and the same outputs."""
    (gp, yp), (gc, yc) = _python_nd(rank), _cpp_nd(rank)
    assert _nodes(gp) == _nodes(gc)
    xv = np.random.default_rng(6).normal(size=(2, *([6] * rank), 2)).astype(np.float32)
    outs = []
    for g, y in ((gp, yp), (gc, yc)):
        with g.as_default(), tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            outs.append(sess.run(y, {g.get_tensor_by_name("x:0"): xv}))
    np.testing.assert_array_equal(outs[0], outs[1])


@pytest.mark.parametrize("rank", [1, 2])
def test_separable_layers_are_the_cores(rank):
    """separable_conv1d/2d are train/conv_layers.h: the same nodes and the same outputs."""
    shape = (None, *([7] * rank), 3)
    graphs = []
    for via_core in (False, True):
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(8)
            x = tf.placeholder(tf.float32, shape=shape, name="x")
            if via_core:
                y = g._tensor_for(
                    _core.separable_conv_layer(
                        g._core,
                        x._output,
                        4,
                        (3,) * rank,
                        "",
                        (2,) * rank,
                        "same",
                        False,
                        (1,) * rank,
                        2,
                        True,
                    )
                )
            else:
                layer = tf.layers.separable_conv1d if rank == 1 else tf.layers.separable_conv2d
                y = layer(x, 4, 3, strides=2, padding="same", depth_multiplier=2)
        graphs.append((g, y))
    assert _nodes(graphs[0][0]) == _nodes(graphs[1][0])
    xv = np.random.default_rng(9).normal(size=(2, *([7] * rank), 3)).astype(np.float32)
    outs = []
    for g, y in graphs:
        with g.as_default(), tf.Session(graph=g) as sess:
            sess.run(tf.global_variables_initializer())
            outs.append(sess.run(y, {g.get_tensor_by_name("x:0"): xv}))
    np.testing.assert_array_equal(outs[0], outs[1])
