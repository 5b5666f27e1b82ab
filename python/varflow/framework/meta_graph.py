"""``tf.train.export_meta_graph`` / ``import_meta_graph``: a graph with its collections.

A MetaGraphDef holds the GraphDef (with ``_output_shapes``), the OpDefs of the op types it
uses (``stripped_op_list``), the collections and optionally a SaverDef. Collections are
encoded as TF1 does: variables (GLOBAL_VARIABLES, TRAINABLE_VARIABLES and the other variable
collections TF1 registers) as serialized VariableDefs, operations and tensors as a node_list
of names, strings as bytes_list, ints as int64_list, floats as float_list. A collection whose
items have no such encoding is left out with a warning, as in TF1.

Importing rebuilds Variable objects from the VariableDefs, so ``tf.global_variables()``,
``tf.train.Saver()`` and ``tf.get_collection("train_op")`` work on the imported graph.
A MetaGraphDef written by TensorFlow carries TensorFlow's saver subgraph (SaveV2, RestoreV2
and string ops varflow does not have); its nodes are left out, and the returned varflow Saver
reads and writes the variables through the core instead.
"""
# Meta graph paths are TF1's plain strings, handled with os.path as TF1 does.
# ruff: noqa: PTH110

from __future__ import annotations

import logging
import os
from pathlib import Path

from google.protobuf import message, text_format
from tensorboard.compat.proto import meta_graph_pb2, op_def_pb2, variable_pb2

from varflow.framework import attr_value, graph_io, op_defs
from varflow.framework import graph_def as graph_def_lib
from varflow.framework.importer import import_graph_def
from varflow.graph import GraphKeys, Operation, Tensor, get_default_graph

_log = logging.getLogger("varflow")

# The collections TF1 stores as VariableDefs (ops.register_proto_function in variables.py).
VARIABLE_COLLECTIONS = frozenset(
    {
        GraphKeys.GLOBAL_VARIABLES,
        GraphKeys.TRAINABLE_VARIABLES,
        GraphKeys.MOVING_AVERAGE_VARIABLES,
        GraphKeys.LOCAL_VARIABLES,
        GraphKeys.MODEL_VARIABLES,
        GraphKeys.GLOBAL_STEP,
        GraphKeys.METRIC_VARIABLES,
    }
)


def _strip_scope(name: str, scope: str | None) -> str:
    """TF1's ops.strip_name_scope, for a node, tensor or ``^control`` name."""
    if not scope:
        return name
    prefix = scope.rstrip("/") + "/"
    caret = name.startswith("^")
    bare = name[1:] if caret else name
    bare = bare.removeprefix(prefix)
    return ("^" if caret else "") + bare


def _prepend_scope(name: str, scope: str) -> str:
    if not scope:
        return name
    if name.startswith("^"):
        return "^" + scope.rstrip("/") + "/" + name[1:]
    return scope.rstrip("/") + "/" + name


def _in_scope(name: str, scope: str | None) -> bool:
    return not scope or name.startswith(scope.rstrip("/") + "/")


def variable_def(var, export_scope=None) -> variable_pb2.VariableDef:
    """Returns the ``VariableDef`` proto of a variable (TF1's ``Variable.to_proto``).

    Args:
      var: A ``tf.Variable``.
      export_scope: Optional string: a name scope to remove from the names.

    Returns:
      A ``VariableDef`` naming the variable, its initial value, initializer and snapshot.
    """
    return variable_pb2.VariableDef(
        variable_name=_strip_scope(var.name, export_scope),
        initial_value_name=_strip_scope(var.initial_value.name, export_scope),
        initializer_name=_strip_scope(var.initializer.name, export_scope),
        snapshot_name=_strip_scope(var.value().name, export_scope),
        trainable=var.trainable,
    )


