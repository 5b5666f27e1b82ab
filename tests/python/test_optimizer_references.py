"""Every optimizer over 20 steps against a float64 NumPy implementation of its formula, at a
scalar, an odd size and a large size, in float32 and float64 (and, in a subprocess, under
every compiled SIMD variant)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import varflow as tf

STEPS = 20


def f32(value):
    """Hyperparameters reach the kernels as float32 constants, as in TF1."""
    return float(np.float32(value))


def powers(beta, t):
    """Beta powers live in float32 variables, multiplied once per step (TF1)."""
    p = np.float32(beta)
    for _ in range(t - 1):
        p = np.float32(p * np.float32(beta))
    return float(p)


# name -> (factory, slot initial values, update(w, g, s, t) -> None)
def _sgd(w, g, s, t):
    w -= f32(0.1) * g


def _momentum(nesterov):
    def update(w, g, s, t):
        s["a"] = s["a"] * f32(0.9) + g
        w -= f32(0.1) * g + f32(0.1) * f32(0.9) * s["a"] if nesterov else f32(0.1) * s["a"]

    return update


def _adagrad(w, g, s, t):
    s["a"] += g * g
    w -= f32(0.1) * g / np.sqrt(s["a"])


def _adagrad_da(w, g, s, t):
    """TF's ApplyAdagradDA; the global step stays 0, so the op sees global_step + 1 = 1."""
    lr, l1, l2, step = f32(0.1), f32(0.01), f32(0.02), 1
    s["ga"] += g
    s["gga"] += g * g
    shrunk = np.maximum(np.abs(s["ga"]) - l1 * step, 0)
    w[...] = -lr * np.sign(s["ga"]) * shrunk / (l2 * step * lr + np.sqrt(s["gga"]))


def _adam(w, g, s, t):
    lr, b1, b2, eps = f32(0.05), f32(0.9), f32(0.999), f32(1e-8)
    alpha = lr * np.sqrt(1 - powers(0.999, t)) / (1 - powers(0.9, t))
    s["m"] += (g - s["m"]) * (1 - b1)
    s["v"] += (g * g - s["v"]) * (1 - b2)
    w -= alpha * s["m"] / (np.sqrt(s["v"]) + eps)


def _amsgrad(w, g, s, t):
    lr, b1, b2, eps = f32(0.05), f32(0.9), f32(0.999), f32(1e-8)
    alpha = lr * np.sqrt(1 - powers(0.999, t)) / (1 - powers(0.9, t))
    s["m"] += (g - s["m"]) * (1 - b1)
    s["v"] += (g * g - s["v"]) * (1 - b2)
    s["vhat"] = np.maximum(s["vhat"], s["v"])
    w -= alpha * s["m"] / (np.sqrt(s["vhat"]) + eps)


def _adamax(w, g, s, t):
    lr, b1, b2, eps = f32(0.05), f32(0.9), f32(0.999), f32(1e-7)
    s["m"] += (g - s["m"]) * (1 - b1)
    s["v"] = np.maximum(b2 * s["v"], np.abs(g))
    w -= lr / (1 - powers(0.9, t)) * s["m"] / (s["v"] + eps)


def _adamw(w, g, s, t):
    lr, b1, b2, eps, wd = f32(0.05), f32(0.9), f32(0.999), f32(1e-8), f32(0.01)
    w *= 1 - lr * wd
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g * g
    denom = np.sqrt(s["v"]) / np.sqrt(1 - powers(0.999, t)) + eps
    w -= lr / (1 - powers(0.9, t)) * s["m"] / denom


def _nadam(w, g, s, t):
    # PyTorch's NAdam (momentum_decay 0.004) with Keras's defaults; the schedule and the
    # beta2 power are float32 graph scalars, as all of varflow's optimizer state is.
    lr, b1, b2, eps = f32(0.05), np.float32(0.9), f32(0.999), f32(1e-7)
    one, half = np.float32(1.0), np.float32(0.5)

    def mu(step):
        return b1 * (one - half * np.float32(0.96) ** (np.float32(0.004) * np.float32(step)))

    mu_t, mu_next = mu(t), mu(t + 1)
    s["prod"] = np.float32(s.get("prod", one) * mu_t)
    m_t, m_next, prod = float(mu_t), float(mu_next), float(s["prod"])
    s["m"] = float(b1) * s["m"] + (1 - float(b1)) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g * g
    denom = np.sqrt(s["v"] / (1 - powers(0.999, t))) + eps
    w -= lr * (1 - m_t) / (1 - prod) * g / denom
    w -= lr * m_next / (1 - prod * m_next) * s["m"] / denom


