"""Generators for elementwise math, comparisons, reductions, matmul and scans."""

from __future__ import annotations

import numpy as np

from .program import FLOATS, INTS, NUMERIC, Prog
from .registry import Outcome, generator

UNARY = {
    # name: (expression, dtypes with an oracle, numpy oracle or None)
    "abs": ("tf.abs({x}, name='fz')", NUMERIC, "np.abs({x})"),
    "negative": ("tf.negative({x}, name='fz')", NUMERIC, "np.negative({x})"),
    "sign": ("tf.sign({x}, name='fz')", NUMERIC, "np.sign({x})"),
    "square": ("tf.square({x}, name='fz')", NUMERIC, "np.square({x})"),
    "sqrt": ("tf.sqrt({x}, name='fz')", FLOATS, "np.sqrt({x})"),
    "rsqrt": ("tf.rsqrt({x}, name='fz')", FLOATS, "1 / np.sqrt({x})"),
    "reciprocal": ("tf.reciprocal({x}, name='fz')", FLOATS, "np.reciprocal({x})"),
    "exp": ("tf.exp({x}, name='fz')", FLOATS, "np.exp({x})"),
    "expm1": ("tf.expm1({x}, name='fz')", FLOATS, "np.expm1({x})"),
    "log": ("tf.log({x}, name='fz')", FLOATS, "np.log({x})"),
    "log1p": ("tf.log1p({x}, name='fz')", FLOATS, "np.log1p({x})"),
    "tanh": ("tf.tanh({x}, name='fz')", FLOATS, "np.tanh({x})"),
    "sigmoid": ("tf.sigmoid({x}, name='fz')", FLOATS, "1 / (1 + np.exp(-{x}))"),
    "sin": ("tf.sin({x}, name='fz')", FLOATS, "np.sin({x})"),
    "cos": ("tf.cos({x}, name='fz')", FLOATS, "np.cos({x})"),
    "floor": ("tf.floor({x}, name='fz')", FLOATS, "np.floor({x})"),
    "ceil": ("tf.ceil({x}, name='fz')", FLOATS, "np.ceil({x})"),
    "round": ("tf.round({x}, name='fz')", FLOATS, "np.round({x})"),
    "relu": ("tf.nn.relu({x}, name='fz')", NUMERIC, "np.maximum({x}, 0)"),
    "relu6": ("tf.nn.relu6({x}, name='fz')", NUMERIC, "np.minimum(np.maximum({x}, 0), 6)"),
    "elu": ("tf.nn.elu({x}, name='fz')", FLOATS, "np.where({x} > 0, {x}, np.expm1({x}))"),
    "softplus": ("tf.nn.softplus({x}, name='fz')", FLOATS, "np.logaddexp({x}, 0)"),
    "selu": ("tf.nn.selu({x}, name='fz')", FLOATS, None),
    "leaky_relu": (
        "tf.nn.leaky_relu({x}, alpha=0.2, name='fz')",
        FLOATS,
        "np.where({x} > 0, {x}, {x} * {x}.dtype.type(0.2))",
    ),
    "logical_not": ("tf.logical_not({x}, name='fz')", ("bool",), "np.logical_not({x})"),
    "l2_loss": ("tf.nn.l2_loss({x}, name='fz')", FLOATS, "np.sum(np.square({x})) / 2"),
    "zeros_like": ("tf.zeros_like({x}, name='fz')", (*NUMERIC, "bool"), "np.zeros_like({x})"),
    "ones_like": ("tf.ones_like({x}, name='fz')", (*NUMERIC, "bool"), "np.ones_like({x})"),
    "identity": ("tf.identity({x}, name='fz')", (*NUMERIC, "bool"), "{x}"),
    "stop_gradient": ("tf.stop_gradient({x}, name='fz')", (*NUMERIC, "bool"), "{x}"),
}


def _unary(name):
    expr, allowed, oracle = UNARY[name]

    def gen(p: Prog) -> Outcome:
        dtype = p.dtype(allowed, stray=0.1)
        x, xn = p.tensor(p.values(p.shape(), dtype))
        p.run(expr.format(x=x))
        if dtype not in allowed or oracle is None:
            return Outcome(names=(name,))
        return Outcome(oracle=f"expected = {oracle.format(x=xn)}", names=(name,))

    return gen


