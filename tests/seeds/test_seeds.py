"""Every code example of the seed articles runs under `import varflow as tf` and prints what
TF1 printed for it (golden/, recorded by make_golden.py with TensorFlow's tf.compat.v1)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SCRIPTS = sorted([*HERE.glob("seed_*.py"), *HERE.glob("script_*.py")])


def _normalise(text: str) -> str:
    # Object addresses differ between processes, and a class's module path between TF
    # (tensorflow.python.keras...learning_rate_schedule) and varflow (varflow.train.schedules).
    text = re.sub(r" at 0x[0-9a-f]+", " at 0x?", text)
    return re.sub(r"<(?:\w+\.)+(\w+ object at 0x\?)>", r"<\1>", text)


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_seed_example_prints_what_tf1_prints(script):
    env = dict(os.environ)
    env.pop("VARFLOW_SEED_IMPL", None)
    out = subprocess.run(
        [sys.executable, script.name],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    golden = (HERE / "golden" / (script.stem + ".txt")).read_text()
    assert _normalise(out.stdout) == _normalise(golden)
