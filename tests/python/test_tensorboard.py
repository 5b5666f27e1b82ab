"""TensorBoard end to end: the demo and seed 002 write a logdir, a headless `tensorboard` server on
a loopback port reads it, and its HTTP API (what the dashboards draw) shows the runs, the scalars
with the values the demo saw, the images and the graphs."""

from __future__ import annotations

import io
import json
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import numpy as np
import pytest

pytest.importorskip("tensorboard")
pytest.importorskip("sklearn")
PIL_Image = pytest.importorskip("PIL.Image")

from tensorboard.compat.proto import graph_pb2

STARTUP_SECONDS = 180  # importing TensorBoard on a loaded two-core machine takes a while
LOAD_SECONDS = 120


class _Server:
    """`tensorboard --logdir DIR` on 127.0.0.1 with a port the OS picks; stopped by close()."""

    def __init__(self, logdir):
        cmd = [
            sys.executable,
            "-m",
            "tensorboard.main",
            "--logdir",
            str(logdir),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--load_fast",
            "false",  # the Python loader: no data-server subprocess
            "--reload_interval",
            "1",
        ]
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._log: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self._wait_for_url()

    def _read(self):
        for line in self._proc.stderr:
            self._lines.put(line)
        self._lines.put(None)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            self._log.append(line)
            found = re.search(r"at (http://127\.0\.0\.1:\d+)/", line)
            if found:
                return found.group(1)
        self.close()
        pytest.fail("tensorboard did not start:\n" + "".join(self._log))

    def get(self, path: str, **params) -> bytes:
        query = urllib.parse.urlencode(params)
        url = f"{self.url}{path}" + (f"?{query}" if query else "")
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read()

    def json(self, path: str, **params):
        return json.loads(self.get(path, **params))

    def wait_for(self, what: str, predicate, path: str, **params):
        """Polls `path` until `predicate(answer)` holds (the server loads event files in the
        background)."""
        deadline = time.monotonic() + LOAD_SECONDS
        while True:
            answer = self.json(path, **params)
            if predicate(answer):
                return answer
            if time.monotonic() > deadline:
                pytest.fail(f"tensorboard never showed {what}; last answer: {answer}")
            time.sleep(0.5)

    def close(self):
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=20)
        self._reader.join(timeout=20)  # it ends at the pipe's end, once the server has exited
        self._proc.stderr.close()


def _write_seed_002(logdir) -> None:
    """Seed 002's program: an Adam train op over a cumsum loss, its graph written for TensorBoard."""
    import varflow as tf

    with tf.Graph().as_default():
        a = tf.placeholder(dtype=tf.float32, shape=(10, 2), name="a")
        b = tf.get_variable("b", shape=(2, 1), dtype=tf.float32)
        loss = tf.cumsum(tf.matmul(a, b), name="loss")
        opt = tf.train.AdamOptimizer()
        opt.minimize(loss)
        with tf.Session() as sess:
            writer = tf.summary.FileWriter(str(logdir), sess.graph)
        writer.close()


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    from varflow import demo

    logdir = tmp_path_factory.mktemp("tb")
    result = demo.main(
        ["--steps", "60", "--eval-every", "30", "--no-progress", "--logdir", str(logdir / "demo")]
    )
    _write_seed_002(logdir / "seed_002" / "train")
    server = _Server(logdir)
    try:
        yield server, result
    finally:
        server.close()


def _graph(server, run) -> dict:
    from google.protobuf import text_format

    text = server.get("/data/plugin/graphs/graph", run=run, conversions="false")
    graph = text_format.Parse(text.decode(), graph_pb2.GraphDef())
    return {node.name: node for node in graph.node}


def test_runs_and_scalars_hold_what_the_demo_saw(board):
    server, result = board
    runs = server.wait_for(
        "both runs", lambda r: {"demo", "seed_002/train"} <= set(r), "/data/runs"
    )
    assert set(runs) == {"demo", "seed_002/train"}
    tags = server.wait_for(
        "the demo's scalars",
        lambda t: "test/accuracy_averaged" in t.get("demo", {}),
        "/data/plugin/scalars/tags",
    )["demo"]
    assert set(tags) == {
        "train/loss",
        "train/learning_rate",
        "test/accuracy",
        "test/accuracy_averaged",
        "test/loss",
        "test/loss_averaged",
    }

    loss = server.json("/data/plugin/scalars/scalars", run="demo", tag="train/loss")
    steps = [step for _, step, _ in loss]
    assert steps == list(range(0, 60, 10))  # a summary every 10 steps
    np.testing.assert_allclose(
        [value for *_, value in loss], [result["losses"][s] for s in steps], rtol=1e-6
    )
    for tag, key in [
        ("test/accuracy", "accuracy"),
        ("test/accuracy_averaged", "averaged_accuracy"),
        ("test/loss", "loss"),
        ("test/loss_averaged", "averaged_loss"),
    ]:
        points = server.json("/data/plugin/scalars/scalars", run="demo", tag=tag)
        assert [step for _, step, _ in points] == [h["step"] for h in result["history"]]
        np.testing.assert_allclose(
            [value for *_, value in points], [h[key] for h in result["history"]], rtol=1e-6
        )
    rates = [
        value
        for *_, value in server.json(
            "/data/plugin/scalars/scalars", run="demo", tag="train/learning_rate"
        )
    ]
    assert rates[0] == pytest.approx(3e-3)
    assert rates == sorted(rates, reverse=True)  # exponential decay


