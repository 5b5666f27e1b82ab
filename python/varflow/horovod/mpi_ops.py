"""Horovod's collectives as graph ops: allreduce, grouped_allreduce, allgather, broadcast.

Each builds a C++ op (HorovodAllreduce, HorovodGroupedAllreduce, HorovodAllgather,
HorovodBroadcast) whose kernel hands the tensor to the collective runtime's thread, so a
training step never enters Python. Tensors are matched across ranks by op name: build the same
graph on every rank. All are differentiable (the allreduce's gradient is an allreduce, the
allgather's this rank's slice of the summed gradient, the broadcast's the summed gradient on
the root and zeros elsewhere).
"""

from __future__ import annotations

import re

from varflow.graph import convert_to_tensor, get_default_graph
from varflow.horovod.compression import Compression

# Horovod's reduction ops.
Average = 0
Sum = 1
Adasum = 2


def _normalize_name(name: str) -> str:
    return re.sub("[^a-zA-Z0-9_]", "_", name)


def _default_name(prefix: str, tensor) -> str:
    """Horovod's op name for `tensor`: the prefix and the tensor's name in a graph; in eager mode
    (where tensors have no names) the prefix, which the graph numbers in program order, the same
    on every rank."""
    if getattr(get_default_graph(), "_is_eager", False):
        return prefix
    return prefix + "_" + _normalize_name(tensor.name)


def _reduce_op(op, average) -> int:
    if op is not None and average is not None:
        raise ValueError("The op parameter supersedes average. Please provide only one of them.")
    if op is None:
        op = Average if average is None or average else Sum
    if op == Adasum:
        raise ValueError(
            "op=hvd.Adasum: varflow.horovod does not implement Adasum reduction "
            "(use hvd.Average or hvd.Sum)"
        )
    if op not in (Average, Sum):
        raise ValueError(f"op must be hvd.Average or hvd.Sum, got {op!r}")
    return int(op)


def _allreduce(tensor, name=None, op=Sum):
    """The raw allreduce op (no compression or scaling)."""
    tensor = convert_to_tensor(tensor)
    if name is None:
        name = _default_name("HorovodAllreduce", tensor)
    return (
        get_default_graph()
        .create_op("HorovodAllreduce", [tensor], {"reduce_op": int(op)}, name=name)
        ._outputs[0]
    )


def allreduce(
    tensor,
    average=None,
    device_dense="",
    device_sparse="",
    compression=Compression.none,
    op=None,
    prescale_factor=1.0,
    postscale_factor=1.0,
    name=None,
):
    """Reduces a tensor over all Horovod processes (average by default, or `op=hvd.Sum`).

    Args:
      tensor: The tensor to reduce (float16/32/64; int32/int64 with `op=hvd.Sum`).
      average: Deprecated: True for Average, False for Sum (give `op` instead).
      device_dense: Accepted for Horovod compatibility (varflow runs on the CPU).
      device_sparse: Accepted for Horovod compatibility.
      compression: `hvd.Compression.none` or `hvd.Compression.fp16`, applied for the transfer.
      op: `hvd.Average` or `hvd.Sum`.
      prescale_factor: Multiplies the tensor before the reduction.
      postscale_factor: Multiplies the result.
      name: The op's name (the name matched across ranks); by default derived from `tensor`'s.

    Returns:
      A tensor of the same shape and dtype, equal on every rank.

    Raises:
      ValueError: For `op=hvd.Adasum` or both `op` and `average`.
    """
    from varflow.math_ops import multiply

    reduce_op = _reduce_op(op, average)
    tensor = convert_to_tensor(tensor)
    if prescale_factor != 1.0:
        tensor = multiply(tensor, prescale_factor)
    compressed, ctx = compression.compress(tensor)
    reduced = _allreduce(compressed, name=name, op=reduce_op)
    out = compression.decompress(reduced, ctx)
    if postscale_factor != 1.0:
        out = multiply(out, postscale_factor)
    return out


def grouped_allreduce(tensors, average=None, compression=Compression.none, op=None, name=None):
    """Allreduces many tensors with one op, so they travel in shared fusion buffers.

    Args:
      tensors: A list of `Tensor`s to reduce.
      average: Deprecated spelling of `op`: True for Average, False for Sum.
      compression: `Compression.none` or `Compression.fp16`, applied to each tensor.
      op: `Average` (the default) or `Sum`.
      name: A name for the operation (optional).

    Returns:
      A list of the reduced tensors, in order.
    """
    reduce_op = _reduce_op(op, average)
    tensors = [convert_to_tensor(t) for t in tensors]
    if not tensors:
        return []
    pairs = [compression.compress(t) for t in tensors]
    node = get_default_graph().create_op(
        "HorovodGroupedAllreduce",
        [c for c, _ in pairs],
        {"reduce_op": reduce_op},
        name=name or "HorovodGroupedAllreduce",
    )
    return [
        compression.decompress(t, ctx) for t, (_, ctx) in zip(node._outputs, pairs, strict=True)
    ]


def allgather(tensor, name=None):
    """Concatenates the ranks' tensors along the first dimension, in rank order.

    The first dimension may differ between ranks; the others must agree.

    Args:
      tensor: The `Tensor` this rank contributes.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the ranks' tensors concatenated along dimension 0.

    Raises:
      FailedPreconditionError: At run time, when the ranks' other dimensions or dtypes differ.
    """
    tensor = convert_to_tensor(tensor)
    if name is None:
        name = _default_name("HorovodAllgather", tensor)
    return get_default_graph().create_op("HorovodAllgather", [tensor], name=name)._outputs[0]


def broadcast(tensor, root_rank, name=None):
    """Every rank receives `root_rank`'s value of `tensor`.

    Args:
      tensor: The `Tensor` to broadcast; same shape and dtype on every rank.
      root_rank: The rank whose value is sent.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` holding `root_rank`'s value.
    """
    tensor = convert_to_tensor(tensor)
    if name is None:
        name = _default_name("HorovodBroadcast", tensor)
    return (
        get_default_graph()
        .create_op("HorovodBroadcast", [tensor], {"root_rank": int(root_rank)}, name=name)
        ._outputs[0]
    )
