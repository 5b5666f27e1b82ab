"""tf.metrics' top-k family, sensitivity/specificity and metrics on unknown-rank inputs against
TensorFlow's own streams (fixtures/metrics_topk_golden.json, recorded with tf.compat.v1 by
fixtures/gen_metrics_topk_fixtures.py)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
import varflow as tf
from fixtures.gen_metrics_topk_fixtures import run_case

_GOLDEN = json.loads(
    (pathlib.Path(__file__).parent / "fixtures" / "metrics_topk_golden.json").read_text()
)


def _case_id(case):
    shapes = "-".join(
        "sparse"
        if v.get("sparse")
        else "x".join("?" if d is None else str(d) for d in v["shape"])
        if v["shape"] is not None
        else "unk"
        for v in case["inputs"].values()
    )
    return (
        case["metric"]
        + "".join(f"-{k}={v}" for k, v in case["kwargs"].items())
        + ("-weighted" if "weights" in case["inputs"] else "")
        + f"-{shapes}"
    )


def _num(x):
    if isinstance(x, list):
        return [_num(e) for e in x]
    return float("nan") if x == "nan" else x


@pytest.mark.parametrize("case", _GOLDEN["cases"], ids=[_case_id(c) for c in _GOLDEN["cases"]])
def test_metric_stream_matches_tensorflow(case):
    got = run_case(tf, case["metric"], case["kwargs"], case["inputs"])
    want = case["tf"]
    np.testing.assert_allclose(got["value_before"], _num(want["value_before"]), atol=1e-6)
    assert len(got["batches"]) == len(want["batches"]) == 3
    for g, w in zip(got["batches"], want["batches"], strict=True):
        np.testing.assert_allclose(g["update"], _num(w["update"]), rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(g["value"], _num(w["value"]), rtol=1e-6, atol=1e-7)
    assert got["value_dtype"] == want["value_dtype"]
    assert got["local_variables"] == want["local_variables"]
    assert got["metric_variables"] == want["metric_variables"]
    assert (got["value_name"], got["update_name"]) == (want["value_name"], want["update_name"])


def test_precision_at_k_by_hand():
    # Row 0: top-2 {3, 1}, labels {1, 2}: one hit of two. Row 1: top-2 {0, 2}, labels {0}.
    predictions = tf.constant([[0.1, 0.8, 0.0, 0.9], [0.7, 0.1, 0.5, 0.2]])
    labels = tf.constant([[1, 2], [0, 0]], dtype=tf.int64)
    _, p_up = tf.metrics.precision_at_k(labels, predictions, k=2)
    _, r_up = tf.metrics.recall_at_k(labels, predictions, k=2)
    _, ap_up = tf.metrics.average_precision_at_k(labels, predictions, k=2)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        got = sess.run([p_up, r_up, ap_up])
    # precision 2/4; recall: labels {1,2} and {0} (repeated 0 counts once) -> 2/3;
    # AP: row 0 (hit at rank 2: 1/2) / min(2, 2) = 0.25, row 1 (hit at rank 1) / min(2, 2) =
    # 0.5 (a dense row's label count is its non-negative entries, repeats included, as TF).
    np.testing.assert_allclose(got, [0.5, 2 / 3, 0.375])


def test_top_k_metric_variables_are_float64_locals():
    predictions = tf.placeholder(tf.float32, [None, 5])
    labels = tf.placeholder(tf.int64, [None])
    tf.metrics.precision_at_k(labels, predictions, k=3, class_id=2)
    tf.metrics.average_precision_at_k(labels, predictions, k=2)
    names = [(v.name, v.dtype.base_dtype) for v in tf.local_variables()]
    assert names == [
        ("precision_at_3_class2/true_positive_at_3_class2:0", tf.float64),
        ("precision_at_3_class2/false_positive_at_3_class2:0", tf.float64),
        # TF names the scope max_1: the largest-label check's "Max" op took "max" (names are
        # unique regardless of case).
        ("average_precision_at_2/max_1:0", tf.float64),
        ("average_precision_at_2/total:0", tf.float64),
    ]
    assert tf.global_variables() == []
    assert len(tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)) == 4


def test_weights_that_do_not_broadcast_fail_as_in_tf():
    predictions = tf.constant([[0.1, 0.9], [0.8, 0.2]])
    labels = tf.constant([1, 0], dtype=tf.int64)
    # TF1's per-row counts have no static shape, so it checks the weights when run.
    _, p_update = tf.metrics.precision_at_k(labels, predictions, k=1, weights=tf.ones([2, 1]))
    weights = tf.placeholder(tf.float32)
    _, r_update = tf.metrics.recall_at_k(
        tf.constant([1, 1], dtype=tf.int64), predictions, k=1, weights=weights
    )
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="weights can not be broadcast"):
            sess.run(p_update)
        for bad in ([[1.0], [1.0]], [1.0, 1.0, 1.0]):
            with pytest.raises(tf.errors.InvalidArgumentError, match="weights can not be broadc"):
                sess.run(r_update, {weights: bad})
        assert sess.run(r_update, {weights: [1.0, 0.0]}) == 1.0
        assert sess.run(r_update, {weights: 2.0}) == pytest.approx(3 / 5)


def test_average_precision_rejects_k_below_one():
    with pytest.raises(ValueError, match=r"Invalid k=0\. `k` should be >= 1\."):
        tf.metrics.average_precision_at_k(tf.constant([1], tf.int64), tf.constant([[0.1, 0.2]]), 0)


def test_sensitivity_rejects_an_out_of_range_target():
    with pytest.raises(ValueError, match=r"`specificity` must be in the range \[0, 1\]"):
        tf.metrics.sensitivity_at_specificity(tf.constant([1]), tf.constant([0.5]), 1.5)


def test_unknown_rank_labels_squeeze_at_run_time():
    labels = tf.placeholder(tf.int64)
    predictions = tf.placeholder(tf.int64)
    acc, update = tf.metrics.accuracy(labels, predictions)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        # [3, 1] labels against [3] predictions: the labels' trailing 1 is squeezed.
        assert sess.run(update, {labels: [[1], [2], [3]], predictions: [1, 2, 0]}) == (
            pytest.approx(2 / 3)
        )
        # Equal ranks: nothing squeezed.
        assert sess.run(update, {labels: [4], predictions: [4]}) == pytest.approx(0.75)
        assert sess.run(acc) == pytest.approx(0.75)


def test_the_alias_tf1_lacks_is_absent():
    # TF1's tf.metrics has sparse_precision_at_k but no sparse_recall_at_k (that was contrib).
    assert tf.metrics.sparse_precision_at_k is not None
    with pytest.raises(AttributeError):
        tf.metrics.sparse_recall_at_k  # noqa: B018
