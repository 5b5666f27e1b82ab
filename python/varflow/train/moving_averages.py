"""``tf.train.ExponentialMovingAverage`` and ``tf.train.assign_moving_average`` (TF1's
``training/moving_averages.py``).

``ExponentialMovingAverage.apply`` updates every shadow variable with ONE fused C++ op,
``ApplyMovingAverages(decay, shadow_0, value_0, ...)`` (one per dtype), which computes
``shadow -= (1 - decay) * (shadow - value)`` for all of them in a single threaded pass.

As in TF1, a variable's shadow starts from ``var.initialized_value()``: the variable's current
value if it is already initialised, else its initial value (the same tensor the variable's own
initializer reads, so even random initial values agree).

The averages are C++ (``varflow/train/moving_averages.h``); this module keeps TF1's classes
and arguments, and makes zero-debias variables with ``tf.get_variable`` (variable scopes are
the Python API's).
"""

from __future__ import annotations

from varflow import _core
from varflow.clip_ops import core_arg
from varflow.graph import Tensor, convert_to_tensor, core_callback, get_default_graph
from varflow.variables import (
    Variable,
    global_variables,
    moving_average_variables,
    trainable_variables,
)

__all__ = ["ExponentialMovingAverage", "assign_moving_average"]


def _make_debias(graph):
    """TF1's ``_zero_debias`` variables: ``biased`` and ``local_step`` made by ``get_variable``
    in ``variable_scope(<variable>)`` (unique unless reusing), outside control dependencies;
    C++ builds the update in that scope."""
    from varflow import init_ops
    from varflow.variable_scope import get_variable, get_variable_scope, variable_scope

    def make(node):
        unbiased_var = graph._variable_for(node)
        with variable_scope(unbiased_var.op.name):
            var_scope = get_variable_scope()

            def maybe_unique(name):
                if var_scope.reuse:
                    return name
                existing = {v.op.name for v in var_scope.global_variables()}
                full = var_scope.name + "/" + name
                if full not in existing:
                    return name
                idx = 1
                while full + f"_{idx}" in existing:
                    idx += 1
                return name + f"_{idx}"

            with graph.control_dependencies(None):
                biased = get_variable(
                    maybe_unique("biased"),
                    initializer=init_ops.zeros_initializer(),
                    shape=unbiased_var.get_shape(),
                    dtype=unbiased_var.dtype.base_dtype,
                    trainable=False,
                )
                local_step = get_variable(
                    maybe_unique("local_step"),
                    shape=[],
                    dtype=unbiased_var.dtype.base_dtype,
                    initializer=init_ops.zeros_initializer(),
                    trainable=False,
                )
            return biased._node, local_step._node, graph.get_name_scope() + "/"

    return make


def _decay_arg(decay):
    """A Python number decay is 1 - decay in a float32 Const, as TF1's
    ``convert_to_tensor(1.0 - decay)``; a tensor is converted as it is."""
    if isinstance(decay, (int, float)):
        return _core.Arg(float(decay))
    return _core.Arg(core_callback(lambda dtype, name: convert_to_tensor(decay)._output))


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """TF1's ``tf.train.assign_moving_average``: ``variable -= (1 - decay) * (variable -
    value)``; with ``zero_debias`` the average of a zero-initialised variable is divided by
    ``1 - decay^t`` (kept in ``<variable>/biased`` and ``<variable>/local_step``)."""
    from varflow.state_ops import _variable_of

    var = _variable_of(variable)
    graph = var.graph
    with graph.as_default():  # TF1: the inputs' graph is the default one
        out = _core.assign_moving_average(
            var._node,
            core_arg(value),
            _decay_arg(decay),
            bool(zero_debias),
            "AssignMovingAvg" if name is None else name,
            _make_debias(graph),
        )
    return graph._tensor_for(out)


def _item(var):
    """What C++ averages: a variable's node, or a tensor."""
    return var._node if isinstance(var, Variable) else convert_to_tensor(var)._output


class ExponentialMovingAverage:
    """Maintains moving averages of variables (TF1's ``tf.train.ExponentialMovingAverage``).

    ``apply(var_list)`` creates a shadow ``<var>/<name>`` per variable (non-trainable, in
    GLOBAL_VARIABLES; the variable itself joins MOVING_AVERAGE_VARIABLES) and returns one op
    that updates them all: ``shadow -= (1 - decay) * (shadow - var)`` with
    ``decay = min(decay, (1 + num_updates) / (10 + num_updates))`` when ``num_updates`` is given.
    Build it under ``tf.control_dependencies([train_op])`` so it reads the updated variables.
    """

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        self._name = name
        self._core = _core.ExponentialMovingAverage(
            core_arg(decay),
            None
            if num_updates is None
            else _core.Arg(
                core_callback(lambda dtype, name: convert_to_tensor(num_updates)._output)
            ),
            bool(zero_debias),
            name,
        )

    @property
    def name(self) -> str:
        return self._name

    def apply(self, var_list=None):
        if var_list is None:
            var_list = trainable_variables()
        graph = get_default_graph()
        items = [_item(v) for v in var_list]
        return graph._op_for(self._core.apply(graph._core, items, _make_debias(graph)))

    def average(self, var):
        """The shadow variable of ``var``, or None."""
        if not isinstance(var, (Variable, Tensor)):
            return None
        node = self._core.average(_item(var))
        return None if node is None else var.graph._variable_for(node)

    def average_name(self, var) -> str:
        """The name of ``var``'s shadow (works before ``apply``)."""
        return self._core.average_name(get_default_graph()._core, _item(var))

    def variables_to_restore(self, moving_avg_variables=None) -> dict:
        """``{average_name(v): v}`` for the averaged variables, plus every other global
        variable under its own name: a ``Saver(var_list)`` loading the averages into the
        variables."""
        name_map = {}
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + moving_average_variables()
        moving_avg_variables = list(dict.fromkeys(moving_avg_variables))
        for v in moving_avg_variables:
            name_map[self.average_name(v)] = v
        averaged = set(moving_avg_variables)
        for v in global_variables():
            if v not in averaged and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map
