"""Every registered op declares a shape rule, a kernel, and a gradient or a no-gradient mark."""

from __future__ import annotations

import re
from pathlib import Path

from varflow import _core

_GENERATED_BUILDERS = Path(__file__).parents[2] / "cpp/include/varflow/ops_generated.h"


# Ops whose gradients the backprop driver builds itself (cpp/src/autodiff/control_flow_grad.cc:
# they differentiate their regions with gradients()), so the registry holds none for them.
_AUTODIFF_GRADIENTS = {"If", "While"}


def test_every_op_is_complete():
    incomplete = [
        op["name"]
        for op in _core.registered_ops()
        if not op["has_shape_fn"]
        or not op["has_kernel"]
        or not (op["has_gradient"] or op["not_differentiable"] or op["name"] in _AUTODIFF_GRADIENTS)
    ]
    assert incomplete == []


def test_every_registered_op_has_a_generated_cpp_builder():
    # The module sees every op, also those of layers above ops (tf.data's, Horovod's), which a
    # C++ host reaches through the same generated header.
    header = _GENERATED_BUILDERS.read_text()
    declared = set(re.findall(r"^\S.*?\b([A-Z][A-Za-z0-9_]*)\(", header, flags=re.MULTILINE))
    missing = sorted(op["name"] for op in _core.registered_ops() if op["name"] not in declared)
    assert missing == [], f"no builder in ops_generated.h (run varflow_opgen --write): {missing}"


def test_registry_holds_the_foundation_ops():
    names = {op["name"] for op in _core.registered_ops()}
    for required in (
        "Const",
        "Placeholder",
        "Identity",
        "Add",
        "Sub",
        "Mul",
        "RealDiv",
        "Neg",
        "MatMul",
        "Sum",
        "Mean",
        "NoOp",
        "VariableV2",
        "Assign",
        "AssignAdd",
        "AssignSub",
    ):
        assert required in names


def test_declared_attributes_get_their_defaults():
    import varflow as tf

    op = tf.reduce_sum(tf.ones([2, 2]), axis=0).op
    assert op.get_attr("keep_dims") is False
    mm = tf.matmul(tf.ones([2, 2]), tf.ones([2, 2])).op
    assert mm.get_attr("transpose_a") is False
    assert mm.get_attr("transpose_b") is False


def test_an_undeclared_attribute_is_a_value_error_naming_the_known_ones():
    import pytest

    import varflow as tf

    x = tf.ones([2, 2])
    with pytest.raises(ValueError, match=r"'MatMul' has no attribute 'transpose_c'.*transpose_a"):
        tf.get_default_graph().create_op("MatMul", [x, x], {"transpose_c": True})


def test_an_attribute_of_the_wrong_type_is_a_type_error():
    import pytest

    import varflow as tf

    x = tf.ones([2, 2])
    axes = tf.constant([0])
    with pytest.raises(TypeError, match="'keep_dims'.*must be bool, got int"):
        tf.get_default_graph().create_op("Sum", [x, axes], {"keep_dims": 1})
    # An int is a valid float, as in TF1.
    op = tf.get_default_graph().create_op("LeakyRelu", [x], {"alpha": 1})
    assert op.get_attr("alpha") == 1.0
