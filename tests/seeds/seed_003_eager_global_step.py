# Seed 003: passing global_step to minimize() increments it at each step, and the decayed
# rate (exponential_decay, staircase) follows it.
from _tf import tf

tf.enable_eager_execution()

global_step = tf.Variable(0, trainable=False)
starter_learning_rate = 0.1
learning_rate = tf.train.exponential_decay(starter_learning_rate, global_step, 3, 0.5, staircase=True)
w = tf.Variable([1.0, -2.0])
optimizer = tf.train.GradientDescentOptimizer(learning_rate)
for i in range(7):
    optimizer.minimize(lambda: tf.reduce_sum(w * w), global_step=global_step)
    print(global_step.numpy(), learning_rate(), w.numpy())
