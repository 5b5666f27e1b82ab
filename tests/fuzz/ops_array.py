"""Generators for shape-manipulating array ops."""

from __future__ import annotations

import numpy as np

from .ops_math import axis_value
from .program import DTYPES, HUGE, INTS, Prog
from .registry import Outcome, generator

MAX_ORACLE_ELEMENTS = 10**6


def _any_dtype(p: Prog) -> str:
    return p.choice(DTYPES)


def _size_of(dims) -> int:
    n = 1
    for d in dims:
        n *= d
    return n


def shape_arg(p: Prog, base) -> list[int]:
    """A requested shape: usually sensible, sometimes negative, huge or wrapping."""
    dims = list(base)
    r = p.rng.random()
    if r < 0.15 and dims:
        dims[int(p.rng.integers(len(dims)))] = p.choice(HUGE)
    elif r < 0.25 and dims:
        dims[int(p.rng.integers(len(dims)))] = p.choice([-1, -2, -(2**31)])
    elif r < 0.3:
        dims = [p.choice(HUGE), p.choice(HUGE)]
    return dims


def _too_big(dims) -> bool:
    return any(d < 0 for d in dims) or _size_of(dims) > 2**40


def _not_slow(dims: list[int]) -> list[int]:
    """A valid output of 10**7 elements up to the worker's 4 GiB would only be slow (filling
    gigabytes), not a bug; such sizes are pushed past any memory so the op must refuse them."""
    if dims and all(d >= 0 for d in dims) and 10**7 < _size_of(dims) <= 2**32:
        dims = list(dims)
        dims[dims.index(max(dims))] *= 2**20
    return dims


