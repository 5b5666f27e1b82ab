"""Gradient compression for the allreduce (Horovod's ``hvd.Compression``)."""

from __future__ import annotations

import abc

from varflow import dtypes
from varflow.array_ops import cast


class Compressor(abc.ABC):
    """Interface: `compress` returns the tensor to send and a context, `decompress` undoes it."""

    @staticmethod
    @abc.abstractmethod
    def compress(tensor):
        """Returns (the tensor to send, a context for `decompress`)."""

    @staticmethod
    @abc.abstractmethod
    def decompress(tensor, ctx):
        """Returns the received tensor as the caller wants it."""


class NoneCompressor(Compressor):
    """Sends tensors as they are."""

    wire = "none"

    @staticmethod
    def compress(tensor):
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        return tensor


class FP16Compressor(Compressor):
    """Sends floating-point tensors as float16 and casts the result back."""

    wire = "fp16"

    @staticmethod
    def compress(tensor):
        if tensor.dtype.is_floating and tensor.dtype != dtypes.float16:
            return cast(tensor, dtypes.float16), tensor.dtype
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        return tensor if ctx is None else cast(tensor, ctx)


class Compression:
    """The compression algorithms: `Compression.none` and `Compression.fp16`."""

    none = NoneCompressor
    fp16 = FP16Compressor
