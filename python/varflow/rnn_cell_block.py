"""The fused LSTM step: op LSTMBlockCell (TF's op of that name, cpp/src/ops/rnn_ops.cc), and
``tf.contrib.rnn.LSTMBlockCell`` over it."""

from __future__ import annotations

from varflow import array_ops
from varflow.graph import convert_to_tensor, get_default_graph
from varflow.rnn_cell_impl import (
    LayerRNNCell,
    LSTMStateTuple,
    _check_rnn_cell_input_dtypes,
    _input_depth,
    _zeros,
)


def lstm_block_cell(
    x,
    cs_prev,
    h_prev,
    w,
    b,
    wci=None,
    wcf=None,
    wco=None,
    forget_bias=1.0,
    cell_clip=None,
    use_peephole=False,
    name=None,
):
    """One LSTM step as one op; returns TF's outputs (i, cs, f, o, ci, co, h). Gates are read
    from ``[x, h_prev] w + b`` in the order i, ci, f, o; ``cell_clip=None`` disables clipping;
    without peepholes wci, wcf and wco default to zeros."""
    x = convert_to_tensor(x)
    dtype = x.dtype.base_dtype
    tensors = [convert_to_tensor(t, dtype=dtype) for t in (cs_prev, h_prev, w)]
    b = convert_to_tensor(b, dtype=dtype)
    if wci is None or wcf is None or wco is None:
        cell = b.shape[0].value // 4 if b.shape.ndims == 1 and b.shape[0].value else None
        if cell is None:
            cell_size = array_ops.shape(b)[0] // 4
            zeros = array_ops.zeros(array_ops.expand_dims(cell_size, 0), dtype=dtype)
        else:
            zeros = array_ops.zeros([cell], dtype=dtype)
        wci = zeros if wci is None else wci
        wcf = zeros if wcf is None else wcf
        wco = zeros if wco is None else wco
    peepholes = [convert_to_tensor(t, dtype=dtype) for t in (wci, wcf, wco)]
    attrs = {
        "forget_bias": float(forget_bias),
        "cell_clip": -1.0 if cell_clip is None else float(cell_clip),
        "use_peephole": bool(use_peephole),
    }
    op = get_default_graph().create_op(
        "LSTMBlockCell", [x, *tensors, *peepholes, b], attrs, name=name or "LSTMBlockCell"
    )
    return tuple(op.outputs)


class LSTMBlockCell(LayerRNNCell):
    """TF1's ``tf.contrib.rnn.LSTMBlockCell``: BasicLSTMCell's maths (with optional peepholes
    and cell clipping) as one LSTMBlockCell op per step; variables ``lstm_cell/kernel``,
    ``bias`` and ``w_i_diag``/``w_f_diag``/``w_o_diag``."""

    _input_ndim = 2

    def __init__(
        self,
        num_units,
        forget_bias=1.0,
        cell_clip=None,
        use_peephole=False,
        dtype=None,
        reuse=None,
        name="lstm_cell",
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        self._num_units = num_units
        self._forget_bias = forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = cell_clip if cell_clip is not None else -1

    @property
    def state_size(self):
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self):
        return self._num_units

    def build(self, input_shape) -> None:
        depth = _input_depth(self, input_shape)
        n = self._num_units
        self._kernel = self.add_weight("kernel", [depth + n, 4 * n])
        self._bias = self.add_weight("bias", [4 * n], initializer=_zeros(self.dtype))
        if self._use_peephole:
            self._w_i_diag = self.add_weight("w_i_diag", [n])
            self._w_f_diag = self.add_weight("w_f_diag", [n])
            self._w_o_diag = self.add_weight("w_o_diag", [n])
        self.built = True

    def call(self, inputs, states_prev):
        if len(states_prev) != 2:
            raise ValueError("Expecting states_prev to be a tuple with length 2.")
        _check_rnn_cell_input_dtypes([inputs, states_prev])
        input_size = inputs.shape[-1].value if inputs.shape.ndims == 2 else None
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        cs_prev, h_prev = states_prev
        if self._use_peephole:
            wci, wcf, wco = self._w_i_diag, self._w_f_diag, self._w_o_diag
        else:
            wci = wcf = wco = array_ops.zeros([self._num_units], dtype=self.dtype)
        _, cs, _, _, _, _, h = lstm_block_cell(
            inputs,
            cs_prev,
            h_prev,
            self._kernel,
            self._bias,
            wci,
            wcf,
            wco,
            forget_bias=self._forget_bias,
            cell_clip=None if self._cell_clip <= 0 else self._cell_clip,
            use_peephole=self._use_peephole,
        )
        return h, LSTMStateTuple(cs, h)


__all__ = ["LSTMBlockCell", "lstm_block_cell"]
