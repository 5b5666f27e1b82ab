"""One Adam step over 300 variables of log-uniform sizes 64..65536 (fixed seed).

TF1 API: a single `apply_gradients` over all 300 (fixed gradient, variable) pairs; varflow runs
it twice, as TF1 builds it (one ApplyAdam op per variable) and with `multi_tensor = True` (one
MultiApplyAdam op for all 300). PyTorch: Adam for-loop, foreach and fused over the 300
parameters. NumPy: a Python loop of in-place ufuncs.
"""

from __future__ import annotations

from typing import Any

from harness import Entry, Row, Unavailable
from impls import Impl

from scenarios.common import build_tf1, grad_tensor, need
from scenarios.optim_defs import BYTES, numpy_step, tf_optimizer, torch_optimizer

NAME = "multi_tensor"
TITLE = "Multi-tensor Adam step (300 variables, 64..65536 elements)"
DESCRIPTION = (
    "One Adam step over 300 float32 variables of log-uniform sizes between 64 and 65536 "
    "elements (seed 0): per-tensor dispatch cost plus 28 bytes per element."
)
PLOT = "bar"

COUNT, LO, HI, SEED = 300, 64, 65536, 0
W0, G0 = 0.5, 0.01


def sizes(np: Any) -> list[int]:
    rng = np.random.default_rng(SEED)
    return [int(s) for s in np.exp(rng.uniform(np.log(LO), np.log(HI), COUNT)).astype(int)]


def tf1_setup(impl: Impl, shapes: list[int], multi_tensor: bool = False):
    def setup():
        need(impl, "train.AdamOptimizer", "Variable", "ones")

        def build(tf: Any) -> Any:
            pairs = []
            for i, n in enumerate(shapes):
                w = tf.Variable(tf.ones([n], dtype=tf.float32) * W0, name=f"w{i}")
                g = tf.Variable(tf.ones([n], dtype=tf.float32) * G0, trainable=False, name=f"g{i}")
                pairs.append((grad_tensor(g), w))
            opt = tf_optimizer(tf, "Adam")
            if multi_tensor:
                opt.multi_tensor = True  # varflow: one fused op for every variable
            return opt.apply_gradients(pairs)

        sess, train_op = build_tf1(impl, build)
        return (lambda: sess.run(train_op)), sess.close

    return setup


def torch_setup(impl: Impl, shapes: list[int], variant: str):
    torch = impl.module

    def setup():
        ps = []
        for n in shapes:
            p = torch.full((n,), W0, requires_grad=True)
            p.grad = torch.full((n,), G0)
            ps.append(p)
        try:
            opt = torch_optimizer(torch, "Adam", ps, variant)
            opt.step()
        except (TypeError, RuntimeError, ValueError) as exc:
            raise Unavailable(f"no {variant} Adam in torch") from exc
        return opt.step, None

    return setup


def numpy_setup(impl: Impl, shapes: list[int]):
    np = impl.module

    def setup():
        ws = [np.full(n, W0, dtype=np.float32) for n in shapes]
        gs = [np.full(n, G0, dtype=np.float32) for n in shapes]
        return numpy_step(np, "Adam", ws, gs), None

    return setup


def c_setup(impl: Impl, shapes: list[int]):
    """One C call over all 300 tensors (c_reference.py): the multi-tensor reference."""
    np = impl.module

    def setup():
        import c_reference

        ws = [np.full(n, W0, dtype=np.float32) for n in shapes]
        gs = [np.full(n, G0, dtype=np.float32) for n in shapes]
        step = c_reference.step(np, "Adam", ws, gs, 0.001)
        return step, None

    return setup


def rows(ctx: Any) -> list[Row]:
    import numpy as np

    shapes = sizes(np)
    total = sum(shapes)
    entries: list[Entry] = []
    for impl in ctx.impls.values():
        if impl.is_tf1:
            entries.append(Entry(impl.name, "", tf1_setup(impl, shapes)))
            if impl.name == "varflow":
                entries.append(Entry(impl.name, "multi_tensor", tf1_setup(impl, shapes, True)))
        elif impl.name == "torch":
            for variant in ("", "foreach", "fused"):
                entries.append(Entry("torch", variant, torch_setup(impl, shapes, variant)))
        elif impl.name == "numpy":
            entries.append(Entry("numpy", "", numpy_setup(impl, shapes)))
            entries.append(Entry("numpy", "C multi-tensor call", c_setup(impl, shapes)))
    return [
        Row(
            key=f"adam/{COUNT}x",
            label=f"Adam, {COUNT} tensors, {total / 1e6:.2f}M elements",
            series="Adam",
            x=total,
            entries=entries,
            bytes_per_iter=BYTES["Adam"] * total,
            params={
                "tensors": COUNT,
                "total_elements": total,
                "min": min(shapes),
                "max": max(shapes),
            },
        )
    ]
