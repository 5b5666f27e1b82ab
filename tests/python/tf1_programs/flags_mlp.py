# An MLP driven by tf.app.flags and tf.app.run, logging with tf.logging and evaluating with
# tf.metrics, as the "fully connected feed" tutorial does.
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits

flags = tf.app.flags
FLAGS = flags.FLAGS
flags.DEFINE_float("learning_rate", 0.1, "Initial learning rate.")
flags.DEFINE_integer("max_steps", 300, "Number of steps to run trainer.")
flags.DEFINE_integer("hidden1", 32, "Number of units in hidden layer 1.")
flags.DEFINE_integer("batch_size", 64, "Batch size.")


def inference(images, hidden1_units):
    with tf.name_scope("hidden1"):
        weights = tf.Variable(
            tf.truncated_normal([64, hidden1_units], stddev=0.125), name="weights"
        )
        biases = tf.Variable(tf.zeros([hidden1_units]), name="biases")
        hidden1 = tf.nn.relu(tf.matmul(images, weights) + biases)
    with tf.name_scope("softmax_linear"):
        weights = tf.Variable(tf.truncated_normal([hidden1_units, 10], stddev=0.18), name="weights")
        biases = tf.Variable(tf.zeros([10]), name="biases")
        return tf.matmul(hidden1, weights) + biases


def main(_):
    digits = load_digits()
    images = (digits.data / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    tf.logging.set_verbosity(tf.logging.INFO)
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        images_pl = tf.placeholder(tf.float32, shape=(None, 64))
        labels_pl = tf.placeholder(tf.int64, shape=(None,))
        logits = inference(images_pl, FLAGS.hidden1)
        loss = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_pl, logits=logits)
        )
        global_step = tf.Variable(0, name="global_step", trainable=False)
        train_op = tf.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(
            loss, global_step=global_step
        )
        acc, acc_update = tf.metrics.accuracy(labels_pl, tf.argmax(logits, 1))
        init = tf.group(tf.global_variables_initializer(), tf.local_variables_initializer())
        sess = tf.Session()
        sess.run(init)
        rng = np.random.RandomState(0)
        for step in range(FLAGS.max_steps):
            batch = rng.choice(1500, FLAGS.batch_size, replace=False)
            _, loss_value = sess.run(
                [train_op, loss], feed_dict={images_pl: images[batch], labels_pl: labels[batch]}
            )
            if step % 100 == 0:
                tf.logging.info("Step %d: loss = %.2f", step, loss_value)
        for start in range(1500, 1797, 100):
            sess.run(
                acc_update,
                {images_pl: images[start : start + 100], labels_pl: labels[start : start + 100]},
            )
        print("steps", sess.run(global_step))
        print("test accuracy", sess.run(acc))


if __name__ == "__main__":
    tf.app.run()
