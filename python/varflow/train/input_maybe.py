"""``tf.train.maybe_batch`` and friends: batching that enqueues only the examples kept.

``keep_input`` is a bool scalar (the whole evaluation of ``tensors`` is enqueued or not) or,
with ``enqueue_many=True``, a bool vector selecting rows of the batch, as in TF1.
"""

from __future__ import annotations

from varflow import dtypes as _dtypes
from varflow.graph import convert_to_tensor, name_scope
from varflow.train.input import (
    _as_original_type,
    _as_tensor_list,
    _as_tensor_list_list,
    _batch_queue,
    _check_graph_mode,
    _dequeue,
    _fraction_full,
    _fraction_over,
    _shuffle_queue,
    _validate,
)
from varflow.train.queue_runner import QueueRunner, add_queue_runner

__all__ = ["maybe_batch", "maybe_batch_join", "maybe_shuffle_batch", "maybe_shuffle_batch_join"]


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


def _maybe_enqueue(queue, tensor_list, enqueue_many, keep_input):
    """The enqueue op of `tensor_list`, restricted to what `keep_input` keeps."""
    from varflow import array_ops, control_flow_ops
    from varflow.check_ops import constant_value
    from varflow.graph import control_dependencies

    enqueue_fn = queue.enqueue_many if enqueue_many else queue.enqueue
    if keep_input.shape.ndims == 1:
        return enqueue_fn([array_ops.boolean_mask(x, keep_input) for x in tensor_list])
    static = constant_value(keep_input)
    if static is not None:  # TF1's smart_cond decides at graph build
        return enqueue_fn(tensor_list) if bool(static) else control_flow_ops.no_op()

    def enqueue():
        with control_dependencies([enqueue_fn(tensor_list)]):
            return array_ops.constant(True)

    return control_flow_ops.cond(keep_input, enqueue, lambda: array_ops.constant(False)).op


