# An MLP with tf.layers.batch_normalization and dropout: the train op waits on UPDATE_OPS, a
# boolean placeholder switches between training and inference, as the TF1 docs require.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

digits = load_digits()
features = digits.data.astype(np.float32)  # unscaled: batch norm has to do the work
labels = digits.target.astype(np.int64)

x = tf.placeholder(tf.float32, [None, 64])
y = tf.placeholder(tf.int64, [None])
training = tf.placeholder_with_default(False, shape=[], name="training")
tf.set_random_seed(1)
h = tf.layers.dense(x, 64, use_bias=False)
h = tf.layers.batch_normalization(h, training=training)
h = tf.nn.relu(h)
h = tf.layers.dropout(h, rate=0.2, training=training)
logits = tf.layers.dense(h, 10)
loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)

update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
correct = tf.equal(tf.argmax(logits, 1), y)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    rng = np.random.RandomState(0)
    for _ in range(300):
        batch = rng.choice(1500, 64, replace=False)
        sess.run(train_op, {x: features[batch], y: labels[batch], training: True})
    moving = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    print("update ops", len(update_ops))
    print("moving mean moved", bool(np.abs(sess.run(moving)).max() > 0.1))
    print("accuracy", sess.run(accuracy, {x: features[1500:], y: labels[1500:]}))
