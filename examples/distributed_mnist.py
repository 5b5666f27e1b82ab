"""Data-parallel training with Horovod's TF1 API on varflow.

    pip install ".[distributed]"
    mpiexec -n 2 python examples/distributed_mnist.py

The MLP of varflow.demo (64-128-10, ReLU) on scikit-learn's handwritten digits: every rank
reads its own shard of the training set (rank r takes every size()-th example from r), the
optimizer averages the gradients over the ranks, the learning rate is scaled by the number of
ranks (Horovod's convention: the averaged batch is size() times larger), rank 0's initial
weights are broadcast to the others, and only rank 0 writes checkpoints.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import varflow as tf
import varflow.horovod as hvd
from varflow.demo import load_data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=32, help="examples per rank and step")
    parser.add_argument("--lr", type=float, default=0.01, help="before scaling by size()")
    parser.add_argument("--checkpoint-dir", default=str(Path(tempfile.gettempdir()) / "vf_hvd"))
    args = parser.parse_args(argv)

    hvd.init()
    x_train, x_test, y_train, y_test = load_data()
    x_shard, y_shard = x_train[hvd.rank() :: hvd.size()], y_train[hvd.rank() :: hvd.size()]

    x = tf.placeholder(tf.float32, [None, 64], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    hidden = tf.layers.dense(x, 128, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 10, name="logits")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    accuracy = tf.reduce_mean(
        tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y), tf.float32)
    )
    global_step = tf.train.get_or_create_global_step()
    opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(args.lr * hvd.size()))
    train_op = opt.minimize(loss, global_step=global_step)
    bcast = hvd.broadcast_global_variables(0)
    saver = tf.train.Saver() if hvd.rank() == 0 else None
    if hvd.rank() == 0:
        Path(args.checkpoint_dir).mkdir(parents=True, exist_ok=True)

    rng = np.random.RandomState(1234 + hvd.rank())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bcast)
        for step in range(1, args.steps + 1):
            idx = rng.randint(0, len(x_shard), args.batch)
            _, value = sess.run([train_op, loss], {x: x_shard[idx], y: y_shard[idx]})
            if step % 100 == 0 and hvd.rank() == 0:
                acc = sess.run(accuracy, {x: x_test, y: y_test})
                print(f"step {step}: loss {value:.4f}, test accuracy {acc:.4f}", flush=True)
                saver.save(sess, str(Path(args.checkpoint_dir) / "model"), global_step=step)
        test_acc = sess.run(accuracy, {x: x_test, y: y_test})
    if hvd.rank() == 0:
        print(
            f"{hvd.size()} ranks, {args.steps} steps of {args.batch} examples per rank: "
            f"test accuracy {test_acc:.4f}; checkpoints in {args.checkpoint_dir}"
        )
    return test_acc


if __name__ == "__main__":
    main()
