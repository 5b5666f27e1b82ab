"""Control-flow programs against the values TensorFlow 1 (tf.compat.v1, control flow v1)
computed for the same code: fixtures/control_flow/programs.py, recorded by make_fixtures.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

FIXTURES = Path(__file__).parent / "fixtures" / "control_flow"
sys.path.insert(0, str(FIXTURES))
from programs import PROGRAMS, evaluate

EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_tensorflow(name):
    got = evaluate(tf, PROGRAMS[name])
    want = EXPECTED[name]
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(
            got[key], want[key], rtol=1e-9, atol=1e-12, err_msg=f"{name}/{key}"
        )
