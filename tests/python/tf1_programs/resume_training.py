# Training that checkpoints every 100 steps, "crashes", and resumes from
# tf.train.latest_checkpoint in a new graph and session: the global step and the optimizer's
# slots continue where they were.
import os
import sys

import numpy as np
import tensorflow as tf

ckpt_dir = sys.argv[1]
rng = np.random.RandomState(0)
data = rng.normal(size=(256, 4)).astype(np.float32)
target = np.tanh(data @ rng.normal(size=(4, 1))).astype(np.float32)


def build():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    hidden = tf.layers.dense(x, 16, activation=tf.tanh, name="hidden")
    pred = tf.layers.dense(hidden, 1, name="out")
    loss = tf.reduce_mean(tf.square(pred - y))
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
    return x, y, loss, step, train


def train(steps, crash_after=None):
    with tf.Graph().as_default():
        x, y, loss, step, train_op = build()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            latest = tf.train.latest_checkpoint(ckpt_dir)
            if latest:
                saver.restore(sess, latest)
                print("resumed from", os.path.basename(latest))
            else:
                sess.run(tf.global_variables_initializer())
            while sess.run(step) < steps:
                sess.run(train_op, {x: data, y: target})
                s = sess.run(step)
                if s % 100 == 0:
                    saver.save(sess, os.path.join(ckpt_dir, "model"), global_step=s)
                if crash_after is not None and s == crash_after:
                    return None
            return sess.run(step), sess.run(loss, {x: data, y: target})


train(500, crash_after=250)  # the run stops between checkpoints
final_step, final_loss = train(500)
print("final step", final_step)
print("final loss", final_loss)
