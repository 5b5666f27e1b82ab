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


def _make_class(spec):
    name = spec["name"] + "Optimizer"
    init = _make_init(spec)
    init.__qualname__ = f"{name}.__init__"
    namespace = {"_spec": spec, "__init__": init, "__doc__": spec["doc"], "__module__": __name__}
    if {n["name"] for n in spec["non_slots"]} & {"beta1_power", "beta2_power"}:
        namespace["_get_beta_accumulators"] = _get_beta_accumulators
    return type(name, (_BuiltinOptimizer,), namespace)


__all__: list[str] = []
for _spec in _core.optimizer_specs():
    _cls = _make_class(_spec)
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)
del _spec, _cls