for _name in UNARY:
    generator(_name, 0.6)(_unary(_name))


def broadcast_pair(p: Prog) -> tuple[tuple[int, ...], tuple[int, ...]]:
    a = p.shape()
    r = p.rng.random()
    if r < 0.4:
        return a, a
    if r < 0.8:
        b = list(a[int(p.rng.integers(len(a) + 1)) :])
        b = [1 if p.chance(0.3) else d for d in b]
        return (a, tuple(b)) if p.chance(0.5) else (tuple(b), a)
    return a, p.shape()


BINARY = {
    # name: (tf function, dtypes, NumPy oracle)
    "add": ("tf.add", NUMERIC, "np.add({a}, {b})"),
    "subtract": ("tf.subtract", NUMERIC, "np.subtract({a}, {b})"),
    "multiply": ("tf.multiply", NUMERIC, "np.multiply({a}, {b})"),
    "maximum": ("tf.maximum", NUMERIC, "np.maximum({a}, {b})"),
    "minimum": ("tf.minimum", NUMERIC, "np.minimum({a}, {b})"),
    "squared_difference": ("tf.squared_difference", NUMERIC, "np.square({a} - {b})"),
    "floordiv": ("tf.floordiv", NUMERIC, None),
    "floormod": ("tf.floormod", NUMERIC, None),
    "truediv": ("tf.truediv", NUMERIC, None),
    "div": ("tf.div", NUMERIC, None),
    "realdiv": ("tf.realdiv", FLOATS, "np.divide({a}, {b})"),
    "pow": ("tf.pow", NUMERIC, None),
    "less": ("tf.less", NUMERIC, "np.less({a}, {b})"),
    "less_equal": ("tf.less_equal", NUMERIC, "np.less_equal({a}, {b})"),
    "greater": ("tf.greater", NUMERIC, "np.greater({a}, {b})"),
    "greater_equal": ("tf.greater_equal", NUMERIC, "np.greater_equal({a}, {b})"),
    "equal": ("tf.equal", (*NUMERIC, "bool"), "np.equal({a}, {b})"),
    "not_equal": ("tf.not_equal", (*NUMERIC, "bool"), "np.not_equal({a}, {b})"),
    "logical_and": ("tf.logical_and", ("bool",), "np.logical_and({a}, {b})"),
    "logical_or": ("tf.logical_or", ("bool",), "np.logical_or({a}, {b})"),
    "logical_xor": ("tf.logical_xor", ("bool",), "np.logical_xor({a}, {b})"),
}

# Python scalars that do not fit the other operand's dtype.
OUT_OF_RANGE_SCALARS = ("2**40", "2**31", "-2**31 - 1", "2**63", "1e10", "1.5", "-2**31 // -1")


def _division_oracle(name: str, dtype: str, a: str, b: str) -> str | None:
    integer = dtype in INTS
    if name in ("floordiv", "div") and not integer:
        return f"expected = np.floor({a} / {b})" if name == "floordiv" else None
    if name == "div" and not integer:
        return f"expected = np.divide({a}, {b})"
    if name in ("floordiv", "div", "floormod") and integer:
        fn = "np.floor_divide" if name != "floormod" else "np.mod"
        # NumPy gives 0 for x // 0 and wraps INT_MIN // -1; TF1 raises / is undefined there.
        lo = np.iinfo(dtype).min
        return (
            f"_a, _b = np.broadcast_arrays({a}, {b})\n"
            f"assert not (_b == 0).any() and not ((_a == {lo}) & (_b == -1)).any(), 'undefined'\n"
            f"expected = {fn}({a}, {b})"
        )
    if name == "floormod":
        return f"expected = np.mod({a}, {b})"
    if name == "truediv":
        if integer:
            return f"expected = np.true_divide({a}.astype(np.float64), {b}.astype(np.float64))"
        return f"expected = np.true_divide({a}, {b})"
    if name == "pow":
        if integer:
            return f"assert ({b} >= 0).all(), 'undefined'\nexpected = np.power({a}, {b})"
        return f"expected = np.power({a}, {b})"
    return None


