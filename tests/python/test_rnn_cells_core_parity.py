"""tf.nn.rnn_cell's cells and the C++ cells a C++ host builds give the same graph.

The cells' step maths is ``varflow/train/rnn_cells.h``. Here each cell is built once through the
Python API and once by the C++ functions (``_core.*_cell_variables``, which create the variables
with ``train::get_variable`` and the cells' default initializers, then ``_core.*_cell_step`` in
the cell's name scope), with the same graph seed: the GraphDefs must be equal node for node
(names, ops, inputs, attributes, in creation order) and the outputs of a run equal bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from test_layers_core_parity import _nodes
from varflow import _core
from varflow.array_ops import _core_shape

rnn_cell = tf.nn.rnn_cell


def _inputs(state_sizes):
    x = tf.placeholder(tf.float32, (2, 3), name="x")
    states = [tf.placeholder(tf.float32, (2, s), name=f"s{i}") for i, s in enumerate(state_sizes)]
    return x, states


def _run(graph, fetches):
    rng = np.random.RandomState(0)
    with graph.as_default(), tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {}
        for op in graph.get_operations():
            if op.type == "Placeholder":
                t = op.outputs[0]
                feed[t] = rng.randn(*t.shape.as_list()).astype(np.float32)
        return sess.run(fetches, feed)


def _relu_callback(graph):
    return lambda out: tf.nn.relu(graph._tensor_for(out))._output


# Each case: (state sizes, the Python cell and its call, the C++ cell built through _core).
def _py_basic_rnn(x, states, relu):
    cell = rnn_cell.BasicRNNCell(4, activation=tf.nn.relu if relu else None)
    out, _ = cell(x, states[0])
    return [out]


def _cpp_basic_rnn(g, x, states, relu):
    kernel, bias = _core.basic_rnn_cell_variables(
        g._core, _core_shape(x.shape), 4, "basic_rnn_cell", tf.float32._core, True, False
    )
    with tf.name_scope("basic_rnn_cell"):
        act = _relu_callback(g) if relu else None
        out = _core.basic_rnn_cell_step(g._core, x._output, states[0]._output, kernel, bias, act)
    return [g._tensor_for(out)]


def _py_gru(x, states, relu):
    out, _ = rnn_cell.GRUCell(4)(x, states[0])
    return [out]


def _cpp_gru(g, x, states, relu):
    weights = _core.gru_cell_variables(
        g._core, _core_shape(x.shape), 4, "gru_cell", tf.float32._core, True, False
    )
    with tf.name_scope("gru_cell"):
        out = _core.gru_cell_step(g._core, x._output, states[0]._output, *weights, None)
    return [g._tensor_for(out)]


def _py_basic_lstm(x, states, relu):
    cell = rnn_cell.BasicLSTMCell(4, forget_bias=0.5, activation=tf.nn.relu if relu else None)
    out, state = cell(x, rnn_cell.LSTMStateTuple(*states))
    return [out, state.c]


def _cpp_basic_lstm(g, x, states, relu):
    kernel, bias = _core.lstm_cell_variables(
        g._core,
        _core_shape(x.shape),
        4,
        False,
        None,
        "basic_lstm_cell",
        tf.float32._core,
        True,
        False,
    )
    with tf.name_scope("basic_lstm_cell"):
        act = _relu_callback(g) if relu else None
        out, c, _, _ = _core.basic_lstm_cell_step(
            g._core, x._output, [s._output for s in states], kernel, bias, 0.5, True, act
        )
    return [g._tensor_for(out), g._tensor_for(c)]


def _py_lstm(x, states, relu):
    cell = rnn_cell.LSTMCell(
        4, use_peepholes=True, cell_clip=0.5, num_proj=2, proj_clip=0.3, state_is_tuple=False
    )
    out, state = cell(x, states[0])
    return [out, state]


def _cpp_lstm(g, x, states, relu):
    kernel, bias, wf, wi, wo, proj = _core.lstm_cell_variables(
        g._core, _core_shape(x.shape), 4, True, 2, "lstm_cell", tf.float32._core, True, False
    )
    with tf.name_scope("lstm_cell"):
        out, _, _, state = _core.lstm_cell_step(
            g._core,
            x._output,
            [states[0]._output],
            kernel,
            bias,
            wf,
            wi,
            wo,
            proj,
            4,
            True,
            0.5,
            2,
            0.3,
            1.0,
            False,
            None,
        )
    return [g._tensor_for(out), g._tensor_for(state)]


CASES = {
    "basic_rnn": ([4], _py_basic_rnn, _cpp_basic_rnn),
    "gru": ([4], _py_gru, _cpp_gru),
    "basic_lstm": ([4, 4], _py_basic_lstm, _cpp_basic_lstm),
    "lstm": ([6], _py_lstm, _cpp_lstm),
}


@pytest.mark.parametrize(
    ("case", "relu"),
    [
        ("basic_rnn", False),
        ("basic_rnn", True),
        ("gru", False),
        ("basic_lstm", False),
        ("basic_lstm", True),
        ("lstm", False),
    ],
)
def test_core_cell_builds_the_python_cells_graph(case, relu):
    sizes, python_cell, cpp_cell = CASES[case]
    py_graph = tf.Graph()
    with py_graph.as_default():
        tf.set_random_seed(5)
        x, states = _inputs(sizes)
        py_out = python_cell(x, states, relu)
    cpp_graph = tf.Graph()
    with cpp_graph.as_default():
        tf.set_random_seed(5)
        x, states = _inputs(sizes)
        cpp_out = cpp_cell(cpp_graph, x, states, relu)
    assert _nodes(cpp_graph) == _nodes(py_graph)
    for a, b in zip(_run(py_graph, py_out), _run(cpp_graph, cpp_out), strict=True):
        assert a.tobytes() == b.tobytes()


def test_core_checks_are_the_python_cells_errors():
    with pytest.raises(
        ValueError, match="only supports floating point inputs, but saw dtype: <dtype: 'int32'>"
    ):
        rnn_cell.GRUCell(3, dtype=tf.int32)
    with pytest.raises(ValueError, match="only supports floating point inputs"):
        _core.check_rnn_cell_dtype(tf.int64._core)
    with pytest.raises(
        ValueError, match=r"Expected inputs.shape\[-1\] to be known, saw shape: \(2, \?\)"
    ):
        _core.rnn_cell_input_depth(_core_shape(tf.TensorShape([2, None])))
    g = tf.get_default_graph()
    x = tf.placeholder(tf.float32, (2, 3, 1))
    s, k, b = tf.zeros([2, 3]), tf.zeros([6, 12]), tf.zeros([12])
    with pytest.raises(ValueError, match=r"Could not infer input size from inputs.get_shape"):
        _core.lstm_cell_step(
            g._core,
            x._output,
            [s._output, s._output],
            k._output,
            b._output,
            None,
            None,
            None,
            None,
            3,
            False,
            None,
            None,
            None,
            1.0,
            True,
            None,
        )
