"""A small ``tf.contrib``: only what TF1 scripts commonly pass around (``contrib.layers``'
regularizers)."""

from varflow.contrib import layers
from varflow.contrib import rnn  # tf.contrib.rnn

__all__ = ["layers"]
__all__ += ["rnn"]