@generator("reshape", 2.0)
def _reshape(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape()
    x, xn = p.tensor(p.values(shape, dtype))
    size = _size_of(shape)
    r = p.rng.random()
    if r < 0.5:
        # A valid factorisation, possibly with -1.
        target = list(np.random.default_rng(int(p.rng.integers(1 << 30))).permutation(shape))
        if target and p.chance(0.5):
            target[int(p.rng.integers(len(target)))] = -1
        if p.chance(0.3):
            target = [*target, 1]
    elif r < 0.7:
        target = list(p.shape())
        if target and p.chance(0.4):
            target[0] = -1
    elif r < 0.85:
        target = [p.choice(HUGE), -1] if p.chance(0.5) else [p.choice(HUGE), p.choice(HUGE)]
    else:
        target = [-1, -1] if p.chance(0.5) else [p.choice([-2, -(2**31), 0]), -1]
    target = [int(t) for t in target]
    p.run(f"tf.reshape({x}, {p.int_arg(target)}, name='fz')")
    names = ("reshape", "Reshape")
    try:
        want = np.empty(size, dtype=np.int8).reshape(target).shape
    except (ValueError, TypeError, OverflowError):
        return Outcome(expect_error=f"cannot reshape {shape} to {target}", names=names)
    return Outcome(oracle=f"expected = {xn}.reshape({list(want)!r})", names=names)


@generator("tile", 1.5)
def _tile(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=3)
    x, xn = p.tensor(p.values(shape, dtype))
    mult = [int(p.rng.integers(0, 4)) for _ in shape]
    r = p.rng.random()
    if r < 0.15 and mult:
        mult[int(p.rng.integers(len(mult)))] = p.choice([*HUGE, 2**30])
    elif r < 0.2 and mult:
        mult = [2**30] * len(mult)
    elif r < 0.27:
        mult = [*mult, 2]
    elif r < 0.32 and mult:
        mult[0] = -1
    if len(mult) == len(shape) and all(m >= 0 for m in mult):
        out = _not_slow([d * m for d, m in zip(shape, mult, strict=True)])
        mult = [o // d if d else m for o, d, m in zip(out, shape, mult, strict=True)]
    p.run(f"tf.tile({x}, {p.int_arg(mult)}, name='fz')")
    names = ("tile", "Tile")
    if len(mult) != len(shape):
        return Outcome(expect_error="multiples length != rank", names=names)
    if any(m < 0 for m in mult):
        return Outcome(expect_error="negative multiple", names=names)
    out = [d * m for d, m in zip(shape, mult, strict=False)]
    if _size_of(out) > MAX_ORACLE_ELEMENTS or any(m >= 2**20 for m in mult):
        # np.tile repeats axis by axis, so a huge multiple next to a 0 is slow in NumPy too.
        return Outcome(
            expect_error="output larger than memory" if _size_of(out) > 2**40 else None,
            names=names,
        )
    return Outcome(oracle=f"expected = np.tile({xn}, {mult!r})", names=names)


@generator("fill", 1.5)
def _fill(p: Prog) -> Outcome:
    fn = p.choice(["fill", "zeros", "ones", "fill"])
    base = p.shape()
    dims = _not_slow(shape_arg(p, base))
    dtype = p.choice(["float32", "float64", "int32", "int64", "bool"])
    names = (fn, "Fill", "zeros", "ones")
    if fn == "fill":
        val = p.values((), dtype)
        v, vn = p.tensor(val, p.choice(["const", "ph"]))
        p.run(f"tf.fill({p.int_arg(dims)}, {v}, name='fz')")
        fill_src = f"{vn}"
    else:
        dims_src = p.int_arg(dims) if p.chance(0.7) else repr(tuple(dims))
        p.run(f"tf.{fn}({dims_src}, dtype=tf.{dtype}, name='fz')")
        fill_src = "0" if fn == "zeros" else "1"
    if _too_big(dims):
        return Outcome(expect_error=f"dims {dims} negative or too large", names=names)
    if _size_of(dims) > MAX_ORACLE_ELEMENTS:
        return Outcome(names=names)
    return Outcome(
        oracle=f"expected = np.full({tuple(dims)!r}, {fill_src}, dtype=np.{dtype})", names=names
    )


@generator("stack", 1.5)
def _stack(p: Prog) -> Outcome:
    fn = p.choice(["stack", "unstack", "concat", "concat"])
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=3)
    names = (fn, "Pack", "Unpack", "ConcatV2", "concat", "stack", "unstack")
    rank = len(shape)
    if fn == "unstack":
        x, xn = p.tensor(p.values(shape, dtype))
        axis = axis_value(p, rank)
        num = None if p.chance(0.7) else p.choice([0, 1, 2, 3, 2**31])
        num_src = "" if num is None else f", num={num}"
        p.run(f"tf.unstack({x}, axis={axis}{num_src}, name='fz')")
        if num == 0:
            # No outputs: TF1 runs nothing and returns [].
            return Outcome(names=names)
        if not -rank <= axis < rank:
            return Outcome(expect_error=f"axis {axis} out of range for rank {rank}", names=names)
        if num is not None and num != shape[axis]:
            return Outcome(expect_error=f"num {num} != dimension {shape[axis]}", names=names)
        if p.modes[-1] == "ph":
            return Outcome(names=names)
        return Outcome(
            oracle=f"expected = [np.squeeze(t, {axis}) for t in "
            f"np.split({xn}, {shape[axis]}, {axis})] if {shape[axis]} else []",
            names=names,
        )
    count = int(p.rng.integers(0, 4)) if p.chance(0.1) else int(p.rng.integers(1, 4))
    shapes = []
    for _ in range(count):
        s = list(shape)
        if fn == "concat" and s and p.chance(0.5):
            s[min(1, rank - 1)] = p.dim()
        if p.chance(0.08):
            s = list(p.shape(max_rank=3))
        shapes.append(tuple(s))
    dts = [dtype if p.chance(0.95) else _any_dtype(p) for _ in shapes]
    ts = [p.tensor(p.values(s, d)) for s, d in zip(shapes, dts, strict=False)]
    axis = axis_value(p, rank + (1 if fn == "stack" else 0))
    lst = "[" + ", ".join(t for t, _ in ts) + "]"
    nps = "[" + ", ".join(n for _, n in ts) + "]"
    p.run(f"tf.{fn}({lst}, axis={p.int_arg(axis) if fn == 'concat' else axis}, name='fz')")
    if not ts:
        return Outcome(expect_error="no values", names=names)
    if fn == "concat" and len(ts) == 1:
        # TF1 returns the one value as is, without checking the axis's range.
        return Outcome(oracle=f"expected = {ts[0][1]}", names=names)
    if len(set(dts)) > 1 and "list" in p.modes:
        # A list takes its dtype from the other values.
        return Outcome(names=names)
    if len(set(dts)) > 1:
        return Outcome(expect_error="mixed dtypes", names=names)
    if fn == "stack":
        if len(set(shapes)) > 1:
            return Outcome(expect_error=f"shapes differ {shapes}", names=names)
        r = len(shapes[0])
        if not -r - 1 <= axis <= r:
            return Outcome(expect_error=f"axis {axis} out of range", names=names)
        return Outcome(oracle=f"expected = np.stack({nps}, axis={axis})", names=names)
    ranks = {len(s) for s in shapes}
    if len(ranks) > 1:
        return Outcome(expect_error="ranks differ", names=names)
    r = ranks.pop()
    if r == 0 or not -r <= axis < r:
        return Outcome(expect_error=f"axis {axis} out of range for rank {r}", names=names)
    a = axis % r
    rest = {s[:a] + s[a + 1 :] for s in shapes}
    if len(rest) > 1:
        return Outcome(expect_error=f"shapes differ off the axis {shapes}", names=names)
    return Outcome(oracle=f"expected = np.concatenate({nps}, axis={axis})", names=names)


@generator("split", 1.0)
def _split(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=3)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    axis = axis_value(p, rank)
    names = ("split", "Split", "SplitV")
    dim = shape[axis] if -rank <= axis < rank else 0
    if p.chance(0.5):
        num = p.choice([1, 2, 3, dim or 1, 0, -1, 2**31])
        p.run(f"tf.split({x}, {num}, axis={axis}, name='fz')")
        if not -rank <= axis < rank:
            return Outcome(expect_error="axis out of range", names=names)
        if num <= 0 or dim % num:
            return Outcome(expect_error=f"{dim} not divisible by {num}", names=names)
        return Outcome(oracle=f"expected = np.split({xn}, {num}, axis={axis})", names=names)
    k = int(p.rng.integers(1, 4))
    sizes = [int(p.rng.integers(0, 3)) for _ in range(k)]
    if p.chance(0.5):
        sizes[-1] = dim - sum(sizes[:-1])
    if p.chance(0.3):
        sizes[int(p.rng.integers(k))] = -1
    if p.chance(0.1):
        sizes[0] = p.choice([-2, 2**31, 2**40])
    p.run(f"tf.split({x}, {p.int_arg(sizes, 'py')}, axis={axis}, name='fz')")
    if not -rank <= axis < rank:
        return Outcome(expect_error="axis out of range", names=names)
    fixed = [s for s in sizes if s != -1]
    if sizes.count(-1) > 1 or any(s < -1 for s in sizes) or sum(fixed) > dim:
        return Outcome(expect_error=f"sizes {sizes} for dimension {dim}", names=names)
    if -1 in sizes:
        sizes = [dim - sum(fixed) if s == -1 else s for s in sizes]
    if sum(sizes) != dim:
        return Outcome(expect_error=f"sizes {sizes} do not sum to {dim}", names=names)
    cuts = list(np.cumsum(sizes)[:-1])
    return Outcome(
        oracle=f"expected = np.split({xn}, {[int(c) for c in cuts]!r}, axis={axis})", names=names
    )


@generator("squeeze", 1.0)
def _squeeze(p: Prog) -> Outcome:
    fn = p.choice(["squeeze", "expand_dims"])
    dtype = _any_dtype(p)
    shape = p.shape()
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    names = (fn, "Squeeze", "ExpandDims")
    if fn == "expand_dims":
        axis = axis_value(p, rank + 1)
        p.run(f"tf.expand_dims({x}, {p.int_arg(axis)}, name='fz')")
        if not -rank - 1 <= axis <= rank:
            return Outcome(expect_error=f"axis {axis} out of range", names=names)
        return Outcome(oracle=f"expected = np.expand_dims({xn}, {axis})", names=names)
    axes = None if p.chance(0.3) else [axis_value(p, rank) for _ in range(p.rng.integers(1, 3))]
    p.run(f"tf.squeeze({x}, axis={axes!r}, name='fz')")
    if axes is None:
        return Outcome(oracle=f"expected = np.squeeze({xn})", names=names)
    if any(not -rank <= a < rank for a in axes):
        return Outcome(expect_error="axis out of range", names=names)
    if any(shape[a] != 1 for a in axes):
        return Outcome(expect_error="squeezing a dimension that is not 1", names=names)
    return Outcome(
        oracle=f"expected = np.squeeze({xn}, axis={tuple(sorted({a % rank for a in axes}))!r})",
        names=names,
    )


@generator("transpose", 1.0)
def _transpose(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=5)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    names = ("transpose", "Transpose")
    r = p.rng.random()
    if r < 0.2:
        p.run(f"tf.transpose({x}, name='fz')")
        return Outcome(oracle=f"expected = np.transpose({xn})", names=names)
    perm = [int(v) for v in p.rng.permutation(rank)]
    if r < 0.3 and perm:
        perm[0] = perm[-1] if rank > 1 else 1
    elif r < 0.4:
        perm = [*perm, rank]
    elif r < 0.45 and perm:
        perm[0] = p.choice([-1, rank, 2**31])
    p.run(f"tf.transpose({x}, {p.int_arg(perm)}, name='fz')")
    if sorted(perm) != list(range(rank)):
        return Outcome(expect_error=f"perm {perm} is not a permutation of rank {rank}", names=names)
    return Outcome(oracle=f"expected = np.transpose({xn}, {perm!r})", names=names)


@generator("pad", 1.0)
def _pad(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=3)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    mode = p.choice(["CONSTANT", "CONSTANT", "REFLECT", "SYMMETRIC"])
    pads = [[int(p.rng.integers(0, 3)), int(p.rng.integers(0, 3))] for _ in range(rank)]
    r = p.rng.random()
    if r < 0.1 and pads:
        pads[0][0] = -1
    elif r < 0.17 and pads:
        pads[0][1] = p.choice(HUGE)
    elif r < 0.22:
        pads = [*pads, [1, 1]]
    cv = "" if p.chance(0.7) or mode != "CONSTANT" else ", constant_values=3"
    if len(pads) == rank and all(v >= 0 for row in pads for v in row):
        out = [d + a + b for d, (a, b) in zip(shape, pads, strict=True)]
        if 10**7 < _size_of(out) <= 2**32:
            big = out.index(max(out))
            pads[big][1] += out[big] * 2**20
    p.run(f"tf.pad({x}, {p.int_arg(pads)}, mode={mode!r}{cv}, name='fz')")
    names = ("pad", "Pad", "PadV2", "MirrorPad")
    if len(pads) != rank:
        return Outcome(expect_error="paddings rows != rank", names=names)
    if any(v < 0 for row in pads for v in row):
        return Outcome(expect_error="negative padding", names=names)
    out = [d + a + b for d, (a, b) in zip(shape, pads, strict=False)]
    if _size_of(out) > MAX_ORACLE_ELEMENTS:
        big = _size_of(out) > 2**40
        return Outcome(expect_error="output larger than memory" if big else None, names=names)
    if mode != "CONSTANT":
        limit = 0 if mode == "REFLECT" else 1
        if any(
            a > d - 1 + limit or b > d - 1 + limit for d, (a, b) in zip(shape, pads, strict=False)
        ):
            return Outcome(expect_error=f"{mode} paddings too large for {shape}", names=names)
        np_mode = "reflect" if mode == "REFLECT" else "symmetric"
        return Outcome(oracle=f"expected = np.pad({xn}, {pads!r}, mode={np_mode!r})", names=names)
    if cv and dtype == "bool":
        return Outcome(names=names)
    value = 3 if cv else 0
    return Outcome(
        oracle=f"expected = np.pad({xn}, {pads!r}, constant_values={xn}.dtype.type({value}))",
        names=names,
    )


@generator("one_hot", 1.0)
def _one_hot(p: Prog) -> Outcome:
    shape = p.shape(max_rank=3)
    rank = len(shape)
    depth = p.choice([0, 1, 3, 5, -1, 2**31 - 1, 2**31])
    idx_dtype = p.choice(["int32", "int64", "int32", "float32"])
    raw = p.rng.integers(-2, max(depth, 1) + 2 if depth < 100 else 10, _size_of(shape))
    idx = raw.astype(idx_dtype).reshape(shape)
    i, iname = p.tensor(idx)
    axis = None if p.chance(0.4) else axis_value(p, rank + 1)
    ax_src = "" if axis is None else f", axis={axis}"
    if depth > 0 and 10**7 < _size_of(shape) * depth <= 2**32:
        depth = 2**31 - 1 if _size_of(shape) > 2 else 2**40
    p.run(f"tf.one_hot({i}, {depth}{ax_src}, name='fz')")
    names = ("one_hot", "OneHot")
    if idx_dtype == "float32":
        return Outcome(expect_error="float indices", names=names)
    if depth < 0:
        return Outcome(expect_error="negative depth", names=names)
    a = -1 if axis is None else axis
    if not -1 <= a <= rank:
        return Outcome(expect_error=f"axis {a} out of range", names=names)
    if _size_of(shape) * depth > MAX_ORACLE_ELEMENTS:
        return Outcome(names=names)
    a = rank if a == -1 else a
    src = (
        f"_e = (np.arange({depth}) == {iname}[..., None]).astype(np.float32)\n"
        f"expected = np.moveaxis(_e, -1, {a})"
    )
    return Outcome(oracle=src, names=names)


@generator("gather", 1.5)
def _gather(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=3)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    axis = 0 if p.chance(0.5) else axis_value(p, rank)
    dim = shape[axis] if -rank <= axis < rank else 1
    ishape = p.shape(max_rank=2)
    hi = dim + (1 if p.chance(0.2) else 0)
    lo = -1 if p.chance(0.1) else 0
    idx = p.rng.integers(lo, max(hi, 1), _size_of(ishape)).reshape(ishape)
    if p.chance(0.05) and idx.size:
        idx.flat[0] = p.choice([2**31 - 1, -(2**31)])
    idx = idx.astype(p.choice(INTS))
    i, iname = p.tensor(idx)
    p.run(f"tf.gather({x}, {i}, axis={p.int_arg(axis)}, name='fz')")
    names = ("gather", "GatherV2", "Gather")
    if rank == 0 or not -rank <= axis < rank:
        return Outcome(expect_error=f"axis {axis} out of range", names=names)
    if idx.size and (idx.min() < 0 or idx.max() >= dim):
        return Outcome(expect_error="index out of range", names=names)
    return Outcome(oracle=f"expected = np.take({xn}, {iname}, axis={axis})", names=names)


@generator("slice", 1.5)
def _slice(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=4)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype), p.choice(["const", "ph", "ph_shape", "ph_partial"]))
    names = ("slice", "Slice", "strided_slice", "StridedSlice")
    if p.chance(0.4):
        begin = [int(p.rng.integers(0, d + 1)) for d in shape]
        size = [int(p.rng.integers(-1, d - b + 1)) for d, b in zip(shape, begin, strict=False)]
        r = p.rng.random()
        if r < 0.1 and begin:
            begin[0] = p.choice([-1, 2**31 - 1, shape[0] + 1])
        elif r < 0.2 and size:
            size[0] = p.choice([-2, 2**31 - 1, shape[0] + 1])
        elif r < 0.25:
            begin = [*begin, 0]
        p.run(f"tf.slice({x}, {p.int_arg(begin)}, {p.int_arg(size)}, name='fz')")
        if len(begin) != rank or len(size) != rank:
            return Outcome(expect_error="begin/size length != rank", names=names)
        ends = []
        for d, b, s in zip(shape, begin, size, strict=False):
            e = d if s == -1 else b + s
            if b < 0 or s < -1 or e > d:
                return Outcome(expect_error="slice out of bounds", names=names)
            ends.append(e)
        idx = ", ".join(f"{b}:{e}" for b, e in zip(begin, ends, strict=False))
        return Outcome(
            oracle=f"expected = {xn}[{idx}]" if rank else f"expected = {xn}", names=names
        )
    # Python indexing: ints, slices with steps, newaxis, ellipsis.
    parts = []
    for _ in range(int(p.rng.integers(0, rank + 2))):
        r = p.rng.random()
        if r < 0.3:
            k = int(p.rng.integers(-3, 4))
            if p.chance(0.05):
                k = p.choice([2**31, 2**40, -(2**31) - 1])
            parts.append(str(k))
        elif r < 0.75:

            def bound():
                if p.chance(0.3):
                    return ""
                v = int(p.rng.integers(-4, 5))
                return str(p.choice([2**31, -(2**31), 2**62]) if p.chance(0.05) else v)

            step = p.choice(["", "", "1", "2", "-1", "-2", "0", "3"])
            parts.append(f"{bound()}:{bound()}" + (f":{step}" if step else ""))
        elif r < 0.88:
            parts.append("None")
        else:
            parts.append("...")
    spec = ", ".join(parts) if parts else "..."
    p.run(f"{x}[{spec}]")
    if parts.count("...") > 1:
        return Outcome(expect_error="two ellipses", names=names)
    if any(":0" in s.split(":", 2)[-1] and s.count(":") == 2 and s.endswith(":0") for s in parts):
        return Outcome(expect_error="zero step", names=names)
    if any(s.lstrip("-").isdigit() and abs(int(s)) >= 2**31 for s in parts):
        return Outcome(expect_error="index out of int32 range", names=names)
    oracle = (
        f"try:\n    expected = np.asarray({xn}[{spec}])\n"
        "except IndexError as e:\n    expect_error = f'NumPy: {e}'"
    )
    return Outcome(oracle=oracle, names=names)


