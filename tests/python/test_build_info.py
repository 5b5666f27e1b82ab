"""Build info and the SIMD variants: every compiled variant gives the baseline's results."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import varflow as tf

PROBE = r"""
import json, numpy as np, varflow as tf
rng = np.random.default_rng(0)
a = rng.normal(size=(3, 1001)).astype(np.float32)
b = rng.normal(size=(1001,)).astype(np.float32)
x, y = tf.constant(a), tf.constant(b)
out = [x + y, x * y, x - y, x / (y * y + 1.0), tf.reduce_sum(x * y, axis=1)]
with tf.Session() as s:
    values = s.run(out)
print(json.dumps({"isa": tf.build_info()["selected_isa"], "values": [v.tolist() for v in values]}))
"""


def test_build_info_reports_the_build():
    info = tf.build_info()
    assert info["version"] == tf.__version__
    assert "baseline" in info["compiled_isas"]
    assert info["selected_isa"] in info["runnable_isas"]
    assert set(info["runnable_isas"]) <= set(info["compiled_isas"])
    assert "baseline" in info["runnable_isas"]
    assert "BLAS" in info["blas"]
    assert info["num_threads"] >= 1


def _run_probe(isa):
    env = dict(os.environ, VARFLOW_ISA=isa)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("isa", ["avx2", "avx512"])
def test_each_compiled_variant_matches_baseline(isa):
    if isa not in tf.build_info()["runnable_isas"]:
        pytest.skip(f"{isa} not compiled, or not supported by this CPU")
    baseline = _run_probe("baseline")
    assert baseline["isa"] == "baseline"
    variant = _run_probe(isa)
    assert variant["isa"] == isa
    for got, want in zip(variant["values"], baseline["values"]):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6, atol=1e-6)


def test_an_unknown_isa_request_warns_and_keeps_the_best_variant():
    env = dict(os.environ, VARFLOW_ISA="bogus")
    probe = "import varflow as tf; print(tf.build_info()['selected_isa'])"
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert "ignoring VARFLOW_ISA=bogus" in out.stderr
    env.pop("VARFLOW_ISA")
    best = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout == best.stdout
