"""tf.nn.rnn_cell behaviour beyond the recorded numbers: TF1's variable scoping and reuse,
collections, zero states, the wrappers, and bad input raising the errors TF1 raises."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf

rnn_cell = tf.nn.rnn_cell


def steps(n=3, batch=2, depth=4, dtype=None):
    return [tf.placeholder(dtype or tf.float32, [batch, depth], name=f"x{t}") for t in range(n)]


def names(variables):
    return [v.op.name for v in variables]


def test_cells_of_one_scope_get_numbered_scopes_and_later_calls_reuse():
    tf.reset_default_graph()
    a, b = rnn_cell.BasicLSTMCell(3), rnn_cell.BasicLSTMCell(3)
    with tf.variable_scope("rnn"):
        state = a.zero_state(2, tf.float32)
        x = tf.placeholder(tf.float32, [2, 4])
        a(x, state)
        b(x, state)
        a(x, state)  # reuses: no new variables
    assert names(tf.global_variables()) == [
        "rnn/basic_lstm_cell/kernel",
        "rnn/basic_lstm_cell/bias",
        "rnn/basic_lstm_cell_1/kernel",
        "rnn/basic_lstm_cell_1/bias",
    ]
    assert names(a.trainable_weights) == names(tf.global_variables())[:2]
    assert names(a.variables) == names(a.trainable_variables)


def test_static_rnn_shares_one_set_of_variables_across_steps():
    tf.reset_default_graph()
    cell = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(3), rnn_cell.LSTMCell(4, use_peepholes=True)])
    outputs, state = tf.nn.static_rnn(cell, steps(), dtype=tf.float32)
    assert len(outputs) == 3
    assert outputs[0].shape.as_list() == [2, 4]
    assert isinstance(state[1], rnn_cell.LSTMStateTuple)
    want = [
        "rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel",
        "rnn/multi_rnn_cell/cell_0/gru_cell/gates/bias",
        "rnn/multi_rnn_cell/cell_0/gru_cell/candidate/kernel",
        "rnn/multi_rnn_cell/cell_0/gru_cell/candidate/bias",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/kernel",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/bias",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/w_f_diag",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/w_i_diag",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/w_o_diag",
    ]
    assert names(tf.global_variables()) == want
    assert names(tf.trainable_variables()) == want
    assert (
        names(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope="rnn/multi_rnn_cell/cell_1"))
        == want[4:]
    )
    assert names(cell.trainable_weights) == want
    assert [v.shape.as_list() for v in tf.global_variables()[4:6]] == [[7, 16], [16]]


def test_a_scope_argument_and_a_reused_scope():
    tf.reset_default_graph()
    cell = rnn_cell.BasicRNNCell(2)
    x = tf.placeholder(tf.float32, [1, 3])
    cell(x, cell.zero_state(1, tf.float32), scope="mine")
    multi = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(2)])
    multi(x, multi.zero_state(1, tf.float32), scope="m2")
    assert names(tf.global_variables()) == [  # as TF1 names them
        "mine/kernel",
        "mine/bias",
        "m2/cell_0/gru_cell/gates/kernel",
        "m2/cell_0/gru_cell/gates/bias",
        "m2/cell_0/gru_cell/candidate/kernel",
        "m2/cell_0/gru_cell/candidate/bias",
    ]
    with tf.variable_scope("shared"):
        tf.nn.static_rnn(rnn_cell.GRUCell(2), [x], dtype=tf.float32, scope="enc")
    with tf.variable_scope("shared", reuse=True):
        tf.nn.static_rnn(rnn_cell.GRUCell(2), [x], dtype=tf.float32, scope="enc")
    assert len(tf.global_variables()) == 6 + 4


def test_reuse_true_without_variables_is_a_value_error():
    tf.reset_default_graph()
    cell = rnn_cell.BasicLSTMCell(2, reuse=True)
    with pytest.raises(ValueError, match="basic_lstm_cell/kernel does not exist"):
        tf.nn.static_rnn(cell, steps(1), dtype=tf.float32)


def test_zero_state_shapes_and_dtypes():
    tf.reset_default_graph()
    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(3), rnn_cell.GRUCell(2)])
    state = cell.zero_state(4, tf.float64)
    assert [s.shape.as_list() for s in [state[0].c, state[0].h, state[1]]] == [[4, 3]] * 2 + [
        [4, 2]
    ]
    batch = tf.placeholder(tf.int32, [])
    dynamic = rnn_cell.LSTMCell(3, num_proj=2).zero_state(batch, tf.float32)
    with tf.Session() as sess:
        c, h = sess.run(dynamic, {batch: 5})
    assert c.shape == (5, 3)
    assert h.shape == (5, 2)
    assert not c.any()
    assert rnn_cell.LSTMCell(3, num_proj=2, state_is_tuple=False).state_size == 5
    assert state[0].dtype == tf.float64


def test_state_is_tuple_false_matches_the_tuple_state():
    tf.reset_default_graph()
    xs = steps(2, depth=3)
    feed = {x: np.random.default_rng(t).uniform(-1, 1, (2, 3)) for t, x in enumerate(xs)}
    init = tf.constant_initializer(0.3)
    with tf.variable_scope("a", initializer=init):
        out_a, state_a = tf.nn.static_rnn(rnn_cell.BasicLSTMCell(4), xs, dtype=tf.float32)
    with tf.variable_scope("b", initializer=init):
        out_b, state_b = tf.nn.static_rnn(
            rnn_cell.BasicLSTMCell(4, state_is_tuple=False), xs, dtype=tf.float32
        )
    assert state_b.shape.as_list() == [2, 8]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, sa, b, sb = sess.run([out_a, state_a, out_b, state_b], feed)
    np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(np.concatenate(sa, 1), sb, rtol=1e-6)


def test_dropout_wrapper_drops_outputs_and_h_but_never_c():
    tf.reset_default_graph()
    tf.set_random_seed(4)
    x = tf.placeholder(tf.float32, [50, 8])
    base = rnn_cell.BasicLSTMCell(16)
    cell = rnn_cell.DropoutWrapper(base, output_keep_prob=0.5, state_keep_prob=0.5, seed=3)
    state = cell.zero_state(50, tf.float32)
    out, new = cell(x, state)
    ref_out, ref_new = base(x, state)
    assert names(tf.global_variables()) == ["basic_lstm_cell/kernel", "basic_lstm_cell/bias"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {x: np.random.default_rng(0).uniform(-1, 1, (50, 8))}
        o, n, ro, rn = sess.run([out, new, ref_out, ref_new], feed)
        o2 = sess.run(out, feed)
    np.testing.assert_allclose(n.c, rn.c)  # the memory is never dropped
    for got, ref in [(o, ro), (n.h, rn.h)]:
        kept = got != 0
        assert 0.35 < kept.mean() < 0.65
        np.testing.assert_allclose(got[kept], ref[kept] / 0.5, rtol=1e-6)
    assert (o2 != o).any()  # a fresh mask each run


def test_dropout_wrapper_keep_prob_one_is_the_identity_and_bad_keep_prob_is_refused():
    tf.reset_default_graph()
    cell = rnn_cell.DropoutWrapper(rnn_cell.GRUCell(3))
    x = tf.placeholder(tf.float32, [2, 3])
    _out, _ = cell(x, cell.zero_state(2, tf.float32))
    assert "dropout" not in " ".join(op.name for op in tf.get_default_graph().get_operations())
    with pytest.raises(ValueError, match="Parameter output_keep_prob must be between 0 and 1"):
        rnn_cell.DropoutWrapper(rnn_cell.GRUCell(3), output_keep_prob=1.5)
    with pytest.raises(ValueError, match="dtype must be provided"):
        rnn_cell.DropoutWrapper(rnn_cell.GRUCell(3), variational_recurrent=True)


def test_variational_dropout_uses_one_mask_for_every_step():
    tf.reset_default_graph()
    base = rnn_cell.BasicRNNCell(40, activation=lambda v: v * 0 + 1.0)
    cell = rnn_cell.DropoutWrapper(
        base, output_keep_prob=0.5, variational_recurrent=True, dtype=tf.float32, seed=1
    )
    xs = steps(3, batch=2)
    outputs, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o = np.array(sess.run(outputs, {x: np.ones((2, 4)) for x in xs}))
    assert set(np.unique(o)) == {0.0, 2.0}
    assert (o == o[:1, :1]).all()  # the same mask at every step and for every row


def test_residual_wrapper_adds_the_input():
    tf.reset_default_graph()
    base = rnn_cell.GRUCell(3)
    cell = rnn_cell.ResidualWrapper(base)
    x = tf.placeholder(tf.float32, [2, 3])
    state = cell.zero_state(2, tf.float32)
    out, _new = cell(x, state)
    ref, _ = base(x, state)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = np.random.default_rng(1).uniform(-1, 1, (2, 3))
        o, r = sess.run([out, ref], {x: v})
    np.testing.assert_allclose(o, r + v, rtol=1e-6)
    other = rnn_cell.ResidualWrapper(rnn_cell.GRUCell(3))
    with pytest.raises(ValueError, match=r"Shapes \(2, 5\) and \(2, 3\) are incompatible"):
        other(tf.placeholder(tf.float32, [2, 5]), state)


# --- bad input ------------------------------------------------------------------------------
def test_input_of_the_wrong_rank_names_the_layer():
    tf.reset_default_graph()
    cell = rnn_cell.BasicLSTMCell(3)
    x = tf.placeholder(tf.float32, [2, 5, 4])
    with pytest.raises(
        ValueError,
        match="Input 0 of layer basic_lstm_cell is incompatible with the layer: expected ndim=2, found ndim=3",
    ):
        cell(x, cell.zero_state(2, tf.float32))


@pytest.mark.parametrize(
    "make",
    [
        lambda: rnn_cell.BasicLSTMCell(3),
        lambda: rnn_cell.GRUCell(3),
        lambda: rnn_cell.LSTMCell(3, num_proj=2),
    ],
)
def test_input_depth_changing_between_calls_is_a_value_error_naming_the_op(make):
    tf.reset_default_graph()
    cell = make()
    state = cell.zero_state(2, tf.float32)
    cell(tf.placeholder(tf.float32, [2, 4]), state)
    with pytest.raises(ValueError, match=r"for 'basic_lstm_cell/|for 'gru_cell/|for 'lstm_cell/"):
        cell(tf.placeholder(tf.float32, [2, 6]), state)


def test_state_of_the_wrong_size_is_a_value_error_naming_the_op():
    tf.reset_default_graph()
    cell = rnn_cell.BasicLSTMCell(3)
    x = tf.placeholder(tf.float32, [2, 4])
    bad = rnn_cell.LSTMStateTuple(tf.zeros([2, 3]), tf.zeros([2, 5]))
    with pytest.raises(ValueError, match="for 'basic_lstm_cell/"):
        cell(x, bad)
    with pytest.raises(ValueError, match="batch_size"):
        cell(x, rnn_cell.LSTMStateTuple(tf.zeros([3, 3]), tf.zeros([3, 3])))


def test_state_of_the_wrong_size_at_run_time_is_an_invalid_argument_error():
    tf.reset_default_graph()
    cell = rnn_cell.BasicLSTMCell(3)
    x = tf.placeholder(tf.float32, [None, 4])
    c = tf.placeholder(tf.float32, [None, 3])
    h = tf.placeholder(tf.float32, [None, 3])
    out, _ = cell(x, rnn_cell.LSTMStateTuple(c, h))
    s = tf.placeholder(tf.float32, [None, 3])
    g_out, _ = rnn_cell.GRUCell(3)(x, s)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="batch_size"):
            sess.run(out, {x: np.zeros((2, 4)), c: np.zeros((3, 3)), h: np.zeros((2, 3))})
        with pytest.raises(tf.errors.InvalidArgumentError, match="gru_cell/concat"):
            sess.run(g_out, {x: np.zeros((2, 4)), s: np.zeros((3, 3))})


def test_integer_inputs_and_missing_dtype_are_value_errors():
    tf.reset_default_graph()
    cell = rnn_cell.GRUCell(3)
    with pytest.raises(ValueError, match="RNN cell only supports floating point inputs"):
        cell(tf.placeholder(tf.int32, [2, 4]), tf.zeros([2, 3], tf.int32))
    with pytest.raises(ValueError, match="dtype must be specified"):
        tf.nn.static_rnn(rnn_cell.GRUCell(3), steps(2))
    with pytest.raises(TypeError, match="inputs must be a sequence"):
        tf.nn.static_rnn(
            rnn_cell.GRUCell(3), tf.placeholder(tf.float32, [2, 3, 4]), dtype=tf.float32
        )
    with pytest.raises(ValueError, match="inputs must not be empty"):
        tf.nn.static_rnn(rnn_cell.GRUCell(3), [], dtype=tf.float32)
    with pytest.raises(ValueError, match=r"Input size .* must be accessible via shape inference"):
        tf.nn.static_rnn(
            rnn_cell.GRUCell(3), [tf.placeholder(tf.float32, [2, None])], dtype=tf.float32
        )
    with pytest.raises(TypeError, match="is not an RNNCell"):
        tf.nn.static_rnn(object(), steps(1), dtype=tf.float32)


def test_multi_rnn_cell_arguments():
    with pytest.raises(ValueError, match="Must specify at least one cell"):
        rnn_cell.MultiRNNCell([])
    with pytest.raises(ValueError, match="state_is_tuple is not set"):
        rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(2)], state_is_tuple=False)
    tf.reset_default_graph()
    cell = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(2), rnn_cell.GRUCell(2)])
    with pytest.raises(ValueError, match="Expected state to be a tuple of length 2"):
        cell(tf.placeholder(tf.float32, [1, 2]), tf.zeros([1, 4]))


def test_sequence_length_of_the_wrong_size_is_refused():
    tf.reset_default_graph()
    with pytest.raises(ValueError, match="sequence_length must be a vector of length batch_size"):
        tf.nn.static_rnn(rnn_cell.GRUCell(2), steps(2), dtype=tf.float32, sequence_length=[1, 2, 3])
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.static_rnn(rnn_cell.GRUCell(2), steps(2), dtype=tf.float32, sequence_length=[[1, 2]])


def test_contrib_rnn_aliases():
    assert tf.contrib.rnn.BasicLSTMCell is rnn_cell.BasicLSTMCell
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn
    assert tf.contrib.rnn.LSTMStateTuple is rnn_cell.LSTMStateTuple
    tf.reset_default_graph()
    _out, _state = tf.contrib.rnn.static_rnn(
        tf.contrib.rnn.LSTMBlockCell(3), steps(2), dtype=tf.float32
    )
    assert names(tf.global_variables()) == ["rnn/lstm_cell/kernel", "rnn/lstm_cell/bias"]
    assert {op.type for op in tf.get_default_graph().get_operations()} >= {"LSTMBlockCell"}
