"""TF1's queue-based input pipelines (``tf.train.batch``, ``shuffle_batch``, the producers).

As TF1 builds them: a producer is a FIFOQueue fed by ``enqueue_many`` of its (optionally
shuffled) input, with ``num_epochs`` counted by a local variable through ``CountUpTo``, so the
epoch limit ends the runner with OutOfRangeError, which closes the queue, which makes the
consumer's dequeue raise OutOfRangeError once the queue is drained. Batching queues are fed
by QueueRunners (``tf.train.start_queue_runners``) whose threads loop in C++.
"""

from __future__ import annotations

from varflow import array_ops, data_flow_ops, math_ops, tensor_shape
from varflow import dtypes as _dtypes
from varflow.graph import (
    GraphKeys,
    Tensor,
    constant,
    control_dependencies,
    convert_to_tensor,
    name_scope,
)
from varflow.train.queue_runner import QueueRunner, add_queue_runner

_EAGER_MESSAGE = (
    "Input pipelines based on Queues are not supported when eager execution is enabled. "
    "Please use tf.data to ingest data into your model instead."
)


def _check_graph_mode(error=ValueError):
    from varflow.eager import executing_eagerly

    if executing_eagerly():
        raise error(_EAGER_MESSAGE)


def _count_up_to(ref, limit, name=None):
    """TF1's ``tf.count_up_to``: the value before an increment; OutOfRange at `limit`."""
    graph = ref.graph
    return graph.create_op(
        "CountUpTo", [ref._ref_tensor], {"limit": int(limit)}, name=name or "CountUpTo"
    ).outputs[0]


def _random_shuffle(value, seed=None, name=None):
    """TF1's ``tf.random_shuffle``: a permutation along the first dimension (TF's stream)."""
    from varflow.init_ops import get_seed

    seed1, seed2 = get_seed(seed)
    value = convert_to_tensor(value, name="value")
    return value.graph.create_op(
        "RandomShuffle",
        [value],
        {"seed": int(seed1 or 0), "seed2": int(seed2 or 0)},
        name=name or "RandomShuffle",
    ).outputs[0]


def limit_epochs(tensor, num_epochs=None, name=None):
    """Returns ``tensor`` ``num_epochs`` times and then raises an ``OutOfRange`` error.

    The epochs are counted by a local variable, ``epochs`` (in
    ``tf.GraphKeys.LOCAL_VARIABLES``), incremented by a ``CountUpTo`` op each time the
    result is evaluated; run ``tf.local_variables_initializer()`` before the first run.

    Args:
      tensor: Any ``Tensor``.
      num_epochs: A positive integer (optional): how many times the result may be
        evaluated. None: without limit.
      name: A name for the operations (optional).

    Returns:
      ``tensor``, or an identity of it that raises ``OutOfRangeError`` once it has been
      evaluated ``num_epochs`` times (``tensor`` itself when ``num_epochs`` is None).

    Raises:
      ValueError: if ``num_epochs`` is invalid.
    """
    from varflow.variables import Variable

    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with name_scope(name, "limit_epochs", [tensor]) as scope:
        zero64 = constant(0, dtype=_dtypes.int64)
        epochs = Variable(
            zero64, name="epochs", trainable=False, collections=[GraphKeys.LOCAL_VARIABLES]
        )
        counter = _count_up_to(epochs, num_epochs)
        with control_dependencies([counter]):
            return array_ops.identity(tensor, name=scope)


