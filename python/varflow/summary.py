"""``tf.summary``: TF1's summaries and ``FileWriter`` on TensorBoard's own formats.

Event files, ``GraphDef`` and ``Summary`` protos come from the ``tensorboard`` package (its
``compat.proto`` modules and its ``EventFileWriter``), imported lazily: ``import varflow``
works without it, and the first use of ``tf.summary`` asks for it
(``pip install 'varflow[tensorboard]'``).

varflow has no string tensors, so a summary op is a graph tensor holding the summarised value
(an ``Identity`` named as TF1 names its summary op) whose fetched value is turned into the
serialized ``Summary`` bytes by ``graph._fetch_transforms``; ``sess.run(summary)`` returns
those bytes as in TF1. ``merge`` returns a composite fetch (``_fetch_parts`` /
``_fetch_combine``, see ``session._FetchPlan``) that fetches all its summaries in one run and
concatenates their values.
"""

from __future__ import annotations

import logging
import re
import time

import numpy as np

from varflow import dtypes, errors
from varflow.graph import GraphKeys, Operation, Tensor, convert_to_tensor, get_default_graph

_log = logging.getLogger(__name__)

_PROTO_MODULES = (
    "attr_value_pb2",
    "event_pb2",
    "graph_pb2",
    "summary_pb2",
    "tensor_pb2",
    "tensor_shape_pb2",
    "types_pb2",
)


class _TensorBoard:
    """The lazily imported ``tensorboard`` modules."""

    _loaded = None

    @classmethod
    def get(cls) -> _TensorBoard:
        if cls._loaded is None:
            try:
                import importlib

                mods = {
                    m: importlib.import_module(f"tensorboard.compat.proto.{m}")
                    for m in _PROTO_MODULES
                }
                from tensorboard.summary.writer.event_file_writer import EventFileWriter
            except ImportError as e:
                raise ImportError(
                    "tf.summary needs the `tensorboard` package, which is not installed: "
                    "pip install 'varflow[tensorboard]' (or pip install tensorboard). "
                    f"({e})"
                ) from e
            self = cls()
            self.__dict__.update(mods)
            self.EventFileWriter = EventFileWriter
            cls._loaded = self
        return cls._loaded


def _tb() -> _TensorBoard:
    return _TensorBoard.get()


