"""Generators for the sparse ops: SparseTensors with random (sometimes out-of-bounds,
negative, unsorted or repeated) indices and shapes, through to_dense, reorder, reshape,
reduce_sum, dense matmul, fill_empty_rows, sparse_add, segment sums and gather_nd; a NumPy
oracle where the indices are valid, an expected InvalidArgumentError where they are not."""

from __future__ import annotations

import numpy as np

from .program import Prog
from .registry import Outcome, generator

NAMES = (
    "SparseToDense",
    "SparseReorder",
    "SparseReshape",
    "SparseReduceSum",
    "SparseTensorDenseMatMul",
    "SparseFillEmptyRows",
    "SparseAdd",
    "SparseTensorDenseAdd",
    "SparseSegmentSum",
    "GatherNd",
)


def _indices(p: Prog, shape):
    """Random indices for `shape`: valid and sorted unique mostly, else one kind of bad."""
    rank = len(shape)
    size = int(np.prod(shape)) if shape else 1
    n = int(p.rng.integers(0, 6))
    flat = sorted({int(v) for v in p.rng.integers(0, max(size, 1), n)}) if size else []
    ix = (
        np.asarray(np.unravel_index(np.asarray(flat, np.intp), shape), np.int64).T.reshape(-1, rank)
        if rank
        else (np.zeros((len(flat), 0), np.int64))
    )
    kind = "ok"
    if len(ix) and p.chance(0.35):
        kind = p.choice(["oob", "negative", "unsorted", "repeated", "huge"])
        row = int(p.rng.integers(len(ix)))
        col = int(p.rng.integers(rank)) if rank else 0
        if kind == "oob" and rank:
            ix[row, col] = shape[col] + int(p.rng.integers(0, 3))
        elif kind == "negative" and rank:
            ix[row, col] = -1 - int(p.rng.integers(0, 3))
        elif kind == "huge" and rank:
            ix[row, col] = p.choice([2**31, 2**62, 2**63 - 1])
        elif kind == "unsorted" and len(ix) > 1:
            ix = ix[::-1].copy()
        elif kind == "repeated" and len(ix) > 1:
            ix[1] = ix[0]
        else:
            kind = "ok"
    return ix, kind


def _dense(ix, values, shape):
    """The dense tensor; repeated indices sum (what reduce_sum, matmul and the adds see)."""
    out = np.zeros(shape, values.dtype)
    for i, v in zip(ix, values, strict=True):
        out[tuple(i)] += v
    return out


