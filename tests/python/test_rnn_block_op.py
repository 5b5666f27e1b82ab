"""The fused LSTMBlockCell op: forward and backward against a NumPy transcription of TF's
LSTMBlockCellFprop/Bprop, gradients against finite differences, and bad shapes raising
errors that name the op."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients
from varflow.rnn_cell_block import lstm_block_cell


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def reference(x, cs_prev, h_prev, w, wci, wcf, wco, b, forget_bias, cell_clip, peephole):
    n = cs_prev.shape[1]
    icfo = np.concatenate([x, h_prev], 1) @ w + b
    gi, gc, gf, go = (icfo[:, k * n : (k + 1) * n] for k in range(4))
    i = sigmoid(gi + cs_prev * wci) if peephole else sigmoid(gi)
    ci = np.tanh(gc)
    f = sigmoid(gf + forget_bias + (cs_prev * wcf if peephole else 0))
    cs = i * ci + f * cs_prev
    if cell_clip > 0:
        cs = np.clip(cs, -cell_clip, cell_clip)
    co = np.tanh(cs)
    o = sigmoid(go + cs * wco) if peephole else sigmoid(go)
    return i, cs, f, o, ci, co, o * co


def reference_grad(cs_prev, wci, wcf, wco, i, cs, f, o, ci, co, cs_grad, h_grad, peephole):
    do = o * (1 - o) * h_grad * co
    dcs = (1 - co * co) * h_grad * o + cs_grad + (do * wco if peephole else 0)
    dci = (1 - ci * ci) * dcs * i
    df = f * (1 - f) * dcs * cs_prev
    di = i * (1 - i) * dcs * ci
    cs_prev_grad = dcs * f + ((di * wci + df * wcf) if peephole else 0)
    if peephole:
        peep = [(di * cs_prev).sum(0), (df * cs_prev).sum(0), (do * cs).sum(0)]
    else:
        peep = [np.zeros(cs.shape[1])] * 3
    return cs_prev_grad, np.concatenate([di, dci, df, do], 1), *peep


def values(batch, inp, cell, dtype=np.float64, seed=0):
    r = np.random.default_rng(seed)
    shapes = [(batch, inp), (batch, cell), (batch, cell), (inp + cell, 4 * cell)]
    shapes += [(cell,)] * 3 + [(4 * cell,)]
    return [r.uniform(-1, 1, s).astype(dtype) for s in shapes]


@pytest.mark.parametrize("peephole", [False, True])
@pytest.mark.parametrize("clip", [-1.0, 0.4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [3, 70])  # 70 rows: split across the pool
def test_forward_and_backward_match_tf_formulas(peephole, clip, dtype, batch):
    tf.reset_default_graph()
    vals = values(batch, 5, 6 if batch < 10 else 40, dtype)
    phs = [tf.placeholder(tf.as_dtype(dtype), v.shape) for v in vals]
    x, cs_prev, h_prev, w, wci, wcf, wco, b = phs
    outs = lstm_block_cell(
        x,
        cs_prev,
        h_prev,
        w,
        b,
        wci,
        wcf,
        wco,
        forget_bias=0.6,
        cell_clip=None if clip < 0 else clip,
        use_peephole=peephole,
    )
    assert [t.op.type for t in outs] == ["LSTMBlockCell"] * 7
    r = np.random.default_rng(5)
    cs_grad = r.uniform(-1, 1, vals[1].shape).astype(dtype)
    h_grad = r.uniform(-1, 1, vals[1].shape).astype(dtype)
    back = (
        tf.get_default_graph()
        .create_op(
            "LSTMBlockCellGrad",
            [*phs, *outs[:6], tf.constant(cs_grad), tf.constant(h_grad)],
            {"use_peephole": peephole},
        )
        .outputs
    )
    with tf.Session() as sess:
        got, got_back = sess.run([list(outs), back], dict(zip(phs, vals, strict=True)))
    want = reference(*[v.astype(np.float64) for v in vals], 0.6, clip, peephole)
    tol = 1e-12 if dtype == np.float64 else 3e-6
    for name, g, wv in zip(["i", "cs", "f", "o", "ci", "co", "h"], got, want, strict=True):
        assert g.dtype == dtype
        np.testing.assert_allclose(g, wv, rtol=tol, atol=tol, err_msg=name)
    want_back = reference_grad(
        vals[1].astype(np.float64),
        *[v.astype(np.float64) for v in vals[4:7]],
        *[o.astype(np.float64) for o in got[:6]],
        cs_grad,
        h_grad,
        peephole,
    )
    for name, g, wv in zip(
        ["cs_prev_grad", "dicfo", "wci", "wcf", "wco"], got_back, want_back, strict=True
    ):
        np.testing.assert_allclose(g, wv, rtol=10 * tol, atol=10 * tol, err_msg=name)


@pytest.mark.parametrize("peephole", [False, True])
def test_gradients_match_finite_differences(peephole):
    vals = values(2, 3, 4)

    def build(x, cs_prev, h_prev, w, wci, wcf, wco, b):
        _, cs, _, _, _, _, h = lstm_block_cell(
            x, cs_prev, h_prev, w, b, wci, wcf, wco, forget_bias=0.3, use_peephole=peephole
        )
        return tf.concat([cs, h * 2.0], 1)

    check_gradients(build, vals)


def test_input_without_rows_gives_empty_outputs():
    tf.reset_default_graph()
    vals = values(0, 3, 4)
    outs = lstm_block_cell(*[tf.constant(v) for v in vals[:4]], tf.constant(vals[7]))
    with tf.Session() as sess:
        assert sess.run(outs[6]).shape == (0, 4)


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ([(2, 3, 1), (2, 4), (2, 4), (7, 16), (16,)], "x must be rank 2 but is rank 3"),
        ([(2, 3), (3, 4), (2, 4), (7, 16), (16,)], "cs_prev.dims\\(0\\) != batch_size: 3 vs. 2"),
        ([(2, 3), (2, 4), (2, 5), (7, 16), (16,)], "h_prev.dims\\(1\\) != cell_size: 5 vs. 4"),
        ([(2, 3), (2, 4), (2, 4), (8, 16), (16,)], "w.dim_size\\(0\\) != input_size \\+ cell"),
        ([(2, 3), (2, 4), (2, 4), (7, 16), (12,)], "b.dim_size\\(0\\) / 4 != cell_size: 3 vs. 4"),
        ([(2, 3), (2, 4), (2, 4), (7, 14), (16,)], "w.dim_size\\(1\\) must be a multiple of 4"),
    ],
)
def test_bad_shapes_are_value_errors_naming_the_op(shapes, message):
    tf.reset_default_graph()
    args = [tf.zeros(s, dtype=tf.float32) for s in shapes]
    with pytest.raises(ValueError, match=message + ".*for 'cell' \\(op: 'LSTMBlockCell'\\)"):
        lstm_block_cell(*args, name="cell")


def test_bad_shapes_at_run_time_are_invalid_argument_errors_naming_the_node():
    tf.reset_default_graph()
    phs = [tf.placeholder(tf.float32, None) for _ in range(5)]
    outs = lstm_block_cell(*phs, name="step")
    feed = dict(
        zip(
            phs,
            [np.zeros(s, np.float32) for s in [(2, 3), (2, 4), (3, 4), (7, 16), (16,)]],
            strict=True,
        )
    )
    with (
        tf.Session() as sess,
        pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"h_prev.dims\(0\) != batch_size: 3 vs. 2(.|\n)*step",
        ),
    ):
        sess.run(outs[6], feed)


def test_mixed_dtypes_are_type_errors():
    tf.reset_default_graph()
    args = [tf.zeros(s, dtype=tf.float32) for s in [(2, 3), (2, 4), (2, 4), (7, 16), (16,)]]
    args[2] = tf.zeros((2, 4), dtype=tf.float64)
    with pytest.raises((TypeError, ValueError)):
        lstm_block_cell(*args)


def test_integer_inputs_are_refused():
    tf.reset_default_graph()
    args = [tf.zeros(s, dtype=tf.int32) for s in [(2, 3), (2, 4), (2, 4), (7, 16), (16,)]]
    with pytest.raises(TypeError):
        lstm_block_cell(*args)