def __getattr__(name):
    # tf.summary.Summary / Event / SessionLog: the proto classes, as TF1 exposes them.
    if name in ("Summary", "SummaryDescription", "SummaryMetadata", "HistogramProto"):
        return getattr(_tb().summary_pb2, name)
    if name in ("Event", "SessionLog", "TaggedRunMetadata"):
        return getattr(_tb().event_pb2, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- GraphDef ---------------------------------------------------------------------------------
# TF's DataType names where they are not DT_<NAME> (DT_INT32, DT_BOOL, DT_STRING, DT_UINT8, ...).
_DT_NAMES = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF"}


def _dt_enum(dtype) -> int:
    if isinstance(dtype, np.dtype) and dtype.kind in "SUO":
        name = "string"  # NumPy holds string tensors as bytes or objects
    else:
        name = dtypes.as_dtype(dtype).base_dtype.name
    return _tb().types_pb2.DataType.Value(_DT_NAMES.get(name, f"DT_{name.upper()}"))


def _set_shape(proto, dims) -> None:
    """Fills a TensorShapeProto: ``None`` dims -> unknown rank, ``None`` dim -> -1."""
    if dims is None:
        proto.unknown_rank = True
        return
    proto.SetInParent()
    for d in dims:
        proto.dim.add(size=-1 if d is None else int(d))


def _tensor_proto(arr, proto=None):
    arr = np.asarray(arr, order="C")  # (np.ascontiguousarray would make a scalar 1-D)
    if proto is None:
        proto = _tb().tensor_pb2.TensorProto()
    proto.dtype = _dt_enum(arr.dtype)
    _set_shape(proto.tensor_shape, arr.shape)
    if arr.dtype.kind in "SUO":
        proto.string_val.extend(v.encode() if isinstance(v, str) else bytes(v) for v in arr.flat)
    else:
        proto.tensor_content = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return proto


def _set_attr(attr, value) -> None:
    """Fills an AttrValue from a value of varflow's core attr map."""
    from varflow import _core

    if isinstance(value, bool):
        attr.b = value
    elif isinstance(value, int):
        attr.i = value
    elif isinstance(value, float):
        attr.f = value
    elif isinstance(value, str):
        attr.s = value.encode()
    elif isinstance(value, _core.DType):
        attr.type = _dt_enum(value)
    elif isinstance(value, _core.Shape):
        _set_shape(attr.shape, value.dims)
    elif isinstance(value, np.ndarray):
        _tensor_proto(value, attr.tensor)
    elif isinstance(value, (list, tuple)):
        attr.list.SetInParent()
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            attr.list.i.extend(int(v) for v in value)
        else:
            attr.list.f.extend(float(v) for v in value)
    else:
        raise TypeError(f"Cannot convert attr value {value!r} to an AttrValue")


def _input_name(output) -> str:
    name = output.node.name
    return name if output.index == 0 else f"{name}:{output.index}"


def to_graph_def(graph=None, add_shapes: bool = True):
    """Returns the graph as a TensorBoard ``GraphDef`` proto (TF1's ``as_graph_def``).

    Every node has its name, op type, inputs (``name``, ``name:1``, ``^control``), device and
    attrs; with ``add_shapes`` each node also gets ``_output_shapes``, as TF1's FileWriter
    writes it (TensorBoard labels edges with them).

    Args:
      graph: The ``tf.Graph`` to convert. Defaults to the default graph.
      add_shapes: If True, adds an ``_output_shapes`` list attr to every node.

    Returns:
      A ``GraphDef`` protocol buffer (``tensorboard.compat.proto.graph_pb2``).
    """
    graph = graph if graph is not None else get_default_graph()
    tb = _tb()
    gd = tb.graph_pb2.GraphDef()
    core = graph._core
    for i in range(core.num_nodes):
        node = core.node(i)
        nd = gd.node.add(name=node.name, op=node.type, device=node.device)
        nd.input.extend(_input_name(o) for o in node.inputs)
        nd.input.extend("^" + c.name for c in node.control_inputs)
        for key in node.attr_names():
            _set_attr(nd.attr[key], node.get_attr(key))
        if add_shapes and node.num_outputs:
            shapes = nd.attr["_output_shapes"].list
            for k in range(node.num_outputs):
                _set_shape(shapes.shape.add(), node.output_shape(k))
    return gd


# --- FileWriter -------------------------------------------------------------------------------
class FileWriter:
    """Writes ``Summary`` protocol buffers to event files.

    The ``FileWriter`` class provides a mechanism to create an event file in a given directory
    and add summaries and events to it. The class updates the file contents asynchronously.
    This allows a training program to call methods to add data to the file directly from the
    training loop, without slowing down training.
    """

    def __init__(
        self,
        logdir,
        graph=None,
        max_queue=10,
        flush_secs=120,
        graph_def=None,
        filename_suffix=None,
        session=None,
    ):
        """Creates a ``FileWriter`` and an event file.

        On construction the writer creates a new event file in ``logdir``. If you pass a
        ``Graph``, it is added to the event file (TensorBoard's graph dashboard shows it).

        Args:
          logdir: A string. Directory where the event file will be written.
          graph: A ``Graph`` object, such as ``sess.graph``.
          max_queue: Integer. Size of the queue for pending events and summaries.
          flush_secs: Number. How often, in seconds, to flush the pending events and
            summaries to disk.
          graph_def: DEPRECATED: Use the ``graph`` argument instead.
          filename_suffix: A string. Every event file's name is suffixed with it.
          session: Accepted for TF1 compatibility; events are always written from Python.
        """
        self._logdir = str(logdir)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._filename_suffix = filename_suffix or ""
        self._seen_summary_tags: set[str] = set()
        self._writer = self._new_writer()
        self._closed = False
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _new_writer(self):
        return _tb().EventFileWriter(
            self._logdir, self._max_queue, self._flush_secs, self._filename_suffix
        )

    def get_logdir(self) -> str:
        """Returns the directory where the event file will be written."""
        return self._logdir

    def _usable(self) -> bool:
        if self._closed:
            _log.warning(
                "Attempting to use a closed FileWriter. The operation will be a noop "
                "unless the FileWriter is explicitly reopened."
            )
        return not self._closed

    def add_event(self, event) -> None:
        """Adds an event to the event file.

        Args:
          event: An ``Event`` protocol buffer, or its serialized bytes.

        Raises:
          TypeError: If ``event`` is neither.
        """
        if not self._usable():
            return
        event_pb2 = _tb().event_pb2
        if not isinstance(event, event_pb2.Event):
            event = _parse(event_pb2.Event, event, "Event")
        self._writer.add_event(event)

    def _add_event(self, event, step) -> None:
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_summary(self, summary, global_step=None) -> None:
        """Adds a ``Summary`` protocol buffer to the event file.

        This method wraps the provided summary in an ``Event`` protocol buffer and adds it to
        the event file. A summary's metadata is kept on the first value of each tag only, as
        TF1 does.

        Args:
          summary: A ``Summary`` protocol buffer, or its serialized bytes (what ``sess.run``
            of a summary op returns).
          global_step: Number. Optional global step value to record with the summary.

        Raises:
          TypeError: If ``summary`` is neither.
        """
        summary_pb2 = _tb().summary_pb2
        summary = _parse(summary_pb2.Summary, summary, "Summary")
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
            else:
                self._seen_summary_tags.add(value.tag)
        self._add_event(_tb().event_pb2.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None) -> None:
        """Adds a ``SessionLog`` protocol buffer to the event file.

        Args:
          session_log: A ``SessionLog`` protocol buffer.
          global_step: Number. Optional global step value to record with the log.
        """
        self._add_event(_tb().event_pb2.Event(session_log=session_log), global_step)

    def add_graph(self, graph, global_step=None, graph_def=None) -> None:
        """Adds a ``Graph`` to the event file, for TensorBoard's graph dashboard.

        Args:
          graph: A ``Graph`` object, such as ``sess.graph`` (or a ``GraphDef`` proto).
          global_step: Number. Optional global step counter to record with the graph.
          graph_def: DEPRECATED. Use the ``graph`` parameter instead.

        Raises:
          ValueError: If both ``graph`` and ``graph_def`` are passed.
          TypeError: If neither is.
        """
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        if graph is not None and not hasattr(graph, "_core"):
            graph, graph_def = None, graph
        if graph is not None:
            graph_def = to_graph_def(graph)
        if graph_def is None:
            raise TypeError("add_graph needs a tf.Graph or a GraphDef")
        if not isinstance(graph_def, bytes):
            graph_def = graph_def.SerializeToString()
        self._add_event(_tb().event_pb2.Event(graph_def=graph_def), global_step)

    def flush(self) -> None:
        """Flushes the event file to disk: every pending event has been written afterwards."""
        if self._usable():
            self._writer.flush()

    def close(self) -> None:
        """Flushes the event file to disk and closes the file; later events are ignored."""
        if not self._closed:
            self._writer.close()
            self._closed = True

    def reopen(self) -> None:
        """Reopens the writer after ``close``, on a new event file in the same logdir; a
        writer that is open stays as it is."""
        if self._closed:
            self._writer = self._new_writer()
            self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()


def _parse(cls, value, what: str):
    if isinstance(value, cls):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in "SO" and value.shape == ():
        value = value.item()
    if hasattr(value, "SerializeToString"):
        value = value.SerializeToString()
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"Expected a {what} proto or its serialized bytes, got {type(value)}")
    proto = cls()
    proto.ParseFromString(bytes(value))
    return proto


