"""The op library: each op's forward pass against NumPy, and each differentiable op's
gradient (and the second-order gradients of the gradient helper ops) against central finite
differences in float64."""

from __future__ import annotations

import numpy as np
import pytest
import varflow as tf
from finite_differences import numeric_gradient
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from varflow import _core


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# name: (varflow fn, numpy fn, low, high) -- inputs drawn from [low, high]
UNARY = {
    "abs": (tf.abs, np.abs, -3, 3),
    "sign": (tf.sign, np.sign, -3, 3),
    "square": (tf.square, np.square, -3, 3),
    "sqrt": (tf.sqrt, np.sqrt, 0.1, 4),
    "rsqrt": (tf.rsqrt, lambda x: 1 / np.sqrt(x), 0.1, 4),
    "reciprocal": (tf.reciprocal, np.reciprocal, 0.5, 4),
    "exp": (tf.exp, np.exp, -3, 3),
    "expm1": (tf.expm1, np.expm1, -3, 3),
    "log": (tf.log, np.log, 0.1, 4),
    "log1p": (tf.log1p, np.log1p, -0.5, 4),
    "tanh": (tf.tanh, np.tanh, -3, 3),
    "sigmoid": (tf.sigmoid, np_sigmoid, -3, 3),
    "sin": (tf.sin, np.sin, -3, 3),
    "cos": (tf.cos, np.cos, -3, 3),
    "floor": (tf.floor, np.floor, -3, 3),
    "ceil": (tf.ceil, np.ceil, -3, 3),
    "round": (tf.round, np.round, -3, 3),
    "relu": (tf.nn.relu, lambda x: np.maximum(x, 0), -3, 3),
    "relu6": (tf.nn.relu6, lambda x: np.clip(x, 0, 6), -8, 8),
    "elu": (tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), -3, 3),
    "softplus": (tf.nn.softplus, lambda x: np.log1p(np.exp(x)), -3, 3),
    "nn_sigmoid": (tf.nn.sigmoid, np_sigmoid, -3, 3),
    "nn_tanh": (tf.nn.tanh, np.tanh, -3, 3),
}

NOT_DIFFERENTIABLE_UNARY = {"floor", "ceil", "round", "sign"}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary_forward_matches_numpy(name, dtype):
    tf.reset_default_graph()
    ours, theirs, lo, hi = UNARY[name]
    x = np.random.default_rng(1).uniform(lo, hi, size=(3, 5)).astype(dtype)
    got = run(ours(tf.constant(x)))
    assert got.dtype == dtype
    np.testing.assert_allclose(
        got, theirs(x), rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-6
    )


BINARY = {
    "maximum": (tf.maximum, np.maximum, -3, 3),
    "minimum": (tf.minimum, np.minimum, -3, 3),
    "pow": (tf.pow, np.power, 0.5, 2),
    "squared_difference": (tf.squared_difference, lambda a, b: (a - b) ** 2, -3, 3),
    "floormod": (tf.floormod, np.mod, 0.5, 5),
    "less": (tf.less, np.less, -3, 3),
    "less_equal": (tf.less_equal, np.less_equal, -3, 3),
    "greater": (tf.greater, np.greater, -3, 3),
    "greater_equal": (tf.greater_equal, np.greater_equal, -3, 3),
    "equal": (tf.equal, np.equal, -3, 3),
    "not_equal": (tf.not_equal, np.not_equal, -3, 3),
}


@settings(max_examples=60, deadline=None)
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4),
    op=st.sampled_from(sorted(BINARY)),
    dtype=st.sampled_from([np.float32, np.float64]),
    data=st.data(),
)
def test_binary_ops_broadcast_like_numpy(shapes, op, dtype, data):
    tf.reset_default_graph()
    ours, theirs, lo, hi = BINARY[op]
    # Few distinct values, so equality comparisons see ties.
    elements = st.sampled_from([lo, (lo + hi) / 2, hi, lo + 0.25])
    a = data.draw(hnp.arrays(dtype, shapes.input_shapes[0], elements=elements))
    b = data.draw(hnp.arrays(dtype, shapes.input_shapes[1], elements=elements))
    got = run(ours(tf.constant(a), tf.constant(b)))
    np.testing.assert_allclose(got, theirs(a, b), rtol=1e-6)
    assert np.shape(got) == shapes.result_shape


