"""The corpus of past findings: one shortest reproducer per (class, op, signature) that the fuzz
ever failed on, stored as source so it stays the same program when the generators change.
test_fuzz.py replays all of it; `python -m tests.fuzz ... --save-corpus` adds new findings."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from .classify import FAILING, signature
from .program import Case

PATH = Path(__file__).with_name("corpus.json")


def load() -> list[tuple[Case, str]]:
    """(case, what it was found as) for every corpus entry."""
    if not PATH.exists():
        return []
    entries = json.loads(PATH.read_text())
    fields = {f.name for f in dataclasses.fields(Case)}
    return [
        (Case(**{k: v for k, v in e.items() if k in fields}), e.get("found", "")) for e in entries
    ]


def add(results) -> int:
    """Adds the shortest failing case of each new signature; returns how many were added."""
    entries = json.loads(PATH.read_text()) if PATH.exists() else []
    known = {e["signature"] for e in entries}
    best: dict = {}
    for r in results:
        if r.cls not in FAILING:
            continue
        sig = f"{r.case.op}: {signature(r.cls, r.detail)}"
        if sig in known:
            continue
        if sig not in best or len(r.case.source) < len(best[sig].case.source):
            best[sig] = r
    for sig, r in sorted(best.items()):
        entry = dataclasses.asdict(r.case)
        entry["names"] = list(entry["names"])
        entries.append({**entry, "signature": sig, "found": f"{r.cls}: {r.detail[:300]}"})
    PATH.write_text(json.dumps(entries, indent=1) + "\n")
    return len(best)
