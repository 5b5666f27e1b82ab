"""Graphs in and out: GraphDef export and import, meta graphs, write_graph, and TensorFlow's own
files (tests/python/fixtures/tf_graphs, written by make_fixtures.py there with TensorFlow)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import varflow as tf
from google.protobuf import text_format
from tensorboard.compat.proto import graph_pb2, meta_graph_pb2, types_pb2, variable_pb2
from varflow import errors
from varflow.framework import op_defs
from varflow.framework.graph_io import write_graph
from varflow.framework.importer import import_graph_def
from varflow.framework.meta_graph import export_meta_graph, import_meta_graph

FIXTURES = Path(__file__).parent / "fixtures" / "tf_graphs"
EXPECTED = np.load(FIXTURES / "expected.npz")


def _forward_graph_def():
    """The fixtures' MLP without its train op (TensorFlow has every op of it), exported."""
    with tf.Graph().as_default() as g:
        _mlp(None)
        tf.global_variables_initializer()
        return g.as_graph_def()


def _mlp(optimizer):
    """The fixtures' MLP, built with varflow: same names, initial values and loss."""
    rng = np.random.RandomState(1)
    init = {
        "dense": (
            (rng.randn(4, 5) * 0.5).astype(np.float32),
            (rng.randn(5) * 0.1).astype(np.float32),
        ),
        "logits": ((rng.randn(5, 3) * 0.5).astype(np.float32), np.zeros(3, np.float32)),
    }
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    with tf.variable_scope("dense"):
        w1 = tf.get_variable("kernel", initializer=init["dense"][0])
        b1 = tf.get_variable("bias", initializer=init["dense"][1])
    h = tf.nn.relu(tf.matmul(x, w1) + b1, name="hidden")
    with tf.variable_scope("logits"):
        w2 = tf.get_variable("kernel", initializer=init["logits"][0])
        b2 = tf.get_variable("bias", initializer=init["logits"][1])
    logits = tf.add(tf.matmul(h, w2), b2, name="logits_out")
    tf.nn.softmax(logits, name="probs")
    xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits)
    loss = tf.reduce_mean(xent, name="loss")
    if optimizer is None:
        return None, loss
    step = tf.train.get_or_create_global_step()
    opt = (
        tf.train.GradientDescentOptimizer(0.5)
        if optimizer == "sgd"
        else tf.train.AdamOptimizer(0.05)
    )
    return opt.minimize(loss, global_step=step, name="train"), loss


def _feed(graph, prefix=""):
    return {
        graph.get_tensor_by_name(prefix + "x:0"): EXPECTED["x"],
        graph.get_tensor_by_name(prefix + "y:0"): EXPECTED["y"],
    }


# --- export -------------------------------------------------------------------------------------
def test_graph_def_holds_names_types_inputs_control_inputs_devices_and_tf_attrs():
    with tf.Graph().as_default() as g:
        a = tf.placeholder(tf.float32, [None, 2], name="a")
        with tf.device("/cpu:0"):
            c = tf.constant([[1.0, 2.0]], name="c")
        with tf.control_dependencies([c.op]):
            s = tf.add(a, c, name="s")
        tf.concat([s, s], axis=1, name="cat")
        tf.cast(s, tf.int32, name="to_int")
        gd = g.as_graph_def()
    assert isinstance(gd, graph_pb2.GraphDef)
    nodes = {n.name: n for n in gd.node}
    assert [n.name for n in gd.node] == [op.name for op in g.get_operations()]
    assert nodes["s"].op == "Add"
    assert list(nodes["s"].input) == ["a", "c", "^c"]
    assert nodes["c"].device == "/cpu:0"
    # T is TensorFlow's, bound to the inputs' dtype; N to the list's length.
    assert nodes["s"].attr["T"].type == types_pb2.DT_FLOAT
    assert nodes["cat"].attr["N"].i == 2
    assert nodes["cat"].attr["Tidx"].type == types_pb2.DT_INT32
    assert nodes["to_int"].attr["DstT"].type == types_pb2.DT_INT32
    assert nodes["to_int"].attr["Truncate"].b is False  # TensorFlow's default
    value = nodes["c"].attr["value"].tensor
    assert value.dtype == types_pb2.DT_FLOAT
    assert [d.size for d in value.tensor_shape.dim] == [1, 2]
    assert np.frombuffer(value.tensor_content, "<f4").tolist() == [1.0, 2.0]
    shape = nodes["a"].attr["shape"].shape
    assert [d.size for d in shape.dim] == [-1, 2]
    assert "_output_shapes" not in nodes["s"].attr


