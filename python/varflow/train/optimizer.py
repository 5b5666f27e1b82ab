"""``tf.train.Optimizer``: TF1's Python API over the C++ Optimizer base.

``minimize`` = ``compute_gradients`` + ``apply_gradients``; slots, non-slot variables and
the update ops are built by the C++ core (so C++ hosts get the same optimizers). A Python
subclass overrides TF1's hooks (``_create_slots``, ``_prepare``, ``_apply_dense``,
``_finish``) and builds its update from graph ops; the core calls them back. The default
``var_list`` is read when the train op is built, as in TF1.
"""

from __future__ import annotations

import collections.abc

from varflow import _core, control_flow_ops
from varflow.graph import (
    GraphKeys,
    Operation,
    Tensor,
    _graph_of_node,
    convert_to_tensor,
    core_callback,
    get_default_graph,
)
from varflow.variables import Variable, trainable_variables


def _flatten(x):
    # TF1's nest.flatten: dict views (minimize(var_list=d.values())) are containers too.
    if isinstance(x, (list, tuple, collections.abc.MappingView)):
        out = []
        for item in x:
            out.extend(_flatten(item))
        return out
    if isinstance(x, dict):
        return _flatten([x[k] for k in sorted(x)])
    return [x]


def _check_variables(var_list) -> None:
    for v in var_list:
        if isinstance(v, Tensor):
            raise NotImplementedError("Trying to update a Tensor ", v)
        if not isinstance(v, Variable):
            raise NotImplementedError("Trying to optimize unsupported type ", v)


def _hyper(value) -> _core.Hyper:
    """A hyperparameter for the core: a number, a tensor, or a callable read at build time."""
    if isinstance(value, (Tensor, Variable)):
        return _core.Hyper(convert_to_tensor(value)._output)
    if callable(value):
        return _core.Hyper(core_callback(lambda: convert_to_tensor(value())._output))
    return _core.Hyper(float(value))


def _node_of(result):
    if isinstance(result, Variable):
        return result._ref_tensor._output
    if isinstance(result, Operation):
        return result._node
    if isinstance(result, Tensor):
        return result._output
    raise TypeError(f"An optimizer hook must return an Operation or Tensor, got {result!r}")