def _collection_def(key, items, export_scope):
    """One collection as TF1's add_collection_def encodes it, or None (with a warning)."""
    from varflow.variables import Variable

    proto = meta_graph_pb2.CollectionDef()
    items = [x for x in items if not hasattr(x, "name") or _in_scope(x.name, export_scope)]
    if not items:
        return None
    first = items[0]
    try:
        if key in VARIABLE_COLLECTIONS and isinstance(first, Variable):
            for v in items:
                proto.bytes_list.value.append(variable_def(v, export_scope).SerializeToString())
        elif isinstance(first, (str, bytes)):
            for x in items:
                proto.bytes_list.value.append(x.encode() if isinstance(x, str) else x)
        elif isinstance(first, bool):
            raise TypeError(f"bool item {first!r}")
        elif isinstance(first, int):
            proto.int64_list.value.extend(items)
        elif isinstance(first, float):
            proto.float_list.value.extend(items)
        elif isinstance(first, (Operation, Tensor, Variable)):
            for x in items:
                if not isinstance(x, (Operation, Tensor, Variable)):
                    raise TypeError(f"{x!r} is no graph element")
                proto.node_list.value.append(_strip_scope(x.name, export_scope))
        else:
            raise TypeError(f"{type(first).__name__} items have no CollectionDef encoding")
    except (TypeError, ValueError) as e:
        _log.warning("Issue encountered when serializing %s.\n%s", key, e)
        return None
    return proto


def stripped_op_list(graph_def) -> op_def_pb2.OpList:
    """Returns TensorFlow's ``OpDef``s of the op types ``graph_def`` uses.

    Only the op types TensorFlow has are listed (those of ``tf_op_defs.pb``), in sorted
    order: the ``stripped_op_list`` of a MetaGraphDef's ``meta_info_def``.

    Args:
      graph_def: A ``GraphDef`` proto.

    Returns:
      An ``OpList`` proto.
    """
    op_list = op_def_pb2.OpList()
    for op_type in sorted({n.op for n in graph_def.node}):
        tf_def = op_defs.tf_op_def(op_type)
        if tf_def is not None:
            op_list.op.add().CopyFrom(tf_def)
    return op_list


def _scoped_graph_def(graph, export_scope, clear_devices):
    full = graph_def_lib.as_graph_def(graph, add_shapes=True, clear_devices=clear_devices)
    if not export_scope:
        return full
    scoped = type(full)()
    scoped.versions.CopyFrom(full.versions)
    for node in full.node:
        if _in_scope(node.name, export_scope):
            new = scoped.node.add()
            new.CopyFrom(node)
            new.name = _strip_scope(node.name, export_scope)
            del new.input[:]
            new.input.extend(_strip_scope(i, export_scope) for i in node.input)
            _strip_region_names(new, export_scope)
    return scoped


def _strip_region_names(node, export_scope) -> None:
    """The tensors a control-flow node's region attributes (and a LoopSavedValue's
    tensor_name) name, without `export_scope` (as the C++ writer's rename_region_tensors)."""
    for key in ("_then_results", "_else_results", "_loop_vars", "_loop_results"):
        if key in node.attr:
            names = [_strip_scope(n.decode(), export_scope).encode() for n in node.attr[key].list.s]
            del node.attr[key].list.s[:]
            node.attr[key].list.s.extend(names)
    keys = ["_loop_condition"] + (["tensor_name"] if node.op == "LoopSavedValue" else [])
    for key in keys:
        if key in node.attr:
            node.attr[key].s = _strip_scope(node.attr[key].s.decode(), export_scope).encode()


