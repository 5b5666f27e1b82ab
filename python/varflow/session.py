"""``tf.Session``: runs fetches with feeds through compiled C++ plans.

A run's (fetches, feeds) signature maps to a cached plan plus a function rebuilding the
fetch structure, so a repeated ``run`` is one dictionary lookup and one call into C++ (with
the GIL released while the plan runs).
"""

from __future__ import annotations

import threading

import numpy as np

from varflow import _core, errors
from varflow.graph import Graph, Operation, Tensor, _as_graph_element, get_default_graph

# Sessions made so far: after the first, eager execution can no longer be enabled (TF1).
_sessions_created = [0]

class ConfigProto:
    """Accepted for TF1 compatibility; intra_op_parallelism_threads sizes the thread pool."""

    def __init__(self, intra_op_parallelism_threads=0, inter_op_parallelism_threads=0, **kwargs):
        """Creates a session configuration.

        Args:
          intra_op_parallelism_threads: The number of threads for varflow's kernel thread pool;
            0 lets the system pick (the number of cores).
          inter_op_parallelism_threads: Accepted for TF1 compatibility; varflow runs one op
            at a time, each on the intra-op pool.
          **kwargs: TF1's other `ConfigProto` fields (e.g. `allow_soft_placement`,
            `log_device_placement`, `gpu_options`), stored as attributes and otherwise ignored.
        """
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        for key, value in kwargs.items():
            setattr(self, key, value)


class GPUOptions:
    """Accepted and ignored (varflow runs on the CPU)."""

    def __init__(self, **kwargs):
        """Creates GPU options, which varflow keeps and ignores.

        Args:
          **kwargs: TF1's `GPUOptions` fields (e.g. `allow_growth`), stored as attributes.
        """
        for key, value in kwargs.items():
            setattr(self, key, value)


class RunOptions:
    """Per-run options. TF1's fields are accepted; beyond TF1, ``frozen_variables`` (live
    freezing) lists variables that every update op of this run leaves untouched, together with
    their optimizer slots. Switching the set costs nothing: no new ops, no new plan. Shared
    step counters (Adam's beta powers, the global step) still advance, as they do in TF1 when
    one optimizer's train ops for different variable subsets are alternated."""

    def __init__(self, frozen_variables=(), **kwargs):
        """Creates options for one `Session.run` call.

        Args:
          frozen_variables: A list of `Variable` objects that every update op of the run leaves
            untouched, together with their optimizer slots (a varflow extension).
          **kwargs: TF1's `RunOptions` fields, stored as attributes: `timeout_in_ms` bounds
            the run's blocking queue ops (DeadlineExceededError); the others (e.g.
            `trace_level`) are ignored.
        """
        self.frozen_variables = list(frozen_variables)
        for key, value in kwargs.items():
            setattr(self, key, value)


class RunMetadata:
    """Metadata output of a `Session.run` call, accepted for TF1 compatibility.

    varflow does not collect step statistics, so the object stays empty.
    """


_default_session = threading.local()


def get_default_session():
    """Returns the default session for the current thread.

    The default session is the innermost one entered with `with sess.as_default():` or
    `with tf.Session() as sess:`, or the latest `tf.InteractiveSession`.

    Returns:
      The default `Session`, or None if there is none.
    """
    stack = getattr(_default_session, "stack", None)
    return stack[-1] if stack else None


def _session_or_default(session, graph):
    session = session or get_default_session()
    if session is None:
        raise ValueError(
            "Cannot evaluate tensor using `eval()`: No default session is registered. Use "
            "`with sess.as_default()` or pass an explicit session to `eval(session=sess)`"
        )
    if session.graph is not graph:
        raise ValueError(
            "Cannot use the given session to evaluate tensor: the tensor's graph is different "
            "from the session's graph."
        )
    return session


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(x, "_fields")


