# The tensorflow.compat.v1 spelling many later TF1 scripts use, with tf.layers, variable
# scopes, Adam and streaming metrics for a binary task (digit 0 against the rest).
import numpy as np
import tensorflow.compat.v1 as tf
from sklearn.datasets import load_digits

tf.disable_v2_behavior()

digits = load_digits()
features = (digits.data / 16.0).astype(np.float32)
is_zero = (digits.target == 0).astype(np.float32)

x = tf.placeholder(tf.float32, [None, 64], name="x")
y = tf.placeholder(tf.float32, [None], name="y")
with tf.variable_scope("model"):
    hidden = tf.layers.dense(x, 16, activation=tf.nn.relu, name="hidden")
    logit = tf.squeeze(tf.layers.dense(hidden, 1, name="out"), axis=1)
prob = tf.sigmoid(logit)
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logit))
train = tf.train.AdamOptimizer(0.01).minimize(loss)

auc, auc_update = tf.metrics.auc(y, prob)
precision, precision_update = tf.metrics.precision(y, tf.greater(prob, 0.5))
recall, recall_update = tf.metrics.recall(y, tf.greater(prob, 0.5))

with tf.Session() as sess:
    sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
    rng = np.random.RandomState(2)
    for _ in range(300):
        batch = rng.choice(1500, 64, replace=False)
        sess.run(train, {x: features[batch], y: is_zero[batch]})
    sess.run([auc_update, precision_update, recall_update], {x: features[1500:], y: is_zero[1500:]})
    print("variables", sorted(v.name for v in tf.trainable_variables()))
    print("auc", sess.run(auc))
    print("precision", sess.run(precision), "recall", sess.run(recall))
