"""Side-by-side benchmarks of varflow against TF1 (tensorflow.compat.v1), PyTorch and NumPy.

    python benchmarks/run.py [--quick] [--only NAME...] [--impl varflow,tf,torch,numpy] [--out DIR]

See benchmarks/README.md for what each scenario measures and how to read the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import report
from harness import ForeignLoad, TimingConfig, run_row
from impls import ALL_IMPLS, describe_impls, load_impls
from isolated import Workers, run_row_isolated
from machine import describe_machine, measure_limits, merge_limits

SCENARIOS = (
    "overhead",
    "optimizers",
    "multi_tensor",
    "graph_grad",
    "mlp",
    "eager",
    "memory",
    "checkpoint",
)
FULL_OUT = HERE / "results"  # full runs: committed next to RESULTS.md
SCRATCH_OUT = HERE / "out"  # --quick / --only runs (git-ignored)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="varflow side-by-side benchmarks",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="scenarios: " + ", ".join(SCENARIOS),
    )
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repetitions")
    ap.add_argument("--only", nargs="+", metavar="NAME", choices=SCENARIOS, help="scenarios to run")
    ap.add_argument(
        "--impl",
        default=",".join(ALL_IMPLS),
        help="comma-separated implementations (default: %(default)s)",
    )
    ap.add_argument(
        "--out",
        help=f"output directory for results.json and plots/ (default: {FULL_OUT} for a full run, "
        f"{SCRATCH_OUT} with --quick or --only)",
    )
    ap.add_argument(
        "--results-md",
        help="where to write RESULTS.md (default: benchmarks/RESULTS.md when --out is the default "
        "full-run directory, else OUT/RESULTS.md)",
    )
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="threads per impl")
    ap.add_argument("--reps", type=int, help="timed repetitions per entry (default 15, quick 5)")
    ap.add_argument("--min-sample-ms", type=float, default=5.0, help="minimum time per sample")
    ap.add_argument("--no-limits", action="store_true", help="skip the bandwidth/FMA probes")
    ap.add_argument("--no-progress", action="store_true", help="disable the progress bar")
    ap.add_argument(
        "--in-process",
        action="store_true",
        help="run every implementation in this process (default: one worker process each, "
        "VARFLOW_BENCH_<IMPL>_PYTHON naming its interpreter)",
    )
    ap.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to SECONDS for other processes to leave the CPU before starting",
    )
    return ap.parse_args(argv)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_description(self, s: str) -> None:
        pass

    def write(self, s: str) -> None:
        print(s)

    def close(self) -> None:
        pass


def progress_bar(total: int, disable: bool) -> Any:
    if disable:
        return _NoBar()
    try:
        from tqdm import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, unit="row", dynamic_ncols=True)


def foreign_load(seconds: float = 1.0) -> float:
    load = ForeignLoad()
    with load:
        time.sleep(seconds)
    return load.fraction


def wait_idle(limit_s: float, threshold: float = 0.05) -> float:
    """Return the foreign CPU fraction, waiting up to limit_s for it to fall below threshold."""
    deadline = time.monotonic() + limit_s
    frac = foreign_load()
    while frac > threshold and time.monotonic() < deadline:
        print(f"  machine busy ({100 * frac:.0f}% CPU used by other processes); waiting ...")
        time.sleep(min(10.0, max(0.0, deadline - time.monotonic())))
        frac = foreign_load()
    return frac


def save(results: dict[str, Any], path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1, default=str))
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.impl.split(",") if n.strip()]
    partial = args.quick or bool(args.only)
    out_dir = Path(args.out).resolve() if args.out else (SCRATCH_OUT if partial else FULL_OUT)
    if args.results_md:
        md_path = Path(args.results_md)
    elif out_dir == FULL_OUT:
        md_path = HERE / "RESULTS.md"
    else:
        md_path = out_dir / "RESULTS.md"
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "results.json"

    workers = None
    if args.in_process:
        loaded, skipped = load_impls(names, args.threads)
        impl_info = describe_impls(loaded, skipped)
    else:
        workers = Workers(names, args.threads, args.quick)
        impl_info = workers.impls
        loaded = {n: impl_info[n] for n in workers.workers}
        skipped = {n: impl_info.get(n, {}).get("reason", "?") for n in names if n not in loaded}
    for name, why in skipped.items():
        print(f"note: skipping {name}: {why}", file=sys.stderr)
    if not loaded:
        print("no implementation importable; nothing to do", file=sys.stderr)
        return 1
    print("implementations: " + ", ".join(f"{n} {impl_info[n]['version']}" for n in loaded))

    cfg = TimingConfig(
        reps=args.reps or (5 if args.quick else 15),
        min_sample_s=args.min_sample_ms / 1e3,
    )
    ctx = SimpleNamespace(impls=loaded, quick=args.quick, threads=args.threads)
    results: dict[str, Any] = {
        "schema": 1,
        "created": dt.datetime.now().isoformat(timespec="seconds"),
        "argv": sys.argv[1:] if argv is None else argv,
        "config": {
            "reps": cfg.reps,
            "warmup_s": cfg.warmup_s,
            "min_warmup_iters": cfg.min_warmup_iters,
            "min_sample_s": cfg.min_sample_s,
            "threads": args.threads,
            "quick": args.quick,
            "order": "round-robin over entries, rotated by repetition",
            "processes": "one" if args.in_process else "one worker per implementation",
        },
        "machine": describe_machine(),
        "impls": impl_info,
        "limits": None,
        "scenarios": [],
        "json_path": str(json_path),
    }

    frac = wait_idle(args.wait_idle)
    results["foreign_cpu_at_start"] = frac
    if frac > 0.05:
        print(
            f"WARNING: other processes use {100 * frac:.0f}% of the CPU; timings will be noisy "
            "(rows measured under load are flagged in the report)",
            file=sys.stderr,
        )

    if not args.no_limits:
        print("measuring machine limits (copy/triad bandwidth, float32 GEMM) ...", flush=True)
        t0 = time.perf_counter()
        results["limits"] = measure_limits(args.threads, reps=5 if args.quick else 10)
        print(report.limits_text(results["limits"]))
        print(f"  ({time.perf_counter() - t0:.1f} s)", flush=True)

    wanted = [s for s in SCENARIOS if not args.only or s in args.only]
    modules = {s: importlib.import_module(f"scenarios.{s}") for s in wanted}
    plans: dict[str, Any] = {}
    total = 0
    for s, mod in modules.items():
        if getattr(mod, "KIND", "time") in ("memory", "io"):  # self-running scenarios
            total += mod.count(ctx)
        else:
            plans[s] = mod.rows(ctx) if workers is None else workers.rows(s)
            total += len(plans[s])

    bar = progress_bar(total, args.no_progress)
    t_start = time.perf_counter()
    for s, mod in modules.items():
        sc: dict[str, Any] = {
            "name": s,
            "title": mod.TITLE,
            "description": mod.DESCRIPTION,
            "plot": getattr(mod, "PLOT", "time"),
            "xlabel": getattr(mod, "XLABEL", "problem size"),
            "kind": getattr(mod, "KIND", "time"),
            "min_sample_s": cfg.for_scenario(mod).min_sample_s,
            "rows": [],
        }
        results["scenarios"].append(sc)
        if sc["kind"] in ("memory", "io"):
            bar.set_description(s)
            sc["rows"] = mod.run(ctx, progress=bar)
        else:
            for row in plans[s]:
                bar.set_description(f"{s}: {getattr(row, 'label', '')}")
                if workers is None:
                    entries, foreign = run_row(row, cfg.for_scenario(mod))
                    desc = {
                        "key": row.key,
                        "label": row.label,
                        "series": row.series,
                        "x": row.x,
                        "bytes_per_iter": row.bytes_per_iter,
                        "flops_per_iter": row.flops_per_iter,
                        "params": row.params,
                    }
                else:
                    entries, foreign = run_row_isolated(workers, s, row, cfg.for_scenario(mod))
                    desc = {k: v for k, v in row.items() if k != "entries"}
                    bar.set_description(f"{s}: {row['label']}")
                sc["rows"].append({**desc, "entries": entries, "foreign_cpu": foreign})
                bar.update(1)
        report.enrich(results)
        save(results, json_path)
    bar.close()
    if workers is not None:
        workers.close()
    results["elapsed_s"] = time.perf_counter() - t_start
    if results["limits"] is not None:
        # Probe again at the end and keep the best: a busy moment at the start would otherwise
        # make every '% triad' too optimistic.
        print("measuring machine limits again ...", flush=True)
        end = measure_limits(args.threads, reps=5 if args.quick else 10)
        results["limits"] = merge_limits(results["limits"], end)

    report.enrich(results)
    save(results, json_path)
    plots = report.write_plots(results, out_dir / "plots")
    report.write_markdown(results, md_path, plots)
    print()
    print(report.console_report(results))
    print(f"\nwrote {json_path}\nwrote {md_path}\nplots in {out_dir / 'plots'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
