"""TF1's built-in optimizers (and AdamW, Adamax, AMSGrad, Nadam, Lion, LAMB beyond TF1).

Every class here is generated from one entry of the C++ optimizer table
(``cpp/src/ops/optimizer_table.cc``, read through ``_core.optimizer_specs()``): its ``__init__``
has TF1's signature and defaults, keeps TF1's private attributes (``_lr``,
``_learning_rate``...), runs the entry's argument checks with TF1's messages, and builds the
C++ ``BuiltinOptimizer`` of the entry, which emits one fused ``Apply*`` op per variable (or one
``MultiApply*`` op with ``multi_tensor = True``). Nothing about a particular optimizer is
written here.
"""

from __future__ import annotations

import textwrap

from varflow import _core
from varflow.train.optimizer import Optimizer, _hyper

_CONDITIONS = {
    "positive": lambda v: v > 0.0,
    "non_negative": lambda v: v >= 0.0,
    "non_positive": lambda v: v <= 0.0,
}


def _python_default(param):
    return None if param["python_default_none"] else param["default"]


def _core_argument(param, value):
    """A Python argument as the core's BuiltinOptimizer takes it (see ParamKind)."""
    kind = param["kind"]
    if value is None and param["python_default_none"]:
        return param["default"]
    if kind == "hyper":
        return _hyper(value)
    if kind == "number":
        return float(value)
    if kind in ("flag", "use_locking"):
        return bool(value)
    if kind == "variable":
        return value._node
    return value


def _stored_value(param, value):
    # TF1 keeps a number given as None as the value used (Ftrl's beta), a name as given.
    if value is None and param["python_default_none"] and param["kind"] == "number":
        return param["default"]
    return value


class _BuiltinOptimizer(Optimizer):
    """An optimizer of the C++ table; subclasses set ``_spec`` and get a generated ``__init__``."""

    _spec: dict = {}

    def _init_from_table(self, arguments: dict) -> None:
        spec = self._spec
        for check in spec["checks"]:
            value = arguments[check["param"]]
            if not _CONDITIONS[check["condition"]](value):
                raise ValueError(check["message"].format(name=check["param"], value=value))
        use_locking = name = None
        for param in spec["params"]:
            value = arguments[param["name"]]
            if param["kind"] == "use_locking":
                use_locking = value
            elif param["kind"] == "name":
                name = value
            else:
                setattr(self, param["python_attribute"], _stored_value(param, value))
        self._arguments = arguments
        Optimizer.__init__(self, use_locking, name)

    def _make_core(self):
        spec = self._spec
        args = [_core_argument(p, self._arguments[p["name"]]) for p in spec["params"]]
        return _core.BuiltinOptimizer(spec["name"], args)


def _get_beta_accumulators(self):
    """TF1's Adam accessor, for every optimizer that keeps beta powers."""
    return self._get_non_slot_variable("beta1_power"), self._get_non_slot_variable("beta2_power")


def _make_init(spec):
    """An ``__init__`` with the entry's TF1 signature (real parameters, so ``inspect`` and
    TypeErrors read as for a hand-written class), as dataclasses build theirs."""
    params = spec["params"]
    defaults = {f"_d{i}": _python_default(p) for i, p in enumerate(params)}
    signature = ", ".join(
        p["name"] if p["required"] else f"{p['name']}=_d{i}" for i, p in enumerate(params)
    )
    names = ", ".join(f"{p['name']!r}: {p['name']}" for p in params)
    source = f"def __init__(self, {signature}):\n    self._init_from_table({{{names}}})\n"
    namespace: dict = {}
    exec(source, defaults, namespace)  # noqa: S102 - the source is built from the table above
    return namespace["__init__"]


