"""Builds the model the C++ import host trains, in Python, and saves it as TF1 programs do.

    python examples/cpp_import_host/make_model.py --out DIR

writes ``DIR/model-0.meta`` and ``DIR/model-0.safetensors`` (``tf.train.Saver.save`` at global
step 0: the meta graph with the ``train_op`` collection, and the initial values) and
``DIR/data.bin``, a fixed classification set. The C++ host imports the meta graph, restores
the checkpoint, trains and saves; ``train_in_python`` runs the same steps here, so a test can
compare the two.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

FEATURES, CLASSES, EXAMPLES = 12, 4, 256
MAGIC = b"VFD1"


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian features, labels from a fixed random linear teacher."""
    rng = np.random.RandomState(seed)
    x = rng.randn(EXAMPLES, FEATURES).astype(np.float32)
    teacher = rng.randn(FEATURES, CLASSES).astype(np.float32)
    y = np.argmax(x @ teacher + 0.5 * rng.randn(EXAMPLES, CLASSES), axis=1).astype(np.int32)
    return x, y


def write_data(path: Path, x: np.ndarray, y: np.ndarray) -> None:
    """MAGIC, int32 examples and features, float32 x row-major, int32 labels (little-endian)."""
    with path.open("wb") as f:
        f.write(MAGIC)
        np.array([x.shape[0], x.shape[1]], "<i4").tofile(f)
        x.astype("<f4").tofile(f)
        y.astype("<i4").tofile(f)


def build(tf, seed: int = 0):
    """The model: two dense layers (TF1 names dense/kernel, dense_1/kernel...), sparse softmax
    cross-entropy, Adam with an exponentially decayed rate and the global step."""
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, FEATURES], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    hidden = tf.layers.dense(x, 32, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, CLASSES)
    loss = tf.identity(tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits), "loss")
    step = tf.train.get_or_create_global_step()
    rate = tf.train.exponential_decay(0.02, step, 10, 0.9)
    train = tf.train.AdamOptimizer(rate).minimize(loss, global_step=step, name="train")
    if train not in tf.get_collection("train_op"):  # TF1's minimize adds it itself
        tf.add_to_collection("train_op", train)
    return x, y, loss, train


def batches(x: np.ndarray, y: np.ndarray, steps: int, batch_size: int):
    """Step i trains on rows [i * batch_size, (i + 1) * batch_size) modulo the set (the host's
    order)."""
    for i in range(steps):
        rows = np.arange(i * batch_size, (i + 1) * batch_size) % x.shape[0]
        yield x[rows], y[rows]


def main() -> None:
    import varflow as tf

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    x, y = make_data(args.seed)
    write_data(args.out / "data.bin", x, y)
    with tf.Graph().as_default():
        build(tf, args.seed)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, str(args.out / "model"), global_step=0)


if __name__ == "__main__":
    main()
