# Train, save with tf.train.Saver into a directory made with tf.gfile, restore into a new
# graph and predict the same, as the "save and restore" guides do.
import os
import sys

import numpy as np
import tensorflow as tf

model_dir = os.path.join(sys.argv[1], "model")
if not tf.gfile.Exists(model_dir):
    tf.gfile.MakeDirs(model_dir)

rng = np.random.RandomState(0)
data = rng.normal(size=(200, 3)).astype(np.float32)
target = data @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3


def build():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.get_variable("w", [3, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    return x, tf.matmul(x, w) + b


with tf.Graph().as_default():
    x, pred = build()
    y = tf.placeholder(tf.float32, [None, 1])
    loss = tf.reduce_mean(tf.square(pred - y))
    step = tf.train.get_or_create_global_step()
    train = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=step)
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(300):
            sess.run(train, {x: data, y: target})
            if (i + 1) % 100 == 0:
                path = saver.save(sess, os.path.join(model_dir, "model.ckpt"), global_step=step)
        print("saved", os.path.basename(path))
        print("final loss", sess.run(loss, {x: data, y: target}))
        before = sess.run(pred, {x: data[:5]})

print(
    "files", sorted(os.path.basename(p) for p in tf.gfile.Glob(os.path.join(model_dir, "*.meta")))
)
with tf.Graph().as_default():
    x, pred = build()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, tf.train.latest_checkpoint(model_dir))
        after = sess.run(pred, {x: data[:5]})
print("same predictions", bool(np.allclose(before, after)))