class _FetchPlan:
    """The flat fetch list of a nested structure and how to rebuild the structure."""

    def __init__(self, graph: Graph, fetches):
        self.tensors: list[Tensor] = []
        self.targets: list[Operation] = []
        self._tensor_index: dict[int, int] = {}
        self.rebuild = self._build(graph, fetches)

    def _build(self, graph, fetch):
        if fetch is None:
            raise TypeError(f"Fetch argument None has invalid type {type(None)}")
        if isinstance(fetch, (list, tuple)) and not _is_namedtuple(fetch):
            parts = [self._build(graph, f) for f in fetch]
            kind = type(fetch)
            if kind in (list, tuple):
                return lambda values: kind(p(values) for p in parts)
            return lambda values: kind([p(values) for p in parts])
        if _is_namedtuple(fetch):
            parts = [self._build(graph, f) for f in fetch]
            kind = type(fetch)
            return lambda values: kind(*[p(values) for p in parts])
        if isinstance(fetch, dict):
            items = [(k, self._build(graph, v)) for k, v in fetch.items()]
            kind = type(fetch)
            return lambda values: kind((k, p(values)) for k, p in items)
        combine = getattr(fetch, "_fetch_combine", None)
        if combine is not None:
            # A composite fetch (e.g. tf.summary.merge): its `_fetch_parts` are fetched in the
            # same run and `_fetch_combine(list of their fetched values)` is the result.
            parts = [self._build(graph, f) for f in fetch._fetch_parts]
            return lambda values: combine([p(values) for p in parts])
        try:
            element = _as_graph_element(graph, fetch)
        except TypeError as e:
            raise TypeError(
                f"Fetch argument {fetch!r} has invalid type {type(fetch)}, must be a string or "
                f"Tensor. ({e})"
            ) from None
        except ValueError as e:
            raise ValueError(
                f"Fetch argument {fetch!r} cannot be interpreted as a Tensor. ({e})"
            ) from None
        if isinstance(element, Operation):
            self.targets.append(element)
            return lambda values: None
        key = id(element)
        if key not in self._tensor_index:
            self._tensor_index[key] = len(self.tensors)
            self.tensors.append(element)
        index = self._tensor_index[key]
        transform = graph._fetch_transforms.get(element)
        if transform is not None:
            return lambda values: transform(values[index])
        return lambda values: values[index]


