"""The main job: a real training run on the embedded core, no downloads, no services.

Trains an MLP (64-128-10, ReLU) on scikit-learn's bundled handwritten digits (8x8 images,
1797 samples) with TF1's idioms: ``tf.layers.dense`` with an L2 kernel regularizer,
``tf.losses.sparse_softmax_cross_entropy`` plus ``tf.losses.get_regularization_loss``, an
optimizer (Adam by default) with an exponentially decaying learning rate on the global step,
gradient clipping by global norm, and an exponential moving average of the weights run after
every step (``tf.control_dependencies([train_op])``).

Every ``--eval-every`` steps it evaluates the test set with the raw and with the averaged
weights, so the report shows how the two differ over training. With ``num_updates`` the decay is
min(0.99, (1 + step) / (10 + step)): early on the average follows the raw weights closely, later
it averages over the last ~100 steps and smooths their noise (slightly lower test loss in the
middle of training); once the learning rate has decayed, the weights barely move and both give
the same predictions, hence the same final accuracy.

    pip install "varflow[demo]"    # scikit-learn and tqdm
    python -m varflow.demo --help
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import varflow as tf

OPTIMIZERS = {
    "adam": lambda lr: tf.train.AdamOptimizer(lr),
    "sgd": lambda lr: tf.train.GradientDescentOptimizer(lr),
    "momentum": lambda lr: tf.train.MomentumOptimizer(lr, 0.9),
    "rmsprop": lambda lr: tf.train.RMSPropOptimizer(lr),
    "adagrad": lambda lr: tf.train.AdagradOptimizer(lr),
}


def load_data(seed: int = 0):
    """Loads scikit-learn's digits as float32 in [0, 1], split 80/20 (stratified).

    Args:
      seed: The seed of the split.

    Returns:
      ``(x_train, x_test, y_train, y_test)``: [n, 64] float32 images and int32 labels.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int32)
    return train_test_split(x, y, test_size=0.2, random_state=seed, stratify=y)


def _model(x, getter=None, reuse=None):
    with tf.variable_scope("mlp", reuse=reuse, custom_getter=getter):
        l2 = tf.contrib.layers.l2_regularizer(1e-4)
        hidden = tf.layers.dense(
            x, 128, activation=tf.nn.relu, kernel_regularizer=l2, name="hidden"
        )
        return tf.layers.dense(hidden, 10, kernel_regularizer=l2, name="logits")