# --- summary ops ------------------------------------------------------------------------------
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name):
    if name is not None:
        new_name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
        if new_name != name:
            _log.info("Summary name %s is illegal; using %s instead.", name, new_name)
            name = new_name
    return name


class _SummaryFetch:
    """A summary tensor's fetch transform: its value -> serialized ``Summary`` bytes.

    ``encode(summary, tag, value)`` adds the summary's values; an ``OpError`` it raises (the
    kernel's checks, done here because the encoding runs outside the core) is re-raised naming
    the summary's op, as the core's errors name theirs.
    """

    __slots__ = ("encode", "op", "tag")

    def __init__(self, tag: str, op: Operation, encode):
        self.tag = tag
        self.op = op
        self.encode = encode

    def __call__(self, value) -> bytes:
        summary = _tb().summary_pb2.Summary()
        try:
            self.encode(summary, self.tag, np.asarray(value))
        except errors.OpError as e:
            message = f"{e.message}\n\t [[node {self.op.name} ({self.op.type})]]"
            raise type(e)(None, self.op, message) from None
        return summary.SerializeToString()


def _summary_op(name, tensor, collections, family, encode, check=None, prepare=None) -> Tensor:
    """A summary op: an Identity named as TF1 names the summary op, whose fetched value
    ``encode`` turns into the ``Summary``. ``prepare(tensor)``, if given, builds the tensor the
    summary fetches inside the summary's name scope (as TF1 puts a summary's helper constants)."""
    tensor = convert_to_tensor(tensor)
    if check is not None:
        check(tensor)
    name, family = _clean_tag(name), _clean_tag(family)
    graph = tensor.graph
    base = name if family is None else f"{family}/{name}"
    with graph.as_default(), graph.name_scope(base) as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        if prepare is not None:
            tensor = prepare(tensor)
        op = graph.create_op("Identity", [tensor], name=scope)
    out = op._outputs[0]
    graph._fetch_transforms[out] = _SummaryFetch(tag, op, encode)
    for key in collections if collections is not None else [GraphKeys.SUMMARIES]:
        graph.add_to_collection(key, out)
    return out


