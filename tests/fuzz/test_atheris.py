"""A short atheris run over the raw `varflow._core` boundary (atheris_core.py); a signal or an
exception outside the raw API's contract fails it with libFuzzer's report and the input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris is not installed (pip install -e .[fuzz])")

HARNESS = Path(__file__).with_name("atheris_core.py")
RUNS = 20000


def test_short_atheris_run_over_the_core_bindings(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            f"-runs={RUNS}",
            "-seed=20261201",
            "-max_len=1024",
            "-timeout=20",
            "-rss_limit_mb=0",
            f"-artifact_prefix={tmp_path}/",
        ],
        capture_output=True,
        check=False,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    log = "\n".join(
        line
        for line in (proc.stdout + proc.stderr).splitlines()
        if not line.startswith("INFO: Instrumenting")
    )
    artifacts = sorted(str(p) for p in tmp_path.glob("crash-*"))
    exception = log.partition("=== Uncaught Python exception: ===")[2].partition("==")[0]
    assert proc.returncode == 0, (
        f"atheris found a problem: {exception.strip() or 'a deadly signal'}\n"
        f"Replay with the calls printed: VARFLOW_ATHERIS_TRACE=1 python {HARNESS} {artifacts}\n"
        + log[-3000:]
    )
