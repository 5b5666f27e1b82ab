"""Forward + backward through a chain of 200 elementwise ops.

The chain repeats (multiply by a constant, add a constant, tanh) on a float32 vector variable x;
each step computes `tf.gradients(reduce_sum(chain(x)), x)` and fetches the gradient. PyTorch:
the same chain under autograd with `torch.autograd.grad`. NumPy: a hand-written forward pass that
keeps the tanh outputs and a backward pass over them (no framework at all).
"""

from __future__ import annotations

from typing import Any

from harness import Entry, Row
from impls import Impl

from scenarios.common import build_tf1, fmt_n, need

NAME = "graph_grad"
TITLE = "Graph gradients: chain of 200 elementwise ops, forward + backward"
DESCRIPTION = (
    "tf.gradients of reduce_sum over a chain of 200 elementwise ops (x*c, x+c, tanh, repeating) "
    "on a float32 vector; one step runs forward and backward and fetches the gradient."
)
PLOT = "time"
XLABEL = "elements"

DEPTH = 200
MUL, ADD = 1.01, 0.01
SIZES = [10**3, 10**5, 10**7]
SIZES_QUICK = [10**3, 10**5]


def tf1_setup(impl: Impl, n: int):
    def setup():
        need(impl, "gradients", "tanh", "reduce_sum", "Variable", "ones")

        def build(tf: Any) -> Any:
            x = tf.Variable(tf.ones([n], dtype=tf.float32) * 0.5, name="x")
            h = x
            for i in range(DEPTH):
                k = i % 3
                h = h * MUL if k == 0 else (h + ADD if k == 1 else tf.tanh(h))
            (gx,) = tf.gradients(tf.reduce_sum(h), [x])
            return gx

        sess, gx = build_tf1(impl, build)
        return (lambda: sess.run(gx)), sess.close

    return setup


def torch_setup(impl: Impl, n: int):
    torch = impl.module

    def setup():
        x = torch.full((n,), 0.5, requires_grad=True)

        def step() -> Any:
            h = x
            for i in range(DEPTH):
                k = i % 3
                h = h * MUL if k == 0 else (h + ADD if k == 1 else torch.tanh(h))
            (gx,) = torch.autograd.grad(h.sum(), [x])
            return gx.numpy()

        return step, None

    return setup


def numpy_setup(impl: Impl, n: int):
    np = impl.module

    def setup():
        x = np.full(n, 0.5, dtype=np.float32)
        n_tanh = sum(1 for i in range(DEPTH) if i % 3 == 2)
        ys = [np.empty_like(x) for _ in range(n_tanh)]
        h = np.empty_like(x)
        g = np.empty_like(x)
        t = np.empty_like(x)
        mul, add = np.float32(MUL), np.float32(ADD)

        def step() -> Any:
            np.copyto(h, x)
            j = 0
            for i in range(DEPTH):
                k = i % 3
                if k == 0:
                    np.multiply(h, mul, out=h)
                elif k == 1:
                    np.add(h, add, out=h)
                else:
                    np.tanh(h, out=ys[j])
                    np.copyto(h, ys[j])
                    j += 1
            g.fill(1.0)
            for i in reversed(range(DEPTH)):
                k = i % 3
                if k == 0:
                    np.multiply(g, mul, out=g)
                elif k == 2:
                    j -= 1
                    np.multiply(ys[j], ys[j], out=t)  # dtanh = 1 - y^2
                    np.subtract(np.float32(1.0), t, out=t)
                    np.multiply(g, t, out=g)
            return g.copy()

        return step, None

    return setup


def rows(ctx: Any) -> list[Row]:
    out = []
    for n in SIZES_QUICK if ctx.quick else SIZES:
        entries = []
        for impl in ctx.impls.values():
            if impl.is_tf1:
                entries.append(Entry(impl.name, "", tf1_setup(impl, n)))
            elif impl.name == "torch":
                entries.append(Entry("torch", "autograd", torch_setup(impl, n)))
            elif impl.name == "numpy":
                entries.append(Entry("numpy", "manual", numpy_setup(impl, n)))
        out.append(
            Row(
                key=f"chain{DEPTH}/n={n}",
                label=f"{DEPTH}-op chain, n={fmt_n(n)}",
                series=f"chain{DEPTH}",
                x=n,
                entries=entries,
                params={"depth": DEPTH, "n": n},
            )
        )
    return out