def _binary(name):
    fn, allowed, oracle = BINARY[name]

    def gen(p: Prog) -> Outcome:
        da = p.dtype(allowed, stray=0.08)
        db = da if p.chance(0.9) else p.dtype(allowed, stray=0.3)
        sa, sb = broadcast_pair(p)
        av = p.values(sa, da)
        bv = p.values(sb, db)
        if name in ("floordiv", "floormod", "div") and da in INTS and p.chance(0.3):
            # The INT_MIN // -1 and x // 0 corners, on purpose.
            info = np.iinfo(da)
            av = np.full(sa, info.min, da)
            bv = np.full(sb, p.choice([-1, 0]), db)
        if name == "pow" and db in INTS and p.chance(0.3):
            bv = np.full(sb, p.choice([-1, -2, 2**31 - 1, 10**9, 62, 63]), db)
            if p.chance(0.5):
                av = np.full(sa, p.choice([-1, 0, 1, 2, 3]), da)
        a, an = p.tensor(av)
        if p.chance(0.12):
            scalar = p.choice(OUT_OF_RANGE_SCALARS)
            p.run(f"{fn}({a}, {scalar}, name='fz')")
            v = eval(scalar)  # a fixed literal from the table above
            if da in INTS:
                info = np.iinfo(da)
                fits = isinstance(v, int) and info.min <= v <= info.max
            else:
                fits = da != "bool"
            return Outcome(
                expect_error=None if fits else f"{scalar} does not fit {da}",
                names=(name,),
            )
        b, bn = p.tensor(bv)
        p.run(f"{fn}({a}, {b}, name='fz')")
        if da != db and "list" in p.modes[-2:]:
            # A list operand takes the other operand's dtype (TF1 converts or rejects it).
            return Outcome(names=(name,))
        if da != db:
            return Outcome(expect_error=f"mixed dtypes {da} and {db}", names=(name,))
        if da not in allowed:
            return Outcome(names=(name,))
        try:
            np.broadcast_shapes(sa, sb)
        except ValueError:
            return Outcome(expect_error=f"shapes {sa} and {sb} do not broadcast", names=(name,))
        src = (
            f"expected = {oracle.format(a=an, b=bn)}"
            if oracle
            else _division_oracle(name, da, an, bn)
        )
        return Outcome(oracle=src, names=(name,))

    return gen


for _name in BINARY:
    generator(_name, 1.0)(_binary(_name))


def axis_value(p: Prog, rank: int):
    r = p.rng.random()
    if r < 0.6:
        return int(p.rng.integers(-rank, rank)) if rank else 0
    if r < 0.8:
        return p.choice([rank, -rank - 1, rank + 1, -(2**31), 2**31 - 1, 2**40, 5])
    return int(p.rng.integers(-rank - 2, rank + 2))


def axes_value(p: Prog, rank: int):
    r = p.rng.random()
    if r < 0.2:
        return None
    if r < 0.5:
        return axis_value(p, rank)
    n = int(p.rng.integers(0, rank + 2))
    axes = [axis_value(p, rank) for _ in range(n)]
    if axes and p.chance(0.15):
        axes.append(axes[0])
    return axes


def norm_axes(axes, rank):
    """NumPy's axis tuple, or a reason TF1 rejects the axes."""
    if axes is None:
        return tuple(range(rank)), None
    lst = [axes] if isinstance(axes, int) else list(axes)
    for a in lst:
        if not -rank <= a < rank:
            return None, f"axis {a} out of range for rank {rank}"
    normed = [a % rank for a in lst]
    if len(set(normed)) != len(normed):
        return None, f"duplicate axes {lst}"
    return tuple(normed), None


REDUCTIONS = {
    "reduce_sum": ("np.sum", NUMERIC, 0),
    "reduce_prod": ("np.prod", NUMERIC, 1),
    "reduce_max": ("np.max", NUMERIC, None),
    "reduce_min": ("np.min", NUMERIC, None),
    "reduce_mean": ("np.mean", NUMERIC, None),
    "reduce_all": ("np.all", ("bool",), True),
    "reduce_any": ("np.any", ("bool",), False),
}


