"""``tf.metrics`` and the C++ metrics a C++ host calls build the same graph.

The Python metrics are skins over ``varflow/train/metrics.h``: they pass a scope opener that
enters ``tf.variable_scope``. Here each metric is built once through the Python API and once
through ``_core`` directly, with no opener (the C++ scope is then a plain name scope, made
unique): the two GraphDefs must be equal node for node (names, ops, inputs, attributes, in
creation order), and the metric variables and collections the same.
"""

from __future__ import annotations

import pytest
import varflow as tf
from varflow import _core


def _nodes(graph):
    return [
        (n.name, n.op, list(n.input), {k: str(v) for k, v in sorted(n.attr.items())})
        for n in graph.as_graph_def().node
    ]


def _arg(t):
    return _core.Arg(t._output)


def _inputs(unknown, label_dtype, prediction_dtype, weighted):
    shape = None if unknown else [None, 1]
    labels = tf.placeholder(label_dtype, shape, name="labels")
    predictions = tf.placeholder(prediction_dtype, shape, name="predictions")
    weights = tf.placeholder(tf.float32, shape, name="weights") if weighted else None
    return labels, predictions, weights


_BINARY = [
    ("accuracy", "metric_accuracy", tf.int64, tf.int64),
    ("mean_absolute_error", "metric_mean_absolute_error", tf.float32, tf.float32),
    ("mean_squared_error", "metric_mean_squared_error", tf.float32, tf.float32),
    ("root_mean_squared_error", "metric_root_mean_squared_error", tf.float32, tf.float32),
    ("precision", "metric_precision", tf.bool, tf.float32),
    ("recall", "metric_recall", tf.bool, tf.float32),
]


def _build_twice(python_build, core_build):
    graphs = []
    for build in (python_build, core_build):
        g = tf.Graph()
        with g.as_default():
            build(g)
        graphs.append(g)
    return graphs


def _assert_same(a, b):
    assert _nodes(a) == _nodes(b)
    for key in (tf.GraphKeys.LOCAL_VARIABLES, tf.GraphKeys.METRIC_VARIABLES, "m", "u"):
        assert [x.name for x in a.get_collection(key)] == [x.name for x in b.get_collection(key)]


@pytest.mark.parametrize("unknown", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("metric", "core_name", "label_dtype", "prediction_dtype"), _BINARY)
def test_binary_metrics_build_the_same_nodes(
    metric, core_name, label_dtype, prediction_dtype, weighted, unknown
):
    def python_build(g):
        labels, predictions, weights = _inputs(unknown, label_dtype, prediction_dtype, weighted)
        getattr(tf.metrics, metric)(
            labels, predictions, weights, metrics_collections=["m"], updates_collections=["u"]
        )

    def core_build(g):
        labels, predictions, weights = _inputs(unknown, label_dtype, prediction_dtype, weighted)
        getattr(_core, core_name)(
            g._core, _arg(labels), _arg(predictions), None if weights is None else _arg(weights),
            ["m"], ["u"], "", None,
        )  # fmt: skip

    _assert_same(*_build_twice(python_build, core_build))


@pytest.mark.parametrize("outcome", ["true_positives", "false_positives", "true_negatives",
                                     "false_negatives"])  # fmt: skip
def test_outcome_counts_build_the_same_nodes(outcome):
    def python_build(g):
        labels, predictions, weights = _inputs(True, tf.int64, tf.float32, True)
        getattr(tf.metrics, outcome)(labels, predictions, weights, name="counted")

    def core_build(g):
        labels, predictions, weights = _inputs(True, tf.int64, tf.float32, True)
        _core.metric_count_outcome(
            g._core, outcome, _arg(labels), _arg(predictions), _arg(weights), [], [], "counted",
            None,
        )  # fmt: skip

    _assert_same(*_build_twice(python_build, core_build))


def test_means_and_distances_build_the_same_nodes():
    def values():
        return (
            tf.placeholder(tf.float32, [4, 3], name="v"),
            tf.placeholder(tf.float32, [4, 3], name="p"),
            tf.placeholder(tf.float32, [4, 1], name="w"),
        )

    def python_build(g):
        v, p, w = values()
        tf.metrics.mean(v, w)
        tf.metrics.mean_tensor(v, w)
        tf.metrics.percentage_below(v, 0.5, w)
        tf.metrics.mean_relative_error(v, p, p, w)
        tf.metrics.mean_cosine_distance(v, p, 1, w)

    def core_build(g):
        v, p, w = (_arg(t) for t in values())
        c = g._core
        _core.metric_mean(c, v, w, [], [], "", None)
        _core.metric_mean_tensor(c, v, w, [], [], "", None)
        _core.metric_percentage_below(c, v, _core.Arg(0.5), w, [], [], "", None)
        _core.metric_mean_relative_error(c, v, p, p, w, [], [], "", None)
        _core.metric_mean_cosine_distance(c, v, p, 1, w, [], [], "", None)

    _assert_same(*_build_twice(python_build, core_build))


_CURVES = [
    ("ROC", "trapezoidal"),
    ("ROC", "minoring"),
    ("PR", "majoring"),
    ("PR", "careful_interpolation"),
]