def test_add_shapes_and_from_version():
    with tf.Graph().as_default() as g:
        a = tf.placeholder(tf.float32, [None, 3], name="a")
        version = g.version
        tf.reduce_sum(a, axis=1, name="total")
        gd = g.as_graph_def(from_version=version, add_shapes=True)
    assert [n.op for n in gd.node] == ["Const", "Sum"]
    shapes = gd.node[1].attr["_output_shapes"].list.shape
    assert [[d.size for d in s.dim] for s in shapes] == [[-1]]
    # Each GraphDef is the caller's own: changing one leaves the next export alone.
    gd.node[1].name = "changed"
    assert g.as_graph_def(add_shapes=True).node[-1].name == "total"


def test_exported_nodes_satisfy_tensorflows_op_defs():
    """What TensorFlow's importer checks: every attribute without a default is set, list
    lengths match, and every input has the type its argument's attribute states."""
    with tf.Graph().as_default() as g:
        _mlp("adam")
        gd = g.as_graph_def()
    by_name = {n.name: n for n in gd.node}
    checked = 0
    for node in gd.node:
        tf_def = op_defs.tf_op_def(node.op)
        if tf_def is None:
            continue
        checked += 1
        for attr in tf_def.attr:
            assert attr.name in node.attr or attr.HasField("default_value"), (node.name, attr.name)
        data_inputs = [i for i in node.input if not i.startswith("^")]
        position = 0
        for arg in tf_def.input_arg:
            n = node.attr[arg.number_attr].i if arg.number_attr else 1
            for spec in data_inputs[position : position + n]:
                source = spec.partition(":")[0]
                producer = by_name[source]
                if arg.type_attr and producer.op in ("Const", "Placeholder", "VariableV2"):
                    assert producer.attr["dtype"].type == node.attr[arg.type_attr].type, spec
            position += n
        assert position == len(data_inputs), node.name
    assert checked > 40


def test_every_registered_op_type_was_looked_up_in_tensorflow():
    """A new op type needs tf_op_defs.pb re-recorded (fixtures/tf_graphs/make_fixtures.py)
    so that its export carries TensorFlow's attributes."""
    recorded = set((FIXTURES / "ops.txt").read_text().split())
    missing = [op["name"] for op in tf._core.registered_ops() if op["name"] not in recorded]
    assert missing == []


# --- import ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_round_trip_trains_with_the_numbers_of_the_original(optimizer):
    with tf.Graph().as_default() as g:
        train, loss = _mlp(optimizer)
        init = tf.global_variables_initializer()
        gd = g.as_graph_def()
        with tf.Session() as sess:
            sess.run(init)
            want = [sess.run([train, loss], _feed(g))[1] for _ in range(3)]
    with tf.Graph().as_default() as g2:
        train2, loss2, init2 = import_graph_def(gd, return_elements=["train", "loss:0", "init"])
        assert train2.name == "import/train"
        assert [op.name for op in g2.get_operations()] == ["import/" + n.name for n in gd.node]
        with tf.Session() as sess:
            sess.run(init2)
            got = [sess.run([train2, loss2], _feed(g2, "import/"))[1] for _ in range(3)]
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", ["mlp_sgd", "mlp_adam"])
def test_tensorflow_graph_defs_run_with_tensorflows_numbers(name):
    gd = graph_pb2.GraphDef.FromString((FIXTURES / f"{name}.pb").read_bytes())
    with tf.Graph().as_default() as g:
        loss, probs, train, init = import_graph_def(
            gd, return_elements=["loss:0", "probs:0", "train", "init"], name="tf"
        )
        feed = _feed(g, "tf/")
        with tf.Session() as sess:
            sess.run(init)
            np.testing.assert_allclose(sess.run(loss, feed), EXPECTED[f"{name}/loss0"], rtol=1e-6)
            np.testing.assert_allclose(
                sess.run(probs, feed), EXPECTED[f"{name}/probs0"], rtol=1e-5, atol=1e-7
            )
            losses = [sess.run([train, loss], feed)[1] for _ in range(3)]
            np.testing.assert_allclose(losses, EXPECTED[f"{name}/losses"], rtol=1e-5)
            for var in ("dense/kernel", "logits/bias"):
                value = sess.run(g.get_tensor_by_name(f"tf/{var}:0"))
                np.testing.assert_allclose(
                    value, EXPECTED[f"{name}/var/{var}"], rtol=1e-5, atol=1e-6
                )


