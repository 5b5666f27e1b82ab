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