# TF1's descriptions of the optimizers' constructor arguments, for the generated __init__
# docstrings; (optimizer, argument) entries override the shared one. A table entry with an
# argument missing here gets no Args section, which tests/python/test_docstrings.py reports.
_ARGUMENT_DOCS = {
    "learning_rate": "A Tensor or a floating point value. The learning rate.",
    "use_locking": "If True use locks for update operations (accepted; varflow's updates of\n"
    "    one variable never race).",
    "name": "Optional name prefix for the operations created when applying gradients.",
    "momentum": "A `Tensor` or a floating point value. The momentum.",
    "use_nesterov": "If `True` use Nesterov Momentum. See (Sutskever et al., 2013).",
    "initial_accumulator_value": "A floating point value. Starting value for the\n"
    "    accumulators, must be positive.",
    "global_step": "A `Tensor` containing the current training step number.",
    "initial_gradient_squared_accumulator_value": "A floating point value. Starting value for\n"
    "    the accumulators, must be positive.",
    "l1_regularization_strength": "A float value, must be greater than or equal to zero.",
    "l2_regularization_strength": "A float value, must be greater than or equal to zero.",
    "beta1": "A float value or a constant float tensor. The exponential decay rate for the\n"
    "    1st moment estimates.",
    "beta2": "A float value or a constant float tensor. The exponential decay rate for the\n"
    "    2nd moment estimates.",
    "epsilon": "A small constant for numerical stability.",
    "rho": "A `Tensor` or a floating point value. The decay rate.",
    "decay": "Discounting factor for the history/coming gradient.",
    "centered": "If True, gradients are normalized by the estimated variance of the gradient;\n"
    "    if False, by the uncentered second moment. Setting this to True may help with\n"
    "    training, but is slightly more expensive in terms of computation and memory.",
    "learning_rate_power": "A float value, must be less or equal to zero.",
    "accum_name": "The suffix for the variable that keeps the gradient squared accumulator.\n"
    "    If not present, defaults to name.",
    "linear_name": "The suffix for the variable that keeps the linear gradient accumulator.\n"
    '    If not present, defaults to name + "_1".',
    "l2_shrinkage_regularization_strength": "A float value, must be greater than or equal to\n"
    "    zero. This differs from L2 above in that the L2 above is a stabilization penalty,\n"
    "    whereas this L2 shrinkage is a magnitude penalty.",
    "beta": "A float value; corresponds to the beta parameter in the paper.",
    "weight_decay": "A float value: the decoupled weight decay, applied as\n"
    "    `var -= learning_rate * weight_decay * var` (beyond TF1).",
    ("Lion", "beta1"): "A float value: the interpolation factor between the momentum and\n"
    "    the gradient whose sign makes the update.",
    ("Lion", "beta2"): "A float value: the decay rate of the momentum.",
    ("RMSProp", "momentum"): "A scalar tensor.",
    ("RMSProp", "epsilon"): "Small value to avoid zero denominator.",
    ("Adadelta", "epsilon"): "A `Tensor` or a floating point value. A constant epsilon used to\n"
    "    better conditioning the grad update.",
    ("Adagrad", "initial_accumulator_value"): "A floating point value. Starting value for the\n"
    "    accumulators, must be positive.",
}


def _init_doc(spec) -> str:
    """Construct a new <name> optimizer, with an Args entry per argument of the table."""
    lines = [f"Construct a new {spec['name']} optimizer.", "", textwrap.fill(spec["doc"], 88)]
    entries = []
    for param in spec["params"]:
        doc = _ARGUMENT_DOCS.get((spec["name"], param["name"])) or _ARGUMENT_DOCS.get(param["name"])
        if doc is None:
            return "\n".join(lines) + "\n"
        entries.append(f"  {param['name']}: {doc}")
    checked = sorted({c["param"] for c in spec["checks"]})
    raises = (
        [
            "",
            "Raises:",
            textwrap.fill(
                f"ValueError: If {', '.join(f'`{p}`' for p in checked)} is out of range.",
                88,
                initial_indent="  ",
                subsequent_indent="    ",
            ),
        ]
        if checked
        else []
    )
    return "\n".join([*lines, "", "Args:", *entries, *raises]) + "\n"


def _make_class(spec):
    name = spec["name"] + "Optimizer"
    init = _make_init(spec)
    init.__qualname__ = f"{name}.__init__"
    init.__doc__ = _init_doc(spec)
    doc = f"Optimizer that implements the {spec['name']} algorithm.\n\n" + textwrap.fill(
        spec["doc"], 88
    )
    namespace = {"_spec": spec, "__init__": init, "__doc__": doc, "__module__": __name__}
    if {n["name"] for n in spec["non_slots"]} & {"beta1_power", "beta2_power"}:
        namespace["_get_beta_accumulators"] = _get_beta_accumulators
    return type(name, (_BuiltinOptimizer,), namespace)


__all__: list[str] = []
for _spec in _core.optimizer_specs():
    _cls = _make_class(_spec)
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)
del _spec, _cls
