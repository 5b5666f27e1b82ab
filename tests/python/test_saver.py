"""tf.train.Saver: round trips, resumed training, rotation, the state file and restore errors."""
# Checkpoint paths are TF1's plain strings, handled with os.path as TF1 does.
# ruff: noqa: PTH110, PTH208

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import varflow as tf
from varflow import errors


def _model(optimizer=None):
    """A small regression model with Adam slots and a global step; returns (train, loss, feeds)."""
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    with tf.variable_scope("dense"):
        w = tf.get_variable("kernel", initializer=np.arange(6, dtype=np.float32).reshape(3, 2) / 10)
        b = tf.get_variable("bias", initializer=np.array([0.5, -0.5], np.float32))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    step = tf.train.get_or_create_global_step()
    opt = optimizer or tf.train.AdamOptimizer(0.05)
    return opt.minimize(loss, global_step=step), loss, x, y


def _batch(i):
    rng = np.random.RandomState(i)
    return rng.randn(8, 3).astype(np.float32), rng.randn(8, 2).astype(np.float32)


def _values(sess):
    return {v.op.name: sess.run(v) for v in tf.global_variables()}


def test_training_resumes_with_the_numbers_of_an_uninterrupted_run(tmp_path):
    with tf.Graph().as_default():
        train, loss, x, y = _model()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [
                sess.run([train, loss], dict(zip((x, y), _batch(i), strict=True)))[1]
                for i in range(10)
            ]
            final = _values(sess)
    with tf.Graph().as_default():
        train, loss, x, y = _model()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(5):
                sess.run(train, dict(zip((x, y), _batch(i), strict=True)))
            path = saver.save(
                sess, str(tmp_path / "model.ckpt"), global_step=tf.train.get_global_step()
            )
        assert path == str(tmp_path / "model.ckpt-5")
    with tf.Graph().as_default():
        train, loss, x, y = _model()
        saver = tf.train.Saver()
        names = sorted(v.op.name for v in tf.global_variables())
        assert "dense/kernel/Adam" in names
        assert "beta1_power" in names
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
            assert sess.run(tf.train.get_global_step()) == 5
            resumed = [
                sess.run([train, loss], dict(zip((x, y), _batch(i), strict=True)))[1]
                for i in range(5, 10)
            ]
            got = _values(sess)
    np.testing.assert_array_equal(resumed, losses[5:])
    assert got.keys() == final.keys()
    for name in final:
        np.testing.assert_array_equal(got[name], final[name], err_msg=name)


def _saved_model(tmp_path, **saver_kwargs):
    v = tf.Variable(np.arange(4, dtype=np.float32), name="v")
    step = tf.train.get_or_create_global_step()
    inc = tf.assign_add(step, 1)
    return v, step, inc, tf.train.Saver(**saver_kwargs)


def test_max_to_keep_deletes_the_oldest_and_the_state_file_lists_the_rest(tmp_path):
    prefix = str(tmp_path / "m")
    with tf.Graph().as_default():
        _, step, inc, saver = _saved_model(tmp_path, max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):
                sess.run(inc)
                saver.save(sess, prefix, global_step=step)
    # Each checkpoint has its meta graph, deleted with it (TF1's .meta beside the data).
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint",
        "m-3.meta",
        "m-3.safetensors",
        "m-4.meta",
        "m-4.safetensors",
    ]
    assert saver.last_checkpoints == [prefix + "-3", prefix + "-4"]
    assert (tmp_path / "checkpoint").read_text() == (
        f'model_checkpoint_path: "{prefix}-4"\n'
        f'all_model_checkpoint_paths: "{prefix}-3"\n'
        f'all_model_checkpoint_paths: "{prefix}-4"\n'
    )
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == prefix + "-4"
    assert state.all_model_checkpoint_paths == [prefix + "-3", prefix + "-4"]
    assert tf.train.checkpoint_exists(prefix + "-3")
    assert not tf.train.checkpoint_exists(prefix + "-2")


@pytest.mark.parametrize("keep", [0, None])
def test_max_to_keep_zero_or_none_keeps_every_checkpoint(tmp_path, keep):
    with tf.Graph().as_default():
        _, step, inc, saver = _saved_model(tmp_path, max_to_keep=keep)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(inc)
                saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert len([n for n in os.listdir(tmp_path) if n.endswith(".safetensors")]) == 3
    assert saver.last_checkpoints == []
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "m-3")


