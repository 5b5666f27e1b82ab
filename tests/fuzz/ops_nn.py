"""Generators for tf.nn ops, losses, clipping and segment sums."""

from __future__ import annotations

import numpy as np

from .ops_math import axis_value
from .program import FLOATS, INTS, Prog
from .registry import Outcome, generator

FLOAT_TOL = "\natol = 1e-5 * max(1.0, float(np.abs({x}[np.isfinite({x})]).max(initial=0)))"


def _float(p: Prog) -> str:
    return p.dtype(FLOATS, stray=0.05)


@generator("softmax", 1.5)
def _softmax(p: Prog) -> Outcome:
    fn = p.choice(["softmax", "log_softmax"])
    dtype = _float(p)
    shape = p.shape(max_rank=3)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    axis = None if p.chance(0.5) else axis_value(p, rank)
    p.run(f"tf.nn.{fn}({x}, axis={axis}, name='fz')")
    names = (fn, "Softmax", "LogSoftmax")
    if dtype not in FLOATS:
        return Outcome(expect_error=f"{fn} of {dtype}", names=names)
    a = -1 if axis is None else axis
    if rank == 0:
        return Outcome(expect_error="softmax of a scalar", names=names)
    if not -rank <= a < rank:
        return Outcome(expect_error=f"axis {a} out of range", names=names)
    src = (
        f"_z = {xn} - np.max({xn}, axis={a}, keepdims=True) if {xn}.size else {xn}\n"
        f"_l = _z - np.log(np.sum(np.exp(_z), axis={a}, keepdims=True))\n"
        f"expected = _l if {fn!r} == 'log_softmax' else np.exp(_l)"
    )
    return Outcome(oracle=src + FLOAT_TOL.format(x=xn), names=names)


@generator("softmax_xent", 1.5)
def _softmax_xent(p: Prog) -> Outcome:
    fn = p.choice(
        [
            "softmax_cross_entropy_with_logits_v2",
            "softmax_cross_entropy_with_logits",
            "sparse_softmax_cross_entropy_with_logits",
            "sigmoid_cross_entropy_with_logits",
        ]
    )
    dtype = _float(p)
    shape = p.shape(int(p.rng.choice([1, 2, 2, 2, 3])))
    names = (
        fn,
        "SoftmaxCrossEntropyWithLogits",
        "SparseSoftmaxCrossEntropyWithLogits",
        "xent",
        "softmax_cross_entropy",
        "sigmoid_cross_entropy",
        "logits",
        "labels",
    )
    logits = p.values(shape, dtype)
    if fn.startswith("sparse"):
        classes = shape[-1] if shape else 1
        lshape = shape[:-1] if p.chance(0.9) else p.shape(max_rank=2)
        hi = classes + (1 if p.chance(0.15) else 0)
        lo = -1 if p.chance(0.05) else 0
        labels = p.rng.integers(lo, max(hi, 1), int(np.prod(lshape, dtype=np.int64)))
        labels = labels.reshape(lshape).astype(
            p.choice([*INTS, "float32"] if p.chance(0.1) else INTS)
        )
        lab, ln = p.tensor(labels)
        lg, gn = p.tensor(logits)
        p.run(f"tf.nn.{fn}(labels={lab}, logits={lg}, name='fz')")
        if labels.dtype.kind != "i":
            return Outcome(expect_error="float labels", names=names)
        if lshape != shape[:-1]:
            # TF1 reshapes labels against logits when static shapes are unknown, so only a
            # size mismatch is sure to raise.
            sure = np.prod(lshape, dtype=np.int64) != np.prod(shape[:-1], dtype=np.int64)
            return Outcome(
                expect_error=f"labels {lshape} vs logits {shape}" if sure else None, names=names
            )
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            return Outcome(expect_error="label out of range", names=names)
        if dtype not in FLOATS:
            return Outcome(names=names)
        src = (
            f"_z = {gn} - np.max({gn}, axis=-1, keepdims=True) if {gn}.size else {gn}\n"
            f"_l = _z - np.log(np.sum(np.exp(_z), axis=-1, keepdims=True))\n"
            f"expected = -np.take_along_axis(_l, {ln}[..., None].astype(np.int64), -1)[..., 0]"
        )
        return Outcome(oracle=src + FLOAT_TOL.format(x=gn), names=names)
    lshape = shape if p.chance(0.9) else p.shape(max_rank=3)
    labels = np.abs(p.values(lshape, dtype if p.chance(0.95) else p.choice(["int32", "float64"])))
    if labels.dtype.kind == "f" and labels.size and p.chance(0.7):
        with np.errstate(all="ignore"):
            labels = (labels / np.maximum(labels.sum(axis=-1, keepdims=True), 1e-3)).astype(
                labels.dtype
            )
    lab, ln = p.tensor(labels)
    lg, gn = p.tensor(logits)
    p.run(f"tf.nn.{fn}(labels={lab}, logits={lg}, name='fz')")
    if labels.dtype != logits.dtype and "list" not in p.modes:
        return Outcome(expect_error="labels and logits dtypes differ", names=names)
    if labels.dtype != logits.dtype or dtype not in FLOATS:
        return Outcome(names=names)
    if fn.startswith("sigmoid"):
        # Unknown static shapes broadcast at run time in TF1 (the ops are elementwise).
        try:
            np.broadcast_shapes(lshape, shape)
        except ValueError:
            return Outcome(expect_error=f"labels {lshape} vs logits {shape}", names=names)
        if lshape != shape and np.broadcast_shapes(lshape, shape) != shape:
            return Outcome(names=names)
        src = f"expected = np.maximum({gn}, 0) - {gn} * {ln} + np.log1p(np.exp(-np.abs({gn})))"
        return Outcome(oracle=src + FLOAT_TOL.format(x=gn), names=names)
    if lshape != shape:
        # TF1's kernel and shape function broadcast labels against logits.
        try:
            np.broadcast_shapes(lshape, shape)
            sure = False
        except ValueError:
            sure = all(m in ("const", "ph_shape", "list") for m in p.modes[-2:])
        return Outcome(
            expect_error=f"labels {lshape} vs logits {shape}" if sure else None, names=names
        )
    src = (
        f"_z = {gn} - np.max({gn}, axis=-1, keepdims=True) if {gn}.size else {gn}\n"
        f"_l = _z - np.log(np.sum(np.exp(_z), axis=-1, keepdims=True))\n"
        f"expected = -np.sum({ln} * _l, axis=-1)"
    )
    return Outcome(oracle=src + FLOAT_TOL.format(x=gn), names=names)