def test_integer_binary_ops_match_numpy():
    rng = np.random.default_rng(2)
    a = rng.integers(-20, 20, size=(3, 4)).astype(np.int32)
    b = rng.integers(1, 7, size=(4,)).astype(np.int32) * rng.choice([-1, 1], size=4).astype(
        np.int32
    )
    ta, tb = tf.constant(a), tf.constant(b)
    got = run(
        [
            tf.floormod(ta, tb),
            ta // tb,
            ta % tb,
            tf.maximum(ta, tb),
            tf.minimum(ta, tb),
            tf.abs(ta),
            tf.sign(ta),
            tf.square(ta),
        ]
    )
    want = [
        np.mod(a, b),
        a // b,
        a % b,
        np.maximum(a, b),
        np.minimum(a, b),
        np.abs(a),
        np.sign(a),
        a * a,
    ]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
        assert g.dtype == np.int32


def test_logical_ops_match_numpy():
    a = np.array([[True, False], [True, True]])
    b = np.array([False, True])
    ta, tb = tf.constant(a), tf.constant(b)
    got = run(
        [
            tf.logical_and(ta, tb),
            tf.logical_or(ta, tb),
            tf.logical_not(ta),
            tf.logical_xor(ta, tb),
            ta & tb,
            ta | tb,
            ~ta,
            ta ^ tb,
        ]
    )
    want = [a & b, a | b, ~a, a ^ b, a & b, a | b, ~a, a ^ b]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_operator_overloads_have_tf1_names_and_values():
    x = tf.constant([[-2.0, 3.0], [4.5, -1.0]])
    y = tf.constant([2.0, -2.0])
    ops = {
        "floordiv": x // y,
        "mod": x % y,
        "pow": x**y,
        "Abs": abs(x),
        "Less": x < y,
        "LessEqual": x <= y,
        "Greater": x > y,
        "GreaterEqual": x >= y,
    }
    for name, t in ops.items():
        assert t.op.name == name
    xv = np.array([[-2.0, 3.0], [4.5, -1.0]], np.float32)
    yv = np.array([2.0, -2.0], np.float32)
    got = run(list(ops.values()))
    want = [xv // yv, np.mod(xv, yv), xv**yv, np.abs(xv), xv < yv, xv <= yv, xv > yv, xv >= yv]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6)
    assert (3.0**y).op.type == "Pow"
    assert run(2.0 - y // 1.0).tolist() == [0.0, 4.0]


def test_where_selects_elementwise():
    c = np.array([[True, False, True]])
    x = np.array([[1.0, 2.0, 3.0]])
    y = np.array([[-1.0, -2.0, -3.0]])
    t = tf.where(tf.constant(c), tf.constant(x), tf.constant(y))
    assert t.op.type == "Select"
    np.testing.assert_array_equal(run(t), np.where(c, x, y))
    with pytest.raises(ValueError):
        tf.where(tf.constant(c), tf.constant(x))


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cumsum_matches_numpy(exclusive, reverse, axis):
    x = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    got = run(tf.cumsum(tf.constant(x), axis=axis, exclusive=exclusive, reverse=reverse))
    y = np.flip(x, axis) if reverse else x
    want = np.cumsum(y, axis=axis)
    if exclusive:
        want = want - y
    if reverse:
        want = np.flip(want, axis)
    np.testing.assert_allclose(got, want)


@settings(max_examples=30, deadline=None)
@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), n=st.integers(1, 3), data=st.data()
)
def test_stack_unstack_match_numpy(shape, n, data):
    tf.reset_default_graph()
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    xs = [np.random.default_rng(i).standard_normal(shape) for i in range(n)]
    packed = tf.stack([tf.constant(x) for x in xs], axis=axis)
    want = np.stack(xs, axis=axis)
    assert packed.shape.as_list() == list(want.shape)
    np.testing.assert_array_equal(run(packed), want)
    parts = tf.unstack(tf.constant(want), axis=axis)
    assert len(parts) == n
    for got, x in zip(run(parts), xs):
        np.testing.assert_array_equal(got, x)


