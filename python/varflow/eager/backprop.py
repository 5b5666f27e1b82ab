"""``tf.GradientTape``: gradients of eager computations from the ops' registered gradients.

What a tape records is the eager graph itself: the ops that ran while it was recording are
still nodes there, so ``gradient`` is the C++ ``gradients`` call that ``tf.gradients`` makes,
and its gradient nodes run at once (and are recorded by an enclosing tape, which gives second
order). Tensors computed before a tape started enter it as constants.
"""

from __future__ import annotations

import contextlib

from varflow import _core
from varflow.eager.context import eager_graph
from varflow.eager.tensor import EagerTensor
from varflow.gradients_impl import UnconnectedGradients
from varflow.graph import convert_to_tensor


def _flatten(structure):
    if isinstance(structure, (list, tuple)):
        out = []
        for s in structure:
            out.extend(_flatten(s))
        return out
    if isinstance(structure, dict):
        return _flatten([structure[k] for k in sorted(structure)])
    return [structure]


def _pack_like(structure, flat):
    it = iter(flat)

    def pack(s):
        if isinstance(s, (list, tuple)):
            packed = [pack(x) for x in s]
            return type(s)(packed) if isinstance(s, tuple) else packed
        if isinstance(s, dict):
            return {k: pack(s[k]) for k in sorted(s)}
        return next(it)

    return pack(structure)


