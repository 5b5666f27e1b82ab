"""tf.data pipelines give TensorFlow's elements, in TensorFlow's order, and end at the same
step: each pipeline of fixtures/data/pipelines.py runs here with varflow and is compared with
what TensorFlow gave for the same code (fixtures/data/make_fixtures.py)."""

from __future__ import annotations

import importlib.util
import json
import pathlib

import numpy as np
import pytest
import varflow as tf

HERE = pathlib.Path(__file__).parent / "fixtures" / "data"
EXPECTED = json.loads((HERE / "expected.json").read_text())


def _load_pipelines():
    spec = importlib.util.spec_from_file_location("data_pipelines", HERE / "pipelines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PIPELINES


PIPELINES = _load_pipelines()


def _decode(encoded):
    return np.asarray(encoded["values"], dtype=encoded["dtype"]).reshape(encoded["shape"])


def _drain(sess, next_element, limit=1000, feed=None):
    elements = []
    for _ in range(limit):
        try:
            value = sess.run(next_element, feed_dict=feed)
        except tf.errors.OutOfRangeError:
            return elements, True
        elements.append([np.asarray(v) for v in _flatten(value)])
    return elements, False


def _flatten(value):
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _flatten(value[key])]
    if isinstance(value, tuple):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _assert_elements(got, expected):
    assert len(got) == len(expected), f"{len(got)} elements, TensorFlow gave {len(expected)}"
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert len(g) == len(e), f"element {i}: {len(g)} components, expected {len(e)}"
        for c, (gv, ev) in enumerate(zip(g, e, strict=True)):
            want = _decode(ev)
            assert gv.dtype == want.dtype, f"element {i} component {c}: {gv.dtype} != {want.dtype}"
            assert gv.shape == want.shape, f"element {i} component {c}: {gv.shape} != {want.shape}"
            np.testing.assert_array_equal(gv, want, err_msg=f"element {i} component {c}")


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_tensorflow(name):
    expected = EXPECTED[name]
    with tf.Graph().as_default():
        ds = PIPELINES[name](tf)
        it = tf.data.make_one_shot_iterator(ds)
        nxt = it.get_next()
        types = [t.name for t in _flatten(tf.data.get_output_types(ds))]
        shapes = [
            s.as_list() if s.ndims is not None else None
            for s in _flatten(tf.data.get_output_shapes(ds))
        ]
        with tf.Session() as sess:
            elements, ended = _drain(sess, nxt)
            again, _ = _drain(sess, nxt, limit=1)
    assert types == expected["output_types"]
    assert shapes == expected["output_shapes"]
    _assert_elements(elements, expected["elements"])
    assert ended == expected["ended"]
    assert len(again) == expected["after_end"]


def test_initializable_iterator_rereads_its_feeds_like_tensorflow():
    expected = EXPECTED["__reinitialised__"]
    with tf.Graph().as_default():
        data = tf.placeholder(tf.float32, [None])
        ds = tf.data.Dataset.from_tensor_slices(data).shuffle(4, seed=5).batch(3)
        it = tf.data.make_initializable_iterator(ds)
        nxt = it.get_next()
        with tf.Session() as sess:
            for values, want in zip(expected["feeds"], expected["passes"], strict=True):
                sess.run(it.initializer, feed_dict={data: values})
                got, ended = _drain(sess, nxt)
                assert ended
                _assert_elements(got, want)