def test_convert_to_tensor_stacks_lists_of_tensors():
    t = tf.convert_to_tensor([tf.constant(1.0), 2.0, tf.constant(3.0)])
    assert t.op.type == "Pack"
    np.testing.assert_array_equal(run(t), [1.0, 2.0, 3.0])


@settings(max_examples=30, deadline=None)
@given(shape=hnp.array_shapes(min_dims=0, max_dims=4, max_side=4), data=st.data())
def test_transpose_matches_numpy(shape, data):
    tf.reset_default_graph()
    perm = data.draw(st.permutations(range(len(shape))))
    x = np.random.default_rng(0).standard_normal(shape)
    t = tf.transpose(tf.constant(x), perm)
    assert t.shape.as_list() == list(np.transpose(x, perm).shape)
    np.testing.assert_array_equal(run(t), np.transpose(x, perm))
    np.testing.assert_array_equal(run(tf.transpose(tf.constant(x))), x.T)


def test_nn_ops_match_numpy():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5))
    labels = np_softmax(rng.standard_normal((4, 5)))
    tx = tf.constant(x)
    got = run(
        [
            tf.nn.softmax(tx),
            tf.nn.log_softmax(tx),
            tf.nn.softmax(tx, axis=0),
            tf.nn.l2_loss(tx),
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=tx),
            tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=tx),
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels.T, logits=x.T, dim=0),
        ]
    )
    xent = -(labels * np.log(np_softmax(x))).sum(-1)
    want = [
        np_softmax(x),
        np.log(np_softmax(x)),
        np_softmax(x, 0),
        (x * x).sum() / 2,
        xent,
        xent,
        xent,
    ]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
    x3 = rng.standard_normal((2, 3, 4))
    l3 = np_softmax(rng.standard_normal((2, 3, 4)))
    got3 = run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=l3, logits=x3))
    np.testing.assert_allclose(got3, -(l3 * np.log(np_softmax(x3))).sum(-1), rtol=1e-12)
    got0 = run(tf.nn.softmax_cross_entropy_with_logits_v2(labels=l3, logits=x3, dim=0))
    np.testing.assert_allclose(got0, -(l3 * np.log(np_softmax(x3, 0))).sum(0), rtol=1e-12)


def away_from(values, points, margin=0.05):
    """Moves values off the kinks of piecewise functions so finite differences are valid."""
    for p in points:
        close = np.abs(values - p) < margin
        values = np.where(close, values + 2 * margin, values)
    return values


def check_gradients(build, inputs):
    """build(*placeholders) -> scalar loss; compares tf.gradients with finite differences."""
    tf.reset_default_graph()
    phs = [tf.placeholder(tf.float64, shape=v.shape) for v in inputs]
    loss = build(*phs)
    grads = tf.gradients(loss, phs)
    with tf.Session() as sess:
        feed = dict(zip(phs, inputs))
        got = sess.run(grads, feed)
        for i, (ph, v) in enumerate(zip(phs, inputs)):

            def f(val, ph=ph):
                return sess.run(loss, {**feed, ph: val})

            want = numeric_gradient(f, v.copy())
            np.testing.assert_allclose(got[i], want, rtol=1e-5, atol=1e-7, err_msg=f"input {i}")


def weighted(t, seed=0):
    """A scalar loss with a non-uniform upstream gradient."""
    w = np.random.default_rng(seed).uniform(0.5, 1.5, size=t.shape.as_list())
    return tf.reduce_sum(t * tf.constant(w))


@pytest.mark.parametrize("name", sorted(set(UNARY) - NOT_DIFFERENTIABLE_UNARY))
def test_unary_gradient_matches_finite_differences(name):
    ours, _, lo, hi = UNARY[name]
    x = away_from(np.random.default_rng(4).uniform(lo, hi, size=(2, 3)), [0.0, 6.0])
    check_gradients(lambda a: weighted(ours(a)), [x])


