"""The long fuzz run:

    python -m tests.fuzz --cases 100000 --seed 1 --jobs 2 --out /tmp/fuzz-out

from the repository root. Writes findings.json and summary.md to --out. One case again:

    python -m tests.fuzz --seed 1 --show 1234     (prints its reproducer)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from varflow._progress import progress_bar

from . import corpus, report
from .registry import GENERATORS, make_case
from .runner import run_cases


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--start", type=int, default=0, help="first case index")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before a hang")
    parser.add_argument("--op", help="only this generator (see --list)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"))
    parser.add_argument("--show", type=int, help="print the reproducer of this case index")
    parser.add_argument("--list", action="store_true", help="list the generators")
    parser.add_argument(
        "--save-corpus", action="store_true", help="add new failing signatures to corpus.json"
    )
    args = parser.parse_args(argv)

    if args.list:
        make_case(0, 0)
        print("\n".join(sorted(GENERATORS)))
        return 0
    if args.show is not None:
        print(make_case(args.seed, args.show, args.op).reproducer())
        return 0

    began = time.monotonic()
    # A tqdm bar on a terminal; in a log, a line per tenth of the run (varflow._progress).
    bar = progress_bar(total=args.cases, desc="fuzz", unit="case")

    def progress(done):
        bar.update(done - bar.n)

    try:
        results = run_cases(
            args.seed,
            range(args.start, args.start + args.cases),
            jobs=args.jobs,
            timeout=args.timeout,
            only=args.op,
            progress=progress,
        )
    finally:
        bar.close()
    elapsed = time.monotonic() - began
    header = {
        "command": "python -m tests.fuzz " + " ".join(argv or sys.argv[1:]),
        "cases": len(results),
        "seed": args.seed,
        "jobs": args.jobs,
        "seconds": round(elapsed, 1),
        "cases per second": round(len(results) / elapsed, 1),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }
    counts = report.write(results, args.out, header)
    if args.save_corpus:
        print(f"{corpus.add(results)} new corpus entries", file=sys.stderr)
    print({k: v for k, v in counts.items()}, f"{elapsed:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