def _lion(w, g, s, t):
    lr, b1, b2, wd = f32(0.01), f32(0.9), f32(0.99), f32(0.1)
    update = np.sign(b1 * s["m"] + (1 - b1) * g)
    w *= 1 - lr * wd
    w -= lr * update
    s["m"] = b2 * s["m"] + (1 - b2) * g


def _lamb(w, g, s, t):
    lr, b1, b2, eps, wd = f32(0.05), f32(0.9), f32(0.999), f32(1e-6), f32(0.01)
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g * g
    r = (s["m"] / (1 - powers(0.9, t))) / (np.sqrt(s["v"] / (1 - powers(0.999, t))) + eps) + wd * w
    w_norm, r_norm = np.linalg.norm(w), np.linalg.norm(r)
    trust = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
    w -= lr * trust * r


def _adadelta(w, g, s, t):
    lr, rho, eps = f32(0.5), f32(0.95), f32(1e-6)
    s["a"] = rho * s["a"] + (1 - rho) * g * g
    update = np.sqrt(s["b"] + eps) / np.sqrt(s["a"] + eps) * g
    w -= lr * update
    s["b"] = rho * s["b"] + (1 - rho) * update * update


def _rmsprop(centered):
    def update(w, g, s, t):
        lr, decay, mom, eps = f32(0.01), f32(0.9), f32(0.5), f32(1e-10)
        s["ms"] += (g * g - s["ms"]) * (1 - decay)
        if centered:
            s["mg"] += (g - s["mg"]) * (1 - decay)
            denom = s["ms"] - s["mg"] * s["mg"] + eps
        else:
            denom = s["ms"] + eps
        s["mom"] = mom * s["mom"] + lr * g / np.sqrt(denom)
        w -= s["mom"]

    return update


def _ftrl(shrinkage):
    def update(w, g, s, t):
        lr, l1, l2, l2s = f32(0.5), f32(0.01), f32(0.02), f32(0.05 if shrinkage else 0.0)
        g_shrunk = g + 2 * l2s * w
        new_accum = s["accum"] + g * g
        s["linear"] += g_shrunk - (np.sqrt(new_accum) - np.sqrt(s["accum"])) / lr * w
        quadratic = np.sqrt(new_accum) / lr + 2 * l2
        w[...] = np.where(
            np.abs(s["linear"]) > l1, (np.sign(s["linear"]) * l1 - s["linear"]) / quadratic, 0.0
        )
        s["accum"] = new_accum

    return update


def _proximal_gd(w, g, s, t):
    lr, l1, l2 = f32(0.1), f32(0.01), f32(0.02)
    prox = w - lr * g
    w[...] = np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + lr * l2)


def _proximal_adagrad(w, g, s, t):
    lr, l1, l2 = f32(0.1), f32(0.01), f32(0.02)
    s["a"] += g * g
    lr_t = lr / np.sqrt(s["a"])
    prox = w - lr_t * g
    w[...] = np.sign(prox) * np.maximum(np.abs(prox) - lr_t * l1, 0) / (1 + lr_t * l2)


