"""Candidate sampling (tf.nn.*_candidate_sampler, compute_accidental_hits, nce_loss,
sampled_softmax_loss) and partitioned embedding_lookup against TF-recorded values
(fixtures/sampling/golden.json, written by make_fixtures.py with TF 2.21's tf.compat.v1).

The samplers' draws come from varflow's generator, so the tests check what TF fixes: the
distribution, the expected counts for the candidates drawn, and, given the same sampled
candidates, the same losses and gradients.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import varflow as tf

G = json.loads((Path(__file__).parent / "fixtures/sampling/golden.json").read_text())
W = np.array(G["W"], np.float32)
B = np.array(G["B"], np.float32)
X = np.array(G["X"], np.float32)


def split(values, n, strategy):
    if strategy == "mod":
        return [values[p::n] for p in range(n)]
    per, extras = divmod(values.shape[0], n)
    out, start = [], 0
    for p in range(n):
        size = per + (1 if p < extras else 0)
        out.append(values[start : start + size])
        start += size
    return out


def _case_id(c):
    return f"{c['loss']}-true{c['num_true']}-rm{c['remove']}-{c['parts']}{c['strategy']}"


@pytest.mark.parametrize("case", G["losses"], ids=_case_id)
def test_sampled_losses_and_gradients_as_tf(case):
    labels = np.array(G["labels1"] if case["num_true"] == 1 else G["labels2"], np.int64)
    true_ec = np.array(G["true_ec1"] if case["num_true"] == 1 else G["true_ec2"], np.float32)
    with tf.Graph().as_default():
        if case["parts"] == 1:
            wlist = [tf.constant(W)]
            weights = wlist[0]
        else:
            wlist = [tf.constant(p) for p in split(W, case["parts"], case["strategy"])]
            weights = wlist
        biases = tf.constant(B)
        inputs = tf.constant(X)
        fn = tf.nn.nce_loss if case["loss"] == "nce" else tf.nn.sampled_softmax_loss
        sampled_values = (
            tf.constant(np.array(G["sampled"], np.int64)),
            tf.constant(true_ec),
            tf.constant(np.array(G["sampled_ec"], np.float32)),
        )
        loss = fn(
            weights,
            biases,
            tf.constant(labels),
            inputs,
            num_sampled=len(G["sampled"]),
            num_classes=10,
            num_true=case["num_true"],
            sampled_values=sampled_values,
            remove_accidental_hits=case["remove"],
            partition_strategy=case["strategy"],
        )
        assert loss.shape.as_list() in ([4], [None])
        grads = tf.gradients(
            tf.reduce_sum(loss * tf.constant([1.0, 2.0, 3.0, 4.0])), [*wlist, biases, inputs]
        )
        with tf.Session() as s:
            out = s.run([loss, *grads])
    np.testing.assert_allclose(out[0], case["value"], rtol=2e-5, atol=1e-5)
    for got, want in zip(out[1:], case["grads"], strict=True):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-5)


def test_compute_accidental_hits_as_tf():
    with tf.Graph().as_default():
        hits = tf.nn.compute_accidental_hits(
            tf.constant(np.array(G["labels2"], np.int64)),
            tf.constant([3, 1, 9, 1, 4], tf.int64),
            num_true=2,
        )
        with tf.Session() as s:
            got = [h.tolist() for h in s.run(hits)]
    assert got[:2] == G["accidental_hits"][:2]
    np.testing.assert_array_equal(np.float32(got[2]), np.float32(G["accidental_hits"][2]))


@pytest.mark.parametrize("case", G["lookups"], ids=lambda c: f"{c['strategy']}-{c['parts']}")
def test_partitioned_embedding_lookup_as_tf(case):
    with tf.Graph().as_default():
        ps = [tf.constant(p) for p in split(W, case["parts"], case["strategy"])]
        ids = tf.constant(np.array(G["ids"], np.int64))
        out = tf.nn.embedding_lookup(ps, ids, partition_strategy=case["strategy"])
        assert out.shape.as_list() == case["shape"]
        grads = tf.gradients(tf.reduce_sum(out * out), ps)
        with tf.Session() as s:
            vals = s.run([out, *grads])
    np.testing.assert_allclose(vals[0], case["value"], rtol=1e-6)
    for got, want in zip(vals[1:], case["grads"], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_embedding_lookup_partitioned_id_out_of_range_is_an_error():
    with tf.Graph().as_default():
        ps = [tf.constant(p) for p in split(W, 3, "mod")]
        out = tf.nn.embedding_lookup(ps, tf.constant([12], tf.int64))
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError):
            s.run(out)
    with pytest.raises(ValueError, match="Unrecognized partition strategy"):
        tf.nn.embedding_lookup([tf.constant(W)], [0], partition_strategy="bad")


def _log_uniform_p(k, range_max):
    return (math.log(k + 2) - math.log(k + 1)) / math.log(range_max + 1)


def _probabilities(name, range_max):
    if name == "log_uniform":
        return np.array([_log_uniform_p(k, range_max) for k in range(range_max)])
    if name == "uniform":
        return np.full(range_max, 1.0 / range_max)
    w = np.array([0, 0, 5.0, 1, 3, 0, 2, 8, 1, 1]) ** 0.75
    return w / w.sum()


def _sampler(name, true, num_sampled, unique, range_max, seed=3):
    if name == "fixed_unigram":
        return tf.nn.fixed_unigram_candidate_sampler(
            true,
            num_true=true.shape[1],
            num_sampled=num_sampled,
            unique=unique,
            range_max=range_max,
            unigrams=[5.0, 1, 3, 0, 2, 8, 1, 1],
            distortion=0.75,
            num_reserved_ids=2,
            seed=seed,
        )
    fn = getattr(tf.nn, name + "_candidate_sampler")
    return fn(
        true,
        num_true=true.shape[1],
        num_sampled=num_sampled,
        unique=unique,
        range_max=range_max,
        seed=seed,
    )


@pytest.mark.parametrize("case", G["samplers"], ids=lambda c: f"{c['sampler']}-u{c['unique']}")
def test_expected_counts_follow_tf_formulas(case):
    """TF's expected counts for TF's own draws are P * n (unique=False) or
    1 - (1 - P)^tries; varflow's are the same functions of its draws."""
    p = _probabilities(case["sampler"], 10)
    labels = np.array(G["labels2"])
    for sampled, true_ec, sampled_ec in case["runs"]:  # TF's recorded run: the formulas hold
        _check_counts(p, labels, sampled, true_ec, sampled_ec, case["unique"])
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        out = _sampler(case["sampler"], tf.constant(labels, tf.int64), 5, case["unique"], 10)
        with tf.Session() as s:
            runs = [s.run(out) for _ in range(3)]
    for sampled, true_ec, sampled_ec in runs:
        assert sampled.dtype == np.int64
        assert ((sampled >= 0) & (sampled < 10)).all()
        if case["unique"]:
            assert len(set(sampled.tolist())) == 5
        assert (p[sampled] > 0).all()
        _check_counts(p, labels, sampled, true_ec, sampled_ec, case["unique"])
    assert any((runs[0][0] != r[0]).any() for r in runs[1:])  # each run draws anew