@pytest.mark.parametrize("name", ["mlp_momentum", "mlp_rmsprop", "mlp_adagrad"])
def test_tensorflow_graph_defs_with_other_optimizers_train_as_in_tensorflow(name):
    """Nesterov momentum, centered RMSProp with momentum, Adagrad: TF's Apply* nodes."""
    gd = graph_pb2.GraphDef.FromString((FIXTURES / f"{name}.pb").read_bytes())
    with tf.Graph().as_default() as g:
        loss, train, init = import_graph_def(gd, return_elements=["loss:0", "train", "init"])
        with tf.Session() as sess:
            sess.run(init)
            losses = [sess.run([train, loss], _feed(g, "import/"))[1] for _ in range(3)]
    np.testing.assert_allclose(losses, EXPECTED[f"{name}/losses"], rtol=1e-5)


def test_import_scopes_input_map_and_return_elements():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2], name="x")
        tf.multiply(x, 3.0, name="y")
        gd = g.as_graph_def()
    with tf.Graph().as_default() as g2:
        import_graph_def(gd)
        import_graph_def(gd)
        (y_named,) = import_graph_def(gd, return_elements=["y:0"], name="mine")
        two = tf.constant([1.0, 2.0], name="two")
        y_mapped, y_op, x_op = import_graph_def(
            gd, input_map={"x": two}, return_elements=["y:0", "y", "x"]
        )
        (y_converted,) = import_graph_def(
            gd, input_map={"x:0": [5.0, 6.0]}, return_elements=["y:0"]
        )
        (y_root,) = import_graph_def(gd, name="", input_map={"x:0": two}, return_elements=["y:0"])
        names = [op.name for op in g2.get_operations()]
        with tf.Session() as sess:
            assert sess.run(y_mapped).tolist() == [3.0, 6.0]
            assert sess.run(y_converted).tolist() == [15.0, 18.0]
            assert sess.run(y_root).tolist() == [3.0, 6.0]
    assert "import/y" in names
    assert "import_1/y" in names
    assert y_named.name == "mine/y:0"
    assert (y_op.name, x_op.type) == ("import_2/y", "Placeholder")
    assert "import_3/_inputs/Const" in names
    assert y_root.name == "y:0"


def test_nodes_in_any_order_and_control_inputs_survive():
    with tf.Graph().as_default() as g:
        a = tf.Variable(1.0, name="a")
        bump = tf.assign_add(a, 1.0, name="bump")
        with tf.control_dependencies([bump]):
            tf.identity(a.value(), name="read_after")
        gd = g.as_graph_def()
    gd.node.reverse()
    with tf.Graph().as_default():
        (read2,) = import_graph_def(gd, return_elements=["read_after:0"], name="")
        assert [c.name for c in read2.op.control_inputs] == ["bump"]
        with tf.Session() as sess:
            sess.run("a/Assign")
            assert sess.run(read2) == 2.0
            assert sess.run(read2) == 3.0


def test_the_callers_device_and_control_dependencies_apply():
    gd = _small_graph_def()
    gd.node[0].device = "/cpu:1"
    with tf.Graph().as_default() as g:
        first = tf.no_op(name="first")
        with tf.control_dependencies([first]), tf.device("/cpu:0"):
            import_graph_def(gd)
        ops = {op.name: op for op in g.get_operations()}
    assert ops["import/x"].device == "/cpu:1"
    assert ops["import/y"].device == "/cpu:0"
    assert all(ops["import/" + n.name].control_inputs == [first] for n in gd.node)


def _small_graph_def():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2], name="x")
        tf.add(x, 1.0, name="y")
        return g.as_graph_def()


def test_import_errors_read_as_tensorflows():
    gd = _small_graph_def()
    with tf.Graph().as_default():
        bad = graph_pb2.GraphDef()
        bad.CopyFrom(gd)
        bad.node[2].op = "FooBar"
        with pytest.raises(
            errors.NotFoundError, match=r"Op type not registered 'FooBar'.*node 'y'"
        ):
            import_graph_def(bad)
        with pytest.raises(ValueError, match=r"not found in graph_def: \[nope:0, x:3\]"):
            import_graph_def(
                gd, input_map={"nope:0": tf.constant([1.0, 2.0]), "x:3": tf.constant(1.0)}
            )
        with pytest.raises(ValueError, match=r"Requested return tensor 'nope:0' not found"):
            import_graph_def(gd, return_elements=["nope:0"])
        with pytest.raises(ValueError, match=r"Requested return node 'nope' not found"):
            import_graph_def(gd, return_elements=["nope"])
        with pytest.raises(ValueError, match=r"Invalid return output 5 of node 'y', which has 1"):
            import_graph_def(gd, return_elements=["y:5"])
        with pytest.raises(TypeError, match="must be a GraphDef proto"):
            import_graph_def("abc")
        with pytest.raises(TypeError, match="`input_map` must be a dictionary"):
            import_graph_def(gd, input_map=[1])
        with pytest.raises(TypeError, match="`return_elements` must be a list of strings"):
            import_graph_def(gd, return_elements=[1])
        with pytest.raises(ValueError, match="requires a non-empty `name`"):
            import_graph_def(gd, input_map={"x:0": [1.0, 2.0]}, name="")


