"""tf.cond, tf.case, tf.while_loop: forward values, laziness, structures, errors, gradients
against finite differences, variables built inside, training through a loop."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import varflow as tf
from finite_differences import check_gradients


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


def run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


# --- tf.cond -----------------------------------------------------------------------------------
def test_cond_selects_branch_by_fed_predicate():
    p = tf.placeholder(tf.bool, [])
    x = tf.constant(3.0)
    y = tf.cond(p, lambda: x * 2.0, lambda: x - 1.0)
    assert y.shape == tf.TensorShape([])
    with tf.Session() as sess:
        assert sess.run(y, {p: True}) == 6.0
        assert sess.run(y, {p: False}) == 2.0


def test_cond_runs_only_the_taken_branch():
    counter_t = tf.Variable(0.0)
    counter_f = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: tf.assign_add(counter_t, 1.0), lambda: tf.assign_add(counter_f, 1.0))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(out, {p: True})
        sess.run(out, {p: False})
        assert sess.run([counter_t, counter_f]) == [3.0, 1.0]


def test_cond_names_and_nested_structures():
    p = tf.constant(False)
    Pair = collections.namedtuple("Pair", "a b")
    out = tf.cond(
        p,
        lambda: {"x": tf.constant(1.0), "y": Pair(tf.constant(2), tf.constant([1.0, 2.0]))},
        lambda: {"x": tf.constant(5.0), "y": Pair(tf.constant(7), tf.constant([3.0, 4.0]))},
    )
    assert isinstance(out["y"], Pair)
    assert out["x"].name.startswith("cond/")
    got = run(out)
    assert got["x"] == 5.0
    assert got["y"].a == 7
    np.testing.assert_array_equal(got["y"].b, [3.0, 4.0])
    ops = [op.name for op in tf.get_default_graph().get_operations()]
    assert any(n.startswith("cond/") for n in ops)


def test_cond_singleton_lists_unpack_unless_strict():
    p = tf.constant(True)
    assert isinstance(tf.cond(p, lambda: [tf.constant(1)], lambda: [tf.constant(2)]), tf.Tensor)
    strict = tf.cond(p, lambda: [tf.constant(1)], lambda: [tf.constant(2)], strict=True)
    assert isinstance(strict, list)
    assert len(strict) == 1


def test_cond_branch_returning_an_operation():
    v = tf.Variable(1.0)
    p = tf.placeholder(tf.bool, [])
    out = tf.cond(p, lambda: tf.assign(v, 5.0).op, lambda: tf.no_op())
    with tf.Session() as sess:
        sess.run(v.initializer)
        sess.run(out, {p: False})
        assert sess.run(v) == 1.0
        sess.run(out, {p: True})
        assert sess.run(v) == 5.0


def test_cond_errors():
    x = tf.constant(1.0)
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        tf.cond(True, lambda: x, lambda: x)
    with pytest.raises(TypeError, match="true_fn must be callable"):
        tf.cond(tf.constant(True), x, lambda: x)
    with pytest.raises(TypeError, match="bool"):
        tf.cond(tf.constant(1.0), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="scalar"):
        tf.cond(tf.constant([True, False]), lambda: x, lambda: x)
    with pytest.raises(ValueError, match="same type"):
        tf.cond(tf.constant(True), lambda: x, lambda: tf.constant(1))
    with pytest.raises(ValueError, match="same number"):
        tf.cond(tf.constant(True), lambda: [x, x], lambda: [x])
    with pytest.raises(ValueError, match="return value"):
        tf.cond(tf.constant(True), lambda: None, lambda: x)


def test_cond_fed_predicate_of_wrong_shape_is_a_run_time_error():
    p = tf.placeholder(tf.bool)
    y = tf.cond(p, lambda: tf.constant(1.0), lambda: tf.constant(2.0))
    with (
        tf.Session() as sess,
        pytest.raises(tf.errors.InvalidArgumentError, match="boolean scalar"),
    ):
        sess.run(y, {p: [True, False]})


def test_a_branch_tensor_cannot_be_used_outside_its_branch():
    inside = []

    def true_fn():
        t = tf.constant(1.0) * 2.0
        inside.append(t)
        return t

    tf.cond(tf.constant(True), true_fn, lambda: tf.constant(0.0))
    with pytest.raises(ValueError, match="control-flow region"):
        tf.identity(inside[0])


def test_case_picks_first_true_predicate():
    x = tf.placeholder(tf.int32, [])
    out = tf.case(
        [(tf.less(x, 0), lambda: tf.constant(-1)), (tf.equal(x, 0), lambda: tf.constant(0))],
        default=lambda: tf.constant(1),
    )
    with tf.Session() as sess:
        assert [sess.run(out, {x: v}) for v in (-5, 0, 7)] == [-1, 0, 1]


def test_nested_cond_and_outer_control_dependencies():
    v = tf.Variable(0.0)
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    bump = tf.assign_add(v, 1.0)
    with tf.control_dependencies([bump]):
        out = tf.cond(
            p,
            lambda: tf.cond(q, lambda: tf.constant(1.0), lambda: tf.constant(2.0)),
            lambda: tf.constant(3.0),
        )
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(out, {p: True, q: False}) == 2.0
        assert sess.run(out, {p: False, q: False}) == 3.0
        assert sess.run(v) == 2.0


@pytest.mark.parametrize("pred", [True, False])
def test_cond_gradients_match_finite_differences(pred):
    def build(x, w):
        return tf.cond(
            tf.constant(pred),
            lambda: tf.exp(x) * w + tf.reduce_sum(w),
            lambda: tf.sin(x) * x,
        )

    rng = np.random.default_rng(1)
    check_gradients(build, [rng.normal(size=(3,)), rng.normal(size=(3,))])


def test_cond_gradient_for_a_tensor_only_one_branch_reads_is_zero_in_the_other():
    x = tf.Variable(2.0)
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: x * x, lambda: tf.constant(1.0))
    (g,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        sess.run(x.initializer)
        assert sess.run(g, {p: True}) == 4.0
        assert sess.run(g, {p: False}) == 0.0


# --- tf.while_loop -----------------------------------------------------------------------------
def test_while_loop_counts_and_sums():
    i, total = tf.while_loop(
        lambda i, s: i < 10, lambda i, s: (i + 1, s + tf.cast(i, tf.float32)), (0, 0.0)
    )
    assert run([i, total]) == [10, 45.0]
    assert i.name.startswith("while/")


def test_while_loop_single_variable_returns_a_tensor():
    x = tf.while_loop(lambda x: x < 100.0, lambda x: x * 2.0, [tf.constant(1.0)])
    assert isinstance(x, tf.Tensor)
    assert run(x) == 128.0


def test_while_loop_maximum_iterations_and_zero_iterations():
    x = tf.while_loop(lambda x: x < 100.0, lambda x: x + 1.0, [0.0], maximum_iterations=5)
    y = tf.while_loop(lambda x: x < 0.0, lambda x: x + 1.0, [7.0])
    assert run([x, y]) == [5.0, 7.0]


def test_while_loop_namedtuple_and_dict_loop_vars():
    Pair = collections.namedtuple("Pair", "j k")
    i, p = tf.while_loop(
        lambda i, p: i < 3,
        lambda i, p: (i + 1, Pair(p.j + p.k, p.j - p.k)),
        (tf.constant(0), Pair(tf.constant(1), tf.constant(2))),
    )
    got = run([i, p])
    assert got[0] == 3
    assert tuple(got[1]) == (6, -2)


def test_while_loop_shape_invariants():
    x = tf.constant([1.0])
    with pytest.raises(ValueError, match="shape_invariants"):
        tf.while_loop(lambda x: tf.size(x) < 4, lambda x: tf.concat([x, x], 0), [x])
    out = tf.while_loop(
        lambda x: tf.size(x) < 4,
        lambda x: tf.concat([x, x], 0),
        [x],
        shape_invariants=[tf.TensorShape([None])],
    )
    assert out.shape.as_list() == [None]
    np.testing.assert_array_equal(run(out), [1.0, 1.0, 1.0, 1.0])


def test_while_loop_errors():
    with pytest.raises(TypeError, match="cond must be callable"):
        tf.while_loop(1, lambda x: x, [1.0])
    with pytest.raises(ValueError, match="No loop variables"):
        tf.while_loop(lambda: True, lambda: (), [])
    with pytest.raises(ValueError, match="dtype"):
        tf.while_loop(lambda x: x < 3.0, lambda x: tf.cast(x, tf.int32), [1.0])
    with pytest.raises(ValueError, match="structure"):
        tf.while_loop(lambda a, b: a < 3.0, lambda a, b: (a + 1.0,), [1.0, 2.0])


def test_nested_while_loops():
    def outer_body(i, total):
        inner = tf.while_loop(lambda j, s: j < i, lambda j, s: (j + 1, s + 1), (0, 0))[1]
        return i + 1, total + inner

    _, total = tf.while_loop(lambda i, t: i < 5, outer_body, (0, 0))
    assert run(total) == 0 + 1 + 2 + 3 + 4


def test_cond_inside_while_loop():
    def body(i, acc):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: acc + i, lambda: acc - i)

    _, acc = tf.while_loop(lambda i, a: i < 6, body, (0, 0))
    assert run(acc) == 0 - 1 + 2 - 3 + 4 - 5


def test_loop_reads_outer_tensors_and_variables():
    w = tf.Variable(2.0)
    c = tf.constant(1.0)
    out = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * w + c), (0, 1.0))[1]
    assert run(out) == ((1.0 * 2 + 1) * 2 + 1) * 2 + 1


def test_variable_created_in_a_loop_body_lives_outside_it():
    def body(i, x):
        with tf.variable_scope("cell", reuse=tf.AUTO_REUSE):
            w = tf.get_variable("w", [], initializer=tf.constant_initializer(3.0))
        return i + 1, x * w

    out = tf.while_loop(lambda i, x: i < 2, body, (0, 1.0))[1]
    assert [v.name for v in tf.global_variables()] == ["cell/w:0"]
    assert run(out) == 9.0


def test_variable_initialised_from_a_loop_tensor_is_refused():
    def body(i):
        tf.Variable(tf.cast(i, tf.float32))
        return i + 1

    with pytest.raises(ValueError, match="inside a control-flow construct"):
        tf.while_loop(lambda i: i < 2, body, [0])


def test_power_by_loop_gradient():
    x = tf.placeholder(tf.float64, [])
    y = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), (0, x))[1]
    (g,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        assert sess.run(y, {x: 1.5}) == pytest.approx(1.5**4)
        assert sess.run(g, {x: 1.5}) == pytest.approx(4 * 1.5**3)


def test_while_gradient_of_a_recurrence_matches_finite_differences():
    def build(w, h0, xs):
        ta = tf.TensorArray(tf.float64, size=4).unstack(xs)

        def body(t, h):
            return t + 1, tf.tanh(tf.matmul(h, w) + ta.read(t))

        return tf.while_loop(lambda t, h: t < 4, body, (0, h0))[1]

    rng = np.random.default_rng(2)
    check_gradients(
        build, [rng.normal(size=(3, 3)) * 0.5, rng.normal(size=(2, 3)), rng.normal(size=(4, 2, 3))]
    )


def test_nested_loop_gradient_matches_finite_differences():
    def build(x, w):
        def outer(i, v):
            inner = tf.while_loop(lambda j, u: j < 2, lambda j, u: (j + 1, tf.sin(u) * w), (0, v))
            return i + 1, inner[1] + x

        return tf.while_loop(lambda i, v: i < 3, outer, (0, x))[1]

    rng = np.random.default_rng(3)
    check_gradients(build, [rng.normal(size=(2,)), rng.normal(size=(2,))])


def test_cond_in_loop_gradient_matches_finite_differences():
    def build(x):
        def body(i, v):
            return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: v * v, lambda: tf.sin(v))

        return tf.while_loop(lambda i, v: i < 4, body, (0, x))[1]

    check_gradients(build, [np.array([0.3, -0.7, 1.1])])


def test_loop_in_cond_gradient_matches_finite_differences():
    def build(x):
        looped = lambda: tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * x), (0, x))[1]
        return tf.cond(tf.constant(True), looped, lambda: x)

    check_gradients(build, [np.array([0.5, 1.5])])


def test_maximum_iterations_gradient():
    def build(x):
        return tf.while_loop(
            lambda v: tf.reduce_sum(v) < 1e9, lambda v: v * x, [x], maximum_iterations=3
        )

    check_gradients(build, [np.array([1.2, 0.8])])


def test_back_prop_false_stops_gradients():
    x = tf.constant(2.0)
    y = tf.while_loop(lambda v: v < 10.0, lambda v: v * x, [x], back_prop=False)
    assert tf.gradients(y, [x]) == [None]


def test_minimize_through_a_while_loop():
    w = tf.Variable(0.5)
    out = tf.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w), (0, 1.0))[1]
    loss = tf.square(out - 8.0)
    train = tf.train.GradientDescentOptimizer(0.002).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(300):
            sess.run(train)
        assert sess.run(w) == pytest.approx(2.0, abs=1e-3)


def test_gradients_of_gradients_through_a_loop_are_tf1s_type_error():
    # TF1 (control flow v1): _ExitGrad raises for a gradient loop; a stopped gradient is fine.
    x = tf.constant(1.5)
    y = tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * x), (0, x))[1]
    (g,) = tf.gradients(y, [x])
    with pytest.raises(TypeError, match="Second-order gradient for while loops not supported"):
        tf.gradients(g, [x])
    assert tf.gradients(tf.stop_gradient(g), [x]) == [None]


def test_gradients_of_gradients_through_a_loop_inside_cond_are_tf1s_type_error():
    x = tf.constant(1.5)
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(
        p,
        lambda: tf.while_loop(lambda i, v: i < 2, lambda i, v: (i + 1, v * x), (0, x))[1],
        lambda: x * 2.0,
    )
    (g,) = tf.gradients(y, [x])
    with tf.Session() as sess:
        assert sess.run(g, {p: True}) == pytest.approx(3 * 1.5**2)
    with pytest.raises(TypeError, match="Second-order gradient for while loops"):
        tf.gradients(g, [x])


@pytest.mark.parametrize("pred", [True, False])
def test_cond_second_and_third_order_match_tensorflow(pred):
    # Recorded from TF 2.21's tf.compat.v1 with control flow v1 (tf.disable_control_flow_v2):
    # y, dy/dx, d2y/dx2, d3y/dx3 at x = 1.5.
    expected = {
        True: [2.2443637198591224, 3.151643663564495, 0.1750494633552039, -8.712190373182604],
        False: [6.722533605507097, 11.204222675845163, 15.685911746183226, 20.16760081652129],
    }[pred]
    x = tf.constant(1.5, tf.float64)
    p = tf.placeholder(tf.bool, [])
    y = tf.cond(p, lambda: tf.sin(x) * x * x, lambda: tf.exp(x) * x)
    (g,) = tf.gradients(y, x)
    (h,) = tf.gradients(g, x)
    (h3,) = tf.gradients(h, x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run([y, g, h, h3], {p: pred}), expected, rtol=1e-12)


@pytest.mark.parametrize("pred", [True, False])
def test_cond_hessian_vector_product_matches_finite_differences(pred):
    # A branch that reads captured weights and a nested cond; the Hessian-vector product of
    # the loss against central differences of its gradient.
    rng = np.random.default_rng(7)
    w0, x_value, v = rng.normal(size=(3, 2)), rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    w = tf.placeholder(tf.float64, (3, 2))
    p = tf.placeholder(tf.bool, [])
    q = tf.placeholder(tf.bool, [])
    x = tf.constant(x_value)

    def taken():
        h = tf.tanh(tf.matmul(x, w))
        return tf.cond(q, lambda: tf.reduce_sum(h * h * w[0]), lambda: tf.reduce_sum(tf.exp(h)))

    loss = tf.cond(p, taken, lambda: tf.reduce_sum(tf.sin(w) * w))
    (g,) = tf.gradients(loss, w)
    (hv,) = tf.gradients(tf.reduce_sum(g * tf.constant(v)), w)
    eps = 1e-5
    with tf.Session() as sess:
        for q_value in (True, False):
            feed = {p: pred, q: q_value}
            got = sess.run(hv, {w: w0, **feed})
            up = sess.run(g, {w: w0 + eps * v, **feed})
            down = sess.run(g, {w: w0 - eps * v, **feed})
            np.testing.assert_allclose(got, (up - down) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_cond_second_order_inside_a_loop_body_matches_finite_differences():
    # tf.gradients of a cond built inside a loop body, differentiated again in the same body
    # (a Newton step per iteration): no gradient loop is involved, so TF1 allows it.
    def newton(x0):
        def body(i, x):
            y = tf.cond(x > 0.0, lambda: x * x * x - 2.0 * x, lambda: tf.exp(x))
            (g,) = tf.gradients(y, x)
            (h,) = tf.gradients(g, x)
            return i + 1, x - g / h

        return tf.while_loop(lambda i, x: i < 3, body, (0, x0), back_prop=False)[1]

    x0 = tf.constant(1.3, tf.float64)
    x = 1.3
    for _ in range(3):
        x = x - (3 * x * x - 2) / (6 * x) if x > 0 else x - 1.0
    assert run(newton(x0)) == pytest.approx(x, rel=1e-12)


def test_runs_repeatedly_and_from_two_sessions():
    x = tf.placeholder(tf.float32, [])
    y = tf.while_loop(lambda i, v: i < 4, lambda i, v: (i + 1, v + x), (0, 0.0))[1]
    (g,) = tf.gradients(y, [x])
    with tf.Session() as a, tf.Session() as b:
        for k in range(3):
            assert a.run([y, g], {x: float(k)}) == [4.0 * k, 4.0]
            assert b.run([y, g], {x: 1.0}) == [4.0, 4.0]


# --- eager mode ---------------------------------------------------------------------------------
def test_cond_and_while_loop_in_eager_mode():
    from varflow.eager.context import eager_mode

    with eager_mode():
        assert (
            float(tf.cond(tf.constant(True), lambda: tf.constant(1.0), lambda: tf.constant(2.0)))
            == 1.0
        )
        out = tf.while_loop(
            lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (tf.constant(0), tf.constant(0))
        )
        assert int(out[1]) == 6


def test_tf_function_with_control_flow_follows_each_calls_values():
    from varflow.eager.context import eager_mode

    with eager_mode():

        @tf.function
        def f(x):
            y = tf.cond(x > 0.0, lambda: x * 2.0, lambda: -x)
            return tf.while_loop(lambda v: v < 10.0, lambda v: v + y, [y])

        assert float(f(tf.constant(3.0))) == 12.0
        assert float(f(tf.constant(-1.0))) == 10.0