def maybe_batch(
    tensors,
    keep_input,
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
    """Conditionally creates batches of tensors based on `keep_input`.

    See docstring in `batch` for more details.

    Args:
      tensors: The list or dictionary of tensors to enqueue.
      keep_input: A `bool` Tensor. This tensor controls whether the input is added to the
        queue or not. If it is a scalar and evaluates `True`, then `tensors` are all added to
        the queue. If it is a vector and `enqueue_many` is `True`, then each example is added
        to the queue only if the corresponding value in `keep_input` is `True`. This tensor
        essentially acts as a filtering mechanism.
      batch_size: The new batch size pulled from the queue.
      num_threads: The number of threads enqueuing `tensors`.
      capacity: An integer. The maximum number of elements in the queue.
      enqueue_many: Whether each tensor in `tensors` is a single example.
      shapes: (Optional) The shapes for each example. Defaults to the inferred shapes for
        `tensors`.
      dynamic_pad: Boolean. Allow variable dimensions in input shapes.
      allow_smaller_final_batch: (Optional) Boolean. If `True`, allow the final batch to be
        smaller if there are insufficient items left in the queue.
      shared_name: (Optional). If set, this queue will be shared under the given name across
        multiple sessions.
      name: (Optional) A name for the operations.

    Returns:
      A list or dictionary of tensors with the same types as `tensors`.

    Raises:
      ValueError: If the `shapes` are not specified, and cannot be inferred from the elements
        of `tensors`, or `keep_input` has an unsupported rank.
    """
    _check_graph_mode()
    tensor_list = _as_tensor_list(tensors)
    with name_scope(name, "batch", list(tensor_list)) as scope:
        tensor_list = _validate(tensor_list)
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        queue = _batch_queue(
            [tensor_list], shapes, capacity, dynamic_pad, shared_name, enqueue_many
        )
        enqueue = _maybe_enqueue(queue, tensor_list, enqueue_many, keep_input)
        add_queue_runner(QueueRunner(queue, [enqueue] * num_threads))
        _fraction_full(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors, dequeued)


def maybe_batch_join(
    tensors_list,
    keep_input,
    batch_size,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Runs a list of tensors to conditionally fill a queue to create batches.

    See docstring in `batch_join` for more details.

    Args:
      tensors_list: A list of tuples or dictionaries of tensors to enqueue.
      keep_input: A `bool` Tensor (scalar, or a vector with `enqueue_many`) selecting what is
        enqueued, as for `maybe_batch`.
      batch_size: An integer. The new batch size pulled from the queue.
      capacity: An integer. The maximum number of elements in the queue.
      enqueue_many: Whether each tensor in `tensor_list_list` is a single example.
      shapes: (Optional) The shapes for each example. Defaults to the inferred shapes for
        `tensor_list_list[i]`.
      dynamic_pad: Boolean. Allow variable dimensions in input shapes.
      allow_smaller_final_batch: (Optional) Boolean. If `True`, allow the final batch to be
        smaller if there are insufficient items left in the queue.
      shared_name: (Optional) If set, this queue will be shared under the given name across
        multiple sessions.
      name: (Optional) A name for the operations.

    Returns:
      A list or dictionary of tensors with the same number and types as `tensors_list[i]`.

    Raises:
      ValueError: If the `shapes` are not specified, and cannot be inferred from the elements
        of `tensor_list_list`, or `keep_input` has an unsupported rank.
    """
    _check_graph_mode()
    tensor_list_list = _as_tensor_list_list(tensors_list)
    flat = [t for tl in tensor_list_list for t in tl]
    with name_scope(name, "batch_join", flat) as scope:
        tensor_list_list = [_validate(tl, "batch_join()") for tl in tensor_list_list]
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        queue = _batch_queue(
            tensor_list_list, shapes, capacity, dynamic_pad, shared_name, enqueue_many
        )
        ops = [_maybe_enqueue(queue, tl, enqueue_many, keep_input) for tl in tensor_list_list]
        add_queue_runner(QueueRunner(queue, ops))
        _fraction_full(queue, capacity)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors_list[0], dequeued)


def maybe_shuffle_batch(
    tensors,
    batch_size,
    capacity,
    min_after_dequeue,
    keep_input,
    num_threads=1,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Creates batches by randomly shuffling conditionally-enqueued tensors.

    See docstring in `shuffle_batch` for more details.

    Args:
      tensors: The list or dictionary of tensors to enqueue.
      batch_size: The new batch size pulled from the queue.
      capacity: An integer. The maximum number of elements in the queue.
      min_after_dequeue: Minimum number elements in the queue after a dequeue, used to ensure
        a level of mixing of elements.
      keep_input: A `bool` Tensor (scalar, or a vector with `enqueue_many`) selecting what is
        enqueued, as for `maybe_batch`.
      num_threads: The number of threads enqueuing `tensor_list`.
      seed: Seed for the random shuffling within the queue.
      enqueue_many: Whether each tensor in `tensor_list` is a single example.
      shapes: (Optional) The shapes for each example. Defaults to the inferred shapes for
        `tensor_list`.
      allow_smaller_final_batch: (Optional) Boolean. If `True`, allow the final batch to be
        smaller if there are insufficient items left in the queue.
      shared_name: (Optional) If set, this queue will be shared under the given name across
        multiple sessions.
      name: (Optional) A name for the operations.

    Returns:
      A list or dictionary of tensors with the types as `tensors`.

    Raises:
      ValueError: If the `shapes` are not specified, and cannot be inferred from the elements
        of `tensors`, or `keep_input` has an unsupported rank.
    """
    _check_graph_mode()
    tensor_list = _as_tensor_list(tensors)
    with name_scope(name, "shuffle_batch", list(tensor_list)) as scope:
        tensor_list = _validate(tensor_list, "shuffle_batch()")
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        queue = _shuffle_queue(
            [tensor_list], shapes, capacity, min_after_dequeue, seed, shared_name, enqueue_many
        )
        enqueue = _maybe_enqueue(queue, tensor_list, enqueue_many, keep_input)
        add_queue_runner(QueueRunner(queue, [enqueue] * num_threads))
        _fraction_over(queue, capacity, min_after_dequeue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors, dequeued)


def maybe_shuffle_batch_join(
    tensors_list,
    batch_size,
    capacity,
    min_after_dequeue,
    keep_input,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Create batches by randomly shuffling conditionally-enqueued tensors.

    See docstring in `shuffle_batch_join` for more details.

    Args:
      tensors_list: A list of tuples or dictionaries of tensors to enqueue.
      batch_size: An integer. The new batch size pulled from the queue.
      capacity: An integer. The maximum number of elements in the queue.
      min_after_dequeue: Minimum number elements in the queue after a dequeue, used to ensure
        a level of mixing of elements.
      keep_input: A `bool` Tensor (scalar, or a vector with `enqueue_many`) selecting what is
        enqueued, as for `maybe_batch`.
      seed: Seed for the random shuffling within the queue.
      enqueue_many: Whether each tensor in `tensor_list_list` is a single example.
      shapes: (Optional) The shapes for each example. Defaults to the inferred shapes for
        `tensors_list[i]`.
      allow_smaller_final_batch: (Optional) Boolean. If `True`, allow the final batch to be
        smaller if there are insufficient items left in the queue.
      shared_name: (optional). If set, this queue will be shared under the given name across
        multiple sessions.
      name: (Optional) A name for the operations.

    Returns:
      A list or dictionary of tensors with the same number and types as `tensors_list[i]`.

    Raises:
      ValueError: If the `shapes` are not specified, and cannot be inferred from the elements
        of `tensors_list`, or `keep_input` has an unsupported rank.
    """
    _check_graph_mode()
    tensor_list_list = _as_tensor_list_list(tensors_list)
    flat = [t for tl in tensor_list_list for t in tl]
    with name_scope(name, "shuffle_batch_join", flat) as scope:
        tensor_list_list = [_validate(tl, "shuffle_batch_join()") for tl in tensor_list_list]
        keep_input = _validate_keep_input(keep_input, enqueue_many)
        queue = _shuffle_queue(
            tensor_list_list, shapes, capacity, min_after_dequeue, seed, shared_name, enqueue_many
        )
        ops = [_maybe_enqueue(queue, tl, enqueue_many, keep_input) for tl in tensor_list_list]
        add_queue_runner(QueueRunner(queue, ops))
        _fraction_over(queue, capacity, min_after_dequeue)
        dequeued = _dequeue(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original_type(tensors_list[0], dequeued)
