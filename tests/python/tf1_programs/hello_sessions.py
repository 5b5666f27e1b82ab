# Constants, placeholders, feeds and sessions, as the first pages of every TF1 tutorial.
import numpy as np
import tensorflow as tf

a = tf.constant(2.0)
b = tf.constant(3.0)
total = a + b
with tf.Session() as sess:
    print("total", sess.run(total))

x = tf.placeholder(tf.float32)
y = tf.placeholder(tf.float32)
z = x * y + 1.0
with tf.Session() as sess:
    print("scalar feed", sess.run(z, feed_dict={x: 3, y: 4.5}))
    print("list feed", sess.run(z, feed_dict={x: [1, 2], y: [2, 4]}).tolist())

matrix1 = tf.constant([[3.0, 3.0]])
matrix2 = tf.constant([[2.0], [2.0]])
product = tf.matmul(matrix1, matrix2)
sess = tf.InteractiveSession()
print("product", product.eval().tolist())
counter = tf.Variable(0, name="counter")
increment = tf.assign_add(counter, 1)
tf.global_variables_initializer().run()
for _ in range(3):
    sess.run(increment)
print("counter", counter.eval())
sess.close()

images = tf.placeholder(tf.float32, [None, 4])
mean = tf.reduce_mean(images, axis=0)
with tf.Session() as sess:
    out = sess.run(mean, {images: np.arange(8, dtype=np.float32).reshape(2, 4)})
    print("mean", out.tolist())