def _check_counts(p, labels, sampled, true_ec, sampled_ec, unique):
    sampled = np.asarray(sampled)
    true_ec = np.asarray(true_ec, np.float64)
    sampled_ec = np.asarray(sampled_ec, np.float64)
    n = len(sampled)
    candidates = [n] if not unique else range(n, 10000)
    for tries in candidates:
        if tries == n:
            want_t, want_s = p[labels] * n, p[sampled] * n
        else:
            want_t = -np.expm1(tries * np.log1p(-p[labels]))
            want_s = -np.expm1(tries * np.log1p(-p[sampled]))
        if np.allclose(true_ec, want_t, rtol=1e-5) and np.allclose(sampled_ec, want_s, rtol=1e-5):
            return
    raise AssertionError(f"expected counts {true_ec}, {sampled_ec} fit no number of draws")


@pytest.mark.parametrize("name", ["log_uniform", "uniform", "fixed_unigram"])
def test_draws_follow_the_distribution(name):
    range_max, n = 10, 4000
    with tf.Graph().as_default():
        out = _sampler(name, tf.constant([[0]], tf.int64), n, False, range_max, seed=11)
        with tf.Session() as s:
            sampled = np.concatenate([s.run(out[0]) for _ in range(5)])
    p = _probabilities(name, range_max)
    counts = np.bincount(sampled, minlength=range_max)
    expected = p * len(sampled)
    assert counts[expected == 0].sum() == 0
    nz = expected > 0
    chi2 = (((counts[nz] - expected[nz]) ** 2) / expected[nz]).sum()
    assert chi2 < 30.0, (counts, expected)  # 9 degrees of freedom: p < 0.0005


