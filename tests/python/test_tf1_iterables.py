"""TF1 accepts any nesting nest.flatten accepts (dict views, nested lists, dicts by sorted key)
where it takes several ops or variables, and counts a fed tensor as run for control deps."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_minimize_takes_dict_views_as_var_list():
    params = {"b": tf.Variable(1.0, name="b"), "a": tf.Variable(2.0, name="a")}
    loss = params["a"] * params["b"]
    opt = tf.train.GradientDescentOptimizer(0.5)
    pairs = opt.compute_gradients(loss, var_list=params.values())
    assert [v.name for _, v in pairs] == ["b:0", "a:0"]
    train = opt.minimize(loss, var_list=params.values())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run([params["a"], params["b"]]) == [1.5, 0.0]


def test_group_flattens_nested_inputs_and_rejects_non_ops():
    v = tf.Variable(0.0)
    ops = {"y": tf.assign_add(v, 1.0), "x": [tf.assign_add(v, 10.0), (tf.assign_add(v, 100.0),)]}
    g = tf.group(ops, ops.values())
    assert g.type == "NoOp"
    assert len(g.control_inputs) == 3
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(g)
        assert sess.run(v) == 111.0
    with pytest.raises(TypeError, match=r"Expected tf\.group"):
        tf.group(None)
    with pytest.raises(TypeError, match=r"Expected tf\.group"):
        tf.group([v.initializer, 3])


def test_control_dependency_on_a_fed_placeholder():
    x = tf.placeholder(tf.float32, [])
    v = tf.Variable(0.0)
    with tf.control_dependencies([x]):
        inc = tf.assign_add(v, 1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(inc, {x: np.float32(3.0)}) == 1.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="must feed a value"):
            sess.run(inc)