@pytest.mark.parametrize("unknown", [False, True])
@pytest.mark.parametrize(("curve", "summation_method"), _CURVES)
def test_auc_builds_the_same_nodes(curve, summation_method, unknown):
    def python_build(g):
        labels, predictions, weights = _inputs(unknown, tf.bool, tf.float64, True)
        tf.metrics.auc(
            labels, predictions, weights, num_thresholds=5, curve=curve,
            summation_method=summation_method, metrics_collections=["m"],
            updates_collections=["u"],
        )  # fmt: skip

    def core_build(g):
        labels, predictions, weights = _inputs(unknown, tf.bool, tf.float64, True)
        _core.metric_auc(
            g._core, _arg(labels), _arg(predictions), _arg(weights), 5, curve,
            summation_method, None, ["m"], ["u"], "", None,
        )  # fmt: skip

    _assert_same(*_build_twice(python_build, core_build))


def test_threshold_metrics_build_the_same_nodes():
    thresholds = [0.3, 0.7]

    def python_build(g):
        labels, predictions, weights = _inputs(False, tf.int64, tf.float32, True)
        tf.metrics.false_negatives_at_thresholds(labels, predictions, thresholds, weights)
        tf.metrics.precision_at_thresholds(labels, predictions, thresholds, weights)
        tf.metrics.recall_at_thresholds(labels, predictions, thresholds)
        tf.metrics.auc(labels, predictions, thresholds=[0.6, 0.2])
        tf.metrics.sensitivity_at_specificity(labels, predictions, 0.4, weights, 7)
        tf.metrics.specificity_at_sensitivity(labels, predictions, 0.4, None, 7)

    def core_build(g):
        labels, predictions, weights = (_arg(t) for t in _inputs(False, tf.int64, tf.float32, True))
        c = g._core
        none = ([], [], "", None)
        _core.metric_count_outcome_at_thresholds(
            c, "false_negatives", labels, predictions, thresholds, weights, *none
        )
        _core.metric_precision_at_thresholds(c, labels, predictions, thresholds, weights, *none)
        _core.metric_recall_at_thresholds(c, labels, predictions, thresholds, None, *none)
        _core.metric_auc(c, labels, predictions, None, 200, "ROC", "trapezoidal", [0.6, 0.2], *none)
        _core.metric_sensitivity_at_specificity(c, labels, predictions, 0.4, weights, 7, *none)
        _core.metric_specificity_at_sensitivity(c, labels, predictions, 0.4, None, 7, *none)

    _assert_same(*_build_twice(python_build, core_build))


@pytest.mark.parametrize("weighted", [False, True])
def test_class_id_metrics_build_the_same_nodes(weighted):
    def ids():
        labels = tf.placeholder(tf.int64, [None, 2], name="labels")
        predictions = tf.placeholder(tf.int32, [None, 2], name="predictions")
        weights = tf.placeholder(tf.float32, [None, 2], name="weights") if weighted else None
        return labels, predictions, weights

    def python_build(g):
        labels, predictions, weights = ids()
        tf.metrics.mean_iou(labels, predictions, 4, weights)
        tf.metrics.mean_per_class_accuracy(labels, predictions, 4, weights)
        tf.confusion_matrix(labels[:, 0], predictions[:, 0], num_classes=4, dtype=tf.float32)

    def core_build(g):
        labels, predictions, weights = ids()
        c = g._core
        w = None if weights is None else _arg(weights)
        _core.metric_mean_iou(c, _arg(labels), _arg(predictions), 4, w, [], [], "", None)
        _core.metric_mean_per_class_accuracy(
            c, _arg(labels), _arg(predictions), 4, w, [], [], "", None
        )
        first_labels, first_predictions = labels[:, 0], predictions[:, 0]
        _core.confusion_matrix(
            c, _arg(first_labels), _arg(first_predictions), 4, tf.float32._core, "", None
        )

    _assert_same(*_build_twice(python_build, core_build))


@pytest.mark.parametrize("sparse", [False, True])
def test_top_k_metrics_build_the_same_nodes(sparse):
    def inputs():
        if sparse:
            labels = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 2], [2, 2])
        else:
            labels = tf.placeholder(tf.int64, [None, 2], name="labels")
        scores = tf.placeholder(tf.float32, [None, 4], name="scores")
        weights = tf.placeholder(tf.float32, [None, 1], name="weights")
        return labels, scores, weights

    def python_build(g):
        labels, scores, weights = inputs()
        tf.metrics.precision_at_k(labels, scores, 2, class_id=1, weights=weights)
        tf.metrics.recall_at_top_k(labels, tf.nn.top_k(scores, 2)[1], k=2)
        tf.metrics.average_precision_at_k(labels, scores, 2, weights, name="ap")

    def core_build(g):
        labels, scores, weights = inputs()
        c = g._core
        if sparse:
            dense = None

            def parts():
                return (labels.indices._output, labels.values._output, labels.dense_shape._output)
        else:
            dense, parts = _arg(labels), None
        s, w = _arg(scores), _arg(weights)
        _core.metric_precision_at_k(c, dense, parts, s, 2, 1, w, [], [], "")
        _core.metric_recall_at_top_k(
            c, dense, parts, _arg(tf.nn.top_k(scores, 2)[1]), 2, None, None, [], [], ""
        )
        _core.metric_average_precision_at_k(c, dense, parts, s, 2, w, [], [], "ap")

    _assert_same(*_build_twice(python_build, core_build))
