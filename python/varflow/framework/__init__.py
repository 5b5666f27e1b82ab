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
    """Returns the graph, its collections and a saver as a ``MetaGraphDef``, written if asked.

    The result can be imported later, elsewhere, to go on training or to serve: by
    ``tf.train.import_meta_graph`` (varflow's or TensorFlow's) or by a C++ host. A file is
    written atomically (a temporary file, fsync, rename).

    Args:
      filename: Optional path to write the ``MetaGraphDef`` to.
      meta_info_def: Optional ``MetaInfoDef`` to include.
      graph_def: Optional ``GraphDef`` to include; by default the graph's own.
      saver_def: Optional ``SaverDef`` to include.
      collection_list: The collection keys to include; by default every collection. One
        whose items have no proto encoding is skipped with a warning.
      as_text: If True, the file is a text proto.
      graph: The ``Graph`` to export; by default the default graph.
      export_scope: Optional name scope: only the nodes under it are exported, with the
        scope removed from their names (to import them under another scope). None: the
        whole graph.
      clear_devices: If True, the nodes' devices are left empty.
      clear_extraneous_savers: Accepted for TF1 compatibility (unused).
      strip_default_attrs: If True, attributes at their ``OpDef`` default are left out of
        the NodeDefs (and ``stripped_default_attrs`` is set).
      save_debug_info: Accepted for TF compatibility (unused).
      **kwargs: Accepted and ignored, as TF1 ignores them.

    Returns:
      A ``MetaGraphDef`` proto.
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
    """Adds the graph of a ``MetaGraphDef`` (or of its file) to the default graph.

    The nodes are imported (``tf.import_graph_def``), the collections rebuilt (the variables, and
    the ops and tensors a script put there, a ``train_op`` say), and a ``Saver`` made from the
    ``saver_def``: with ``tf.train.export_meta_graph`` and a checkpoint, a program can go
    on training, or serve, without the code that built the graph.

        saver = tf.train.import_meta_graph("my-model-10000.meta")
        with tf.Session() as sess:
            saver.restore(sess, "my-model-10000")
            train_op = tf.get_collection("train_op")[0]
            sess.run(train_op)

    A MetaGraphDef that TensorFlow wrote imports too: its Saver's ops are left out and a
    varflow ``Saver`` (reading TF1's checkpoints natively) stands in for them.

    Args:
      meta_graph_or_file: A ``MetaGraphDef``, or the path of a file holding one.
      clear_devices: If True, the imported nodes' devices are left empty.
      import_scope: Optional name scope to import the nodes (and the saver) under.
      **kwargs: ``input_map`` is passed on to ``tf.import_graph_def``; the others TF1
        accepts are ignored.

    Returns:
      The ``Saver`` of the ``saver_def``; without one, a default ``Saver`` if there are
      variables, else None.

    Raises:
      IOError: if the file does not exist or cannot be parsed.
      ValueError: if the graph cannot be imported (see ``tf.import_graph_def``).
    """
    from varflow.framework.meta_graph import import_meta_graph as impl

    return impl(
        meta_graph_or_file, clear_devices=clear_devices, import_scope=import_scope, **kwargs
    )


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Writes a graph's ``GraphDef`` (or any proto) to ``logdir/name``, atomically.

    A text proto by default, binary with ``as_text=False``:

        tf.train.write_graph(tf.get_default_graph(), "/tmp/model", "graph.pbtxt")
        tf.train.write_graph(sess.graph_def, "/tmp/model", "graph.pb", as_text=False)

    Args:
      graph_or_graph_def: A ``Graph``, a ``GraphDef``, or any proto
        (``export_meta_graph`` writes its ``MetaGraphDef`` this way).
      logdir: The directory; it is made if missing.
      name: The file's name.
      as_text: If True, a text proto; if False, binary.

    Returns:
      The path of the file written.
    """
    from varflow.framework.graph_io import write_graph as impl

    return impl(graph_or_graph_def, logdir, name, as_text)
