"""Eager execution: the cost of one eager op, and an eager MLP training step with a tape.

varflow runs its TF1 eager mode (tf.enable_eager_execution), TensorFlow its eager mode through
the same tf.compat.v1 calls (GradientTape, AdamOptimizer.apply_gradients), PyTorch its own
eager ops and autograd. The MLP is the 784-256-256-10 ReLU network of the mlp scenario, fed
from NumPy batches; varflow's graph-mode Session step is the reference row entry ("graph").
"""

from __future__ import annotations

import contextlib
from itertools import cycle
from typing import Any

from harness import Entry, Row
from impls import Impl

from scenarios import mlp
from scenarios.common import need

NAME = "eager"
TITLE = "Eager execution: per-op cost and an eager MLP training step"
DESCRIPTION = (
    "Eager mode: a scalar add and a 1x1 matmul (dispatch cost of one eager op), and one Adam "
    "training step of the 784-256-256-10 MLP under a GradientTape at batch 32 and 128, eagerly "
    "and traced by tf.function (PyTorch: autograd). varflow's graph-mode Session step is shown "
    "beside it."
)
PLOT = "bar"

BATCHES = [32, 128]


_VARFLOW_EAGER: list = []


def _eager_context(impl: Impl) -> contextlib.AbstractContextManager:
    if impl.name == "varflow":
        # One eager context for every varflow entry of the run: entries set up together share
        # it (variables of one entry must not belong to another's context). Graph-mode entries
        # build their own graphs and are not affected.
        if not _VARFLOW_EAGER:
            from varflow.eager.context import eager_mode

            _VARFLOW_EAGER.append(eager_mode())
            _VARFLOW_EAGER[0].__enter__()
        return contextlib.nullcontext()
    from tensorflow.python.eager import context

    return context.eager_mode()


def tf_eager_setup(impl: Impl, case: str, batch: int = 0, traced: bool = False):
    def setup():
        import numpy as np

        need(impl, "GradientTape", "constant", "matmul", "train.AdamOptimizer")
        tf = impl.module
        mode = _eager_context(impl)
        mode.__enter__()
        if case == "scalar_add":
            a, b = tf.constant(1.0), tf.constant(2.0)
            return (lambda: a + b), lambda: mode.__exit__(None, None, None)
        if case == "matmul_1x1":
            x = tf.constant([[1.5]])
            return (lambda: tf.matmul(x, x)), lambda: mode.__exit__(None, None, None)
        variables = []
        for i, (w0, b0) in enumerate(mlp.init_weights(np)):
            variables += [tf.Variable(w0, name=f"w{i}"), tf.Variable(b0, name=f"b{i}")]
        opt = tf.train.AdamOptimizer(mlp.OPTS["Adam"])
        batches = cycle(mlp.data(np, batch))

        def train(xb, yb):
            with tf.GradientTape() as tape:
                h = tf.convert_to_tensor(xb)
                for i in range(0, len(variables), 2):
                    h = tf.matmul(h, variables[i]) + variables[i + 1]
                    if i < len(variables) - 2:
                        h = tf.nn.relu(h)
                loss = tf.reduce_mean(
                    tf.nn.softmax_cross_entropy_with_logits_v2(
                        labels=tf.convert_to_tensor(yb), logits=h
                    )
                )
            grads = tape.gradient(loss, variables)
            opt.apply_gradients(zip(grads, variables, strict=True))
            return loss

        if traced:
            need(impl, "function")
            train = tf.function(train)

        def step() -> Any:
            xb, yb, _ = next(batches)
            return float(train(xb, yb))

        return step, lambda: mode.__exit__(None, None, None)

    return setup


def torch_setup(impl: Impl, case: str, batch: int = 0):
    torch = impl.module

    def setup():
        if case == "scalar_add":
            a, b = torch.tensor(1.0), torch.tensor(2.0)
            return (lambda: a + b), None
        if case == "matmul_1x1":
            x = torch.tensor([[1.5]])
            return (lambda: torch.matmul(x, x)), None
        step, close = mlp.torch_setup(impl, "Adam", batch)()
        return step, close

    return setup


def graph_setup(impl: Impl, batch: int):
    def setup():
        return mlp.tf1_setup(impl, "Adam", batch)()

    return setup


CASES = {"scalar_add": "eager scalar add", "matmul_1x1": "eager 1x1 matmul"}


def rows(ctx: Any) -> list[Row]:
    out = []
    eager_impls = [i for i in ctx.impls.values() if i.name in ("varflow", "tf")]
    torch = ctx.impls.get("torch")
    for i, (case, label) in enumerate(CASES.items()):
        entries = [Entry(impl.name, "eager", tf_eager_setup(impl, case)) for impl in eager_impls]
        if torch is not None:
            entries.append(Entry("torch", "eager", torch_setup(torch, case)))
        out.append(Row(key=case, label=label, series="per-op", x=i, entries=entries))
    for batch in BATCHES:
        entries = [
            Entry(impl.name, "eager", tf_eager_setup(impl, "mlp", batch)) for impl in eager_impls
        ]
        entries += [
            Entry(impl.name, "tf.function", tf_eager_setup(impl, "mlp", batch, traced=True))
            for impl in eager_impls
        ]
        if torch is not None:
            entries.append(Entry("torch", "eager", torch_setup(torch, "mlp", batch)))
        varflow = ctx.impls.get("varflow")
        if varflow is not None:
            entries.append(Entry("varflow", "graph", graph_setup(varflow, batch)))
        out.append(
            Row(
                key=f"mlp_adam/batch={batch}",
                label=f"eager MLP Adam step, batch {batch}",
                series="mlp",
                x=batch,
                entries=entries,
                flops_per_iter=mlp.flops(batch),
                params={"optimizer": "Adam", "batch": batch, "layers": mlp.LAYERS},
            )
        )
    return out
