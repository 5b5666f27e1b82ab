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
        """Prepares a tensor to be sent.

        Args:
          tensor: The `Tensor` to send.

        Returns:
          A pair: the tensor to send, and a context that `decompress` needs.
        """

    @staticmethod
    @abc.abstractmethod
    def decompress(tensor, ctx):
        """Restores a received tensor.

        Args:
          tensor: The `Tensor` received.
          ctx: The context `compress` returned.

        Returns:
          The tensor in the dtype the caller sent.
        """


class NoneCompressor(Compressor):
    """Sends tensors as they are."""

    wire = "none"

    @staticmethod
    def compress(tensor):
        """Sends `tensor` unchanged.

        Args:
          tensor: The `Tensor` to send.

        Returns:
          `(tensor, None)`.
        """
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        """Returns the received `tensor` unchanged.

        Args:
          tensor: The `Tensor` received.
          ctx: Unused (None).

        Returns:
          `tensor`.
        """
        return tensor


class FP16Compressor(Compressor):
    """Sends floating-point tensors as float16 and casts the result back."""

    wire = "fp16"

    @staticmethod
    def compress(tensor):
        """Casts a floating-point tensor to float16 for sending.

        Args:
          tensor: The `Tensor` to send.

        Returns:
          The float16 tensor and its original dtype, or `(tensor, None)` when it is not a wider
          floating-point tensor.
        """
        if tensor.dtype.is_floating and tensor.dtype != dtypes.float16:
            return cast(tensor, dtypes.float16), tensor.dtype
        return tensor, None

    @staticmethod
    def decompress(tensor, ctx):
        """Casts a received float16 tensor back to the dtype it was sent from.

        Args:
          tensor: The `Tensor` received.
          ctx: The original dtype, or None when `compress` did not cast.

        Returns:
          The tensor in its original dtype.
        """
        return tensor if ctx is None else cast(tensor, ctx)


class Compression:
    """The compression algorithms: `Compression.none` and `Compression.fp16`."""

    none = NoneCompressor
    fp16 = FP16Compressor
