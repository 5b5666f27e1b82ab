"""TF1's candidate samplers (``tf.nn.*_candidate_sampler``) and ``compute_accidental_hits``.

The samplers are C++ ops (cpp/src/ops/candidate_sampling_ops.cc) with TF's distributions and
expected counts; each returns ``(sampled_candidates, true_expected_count,
sampled_expected_count)``, the ``sampled_values`` that ``nce_loss`` and
``sampled_softmax_loss`` take.
"""

from __future__ import annotations

from varflow import dtypes
from varflow.graph import convert_to_tensor, name_scope

__all__ = [
    "all_candidate_sampler",
    "compute_accidental_hits",
    "fixed_unigram_candidate_sampler",
    "learned_unigram_candidate_sampler",
    "log_uniform_candidate_sampler",
    "uniform_candidate_sampler",
]


def _seeds(seed):
    from varflow.init_ops import get_seed

    seed1, seed2 = get_seed(seed)
    return int(seed1 or 0), int(seed2 or 0)


def _true_classes(true_classes):
    t = convert_to_tensor(true_classes, name="true_classes")
    if t.dtype.base_dtype != dtypes.int64:
        if not t.dtype.is_integer:
            raise TypeError(
                "Input 'true_classes' of candidate sampler Op has type "
                f"{t.dtype.base_dtype.name} that does not match expected type of int64."
            )
        from varflow.math_ops import cast

        t = cast(t, dtypes.int64)
    return t


def _sampler(
    op_type, true_classes, num_true, num_sampled, unique, range_max, seed, name, extra=None
):
    with name_scope(name, op_type, [true_classes]) as scope:
        t = _true_classes(true_classes)
        seed1, seed2 = _seeds(seed)
        attrs = {
            "num_true": int(num_true),
            "num_sampled": int(num_sampled),
            "unique": bool(unique),
            "range_max": int(range_max),
            "seed": seed1,
            "seed2": seed2,
        }
        attrs.update(extra or {})
        op = t.graph.create_op(op_type, [t], attrs=attrs, name=scope)
        return tuple(op.outputs)


def log_uniform_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    """Samples a set of classes using a log-uniform (Zipfian) base distribution.

    This operation randomly samples a tensor of sampled classes (`sampled_candidates`) from
    the range of integers `[0, range_max)`. The elements of `sampled_candidates` are drawn
    without replacement (if `unique=True`) or with replacement (if `unique=False`) from the
    base distribution, an approximately log-uniform or Zipfian distribution:

    `P(class) = (log(class + 2) - log(class + 1)) / log(range_max + 1)`

    This sampler is useful when the target classes approximately follow such a distribution -
    for example, if the classes represent words in a lexicon sorted in decreasing order of
    frequency.

    In addition, this operation returns tensors `true_expected_count` and
    `sampled_expected_count` representing the number of times each of the target classes
    (`true_classes`) and the sampled classes (`sampled_candidates`) is expected to occur in an
    average tensor of sampled classes. These values correspond to `Q(y|x)` defined in
    [this document](http://www.tensorflow.org/extras/candidate_sampling.pdf). If
    `unique=True`, then these are post-rejection probabilities and we compute them
    approximately.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      num_true: An `int`. The number of target classes per training example.
      num_sampled: An `int`. The number of classes to randomly sample.
      unique: A `bool`. Determines whether all sampled classes in a batch are unique.
      range_max: An `int`. The number of possible classes.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`. The sampled
        classes.
      true_expected_count: A tensor of type `float`. Same shape as `true_classes`. The
        expected counts under the sampling distribution of each of `true_classes`.
      sampled_expected_count: A tensor of type `float`. Same shape as `sampled_candidates`.
        The expected counts under the sampling distribution of each of
        `sampled_candidates`.
    """
    return _sampler(
        "LogUniformCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
    )