@generator("bias_add", 1.0)
def _bias_add(p: Prog) -> Outcome:
    dtype = p.dtype(("float32", "float64", "int32", "int64"))
    shape = p.shape(int(p.rng.choice([1, 2, 3, 4, 0])))
    fmt = p.choice([None, None, "NHWC", "NCHW"])
    c_axis = 1 if fmt == "NCHW" and len(shape) >= 2 else -1
    c = shape[c_axis] if shape else 1
    bshape = (c,) if p.chance(0.85) else p.shape(max_rank=2)
    x, xn = p.tensor(p.values(shape, dtype))
    b, bn = p.tensor(p.values(bshape, dtype))
    fmt_src = "" if fmt is None else f", data_format={fmt!r}"
    p.run(f"tf.nn.bias_add({x}, {b}{fmt_src}, name='fz')")
    names = ("bias_add", "BiasAdd")
    if len(shape) < 2:
        return Outcome(expect_error="bias_add needs rank >= 2", names=names)
    if bshape != (c,):
        return Outcome(expect_error=f"bias {bshape} for {c} channels", names=names)
    if dtype == "bool":
        return Outcome(names=names)
    if c_axis == 1:
        br = f"{bn}.reshape({[c] + [1] * (len(shape) - 2)!r})"
        return Outcome(oracle=f"expected = {xn} + {br}", names=names)
    return Outcome(oracle=f"expected = {xn} + {bn}", names=names)


