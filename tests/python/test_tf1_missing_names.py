"""A TF 1.15 name that varflow lacks, looked up in tf.nn, tf.layers, tf.losses or tf.train,
raises an AttributeError saying varflow does not implement it (issue 15.3); a name TF1 never
had is an ordinary AttributeError."""

from __future__ import annotations

import pytest
import varflow as tf
from varflow._tf1_api_names import TF1_NAMES


@pytest.mark.parametrize("module", ["nn", "layers", "losses", "train"])
def test_missing_tf1_names_say_so(module):
    namespace = getattr(tf, module)
    missing = sorted(n for n in TF1_NAMES[module] if not hasattr(namespace, n))
    for name in missing:
        with pytest.raises(AttributeError, match=rf"^varflow does not implement tf\.{module}\."):
            getattr(namespace, name)
    with pytest.raises(AttributeError, match=f"module 'varflow.{module}' has no attribute 'nope'"):
        namespace.nope  # noqa: B018
