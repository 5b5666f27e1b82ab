"""The demo's training run (python -m varflow.demo), shortened."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")


def test_demo_training_learns_the_digits():
    from varflow import demo

    result = demo.train(steps=300, eval_every=100, progress=False, log=lambda *_: None)
    losses = result["losses"]
    assert np.mean(losses[-30:]) < 0.5 * np.mean(losses[:30])
    assert result["accuracy"] > 0.85  # chance is 0.1
    assert result["averaged_accuracy"] > 0.85
    assert result["final_learning_rate"] < 3e-3
    assert [h["step"] for h in result["history"]] == [100, 200, 300]


def test_demo_cli_help_and_options(capsys, tmp_path):
    from varflow import demo

    with pytest.raises(SystemExit) as info:
        demo.main(["--help"])
    assert info.value.code == 0
    assert "--optimizer" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        demo.main(["--optimizer", "bogus"])
    result = demo.main(
        [
            "--steps",
            "60",
            "--optimizer",
            "momentum",
            "--eval-every",
            "30",
            "--no-progress",
            "--logdir",
            str(tmp_path),
        ]
    )
    assert len(result["history"]) == 2
    assert list(tmp_path.glob("events.out.tfevents.*"))
