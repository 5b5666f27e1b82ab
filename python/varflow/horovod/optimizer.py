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
from varflow.horovod.gradient_aggregation import LocalGradientAggregationHelper
from varflow.horovod.mpi_ops import Average, _normalize_name, _reduce_op, allreduce
from varflow.train.optimizer import Optimizer


class DistributedOptimizer(Optimizer):
    """An optimizer that wraps another and allreduces its gradients (Horovod's TF1 API).

    `compute_gradients` calls the wrapped optimizer's and reduces every gradient over the
    ranks: each gradient's allreduce starts as soon as the backward pass has produced it
    (a ``HorovodAllreduceStart`` op, which the plan runs right after the gradient's producer)
    and travels on the collective runtime's thread while the rest of the backward pass runs;
    one ``HorovodAllreduceWait`` before the update collects them. Gradients that become ready
    together share fusion buffers (up to ``HOROVOD_FUSION_THRESHOLD`` bytes, 64 MB by default).
    `apply_gradients` is the wrapped optimizer's, so `minimize` works as usual and so does
    clipping the reduced gradients (`tf.clip_by_global_norm`) between the two. Only the
    variables in `var_list` (by default the trainable ones) are reduced, and a variable frozen
    in a run (`RunOptions(frozen_variables=...)`) is not reduced in that run; every rank must
    freeze the same variables.

    With ``backward_passes_per_step=k > 1`` the gradients of k runs are summed locally (in
    LOCAL_VARIABLES accumulators, so initialise them with `tf.local_variables_initializer()`)
    and reduced and applied on every k-th run only; ``average_aggregated_gradients=True``
    divides the sum by k (Horovod's LocalGradientAggregationHelper).
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
          op: `hvd.Average` (default) or `hvd.Sum` (`hvd.Adasum` is refused: varflow does not
            implement Adasum).
          backward_passes_per_step: How many runs' gradients to accumulate locally before one
            allreduce and update (default 1: every run).
          average_aggregated_gradients: With backward_passes_per_step > 1, divide the
            accumulated gradients by backward_passes_per_step.

        Raises:
          ValueError: For `op=hvd.Adasum` or a backward_passes_per_step that is not a
            positive integer.
        """
        self._optimizer = optimizer
        self._reduce_op = _reduce_op(op, None)
        self._compression = compression
        self._sparse_as_dense = sparse_as_dense
        self._average_aggregated_gradients = average_aggregated_gradients
        self._agg_helper = None
        if backward_passes_per_step != 1:
            self._agg_helper = LocalGradientAggregationHelper(
                backward_passes_per_step,
                self._allreduce_grads,
                average_aggregated_gradients,
                basics.rank,
            )
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
        grads = [g for g, _ in gradients]
        variables = [v for _, v in gradients]
        if self._agg_helper is not None:
            reduced = self._agg_helper.compute_gradients(grads, variables)
        else:
            reduced = self._allreduce_grads(grads, variables)
        return list(zip(reduced, variables, strict=True))

    def _allreduce_grads(self, grads, variables):
        """The gradients (None entries stay None) reduced over the ranks, or as they are on 1."""
        if basics.size() == 1:
            return list(grads)
        pairs = [
            (convert_to_tensor(g), v)
            for g, v in zip(grads, variables, strict=True)
            if g is not None
        ]
        if not pairs:
            return list(grads)
        if self._compression in (Compression.none, Compression.fp16) or isinstance(
            self._compression, (NoneCompressor, FP16Compressor)
        ):
            graph = get_default_graph()
            handles = [
                graph.create_op(
                    "HorovodAllreduceStart",
                    [g, v._ref_tensor],
                    {"reduce_op": self._reduce_op, "compression": self._compression.wire},
                    name="DistributedOptimizer_Allreduce/start_" + _normalize_name(v.op.name),
                )._outputs[0]
                for g, v in pairs
            ]
            reduced = list(
                graph.create_op(
                    "HorovodAllreduceWait", handles, name="DistributedOptimizer_Allreduce/wait"
                )._outputs
            )
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
        return [None if g is None else next(it) for g in grads]

    def apply_gradients(self, *args, **kwargs):
        """The wrapped optimizer's `apply_gradients`.

        With backward_passes_per_step > 1 the update runs only on the runs that reduced the
        accumulated gradients (a `global_step` advances on the others too).

        Args:
          *args: Passed to the wrapped optimizer's `apply_gradients`.
          **kwargs: Passed to the wrapped optimizer's `apply_gradients`.

        Returns:
          What the wrapped optimizer's `apply_gradients` returns (an Operation running it
          every backward_passes_per_step-th run, with backward_passes_per_step > 1).
        """
        if self._agg_helper is None:
            return self._optimizer.apply_gradients(*args, **kwargs)
        global_step = kwargs.get("global_step", args[1] if len(args) > 1 else None)
        return self._agg_helper.apply_gradients(
            lambda: self._optimizer.apply_gradients(*args, **kwargs), global_step
        )

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
