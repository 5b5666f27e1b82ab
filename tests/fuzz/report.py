"""findings.json (every non-ok case) and summary.md (grouped by class and op, one shortest
reproducer per group and distinct signature)."""

from __future__ import annotations

import collections
import json
from pathlib import Path

from .classify import CLASSES, signature
from .runner import Result

QUIET = ("ok", "clean error")


def finding(r: Result) -> dict:
    return {
        "class": r.cls,
        "op": r.case.op,
        "seed": r.case.seed,
        "index": r.case.index,
        "detail": r.detail,
        "signature": signature(r.cls, r.detail),
        "stderr": r.answer.get("stderr", "")[-800:],
        "reproducer": r.case.reproducer(),
    }


def write(results: list[Result], out: Path, header: dict) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    findings = [finding(r) for r in results if r.cls not in QUIET]
    counts = collections.Counter(r.cls for r in results)
    (out / "findings.json").write_text(
        json.dumps({"run": header, "counts": counts, "findings": findings}, indent=1)
    )
    (out / "summary.md").write_text(markdown(results, findings, counts, header))
    return dict(counts)


ABOUT = """\
Classes: **crash** (the worker died by a signal), **hang** (no answer before the timeout),
**wrong answer** (a value that disagrees with NumPy), **accepted bad input** (a value where TF1
raises), **bad error** (an exception other than tf.errors.* / ValueError / TypeError, or C++
exception text), **unclear error** (a clean error whose message names neither the node
(`fz`) nor the op, or shows a wrapped size / empty range), **wrong answer (non-finite input)**
(a mismatch on NaN/Inf inputs; TensorFlow agrees with NumPy in every such case checked),
**missing api**. The bounded test fails on the first six.

Each reproducer is standalone: save it and run it with the varflow venv's python. The same case
again: `python -m tests.fuzz --seed SEED --show INDEX`.
"""


def markdown(results, findings, counts, header) -> str:
    lines = ["# varflow fuzz findings", "", ABOUT]
    lines += [f"- {k}: {v}" for k, v in header.items()]
    lines += ["", "| class | cases |", "|---|---|"]
    lines += [f"| {c} | {counts[c]} |" for c in CLASSES if counts.get(c)]
    checked = sum(1 for r in results if r.answer.get("checked"))
    lines += ["", f"Values checked against the NumPy oracle: {checked}.", ""]

    per_op = collections.defaultdict(collections.Counter)
    for r in results:
        per_op[r.case.op][r.cls] += 1
    shown = [c for c in CLASSES if counts.get(c)]
    lines += ["## Cases per op", "", "| op | " + " | ".join(shown) + " |"]
    lines.append("|---" * (len(shown) + 1) + "|")
    for op in sorted(per_op):
        lines.append(f"| {op} | " + " | ".join(str(per_op[op][c] or "") for c in shown) + " |")

    groups: dict = collections.defaultdict(lambda: collections.defaultdict(list))
    for f in findings:
        groups[f["class"]][f["op"]].append(f)
    for cls in CLASSES:
        if cls not in groups:
            continue
        lines += ["", f"## {cls} ({counts[cls]})", ""]
        for op in sorted(groups[cls]):
            items = groups[cls][op]
            by_sig = collections.defaultdict(list)
            for f in items:
                by_sig[f["signature"]].append(f)
            lines += [f"### {cls} / {op} ({len(items)} cases, {len(by_sig)} signatures)", ""]
            for n, (_sig, fs) in enumerate(sorted(by_sig.items(), key=lambda kv: -len(kv[1]))):
                if n == 3:
                    lines += [f"({len(by_sig) - 3} more signatures in findings.json)", ""]
                    break
                best = min(fs, key=lambda f: len(f["reproducer"]))
                lines += [
                    (
                        f"{len(fs)} case(s), e.g. seed {best['seed']} index {best['index']}: "
                        f"{best['detail'][:400]}"
                    ),
                    "",
                    "```python",
                    best["reproducer"].rstrip(),
                    "```",
                ]
                if best["stderr"].strip():
                    lines += ["stderr:", "```", best["stderr"].strip()[-400:], "```"]
                lines.append("")
    return "\n".join(lines) + "\n"
