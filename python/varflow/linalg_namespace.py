"""TF1's ``tf.linalg`` namespace: the linear-algebra functions varflow has, under their
tf.linalg names.

A TF 1.15 name that varflow does not implement raises an AttributeError that says so.
"""

from __future__ import annotations

from varflow.array_ops import transpose
from varflow.clip_ops import global_norm
from varflow.math_ops import matmul, tensordot
from varflow.special_math_ops import einsum, eye
from varflow.tf1_aliases import matrix_transpose

__all__ = [
    "einsum",
    "eye",
    "global_norm",
    "matmul",
    "matrix_transpose",
    "tensordot",
    "transpose",
]


def __getattr__(name: str):
    from varflow.tf1_aliases import unimplemented_message

    raise AttributeError(
        unimplemented_message(name, "linalg")
        or f"module 'varflow.linalg' has no attribute '{name}'"
    )
