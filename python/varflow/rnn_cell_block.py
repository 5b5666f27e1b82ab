"""The fused LSTM step: op LSTMBlockCell (TF's op of that name, cpp/src/ops/rnn_ops.cc), built by
``train::lstm_block_cell`` (varflow/train/rnn_cells.h), and ``tf.contrib.rnn.LSTMBlockCell`` over
it."""

from __future__ import annotations

from varflow import _core, array_ops
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
    """Computes one LSTM time step as a single ``LSTMBlockCell`` op.

    The gates are read from ``[x, h_prev] * w + b`` in the order ``i, ci, f, o`` (input,
    cell input, forget, output); then

        cs = ci * i + cs_prev * f,    h = tanh(cs) * o

    with ``forget_bias`` added to ``f`` before its sigmoid, ``cs`` clipped to
    ``[-cell_clip, cell_clip]`` and the peephole terms ``wci * cs_prev``, ``wcf * cs_prev``,
    ``wco * cs`` added to ``i``, ``f``, ``o`` when ``use_peephole``. This is TF's op of the
    same name; its gradient is the ``LSTMBlockCellGrad`` op.

    Args:
      x: A ``[batch_size, num_inputs]`` float tensor, the input.
      cs_prev: A ``[batch_size, cell_size]`` tensor, the previous cell state.
      h_prev: A ``[batch_size, cell_size]`` tensor, the previous output.
      w: A ``[num_inputs + cell_size, 4 * cell_size]`` tensor, the weight matrix.
      b: A ``[4 * cell_size]`` tensor, the bias.
      wci: The input gate's peephole weights, ``[cell_size]``; zeros when ``None``.
      wcf: The forget gate's peephole weights, ``[cell_size]``; zeros when ``None``.
      wco: The output gate's peephole weights, ``[cell_size]``; zeros when ``None``.
      forget_bias: A float, the forget gate bias.
      cell_clip: A float, the value to clip the cell state to; ``None`` does not clip.
      use_peephole: A bool, whether to use the peephole weights.
      name: A name for the operation (optional).

    Returns:
      A tuple of seven ``[batch_size, cell_size]`` tensors, TF's outputs in TF's order:
      ``(i, cs, f, o, ci, co, h)`` (the gates after their activations, the new cell state,
      ``tanh(cs)`` and the new output).

    Raises:
      ValueError: if the inputs' shapes do not fit together.
    """
    x = convert_to_tensor(x)
    dtype = x.dtype.base_dtype
    tensors = [convert_to_tensor(t, dtype=dtype) for t in (cs_prev, h_prev, w)]
    b = convert_to_tensor(b, dtype=dtype)
    peepholes = [wci, wcf, wco]
    if None in peepholes and not (b.shape.ndims == 1 and b.shape[0].value):
        # The C++ builder makes the zeros of a static cell size; a dynamic one is shape(b) // 4.
        cell_size = array_ops.shape(b)[0] // 4
        zeros = array_ops.zeros(array_ops.expand_dims(cell_size, 0), dtype=dtype)
        peepholes = [zeros if t is None else t for t in peepholes]
    peepholes = [
        None if t is None else convert_to_tensor(t, dtype=dtype)._output for t in peepholes
    ]
    graph = get_default_graph()
    outputs = _core.lstm_block_cell(
        graph._core,
        x._output,
        *(t._output for t in tensors),
        b._output,
        *peepholes,
        float(forget_bias),
        None if cell_clip is None else float(cell_clip),
        bool(use_peephole),
        name or "LSTMBlockCell",
    )
    return tuple(graph._tensor_for(out) for out in outputs)


class LSTMBlockCell(LayerRNNCell):
    """TF1's ``tf.contrib.rnn.LSTMBlockCell``: a basic LSTM whose time step is one fused op.

    The maths of ``BasicLSTMCell`` (with ``forget_bias``), optionally with peepholes and
    cell clipping, computed by one ``lstm_block_cell`` op per step, and its gradient by one
    ``LSTMBlockCellGrad`` op. The variables are ``lstm_cell/kernel``, ``lstm_cell/bias``
    and, with peepholes, ``w_i_diag``, ``w_f_diag``, ``w_o_diag``, as in TF1. The state is
    always an ``LSTMStateTuple``.
    """

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
        """Creates the cell (its variables are made at the first call).

        Args:
          num_units: int, the size of the cell state and of the output.
          forget_bias: float, added to the forget gate (see ``BasicLSTMCell``).
          cell_clip: An optional float bounding the cell state; ``None`` (or a value ``<= 0``)
            does not clip.
          use_peephole: bool: if True, the gates also see the cell state through diagonal
            weights.
          dtype: The dtype of the cell's variables; ``None`` takes the dtype of the first
            input.
          reuse: (optional) Boolean: whether to reuse the variables already in the cell's scope.
            Otherwise, making a variable that already exists raises ``ValueError``.
          name: String, the cell's name and variable scope. Default: ``lstm_cell``, which TF1
            uses too so that checkpoints of ``LSTMCell`` and ``LSTMBlockCell`` are compatible.
        """
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
        """Runs one LSTM step as one ``LSTMBlockCell`` op.

        Args:
          inputs: A ``[batch_size, num_inputs]`` tensor.
          states_prev: An ``LSTMStateTuple(cs_prev, h_prev)`` (or a pair) of
            ``[batch_size, num_units]`` tensors.

        Returns:
          A pair ``(h, LSTMStateTuple(cs, h))``: the new output and the new state.

        Raises:
          ValueError: if ``states_prev`` is not a pair, or the input size is unknown.
        """
        if len(states_prev) != 2:
            raise ValueError("Expecting states_prev to be a tuple with length 2.")
        _check_rnn_cell_input_dtypes([inputs, states_prev])
        input_size = inputs.shape[-1].value if inputs.shape.ndims == 2 else None
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        cs_prev, h_prev = states_prev
        wci = wcf = wco = None  # lstm_block_cell's zeros
        if self._use_peephole:
            wci, wcf, wco = self._w_i_diag, self._w_f_diag, self._w_o_diag
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