@generator("cast", 1.0)
def _cast(p: Prog) -> Outcome:
    src = _any_dtype(p)
    dst = _any_dtype(p)
    x, xn = p.tensor(p.values(p.shape(), src, special=0.2))
    p.run(f"tf.cast({x}, tf.{dst}, name='fz')")
    names = ("cast", "Cast")
    if src in ("float32", "float64") and dst in INTS:
        # Out-of-range and non-finite float -> int is undefined in C++ and NumPy alike.
        info = np.iinfo(dst)
        return Outcome(
            oracle=(
                f"assert np.isfinite({xn}).all() and (np.abs({xn}) < {float(info.max) / 2}).all(),"
                f" 'undefined'\nexpected = {xn}.astype(np.{dst})"
            ),
            names=names,
        )
    npdst = "np.bool_" if dst == "bool" else f"np.{dst}"
    return Outcome(oracle=f"expected = {xn}.astype({npdst})", names=names)


@generator("where", 1.5)
def _where(p: Prog) -> Outcome:
    fn = p.choice(["where3", "where1", "boolean_mask", "boolean_mask"])
    shape = p.shape(max_rank=3)
    names = ("where", "Where", "Select", "boolean_mask", "GatherV2")
    cond_dtype = "bool" if p.chance(0.9) else p.choice(["int32", "float32"])
    cond = p.values(shape, cond_dtype)
    if fn == "where1":
        c, cn = p.tensor(cond)
        p.run(f"tf.where({c}, name='fz')")
        if cond_dtype != "bool":
            return Outcome(names=names)
        return Outcome(oracle=f"expected = np.argwhere({cn}).astype(np.int64)", names=names)
    dtype = _any_dtype(p)
    if fn == "where3":
        xs = shape if p.chance(0.85) else p.shape(max_rank=3)
        ys = shape if p.chance(0.85) else p.shape(max_rank=3)
        c, cn = p.tensor(cond)
        x, xn = p.tensor(p.values(xs, dtype))
        y, yn = p.tensor(p.values(ys, dtype))
        p.run(f"tf.where({c}, {x}, {y}, name='fz')")
        if cond_dtype != "bool":
            return Outcome(expect_error="non-bool condition", names=names)
        if xs != ys:
            return Outcome(expect_error=f"x {xs} and y {ys} differ", names=names)
        if shape != xs and not (len(shape) == 1 and xs and shape[0] == xs[0]):
            return Outcome(expect_error=f"condition {shape} vs x {xs}", names=names)
        cb = cn if shape == xs else f"{cn}.reshape({[shape[0]] + [1] * (len(xs) - 1)!r})"
        return Outcome(oracle=f"expected = np.where({cb}, {xn}, {yn})", names=names)
    ts = shape + p.shape(int(p.rng.integers(0, 2)))
    if p.chance(0.1):
        ts = p.shape(max_rank=3)
    x, xn = p.tensor(p.values(ts, dtype))
    c, cn = p.tensor(cond, p.choice(["const", "ph_shape", "ph_partial"]))
    p.run(f"tf.boolean_mask({x}, {c}, name='fz')")
    if cond_dtype != "bool":
        return Outcome(names=names)
    if not shape:
        return Outcome(expect_error="scalar mask", names=names)
    if tuple(ts[: len(shape)]) != tuple(shape):
        # With unknown static shapes TF1 only fails if a true index falls outside the tensor.
        return Outcome(names=names)
    return Outcome(oracle=f"expected = {xn}[{cn}]", names=names)