def _reduction(name):
    np_fn, allowed, _ = REDUCTIONS[name]

    def gen(p: Prog) -> Outcome:
        dtype = p.dtype(allowed, stray=0.1)
        shape = p.shape()
        x, xn = p.tensor(p.values(shape, dtype))
        axes = axes_value(p, len(shape))
        keep = p.choice([None, True, False])
        axis_src = p.int_arg(axes) if axes is not None else "None"
        kw = "" if keep is None else f", keepdims={keep}"
        p.run(f"tf.{name}({x}, axis={axis_src}{kw}, name='fz')")
        if dtype not in allowed:
            return Outcome(expect_error=f"{name} does not take {dtype}", names=(name,))
        ax, bad = norm_axes(axes, len(shape))
        if bad:
            return Outcome(expect_error=bad, names=(name,))
        kd = bool(keep)
        reduced = int(np.prod([shape[a] for a in ax], dtype=np.int64))
        if name in ("reduce_max", "reduce_min") and reduced == 0:
            if dtype in FLOATS:
                ident = "-np.inf" if name == "reduce_max" else "np.inf"
            else:
                info = np.iinfo(dtype)
                ident = str(info.min if name == "reduce_max" else info.max)
            src = (
                f"expected = np.full(np.sum({xn}, axis={ax!r}, keepdims={kd}).shape, {ident}, "
                f"dtype=np.{dtype})"
            )
            return Outcome(oracle=src, names=(name,))
        if name == "reduce_mean" and dtype in INTS:
            if reduced == 0:
                return Outcome(names=(name,))
            src = (
                f"assert np.abs({xn}.astype(np.float64)).max(initial=0) < 2**40, 'undefined'\n"
                f"_s = np.sum({xn}, axis={ax!r}, keepdims={kd}, dtype=np.{dtype})\n"
                f"expected = np.fix(_s / {reduced}).astype(np.{dtype})"
            )
            return Outcome(oracle=src, names=(name,))
        dt = f", dtype=np.{dtype}" if name in ("reduce_sum", "reduce_prod") else ""
        src = ""
        if name == "reduce_prod" and dtype in FLOATS:
            # Overflow then underflow (3e38 * 5 * 1e-40) depends on the order of the products.
            src = (
                f"_f = np.abs({xn}[np.isfinite({xn})])\n"
                "assert ((_f < 1e15) & ((_f > 1e-15) | (_f == 0))).all(), 'undefined'\n"
            )
        src += f"expected = np.asarray({np_fn}({xn}, axis={ax!r}, keepdims={kd}{dt}))"
        if dtype in FLOATS:
            src += f"\natol = 1e-5 * max(1.0, float(np.abs({xn}[np.isfinite({xn})]).sum()))"
        return Outcome(oracle=src, names=(name,))

    return gen


for _name in REDUCTIONS:
    generator(_name, 1.5)(_reduction(_name))


@generator("argmax", 1.0)
def _argmax(p: Prog) -> Outcome:
    fn = p.choice(["argmax", "argmin"])
    dtype = p.dtype(NUMERIC)
    shape = p.shape()
    x, xn = p.tensor(p.values(shape, dtype))
    axis = axis_value(p, len(shape)) if p.chance(0.85) else None
    out_type = p.choice(["tf.int64", "tf.int32", "tf.int64", "tf.float32"])
    axis_src = p.int_arg(axis) if axis is not None else "None"
    p.run(f"tf.{fn}({x}, axis={axis_src}, output_type={out_type}, name='fz')")
    names = (fn, "ArgMax", "ArgMin")
    if out_type == "tf.float32":
        return Outcome(expect_error="output_type float32", names=names)
    a = 0 if axis is None else axis
    if dtype == "bool":
        return Outcome(names=names)
    if not -len(shape) <= a < max(len(shape), 0) or len(shape) == 0:
        return Outcome(expect_error=f"axis {a} out of range for rank {len(shape)}", names=names)
    if shape[a] == 0:
        return Outcome(expect_error="reduction axis is empty", names=names)
    # Where NaN wins (NumPy: the first NaN) TensorFlow differs too, so NaN inputs are not checked.
    src = (
        f"assert not np.isnan({xn}).any(), 'undefined'\n"
        f"expected = np.{fn}({xn}, axis={a}).astype({out_type.replace('tf.', 'np.')})"
    )
    return Outcome(oracle=src, names=names)


