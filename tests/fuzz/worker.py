"""The fuzz worker: a child process that runs cases read as JSON lines on stdin and answers
one JSON line per case on its original stdout. It is a plain script (no package imports), so
the parent can start it by path and a crash in it only ends this process.

Anything the library prints goes to stderr, which the parent keeps for crash reports.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import warnings

# Set by tf_crosscheck: run the same sources under TensorFlow's tf.compat.v1 instead.
REFERENCE = os.environ.get("VARFLOW_FUZZ_REFERENCE") == "tensorflow"


def _limit_memory() -> None:
    # A huge shape must fail as ResourceExhausted, not take the machine's memory.
    limit = int(os.environ.get("VARFLOW_FUZZ_MEMORY", str((16 if REFERENCE else 4) << 30)))
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def compare(value, expected, rtol=None, atol=None) -> str | None:
    """None when `value` matches the oracle, else what differs."""
    import numpy as np

    if isinstance(expected, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(expected):
            return f"expected a list of {len(expected)} values, got {type(value).__name__}"
        for i, (v, e) in enumerate(zip(value, expected, strict=False)):
            diff = compare(v, e, rtol, atol)
            if diff:
                return f"output {i}: {diff}"
        return None
    exp = np.asarray(expected)
    val = np.asarray(value)
    if val.shape != exp.shape:
        return f"shape {val.shape} != expected {exp.shape}"
    if val.dtype != exp.dtype:
        return f"dtype {val.dtype} != expected {exp.dtype}"
    if exp.dtype.kind == "f":
        single = exp.dtype == np.float32
        r = rtol if rtol is not None else (1e-4 if single else 1e-9)
        a = atol if atol is not None else (1e-6 if single else 1e-12)
        with np.errstate(all="ignore"):
            same = np.allclose(val, exp, rtol=r, atol=a, equal_nan=True)
            same = same and np.array_equal(np.isposinf(val), np.isposinf(exp))
            same = same and np.array_equal(np.isneginf(val), np.isneginf(exp))
    else:
        same = np.array_equal(val, exp)
    if same:
        return None
    with np.errstate(all="ignore"):
        if exp.dtype.kind == "f":
            bad = ~np.isclose(val, exp, rtol=r, atol=a, equal_nan=True) | (
                np.isinf(val) != np.isinf(exp)
            )
        else:
            bad = val != exp
    if val.ndim:
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return f"at {list(idx)}: got {val[idx]!r}, expected {exp[idx]!r} ({int(bad.sum())} differ)"
    return f"got {val!r}, expected {exp!r}"


def run_case(case: dict, tf, np) -> dict:
    tf.reset_default_graph()
    ns: dict = {"print": lambda *a, **k: None, "phase": "build", "__name__": "__fuzz__"}
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(case["source"], "<case>", "exec"), ns)  # noqa: S102 - the job
    except (Exception, SystemExit) as e:  # noqa: BLE001 - every exception is data here
        etype = type(e)
        return {
            "outcome": "exception",
            "type": f"{etype.__module__}.{etype.__qualname__}",
            "message": str(e)[:3000],
            "phase": ns.get("phase"),
        }
    result: dict = {"outcome": "value", "phase": "run"}
    oracle = case.get("oracle")
    if not oracle:
        return result
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(oracle, "<oracle>", "exec"), ns)  # noqa: S102
            if ns.get("mismatch"):
                result["mismatch"] = str(ns["mismatch"])
                result["checked"] = True
                return result
            if "expected" not in ns:
                # The oracle found the input invalid (e.g. an index NumPy rejects too).
                result["expect_error"] = str(ns.get("expect_error", "the oracle rejects it"))
                return result
            result["mismatch"] = compare(
                ns["value"], ns["expected"], ns.get("rtol"), ns.get("atol")
            )
            result["checked"] = True
    except AssertionError as e:
        result["oracle_skipped"] = str(e)
    except Exception as e:  # noqa: BLE001 - NumPy itself rejects the input: no oracle
        result["oracle_error"] = f"{type(e).__name__}: {e}"[:500]
    return result


def main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    _limit_memory()
    import numpy as np

    if REFERENCE:
        import tensorflow.compat.v1 as tf

        tf.disable_v2_behavior()
        # The sources say `import varflow as tf`; here that name is TensorFlow.
        sys.modules["varflow"] = tf
    else:
        import varflow as tf

    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        case = json.loads(line)
        proto.write(json.dumps(run_case(case, tf, np)) + "\n")


if __name__ == "__main__":
    main()