@generator("broadcast_to", 0.7)
def _broadcast_to(p: Prog) -> Outcome:
    dtype = _any_dtype(p)
    shape = p.shape(max_rank=3)
    x, xn = p.tensor(p.values(shape, dtype))
    target = list(shape)
    target = [d if d != 1 or p.chance(0.5) else p.dim() for d in target]
    if p.chance(0.3):
        target = [p.dim(), *target]
    target = shape_arg(p, target) if p.chance(0.3) else target
    target = _not_slow(target)
    p.run(f"tf.broadcast_to({x}, {p.int_arg(target)}, name='fz')")
    names = ("broadcast_to", "BroadcastTo")
    if _too_big(target):
        return Outcome(expect_error=f"shape {target}", names=names)
    try:
        np.broadcast_shapes(shape, tuple(target))
        ok = np.broadcast_shapes(shape, tuple(target)) == tuple(target)
    except ValueError:
        ok = False
    if not ok:
        return Outcome(expect_error=f"{shape} does not broadcast to {target}", names=names)
    if _size_of(target) > MAX_ORACLE_ELEMENTS:
        return Outcome(names=names)
    return Outcome(oracle=f"expected = np.broadcast_to({xn}, {tuple(target)!r})", names=names)


@generator("shape_ops", 0.5)
def _shape_ops(p: Prog) -> Outcome:
    fn = p.choice(["shape", "size", "rank"])
    dtype = _any_dtype(p)
    x, xn = p.tensor(p.values(p.shape(), dtype))
    p.run(f"tf.{fn}({x}, name='fz')")
    np_expr = {
        "shape": f"np.array({xn}.shape, dtype=np.int32)",
        "size": f"np.int32({xn}.size)",
        "rank": f"np.int32({xn}.ndim)",
    }[fn]
    return Outcome(oracle=f"expected = {np_expr}", names=(fn, "Shape", "Size", "Rank"))
