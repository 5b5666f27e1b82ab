"""Derived numbers, console tables, plots and RESULTS.md, all from the results JSON.

Standalone: `python benchmarks/report.py benchmarks/results/results.json [--md PATH]` regenerates
the plots next to the JSON and the Markdown report without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any

REF = "varflow"


# ----------------------------------------------------------------------------- formatting


def fmt_time(ns: float | None) -> str:
    if ns is None:
        return "-"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            v = ns / scale
            return f"{v:.3g} {unit}" if v < 100 else f"{v:.0f} {unit}"
    return f"{ns:.0f} ns"


def fmt_range(e: dict[str, Any]) -> str:
    if e.get("min_ns") is None:
        return "-"
    return f"{fmt_time(e['min_ns'])} .. {fmt_time(e['max_ns'])}"


def fmt_ratio(r: float | None) -> str:
    return "-" if r is None else f"{r:.2f}x"


def fmt_pct(f: float | None) -> str:
    return "-" if f is None else f"{100 * f:.0f}%"


# ----------------------------------------------------------------------------- derived values


def _ref_entry(entries: list[dict[str, Any]], variant: str, key: str) -> dict[str, Any] | None:
    ok = [e for e in entries if e["impl"] == REF and e.get(key) is not None]
    for e in ok:
        if e["variant"] == variant:
            return e
    for e in ok:
        if e["variant"] == "":
            return e
    return ok[0] if ok else None


def peak_gflops(limits: dict[str, Any]) -> float | None:
    """The roof of the GFLOP/s rows: the measured float32 FMA peak on all threads (fma_all,
    machine.py's c_reference/fma_peak.c), else (no C compiler in that run) the best large GEMM."""
    if limits.get("fma_all", {}).get("gflops"):
        return limits["fma_all"]["gflops"]
    return max((limits[k]["gflops"] for k in ("gemm_1t", "gemm_all") if k in limits), default=None)


def peak_name(limits: dict[str, Any]) -> str:
    """What the '% ... peak' column and sentences call peak_gflops(limits)."""
    return "FMA peak" if limits.get("fma_all", {}).get("gflops") else "GEMM peak"


def enrich(results: dict[str, Any]) -> dict[str, Any]:
    """Add gbps, triad fraction, gflops and ratio-to-varflow to every entry (idempotent)."""
    limits = results.get("limits") or {}
    triad = limits.get("triad_ref_gbps")
    gemm = peak_gflops(limits)
    for sc in results["scenarios"]:
        sc["peak_name"] = peak_name(limits)
        for row in sc["rows"]:
            entries = row["entries"]
            if sc.get("kind") == "memory":
                key = "peak_above_baseline_mb" if row["kind"] == "peak" else "growth_mb"
                for e in entries:
                    ref = _ref_entry(entries, e["variant"], key)
                    v = e.get(key)
                    e["ratio_vs_varflow"] = (
                        v / ref[key]
                        if e["impl"] != REF and ref and v is not None and ref[key] > 0
                        else None
                    )
                continue
            nbytes, nflops = row.get("bytes_per_iter"), row.get("flops_per_iter")
            for e in entries:
                med = e.get("median_ns")
                e["gbps"] = nbytes / med if nbytes and med else None
                # Disk-bound rows (kind "io") are not measured against memory bandwidth.
                memory_bound = sc.get("kind") != "io"
                e["triad_fraction"] = (
                    e["gbps"] / triad if e["gbps"] and triad and memory_bound else None
                )
                e["gflops"] = nflops / med if nflops and med else None
                e["gemm_fraction"] = e["gflops"] / gemm if e["gflops"] and gemm else None
                ref = _ref_entry(entries, e["variant"], "median_ns")
                e["ratio_vs_varflow"] = (
                    med / ref["median_ns"] if e["impl"] != REF and ref and med else None
                )
    return results


def missing_varflow_apis(results: dict[str, Any]) -> list[str]:
    """Every API reported missing in varflow, once each, with the scenarios that needed it."""
    prefix = "not available in varflow yet: "
    needed_by: dict[str, list[str]] = {}
    notes = [(n, "setup") for n in results.get("impls", {}).get(REF, {}).get("notes", []) or []]
    for sc in results["scenarios"]:
        for row in sc["rows"]:
            notes += [(e["note"], sc["name"]) for e in row["entries"] if e.get("missing_api")]
    for note, scenario in notes:
        apis = note[len(prefix) :].split(", ") if note.startswith(prefix) else [note]
        for api in apis:
            users = needed_by.setdefault(api, [])
            if scenario not in users:
                users.append(scenario)
    return [f"{api} (needed by: {', '.join(users)})" for api, users in needed_by.items()]


# ----------------------------------------------------------------------------- tables


def _status_text(e: dict[str, Any]) -> str:
    return e.get("note") or e.get("status", "")


NOISY = 0.10  # rows during which other processes used more than this CPU fraction


def busy_tag(row: dict[str, Any]) -> str:
    f = row.get("foreign_cpu")
    return f" [busy {100 * f:.0f}%]" if f is not None and f > NOISY else ""


def time_table_rows(sc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    has_bw = any(r.get("bytes_per_iter") for r in sc["rows"])
    has_fl = any(r.get("flops_per_iter") for r in sc["rows"])
    head = ["case", "impl", "median", "min .. max"]
    if has_bw:
        head += ["GB/s", "% triad"]
    if has_fl:
        head += ["GFLOP/s", f"% {sc.get('peak_name', 'GEMM peak')}"]
    head += ["vs varflow"]
    out = []
    for row in sc["rows"]:
        for i, e in enumerate(row["entries"]):
            case = row["label"] + busy_tag(row) if i == 0 else ""
            if e.get("median_ns") is None:
                cells = [case, e["label"], _status_text(e) or e["status"], ""]
                cells += ["", ""] if has_bw else []
                cells += ["", ""] if has_fl else []
                out.append([*cells, ""])
                continue
            cells = [case, e["label"], fmt_time(e["median_ns"]), fmt_range(e)]
            if has_bw:
                gb = e.get("gbps")
                cells += ["-" if gb is None else f"{gb:.1f}", fmt_pct(e.get("triad_fraction"))]
            if has_fl:
                gf = e.get("gflops")
                cells += ["-" if gf is None else f"{gf:.1f}", fmt_pct(e.get("gemm_fraction"))]
            out.append([*cells, fmt_ratio(e.get("ratio_vs_varflow"))])
    return head, out


def memory_table_rows(sc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    head = ["case", "impl", "measured", "detail", "vs varflow"]
    out = []
    for row in sc["rows"]:
        for i, e in enumerate(row["entries"]):
            case = row["label"] if i == 0 else ""
            if e.get("status") != "ok":
                out.append([case, e["label"], _status_text(e), "", ""])
            elif row["kind"] == "peak":
                detail = (
                    f"baseline {e['baseline_mb']:.0f} MB, after init "
                    f"{e['after_init_mb'] - e['baseline_mb']:.0f} MB, "
                    f"{e['peak_above_baseline_mb'] / e['theory_mb']:.2f}x theory"
                )
                out.append(
                    [
                        case,
                        e["label"],
                        f"{e['peak_above_baseline_mb']:.0f} MB peak",
                        detail,
                        fmt_ratio(e.get("ratio_vs_varflow")),
                    ]
                )
            else:
                detail = f"{e['start_mb']:.0f} -> {e['end_mb']:.0f} MB, {e['step_us']:.1f} µs/step"
                out.append([case, e["label"], f"{e['growth_mb']:+.1f} MB", detail, ""])
    return head, out


def table_for(sc: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    return memory_table_rows(sc) if sc.get("kind") == "memory" else time_table_rows(sc)


def text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(head, *rows, strict=True)]
    widths = [min(w, 60) for w in widths]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(str(c)[:60].ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(out)


def md_table(head: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    return "\n".join(out)


def console_report(results: dict[str, Any]) -> str:
    parts = []
    lim = results.get("limits") or {}
    if lim:
        parts.append(limits_text(lim))
    for sc in results["scenarios"]:
        head, rows = table_for(sc)
        parts.append(f"== {sc['title']} ==\n{text_table(head, rows)}")
    miss = missing_varflow_apis(results)
    if miss:
        parts.append("Missing in varflow:\n" + "\n".join(f"  - {m}" for m in miss))
    return "\n\n".join(parts)


def limits_text(lim: dict[str, Any]) -> str:
    lines = ["== Machine limits (measured in this run) =="]
    for key, label in (
        ("copy_1t", "copy, 1 thread"),
        ("triad_1t", "triad, 1 thread"),
        ("copy_all", f"copy, {lim.get('threads_all')} threads"),
        ("triad_all", f"triad, {lim.get('threads_all')} threads"),
        ("update_1t", "in-place triad, 1 thread"),
        ("update_all", f"in-place triad, {lim.get('threads_all')} threads"),
        ("numpy_copy_1t", "numpy copy, 1 thread"),
        ("numpy_triad_1t", "numpy two-pass triad, 1 thread"),
        ("numpy_update_1t", "numpy in-place add, 1 thread"),
    ):
        if key in lim:
            lines.append(f"  {label:34s} {lim[key]['gbps']:7.1f} GB/s   ({lim[key]['method']})")
    for key, label in (
        ("gemm_1t", "float32 GEMM, 1 thread"),
        ("gemm_all", "float32 GEMM, all"),
        ("fma_1t", "float32 FMA roof, 1 thread"),
        ("fma_all", "float32 FMA roof, all"),
    ):
        if key in lim:
            lines.append(f"  {label:34s} {lim[key]['gflops']:7.1f} GFLOP/s ({lim[key]['method']})")
    if lim.get("fma_all", {}).get("gflops"):
        lines.append(
            f"  '% FMA peak' columns use fma_all = {lim['fma_all']['gflops']:.1f} GFLOP/s "
            "(the float32 FMA roof on all threads)"
        )
    if lim.get("triad_ref_name"):
        lines.append(
            f"  '% triad' columns use {lim['triad_ref_name']} = {lim['triad_ref_gbps']:.1f} GB/s "
            "(the best triad measured; best of the probes at the start and end of the run)"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------------- sentences


def _speed_phrase(ratio: float) -> str:
    if ratio >= 1.05:
        return f"{ratio:.2f}x faster than"
    if ratio <= 0.95:
        return f"{1 / ratio:.2f}x slower than"
    return "on par with"


def row_sentence(sc: dict[str, Any], row: dict[str, Any]) -> str:
    entries = row["entries"]
    if sc.get("kind") == "memory":
        return memory_sentence(row)
    ref = next((e for e in entries if e["impl"] == REF and e.get("median_ns") is not None), None)
    if ref is None:
        vf = next((e for e in entries if e["impl"] == REF), None)
        timed = [e for e in entries if e.get("median_ns") is not None]
        best = min(timed, key=lambda e: e["median_ns"]) if timed else None
        why = f" ({_status_text(vf)})" if vf else " (not run)"
        tail = f"; fastest peer: {best['label']} at {fmt_time(best['median_ns'])}" if best else ""
        return f"**{row['label']}**: no varflow number{why}{tail}."
    bits = []
    for e in entries:
        r = e.get("ratio_vs_varflow")
        if e["impl"] == REF or r is None:
            continue
        bits.append(f"{_speed_phrase(r)} {e['label']} ({fmt_time(e['median_ns'])})")
    s = f"**{row['label']}**: varflow takes {fmt_time(ref['median_ns'])}"
    if bits:
        s += "; it is " + ", ".join(bits)
    if ref.get("triad_fraction") is not None:
        s += (
            f"; it moves {ref['gbps']:.1f} GB/s, {100 * ref['triad_fraction']:.0f}% of the "
            "measured triad bandwidth"
        )
    if ref.get("gemm_fraction") is not None:
        s += (
            f"; {ref['gflops']:.1f} GFLOP/s, {100 * ref['gemm_fraction']:.0f}% of the "
            f"{sc.get('peak_name', 'GEMM peak')}"
        )
    tag = busy_tag(row)
    if tag:
        s += (
            f". Caution: other processes used {tag.strip(' []').split()[-1]} of the CPU while "
            "this row ran, so its numbers are noisy"
        )
    return s + "."


def memory_sentence(row: dict[str, Any]) -> str:
    entries = row["entries"]
    ref = next((e for e in entries if e["impl"] == REF and e.get("status") == "ok"), None)
    if row["kind"] == "peak":
        ok = [e for e in entries if e.get("status") == "ok"]
        if ref is None:
            best = min(ok, key=lambda e: e["peak_above_baseline_mb"]) if ok else None
            tail = (
                f"; lowest peer: {best['label']} at {best['peak_above_baseline_mb']:.0f} MB"
                if best
                else ""
            )
            return f"**{row['label']}**: no varflow number{tail}."
        s = (
            f"**{row['label']}**: varflow peaks {ref['peak_above_baseline_mb']:.0f} MB above its "
            f"baseline, {ref['peak_above_baseline_mb'] / ref['theory_mb']:.2f}x the "
            f"{ref['theory_mb']:.0f} MB theory"
        )
        others = [
            f"{e['label']} {e['peak_above_baseline_mb']:.0f} MB" for e in ok if e["impl"] != REF
        ]
        return s + ("; peers: " + ", ".join(others) if others else "") + "."
    if ref is None:
        return f"**{row['label']}**: no varflow number."
    flat = "flat" if abs(ref["growth_mb"]) < 1.0 else "NOT flat"
    others = [
        f"{e['label']} {e['growth_mb']:+.1f} MB"
        for e in entries
        if e["impl"] != REF and e.get("status") == "ok"
    ]
    return (
        f"**{row['label']}**: varflow's RSS changes by {ref['growth_mb']:+.1f} MB ({flat})"
        + ("; peers: " + ", ".join(others) if others else "")
        + "."
    )


# ----------------------------------------------------------------------------- plots


def _limit_lines(ax: Any, lim: dict[str, Any]) -> None:
    styles = [("triad_all", "--", "black"), ("triad_1t", ":", "black")]
    ref = lim.get("triad_ref_name")
    if ref and ref.startswith("update"):
        styles.append((ref, "-", "black"))
    for key, ls, color in styles:
        if key in lim:
            ax.axhline(
                lim[key]["gbps"],
                ls=ls,
                color=color,
                lw=1,
                label=f"{key} {lim[key]['gbps']:.1f} GB/s",
            )


PALETTE = ("blue", "orange", "green", "purple", "brown", "pink", "gray", "olive", "cyan")


def write_plots(results: dict[str, Any], plot_dir: Path) -> dict[str, Path]:
    """Write one PNG per scenario; return {scenario name: path}."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError:
        return {}
    plot_dir.mkdir(parents=True, exist_ok=True)
    lim = results.get("limits") or {}
    paths: dict[str, Path] = {}
    for sc in results["scenarios"]:
        kind = sc.get("plot", "time")
        rows = sc["rows"]
        if not rows:
            continue
        all_labels = list(dict.fromkeys(e["label"] for r in rows for e in r["entries"]))
        palette = [f"tab:{c}" for c in PALETTE]
        others = [lab for lab in all_labels if not lab.startswith(REF)]
        color = {lab: palette[i % len(palette)] for i, lab in enumerate(others)}
        color.update({lab: "tab:red" for lab in all_labels if lab.startswith(REF)})
        if kind in ("bandwidth", "time"):
            series = list(dict.fromkeys(r["series"] for r in rows))
            cols = 2 if len(series) > 1 else 1
            nrows = (len(series) + cols - 1) // cols
            fig, axes = plt.subplots(nrows, cols, figsize=(6.5 * cols, 4.2 * nrows), squeeze=False)
            for ax, s in zip(axes.flat, series, strict=False):
                srows = [r for r in rows if r["series"] == s]
                labels = list(dict.fromkeys(e["label"] for r in srows for e in r["entries"]))
                for lab in labels:
                    pts = []
                    for r in srows:
                        e = next((e for e in r["entries"] if e["label"] == lab), None)
                        if e and e.get("median_ns") is not None:
                            y = e.get("gbps") if kind == "bandwidth" else e["median_ns"] / 1e3
                            if y is not None:
                                pts.append((r["x"], y))
                    if pts:
                        xs, ys = zip(*pts, strict=True)
                        lw = 2.5 if lab.startswith(REF) else 1.3
                        ax.plot(xs, ys, marker="o", lw=lw, label=lab, color=color[lab])
                ax.set_xscale("log")
                if kind == "bandwidth":
                    _limit_lines(ax, lim)
                    ax.set_ylabel("GB/s (bytes moved / median time)")
                    ax.set_xlabel("elements")
                else:
                    ax.set_yscale("log")
                    ax.set_ylabel("median time per step (µs)")
                    ax.set_xlabel(sc.get("xlabel", "problem size"))
                    xs_all = sorted({r["x"] for r in srows})
                    ax.set_xticks(xs_all, [f"{x:g}" for x in xs_all])
                    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
                ax.set_title(s)
                ax.grid(True, which="both", alpha=0.3)
                ax.legend(fontsize=7)
            for ax in list(axes.flat)[len(series) :]:
                ax.axis("off")
        elif kind == "bar":
            labels = list(dict.fromkeys(e["label"] for r in rows for e in r["entries"]))
            fig, axes = plt.subplots(
                1, len(rows), figsize=(5.5 * len(rows), 0.45 * len(labels) + 2), squeeze=False
            )
            for ax, r in zip(axes.flat, rows, strict=True):
                names, vals = [], []
                for e in r["entries"]:
                    if e.get("median_ns") is not None:
                        names.append(e["label"])
                        vals.append(e["median_ns"] / 1e3)
                colors = [
                    "tab:red" if n == REF or n.startswith(REF + " ") else "tab:blue" for n in names
                ]
                ax.barh(names, vals, color=colors)
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
                ax.set_xlabel("median time per step (µs)")
                ax.set_title(r["label"], fontsize=9)
                ax.invert_yaxis()
                ax.grid(True, axis="x", which="both", alpha=0.3)
        elif kind == "memory":
            fig, axes = plt.subplots(1, len(rows), figsize=(6 * len(rows), 4), squeeze=False)
            for ax, r in zip(axes.flat, rows, strict=True):
                key = "peak_above_baseline_mb" if r["kind"] == "peak" else "growth_mb"
                ok = [e for e in r["entries"] if e.get("status") == "ok"]
                ax.barh(
                    [e["label"] for e in ok],
                    [e[key] for e in ok],
                    color=[color[e["label"]] for e in ok],
                )
                if r["kind"] == "peak":
                    ax.axvline(
                        r["theory_bytes"] / 1e6, color="black", ls="--", label="theory 16 B/param"
                    )
                    ax.legend(fontsize=7)
                    ax.set_xlabel("peak RSS above baseline (MB)")
                else:
                    ax.set_xlabel("RSS growth (MB)")
                ax.set_title(r["label"], fontsize=9)
                ax.invert_yaxis()
        else:
            continue
        fig.suptitle(sc["title"])
        fig.tight_layout()
        path = plot_dir / f"{sc['name']}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths[sc["name"]] = path
    return paths


# ----------------------------------------------------------------------------- markdown


def machine_md(results: dict[str, Any]) -> str:
    m = results.get("machine", {})
    impls = results.get("impls", {})
    cfg = results.get("config", {})
    lscpu = m.get("lscpu", {})
    lines = [
        (
            f"- Machine: {m.get('model_name')} ({m.get('logical_cpus')} logical CPUs, "
            f"{m.get('mem_total_gb')} GB RAM), L2 {lscpu.get('L2 cache', '?')}, "
            f"L3 {lscpu.get('L3 cache', '?')}, SIMD {' '.join(m.get('simd_flags', []))}"
        ),
        f"- Kernel {m.get('kernel')}, Python {m.get('python')}",
    ]
    for name in ("varflow", "tf", "torch", "numpy"):
        info = impls.get(name)
        if not info:
            continue
        if not info.get("available"):
            lines.append(f"- {name}: not run ({info.get('reason')})")
            continue
        extra = ""
        if name == "varflow" and info.get("build_info"):
            bi = info["build_info"]
            extra = ", build_info " + ", ".join(f"{k}={v}" for k, v in bi.items())
        lines.append(f"- {name} {info.get('version')} ({info.get('threads')} thread(s)){extra}")
    lines.append(
        f"- Timing: {cfg.get('reps')} round-robin repetitions after warmup, each sample ≥ "
        f"{1e3 * cfg.get('min_sample_s', 0):.0f} ms of back-to-back steps after one untimed step; "
        "medians reported" + (" (--quick)" if cfg.get("quick") else "")
    )
    return "\n".join(lines)


def write_markdown(results: dict[str, Any], md_path: Path, plots: dict[str, Path]) -> None:
    md_dir = md_path.resolve().parent
    out = [
        "# varflow benchmark results",
        "",
        "Generated by `benchmarks/run.py` from `"
        + os.path.relpath(results.get("json_path", "results.json"), md_dir)
        + f"` on {results.get('created', '?')}. Do not edit by hand: rerun, or regenerate with "
        "`python benchmarks/report.py <results.json>`. Ratios are peer time / varflow time "
        "(>1 means varflow is faster). Absolute times depend on the machine; see README.md.",
        "",
        "## Setup",
        "",
        machine_md(results),
        "",
    ]
    lim = results.get("limits") or {}
    if lim:
        out += ["## Machine limits", "", "```", limits_text(lim), "```", ""]
    for sc in results["scenarios"]:
        head, rows = table_for(sc)
        description = sc.get("description", "")
        run_minimum = results.get("config", {}).get("min_sample_s", 0)
        if sc.get("min_sample_s", 0) > run_minimum:
            description += (
                f" Samples here last at least {1e3 * sc['min_sample_s']:.0f} ms (a pool that "
                "slept while another process ran starts with its threads sharing a core)."
            )
        out += [f"## {sc['title']}", "", description, ""]
        if sc["name"] in plots:
            out += [f"![{sc['name']}]({os.path.relpath(plots[sc['name']], md_dir)})", ""]
        out += [md_table(head, rows), ""]
        out += ["- " + row_sentence(sc, row) for row in sc["rows"]]
        out.append("")
    miss = missing_varflow_apis(results)
    out += ["## Not available in varflow at the time of this run", ""]
    out += [f"- {m}" for m in miss] if miss else ["- nothing: every scenario ran on varflow"]
    out.append("")
    out += standalone_blocks(md_path, {sc["name"] for sc in results["scenarios"]})
    md_path.write_text("\n".join(out))


def write_block(md_path: Path, block: str) -> None:
    """Writes a standalone benchmark's block (`<!-- bench_NAME:begin -->` ... `end`, markers
    included) into `md_path`: in place of its previous version, else at the end."""
    name = re.match(r"<!-- bench_(\w+):begin -->", block).group(1)
    pattern = rf"<!-- bench_{name}:begin -->.*?<!-- bench_{name}:end -->\n?"
    text = md_path.read_text() if md_path.exists() else ""
    if re.search(pattern, text, re.DOTALL):
        text = re.sub(pattern, lambda _: block, text, count=1, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    md_path.write_text(text)


def standalone_blocks(md_path: Path, scenario_names: set[str]) -> list[str]:
    """The `<!-- bench_NAME:begin -->` ... `end` blocks of the existing file that standalone
    benchmark scripts wrote (bench_cpp_host.py, bench_cnn.py), kept when run.py rewrites it;
    a block named after one of run.py's scenarios is that scenario's, and is regenerated."""
    if not md_path.exists():
        return []
    text = md_path.read_text()
    kept = []
    for match in re.finditer(
        r"<!-- bench_(\w+):begin -->.*?<!-- bench_\1:end -->", text, re.DOTALL
    ):
        if match.group(1) not in scenario_names:
            kept += [match.group(0), ""]
    return kept


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("json_path")
    ap.add_argument(
        "--md",
        help="Markdown output (default: benchmarks/RESULTS.md for benchmarks/results/results.json, "
        "else RESULTS.md beside the JSON)",
    )
    args = ap.parse_args()
    json_path = Path(args.json_path)
    results = enrich(json.loads(json_path.read_text()))
    results["json_path"] = str(json_path)
    plots = write_plots(results, json_path.parent / "plots")
    here = Path(__file__).resolve().parent
    if args.md:
        md = Path(args.md)
    elif json_path.resolve().parent == here / "results":
        md = here / "RESULTS.md"
    else:
        md = json_path.parent / "RESULTS.md"
    write_markdown(results, md, plots)
    print(console_report(results))
    print(f"\nwrote {md}")


if __name__ == "__main__":
    main()