def input_producer(
    input_tensor,
    element_shape=None,
    num_epochs=None,
    shuffle=True,
    seed=None,
    capacity=32,
    shared_name=None,
    summary_name=None,
    name=None,
    cancel_op=None,
):
    """Returns a queue that hands out the rows of ``input_tensor``, epoch after epoch.

    A ``FIFOQueue`` is filled by ``enqueue_many`` of ``input_tensor`` (shuffled along its
    first dimension if ``shuffle``), run by a ``QueueRunner`` added to the
    ``QUEUE_RUNNER`` collection; start it with ``tf.train.start_queue_runners``. Once
    ``num_epochs`` is reached, the runner closes the queue and dequeues raise
    ``OutOfRangeError`` after the last element.

    Args:
      input_tensor: A tensor of rank 1 or more whose rows (slices along the first
        dimension) are produced; its row shape must be fully defined, or given by
        ``element_shape``.
      element_shape: (Optional.) The shape of one row, where ``input_tensor``'s static
        shape does not give it.
      num_epochs: An integer (optional): hand out every element this many times, then
        end with ``OutOfRangeError``; the count is a local variable (run
        ``tf.local_variables_initializer()``). None cycles without end.
      shuffle: Boolean. If True, each epoch is in a random order.
      seed: An integer (optional), the shuffling's op seed.
      capacity: An integer, the queue's capacity.
      shared_name: (optional). If set, this queue's resource name (see ``tf.FIFOQueue``).
      summary_name: (Optional.) If set, a scalar summary of how full the queue is, under
        this tag.
      name: (Optional.) A name for queue.
      cancel_op: (Optional.) Cancel op for the queue's ``QueueRunner``.

    Returns:
      The ``FIFOQueue`` of the rows; its ``QueueRunner`` is in the graph's
      ``QUEUE_RUNNER`` collection.

    Raises:
      ValueError: If the shape of the input cannot be inferred from the arguments, or
        ``num_epochs`` is not positive.
      RuntimeError: If called with eager execution enabled.
    """
    from varflow import summary

    _check_graph_mode(RuntimeError)
    with name_scope(name, "input_producer", [input_tensor]):
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        rows = tensor_shape.TensorShape(input_tensor.shape.as_list()[1:])
        if element_shape is not None:
            given = tensor_shape.as_shape(element_shape)
            rows.assert_is_compatible_with(given)
            if rows.ndims is None:
                rows = given
            else:
                rows = tensor_shape.TensorShape(
                    [
                        a if a is not None else b
                        for a, b in zip(rows.as_list(), given.as_list(), strict=True)
                    ]
                )
        if not rows.is_fully_defined():
            raise ValueError(
                "Either `input_tensor` must have a fully defined shape or `element_shape` must "
                "be specified"
            )
        if shuffle:
            input_tensor = _random_shuffle(input_tensor, seed=seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = data_flow_ops.FIFOQueue(
            capacity=capacity,
            dtypes=[input_tensor.dtype.base_dtype],
            shapes=[rows],
            shared_name=shared_name,
            name=name,
        )
        enq = q.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            summary.scalar(
                summary_name, math_ops.cast(q.size(), _dtypes.float32) * (1.0 / capacity)
            )
        return q


def string_input_producer(
    string_tensor,
    num_epochs=None,
    shuffle=True,
    seed=None,
    capacity=32,
    shared_name=None,
    name=None,
    cancel_op=None,
):
    """Returns a queue that hands out strings (file names, usually), epoch after epoch.

    With ``num_epochs``, the epochs are counted by a local variable ``epochs``: run
    ``tf.local_variables_initializer()`` first.
    With ``shuffle``, the order of each epoch is TF1's for the same seeds.

    Args:
      string_tensor: A 1-D string tensor (or list of strings) to produce.
      num_epochs: An integer (optional): hand out every element this many times, then
        end with ``OutOfRangeError``; the count is a local variable (run
        ``tf.local_variables_initializer()``). None cycles without end.
      shuffle: Boolean. If True, each epoch is in a random order.
      seed: An integer (optional), the shuffling's op seed.
      capacity: An integer, the queue's capacity.
      shared_name: (optional). If set, this queue's resource name (see ``tf.FIFOQueue``).
      name: A name for the operations (optional).
      cancel_op: Cancel op for the queue's ``QueueRunner`` (optional).

    Returns:
      The ``FIFOQueue`` of the strings; its ``QueueRunner`` is in the graph's
      ``QUEUE_RUNNER`` collection.

    Raises:
      ValueError: If the string_tensor is a null Python list, or has a static size of zero
        (TF1 checks that at run time).
    """
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and not string_tensor:
        raise ValueError(not_null_err)
    with name_scope(name, "input_producer", [string_tensor]) as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=_dtypes.string)
        # TF1 asserts a non-empty tensor at run time; a static size is checked here.
        if string_tensor.shape.num_elements() == 0:
            raise ValueError(not_null_err)
        return input_producer(
            input_tensor=string_tensor,
            element_shape=[],
            num_epochs=num_epochs,
            shuffle=shuffle,
            seed=seed,
            capacity=capacity,
            shared_name=shared_name,
            name=scope,
            summary_name=f"fraction_of_{capacity}_full",
            cancel_op=cancel_op,
        )