@generator("moments", 1.0)
def _moments(p: Prog) -> Outcome:
    dtype = _float(p)
    shape = p.shape(max_rank=3)
    rank = len(shape)
    x, xn = p.tensor(p.values(shape, dtype))
    axes = [axis_value(p, rank) for _ in range(int(p.rng.integers(1, 3)))]
    keep = p.chance(0.5)
    p.run(f"tf.nn.moments({x}, {axes!r}, keep_dims={keep}, name='fz')")
    names = ("moments", "Mean", "mean", "variance")
    ax = tuple(a % rank for a in axes) if rank else ()
    if rank == 0 or any(not -rank <= a < rank for a in axes):
        return Outcome(expect_error="axes out of range", names=names)
    if len(set(ax)) != len(ax) or dtype not in FLOATS:
        return Outcome(names=names)
    src = (
        # A float32 sum near the overflow threshold depends on the summation order.
        f"assert (np.abs({xn}) < 1e18).all(), 'undefined'\n"
        f"_m = np.mean({xn}, axis={ax!r}, keepdims=True)\n"
        f"_v = np.mean(np.square({xn} - _m), axis={ax!r}, keepdims=True)\n"
        f"expected = [_m, _v] if {keep} else [np.squeeze(_m, {ax!r}), np.squeeze(_v, {ax!r})]"
    )
    return Outcome(oracle=src + FLOAT_TOL.format(x=xn).replace("1e-5", "1e-4"), names=names)


@generator("dropout", 0.7)
def _dropout(p: Prog) -> Outcome:
    dtype = p.dtype(FLOATS, stray=0.1)
    shape = p.shape(max_rank=3)
    x, xn = p.tensor(p.values(shape, dtype))
    rate = p.choice([0.0, 0.5, 0.99, 1.0, -0.1, 1.5, "ph"])
    names = ("dropout", "RandomUniform")
    if rate == "ph":
        r, _ = p.tensor(np.array(p.choice([0.5, 1.0, -1.0, 2.0]), dtype=dtype), "ph")
        rate_src = r
    else:
        rate_src = repr(rate)
    noise = None
    if p.chance(0.25):
        noise = [d if p.chance(0.7) else 1 for d in shape]
        if p.chance(0.3):
            noise = list(p.shape(len(shape)))
    ns = "" if noise is None else f", noise_shape={noise!r}"
    p.run(f"tf.nn.dropout({x}, rate={rate_src}{ns}, name='fz')")
    if dtype not in FLOATS:
        return Outcome(expect_error="dropout of a non-float", names=names)
    if isinstance(rate, float) and not 0 <= rate < 1:
        return Outcome(expect_error=f"rate {rate}", names=names)
    if rate == 0.0 and noise is None:
        return Outcome(oracle=f"expected = {xn}", names=names)
    return Outcome(names=names)


@generator("clip", 1.5)
def _clip(p: Prog) -> Outcome:
    fn = p.choice(["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm"])
    dtype = p.dtype(FLOATS, stray=0.1)
    shape = p.shape(max_rank=3)
    x, xn = p.tensor(p.values(shape, dtype))
    names = (fn, "ClipByValue", "GlobalNorm", "clip")
    if fn == "clip_by_value":
        # TF1 computes max(min(t, hi), lo): with lo > hi every element is lo.
        lo_shape = () if p.chance(0.8) else p.shape(max_rank=2)
        lo, lon = p.tensor(p.values(lo_shape, dtype))
        hi, hin = p.tensor(p.values((), dtype))
        p.run(f"tf.clip_by_value({x}, {lo}, {hi}, name='fz')")
        if dtype == "bool":
            return Outcome(names=names)
        try:
            if np.broadcast_shapes(shape, lo_shape) != shape:
                return Outcome(names=names)
        except ValueError:
            return Outcome(expect_error="bounds do not broadcast", names=names)
        return Outcome(oracle=f"expected = np.maximum(np.minimum({xn}, {hin}), {lon})", names=names)
    norm = p.choice([1.0, 0.5, 0.0, -1.0, 1e30, float("inf")])
    norm_src = repr(norm).replace("inf", "float('inf')")
    if fn == "clip_by_norm":
        axes = None if p.chance(0.6) else [axis_value(p, len(shape))]
        p.run(f"tf.clip_by_norm({x}, {norm_src}, axes={axes!r}, name='fz')")
        if dtype not in FLOATS:
            return Outcome(names=names)
        if axes is not None and (not shape or not -len(shape) <= axes[0] < len(shape)):
            return Outcome(expect_error="axis out of range", names=names)
        if norm <= 0 or not np.isfinite(norm):
            return Outcome(names=names)
        ax = None if axes is None else tuple(axes)
        src = (
            f"_n = np.sqrt(np.sum(np.square({xn}), axis={ax!r}, keepdims=True))\n"
            f"expected = ({xn} * {norm!r} / np.maximum(_n, {norm!r})).astype({xn}.dtype)"
        )
        return Outcome(oracle=src + FLOAT_TOL.format(x=xn), names=names)
    other, on = p.tensor(p.values(p.shape(max_rank=2), dtype))
    if fn == "global_norm":
        p.run(f"tf.global_norm([{x}, {other}], name='fz')")
        if dtype not in FLOATS:
            return Outcome(names=names)
        src = f"expected = np.sqrt(np.sum(np.square({xn})) + np.sum(np.square({on})))"
        return Outcome(oracle=src + FLOAT_TOL.format(x=xn), names=names)
    p.run(f"tf.clip_by_global_norm([{x}, {other}], {norm_src}, name='fz')[0]")
    return Outcome(names=names)


