"""Turns a worker's answer for a case into one outcome class."""

from __future__ import annotations

import re

from .program import Case

# Worst first; the summary and the bounded test use this order.
CLASSES = (
    "crash",
    "hang",
    "wrong answer",
    "accepted bad input",
    "bad error",
    "unclear error",
    "wrong answer (non-finite input)",
    "missing api",
    "clean error",
    "ok",
)
# What the bounded test run must not find.
# TensorFlow propagates NaN like NumPy in every non-finite mismatch checked (tf_crosscheck), so
# those count too.
FAILING = (
    "crash",
    "hang",
    "wrong answer",
    "accepted bad input",
    "bad error",
    "wrong answer (non-finite input)",
)

CLEAN_TYPES = ("builtins.ValueError", "builtins.TypeError")
# Sizes that wrapped around (2**64 - x, 2**32 - x), an empty "[0, 0)" range, and TF1's
# confusing message for an op passed where a tensor is expected.
GARBAGE = (
    (re.compile(r"1844674\d{13}"), "a wrapped 64-bit size"),
    (re.compile(r"between \[(-?\d+), \1\)"), "an empty range"),
    (re.compile(r"Can not convert a \w+ into a Tensor"), "an unhelpful conversion error"),
    (re.compile(r"\d\.\d+e[+-]\d\d"), "a float-formatted count or index"),
)

# C++ exception text that reached Python (std::length_error, std::out_of_range, ...).
LEAKED = re.compile(r"vector::|basic_string|std::|bad_alloc|_M_\w+|stoi|stol")
# TF1's own build-time messages, which name no op; matching them verbatim is the goal.
TF1_VERBATIM = re.compile(  # DOTALL: messages quote multi-line array reprs
    r"Tensor conversion requested dtype|Expected \w+, got .* of type|Shapes .* are incompatible"
    r"|Cannot infer num from shape|mask cannot be scalar|not in \[-?\d+, -?\d+\)"
    r"|Number of mask dimensions|must be a 0-D|Only call `\w+` with named arguments"
    r"|Can't convert Python int|out of range for|Cannot feed value of shape|is not compatible with"
    r"|Rank mismatch: Rank of labels|must have the same shape"
    r"|The name '.*' refers to|Fetch argument|Cannot interpret feed_dict key"
    r"|Must specify maxval for integer dtype|rate must be a scalar tensor"
    r"|x has to be a floating point tensor|'axes' must|Invalid type tf\.\w+ for",
    re.DOTALL,
)


def _missing_api(etype: str, message: str) -> bool:
    if etype == "builtins.AttributeError" and re.search(r"module '?varflow", message):
        return True
    if etype == "builtins.TypeError" and "unexpected keyword argument" in message:
        return True
    return etype == "builtins.NotImplementedError"


def classify(case: Case, answer: dict) -> tuple[str, str]:
    """(class, detail) for one case."""
    outcome = answer["outcome"]
    if outcome in ("crash", "hang"):
        return outcome, answer.get("detail", "")
    if outcome == "value":
        mismatch = answer.get("mismatch")
        if mismatch:
            cls = "wrong answer (non-finite input)" if case.nonfinite else "wrong answer"
            return cls, mismatch
        expect = case.expect_error or answer.get("expect_error")
        if expect:
            return "accepted bad input", f"returned a value, but TF1 raises: {expect}"
        return "ok", ""
    etype, message = answer["type"], answer["message"]
    where = f"{etype.rsplit('.', 1)[-1]} at {answer.get('phase')}: {message[:300]}"
    if _missing_api(etype, message):
        return "missing api", where
    clean = (
        etype.startswith("varflow.errors.")
        or etype in CLEAN_TYPES
        or (etype == "builtins.KeyError" and case.keyerror_ok)
    )
    if not clean:
        return "bad error", where
    if LEAKED.search(message):
        return "bad error", f"C++ exception text: {where}"
    lowered = message.lower()
    # TF1's run-time "[[node X]]" and build-time "for 'X' (op: 'Y')" both name a node.
    named = any(n.lower() in lowered for n in case.names) or re.search(
        r"\[\[node |\(op: '", message
    )
    if not named and not TF1_VERBATIM.search(message):
        return "unclear error", f"names none of {list(case.names)}: {where}"
    for pattern, why in GARBAGE:
        m = pattern.search(message.split("array(")[0])
        if m and m.group(0) not in case.source:
            return "unclear error", f"{why} ({m.group(0)}): {where}"
    return "clean error", where


def signature(cls: str, detail: str) -> str:
    """Groups findings that are the same bug: the detail without numbers and names."""
    text = re.sub(r"'[^']*'", "'_'", detail)
    text = re.sub(r"-?\d+(\.\d+)?(e[+-]?\d+)?", "N", text)
    return f"{cls}: {text[:120]}"
