"""TF1's switches between TF1 and TF2 behaviour (``tf.disable_v2_behavior`` and friends).

varflow behaves as TF1 in graph mode by default: TensorShape dimensions are Dimension objects,
variables are reference variables, control flow is TF1's and tensors compare by identity. So
every ``disable_*`` switch leaves varflow as it is; ``disable_eager_execution`` and
``disable_v2_behavior`` also switch eager execution off when the build has it. The TF2
behaviours that varflow does not have raise instead of pretending.
"""

from __future__ import annotations

import importlib as _importlib


def _eager_function(name):
    """``name`` from varflow's eager package, or None in a build without eager execution."""
    try:
        eager = _importlib.import_module("varflow.eager")
    except ModuleNotFoundError as e:
        if e.name not in ("varflow.eager", "varflow"):
            raise
        return None
    return getattr(eager, name, None)


def disable_eager_execution() -> None:
    """Graph mode from here on (varflow's default)."""
    disable = _eager_function("disable_eager_execution")
    if disable is not None and disable is not disable_eager_execution:
        disable()


def disable_v2_behavior() -> None:
    """TF1 behaviour from here on: graph mode, v1 shapes, reference variables (varflow's
    defaults), as the first line of many ``tensorflow.compat.v1`` scripts asks."""
    disable_eager_execution()


def enable_v2_behavior() -> None:
    """Refuses to enable TF2's behaviour: varflow implements TF1's only.

    TF2's behaviour is eager execution by default, resource variables, and TF2's TensorShape
    and control flow.

    Raises:
      NotImplementedError: Always.
    """
    raise NotImplementedError(
        "varflow implements TensorFlow 1's behaviour only; enable_v2_behavior() asks for TF2's "
        "(eager by default, resource variables, v2 TensorShape and control flow)"
    )


def disable_resource_variables() -> None:
    """Reference variables, varflow's only kind."""


def resource_variables_enabled() -> bool:
    """Returns False: varflow's variables are TF1's reference variables."""
    return False


def enable_resource_variables() -> None:
    """Refuses to enable resource variables: varflow implements TF1's behaviour only.

    Raises:
      NotImplementedError: Always.
    """
    raise NotImplementedError("varflow has TF1's reference variables only")


def disable_v2_tensorshape() -> None:
    """TensorShape dimensions stay Dimension objects, as varflow's always are."""


def enable_v2_tensorshape() -> None:
    """Refuses to enable TF2's TensorShape (of plain ints): varflow implements TF1's behaviour only.

    Raises:
      NotImplementedError: Always.
    """
    raise NotImplementedError("varflow's TensorShape has TF1's Dimension objects only")


def disable_control_flow_v2() -> None:
    """TF1's control flow, varflow's only kind."""


def control_flow_v2_enabled() -> bool:
    """Returns False: varflow has TF1's control flow."""
    return False


def enable_control_flow_v2() -> None:
    """Refuses to enable TF2's control flow: varflow implements TF1's behaviour only.

    Raises:
      NotImplementedError: Always.
    """
    raise NotImplementedError("varflow has TF1's control flow only")


def disable_tensor_equality() -> None:
    """Tensors compare by identity (``==`` is not elementwise), as varflow's always do."""


def enable_tensor_equality() -> None:
    """Refuses to enable elementwise `==` on tensors (use `tf.equal`): varflow implements TF1's
    behaviour only.

    Raises:
      NotImplementedError: Always.
    """
    raise NotImplementedError(
        "varflow's tensors compare by identity as in TF1; use tf.equal for elementwise =="
    )