def _encode_scalar(summary, tag, arr) -> None:
    if arr.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"tags and values not the same shape: [] != {list(arr.shape)} (tag '{tag}')"
        )
    summary.value.add(tag=tag, simple_value=float(arr))


def scalar(name, tensor, collections=None, family=None) -> Tensor:
    """Outputs a ``Summary`` protocol buffer containing a single scalar value.

    Args:
      name: A name for the generated node; also the series name in TensorBoard.
      tensor: A real numeric ``Tensor`` containing a single value.
      collections: Optional list of graph collection keys the summary is added to. Defaults to
        ``[GraphKeys.SUMMARIES]``.
      family: Optional; if provided, used as the prefix of the summary tag name, which controls
        the tab name used for display on TensorBoard.

    Returns:
      A ``Tensor`` that ``sess.run`` turns into a serialized ``Summary`` protocol buffer.

    Raises:
      ValueError: If ``tensor`` has a known shape other than a scalar's.
      TypeError: If ``tensor`` is not real numeric.
      InvalidArgumentError: At run time, if the value is not a scalar.
    """

    def check(t):
        if t.shape.ndims not in (None, 0):
            raise ValueError(f"tf.summary.scalar needs a scalar tensor, got shape {t.shape}")
        if not (t.dtype.is_floating or t.dtype.is_integer):
            raise TypeError(f"tf.summary.scalar needs a real number tensor, got {t.dtype.name}")

    return _summary_op(name, tensor, collections, family, _encode_scalar, check)


def _default_buckets() -> np.ndarray:
    # TF's default histogram buckets: +-1e-12 growing by 10% up to 1e20, 0 and +-DBL_MAX.
    limits = []
    v = 1.0e-12
    while v < 1.0e20:
        limits.append(v)
        v *= 1.1
    dbl_max = np.finfo(np.float64).max
    pos = [*limits, dbl_max]
    return np.array([-x for x in reversed(pos)] + [0.0] + pos, dtype=np.float64)


_BUCKETS: list = []


def _encode_histogram(summary, tag, arr) -> None:
    arr = np.asarray(arr, dtype=np.float64).ravel()
    if not np.all(np.isfinite(arr)):
        kind = "Nan" if np.isnan(arr).any() else "Infinity"
        raise errors.InvalidArgumentError(None, None, f"{kind} in summary histogram for: {tag}")
    if not _BUCKETS:
        _BUCKETS.append(_default_buckets())
    limits = _BUCKETS[0]
    index = np.minimum(np.searchsorted(limits, arr, side="right"), len(limits) - 1)
    counts = np.bincount(index, minlength=len(limits))
    histo = summary.value.add(tag=tag).histo
    dbl_max = np.finfo(np.float64).max
    histo.min = float(arr.min()) if arr.size else dbl_max
    histo.max = float(arr.max()) if arr.size else -dbl_max
    histo.num = float(arr.size)
    histo.sum = float(arr.sum())
    histo.sum_squares = float(np.dot(arr, arr))
    # TF's EncodeToProto: each run of empty buckets collapses into its last limit.
    limit_out, count_out = [], []
    start = 0
    for j in np.flatnonzero(counts).tolist():
        if j > start:
            limit_out.append(limits[j - 1])
            count_out.append(0.0)
        limit_out.append(limits[j])
        count_out.append(float(counts[j]))
        start = j + 1
    if start < len(limits):
        limit_out.append(limits[-1])
        count_out.append(0.0)
    histo.bucket_limit.extend(float(x) for x in limit_out)
    histo.bucket.extend(count_out)


