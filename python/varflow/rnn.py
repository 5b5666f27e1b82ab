"""TF1's RNN drivers: ``tf.nn.static_rnn``, ``static_bidirectional_rnn``, ``dynamic_rnn`` and
``bidirectional_dynamic_rnn`` (TF1's rnn.py). static_rnn unrolls the cell in the graph;
dynamic_rnn runs it in a ``tf.while_loop`` over TensorArrays, as TF1 does.

Past a row's ``sequence_length`` the output is zero and the state is copied through. TF1's
static_rnn wraps that selection in ``tf.cond``s that skip the cell once every row has ended (and
the selection while none has); here the selection always runs, which gives the same numbers and
gradients.
"""

from __future__ import annotations

from varflow import array_ops, dtypes, math_ops, reverse_ops
from varflow import rnn_cell_nest as nest
from varflow.graph import Tensor, constant, convert_to_tensor, name_scope
from varflow.rnn_cell_impl import _concat, assert_like_rnncell
from varflow.tensor_shape import TensorShape
from varflow.variable_scope import variable_scope


def _infer_state_dtype(explicit_dtype, state):
    if explicit_dtype is not None:
        return explicit_dtype
    if nest.is_sequence(state):
        inferred = [element.dtype for element in nest.flatten(state)]
        if not inferred:
            raise ValueError(f"Unable to infer dtype from empty state={state}.")
        if not all(d == inferred[0] for d in inferred):
            raise ValueError(
                f"State has tensors of different inferred_dtypes. Unable to infer a single "
                f"representative dtype. State: {state}"
            )
        return inferred[0]
    return state.dtype


def _transpose_batch_time(x):
    """[batch, time, ...] <-> [time, batch, ...]."""
    ndims = x.shape.ndims
    if ndims is not None and ndims < 2:
        return x
    if ndims is not None:
        perm = constant([1, 0, *list(range(2, ndims))], dtype=dtypes.int32)
    else:
        perm = array_ops.concat(([1, 0], math_ops.range(2, array_ops.rank(x))), axis=0)
    return array_ops.transpose(x, perm)


def _best_effort_input_batch_size(flat_input):
    for input_ in flat_input:
        shape = input_.shape
        if shape.ndims is None:
            continue
        if shape.ndims < 2:
            raise ValueError(f"Expected input tensor {input_} to have rank at least 2")
        batch_size = shape.dims[1].value
        if batch_size is not None:
            return batch_size
    return array_ops.shape(flat_input[0])[1]


def _with_static_shape(t, shape):
    """`t` with the static `shape` (TF1's set_shape refines a shape; a reshape does it here when
    shape inference knows less than the caller)."""
    shape = TensorShape(shape)
    t.get_shape().assert_is_compatible_with(shape)
    if t.shape.is_fully_defined() or shape.ndims is None:
        return t
    want = shape.as_list()
    have = t.shape.as_list() if t.shape.ndims is not None else [None] * len(want)
    merged = [h if h is not None else w for h, w in zip(have, want, strict=True)]
    if merged == have or sum(d is None for d in merged) > 1:
        return t
    return array_ops.reshape(t, [-1 if d is None else d for d in merged])


def _rnn_step(time, sequence_length, zero_output, state, call_cell):
    """One step with sequence_length: rows whose sequence has ended (time >= length) get a zero
    output and keep their state."""
    new_output, new_state = call_cell()
    nest.assert_same_structure(zero_output, new_output)
    nest.assert_same_structure(state, new_state)
    copy_cond = math_ops.greater_equal(time, sequence_length)

    def copy_one_through(old, new):
        if old.shape.ndims == 0:
            return new
        return math_ops.where(copy_cond, old, new)

    final_output = [
        copy_one_through(z, o)
        for z, o in zip(nest.flatten(zero_output), nest.flatten(new_output), strict=True)
    ]
    final_state = [
        copy_one_through(s, n)
        for s, n in zip(nest.flatten(state), nest.flatten(new_state), strict=True)
    ]
    return (
        nest.pack_sequence_as(zero_output, final_output),
        nest.pack_sequence_as(state, final_state),
    )


def _initial_state(cell, initial_state, batch_size, dtype):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError("If no initial_state is provided, dtype must be specified")
    if getattr(cell, "get_initial_state", None) is not None:
        return cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
    return cell.zero_state(batch_size, dtype)


def _zero_output(cell, batch_size, static_batch, dtype, state):
    def zeros_for(size):
        if isinstance(batch_size, Tensor):
            return array_ops.zeros(_concat(batch_size, size), _infer_state_dtype(dtype, state))
        return array_ops.zeros(
            _concat(batch_size, size, static=True), _infer_state_dtype(dtype, state)
        )

    flat = [zeros_for(size) for size in nest.flatten(cell.output_size)]
    return nest.pack_sequence_as(cell.output_size, flat)


