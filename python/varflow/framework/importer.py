"""``tf.import_graph_def``: TensorFlow GraphDefs (TensorFlow's own or varflow's) into a graph.

Follows TF1's importer: the nodes land under a fresh name scope (``import/``, ``import_1/``,
or the given `name`), `input_map` rewires inputs to existing tensors, `return_elements` picks
tensors and operations out of the result, and the errors read as TensorFlow's. Nodes may come
in any order. Attributes that TensorFlow writes and varflow derives or lacks are dropped where
that changes nothing: the types that TensorFlow binds to inputs (checked against the inputs),
TensorFlow's internal ``_``-attributes, attributes at TensorFlow's default, and the ``grad_*``
hints of the matrix products. An attribute with a value varflow cannot honour is an error.
"""

from __future__ import annotations

import heapq
import logging
import socket

from tensorboard.compat.proto import graph_pb2

from varflow import _core, dtypes, errors
from varflow.framework import attr_value, op_defs
from varflow.graph import Operation, Tensor, convert_to_tensor, get_default_graph

_log = logging.getLogger("varflow")

# Hints to TensorFlow's grappler about where a product came from: no effect on the value.
_HINT_ATTRS = frozenset({"grad_a", "grad_b", "grad_x", "grad_y"})

# TensorFlow's names of dtypes in its messages.
_TF_DTYPE_NAMES = {"float32": "float", "float64": "double"}


def _tf_name(dtype) -> str:
    name = dtypes.as_dtype(dtype).name
    return _TF_DTYPE_NAMES.get(name, name)


def _canonical(name: str) -> str:
    """``x`` and ``x:0`` are one tensor; ``^x`` stays a control input."""
    if name.startswith("^") or ":" in name:
        return name
    return name + ":0"


def _split(name: str) -> tuple[str, int]:
    op_name, _, index = name.rpartition(":")
    if not index.isdigit():
        raise ValueError(f"'{name}' is not a valid tensor name (\"<op_name>:<output_index>\")")
    return op_name, int(index)


def _check_arguments(graph_def, input_map, return_elements):
    if not isinstance(graph_def, graph_pb2.GraphDef):
        try:
            proto = graph_pb2.GraphDef()
            proto.MergeFrom(graph_def)
            graph_def = proto
        except TypeError:
            raise TypeError("Argument `graph_def` must be a GraphDef proto.") from None
    if input_map is None:
        input_map = {}
    elif not isinstance(input_map, dict):
        raise TypeError(
            f"Argument `input_map` must be a dictionary. Obtained {type(input_map).__name__}"
        )
    elif not all(isinstance(k, str) for k in input_map):
        raise TypeError("input_map must be a dictionary mapping strings to Tensor objects.")
    if return_elements is not None:
        return_elements = tuple(return_elements)
        if not all(isinstance(x, str) for x in return_elements):
            raise TypeError(
                f"Argument `return_elements` must be a list of strings. Obtained "
                f"{list(return_elements)}."
            )
    return graph_def, input_map, return_elements


def _source(spec: str) -> str:
    return spec[1:] if spec.startswith("^") else spec.rpartition(":")[0] or spec


