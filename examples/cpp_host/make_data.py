"""Writes the inputs of ``python -m varflow.demo`` for one seed to a binary file for the C++ host.

The demo's data come from scikit-learn (the stratified split) and its batch order from NumPy's
``default_rng(seed)``; neither is worth re-implementing in C++, so this script records both: the
train/test split exactly as ``varflow.demo.load_data`` returns it, and every permutation the
demo's batch loop draws in ``steps`` steps. The host replays the loop over those permutations,
so it feeds the same batches in the same order.

    python examples/cpp_host/make_data.py --seed 0 --steps 1500 --out digits.bin

Format (little-endian): the magic ``VFDIGIT1``, then int32 ``seed, batch_size, steps, n_train,
n_test, features, n_permutations``, then float32 ``x_train[n_train, features]``, int32
``y_train[n_train]``, float32 ``x_test[n_test, features]``, int32 ``y_test[n_test]`` and int32
``permutations[n_permutations, n_train]``.
"""

from __future__ import annotations

import argparse
import struct
from pathlib import Path

import numpy as np

MAGIC = b"VFDIGIT1"


def batch_permutations(n_train: int, steps: int, batch_size: int, seed: int) -> np.ndarray:
    """The permutations the demo's loop draws: one at the start, another whenever the next
    batch would run past the end of the current one."""
    rng = np.random.default_rng(seed)
    orders = [rng.permutation(n_train)]
    pos = 0
    for _ in range(steps):
        if pos + batch_size > n_train:
            orders.append(rng.permutation(n_train))
            pos = 0
        pos += batch_size
    return np.stack(orders).astype("<i4")


def write(path: Path, seed: int, steps: int, batch_size: int) -> None:
    from varflow.demo import load_data

    x_train, x_test, y_train, y_test = load_data(seed)
    if batch_size > len(x_train):
        raise SystemExit(f"--batch-size {batch_size} exceeds the {len(x_train)} training samples")
    perms = batch_permutations(len(x_train), steps, batch_size, seed)
    header = struct.pack(
        "<7i", seed, batch_size, steps, len(x_train), len(x_test), x_train.shape[1], len(perms)
    )
    arrays = [
        (x_train, "<f4"),
        (y_train, "<i4"),
        (x_test, "<f4"),
        (y_test, "<i4"),
        (perms, "<i4"),
    ]
    with path.open("wb") as f:
        f.write(MAGIC + header)
        f.writelines(np.ascontiguousarray(a, dtype=dtype).tobytes() for a, dtype in arrays)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=1500, help="steps the batch order covers")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.steps < 1 or args.batch_size < 1:
        parser.error("--steps and --batch-size must be positive")
    write(args.out, args.seed, args.steps, args.batch_size)


if __name__ == "__main__":
    main()