class Session:
    """A class for running TensorFlow operations (TF1's `tf.Session`).

    A `Session` object encapsulates the environment in which `Operation` objects are executed
    and `Tensor` objects are evaluated. varflow's session compiles each distinct set of fetches
    and feeds into a plan once and reuses it on later `run()` calls.
    """

    def __init__(self, target="", graph=None, config=None):
        """Creates a new session.

        Args:
          target: Accepted for TF1 compatibility; varflow runs in-process only.
          graph: The `Graph` to run (defaults to the default graph).
          config: An optional `ConfigProto`; `intra_op_parallelism_threads` sizes the kernel
            thread pool.

        Raises:
          RuntimeError: If eager execution is enabled and `graph` is the eager graph.
        """
        self._graph = graph if graph is not None else get_default_graph()
        if self._graph._is_eager:
            raise RuntimeError(
                "tf.Session cannot run the eager graph: with eager execution enabled, ops run "
                "as they are called (build a graph under `with tf.Graph().as_default():`)."
            )
        _sessions_created[0] += 1
        threads = getattr(config, "intra_op_parallelism_threads", 0) if config is not None else 0
        self._core = _core.Session(self._graph._core, int(threads or 0))
        self._closed = False
        self._cache: dict = {}
        self._entered = []

    @property
    def graph(self) -> Graph:
        """The graph that was launched in this session."""
        return self._graph

    @property
    def graph_def(self):
        """The graph this session runs (varflow returns the `Graph` object)."""
        return self._graph

    @property
    def sess_str(self) -> str:
        """The target of this session (always `""` in varflow)."""
        return ""

    def close(self) -> None:
        """Closes this session and frees its resources (variable values, cached plans).

        Calling this method more than once has no further effect; using the session afterwards
        raises a RuntimeError.
        """
        self._closed = True
        self._core.close()
        # Queue ops blocked in other threads' runs fail with CancelledError, as TF1's close
        # cancels the pending steps.
        _core.cancel_queue_waits(self._core)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")

    def as_default(self):
        """Returns a context manager that makes this object the default session.

        Use with the `with` keyword to specify that calls to `Operation.run()` or `Tensor.eval()`
        should be executed in this session. Unlike `with tf.Session() as sess:`, leaving the block
        does not close the session.

        Returns:
          A context manager using this session as the default session.
        """
        return _DefaultSession(self)

    def __enter__(self):
        self._entered.append(self.as_default())
        self._entered[-1].__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        self._entered.pop().__exit__(exc_type, exc, tb)
        self.close()

    def __del__(self):
        try:
            self._closed = True
        except AttributeError:
            pass

    # --- running -----------------------------------------------------------------------------
    def _feed_key(self, key) -> Tensor:
        try:
            element = _as_graph_element(self._graph, key, allow_operation=False)
        except (TypeError, ValueError, KeyError) as e:
            if isinstance(key, Operation):
                raise TypeError(
                    f"Cannot interpret feed_dict key as Tensor: '{key.name}' is an Operation; "
                    f"feed one of its output tensors (e.g. '{key.name}:0')"
                ) from None
            reason = e.args[0] if e.args else e
            raise TypeError(f"Cannot interpret feed_dict key as Tensor: {reason}") from None
        return element

    def _compile(self, fetches, feed_keys):
        fetch_plan = _FetchPlan(self._graph, fetches)
        feeds = [self._feed_key(k) for k in feed_keys]
        plan = self._core.prepare(
            [t._output for t in feeds],
            [t._output for t in fetch_plan.tensors],
            [op._node for op in fetch_plan.targets],
        )
        dtypes_ = [t.dtype.base_dtype for t in feeds]
        return plan, fetch_plan.rebuild, feeds, dtypes_

    def _cache_key(self, fetches, feed_keys):
        # Graph elements, names and composite fetches (fixed parts, keyed by identity).
        if isinstance(fetches, (Tensor, Operation, str)) or hasattr(fetches, "_fetch_combine"):
            fetch_key = fetches
        elif type(fetches) in (list, tuple) and all(
            isinstance(f, (Tensor, Operation, str)) or hasattr(f, "_fetch_combine") for f in fetches
        ):
            fetch_key = (type(fetches), *fetches)
        else:
            return None
        return (fetch_key, feed_keys)

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs operations and evaluates tensors in `fetches`.

        This method runs one "step" of computation, by running the graph fragment needed to
        execute every `Operation` and evaluate every `Tensor` in `fetches`, substituting the values
        in `feed_dict` for the corresponding input values.

        `fetches` may be a single graph element, or an arbitrarily nested list, tuple, namedtuple,
        dict or OrderedDict containing graph elements at its leaves. A graph element is an
        `Operation` (fetched value None), a `Tensor` or `Variable` (a NumPy ndarray), or a string
        naming a tensor or operation. The value returned has the same structure as `fetches`.

        Args:
          fetches: A single graph element, a list of graph elements, or a dictionary whose
            values are graph elements or lists of graph elements.
          feed_dict: A dictionary that maps graph elements (placeholders, other tensors or
            tensor names) to values: Python scalars, lists, or NumPy arrays.
          options: A `RunOptions`; varflow honours `frozen_variables`.
          run_metadata: A `RunMetadata`, accepted and left empty.

        Returns:
          Either a single value if `fetches` is a single graph element, or a list of values if
          `fetches` is a list, or a dictionary with the same keys as `fetches` if that is a
          dictionary.

        Raises:
          RuntimeError: If this `Session` is closed.
          TypeError: If `fetches` or `feed_dict` keys are of an inappropriate type.
          ValueError: If `fetches` or `feed_dict` keys are invalid or refer to a `Tensor` that
            doesn't exist, or a fed value's shape does not match the tensor's.
          InvalidArgumentError: If a placeholder the fetches need is not fed, or a kernel
            rejects its inputs (the message names the op).
          FailedPreconditionError: If an uninitialized variable is read.
        """
        self._check_open()
        if _composite_feeds[0] and feed_dict:
            feed_dict = _expand_composite_feeds(feed_dict)
        feed_keys = tuple(feed_dict) if feed_dict else ()
        key = self._cache_key(fetches, feed_keys)
        entry = self._cache.get(key) if key is not None else None
        if entry is None:
            entry = self._compile(fetches, feed_keys)
            if key is not None:
                self._cache[key] = entry
        plan, rebuild, feeds, feed_dtypes = entry
        values = [
            _feed_value(feeds[i], feed_dtypes[i], feed_dict[k]) for i, k in enumerate(feed_keys)
        ]
        frozen = getattr(options, "frozen_variables", None) if options is not None else None
        timeout = getattr(options, "timeout_in_ms", 0) if options is not None else 0
        if timeout and not frozen:
            # TF1's deadline for the run's blocking queue ops (DeadlineExceededError).
            return rebuild(_core.run_with_timeout(self._core, plan, values, int(timeout)))
        if frozen:
            return rebuild(self._core.run(plan, values, [_variable_node(v) for v in frozen]))
        return rebuild(self._core.run(plan, values))

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """Returns a Python callable that runs a particular step.

        The returned callable takes `len(feed_list)` arguments whose types must be compatible
        feed values for the respective elements of `feed_list`, and returns what
        `Session.run(fetches)` would. The plan is compiled once, so calls skip `run()`'s lookup.

        Args:
          fetches: A value or list of values to fetch. See `Session.run()`.
          feed_list: Optional list of feed keys, in the order the callable takes their values.
          accept_options: Accepted for TF1 compatibility.

        Returns:
          A function that when called will execute the step defined by `feed_list` and
          `fetches` in this session.

        Raises:
          TypeError: If `fetches` or `feed_list` cannot be interpreted as arguments to
            `Session.run()`, or the callable is given the wrong number of values.
        """
        self._check_open()
        feed_list = tuple(feed_list or ())
        if _composite_feeds[0] and any(hasattr(k, "_feed_parts") for k in feed_list):
            return _composite_feed_callable(self, fetches, feed_list)
        plan, rebuild, feeds, feed_dtypes = self._compile(fetches, feed_list)
        core_run = self._core.run

        def call(*args, **kwargs):
            if len(args) != len(feeds):
                raise TypeError(f"Expected {len(feeds)} feed values, got {len(args)}")
            values = [_feed_value(feeds[i], feed_dtypes[i], a) for i, a in enumerate(args)]
            return rebuild(core_run(plan, values))

        return call

    # --- variables ---------------------------------------------------------------------------
    def _set_variable_value(self, variable, value) -> None:
        self._check_open()
        _check_lossless(variable, variable.dtype.base_dtype, value)
        arr = np.asarray(value, dtype=variable.dtype.base_dtype.as_numpy_dtype, order="C")
        if not variable.shape.is_compatible_with(arr.shape):
            raise ValueError(
                f"Cannot feed value of shape {arr.shape} for Tensor '{variable.name}', which has "
                f"shape '{variable.shape}'"
            )
        self._core.set_variable_value(variable._node, arr)


# Set once a composite feed key (a SparseTensor) exists, so that runs of programs without
# any skip looking for them.
_composite_feeds = [False]


def _expand_composite_feeds(feed_dict) -> dict:
    """A feed dict with each composite key (a SparseTensor) replaced by its parts' feeds."""
    if not any(hasattr(k, "_feed_parts") for k in feed_dict):
        return feed_dict
    out = {}
    for key, value in feed_dict.items():
        parts = getattr(key, "_feed_parts", None)
        if parts is None:
            out[key] = value
        else:
            out.update(parts(value))
    return out


