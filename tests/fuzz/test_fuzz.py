"""The bounded fuzz run of the test command: a fixed seed and case count (about a minute on
two cores), so every failure is reproducible with `python -m tests.fuzz --seed 20261201
--show INDEX`. The long run is `python -m tests.fuzz --cases 100000 ...` (see __main__.py)."""

from __future__ import annotations

import collections
import os

import pytest

from . import corpus, report
from .classify import FAILING
from .runner import run_cases, run_given

SEED = 20261201
CASES = int(os.environ.get("VARFLOW_FUZZ_CASES", "15000"))


def describe(bad) -> str:
    groups = collections.defaultdict(list)
    for r in bad:
        groups[(r.cls, r.case.op)].append(r)
    lines = [f"{len(bad)} failing fuzz cases (seed {SEED}):"]
    for (cls, op), rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        first = min(rs, key=lambda r: len(r.case.source))
        lines.append(
            f"  {cls} / {op}: {len(rs)}, e.g. index {first.case.index}: {first.detail[:160]}"
        )
    worst = min(bad, key=lambda r: (FAILING.index(r.cls), len(r.case.source)))
    lines += ["", "Shortest reproducer of the worst class:", worst.case.reproducer()]
    return "\n".join(lines)


def test_bounded_fuzz_run_has_no_crash_hang_wrong_answer_or_bad_error(tmp_path):
    results = run_cases(SEED, range(CASES), jobs=max(2, os.cpu_count() or 2), timeout=10.0)
    assert len(results) == CASES
    report.write(results, tmp_path, {"seed": SEED, "cases": CASES})
    bad = [r for r in results if r.cls in FAILING]
    if bad:
        pytest.fail(describe(bad) + f"\nFull report: {tmp_path / 'summary.md'}", pytrace=False)


def test_corpus_of_past_findings_stays_fixed():
    entries = corpus.load()
    if not entries:
        pytest.skip("corpus.json is empty")
    results = run_given([c for c, _ in entries], jobs=max(2, os.cpu_count() or 2))
    found = {id(c): f for c, f in entries}
    bad = [r for r in results if r.cls in FAILING]
    if bad:
        lines = [f"{len(bad)} of {len(entries)} corpus cases still fail:"]
        lines += [f"  {r.cls} / {r.case.op}: {r.detail[:160]}" for r in bad[:40]]
        worst = min(bad, key=lambda r: (FAILING.index(r.cls), len(r.case.source)))
        lines += ["", f"e.g. (found as {found.get(id(worst.case), '?')}):", worst.case.reproducer()]
        pytest.fail("\n".join(lines), pytrace=False)
