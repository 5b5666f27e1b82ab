"""TF1's queues: ``tf.FIFOQueue``, ``tf.PaddingFIFOQueue``, ``tf.RandomShuffleQueue``.

A queue is a stateful C++ node (cpp/src/ops/queue_ops.cc); each Session holds its own queue
for it, created on the first run. Dequeues block until enough elements arrive, enqueues while
the queue is full, with TF1's errors: ``OutOfRangeError`` for a dequeue that a closed queue
cannot satisfy, ``CancelledError`` for an enqueue into a closed queue. The graph-building checks
and the op names (``fifo_queue_enqueue``, ``fifo_queue_DequeueMany``, ...) are TF1's.
"""

from __future__ import annotations

import hashlib
import types

from varflow import dtypes as _dtypes
from varflow import tensor_shape
from varflow.graph import control_dependencies, convert_to_tensor, get_default_graph, name_scope


def _as_type_list(dtypes):
    if not isinstance(dtypes, (list, tuple)):
        return [_dtypes.as_dtype(dtypes)]
    return [_dtypes.as_dtype(d) for d in dtypes]


def _as_shape_list(shapes, unknown_dim_allowed=False):
    if unknown_dim_allowed and (
        not isinstance(shapes, (list, tuple))
        or not shapes
        or any(s is None or isinstance(s, int) for s in shapes)
    ):
        raise ValueError("When providing partial shapes, a list of shapes must be provided.")
    if shapes is None:
        return None
    if isinstance(shapes, tensor_shape.TensorShape):
        shapes = [shapes]
    if not isinstance(shapes, (tuple, list)):
        raise TypeError(
            "Shapes must be a TensorShape or a list or tuple of TensorShapes, "
            f"got {type(shapes)} instead."
        )
    if all(s is None or isinstance(s, int) for s in shapes):
        shapes = [shapes]
    shapes = [tensor_shape.as_shape(s) for s in shapes]
    if not unknown_dim_allowed and any(not s.is_fully_defined() for s in shapes):
        raise ValueError(f"All shapes must be fully defined: {shapes}")
    if any(s.dims is None for s in shapes):
        raise ValueError(f"All shapes must have a defined rank: {shapes}")
    return shapes


def _as_name_list(names, dtypes):
    if names is None:
        return None
    if not isinstance(names, (list, tuple)):
        names = [names]
    if len(names) != len(dtypes):
        raise ValueError(
            "List of names must have the same length as the list of dtypes, received "
            f"len(names)={len(names)},len(dtypes)={len(dtypes)}"
        )
    return list(names)


def _type_codes(dtypes):
    return [int(d.base_dtype._core) for d in dtypes]


def _shape_codes(shapes):
    """The core's encoding of a shape list: [rank, dims...] per component, -1 unknown."""
    if shapes is None:
        return []
    flat = []
    for s in shapes:
        dims = s.as_list()
        flat.append(len(dims))
        flat.extend(-1 if d is None else int(d) for d in dims)
    return flat


def _check_graph_mode(kind):
    from varflow.eager import executing_eagerly

    if executing_eagerly():
        raise RuntimeError(
            f"tf.{kind} needs graph mode in varflow: build it in a tf.Graph and run it with a "
            "tf.Session (eager execution does not hold queues)."
        )


def _create_queue(op_type, attrs, name):
    graph = get_default_graph()
    # TF1 builds a queue in the init scope: outside any control-dependency block.
    with control_dependencies(None):
        return graph.create_op(op_type, [], attrs, name=name)._outputs[0]


