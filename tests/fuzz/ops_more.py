"""Generators for random ops, strided_slice with explicit masks, placeholder_with_default,
embedding_lookup and batch_normalization."""

from __future__ import annotations

import numpy as np

from .ops_array import _not_slow, _too_big, shape_arg
from .program import FLOATS, INTS, Prog
from .registry import Outcome, generator


@generator("random", 1.0)
def _random(p: Prog) -> Outcome:
    fn = p.choice(["random_uniform", "random_normal", "truncated_normal", "random_uniform"])
    dims = _not_slow(shape_arg(p, p.shape(max_rank=3)))
    dtype = p.choice(["float32", "float64", "int32", "int64", "bool"])
    names = (fn, "RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal")
    seed = p.choice(["None", "1", "2**31", "2**63", "-1"])
    args = f"{p.int_arg(dims)}, dtype=tf.{dtype}, seed={seed}"
    lo = hi = None
    if fn == "random_uniform":
        lo = p.choice([0, 1, -5, 5])
        hi = (
            p.choice([None, 1, 5, 0, -5, 2**31])
            if dtype in INTS
            else p.choice([None, 1.0, 0.0, -1.0])
        )
        args += f", minval={lo!r}, maxval={hi!r}"
    else:
        args += f", stddev={p.choice([1.0, 0.0, -1.0, float('nan')])!r}".replace(
            "nan", "float('nan')"
        )
    p.run(f"tf.{fn}({args}, name='fz')")
    if _too_big(dims):
        return Outcome(expect_error=f"shape {dims}", names=names)
    if dtype == "bool" or (fn != "random_uniform" and dtype in INTS):
        return Outcome(expect_error=f"{fn} of {dtype}", names=names)
    if fn == "random_uniform" and dtype in INTS:
        if hi is None:
            return Outcome(expect_error="integer random_uniform needs maxval", names=names)
        if hi >= 2**31 and dtype == "int32":
            return Outcome(expect_error="maxval out of int32 range", names=names)
        if lo >= hi and int(np.prod(dims)):
            return Outcome(expect_error="minval >= maxval", names=names)
        return Outcome(
            oracle=(
                f"{SHAPE_CHECK.format(dims=tuple(dims))}"
                f"_out = value.size and (value.min() < {lo} or value.max() >= {hi})\n"
                f"mismatch = mismatch or (_out and f'values outside [{lo}, {hi})')\n"
                "expected = value"
            ),
            names=names,
        )
    if fn == "random_uniform":
        top = 1.0 if hi is None else hi
        if top < lo:
            return Outcome(names=names)
        # Values in [minval, maxval): anything outside shows as a difference.
        return Outcome(
            oracle=(
                f"{SHAPE_CHECK.format(dims=tuple(dims))}"
                f"_out = {lo!r} < {top!r} and value.size and "
                f"(value.min() < {lo!r} or value.max() >= {top!r})\n"
                f"mismatch = mismatch or (_out and f'values outside [{lo}, {top})')\n"
                "expected = value"
            ),
            names=names,
        )
    return Outcome(oracle=f"{SHAPE_CHECK.format(dims=tuple(dims))}expected = value", names=names)


# Random values have no NumPy twin; their shape, dtype and range do.
SHAPE_CHECK = (
    "mismatch = None if np.shape(value) == {dims!r} else f'shape {{np.shape(value)}} != {dims!r}'\n"
)


@generator("strided_slice", 1.0)
def _strided_slice(p: Prog) -> Outcome:
    dtype = p.choice(["float32", "int32", "int64", "bool"])
    shape = p.shape(max_rank=4)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype), p.choice(["const", "ph", "ph_shape"]))
    n = int(p.rng.integers(0, rank + 2))

    def vec():
        v = [int(p.rng.integers(-4, 5)) for _ in range(n)]
        if v and p.chance(0.08):
            v[0] = p.choice([2**31 - 1, -(2**31), 2**40])
        return v

    begin, end = vec(), vec()
    strides = [p.choice([1, 1, 2, -1, -2, 3]) for _ in range(n)]
    if strides and p.chance(0.08):
        strides[0] = p.choice([0, 2**31 - 1, -(2**31)])
    if p.chance(0.1):
        end = end[:-1]
    masks = {
        k: int(p.rng.integers(0, 1 << max(n, 1))) if p.chance(0.4) else 0
        for k in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    }
    if p.chance(0.05):
        masks["begin_mask"] = p.choice([-1, 2**31 - 1, 2**40])
    m = ", ".join(f"{k}={v}" for k, v in masks.items() if v)
    m = f", {m}" if m else ""
    p.run(
        f"tf.strided_slice({x}, {p.int_arg(begin)}, {p.int_arg(end)}, {p.int_arg(strides)}{m}, "
        f"name='fz')"
    )
    names = ("strided_slice", "StridedSlice")
    if len({len(begin), len(end), len(strides)}) > 1:
        return Outcome(expect_error="begin/end/strides lengths differ", names=names)
    plain = [
        s
        for i, s in enumerate(strides)
        if not (masks["ellipsis_mask"] | masks["new_axis_mask"]) & (1 << i)
    ]
    if 0 in plain:
        return Outcome(expect_error="zero stride", names=names)
    if any(abs(v) >= 2**31 for v in begin + end + strides) or not 0 <= masks["begin_mask"] < 2**31:
        return Outcome(names=names)
    # NumPy's indexing spelled from TF's masks.
    parts = []
    for i in range(n):
        bit = 1 << i
        if masks["ellipsis_mask"] & bit:
            parts.append("...")
        elif masks["new_axis_mask"] & bit:
            parts.append("None")
        elif masks["shrink_axis_mask"] & bit:
            parts.append(str(begin[i]))
        else:
            b = "" if masks["begin_mask"] & bit else str(begin[i])
            e = "" if masks["end_mask"] & bit else str(end[i])
            parts.append(f"{b}:{e}:{strides[i]}")
    if parts.count("...") > 1:
        return Outcome(names=names)
    spec = ", ".join(parts) if parts else "..."
    src = (
        f"try:\n    expected = np.asarray({xn}[{spec}])\n"
        "except IndexError as e:\n    expect_error = f'NumPy: {e}'"
    )
    return Outcome(oracle=src, names=names)