def _edited(gd, edit):
    copy = graph_pb2.GraphDef.FromString(gd.SerializeToString())
    edit(copy)
    return copy


def test_malformed_graph_defs_are_value_errors_naming_the_node():
    gd = _small_graph_def()
    cases = {
        r"Node 'y': Unknown input node 'missing'": lambda b: b.node[2].input.__setitem__(
            0, "missing"
        ),
        r"Node 'y': Unknown input node '\^gone'": lambda b: b.node[2].input.append("^gone"),
        r"Node 'y': Connecting to invalid output 4 of source node x": lambda b: b.node[
            2
        ].input.__setitem__(0, "x:4"),
        r"1 nodes in a cycle": lambda b: b.node[2].input.__setitem__(0, "y"),
        r"Node 'x' is not unique": lambda b: b.node.add().CopyFrom(b.node[0]),
        r"Input 0 of node import/y was passed float from import/x:0 incompatible with expected int32": lambda b: (
            b.node[2].attr["T"].__setattr__("type", types_pb2.DT_INT32)
        ),
        r"expects 2 inputs but got 3": lambda b: b.node[2].input.append("x"),
        r"'x:first' is not a valid tensor name": lambda b: b.node[2].input.__setitem__(
            0, "x:first"
        ),
    }
    for message, edit in cases.items():
        with tf.Graph().as_default(), pytest.raises(ValueError, match=message):
            import_graph_def(_edited(gd, edit))


def test_attributes_varflow_cannot_honour_or_hold_are_errors():
    with tf.Graph().as_default() as g:
        a = tf.placeholder(tf.float32, [2], name="a")
        tf.equal(a, a, name="eq")
        gd = g.as_graph_def()
    eq = next(n for n in gd.node if n.name == "eq")
    assert eq.attr["incompatible_shape_error"].b is True  # TensorFlow's default, exported
    changed = _edited(
        gd, lambda b: b.node[1].attr["incompatible_shape_error"].__setattr__("b", False)
    )
    with (
        tf.Graph().as_default(),
        pytest.raises(ValueError, match=r"'eq'.*incompatible_shape_error"),
    ):
        import_graph_def(changed)
    strings = _edited(
        gd, lambda b: b.node[0].attr["dtype"].__setattr__("type", types_pb2.DT_QINT8)
    )
    with tf.Graph().as_default(), pytest.raises(TypeError, match=r"'a' uses dtype DT_QINT8"):
        import_graph_def(strings)
    # Attributes no OpDef knows are ignored, as TensorFlow does (it logs them).
    extra = _edited(gd, lambda b: b.node[1].attr["from_the_future"].__setattr__("i", 3))
    with tf.Graph().as_default():
        (eq2,) = import_graph_def(extra, return_elements=["eq:0"])
        assert eq2.op.type == "Equal"


def test_constants_of_every_dtype_and_splats_round_trip():
    values = [
        np.float32(2.5),
        np.arange(6, dtype=np.float64).reshape(2, 3),
        np.array([[-(2**31), 7]], np.int32),
        np.array([2**40, -3], np.int64),
        np.array([True, False, True]),
        np.zeros((0, 3), np.float32),
    ]
    with tf.Graph().as_default() as g:
        for i, v in enumerate(values):
            tf.constant(v, name=f"c{i}")
        gd = g.as_graph_def()
    # TensorFlow writes a splat as one value and a shape: Const fills it with the last value.
    splat = gd.node.add()
    splat.CopyFrom(gd.node[0])
    splat.name = "splat"
    splat.attr["value"].tensor.tensor_shape.dim.add().size = 4
    with tf.Graph().as_default():
        got = import_graph_def(gd, return_elements=[f"c{i}:0" for i in range(6)] + ["splat:0"])
        with tf.Session() as sess:
            out = sess.run(got)
    for v, o in zip(values, out[:6], strict=True):
        assert np.asarray(o).dtype == v.dtype
        np.testing.assert_array_equal(o, v)
    np.testing.assert_array_equal(out[6], [2.5] * 4)


# --- files ----------------------------------------------------------------------------------------
def test_write_graph_text_and_binary(tmp_path):
    with tf.Graph().as_default() as g:
        tf.add(tf.constant(1.0), 2.0, name="three")
        path = write_graph(g, str(tmp_path / "sub"), "g.pbtxt")
        binary = write_graph(g.as_graph_def(), tmp_path, "g.pb", as_text=False)
    assert path == str(tmp_path / "sub" / "g.pbtxt")
    from_text = text_format.Parse(Path(path).read_text(), graph_pb2.GraphDef())
    from_binary = graph_pb2.GraphDef.FromString(Path(binary).read_bytes())
    assert from_text == from_binary == g.as_graph_def()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.pb", "sub"]  # no temporary left


