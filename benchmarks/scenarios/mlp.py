"""MLP 784-256-256-10 training step (ReLU, softmax cross-entropy), fed from NumPy batches.

TF1 API: placeholders x [None, 784] and one-hot y [None, 10], matmul + bias + relu,
`tf.nn.softmax_cross_entropy_with_logits_v2` + `reduce_mean`, `opt.minimize(loss)`; each step
runs `[train_op, loss]` with a feed_dict. PyTorch: nn.Linear/ReLU, F.cross_entropy, the same
optimizer, `loss.item()`. The batches are a fixed pool of NumPy random data cycled through.
"""

from __future__ import annotations

from itertools import cycle, pairwise
from typing import Any

from harness import Entry, Row
from impls import Impl

from scenarios.common import build_tf1, need

NAME = "mlp"
TITLE = "MLP 784-256-256-10 training step (and gradients only)"
DESCRIPTION = (
    "One training step of a 784-256-256-10 ReLU MLP with softmax cross-entropy on logits, fed "
    "from NumPy; GradientDescent(0.01) and Adam(0.001), batch 32, 128 and 512 (default "
    "GATE_OP; at batch 512 also GATE_NONE); and forward + backward alone (tf.gradients of every "
    "variable, all of them summed into one fetched scalar; PyTorch: loss.backward()) at "
    "batch 512."
)
PLOT = "time"
XLABEL = "batch size"
MIN_SAMPLE_S = 0.02  # every entry's step uses both threads: see TimingConfig.for_scenario

LAYERS = [784, 256, 256, 10]
BATCHES = [32, 128, 512]
OPTS = {"GradientDescent": 0.01, "Adam": 0.001}
POOL = 8  # distinct batches cycled through


def init_weights(np: Any) -> list[tuple[Any, Any]]:
    rng = np.random.default_rng(1)
    out = []
    for fan_in, fan_out in pairwise(LAYERS):
        w = (rng.standard_normal((fan_in, fan_out)) * (2.0 / fan_in) ** 0.5).astype(np.float32)
        out.append((w, np.zeros(fan_out, dtype=np.float32)))
    return out


def data(np: Any, batch: int) -> list[tuple[Any, Any, Any]]:
    """POOL batches of (x float32 [B,784], y one-hot float32 [B,10], labels int64 [B])."""
    rng = np.random.default_rng(2)
    out = []
    for _ in range(POOL):
        x = rng.standard_normal((batch, LAYERS[0])).astype(np.float32)
        labels = rng.integers(0, LAYERS[-1], batch)
        y = np.eye(LAYERS[-1], dtype=np.float32)[labels]
        out.append((x, y, labels.astype(np.int64)))
    return out


def flops(batch: int) -> float:
    """Forward 2*B*sum(in*out); backward: weight grads for all layers, input grads but layer 1."""
    mm = [a * b for a, b in pairwise(LAYERS)]
    return 2 * batch * (sum(mm) + sum(mm) + sum(mm[1:]))


def tf1_setup(impl: Impl, opt_name: str, batch: int, gate: str = "GATE_OP"):
    def setup():
        import numpy as np

        need(
            impl,
            "placeholder",
            "matmul",
            "nn.relu",
            "nn.softmax_cross_entropy_with_logits_v2",
            "reduce_mean",
            "train.AdamOptimizer" if opt_name == "Adam" else "train.GradientDescentOptimizer",
        )
        weights = init_weights(np)

        def build(tf: Any) -> Any:
            x = tf.placeholder(tf.float32, [None, LAYERS[0]], name="x")
            y = tf.placeholder(tf.float32, [None, LAYERS[-1]], name="y")
            h = x
            for i, (w0, b0) in enumerate(weights):
                w = tf.Variable(w0, name=f"w{i}")
                b = tf.Variable(b0, name=f"b{i}")
                h = tf.matmul(h, w) + b
                if i < len(weights) - 1:
                    h = tf.nn.relu(h)
            xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h)
            loss = tf.reduce_mean(xent)
            if opt_name == GRADIENTS:
                # Forward + backward only. The gradients are fetched through one scalar that
                # reads them all: a tf.group of them would be a NoOp whose control inputs
                # nothing reads, and TF1's grappler (like varflow's plan) skips those.
                grads = tf.gradients(loss, tf.trainable_variables())
                return tf.add_n([tf.reduce_sum(g) for g in grads]), loss, x, y
            if opt_name == "Adam":
                opt = tf.train.AdamOptimizer(OPTS[opt_name])
            else:
                opt = tf.train.GradientDescentOptimizer(OPTS[opt_name])
            return opt.minimize(loss, gate_gradients=getattr(tf.train.Optimizer, gate)), loss, x, y

        sess, (train_op, loss, x, y) = build_tf1(impl, build)
        batches = cycle(data(np, batch))
        fetches = [train_op, loss]

        def step() -> Any:
            xb, yb, _ = next(batches)
            return sess.run(fetches, feed_dict={x: xb, y: yb})

        return step, sess.close

    return setup


def torch_setup(impl: Impl, opt_name: str, batch: int):
    torch = impl.module

    def setup():
        import numpy as np

        nn, F = torch.nn, torch.nn.functional
        layers: list[Any] = []
        for i, (w0, b0) in enumerate(init_weights(np)):
            lin = nn.Linear(w0.shape[0], w0.shape[1])
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(w0.T.copy()))
                lin.bias.copy_(torch.from_numpy(b0))
            layers.append(lin)
            if i < len(LAYERS) - 2:
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers)
        if opt_name == "Adam":
            opt = torch.optim.Adam(model.parameters(), lr=OPTS[opt_name])
        else:
            opt = torch.optim.SGD(model.parameters(), lr=OPTS.get(opt_name, 0.0))
        batches = cycle(
            [(torch.from_numpy(x), torch.from_numpy(lab)) for x, _, lab in data(np, batch)]
        )

        def step() -> Any:
            xb, lb = next(batches)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), lb)
            loss.backward()
            if opt_name != GRADIENTS:
                opt.step()
            return loss.item()

        return step, None

    return setup


GRADIENTS = "gradients only"


def rows(ctx: Any) -> list[Row]:
    out = []
    cases = [(opt_name, batch) for opt_name in OPTS for batch in BATCHES]
    cases.append((GRADIENTS, max(BATCHES)))  # tf.gradients of the MLP, no update
    for opt_name, batch in cases:
        entries = []
        for impl in ctx.impls.values():
            if impl.is_tf1:
                entries.append(Entry(impl.name, "", tf1_setup(impl, opt_name, batch)))
                if opt_name == "GradientDescent" and batch == max(BATCHES):
                    setup = tf1_setup(impl, opt_name, batch, "GATE_NONE")
                    entries.append(Entry(impl.name, "GATE_NONE", setup))
            elif impl.name == "torch":
                entries.append(Entry("torch", "", torch_setup(impl, opt_name, batch)))
        out.append(
            Row(
                key=f"{opt_name}/batch={batch}",
                label=f"{opt_name}, batch {batch}",
                series=opt_name,
                x=batch,
                entries=entries,
                flops_per_iter=flops(batch),
                params={"optimizer": opt_name, "batch": batch, "layers": LAYERS},
            )
        )
    return out
