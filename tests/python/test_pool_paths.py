"""Max pooling's kernel paths against a NumPy reference of TF1's rule, bit for bit: the
forward maximum, and the gradient going to the first maximum of each window (window order:
rows, then columns), for disjoint windows that cover the image (2x2/2), disjoint ones that
leave elements out (VALID remainders, strides past the window), and overlapping ones (3x3/2,
accumulated in window order). Inputs hold ties (small integers), channel counts that are not
a multiple of the loops' 16-channel block, and -0.0 gradients; every compiled SIMD variant
(VARFLOW_ISA) gives the same bits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import varflow as tf
from varflow import _core

# (input NHWC, window, stride, padding)
GEOMETRIES = [
    ((3, 8, 8, 35), 2, 2, "SAME"),
    ((2, 7, 9, 19), 2, 2, "SAME"),
    ((2, 7, 9, 16), 2, 2, "VALID"),
    ((2, 10, 11, 5), 2, 3, "VALID"),
    ((2, 9, 9, 33), 3, 2, "SAME"),
    ((1, 6, 6, 1), 3, 1, "VALID"),
    ((64, 28, 28, 32), 2, 2, "SAME"),
]


def pads(size, k, stride, padding):
    out = (size + stride - 1) // stride if padding == "SAME" else (size - k + stride) // stride
    before = max(0, (out - 1) * stride + k - size) // 2 if padding == "SAME" else 0
    return out, before


def reference(x, dy, k, stride, padding, dtype):
    n, h, w, c = x.shape
    oh, pt = pads(h, k, stride, padding)
    ow, pl = pads(w, k, stride, padding)
    y = np.full((n, oh, ow, c), -np.inf, dtype)
    dx = np.zeros_like(x)
    for i in range(oh):
        for j in range(ow):
            rows = range(max(0, i * stride - pt), min(h, i * stride - pt + k))
            cols = range(max(0, j * stride - pl), min(w, j * stride - pl + k))
            taps = [(r, s) for r in rows for s in cols]
            for r, s in taps:
                y[:, i, j] = np.maximum(y[:, i, j], x[:, r, s])
            taken = np.zeros((n, c), bool)
            for r, s in taps:
                hit = (x[:, r, s] == y[:, i, j]) & ~taken
                dx[:, r, s] = np.where(hit, dx[:, r, s] + dy[:, i, j], dx[:, r, s])
                taken |= hit
    return y, dx


def inputs(shape, k, stride, padding, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=shape).astype(dtype)  # many ties inside a window
    oh, _ = pads(shape[1], k, stride, padding)
    ow, _ = pads(shape[2], k, stride, padding)
    dy = rng.standard_normal((shape[0], oh, ow, shape[3])).astype(dtype)
    dy.reshape(-1)[::7] = -0.0
    return x, dy


def run(x, dy, k, stride, padding):
    xt, dyt = tf.constant(x), tf.constant(dy)
    y = tf.nn.max_pool(xt, k, stride, padding)
    (dx,) = tf.gradients(y, [xt], grad_ys=dyt)
    with tf.Session() as sess:
        return sess.run([y, dx])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("shape", "k", "stride", "padding"), GEOMETRIES)
def test_max_pool_and_gradient_match_reference_bitwise(shape, k, stride, padding, dtype):
    x, dy = inputs(shape, k, stride, padding, dtype, seed=sum(shape) + k)
    y, dx = run(x, dy, k, stride, padding)
    want_y, want_dx = reference(x, dy, k, stride, padding, dtype)
    assert y.dtype == dtype
    assert dx.dtype == dtype
    np.testing.assert_array_equal(y, want_y)
    # Bits, not values: -0.0 gradients read back as +0.0 as in TF1 (0 + -0.0).
    np.testing.assert_array_equal(dx.view(np.uint8), want_dx.view(np.uint8))


def test_nan_inputs_are_never_the_maximum():
    x = np.array([np.nan, 1.0, 2.0, np.nan], np.float32).reshape(1, 2, 2, 1)
    x = np.tile(x, (1, 1, 1, 20))
    y, dx = run(x, np.ones((1, 1, 1, 20), np.float32), 2, 2, "VALID")
    assert (y == 2.0).all()
    assert dx[0, 1, 0].tolist() == [1.0] * 20
    assert np.count_nonzero(dx) == 20


_CHILD = """
import sys, numpy as np, varflow as tf
sys.path.insert(0, {here!r})
import test_pool_paths as t
out = []
for shape, k, stride, padding in t.GEOMETRIES[:-1]:
    x, dy = t.inputs(shape, k, stride, padding, np.float32, seed=1)
    out.extend(a.tobytes() for a in t.run(x, dy, k, stride, padding))
sys.stdout.buffer.write(b"".join(out))
"""


def test_every_simd_variant_gives_the_same_bits():
    here = str(Path(__file__).resolve().parent)
    results = {}
    for isa in _core.build_info()["runnable_isas"]:
        env = dict(os.environ, VARFLOW_ISA=isa)
        got = subprocess.run(
            [sys.executable, "-c", _CHILD.format(here=here)],
            env=env,
            capture_output=True,
            check=True,
        )
        results[isa] = got.stdout
    assert len(results) >= 1
    assert len(set(results.values())) == 1, sorted(results)