@generator("cumsum", 1.0)
def _cumsum(p: Prog) -> Outcome:
    fn = p.choice(["cumsum", "cumprod"])
    dtype = p.dtype(NUMERIC)
    shape = p.shape()
    x, xn = p.tensor(p.values(shape, dtype))
    axis = axis_value(p, len(shape))
    excl, rev = p.chance(0.4), p.chance(0.4)
    p.run(f"tf.{fn}({x}, axis={p.int_arg(axis)}, exclusive={excl}, reverse={rev}, name='fz')")
    names = (fn, "Cumsum", "Cumprod")
    if dtype == "bool":
        return Outcome(expect_error="bool scan", names=names)
    if not shape or not -len(shape) <= axis < len(shape):
        return Outcome(expect_error=f"axis {axis} out of range for rank {len(shape)}", names=names)
    ident = 0 if fn == "cumsum" else 1
    lines = [f"_x = {xn}"]
    if rev:
        lines.append(f"_x = np.flip(_x, {axis})")
    lines.append(f"_y = np.{fn}(_x, axis={axis}, dtype=_x.dtype)")
    if excl:
        lines += [
            (
                f"_y = np.concatenate([np.full_like(np.take(_x, [0], {axis}), {ident}), "
                f"np.delete(_y, -1, {axis})], {axis}) if _x.shape[{axis}] else _y"
            ),
        ]
    if rev:
        lines.append(f"_y = np.flip(_y, {axis})")
    lines.append("expected = _y")
    if dtype in FLOATS:
        lines.append(f"atol = 1e-5 * max(1.0, float(np.abs({xn}[np.isfinite({xn})]).sum()))")
    return Outcome(oracle="\n".join(lines), names=names)


@generator("matmul", 2.0)
def _matmul(p: Prog) -> Outcome:
    dtype = p.dtype(NUMERIC, stray=0.05)
    m, k, n = p.dim(), p.dim(), p.dim()
    batch = p.shape(int(p.rng.choice([0, 0, 0, 1, 2])))
    ta, tb = p.chance(0.3), p.chance(0.3)
    sa = (*batch, *((k, m) if ta else (m, k)))
    bbatch = batch if p.chance(0.8) else p.shape(len(batch))
    sb = (*bbatch, *((n, k) if tb else (k, n)))
    if p.chance(0.15):
        sb = p.shape()
    if p.chance(0.1):
        sa = p.shape()
    a, an = p.tensor(p.values(sa, dtype))
    b, bn = p.tensor(p.values(sb, dtype))
    p.run(f"tf.matmul({a}, {b}, transpose_a={ta}, transpose_b={tb}, name='fz')")
    names = ("matmul", "MatMul", "BatchMatMul")
    if dtype == "bool" or len(sa) < 2 or len(sb) < 2:
        return Outcome(
            expect_error="matmul needs rank >= 2" if dtype != "bool" else None, names=names
        )
    ea = f"np.swapaxes({an}, -1, -2)" if ta else an
    eb = f"np.swapaxes({bn}, -1, -2)" if tb else bn
    ka = sa[-2] if ta else sa[-1]
    kb = sb[-1] if tb else sb[-2]
    if ka != kb:
        return Outcome(expect_error=f"inner dimensions {ka} and {kb}", names=names)
    try:
        np.broadcast_shapes(sa[:-2], sb[:-2])
    except ValueError:
        return Outcome(expect_error="batch dimensions do not broadcast", names=names)
    # BLAS and NumPy order inf * 0 and overflowing sums differently (so does TensorFlow):
    # moderate finite inputs only.
    src = (
        f"assert (np.abs({an}) < 1e18).all() and (np.abs({bn}) < 1e18).all(), 'undefined'\n"
        f"expected = np.matmul({ea}, {eb})"
    )
    if dtype in FLOATS:
        src += (
            f"\natol = 1e-5 * {max(ka, 1)} * max(1.0, float(np.abs({an}).max(initial=0)))"
            f" * max(1.0, float(np.abs({bn}).max(initial=0)))"
        )
    return Outcome(oracle=src, names=names)