def _sequence_length_vector(sequence_length, batch_size):
    sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
    if sequence_length.shape.ndims not in (None, 1):
        raise ValueError(
            f"sequence_length must be a vector of length batch_size, but saw shape: "
            f"{sequence_length.shape}"
        )
    static = sequence_length.shape.dims[0].value if sequence_length.shape.ndims else None
    if isinstance(batch_size, int) and static is not None and static != batch_size:
        raise ValueError(
            f"sequence_length must be a vector of length batch_size ({batch_size}), but saw "
            f"shape: {sequence_length.shape}"
        )
    return math_ops.cast(sequence_length, dtypes.int32)


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
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        inputs = [nest.map_structure(convert_to_tensor, x) for x in inputs]
        first_input = inputs
        while nest.is_sequence(first_input):
            first_input = first_input[0]
        if first_input.shape.ndims != 1:
            shape = first_input.shape
            if shape.ndims is not None and shape.ndims < 2:
                raise ValueError(f"Shape {shape} must have rank at least 2")
            fixed_batch_size = shape[0].value if shape.ndims is not None else None
            for flat_input in nest.flatten(inputs):
                fshape = flat_input.shape
                if fshape.ndims is not None and fshape.ndims < 2:
                    raise ValueError(f"Shape {fshape} must have rank at least 2")
                batch = fshape[0].value if fshape.ndims is not None else None
                if fixed_batch_size is not None and batch is not None and batch != fixed_batch_size:
                    raise ValueError(
                        f"Dimension {batch} and {fixed_batch_size} are not compatible "
                        f"(the batch sizes of the inputs)"
                    )
                if fixed_batch_size is None:
                    fixed_batch_size = batch
                dims = fshape.as_list()[1:] if fshape.ndims is not None else [None]
                for i, size in enumerate(dims):
                    if size is None:
                        raise ValueError(
                            f"Input size (dimension {i} of inputs) must be accessible via shape "
                            "inference, but saw value None."
                        )
        else:
            fixed_batch_size = first_input.shape[0].value
        batch_size = fixed_batch_size if fixed_batch_size else array_ops.shape(first_input)[0]
        state = _initial_state(cell, initial_state, batch_size, dtype)
        if sequence_length is not None:
            sequence_length = _sequence_length_vector(sequence_length, batch_size)
            zero_output = _zero_output(cell, batch_size, fixed_batch_size, dtype, state)
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()

            def call_cell(input_=input_, state=state):
                return cell(input_, state)

            if sequence_length is not None:
                output, state = _rnn_step(time, sequence_length, zero_output, state, call_cell)
            else:
                output, state = call_cell()
            outputs.append(output)
        return outputs, state


def _reverse_sequence(x, lengths, seq_axis, batch_axis):
    """TF1's `_reverse` in bidirectional_dynamic_rnn: each row's first lengths[b] steps
    reversed and the rest in place (ReverseSequence), or the whole sequence (ReverseV2)."""
    if lengths is None:
        return reverse_ops.reverse(x, [seq_axis])
    return reverse_ops.reverse_sequence(x, lengths, seq_axis=seq_axis, batch_axis=batch_axis)