def test_images_are_the_hidden_layer_weights_as_pngs(board):
    server, result = board
    tags = server.wait_for(
        "the demo's images", lambda t: t.get("demo"), "/data/plugin/images/tags"
    )["demo"]
    assert sorted(tags) == [f"hidden_weights/image/{i}" for i in range(4)]
    entries = server.json(
        "/data/plugin/images/images", run="demo", tag="hidden_weights/image/0", sample=0
    )
    assert [e["step"] for e in entries] == [h["step"] for h in result["history"]]
    png = server.get("/data/plugin/images/individualImage?" + entries[-1]["query"])
    picture = np.asarray(PIL_Image.open(io.BytesIO(png)))
    assert picture.shape == (8, 8)  # one 8x8 grey image per hidden unit's 64 input weights
    assert picture.dtype == np.uint8
    assert picture.min() < picture.max()


def test_text_dashboard_shows_the_demos_settings(board):
    server, _ = board
    tags = server.wait_for("the demo's text", lambda t: t.get("demo"), "/data/plugin/text/tags")
    assert tags["demo"] == ["settings"]
    (entry,) = server.json("/data/plugin/text/text", run="demo", tag="settings")
    assert entry["step"] == 0
    html = entry["text"]  # the 4x2 string tensor, drawn as a table
    assert "<table>" in html
    for cell in ("optimizer", "adam", "60 of batch 64"):
        assert f"<td><p>{cell}</p></td>" in html  # each cell rendered as Markdown


def test_graph_tab_shows_seed_002s_adam_graph(board):
    server, _ = board
    server.wait_for("seed 002's graph", lambda r: "seed_002/train" in r, "/data/runs")
    nodes = _graph(server, "seed_002/train")
    # The slots sit under their variable, so the graph tab draws them inside b.
    for name in ("b", "b/Adam", "b/Adam_1", "beta1_power", "beta2_power"):
        assert nodes[name].op == "VariableV2"
    # GATE_OP: MatMul's two input gradients are grouped in a tuple before either is used.
    tuple_ops = {n for n in nodes if n.startswith("gradients/MatMul_grad/tuple/")}
    assert {
        "gradients/MatMul_grad/tuple/group_deps",
        "gradients/MatMul_grad/tuple/control_dependency",
        "gradients/MatMul_grad/tuple/control_dependency_1",
    } <= tuple_ops
    assert nodes["gradients/MatMul_grad/tuple/group_deps"].op == "NoOp"
    assert nodes["gradients/loss_grad/Cumsum"].op == "Cumsum"
    apply = nodes["Adam/update_b/ApplyAdam"]
    assert apply.op == "ApplyAdam"
    assert list(apply.input[:3]) == ["b", "b/Adam", "b/Adam_1"]
    # b's gradient is the tuple's second output (varflow's autodiff passes it through a
    # SumToShape to b's shape on the way, where TF1 feeds it to ApplyAdam directly).
    grad = nodes[apply.input[-1]]
    if grad.op == "SumToShape":
        grad = nodes[grad.input[0]]
    assert grad.name == "gradients/MatMul_grad/tuple/control_dependency_1"
    assert grad.op == "Identity"
    assert "^gradients/MatMul_grad/tuple/group_deps" in grad.input
    assert nodes["Adam"].op == "NoOp"
    assert "^Adam/update_b/ApplyAdam" in nodes["Adam"].input


def test_graph_tab_shows_the_demos_model_and_optimizer(board):
    server, _ = board
    nodes = _graph(server, "demo")
    assert nodes["mlp/hidden/MatMul"].op == "MatMul"
    assert nodes["mlp/hidden/kernel/Adam"].op == "VariableV2"
    assert nodes["Adam/update_mlp/hidden/kernel/ApplyAdam"].op == "ApplyAdam"
    # The moving averages are shadow variables under their variable too.
    assert nodes["mlp/hidden/kernel/ExponentialMovingAverage"].op == "VariableV2"
    assert any(n.startswith("clip_by_global_norm/") for n in nodes)
    # Every edge names a node of the graph (TensorBoard draws nothing for a dangling input).
    for node in nodes.values():
        for source in node.input:
            assert source.lstrip("^").split(":")[0] in nodes, (node.name, source)
