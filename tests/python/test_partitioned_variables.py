"""Partitioned variables against TF1 (fixtures/partitioned/partitioned_golden.json, recorded with
tf.compat.v1 by fixtures/partitioned/gen_partitioned_fixtures.py)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
import varflow as tf
from fixtures.partitioned.gen_partitioned_fixtures import run_case, train_case

_GOLDEN = json.loads(
    (
        pathlib.Path(__file__).parent / "fixtures" / "partitioned" / "partitioned_golden.json"
    ).read_text()
)


@pytest.mark.parametrize(
    "case",
    _GOLDEN["cases"],
    ids=[f"{c['partitioner']}-{c['shape']}-{c['dtype']}" for c in _GOLDEN["cases"]],
)
def test_partitioner_makes_tf1s_parts(case):
    got = run_case(tf, case["partitioner"], case["kwargs"], case["shape"], case["dtype"])
    assert got == case["tf"]


def test_embedding_lookup_and_adam_over_parts_match_tf1():
    got = train_case(tf)
    for strategy in ("div", "mod"):
        for g, w in zip(got[strategy], _GOLDEN["train"][strategy], strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_initializer_sees_the_full_shape():
    seen = []

    def init(shape, dtype=None, partition_info=None):
        seen.append((list(shape), partition_info.full_shape, partition_info.var_offset))
        return tf.zeros(shape, dtype)

    tf.get_variable("v", [5, 3], initializer=init, partitioner=tf.fixed_size_partitioner(2))
    assert seen == [([3, 3], [5, 3], [0, 0]), ([2, 3], [5, 3], [3, 0])]


def test_reuse_rules_are_tf1s():
    p = tf.fixed_size_partitioner(2)
    with tf.variable_scope("s", partitioner=p):
        v = tf.get_variable("v", [4, 2])
    with tf.variable_scope("s", reuse=True, partitioner=p):
        assert tf.get_variable("v", [4, 2]) is v
    with (
        pytest.raises(ValueError, match="Partitioned variable with name s/v already exists"),
        tf.variable_scope("s", partitioner=p),
    ):
        tf.get_variable("v", [4, 2])
    with (
        pytest.raises(ValueError, match="specified partitions \\[3, 1\\] and found partitions"),
        tf.variable_scope("s", reuse=True, partitioner=tf.fixed_size_partitioner(3)),
    ):
        tf.get_variable("v", [4, 2])
    tf.get_variable("plain", [4, 2])
    with pytest.raises(ValueError, match="an unpartitioned version of the variable was found"):
        tf.get_variable("plain", [4, 2], partitioner=p)
    with pytest.raises(ValueError, match="Can only slice a variable along one dimension"):
        tf.get_variable("two", [4, 4], partitioner=lambda shape, dtype: [2, 2])
    # Scalars are never partitioned (TF1).
    assert isinstance(tf.get_variable("scalar", [], partitioner=p), tf.Variable)


def test_partitioned_variable_assign_splits_the_value():
    v = tf.get_variable("v", [5, 2], initializer=tf.zeros_initializer(),
                        partitioner=tf.fixed_size_partitioner(2))  # fmt: skip
    ops = v.assign(np.arange(10, dtype=np.float32).reshape(5, 2))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(ops)
        np.testing.assert_array_equal(sess.run(v.as_tensor()), np.arange(10).reshape(5, 2))
        np.testing.assert_array_equal(sess.run(list(v)[1]), [[6, 7], [8, 9]])


# --- checkpoints ------------------------------------------------------------------------------
_FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "partitioned"


def _restored(prefix, layout):
    from fixtures.partitioned.gen_partitioned_fixtures import build_checkpoint_variables

    with tf.Graph().as_default():
        variables = build_checkpoint_variables(tf, layout)
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, str(prefix))
            return {name: sess.run(tf.convert_to_tensor(v)) for name, v in variables.items()}


def _check_values(got):
    from fixtures.partitioned.gen_partitioned_fixtures import CHECKPOINT_VALUES

    assert sorted(got) == sorted(CHECKPOINT_VALUES)
    for name, want in CHECKPOINT_VALUES.items():
        assert got[name].dtype == want.dtype
        np.testing.assert_array_equal(got[name], want)


_LAYOUTS = {
    "as-saved": None,  # filled from the fixture module
    "repartitioned": {"emb": {"num_shards": 2}, "col": {"num_shards": 5, "axis": 1}},
    "unpartitioned": {},
}


def _layout(key):
    from fixtures.partitioned.gen_partitioned_fixtures import CHECKPOINT_LAYOUT

    return CHECKPOINT_LAYOUT if key == "as-saved" else _LAYOUTS[key]


@pytest.mark.parametrize("layout", list(_LAYOUTS))
def test_restores_a_tf1_checkpoint_saved_in_slices(layout):
    _check_values(_restored(_FIXTURES / "part3", _layout(layout)))


def test_a_tf1_sliced_checkpoint_lists_its_full_variables():
    assert tf.train.list_variables(str(_FIXTURES / "part3")) == [
        ("bias", [3]),
        ("col", [2, 5]),
        ("counts", [6]),
        ("emb", [7, 4]),
    ]
    reader = tf.train.load_checkpoint(str(_FIXTURES / "part3"))
    np.testing.assert_array_equal(
        reader.get_tensor("emb"), (np.arange(28).reshape(7, 4) / 10.0).astype(np.float32)
    )


def test_restores_a_tf1_whole_checkpoint_into_parts():
    _check_values(_restored(_FIXTURES / "whole", _layout("as-saved")))


@pytest.mark.parametrize("layout", list(_LAYOUTS))
def test_saver_writes_the_full_variable_and_restores_any_partitioning(tmp_path, layout):
    from fixtures.partitioned.gen_partitioned_fixtures import (
        CHECKPOINT_LAYOUT,
        CHECKPOINT_VALUES,
        build_checkpoint_variables,
    )

    with tf.Graph().as_default():
        variables = build_checkpoint_variables(tf, CHECKPOINT_LAYOUT)
        assigns = []
        for name, v in variables.items():
            assigns += (
                [v.assign(CHECKPOINT_VALUES[name])]
                if isinstance(v, tf.Variable)
                else v.assign(CHECKPOINT_VALUES[name])
            )
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(assigns)
            path = tf.train.Saver().save(sess, str(tmp_path / "model"))
    # One entry per full variable, under its full name and shape (as TF1 saves them).
    assert tf.train.list_variables(path) == [
        ("bias", [3]),
        ("col", [2, 5]),
        ("counts", [6]),
        ("emb", [7, 4]),
    ]
    _check_values(_restored(path, _layout(layout)))


def test_saver_takes_a_partitioned_variable_in_a_dict(tmp_path):
    with tf.Graph().as_default():
        v = tf.get_variable("v", [5, 2], initializer=tf.ones_initializer(),
                            partitioner=tf.fixed_size_partitioner(2))  # fmt: skip
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = tf.train.Saver({"renamed": v}).save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(path) == [("renamed", [5, 2])]


def test_restoring_parts_of_another_full_shape_fails_clearly():
    with tf.Graph().as_default():
        tf.get_variable("emb", [8, 4], partitioner=tf.fixed_size_partitioner(2))
        with (
            tf.Session() as sess,
            pytest.raises(
                tf.errors.InvalidArgumentError, match=r"shape in shape_and_slice spec \[8,4\]"
            ),
        ):
            tf.train.Saver().restore(sess, str(_FIXTURES / "part3"))