def test_export_meta_graph_collections_and_variable_defs(tmp_path):
    with tf.Graph().as_default() as g:
        _, loss = _mlp("adam")
        tf.add_to_collection("notes", "a note")
        tf.add_to_collection("counts", 7)
        tf.add_to_collection("rates", 0.5)
        tf.add_to_collection("objects", object())
        tf.add_to_collection("my_loss", loss)
        meta = export_meta_graph(str(tmp_path / "m.meta"))
    assert isinstance(meta, meta_graph_pb2.MetaGraphDef)
    assert meta_graph_pb2.MetaGraphDef.FromString((tmp_path / "m.meta").read_bytes()) == meta
    coll = meta.collection_def
    assert "objects" not in coll  # no encoding: left out, as TF1 does
    assert coll["notes"].bytes_list.value == [b"a note"]
    assert coll["counts"].int64_list.value == [7]
    assert coll["rates"].float_list.value == [0.5]
    assert coll["train_op"].node_list.value == ["train"]
    assert coll["my_loss"].node_list.value == ["loss:0"]
    defs = [variable_pb2.VariableDef.FromString(v) for v in coll["variables"].bytes_list.value]
    kernel = next(d for d in defs if d.variable_name == "dense/kernel:0")
    assert kernel.initializer_name == "dense/kernel/Assign"
    assert kernel.snapshot_name == "dense/kernel/read:0"
    assert kernel.initial_value_name == g.get_tensor_by_name(kernel.initial_value_name).name
    assert kernel.trainable
    step = next(d for d in defs if d.variable_name == "global_step:0")
    assert not step.trainable
    assert len(coll["trainable_variables"].bytes_list.value) == 4
    assert {"MatMul", "ApplyAdam", "VariableV2"} <= {
        op.name for op in meta.meta_info_def.stripped_op_list.op
    }
    assert any("_output_shapes" in n.attr for n in meta.graph_def.node)


def test_import_meta_graph_restores_collections_and_variables(tmp_path):
    with tf.Graph().as_default():
        _mlp("sgd")
        tf.add_to_collection("notes", "a note")
        tf.add_to_collection("counts", 7)
        export_meta_graph(str(tmp_path / "m.meta"), as_text=True)
    with tf.Graph().as_default() as g:
        saver = import_meta_graph(str(tmp_path / "m.meta"))
        assert isinstance(saver, tf.train.Saver)
        assert [v.name for v in tf.trainable_variables()] == [
            "dense/kernel:0",
            "dense/bias:0",
            "logits/kernel:0",
            "logits/bias:0",
        ]
        names = [v.name for v in tf.global_variables()]
        assert names[-1] == "global_step:0"
        assert len(names) == 5
        kernel = tf.global_variables()[0]
        assert tf.trainable_variables()[0] is kernel  # one Variable in both collections
        assert kernel.initializer.name == "dense/kernel/Assign"
        assert kernel.value().name == "dense/kernel/read:0"
        assert tf.train.get_global_step().name == "global_step:0"
        assert tf.get_collection("notes") == [b"a note"]
        assert tf.get_collection("counts") == [7]
        assert tf.get_collection("train_op")[0] is g.get_operation_by_name("train")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_allclose(sess.run(kernel)[0, 0], 1.6243454 * 0.5, rtol=1e-6)


def test_a_new_optimizer_minimizes_over_imported_variables():
    # TF1's fine-tuning pattern: import a model's meta graph, then add a new train op over it.
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.ones((2, 1), np.float32), name="w")
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)), name="loss")
        tf.add_to_collection("loss", loss)
        meta = export_meta_graph()
    with tf.Graph().as_default():
        import_meta_graph(meta, import_scope="m")
        (w,) = tf.trainable_variables()
        train = tf.train.AdamOptimizer(0.1).minimize(tf.get_collection("loss")[0])
        assert {v.op.name for v in tf.global_variables()} >= {"m/w", "m/w/Adam", "m/w/Adam_1"}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {"m/x:0": [[1.0, 2.0]]})
            # Adam's first step moves every weight by the learning rate against its gradient's sign.
            np.testing.assert_allclose(sess.run(w), [[0.9], [0.9]], rtol=1e-5)