T = tf.train
CASES = {
    "sgd": (lambda: T.GradientDescentOptimizer(0.1), {}, _sgd),
    "momentum": (lambda: T.MomentumOptimizer(0.1, 0.9), {"a": 0.0}, _momentum(False)),
    "nesterov": (
        lambda: T.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
        {"a": 0.0},
        _momentum(True),
    ),
    "adagrad": (lambda: T.AdagradOptimizer(0.1), {"a": 0.1}, _adagrad),
    "adagrad_da": (
        lambda: T.AdagradDAOptimizer(
            0.1,
            tf.train.get_or_create_global_step(),
            l1_regularization_strength=0.01,
            l2_regularization_strength=0.02,
        ),
        {"ga": 0.0, "gga": 0.1},
        _adagrad_da,
    ),
    "adam": (lambda: T.AdamOptimizer(0.05), {"m": 0.0, "v": 0.0}, _adam),
    "amsgrad": (lambda: T.AMSGradOptimizer(0.05), {"m": 0.0, "v": 0.0, "vhat": 0.0}, _amsgrad),
    "adamax": (lambda: T.AdamaxOptimizer(0.05), {"m": 0.0, "v": 0.0}, _adamax),
    "adamw": (lambda: T.AdamWOptimizer(0.05), {"m": 0.0, "v": 0.0}, _adamw),
    "nadam": (lambda: T.NadamOptimizer(0.05), {"m": 0.0, "v": 0.0}, _nadam),
    "lion": (lambda: T.LionOptimizer(0.01, weight_decay=0.1), {"m": 0.0}, _lion),
    "lamb": (lambda: T.LAMBOptimizer(0.05, weight_decay=0.01), {"m": 0.0, "v": 0.0}, _lamb),
    "adadelta": (lambda: T.AdadeltaOptimizer(0.5, epsilon=1e-6), {"a": 0.0, "b": 0.0}, _adadelta),
    "rmsprop": (
        lambda: T.RMSPropOptimizer(0.01, momentum=0.5),
        {"ms": 1.0, "mom": 0.0},
        _rmsprop(False),
    ),
    "rmsprop_centered": (
        lambda: T.RMSPropOptimizer(0.01, momentum=0.5, centered=True),
        {"ms": 1.0, "mom": 0.0, "mg": 0.0},
        _rmsprop(True),
    ),
    "ftrl": (
        lambda: T.FtrlOptimizer(
            0.5, l1_regularization_strength=0.01, l2_regularization_strength=0.02
        ),
        {"accum": 0.1, "linear": 0.0},
        _ftrl(False),
    ),
    "ftrl_shrinkage": (
        lambda: T.FtrlOptimizer(
            0.5,
            l1_regularization_strength=0.01,
            l2_regularization_strength=0.02,
            l2_shrinkage_regularization_strength=0.05,
        ),
        {"accum": 0.1, "linear": 0.0},
        _ftrl(True),
    ),
    "proximal_gd": (lambda: T.ProximalGradientDescentOptimizer(0.1, 0.01, 0.02), {}, _proximal_gd),
    "proximal_adagrad": (
        lambda: T.ProximalAdagradOptimizer(0.1, 0.1, 0.01, 0.02),
        {"a": 0.1},
        _proximal_adagrad,
    ),
}
SHAPES = {"scalar": (), "odd": (37,), "large": (3, 33335)}


def run_case(name, shape, dtype):
    """(varflow result, NumPy reference) after STEPS steps of the quadratic loss."""
    tf.reset_default_graph()
    factory, slots, update = CASES[name]
    rng = np.random.default_rng(7)
    w0 = rng.uniform(-1, 1, size=shape)
    target = rng.uniform(-1, 1, size=shape)
    scale = rng.uniform(0.5, 2.0, size=shape)
    w = tf.Variable(w0.astype(dtype), name="w")
    loss = 0.5 * tf.reduce_sum(scale.astype(dtype) * tf.square(w - target.astype(dtype)))
    train = factory().minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(STEPS):
            sess.run(train)
        got = sess.run(w)
    ref = np.array(w0, dtype=np.float64)
    state = {k: np.full(shape, v, dtype=np.float64) for k, v in slots.items()}
    for t in range(1, STEPS + 1):
        update(ref, scale * (ref - target), state, t)
    return got, ref


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_optimizer_matches_numpy_reference(name, dtype, shape):
    got, ref = run_case(name, SHAPES[shape], dtype)
    if dtype == np.float64:
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-11)
    else:
        np.testing.assert_allclose(got, ref, rtol=2e-4, atol=2e-5)


PROBE = """
import json, sys
import numpy as np
sys.path.insert(0, {here!r})
import test_optimizer_references as t
import varflow as tf
worst = 0.0
for name in sorted(t.CASES):
    got, ref = t.run_case(name, (101,), np.float64)
    worst = max(worst, float(np.max(np.abs(got - ref) / (np.abs(ref) + 1e-11))))
print(json.dumps({{"isa": tf.build_info()["selected_isa"], "worst": worst}}))
"""


@pytest.mark.parametrize("isa", ["baseline", "avx2", "avx512"])
def test_every_simd_variant_matches_reference(isa):
    if isa not in tf.build_info()["runnable_isas"]:
        pytest.skip(f"{isa} not compiled, or not supported by this CPU")
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, VARFLOW_ISA=isa)
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(here=here)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["isa"] == isa
    assert result["worst"] < 1e-8
