"""Each RNN cell and the static drivers against TensorFlow: for the same weights, inputs and
initial states, the outputs, final states, variable names and the gradients with respect to
inputs, states and every variable (fixtures/rnn, recorded by make_fixtures.py)."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import numpy as np
import pytest
import varflow as tf

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "rnn"
_spec = importlib.util.spec_from_file_location("rnn_cases", FIXTURES / "rnn_cases.py")
rnn_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rnn_cases)
DATA = np.load(FIXTURES / "rnn_fixtures.npz")
NAMES = json.loads((FIXTURES / "rnn_fixtures.json").read_text())

STATIC = [c for c, spec in rnn_cases.CASES.items() if spec[1] in ("static", "static_bidirectional")]


def run_case(case, with_gradients=True):
    tf.reset_default_graph()
    x, state_phs, outputs, finals, loss = rnn_cases.build(tf, case)
    variables = tf.global_variables()
    assert [[v.op.name, v.shape.as_list()] for v in variables] == NAMES[case]
    assert tf.trainable_variables() == variables
    grads = tf.gradients(loss, [x, *state_phs, *variables]) if with_gradients else []
    assert all(g is not None for g in grads)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v, value in zip(variables, rnn_cases.variable_values(variables), strict=True):
            v.load(value, sess)
        feed = {x: rnn_cases.inputs_for(case)}
        feed.update(zip(state_phs, rnn_cases.state_values(state_phs), strict=True))
        return sess.run([outputs, finals, grads], feed)


def check_against_fixture(case, with_gradients=True):
    out, fin, grads = run_case(case, with_gradients)
    dtype = rnn_cases.CASES[case][3]
    tol = {"rtol": 1e-9, "atol": 1e-11} if dtype == "float64" else {"rtol": 2e-5, "atol": 2e-6}
    np.testing.assert_allclose(out, DATA[f"{case}/outputs"], **tol, err_msg="outputs")
    for j, value in enumerate(fin):
        np.testing.assert_allclose(value, DATA[f"{case}/final_{j}"], **tol, err_msg=f"state {j}")
    for j, value in enumerate(grads):
        value = np.asarray(value)
        np.testing.assert_allclose(value, DATA[f"{case}/grad_{j}"], **tol, err_msg=f"gradient {j}")


@pytest.mark.parametrize("case", STATIC)
def test_static_rnn_matches_tensorflow(case):
    check_against_fixture(case)
