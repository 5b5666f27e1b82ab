"""GraphDefs with tf.cond and tf.while_loop (varflow's If/While and their regions, carried in
internal attributes: cpp/src/io/graph_def_regions.h): written by Python and C++ alike, imported by
tf.import_graph_def, tf.train.import_meta_graph and the C++ importer, and training after the
import gives the numbers of the graph that was written."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from tensorboard.compat.proto import graph_pb2
from varflow import _core

RNG = np.random.default_rng(5)
X = RNG.normal(size=(8, 3)).astype(np.float32)
Y = RNG.normal(size=(8, 1)).astype(np.float32)
W0 = RNG.normal(size=(3, 1)).astype(np.float32)


def _model(with_train_op=True):
    """A regression whose prediction goes through a cond (training switch) and a while loop
    (three damped refinements), trained with Adam."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    training = tf.placeholder_with_default(True, [], name="training")
    w = tf.Variable(W0, name="w")
    b = tf.Variable(0.1, name="b")
    pred = tf.matmul(x, w) + b
    pred = tf.cond(training, lambda: tf.tanh(pred) * 1.5, lambda: pred, name="switch")

    def body(i, p):
        return i + 1, p + 0.5 * tf.sin(p * b)

    _, pred = tf.while_loop(lambda i, p: i < 3, body, (tf.constant(0), pred), name="refine")
    loss = tf.reduce_mean(tf.square(pred - y), name="loss")
    if with_train_op:
        tf.train.AdamOptimizer(0.05).minimize(loss, name="train")
    tf.global_variables_initializer()
    return loss


def _train(graph, prefix="", init="init", steps=5):
    """Losses of `steps` Adam steps from the initial values, then the loss with training off."""

    def t(name):
        return graph.get_tensor_by_name(prefix + name)

    with tf.Session(graph=graph) as sess:
        sess.run(graph.get_operation_by_name(prefix + init))
        train = graph.get_operation_by_name(prefix + "train")
        feed = {t("x:0"): X, t("y:0"): Y}
        losses = [sess.run([t("loss:0"), train], feed)[0] for _ in range(steps)]
        losses.append(sess.run(t("loss:0"), {**feed, t("training:0"): False}))
        return np.array(losses)


def _reference():
    with tf.Graph().as_default() as g:
        _model()
    return g, _train(g)


def test_python_and_cpp_writers_agree_on_control_flow_graphs():
    g, _ = _reference()
    python = g.as_graph_def()
    cpp = graph_pb2.GraphDef.FromString(_core.graph_def_from_cpp(g._core))
    assert python == cpp
    nodes = {n.name: n for n in python.node}
    switch = nodes["switch/Merge"]
    assert switch.op == "If"
    for key in ("_then_results", "_else_results"):
        (result,) = switch.attr[key].list.s
        assert result.decode().split(":")[0] in nodes
    assert set(nodes["refine/Exit"].attr) >= {"_loop_vars", "_loop_condition", "_loop_results"}
    assert "_region" in nodes["refine/Enter"].attr
    assert any(n.op == "LoopSavedValue" for n in python.node)


@pytest.mark.parametrize("scope", ["import", ""])
def test_import_graph_def_trains_with_the_written_graphs_numbers(scope):
    g, want = _reference()
    graph_def = g.as_graph_def()
    with tf.Graph().as_default() as h:
        tf.import_graph_def(graph_def, name=scope)
    prefix = scope + "/" if scope else ""
    got = _train(h, prefix)
    np.testing.assert_array_equal(got, want)
    assert want[0] > want[4]  # it does learn


def test_cpp_import_trains_with_the_written_graphs_numbers():
    g, want = _reference()
    with tf.Graph().as_default() as h:
        _core.import_graph_def_cpp(h._core, _core.graph_def_from_cpp(g._core), "cpp/")
    np.testing.assert_array_equal(_train(h, "cpp/"), want)


