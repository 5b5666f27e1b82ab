"""GEMM work per MLP training step, counted rather than timed (load-independent).

Runs the 784-256-256-10 MLP step of scenarios/mlp.py on varflow with an LD_PRELOAD shim
(gemm_count/gemmcount.c, compiled here with the system's cc) that counts every float32 GEMM
call and its 2mnk flops, and compares them with the model's own matrix-product flops
(scenarios.mlp.flops: forward, weight gradients, input gradients but the first layer's). A
step that does more is computing something nobody reads (as GATE_OP's tuples once made
varflow compute the gradient of the input placeholder: +33% at every batch size).

    python benchmarks/bench_gemm_work.py [--write-results benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report import write_block

CASES = [
    (opt, batch, gate)
    for opt in ("GradientDescent", "Adam")
    for batch in (32, 128, 512)
    for gate in ("GATE_OP", "GATE_NONE", "GATE_GRAPH")
] + [("gradients only", 512, "")]


def build_shim() -> Path:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        sys.exit("bench_gemm_work: needs a C compiler for the counting shim")
    out = HERE / "out" / "gemm_count"
    out.mkdir(parents=True, exist_ok=True)
    so = out / "libgemmcount.so"
    src = HERE / "gemm_count" / "gemmcount.c"
    subprocess.run([cc, "-O2", "-shared", "-fPIC", str(src), "-o", str(so), "-ldl"], check=True)
    return so


def count_in_child() -> list[dict]:
    """Runs inside the LD_PRELOAD'ed child: one step per case, counted."""
    from itertools import cycle

    import numpy as np
    import varflow as tf
    from scenarios import mlp

    lib = ctypes.CDLL(None)
    lib.vf_gemm_count_flops.restype = ctypes.c_double
    lib.vf_gemm_count_calls.restype = ctypes.c_long
    out = []
    for opt, batch, gate in CASES:
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, mlp.LAYERS[0]])
            y = tf.placeholder(tf.float32, [None, mlp.LAYERS[-1]])
            h = x
            weights = mlp.init_weights(np)
            for i, (w0, b0) in enumerate(weights):
                h = tf.matmul(h, tf.Variable(w0)) + tf.Variable(b0)
                if i < len(weights) - 1:
                    h = tf.nn.relu(h)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h))
            if opt == "gradients only":
                grads = tf.gradients(loss, tf.trainable_variables())
                op = tf.add_n([tf.reduce_sum(g) for g in grads])
            else:
                o = (
                    tf.train.AdamOptimizer(1e-3)
                    if opt == "Adam"
                    else tf.train.GradientDescentOptimizer(0.01)
                )
                op = o.minimize(loss, gate_gradients=getattr(tf.train.Optimizer, gate))
            batches = cycle(mlp.data(np, batch))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                xb, yb, _ = next(batches)
                sess.run([op, loss], {x: xb, y: yb})  # first run: plan and buffers
                lib.vf_gemm_count_reset(1)
                sess.run([op, loss], {x: xb, y: yb})
                calls, flops = lib.vf_gemm_count_calls(), lib.vf_gemm_count_flops()
                lib.vf_gemm_count_reset(0)
        out.append(
            {
                "case": opt,
                "batch": batch,
                "gate": gate,
                "calls": calls,
                "flops": flops,
                "model_flops": mlp.flops(batch),
            }
        )
    return out


def markdown(rows: list[dict], version: str) -> str:
    lines = [
        "<!-- bench_gemm_work:begin -->",
        "## GEMM work per MLP step (counted, `benchmarks/bench_gemm_work.py`)",
        "",
        (
            "Float32 GEMM calls and flops (2mnk) of one 784-256-256-10 MLP step on varflow "
            f"{version}, counted by an LD_PRELOAD shim around OpenBLAS's `cblas_sgemm` (no timing, "
            "so the machine's load does not matter; VARFLOW_ONEDNN=0 sends the products that "
            "oneDNN would compute to OpenBLAS too), against the model's own matrix-product flops "
            "(forward, weight gradients, input gradients of layers 2 and 3). Extra work is a "
            "product nobody reads."
        ),
        "",
        "| step | batch | gate | GEMM calls | MFLOP | model MFLOP | extra |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        extra = r["flops"] / r["model_flops"] - 1
        lines.append(
            f"| {r['case']} | {r['batch']} | {r['gate'] or '-'} | {r['calls']} | "
            f"{r['flops'] / 1e6:.1f} | {r['model_flops'] / 1e6:.1f} | {100 * extra:+.0f}% |"
        )
    if any(r["flops"] > r["model_flops"] * 1.001 for r in rows):
        lines += [
            "",
            (
                "Where a row does more than the model: GATE_OP builds TF1's `tuple` of every op's "
                "gradients, and its `group_deps` NoOp has a control edge to the gradient of the first "
                "layer's MatMul with respect to the fed input `x` (g·W1ᵀ, 2·B·784·256 flops), which "
                "nothing reads. A plan that runs everything control edges reach computes it; TF1 does "
                "not (grappler's dependency optimizer turns nodes whose outputs nobody reads and that "
                "have no side effects into NoOps: `sess.run(tf.group(big_matmul))` takes 0.04 ms in "
                "TF 2.21's compat.v1 against 876 ms for the 1500x1500 product itself on this loaded machine)."
            ),
        ]
    lines += ["<!-- bench_gemm_work:end -->", ""]
    return "\n".join(lines)


def main() -> int:
    if os.environ.get("VF_GEMM_COUNT_CHILD"):
        print(json.dumps(count_in_child()))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-results", metavar="RESULTS_MD")
    args = ap.parse_args()
    # Every product on the BLAS, where the shim sees it: the larger ones would otherwise go to
    # oneDNN (kernels/gemm_onednn.h), which computes the same products.
    env = {
        **os.environ,
        "LD_PRELOAD": str(build_shim()),
        "VF_GEMM_COUNT_CHILD": "1",
        "VARFLOW_ONEDNN": "0",
    }
    proc = subprocess.run(
        [sys.executable, __file__], env=env, capture_output=True, text=True, check=True
    )
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    import varflow

    block = markdown(rows, getattr(varflow, "__version__", "?"))
    print(block)
    if args.write_results:
        write_block(Path(args.write_results), block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