@generator("sparse", 2.0)
def _sparse(p: Prog) -> Outcome:
    shape = tuple(max(d, 1) if p.chance(0.8) else d for d in p.shape(max_rank=3))
    if not shape:
        shape = (p.dim() or 1,)
    ix, kind = _indices(p, shape)
    dtype = p.choice(["float32", "float64", "int32", "int64"])
    values = p.values((len(ix),), dtype, special=0.0)
    ixt, ixn = p.tensor(ix, p.choice(["const", "ph", "ph_shape"]))
    vt, _ = p.tensor(values, p.choice(["const", "ph"]))
    shape_arr = np.asarray(shape, np.int64)
    if p.chance(0.1):
        shape_arr[int(p.rng.integers(len(shape)))] = p.choice([-1, 0, 2**40])
    st, _ = p.tensor(shape_arr, p.choice(["const", "ph"]))
    p.line(f"sp = tf.SparseTensor({ixt}, {vt}, {st})")
    op = p.choice(
        [
            "to_dense",
            "reorder",
            "reshape",
            "reduce_sum",
            "matmul",
            "fill",
            "add",
            "dense_add",
            "segment",
            "gather_nd",
        ]
    )
    # Validity against the shape the SparseTensor declares (which may differ from `shape`);
    # a huge dense shape is fine for the sparse ops, only the dense oracle skips it.
    in_bounds = bool(((ix >= 0) & (ix < shape_arr)).all()) if ix.size else True
    valid_ix = in_bounds and bool((shape_arr >= 0).all())
    small = valid_ix and int(np.prod(shape_arr.astype(float))) < 2**20
    ordered = kind not in ("unsorted", "repeated")
    dense = _dense(ix, values, tuple(int(d) for d in shape_arr)) if small else None
    rank = len(shape)
    if op == "to_dense":
        p.run("tf.sparse.to_dense(sp, name='fz')")
        if not valid_ix or not ordered:
            return Outcome(expect_error=f"to_dense of {kind} indices", names=NAMES)
        if dense is None:
            return Outcome(names=NAMES)
        return Outcome(oracle=f"expected = {p.array(dense)}", names=NAMES)
    if op == "reorder":
        p.run("tf.sparse.to_dense(tf.sparse.reorder(sp), name='fz')")
        if not valid_ix or kind == "repeated":
            return Outcome(expect_error=f"reorder of {kind} indices", names=NAMES)
        if dense is None:
            return Outcome(names=NAMES)
        return Outcome(oracle=f"expected = {p.array(dense)}", names=NAMES)
    if op == "reshape":
        new = [-1, *shape[1:][::-1]]
        p.run(f"tf.sparse.reshape(sp, {new!r}, name='fz').indices")
        if not valid_ix:
            return Outcome(expect_error=f"reshape of {kind} indices", names=NAMES)
        return Outcome(names=NAMES)
    if op == "reduce_sum":
        axis = int(p.rng.integers(-rank - 1, rank + 1))
        p.run(f"tf.sparse_reduce_sum(sp, axis={axis})")
        if not valid_ix or not -rank <= axis < rank:
            return Outcome(expect_error=f"reduce_sum of {kind}, axis {axis}", names=NAMES)
        if dense is None or dtype in ("int32", "int64"):
            return Outcome(names=NAMES)
        return Outcome(oracle=f"expected = np.sum({p.array(dense)}, axis={axis})", names=NAMES)
    if op == "matmul":
        k = shape[1] if rank == 2 else 2
        b = p.values((k, 3), dtype, special=0.0)
        bt, bn = p.tensor(b, "ph")
        p.run(f"tf.sparse_tensor_dense_matmul(sp, {bt}, name='fz')")
        if not valid_ix or rank != 2 or shape_arr[1] != k:
            return Outcome(expect_error=f"matmul of rank {rank}, {kind}", names=NAMES)
        if dense is None or dtype in ("int32", "int64"):
            return Outcome(names=NAMES)
        return Outcome(oracle=f"expected = {p.array(dense)} @ {bn}", names=NAMES)
    if op == "fill":
        p.run("tf.sparse_fill_empty_rows(sp, 0)[0].values")
        # Only a bad row index is an error (other columns are copied, never used as offsets).
        return Outcome(names=NAMES)
    if op in ("add", "dense_add"):
        if op == "add":
            p.run("tf.sparse_add(sp, sp).values")
        else:
            p.run(f"tf.sparse_add(sp, {p.array(np.zeros(shape, dtype))})")
        if not valid_ix or (op == "add" and not ordered):
            return Outcome(expect_error=f"{op} of {kind} indices", names=NAMES)
        if dense is None or tuple(shape_arr) != shape:
            return Outcome(names=NAMES)
        if op == "dense_add":
            return Outcome(oracle=f"expected = {p.array(dense)}", names=NAMES)
        return Outcome(names=NAMES)
    if op == "segment":
        data = p.values((4, 2), "float32", special=0.0)
        dt, _ = p.tensor(data, "const")
        p.run(f"tf.sparse_segment_sum({dt}, {ixt}[:, 0], {ixt}[:, -1])")
        return Outcome(names=NAMES)
    data = p.values(shape, "float32", special=0.0)
    dt, dn = p.tensor(data, "const")
    p.run(f"tf.gather_nd({dt}, {ixt}, name='fz')")
    if ix.size and not ((ix >= 0) & (ix < np.asarray(shape))).all():
        return Outcome(expect_error=f"gather_nd of {kind} indices", names=NAMES)
    return Outcome(
        oracle=f"expected = {dn}[tuple({ixn}.T)] if {ixn}.size else np.zeros((0,), np.float32)",
        names=NAMES,
    )