def test_recover_last_checkpoints_and_relative_paths(tmp_path):
    with tf.Graph().as_default():
        _, step, inc, saver = _saved_model(tmp_path, max_to_keep=2, save_relative_paths=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(2):
                sess.run(inc)
                saver.save(sess, str(tmp_path / "m"), global_step=step)
            assert (tmp_path / "checkpoint").read_text().splitlines()[
                0
            ] == 'model_checkpoint_path: "m-2"'
            state = tf.train.get_checkpoint_state(str(tmp_path))
            fresh = tf.train.Saver(max_to_keep=2)
            fresh.recover_last_checkpoints(
                [*state.all_model_checkpoint_paths, str(tmp_path / "gone")]
            )
            assert fresh.last_checkpoints == [str(tmp_path / "m-1"), str(tmp_path / "m-2")]
            sess.run(inc)
            fresh.save(sess, str(tmp_path / "m"), global_step=step)
    assert not (tmp_path / "m-1.safetensors").exists()


def test_var_list_dict_renames_and_list_uses_op_names(tmp_path):
    with tf.Graph().as_default():
        a = tf.Variable([1.0, 2.0], name="a")
        b = tf.Variable(3, name="b")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver({"renamed/a": a}).save(sess, str(tmp_path / "d"))
            tf.train.Saver([b, a]).save(sess, str(tmp_path / "l"))
    assert tf.train.list_variables(str(tmp_path / "d")) == [("renamed/a", [2])]
    assert tf.train.list_variables(str(tmp_path / "l")) == [("a", [2]), ("b", [])]
    assert tf.train.load_variable(str(tmp_path / "l"), "b:0") == 3
    with tf.Graph().as_default():
        other = tf.Variable([0.0, 0.0], name="other")
        with tf.Session() as sess:
            tf.train.Saver({"renamed/a": other}).restore(sess, str(tmp_path / "d"))
            np.testing.assert_array_equal(sess.run(other), [1.0, 2.0])


def test_constructor_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No variables to save"):
            tf.train.Saver()
        with tf.Session() as sess:
            assert tf.train.Saver(allow_empty=True).save(sess, "unused") is None
        assert not os.path.exists("unused.safetensors")
        v = tf.Variable(1.0, name="v")
        with pytest.raises(ValueError, match="At least two variables have the same name: v"):
            tf.train.Saver([v, v])
        with pytest.raises(ValueError, match="restored with two names"):
            tf.train.Saver({"x": v, "y": v})
        with pytest.raises(TypeError, match="Variable to save is not a Variable"):
            tf.train.Saver([tf.constant(1.0)])
        with pytest.raises(TypeError, match="dict or a list"):
            tf.train.Saver(v)


def test_save_errors(tmp_path):
    with tf.Graph().as_default():
        v = tf.Variable(1.0, name="v")
        saver = tf.train.Saver()
        with tf.Session() as sess:
            with pytest.raises(errors.FailedPreconditionError, match="uninitialized value v"):
                saver.save(sess, str(tmp_path / "m"))
            sess.run(v.initializer)
            with pytest.raises(ValueError, match=r"Parent directory of .*missing/m doesn't exist"):
                saver.save(sess, str(tmp_path / "missing" / "m"))
            with pytest.raises(ValueError, match="must not contain path components"):
                saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
            with pytest.raises(ValueError, match="collides with 'save_path'"):
                saver.save(sess, str(tmp_path / "checkpoint"))
            with pytest.raises(TypeError, match="'sess' must be a Session"):
                saver.save("sess", str(tmp_path / "m"))
            assert saver.save(sess, str(tmp_path / "m"), global_step=7) == str(tmp_path / "m-7")
    assert not [n for n in os.listdir(tmp_path) if ".tmp" in n]


def test_restore_errors_name_the_variable_the_file_and_both_shapes(tmp_path):
    prefix = str(tmp_path / "m")
    with tf.Graph().as_default():
        v = tf.Variable(np.zeros([2, 3], np.float32), name="v")
        with tf.Session() as sess:
            sess.run(v.initializer)
            tf.train.Saver().save(sess, prefix)
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros([3, 2], np.float32), name="v")
        u = tf.Variable(np.zeros([2, 3], np.float32), name="u")
        d = tf.Variable(np.zeros([2, 3], np.float64), name="v")
        with tf.Session() as sess:
            with pytest.raises(ValueError, match="Can't load save_path when it is None"):
                tf.train.Saver([w]).restore(sess, None)
            with pytest.raises(ValueError, match=r"not a valid checkpoint: .*nothing"):
                tf.train.Saver([w]).restore(sess, str(tmp_path / "nothing"))
            with pytest.raises(errors.NotFoundError) as e:
                tf.train.Saver([u]).restore(sess, prefix)
            assert str(e.value).startswith(
                "Restoring from checkpoint failed. This is most likely due to a Variable name or "
                "other graph key that is missing from the checkpoint."
            )
            assert "Key u not found in checkpoint" in str(e.value)
            with pytest.raises(errors.InvalidArgumentError) as e:
                tf.train.Saver([w]).restore(sess, prefix)
            msg = str(e.value)
            assert "a mismatch between the current graph and the graph" in msg
            assert "lhs shape= [3,2] rhs shape= [2,3]" in msg
            assert prefix + ".safetensors" in msg
            assert "variable v" in msg
            with pytest.raises(errors.InvalidArgumentError, match="expected dtype double does not"):
                tf.train.Saver({"v": d}).restore(sess, prefix)
            assert not sess.run(tf.is_variable_initialized(w))
            tf.train.Saver([w], reshape=True).restore(sess, prefix)
            assert sess.run(w).shape == (3, 2)


