"""Every public callable of ``import varflow as tf`` has a TF1-style docstring.

The walk starts at ``tf`` and follows its public submodules (``tf.nn``, ``tf.train``,
``tf.compat.v1``...), their public functions and classes, and each class's public methods and
properties, as ``help()`` would show them. An object reachable under several names (``tf.sub``
and ``tf.subtract``, ``tf.compat.v1.train`` and ``tf.train``) is checked once. A docstring must
exist, and must have an ``Args:`` section when the callable takes parameters (TF1's own docs
have none for properties and parameterless methods).
"""

from __future__ import annotations

import collections
import dataclasses
import importlib
import inspect
import pkgutil
import pydoc
import re
import types

import pytest
import varflow as tf

# Modules new this session whose owners add their docstrings; listed by name so that the gap is
# visible here rather than silently skipped. Remove an entry once its module is documented.
OWNER_ADDS_DOCSTRINGS: frozenset[str] = frozenset()


def _import_every_submodule() -> None:
    """Imports every public varflow module, so that the walk sees the same API whatever ran
    before it (a module becomes an attribute of its package only once imported, e.g.
    tf.framework.importer or tf.data.generator)."""
    for info in pkgutil.walk_packages(tf.__path__, "varflow."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            importlib.import_module(info.name)


# Methods help() shows although they are dunders: construction and calling.
_DUNDERS_SHOWN = ("__init__", "__call__")


def _is_ours(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module == "varflow" or module.startswith("varflow.")


_honour_exclusions = [True]


def _excluded(obj) -> bool:
    if not _honour_exclusions[0]:
        return False
    module = getattr(obj, "__module__", None) or ""
    return any(module == m or module.startswith(m + ".") for m in OWNER_ADDS_DOCSTRINGS)


def _public_names(module: types.ModuleType) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_"))


def _public_modules_and_objects():
    """(public name, object) of every public function and class, breadth first from ``tf``."""
    seen_modules = {id(tf)}
    queue = collections.deque([("tf", tf)])
    found = []
    while queue:
        path, module = queue.popleft()
        for name in _public_names(module):
            obj = getattr(module, name)
            qualified = f"{path}.{name}"
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("varflow") and id(obj) not in seen_modules:
                    seen_modules.add(id(obj))
                    queue.append((qualified, obj))
            elif (inspect.isclass(obj) or callable(obj)) and _is_ours(obj):
                found.append((qualified, obj))
    return found


def _methods(cls, public_classes):
    """(name, function or property, takes_self, defining class) defined by ``cls`` or a varflow base of it.

    A public base's methods are left to that base, so they are named after the class that
    defines them (``tf.Session.run``, not ``tf.InteractiveSession.run``).
    """
    for klass in cls.__mro__:
        if not _is_ours(klass) or _excluded(klass):
            continue
        if klass is not cls and id(klass) in public_classes:
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") and name not in _DUNDERS_SHOWN:
                continue
            if isinstance(attr, staticmethod):
                yield name, attr.__func__, False, klass
            elif isinstance(attr, classmethod):
                yield name, attr.__func__, True, klass
            elif isinstance(attr, property):
                yield name, attr, False, klass
            elif inspect.isfunction(attr):
                # a dataclass's generated __init__ takes the fields its class documents
                if dataclasses.is_dataclass(klass) and attr.__code__.co_filename.startswith("<"):
                    continue
                yield name, attr, True, klass


def _takes_parameters(fn, takes_self: bool) -> bool:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # a compiled callable without a readable signature
        return False
    if takes_self and params:
        params = params[1:]
    return bool(params)


def public_api(honour_exclusions: bool = True) -> dict[int, tuple]:
    """id(object) -> (first public name, object, kind, defining class or None) to check."""
    _honour_exclusions[0] = honour_exclusions
    try:
        return _public_api()
    finally:
        _honour_exclusions[0] = True


def _public_api() -> dict[int, tuple]:
    _import_every_submodule()
    items: dict[int, tuple] = {}
    found = _public_modules_and_objects()
    public_classes = {id(obj) for _, obj in found if inspect.isclass(obj) and not _excluded(obj)}
    for qualified, obj in found:
        if id(obj) in items or _excluded(obj):
            continue
        if inspect.isclass(obj):
            items[id(obj)] = (qualified, obj, "class", None)
            for name, fn, takes_self, klass in _methods(obj, public_classes):
                key = id(fn)
                if key in items:
                    continue
                if isinstance(fn, property):
                    items[key] = (f"{qualified}.{name}", fn, "property", klass)
                else:
                    kind = "method" if takes_self else "function"
                    items[key] = (f"{qualified}.{name}", fn, kind, klass)
        else:
            items[id(obj)] = (qualified, obj, "function", None)
    return items


def _parameter_names(fn):
    try:
        return [p.name for p in inspect.signature(fn).parameters.values()]
    except (TypeError, ValueError):
        return None


def _inherited_doc(obj, klass) -> str | None:
    """The docstring help() shows for an override without its own: the nearest varflow base's
    for the same name, if the override takes the same parameters (else its Args would lie)."""
    name = getattr(obj, "__name__", None) or getattr(getattr(obj, "fget", None), "__name__", "")
    for base in klass.__mro__[1:]:
        if not _is_ours(base) or name not in vars(base):
            continue
        attr = vars(base)[name]
        attr = attr.__func__ if isinstance(attr, (staticmethod, classmethod)) else attr
        if not isinstance(obj, property) and _parameter_names(attr) != _parameter_names(obj):
            return None
        if attr.__doc__:
            return attr.__doc__
    return None


def problems(items) -> list[str]:
    """One line per callable whose docstring is missing or lacks Args: for its parameters."""
    found = []
    for qualified, obj, kind, klass in items.values():
        doc = obj.__doc__ if kind != "class" else vars(obj).get("__doc__")
        if not doc and klass is not None:
            doc = _inherited_doc(obj, klass)
        where = getattr(klass, "__module__", None) or getattr(obj, "__module__", "?")
        if not doc or not doc.strip():
            found.append(f"{qualified}: no docstring ({where})")
        elif (
            kind in ("function", "method")
            and "Args:" not in doc
            and _takes_parameters(obj, kind == "method")
        ):
            found.append(f"{qualified}: takes parameters but its docstring has no Args:")
    return sorted(found)


def test_public_api_walk_finds_the_tf1_surface():
    everything = public_api(honour_exclusions=False)
    names = {qualified for qualified, _, _, _ in everything.values()}
    for expected in (
        "tf.Session.run",
        "tf.Graph.as_default",
        "tf.Tensor.eval",
        "tf.Operation.run",
        "tf.Variable.assign",
        "tf.nn.relu",
        "tf.layers.dense",
        "tf.losses.softmax_cross_entropy",
        "tf.metrics.accuracy",
        "tf.summary.scalar",
        "tf.train.AdamOptimizer.__init__",
    ):
        assert expected in names, expected
    # tf.train.Optimizer's methods are checked once, under whichever name the walk met first
    optimizer_methods = {
        q.rsplit(".", 1)[1]
        for q, o, _, _ in everything.values()
        if getattr(o, "__qualname__", "").startswith("Optimizer.")
    }
    for method in (
        "minimize",
        "compute_gradients",
        "apply_gradients",
        "get_slot",
        "get_slot_names",
        "variables",
    ):
        assert method in optimizer_methods, method


def test_every_public_callable_has_a_tf1_style_docstring():
    missing = problems(public_api())
    assert not missing, f"{len(missing)} public callables lack docstrings:\n" + "\n".join(missing)


def _documented_arguments(doc: str) -> set[str]:
    """The names the Args: section lists: its lines at the section's own indentation."""
    section = re.split(r"\n\s*(?:Returns|Raises|Yields):", doc.split("Args:", 1)[1])[0]
    lines = [line for line in section.split("\n") if line.strip()]
    if not lines:
        return set()
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    names = set()
    for line in lines:
        match = re.match(r"\**(\w+)( \(.*?\))?:", line[indent:])
        if len(line) - len(line.lstrip()) == indent and match:
            names.add(match.group(1))
    return names


def test_args_sections_name_exactly_the_parameters():
    wrong = []
    for qualified, obj, kind, klass in public_api().values():
        if kind not in ("function", "method"):
            continue
        doc = obj.__doc__ or (_inherited_doc(obj, klass) if klass is not None else None) or ""
        if "Args:" not in doc:
            continue
        try:
            params = list(inspect.signature(obj).parameters.values())
        except (TypeError, ValueError):
            continue
        if kind == "method" and params:
            params = params[1:]
        names = {p.name for p in params}
        documented = _documented_arguments(doc)
        if names != documented:
            wrong.append(
                f"{qualified}: undocumented {sorted(names - documented)}, "
                f"not parameters {sorted(documented - names)}"
            )
    assert not wrong, "\n".join(wrong)


def test_help_for_adam_shows_the_optimizer_api():
    if "varflow.train.optimizer" in OWNER_ADDS_DOCSTRINGS:
        pytest.skip("varflow.train.optimizer is listed in OWNER_ADDS_DOCSTRINGS")
    text = inspect.getdoc(tf.train.AdamOptimizer.minimize) or ""
    assert "Args:" in text
    assert "Returns:" in text
    for method in ("compute_gradients", "apply_gradients", "get_slot"):
        doc = inspect.getdoc(getattr(tf.train.AdamOptimizer, method)) or ""
        assert "Args:" in doc, method
    for method in ("get_slot_names", "variables", "__init__"):
        doc = inspect.getdoc(getattr(tf.train.AdamOptimizer, method)) or ""
        assert "Returns:" in doc or "Args:" in doc, method


# (name, has a Returns: section, has a paragraph before the sections): as TF1's docs have them
@pytest.mark.parametrize(
    ("name", "returns", "paragraph"),
    [
        ("nn.rnn_cell.LSTMCell.__init__", False, False),
        ("data.Dataset.map", True, True),
        ("train.shuffle_batch", True, True),
        ("while_loop", True, True),
    ],
)
def test_help_reads_like_tf1s_docs(name, returns, paragraph):
    obj = tf
    for part in name.split("."):
        obj = getattr(obj, part)
    text = inspect.getdoc(obj) or ""
    summary, _, body = text.partition("\n\n")
    # TF1's layout: a one-line summary, a paragraph, then the sections
    assert "\n" not in summary, summary
    assert summary.endswith("."), summary
    assert body.startswith("Args:") != paragraph, name
    assert "Args:" in text
    assert ("Returns:" in text) == returns
    assert "Raises:" in text
    # help() shows it, and the class's own help shows the constructor's arguments
    assert "Args:" in pydoc.render_doc(obj, renderer=pydoc.plaintext)
    if name.endswith("__init__"):
        rendered = pydoc.render_doc(tf.nn.rnn_cell.LSTMCell, renderer=pydoc.plaintext)
        assert "use_peepholes:" in rendered
        assert "Long short-term memory" in rendered
