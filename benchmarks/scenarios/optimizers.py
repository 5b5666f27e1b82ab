"""Optimizer apply step on one variable with the gradient held fixed.

TF1 API: `opt.apply_gradients([(g_read, w)])` where the gradient is a separate non-trainable
variable, so `sess.run(train_op)` times the update alone. PyTorch: the torch.optim equivalent with
`p.grad` fixed, as for-loop, foreach and fused where supported. NumPy: in-place ufuncs.
"""

from __future__ import annotations

from typing import Any

from harness import Entry, Row, Unavailable
from impls import Impl

from scenarios.common import build_tf1, fmt_n, grad_tensor, need
from scenarios.optim_defs import (
    BYTES,
    LR,
    OPTIMIZERS,
    TF_CLASS,
    TORCH,
    TORCH_VARIANTS,
    numpy_step,
    tf_optimizer,
    torch_optimizer,
)

NAME = "optimizers"
TITLE = "Optimizer apply step (one variable, fixed gradient)"
DESCRIPTION = (
    "One `apply_gradients` step on a float32 variable of n elements with a fixed gradient held "
    "in a non-trainable variable; memory-bound, so GB/s uses the bytes each optimizer must move."
)
PLOT = "bandwidth"

SIZES = [10**3, 10**4, 10**5, 10**6, 10**7, 3 * 10**7]
QUICK_SIZES = [10**3, 10**4, 10**5, 10**6]
W0, G0 = 0.5, 0.01


def tf1_setup(impl: Impl, name: str, n: int):
    def setup():
        need(impl, TF_CLASS[name], "Variable", "ones")

        def build(tf: Any) -> Any:
            w = tf.Variable(tf.ones([n], dtype=tf.float32) * W0, name="w")
            g = tf.Variable(tf.ones([n], dtype=tf.float32) * G0, trainable=False, name="g")
            return tf_optimizer(tf, name).apply_gradients([(grad_tensor(g), w)])

        sess, train_op = build_tf1(impl, build)
        return (lambda: sess.run(train_op)), sess.close

    return setup


def torch_setup(impl: Impl, name: str, n: int, variant: str):
    torch = impl.module

    def setup():
        p = torch.full((n,), W0, requires_grad=True)
        p.grad = torch.full((n,), G0)
        try:
            opt = torch_optimizer(torch, name, [p], variant)
            opt.step()
        except (TypeError, RuntimeError, ValueError) as exc:
            raise Unavailable(f"no {variant} {TORCH[name][0]} in torch") from exc
        return opt.step, None

    return setup


def numpy_setup(impl: Impl, name: str, n: int):
    np = impl.module

    def setup():
        w = np.full(n, W0, dtype=np.float32)
        g = np.full(n, G0, dtype=np.float32)
        return numpy_step(np, name, [w], [g]), None

    return setup


def c_setup(impl: Impl, name: str, n: int):
    """The C reference loop (c_reference.py), run in the NumPy worker on NumPy arrays."""
    np = impl.module

    def setup():
        import c_reference

        w = np.full(n, W0, dtype=np.float32)
        g = np.full(n, G0, dtype=np.float32)
        return c_reference.step(np, name, [w], [g], LR[name]), None

    return setup


def entries_for(impls: dict[str, Impl], name: str, n: int) -> list[Entry]:
    out: list[Entry] = []
    for impl in impls.values():
        if impl.is_tf1:
            out.append(Entry(impl.name, "", tf1_setup(impl, name, n)))
        elif impl.name == "torch":
            if name not in TORCH:
                out.append(Entry("torch", "", None, note=f"torch.optim has no {name}"))
                continue
            for variant in TORCH_VARIANTS:
                out.append(Entry("torch", variant, torch_setup(impl, name, n, variant)))
        elif impl.name == "numpy":
            out.append(Entry("numpy", "", numpy_setup(impl, name, n)))
            if name in ("GradientDescent", "Adam"):
                out.append(Entry("numpy", "C loop", c_setup(impl, name, n)))
    return out


def rows(ctx: Any) -> list[Row]:
    sizes = QUICK_SIZES if ctx.quick else SIZES
    out = []
    for name in OPTIMIZERS:
        for n in sizes:
            out.append(
                Row(
                    key=f"{name}/n={n}",
                    label=f"{name}, n={fmt_n(n)}",
                    series=name,
                    x=n,
                    entries=entries_for(ctx.impls, name, n),
                    bytes_per_iter=BYTES[name] * n,
                    params={"optimizer": name, "n": n, "bytes_per_element": BYTES[name]},
                )
            )
    return out