def train(
    steps: int = 1500,
    batch_size: int = 64,
    learning_rate: float = 3e-3,
    optimizer: str = "adam",
    seed: int = 0,
    eval_every: int = 100,
    logdir: str | None = None,
    progress: bool = True,
    log=print,
) -> dict:
    """Trains the MLP and evaluates it with its raw and its moving-average weights.

    Args:
      steps: Training steps.
      batch_size: Examples per step.
      learning_rate: The initial learning rate, halved every ``steps // 4`` steps.
      optimizer: One of ``OPTIMIZERS``' names.
      seed: Seeds the split, the initial weights and the batch order.
      eval_every: Steps between test evaluations (the last step is always evaluated).
      logdir: If given, writes TensorBoard summaries and the graph there.
      progress: Shows a progress bar on stderr.
      log: Called with each line of the report.

    Returns:
      A dict: ``losses`` (one per step), ``history`` (per evaluation: step, raw and averaged
      test accuracy and loss, and how many test digits the two predict differently), the final
      ``accuracy`` and ``averaged_accuracy``, ``final_learning_rate`` and ``seconds``.

    Raises:
      ValueError: If ``optimizer`` is unknown.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of {sorted(OPTIMIZERS)}")
    x_train, x_test, y_train, y_test = load_data(seed)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, shape=(None, 64), name="x")
        y = tf.placeholder(tf.int32, shape=(None,), name="y")
        logits = _model(x)
        xent = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
        loss = tf.add(xent, tf.losses.get_regularization_loss(), name="loss")

        global_step = tf.train.get_or_create_global_step()
        lr = tf.train.exponential_decay(
            learning_rate, global_step, decay_steps=max(steps // 4, 1), decay_rate=0.5
        )
        opt = OPTIMIZERS[optimizer](lr)
        grads, variables = zip(*opt.compute_gradients(loss), strict=True)
        clipped, _ = tf.clip_by_global_norm(list(grads), 5.0)
        train_op = opt.apply_gradients(
            zip(clipped, variables, strict=True), global_step=global_step
        )

        ema = tf.train.ExponentialMovingAverage(0.99, num_updates=global_step)
        with tf.control_dependencies([train_op]):
            train_and_average = ema.apply(tf.trainable_variables())

        def averaged(getter, name, *args, **kwargs):
            var = getter(name, *args, **kwargs)
            return ema.average(var) or var

        averaged_logits = _model(x, getter=averaged, reuse=True)
        averaged_xent = tf.losses.sparse_softmax_cross_entropy(
            labels=y, logits=averaged_logits, loss_collection=None
        )
        summaries = weight_images = None
        if logdir:
            # (TensorBoard groups the tags by their prefix: train/ here, test/ in evaluate.)
            tf.summary.scalar("train/loss", loss)
            tf.summary.scalar("train/learning_rate", lr)
            summaries = tf.summary.merge_all()
            # What the first hidden units look for: each one's 64 input weights as an 8x8 image.
            kernel = next(v for v in tf.trainable_variables() if v.op.name == "mlp/hidden/kernel")
            weight_images = tf.summary.image(
                "hidden_weights",
                tf.reshape(tf.transpose(kernel)[:4], [4, 8, 8, 1]),
                max_outputs=4,
                collections=[],
            )
            # The run's settings, as a table on TensorBoard's text dashboard.
            settings = tf.summary.text(
                "settings",
                tf.constant(
                    [
                        ["optimizer", optimizer],
                        [
                            "learning rate",
                            f"{learning_rate:g}, halved every {max(steps // 4, 1)} steps",
                        ],
                        ["steps", f"{steps} of batch {batch_size}"],
                        ["seed", str(seed)],
                    ]
                ),
                collections=[],
            )
        init = tf.global_variables_initializer()

    rng = np.random.default_rng(seed)
    losses, history = [], []
    writer = tf.summary.FileWriter(logdir, graph) if logdir else None
    start = time.perf_counter()
    with tf.Session(graph=graph) as sess:
        sess.run(init)
        if writer is not None:
            writer.add_summary(sess.run(settings), 0)
        log(
            f"varflow {tf.__version__} ({tf.build_info()['selected_isa']}): MLP 64-128-10 on the "
            f"digits, {len(x_train)} train / {len(x_test)} test, {optimizer}, {steps} steps"
        )

        def evaluate(step):
            raw, avg, raw_loss, avg_loss = sess.run(
                [logits, averaged_logits, xent, averaged_xent], {x: x_test, y: y_test}
            )
            raw_pred, avg_pred = np.argmax(raw, 1), np.argmax(avg, 1)
            point = {
                "step": step,
                "accuracy": float(np.mean(raw_pred == y_test)),
                "averaged_accuracy": float(np.mean(avg_pred == y_test)),
                "loss": float(raw_loss),
                "averaged_loss": float(avg_loss),
                # On how many test digits the two sets of weights disagree: once they agree on
                # every digit, their accuracies are equal however their losses differ.
                "disagreements": int(np.sum(raw_pred != avg_pred)),
            }
            history.append(point)
            if writer is not None:
                values = [
                    tf.summary.Summary.Value(tag=f"test/{key}", simple_value=point[name])
                    for key, name in [
                        ("accuracy", "accuracy"),
                        ("accuracy_averaged", "averaged_accuracy"),
                        ("loss", "loss"),
                        ("loss_averaged", "averaged_loss"),
                    ]
                ]
                writer.add_summary(tf.summary.Summary(value=values), step)
                writer.add_summary(sess.run(weight_images), step)

        bar = range(steps)
        if progress:
            from varflow._progress import progress_bar

            bar = progress_bar(bar, desc="training", unit="step")
        order = rng.permutation(len(x_train))
        pos = 0
        for step in bar:
            if pos + batch_size > len(order):
                order, pos = rng.permutation(len(x_train)), 0
            idx = order[pos : pos + batch_size]
            pos += batch_size
            feed = {x: x_train[idx], y: y_train[idx]}
            if writer is not None and step % 10 == 0:
                _, loss_value, summary = sess.run([train_and_average, loss, summaries], feed)
                writer.add_summary(summary, step)
            else:
                _, loss_value = sess.run([train_and_average, loss], feed)
            losses.append(float(loss_value))
            if (step + 1) % eval_every == 0 or step + 1 == steps:
                evaluate(step + 1)
            if progress and step % 50 == 0:
                bar.set_postfix(loss=f"{np.mean(losses[-50:]):.4f}", refresh=False)
        final_lr = float(sess.run(lr))
    elapsed = time.perf_counter() - start
    if writer is not None:
        writer.close()
    last = history[-1]
    result = {
        "losses": losses,
        "history": history,
        "accuracy": last["accuracy"],
        "averaged_accuracy": last["averaged_accuracy"],
        "final_learning_rate": final_lr,
        "seconds": elapsed,
    }
    log(
        f"train loss {np.mean(losses[:50]):.4f} -> {np.mean(losses[-50:]):.4f}; learning rate "
        f"{learning_rate:.1e} -> {final_lr:.1e}; {elapsed:.1f} s"
    )
    most = max(history, key=lambda h: h["disagreements"])
    log(
        f"raw and averaged weights disagree on {last['disagreements']} of {len(y_test)} test "
        f"digits at the end ({most['disagreements']} at step {most['step']}, the most): the\n"
        "average trails the raw weights by ~100 steps and smooths their noise; once the learning\n"
        "rate has decayed the raw weights barely move, and the two (and their accuracies) meet"
    )
    log("  step   test accuracy (raw / average)   test loss (raw / average)")
    for h in history:
        log(
            f"{h['step']:6d}   {h['accuracy']:.4f} / {h['averaged_accuracy']:.4f}"
            f"              {h['loss']:.4f} / {h['averaged_loss']:.4f}"
        )
    return result


def plot(result: dict, path: str) -> None:
    """Writes the training loss and the raw and averaged test loss and accuracy curves to a PNG.

    Needs matplotlib (``pip install 'varflow[plot]'``).

    Args:
      result: What ``train`` returns.
      path: The PNG file to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = result["history"]
    steps = [h["step"] for h in history]
    fig, (train, loss, accuracy) = plt.subplots(1, 3, figsize=(14, 4))
    train.plot(range(1, len(result["losses"]) + 1), result["losses"], lw=0.6)
    train.set(xlabel="step", ylabel="training loss (batch)", yscale="log", title="training loss")
    for axes, key, title in [(loss, "loss", "test loss"), (accuracy, "accuracy", "test accuracy")]:
        axes.plot(steps, [h[key] for h in history], marker=".", label="raw weights")
        axes.plot(
            steps, [h[f"averaged_{key}"] for h in history], marker=".", label="moving average"
        )
        axes.set(xlabel="step", ylabel=title, title=title)
        axes.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> dict:
    """``python -m varflow.demo``: parses the options, trains, and plots when asked.

    Args:
      argv: The command line's arguments (default: ``sys.argv[1:]``).

    Returns:
      What ``train`` returns.
    """
    parser = argparse.ArgumentParser(
        prog="python -m varflow.demo",
        description="Train an MLP on scikit-learn's digits with varflow's TF1 API.",
    )
    parser.add_argument("--steps", type=int, default=1500, help="training steps (default 1500)")
    parser.add_argument("--batch-size", type=int, default=64, help="batch size (default 64)")
    parser.add_argument(
        "--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="default adam"
    )
    parser.add_argument("--lr", type=float, default=3e-3, help="initial learning rate")
    parser.add_argument("--seed", type=int, default=0, help="data split and weights seed")
    parser.add_argument(
        "--eval-every", type=int, default=100, help="steps between test evaluations"
    )
    parser.add_argument("--logdir", help="write TensorBoard summaries and the graph here")
    parser.add_argument("--plot", metavar="PNG", help="write loss/accuracy curves (matplotlib)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.steps < 1 or args.batch_size < 1 or args.eval_every < 1:
        parser.error("--steps, --batch-size and --eval-every must be positive")
    result = train(
        steps=args.steps,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        optimizer=args.optimizer,
        seed=args.seed,
        eval_every=args.eval_every,
        logdir=args.logdir,
        progress=not args.no_progress,
    )
    if args.plot:
        plot(result, args.plot)
        print(f"wrote {args.plot}")
    return result


if __name__ == "__main__":
    main()
