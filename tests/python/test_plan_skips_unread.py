"""Nodes only control edges reach, whose outputs nothing reads and which touch no state, do not
run (TF1's grappler turns them into NoOps): gradient gating costs nothing, and a failing pure
op under control_dependencies does not fail the run, as in TF1."""

import numpy as np
import pytest

import varflow as tf


def test_control_only_pure_nodes_do_not_run_but_stateful_ones_do():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None])
        bad = tf.reshape(x, [3])  # fails for a 4-element feed, if it runs
        with tf.control_dependencies([bad]):
            out = tf.identity(x)
        v = tf.Variable(1.0)
        bump = tf.assign_add(v, 1.0)
        with tf.control_dependencies([bump]):
            out2 = tf.identity(x)
        feed = {x: np.ones(4, np.float32)}
        with tf.Session() as sess:
            sess.run(v.initializer)
            np.testing.assert_array_equal(sess.run(out, feed), np.ones(4, np.float32))
            assert sess.run(tf.group(bad), feed) is None
            sess.run(out2, feed)
            assert sess.run(v) == 2.0
            with pytest.raises(tf.errors.InvalidArgumentError, match="Reshape"):
                sess.run(bad, feed)
