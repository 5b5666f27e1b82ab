#!/usr/bin/env python3
"""atheris (libFuzzer) harness for the pybind11 boundary: builds nodes of any registered op
with arbitrary attribute values and inputs straight through `varflow._core`, then prepares and
runs them with arbitrary NumPy feeds (odd dtypes, byte orders, strides, 0-d, read-only) and
fetches. A signal, or an exception outside the raw API's contract, is a finding.

    python tests/fuzz/atheris_core.py -runs=100000 -max_len=1024 [-seed=N] [corpus_dir]
    python tests/fuzz/atheris_core.py crash-<sha1>          # replays one finding

libFuzzer writes each finding's input to ./crash-* (or -artifact_prefix=DIR/) and stops; for a
long run that goes on past findings, add -fork=2 -ignore_crashes=1 and set
VARFLOW_ATHERIS_LOG=findings.json (out-of-contract exceptions are then logged, not fatal).
"""

from __future__ import annotations

import base64
import json
import os
import re
import resource
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["varflow"]):
    import numpy as np
    import varflow as tf
    from varflow import _core

# What the raw API may raise for bad input: the TF error classes and pybind11's argument
# errors. RuntimeError (an untranslated C++ exception), SystemError, MemoryError and the rest
# are bugs.
ALLOWED = (
    tf.errors.OpError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    NotImplementedError,
)

# VARFLOW_ATHERIS_LOG=path: record each distinct out-of-contract exception (with the input,
# base64) there and keep fuzzing, instead of stopping at the first one.
LOG = os.environ.get("VARFLOW_ATHERIS_LOG")
STRICT = LOG is None
# VARFLOW_ATHERIS_TRACE=1: print each call to stderr, to turn a crashing input into a reproducer.
TRACE = bool(os.environ.get("VARFLOW_ATHERIS_TRACE"))
FOUND: dict[str, str] = {}

OPS = sorted(o["name"] for o in _core.registered_ops())
ATTR_NAMES = (
    "dtype", "T", "value", "shape", "axis", "keep_dims", "transpose_a", "transpose_b", "adj_x",
    "adj_y", "N", "num", "num_split", "output_type", "exclusive", "reverse", "alpha",
    "begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask", "mode",
    "data_format", "seed", "seed2", "DstT", "SrcT", "use_locking", "Tidx", "squeeze_dims", "perm",
    "depth", "validate_shape", "use_nesterov", "boundaries", "values", "Tperm", "Tpaddings",
    "out_type", "Tshape", "Index", "Tindices", "Taxis", "batch_dims", "num_segments", "decay",
)  # fmt: skip
NP_DTYPES = (
    "float32", "float64", "int32", "int64", "bool", "float16", "uint8", "int8", "int16",
    "uint32", "uint64", "complex64", ">f4", ">i8", "<U3", "object", "datetime64[s]", "V4",
)  # fmt: skip
CORE_DTYPES = (tf.float32._core, tf.float64._core, tf.int32._core, tf.int64._core, tf.bool._core)


def discover_attributes() -> dict[str, list[str]]:
    """Each op's declared attribute names, read from the error for an undeclared one (the
    registry does not list them), so most fuzzed attributes reach the op's own checks."""
    graph = _core.Graph()
    consts = [
        graph.add_node(
            "Const", [], {"value": np.zeros(2, dt.as_numpy_dtype), "dtype": dt._core}, ""
        )
        for dt in (tf.float32, tf.int32, tf.int64, tf.bool)
    ]
    found = {}
    for op in _core.registered_ops():
        count = len(op["inputs"]) or (2 if op["variadic"] else 0)
        for c in consts:
            try:
                graph.add_node(op["name"], [c.output(0)] * count, {"zzz_probe": 1}, "")
            except Exception as e:  # noqa: BLE001 - only the message matters here
                m = re.search(r"its attributes are: ([\w, ]+)", str(e))
                if m:
                    found[op["name"]] = [a.strip() for a in m.group(1).split(",") if a.strip()]
                    break
    return found


DECLARED = discover_attributes()
HUGE = (0, 1, -1, 2**31 - 1, 2**31, -(2**31), 2**32 + 3, 2**62, 2**63 - 1, -(2**63), 2**64, 2**70)


@atheris.instrument_func
def trace(what: str, *args) -> None:
    if TRACE:
        shown = [
            f"np.array(shape={a.shape}, dtype={a.dtype}, strides={a.strides})"
            if isinstance(a, np.ndarray)
            else repr(a)
            for a in args
        ]
        print(f"{what}({', '.join(shown)})", file=sys.stderr, flush=True)


def describe_outputs(outputs) -> list[str]:
    return [f"{o.name}:{o.dtype}{o.shape}" for o in outputs]


@atheris.instrument_func
def some_int(fdp) -> int:
    if fdp.ConsumeBool():
        return fdp.PickValueInList(list(HUGE))
    return fdp.ConsumeIntInRange(-8, 8)


