"""tf.compat (conversions, v1), the TF1/TF2 behaviour switches, TF1's alias names and the
error for a TF1 name varflow does not implement."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import varflow as tf


def test_as_bytes_as_text_as_str():
    assert tf.compat.as_bytes("é") == b"\xc3\xa9"
    assert tf.compat.as_bytes(b"x") == b"x"
    assert tf.compat.as_bytes(bytearray(b"y")) == b"y"
    assert tf.compat.as_bytes("é", encoding="latin-1") == b"\xe9"
    assert tf.compat.as_text(b"\xc3\xa9") == "é"
    assert tf.compat.as_str is tf.compat.as_text
    assert tf.compat.as_str_any(3) == "3"
    assert tf.compat.as_str_any(b"b") == "b"
    assert tf.compat.path_to_str(pathlib.Path("/a/b")) == "/a/b"
    assert tf.compat.path_to_str(7) == 7
    for fn in (tf.compat.as_bytes, tf.compat.as_text):
        with pytest.raises(TypeError, match=r"^Expected binary or unicode string, got 3$"):
            fn(3)
    assert isinstance(np.int32(1), tf.compat.integral_types)
    assert isinstance("s", tf.compat.bytes_or_text_types)


def test_dimension_helpers():
    shape = tf.TensorShape([2, None])
    assert tf.compat.dimension_value(shape[0]) == 2
    assert tf.compat.dimension_value(5) == 5
    assert tf.compat.dimension_at_index(shape, 1).value is None
    assert tf.compat.dimension_at_index(tf.TensorShape(None), 3).value is None


def test_compat_v1_is_varflow_including_names_added_later(monkeypatch):
    from varflow.compat import v1

    assert v1.Session is tf.Session
    assert v1.train.AdamOptimizer is tf.train.AdamOptimizer
    assert tf.compat.v1.placeholder is tf.placeholder
    assert tf.compat.v1.compat.v1 is v1
    monkeypatch.setattr(tf, "some_later_name", object(), raising=False)
    assert v1.some_later_name is tf.some_later_name
    assert "placeholder" in dir(v1)
    with pytest.raises(AttributeError, match=r"varflow does not implement tf\.make_template"):
        v1.make_template  # noqa: B018


def test_star_import_from_compat_v1():
    namespace = {}
    exec("from varflow.compat.v1 import *", namespace)
    assert namespace["Session"] is tf.Session
    assert namespace["reduce_sum"] is tf.reduce_sum


def test_compat_v2_says_it_is_not_implemented():
    with pytest.raises(AttributeError, match=r"varflow does not implement tf\.compat\.v2"):
        tf.compat.v2  # noqa: B018


def test_disable_v2_behavior_keeps_graph_mode_working():
    tf.compat.v1.disable_v2_behavior()
    tf.disable_eager_execution()
    tf.disable_resource_variables()
    tf.disable_v2_tensorshape()
    tf.disable_control_flow_v2()
    tf.disable_tensor_equality()
    assert not tf.resource_variables_enabled()
    assert not tf.control_flow_v2_enabled()
    x = tf.placeholder(tf.float32, [None])
    y = x * 2.0
    assert isinstance(y.shape[0], tf.Dimension)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])


@pytest.mark.parametrize(
    "switch",
    [
        "enable_v2_behavior",
        "enable_resource_variables",
        "enable_v2_tensorshape",
        "enable_control_flow_v2",
        "enable_tensor_equality",
    ],
)
def test_tf2_behaviours_varflow_lacks_raise(switch):
    with pytest.raises(NotImplementedError, match="varflow"):
        getattr(tf, switch)()


def test_import_tensorflow_compat_v1_resolved_to_varflow(tmp_path):
    script = textwrap.dedent(
        """
        import sys
        import varflow
        sys.modules["tensorflow"] = varflow
        import tensorflow.compat.v1 as tf
        tf.disable_v2_behavior()
        a = tf.placeholder(tf.float32, shape=[2])
        with tf.Session() as sess:
            print(sess.run(tf.reduce_sum(a * 3.0), {a: [1.0, 2.0]}))
        """
    )
    path = tmp_path / "prog.py"
    path.write_text(script)
    result = subprocess.run(
        [sys.executable, str(path)], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "9.0"


def test_aliases_compute_what_tf1_computes():
    v = np.array([[1.0, 5.0, -2.0], [3.0, 2.0, 0.0]], np.float32)
    x = tf.constant(v)
    big = tf.constant([[1000.0, 1000.0], [-1000.0, -1000.0]])
    fetches = {
        "arg_max": tf.arg_max(x, 1),
        "arg_min": tf.arg_min(x, dimension=0, output_type=tf.int32),
        "to_float": tf.to_float(tf.constant([1, 2])),
        "to_double": tf.to_double(x),
        "to_int32": tf.to_int32(x),
        "to_int64": tf.to_int64(x),
        "floor_div": tf.floor_div(tf.constant([7, -7]), 2),
        "scalar_mul": tf.scalar_mul(2.0, x),
        "log_sigmoid": tf.log_sigmoid(x),
        "matrix_transpose": tf.matrix_transpose(x),
        "count_nonzero": tf.count_nonzero(x),
        "count_nonzero_axis": tf.count_nonzero(x, axis=1, keepdims=True, dtype=tf.int32),
        "logsumexp": tf.reduce_logsumexp(x, axis=1),
        "logsumexp_big": tf.reduce_logsumexp(big, axis=1, keepdims=True),
        "div": tf.div(tf.constant([7, -7]), 2),
        "mod": tf.mod(tf.constant([7, -7]), 3),
        "negative": tf.negative(x),
        "subtract": tf.subtract(x, 1.0),
    }
    with tf.Session() as sess:
        got = sess.run(fetches)
    np.testing.assert_array_equal(got["arg_max"], [1, 0])
    assert got["arg_max"].dtype == np.int64
    np.testing.assert_array_equal(got["arg_min"], [0, 1, 0])
    assert got["arg_min"].dtype == np.int32
    assert got["to_float"].dtype == np.float32
    assert got["to_double"].dtype == np.float64
    np.testing.assert_array_equal(got["to_int32"], v.astype(np.int32))
    assert got["to_int64"].dtype == np.int64
    np.testing.assert_array_equal(got["floor_div"], [3, -4])
    np.testing.assert_allclose(got["scalar_mul"], 2 * v)
    np.testing.assert_allclose(got["log_sigmoid"], -np.log1p(np.exp(-v)), rtol=1e-6)
    np.testing.assert_array_equal(got["matrix_transpose"], v.T)
    assert got["count_nonzero"] == 5
    assert got["count_nonzero"].dtype == np.int64
    np.testing.assert_array_equal(got["count_nonzero_axis"], [[3], [2]])
    np.testing.assert_allclose(got["logsumexp"], np.log(np.exp(v).sum(axis=1)), rtol=1e-6)
    np.testing.assert_allclose(got["logsumexp_big"], [[1000 + np.log(2)], [-1000 + np.log(2)]])
    np.testing.assert_array_equal(got["div"], [3, -4])  # TF1's div floors for integers
    np.testing.assert_array_equal(got["mod"], [1, 2])
    np.testing.assert_allclose(got["negative"], -v)
    np.testing.assert_allclose(got["subtract"], v - 1)
    assert tf.to_double(x, name="f").op.name == "f"
    assert tf.to_float(x) is x  # TF1 casts to the same dtype as no op
    assert tf.to_float(tf.constant([1])).op.name == "ToFloat_1"  # the second ToFloat


def test_alias_errors():
    with pytest.raises(ValueError, match="Only scalar multiply works"):
        tf.scalar_mul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.matrix_transpose(tf.constant([1.0]))


def test_small_tf1_helpers():
    assert tf.is_tensor(tf.constant(1.0)) and not tf.is_tensor(1.0)
    assert tf.is_tensor(tf.Variable(1.0))
    assert tf.OpError is tf.errors.OpError
    assert tf.__version__ == tf.VERSION
    init_tables = tf.tables_initializer()
    assert (init_tables.type, init_tables.name) == ("NoOp", "init_all_tables")
    v = tf.get_local_variable("loc", shape=[2], initializer=tf.zeros_initializer())
    assert v in tf.local_variables() and v not in tf.trainable_variables()
    assert v not in tf.global_variables()
    assert v.name == "loc:0"
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        np.testing.assert_array_equal(sess.run(v), [0.0, 0.0])
    graph_seed, op_seed = tf.get_seed(None)
    assert graph_seed is None
    assert op_seed is None


def test_a_tf1_name_varflow_lacks_says_so():
    with pytest.raises(AttributeError) as e:
        tf.estimator  # noqa: B018
    assert str(e.value) == (
        "varflow does not implement tf.estimator (a TensorFlow 1.15 name); write the training "
        "loop with tf.train optimizers and a tf.Session"
    )
    with pytest.raises(AttributeError, match=r"^varflow does not implement tf\.make_template "):
        tf.make_template  # noqa: B018
    with pytest.raises(AttributeError, match=r"^module 'varflow' has no attribute 'no_such'$"):
        tf.no_such  # noqa: B018
    assert not hasattr(tf, "keras")


def test_disable_v2_behavior_switches_eager_off_where_the_build_has_it(monkeypatch):
    import types

    calls = []
    fake = types.ModuleType("varflow.eager")
    fake.disable_eager_execution = lambda: calls.append("off")
    monkeypatch.setitem(sys.modules, "varflow.eager", fake)
    tf.disable_v2_behavior()
    tf.compat.v1.disable_eager_execution()
    assert calls == ["off", "off"]


def test_unimplemented_message_for_submodules():
    from varflow.tf1_aliases import unimplemented_message

    assert unimplemented_message("SyncReplicasOptimizer", "train") == (
        "varflow does not implement tf.train.SyncReplicasOptimizer (a TensorFlow 1.15 name)"
    )
    assert unimplemented_message("no_such_name", "train") is None
    assert unimplemented_message("ctc_loss", "nn").startswith("varflow does not implement tf.nn")
    assert unimplemented_message("x", "no_such_module") is None