def _composite_feed_callable(session, fetches, feed_list):
    """make_callable for a feed list with composite keys: each call feeds through run()."""

    def call(*args, **kwargs):
        if len(args) != len(feed_list):
            raise TypeError(f"Expected {len(feed_list)} feed values, got {len(args)}")
        return session.run(fetches, dict(zip(feed_list, args, strict=True)))

    return call


def _variable_node(v):
    from varflow.variables import Variable

    if not isinstance(v, Variable):
        raise TypeError(f"frozen_variables must hold tf.Variable objects, got {v!r}")
    return v._node


def _feed_value(tensor: Tensor, dtype, value):
    if isinstance(value, np.ndarray) and value.dtype == dtype.as_numpy_dtype:
        return value
    if isinstance(value, (Tensor, Operation)):
        raise TypeError(
            "The value of a feed cannot be a tf.Tensor object. Acceptable feed values include "
            "Python scalars, strings, lists, numpy ndarrays, or TensorHandles."
        )
    python_int = isinstance(value, int) and not isinstance(value, bool)
    if not python_int and not (dtype.is_floating and isinstance(value, float)):
        _check_lossless(tensor, dtype, value)
    try:
        arr = np.asarray(value, dtype=dtype.as_numpy_dtype)
    except OverflowError:
        raise TypeError(
            f"Type of feed value {value} with type {type(value)} is not compatible with Tensor "
            f"type {dtype!r}. Try explicitly setting the type of the feed tensor to a larger type "
            "(e.g. int64)."
        ) from None
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"Cannot feed {value!r} to Tensor '{tensor.name}' of dtype {dtype.name}: {e}"
        ) from None
    if python_int and arr.item() != value:
        raise TypeError(
            f"Type of feed value {value} with type {type(value)} is not compatible with Tensor "
            f"type {dtype!r}. Try explicitly setting the type of the feed tensor to a larger type "
            "(e.g. int64)."
        )
    return arr


