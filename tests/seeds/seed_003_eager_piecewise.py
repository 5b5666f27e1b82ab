# Seed 003: in eager mode a learning-rate function returns a functools.partial; calling it
# gives the rate at the step variable's current value.
from _tf import tf

tf.enable_eager_execution()

glb_step = tf.Variable(0, trainable=False)
boundaries = [10, 20]
values = [0.01, 0.001, 0.0001]
learning_rate = tf.train.piecewise_constant(glb_step, boundaries, values)
optimizer = tf.train.AdamOptimizer(learning_rate)
print("learning_rate shape:%s" % learning_rate)
print("learning_rate value:%s" % learning_rate())