def range_input_producer(
    limit, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None, name=None
):
    """Returns a queue that hands out the integers ``0 .. limit - 1``, epoch after epoch.

    With ``num_epochs``, the epochs are counted by a local variable ``epochs``: run
    ``tf.local_variables_initializer()`` first.

    Args:
      limit: An int32 scalar (or scalar tensor), one past the largest integer.
      num_epochs: An integer (optional): hand out every element this many times, then
        end with ``OutOfRangeError``; the count is a local variable (run
        ``tf.local_variables_initializer()``). None cycles without end.
      shuffle: Boolean. If True, each epoch is in a random order.
      seed: An integer (optional), the shuffling's op seed.
      capacity: An integer, the queue's capacity.
      shared_name: (optional). If set, this queue's resource name (see ``tf.FIFOQueue``).
      name: A name for the operations (optional).

    Returns:
      The ``FIFOQueue`` of the integers; its ``QueueRunner`` is in the graph's
      ``QUEUE_RUNNER`` collection.
    """
    with name_scope(name, "input_producer", [limit]) as scope:
        range_tensor = math_ops.range(limit)
        return input_producer(
            range_tensor,
            [],
            num_epochs,
            shuffle,
            seed,
            capacity,
            shared_name,
            f"fraction_of_{capacity}_full",
            scope,
        )


def slice_input_producer(
    tensor_list, num_epochs=None, shuffle=True, seed=None, capacity=32, shared_name=None, name=None
):
    """Returns one row of every tensor of ``tensor_list``, the same row for all.

    Each evaluation dequeues a row index from a ``range_input_producer`` queue and gathers
    that row of every tensor, so the tensors stay aligned (features with their labels).

    With ``num_epochs``, the epochs are counted by a local variable ``epochs``: run
    ``tf.local_variables_initializer()`` first.

    Args:
      tensor_list: A list of tensors with the same size in the first dimension.
      num_epochs: An integer (optional): hand out every element this many times, then
        end with ``OutOfRangeError``; the count is a local variable (run
        ``tf.local_variables_initializer()``). None cycles without end.
      shuffle: Boolean. If True, each epoch is in a random order.
      seed: An integer (optional), the shuffling's op seed.
      capacity: An integer, the queue's capacity.
      shared_name: (optional). If set, this queue's resource name (see ``tf.FIFOQueue``).
      name: A name for the operations (optional).

    Returns:
      A list with one tensor per element of ``tensor_list``: a row of it, so an
      ``[N, a, ..., z]`` tensor gives an ``[a, ..., z]`` one.

    Raises:
      ValueError: if ``slice_input_producer`` produces nothing from ``tensor_list``.
    """
    with name_scope(name, "input_producer", list(tensor_list)):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        range_size = array_ops.shape(tensor_list[0])[0]
        queue = range_input_producer(
            range_size,
            num_epochs=num_epochs,
            shuffle=shuffle,
            seed=seed,
            capacity=capacity,
            shared_name=shared_name,
        )
        index = queue.dequeue()
        return [array_ops.gather(t, index) for t in tensor_list]


# --- batching ----------------------------------------------------------------------------------


def _as_tensor_list(tensors):
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors, key=str)]
    return tensors


def _as_tensor_list_list(tensors_list):
    if not tensors_list:
        raise ValueError("Expected at least one set of tensors")
    if isinstance(tensors_list[0], dict):
        expected_keys = set(tensors_list[0].keys())
        for tensors in tensors_list[1:]:
            if set(tensors.keys()) != expected_keys:
                raise ValueError("All dictionaries in tensors_list must have the same keys")
        return [_as_tensor_list(tensors) for tensors in tensors_list]
    return tensors_list