def _strip_default_attrs(graph_def) -> None:
    """TF1's strip_graph_default_valued_attrs: attributes at their OpDef's default go (an
    importer, TensorFlow's or varflow's, puts the defaults back)."""
    for node in graph_def.node:
        tf_def = op_defs.tf_op_def(node.op)
        if tf_def is None:
            continue
        for attr in tf_def.attr:
            if (
                attr.name in node.attr
                and attr.HasField("default_value")
                and attr_value.default_matches(node.attr[attr.name], attr.default_value)
            ):
                del node.attr[attr.name]


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
    del clear_extraneous_savers, save_debug_info, kwargs
    graph = graph if graph is not None else get_default_graph()
    meta = meta_graph_pb2.MetaGraphDef()
    if meta_info_def is not None:
        meta.meta_info_def.CopyFrom(meta_info_def)
    if graph_def is None:
        graph_def = _scoped_graph_def(graph, export_scope, clear_devices)
    elif clear_devices:
        graph_def = type(graph_def).FromString(graph_def.SerializeToString())
        for node in graph_def.node:
            node.device = ""
    meta.graph_def.CopyFrom(graph_def)
    if strip_default_attrs:
        _strip_default_attrs(meta.graph_def)
        meta.meta_info_def.stripped_default_attrs = True
    if not meta.meta_info_def.HasField("stripped_op_list"):
        meta.meta_info_def.stripped_op_list.CopyFrom(stripped_op_list(graph_def))
    if saver_def is not None:
        meta.saver_def.CopyFrom(saver_def)
    keys = graph.get_all_collection_keys() if collection_list is None else collection_list
    for key in keys:
        collection = _collection_def(key, graph.get_collection(key), export_scope)
        if collection is not None:
            meta.collection_def[key].CopyFrom(collection)
    if filename:
        directory, name = os.path.split(os.fspath(filename))
        graph_io.write_graph(meta, directory or ".", name, as_text=as_text)
    return meta


def read_meta_graph_file(filename) -> meta_graph_pb2.MetaGraphDef:
    """Returns the ``MetaGraphDef`` a file holds.

    Binary is tried first, then the text format, as TF1 does.

    Args:
      filename: The file's path.

    Returns:
      A ``MetaGraphDef`` protocol buffer.

    Raises:
      IOError: if the file is missing or holds neither encoding.
    """
    filename = os.fspath(filename)
    if not os.path.exists(filename):
        raise OSError(f"File {filename} does not exist.")
    content = Path(filename).read_bytes()
    meta = meta_graph_pb2.MetaGraphDef()
    try:
        meta.ParseFromString(content)
        return meta
    except message.DecodeError:
        pass
    try:
        text_format.Merge(content.decode("utf-8"), meta)
    except (text_format.ParseError, UnicodeDecodeError) as e:
        raise OSError(f"Cannot parse file {filename}: {e}.") from None
    return meta


def _without_tf_saver(graph_def, saver_def):
    """The GraphDef without TensorFlow's saver subgraph (the SaverDef's name scope), when that
    scope holds op types varflow does not have (SaveV2, RestoreV2...)."""
    scope = saver_def.filename_tensor_name.rpartition("/")[0]
    if not scope:
        return graph_def
    in_scope = [n for n in graph_def.node if _in_scope(n.name, scope)]
    if all(op_defs.is_registered(n.op) for n in in_scope):
        return graph_def
    kept = type(graph_def)()
    kept.versions.CopyFrom(graph_def.versions)
    if graph_def.HasField("library"):
        kept.library.CopyFrom(graph_def.library)
    kept.node.extend(n for n in graph_def.node if not _in_scope(n.name, scope))
    return kept


def _tf_saver_names(graph_def, saver_def) -> dict | None:
    """{checkpoint key: variable node name} of TensorFlow's saver subgraph: the keys of its
    SaveV2 nodes' ``tensor_names`` constants (TF1 keys may differ from the names of the
    variables, e.g. with a var_list dict or an import scope), or None without such nodes."""
    scope = saver_def.filename_tensor_name.rpartition("/")[0]
    by_name = {n.name: n for n in graph_def.node}
    names = {}
    for node in graph_def.node:
        if node.op != "SaveV2" or not _in_scope(node.name, scope) or len(node.input) < 3:
            continue
        keys = by_name.get(node.input[1].split(":")[0])
        if keys is None or keys.op != "Const":
            return None
        tensors = [i for i in node.input[3:] if not i.startswith("^")]
        values = [v.decode("utf-8", "replace") for v in keys.attr["value"].tensor.string_val]
        if len(values) != len(tensors):
            return None
        names.update(zip(values, (t.split(":")[0] for t in tensors), strict=True))
    return names or None


