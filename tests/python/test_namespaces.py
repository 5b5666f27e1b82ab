"""tf.math and tf.linalg: TF1's namespaces hold the same functions as their other TF1 spellings,
and a TF 1.15 name varflow lacks says so."""

from __future__ import annotations

import pytest
import varflow as tf
from varflow._tf1_api_names import TF1_NAMES


@pytest.mark.parametrize(("namespace", "module"), [(tf.math, "math"), (tf.linalg, "linalg")])
def test_every_tf1_name_is_there_or_says_it_is_missing(namespace, module):
    present = set(namespace.__all__)
    assert present <= set(TF1_NAMES[module])
    for name in TF1_NAMES[module]:
        if name in present:
            assert callable(getattr(namespace, name))
        else:
            with pytest.raises(AttributeError, match=rf"^varflow does not implement tf\.{module}"):
                getattr(namespace, name)
    with pytest.raises(AttributeError, match=f"module 'varflow.{module}' has no attribute 'nope'"):
        namespace.nope  # noqa: B018


def test_namespaces_alias_the_same_functions():
    assert tf.math.reduce_sum is tf.reduce_sum
    assert tf.math.log is tf.log
    assert tf.math.softmax is tf.nn.softmax
    assert tf.linalg.matmul is tf.matmul
    tf.reset_default_graph()
    with tf.Session() as sess:
        assert sess.run(tf.math.reduce_sum(tf.math.square([1.0, 2.0]))) == 5.0
