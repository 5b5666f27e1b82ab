"""Graphs in and out: GraphDef and MetaGraphDef protobufs (TensorFlow's own definitions, as the
``tensorboard`` package ships them in ``tensorboard.compat.proto``).

The entry points below have TF1's signatures and load protobuf on first use, so that
``import varflow`` can export them without importing tensorboard.
"""

from __future__ import annotations

import importlib

# TF1's top-level names of protobuf classes, and the tensorboard.compat.proto module of each.
PROTO_CLASSES = {
    "AttrValue": "attr_value_pb2",
    "GraphDef": "graph_pb2",
    "MetaGraphDef": "meta_graph_pb2",
    "NodeDef": "node_def_pb2",
    "OpDef": "op_def_pb2",
    "TensorProto": "tensor_pb2",
    "TensorShapeProto": "tensor_shape_pb2",
    "VariableDef": "variable_pb2",
}


def proto_class(name: str):
    """Returns one of TF's protobuf classes (`tf.GraphDef` and friends), loaded on first use.

    Args:
      name: A name in `PROTO_CLASSES`, e.g. `"GraphDef"` or `"MetaGraphDef"`.

    Returns:
      The protobuf message class (from the `tensorboard` package's copy of TF's protos).

    Raises:
      KeyError: If `name` is not one of `PROTO_CLASSES`.
    """
    return getattr(importlib.import_module(f"tensorboard.compat.proto.{PROTO_CLASSES[name]}"), name)


def import_graph_def(
    graph_def, input_map=None, return_elements=None, name=None, op_dict=None, producer_op_list=None
):
    """Imports the graph from `graph_def` into the current default `Graph`.

    This function provides a way to import a serialized TensorFlow `GraphDef` protocol
    buffer, and extract individual objects in the `GraphDef` as `tf.Tensor` and
    `tf.Operation` objects.

    Args:
      graph_def: A `GraphDef` proto containing operations to be imported into the default
        graph.
      input_map: A dictionary mapping input names (as strings) in `graph_def` to `Tensor`
        objects. The values of the named input tensors in the imported graph will be
        re-mapped to the respective `Tensor` values.
      return_elements: A list of strings containing operation names in `graph_def` that
        will be returned as `Operation` objects; and/or tensor names in `graph_def` that will
        be returned as `Tensor` objects.
      name: (Optional.) A prefix that will be prepended to the names in `graph_def`. Note
        that this does not apply to imported function names. Defaults to `"import"`.
      op_dict: (Optional.) Deprecated, do not use.
      producer_op_list: (Optional.) An `OpList` proto with the (possibly stripped) list of
        `OpDef`s used by the producer of the graph.

    Returns:
      A list of `Operation` and/or `Tensor` objects from the imported graph, corresponding
      to the names in `return_elements`, and None if `returns_elements` is None.

    Raises:
      TypeError: If `graph_def` is not a `GraphDef` proto, `input_map` is not a dictionary
        mapping strings to `Tensor` objects, or `return_elements` is not a list of strings.
      ValueError: If `input_map`, or `return_elements` contains names that do not appear in
        `graph_def`, or `graph_def` is not well-formed (e.g. it refers to an unknown
        tensor).
    """
    from varflow.framework.importer import import_graph_def as impl

    return impl(graph_def, input_map, return_elements, name, op_dict, producer_op_list)


def export_meta_graph(
    filename=None,
    meta_info_def=None,
    graph_def=None,
    saver_def=None,
    collection_list=None,
    as_text=False,
    graph=None,
    export_scope=None,
    clear_devices=False,
    clear_extraneous_savers=False,
    strip_default_attrs=False,
    save_debug_info=False,
    **kwargs,
):
    """Returns `MetaGraphDef` proto. Optionally writes it to filename.

    This function exports the graph, saver, and collection objects into `MetaGraphDef`
    protocol buffer with the intention of it being imported at a later time or location to
    restart training, run inference, or be a subgraph.

    Args:
      filename: Optional filename including the path for writing the generated
        `MetaGraphDef` protocol buffer.
      meta_info_def: `MetaInfoDef` protocol buffer.
      graph_def: `GraphDef` protocol buffer.
      saver_def: `SaverDef` protocol buffer.
      collection_list: List of string keys to collect.
      as_text: If `True`, writes the `MetaGraphDef` as an ASCII proto.
      graph: The `Graph` to export. If `None`, use the default graph.
      export_scope: Optional `string`. Name scope under which to extract the subgraph. The
        scope name will be striped from the node definitions for easy import later into new
        name scopes. If `None`, the whole graph is exported.
      clear_devices: Whether or not to clear the device field for an `Operation` or
        `Tensor` during export.
      clear_extraneous_savers: Remove any Saver-related information from the graph (both
        Save/Restore ops and SaverDefs) that are not associated with the provided SaverDef.
      strip_default_attrs: Boolean. If `True`, default-valued attributes will be removed
        from the NodeDefs.
      save_debug_info: If `True`, save the GraphDebugInfo to a separate file (accepted and
        ignored).
      **kwargs: Optional keyed arguments.

    Returns:
      A `MetaGraphDef` proto.

    Raises:
      ValueError: When the `GraphDef` is larger than 2GB.
    """
    from varflow.framework.meta_graph import export_meta_graph as impl

    return impl(
        filename=filename,
        meta_info_def=meta_info_def,
        graph_def=graph_def,
        saver_def=saver_def,
        collection_list=collection_list,
        as_text=as_text,
        graph=graph,
        export_scope=export_scope,
        clear_devices=clear_devices,
        clear_extraneous_savers=clear_extraneous_savers,
        strip_default_attrs=strip_default_attrs,
        save_debug_info=save_debug_info,
        **kwargs,
    )


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Recreates a Graph saved in a `MetaGraphDef` proto.

    This function takes a `MetaGraphDef` protocol buffer as input. If the argument is a file
    containing a `MetaGraphDef` protocol buffer, it constructs a protocol buffer from the
    file content. The function then adds all the nodes from the `graph_def` field to the
    current graph, recreates all the collections, and returns a saver constructed from the
    `saver_def` field (varflow's: a default Saver over the imported global variables).

    Args:
      meta_graph_or_file: `MetaGraphDef` protocol buffer or filename (including the path)
        containing a `MetaGraphDef`.
      clear_devices: Whether or not to clear the device field for an `Operation` or
        `Tensor` during import.
      import_scope: Optional `string`. Name scope to add. Only used when initializing from
        protocol buffer.
      **kwargs: Optional keyed arguments.

    Returns:
      A saver constructed from `saver_def` in `MetaGraphDef` or None. A None value is
      returned if no variables exist in the `MetaGraphDef` (i.e., there are no variables to
      restore).

    Raises:
      RuntimeError: If called with eager execution enabled.
    """
    from varflow.framework.meta_graph import import_meta_graph as impl

    return impl(
        meta_graph_or_file, clear_devices=clear_devices, import_scope=import_scope, **kwargs
    )


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes a graph proto to a file.

    The graph is written as a text proto unless `as_text` is `False`.

    Args:
      graph_or_graph_def: A `Graph` or a `GraphDef` protocol buffer.
      logdir: Directory where to write the graph. This can refer to remote filesystems, such
        as Google Cloud Storage (GCS) (varflow: local paths only).
      name: Filename for the graph.
      as_text: If `True`, writes the graph as an ASCII proto.

    Returns:
      The path of the output proto file.
    """
    from varflow.framework.graph_io import write_graph as impl

    return impl(graph_or_graph_def, logdir, name, as_text)