def _topological_order(nodes, mapped: set[str]) -> list:
    """The NodeDefs with every producer before its consumers, otherwise in GraphDef order (so
    a GraphDef that is already ordered keeps its order); a cycle is TF1's ValueError."""
    by_name = {}
    for node in nodes:
        if node.name in by_name:
            raise ValueError(f"Node '{node.name}' is not unique")
        by_name[node.name] = node
    pending = []
    consumers: list[list[int]] = [[] for _ in nodes]
    position = {node.name: i for i, node in enumerate(nodes)}
    for i, node in enumerate(nodes):
        producers = set()
        for spec in node.input:
            if _canonical(spec) in mapped:
                continue
            if _source(spec) not in by_name:
                raise ValueError(f"Node '{node.name}': Unknown input node '{spec}'")
            producers.add(position[_source(spec)])
        pending.append(len(producers))
        for p in producers:
            consumers[p].append(i)
    ready = [i for i, n in enumerate(pending) if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(nodes[i])
        for c in consumers[i]:
            pending[c] -= 1
            if pending[c] == 0:
                heapq.heappush(ready, c)
    if len(order) != len(nodes):
        raise ValueError(f"{len(nodes) - len(order)} nodes in a cycle")
    return order


def _producer_defaults(producer_op_list) -> dict:
    if producer_op_list is None:
        return {}
    return {
        (op.name, a.name): a.default_value
        for op in producer_op_list.op
        for a in op.attr
        if a.HasField("default_value")
    }


def _node_attrs(node, producer_defaults) -> dict:
    """The NodeDef's attributes that varflow's op takes, as Graph.add_node takes them."""
    declared = op_defs.varflow_attrs(node.op)
    tf_def = op_defs.tf_op_def(node.op)
    bound = op_defs.bound_attrs(tf_def) if tf_def is not None else set()
    tf_attrs = {a.name: a for a in tf_def.attr} if tf_def is not None else {}
    attrs = {}
    for key, value in node.attr.items():
        if key in declared:
            attrs[key] = attr_value.attr_from_proto(value, node.name, key)
            continue
        if key.startswith("_") or key in bound or key in _HINT_ATTRS:
            continue
        if key in tf_attrs:
            default = tf_attrs[key]
            if default.HasField("default_value") and attr_value.default_matches(
                value, default.default_value
            ):
                continue
            raise ValueError(
                f"Node '{node.name}' (op: '{node.op}') sets attribute '{key}' to "
                f"{str(value).strip()}; varflow's {node.op} implements only TensorFlow's "
                f"default ({str(default.default_value).strip() or 'none'})"
            )
        # An attribute of a newer producer's OpDef, at its default there: TF1 strips it.
        produced = producer_defaults.get((node.op, key))
        if produced is not None and attr_value.default_matches(value, produced):
            continue
        # TensorFlow too ignores attributes its OpDef does not know, with this message.
        _log.error(
            "NodeDef mentions attribute %s which is not in the op definition of %s. Unknown "
            "attributes will be ignored. NodeDef: {{node %s}}",
            key,
            node.op,
            node.name,
        )
    return attrs


def _check_bound_types(node, new_name, inputs) -> None:
    """The input types a TensorFlow NodeDef states (``T``) must be the inputs' types."""
    tf_def = op_defs.tf_op_def(node.op)
    if tf_def is None:
        return
    from varflow.framework.graph_def import _arg_lengths

    start = 0
    for arg, n in zip(tf_def.input_arg, _arg_lengths(tf_def.input_arg, len(inputs)), strict=True):
        if arg.type_attr and arg.type_attr in node.attr and node.attr[arg.type_attr].type:
            want = attr_value.varflow_dtype(node.attr[arg.type_attr].type, node.name)
            for i in range(start, start + n):
                got = inputs[i].dtype
                if got != want:
                    raise ValueError(
                        f"Input {i} of node {new_name} was passed {_tf_name(got)} from "
                        f"{inputs[i].name} incompatible with expected {_tf_name(want)}."
                    )
        start += n


def _unregistered(op_type: str, node_name: str):
    return errors.NotFoundError(
        None,
        None,
        f"Op type not registered '{op_type}' in binary running on {socket.gethostname()}. "
        "Make sure the Op and Kernel are registered in the binary running in this process. "
        f"(node '{node_name}')",
    )


def import_graph_def(
    graph_def,
    input_map=None,
    return_elements=None,
    name=None,
    op_dict=None,
    producer_op_list=None,
):
    """Adds the nodes of a ``GraphDef`` to the default graph.

    The ``GraphDef`` may come from TensorFlow or from varflow (``tf.Graph.as_graph_def``);
    ``return_elements`` picks tensors and operations of the result by their names in
    ``graph_def``.

    The nodes land under a new name scope (``import/``, ``import_1/``..., or ``name``), and
    all of them or none: every error is found before the first node is added. The caller's
    device scope fills in nodes without a device, and its control dependencies apply to
    every imported node. Attributes that TensorFlow writes but varflow derives or lacks are
    dropped where that changes nothing (the types TensorFlow binds to inputs, checked
    against the inputs; TensorFlow's ``_`` attributes; attributes at TensorFlow's default;
    the ``grad_*`` hints of matrix products); a value varflow cannot honour is an error.

    Args:
      graph_def: The ``GraphDef`` proto.
      input_map: Optional dict from tensor names of ``graph_def`` (``"x:0"``, or ``"x"``
        for output 0) to existing tensors that replace them as inputs; a ``"^name"`` key
        maps a control input to an existing ``Operation``.
      return_elements: Optional list of names in ``graph_def``: ``"op"`` returns that
        ``Operation``, ``"op:i"`` that ``Tensor``.
      name: (Optional.) The name scope the nodes land under; defaults to ``"import"``.
      op_dict: Unused (TF1 ignores it too).
      producer_op_list: (Optional.) The ``OpList`` of the ``OpDef``s the writer used: node
        attributes at those defaults are dropped.

    Returns:
      The imported ``Operation``s and ``Tensor``s named by ``return_elements``, in order;
      None when ``return_elements`` is None.

    Raises:
      TypeError: if ``graph_def`` is not a ``GraphDef``, or ``input_map`` or
        ``return_elements`` have the wrong types.
      ValueError: if ``input_map`` or ``return_elements`` name something ``graph_def``
        lacks, or ``graph_def`` is malformed (an unknown input, an op type varflow does not
        have, an attribute value it cannot honour).
    """
    del op_dict  # unused in TF1 as well
    graph_def, input_map, return_elements = _check_arguments(graph_def, input_map, return_elements)
    graph = get_default_graph()
    with graph.name_scope(name if name is not None else "import") as scope:
        mapped = _convert_input_map(graph, input_map, scope)
        imported = _import_nodes(graph, graph_def, mapped, scope, producer_op_list)
    if return_elements is None:
        return None
    return [_return_element(graph, imported, r) for r in return_elements]


def _convert_input_map(graph, input_map, scope) -> dict:
    mapped = {}
    for key, value in input_map.items():
        canonical = _canonical(key)
        if canonical.startswith("^"):
            if not isinstance(value, Operation):
                raise TypeError(f"Control input '{key}' of input_map must map to an Operation")
            mapped[canonical] = value
            continue
        if not isinstance(value, Tensor):
            if not scope:
                raise ValueError(
                    "tf.import_graph_def() requires a non-empty `name` if `input_map` contains "
                    "non-Tensor values. Try calling tf.convert_to_tensor() on `input_map` "
                    "values before calling tf.import_graph_def()."
                )
            with graph.name_scope("_inputs"):
                value = convert_to_tensor(value)
        elif value.graph is not graph:
            raise ValueError(f"input_map value {value} is not an element of this graph.")
        mapped[canonical] = value
    return mapped


def _import_nodes(graph, graph_def, mapped, scope, producer_op_list) -> dict:
    """Adds the nodes, all or none, as TF1's import does: a dry run into a scratch graph meets
    every error first (varflow's shape rules speak only as a node is added). Returns
    {GraphDef node name: core node}."""
    if any(node.op in _CONTROL_FLOW_OPS or "_region" in node.attr for node in graph_def.node):
        return _import_control_flow(graph, graph_def, mapped, scope)
    defaults = _producer_defaults(producer_op_list)
    order = _topological_order(list(graph_def.node), set(mapped))
    for node in order:
        if not op_defs.is_registered(node.op):
            raise _unregistered(node.op, node.name)
    referenced = {_canonical(spec) for node in order for spec in node.input}
    unused = [k for k in mapped if k not in referenced]
    if unused:
        raise ValueError(
            f"Attempted to map inputs that were not found in graph_def: [{', '.join(unused)}]"
        )
    scratch = _core.Graph()
    stand_ins = {k: _stand_in(scratch, v) for k, v in mapped.items()}
    attrs: dict = {}
    _add_nodes(scratch, order, stand_ins, scope, defaults, attrs)
    real = {k: v._node if k.startswith("^") else v._output for k, v in mapped.items()}
    return _add_nodes(graph._core, order, real, scope, defaults, attrs)


# The ops whose regions (tf.cond branches, tf.while_loop bodies) a GraphDef carries in internal
# attributes; the C++ importer rebuilds them (cpp/src/io/graph_def_regions.h).
_CONTROL_FLOW_OPS = frozenset({"If", "While", "LoopVar", "LoopSavedValue"})


def _import_control_flow(graph, graph_def, mapped, scope) -> dict:
    """Imports a GraphDef with control-flow regions through the C++ importer (the same checks,
    all or none), which rebuilds the regions. Returns {GraphDef node name: core node}."""
    controls = [k for k in mapped if k.startswith("^")]
    if controls:
        raise ValueError(
            "input_map cannot map control inputs of a GraphDef with control flow: "
            + ", ".join(controls)
        )
    tensors = {k: v._output for k, v in mapped.items()}
    _, warnings = _core.import_graph_def_cpp(
        graph._core, graph_def.SerializeToString(), scope, tensors, []
    )
    for warning in warnings:
        _log.warning(warning)
    return {node.name: graph._core.find_node(scope + node.name) for node in graph_def.node}


def _stand_in(scratch, target):
    """What a mapped tensor or operation looks like to the dry run: a copy of a constant or a
    variable (shape rules read constants; ref inputs need variables), else a placeholder."""
    if isinstance(target, Operation):
        return scratch.add_node("NoOp", [], {}, "")
    node = target.op._node
    if node.type in ("Const", "VariableV2"):
        copied = {k: node.get_attr(k) for k in node.attr_names()}
        return scratch.add_node(node.type, [], copied, "").output(0)
    output = target._output
    placeholder = {"dtype": output.dtype, "shape": _core.Shape(output.shape)}
    return scratch.add_node("Placeholder", [], placeholder, "").output(0)


def _add_nodes(core, order, mapped, scope, defaults, attrs) -> dict:
    """Adds `order`'s nodes to `core`; `attrs` caches each node's converted attributes."""
    imported: dict = {}
    old_scope = core.set_name_scope("")
    old_device = core.device
    try:
        for node in order:
            inputs, controls = [], []
            for spec in node.input:
                canonical = _canonical(spec)
                if canonical in mapped:
                    (controls if canonical.startswith("^") else inputs).append(mapped[canonical])
                elif spec.startswith("^"):
                    controls.append(imported[spec[1:]])
                else:
                    source, index = _split(canonical)
                    producer = imported[source]
                    if index >= producer.num_outputs:
                        raise ValueError(
                            f"Node '{node.name}': Connecting to invalid output {index} of "
                            f"source node {source} which has {producer.num_outputs} outputs."
                        )
                    inputs.append(producer.output(index))
            new_name = core.unique_name(scope + node.name)
            _check_bound_types(node, new_name, inputs)
            if node.name not in attrs:
                attrs[node.name] = _node_attrs(node, defaults)
            # As in TF1: the caller's device scope fills in nodes without a device, and its
            # control dependencies apply to every imported node.
            core.set_device(node.device or old_device)
            core.push_control_dependencies(controls, False)
            try:
                imported[node.name] = core.add_node(
                    node.op, inputs, attrs[node.name], new_name + "/"
                )
            finally:
                core.pop_control_dependencies()
    finally:
        core.set_name_scope(old_scope)
        core.set_device(old_device)
    return imported


def _return_element(graph, imported, spec: str):
    if ":" in spec:
        source, index = _split(spec)
        node = imported.get(source)
        if node is None:
            raise ValueError(f"Requested return tensor '{spec}' not found in graph def")
        if index >= node.num_outputs:
            raise ValueError(
                f"Invalid return output {index} of node '{source}', which has "
                f"{node.num_outputs} output(s)"
            )
        return graph._tensor_for(node.output(index))
    node = imported.get(spec)
    if node is None:
        raise ValueError(f"Requested return node '{spec}' not found in graph def")
    return graph._op_for(node)
