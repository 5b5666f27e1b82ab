"""TF1's RNN cell wrappers: DropoutWrapper, ResidualWrapper, DeviceWrapper. A wrapper adds no
variable scope of its own, so the wrapped cell's variables keep their names."""

from __future__ import annotations

import hashlib
import numbers

from varflow import _core, nn
from varflow import rnn_cell_nest as nest
from varflow.clip_ops import core_arg
from varflow.graph import convert_to_tensor, device, get_default_graph, name_scope
from varflow.rnn_cell_impl import LSTMStateTuple, RNNCell, _static_value, assert_like_rnncell


class _RNNCellWrapper(RNNCell):
    def __init__(self, cell, *args, **kwargs):
        """Wraps ``cell``; the wrapper adds no variable scope, so the cell's variables keep their names.

        Args:
          cell: An RNNCell (or an object that behaves like one, see ``assert_like_rnncell``).
          *args: Passed to ``RNNCell.__init__`` (``trainable``, ``name``, ``dtype``).
          **kwargs: Passed to ``RNNCell.__init__``.

        Raises:
          TypeError: if ``cell`` is not an RNNCell.
        """
        super().__init__(*args, **kwargs)
        assert_like_rnncell("cell", cell)
        self.cell = cell

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        raise NotImplementedError

    def __call__(self, inputs, state, scope=None):
        """Runs the wrapped cell on ``inputs`` and ``state``, adding the wrapper's behaviour.

        Args:
          inputs: A ``[batch_size, input_size]`` tensor (or a nested structure of them).
          state: The wrapped cell's state, with the structure of ``self.state_size``.
          scope: Optional variable scope passed on to the wrapped cell.

        Returns:
          A pair ``(output, new_state)``, as the wrapped cell returns it after the wrapper's
          transformation.
        """
        return self._call_wrapped_cell(inputs, state, cell_call_fn=self.cell.__call__, scope=scope)

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    @property
    def trainable_weights(self) -> list:
        return list(getattr(self.cell, "trainable_weights", [])) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        return list(getattr(self.cell, "non_trainable_weights", []))

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def weights(self) -> list:
        return self.trainable_weights + self.non_trainable_weights

    variables = weights

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self.cell.zero_state(batch_size, dtype)


def _default_dropout_state_filter_visitor(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)  # TF1: the memory c is never dropped
    return True


