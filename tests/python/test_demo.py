"""The demo's training run (python -m varflow.demo), shortened."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn")


def test_demo_training_learns_the_digits():
    from varflow import demo

    log = []
    result = demo.train(steps=300, eval_every=100, progress=False, log=log.append)
    losses = result["losses"]
    assert np.mean(losses[-30:]) < 0.5 * np.mean(losses[:30])
    assert result["accuracy"] > 0.85  # chance is 0.1
    assert result["averaged_accuracy"] > 0.85
    assert result["final_learning_rate"] < 3e-3
    history = result["history"]
    assert [h["step"] for h in history] == [100, 200, 300]
    # Why the two accuracies agree or not: the count of test digits whose predicted class
    # differs, reported for the end and for the step where it was largest.
    for h in history:
        assert 0 <= h["disagreements"] <= 360
        if h["disagreements"] == 0:
            assert h["accuracy"] == h["averaged_accuracy"]
    most = max(history, key=lambda h: h["disagreements"])
    text = "\n".join(log)
    assert f"disagree on {history[-1]['disagreements']} of 360 test digits" in text
    assert f"({most['disagreements']} at step {most['step']}, the most)" in text
    # The table (the C++ host prints the same one, tests/python/test_cpp_host.py).
    assert log[-4].startswith("  step   test accuracy (raw / average)")
    assert log[-1].startswith(f"   300   {history[-1]['accuracy']:.4f} / ")


def test_demo_cli_help_and_options(capsys, tmp_path):
    from varflow import demo

    with pytest.raises(SystemExit) as info:
        demo.main(["--help"])
    assert info.value.code == 0
    usage = capsys.readouterr().out
    for option in ("--steps", "--optimizer", "--lr", "--logdir", "--seed", "--plot"):
        assert option in usage
    with pytest.raises(SystemExit):
        demo.main(["--optimizer", "bogus"])
    assert "invalid choice: 'bogus'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        demo.main(["--steps", "0"])
    assert "must be positive" in capsys.readouterr().err
    args = ["--steps", "60", "--optimizer", "momentum", "--eval-every", "30", "--no-progress"]
    result = demo.main([*args, "--logdir", str(tmp_path), "--lr", "0.01", "--seed", "3"])
    assert len(result["history"]) == 2
    assert list(tmp_path.glob("events.out.tfevents.*"))
    out = capsys.readouterr().out
    assert "momentum, 60 steps" in out
    assert "learning rate 1.0e-02 ->" in out
    # The seed picks the split and the initial weights: the same seed, the same losses.
    again = demo.main([*args, "--lr", "0.01", "--seed", "3"])
    assert again["losses"] == result["losses"]
    other = demo.main([*args, "--lr", "0.01", "--seed", "4"])
    assert other["losses"] != result["losses"]


def test_demo_plot_writes_a_png_of_the_curves(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from PIL import Image
    from varflow import demo

    path = tmp_path / "curves.png"
    demo.main(["--steps", "40", "--eval-every", "20", "--no-progress", "--plot", str(path)])
    assert f"wrote {path}" in capsys.readouterr().out
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        assert picture.size == (1400, 400)  # three panels: training loss, test loss, accuracy
        pixels = np.asarray(picture.convert("L"))
    assert pixels.min() < 100 < pixels.max()  # drawn on, not blank


def test_progress_bar_without_a_terminal_prints_plain_lines():
    from varflow._progress import progress_bar

    stream = io.StringIO()  # not a terminal
    bar = progress_bar(range(1000), desc="training", unit="step", stream=stream)
    for step in bar:
        bar.set_postfix(step=step)  # waits for the next due line rather than printing one
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert 2 <= len(lines) <= 12  # a line per tenth at most, and the last one
    assert lines[-1].startswith("training: 100%")
    assert "1000/1000" in lines[-1]
    assert all(len(line) <= 80 for line in lines)


def test_demo_command_prints_progress_lines_to_a_pipe():
    run = subprocess.run(
        [sys.executable, "-m", "varflow.demo", "--steps", "50", "--eval-every", "25"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "\r" not in run.stderr
    progress = [line for line in run.stderr.splitlines() if line.startswith("training:")]
    assert progress
    assert "50/50" in progress[-1]
    assert run.stdout.splitlines()[-1].startswith("    50   ")
