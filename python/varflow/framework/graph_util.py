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
    """Extract the subgraph that can reach any of the nodes in 'dest_nodes'.

    The nodes are those `dest_nodes` depend on through data and control inputs, in
    `GraphDef` order.

    Args:
      graph_def: A graph_pb2.GraphDef proto.
      dest_nodes: A list of strings specifying the destination node names.

    Returns:
      The GraphDef of the sub-graph.

    Raises:
      TypeError: If 'graph_def' is not a graph_pb2.GraphDef proto.
      AssertionError: If a node of `dest_nodes` is not in the graph.
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
    """Replaces all the variables in a graph with constants of the same values.

    If you have a trained graph containing Variable ops, it can be convenient to convert
    them all to Const ops holding the same values. This makes it possible to describe the
    network fully with a single GraphDef file, and allows the removal of a lot of ops
    related to loading and saving the variables (TF1's "freezing").

    Args:
      sess: Active TensorFlow session containing the variables.
      input_graph_def: GraphDef object holding the network.
      output_node_names: List of name strings for the result nodes of the graph.
      variable_names_whitelist: The set of variable names to convert (by default, all
        variables are converted).
      variable_names_blacklist: The set of variable names to omit converting to constants.

    Returns:
      GraphDef containing a simplified version of the original.
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
