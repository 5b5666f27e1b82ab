"""Reversing and rolling along axes: tf.reverse (ReverseV2), tf.reverse_sequence, tf.roll."""

from __future__ import annotations

from varflow.array_ops import _int_tensor, _op
from varflow.graph import Tensor, convert_to_tensor


def reverse(tensor, axis, name=None) -> Tensor:
    """Reverses specific dimensions of a tensor.

    Given a `tensor` and an int32/int64 tensor `axis` representing the set of dimensions of
    `tensor` to reverse, this operation reverses each dimension `i` for which there exists `j`
    such that `axis[j] == i`. `axis` may name a dimension once only; negative entries count
    from the last dimension. TF1's `tf.reverse` is this op (`ReverseV2`); its older form with a
    boolean mask is not provided.

    Args:
      tensor: A `Tensor` of any dtype, up to any rank.
      axis: A 1-D `Tensor` of type `int32` or `int64`: the indices of the dimensions to reverse,
        in the range `[-rank(tensor), rank(tensor))`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `tensor`.

    Raises:
      ValueError: If `axis` is known at graph-build time and names a dimension out of range or
        twice, or is not a vector.
      InvalidArgumentError: The same checks at run time, when `axis` is fed.
    """
    return _op("ReverseV2", [convert_to_tensor(tensor), _int_tensor(axis)], name=name)


reverse_v2 = reverse


def _one_of(new_name, new_value, old_name, old_value):
    """TF1's deprecated_argument_lookup: the value of whichever of two spellings was given."""
    if new_value is not None and old_value is not None:
        raise ValueError(f"Cannot specify both '{new_name}' and '{old_name}'")
    return new_value if new_value is not None else old_value


def reverse_sequence(
    input,
    seq_lengths,
    seq_axis=None,
    batch_axis=None,
    name=None,
    seq_dim=None,
    batch_dim=None,
) -> Tensor:
    """Reverses variable length slices.

    This op first slices `input` along the dimension `batch_axis`, and for each slice `i`,
    reverses the first `seq_lengths[i]` elements along the dimension `seq_axis`; the elements
    past `seq_lengths[i]` stay where they are. `seq_lengths` must be a vector of length
    `input.dims[batch_axis]` with entries in `[0, input.dims[seq_axis]]`.

    Args:
      input: A `Tensor`. The input to reverse.
      seq_lengths: A 1-D `Tensor` of type `int32` or `int64`, of length
        `input.dims(batch_axis)`, with `max(seq_lengths) <= input.dims(seq_axis)`.
      seq_axis: An `int`. The dimension which is partially reversed.
      batch_axis: An optional `int`. Defaults to `0`. The dimension along which reversal is
        performed.
      name: A name for the operation (optional).
      seq_dim: The deprecated name of `seq_axis`.
      batch_dim: The deprecated name of `batch_axis`.

    Returns:
      A `Tensor`. Has the same type and shape as `input`.

    Raises:
      ValueError: If both spellings of an axis are given, if an axis is out of range for an
        input of known rank, or if `seq_lengths` is not a vector of the batch's length.
      TypeError: If `seq_axis` is not given.
      InvalidArgumentError: At run time, for a length out of range, `seq_axis == batch_axis`,
        or a negative `seq_axis`.
    """
    seq_axis = _one_of("seq_axis", seq_axis, "seq_dim", seq_dim)
    batch_axis = _one_of("batch_axis", batch_axis, "batch_dim", batch_dim)
    if seq_axis is None:
        raise TypeError("Expected int for argument 'seq_dim' not None.")
    attrs = {"seq_dim": int(seq_axis)}
    if batch_axis is not None:
        attrs["batch_dim"] = int(batch_axis)
    inputs = [convert_to_tensor(input), _int_tensor(seq_lengths)]
    return _op("ReverseSequence", inputs, attrs, name=name)


def roll(input, shift, axis, name=None) -> Tensor:
    """Rolls the elements of a tensor along an axis.

    The elements are shifted positively (towards larger indices) by `shift` along the
    dimension `axis`; elements shifted past the last position wrap around to the first.
    `shift` and `axis` may be vectors of equal length to roll several axes at once; an axis
    named more than once is rolled by the sum of its shifts, and negative values count from
    the end.

    Args:
      input: A `Tensor` of rank 1 or more.
      shift: An `int32` or `int64` scalar or 1-D `Tensor`: how far to roll along each axis.
      axis: An `int32` or `int64` scalar or 1-D `Tensor`, the same length as `shift`: the
        dimensions to roll along.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type and shape as `input`.

    Raises:
      ValueError: If `input` is a scalar, `shift` or `axis` has rank above 1, or two vectors
        of known, different lengths are given.
      InvalidArgumentError: At run time, for an axis out of range or lengths that differ.
    """
    inputs = [convert_to_tensor(input), _int_tensor(shift), _int_tensor(axis)]
    return _op("Roll", inputs, name=name)
