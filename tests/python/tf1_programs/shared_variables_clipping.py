# Variable sharing with tf.variable_scope(reuse=True) (a "siamese" scorer applied to two
# inputs) trained with compute_gradients, clip_by_global_norm and apply_gradients.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

digits = load_digits()
features = (digits.data / 16.0).astype(np.float32)
targets = digits.target.astype(np.float32)


def scorer(inputs):
    w = tf.get_variable("w", [64, 1], initializer=tf.random_normal_initializer(stddev=0.1, seed=4))
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    return tf.squeeze(tf.matmul(inputs, w) + b, axis=1)


left = tf.placeholder(tf.float32, [None, 64])
right = tf.placeholder(tf.float32, [None, 64])
left_is_larger = tf.placeholder(tf.float32, [None])
with tf.variable_scope("scorer"):
    left_score = scorer(left)
with tf.variable_scope("scorer", reuse=True):
    right_score = scorer(right)
loss = tf.reduce_mean(
    tf.nn.sigmoid_cross_entropy_with_logits(labels=left_is_larger, logits=left_score - right_score)
)
opt = tf.train.MomentumOptimizer(0.1, 0.9)
grads_and_vars = opt.compute_gradients(loss)
grads, variables = zip(*grads_and_vars)
clipped, norm = tf.clip_by_global_norm(grads, 1.0)
train_op = opt.apply_gradients(zip(clipped, variables))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    rng = np.random.RandomState(0)
    for _ in range(400):
        i, j = rng.choice(1500, 64), rng.choice(1500, 64)
        sess.run(
            train_op,
            {
                left: features[i],
                right: features[j],
                left_is_larger: (targets[i] > targets[j]).astype(np.float32),
            },
        )
    i, j = np.arange(1500, 1790), np.arange(1501, 1791)
    keep = targets[i] != targets[j]
    ls, rs = sess.run([left_score, right_score], {left: features[i], right: features[j]})
    print("variables", [v.name for v in tf.trainable_variables()])
    print("pair accuracy", float(np.mean((ls > rs)[keep] == (targets[i] > targets[j])[keep])))