def test_round_is_half_to_even():
    np.testing.assert_array_equal(
        run(tf.round(tf.constant([0.5, 1.5, 2.5, -0.5]))), [0.0, 2.0, 2.0, -0.0]
    )


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_round_of_signed_integers_is_the_identity(dtype):
    # TF1's Round takes signed integers (its OpDef); int64 values past 2**53 stay exact.
    values = np.array([np.iinfo(dtype).min, -3, 0, 7, np.iinfo(dtype).max], dtype)
    out = run(tf.round(tf.constant(values)))
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, values)


def test_round_of_unsigned_integers_is_tf1s_type_error():
    with pytest.raises(TypeError, match="DataType uint8 not in list of allowed values"):
        tf.round(tf.constant(np.array([1], np.uint8)))


def test_not_differentiable_unary_ops_have_zero_or_no_gradient():
    x = tf.constant([1.5, -2.0])
    assert tf.gradients(tf.floor(x), x) == [None]
    (g,) = tf.gradients(tf.sign(x), x)
    assert run(g).tolist() == [0.0, 0.0]
    assert tf.gradients(tf.reduce_sum(tf.cast(x < 1.0, tf.float32)), x) == [None]


BINARY_GRAD = {
    "maximum": (tf.maximum, -3, 3),
    "minimum": (tf.minimum, -3, 3),
    "pow": (tf.pow, 0.5, 2),
    "squared_difference": (tf.squared_difference, -3, 3),
    "floormod": (tf.floormod, 0.6, 5),
}


@pytest.mark.parametrize("name", sorted(BINARY_GRAD))
@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), ())])
def test_binary_gradient_matches_finite_differences(name, shapes):
    fn, lo, hi = BINARY_GRAD[name]
    rng = np.random.default_rng(5)
    a = rng.uniform(lo, hi, size=shapes[0])
    b = rng.uniform(lo, hi, size=shapes[1])
    if name == "floormod":  # keep a/b away from integers, where floormod jumps
        for _ in range(20):
            q = a / b
            if not np.any(np.abs(q - np.round(q)) < 0.05):
                break
            a = a + 0.037
    check_gradients(lambda x, y: weighted(fn(x, y)), [a, b])


def test_select_gradient():
    c = np.array([[True, False, True], [False, False, True]])
    x = np.random.default_rng(6).standard_normal((2, 3))
    y = np.random.default_rng(7).standard_normal((2, 3))
    check_gradients(lambda a, b: weighted(tf.where(tf.constant(c), a * a, b * a)), [x, y])


@pytest.mark.parametrize(
    "name,build,lo,hi",
    [
        # Gradient helper ops, differentiated in both arguments (second-order gradients).
        ("ReluGrad", lambda g, x: ("ReluGrad", [g, x]), -2, 2),
        ("Relu6Grad", lambda g, x: ("Relu6Grad", [g, x]), -2, 8),
        ("TanhGrad", lambda y, g: ("TanhGrad", [y, g]), -0.9, 0.9),
        ("SigmoidGrad", lambda y, g: ("SigmoidGrad", [y, g]), 0.1, 0.9),
        ("SqrtGrad", lambda y, g: ("SqrtGrad", [y, g]), 0.5, 2),
        ("RsqrtGrad", lambda y, g: ("RsqrtGrad", [y, g]), 0.5, 2),
        ("ReciprocalGrad", lambda y, g: ("ReciprocalGrad", [y, g]), 0.5, 2),
        ("SoftplusGrad", lambda g, x: ("SoftplusGrad", [g, x]), -2, 2),
        ("EluGrad", lambda g, y: ("EluGrad", [g, y]), -0.9, 2),
    ],
)
def test_gradient_helper_ops_second_order(name, build, lo, hi):
    rng = np.random.default_rng(8)
    a = away_from(rng.uniform(lo, hi, size=(2, 3)), [0.0, 6.0])
    b = away_from(rng.uniform(lo, hi, size=(2, 3)), [0.0, 6.0])

    def loss(x, y):
        op_type, inputs = build(x, y)
        out = tf.get_default_graph().create_op(op_type, inputs).outputs[0]
        return weighted(out)

    check_gradients(loss, [a, b])