@atheris.instrument_func
def some_array(fdp):
    dtype = np.dtype(fdp.PickValueInList(list(NP_DTYPES)))
    shape = [fdp.ConsumeIntInRange(0, 3) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    n = int(np.prod(shape, dtype=np.int64))
    if dtype.kind in "OUMV":
        arr = np.zeros(shape, dtype)
    else:
        raw = fdp.ConsumeBytes(n * dtype.itemsize).ljust(n * dtype.itemsize, b"\0")
        # Bytes as they come: bools other than 0/1, NaN payloads, denormals.
        arr = np.frombuffer(raw, dtype).reshape(shape)
    layout = fdp.ConsumeIntInRange(0, 4)
    if layout == 1 and arr.ndim:
        arr = np.repeat(arr, 2, axis=0)[::2]  # non-contiguous
    elif layout == 2 and arr.ndim >= 2:
        arr = arr.T
    elif layout == 3:
        arr = np.asfortranarray(arr)
    elif layout == 4 and arr.ndim:
        arr = np.broadcast_to(arr, (2, *arr.shape))  # zero strides
    return arr


@atheris.instrument_func
def some_shape(fdp):
    if fdp.ConsumeBool():
        return _core.Shape(None)
    dims = [None if fdp.ConsumeIntInRange(0, 4) == 0 else some_int(fdp) for _ in range(3)]
    return _core.Shape(dims[: fdp.ConsumeIntInRange(0, 3)])


@atheris.instrument_func
def some_attr(fdp):
    kind = fdp.ConsumeIntInRange(0, 11)
    if kind == 0:
        return some_int(fdp)
    if kind == 1:
        return fdp.PickValueInList([0.0, -0.0, 1.5, float("nan"), float("inf"), 1e308, -1e-308])
    if kind == 2:
        return fdp.ConsumeBool()
    if kind == 3:
        return fdp.ConsumeUnicodeNoSurrogates(8)
    if kind == 4:
        return [some_int(fdp) for _ in range(fdp.ConsumeIntInRange(0, 4))]
    if kind == 5:
        return fdp.PickValueInList(list(CORE_DTYPES))
    if kind == 6:
        return some_shape(fdp)
    if kind == 7:
        return some_array(fdp)
    if kind == 8:
        return None
    if kind == 9:
        return [fdp.ConsumeFloat() for _ in range(fdp.ConsumeIntInRange(0, 3))]
    if kind == 10:
        return [[1, 2], "x", None]
    return _core.DType(fdp.ConsumeIntInRange(-3, 40))


@atheris.instrument_func
def build(fdp, graph):
    outputs, feeds = [], []
    for _ in range(fdp.ConsumeIntInRange(0, 3)):
        attrs = {"dtype": fdp.PickValueInList(list(CORE_DTYPES)), "shape": some_shape(fdp)}
        trace("Placeholder", attrs)
        node = graph.add_node("Placeholder", [], attrs, "")
        outputs.append(node.output(0))
        feeds.append(node.output(0))
    for _ in range(fdp.ConsumeIntInRange(0, 3)):
        arr = some_array(fdp)
        dtype = fdp.PickValueInList(list(CORE_DTYPES))
        trace("Const", arr, dtype)
        try:
            node = graph.add_node("Const", [], {"value": arr, "dtype": dtype}, "")
            outputs.append(node.output(0))
        except ALLOWED:
            pass
    nodes = []
    for _ in range(fdp.ConsumeIntInRange(1, 3)):
        op = fdp.PickValueInList(OPS)
        inputs = [
            fdp.PickValueInList(outputs) for _ in range(fdp.ConsumeIntInRange(0, 4)) if outputs
        ]
        # Mostly the op's declared attributes (with any value), sometimes any name.
        names = DECLARED.get(op) if fdp.ConsumeIntInRange(0, 4) else None
        attrs = {
            fdp.PickValueInList(names or list(ATTR_NAMES)): some_attr(fdp)
            for _ in range(fdp.ConsumeIntInRange(0, 4))
        }
        name = "" if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(6)
        trace("add_node", op, describe_outputs(inputs), attrs, name)
        try:
            node = graph.add_node(op, inputs, attrs, name)
        except ALLOWED:
            continue
        nodes.append(node)
        for i in range(min(node.num_outputs, 3)):
            outputs.append(node.output(i))
    return outputs, feeds, nodes


@atheris.instrument_func
def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    graph = _core.Graph()
    try:
        outputs, feeds, nodes = build(fdp, graph)
        if fdp.ConsumeBool() and nodes:
            # Lookups by arbitrary names.
            graph.tensor_by_name(fdp.ConsumeUnicodeNoSurrogates(10))
        session = _core.Session(graph, fdp.ConsumeIntInRange(0, 3))
        fetches = [fdp.PickValueInList(outputs) for _ in range(2) if outputs]
        targets = [fdp.PickValueInList(nodes) for _ in range(fdp.ConsumeIntInRange(0, 1)) if nodes]
        feed_keys = feeds[: fdp.ConsumeIntInRange(0, len(feeds))]
        trace("prepare", describe_outputs(feed_keys), describe_outputs(fetches), len(targets))
        plan = session.prepare(feed_keys, fetches, targets)
        values = [some_array(fdp) for _ in range(len(feed_keys) + fdp.ConsumeIntInRange(-1, 1))]
        if fdp.ConsumeBool():
            values = [v.tolist() if fdp.ConsumeBool() else v for v in values]
        trace("run", *values)
        session.run(plan, values)
        session.close()
    except ALLOWED:
        pass
    except Exception as e:  # outside the contract: stop (strict) or count it and go on
        if STRICT:
            raise
        key = f"{type(e).__name__}: {re.sub(r'[0-9]+', 'N', str(e))[:200]}"
        if key not in FOUND:
            FOUND[key] = base64.b64encode(data).decode()
            Path(LOG).write_text(json.dumps(FOUND, indent=1))


def main() -> None:
    # A huge shape must fail as ResourceExhausted, not take the machine's memory (as worker.py).
    limit = int(os.environ.get("VARFLOW_FUZZ_MEMORY", str(4 << 30)))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    tf._core.set_num_threads(2)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    main()
