"""TF1's sampled losses: ``tf.nn.nce_loss`` and ``tf.nn.sampled_softmax_loss``.

Both score the true classes and a sample of other classes (by default from the log-uniform
sampler) and train on those logits only, as TF1's ``_compute_sampled_logits`` builds them:
the same ops in the same order, so given the same ``sampled_values`` the losses and gradients
are TF's. The losses are C++ (``varflow/train/sampled_losses.h``); this module keeps TF1's
signatures.
"""

from __future__ import annotations

from varflow import _core
from varflow.graph import convert_to_tensor, get_default_graph

__all__ = ["nce_loss", "sampled_softmax_loss"]


def _sampled_loss(loss, args):
    """The C++ loss (varflow/train/sampled_losses.h) over a TF1 signature's arguments."""
    weights = args["weights"]
    if hasattr(weights, "_get_variable_list"):
        weights = list(weights)
    if not isinstance(weights, (list, tuple)):
        weights = [weights]
    sampled_values = args["sampled_values"]
    if sampled_values is not None:
        sampled_values = [convert_to_tensor(v)._output for v in sampled_values]
    graph = get_default_graph()
    return graph._tensor_for(
        _core.sampled_loss(
            graph._core,
            loss,
            [convert_to_tensor(w)._output for w in weights],
            convert_to_tensor(args["biases"])._output,
            convert_to_tensor(args["labels"])._output,
            convert_to_tensor(args["inputs"])._output,
            int(args["num_sampled"]),
            int(args["num_classes"]),
            int(args["num_true"]),
            sampled_values,
            bool(args["remove_accidental_hits"]),
            args["partition_strategy"],
            args.get("seed"),
            args["name"] or "",
        )
    )


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
    return _sampled_loss("nce", locals())


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
    return _sampled_loss("sampled_softmax", locals())