def histogram(name, values, collections=None, family=None) -> Tensor:
    """Outputs a ``Summary`` protocol buffer with a histogram.

    The histogram counts the values in TF's default buckets (exponentially growing by 10%
    from 1e-12, mirrored for negative values).

    Args:
      name: A name for the generated node; also the series name in TensorBoard.
      values: A real numeric ``Tensor``. Any shape. Values to use to build the histogram.
      collections: Optional list of graph collection keys the summary is added to. Defaults to
        ``[GraphKeys.SUMMARIES]``.
      family: Optional; if provided, used as the prefix of the summary tag name, which controls
        the tab name used for display on TensorBoard.

    Returns:
      A ``Tensor`` that ``sess.run`` turns into a serialized ``Summary`` protocol buffer.

    Raises:
      TypeError: If ``values`` is not real numeric or bool.
      InvalidArgumentError: At run time, if a value is NaN or infinite.
    """

    def check(t):
        if not (t.dtype.is_floating or t.dtype.is_integer or t.dtype.is_bool):
            raise TypeError(f"tf.summary.histogram needs a real number tensor, got {t.dtype.name}")

    return _summary_op(name, values, collections, family, _encode_histogram, check)


class _MergedSummary:
    """The result of ``tf.summary.merge``: a fetch of several summaries that ``sess.run``
    returns as one serialized ``Summary`` (see ``session._FetchPlan``)."""

    def __init__(self, name: str, graph, parts):
        self.name = name
        self.graph = graph
        self._fetch_parts = parts

    @staticmethod
    def _fetch_combine(values) -> bytes:
        summary_pb2 = _tb().summary_pb2
        merged = summary_pb2.Summary()
        tags: set[str] = set()
        for data in values:
            part = summary_pb2.Summary()
            part.ParseFromString(data)
            for v in part.value:
                if v.tag in tags:
                    raise errors.InvalidArgumentError(
                        None, None, f"Duplicate tag {v.tag} found in summary inputs"
                    )
                tags.add(v.tag)
            merged.value.extend(part.value)
        return merged.SerializeToString()

    def eval(self, feed_dict=None, session=None):
        from varflow.session import _session_or_default

        return _session_or_default(session, self.graph).run(self, feed_dict)

    def __repr__(self) -> str:
        return f"<tf.summary merged '{self.name}' of {len(self._fetch_parts)} summaries>"


def _summary_parts(x) -> list:
    if isinstance(x, _MergedSummary):
        return list(x._fetch_parts)
    if isinstance(x, Operation) and len(x.outputs) == 1:
        x = x.outputs[0]
    if isinstance(x, Tensor) and isinstance(x.graph._fetch_transforms.get(x), _SummaryFetch):
        return [x]
    raise TypeError(
        f"tf.summary.merge takes summaries (tf.summary.scalar, histogram, merge), got {x!r}"
    )


def merge(inputs, collections=None, name=None) -> _MergedSummary:
    """Merges summaries.

    ``sess.run`` of the result gives one serialized ``Summary`` holding the union of all the
    values of the input summaries.

    Args:
      inputs: A list of summaries (what ``tf.summary.scalar``, ``histogram``, ``image``,
        ``audio``, ``text`` and ``merge`` return).
      collections: Optional list of graph collection keys the merged summary is added to.
      name: A name for the operation (optional).

    Returns:
      A fetchable merged summary; ``sess.run`` gives its serialized ``Summary``.

    Raises:
      TypeError: If an input is not a summary.
      InvalidArgumentError: At run time, if two summaries use the same tag.
    """
    parts = [p for x in inputs for p in _summary_parts(x)]
    graph = parts[0].graph if parts else get_default_graph()
    merged = _MergedSummary(graph.unique_name(name or "Merge"), graph, parts)
    for key in collections or ():
        graph.add_to_collection(key, merged)
    return merged


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges all summaries collected in the default graph.

    Args:
      key: ``GraphKey`` used to collect the summaries. Defaults to ``GraphKeys.SUMMARIES``.
      scope: Optional scope used to filter the summary ops, using ``re.match``.
      name: A name for the operation (optional).

    Returns:
      If no summaries were collected, returns None. Otherwise returns a merged summary, as
      ``merge`` does.
    """
    summaries = get_default_graph().get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)


__all__ = ["FileWriter", "histogram", "merge", "merge_all", "scalar"]

# (at the end: summary_image builds on _summary_op above)
from varflow.summary_image import audio, image
from varflow.summary_text import text

__all__ += ["audio", "image", "text"]
from varflow.summary_writer_cache import FileWriterCache

__all__ += ["FileWriterCache"]