def _reverse_seq(input_seq, lengths):
    """A Python list of time steps reversed, each row only up to its length."""
    if lengths is None:
        return list(reversed(input_seq))
    flat_input_seq = tuple(nest.flatten(input_) for input_ in input_seq)
    flat_results = [[] for _ in range(len(input_seq))]
    for sequence in zip(*flat_input_seq, strict=True):
        joined = array_ops.stack(sequence)
        reversed_ = _reverse_sequence(joined, lengths, 0, 1)
        for r, flat_result in zip(
            array_ops.unstack(reversed_, num=len(sequence)), flat_results, strict=True
        ):
            flat_result.append(r)
    return [
        nest.pack_sequence_as(structure=input_, flat_sequence=flat_result)
        for input_, flat_result in zip(input_seq, flat_results, strict=True)
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
        flat_input = nest.flatten(inputs)
        flat_input = [convert_to_tensor(input_) for input_ in flat_input]
        if not time_major:
            flat_input = tuple(_transpose_batch_time(input_) for input_ in flat_input)
        parallel_iterations = parallel_iterations or 32
        if sequence_length is not None:
            sequence_length = math_ops.cast(sequence_length, dtypes.int32)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError(
                    "sequence_length must be a vector of length batch_size, but saw shape: "
                    f"{sequence_length.shape}"
                )
            sequence_length = array_ops.identity(sequence_length, name="sequence_length")
        batch_size = _best_effort_input_batch_size(flat_input)
        state = _initial_state(cell, initial_state, batch_size, dtype)
        if sequence_length is not None:
            static = sequence_length.shape.dims[0].value if sequence_length.shape.ndims else None
            if isinstance(batch_size, int) and static is not None and static != batch_size:
                raise ValueError(
                    f"Expected shape for Tensor {sequence_length.name} is [{batch_size}] but saw "
                    f"shape: [{static}]"
                )
            sequence_length = array_ops.identity(sequence_length, name="CheckSeqLen")
        inputs = nest.pack_sequence_as(structure=inputs, flat_sequence=flat_input)
        outputs, final_state = _dynamic_rnn_loop(
            cell,
            inputs,
            state,
            parallel_iterations=parallel_iterations,
            swap_memory=swap_memory,
            sequence_length=sequence_length,
            dtype=dtype,
        )
        if not time_major:
            outputs = nest.map_structure(_transpose_batch_time, outputs)
        return outputs, final_state


def _dynamic_rnn_loop(
    cell, inputs, initial_state, parallel_iterations, swap_memory, sequence_length=None, dtype=None
):
    from varflow.control_flow_ops import while_loop
    from varflow.tensor_array_ops import TensorArray

    state = initial_state
    flat_input = nest.flatten(inputs)
    flat_output_size = nest.flatten(cell.output_size)
    input_shape = array_ops.shape(flat_input[0])
    time_steps = input_shape[0]
    batch_size = _best_effort_input_batch_size(flat_input)
    inputs_got_shape = []
    for input_ in flat_input:
        shape = input_.shape
        if shape.ndims is not None and shape.ndims < 3:
            raise ValueError(f"Shape {shape} must have rank at least 3")
        inputs_got_shape.append(shape)
    const_time_steps = inputs_got_shape[0][0].value
    const_batch_size = inputs_got_shape[0][1].value
    for i, shape in enumerate(inputs_got_shape):
        if shape.ndims is None or not shape[2:].is_fully_defined():
            raise ValueError(
                "Input size (depth of inputs) must be accessible via shape inference, but saw "
                f"value None for input {flat_input[i]}."
            )
        if shape[0].value != const_time_steps:
            raise ValueError(
                "Time steps is not the same for all the elements in the input in a batch."
            )
        if shape[1].value != const_batch_size:
            raise ValueError("Batch_size is not the same for all the elements in the input.")

    zero_output = _zero_output(cell, batch_size, const_batch_size, dtype, state)
    if sequence_length is not None:
        max_sequence_length = math_ops.reduce_max(sequence_length)
    else:
        max_sequence_length = time_steps
    time = constant(0, dtype=dtypes.int32, name="time")
    with name_scope("dynamic_rnn") as scope:
        base_name = scope

    def create_ta(name, element_shape, dtype):
        return TensorArray(
            dtype=dtype,
            size=time_steps,
            element_shape=element_shape,
            tensor_array_name=base_name + name,
        )

    out_dtype = _infer_state_dtype(dtype, state)
    output_ta = tuple(
        create_ta(
            f"output_{i}",
            TensorShape([const_batch_size, out_size]),
            out_dtype,
        )
        for i, out_size in enumerate(flat_output_size)
    )
    input_ta = tuple(
        create_ta(f"input_{i}", element_shape=x.shape[1:], dtype=x.dtype)
        for i, x in enumerate(flat_input)
    )
    input_ta = tuple(ta.unstack(x) for ta, x in zip(input_ta, flat_input, strict=True))

    def time_step(time, output_ta_t, state):
        input_t = tuple(
            _with_static_shape(ta.read(time), shape[1:])
            for ta, shape in zip(input_ta, inputs_got_shape, strict=True)
        )
        input_t = nest.pack_sequence_as(structure=inputs, flat_sequence=input_t)

        def call_cell():
            return cell(input_t, state)

        if sequence_length is not None:
            output, new_state = _rnn_step(time, sequence_length, zero_output, state, call_cell)
        else:
            output, new_state = call_cell()
        output = nest.flatten(output)
        output_ta_t = tuple(
            ta.write(time, out) for ta, out in zip(output_ta_t, output, strict=True)
        )
        return (time + 1, output_ta_t, new_state)

    loop_bound = math_ops.minimum(time_steps, math_ops.maximum(1, max_sequence_length))
    _, output_final_ta, final_state = while_loop(
        cond=lambda time, *_: time < loop_bound,
        body=time_step,
        loop_vars=(time, output_ta, state),
        parallel_iterations=parallel_iterations,
        maximum_iterations=time_steps,
        swap_memory=swap_memory,
    )
    final_outputs = tuple(ta.stack() for ta in output_final_ta)
    final_outputs = tuple(
        _with_static_shape(out, [const_time_steps, const_batch_size, size])
        for out, size in zip(final_outputs, flat_output_size, strict=True)
    )
    final_outputs = nest.pack_sequence_as(structure=cell.output_size, flat_sequence=final_outputs)
    return final_outputs, final_state


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
