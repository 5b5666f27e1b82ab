"""TF1's RNN drivers: ``tf.nn.static_rnn``, ``static_bidirectional_rnn``, ``dynamic_rnn`` and
``bidirectional_dynamic_rnn`` (TF1's rnn.py). static_rnn unrolls the cell in the graph;
dynamic_rnn runs it in a ``tf.while_loop`` over TensorArrays, as TF1 does.

The drivers are C++ (``varflow/train/rnn.h``, which a C++ host calls with its own cells): this
module keeps TF1's signatures and variable scopes, flattens the nested inputs and states, and
calls the Python cell back for each step.

Past a row's ``sequence_length`` the output is zero and the state is copied through. TF1's
static_rnn wraps that selection in ``tf.cond``s that skip the cell once every row has ended (and
the selection while none has); here the selection always runs, which gives the same numbers and
gradients.
"""

from __future__ import annotations

from varflow import _core, array_ops, dtypes, reverse_ops
from varflow import rnn_cell_nest as nest
from varflow.graph import convert_to_tensor, core_callback, get_default_graph
from varflow.rnn_cell_impl import assert_like_rnncell
from varflow.tensor_shape import TensorShape
from varflow.variable_scope import variable_scope


def _sizes(size) -> list:
    """The flat sizes of a cell's output_size or state_size, each as a list of dimensions."""
    return [TensorShape([s] if isinstance(s, int) else s).as_list() for s in nest.flatten(size)]


class _CoreCell:
    """A Python cell as the C++ drivers take it: its name, flat sizes and two callbacks, and the
    structure of its state (the initial state's, else the zero state's) to pack results in."""

    def __init__(self, cell, input_structure, initial_state, on_step=None):
        self._cell = cell
        self._graph = get_default_graph()
        self._input_structure = input_structure
        self._on_step = on_step
        self.state_structure = cell.state_size if initial_state is None else initial_state
        self.initial_state = (
            [] if initial_state is None else [_output(s) for s in nest.flatten(initial_state)]
        )

    def arguments(self):
        """The cell's name, flat output and state sizes, and step and zero-state callbacks."""
        cell = self._cell
        return (
            type(cell).__name__,
            _sizes(cell.output_size),
            _sizes(cell.state_size),
            core_callback(self._step),
            core_callback(self._zero_state),
        )

    def tensors(self, structure, flat):
        """The C++ outputs `flat` as Tensors, nested as `structure`."""
        return nest.pack_sequence_as(structure, [self._graph._tensor_for(o) for o in flat])

    def _step(self, flat_inputs, flat_state):
        if self._on_step is not None:
            self._on_step()
        inputs = self.tensors(self._input_structure, flat_inputs)
        state = self.tensors(self.state_structure, flat_state)
        output, new_state = self._cell(inputs, state)
        nest.assert_same_structure(state, new_state)
        return [_output(o) for o in nest.flatten(output)], [
            _output(s) for s in nest.flatten(new_state)
        ]

    def _zero_state(self, batch_size, dtype):
        if not isinstance(batch_size, int):
            batch_size = self._graph._tensor_for(batch_size)
        dtype = dtypes.as_dtype(dtype)
        cell = self._cell
        if getattr(cell, "get_initial_state", None) is not None:
            state = cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
        else:
            state = cell.zero_state(batch_size, dtype)
        self.state_structure = state
        return [_output(s) for s in nest.flatten(state)]


def _output(value):
    return convert_to_tensor(value)._output


