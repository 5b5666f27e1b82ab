"""TF1's sampled losses: ``tf.nn.nce_loss`` and ``tf.nn.sampled_softmax_loss``.

Both score the true classes and a sample of other classes (by default from the log-uniform
sampler) and train on those logits only, as TF1's ``_compute_sampled_logits`` builds them:
the same ops in the same order, so given the same ``sampled_values`` the losses and gradients
are TF's.
"""

from __future__ import annotations

from varflow import array_ops, dtypes, math_ops
from varflow.candidate_sampling_ops import compute_accidental_hits, log_uniform_candidate_sampler
from varflow.graph import convert_to_tensor, name_scope

__all__ = ["nce_loss", "sampled_softmax_loss"]

_FLOAT_MAX = 3.4028234663852886e38


def _sum_rows(x):
    """Sum along rows of a matrix, as a matmul with ones (TF1 does it so for its gradient)."""
    cols = array_ops.shape(x)[1]
    ones = array_ops.ones(array_ops.stack([cols, 1]), x.dtype)
    return array_ops.reshape(math_ops.matmul(x, ones), [-1])


def _compute_sampled_logits(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    subtract_log_q=True,
    remove_accidental_hits=False,
    partition_strategy="mod",
    name=None,
    seed=None,
):
    if hasattr(weights, "_get_variable_list"):
        weights = list(weights)
    if not isinstance(weights, list):
        weights = [weights]
    with name_scope(name, "compute_sampled_logits", [*weights, biases, inputs, labels]):
        labels = convert_to_tensor(labels)
        if labels.dtype != dtypes.int64:
            labels = array_ops.cast(labels, dtypes.int64)
        labels_flat = array_ops.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels,
                num_true=num_true,
                num_sampled=num_sampled,
                unique=True,
                range_max=num_classes,
                seed=seed,
            )
        sampled, true_expected_count, sampled_expected_count = (
            array_ops.stop_gradient(s) for s in sampled_values
        )
        sampled = array_ops.cast(sampled, dtypes.int64)
        inputs = convert_to_tensor(inputs)
        all_ids = array_ops.concat([labels_flat, sampled], 0)
        all_w = array_ops.embedding_lookup(weights, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype != inputs.dtype:
            all_w = array_ops.cast(all_w, inputs.dtype)
        n_true = array_ops.shape(labels_flat)[0]
        true_w = array_ops.slice(all_w, [0, 0], array_ops.stack([n_true, -1]))
        sampled_w = array_ops.slice(all_w, array_ops.stack([n_true, 0]), [-1, -1])
        sampled_logits = math_ops.matmul(inputs, sampled_w, transpose_b=True)
        all_b = array_ops.embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype != inputs.dtype:
            all_b = array_ops.cast(all_b, inputs.dtype)
        true_b = array_ops.slice(all_b, [0], array_ops.shape(labels_flat))
        sampled_b = array_ops.slice(all_b, array_ops.shape(labels_flat), [-1])
        dim = array_ops.shape(true_w)[1:2]
        new_true_w_shape = array_ops.concat([[-1, num_true], dim], 0)
        row_wise_dots = math_ops.multiply(
            array_ops.expand_dims(inputs, 1), array_ops.reshape(true_w, new_true_w_shape)
        )
        dots_as_matrix = array_ops.reshape(row_wise_dots, array_ops.concat([[-1], dim], 0))
        true_logits = array_ops.reshape(_sum_rows(dots_as_matrix), [-1, num_true])
        true_b = array_ops.reshape(true_b, [-1, num_true])
        true_logits += true_b
        sampled_logits += sampled_b
        if remove_accidental_hits:
            acc_indices, acc_ids, _ = compute_accidental_hits(labels, sampled, num_true=num_true)
            hit_index = array_ops.concat(
                [
                    array_ops.reshape(acc_indices, [-1, 1]),
                    array_ops.reshape(array_ops.cast(acc_ids, dtypes.int32), [-1, 1]),
                ],
                1,
            )
            logits_shape = array_ops.concat(
                [array_ops.shape(labels)[:1], array_ops.expand_dims(num_sampled, 0)], 0
            )
            # TF1 adds sparse_to_dense(hits, -FLT_MAX) (a repeated hit written once): a mask
            # of the hits, so a class listed twice among a row's labels is still one -FLT_MAX.
            from varflow.sparse_ops import scatter_nd

            hits = scatter_nd(
                hit_index,
                array_ops.ones_like(acc_indices, dtype=sampled_logits.dtype),
                logits_shape,
            )
            sampled_logits += math_ops.where(
                math_ops.greater(hits, 0),
                array_ops.fill(
                    array_ops.shape(hits),
                    array_ops.constant(-_FLOAT_MAX, dtype=sampled_logits.dtype),
                ),
                array_ops.zeros_like(hits),
            )
        if subtract_log_q:
            true_logits -= math_ops.log(true_expected_count)
            sampled_logits -= math_ops.log(sampled_expected_count)
        out_logits = array_ops.concat([true_logits, sampled_logits], 1)
        out_labels = array_ops.concat(
            [array_ops.ones_like(true_logits) / num_true, array_ops.zeros_like(sampled_logits)],
            1,
        )
        return out_logits, out_labels


def nce_loss(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    remove_accidental_hits=False,
    partition_strategy="mod",
    name="nce_loss",
):
    """Computes and returns the noise-contrastive estimation training loss.

    See [Noise-contrastive estimation: A new estimation principle for unnormalized
    statistical models](http://www.jmlr.org/proceedings/papers/v9/gutmann10a/gutmann10a.pdf).
    Also see our [Candidate Sampling Algorithms
    Reference](https://www.tensorflow.org/extras/candidate_sampling.pdf)

    A common use case is to use this method for training, and calculate the full sigmoid loss
    for evaluation or inference.

    Note: By default this uses a log-uniform (Zipfian) distribution for sampling, so your
    labels must be sorted in order of decreasing frequency to achieve good results.

    Note: In the case where `num_true` > 1, we assign to each target class the target
    probability 1 / `num_true` so that the target probabilities sum to 1 per-example.

    Args:
      weights: A `Tensor` of shape `[num_classes, dim]`, or a list of `Tensor` objects whose
        concatenation along dimension 0 has shape [num_classes, dim]. The (possibly-
        partitioned) class embeddings.
      biases: A `Tensor` of shape `[num_classes]`. The class biases.
      labels: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes.
      inputs: A `Tensor` of shape `[batch_size, dim]`. The forward activations of the input
        network.
      num_sampled: An `int`. The number of negative classes to randomly sample per batch.
        This single sample of negative classes is evaluated for each element in the batch.
      num_classes: An `int`. The number of possible classes.
      num_true: An `int`. The number of target classes per training example.
      sampled_values: a tuple of (`sampled_candidates`, `true_expected_count`,
        `sampled_expected_count`) returned by a `*_candidate_sampler` function. (if None, we
        default to `log_uniform_candidate_sampler`)
      remove_accidental_hits: A `bool`. Whether to remove "accidental hits" where a sampled
        class equals one of the target classes. If set to `True`, this is a "Sampled
        Logistic" loss instead of NCE, and we are learning to generate log-odds instead of
        log probabilities. Default is False.
      partition_strategy: A string specifying the partitioning strategy, relevant if
        `len(weights) > 1`. Currently `"div"` and `"mod"` are supported. Default is `"mod"`.
      name: A name for the operation (optional).

    Returns:
      A `batch_size` 1-D tensor of per-example NCE losses.
    """
    from varflow.nn import sigmoid_cross_entropy_with_logits

    logits, labels = _compute_sampled_logits(
        weights=weights,
        biases=biases,
        labels=labels,
        inputs=inputs,
        num_sampled=num_sampled,
        num_classes=num_classes,
        num_true=num_true,
        sampled_values=sampled_values,
        subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy,
        name=name,
    )
    sampled_losses = sigmoid_cross_entropy_with_logits(
        labels=labels, logits=logits, name="sampled_losses"
    )
    return _sum_rows(sampled_losses)


def sampled_softmax_loss(
    weights,
    biases,
    labels,
    inputs,
    num_sampled,
    num_classes,
    num_true=1,
    sampled_values=None,
    remove_accidental_hits=True,
    partition_strategy="mod",
    name="sampled_softmax_loss",
    seed=None,
):
    """Computes and returns the sampled softmax training loss.

    This is a faster way to train a softmax classifier over a huge number of classes. This
    operation is for training only. It is generally an underestimate of the full softmax
    loss. A common use case is to use this method for training, and calculate the full softmax
    loss for evaluation or inference.

    See our [Candidate Sampling Algorithms
    Reference](https://www.tensorflow.org/extras/candidate_sampling.pdf). Also see Section 3
    of [Jean et al., 2014](http://arxiv.org/abs/1412.2007) for the math.

    Args:
      weights: A `Tensor` of shape `[num_classes, dim]`, or a list of `Tensor` objects whose
        concatenation along dimension 0 has shape [num_classes, dim]. The (possibly-sharded)
        class embeddings.
      biases: A `Tensor` of shape `[num_classes]`. The class biases.
      labels: A `Tensor` of type `int64` and shape `[batch_size, num_true]`. The target
        classes. Note that this format differs from the `labels` argument of
        `nn.softmax_cross_entropy_with_logits`.
      inputs: A `Tensor` of shape `[batch_size, dim]`. The forward activations of the input
        network.
      num_sampled: An `int`. The number of classes to randomly sample per batch.
      num_classes: An `int`. The number of possible classes.
      num_true: An `int`. The number of target classes per training example.
      sampled_values: a tuple of (`sampled_candidates`, `true_expected_count`,
        `sampled_expected_count`) returned by a `*_candidate_sampler` function. (if None, we
        default to `log_uniform_candidate_sampler`)
      remove_accidental_hits: A `bool`. whether to remove "accidental hits" where a sampled
        class equals one of the target classes. Default is True.
      partition_strategy: A string specifying the partitioning strategy, relevant if
        `len(weights) > 1`. Currently `"div"` and `"mod"` are supported. Default is `"mod"`.
      name: A name for the operation (optional).
      seed: random seed for candidate sampling. Default to None, which doesn't set the op-level
        random seed for candidate sampling.

    Returns:
      A `batch_size` 1-D tensor of per-example sampled softmax losses.
    """
    from varflow.nn import softmax_cross_entropy_with_logits_v2

    logits, labels = _compute_sampled_logits(
        weights=weights,
        biases=biases,
        labels=labels,
        inputs=inputs,
        num_sampled=num_sampled,
        num_classes=num_classes,
        num_true=num_true,
        sampled_values=sampled_values,
        subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy,
        name=name,
        seed=seed,
    )
    labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
