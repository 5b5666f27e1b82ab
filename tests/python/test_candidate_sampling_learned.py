"""tf.nn.learned_unigram_candidate_sampler and all_candidate_sampler against TF1
(fixtures/sampling/learned_golden.json, recorded by fixtures/sampling/make_learned_fixtures.py).

TF's learned sampler starts every id at weight 1 and adds 1 per true class after each run; its
expected counts are functions of those weights, checked here for TF's recorded runs and for
varflow's own draws."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest
import varflow as tf
from test_candidate_sampling import _check_counts

G = json.loads(
    (pathlib.Path(__file__).parent / "fixtures" / "sampling" / "learned_golden.json").read_text()
)
TRUE = np.array(G["true"], np.int64)
RANGE = 9


def _weights_before(run):
    return 1.0 + run * np.bincount(TRUE.ravel(), minlength=RANGE)


def _learned(unique, seed=3, num_sampled=4):
    return tf.nn.learned_unigram_candidate_sampler(
        tf.constant(TRUE), num_true=2, num_sampled=num_sampled, unique=unique,
        range_max=RANGE, seed=seed,
    )  # fmt: skip


@pytest.mark.parametrize("case", G["learned"], ids=lambda c: f"unique={c['unique']}")
def test_learned_counts_follow_the_weights_seen_so_far(case):
    for run, (sampled, true_ec, sampled_ec) in enumerate(case["runs"]):  # TF's own runs
        w = _weights_before(run)
        _check_counts(w / w.sum(), TRUE, sampled, true_ec, sampled_ec, case["unique"])
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        out = _learned(case["unique"])
        with tf.Session() as sess:
            runs = [sess.run(out) for _ in range(3)]
    for run, (sampled, true_ec, sampled_ec) in enumerate(runs):
        assert sampled.dtype == np.int64
        assert sampled.shape == (4,)
        assert ((sampled >= 0) & (sampled < RANGE)).all()
        if case["unique"]:
            assert len(set(sampled.tolist())) == 4
        w = _weights_before(run)
        _check_counts(w / w.sum(), TRUE, sampled, true_ec, sampled_ec, case["unique"])


def test_learned_draws_follow_the_learned_distribution():
    true = np.full((50, 1), 2, np.int64)
    with tf.Graph().as_default():
        out = tf.nn.learned_unigram_candidate_sampler(
            tf.constant(true), num_true=1, num_sampled=3000, unique=False, range_max=5, seed=7
        )
        with tf.Session() as sess:
            first = sess.run(out[0])
            second = sess.run(out[0])  # id 2 now has weight 51 of 55
    np.testing.assert_allclose(np.bincount(first, minlength=5) / 3000, [0.2] * 5, atol=0.03)
    np.testing.assert_allclose(
        np.bincount(second, minlength=5) / 3000, np.array([1, 1, 51, 1, 1]) / 55, atol=0.03
    )


def test_learned_sampler_is_per_session_and_seeded():
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        out = _learned(False, seed=9)
        with tf.Session() as a:
            first = [a.run(out[0]).tolist() for _ in range(2)]
        with tf.Session() as b:
            again = [b.run(out[0]).tolist() for _ in range(2)]
    assert first == again


def test_learned_unique_needs_the_range():
    with tf.Graph().as_default():
        out = _learned(True, num_sampled=12)
        with (
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError, match="Sampler's range is too small"),
        ):
            sess.run(out)


@pytest.mark.parametrize("case", G["all"], ids=lambda c: f"unique={c['unique']}")
def test_all_candidate_sampler_matches_tf(case):
    with tf.Graph().as_default():
        out = tf.nn.all_candidate_sampler(
            tf.constant(TRUE), num_true=2, num_sampled=8, unique=case["unique"], seed=3
        )
        with tf.Session() as sess:
            got = [o.tolist() for o in sess.run(out)]
    assert got == case["run"]
    assert tf.random.all_candidate_sampler is tf.nn.all_candidate_sampler


@pytest.mark.parametrize("sampler", sorted(G["out_of_range"]))
def test_a_true_class_outside_the_range_fails_as_in_tf(sampler):
    assert G["out_of_range"][sampler] is not None  # TF refused it too
    with tf.Graph().as_default():
        kw = {} if sampler == "all" else {"range_max": 7}
        fn = getattr(tf.nn, sampler + "_candidate_sampler")
        out = fn(tf.constant(TRUE), num_true=2, num_sampled=7, unique=False, **kw)
        with tf.Session() as sess, pytest.raises(
            tf.errors.InvalidArgumentError,
            match=r"`true_candidate` out of range \[0, 7\), received 7",
        ):
            sess.run(out)
