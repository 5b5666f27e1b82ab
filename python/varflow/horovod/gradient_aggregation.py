"""Local gradient aggregation for `DistributedOptimizer(backward_passes_per_step=k)`.

Horovod's scheme for TF1 graphs: every run adds its gradients into local accumulators (one
non-trainable LOCAL_VARIABLES variable per gradient, cleared when a cycle begins) and counts
the pass; the k-th pass allreduces the accumulated sums and resets the counter, and the wrapped
optimizer's update runs only then. The other passes leave the variables alone (a `global_step`
given to `apply_gradients` still advances on them, as in Horovod). With
`average_aggregated_gradients=True` the reduced sums are divided by k.
"""

from __future__ import annotations

from varflow.array_ops import identity
from varflow.control_flow_ops import cond, group, no_op
from varflow.graph import GraphKeys, control_dependencies, convert_to_tensor
from varflow.init_ops import zeros_initializer
from varflow.math_ops import divide, equal
from varflow.variable_scope import AUTO_REUSE, get_variable, variable_scope


class LocalGradientAggregationHelper:
    """Accumulates `backward_passes_per_step` passes of gradients before one allreduce."""

    def __init__(
        self, backward_passes_per_step, allreduce_grads, average_aggregated_gradients, rank
    ):
        """Makes the helper; the accumulators are made by `compute_gradients`.

        Args:
          backward_passes_per_step: How many runs to accumulate (k >= 1).
          allreduce_grads: `fn(grads, vars) -> grads`, the reduction over the ranks.
          average_aggregated_gradients: Divide the accumulated sum by k after the reduction.
          rank: A function returning this process's rank (it names the accumulators' scope, as
            in Horovod; called when the accumulators are made).

        Raises:
          ValueError: If `backward_passes_per_step` is not a positive integer.
        """
        if not isinstance(backward_passes_per_step, int) or backward_passes_per_step <= 0:
            raise ValueError(
                f"backward_passes_per_step must be > 0, got {backward_passes_per_step!r}"
            )
        self.backward_passes_per_step = backward_passes_per_step
        self._allreduce_grads = allreduce_grads
        self._average = average_aggregated_gradients
        self._rank = rank
        self.counter = None
        self._accumulators = []

    def _make_accumulators(self, grads, variables):
        with variable_scope(f"aggregation_variables_{self._rank()}", reuse=AUTO_REUSE):
            self.counter = get_variable(
                "aggregation_counter",
                shape=(),
                dtype="int32",
                initializer=zeros_initializer(),
                trainable=False,
                collections=[GraphKeys.LOCAL_VARIABLES],
            )
            for idx, (g, var) in enumerate(zip(grads, variables, strict=True)):
                # A dense gradient has its variable's shape (the gradient's static shape may
                # be less known).
                shape = var.shape.as_list()
                if None in shape:
                    raise ValueError(
                        "backward_passes_per_step > 1 needs variables of fully known shapes; "
                        f"{var.name} has shape {var.shape}"
                    )
                self._accumulators.append(
                    get_variable(
                        str(idx),
                        shape=shape,
                        dtype=g.dtype,
                        initializer=zeros_initializer(),
                        trainable=False,
                        collections=[GraphKeys.LOCAL_VARIABLES, "aggregating_collection"],
                    )
                )

    def compute_gradients(self, grads, variables):
        """Adds `grads` to the accumulators; on the k-th pass returns their allreduce.

        Args:
          grads: The gradients of one pass (None entries pass through as None).
          variables: The variables of `grads`, in order.

        Returns:
          One tensor per gradient (None where the gradient is None): the reduced accumulated
          sum on every k-th run, this pass's own gradient on the others (unused: the update is
          skipped then).
        """
        present = [i for i, g in enumerate(grads) if g is not None]
        dense = [convert_to_tensor(grads[i]) for i in present]
        dense_vars = [variables[i] for i in present]
        self._make_accumulators(dense, dense_vars)
        if not dense:
            return list(grads)
        clear = cond(
            equal(self.counter, 0),
            lambda: group(*[a.assign(a.initial_value) for a in self._accumulators]),
            no_op,
        )
        with control_dependencies([clear]):
            added = [a.assign_add(g) for a, g in zip(self._accumulators, dense, strict=True)]
        with control_dependencies([group(*added)]):
            counted = self.counter.assign_add(1)

        def reduce_accumulated():
            sums = [a.read_value() for a in self._accumulators]
            with control_dependencies([group(*sums)]):
                reduced = self._allreduce_grads(sums, dense_vars)
            with control_dependencies([g.op for g in reduced]):
                reset = self.counter.assign(0, use_locking=True)
            with control_dependencies([reset]):
                divisor = self.backward_passes_per_step if self._average else 1
                return [divide(g, divisor) for g in reduced]

        with control_dependencies([counted]):
            out = cond(
                equal(self.counter, self.backward_passes_per_step),
                reduce_accumulated,
                lambda: [identity(g) for g in dense],
            )
        if not isinstance(out, (list, tuple)):
            out = [out]
        result = list(grads)
        for i, g in zip(present, out, strict=True):
            result[i] = g
        return result

    def apply_gradients(self, apply, global_step=None):
        """Runs `apply()` (the wrapped optimizer's update) only on the reducing passes.

        Args:
          apply: A function building the update and returning its Operation.
          global_step: The `global_step` variable given to `apply_gradients`, if any: it is
            advanced by 1 on the passes that skip the update.

        Returns:
          The Operation to run each pass.
        """
        applied = cond(equal(self.counter, 0), apply, no_op)

        def advance():
            if global_step is None:
                return no_op()
            return global_step.assign_add(1, use_locking=True, read_value=False)

        with control_dependencies([applied]):
            return cond(equal(self.counter, 0), no_op, advance)