@generator("segment_sum", 1.0)
def _segment_sum(p: Prog) -> Outcome:
    dtype = p.dtype(("float32", "float64", "int32", "int64"))
    shape = p.shape(int(p.rng.choice([1, 2, 2, 3])))
    x, xn = p.tensor(p.values(shape, dtype))
    num = p.choice([0, 1, 3, 5, -1, 2**31 - 1, 2**40])
    ids_shape = shape[:1] if p.chance(0.8) else p.shape(max_rank=2)
    ids = p.rng.integers(
        -1,
        max(min(num, 6), 1) + (1 if p.chance(0.2) else 0),
        int(np.prod(ids_shape, dtype=np.int64)),
    )
    ids = ids.reshape(ids_shape).astype(p.choice(INTS))
    i, iname = p.tensor(ids)
    num_src = p.int_arg(num)
    p.run(f"tf.unsorted_segment_sum({x}, {i}, {num_src}, name='fz')")
    names = ("unsorted_segment_sum", "UnsortedSegmentSum")
    if num < 0:
        return Outcome(expect_error="negative num_segments", names=names)
    if tuple(shape[: len(ids_shape)]) != tuple(ids_shape):
        return Outcome(expect_error=f"ids {ids_shape} vs data {shape}", names=names)
    if ids.size and ids.max() >= num:
        return Outcome(expect_error="segment id out of range", names=names)
    out = num * int(np.prod(shape[len(ids_shape) :], dtype=np.int64))
    if out > 10**6 or dtype == "bool":
        return Outcome(names=names)
    src = (
        f"expected = np.zeros(({num},) + {xn}.shape[{len(ids_shape)}:], dtype={xn}.dtype)\n"
        f"_keep = {iname} >= 0\n"
        f"np.add.at(expected, {iname}[_keep], {xn}[_keep])"
    )
    return Outcome(oracle=src, names=names)


@generator("tensordot", 0.5)
def _tensordot(p: Prog) -> Outcome:
    dtype = _float(p)
    sa = p.shape(int(p.rng.integers(1, 4)))
    k = int(p.rng.integers(0, len(sa) + 1))
    sb = (*sa[len(sa) - k :], *p.shape(int(p.rng.integers(0, 2))))
    if p.chance(0.15):
        sb = p.shape(max_rank=3)
    axes = k if p.chance(0.8) else p.choice([-1, len(sa) + 1, [[0], [0]], [[0, 0], [0, 0]]])
    a, an = p.tensor(p.values(sa, dtype), "const")
    b, bn = p.tensor(p.values(sb, dtype), "const")
    p.run(f"tf.tensordot({a}, {b}, {axes!r}, name='fz')")
    names = ("tensordot", "Tensordot", "MatMul")
    src = (
        f"assert (np.abs({an}) < 1e18).all() and (np.abs({bn}) < 1e18).all(), 'undefined'\n"
        f"try:\n    expected = np.tensordot({an}, {bn}, {axes!r})\n"
        f"except (ValueError, IndexError) as e:\n    expect_error = f'NumPy: {{e}}'"
    )
    if dtype not in FLOATS:
        return Outcome(names=names)
    if isinstance(axes, int) and axes < 0:
        return Outcome(expect_error="negative axes", names=names)
    return Outcome(oracle=src + FLOAT_TOL.format(x=an).replace("1e-5", "1e-4"), names=names)
