"""Builds one fuzz case as standalone Python source: NumPy inputs, a TF1 graph over them, a
Session.run, and (when NumPy defines the result) an oracle that computes `expected`.

The source is the reproducer: pasting `Case.reproducer()` into a file and running it shows the
behaviour without the fuzzer.
"""

from __future__ import annotations

import dataclasses

import numpy as np

DTYPES = ("float32", "float64", "int32", "int64", "bool")
FLOATS = ("float32", "float64")
INTS = ("int32", "int64")
NUMERIC = FLOATS + INTS

# Sizes chosen to break element-count and byte-count arithmetic: int32/uint32 wrap points,
# values whose product wraps int64, and one that is just past 2**62.
HUGE = (2**31 - 1, 2**31, 2**32, 2**32 + 3, 2**33, 2**40, 2**62, 2**63 - 1)


@dataclasses.dataclass
class Case:
    seed: int
    index: int
    op: str
    source: str
    oracle: str | None = None
    # TF1 raises for this input; a returned value is a silently accepted bad input.
    expect_error: str | None = None
    # Any clear error message names at least one of these (node name, op type, API name).
    names: tuple[str, ...] = ()
    # The inputs hold NaN/Inf, where TF1 and NumPy may legitimately differ.
    nonfinite: bool = False
    # KeyError is TF1's error for an unknown fetch/feed name.
    keyerror_ok: bool = False

    def reproducer(self) -> str:
        lines = [
            f"# varflow fuzz case seed={self.seed} index={self.index} op={self.op}",
            self.source.rstrip(),
        ]
        if self.oracle:
            lines += [
                "# NumPy oracle",
                self.oracle.rstrip(),
                "print('expected:', expected)",
            ]
        if self.expect_error:
            lines.append(f"# TF1 raises here: {self.expect_error}")
        return "\n".join(lines) + "\n"


def np_literal(arr: np.ndarray) -> str:
    """A Python expression that rebuilds `arr` exactly (dtype, shape, NaN/Inf, -0.0)."""
    dt = f"np.{arr.dtype.name}" if arr.dtype != np.bool_ else "np.bool_"
    if arr.size == 0:
        return f"np.zeros({tuple(arr.shape)!r}, dtype={dt})"
    body = repr(arr.tolist())
    if arr.dtype.kind == "f":
        body = body.replace("nan", "np.nan").replace("inf", "np.inf")
    return f"np.array({body}, dtype={dt})"