class DropoutWrapper(_RNNCellWrapper):
    """Adds dropout to a cell's inputs, outputs and new state.

    Dropout is applied to the inputs before the cell runs, and to its output and new state
    after. By default the new state's LSTM memory ``c`` is never dropped, only ``h``. Each
    dropout's seed is derived from ``seed`` and its place (``input_0``, ``state_1``... hashed
    with md5, as TF1 does), so a seeded wrapper draws the masks TF1 draws for the same
    graph-level seed.
    """

    def __init__(
        self,
        cell,
        input_keep_prob=1.0,
        output_keep_prob=1.0,
        state_keep_prob=1.0,
        variational_recurrent=False,
        input_size=None,
        dtype=None,
        seed=None,
        dropout_state_filter_visitor=None,
        **kwargs,
    ):
        """Wraps ``cell`` with dropout on its inputs, state and/or outputs.

        By default each step draws new masks. With ``variational_recurrent=True`` one mask per
        place is drawn when the wrapper is made and used at every step, the variational
        dropout of Gal & Ghahramani (2015).

        Args:
          cell: An RNNCell.
          input_keep_prob: A float in ``[0, 1]`` or a scalar tensor: the probability of keeping
            each input unit. A float 1.0 adds no input dropout op at all.
          output_keep_prob: A float in ``[0, 1]`` or a scalar tensor: the probability of keeping
            each output unit. A float 1.0 adds no output dropout op at all.
          state_keep_prob: A float in ``[0, 1]`` or a scalar tensor: the probability of keeping
            each unit of the cell's new state (only of the parts ``dropout_state_filter_visitor``
            selects). A float 1.0 adds no state dropout op.
          variational_recurrent: bool: if True, the same masks at every step (this needs
            ``dtype``, and ``input_size`` when the inputs are dropped).
          input_size: (optional) int, or a nested tuple of ints: the inputs' depths, for the
            input masks of ``variational_recurrent``; unused otherwise.
          dtype: (optional) The dtype of the inputs, state and outputs, for the masks of
            ``variational_recurrent``; unused otherwise.
          seed: (optional) Integer, the op seed the masks' seeds are derived from.
          dropout_state_filter_visitor: (optional) A callable taking one substate of the state
            and returning a bool (drop it or not) or a structure of bools shaped like it. The
            default drops everything but the ``c`` of an ``LSTMStateTuple``.
          **kwargs: Passed to ``RNNCell.__init__``.

        Raises:
          TypeError: if ``cell`` is not an RNNCell, or ``dropout_state_filter_visitor`` is not
            callable.
          ValueError: if a keep probability known at graph build is not in ``[0, 1]``, or
            ``variational_recurrent`` lacks ``dtype`` or ``input_size``.
        """
        super().__init__(cell, dtype=dtype, **kwargs)
        if dropout_state_filter_visitor is not None and not callable(dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._dropout_state_filter = (
            dropout_state_filter_visitor or _default_dropout_state_filter_visitor
        )
        with name_scope("DropoutWrapperInit"):
            for prob, attr in [
                (input_keep_prob, "input_keep_prob"),
                (state_keep_prob, "state_keep_prob"),
                (output_keep_prob, "output_keep_prob"),
            ]:
                if isinstance(prob, numbers.Real) and not isinstance(prob, bool):
                    const = float(prob)
                    tensor_prob = None
                else:
                    tensor_prob = convert_to_tensor(prob)
                    value = _static_value(tensor_prob)
                    const = None if value is None else float(value)
                if const is not None:
                    if const < 0 or const > 1:
                        raise ValueError(f"Parameter {attr} must be between 0 and 1: {const}")
                    setattr(self, f"_{attr}", const)
                else:
                    setattr(self, f"_{attr}", tensor_prob)
        self._variational_recurrent = variational_recurrent
        self._input_size = input_size
        self._seed = seed
        self._recurrent_input_noise = None
        self._recurrent_state_noise = None
        self._recurrent_output_noise = None
        if variational_recurrent:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")

            def batch_noise(s, inner_seed):
                from varflow.init_ops import random_uniform

                return random_uniform([1, s], seed=inner_seed, dtype=dtype)

            if not isinstance(self._input_keep_prob, numbers.Real) or self._input_keep_prob < 1.0:
                if input_size is None:
                    raise ValueError(
                        "When variational_recurrent=True and input_keep_prob < 1.0 or is "
                        "unknown, input_size must be provided"
                    )
                self._recurrent_input_noise = nest.enumerated_map_structure_up_to(
                    input_size, lambda i, s: batch_noise(s, self._gen_seed("input", i)), input_size
                )
            self._recurrent_state_noise = nest.enumerated_map_structure_up_to(
                cell.state_size,
                lambda i, s: batch_noise(s, self._gen_seed("state", i)),
                cell.state_size,
            )
            self._recurrent_output_noise = nest.enumerated_map_structure_up_to(
                cell.output_size,
                lambda i, s: batch_noise(s, self._gen_seed("output", i)),
                cell.output_size,
            )

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        salt = f"{salt_prefix}_{index}"
        string = (str(self._seed) + salt).encode("utf-8")
        return int(hashlib.md5(string).hexdigest()[:8], 16) & 0x7FFFFFFF

    @property
    def wrapped_cell(self):
        """The cell this wrapper drops the inputs, outputs and state of."""
        return self.cell

    def _dropout(self, values, salt_prefix, recurrent_noise, keep_prob, shallow=None):
        if shallow is None:
            shallow = values
        if not self._variational_recurrent:

            def drop(i, do_dropout, v):
                if not isinstance(do_dropout, bool) or do_dropout:
                    return nn.dropout(v, rate=1.0 - keep_prob, seed=self._gen_seed(salt_prefix, i))
                return v

            return nest.enumerated_map_structure_up_to(shallow, drop, shallow, values)

        def drop_variational(i, do_dropout, v, noise):
            if not isinstance(do_dropout, bool) or do_dropout:
                graph = get_default_graph()
                out = _core.variational_dropout(
                    graph._core, convert_to_tensor(v)._output, noise._output, core_arg(keep_prob)
                )
                return graph._tensor_for(out)
            return v

        return nest.enumerated_map_structure_up_to(
            shallow, drop_variational, shallow, values, recurrent_noise
        )

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        def should_dropout(p):
            return not isinstance(p, float) or p < 1

        if should_dropout(self._input_keep_prob):
            inputs = self._dropout(
                inputs, "input", self._recurrent_input_noise, self._input_keep_prob
            )
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if should_dropout(self._state_keep_prob):
            shallow = nest.get_traverse_shallow_structure(self._dropout_state_filter, new_state)
            new_state = self._dropout(
                new_state, "state", self._recurrent_state_noise, self._state_keep_prob, shallow
            )
        if should_dropout(self._output_keep_prob):
            output = self._dropout(
                output, "output", self._recurrent_output_noise, self._output_keep_prob
            )
        return output, new_state


class ResidualWrapper(_RNNCellWrapper):
    """Adds a cell's inputs to its outputs (a residual connection).

    The output is ``inputs + cell(inputs, state)[0]`` (or ``residual_fn(inputs, output)``);
    the state is the wrapped cell's.
    """

    def __init__(self, cell, residual_fn=None, **kwargs):
        """Wraps ``cell`` so that its output is ``residual_fn(inputs, output)``.

        Args:
          cell: An RNNCell whose output has the size of its input.
          residual_fn: (Optional) A function of the inputs and the cell's output returning the
            wrapper's output. Defaults to their sum, component by component (structures and
            shapes must match).
          **kwargs: Passed to ``RNNCell.__init__``.

        Raises:
          TypeError: if ``cell`` is not an RNNCell.
        """
        super().__init__(cell, **kwargs)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def default_residual_fn(inputs, outputs):
            nest.assert_same_structure(inputs, outputs)

            def add(inp, out):
                inp = convert_to_tensor(inp)
                inp.get_shape().assert_is_compatible_with(out.get_shape())
                return inp + out

            return nest.map_structure(add, inputs, outputs)

        return (self._residual_fn or default_residual_fn)(inputs, outputs), new_state


class DeviceWrapper(_RNNCellWrapper):
    """Builds a cell's ops under a device scope.

    The cell's ops and its zero state are placed on ``device``. varflow runs every op on the
    CPU, so the device string is recorded in the graph (and in exported GraphDefs) but does
    not move the computation.
    """

    def __init__(self, cell, device, **kwargs):
        """Wraps ``cell`` so that its ops are built under ``tf.device(device)``.

        Args:
          cell: An RNNCell.
          device: A device string or function, as ``tf.device`` takes.
          **kwargs: Passed to ``RNNCell.__init__``.

        Raises:
          TypeError: if ``cell`` is not an RNNCell.
        """
        super().__init__(cell, **kwargs)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"), device(self._device):
            return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        with device(self._device):
            return cell_call_fn(inputs, state, **kwargs)


__all__ = ["DeviceWrapper", "DropoutWrapper", "ResidualWrapper"]
