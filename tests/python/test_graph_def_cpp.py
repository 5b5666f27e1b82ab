"""The C++ GraphDef/MetaGraphDef code (cpp/src/io/graph_def*, meta_graph.cc, through
varflow._core's test bindings) against the Python layer's protobuf code and TensorFlow's files:
what C++ writes parses with protobuf and equals what Python writes, and what Python and
TensorFlow write imports in C++ and runs with TensorFlow's numbers."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import varflow as tf
from tensorboard.compat.proto import graph_pb2, meta_graph_pb2
from test_graph_io import EXPECTED, FIXTURES, _feed, _mlp
from varflow import _core, errors
from varflow.framework import graph_def
from varflow.framework.importer import import_graph_def
from varflow.framework.meta_graph import export_meta_graph, import_meta_graph


def _cpp_graph_def(graph, **kwargs):
    return graph_pb2.GraphDef.FromString(_core.graph_def_from_cpp(graph._core, **kwargs))


def _every_dtype_graph():
    with tf.Graph().as_default() as g:
        values = [
            np.float32(2.5),
            np.arange(6, dtype=np.float64).reshape(2, 3),
            np.array([[-(2**31), 7]], np.int32),
            np.array([2**40, -3], np.int64),
            np.array([True, False, True]),
            np.zeros((0, 3), np.float32),
            np.array([-8, 7], np.int8),
            np.array(300, np.int16),
            np.array([255], np.uint8),
            np.array([1, 65535], np.uint16),
            np.array(4000000000, np.uint32),
            np.array([2**63], np.uint64),
            np.array([1.5, -2], np.float16),
            np.array(0.5, ml_dtypes.bfloat16),
            np.array([1 + 2j], np.complex64),
            np.array([[0.5 - 1j, 2j]], np.complex128),
        ]
        for i, v in enumerate(values):
            tf.constant(v, name=f"c{i}")
        tf.constant([b"a", b"", b"\x00\xff"], name="strings")
        tf.constant(b"one", name="string_scalar")
        with tf.device("/cpu:0"):
            a = tf.placeholder(tf.float32, [None, 3], name="a")
        with tf.control_dependencies([a.op]):
            tf.identity(a, name="after")
        tf.split(a, 3, axis=1, name="split")  # outputs past the first, a number attribute
        tf.concat([a, a], 1, name="concat")  # a list argument: N
    return g


@pytest.mark.parametrize("add_shapes", [False, True])
def test_cpp_writes_what_python_writes(add_shapes):
    for g in (_every_dtype_graph(), _mlp_graph("adam")):
        want = g.as_graph_def(add_shapes=add_shapes)
        got = _cpp_graph_def(g, add_shapes=add_shapes)
        assert len(got.node) == len(want.node)
        for a, b in zip(got.node, want.node, strict=True):
            assert a == b, f"{a}\n!=\n{b}"
        assert got == want
    g = _every_dtype_graph()
    assert _cpp_graph_def(g, clear_devices=True) == graph_def.as_graph_def(g, clear_devices=True)
    assert _cpp_graph_def(g, from_version=5) == g.as_graph_def(from_version=5)


def _mlp_graph(optimizer):
    with tf.Graph().as_default() as g:
        _mlp(optimizer)
        tf.global_variables_initializer()
    return g


def _imported_in_cpp(data, name="import", return_elements=(), input_map=None):
    graph = tf.get_default_graph()
    items, warnings = _core.import_graph_def_cpp(
        graph._core, data, name, input_map or {}, list(return_elements)
    )
    wrapped = [
        graph._tensor_for(x) if isinstance(x, _core.Output) else graph._op_for(x) for x in items
    ]
    return wrapped, warnings


def test_cpp_imports_what_python_imports():
    data = _mlp_graph("adam").as_graph_def().SerializeToString()
    with tf.Graph().as_default() as python:
        import_graph_def(graph_pb2.GraphDef.FromString(data), name="m")
    with tf.Graph().as_default() as cpp:
        _imported_in_cpp(data, name="m")
    assert cpp.as_graph_def() == python.as_graph_def()


@pytest.mark.parametrize("name", ["mlp_sgd", "mlp_adam", "mlp_momentum", "mlp_rmsprop"])
def test_tensorflow_graph_defs_imported_in_cpp_train_with_tensorflows_numbers(name):
    data = (FIXTURES / f"{name}.pb").read_bytes()
    with tf.Graph().as_default() as g:
        (loss, train, init), _ = _imported_in_cpp(
            data, name="tf", return_elements=["loss:0", "train", "init"]
        )
        with tf.Session() as sess:
            sess.run(init)
            losses = [sess.run([train, loss], _feed(g, "tf/"))[1] for _ in range(3)]
    np.testing.assert_allclose(losses, EXPECTED[f"{name}/losses"], rtol=1e-5)


def test_cpp_import_errors_are_tensorflows():
    with tf.Graph().as_default():
        gd = graph_pb2.GraphDef()
        gd.node.add(name="b", op="Bogus")
        with pytest.raises(errors.NotFoundError, match="Op type not registered 'Bogus'"):
            _imported_in_cpp(gd.SerializeToString())
        with pytest.raises(errors.DataLossError, match="Corrupt GraphDef"):
            _imported_in_cpp(b"\x0a\x80")
        x = tf.placeholder(tf.float32, name="x")
        with pytest.raises(ValueError, match="Attempted to map inputs that were not found"):
            _imported_in_cpp(
                _mlp_graph(None).as_graph_def().SerializeToString(),
                input_map={"nothing:0": x._output},
            )


def test_a_meta_graph_written_in_cpp_is_pythons_and_trains_in_python():
    with tf.Graph().as_default() as g:
        train, loss = _mlp("adam")
        if train not in tf.get_collection("train_op"):
            tf.add_to_collection("train_op", train)
        tf.add_to_collection("my_loss", loss)
        want = export_meta_graph()
        meta = meta_graph_pb2.MetaGraphDef.FromString(
            _core.export_meta_graph_cpp(g._core, max_to_keep=5)
        )
    assert meta.graph_def == want.graph_def
    assert meta.meta_info_def.stripped_op_list == want.meta_info_def.stripped_op_list
    assert dict(meta.collection_def) == dict(want.collection_def)
    assert meta.saver_def.max_to_keep == 5
    with tf.Graph().as_default() as g2:
        import_meta_graph(meta)
        train2 = tf.get_collection("train_op")[0]
        loss2 = tf.get_collection("my_loss")[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = [sess.run([train2, loss2], _feed(g2))[1] for _ in range(3)]
    with tf.Graph().as_default() as g3:
        train3, loss3 = _mlp("adam")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            expected = [sess.run([train3, loss3], _feed(g3))[1] for _ in range(3)]
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", ["mlp_sgd", "mlp_adam"])
def test_tensorflow_meta_graph_imported_in_cpp_resumes_with_tensorflows_numbers(name):
    data = (FIXTURES / f"{name}_model-3.meta").read_bytes()
    with tf.Graph().as_default() as g:
        out = _core.import_meta_graph_cpp(g._core, data)
        assert out["has_saver_def"]
        assert not any(op.name.startswith("save/") for op in g.get_operations())
        keys = {k for k, _ in out["saver_variables"]}
        assert keys == {k for k, _ in tf.train.list_variables(str(FIXTURES / f"{name}_model-3"))}
        var_list = {k: g._variable_for(node) for k, node in out["saver_variables"]}
        saver = tf.train.Saver(var_list=var_list)
        train = tf.get_collection("train_op")[0]
        loss = g.get_tensor_by_name("loss:0")
        with tf.Session() as sess:
            saver.restore(sess, str(FIXTURES / f"{name}_model-3"))
            losses = [sess.run([train, loss], _feed(g))[1] for _ in range(3)]
            assert sess.run(tf.train.get_global_step()) == 6
    np.testing.assert_allclose(losses, EXPECTED[f"{name}/losses_resumed"], rtol=1e-5)


def test_a_python_meta_graph_imports_in_cpp_with_its_collections_and_variables():
    with tf.Graph().as_default():
        train, _ = _mlp("sgd")
        if train not in tf.get_collection("train_op"):
            tf.add_to_collection("train_op", train)
        tf.add_to_collection("notes", b"bytes survive")
        tf.add_to_collection("counts", 7)
        data = export_meta_graph().SerializeToString()
        names = sorted(v.op.name for v in tf.global_variables())
    with tf.Graph().as_default() as g:
        out = _core.import_meta_graph_cpp(g._core, data, import_scope="scoped")
        assert sorted(k for k, _ in out["saver_variables"]) == names
        assert sorted(v.op.name for v in tf.global_variables()) == [f"scoped/{n}" for n in names]
        assert out["bytes_collections"] == {"notes": [b"bytes survive"]}
        assert out["int64_collections"] == {"counts": [7]}
        assert tf.get_collection("train_op")[0].name == "scoped/train"
