"""An LSTM learns: sklearn's 8x8 digits read row by row (8 steps of 8 pixels) by a
BasicLSTMCell over tf.nn.static_rnn, classified from the last output, trained with Adam."""

from __future__ import annotations

import numpy as np
import varflow as tf
from sklearn.datasets import load_digits


def test_digits_row_lstm_learns():
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)  # [n, 8 rows, 8 pixels]
    labels = digits.target.astype(np.int32)
    order = np.random.default_rng(0).permutation(len(labels))
    train, test = order[:1400], order[1400:]
    tf.reset_default_graph()
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [None, 8, 8])
    y = tf.placeholder(tf.int32, [None])
    cell = tf.nn.rnn_cell.BasicLSTMCell(48)
    outputs, _ = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    logits = tf.layers.dense(outputs[-1], 10)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
    accuracy = tf.reduce_mean(
        tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y), tf.float32)
    )
    rng = np.random.default_rng(1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: images[train], y: labels[train]})
        for _ in range(300):
            batch = rng.choice(train, 64)
            sess.run(train_op, {x: images[batch], y: labels[batch]})
        last, acc = sess.run([loss, accuracy], {x: images[test], y: labels[test]})
    assert last < first / 4
    assert acc > 0.85  # chance is 0.1