def _core_dtype(dtype):
    return None if dtype is None else dtypes.as_dtype(dtype)._core


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Runs ``cell`` over a Python list of time steps, unrolled in the graph.

    The graph gets one copy of the cell per element of ``inputs``; without
    ``sequence_length`` it computes

        state = initial_state or cell.zero_state(batch_size, dtype)
        outputs = []
        for x in inputs:
            output, state = cell(x, state)
            outputs.append(output)
        # returns (outputs, state)

    Every step after the first reuses the first step's variables (under the scope ``rnn``
    unless ``scope`` is given). With ``sequence_length``, a row whose sequence has ended
    (``time >= sequence_length[b]``) gets a zero output and carries its state through
    unchanged, so the final state is each row's state at its last step. TF1 wraps that
    selection in ``tf.cond``s that skip the cell once every row has ended; varflow always
    computes the selection, which gives the same outputs, state and gradients.

    Args:
      cell: The RNNCell.
      inputs: A list of T inputs, each a ``[batch_size, input_size]`` tensor (or a nested
        tuple of them).
      initial_state: (optional) The state before the first step: a
        ``[batch_size, cell.state_size]`` tensor, or tensors nested as
        ``cell.state_size`` is. By default the cell's zero state.
      dtype: (optional) The dtype of the zero state and the outputs; required without
        ``initial_state``.
      sequence_length: (optional) An int32/int64 vector of size ``[batch_size]``: each
        row's number of valid steps.
      scope: The variable scope of the cell's variables; defaults to ``"rnn"``.

    Returns:
      A pair ``(outputs, state)``: the list of the T outputs (each nested as
      ``cell.output_size`` is) and the final state.

    Raises:
      TypeError: if ``cell`` is not an RNNCell, or ``inputs`` is not a list.
      ValueError: If ``inputs`` is empty, an input has rank below 2 or an unknown input
        size, the batch sizes of the inputs disagree, ``dtype`` is missing without an
        ``initial_state``, or ``sequence_length`` is not a vector of length ``batch_size``.
    """
    assert_like_rnncell("cell", cell)
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "rnn") as varscope:
        inputs = [nest.map_structure(convert_to_tensor, x) for x in inputs]
        steps = {"taken": 0}

        def reuse_after_the_first_step():
            """TF1's varscope.reuse_variables() before every step after the first."""
            if steps["taken"] > 0:
                varscope.reuse_variables()
            steps["taken"] += 1

        core_cell = _CoreCell(cell, inputs[0], initial_state, reuse_after_the_first_step)
        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
        step_outputs, state = _core.static_rnn(
            get_default_graph()._core,
            *core_cell.arguments(),
            [[_output(t) for t in nest.flatten(x)] for x in inputs],
            None if sequence_length is None else sequence_length._output,
            core_cell.initial_state,
            _core_dtype(dtype),
        )
        outputs = [core_cell.tensors(cell.output_size, flat) for flat in step_outputs]
        return outputs, core_cell.tensors(core_cell.state_structure, state)


def _reverse_sequence(x, lengths, seq_axis, batch_axis):
    """TF1's `_reverse` in bidirectional_dynamic_rnn: each row's first lengths[b] steps
    reversed and the rest in place (ReverseSequence), or the whole sequence (ReverseV2)."""
    if lengths is None:
        return reverse_ops.reverse(x, [seq_axis])
    return reverse_ops.reverse_sequence(x, lengths, seq_axis=seq_axis, batch_axis=batch_axis)


def _reverse_seq(input_seq, lengths):
    """A Python list of time steps reversed, each row only up to its length (C++
    train::reverse_steps)."""
    if lengths is None:
        return list(reversed(input_seq))
    graph = get_default_graph()
    flat_steps = [[convert_to_tensor(x)._output for x in nest.flatten(s)] for s in input_seq]
    lengths = convert_to_tensor(lengths)._output
    reversed_steps = _core.reverse_steps(flat_steps, lengths)
    return [
        nest.pack_sequence_as(input_, [graph._tensor_for(o) for o in flat])
        for input_, flat in zip(input_seq, reversed_steps, strict=True)
    ]


