"""What each side knows about an op type: TensorFlow's OpDef and varflow's declared attributes.

``tf_op_defs.pb`` (an OpList) holds TensorFlow's OpDefs of the op types that varflow registers too
(recorded from TensorFlow by tests/python/fixtures/tf_graphs/make_fixtures.py). The exporter
reads from them the attributes TensorFlow needs that varflow infers (``T`` of binary ops: the
dtype of the input bound to it; ``N``: the number of inputs of a list argument) or does not
have (TensorFlow's defaults); the importer reads which attributes it may drop.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from tensorboard.compat.proto import op_def_pb2

from varflow import _core

_OP_DEFS_FILE = Path(__file__).with_name("tf_op_defs.pb")

# The GraphDef version of the TensorFlow release the OpDefs above were recorded from.
GRAPH_DEF_PRODUCER = 2474


@functools.cache
def tf_op_defs() -> dict[str, op_def_pb2.OpDef]:
    """Returns TensorFlow's ``OpDef``s of the op types varflow also registers, by name.

    Read once from ``tf_op_defs.pb``, which was recorded from TensorFlow.

    Returns:
      A dict from op type to ``OpDef`` proto.
    """
    op_list = op_def_pb2.OpList.FromString(_OP_DEFS_FILE.read_bytes())
    return {op.name: op for op in op_list.op}


def tf_op_def(op_type: str):
    """Returns TensorFlow's ``OpDef`` of ``op_type``, or None when TensorFlow has no such op.

    Args:
      op_type: An op type name (``MatMul``).

    Returns:
      An ``OpDef`` proto or None.
    """
    return tf_op_defs().get(op_type)


@functools.cache
def _registry() -> dict[str, dict]:
    return {op["name"]: op for op in _core.registered_ops()}


def is_registered(op_type: str) -> bool:
    """Returns True if varflow's op registry has ``op_type``.

    Args:
      op_type: An op type name.

    Returns:
      A bool.
    """
    return op_type in _registry()


@functools.cache
def varflow_attrs(op_type: str) -> frozenset[str]:
    """Returns the attributes varflow's op ``op_type`` declares.

    ``registered_ops()`` does not list them, so this asks Graph.add_node, whose check of
    attributes names every declared one when it meets an undeclared one (see validate_attrs in
    cpp/src/graph/op_registry.cc); the probe runs once per op type, in a scratch graph.

    Args:
      op_type: A registered op type.

    Returns:
      A frozenset of attribute names.
    """
    op = _registry()[op_type]
    graph = _core.Graph()
    var = graph.add_node(
        "VariableV2", [], {"shape": _core.Shape([1]), "dtype": _core.DType.float32}, "v"
    )
    inputs = [var.output(0)] * (1 if op["variadic"] else len(op["inputs"]))
    try:
        graph.add_node(op_type, inputs, {"__varflow_probe__": 0}, "probe")
    except ValueError as e:
        found = re.search(r"its attributes are: (.*)$", str(e))
        if found:
            names = found.group(1)
            return frozenset() if names == "none" else frozenset(names.split(", "))
        raise
    raise AssertionError(f"the attribute probe of {op_type} was accepted")


def bound_attrs(op_def) -> set[str]:
    """Returns the TensorFlow attributes fixed by the op's arguments.

    Those are the types of typed inputs and outputs and the lengths of list arguments,
    which the importer checks against the inputs and the exporter derives from them.

    Args:
      op_def: A TensorFlow ``OpDef`` proto.

    Returns:
      A set of attribute names.
    """
    bound = set()
    for arg in list(op_def.input_arg) + list(op_def.output_arg):
        bound.update(a for a in (arg.type_attr, arg.number_attr, arg.type_list_attr) if a)
    return bound
