"""The type stub python/varflow/_core.pyi declares what the compiled module exports, no more.

Every public name of ``varflow._core`` (functions, classes and each class's public members) is
in the stub and every public name the stub declares exists in the module, so editors and type
checkers see the bindings as they are. A binding added without its stub block fails here.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import varflow
from varflow import _core

STUB = Path(varflow.__file__).with_name("_core.pyi")


def _public(names) -> set[str]:
    return {n for n in names if not n.startswith("_")}


def _declared(body) -> set[str]:
    """Names a stub module or class body declares (defs, classes, annotated or plain names)."""
    names = set()
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(), filename=str(STUB))


def _module_members(cls) -> set[str]:
    """The public members a compiled class defines itself (pybind11 puts them in its dict)."""
    return _public(vars(cls))


def test_every_compiled_name_is_in_the_stub_and_back():
    declared = _public(_declared(_stub_tree().body))
    exported = _public(dir(_core))
    missing = sorted(exported - declared)
    stale = sorted(declared - exported)
    assert not missing, f"_core exports names the stub lacks: {missing}"
    assert not stale, f"the stub declares names _core does not export: {stale}"


def test_every_class_member_is_in_the_stub_and_back():
    stub_classes = {n.name: n for n in _stub_tree().body if isinstance(n, ast.ClassDef)}
    problems = []
    for name in sorted(_public(dir(_core))):
        cls = getattr(_core, name)
        if not inspect.isclass(cls) or name not in stub_classes:
            continue
        declared = _public(_declared(stub_classes[name].body))
        exported = _module_members(cls)
        for member in sorted(exported - declared):
            problems.append(f"{name}.{member}: in _core, not in the stub")
        for member in sorted(declared - exported):
            if not hasattr(cls, member):  # declared on a base class in the stub is fine
                problems.append(f"{name}.{member}: in the stub, not in _core")
    assert not problems, "\n".join(problems)