def _check_lossless(tensor, dtype, value) -> None:
    """Feeding must not change a value silently: a NaN, 1.5 or 2**40 fed to an int32 tensor,
    a complex number to a float one, or a 2 to a bool one is an error, not a wrapped value."""
    try:
        src = value if isinstance(value, np.ndarray) else np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        return  # not numeric data: the conversion itself reports it
    fed_dtype = src.dtype
    kind = src.dtype.kind
    if dtype.is_floating and kind != "c":
        return
    problem = None
    if kind == "c":
        if np.any(np.imag(src) != 0):
            problem = "complex values would lose their imaginary part"
        src = np.real(src)
        kind = src.dtype.kind
    if dtype.is_integer and kind == "f":
        if not np.all(np.isfinite(src)):
            problem = "non-finite values have no integer value"
        elif not np.all(np.mod(src, 1) == 0):
            problem = "non-integral values would be truncated"
        elif src.size and not (dtype.min <= src.min() and src.max() <= dtype.max):
            problem = f"values outside [{dtype.min}, {dtype.max}] would wrap"
    elif dtype.is_integer and kind in "iu":
        if src.size and not (int(src.min()) >= dtype.min and int(src.max()) <= dtype.max):
            problem = f"values outside [{dtype.min}, {dtype.max}] would wrap"
    elif dtype.is_bool and kind in "iuf" and src.size and not np.all((src == 0) | (src == 1)):
        problem = "values other than 0 and 1 are not booleans"
    if problem:
        raise ValueError(
            f"Cannot feed a value of dtype {fed_dtype} to Tensor '{tensor.name}' of dtype "
            f"{dtype.name}: {problem}"
        )


class _DefaultSession:
    def __init__(self, session):
        self._session = session

    def __enter__(self):
        stack = getattr(_default_session, "stack", None)
        if stack is None:
            stack = _default_session.stack = []
        stack.append(self._session)
        self._graph_ctx = self._session.graph.as_default()
        self._graph_ctx.__enter__()
        return self._session

    def __exit__(self, exc_type, exc, tb):
        self._graph_ctx.__exit__(exc_type, exc, tb)
        _default_session.stack.pop()


class InteractiveSession(Session):
    """A TensorFlow `Session` for use in interactive contexts, such as a shell.

    The only difference with a regular `Session` is that an `InteractiveSession` installs
    itself as the default session on construction, so `Tensor.eval()` and `Operation.run()`
    use it without a `with` block.
    """

    def __init__(self, target="", graph=None, config=None):
        """Creates a new interactive session and makes it the default session.

        Args:
          target: Accepted for TF1 compatibility; varflow runs in-process only.
          graph: The `Graph` to run (defaults to the default graph).
          config: An optional `ConfigProto`.
        """
        super().__init__(target, graph, config)
        self._default = self.as_default()
        self._default.__enter__()

    def close(self) -> None:
        """Closes the session and removes it from the default session stack."""
        if not self._closed:
            super().close()
            self._default.__exit__(None, None, None)


__all__ = ["ConfigProto", "InteractiveSession", "Session", "errors", "get_default_session"]
