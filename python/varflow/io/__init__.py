"""``tf.io``: the file API (``tf.io.gfile``). TF1's other ``tf.io`` functions (TFRecords,
parsing, encoding) are not implemented."""

from __future__ import annotations

from varflow.io import gfile


def __getattr__(name: str):
    raise AttributeError(
        f"varflow does not implement tf.io.{name}; of tf.io it has tf.io.gfile only"
    )


__all__ = ["gfile"]