class Optimizer:
    """Base class for optimizers (TF1's ``tf.train.Optimizer``)."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        """Create a new Optimizer.

        This must be called by the constructors of subclasses.

        Args:
          use_locking: Bool. If True apply use locks to prevent concurrent updates to variables.
          name: A non-empty string. The name to use for accumulators created for the optimizer.

        Raises:
          ValueError: If name is malformed.
        """
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._core = self._make_core()

    def _make_core(self):
        """The C++ optimizer; built-ins return theirs, subclasses get the hook bridge."""
        return _core.PythonHookOptimizer(self, self._name, bool(self._use_locking))

    def get_name(self) -> str:
        """Returns the name of this optimizer, the prefix of its ops and slots."""
        return self._name

    @property
    def multi_tensor(self) -> bool:
        """Beyond TF1: update all variables of one apply_gradients with one fused op."""
        return self._core.multi_tensor

    @multi_tensor.setter
    def multi_tensor(self, on: bool) -> None:
        self._core.multi_tensor = bool(on)

    @property
    def clip_global_norm(self):
        """Beyond TF1: when set (a number, tensor or callable), apply_gradients clips the
        gradients by their global norm exactly as tf.clip_by_global_norm does, in one fused
        pass, counting only the variables not frozen in the run (RunOptions)."""
        return getattr(self, "_clip_global_norm", None)

    @clip_global_norm.setter
    def clip_global_norm(self, clip_norm) -> None:
        self._clip_global_norm = clip_norm
        self._core.set_clip_global_norm(None if clip_norm is None else _hyper(clip_norm))

    @property
    def global_norm(self):
        """The global norm of the last apply_gradients that clipped (a scalar tensor)."""
        out = self._core.last_global_norm
        return None if out is None else _graph_of_node(out.node)._tensor_for(out)

    # --- minimize = compute_gradients + apply_gradients --------------------------------------
    def minimize(
        self,
        loss,
        global_step=None,
        var_list=None,
        gate_gradients=GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        name=None,
        grad_loss=None,
    ):
        """Add operations to minimize `loss` by updating `var_list`.

        This method simply combines calls `compute_gradients()` and `apply_gradients()`. If you
        want to process the gradient before applying them call `compute_gradients()` and
        `apply_gradients()` explicitly instead of using this function.

        Args:
          loss: A `Tensor` containing the value to minimize (or, in eager mode, a callable
            taking no arguments which returns it).
          global_step: Optional `Variable` to increment by one after the variables have been
            updated.
          var_list: Optional list or tuple of `Variable` objects to update to minimize `loss`.
            Defaults to the list of variables collected in the graph under the key
            `GraphKeys.TRAINABLE_VARIABLES`.
          gate_gradients: How to gate the computation of gradients. Can be `GATE_NONE`,
            `GATE_OP`, or `GATE_GRAPH`.
          aggregation_method: Specifies the method used to combine gradient terms (accepted;
            varflow adds them with `AddN`).
          colocate_gradients_with_ops: Accepted for TF1 compatibility (one device).
          name: Optional name for the returned operation.
          grad_loss: Optional. A `Tensor` holding the gradient computed for `loss`.

        Returns:
          An Operation that updates the variables in `var_list`. If `global_step` was not
          `None`, that operation also increments `global_step`.

        Raises:
          ValueError: If some of the variables are not `Variable` objects, or no variable has a
            gradient (the message says which op on the way from the variables to the loss has
            none).
        """
        grads_and_vars = self.compute_gradients(
            loss,
            var_list=var_list,
            gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops,
            grad_loss=grad_loss,
        )
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad and get_default_graph()._is_eager:
            raise ValueError(
                f"No gradients provided for any variable: {[v.name for _, v in grads_and_vars]}."
            )
        if not vars_with_grad:
            loss_tensor = convert_to_tensor(loss)
            why = _core.explain_missing_gradients(
                loss_tensor._output, [(None, v._node) for _, v in grads_and_vars]
            )
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do not "
                f"support gradients, between variables {[str(v) for _, v in grads_and_vars]} "
                f"and loss {loss_tensor}.{why}"
            )
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(
        self,
        loss,
        var_list=None,
        gate_gradients=GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        grad_loss=None,
    ):
        """Compute gradients of `loss` for the variables in `var_list`.

        This is the first part of `minimize()`. It returns a list of (gradient, variable)
        pairs where "gradient" is the gradient for "variable". Note that "gradient" can be a
        `Tensor`, an `IndexedSlices`, or `None` if there is no gradient for the given variable
        (varflow's gradients are dense `Tensor`s).

        Args:
          loss: A Tensor containing the value to minimize or a callable taking no arguments
            which returns the value to minimize. When eager execution is enabled it must be a
            callable.
          var_list: Optional list or tuple of `tf.Variable` to update to minimize `loss`.
            Defaults to the list of variables collected in the graph under the key
            `GraphKeys.TRAINABLE_VARIABLES`.
          gate_gradients: How to gate the computation of gradients. Can be `GATE_NONE`,
            `GATE_OP`, or `GATE_GRAPH`.
          aggregation_method: Specifies the method used to combine gradient terms (accepted;
            varflow adds them with `AddN`).
          colocate_gradients_with_ops: Accepted for TF1 compatibility (one device).
          grad_loss: Optional. A `Tensor` holding the gradient computed for `loss`.

        Returns:
          A list of (gradient, variable) pairs. Variable is always present, but gradient can be
          `None`.

        Raises:
          TypeError: If `var_list` contains anything else than `Variable` objects.
          ValueError: If some arguments are invalid, e.g. `gate_gradients`.
        """
        if get_default_graph()._is_eager:
            from varflow.eager import backprop

            return backprop.compute_gradients(loss, var_list, grad_loss)
        if callable(loss) and not isinstance(loss, (Tensor, Variable)):
            loss = loss()
        if gate_gradients not in (Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH):
            raise ValueError(
                "gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, "
                f"Optimizer.GATE_GRAPH.  Not {gate_gradients}"
            )
        loss = convert_to_tensor(loss)
        if grad_loss is not None:
            grad_loss = convert_to_tensor(grad_loss)
        if var_list is None:
            var_list = trainable_variables() + get_default_graph().get_collection(
                GraphKeys.TRAINABLE_RESOURCE_VARIABLES
            )
        else:
            var_list = _flatten(var_list)
        _check_variables(var_list)
        pairs = self._core.compute_gradients(
            loss._output,
            [v._node for v in var_list],
            int(gate_gradients),
            None if grad_loss is None else grad_loss._output,
        )
        graph = loss.graph
        return [
            (None if g is None else graph._tensor_for(g), v) for (g, _), v in zip(pairs, var_list)
        ]

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Apply gradients to variables.

        This is the second part of `minimize()`. It returns an `Operation` that applies
        gradients. varflow builds the update ops in C++, with TF1's names (e.g. `Adam/update_b`)
        and, when `multi_tensor` is set, one fused op for all variables.

        Args:
          grads_and_vars: List of (gradient, variable) pairs as returned by
            `compute_gradients()`.
          global_step: Optional `Variable` to increment by one after the variables have been
            updated.
          name: Optional name for the returned operation. Default to the name passed to the
            `Optimizer` constructor.

        Returns:
          An `Operation` that applies the specified gradients. If `global_step` was not None,
          that operation also increments `global_step`.

        Raises:
          TypeError: If `grads_and_vars` is malformed, or `global_step` is not a `Variable`.
          ValueError: If none of the variables have gradients.
        """
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None:
                try:
                    g = convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError(
                        f"Gradient must be convertible to a Tensor or IndexedSlices, or None: {g}"
                    ) from None
            _check_variables([v])
            converted.append((g, v))
        if all(g is None for g, _ in converted):
            raise ValueError(
                f"No gradients provided for any variable: {[str(v) for _, v in converted]}."
            )
        if global_step is not None and not isinstance(global_step, Variable):
            raise TypeError(f"global_step must be a Variable, got {global_step!r}")
        node = self._core.apply_gradients(
            [(None if g is None else g._output, v._node) for g, v in converted],
            None if global_step is None else global_step._node,
            name or "",
        )
        graph = converted[0][1].graph
        return graph._op_for(node)

    # --- slots and non-slot variables --------------------------------------------------------
    def get_slot_names(self) -> list[str]:
        """Return a list of the names of slots created by the `Optimizer`.

        See `get_slot()`.

        Returns:
          A list of strings.
        """
        return list(self._core.get_slot_names())

    def get_slot(self, var, name):
        """Return a slot named `name` created for `var` by the Optimizer.

        Some `Optimizer` subclasses use additional variables. For example `Momentum` and
        `Adagrad` use variables to accumulate updates. This method gives access to these
        `Variable` objects if for some reason you need them. Use `get_slot_names()` to get the
        list of slot names created by the `Optimizer`.

        Args:
          var: A variable passed to `minimize()` or `apply_gradients()`.
          name: A string.

        Returns:
          The `Variable` for the slot if it was created, `None` otherwise.
        """
        node = self._core.get_slot(var._node, name)
        return None if node is None else var.graph._variable_for(node)

    def variables(self) -> list:
        """A list of variables which encode the current state of `Optimizer`.

        Includes slot variables and additional global variables created by the optimizer in the
        current default graph.

        Returns:
          A list of variables.
        """
        graph = get_default_graph()
        return [graph._variable_for(n) for n in self._core.variables(graph._core)]

    def _zeros_slot(self, var, slot_name, op_name):
        return var.graph._variable_for(self._core.zeros_slot(var._node, slot_name, op_name))

    def _get_or_make_slot(self, var, val, slot_name, op_name):
        node = self._core.get_or_make_slot(
            var._node, core_callback(lambda: convert_to_tensor(val)._output), slot_name, op_name
        )
        return var.graph._variable_for(node)

    def _get_or_make_slot_with_initializer(
        self, var, initializer, shape, dtype, slot_name, op_name
    ):
        node = self._core.get_or_make_slot(
            var._node,
            core_callback(lambda: convert_to_tensor(initializer(shape, dtype=dtype))._output),
            slot_name,
            op_name,
        )
        return var.graph._variable_for(node)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        node = self._core.create_non_slot_variable(
            core_callback(lambda: convert_to_tensor(initial_value)._output),
            name,
            colocate_with._node,
        )
        return colocate_with.graph._variable_for(node)

    def _get_non_slot_variable(self, name, graph=None):
        graph = graph or get_default_graph()
        node = self._core.get_non_slot_variable(name, graph._core)
        return None if node is None else graph._variable_for(node)

    @staticmethod
    def _call_if_callable(param):
        return param() if callable(param) else param

    # --- TF1's hooks (a Python subclass overrides these) --------------------------------------
    def _create_slots(self, var_list) -> None:
        pass

    def _prepare(self) -> None:
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError()  # abstract, as in TF1

    def _finish(self, update_ops, name_scope):
        return control_flow_ops.group(*update_ops, name=name_scope)

    # Bridges the core calls: core nodes in, TF1's Python objects to the hooks.
    def _create_slots_core(self, nodes) -> None:
        if nodes:
            graph = _graph_of_node(nodes[0])
            self._create_slots([graph._variable_for(n) for n in nodes])

    def _apply_dense_core(self, grad, var_node):
        graph = _graph_of_node(var_node)
        return _node_of(self._apply_dense(graph._tensor_for(grad), graph._variable_for(var_node)))

    def _finish_core(self, nodes, name_scope):
        graph = get_default_graph()
        return _node_of(self._finish([graph._op_for(n) for n in nodes], name_scope))
