"""Generators for Session-level misuse (wrong feeds and fetches) and Python constants that
do not fit their dtype."""

from __future__ import annotations

from .program import DTYPES, Prog
from .registry import Outcome, generator

BIG_VALUES = (
    "2**40",
    "2**31",
    "-2**31 - 1",
    "2**63",
    "2**64",
    "1e10",
    "-1e10",
    "1.5",
    "float('nan')",
    "float('inf')",
    "-2**31 // -1",
    "[1, 2**40]",
    "[[1, 2], [3]]",
)


@generator("constant", 1.5)
def _constant(p: Prog) -> Outcome:
    value = p.choice(BIG_VALUES)
    dtype = p.choice([None, None, "int32", "int64", "float32", "float64", "bool"])
    dt = "" if dtype is None else f", dtype=tf.{dtype}"
    p.run(f"tf.constant({value}{dt}, name='fz')")
    if "**" in value or "//" in value:
        # Spelled out, so a message quoting the number is not mistaken for a wrapped size.
        p.line(f"# {value} == {eval(value)!r}")
    names = ("constant", "Const")
    v = eval(value)  # one of the literals above
    if dtype is None:
        if value == "[[1, 2], [3]]":
            return Outcome(expect_error="ragged nested list", names=names)
        if isinstance(v, int) and not -(2**63) <= v < 2**63:
            return Outcome(expect_error=f"{value} does not fit int64", names=names)
        if isinstance(v, (list, int)):
            # TF1 picks int32, or int64 when a value needs it; either way the value is exact.
            return Outcome(oracle=f"expected = np.asarray({value})", names=names)
        return Outcome(names=names)
    if value == "[[1, 2], [3]]":
        return Outcome(expect_error="ragged nested list", names=names)
    flat = v if isinstance(v, list) else [v]
    if dtype in ("int32", "int64"):
        lo, hi = (-(2**31), 2**31) if dtype == "int32" else (-(2**63), 2**63)
        if any(isinstance(x, float) or not lo <= x < hi for x in flat):
            return Outcome(expect_error=f"{value} is not a {dtype}", names=names)
    if dtype == "bool" and not all(isinstance(x, bool) for x in flat):
        return Outcome(expect_error=f"{value} is not a bool", names=names)
    if dtype in ("float32", "float64") and value not in ("float('nan')",):
        return Outcome(
            oracle=f"expected = np.asarray({value}, dtype=np.float64).astype(np.{dtype})",
            names=names,
        )
    return Outcome(names=names)


