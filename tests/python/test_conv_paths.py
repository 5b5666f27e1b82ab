"""The two float32 convolution paths agree: oneDNN's primitives (when the build links oneDNN)
and the im2col + BLAS path (float64 always, and float32 with VARFLOW_ONEDNN=0), over the
geometries where their padding and blocking differ: strides with leftover columns, dilations,
explicit and asymmetric padding, 1x1 filters, NCHW, batches large enough to split into parts
of two sizes (weights packed once for all parts, packed filter gradients summed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

# (input NHWC, filter HWIO, strides, padding, dilations)
GEOMETRIES = [
    ((2, 9, 11, 3), (3, 3, 3, 4), 1, "SAME", 1),
    ((2, 9, 11, 3), (3, 3, 3, 4), 2, "VALID", 1),
    ((2, 10, 10, 3), (4, 4, 3, 5), 3, "SAME", 1),
    ((1, 12, 13, 2), (3, 2, 2, 3), 1, "VALID", 2),
    ((1, 12, 13, 2), (3, 3, 2, 3), 1, "SAME", (2, 3)),
    ((3, 7, 7, 8), (1, 1, 8, 16), 1, "VALID", 1),
    ((2, 8, 9, 3), (3, 3, 3, 2), (2, 1), [[0, 0], [2, 1], [0, 3], [0, 0]], 1),
    ((33, 14, 14, 32), (5, 5, 32, 64), 1, "SAME", 1),
    # bench_cnn's first layer: one input channel, the batch split into parts of 6 and 7
    ((40, 28, 28, 1), (5, 5, 1, 32), 1, "SAME", 1),
]


def run_case(x, f, strides, padding, dilations, dtype, data_format="NHWC"):
    """Forward output and both gradients of sum(conv * w)."""
    s = [1, *strides, 1] if isinstance(strides, tuple) else [1, strides, strides, 1]
    d = [1, *dilations, 1] if isinstance(dilations, tuple) else [1, dilations, dilations, 1]
    if data_format == "NCHW":
        x = x.transpose(0, 3, 1, 2)
        s, d = [s[0], s[3], s[1], s[2]], [d[0], d[3], d[1], d[2]]
        if isinstance(padding, list):
            padding = [padding[0], padding[3], padding[1], padding[2]]
    g = tf.Graph()
    with g.as_default():
        xt = tf.constant(x.astype(dtype))
        ft = tf.constant(f.astype(dtype))
        y = tf.nn.conv2d(xt, ft, s, padding, data_format=data_format, dilations=d)
        w = np.random.default_rng(1).standard_normal(y.shape.as_list())
        loss = tf.reduce_sum(y * tf.constant(w.astype(dtype)))
        dx, df = tf.gradients(loss, [xt, ft])
        with tf.Session() as sess:
            return [a.astype(np.float64) for a in sess.run([y, dx, df])]


def inputs(x_shape, f_shape):
    rng = np.random.default_rng(0)
    return rng.standard_normal(x_shape), rng.standard_normal(f_shape)


@pytest.mark.parametrize("geometry", GEOMETRIES, ids=lambda g: f"{g[0]}x{g[1]}s{g[2]}{g[3]}")
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_float32_matches_float64_im2col(geometry, data_format):
    x_shape, f_shape, strides, padding, dilations = geometry
    x, f = inputs(x_shape, f_shape)
    got = run_case(x, f, strides, padding, dilations, np.float32, data_format)
    want = run_case(x, f, strides, padding, dilations, np.float64, data_format)
    for a, b, name in zip(got, want, ("output", "input gradient", "filter gradient"), strict=True):
        scale = np.abs(b).max() + 1e-12
        # float32 rounding of sums of up to 800 * batch products
        np.testing.assert_allclose(a / scale, b / scale, atol=2e-5, err_msg=name)


WORKER = """
import json, sys
import numpy as np
sys.path.insert(0, {here!r})
from test_conv_paths import GEOMETRIES, inputs, run_case
out = []
for x_shape, f_shape, strides, padding, dilations in GEOMETRIES:
    x, f = inputs(x_shape, f_shape)
    out.append([a.tolist() for a in run_case(x, f, strides, padding, dilations, np.float32)])
with open("/proc/self/maps") as maps:
    linked = "libdnnl" in maps.read()
print(json.dumps({{"linked": linked, "out": out}}))
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see libdnnl")
def test_onednn_and_im2col_float32_agree():
    here = str(Path(__file__).resolve().parent)
    results = []
    for flag in ("1", "0"):
        env = {**os.environ, "VARFLOW_ONEDNN": flag}
        proc = subprocess.run(
            [sys.executable, "-c", WORKER.format(here=here)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(proc.stdout))
    if not results[0]["linked"]:
        pytest.skip("this build has no oneDNN: both runs took the im2col path")
    for geometry, a, b in zip(GEOMETRIES, results[0]["out"], results[1]["out"], strict=True):
        for u, v in zip(a, b, strict=True):
            u, v = np.asarray(u), np.asarray(v)
            scale = np.abs(v).max() + 1e-12
            np.testing.assert_allclose(u / scale, v / scale, atol=2e-5, err_msg=str(geometry))