def test_import_meta_graph_scope_and_missing_file(tmp_path):
    with tf.Graph().as_default():
        _mlp("sgd")
        export_meta_graph(str(tmp_path / "m.meta"))
    with tf.Graph().as_default():
        import_meta_graph(str(tmp_path / "m.meta"), import_scope="restored")
        assert tf.get_collection("train_op")[0].name == "restored/train"
        assert tf.global_variables()[0].name == "restored/dense/kernel:0"
    with pytest.raises(OSError, match="does not exist"):
        import_meta_graph(str(tmp_path / "nothing.meta"))
    with tf.Graph().as_default():
        tf.constant(1.0)
        assert import_meta_graph(export_meta_graph()) is None  # no variables, no Saver


@pytest.mark.parametrize("name", ["mlp_sgd", "mlp_adam"])
def test_tensorflow_meta_graph_and_checkpoint_resume_with_tensorflows_numbers(name):
    """TensorFlow's .meta (with its SaveV2/RestoreV2 saver nodes) and its V2 checkpoint."""
    with tf.Graph().as_default() as g:
        saver = import_meta_graph(str(FIXTURES / f"{name}_model-3.meta"))
        assert not any(op.name.startswith("save/") for op in g.get_operations())
        assert saver._max_to_keep == 5
        train = tf.get_collection("train_op")[0]
        loss = g.get_tensor_by_name("loss:0")
        with tf.Session() as sess:
            saver.restore(sess, str(FIXTURES / f"{name}_model-3"))
            losses = [sess.run([train, loss], _feed(g))[1] for _ in range(3)]
            assert sess.run(tf.train.get_global_step()) == 6
    np.testing.assert_allclose(losses, EXPECTED[f"{name}/losses_resumed"], rtol=1e-5)