def _as_original_type(original_tensors, tensor_list):
    if isinstance(original_tensors, dict):
        if len(original_tensors) == 1:
            tensor_list = [tensor_list]
        return {k: tensor_list[i] for i, k in enumerate(sorted(original_tensors, key=str))}
    return tensor_list


def _validate(tensor_list, what="batch()"):
    tensor_list = [convert_to_tensor(t) for t in tensor_list]
    if not tensor_list:
        raise ValueError(f"Expected at least one tensor in {what}.")
    return tensor_list


def _component_dtypes(tensor_list_list):
    all_types = [[t.dtype for t in tl] for tl in tensor_list_list]
    types = all_types[0]
    for other_types in all_types[1:]:
        if other_types != types:
            raise TypeError(
                "Expected types to be consistent: "
                f"{', '.join(x.name for x in types)} vs. {', '.join(x.name for x in other_types)}."
            )
    return types


def _merge_shapes(shape_list, enqueue_many):
    shape_list = [tensor_shape.as_shape(s) for s in shape_list]
    if enqueue_many:
        for s in shape_list:
            if s.ndims is not None and s.ndims < 1:
                raise ValueError(f"Shape {s} must have rank at least 1")
        shape_list = [tensor_shape.TensorShape(s.as_list()[1:]) for s in shape_list]
    merged = shape_list[0].as_list()
    for s in shape_list[1:]:
        shape_list[0].assert_is_compatible_with(s)
        merged = [a if a is not None else b for a, b in zip(merged, s.as_list(), strict=True)]
    return merged


def _shapes(tensor_list_list, shapes, enqueue_many):
    if shapes is None:
        len0 = len(tensor_list_list[0])
        for tl in tensor_list_list:
            for i in range(len0):
                if tl[i].shape.ndims is None:
                    raise ValueError(f"Cannot infer Tensor's rank: {tl[i]}")
        shapes = [
            _merge_shapes([tl[i].shape.as_list() for tl in tensor_list_list], enqueue_many)
            for i in range(len0)
        ]
    return shapes


def _validate_keep_input(keep_input, enqueue_many):
    keep_input = convert_to_tensor(keep_input, dtype=_dtypes.bool)
    ndims = keep_input.shape.ndims
    if ndims is None:
        raise ValueError("`keep_input` dimensions must be known at graph construction.")
    if not enqueue_many and ndims == 1:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if ndims > 1:
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return keep_input


def _enqueue(queue, tensor_list, enqueue_many, keep_input):
    """The enqueue op of `tensor_list`; with `keep_input`, of what it keeps (maybe_batch)."""
    from varflow import control_flow_ops
    from varflow.check_ops import constant_value

    enqueue_fn = queue.enqueue_many if enqueue_many else queue.enqueue
    if keep_input is None:
        return enqueue_fn(tensor_list)
    if keep_input.shape.ndims == 1:
        return enqueue_fn([array_ops.boolean_mask(x, keep_input) for x in tensor_list])
    static = constant_value(keep_input)
    if static is not None:  # TF1's smart_cond decides at graph build
        return enqueue_fn(tensor_list) if bool(static) else control_flow_ops.no_op()

    def enqueue():
        with control_dependencies([enqueue_fn(tensor_list)]):
            return array_ops.constant(True)

    return control_flow_ops.cond(keep_input, enqueue, lambda: array_ops.constant(False)).op


def _dequeue(queue, batch_size, allow_smaller_final_batch, name):
    if allow_smaller_final_batch:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _batch_queue(tensor_list_list, shapes, capacity, dynamic_pad, shared_name, enqueue_many):
    types = _component_dtypes(tensor_list_list)
    shapes = _shapes(tensor_list_list, shapes, enqueue_many)
    kind = data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue
    return kind(capacity=capacity, dtypes=types, shapes=shapes, shared_name=shared_name)


def _fraction_full(queue, capacity):
    from varflow import summary

    summary.scalar(
        f"fraction_of_{capacity}_full",
        math_ops.cast(queue.size(), _dtypes.float32) * (1.0 / capacity),
    )


