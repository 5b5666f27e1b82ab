"""``Graph.as_graph_def``: a varflow graph as TensorFlow's GraphDef protobuf.

Node names, op types, data inputs (``name`` for output 0, ``name:i`` otherwise), control
inputs (``^name``), devices and attributes in TensorFlow's AttrValue encoding. For op types
TensorFlow has, the attributes TensorFlow's OpDef requires but varflow derives (``T`` from the
input it types, ``N`` from a list's length) are added, and so are TensorFlow's defaults of the
few attributes varflow does not have (``MatMul``'s ``grad_a``), so TensorFlow imports the
result as it would a GraphDef of its own.
"""

from __future__ import annotations

import weakref

from tensorboard.compat.proto import attr_value_pb2, graph_pb2, node_def_pb2

from varflow import _core
from varflow.framework import attr_value, op_defs


def tensor_name(output) -> str:
    """Returns TensorFlow's spelling of an input: ``name`` for output 0, else ``name:i``.

    Args:
      output: A core output (``Tensor._output``).

    Returns:
      The string naming it in a ``NodeDef``'s inputs.
    """
    return output.node.name if output.index == 0 else f"{output.node.name}:{output.index}"


def _arg_lengths(args, total: int) -> list[int]:
    """How many of `total` inputs (or outputs) each argument takes: one each, except a list
    argument, which takes the rest."""
    is_list = [bool(a.number_attr or a.type_list_attr) for a in args]
    rest = total - (len(args) - sum(is_list))
    return [max(rest, 0) if lst else 1 for lst in is_list]


def _bind_args(node_def, args, dtypes_of) -> None:
    """Sets the type and length attributes TensorFlow binds to `args` from the values."""
    start = 0
    for arg, n in zip(args, _arg_lengths(args, len(dtypes_of)), strict=True):
        types = dtypes_of[start : start + n]
        start += n
        attrs = node_def.attr
        if arg.number_attr and arg.number_attr not in attrs:
            attrs[arg.number_attr].i = n
        if arg.type_attr and arg.type_attr not in attrs and types:
            attrs[arg.type_attr].type = attr_value.tf_dtype(types[0])
        if arg.type_list_attr and arg.type_list_attr not in attrs:
            attrs[arg.type_list_attr].list.type.extend(attr_value.tf_dtype(t) for t in types)


def node_def(node, add_shapes: bool = False, clear_devices: bool = False):
    """Returns a core node as TensorFlow's ``NodeDef``.

    The attributes TensorFlow's ``OpDef`` requires but varflow derives (``T`` from the input
    it types, ``N`` from a list's length) are added, and TensorFlow's defaults of those
    varflow lacks.

    Args:
      node: A core node (``Operation._node``).
      add_shapes: If True, add the ``_output_shapes`` attribute (as TF's ``add_shapes``).
      clear_devices: If True, leave the device empty.

    Returns:
      A ``NodeDef`` proto.
    """
    proto = node_def_pb2.NodeDef(name=node.name, op=node.type)
    if not clear_devices:
        proto.device = node.device
    proto.input.extend(tensor_name(o) for o in node.inputs)
    proto.input.extend("^" + c.name for c in node.control_inputs)
    for key in node.attr_names():
        proto.attr[key].CopyFrom(attr_value.attr_proto(node.get_attr(key)))
    # Control-flow structure (the node's region; an If's or While's regions), as the C++
    # writer adds it.
    for key, value in _core.control_flow_node_attrs(node).items():
        proto.attr[key].ParseFromString(value)
    tf_def = op_defs.tf_op_def(node.type)
    if tf_def is not None:
        _bind_args(proto, tf_def.input_arg, [o.dtype for o in node.inputs])
        outputs = [node.output_dtype(i) for i in range(node.num_outputs)]
        _bind_args(proto, tf_def.output_arg, outputs)
        for attr in tf_def.attr:
            if attr.name not in proto.attr and attr.HasField("default_value"):
                proto.attr[attr.name].CopyFrom(attr.default_value)
    if add_shapes:
        shapes = attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue())
        for i in range(node.num_outputs):
            shapes.list.shape.add().CopyFrom(attr_value.shape_proto(node.output_shape(i)))
        proto.attr["_output_shapes"].CopyFrom(shapes)
    return proto


# Nodes do not change once added, so each graph keeps its NodeDefs: a Saver writing the
# meta graph at every save converts only the nodes added since the last one. Large ones
# (constants holding initial values) are not kept, so as not to hold a second copy of them.
_node_defs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LARGEST_KEPT = 1 << 16


def as_graph_def(graph, from_version=None, add_shapes=False, clear_devices=False):
    """Returns ``graph`` as TensorFlow's ``GraphDef`` proto (TF1's ``Graph.as_graph_def``).

    The result imports into another graph (``tf.import_graph_def``), into TensorFlow, or
    into a C++ host. Each graph keeps the
    ``NodeDef``s it made (nodes do not change once added), so a Saver that writes the meta
    graph at every save only converts the nodes added since.

    Args:
      graph: The ``Graph`` to serialize.
      from_version: Optional: only the nodes added since the graph's ``version`` had
        this value.
      add_shapes: If True, each node gets an ``_output_shapes`` attribute with its
        outputs' static shapes.
      clear_devices: If True, the nodes' devices are left empty.

    Returns:
      A ``GraphDef`` protocol buffer.
    """
    core = graph._core
    cache = _node_defs.setdefault(graph, {}).setdefault((add_shapes, clear_devices), [])
    with graph._lock:
        for i in range(len(cache), core.num_nodes):
            proto = node_def(core.node(i), add_shapes, clear_devices)
            cache.append(proto if proto.ByteSize() <= _LARGEST_KEPT else None)
        first = 0 if from_version is None else int(from_version)
        proto = graph_pb2.GraphDef()
        proto.versions.producer = op_defs.GRAPH_DEF_PRODUCER
        for i in range(first, core.num_nodes):
            kept = cache[i]
            proto.node.append(
                kept if kept is not None else node_def(core.node(i), add_shapes, clear_devices)
            )
    return proto
