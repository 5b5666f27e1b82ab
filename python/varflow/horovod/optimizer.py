"""Horovod's DistributedOptimizer: any varflow optimizer, with its gradients averaged over the
ranks before they are applied.

Convention (Horovod's): each rank trains on its own shard of the batch, so with `op=Average`
the averaged gradient is the gradient of the whole (size() times larger) batch; scale the
learning rate by `hvd.size()` to keep the per-example step of a single-process run, or leave it
to match a single process on the whole batch exactly.
"""

from __future__ import annotations

from varflow.graph import convert_to_tensor, get_default_graph
from varflow.horovod import basics
from varflow.horovod.compression import Compression, FP16Compressor, NoneCompressor
from varflow.horovod.mpi_ops import Average, _normalize_name, _reduce_op, allreduce
from varflow.train.optimizer import Optimizer


class DistributedOptimizer(Optimizer):
    """An optimizer that wraps another and allreduces its gradients (Horovod's TF1 API).

    `compute_gradients` calls the wrapped optimizer's and reduces every gradient over the
    ranks with one op (the gradients travel in shared fusion buffers, up to
    ``HOROVOD_FUSION_THRESHOLD`` bytes, 64 MB by default); `apply_gradients` is the wrapped
    optimizer's, so `minimize` works as usual and so does clipping the reduced gradients
    (`tf.clip_by_global_norm`) between the two. Only the variables in `var_list` (by default the
    trainable ones) are reduced, and a variable frozen in a run (`RunOptions(frozen_variables=...)`)
    is not reduced in that run; every rank must freeze the same variables.
    """

    def __init__(
        self,
        optimizer,
        name=None,
        use_locking=False,
        device_dense="",
        device_sparse="",
        compression=Compression.none,
        sparse_as_dense=False,
        op=Average,
        backward_passes_per_step=1,
        average_aggregated_gradients=False,
    ):
        """Wraps `optimizer`.

        Args:
          optimizer: The `tf.train.Optimizer` that applies the averaged gradients.
          name: The optimizer's name (default "Distributed" + the wrapped optimizer's name).
          use_locking: Accepted for TF1 compatibility (the wrapped optimizer's setting rules).
          device_dense: Accepted for Horovod compatibility (CPU only).
          device_sparse: Accepted for Horovod compatibility.
          compression: `hvd.Compression.none` or `hvd.Compression.fp16` (float32 gradients
            travel as float16), or a `Compressor` subclass.
          sparse_as_dense: Accepted: varflow's gradients are dense tensors.
          op: `hvd.Average` (default) or `hvd.Sum`.
          backward_passes_per_step: How many `compute_gradients` results to accumulate locally
            before one allreduce (only 1 is supported).
          average_aggregated_gradients: Accepted with backward_passes_per_step=1.

        Raises:
          ValueError: For `op=hvd.Adasum` or backward_passes_per_step other than 1.
        """
        if backward_passes_per_step != 1:
            raise ValueError(
                "varflow.horovod.DistributedOptimizer supports backward_passes_per_step=1 only, "
                f"got {backward_passes_per_step}"
            )
        self._optimizer = optimizer
        self._reduce_op = _reduce_op(op, None)
        self._compression = compression
        self._sparse_as_dense = sparse_as_dense
        self._average_aggregated_gradients = average_aggregated_gradients
        super().__init__(use_locking=use_locking, name=name or "Distributed" + optimizer.get_name())

    def _make_core(self):
        return self._optimizer._core

    def compute_gradients(self, *args, **kwargs):
        """The wrapped optimizer's gradients, allreduced over the ranks.

        Takes the arguments of `tf.train.Optimizer.compute_gradients`. With one rank the
        gradients are returned as they are (Horovod's behaviour).

        Args:
          *args: Passed to the wrapped optimizer's `compute_gradients`.
          **kwargs: Passed to the wrapped optimizer's `compute_gradients`.

        Returns:
          A list of (gradient, variable) pairs; gradients that were None stay None.
        """
        gradients = self._optimizer.compute_gradients(*args, **kwargs)
        if basics.size() == 1:
            return gradients
        pairs = [(convert_to_tensor(g), v) for g, v in gradients if g is not None]
        if not pairs:
            return gradients
        if self._compression in (Compression.none, Compression.fp16) or isinstance(
            self._compression, (NoneCompressor, FP16Compressor)
        ):
            inputs = []
            for g, v in pairs:
                inputs += [g, v._ref_tensor]
            node = get_default_graph().create_op(
                "HorovodAllreduceGradients",
                inputs,
                {"reduce_op": self._reduce_op, "compression": self._compression.wire},
                name="DistributedOptimizer_Allreduce",
            )
            reduced = list(node._outputs)
        else:
            reduced = [
                allreduce(
                    g,
                    compression=self._compression,
                    op=self._reduce_op,
                    name="DistributedOptimizer_Allreduce/" + _normalize_name(v.op.name),
                )
                for g, v in pairs
            ]
        it = iter(reduced)
        return [(None, v) if g is None else (next(it), v) for g, v in gradients]

    def apply_gradients(self, *args, **kwargs):
        """The wrapped optimizer's `apply_gradients`.

        Args:
          *args: Passed to the wrapped optimizer's `apply_gradients`.
          **kwargs: Passed to the wrapped optimizer's `apply_gradients`.

        Returns:
          What the wrapped optimizer's `apply_gradients` returns.
        """
        return self._optimizer.apply_gradients(*args, **kwargs)

    def get_slot(self, *args, **kwargs):
        """The wrapped optimizer's `get_slot`.

        Args:
          *args: Passed to the wrapped optimizer's `get_slot`.
          **kwargs: Passed to the wrapped optimizer's `get_slot`.

        Returns:
          What the wrapped optimizer's `get_slot` returns.
        """
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args, **kwargs):
        """The wrapped optimizer's `get_slot_names`.

        Args:
          *args: Passed to the wrapped optimizer's `get_slot_names`.
          **kwargs: Passed to the wrapped optimizer's `get_slot_names`.

        Returns:
          What the wrapped optimizer's `get_slot_names` returns.
        """
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args, **kwargs):
        """The wrapped optimizer's `variables`.

        Args:
          *args: Passed to the wrapped optimizer's `variables`.
          **kwargs: Passed to the wrapped optimizer's `variables`.

        Returns:
          What the wrapped optimizer's `variables` returns.
        """
        return self._optimizer.variables(*args, **kwargs)