@generator("add_n", 1.0)
def _add_n(p: Prog) -> Outcome:
    dtype = p.dtype(NUMERIC)
    shape = p.shape()
    count = int(p.rng.integers(1, 5))
    shapes = [shape if p.chance(0.8) else p.shape() for _ in range(count)]
    dts = [dtype if p.chance(0.92) else p.dtype() for _ in range(count)]
    ts = [p.tensor(p.values(s, d)) for s, d in zip(shapes, dts, strict=False)]
    p.run(f"tf.add_n([{', '.join(t for t, _ in ts)}], name='fz')")
    names = ("add_n", "AddN")
    if len(set(dts)) > 1:
        return Outcome(expect_error="mixed dtypes", names=names)
    if len(set(shapes)) > 1:
        return Outcome(expect_error=f"shapes {shapes} differ", names=names)
    if dtype == "bool":
        return Outcome(names=names)
    src = f"expected = {' + '.join(n for _, n in ts)}"
    return Outcome(oracle=src, names=names)


def _py_literal(v) -> str:
    if isinstance(v, float) and not np.isfinite(v):
        return f"float('{v}')"
    return repr(v)


@generator("range", 1.0)
def _range(p: Prog) -> Outcome:
    def bound():
        r = p.rng.random()
        if r < 0.6:
            return int(p.rng.integers(-6, 7))
        if r < 0.75:
            return float(np.round(p.rng.normal(0, 4), 2))
        if r < 0.9:
            return p.choice([3221225472, 2**31, -(2**31), 2**40, 2**62, 1e10])
        return p.choice([float("inf"), float("nan")])

    start, limit = bound(), bound()
    delta = p.choice([1, 1, 2, -1, -2, 0, 0.5, -0.25, 3, 2**31, 1e-30])
    dtype = p.choice([None, None, "tf.int32", "tf.int64", "tf.float32", "tf.float64"])
    dt = "" if dtype is None else f", dtype={dtype}"
    if delta and all(np.isfinite(float(v)) for v in (start, limit)):
        n = (limit - start) / delta
        if 10**7 < n <= 2**30:
            # Valid, just gigabytes to fill: a long range past any memory instead.
            limit = start + delta * 2**62
    args = ", ".join(_py_literal(v) for v in (start, limit, delta))
    p.run(f"tf.range({args}{dt}, name='fz')")
    names = ("range", "Range")
    vals = (start, limit, delta)
    if delta == 0:
        return Outcome(expect_error="delta 0", names=names)
    if any(isinstance(v, float) and not np.isfinite(v) for v in vals):
        return Outcome(names=names)
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        return Outcome(expect_error="start/limit on the wrong side of delta", names=names)
    size = int(np.ceil(abs((limit - start) / delta)))
    if size > 10**7 or any(isinstance(v, float) and v != int(v) for v in (start, limit)):
        # Float bounds: TF1 computes the size in the output dtype, NumPy in float64.
        return Outcome(names=names)
    if dtype is None:
        kinds = ["float32" if isinstance(v, float) else "int32" for v in vals]
        if any(isinstance(v, int) and not -(2**31) <= v < 2**31 for v in vals):
            return Outcome(names=names)
        npdt = "float32" if "float32" in kinds else "int32"
    else:
        npdt = dtype[3:]
        exact = {"float32": 2**24, "float64": 2**53}.get(npdt)
        if exact and any(abs(v) > exact for v in vals):
            # TF1 counts in the output dtype, where such bounds round.
            return Outcome(names=names)
        if npdt in INTS and any(isinstance(v, float) and v != int(v) for v in vals):
            return Outcome(expect_error="float value for an integer range", names=names)
        if npdt in INTS and any(not np.iinfo(npdt).min <= v <= np.iinfo(npdt).max for v in vals):
            return Outcome(expect_error="value out of the dtype's range", names=names)
    src = (
        f"expected = np.arange({start!r}, {limit!r}, {delta!r}, dtype=np.float64)"
        f".astype(np.{npdt})\natol = 1e-5 * max(1.0, abs({start!r}), abs({limit!r}))"
    )
    if npdt in INTS:
        src = (
            f"expected = np.arange({int(start)}, {int(limit)}, {int(delta)}, dtype=np.int64)"
            f".astype(np.{npdt})"
        )
    return Outcome(oracle=src, names=names)
