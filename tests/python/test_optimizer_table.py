"""The optimizer table (cpp/src/ops/optimizer_table.cc) is the one declaration of every built-in
optimizer: the registered Apply ops, the Python classes and the generated C++ classes must all
say what it says, and TF1's signatures must not drift."""

from __future__ import annotations

import inspect
import pathlib
import re
import sys

import numpy as np
import pytest
import varflow as tf
from varflow import _core
from varflow.train import _optimizer_codegen

SPECS = {spec["name"]: spec for spec in _core.optimizer_specs()}
ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_generated_cpp_classes_are_up_to_date():
    path = ROOT / _optimizer_codegen.HEADER
    assert path.read_text() == _optimizer_codegen.render(), (
        "run: python -m varflow.train._optimizer_codegen --write ."
    )


def test_every_optimizer_is_a_table_entry():
    assert sorted(SPECS) == sorted(
        [
            "GradientDescent", "Momentum", "Adagrad", "AdagradDA", "Adam", "AMSGrad", "Adamax",
            "Adadelta", "RMSProp", "Ftrl", "ProximalGradientDescent", "ProximalAdagrad",
            "AdamW", "Nadam", "Lion", "LAMB",
        ]
    )  # fmt: skip
    for name in SPECS:
        cls = getattr(tf.train, name + "Optimizer")
        assert cls._spec["name"] == name


# TF1's signatures (tf.compat.v1.train), written out so that a table edit cannot change them.
TF1_SIGNATURES = {
    "GradientDescent": "(learning_rate, use_locking=False, name='GradientDescent')",
    "Momentum": "(learning_rate, momentum, use_locking=False, name='Momentum', use_nesterov=False)",
    "Adagrad": "(learning_rate, initial_accumulator_value=0.1, use_locking=False, name='Adagrad')",
    "AdagradDA": "(learning_rate, global_step, initial_gradient_squared_accumulator_value=0.1, "
    "l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False, "
    "name='AdagradDA')",
    "Adam": "(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, "
    "name='Adam')",
    "Adadelta": "(learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False, "
    "name='Adadelta')",
    "RMSProp": "(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, "
    "centered=False, name='RMSProp')",
    "Ftrl": "(learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1, "
    "l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False, "
    "name='Ftrl', accum_name=None, linear_name=None, l2_shrinkage_regularization_strength=0.0, "
    "beta=None)",
    "ProximalGradientDescent": "(learning_rate, l1_regularization_strength=0.0, "
    "l2_regularization_strength=0.0, use_locking=False, name='ProximalGradientDescent')",
    "ProximalAdagrad": "(learning_rate, initial_accumulator_value=0.1, "
    "l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False, "
    "name='ProximalAdagrad')",
    "AMSGrad": "(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False, "
    "name='AMSGrad')",
    "Adamax": "(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, use_locking=False, "
    "name='Adamax')",
    "AdamW": "(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, weight_decay=0.01, "
    "use_locking=False, name='AdamW')",
    "Nadam": "(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-07, use_locking=False, "
    "name='Nadam')",
    "Lion": "(learning_rate=0.0001, beta1=0.9, beta2=0.99, weight_decay=0.0, use_locking=False, "
    "name='Lion')",
    "LAMB": "(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-06, weight_decay=0.0, "
    "use_locking=False, name='LAMB')",
}


@pytest.mark.parametrize("name", sorted(TF1_SIGNATURES))
def test_python_class_has_tf1_signature(name):
    cls = getattr(tf.train, name + "Optimizer")
    assert str(inspect.signature(cls)) == TF1_SIGNATURES[name]
    assert cls.__init__.__qualname__ == f"{name}Optimizer.__init__"
    assert cls.__module__ == "varflow.train.optimizers"


def test_missing_argument_is_the_usual_type_error():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'momentum'"):
        tf.train.MomentumOptimizer(0.1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'beta3'"):
        tf.train.AdamOptimizer(beta3=0.5)


def test_tf1_private_attributes():
    adam = tf.train.AdamOptimizer(0.5, beta2=0.9)
    assert (adam._lr, adam._beta1, adam._beta2, adam._epsilon) == (0.5, 0.9, 0.9, 1e-8)
    sgd = tf.train.GradientDescentOptimizer(0.25)
    assert sgd._learning_rate == 0.25
    assert sgd._use_locking is False
    assert sgd._name == "GradientDescent"
    ftrl = tf.train.FtrlOptimizer(0.1)
    assert ftrl._beta == 0.0
    assert ftrl._accum_name is None
    rms = tf.train.RMSPropOptimizer(0.1, centered=True)
    assert rms._decay == 0.9
    assert rms._centered is True


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: tf.train.AdagradOptimizer(0.1, 0.0), "initial_accumulator_value must be positive: 0.0"),
        (lambda: tf.train.ProximalAdagradOptimizer(0.1, -1), "initial_accumulator_value must be positive: -1"),
        (
            lambda: tf.train.AdagradDAOptimizer(0.1, None, 0),
            "initial_gradient_squared_accumulator_value must be positive: 0",
        ),
        (lambda: tf.train.FtrlOptimizer(0.1, 0.5), "learning_rate_power 0.500000 needs to be negative or zero"),
        (
            lambda: tf.train.FtrlOptimizer(0.1, l2_regularization_strength=-2),
            "l2_regularization_strength -2.000000 needs to be positive or zero",
        ),
    ],
)  # fmt: skip
def test_table_checks_keep_tf1_messages(make, message):
    with pytest.raises(ValueError, match=re.escape(message)) as e:
        make()
    assert str(e.value) == message