_RESUME = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import varflow as tf

    prefix, x, y = sys.argv[1], np.load(sys.argv[2]), np.load(sys.argv[3])
    from varflow.framework.meta_graph import import_meta_graph

    saver = import_meta_graph(prefix + ".meta")
    train = tf.get_collection("train_op")[0]
    loss = tf.get_collection("my_loss")[0]
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        feed = {"x:0": x, "y:0": y}
        print(json.dumps([float(sess.run([train, loss], feed)[1]) for _ in range(3)]))
    """
)


def test_saver_writes_the_meta_graph_and_a_fresh_process_resumes_training(tmp_path):
    with tf.Graph().as_default() as g:
        train, loss = _mlp("adam")
        tf.add_to_collection("my_loss", loss)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, _feed(g))
            prefix = saver.save(sess, str(tmp_path / "model"), global_step=3)
            want = [float(sess.run([train, loss], _feed(g))[1]) for _ in range(3)]
    assert (tmp_path / "model-3.meta").exists()
    np.save(tmp_path / "x.npy", EXPECTED["x"])
    np.save(tmp_path / "y.npy", EXPECTED["y"])
    out = subprocess.run(
        [sys.executable, "-c", _RESUME, prefix, str(tmp_path / "x.npy"), str(tmp_path / "y.npy")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == want


def test_saver_def_and_saver_from_saver_def(tmp_path):
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        saver = tf.train.Saver(max_to_keep=2, keep_checkpoint_every_n_hours=3.0)
        sd = saver.saver_def
        assert isinstance(sd, tf.train.SaverDef)
        assert (sd.max_to_keep, sd.keep_checkpoint_every_n_hours, sd.version) == (2, 3.0, sd.V2)
        again = tf.train.Saver(saver_def=sd)
        assert (again._max_to_keep, again._keep_checkpoint_every_n_hours) == (2, 3.0)
        with pytest.raises(ValueError, match=r"saver_def must be a saver_pb2\.SaverDef"):
            tf.train.Saver(saver_def="not one")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(tmp_path / "a"), write_meta_graph=False)
            meta = saver.export_meta_graph(str(tmp_path / "b.meta"))
    assert not (tmp_path / "a.meta").exists()
    assert (tmp_path / "b.meta").exists()
    assert not meta.HasField("saver_def")


def test_export_scope_clear_devices_and_producer_defaults(caplog):
    with tf.Graph().as_default():
        with tf.device("/cpu:0"), tf.name_scope("tower"):
            v = tf.Variable([1.0, 2.0], name="v")
            doubled = tf.multiply(v, 2.0, name="doubled")
        tf.add_to_collection("out", doubled)
        tf.constant(0.0, name="outside")
        meta = export_meta_graph(export_scope="tower", clear_devices=True)
    names = [n.name for n in meta.graph_def.node]
    assert "doubled" in names
    assert "outside" not in names
    assert all(not n.device for n in meta.graph_def.node)
    assert meta.collection_def["out"].node_list.value == ["doubled:0"]
    (var_def,) = meta.collection_def["variables"].bytes_list.value
    assert variable_pb2.VariableDef.FromString(var_def).variable_name == "v:0"
    with tf.Graph().as_default():
        import_meta_graph(meta, import_scope="again")
        (out,) = tf.get_collection("out")
        assert out.name == "again/doubled:0"
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(out).tolist() == [2.0, 4.0]
    # An attribute of a newer producer's OpDef, at its default there, is dropped silently;
    # without the producer's OpDef it is ignored with TensorFlow's error message.
    gd = _small_graph_def()
    gd.node[2].attr["newer"].i = 4
    producer = meta_graph_pb2.MetaGraphDef().meta_info_def.stripped_op_list
    attr = producer.op.add(name="Add").attr.add(name="newer", type="int")
    attr.default_value.i = 4
    with tf.Graph().as_default():
        caplog.clear()
        (y,) = import_graph_def(gd, return_elements=["y:0"], producer_op_list=producer)
        assert y.op.type == "Add"
        assert not caplog.records
        import_graph_def(gd)
        assert "NodeDef mentions attribute newer" in caplog.records[0].getMessage()


def test_a_failed_import_adds_nothing():
    with tf.Graph().as_default() as g:
        a = tf.placeholder(tf.float32, [None, None], name="a")
        b = tf.placeholder(tf.float32, [None, None], name="b")
        tf.matmul(a, b, name="product")
        gd = g.as_graph_def()
    for node, dims in zip(gd.node[:2], ([2, 3], [4, 5]), strict=True):
        for dim, size in zip(node.attr["shape"].shape.dim, dims, strict=True):
            dim.size = size
    with tf.Graph().as_default() as g2:
        tf.constant(1.0, name="before")
        with pytest.raises(ValueError, match=r"import/product"):
            import_graph_def(gd)
        assert [op.name for op in g2.get_operations()] == ["before"]
        # A mapped constant is seen by the dry run's shape rules as the constant it is.
        (out,) = import_graph_def(
            gd, input_map={"b:0": tf.ones([3, 2])}, return_elements=["product:0"]
        )
        assert out.shape.as_list() == [2, 2]


def test_outputs_past_the_first_and_corrupt_inputs():
    with tf.Graph().as_default() as g:
        a, b = tf.split(tf.constant([[1.0, 2.0], [3.0, 4.0]]), 2, axis=1, name="halves")
        tf.subtract(b, a, name="diff")
        gd = g.as_graph_def()
    diff = next(n for n in gd.node if n.name == "diff")
    assert list(diff.input) == ["halves:1", "halves"]
    with tf.Graph().as_default():
        (out,) = import_graph_def(gd, return_elements=["diff:0"])
        with tf.Session() as sess:
            assert sess.run(out).tolist() == [[1.0], [1.0]]
    const = next(n for n in gd.node if n.op == "Const" and n.attr["value"].tensor.tensor_content)
    const.attr["value"].tensor.tensor_content = const.attr["value"].tensor.tensor_content[:-4]
    with tf.Graph().as_default(), pytest.raises(ValueError, match=rf"'{const.name}'.*3 elements"):
        import_graph_def(gd)


def test_strip_default_attrs_round_trips():
    with tf.Graph().as_default():
        _mlp("sgd")
        meta = export_meta_graph(strip_default_attrs=True)
    assert meta.meta_info_def.stripped_default_attrs
    matmul = next(n for n in meta.graph_def.node if n.op == "MatMul")
    assert "transpose_a" not in matmul.attr
    assert "T" in matmul.attr
    with tf.Graph().as_default() as g:
        import_meta_graph(meta)
        assert g.get_operation_by_name(matmul.name).get_attr("transpose_a") is False
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run(["train", "loss:0"], _feed(g))[1] for _ in range(3)]
    np.testing.assert_allclose(losses, EXPECTED["mlp_sgd/losses"], rtol=1e-5)


def test_the_graph_def_tensorflow_imported_is_what_varflow_exports():
    """varflow_mlp.pb is this export as TensorFlow imported and ran it (make_fixtures.py
    records TensorFlow's outputs of it): varflow still exports it, and computes the same."""
    recorded = graph_pb2.GraphDef.FromString((FIXTURES / "varflow_mlp.pb").read_bytes())
    exported = _forward_graph_def()
    assert exported == recorded
    with tf.Graph().as_default() as g:
        probs, loss, init = import_graph_def(
            exported, return_elements=["probs:0", "loss:0", "init"], name=""
        )
        with tf.Session() as sess:
            sess.run(init)
            got = sess.run([probs, loss], _feed(g))
    np.testing.assert_allclose(got[0], EXPECTED["varflow_mlp/probs"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got[1], EXPECTED["varflow_mlp/loss"], rtol=1e-6)


def test_a_corrupt_meta_graph_file_is_an_os_error(tmp_path):
    path = tmp_path / "bad.meta"
    path.write_bytes(b"\xff\xfe not a protobuf \x00")
    with pytest.raises(OSError, match="Cannot parse file"):
        import_meta_graph(str(path))
    with tf.Graph().as_default():
        tf.Variable(1.0, name="v")
        meta = export_meta_graph()
    meta.collection_def["variables"].bytes_list.value[0] = b"\xff\xff\xff"
    with tf.Graph().as_default(), pytest.raises(ValueError, match="variables holds a corrupt"):
        import_meta_graph(meta)


def test_freezing_turns_the_variables_an_output_reads_into_constants():
    from varflow.framework.graph_util import convert_variables_to_constants, extract_sub_graph

    with tf.Graph().as_default() as g:
        train, _ = _mlp("sgd")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, _feed(g))
            frozen = convert_variables_to_constants(sess, g.as_graph_def(), ["probs"])
            want = sess.run("probs:0", _feed(g))
        sub = extract_sub_graph(g.as_graph_def(), ["probs"])
    assert [n.name for n in frozen.node] == [n.name for n in sub.node]
    assert "VariableV2" in {n.op for n in sub.node}
    assert "VariableV2" not in {n.op for n in frozen.node}
    assert "train" not in {n.name for n in sub.node}
    kernel = next(n for n in frozen.node if n.name == "dense/kernel")
    assert kernel.op == "Const"
    with tf.Graph().as_default():
        (probs,) = import_graph_def(frozen, return_elements=["probs:0"], name="")
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(probs, {"x:0": EXPECTED["x"]}), want)
        assert not tf.global_variables()
    with pytest.raises(AssertionError, match="nope is not in graph"):
        extract_sub_graph(frozen, ["nope"])
    with pytest.raises(TypeError, match="dest_nodes must be a list"):
        extract_sub_graph(frozen, "probs")