def test_second_order_through_activations():
    x = np.random.default_rng(9).uniform(-2, 2, size=(3,))

    for act in (tf.tanh, tf.sigmoid, tf.sqrt, tf.rsqrt, tf.reciprocal, tf.nn.softplus, tf.nn.elu):
        xs = np.abs(x) + 0.2 if act in (tf.sqrt, tf.rsqrt, tf.reciprocal) else x

        def grad_loss(a, act=act):
            (g,) = tf.gradients(weighted(act(a)), a)
            return weighted(g, seed=1)

        check_gradients(grad_loss, [xs])


@pytest.mark.parametrize(
    "name,build,shapes",
    [
        ("cumsum", lambda a: tf.cumsum(a, axis=1), [(2, 4)]),
        ("cumsum_excl_rev", lambda a: tf.cumsum(a, axis=0, exclusive=True, reverse=True), [(3, 2)]),
        ("stack", lambda a, b: tf.stack([a, b * a], axis=1), [(2, 3), (2, 3)]),
        ("unstack", lambda a: tf.unstack(a, axis=1)[1] * tf.unstack(a, axis=1)[2], [(2, 3)]),
        ("transpose", lambda a: tf.transpose(a, [2, 0, 1]), [(2, 3, 4)]),
        ("l2_loss", lambda a: tf.nn.l2_loss(a) * tf.nn.l2_loss(a), [(2, 3)]),
        ("softmax", lambda a: tf.nn.softmax(a), [(3, 4)]),
        ("softmax_axis0", lambda a: tf.nn.softmax(a, axis=0), [(3, 4)]),
        ("log_softmax", lambda a: tf.nn.log_softmax(a), [(3, 4)]),
        (
            "xent_v2",
            lambda a, b: tf.nn.softmax_cross_entropy_with_logits_v2(
                labels=tf.nn.softmax(b), logits=a
            ),
            [(3, 4), (3, 4)],
        ),
        (
            "xent_rank3",
            lambda a: tf.nn.softmax_cross_entropy_with_logits(
                labels=np.full((2, 2, 3), 1 / 3), logits=a
            ),
            [(2, 2, 3)],
        ),
    ],
)
def test_array_and_nn_gradients(name, build, shapes):
    rng = np.random.default_rng(10)
    inputs = [rng.standard_normal(s) for s in shapes]
    check_gradients(lambda *xs: weighted(build(*xs)), inputs)


def test_xent_second_order_uses_backprop_output():
    rng = np.random.default_rng(11)
    labels = np_softmax(rng.standard_normal((2, 3)))

    def loss(a):
        op = tf.get_default_graph().create_op(
            "SoftmaxCrossEntropyWithLogits", [a, tf.constant(labels)]
        )
        (g,) = tf.gradients(weighted(op.outputs[0]), a)
        return weighted(g, seed=1) + weighted(op.outputs[1], seed=2)

    check_gradients(loss, [rng.standard_normal((2, 3))])


def test_new_ops_are_registered():
    names = {op["name"] for op in _core.registered_ops()}
    for required in (
        "Abs",
        "Sign",
        "Square",
        "Sqrt",
        "Rsqrt",
        "Exp",
        "Log",
        "Log1p",
        "Tanh",
        "Sigmoid",
        "Relu",
        "Relu6",
        "Elu",
        "Softplus",
        "Sin",
        "Cos",
        "Reciprocal",
        "Floor",
        "Maximum",
        "Minimum",
        "Pow",
        "SquaredDifference",
        "FloorMod",
        "Less",
        "LessEqual",
        "Greater",
        "GreaterEqual",
        "Equal",
        "NotEqual",
        "LogicalAnd",
        "LogicalOr",
        "LogicalNot",
        "Select",
        "TanhGrad",
        "SigmoidGrad",
        "ReluGrad",
        "SqrtGrad",
        "RsqrtGrad",
        "ReciprocalGrad",
        "SoftplusGrad",
        "EluGrad",
        "Cumsum",
        "L2Loss",
        "Pack",
        "Unpack",
        "Transpose",
        "InvertPermutation",
        "Softmax",
        "LogSoftmax",
        "SoftmaxCrossEntropyWithLogits",
    ):
        assert required in names, required