def test_same_seed_same_draws_new_session_repeats():
    def draw():
        with tf.Graph().as_default():
            tf.set_random_seed(1)
            out = tf.nn.log_uniform_candidate_sampler(
                tf.constant([[1]], tf.int64), 1, 6, True, 50, seed=2
            )
            with tf.Session() as s:
                return [s.run(out[0]).tolist() for _ in range(2)]

    first = draw()
    assert first == draw()
    assert first[0] != first[1]


def test_sampler_errors():
    with tf.Graph().as_default():
        true = tf.constant([[1, 2]], tf.int64)
        with pytest.raises(ValueError, match="must equal num_true"):
            tf.nn.uniform_candidate_sampler(true, 1, 2, True, 5)
        out = tf.nn.uniform_candidate_sampler(true, 2, 6, True, 5)
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="range is"):
            s.run(out)
        with pytest.raises(ValueError, match="Exactly one of vocab_file and unigrams"):
            tf.nn.fixed_unigram_candidate_sampler(true, 2, 2, False, 5)
        bad = tf.nn.fixed_unigram_candidate_sampler(true, 2, 2, False, 5, unigrams=[1.0, 2.0])
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="range_max"):
            s.run(bad)


def test_fixed_unigram_vocab_file(tmp_path):
    vocab = tmp_path / "vocab.csv"
    vocab.write_text("a,5\nb,1\nc,3\nd,0\n")
    with tf.Graph().as_default():
        out = tf.nn.fixed_unigram_candidate_sampler(
            tf.constant([[0, 3]], tf.int64), 2, 3, False, 4, vocab_file=str(vocab), seed=1
        )
        with tf.Session() as s:
            sampled, true_ec, _ = s.run(out)
    np.testing.assert_allclose(true_ec, [[5 / 9 * 3, 0.0]], rtol=1e-6)
    assert 3 not in sampled.tolist()


def test_word2vec_style_training_learns():
    """nce_loss with the default sampler drives a skip-gram-like toy model's loss down."""
    rng = np.random.RandomState(0)
    vocab, dim = 50, 8
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        inputs = tf.placeholder(tf.int32, [None])
        labels = tf.placeholder(tf.int64, [None, 1])
        emb = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0))
        nce_w = tf.Variable(tf.truncated_normal([vocab, dim], stddev=1.0 / math.sqrt(dim)))
        nce_b = tf.Variable(tf.zeros([vocab]))
        embed = tf.nn.embedding_lookup(emb, inputs)
        loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, labels, embed, 8, vocab))
        train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
        words = rng.randint(0, vocab, 256)
        targets = ((words + 1) % vocab).reshape(-1, 1)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            feed = {inputs: words, labels: targets}
            before = np.mean([s.run(loss, feed) for _ in range(5)])
            for _ in range(300):
                s.run(train, feed)
            after = np.mean([s.run(loss, feed) for _ in range(5)])
    assert after < 0.5 * before