def _registered():
    return {op["name"]: op for op in _core.registered_ops()}


def test_apply_ops_follow_the_table():
    ops = _registered()
    for spec in SPECS.values():
        for op in spec["apply_ops"]:
            names = [i["name"] for i in op["inputs"]]
            apply = ops["Apply" + op["op"]]
            assert apply["inputs"] == names
            scalars = [
                i["name"] for i in op["inputs"] if i["role"] in ("hyper", "non_slot", "derived")
            ]
            tensors = [i["name"] for i in op["inputs"] if i["role"] in ("var", "slot", "grad")]
            assert ops["MultiApply" + op["op"]]["inputs"] == scalars + tensors
            assert ops["MultiApply" + op["op"]]["variadic"]
            assert not apply["variadic"]


def _make(name):
    cls = getattr(tf.train, name + "Optimizer")
    if name == "AdagradDA":
        return cls(0.1, tf.train.get_or_create_global_step())
    if name == "Momentum":
        return cls(0.1, 0.9)
    if name in (
        "GradientDescent",
        "Adagrad",
        "RMSProp",
        "Ftrl",
        "ProximalGradientDescent",
        "ProximalAdagrad",
    ):
        return cls(0.1)
    return cls(0.01)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_slots_and_non_slots_are_the_tables(name):
    spec = SPECS[name]
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(np.array([1.0, -2.0, 3.0], np.float32), name="w")
        opt = _make(name)
        opt.minimize(tf.reduce_sum(w * w))
        slots = [s for s in spec["slots"] if not s["only_if"]]
        assert opt.get_slot_names() == sorted(s["name"] for s in slots)
        # Slots are `w/<Name>`, `w/<Name>_1`... in the table's order.
        for i, s in enumerate(slots):
            suffix = "" if i == 0 else f"_{i}"
            assert opt.get_slot(w, s["name"]).op.name == f"w/{name}{suffix}"
        for n in spec["non_slots"]:
            assert opt._get_non_slot_variable(n["name"]).op.name == n["name"]
        ops_used = {op.type for op in g.get_operations() if op.type.startswith("Apply")}
        assert ops_used <= {"Apply" + op["op"] for op in spec["apply_ops"]}
        assert len(ops_used) == 1


def test_variants_are_chosen_by_the_table():
    for make, expected in [
        (lambda: tf.train.RMSPropOptimizer(0.1, centered=True), "ApplyCenteredRMSProp"),
        (lambda: tf.train.RMSPropOptimizer(0.1), "ApplyRMSProp"),
        (
            lambda: tf.train.FtrlOptimizer(0.1, l2_shrinkage_regularization_strength=0.1),
            "ApplyFtrlV2",
        ),
        (lambda: tf.train.FtrlOptimizer(0.1), "ApplyFtrl"),
        (lambda: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True), "ApplyMomentum"),
    ]:
        g = tf.Graph()
        with g.as_default():
            w = tf.Variable(np.ones(2, np.float32), name="w")
            make().minimize(tf.reduce_sum(w * w))
            applies = [op for op in g.get_operations() if op.type.startswith("Apply")]
            assert [op.type for op in applies] == [expected]
            if expected == "ApplyMomentum":
                assert applies[0].get_attr("use_nesterov") is True


def test_spec_describes_inputs_for_hosts():
    adam = SPECS["Adam"]
    (op,) = adam["apply_ops"]
    assert op["op"] == "Adam"
    assert [(i["name"], i["role"]) for i in op["inputs"]] == [
        ("var", "var"), ("m", "slot"), ("v", "slot"), ("beta1_power", "non_slot"),
        ("beta2_power", "non_slot"), ("lr", "hyper"), ("beta1", "hyper"), ("beta2", "hyper"),
        ("epsilon", "hyper"), ("grad", "grad"),
    ]  # fmt: skip
    assert [(n["name"], n["initial_from"], n["update"]) for n in adam["non_slots"]] == [
        ("beta1_power", "beta1", "scale_by"),
        ("beta2_power", "beta2", "scale_by"),
    ]
    rms = SPECS["RMSProp"]
    assert [(s["name"], s["initial_value"], s["only_if"]) for s in rms["slots"]] == [
        ("rms", 1.0, ""), ("mg", 0.0, "centered"), ("momentum", 0.0, ""),
    ]  # fmt: skip


def test_unknown_optimizer_is_not_found():
    with pytest.raises(tf.errors.NotFoundError, match="No optimizer named 'Adamm'"):
        _core.BuiltinOptimizer("Adamm", [])


def test_wrong_argument_count_is_a_type_error():
    with pytest.raises(TypeError, match="AdamOptimizer takes 6 arguments, got 1"):
        _core.BuiltinOptimizer("Adam", [_core.Hyper(0.1)])


def test_every_apply_op_has_a_numpy_reference_case():
    """Adding an optimizer means a reference case too (docs/optimizers.md): every Apply op of
    the table is built by some case of test_optimizer_references."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    try:
        import test_optimizer_references as references
    finally:
        sys.path.pop(0)
    covered = set()
    for factory, _, _ in references.CASES.values():
        g = tf.Graph()
        with g.as_default():
            w = tf.Variable(np.ones(3, np.float32), name="w")
            factory().minimize(tf.reduce_sum(w * w))
            covered |= {op.type for op in g.get_operations() if op.type.startswith("Apply")}
    table = {"Apply" + op["op"] for spec in SPECS.values() for op in spec["apply_ops"]}
    assert table - covered == set()
