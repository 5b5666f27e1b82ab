"""The table of case generators: each entry builds one kind of TF1 program on a Prog."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from .program import Case, Prog


@dataclasses.dataclass
class Outcome:
    """What a generator knows about its program besides the source."""

    oracle: str | None = None
    expect_error: str | None = None
    names: tuple[str, ...] = ()
    keyerror_ok: bool = False


# The share of cases that fetch the gradients of the program instead of its outputs.
GRADIENT_SHARE = 0.15

GENERATORS: dict[str, tuple[Callable[[Prog], Outcome], float]] = {}


def generator(name: str, weight: float = 1.0):
    def register(fn):
        GENERATORS[name] = (fn, weight)
        return fn

    return register


def make_case(seed: int, index: int, only: str | None = None) -> Case:
    """Case `index` of the run with `seed`; the same pair always gives the same case."""
    from . import (  # noqa: F401
        ops_array,
        ops_math,
        ops_more,
        ops_nn,
        ops_raw,
        ops_session,
        ops_sparse,
        ops_train,
    )

    rng = np.random.default_rng([seed, index])
    names = sorted(GENERATORS) if only is None else [only]
    weights = np.array([GENERATORS[n][1] for n in names], dtype=float)
    name = names[int(rng.choice(len(names), p=weights / weights.sum()))]
    prog = Prog(rng)
    outcome = GENERATORS[name][0](prog)
    oracle, expect = outcome.oracle, outcome.expect_error
    if rng.random() < GRADIENT_SHARE:
        grad_oracle = prog.add_gradients()
        if grad_oracle is not None:
            # The forward op may never run (a zero gradient), so TF1 need not raise.
            name, oracle, expect = f"{name} (gradient)", grad_oracle, None
    return Case(
        seed=seed,
        index=index,
        op=name,
        source=prog.source(),
        oracle=oracle,
        expect_error=expect,
        names=("fz", *outcome.names),
        nonfinite=prog.nonfinite,
        keyerror_ok=outcome.keyerror_ok,
    )
