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
    """Compute the moving average of a variable.

    The moving average of 'variable' updated with 'value' is:
    `variable * decay + value * (1 - decay)`, computed as `variable -= (1 - decay) *
    (variable - value)`.

    The returned Operation sets 'variable' to the newly computed moving average, by
    performing this subtraction. If `zero_debias` is True, the moving average of a
    zero-initialized variable is divided by `1 - decay ^ num_updates` to remove the bias
    (the biased value and the update count are kept in `<variable>/biased` and
    `<variable>/local_step`), as in Adam.

    Args:
      variable: A Variable.
      value: A tensor with the same shape as 'variable'.
      decay: A float Tensor or float value. The moving average decay.
      zero_debias: A python bool. If true, assume the variable is 0-initialized and unbias
        it, as in https://arxiv.org/abs/1412.6980.
      name: Optional name of the returned operation.

    Returns:
      A tensor which if evaluated will compute and return the new moving average.
    """
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
        """Creates a new ExponentialMovingAverage object.

        The `apply()` method has to be called to create shadow variables and add ops to
        maintain moving averages. The optional `num_updates` parameter allows one to tweak the
        decay rate dynamically: `decay = min(decay, (1 + num_updates) / (10 + num_updates))`.
        It is typical to pass the count of training steps, usually kept in a variable that is
        incremented at each step.

        Args:
          decay: Float. The decay to use.
          num_updates: Optional count of number of updates applied to variables.
          zero_debias: If `True`, zero debias moving-averages that are initialized with tensors.
          name: String. Optional prefix name to use for the name of ops added in `apply()`.
        """
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
        """The name of this ExponentialMovingAverage object."""
        return self._name

    def apply(self, var_list=None):
        """Maintains moving averages of variables.

        `var_list` must be a list of `Variable` or `Tensor` objects. This method creates shadow
        variables for all elements of `var_list`. Shadow variables for `Variable` objects are
        initialized to the variable's initial value. They will be added to the
        `GraphKeys.MOVING_AVERAGE_VARIABLES` collection. For `Tensor` objects, the shadow
        variables are initialized to 0 and zero debiased.

        Build it under `tf.control_dependencies([train_op])` so it reads the updated variables.

        Args:
          var_list: A list of Variable or Tensor objects. The variables and Tensors must be of
            types bfloat16, float16, float32, or float64. Defaults to the trainable variables.

        Returns:
          An Operation that updates the moving averages.

        Raises:
          TypeError: If the arguments are not an allowed type.
          ValueError: If the moving average of one of the variables is already being computed.
        """
        if var_list is None:
            var_list = trainable_variables()
        graph = get_default_graph()
        items = [_item(v) for v in var_list]
        return graph._op_for(self._core.apply(graph._core, items, _make_debias(graph)))

    def average(self, var):
        """Returns the `Variable` holding the average of `var`.

        Args:
          var: A `Variable` object.

        Returns:
          A `Variable` object or `None` if the moving average of `var` is not maintained.
        """
        if not isinstance(var, (Variable, Tensor)):
            return None
        node = self._core.average(_item(var))
        return None if node is None else var.graph._variable_for(node)

    def average_name(self, var) -> str:
        """Returns the name of the `Variable` holding the average for `var`.

        The typical scenario for `ExponentialMovingAverage` is to compute moving averages of
        variables during training, and restore the variables from the computed moving averages
        during evaluations. This works before `apply()` is called.

        Args:
          var: A `Variable` object.

        Returns:
          A string: The name of the variable that will be used or was used by the
          `ExponentialMovingAverage class` to hold the moving average of `var`.
        """
        return self._core.average_name(get_default_graph()._core, _item(var))

    def variables_to_restore(self, moving_avg_variables=None) -> dict:
        """Returns a map of names to `Variables` to restore.

        If a variable has a moving average, use the moving average variable name as the restore
        name; otherwise, use the variable name. Pass the result to `tf.train.Saver(var_list)` to
        load the averages into the variables:

        ```python
        variables_to_restore = ema.variables_to_restore()
        saver = tf.train.Saver(variables_to_restore)
        ```

        Args:
          moving_avg_variables: a list of variables that require to use of the moving average
            variable name to be restored. If None, it will default to
            variables.moving_average_variables() + variables.trainable_variables()

        Returns:
          A map from restore_names to variables. The restore_name is either the original or the
          moving average version of the variable name, depending on whether the variable name
          is in the `moving_avg_variables`.
        """
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
