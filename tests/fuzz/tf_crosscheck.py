"""Runs findings' reproducers under real TensorFlow (tf.compat.v1, graph mode) in the same
worker, to check the fuzzer's claims about what TF1 does (that it raises, that NumPy's answer
is TF's). TensorFlow lives in its own venv; the fuzz itself never needs it:

    python -m tests.fuzz.tf_crosscheck /work/fuzz-findings/findings.json \\
        --python /work/venv-tf/bin/python [--class "accepted bad input"] [--limit 10]

Prints, per (class, op), what TensorFlow did with the reproducers, and writes
findings.tf.json beside the input with TF's answer for each one checked.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

from .program import Case
from .runner import Worker


def tf_verdict(answer: dict) -> str:
    if answer["outcome"] in ("crash", "hang"):
        return f"TF {answer['outcome']}"
    if answer["outcome"] == "exception":
        return f"TF raises {answer['type'].rsplit('.', 1)[-1]}"
    if answer.get("mismatch"):
        return "TF value != NumPy oracle"
    if answer.get("checked"):
        return "TF value == NumPy oracle"
    return "TF value"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.tf_crosscheck")
    parser.add_argument("findings", type=Path)
    parser.add_argument("--python", required=True, help="a Python with tensorflow installed")
    parser.add_argument("--class", dest="cls", action="append")
    parser.add_argument("--limit", type=int, default=10, help="reproducers per (class, op)")
    args = parser.parse_args(argv)

    findings = json.loads(args.findings.read_text())["findings"]
    worker = Worker(60.0, python=args.python, env={"VARFLOW_FUZZ_REFERENCE": "tensorflow"})
    taken: collections.Counter = collections.Counter()
    tally: dict = collections.defaultdict(collections.Counter)
    checked = []
    try:
        for f in findings:
            key = (f["class"], f["op"])
            if (args.cls and f["class"] not in args.cls) or taken[key] >= args.limit:
                continue
            taken[key] += 1
            source, _, oracle = f["reproducer"].partition("# NumPy oracle\n")
            oracle = oracle.split("print('expected:'")[0] if oracle else None
            answer = worker.run(Case(f["seed"], f["index"], f["op"], source, oracle))
            verdict = tf_verdict(answer)
            tally[key][verdict] += 1
            checked.append({**f, "tf": answer, "tf_verdict": verdict})
    finally:
        worker.close()
    for key in sorted(tally):
        print(f"{key[0]:24s} {key[1]:20s} {dict(tally[key])}")
    args.findings.with_suffix(".tf.json").write_text(json.dumps(checked, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
