"""Generators for one optimizer step: odd hyperparameters (negative, zero, NaN, huge, fed at run
time), gradients of the wrong shape or dtype through apply_gradients, integer variables."""

from __future__ import annotations

from .program import Prog
from .registry import Outcome, generator

OPTIMIZERS = {
    # name: constructor arguments after the learning rate
    "GradientDescentOptimizer": "",
    "MomentumOptimizer": ", momentum=0.9",
    "AdamOptimizer": "",
    "AdagradOptimizer": "",
    "RMSPropOptimizer": "",
    "AdadeltaOptimizer": "",
    "FtrlOptimizer": "",
    "AdamaxOptimizer": "",
    "NadamOptimizer": "",
    "AMSGradOptimizer": "",
    "AdamWOptimizer": ", weight_decay=0.01",
    "LAMBOptimizer": "",
    "LionOptimizer": "",
    "ProximalAdagradOptimizer": "",
    "ProximalGradientDescentOptimizer": "",
}


@generator("optimizer", 1.5)
def _optimizer(p: Prog) -> Outcome:
    opt = p.choice(sorted(OPTIMIZERS))
    dtype = p.choice(["float32", "float32", "float64", "int32"])
    shape = p.shape(max_rank=3)
    init = p.array(p.values(shape, dtype, special=0.05))
    x = p.array(p.values(shape, dtype if dtype != "int32" else "float32", special=0.05))
    lr = p.choice(["0.1", "0.1", "0.0", "-1.0", "float('nan')", "1e30", "lr_ph"])
    names = (opt, "fz", "Apply", "gradients")
    p.line(f"v = tf.Variable({init}, name='fz')")
    if lr == "lr_ph":
        p.line("lr_ph = tf.placeholder(tf.float32, shape=None)")
        p.feeds.append(f"lr_ph: np.float32({p.choice([0.1, -1.0, 1e30])})")
    p.line(f"opt = tf.train.{opt}({lr}{OPTIMIZERS[opt]})")
    kind = p.choice(["minimize", "minimize", "wrong_shape", "wrong_dtype", "none_grad"])
    if kind == "minimize":
        p.line(f"loss = tf.reduce_sum(v * tf.constant({x}, dtype=v.dtype.base_dtype))")
        p.line("step = opt.minimize(loss)")
    elif kind == "wrong_shape":
        other = p.array(p.values(p.shape(max_rank=3), "float32"))
        p.line(f"step = opt.apply_gradients([(tf.constant({other}, dtype=v.dtype.base_dtype), v)])")
    elif kind == "wrong_dtype":
        other = p.array(p.values(shape, p.choice(["int64", "float64", "bool"])))
        p.line(f"step = opt.apply_gradients([(tf.constant({other}), v)])")
    else:
        p.line("step = opt.apply_gradients([(None, v)])")
    feed = "{" + ", ".join(p.feeds) + "}"
    p.custom_run = True
    p.lines += [
        "phase = 'run'",
        "with tf.Session() as sess:",
        "    sess.run(tf.global_variables_initializer())",
        f"    sess.run(step, feed_dict={feed})",
        "    value = sess.run(v)",
    ]
    if dtype == "int32" and kind == "minimize":
        return Outcome(names=names)
    if kind == "none_grad":
        return Outcome(expect_error="no gradients for any variable", names=names)
    if opt == "GradientDescentOptimizer" and kind == "minimize" and lr == "0.1":
        # d(sum(v * x))/dv = x, so one step is v - 0.1 * x, with TF1's learning rate: a float32
        # tensor cast to the variable's dtype.
        return Outcome(
            oracle=(
                f"_lr = {init}.dtype.type(np.float32(0.1))\n"
                f"expected = ({init} - _lr * {x}).astype({init}.dtype)"
            ),
            names=names,
        )
    return Outcome(names=names)
