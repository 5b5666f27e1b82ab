"""``tf.train.maybe_batch`` and friends: batching that enqueues only the examples kept.

``keep_input`` is a bool scalar (the whole evaluation of ``tensors`` is enqueued or not) or,
with ``enqueue_many=True``, a bool vector selecting rows of the batch, as in TF1.
"""

from __future__ import annotations

from varflow.train.input import _batch_pipeline

__all__ = ["maybe_batch", "maybe_batch_join", "maybe_shuffle_batch", "maybe_shuffle_batch_join"]


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
        keep_input=keep_input,
    )


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
        keep_input=keep_input,
    )


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
        keep_input=keep_input,
    )


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
        keep_input=keep_input,
    )
