"""tf.metrics against TensorFlow's own numbers (fixtures/metrics_golden.json, recorded by
fixtures/gen_metrics_fixtures.py with tf.compat.v1)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
import varflow as tf
from fixtures.gen_metrics_fixtures import naming, run_case

_GOLDEN = json.loads(
    (pathlib.Path(__file__).parent / "fixtures" / "metrics_golden.json").read_text()
)


def _case_id(case):
    return (
        case["metric"]
        + "".join(f"-{k}={v}" for k, v in case["kwargs"].items())
        + ("-weighted" if "weights" in case["inputs"] else "")
    )


@pytest.mark.parametrize("case", _GOLDEN["cases"], ids=[_case_id(c) for c in _GOLDEN["cases"]])
def test_metric_matches_tensorflow(case):
    got = run_case(tf, case["metric"], case["kwargs"], case["inputs"])
    want = case["tf"]
    np.testing.assert_allclose(got["value_before"], want["value_before"], atol=1e-6)
    for g, w in zip(got["batches"], want["batches"], strict=True):
        np.testing.assert_allclose(g["update"], w["update"], rtol=2e-5, atol=1e-6)
        np.testing.assert_allclose(g["value"], w["value"], rtol=2e-5, atol=1e-6)
    assert got["local_variables"] == want["local_variables"]
    assert got["metric_variables"] == want["metric_variables"]
    if case["metric"] not in ("mean_iou", "root_mean_squared_error") and "careful" not in str(
        case["kwargs"]
    ):
        assert (got["value_name"], got["update_name"]) == (want["value_name"], want["update_name"])


def test_names_and_collections_match_tensorflow():
    assert naming(tf) == _GOLDEN["naming"]


def test_local_variables_initializer_resets_a_metric():
    labels = tf.placeholder(tf.int64, [None])
    preds = tf.placeholder(tf.int64, [None])
    acc, update = tf.metrics.accuracy(labels, preds)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(update, {labels: [1, 2], preds: [1, 0]}) == pytest.approx(0.5)
        assert sess.run(update, {labels: [1, 2], preds: [1, 2]}) == pytest.approx(0.75)
        sess.run(tf.local_variables_initializer())
        assert sess.run(acc) == 0.0
        assert sess.run(update, {labels: [3], preds: [3]}) == 1.0


def test_metric_variables_are_uninitialized_until_the_local_initializer():
    values = tf.placeholder(tf.float32, [None])
    _, update = tf.metrics.mean(values)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # metrics are local: not this one
        with pytest.raises(tf.errors.FailedPreconditionError, match="mean/total"):
            sess.run(update, {values: [1.0]})


def test_unknown_rank_is_resolved_at_run_time():
    labels = tf.placeholder(tf.int64)
    preds = tf.placeholder(tf.int64, [None])
    _, update = tf.metrics.accuracy(labels, preds)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(update, {labels: [[1], [0]], preds: [1, 1]}) == pytest.approx(0.5)


def test_incompatible_shapes_raise_value_error():
    with pytest.raises(ValueError, match="incompatible"):
        tf.metrics.accuracy(tf.constant([[1, 2, 3]]), tf.constant([1, 2, 3]))


def test_auc_rejects_an_unknown_curve():
    with pytest.raises(ValueError, match="curve must be either ROC or PR, XY unknown"):
        tf.metrics.auc(tf.constant([1]), tf.constant([0.5]), curve="XY")


def test_confusion_matrix():
    cm = tf.confusion_matrix([0, 1, 2, 1], [0, 2, 2, 1], num_classes=3)
    wcm = tf.confusion_matrix([0, 1], [1, 1], num_classes=2, weights=[0.5, 2.0], dtype=tf.float32)
    with tf.Session() as sess:
        got, wgot = sess.run([cm, wcm])
    np.testing.assert_array_equal(got, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    assert got.dtype == np.int32
    np.testing.assert_allclose(wgot, [[0.0, 0.5], [0.0, 2.0]])


def test_every_tf1_metric_exists_and_others_are_attribute_errors():
    from varflow._tf1_api_names import TF1_NAMES

    missing = [
        n for n in sorted(TF1_NAMES["metrics"]) if not callable(getattr(tf.metrics, n, None))
    ]
    assert missing == []
    assert sorted(tf.metrics.__all__) == sorted(TF1_NAMES["metrics"])
    with pytest.raises(AttributeError, match="has no attribute 'no_such_metric'"):
        tf.metrics.no_such_metric  # noqa: B018


def test_metrics_refuse_eager_mode_as_tf1(monkeypatch):
    monkeypatch.setattr(tf, "executing_eagerly", lambda: True, raising=False)
    with pytest.raises(
        RuntimeError, match=r"^tf\.metrics\.accuracy is not supported when eager execution"
    ):
        tf.metrics.accuracy([1], [1])