def test_import_meta_graph_trains_with_the_written_graphs_numbers(tmp_path):
    g, want = _reference()
    path = str(tmp_path / "model.meta")
    with g.as_default():
        tf.train.export_meta_graph(path)
    with tf.Graph().as_default() as h:
        tf.train.import_meta_graph(path)
        assert len(tf.trainable_variables()) == 2
    np.testing.assert_array_equal(_train(h), want)


def _gradient_values(graph, prefix=""):
    def t(name):
        return graph.get_tensor_by_name(prefix + name)

    with graph.as_default():
        grads = tf.gradients(t("loss:0"), [t("w/read:0"), t("b/read:0")])
    with tf.Session(graph=graph) as sess:
        sess.run(graph.get_operation_by_name(prefix + "init"))
        feed = {t("x:0"): X, t("y:0"): Y}
        return [sess.run(grads, {**feed, t("training:0"): on}) for on in (True, False)]


def test_gradients_built_after_import_are_the_originals():
    # Only the forward graph is written; the imported loop and branches are differentiated.
    with tf.Graph().as_default() as g:
        _model(with_train_op=False)
    with tf.Graph().as_default() as h:
        tf.import_graph_def(g.as_graph_def(), name="m")
    for got, want in zip(_gradient_values(h, "m/"), _gradient_values(g), strict=True):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_second_order_rules_hold_after_import():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float64, [], name="x")
        p = tf.placeholder(tf.bool, [], name="p")
        y = tf.cond(p, lambda: tf.sin(x) * x * x, lambda: tf.exp(x) * x, name="c")
        (gc,) = tf.gradients(y, x, name="gc")
        loop = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * x), (0, x), name="w")
        (gw,) = tf.gradients(loop[1], x, name="gw")
        tf.identity(gc, name="gc_out")
        tf.identity(gw, name="gw_out")
    with tf.Graph().as_default() as h:
        tf.import_graph_def(g.as_graph_def(), name="i")
        x, p = h.get_tensor_by_name("i/x:0"), h.get_tensor_by_name("i/p:0")
        (hc,) = tf.gradients(h.get_tensor_by_name("i/gc_out:0"), x)
        with pytest.raises(TypeError, match="Second-order gradient for while loops"):
            tf.gradients(h.get_tensor_by_name("i/gw_out:0"), x)
        with tf.Session() as sess:
            got = sess.run([hc, h.get_tensor_by_name("i/gw_out:0")], {x: 1.5, p: True})
    # d2/dx2 (x^2 sin x) at 1.5 (TF1 control flow v1 gives the same); d/dx x^3 = 3x^2.
    np.testing.assert_allclose(got, [0.1750494633552039, 6.75], rtol=1e-12)


def test_region_node_without_its_owner_is_a_value_error():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [], name="x")
        tf.cond(x > 0, lambda: x * 2.0, lambda: x, name="c")
    graph_def = g.as_graph_def()
    kept = [n for n in graph_def.node if n.op != "If"]
    del graph_def.node[:]
    graph_def.node.extend(kept)
    with (
        tf.Graph().as_default(),
        pytest.raises(ValueError, match="which no If or While of the GraphDef owns"),
    ):
        tf.import_graph_def(graph_def)


def test_scoped_meta_graph_export_and_import_keep_the_loops_and_branches(tmp_path):
    # export_scope strips the scope from the region attributes' tensor names too; import_scope
    # puts the new one in front. (Forward graph only: Adam's beta powers live outside the
    # scope, so a scoped export of a train op leaves them out, in TF1 as well.)
    with tf.Graph().as_default() as g:
        _model(with_train_op=False)
    with tf.Graph().as_default():
        with tf.name_scope("model"):
            _model(with_train_op=False)
        path = str(tmp_path / "scoped.meta")
        tf.train.export_meta_graph(path, export_scope="model")
    with tf.Graph().as_default() as h:
        tf.train.import_meta_graph(path, import_scope="again")
    for got, want in zip(_gradient_values(h, "again/"), _gradient_values(g), strict=True):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6)