class Prog:
    """Accumulates the source of one case. Tensors are named a0, a1, ... with NumPy twins
    a0_np, a1_np used by the feeds and the oracle."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.lines: list[str] = ["import numpy as np", "import varflow as tf", ""]
        self.feeds: list[str] = []
        self.n = 0
        self.nonfinite = False
        self.modes: list[str] = []
        self.arrays: dict[str, np.ndarray] = {}
        # The generator wrote its own Session code (e.g. to run an initializer first).
        self.custom_run = False
        self.graph_inputs: list[tuple[str, str, np.dtype]] = []
        self.fetch = "out"

    # -- random values ------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def choice(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def dim(self) -> int:
        r = self.rng.random()
        if r < 0.12:
            return 0
        if r < 0.35:
            return 1
        return int(self.rng.integers(2, 5))

    def shape(self, rank: int | None = None, max_rank: int = 4) -> tuple[int, ...]:
        if rank is None:
            rank = int(self.rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 5][: max_rank * 2 + 1]))
        return tuple(self.dim() for _ in range(rank))

    def values(self, shape, dtype: str, special: float = 0.1) -> np.ndarray:
        rng = self.rng
        n = int(np.prod(shape, dtype=np.int64))
        if dtype == "bool":
            return (rng.random(n) < 0.5).reshape(shape)
        if dtype in FLOATS:
            v = rng.normal(0, 3, n)
            if self.chance(0.3):
                v = np.round(v)
            if self.chance(special):
                specials = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-40, 3e38, -3e38]
                for i in range(n):
                    if self.chance(0.3):
                        v[i] = self.choice(specials)
            out = v.astype(dtype)
            if not np.all(np.isfinite(out)):
                self.nonfinite = True
            return out.reshape(shape)
        info = np.iinfo(dtype)
        v = rng.integers(-5, 6, n).astype(dtype)
        if self.chance(special):
            specials = [info.min, info.max, 0, -1, 1, info.min + 1]
            for i in range(n):
                if self.chance(0.3):
                    v[i] = self.choice(specials)
        return v.reshape(shape)

    def dtype(self, allowed=NUMERIC, stray: float = 0.05) -> str:
        if self.chance(stray):
            return self.choice(DTYPES)
        return self.choice(allowed)

    # -- source ---------------------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines.append(text)

    def array(self, arr: np.ndarray) -> str:
        """Declares a NumPy input and returns its variable name (no tensor)."""
        name = f"a{self.n}_np"
        self.n += 1
        self.line(f"{name} = {np_literal(arr)}")
        self.arrays[name] = arr
        return name

    def tensor(self, arr: np.ndarray, mode: str | None = None) -> tuple[str, str]:
        """Declares `arr` as a graph input and returns (tensor expression, numpy name).

        Modes: constant (checked when the graph is built), a placeholder of unknown shape
        (checked only by the kernel), a placeholder of the true shape, one with some
        dimensions unknown, or a Python list literal converted by the op's wrapper."""
        np_name = self.array(arr)
        if mode is None:
            modes = ["const", "ph", "ph", "ph_shape", "ph_partial"]
            if arr.dtype in (np.float32, np.int32, np.bool_) and arr.ndim <= 2 and arr.size:
                modes.append("list")
            mode = self.choice(modes)
        self.modes.append(mode)
        t_name = np_name[:-3]
        if mode != "list":
            self.graph_inputs.append((t_name, np_name, arr.dtype))
        dt = "tf.bool" if arr.dtype == np.bool_ else f"tf.{arr.dtype.name}"
        if mode == "const":
            self.line(f"{t_name} = tf.constant({np_name})")
            return t_name, np_name
        if mode == "list":
            return f"{np_name}.tolist()", np_name
        if mode == "ph":
            shape = "None"
        elif mode == "ph_shape":
            shape = repr(list(arr.shape))
        else:
            shape = repr([d if self.chance(0.5) else None for d in arr.shape])
        self.line(f"{t_name} = tf.placeholder({dt}, shape={shape})")
        self.feeds.append(f"{t_name}: {np_name}")
        return t_name, np_name

    def int_arg(self, values, mode: str | None = None) -> str:
        """An integer argument (axis, shape, multiples...) as a Python literal or, sometimes,
        an int32 placeholder fed at run time (so only the kernel can check it)."""
        if mode is None:
            mode = "ph" if self.chance(0.25) else "py"
        if mode == "py":
            return repr(values)
        arr = np.asarray(values)
        if arr.dtype.kind != "i" or arr.min(initial=0) < -(2**31) or arr.max(initial=0) >= 2**31:
            dt = "int64"
            if arr.size and (arr.min() < -(2**63) or arr.max() >= 2**63):
                return repr(values)
        else:
            dt = self.choice(["int32", "int64"])
        arr = arr.astype(dt)
        name, _ = self.tensor(arr, "ph")
        return name

    def run(self, out_expr: str, fetch: str = "out") -> str:
        self.line(f"{fetch} = {out_expr}")
        return fetch

    def add_gradients(self) -> str | None:
        """Fetches d(sum of outputs)/d(float inputs) instead of the outputs, so the gradient
        kernels see the same inputs; returns the oracle source (the gradients' shapes and
        dtypes are the inputs'), or None when there is nothing to differentiate."""
        xs = [(t, n) for t, n, dt in self.graph_inputs if dt.kind == "f"]
        if self.custom_run or not xs:
            return None
        names = ", ".join(t for t, _ in xs)
        self.line("_ys = out if isinstance(out, (list, tuple)) else [out]")
        self.line(f"_xs = [{names}]")
        self.line("_gs = tf.gradients(_ys, _xs)")
        self.line("grads = [tf.zeros_like(x) if g is None else g for g, x in zip(_gs, _xs)]")
        self.fetch = "grads"
        nps = ", ".join(n for _, n in xs)
        return (
            f"_want = [(x.shape, x.dtype) for x in [{nps}]]\n"
            "_got = [(np.shape(v), np.asarray(v).dtype) for v in value]\n"
            "if _got != _want:\n"
            "    mismatch = f'gradient shapes/dtypes {_got} != inputs {_want}'\n"
            "expected = value"
        )

    def source(self, fetch: str | None = None) -> str:
        fetch = fetch or self.fetch
        if self.custom_run:
            return "\n".join([*self.lines, "print(repr(value))"])
        feed = "{" + ", ".join(self.feeds) + "}"
        return "\n".join(
            [
                *self.lines,
                'phase = "run"',
                "with tf.Session() as sess:",
                f"    value = sess.run({fetch}, feed_dict={feed})",
                "print(repr(value))",
            ]
        )