def uniform_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    """Samples a set of classes using a uniform base distribution.

    This operation randomly samples a tensor of sampled classes (`sampled_candidates`) from
    the range of integers `[0, range_max)`. The elements of `sampled_candidates` are drawn
    without replacement (if `unique=True`) or with replacement (if `unique=False`) from the
    base distribution, the uniform distribution over the range.

    In addition, this operation returns tensors `true_expected_count` and
    `sampled_expected_count` representing the number of times each of the target classes
    (`true_classes`) and the sampled classes (`sampled_candidates`) is expected to occur in an
    average tensor of sampled classes. If `unique=True`, then these are post-rejection
    probabilities and we compute them approximately.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      num_true: An `int`. The number of target classes per training example.
      num_sampled: An `int`. The number of classes to randomly sample.
      unique: A `bool`. Determines whether all sampled classes in a batch are unique.
      range_max: An `int`. The number of possible classes.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`.
      true_expected_count: A tensor of type `float`. Same shape as `true_classes`.
      sampled_expected_count: A tensor of type `float`. Same shape as `sampled_candidates`.
    """
    return _sampler(
        "UniformCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
    )


def learned_unigram_candidate_sampler(
    true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None
):
    """Samples a set of classes from a distribution learned during training.

    This operation randomly samples a tensor of sampled classes (`sampled_candidates`) from
    the range of integers `[0, range_max)`. The elements of `sampled_candidates` are drawn
    without replacement (if `unique=True`) or with replacement (if `unique=False`) from the
    base distribution.

    The base distribution for this operation is constructed on the fly during training. It is
    a unigram distribution over the target classes seen so far during training. Every integer
    in `[0, range_max)` begins with a weight of 1, and is incremented by 1 each time it is seen
    as a target class (after the run that saw it has sampled). The base distribution is not
    saved to checkpoints, so it is reset when the model is reloaded (and for each session).

    In addition, this operation returns tensors `true_expected_count` and
    `sampled_expected_count` representing the number of times each of the target classes
    (`true_classes`) and the sampled classes (`sampled_candidates`) is expected to occur in an
    average tensor of sampled classes. If `unique=True`, then these are post-rejection
    probabilities and we compute them approximately.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      num_true: An `int`. The number of target classes per training example.
      num_sampled: An `int`. The number of classes to randomly sample.
      unique: A `bool`. Determines whether all sampled classes in a batch are unique.
      range_max: An `int`. The number of possible classes.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`. The sampled
        classes.
      true_expected_count: A tensor of type `float`. Same shape as `true_classes`. The
        expected counts under the sampling distribution of each of `true_classes`.
      sampled_expected_count: A tensor of type `float`. Same shape as `sampled_candidates`.
        The expected counts under the sampling distribution of each of
        `sampled_candidates`.
    """
    return _sampler(
        "LearnedUnigramCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
    )


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Generate the set of all classes.

    Deterministically generates and returns the set of all possible classes. For testing
    purposes. There is no need to use this, since you might as well use full softmax or full
    logistic regression.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      num_true: An `int`. The number of target classes per training example.
      num_sampled: An `int`. The number of possible classes.
      unique: A `bool`. Ignored.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`. This operation
        deterministically returns the entire range `[0, num_sampled]`.
      true_expected_count: A tensor of type `float`. Same shape as `true_classes`. The
        expected counts under the sampling distribution of each of `true_classes`. All
        returned values are 1.0.
      sampled_expected_count: A tensor of type `float`. Same shape as `sampled_candidates`.
        The expected counts under the sampling distribution of each of
        `sampled_candidates`. All returned values are 1.0.
    """
    with name_scope(name, "AllCandidateSampler", [true_classes]) as scope:
        t = _true_classes(true_classes)
        seed1, seed2 = _seeds(seed)
        attrs = {
            "num_true": int(num_true),
            "num_sampled": int(num_sampled),
            "unique": bool(unique),
            "seed": seed1,
            "seed2": seed2,
        }
        op = t.graph.create_op("AllCandidateSampler", [t], attrs=attrs, name=scope)
        return tuple(op.outputs)


def fixed_unigram_candidate_sampler(
    true_classes,
    num_true,
    num_sampled,
    unique,
    range_max,
    vocab_file="",
    distortion=1.0,
    num_reserved_ids=0,
    num_shards=1,
    shard=0,
    unigrams=(),
    seed=None,
    name=None,
):
    """Samples a set of classes using the provided (fixed) base distribution.

    This operation randomly samples a tensor of sampled classes (`sampled_candidates`) from
    the range of integers `[0, range_max)`. The base distribution is read from a file or
    passed in as an in-memory array; either `vocab_file` or `unigrams` has to be given. The
    weights are raised to the power `distortion` (`distortion = 1.0` gives regular unigram
    sampling, `distortion = 0.0` uniform sampling).

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      num_true: An `int`. The number of target classes per training example.
      num_sampled: An `int`. The number of classes to randomly sample.
      unique: A `bool`. Determines whether all sampled classes in a batch are unique.
      range_max: An `int`. The number of possible classes.
      vocab_file: Each valid line in this file (which should have a CSV-like format)
        corresponds to a valid word ID. IDs are in sequential order, starting from
        num_reserved_ids. The last entry in each line is expected to be a value corresponding
        to the count or relative probability.
      distortion: The distortion is used to skew the unigram probability distribution. Each
        weight is first raised to the distortion's power before adding to the internal
        unigram distribution.
      num_reserved_ids: Optionally some reserved IDs can be added in the range `[0,
        num_reserved_ids)` by the users. One use case is that a special unknown word token is
        used as ID 0. These IDs will have a sampling probability of 0.
      num_shards: A sampler can be used to sample from a subset of the original range in
        order to speed up the whole computation through parallelism. This parameter
        (together with `shard`) indicates the number of partitions that are being used in the
        overall computation.
      shard: A sampler can be used to sample from a subset of the original range in order to
        speed up the whole computation through parallelism. This parameter (together with
        `num_shards`) indicates the particular partition number of the operation, when
        partitioning is being used.
      unigrams: A list of unigram counts or probabilities, one per ID in sequential order.
        Exactly one of `vocab_file` and `unigrams` should be passed to this operation.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`.
      true_expected_count: A tensor of type `float`. Same shape as `true_classes`.
      sampled_expected_count: A tensor of type `float`. Same shape as `sampled_candidates`.

    Raises:
      ValueError: If both or neither of `vocab_file` and `unigrams` are given.
    """
    if bool(vocab_file) == bool(len(unigrams)):
        raise ValueError("Exactly one of vocab_file and unigrams must be passed")
    extra = {
        "vocab_file": str(vocab_file),
        "distortion": float(distortion),
        "num_reserved_ids": int(num_reserved_ids),
        "num_shards": int(num_shards),
        "shard": int(shard),
        "unigrams": [float(u) for u in unigrams],
    }
    return _sampler(
        "FixedUnigramCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
        extra,
    )


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """Compute the position ids in `sampled_candidates` matching `true_classes`.

    In Candidate Sampling, this operation facilitates virtually removing sampled classes which
    happen to match target classes. This is done for Sampled Softmax and Sampled Logistic.

    See our [Candidate Sampling Algorithms
    Reference](http://www.tensorflow.org/extras/candidate_sampling.pdf).

    We presuppose that the `sampled_candidates` are unique.

    We call it an 'accidental hit' when one of the target classes matches one of the sampled
    classes. This operation reports accidental hits as triples `(index, id, weight)`, where
    `index` represents the row number in `true_classes`, `id` represents the position in
    `sampled_candidates`, and weight is `-FLOAT_MAX`.

    The result of this op should be passed through a `sparse_to_dense` operation, then added
    to the logits of the sampled classes. This removes the contradictory effect of accidentally
    sampling the true target classes as noise classes for the same example.

    Args:
      true_classes: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      sampled_candidates: A tensor of type `int64` and shape `[num_sampled]`. The
        sampled_candidates output of CandidateSampler.
      num_true: An `int`. The number of target classes per training example.
      seed: An `int`. An operation-specific seed. Default is 0.
      name: A name for the operation (optional).

    Returns:
      indices: A `Tensor` of type `int32` and shape `[num_accidental_hits]`. Values indicate
        rows in `true_classes`.
      ids: A `Tensor` of type `int64` and shape `[num_accidental_hits]`. Values indicate
        positions in `sampled_candidates`.
      weights: A `Tensor` of type `float` and shape `[num_accidental_hits]`. Each value is
        `-FLOAT_MAX`.
    """
    with name_scope(name, "ComputeAccidentalHits", [true_classes, sampled_candidates]) as scope:
        t = _true_classes(true_classes)
        s = convert_to_tensor(sampled_candidates, dtype=dtypes.int64, name="sampled_candidates")
        seed1, seed2 = _seeds(seed)
        op = t.graph.create_op(
            "ComputeAccidentalHits",
            [t, s],
            attrs={"num_true": int(num_true), "seed": seed1, "seed2": seed2},
            name=scope,
        )
        return tuple(op.outputs)
