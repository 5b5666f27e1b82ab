"""The second C++ host (examples/cpp_import_host), built against the installed package with
find_package(varflow): Python builds and saves a model (meta graph + checkpoint), the host
imports it, trains and checkpoints, and Python restores the host's checkpoint (through the
meta graph the host wrote) with the numbers of training the same steps in Python."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import varflow

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "examples" / "cpp_import_host"
STEPS, BATCH = 30, 32


def _cmake(*args):
    cmake = shutil.which("cmake")
    if cmake is None:
        pytest.fail("cmake is required for the C++ host (pip install '.[test]')")
    subprocess.run([cmake, *args], check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def host(tmp_path_factory) -> Path:
    prefix = varflow.cmake_prefix()
    build = Path(
        os.environ.get("VARFLOW_CPP_IMPORT_HOST_BUILD_DIR")
        or tmp_path_factory.mktemp("cpp_import_host")
    )
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    _cmake(
        "-S",
        str(SOURCE),
        "-B",
        str(build),
        *generator,
        f"-DCMAKE_PREFIX_PATH={prefix}",
        f"-DPython_EXECUTABLE={sys.executable}",
        "-DCMAKE_BUILD_TYPE=Release",
    )
    _cmake("--build", str(build))
    return build / "varflow_cpp_import_host"


@pytest.fixture(scope="module")
def make_model():
    spec = importlib.util.spec_from_file_location("make_model", SOURCE / "make_model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _save_model(out: Path) -> None:
    subprocess.run(
        [sys.executable, str(SOURCE / "make_model.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run(host, *args, check=True):
    return subprocess.run(
        [str(host), *map(str, args)], capture_output=True, text=True, check=check, timeout=300
    )


def _python_training(make_model, model_dir: Path):
    """The host's steps in Python: the same saved model, restored, trained on the same batches."""
    x, y = make_model.make_data(0)
    with varflow.Graph().as_default():
        saver = varflow.train.import_meta_graph(str(model_dir / "model-0.meta"))
        graph = varflow.get_default_graph()
        train = graph.get_collection("train_op")[0]
        loss = graph.get_tensor_by_name("loss:0")
        with varflow.Session() as sess:
            saver.restore(sess, str(model_dir / "model-0"))
            losses = []
            for bx, by in make_model.batches(x, y, STEPS, BATCH):
                losses.append(sess.run([train, loss], {"x:0": bx, "y:0": by})[1])
            values = {v.op.name: sess.run(v) for v in varflow.global_variables()}
    return np.array(losses, np.float32), values


def test_a_python_model_trains_in_cpp_and_comes_back_with_pythons_numbers(
    host, make_model, tmp_path
):
    _save_model(tmp_path)
    out = _run(
        host,
        "--model",
        tmp_path / "model-0",
        "--data",
        tmp_path / "data.bin",
        "--steps",
        STEPS,
        "--batch-size",
        BATCH,
        "--out",
        tmp_path / "trained",
    ).stdout
    host_losses = np.array(
        [np.float32(line.split()[2]) for line in out.splitlines() if line.startswith("loss ")]
    )
    assert [int(line.split()[1]) for line in out.splitlines() if line.startswith("loss ")] == list(
        range(STEPS)
    )
    want_losses, want_values = _python_training(make_model, tmp_path)
    np.testing.assert_array_equal(host_losses, want_losses)
    assert host_losses[-1] < host_losses[0]

    # The checkpoint and meta graph the host wrote: tf.train.latest_checkpoint finds them,
    # Python's protobuf parses the meta graph, import_meta_graph + restore give the values
    # Python's own training reached, optimizer slots and global step included.
    prefix = str(tmp_path / f"trained-{STEPS}")
    assert varflow.train.latest_checkpoint(str(tmp_path)) == prefix
    from tensorboard.compat.proto import meta_graph_pb2

    meta = meta_graph_pb2.MetaGraphDef.FromString(Path(prefix + ".meta").read_bytes())
    assert set(meta.collection_def["train_op"].node_list.value) == {"train"}
    assert len(meta.collection_def["trainable_variables"].bytes_list.value) == 4
    assert meta.HasField("saver_def")
    with varflow.Graph().as_default():
        saver = varflow.train.import_meta_graph(prefix + ".meta")
        names = sorted(v.op.name for v in varflow.global_variables())
        assert names == sorted(want_values)
        with varflow.Session() as sess:
            saver.restore(sess, prefix)
            for v in varflow.global_variables():
                np.testing.assert_array_equal(sess.run(v), want_values[v.op.name], v.op.name)
    assert varflow.train.load_variable(prefix, "global_step") == STEPS


def test_the_host_reports_bad_input_clearly(host, tmp_path):
    _save_model(tmp_path)
    common = ["--data", tmp_path / "data.bin", "--out", tmp_path / "t"]
    missing = _run(host, "--model", tmp_path / "nothing", *common, check=False)
    assert missing.returncode == 1
    assert "varflow error (code 5): File" in missing.stderr  # kNotFound

    meta = (tmp_path / "model-0.meta").read_bytes()
    (tmp_path / "cut-0.meta").write_bytes(meta[: len(meta) // 2])
    shutil.copy(tmp_path / "model-0.safetensors", tmp_path / "cut-0.safetensors")
    cut = _run(host, "--model", tmp_path / "cut-0", *common, check=False)
    assert cut.returncode == 1
    assert "varflow error (code 15): Cannot parse file" in cut.stderr  # kDataLoss
