"""The largest entries of rows and sorting: tf.nn.top_k, tf.nn.in_top_k, tf.sort, tf.argsort."""

from __future__ import annotations

import collections

from varflow import _core
from varflow.array_ops import _int_tensor
from varflow.graph import convert_to_tensor, get_default_graph, name_scope

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):
    """Finds values and indices of the `k` largest entries for the last dimension.

    If the input is a vector (rank=1), finds the `k` largest entries in the vector and outputs
    their values and indices as vectors. Thus `values[j]` is the `j`-th largest entry in
    `input`, and its index is `indices[j]`. For matrices (resp. higher rank input), computes the
    top `k` entries in each row (resp. vector along the last dimension). Thus,
    `values.shape = indices.shape = input.shape[:-1] + [k]`. If two elements are equal, the
    lower-index element appears first. A NaN counts as larger than every number.

    Args:
      input: 1-D or higher `Tensor` with last dimension at least `k`, of a real dtype.
      k: 0-D `int32` `Tensor`. Number of top elements to look for along the last dimension.
      sorted: If true the resulting `k` elements will be sorted by the values in descending
        order (varflow always sorts them).
      name: Optional name for the operation.

    Returns:
      values: The `k` largest elements along each last dimensional slice.
      indices: The indices of `values` within the last dimension of `input` (int32).

    Raises:
      ValueError: If `k` is known and negative or larger than the last dimension, or `input`
        is a scalar.
      InvalidArgumentError: The same checks at run time for a fed `k`.
    """
    op = get_default_graph().create_op(
        "TopKV2",
        [convert_to_tensor(input), _int_tensor(k)],
        {"sorted": bool(sorted)},
        name=name or "TopKV2",
    )
    values, indices = op._outputs
    return TopKV2(values, indices)


def in_top_k(predictions, targets, k, name=None):
    """Says whether the targets are in the top `K` predictions.

    This outputs a `batch_size` bool array, an entry `out[i]` is `true` if the prediction for
    the target class is finite (not inf, -inf, or nan) and among the top `k` predictions among
    all predictions for example `i`. If multiple classes have the same prediction value and
    straddle the top-`k` boundary, all of those classes are considered to be in the top `k`. A
    row with any non-finite prediction, and a target out of range, give `false`.

    Args:
      predictions: A `Tensor` of type `float32`, `batch_size` x `classes`.
      targets: A `Tensor` of `int32` or `int64`, a `batch_size` vector of class ids.
      k: An `int`. Number of top elements to look at for computing precision.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of type `bool`: computed precision at `k` as a `bool Tensor`.

    Raises:
      TypeError: If `predictions` is not float32.
      ValueError: If the shapes are known and not [batch, classes] and [batch].
    """
    with name_scope(name, "in_top_k"):
        inputs = [convert_to_tensor(predictions), _int_tensor(targets), _int_tensor(k)]
        return get_default_graph().create_op("InTopKV2", inputs, name="InTopKV2")._outputs[0]


def _sort_or_argsort(fn, values, axis, direction, name):
    if not isinstance(axis, int):
        raise ValueError(f"axis must be a constant scalar, got {axis}")  # noqa: TRY004 (TF1)
    values = convert_to_tensor(values)
    graph = get_default_graph()
    return graph._tensor_for(fn(graph._core, values._output, axis, direction, name or ""))


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorts a tensor.

    Args:
      values: 1-D or higher numeric `Tensor` of known rank.
      axis: The axis along which to sort (a Python int). The default is -1, which sorts the
        last axis.
      direction: The direction in which to sort the values (`'ASCENDING'` or `'DESCENDING'`).
      name: Optional name for the operation.

    Returns:
      A `Tensor` with the same dtype and shape as `values`, with the elements sorted along
      the given `axis`.

    Raises:
      ValueError: If axis is not a constant scalar in range, the rank is unknown, or the
        direction is invalid.
    """
    return _sort_or_argsort(_core.sort, values, axis, direction, name)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Returns the indices of a tensor that give its sorted order along an axis.

    Equal elements keep their order (lower index first) when sorting descending; ascending,
    equal elements come in the order of their negated values' ranking, which is also lower
    index first. So the result is stable either way, and `stable` is accepted for TF1's
    signature.

    Args:
      values: 1-D or higher numeric `Tensor` of known rank.
      axis: The axis along which to sort (a Python int). The default is -1.
      direction: The direction in which to sort the values (`'ASCENDING'` or `'DESCENDING'`).
      stable: Accepted; the order of equal elements is always the stable one.
      name: Optional name for the operation.

    Returns:
      An int32 `Tensor` with the same shape as `values`: the indices that sort `values` along
      the given `axis`.

    Raises:
      ValueError: As for `sort`.
    """
    del stable  # always stable
    return _sort_or_argsort(_core.argsort, values, axis, direction, name)
