# Linear regression with GradientDescentOptimizer, in the style of the classic TF1 examples.
import numpy as np
import tensorflow as tf

rng = np.random.RandomState(0)
train_X = rng.uniform(0, 10, size=100).astype(np.float32)
train_Y = (0.7 * train_X + 2.0 + rng.normal(0, 0.3, size=100)).astype(np.float32)

X = tf.placeholder("float")
Y = tf.placeholder("float")
W = tf.Variable(rng.randn(), name="weight", dtype=tf.float32)
b = tf.Variable(rng.randn(), name="bias", dtype=tf.float32)
pred = tf.add(tf.multiply(X, W), b)
cost = tf.reduce_sum(tf.pow(pred - Y, 2)) / (2 * 100)
optimizer = tf.train.GradientDescentOptimizer(0.02).minimize(cost)

init = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init)
    first = sess.run(cost, feed_dict={X: train_X, Y: train_Y})
    for epoch in range(2000):
        sess.run(optimizer, feed_dict={X: train_X, Y: train_Y})
    last = sess.run(cost, feed_dict={X: train_X, Y: train_Y})
    print("cost", first, last)
    print("W", sess.run(W), "b", sess.run(b))
