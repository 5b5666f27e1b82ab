"""``tf.graph_util``: GraphDef surgery from TF1's graph_util_impl.py, for freezing a model:
``extract_sub_graph`` keeps what some nodes need, ``convert_variables_to_constants`` turns the
variables they read into constants with the session's values. (Protobuf modules load on first
use, so ``import varflow`` can import this module.)"""

from __future__ import annotations

import logging

_log = logging.getLogger("varflow")

_VARIABLE_OPS = ("Variable", "VariableV2")


def _node_name(spec: str) -> str:
    return spec[1:] if spec.startswith("^") else spec.split(":")[0]


def extract_sub_graph(graph_def, dest_nodes):
    """Returns the part of ``graph_def`` that the nodes ``dest_nodes`` need.

    The result keeps the nodes ``dest_nodes`` depend on, through data and control inputs,
    in ``GraphDef`` order, with the graph's versions and function library.

    Args:
      graph_def: A ``GraphDef`` proto.
      dest_nodes: A list of node names.

    Returns:
      The ``GraphDef`` of the sub-graph.

    Raises:
      TypeError: if ``graph_def`` is not a ``GraphDef``, or ``dest_nodes`` is a string.
      AssertionError: if a name of ``dest_nodes`` is not a node of the graph (TF1's error
        type).
    """
    from tensorboard.compat.proto import graph_pb2

    if not isinstance(graph_def, graph_pb2.GraphDef):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be a list.")
    by_name = {node.name: node for node in graph_def.node}
    for name in dest_nodes:
        if name not in by_name:
            raise AssertionError(f"{name} is not in graph")
    keep: set[str] = set()
    pending = list(dest_nodes)
    while pending:
        name = pending.pop()
        if name in keep:
            continue
        keep.add(name)
        pending.extend(_node_name(i) for i in by_name[name].input if _node_name(i) in by_name)
    out = graph_pb2.GraphDef()
    out.versions.CopyFrom(graph_def.versions)
    if graph_def.HasField("library"):
        out.library.CopyFrom(graph_def.library)
    out.node.extend(node for node in graph_def.node if node.name in keep)
    return out


def convert_variables_to_constants(
    sess,
    input_graph_def,
    output_node_names,
    variable_names_whitelist=None,
    variable_names_blacklist=None,
):
    """Returns ``input_graph_def`` "frozen": its variables replaced by constants of their values.

    Only what ``output_node_names`` need is kept (``extract_sub_graph``); each variable in
    it becomes a ``Const`` holding the value it has in ``sess``. The result describes the
    trained model on its own, without checkpoints or the save and restore ops, ready for
    ``tf.import_graph_def`` or a C++ host.

    Args:
      sess: The ``Session`` holding the variables' values.
      input_graph_def: The ``GraphDef`` of the model.
      output_node_names: The names of the nodes the frozen graph must compute.
      variable_names_whitelist: Optional set of variable names: only those are converted.
      variable_names_blacklist: Optional set of variable names to leave as variables.

    Returns:
      The frozen ``GraphDef``.
    """
    from tensorboard.compat.proto import graph_pb2, node_def_pb2

    from varflow.framework import attr_value

    inference = extract_sub_graph(input_graph_def, output_node_names)
    names = [
        node.name
        for node in inference.node
        if node.op in _VARIABLE_OPS
        and (variable_names_whitelist is None or node.name in variable_names_whitelist)
        and (variable_names_blacklist is None or node.name not in variable_names_blacklist)
    ]
    values = dict(zip(names, sess.run([n + ":0" for n in names]), strict=True)) if names else {}
    _log.info("Froze %d variables.", len(values))
    out = graph_pb2.GraphDef()
    out.versions.CopyFrom(inference.versions)
    if inference.HasField("library"):
        out.library.CopyFrom(inference.library)
    for node in inference.node:
        if node.name in values:
            const = node_def_pb2.NodeDef(name=node.name, op="Const", device=node.device)
            const.attr["dtype"].CopyFrom(node.attr["dtype"])
            const.attr["value"].tensor.CopyFrom(attr_value.tensor_proto(values[node.name]))
            out.node.append(const)
        else:
            out.node.add().CopyFrom(node)
    _log.info("Converted %d variables to const ops.", len(values))
    return out
