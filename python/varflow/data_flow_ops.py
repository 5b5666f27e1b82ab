"""TF1's queues: ``tf.FIFOQueue``, ``tf.PaddingFIFOQueue``, ``tf.RandomShuffleQueue``.

A queue is a stateful C++ node (cpp/src/ops/queue_ops.cc); each Session holds its own queue
for it, created on the first run. Dequeues block until enough elements arrive, enqueues while
the queue is full, with TF1's errors: ``OutOfRangeError`` for a dequeue that a closed queue
cannot satisfy, ``CancelledError`` for an enqueue into a closed queue. The graph-building checks
and the op names (``fifo_queue_enqueue``, ``fifo_queue_DequeueMany``, ...) are TF1's.
"""

from __future__ import annotations

import hashlib

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
    """TF1's ``tf.QueueBase``: the operations every queue has."""

    def __init__(self, dtypes, shapes, names, queue_ref):
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
        return self._queue_ref

    @property
    def name(self):
        return self._queue_ref.op.name

    @property
    def dtypes(self):
        return self._dtypes

    @property
    def shapes(self):
        return self._shapes

    @property
    def names(self):
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
        """Enqueues one element; the op blocks while the queue is full."""
        with name_scope(name, f"{self._name}_enqueue", self._scope_vals(vals)) as scope:
            vals = self._check_enqueue_dtypes(vals)
            for val, shape in zip(vals, self._shapes, strict=True):
                val.get_shape().assert_is_compatible_with(shape)
            return self._queue_ref.graph.create_op(
                "QueueEnqueueV2", [self._queue_ref, *vals], name=scope
            )

    def enqueue_many(self, vals, name=None):
        """Enqueues the slices of `vals` along their first dimension, one element each."""
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
        """Dequeues one element; the op blocks until one is there (OutOfRangeError once the
        queue is closed and empty)."""
        if name is None:
            name = f"{self._name}_Dequeue"
        op = self._queue_ref.graph.create_op("QueueDequeueV2", [self._queue_ref], name=name)
        return self._dequeue_return_value(list(op.outputs))

    def _dequeue_n(self, op_type, n, name):
        n = convert_to_tensor(n, dtype=_dtypes.int32, name="n")
        op = self._queue_ref.graph.create_op(op_type, [self._queue_ref, n], name=name)
        return self._dequeue_return_value(list(op.outputs))

    def dequeue_many(self, n, name=None):
        """Dequeues `n` elements stacked along a new first dimension."""
        return self._dequeue_n("QueueDequeueManyV2", n, name or f"{self._name}_DequeueMany")

    def dequeue_up_to(self, n, name=None):
        """As dequeue_many, but a closed queue hands out the fewer elements it has left."""
        return self._dequeue_n("QueueDequeueUpToV2", n, name or f"{self._name}_DequeueUpTo")

    def close(self, cancel_pending_enqueues=False, name=None):
        """Closes the queue: later enqueues fail, blocked dequeues wake."""
        if name is None:
            name = f"{self._name}_Close"
        return self._queue_ref.graph.create_op(
            "QueueCloseV2",
            [self._queue_ref],
            {"cancel_pending_enqueues": bool(cancel_pending_enqueues)},
            name=name,
        )

    def is_closed(self, name=None):
        if name is None:
            name = f"{self._name}_Is_Closed"
        return self._queue_ref.graph.create_op(
            "QueueIsClosedV2", [self._queue_ref], name=name
        ).outputs[0]

    def size(self, name=None):
        if name is None:
            name = f"{self._name}_Size"
        return self._queue_ref.graph.create_op("QueueSizeV2", [self._queue_ref], name=name).outputs[
            0
        ]


class FIFOQueue(QueueBase):
    """TF1's ``tf.FIFOQueue(capacity, dtypes, shapes=None, names=None, shared_name=None,
    name='fifo_queue')``: elements leave in the order they came."""

    def __init__(
        self, capacity, dtypes, shapes=None, names=None, shared_name=None, name="fifo_queue"
    ):
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
    """TF1's ``tf.PaddingFIFOQueue``: a FIFO queue whose shapes may leave dimensions unknown;
    dequeue_many pads them with zeros to the batch's largest."""

    def __init__(
        self, capacity, dtypes, shapes, names=None, shared_name=None, name="padding_fifo_queue"
    ):
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
    """TF1's ``tf.RandomShuffleQueue``: dequeues pick a random element (TF's Philox stream for
    the same seeds), keeping at least `min_after_dequeue` until the queue closes."""

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