class QueueBase:
    """The operations every queue has (TF1's ``tf.QueueBase``).

    A queue keeps tensors from one ``Session.run`` to the next: producers add elements with
    enqueue ops and consumers take them with dequeue ops, usually from different threads.

    An element is a tuple of one or more tensors (its components); each component has a
    fixed dtype and possibly a fixed shape. Every queue can enqueue and dequeue one element
    (``enqueue``, ``dequeue``) or a batch of them stacked along a first dimension
    (``enqueue_many``, ``dequeue_many``, ``dequeue_up_to``), and has ``close``,
    ``is_closed`` and ``size``.

    The queue is a stateful C++ node; each Session holds its own queue for it, made the
    first time a run reaches it. Dequeues block until enough elements are there and
    enqueues while the queue is full, with TF1's errors: ``OutOfRangeError`` for a dequeue a
    closed queue cannot satisfy, ``CancelledError`` for an enqueue into a closed queue (and
    for ops blocked when the session closes); ``RunOptions(timeout_in_ms=...)`` bounds a
    blocked run with ``DeadlineExceededError``.

    See ``tf.FIFOQueue``, ``tf.PaddingFIFOQueue`` and ``tf.RandomShuffleQueue`` for the
    concrete queues.
    """

    def __init__(self, dtypes, shapes, names, queue_ref):
        """Wraps a queue node's output.

        The subclasses make the queue node and pass its output here; construct a subclass
        rather than ``QueueBase`` itself.

        Args:
          dtypes: The components' dtypes, one per tensor of an element.
          shapes: None (components of any shape), or one shape per component, in the order
            of ``dtypes``.
          names: None, or one name per component: the queue then enqueues and dequeues dicts
            keyed by these names.
          queue_ref: The queue node's output (its string handle).

        Raises:
          ValueError: If one of the arguments is invalid.
        """
        self._dtypes = dtypes
        if shapes is not None:
            if len(shapes) != len(dtypes):
                raise ValueError(
                    "Queue shapes must have the same length as dtypes, received "
                    f"len(shapes)={len(shapes)}, len(dtypes)={len(dtypes)}"
                )
            self._shapes = [tensor_shape.TensorShape(s) for s in shapes]
        else:
            self._shapes = [tensor_shape.unknown_shape() for _ in self._dtypes]
        if names is not None:
            if len(names) != len(dtypes):
                raise ValueError(
                    "Queue names must have the same length as dtypes,"
                    f"received len(names)={len(names)},len {len(dtypes)}"
                )
            self._names = names
        else:
            self._names = None
        self._queue_ref = queue_ref
        self._name = queue_ref.op.name.split("/")[-1]

    @property
    def queue_ref(self):
        """The underlying queue reference: the queue node's output (a string handle)."""
        return self._queue_ref

    @property
    def name(self):
        """The name of the underlying queue (its node's name)."""
        return self._queue_ref.op.name

    @property
    def dtypes(self):
        """The list of dtypes for each component of a queue element."""
        return self._dtypes

    @property
    def shapes(self):
        """The list of shapes for each component of a queue element."""
        return self._shapes

    @property
    def names(self):
        """The list of names for each component of a queue element, or None."""
        return self._names

    def _check_enqueue_dtypes(self, vals):
        if isinstance(vals, dict):
            if not self._names:
                raise ValueError("Queue must have names to enqueue a dictionary")
            if sorted(self._names, key=str) != sorted(vals.keys(), key=str):
                raise ValueError(
                    "Keys in dictionary to enqueue do not match names of Queue.  Dictionary: "
                    f"{sorted(vals.keys())},Queue: {sorted(self._names)}"
                )
            vals = [vals[k] for k in self._names]
        else:
            if self._names:
                raise ValueError("You must enqueue a dictionary in a Queue with names")
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
        # TF1 zips the values with the dtypes and drops the extra ones silently; a wrong count
        # is an error here.
        if len(vals) != len(self._dtypes):
            raise ValueError(
                f"Queue '{self.name}' holds {len(self._dtypes)} components, but "
                f"{len(vals)} values were given to enqueue"
            )
        return [
            convert_to_tensor(v, dtype=d, name=f"component_{i}")
            for i, (v, d) in enumerate(zip(vals, self._dtypes, strict=True))
        ]

    @staticmethod
    def _scope_vals(vals):
        if isinstance(vals, (list, tuple)):
            return vals
        if isinstance(vals, dict):
            return list(vals.values())
        return [vals]

    def enqueue(self, vals, name=None):
        """Returns an op that adds one element to the queue.

        A run of the op waits while the queue is full. It fails with
        ``tf.errors.CancelledError`` if the queue is already closed, or if, while it waits, the
        queue is closed with ``cancel_pending_enqueues=True`` or the session is closed.

        Args:
          vals: The element: a tensor, a list or tuple of tensors (one per component), or, for
            a queue with ``names``, a dict of them.
          name: A name for the operation (optional).

        Returns:
          The enqueue ``Operation``.

        Raises:
          ValueError: if the number of values differs from the queue's components (TF1 drops
            the extra values silently), their names do not match the queue's, or a shape is
            incompatible with the queue's.
          TypeError: if a value cannot be converted to its component's dtype.
        """
        with name_scope(name, f"{self._name}_enqueue", self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            for val, shape in zip(vals, self._shapes, strict=True):
                val.get_shape().assert_is_compatible_with(shape)
            return self._queue_ref.graph.create_op(
                "QueueEnqueueV2", [self._queue_ref, *vals], name=scope
            )

    def enqueue_many(self, vals, name=None):
        """Returns an op that adds the rows of ``vals`` to the queue, one element each.

        Each component is cut along its first dimension, slice ``i`` of every component
        making element ``i``; the components must agree on that dimension's size.

        A run waits until every element is in; it fails with ``tf.errors.CancelledError`` as
        ``enqueue`` does.

        Args:
          vals: The components, each with the elements along its first dimension: a tensor, a
            list or tuple of tensors, or, for a queue with ``names``, a dict of them.
          name: A name for the operation (optional).

        Returns:
          The enqueue ``Operation``.

        Raises:
          ValueError: if a value is a scalar, the values' first dimensions differ, the names do
            not match the queue's, or a slice's shape is incompatible with the queue's.
        """
        with name_scope(name, f"{self._name}_EnqueueMany", self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            batch_dim = None
            for val, shape in zip(vals, self._shapes, strict=True):
                val_shape = val.get_shape()
                if val_shape.ndims is not None and val_shape.ndims < 1:
                    raise ValueError(f"Shape {val_shape} must have rank at least 1")
                if val_shape.ndims is None:
                    continue
                b = val_shape.as_list()[0]
                if b is not None and batch_dim is not None and b != batch_dim:
                    raise ValueError(f"Dimensions {batch_dim} and {b} are not compatible")
                batch_dim = b if b is not None else batch_dim
                tensor_shape.TensorShape(val_shape.as_list()[1:]).assert_is_compatible_with(shape)
            return self._queue_ref.graph.create_op(
                "QueueEnqueueManyV2", [self._queue_ref, *vals], name=scope
            )

    def _dequeue_return_value(self, tensors):
        if self._names:
            return {n: tensors[i] for i, n in enumerate(self._names)}
        if len(tensors) == 1:
            return tensors[0]
        return tensors

    def dequeue(self, name=None):
        """Returns the tensors of one element taken from the queue.

        A run waits while the queue is empty. Once the queue is closed and empty (with no
        waiting enqueue that could still fill it), the run fails with
        ``tf.errors.OutOfRangeError``, the usual end of an input pipeline; closing the session
        fails a waiting run with ``tf.errors.CancelledError``.

        Args:
          name: A name for the operation (optional).

        Returns:
          The element's tensors: a list, a single tensor for a one-component queue, or a dict
          for a queue with ``names``.
        """
        if name is None:
            name = f"{self._name}_Dequeue"
        op = self._queue_ref.graph.create_op("QueueDequeueV2", [self._queue_ref], name=name)
        return self._dequeue_return_value(list(op.outputs))

    def _dequeue_n(self, op_type, n, name):
        n = convert_to_tensor(n, dtype=_dtypes.int32, name="n")
        op = self._queue_ref.graph.create_op(op_type, [self._queue_ref, n], name=name)
        return self._dequeue_return_value(list(op.outputs))

    def dequeue_many(self, n, name=None):
        """Returns ``n`` elements taken from the queue, stacked.

        The elements' components are stacked along a new first dimension of size ``n``. A
        run waits for ``n`` elements; if the queue is closed with fewer left, it fails with
        ``tf.errors.OutOfRangeError`` (and with ``CancelledError`` if the session closes while
        it waits). The queue's components need fully-defined shapes, except in a
        ``PaddingFIFOQueue``.

        Args:
          n: An int32 scalar (or scalar tensor), the number of elements.
          name: A name for the operation (optional).

        Returns:
          The stacked components, in the form ``dequeue`` returns them.
        """
        return self._dequeue_n("QueueDequeueManyV2", n, name or f"{self._name}_DequeueMany")

    def dequeue_up_to(self, n, name=None):
        """Returns up to ``n`` elements taken from the queue, stacked.

        Like ``dequeue_many``, except that once the queue is closed it returns the fewer than
        ``n`` elements it has left instead of failing; only when the closed queue is empty does
        the run raise ``tf.errors.OutOfRangeError``. Before the queue closes it waits for ``n``
        elements.

        Args:
          n: An int32 scalar (or scalar tensor), the number of elements.
          name: A name for the operation (optional).

        Returns:
          The stacked components, in the form ``dequeue`` returns them; their first dimension
          is at most ``n`` and unknown at graph build.
        """
        return self._dequeue_n("QueueDequeueUpToV2", n, name or f"{self._name}_DequeueUpTo")

    def close(self, cancel_pending_enqueues=False, name=None):
        """Returns an op that closes the queue.

        After a close, enqueues fail (``CancelledError``); dequeues still get the elements
        that are left, and a dequeue that would wait for more fails at once with
        ``OutOfRangeError`` (waking the runs that wait already).

        Args:
          cancel_pending_enqueues: (Optional.) If True, enqueues waiting on a full queue fail
            with ``CancelledError`` too; if False (the default), they still complete.
          name: A name for the operation (optional).

        Returns:
          The close ``Operation``.
        """
        if name is None:
            name = f"{self._name}_Close"
        return self._queue_ref.graph.create_op(
            "QueueCloseV2",
            [self._queue_ref],
            {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
            name=name,
        )

    def is_closed(self, name=None):
        """Returns whether the queue is closed, as a boolean scalar tensor.

        Args:
          name: A name for the operation (optional).

        Returns:
          A boolean scalar tensor: True if the queue is closed.
        """
        if name is None:
            name = f"{self._name}_Is_Closed"
        return self._queue_ref.graph.create_op(
            "QueueIsClosedV2", [self._queue_ref], name=name
        ).outputs[0]

    def size(self, name=None):
        """Returns the number of elements in the queue, as an int32 scalar tensor.

        Args:
          name: A name for the operation (optional).

        Returns:
          An int32 scalar tensor containing the number of elements in this queue.
        """
        if name is None:
            name = f"{self._name}_Size"
        return self._queue_ref.graph.create_op("QueueSizeV2", [self._queue_ref], name=name).outputs[
            0
        ]


class FIFOQueue(QueueBase):
    """A queue whose elements leave in the order they came.

    Its methods are ``tf.QueueBase``'s.
    """

    def __init__(
        self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"
    ):
        """Creates a first-in first-out queue.

        The queue holds up to ``capacity`` elements; any number of threads may enqueue and
        dequeue at once, and each element is dequeued exactly once. An element is a tuple of
        tensors of ``dtypes``. With ``shapes``, every component must have its fixed shape;
        without, elements may differ in shape but ``dequeue_many`` cannot stack them.

        Args:
          capacity: An integer, the most elements the queue holds at once.
          dtypes: A list of ``DType`` objects, one per component of an element.
          shapes: (Optional.) One fully-defined shape per component, or ``None`` (any
            shapes).
          names: (Optional.) One string per component, or ``None``: with names, elements are
            enqueued and dequeued as dicts keyed by them.
          shared_name: (Optional.) The queue's resource name (its handle's value); each Session
            still holds its own queue.
          name: Optional name for the queue operation.

        Raises:
          ValueError: if a shape is not fully defined, or ``shapes`` or ``names`` do not have
            the length of ``dtypes``.
          RuntimeError: if eager execution is enabled (varflow's queues need a graph and a
            Session).
        """
        _check_graph_mode("FIFOQueue")
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        if shapes is not None and len(shapes) != len(dtypes):
            raise ValueError(
                "Queue shapes must have the same length as dtypes, received "
                f"len(shapes)={len(shapes)}, len(dtypes)={len(dtypes)}"
            )
        ref = _create_queue(
            "FIFOQueueV2",
            {
                "component_types": _type_codes(dtypes),
                "shapes": _shape_codes(shapes),
                "capacity": int(capacity),
                "shared_name": shared_name or "",
            },
            name,
        )
        super().__init__(dtypes, shapes, names, ref)


class PaddingFIFOQueue(QueueBase):
    """A first-in first-out queue whose batch dequeues pad components of different sizes.

    Its components may vary in size along dimensions left unknown, and ``dequeue_many``
    still works: it pads them with zeros (see the constructor).

    Its methods are ``tf.QueueBase``'s.
    """

    def __init__(
        self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"
    ):
        """Creates a first-in first-out queue whose components may vary in size.

        As ``FIFOQueue``, but ``shapes`` is required and may leave dimensions unknown
        (``None``; the rank must be known): elements may differ in those dimensions, and
        ``dequeue_many``/``dequeue_up_to`` pad each component with zeros to the largest size in
        the batch.

        Args:
          capacity: An integer, the most elements the queue holds at once.
          dtypes: A list of ``DType`` objects, one per component of an element.
          shapes: One ``TensorShape`` (or list) per component; a ``None`` dimension may vary
            from element to element and is padded by the batch dequeues.
          names: (Optional.) One string per component, or ``None``: with names, elements are
            enqueued and dequeued as dicts keyed by them.
          shared_name: (Optional.) The queue's resource name (its handle's value); each Session
            still holds its own queue.
          name: Optional name for the queue operation.

        Raises:
          ValueError: if ``shapes`` is not a list of shapes, a shape has an unknown rank, or
            ``shapes`` or ``names`` do not have the length of ``dtypes``.
          RuntimeError: if eager execution is enabled.
        """
        _check_graph_mode("PaddingFIFOQueue")
        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes, unknown_dim_allowed=True)
        names = _as_name_list(names, dtypes)
        if len(dtypes) != len(shapes):
            raise ValueError(
                "Shapes must be provided for all components, but received "
                f"{len(dtypes)} dtypes and {len(shapes)} shapes."
            )
        ref = _create_queue(
            "PaddingFIFOQueueV2",
            {
                "component_types": _type_codes(dtypes),
                "shapes": _shape_codes(shapes),
                "capacity": int(capacity),
                "shared_name": shared_name or "",
            },
            name,
        )
        super().__init__(dtypes, shapes, names, ref)


class RandomShuffleQueue(QueueBase):
    """A queue whose dequeues pick elements at random.

    Each dequeue picks its elements at random from the queue, with TF's Philox random
    stream, so a queue with the same seeds hands out elements in the order TF1's does. See
    ``tf.QueueBase`` for a description of the methods on this class.
    """

    def __init__(
        self,
        capacity,
        min_after_dequeue,
        dtypes,
        shapes=None,
        names=None,
        seed=None,
        shared_name=None,
        name="random_shuffle_queue",
    ):
        """Creates a queue whose dequeues pick elements at random.

        The queue holds up to ``capacity`` elements of ``dtypes`` (with fixed ``shapes`` if
        given, as for ``FIFOQueue``); any number of threads may enqueue and dequeue at once,
        and each element is dequeued exactly once.

        A dequeue waits until it can leave at least ``min_after_dequeue`` elements behind, so
        that the elements it picks from are well mixed; once the queue is closed, that minimum
        no longer holds and the remaining elements are handed out.

        Args:
          capacity: An integer, the most elements the queue holds at once.
          min_after_dequeue: An integer (described above); it must be below ``capacity``
            (checked when the queue is made, at the first run).
          dtypes: A list of ``DType`` objects, one per component of an element.
          shapes: (Optional.) One fully-defined shape per component, or ``None`` (any
            shapes).
          names: (Optional.) One string per component, or ``None``: with names, elements are
            enqueued and dequeued as dicts keyed by them.
          seed: A Python integer, used with the graph-level seed (``tf.set_random_seed``) to
            seed the shuffling, as in TF1.
          shared_name: (Optional.) The queue's resource name (its handle's value); each Session
            still holds its own queue. Without an op seed, it salts the second seed as in TF1.
          name: Optional name for the queue operation.

        Raises:
          ValueError: if a shape is not fully defined, or ``shapes`` or ``names`` do not have
            the length of ``dtypes``.
          RuntimeError: if eager execution is enabled.
        """
        _check_graph_mode("RandomShuffleQueue")
        from varflow.init_ops import get_seed

        dtypes = _as_type_list(dtypes)
        shapes = _as_shape_list(shapes)
        names = _as_name_list(names, dtypes)
        if shapes is not None and len(shapes) != len(dtypes):
            raise ValueError(
                "Queue shapes must have the same length as dtypes, received "
                f"len(shapes)={len(shapes)}, len(dtypes)={len(dtypes)}"
            )
        seed1, seed2 = get_seed(seed)
        if seed1 is None and seed2 is None:
            seed1, seed2 = 0, 0
        elif seed is None and shared_name is not None:
            string = (str(seed1) + shared_name).encode("utf-8")
            seed2 = int(hashlib.md5(string).hexdigest()[:8], 16) & 0x7FFFFFFF
        ref = _create_queue(
            "RandomShuffleQueueV2",
            {
                "component_types": _type_codes(dtypes),
                "shapes": _shape_codes(shapes),
                "capacity": int(capacity),
                "min_after_dequeue": int(min_after_dequeue),
                "seed": int(seed1),
                "seed2": int(seed2),
                "shared_name": shared_name or "",
            },
            name,
        )
        super().__init__(dtypes, shapes, names, ref)


__all__ = ["FIFOQueue", "PaddingFIFOQueue", "QueueBase", "RandomShuffleQueue"]


def random_shuffle(value, seed=None, name=None):
    """Randomly shuffles a tensor along its first dimension.

    The tensor is shuffled along dimension 0, such that each `value[j]` is mapped to one and
    only one `output[i]`. For example, a mapping that might occur for a 3x2 tensor is:

    ```python
    [[1, 2],       [[5, 6],
     [3, 4],  ==>   [1, 2],
     [5, 6]]        [3, 4]]
    ```

    The permutation is TF's: the same seeds draw the same order as TF1's RandomShuffle.

    Args:
      value: A Tensor to be shuffled.
      seed: A Python integer. Used to create a random seed for the distribution. See
        `tf.compat.v1.set_random_seed` for behavior.
      name: A name for the operation (optional).

    Returns:
      A tensor of same shape and type as `value`, shuffled along its first dimension.
    """
    from varflow.train.input import _random_shuffle

    return _random_shuffle(value, seed=seed, name=name)


def count_up_to(ref, limit, name=None):
    """Increments 'ref' until it reaches 'limit'.

    Args:
      ref: A Variable. Must be one of the following types: `int32`, `int64`. Should be from a
        scalar `Variable` node.
      limit: An `int`. If incrementing ref would bring it above limit, instead generates an
        'OutOfRange' error.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `ref`. A copy of the input before increment. If
      nothing else modifies the input, the values produced will all be distinct.
    """
    from varflow.train.input import _count_up_to

    return _count_up_to(ref, limit, name=name)


# tf.queue: TF1's namespace for the queue classes.
queue = types.ModuleType("varflow.queue", "TF1's tf.queue namespace: the queue classes.")
queue.QueueBase = QueueBase
queue.FIFOQueue = FIFOQueue
queue.PaddingFIFOQueue = PaddingFIFOQueue
queue.RandomShuffleQueue = RandomShuffleQueue

__all__ += ["count_up_to", "queue", "random_shuffle"]