def test_files_are_readable_by_the_safetensors_package(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    from safetensors import safe_open

    values = {
        "f32": np.arange(6, dtype=np.float32).reshape(2, 3),
        "f64": np.array([1.5, -2.0]),
        "i32": np.array([[1, 2**31 - 1]], np.int32),
        "i64": np.array(2**40, np.int64),
        "flags": np.array([True, False]),
        "scope/empty": np.zeros([0, 2], np.float32),
    }
    with tf.Graph().as_default():
        variables = {k: tf.Variable(v, name=k.replace("/", "_")) for k, v in values.items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver(variables).save(sess, str(tmp_path / "m"), global_step=3)
    path = str(tmp_path / "m-3.safetensors")
    loaded = safetensors_numpy.load_file(path)
    assert loaded.keys() == values.keys()
    for k, v in values.items():
        assert loaded[k].dtype == v.dtype
        assert loaded[k].shape == v.shape
        np.testing.assert_array_equal(loaded[k], v)
    with safe_open(path, "np") as f:
        assert f.metadata()["global_step"] == "3"
        assert f.metadata()["varflow_version"] == tf.build_info()["version"]
    # And the other way: a file the safetensors package wrote restores (it has no checksums).
    safetensors_numpy.save_file(
        {"a": np.array([4.0, 5.0], np.float32)}, str(tmp_path / "p.safetensors")
    )
    with tf.Graph().as_default():
        a = tf.Variable([0.0, 0.0], name="a")
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, str(tmp_path / "p"))
            np.testing.assert_array_equal(sess.run(a), [4.0, 5.0])
    assert tf.train.load_checkpoint(str(tmp_path / "p.safetensors")).get_tensor("a").tolist() == [
        4,
        5,
    ]


def test_checkpoint_state_text_format_round_trip(tmp_path):
    weird = 'dir with "quotes"\\ and\ttab and é'
    tf.train.update_checkpoint_state(str(tmp_path), "/abs/" + weird, ["/abs/old", "/abs/" + weird])
    text = (tmp_path / "checkpoint").read_text()
    assert '\\"quotes\\"' in text
    assert "\\t" in text
    assert "\\303\\251" in text
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == "/abs/" + weird
    assert state.all_model_checkpoint_paths == ["/abs/old", "/abs/" + weird]
    (tmp_path / "checkpoint").write_text(
        "model_checkpoint_path: 'a' # comment\nall_model_checkpoint_timestamps: 1.5\n"
    )
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == str(tmp_path / "a")
    assert state.all_model_checkpoint_timestamps == [1.5]
    (tmp_path / "checkpoint").write_text("not_a_field: 1\n")
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text("all_model_checkpoint_paths: 'x'\n")
    with pytest.raises(ValueError, match="Invalid checkpoint state"):
        tf.train.get_checkpoint_state(str(tmp_path))
    assert tf.train.latest_checkpoint(str(tmp_path / "nowhere")) is None


def test_keep_checkpoint_every_n_hours_keeps_old_ones_and_pad_step_number(tmp_path):
    with tf.Graph().as_default():
        # Every hour-mark has passed by the time anything is deleted: all are kept, as in TF1.
        _, step, inc, saver = _saved_model(
            tmp_path, max_to_keep=1, keep_checkpoint_every_n_hours=1e-9, pad_step_number=True
        )
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(inc)
                time.sleep(0.01)
                saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert sorted(n for n in os.listdir(tmp_path) if n.endswith(".safetensors")) == [
        "m-00000001.safetensors",
        "m-00000002.safetensors",
        "m-00000003.safetensors",
    ]
    assert saver.last_checkpoints == [str(tmp_path / "m-00000003")]
