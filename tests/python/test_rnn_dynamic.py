"""tf.nn.dynamic_rnn and bidirectional_dynamic_rnn (a tf.while_loop over TensorArrays, as in
TF1) against TensorFlow's numbers and gradients, and their names and errors."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from test_rnn_fixtures import check_against_fixture, rnn_cases

DYNAMIC = [
    c for c, spec in rnn_cases.CASES.items() if spec[1] not in ("static", "static_bidirectional")
]


@pytest.mark.parametrize("case", DYNAMIC)
def test_dynamic_rnn_outputs_and_states_match_tensorflow(case):
    check_against_fixture(case, with_gradients=True)


def test_dynamic_rnn_matches_static_rnn_and_names_its_variables_as_tf1():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [3, 5, 4])
    init = tf.constant_initializer(0.2)
    with tf.variable_scope("d", initializer=init):
        dyn, dyn_state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(6), x, dtype=tf.float32)
    with tf.variable_scope("s", initializer=init):
        st, st_state = tf.nn.static_rnn(
            tf.nn.rnn_cell.BasicLSTMCell(6), tf.unstack(x, axis=1), dtype=tf.float32
        )
    assert [v.op.name for v in tf.global_variables()] == [
        "d/rnn/basic_lstm_cell/kernel",
        "d/rnn/basic_lstm_cell/bias",
        "s/rnn/basic_lstm_cell/kernel",
        "s/rnn/basic_lstm_cell/bias",
    ]
    assert dyn.shape.as_list() == [3, 5, 6]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = np.random.default_rng(0).uniform(-1, 1, (3, 5, 4))
        a, sa, b, sb = sess.run([dyn, dyn_state, st, st_state], {x: v})
    np.testing.assert_allclose(a, np.stack(b, 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sa.h, sb.h, rtol=1e-5, atol=1e-6)


def test_dynamic_rnn_bad_input():
    tf.reset_default_graph()
    cell = tf.nn.rnn_cell.GRUCell(3)
    with pytest.raises(ValueError, match="dtype must be specified"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 3, 4]))
    with pytest.raises(ValueError, match="must have rank at least 3"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 4]), dtype=tf.float32)
    with pytest.raises(ValueError, match="depth of inputs"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 3, None]), dtype=tf.float32)
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.dynamic_rnn(
            cell, tf.placeholder(tf.float32, [2, 3, 4]), dtype=tf.float32, sequence_length=[[1]]
        )


def test_dynamic_rnn_runs_eagerly_with_the_graphs_numbers():
    from varflow.eager.context import eager_mode

    v = np.random.default_rng(1).uniform(-1, 1, (2, 4, 3)).astype(np.float32)
    lengths = np.array([4, 2], np.int32)
    init = tf.constant_initializer(0.3)

    def build(x):
        cell = tf.nn.rnn_cell.MultiRNNCell(
            [tf.nn.rnn_cell.BasicLSTMCell(5), tf.nn.rnn_cell.GRUCell(4)]
        )
        with tf.variable_scope("m", initializer=init):
            return tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)

    tf.reset_default_graph()
    outputs, state = build(tf.constant(v))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want_outputs, want_top = sess.run([outputs, state[1]])
    with eager_mode():
        got_outputs, got_state = build(tf.constant(v))
        np.testing.assert_allclose(got_outputs.numpy(), want_outputs, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(got_state[1].numpy(), want_top, rtol=1e-5, atol=1e-6)
    # Past a row's length the outputs are zeros, and the top state is its last output.
    assert np.all(want_outputs[1, 2:] == 0)
    np.testing.assert_allclose(want_top[1], want_outputs[1, 1], rtol=1e-6)


def test_static_bidirectional_rnn_equals_the_dynamic_one_with_sequence_lengths():
    rng = np.random.default_rng(5)
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        x = tf.constant(rng.standard_normal((3, 4, 2)).astype(np.float32))  # batch, time, depth
        lengths = tf.constant([4, 2, 1])
        cell = tf.nn.rnn_cell.GRUCell
        with tf.variable_scope("birnn"):
            outputs, state_fw, state_bw = tf.nn.static_bidirectional_rnn(
                cell(3), cell(3), tf.unstack(x, axis=1), dtype=tf.float32, sequence_length=lengths
            )
        with tf.variable_scope("birnn", reuse=True):
            (out_fw, out_bw), (dyn_fw, dyn_bw) = tf.nn.bidirectional_dynamic_rnn(
                cell(3), cell(3), x, sequence_length=lengths, dtype=tf.float32
            )
        assert len(tf.trainable_variables()) == 8  # one set, shared by both
        assert len(outputs) == 4
        assert outputs[0].shape.as_list() == [3, 6]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([outputs, state_fw, state_bw, out_fw, out_bw, dyn_fw, dyn_bw])
    steps, s_fw, s_bw, o_fw, o_bw, d_fw, d_bw = got
    want = np.concatenate([o_fw, o_bw], axis=2)
    np.testing.assert_allclose(np.stack(steps, axis=1), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s_fw, d_fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s_bw, d_bw, rtol=1e-5, atol=1e-6)
    assert np.all(np.stack(steps, axis=1)[2, 1:] == 0)  # past row 2's length: zero outputs