def _variable_from_def(graph, proto, scope):
    """TF1's ``Variable(variable_def=..., import_scope=...)`` over the imported nodes."""
    from varflow.variables import Variable

    def tensor(name):
        return graph.get_tensor_by_name(_prepend_scope(name, scope))._output

    node = tensor(proto.variable_name).node
    existing = graph._variables.get(node.id)
    if existing is not None:
        return existing
    initializer = graph.get_operation_by_name(_prepend_scope(proto.initializer_name, scope))
    if proto.initial_value_name:
        initial_value = tensor(proto.initial_value_name)
    else:  # written before TF1 recorded it: the value the initializer assigns
        initial_value = initializer._node.inputs[1]
    info = graph._core.register_variable(
        node, initializer._node, initial_value, tensor(proto.snapshot_name), proto.trainable
    )
    var = Variable.__new__(Variable)
    var._bind(graph, info)
    graph._variables[node.id] = var
    return var


def _import_collections(graph, meta, scope) -> None:
    for key in sorted(meta.collection_def):
        collection = meta.collection_def[key]
        kind = collection.WhichOneof("kind")
        try:
            if kind == "node_list":
                items = [
                    graph.as_graph_element(_prepend_scope(v, scope))
                    for v in collection.node_list.value
                ]
            elif kind == "bytes_list" and key in VARIABLE_COLLECTIONS:
                items = []
                for value in collection.bytes_list.value:
                    proto = variable_pb2.VariableDef.FromString(value)
                    items.append(_variable_from_def(graph, proto, scope))
            elif kind == "bytes_list":
                items = list(collection.bytes_list.value)
            elif kind == "int64_list":
                items = [int(v) for v in collection.int64_list.value]
            elif kind == "float_list":
                items = [float(v) for v in collection.float_list.value]
            else:
                _log.warning("Cannot identify data type for collection %s. Skipping.", key)
                continue
        except KeyError as e:
            # TF1 skips a collection naming nodes it does not have (a dropped saver's).
            _log.warning("Collection %s names a node the graph does not have: %s", key, e)
            continue
        except message.DecodeError as e:
            raise ValueError(f"Collection {key} holds a corrupt VariableDef: {e}") from None
        for item in items:
            graph.add_to_collection(key, item)


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
    from varflow.train.saver import Saver

    input_map = kwargs.pop("input_map", None)
    if isinstance(meta_graph_or_file, meta_graph_pb2.MetaGraphDef):
        meta = meta_graph_or_file
    else:
        meta = read_meta_graph_file(meta_graph_or_file)
    graph = get_default_graph()
    imported = meta.graph_def
    if meta.HasField("saver_def"):
        imported = _without_tf_saver(imported, meta.saver_def)
    if clear_devices:
        imported = type(imported).FromString(imported.SerializeToString())
        for node in imported.node:
            node.device = ""
    producer_op_list = (
        meta.meta_info_def.stripped_op_list
        if meta.meta_info_def.HasField("stripped_op_list")
        else None
    )
    # A scope ending in "/" is taken as it is: the nodes land exactly under `import_scope`.
    scope = import_scope.rstrip("/") + "/" if import_scope else ""
    import_graph_def(imported, input_map=input_map, name=scope, producer_op_list=producer_op_list)
    _import_collections(graph, meta, scope)
    if meta.HasField("saver_def"):
        names = _tf_saver_names(meta.graph_def, meta.saver_def)
        var_list = None
        if names:
            var_list = {}
            for key, node_name in names.items():
                node = graph._core.find_node(scope + node_name)
                var = None if node is None else graph._variables.get(node.id)
                if var is None:
                    var_list = None  # not a variable of ours: the default names instead
                    break
                var_list[key] = var
        return Saver(var_list=var_list, saver_def=meta.saver_def, name=import_scope)
    if graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope=import_scope):
        return Saver()
    _log.info("Saver not created because there are no variables in the graph to restore")
    return None