@generator("feed", 2.0)
def _feed(p: Prog) -> Outcome:
    """A placeholder fed the wrong way: shape or dtype mismatch, a missing feed, unknown names,
    values NumPy cannot turn into an array of the placeholder's dtype."""
    dtype = p.choice(DTYPES)
    shape = p.shape(max_rank=3)
    decl = p.choice(["None", repr(list(shape)), repr([None] * len(shape))])
    tf_dt = "tf.bool" if dtype == "bool" else f"tf.{dtype}"
    p.line(f"x = tf.placeholder({tf_dt}, shape={decl}, name='fz')")
    p.line("y = tf.identity(x, name='fz_out')")
    names = ("fz", "Placeholder")
    kind = p.choice(
        [
            "shape",
            "dtype",
            "missing",
            "unknown_fetch",
            "unknown_feed",
            "odd_value",
            "ok",
            "string_fetch",
            "fetch_op",
            "feed_fetch_same",
        ]
    )
    good = p.values(shape, dtype)
    gname = p.array(good)
    if kind == "shape":
        bad = p.values(p.shape(max_rank=3), dtype)
        p.feeds.append(f"x: {p.array(bad)}")
        p.run("y")
        if decl != "None" and (
            bad.shape != shape if "None" not in decl else bad.ndim != len(shape)
        ):
            return Outcome(expect_error="feed shape does not match the placeholder", names=names)
        return Outcome(names=names)
    if kind == "dtype":
        other = p.choice(DTYPES)
        bad = p.values(shape, other)
        p.feeds.append(f"x: {p.array(bad)}")
        p.run("y")
        return Outcome(names=names)
    if kind == "missing":
        p.run("y")
        return Outcome(expect_error="placeholder not fed", names=names)
    if kind == "unknown_fetch":
        p.feeds.append(f"x: {gname}")
        p.run(repr(p.choice(["nope:0", "fz_out:1", "fz_out:-1", ":0", "fz:99999999999"])))
        return Outcome(
            expect_error="no such tensor", names=(*names, "nope", "fz_out"), keyerror_ok=True
        )
    if kind == "unknown_feed":
        p.feeds.append(f"x: {gname}")
        p.feeds.append(f"{p.choice(['nope:0', 'fz:1', 'fz_out:0'])!r}: {gname}")
        p.run("y")
        return Outcome(names=(*names, "nope", "fz_out"), keyerror_ok=True)
    if kind == "odd_value":
        odd = p.choice(
            [
                "'abc'",
                "[1, [2]]",
                "None",
                "object()",
                "{1: 2}",
                "[[1, 2], [3]]",
                "np.array([1, 2], dtype=np.complex64)",
                "np.array(['a'], dtype=object)",
                f"{gname}.astype('>f4')",
                f"np.asfortranarray({gname})",
                f"{gname}[::-1] if {gname}.ndim else {gname}",
                "np.float16(1)",
                "np.uint64(2**64 - 1)",
                "2**70",
                "np.datetime64('2020-01-01')",
            ]
        )
        p.feeds.append(f"x: {odd}")
        p.run("y")
        return Outcome(names=names)
    if kind == "string_fetch":
        p.feeds.append(f"'fz:0': {gname}")
        p.run("'fz_out:0'")
        return Outcome(oracle=f"expected = {gname}", names=names, keyerror_ok=True)
    if kind == "fetch_op":
        p.feeds.append(f"x: {gname}")
        p.run(p.choice(["y.op", "[y, [y.op, (y,)]]", "{'a': y}", "tf.no_op()", "[]", "'fz_out'"]))
        return Outcome(names=names)
    if kind == "feed_fetch_same":
        p.feeds.append(f"x: {gname}")
        p.run("x")
        return Outcome(oracle=f"expected = {gname}", names=names)
    p.feeds.append(f"x: {gname}")
    p.run("y")
    return Outcome(oracle=f"expected = {gname}", names=names)


@generator("variable", 0.7)
def _variable(p: Prog) -> Outcome:
    """Variables: assign a wrongly shaped/typed value, read before init, initialise from a
    placeholder."""
    dtype = p.choice(["float32", "float64", "int32", "int64"])
    shape = p.shape(max_rank=2)
    init = p.array(p.values(shape, dtype))
    p.line(f"v = tf.Variable({init}, name='fz')")
    names = ("fz", "Variable", "Assign")
    kind = p.choice(["assign_shape", "assign_dtype", "uninit", "assign_add", "ok"])
    if kind == "assign_shape":
        new_shape = p.shape(max_rank=2)
        other = p.array(p.values(new_shape, dtype))
        p.line(f"out = tf.assign(v, {other}, name='fz_assign')")
        if new_shape == shape:
            _run_with_init(p, names, expect=None)
            return Outcome(oracle=f"expected = {other}", names=names)
        # Assign's validate_shape defaults to True in TF1: a static mismatch is a ValueError.
        return _run_with_init(p, names, expect=f"assign {new_shape} to a {shape} variable")
    if kind == "assign_dtype":
        other_dt = p.choice(DTYPES)
        other = p.array(p.values(shape, other_dt))
        p.line(f"out = tf.assign(v, {other}, name='fz_assign')")
        return _run_with_init(p, names, expect=None)
    if kind == "uninit":
        p.line("out = v + 0")
        p.custom_run = True
        p.lines += ["phase = 'run'", "with tf.Session() as sess:", "    value = sess.run(out)"]
        return Outcome(expect_error="uninitialized variable", names=(*names, "uninitialized"))
    if kind == "assign_add":
        delta = p.array(p.values(shape, dtype))
        p.line(f"out = tf.assign_add(v, {delta}, name='fz_assign')")
        _run_with_init(p, names, expect=None)
        return Outcome(oracle=f"expected = {init} + {delta}", names=names)
    p.line("out = tf.identity(v)")
    _run_with_init(p, names, expect=None)
    return Outcome(oracle=f"expected = {init}", names=names)


def _run_with_init(p: Prog, names, expect) -> Outcome:
    p.custom_run = True
    p.lines += [
        "phase = 'run'",
        "with tf.Session() as sess:",
        "    sess.run(tf.global_variables_initializer())",
        "    value = sess.run(out)",
    ]
    return Outcome(expect_error=expect, names=names)