def test_a_tensorflow_model_trains_on_in_varflow_and_comes_back(tmp_path):
    """TF's .meta and checkpoint in; varflow's .meta and checkpoint out; resumed again."""
    with tf.Graph().as_default() as g:
        saver = import_meta_graph(str(FIXTURES / "mlp_adam_model-3.meta"))
        train = tf.get_collection("train_op")[0]
        with tf.Session() as sess:
            saver.restore(sess, str(FIXTURES / "mlp_adam_model-3"))
            sess.run(train, _feed(g))
            prefix = saver.save(sess, str(tmp_path / "vf"), global_step=tf.train.get_global_step())
            want = [sess.run([train, "loss:0"], _feed(g))[1] for _ in range(2)]
    assert prefix.endswith("vf-4")
    with tf.Graph().as_default() as g:
        saver = import_meta_graph(prefix + ".meta")
        train = tf.get_collection("train_op")[0]
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            got = [sess.run([train, "loss:0"], _feed(g))[1] for _ in range(2)]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(want, EXPECTED["mlp_adam/losses_resumed"][1:], rtol=1e-5)


def test_the_entry_points_load_protobuf_only_when_used():
    code = (
        "import sys, varflow.framework, varflow.framework.graph_util as gu\n"
        "assert 'tensorboard' not in sys.modules\n"
        "import varflow as tf\n"
        "tf.constant(1.0, name='one')\n"
        "gd = tf.get_default_graph().as_graph_def()\n"
        "assert isinstance(gd, varflow.framework.proto_class('GraphDef'))\n"
        "with tf.Graph().as_default():\n"
        "    (one,) = varflow.framework.import_graph_def(gd, return_elements=['one:0'])\n"
        "    assert one.name == 'import/one:0'\n"
        "assert gu.extract_sub_graph(gd, ['one']) == gd\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_tensorflow_meta_graph_under_an_import_scope_restores_tensorflows_keys():
    """TF's saver names the checkpoint's keys (SaveV2's tensor_names); under an import scope
    the variables are restored from those keys, as TF1's imported saver does."""
    with tf.Graph().as_default() as g:
        saver = import_meta_graph(str(FIXTURES / "mlp_sgd_model-3.meta"), import_scope="restored")
        assert "dense/kernel" in saver._variables
        assert saver._variables["dense/kernel"].name == "restored/dense/kernel:0"
        train = tf.get_collection("train_op")[0]
        with tf.Session() as sess:
            saver.restore(sess, str(FIXTURES / "mlp_sgd_model-3"))
            losses = [
                sess.run([train, "restored/loss:0"], _feed(g, "restored/"))[1] for _ in range(3)
            ]
    np.testing.assert_allclose(losses, EXPECTED["mlp_sgd/losses_resumed"], rtol=1e-5)
