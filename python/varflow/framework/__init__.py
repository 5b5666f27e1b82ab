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
    """``tf.GraphDef`` and friends (PROTO_CLASSES), loaded on first use."""
    return getattr(importlib.import_module(f"tensorboard.compat.proto.{PROTO_CLASSES[name]}"), name)


def import_graph_def(
    graph_def, input_map=None, return_elements=None, name=None, op_dict=None, producer_op_list=None
):
    """TF1's ``tf.import_graph_def`` (varflow.framework.importer)."""
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
    """TF1's ``tf.train.export_meta_graph`` (varflow.framework.meta_graph)."""
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
    """TF1's ``tf.train.import_meta_graph`` (varflow.framework.meta_graph)."""
    from varflow.framework.meta_graph import import_meta_graph as impl

    return impl(
        meta_graph_or_file, clear_devices=clear_devices, import_scope=import_scope, **kwargs
    )


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """TF1's ``tf.train.write_graph`` / ``tf.io.write_graph`` (varflow.framework.graph_io)."""
    from varflow.framework.graph_io import write_graph as impl

    return impl(graph_or_graph_def, logdir, name, as_text)
