"""String tensors: constants, placeholders, feeds and fetches as TF1 gives them (bytes, object
arrays of bytes), and the string ops against TensorFlow-recorded fixtures
(fixtures/strings/make_fixtures.py records them; the cases are fixtures/strings/cases.py)."""

from __future__ import annotations

import importlib.util
import json
import math
import pathlib

import numpy as np
import pytest
import varflow as tf

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "strings"
GOLDEN = json.loads((FIXTURES / "golden.json").read_text())["cases"]
_spec = importlib.util.spec_from_file_location("string_cases", FIXTURES / "cases.py")
_cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cases)
CASES = _cases.CASES


def run(fetch, feed=None):
    with tf.Session() as sess:
        return sess.run(fetch, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()


# --- constants, feeds, fetches ------------------------------------------------------------------
def test_hello_constant_is_fetched_as_bytes():
    hello = tf.constant("Hello, TensorFlow!")
    assert hello.dtype == tf.string
    assert hello.shape.as_list() == []
    value = run(hello)
    assert type(value) is bytes
    assert value == b"Hello, TensorFlow!"


def test_string_arrays_are_object_arrays_of_bytes():
    value = run(tf.constant([["a", "bc"], ["", "d\x00e"]]))
    assert isinstance(value, np.ndarray)
    assert value.dtype == object
    assert value.shape == (2, 2)
    assert value.tolist() == [[b"a", b"bc"], [b"", b"d\x00e"]]


def test_str_is_encoded_as_utf8_and_bytes_kept():
    assert run(tf.constant("h\u00e9llo \u4e16")) == "h\u00e9llo \u4e16".encode()
    assert run(tf.constant(b"\xff\x00raw")) == b"\xff\x00raw"
    assert run(tf.constant(np.array([b"x", b"yz"]))).tolist() == [b"x", b"yz"]  # NumPy 'S'
    assert run(tf.constant(np.array(["x", "\u00e9"]))).tolist() == [b"x", "\u00e9".encode()]


def test_fixed_width_bytes_lose_only_numpys_padding():
    arr = np.array([b"a", b"abc"], dtype="S5")
    assert run(tf.constant(arr)).tolist() == [b"a", b"abc"]


def test_string_placeholder_takes_str_bytes_and_arrays():
    x = tf.placeholder(tf.string, shape=[None])
    y = tf.identity(x)
    for feed in (["a", "b"], [b"a", b"b"], np.array(["a", "b"]), np.array([b"a", b"b"], object)):
        got = run(y, {x: feed})
        assert got.dtype == object
        assert got.tolist() == [b"a", b"b"]
    s = tf.placeholder(tf.string)
    assert run(s, {s: "scalar"}) == b"scalar"


def test_long_strings_survive_runs_that_reuse_buffers():
    x = tf.placeholder(tf.string, shape=[3])
    y = tf.reshape(x, [3, 1])
    with tf.Session() as sess:
        for i in range(5):
            words = [f"{i}-{w}-" + "x" * 100 for w in "abc"]
            got = sess.run(y, {x: words})
            assert got[:, 0].tolist() == [w.encode() for w in words]


def test_non_string_elements_are_type_errors():
    with pytest.raises(TypeError, match="Expected string, got 1 of type 'int' instead"):
        tf.constant(["a", 1])
    with pytest.raises(TypeError, match="Expected string"):
        tf.constant(3, dtype=tf.string)
    x = tf.placeholder(tf.string, shape=[2])
    with pytest.raises(TypeError, match="Expected string"):
        run(x, {x: [1, 2]})


def test_numeric_ops_reject_strings_at_build_time():
    s = tf.constant(["a"])
    with pytest.raises(TypeError, match="string"):
        tf.matmul(tf.constant([["a"]]), tf.constant([["a"]]))
    with pytest.raises(TypeError, match="string"):
        tf.negative(s)
    with pytest.raises(TypeError, match="string"):
        tf.add_n([s, s])


def test_cast_of_a_string_is_unimplemented_as_in_tf1():
    with pytest.raises(tf.errors.UnimplementedError, match="Cast string to float is not supported"):
        run(tf.cast(tf.constant("1"), tf.float32))
    with pytest.raises(tf.errors.UnimplementedError, match="Cast bool to string is not supported"):
        run(tf.cast(tf.constant([True]), tf.string))


def test_shape_ops_move_strings():
    words = np.array([[b"a", b"b", b"c"], [b"d", b"e", b"f"]], dtype=object)
    x = tf.constant(words)
    got = run(
        {
            "reshape": tf.reshape(x, [3, 2]),
            "expand": tf.expand_dims(x, 0),
            "squeeze": tf.squeeze(tf.expand_dims(x, 0)),
            "concat": tf.concat([x, x], axis=1),
            "gather": tf.gather(x, [1, 0, 1]),
            "slice": tf.slice(x, [0, 1], [2, 2]),
            "strided": x[:, ::2],
            "stack": tf.stack([x, x], axis=1),
            "unstack": tf.unstack(x, axis=1)[2],
            "transpose": tf.transpose(x),
            "tile": tf.tile(x, [2, 1]),
            "pad": tf.pad(x, [[1, 0], [0, 1]]),
            "zeros_like": tf.zeros_like(x),
            "where": tf.where(tf.constant([True, False]), x, x[::-1]),
        }
    )
    want = {
        "reshape": words.reshape(3, 2),
        "expand": words[None],
        "squeeze": words,
        "concat": np.concatenate([words, words], axis=1),
        "gather": words[[1, 0, 1]],
        "slice": words[0:2, 1:3],
        "strided": words[:, ::2],
        "stack": np.stack([words, words], axis=1),
        "unstack": words[:, 2],
        "transpose": words.T,
        "tile": np.tile(words, [2, 1]),
        "pad": np.pad(words, [[1, 0], [0, 1]], constant_values=b""),
        "zeros_like": np.full_like(words, b""),
        "where": np.where([[True], [False]], words, words[::-1]),
    }
    for key, value in want.items():
        assert got[key].dtype == object, key
        assert got[key].tolist() == value.tolist(), key


def test_string_add_concatenates_as_tf1():
    assert run(tf.add(tf.constant("a"), tf.constant(["b", "c"]))).tolist() == [b"ab", b"ac"]


# --- string ops against TensorFlow ---------------------------------------------------------------
def _decode(want: dict):
    if "bytes" in want:
        return want["bytes"].encode("latin-1")
    if "bytes_array" in want:
        return np.array([v.encode("latin-1") for v in want["bytes_array"]], dtype=object).reshape(
            want["shape"]
        )
    values = [float(v) if isinstance(v, str) else v for v in want["array"]]
    return np.array(values, dtype=want["dtype"]).reshape(want["shape"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_string_op_matches_tensorflow(name):
    want = GOLDEN[name]
    if "error" in want:
        error = {
            "InvalidArgumentError": tf.errors.InvalidArgumentError,
            "ValueError": ValueError,
            "TypeError": TypeError,
        }[want["error"]]
        with pytest.raises(error) as info:
            run(CASES[name](tf))
        assert want["message"] in str(info.value)
        return
    got = run(CASES[name](tf))
    expected = _decode(want)
    if isinstance(expected, bytes):
        assert type(got) is bytes
        assert got == expected
        return
    assert isinstance(got, np.ndarray)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    if got.dtype == object:
        assert got.tolist() == expected.tolist()
    else:
        np.testing.assert_array_equal(got, expected)


def test_every_fixture_has_a_case():
    assert sorted(GOLDEN) == sorted(CASES)


def test_join_of_mismatched_shapes_is_a_value_error():
    with pytest.raises(ValueError, match="Input shapes do not match"):
        tf.strings.join([tf.constant(["a", "b"]), tf.constant(["x", "y", "z"])])
    a, b = tf.placeholder(tf.string), tf.placeholder(tf.string)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input shapes do not match"):
        run(tf.strings.join([a, b]), {a: ["p", "q"], b: ["r"]})


def test_format_placeholder_count_is_checked_at_build_time():
    with pytest.raises(ValueError, match="The template expects 2 tensors"):
        tf.strings.format("{} {}", [tf.constant(1)])


def test_as_string_round_trips_through_to_number():
    x = tf.constant(np.linspace(-3, 3, 13).astype(np.float32))
    back = tf.strings.to_number(tf.as_string(x, precision=9, scientific=True))
    np.testing.assert_array_equal(run(back), run(x))


def test_to_number_names_the_node():
    with pytest.raises(tf.errors.InvalidArgumentError, match="parse_me"):
        run(tf.strings.to_number(["x"], name="parse_me"))


def test_string_ops_are_not_differentiable():
    x = tf.constant([1.0, 2.0])
    assert tf.gradients(tf.strings.length(tf.as_string(x)), x) == [None]


def test_nan_golden_values_are_nan():
    # The fixture stores non-finite numbers as text; _decode must give real NaNs back.
    assert math.isnan(_decode(GOLDEN["to_number_specials"])[2])


def test_string_variables_assign_and_read(tmp_path):
    v = tf.Variable(["ab", "cd"], name="words")
    same_shape = tf.assign(v, ["x" * 40, "yz"])
    other_shape = tf.assign(v, ["p", "q", "r"], validate_shape=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(v).tolist() == [b"ab", b"cd"]
        assert sess.run(same_shape).tolist() == [b"x" * 40, b"yz"]
        assert sess.run(v).tolist() == [b"x" * 40, b"yz"]
        assert sess.run(other_shape).tolist() == [b"p", b"q", b"r"]
        assert sess.run(tf.assign(v, v)).tolist() == [b"p", b"q", b"r"]  # onto itself


def test_saving_a_string_variable_is_refused_clearly(tmp_path):
    v = tf.Variable(["ab"], name="words")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="dtype string"):
            tf.train.Saver([v]).save(sess, str(tmp_path / "model"))
