"""tf.data in graph mode: iterators and their initialisation, TF1's errors for bad input
(never a crash), parallel map's order, prefetching threads, a training loop fed from a
dataset, and eager iteration."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import varflow as tf
from varflow.eager.context import eager_mode


@pytest.fixture(autouse=True)
def fresh_graph(request):
    if "eager" in request.node.name:  # eager mode needs no graph of its own
        yield None
        return
    with tf.Graph().as_default() as g:
        yield g


def drain(sess, nxt, feed=None):
    out = []
    while True:
        try:
            out.append(sess.run(nxt, feed_dict=feed))
        except tf.errors.OutOfRangeError:
            return out


# --- iterators ------------------------------------------------------------------------------
def test_get_next_is_an_op_and_out_of_range_stays_raised():
    nxt = tf.data.make_one_shot_iterator(tf.data.Dataset.range(3)).get_next()
    assert nxt.op.type == "IteratorGetNext"
    assert nxt.dtype == tf.int64
    with tf.Session() as sess:
        assert [sess.run(nxt) for _ in range(3)] == [0, 1, 2]
        for _ in range(2):
            with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
                sess.run(nxt)


def test_two_sessions_iterate_independently():
    nxt = tf.data.Dataset.range(4).make_one_shot_iterator().get_next()
    with tf.Session() as a, tf.Session() as b:
        assert a.run(nxt) == 0
        assert a.run(nxt) == 1
        assert b.run(nxt) == 0


def test_initializable_iterator_rereads_fed_values_and_scalar_parameters():
    data = tf.placeholder(tf.int64, [None])
    size = tf.placeholder(tf.int64, [])
    it = tf.data.Dataset.from_tensor_slices(data).batch(size).make_initializable_iterator()
    nxt = it.get_next()
    assert it.output_shapes.as_list() == [None]
    with tf.Session() as sess:
        sess.run(it.initializer, {data: [1, 2, 3, 4, 5], size: 2})
        assert [v.tolist() for v in drain(sess, nxt)] == [[1, 2], [3, 4], [5]]
        sess.run(it.initializer, {data: [7, 8, 9], size: 3})
        assert sess.run(nxt).tolist() == [7, 8, 9]
        # Re-initialised midway: starts over.
        sess.run(it.initializer, {data: [7, 8, 9], size: 1})
        assert sess.run(nxt).tolist() == [7]
        sess.run(it.initializer, {data: [7, 8, 9], size: 1})
        assert sess.run(nxt).tolist() == [7]


def test_get_next_before_initialisation_is_failed_precondition():
    it = tf.data.Dataset.range(3).make_initializable_iterator()
    nxt = it.get_next()
    with (
        tf.Session() as sess,
        pytest.raises(tf.errors.FailedPreconditionError, match="initialized"),
    ):
        sess.run(nxt)


def test_one_shot_iterator_has_no_initializer():
    it = tf.data.Dataset.range(3).make_one_shot_iterator()
    with pytest.raises(ValueError, match="does not have an initializer"):
        it.initializer  # noqa: B018


def test_reinitializable_iterator_switches_datasets():
    train = tf.data.Dataset.range(10).map(lambda v: (tf.cast(v, tf.float32), v * 2)).batch(4)
    test = tf.data.Dataset.range(100, 103).map(lambda v: (tf.cast(v, tf.float32), v)).batch(4)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    x, y = it.get_next()
    init_train = it.make_initializer(train)
    init_test = it.make_initializer(test)
    with tf.Session() as sess:
        sess.run(init_train)
        assert sess.run(y).tolist() == [0, 2, 4, 6]
        sess.run(init_test)
        got = drain(sess, (x, y))
        assert len(got) == 1
        assert got[0][0].tolist() == [100.0, 101.0, 102.0]
        sess.run(init_train)
        assert sess.run(x).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_from_structure_checks_the_dataset():
    it = tf.data.Iterator.from_structure(tf.float32)
    with pytest.raises(TypeError, match="Expected output types"):
        it.make_initializer(tf.data.Dataset.range(3))
    it = tf.data.Iterator.from_structure(tf.int64, tf.TensorShape([2]))
    with pytest.raises(TypeError, match="Expected output shapes compatible"):
        it.make_initializer(tf.data.Dataset.range(3))


def test_nested_dict_and_tuple_elements():
    ds = tf.data.Dataset.from_tensor_slices(
        {"a": np.arange(4, dtype=np.int32), "b": (np.ones((4, 2)), np.arange(4) > 1)}
    )
    assert tf.data.get_output_types(ds) == {"a": tf.int32, "b": (tf.float64, tf.bool)}
    assert tf.data.get_output_shapes(ds)["b"][0].as_list() == [2]
    nxt = ds.make_one_shot_iterator().get_next()
    assert set(nxt) == {"a", "b"}
    with tf.Session() as sess:
        first = sess.run(nxt)
        assert first["a"] == 0
        assert first["b"][0].tolist() == [1.0, 1.0]
        assert not first["b"][1]


def test_map_captures_a_fed_tensor_at_initialisation():
    scale = tf.placeholder(tf.float32, [])
    ds = tf.data.Dataset.range(3).map(lambda v: tf.cast(v, tf.float32) * scale)
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {scale: 2.0})
        assert [float(v) for v in drain(sess, nxt)] == [0.0, 2.0, 4.0]
        sess.run(it.initializer, {scale: -1.0})
        assert [float(v) for v in drain(sess, nxt)] == [0.0, -1.0, -2.0]


# --- threads ----------------------------------------------------------------------------------
def test_parallel_map_keeps_the_input_order():
    def heavy(v):
        x = tf.fill([64, 64], tf.cast(v, tf.float32) / 100.0)
        for _ in range(4):
            x = tf.tanh(tf.matmul(x, x))
        return v, tf.reduce_sum(x)

    seq = tf.data.Dataset.range(60).map(heavy)
    par = tf.data.Dataset.range(60).map(heavy, num_parallel_calls=4).prefetch(3)
    nxt_seq = seq.make_one_shot_iterator().get_next()
    nxt_par = par.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        a = drain(sess, nxt_seq)
        b = drain(sess, nxt_par)
    assert [int(i) for i, _ in b] == list(range(60))
    np.testing.assert_array_equal([s for _, s in a], [s for _, s in b])


def test_prefetch_with_a_generator_across_threads():
    seen_threads = set()

    def gen():
        for i in range(50):
            seen_threads.add(threading.get_ident())
            yield i, [i] * (i % 3)

    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.int32), ((), (None,))).prefetch(4)
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        got = drain(sess, nxt)
    assert [int(i) for i, _ in got] == list(range(50))
    assert got[4][1].tolist() == [4]
    assert threading.get_ident() not in seen_threads  # the generator ran on the pipeline's thread


def test_closing_a_session_with_a_running_prefetch_does_not_hang():
    ds = tf.data.Dataset.range(10**9).map(lambda v: v + 1, num_parallel_calls=2).prefetch(8)
    nxt = ds.make_one_shot_iterator().get_next()
    sess = tf.Session()
    assert sess.run(nxt) == 1
    sess.close()
    del sess


# --- bad input --------------------------------------------------------------------------------
def test_slices_of_different_lengths():
    with pytest.raises(ValueError, match="Dimensions 3 and 4 are not compatible"):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="rank >= 1"):
        tf.data.Dataset.from_tensor_slices(3)
    a = tf.placeholder(tf.float32, [None])
    b = tf.placeholder(tf.float32, [None])
    it = tf.data.Dataset.from_tensor_slices((a, b)).make_initializable_iterator()
    with (
        tf.Session() as sess,
        pytest.raises(
            tf.errors.InvalidArgumentError, match=r"(?s)same size in the 0th.*node MakeIterator"
        ),
    ):
        sess.run(it.initializer, {a: [1, 2, 3], b: [1, 2]})


def test_batching_ragged_elements_names_the_op():
    ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([tf.cast(n, tf.int32)], n)).batch(3)
    nxt = ds.make_one_shot_iterator().get_next()
    with (
        tf.Session() as sess,
        pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"Cannot batch tensors with different shapes in component 0\. First element "
            r"had shape \[1\] and element 1 had shape \[2\]\.\n\t \[\[node IteratorGetNext\]\]",
        ),
    ):
        sess.run(nxt)


def test_padding_to_a_smaller_size_is_data_loss():
    ds = tf.data.Dataset.range(1, 4).map(lambda n: tf.fill([tf.cast(n, tf.int32)], n))
    nxt = ds.padded_batch(3, padded_shapes=[2]).make_one_shot_iterator().get_next()
    with tf.Session() as sess, pytest.raises(tf.errors.DataLossError, match="smaller size"):
        sess.run(nxt)


def test_map_function_results_that_are_not_tensors():
    ds = tf.data.Dataset.range(3)
    with pytest.raises(TypeError, match="returned None"):
        ds.map(lambda v: None)
    with pytest.raises(TypeError, match="returned an Operation"):
        ds.map(lambda v: tf.no_op())
    with pytest.raises(TypeError):
        tf.data.Dataset.from_tensor_slices((np.zeros(3), np.zeros(3))).map(lambda x: x)
    with pytest.raises(ValueError, match=r"must return a `tf\.bool` scalar"):
        ds.filter(lambda v: v)


def test_scalar_parameters_out_of_range():
    for ds in (
        tf.data.Dataset.range(3).batch(0),
        tf.data.Dataset.range(3).shuffle(0),
        tf.data.Dataset.range(0, 3, 0),
    ):
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(nxt)


def test_generator_values_of_the_wrong_shape_or_type():
    def wrong_shape():
        yield 1
        yield [1, 2]

    nxt = (
        tf.data.Dataset.from_generator(wrong_shape, tf.int64, tf.TensorShape([]))
        .make_one_shot_iterator()
        .get_next()
    )
    with tf.Session() as sess:
        assert sess.run(nxt) == 1
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"of shape \(2,\)"):
            sess.run(nxt)

    def wrong_type():
        yield "abc"

    nxt = tf.data.Dataset.from_generator(wrong_type, tf.int64).make_one_shot_iterator().get_next()
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="converted"):
        sess.run(nxt)

    def raises():
        yield 1
        raise RuntimeError("boom")

    nxt = tf.data.Dataset.from_generator(raises, tf.int64).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(nxt) == 1
        with pytest.raises(tf.errors.InvalidArgumentError, match="boom"):
            sess.run(nxt)


def test_an_error_inside_map_names_the_function_node_and_the_iterator_goes_on():
    ds = tf.data.Dataset.from_tensor_slices(np.array([1, 7, 0], dtype=np.int32))
    ds = ds.map(lambda i: tf.gather(tf.constant([10.0, 20.0]), i, name="lookup"))
    nxt = ds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        assert sess.run(nxt) == 20.0
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"(?s)7.*node lookup"):
            sess.run(nxt)
        assert sess.run(nxt) == 10.0


def test_one_shot_iterators_do_not_capture_placeholders():
    data = tf.placeholder(tf.float32, [None])
    with pytest.raises(ValueError, match="Cannot capture a placeholder"):
        tf.data.make_one_shot_iterator(tf.data.Dataset.from_tensor_slices(data))


def test_python_iteration_needs_eager_mode():
    with pytest.raises(RuntimeError, match="only supports Python-style iteration in eager"):
        iter(tf.data.Dataset.range(3))


# --- training ---------------------------------------------------------------------------------
def test_a_training_loop_fed_from_a_dataset():
    rng = np.random.RandomState(0)
    x_data = rng.randn(256, 3).astype(np.float32)
    y_data = x_data @ np.array([[2.0], [-1.0], [0.5]], dtype=np.float32) + 0.25
    ds = (
        tf.data.Dataset.from_tensor_slices((x_data, y_data))
        .shuffle(64, seed=1)
        .batch(32)
        .prefetch(2)
    )
    it = ds.make_initializable_iterator()
    x, y = it.get_next()
    w = tf.Variable(tf.zeros([3, 1]))
    b = tf.Variable(0.0)
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = []
        for _ in range(15):
            sess.run(it.initializer)
            steps = 0
            while True:
                try:
                    losses.append(sess.run([train, loss])[1])
                    steps += 1
                except tf.errors.OutOfRangeError:
                    break
            assert steps == 8
        assert losses[-1] < 1e-3 < losses[0]
        np.testing.assert_allclose(sess.run(w).ravel(), [2.0, -1.0, 0.5], atol=0.02)


# --- eager ------------------------------------------------------------------------------------
def test_eager_for_loop_over_a_dataset():
    with eager_mode():
        ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5], [10.0, 20.0, 30.0, 40.0, 50.0]))
        ds = ds.map(lambda a, b: (a * 2, b + 1.0)).shuffle(5, seed=7).batch(2)
        got = [(a.numpy().tolist(), b.numpy().tolist()) for a, b in ds]
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3, 4, 5], [10.0, 20.0, 30.0, 40.0, 50.0]))
        ds = ds.map(lambda a, b: (a * 2, b + 1.0)).shuffle(5, seed=7).batch(2)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            want = [(a.tolist(), b.tolist()) for a, b in drain(sess, nxt)]
    assert got == want
    assert len(got) == 3
