# Seed 003: the step passed inside a list that the loop replaces; the partial holds the list,
# so the rate follows the new step.
from _tf import tf

tf.enable_eager_execution()

glb_step = [tf.Variable(0, trainable=False)]
boundaries = [10, 20]
values = [0.01, 0.001, 0.0001]
learning_rate = tf.train.piecewise_constant(glb_step, boundaries, values)
print("learning_rate shape:%s" % learning_rate)
for i in range(15):
    glb_step[0] = glb_step[0] + 1
    t = learning_rate()
    print('%s'%t)
