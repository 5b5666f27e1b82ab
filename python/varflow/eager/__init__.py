"""Eager execution (TF 1.x's ``tf.enable_eager_execution``), GradientTape and eager tensors."""

from varflow.eager.backprop import GradientTape
from varflow.eager.context import (
    disable_eager_execution,
    enable_eager_execution,
    executing_eagerly,
)
from varflow.eager.function import Function, function
from varflow.eager.tensor import EagerTensor

__all__ = [
    "EagerTensor",
    "Function",
    "GradientTape",
    "disable_eager_execution",
    "enable_eager_execution",
    "executing_eagerly",
    "function",
]