def static_bidirectional_rnn(
    cell_fw,
    cell_bw,
    inputs,
    initial_state_fw=None,
    initial_state_bw=None,
    dtype=None,
    sequence_length=None,
    scope=None,
):
    """Runs one cell forward and another backward over a list of time steps (``static_rnn``).

    The backward cell reads each row's first ``sequence_length[b]`` steps in reverse (the
    whole list when ``sequence_length`` is None); its outputs are put back in forward
    order, and each step's output is the two directions' outputs concatenated, of size
    ``cell_fw.output_size + cell_bw.output_size``. The
    variables live under ``bidirectional_rnn/fw`` and ``bidirectional_rnn/bw`` (or
    ``scope/fw``, ``scope/bw``).

    Args:
      cell_fw: The RNNCell of the forward direction.
      cell_bw: The RNNCell of the backward direction.
      inputs: A list of T inputs, each a ``[batch_size, input_size]`` tensor (or a nested
        tuple of them).
      initial_state_fw: (optional) The forward cell's initial state (see ``static_rnn``).
      initial_state_bw: (optional) The backward cell's initial state.
      dtype: (optional) The dtype of the zero states; required when an initial state is
        missing.
      sequence_length: (optional) An int32/int64 vector of size ``[batch_size]``: each
        row's number of valid steps.
      scope: The variable scope; defaults to ``"bidirectional_rnn"``.

    Returns:
      A tuple ``(outputs, output_state_fw, output_state_bw)``: the list of the T
      concatenated outputs and the two directions' final states.

    Raises:
      TypeError: if a cell is not an RNNCell, or ``inputs`` is not a list.
      ValueError: If ``inputs`` is empty, or for the reasons ``static_rnn`` gives.
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = static_rnn(
                cell_fw, inputs, initial_state_fw, dtype, sequence_length, scope=fw_scope
            )
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, sequence_length)
            tmp, output_state_bw = static_rnn(
                cell_bw, reversed_inputs, initial_state_bw, dtype, sequence_length, scope=bw_scope
            )
    output_bw = _reverse_seq(tmp, sequence_length)
    flat_output_fw = nest.flatten(output_fw)
    flat_output_bw = nest.flatten(output_bw)
    flat_outputs = tuple(
        array_ops.concat([fw, bw], 1) for fw, bw in zip(flat_output_fw, flat_output_bw, strict=True)
    )
    outputs = nest.pack_sequence_as(structure=output_fw, flat_sequence=flat_outputs)
    return outputs, output_state_fw, output_state_bw


def dynamic_rnn(
    cell,
    inputs,
    sequence_length=None,
    initial_state=None,
    dtype=None,
    parallel_iterations=None,
    swap_memory=False,
    time_major=False,
    scope=None,
):
    """Runs ``cell`` over the time axis of ``inputs`` in a loop, not unrolled.

    The cell runs in a ``tf.while_loop``
    over the time axis, reading each step's input from a ``TensorArray`` and writing each
    output to another, as TF1 does, so the graph does not grow with the number of steps and
    the time dimension may be unknown until run time. The loop stops after
    ``max(sequence_length)`` steps when ``sequence_length`` is given; a row whose sequence
    has ended gets zero outputs and carries its state through, so the final state is each
    row's state at its last valid step.

    Example:

        cell = tf.nn.rnn_cell.LSTMCell(128)
        outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
        # outputs: [batch_size, max_time, 128]; state: LSTMStateTuple(c, h)

    Gradients flow through the loop (``tf.gradients`` of a loss on ``outputs`` or ``state``
    reaches the cell's variables and ``inputs``).

    Args:
      cell: The RNNCell.
      inputs: A ``[batch_size, max_time, ...]`` tensor (``[max_time, batch_size, ...]``
        when ``time_major``), or a nested tuple of them; the depths must be known at graph
        build.
      sequence_length: (optional) An int32/int64 vector of size ``[batch_size]``: each
        row's number of valid steps (later outputs are zeros, the state is carried
        through, and the loop stops after the longest).
      initial_state: (optional) The state before the first step: a
        ``[batch_size, cell.state_size]`` tensor, or tensors nested as
        ``cell.state_size`` is. By default the cell's zero state.
      dtype: (optional) The dtype of the zero state and the outputs; required without
        ``initial_state``.
      parallel_iterations: (Default: 32). Passed to ``tf.while_loop``; varflow runs the
        iterations in order, so it changes nothing but is accepted for TF1 programs.
      swap_memory: Accepted for TF1 compatibility (TF1 swaps GPU memory to the host; varflow
        runs on the CPU).
      time_major: If True, ``inputs`` and ``outputs`` are ``[max_time, batch_size, ...]``
        (which saves two transposes); if False (default), ``[batch_size, max_time, ...]``.
      scope: The variable scope of the cell's variables; defaults to ``"rnn"``.

    Returns:
      A pair ``(outputs, state)``: the outputs, ``[batch_size, max_time,
      cell.output_size]`` (time first if ``time_major``; nested if ``cell.output_size``
      is), and the final state, nested as ``cell.state_size`` is.

    Raises:
      TypeError: if ``cell`` is not an RNNCell.
      ValueError: If an input has rank below 3 or an unknown depth, the inputs' time steps or batch sizes disagree, ``dtype`` is missing
        without an ``initial_state``, or ``sequence_length`` is not a vector of length
        ``batch_size``.
    """
    assert_like_rnncell("cell", cell)
    with variable_scope(scope or "rnn"):
        flat_input = [convert_to_tensor(input_) for input_ in nest.flatten(inputs)]
        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length)
        step_inputs = nest.pack_sequence_as(inputs, flat_input)
        core_cell = _CoreCell(cell, step_inputs, initial_state)
        outputs, state = _core.dynamic_rnn(
            get_default_graph()._core,
            *core_cell.arguments(),
            [t._output for t in flat_input],
            None if sequence_length is None else sequence_length._output,
            core_cell.initial_state,
            _core_dtype(dtype),
            bool(time_major),
        )
        return (
            core_cell.tensors(cell.output_size, outputs),
            core_cell.tensors(core_cell.state_structure, state),
        )


def bidirectional_dynamic_rnn(
    cell_fw,
    cell_bw,
    inputs,
    sequence_length=None,
    initial_state_fw=None,
    initial_state_bw=None,
    dtype=None,
    parallel_iterations=None,
    swap_memory=False,
    time_major=False,
    scope=None,
):
    """Runs one cell forward and another backward over the time axis (``dynamic_rnn``).

    The backward cell reads each row's first ``sequence_length[b]`` steps reversed (the whole
    time axis when ``sequence_length`` is None); its outputs are reversed back, so both
    directions' outputs are in forward time order. The input sizes of the two cells must
    match. Variables live under ``bidirectional_rnn/fw`` and ``bidirectional_rnn/bw``.

    Args:
      cell_fw: The RNNCell of the forward direction.
      cell_bw: The RNNCell of the backward direction.
      inputs: As for ``dynamic_rnn``.
      sequence_length: (optional) An int32/int64 vector of size ``[batch_size]``: each
        row's number of valid steps; None: every row is full length.
      initial_state_fw: (optional) The forward cell's initial state (see ``dynamic_rnn``).
      initial_state_bw: (optional) The backward cell's initial state.
      dtype: (optional) The dtype of the zero states and the outputs; required when an
        initial state is missing.
      parallel_iterations: (Default: 32). Passed to each ``dynamic_rnn`` (see there).
      swap_memory: Accepted for TF1 compatibility (see ``dynamic_rnn``).
      time_major: The layout of ``inputs`` and ``outputs``, as for ``dynamic_rnn``.
      scope: The variable scope; defaults to ``"bidirectional_rnn"``.

    Returns:
      A tuple ``(outputs, output_states)`` where ``outputs`` is the pair
      ``(output_fw, output_bw)`` of the two directions' outputs (use
      ``tf.concat(outputs, 2)`` for one tensor) and ``output_states`` the pair
      ``(output_state_fw, output_state_bw)`` of their final states.

    Raises:
      TypeError: if a cell is not an RNNCell.
      ValueError: for the reasons ``dynamic_rnn`` gives.
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = dynamic_rnn(
                cell=cell_fw,
                inputs=inputs,
                sequence_length=sequence_length,
                initial_state=initial_state_fw,
                dtype=dtype,
                parallel_iterations=parallel_iterations,
                swap_memory=swap_memory,
                time_major=time_major,
                scope=fw_scope,
            )
        time_axis, batch_axis = (0, 1) if time_major else (1, 0)

        def reverse(x):
            """`x` with each row's valid steps reversed along the time axis."""
            return _reverse_sequence(x, sequence_length, time_axis, batch_axis)

        with variable_scope("bw") as bw_scope:
            inputs_reverse = nest.map_structure(reverse, inputs)
            tmp, output_state_bw = dynamic_rnn(
                cell=cell_bw,
                inputs=inputs_reverse,
                sequence_length=sequence_length,
                initial_state=initial_state_bw,
                dtype=dtype,
                parallel_iterations=parallel_iterations,
                swap_memory=swap_memory,
                time_major=time_major,
                scope=bw_scope,
            )
    output_bw = reverse(tmp)
    return (output_fw, output_bw), (output_state_fw, output_state_bw)


__all__ = [
    "bidirectional_dynamic_rnn",
    "dynamic_rnn",
    "static_bidirectional_rnn",
    "static_rnn",
]
