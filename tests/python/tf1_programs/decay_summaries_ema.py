# Logistic regression with a decaying learning rate, a global step, TensorBoard summaries and
# an exponential moving average of the weights used for evaluation, as TF1 training scripts
# commonly combine them.
import os
import sys

import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

log_dir = os.path.join(sys.argv[1], "logs")
digits = load_digits()
features = (digits.data / 16.0).astype(np.float32)
is_even = (digits.target % 2 == 0).astype(np.float32).reshape(-1, 1)

x = tf.placeholder(tf.float32, [None, 64])
y = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.zeros([64, 1]), name="w")
b = tf.Variable(tf.zeros([1]), name="b")
logits = tf.matmul(x, w) + b
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))

global_step = tf.train.get_or_create_global_step()
learning_rate = tf.train.exponential_decay(1.0, global_step, 100, 0.5, staircase=True)
opt = tf.train.GradientDescentOptimizer(learning_rate)
train_op = opt.minimize(loss, global_step=global_step)
ema = tf.train.ExponentialMovingAverage(0.9, num_updates=global_step)
with tf.control_dependencies([train_op]):
    train_and_average = ema.apply([w, b])

avg_logits = tf.matmul(x, ema.average(w)) + ema.average(b)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(avg_logits > 0, tf.float32), y), tf.float32))

tf.summary.scalar("loss", loss)
tf.summary.scalar("learning_rate", learning_rate)
tf.summary.histogram("weights", w)
merged = tf.summary.merge_all()

with tf.Session() as sess:
    writer = tf.summary.FileWriter(log_dir, sess.graph)
    sess.run(tf.global_variables_initializer())
    for step in range(400):
        summary, _ = sess.run([merged, train_and_average], {x: features[:1500], y: is_even[:1500]})
        if step % 50 == 0:
            writer.add_summary(summary, step)
    writer.close()
    print("learning rate", sess.run(learning_rate))
    print("step", sess.run(global_step))
    print("ema accuracy", sess.run(accuracy, {x: features[1500:], y: is_even[1500:]}))

print("event files", len(tf.gfile.Glob(os.path.join(log_dir, "events.out.tfevents.*"))))