@generator("placeholder_with_default", 0.5)
def _placeholder_with_default(p: Prog) -> Outcome:
    dtype = p.choice(["float32", "int64", "bool"])
    shape = p.shape(max_rank=3)
    default = p.array(p.values(shape, dtype))
    decl = p.choice([list(shape), [None] * len(shape), None, list(p.shape(len(shape))), [1]])
    p.line(f"x = tf.placeholder_with_default({default}, shape={decl!r}, name='fz')")
    names = ("placeholder_with_default", "PlaceholderWithDefault")
    fed = p.chance(0.5)
    if fed:
        other = p.array(p.values(p.shape(max_rank=3), dtype))
        p.feeds.append(f"x: {other}")
    p.run("tf.identity(x)")
    compatible = decl is None or (
        len(decl) == len(shape)
        and all(d is None or d == s for d, s in zip(decl, shape, strict=False))
    )
    if not compatible:
        return Outcome(expect_error=f"default {shape} vs shape {decl}", names=names)
    if fed:
        return Outcome(names=names)
    return Outcome(oracle=f"expected = {default}", names=names)


@generator("embedding_lookup", 0.7)
def _embedding_lookup(p: Prog) -> Outcome:
    dtype = p.choice(FLOATS)
    shape = p.shape(int(p.rng.choice([1, 2, 2, 3])))
    # A Python list of params means partitioned params in TF1, so no list mode here.
    params, pn = p.tensor(p.values(shape, dtype), p.choice(["const", "ph", "ph_shape"]))
    rows = shape[0] if shape else 1
    ishape = p.shape(max_rank=2)
    ids = (
        p.rng.integers(
            -1 if p.chance(0.1) else 0,
            rows + (1 if p.chance(0.2) else 0) or 1,
            int(np.prod(ishape, dtype=np.int64)),
        )
        .reshape(ishape)
        .astype(p.choice(INTS))
    )
    i, iname = p.tensor(ids)
    p.run(f"tf.nn.embedding_lookup({params}, {i}, name='fz')")
    names = ("embedding_lookup", "GatherV2", "Gather")
    if ids.size and (ids.min() < 0 or ids.max() >= rows):
        return Outcome(expect_error="id out of range", names=names)
    return Outcome(oracle=f"expected = np.take({pn}, {iname}, axis=0)", names=names)


@generator("batch_normalization", 0.7)
def _batch_normalization(p: Prog) -> Outcome:
    dtype = p.choice(FLOATS)
    shape = p.shape(int(p.rng.choice([1, 2, 3])))
    c = shape[-1:] if p.chance(0.85) else p.shape(1)
    x, xn = p.tensor(p.values(shape, dtype))
    m, mn = p.tensor(p.values(c, dtype))
    v, vn = p.tensor(np.abs(p.values(c, dtype)))
    off, on = p.tensor(p.values(c, dtype))
    sc, sn = p.tensor(p.values(c, dtype))
    eps = p.choice([1e-3, 0.0, -1.0])
    p.run(f"tf.nn.batch_normalization({x}, {m}, {v}, {off}, {sc}, {eps!r}, name='fz')")
    names = ("batch_normalization", "batchnorm", "Rsqrt")
    try:
        np.broadcast_shapes(shape, c)
    except ValueError:
        return Outcome(expect_error="channel shapes do not broadcast", names=names)
    src = (
        f"_inv = ({sn} / np.sqrt({vn} + {dtype}({eps!r}))).astype({xn}.dtype)\n"
        f"expected = ({xn} * _inv + ({on} - {mn} * _inv)).astype({xn}.dtype)\n"
        f"atol = 1e-4 * max(1.0, float(np.abs(expected[np.isfinite(expected)]).max(initial=0)))"
    ).replace(f"{dtype}({eps!r})", f"np.{dtype}({eps!r})")
    return Outcome(oracle=src, names=names)