def _fraction_over(queue, capacity, min_after_dequeue):
    from varflow import summary

    full = math_ops.cast(math_ops.maximum(0, queue.size() - min_after_dequeue), _dtypes.float32) * (
        1.0 / (capacity - min_after_dequeue)
    )
    summary.scalar(
        f"fraction_over_{min_after_dequeue}_of_{capacity - min_after_dequeue}_full", full
    )


def _batch_pipeline(
    tensors,
    batch_size,
    capacity,
    enqueue_many,
    shapes,
    allow_smaller_final_batch,
    shared_name,
    name,
    join=False,
    num_threads=1,
    dynamic_pad=False,
    min_after_dequeue=None,
    seed=None,
    keep_input=None,
):
    """The queue, its runner and the dequeue behind every batching function.

    `join` takes a list of tensor lists, one enqueue op (runner thread) each; otherwise the
    one list's enqueue runs in `num_threads` threads. `min_after_dequeue` makes the queue a
    RandomShuffleQueue; `keep_input` restricts what is enqueued (the maybe_ forms).
    """
    _check_graph_mode()
    shuffle = min_after_dequeue is not None
    if join:
        tensor_list_list = _as_tensor_list_list(tensors)
        original = tensors[0]
    else:
        tensor_list_list = [_as_tensor_list(tensors)]
        original = tensors
    flat = [t for tl in tensor_list_list for t in tl]
    default_name = ("shuffle_batch" if shuffle else "batch") + ("_join" if join else "")
    with name_scope(name, default_name, flat) as scope:
        what = "batch_join()" if join else "batch()"
        tensor_list_list = [_validate(tl, what) for tl in tensor_list_list]
        if keep_input is not None:
            keep_input = _validate_keep_input(keep_input, enqueue_many)
        if shuffle:
            queue = _shuffle_queue(
                tensor_list_list,
                shapes,
                capacity,
                min_after_dequeue,
                seed,
                shared_name,
                enqueue_many,
            )
        else:
            queue = _batch_queue(
                tensor_list_list, shapes, capacity, dynamic_pad, shared_name, enqueue_many
            )
        enqueues = [_enqueue(queue, tl, enqueue_many, keep_input) for tl in tensor_list_list]
        add_queue_runner(QueueRunner(queue, enqueues if join else enqueues * num_threads))
        if shuffle:
            _fraction_over(queue, capacity, min_after_dequeue)
        else:
            _fraction_full(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(original, dequeued)


def batch(
    tensors,
    batch_size,
    num_threads=1,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Returns batches of the examples ``tensors`` evaluates to, through a queue.

    ``tensors`` is a list or a dict of tensors, and the batch comes back in the same form.
    The examples pass through a ``FIFOQueue``, filled by a ``QueueRunner`` added to the
    graph's ``QUEUE_RUNNER`` collection: once ``tf.train.start_queue_runners`` starts them,
    its ``num_threads`` threads run the enqueue op in a C++ loop.

    With ``enqueue_many=False`` each evaluation of ``tensors`` is one example, and a
    component of shape ``[x, y, z]`` comes out as ``[batch_size, x, y, z]``. With
    ``enqueue_many=True`` each evaluation is already a batch along the first dimension
    (equal in every component), whose rows are enqueued as separate examples.

    ``capacity`` bounds how many examples the threads prefetch. The result is the output
    of a dequeue: once the input runs out (a producer's ``num_epochs``), evaluating it raises
    ``tf.errors.OutOfRangeError``.

    With ``dynamic_pad``, components may have unknown dimensions (a ``PaddingFIFOQueue``),
    padded with zeros to the largest in each batch. SparseTensors are not batched.

    Args:
      tensors: A list or dict of tensors: one example (or a batch of them).
      batch_size: The number of examples in each batch.
      num_threads: How many threads enqueue ``tensors``; with more than one, the order of
        the examples in the batches is not deterministic.
      capacity: An integer, the most examples the queue holds.
      enqueue_many: Whether each tensor in ``tensors`` is a single example (False) or a
        batch of examples whose first dimension indexes them (True).
      shapes: (Optional) The shape of each component of an example; by default the static
        shapes of ``tensors``.
      dynamic_pad: Boolean. If True, the shapes may have unknown dimensions, which each
        dequeue pads with zeros to the batch's largest size.
      allow_smaller_final_batch: (Optional) Boolean. If True, the last batch may hold
        fewer than ``batch_size`` examples once the input runs out (a ``dequeue_up_to``; the
        batch dimension is then unknown at graph build); if False, those are dropped.
      shared_name: (Optional). If set, the queue's resource name (see ``tf.FIFOQueue``).
      name: (Optional) A name for the operations.

    Returns:
      The batch, in the form of ``tensors`` (a list, or a dict with its keys); a list of
      one tensor gives that tensor's batch alone.

    Raises:
      ValueError: if no tensors are given, or ``shapes`` is not given and a tensor's rank
        is unknown (or, with ``enqueue_many``, is 0).
      TypeError: if the tensor lists' dtypes disagree.
    """
    return _batch_pipeline(
        tensors,
        batch_size,
        capacity,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        num_threads=num_threads,
        dynamic_pad=dynamic_pad,
    )


def batch_join(
    tensors_list,
    batch_size,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Returns batches of examples enqueued by several threads, one per tensor list.

    Each element of ``tensors_list`` is what ``tensors`` is to ``tf.train.batch``, and is
    enqueued by its own thread (say, one reader per file), all into one queue: the elements
    must agree in dtypes and have compatible shapes.

    Args:
      tensors_list: A list of lists (or tuples, or dicts) of tensors, one per enqueuing
        thread.
      batch_size: An integer, the number of examples in each batch.
      capacity: An integer, the most examples the queue holds.
      enqueue_many: Whether each tensor in ``tensors_list[i]`` is a single example (False) or a
        batch of examples whose first dimension indexes them (True).
      shapes: (Optional) The shape of each component of an example; by default the static
        shapes of ``tensors_list[i]``.
      dynamic_pad: Boolean. If True, the shapes may have unknown dimensions, which each
        dequeue pads with zeros to the batch's largest size.
      allow_smaller_final_batch: (Optional) Boolean. If True, the last batch may hold
        fewer than ``batch_size`` examples once the input runs out (a ``dequeue_up_to``; the
        batch dimension is then unknown at graph build); if False, those are dropped.
      shared_name: (Optional). If set, the queue's resource name (see ``tf.FIFOQueue``).
      name: (Optional) A name for the operations.

    Returns:
      The batch, in the form of ``tensors_list[0]``.

    Raises:
      ValueError: if no tensors are given, or ``shapes`` is not given and a tensor's rank
        is unknown (or, with ``enqueue_many``, is 0).
      TypeError: if the tensor lists' dtypes disagree.
    """
    return _batch_pipeline(
        tensors_list,
        batch_size,
        capacity,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        join=True,
        dynamic_pad=dynamic_pad,
    )


def _shuffle_queue(
    tensor_list_list, shapes, capacity, min_after_dequeue, seed, shared_name, enqueue_many
):
    if capacity <= min_after_dequeue:
        raise ValueError(
            f"capacity {capacity} must be bigger than min_after_dequeue {min_after_dequeue}."
        )
    types = _component_dtypes(tensor_list_list)
    shapes = _shapes(tensor_list_list, shapes, enqueue_many)
    return data_flow_ops.RandomShuffleQueue(
        capacity=capacity,
        min_after_dequeue=min_after_dequeue,
        seed=seed,
        dtypes=types,
        shapes=shapes,
        shared_name=shared_name,
    )


def shuffle_batch(
    tensors,
    batch_size,
    capacity,
    min_after_dequeue,
    num_threads=1,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Returns batches of the examples ``tensors`` evaluates to, in random order.

    The graph gets a ``tf.RandomShuffleQueue`` that ``tensors`` are enqueued into, a
    ``QueueRunner`` in the ``QUEUE_RUNNER`` collection whose ``num_threads`` threads do the
    enqueueing (start them with ``tf.train.start_queue_runners``), and a ``dequeue_many``
    that makes the batches.

    With ``enqueue_many=False`` each evaluation of ``tensors`` is one example (a
    component of shape ``[x, y, z]`` comes out as ``[batch_size, x, y, z]``); with
    ``enqueue_many=True`` it is a batch of examples along the first dimension.

    ``min_after_dequeue`` is the number of elements a dequeue leaves in the queue, so that
    the examples a batch is drawn from are well mixed; a larger value shuffles better but
    takes longer to fill and more memory. ``capacity`` must exceed it; TF1 suggests
    ``min_after_dequeue + (num_threads + a small safety margin) * batch_size``.

        images, labels = tf.train.shuffle_batch(
            [image, label], batch_size=128, num_threads=2,
            min_after_dequeue=5000, capacity=5000 + 4 * 128)

    The result is the output of a dequeue, which raises ``tf.errors.OutOfRangeError``
    once the input runs out. With the same seeds, the order of the examples is TF1's (TF's
    Philox stream in the queue).

    Args:
      tensors: A list or dict of tensors: one example (or a batch of them).
      batch_size: The number of examples in each batch.
      capacity: An integer, the most examples the queue holds.
      min_after_dequeue: How many elements a dequeue leaves in the queue (until it
        closes), so that batches are drawn from a well-mixed pool.
      num_threads: How many threads enqueue ``tensors``.
      seed: Seed for the random shuffling within the queue.
      enqueue_many: Whether each tensor in ``tensors`` is a single example (False) or a
        batch of examples whose first dimension indexes them (True).
      shapes: (Optional) The shape of each component of an example; by default the static
        shapes of ``tensors``.
      allow_smaller_final_batch: (Optional) Boolean. If True, the last batch may hold
        fewer than ``batch_size`` examples once the input runs out (a ``dequeue_up_to``; the
        batch dimension is then unknown at graph build); if False, those are dropped.
      shared_name: (Optional). If set, the queue's resource name (see ``tf.FIFOQueue``).
      name: (Optional) A name for the operations.

    Returns:
      The batch, in the form of ``tensors``.

    Raises:
      ValueError: if ``capacity`` is not above ``min_after_dequeue``, no tensors are given,
        or ``shapes`` is not given and a tensor's rank is unknown.
    """
    return _batch_pipeline(
        tensors,
        batch_size,
        capacity,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        num_threads=num_threads,
        min_after_dequeue=min_after_dequeue,
        seed=seed,
    )


def shuffle_batch_join(
    tensors_list,
    batch_size,
    capacity,
    min_after_dequeue,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Returns random batches of examples enqueued by several threads, one per tensor list.

    Each element of ``tensors_list`` is what ``tensors`` is to ``tf.train.shuffle_batch``,
    and is enqueued by its own thread into one ``RandomShuffleQueue``: use it to read
    several files in parallel and mix their examples.

    Args:
      tensors_list: A list of lists (or tuples, or dicts) of tensors, one per enqueuing
        thread.
      batch_size: An integer, the number of examples in each batch.
      capacity: An integer, the most examples the queue holds.
      min_after_dequeue: How many elements a dequeue leaves in the queue (until it
        closes), so that batches are drawn from a well-mixed pool.
      seed: Seed for the random shuffling within the queue.
      enqueue_many: Whether each tensor in ``tensors_list[i]`` is a single example (False) or a
        batch of examples whose first dimension indexes them (True).
      shapes: (Optional) The shape of each component of an example; by default the static
        shapes of ``tensors_list[i]``.
      allow_smaller_final_batch: (Optional) Boolean. If True, the last batch may hold
        fewer than ``batch_size`` examples once the input runs out (a ``dequeue_up_to``; the
        batch dimension is then unknown at graph build); if False, those are dropped.
      shared_name: (Optional). If set, the queue's resource name (see ``tf.FIFOQueue``).
      name: (Optional) A name for the operations.

    Returns:
      The batch, in the form of ``tensors_list[0]``.

    Raises:
      ValueError: if ``capacity`` is not above ``min_after_dequeue``, no tensors are given,
        or ``shapes`` is not given and a tensor's rank is unknown.
    """
    return _batch_pipeline(
        tensors_list,
        batch_size,
        capacity,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        join=True,
        min_after_dequeue=min_after_dequeue,
        seed=seed,
    )


__all__ = [
    "batch",
    "batch_join",
    "input_producer",
    "limit_epochs",
    "range_input_producer",
    "shuffle_batch",
    "shuffle_batch_join",
    "slice_input_producer",
    "string_input_producer",
]