class GradientTape:
    """Records eager ops for automatic differentiation (TF's ``tf.GradientTape``)."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        """Creates a new GradientTape.

        Args:
          persistent: Boolean controlling whether a persistent gradient tape is created. False
            by default, which means at most one call can be made to the gradient() method on
            this object.
          watch_accessed_variables: Boolean controlling whether the tape will automatically
            `watch` any (trainable) variables accessed while the tape is active. Defaults to
            True meaning gradients can be requested from any result computed in the tape
            derived from reading a trainable `Variable`. If False users must explicitly `watch`
            any `Variable`s they want to request gradients from.
        """
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._recording = False
        self._used = False
        self._watched_tensors: list = []  # core Outputs watched explicitly
        self._watched_variables: dict = {}  # id -> Variable
        self._graph = None

    def __enter__(self):
        graph = eager_graph()
        if self._graph is None:
            graph._release_for_new_tape()
            self._graph = graph
            graph._live_tapes.add(self)
        graph._recording_tapes.append(self)
        self._recording = True
        return self

    def __exit__(self, exc_type, exc, tb):
        self._recording = False
        self._graph._recording_tapes.remove(self)

    def __del__(self):
        graph = self._graph
        if graph is not None:
            graph._live_tapes.discard(self)

    # --- what to differentiate against -------------------------------------------------------
    def watch(self, tensor) -> None:
        """Ensures that `tensor` is being traced by this tape.

        Args:
          tensor: a Tensor or list of Tensors (a variable, or a nested structure of them).

        Raises:
          ValueError: if it encounters something that is not a tensor.
        """
        from varflow.variables import Variable

        for t in _flatten(tensor):
            if isinstance(t, Variable):
                self._watched_variables[id(t)] = t
                continue
            if not isinstance(t, EagerTensor):
                raise ValueError(  # noqa: TRY004 - TF raises ValueError for a non-tensor
                    f"Passed in object of type {type(t)}, not tf.Tensor"
                )
            if not t.dtype.is_floating:
                continue  # TF: gradients only flow through floating-point tensors
            self._watched_tensors.append(t._output)

    def _variable_accessed(self, variable) -> None:
        if self._recording and self._watch_accessed_variables and variable.trainable:
            self._watched_variables.setdefault(id(variable), variable)

    def watched_variables(self) -> tuple:
        """The variables this tape watches (explicitly or because they were read)."""
        return tuple(self._watched_variables.values())

    @contextlib.contextmanager
    def stop_recording(self):
        """Ops run inside are not recorded: their results are constants for this tape."""
        if not self._recording:
            raise ValueError("Tape must be recording.")
        self._recording = False
        try:
            yield
        finally:
            self._recording = True

    def reset(self) -> None:
        """Forgets everything recorded so far (TF's GradientTape.reset)."""
        self._watched_tensors.clear()
        self._watched_variables.clear()
        graph = self._graph
        if graph is not None and len(graph._live_tapes) == 1 and not graph._holds:
            graph._context.release_transient()

    # --- gradients ---------------------------------------------------------------------------
    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """Computes the gradient using operations recorded in context of this tape.

        Args:
          target: Tensor (or list of tensors) to be differentiated.
          sources: a list or nested structure of Tensors or Variables. `target` will be
            differentiated against elements in `sources`.
          output_gradients: a list of gradients, one for each element of target. Defaults to
            None.
          unconnected_gradients: a value which can either hold 'none' or 'zero' and alters the
            value which will be returned if the target and sources are unconnected. The possible
            values and effects are detailed in 'UnconnectedGradients' and it defaults to 'none'.

        Returns:
          a list or nested structure of Tensors (or IndexedSlices, or None), one for each
          element in `sources`. Returned structure is the same as the structure of `sources`.

        Raises:
          RuntimeError: if called inside the context of the tape, or if called more than once
            on a non-persistent tape.
          ValueError: if the target is a variable or if unconnected gradients is called with an
            unknown value.
        """
        from varflow.variables import Variable

        if self._graph is None:
            raise RuntimeError("GradientTape.gradient can only be called once on a tape that ran.")
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of "
                "gradients (or jacobians)"
            )
        mode = UnconnectedGradients(unconnected_gradients)
        flat_targets = [convert_to_tensor(t) for t in _flatten(target)]
        flat_sources = _flatten(sources)
        watched = self._watched_tensors
        xs, connected = [], []
        for s in flat_sources:
            if isinstance(s, Variable):
                xs.append(s._ref_tensor._output)
                connected.append(id(s) in self._watched_variables)
            elif isinstance(s, EagerTensor):
                out = s._output
                xs.append(out)
                connected.append(any(out == w for w in watched) or self._recorded(s))
            else:
                raise ValueError(  # noqa: TRY004 - TF raises ValueError for a bad source
                    f"Argument `sources` must be tensors or variables, got {type(s).__name__}"
                )
        if output_gradients is not None:
            grads = _flatten(output_gradients)
            grad_ys = [
                None if g is None else convert_to_tensor(g, dtype=t.dtype)._output
                for g, t in zip(grads, flat_targets, strict=True)
            ]
        else:
            grad_ys = [None] * len(flat_targets)
        graph = self._graph
        # A source computed under the tape (not a leaf) is differentiated like any tensor.
        outs = _core.gradients(
            [t._output for t in flat_targets],
            xs,
            grad_ys,
            [],
            mode is UnconnectedGradients.ZERO,
            "gradients",
            False,
        )
        results = []
        for out, source, is_connected in zip(outs, flat_sources, connected, strict=True):
            if out is None:
                results.append(None)
            elif not is_connected:
                results.append(None if mode is UnconnectedGradients.NONE else _zeros_like(source))
            else:
                results.append(graph._tensor_for(out))
        if not self._persistent:
            self._used = True
            graph._live_tapes.discard(self)
        return _pack_like(sources, results)

    def _recorded(self, tensor: EagerTensor) -> bool:
        # A tensor an op made while this tape was alive is on the tape.
        return tensor._alive() and tensor._node_output.node.type != "Const"


def _zeros_like(source):
    from varflow import array_ops

    return array_ops.zeros_like(convert_to_tensor(source))


def compute_gradients(loss, var_list=None, grad_loss=None):
    """Computes `Optimizer.compute_gradients` in eager mode.

    A tape runs the `loss` function; without a `var_list`, the trainable variables it read
    are differentiated (TF1's eager rule).

    Args:
      loss: A callable taking no arguments which returns the value to minimize.
      var_list: Optional list of `Variable` objects to differentiate against.
      grad_loss: Optional. A `Tensor` holding the gradient computed for `loss`.

    Returns:
      A list of (gradient, variable) pairs. Variable is always present, but gradient can be
      `None`.

    Raises:
      ValueError: If `loss` is not callable.
    """
    if not callable(loss):
        raise RuntimeError(  # noqa: TRY004 - TF1's error for a tensor loss in eager mode
            "`loss` passed to Optimizer.compute_gradients should be a function when eager "
            "execution is enabled."
        )
    with GradientTape() as tape:
        if var_list is not None:
            var_list = list(var_list)
            tape.watch(var_list)
        loss_value = loss()
    if var_list is None:
        var_list = list(tape.watched_variables())
    grads = tape.gradient(loss_value, var_list, output_gradients=grad_loss)
    return list(zip(grads, var_list, strict=True))
