"""Partitioned variables (TF1's ``tf.PartitionedVariable`` and the partitioners).

`tf.get_variable(name, shape, partitioner=p)` (or a `variable_scope(partitioner=p)`) makes one
`Variable` per shard, named ``name/part_0`` .. ``name/part_<k-1>``, split along one axis with
the first ``dim % k`` shards one row longer (TF1's ``_iter_slices``). Each part records a
`SaveSliceInfo` (the full name, the full shape, its offset and shape) as TF1 does, and the
initializer of each part is called with the part's shape and a `PartitionInfo` (full shape and
offset), so initializers that depend on the full shape (`glorot_*`, `variance_scaling`) see
it. The parts are ordinary variables: they are in the global/trainable collections,
optimizers update each, `tf.nn.embedding_lookup` gathers across them, and a
`PartitionedVariable` converts to the concatenated tensor where a tensor is expected.

`tf.train.Saver` saves a partitioned variable as TF1 does, as one checkpoint entry under the
full name with the full shape (the parts assembled), and restores parts from that entry's
blocks, so a checkpoint restores into any partitioning (or none). TF1's own checkpoints of
partitioned variables, which TF writes in slices, are read (and listed) as their full
variables.
"""

from __future__ import annotations

import math

from varflow import dtypes
from varflow.tensor_shape import TensorShape, as_shape


class PartitionInfo:
    """Holds partition info used by initializer functions (TF1's ``_PartitionInfo``)."""

    def __init__(self, full_shape, var_offset):
        """Constructor.

        Args:
          full_shape: Tuple or list of `int` indicating the full combined shape of the
            partitioned variables.
          var_offset: Tuple or list of `int` specifying offset of this partition with respect
            to the full variable for each dimension.

        Raises:
          TypeError: If `full_shape` or `var_offset` is not a sequence.
          ValueError: If `full_shape` or `var_offset` differ in length. If `var_offset`
            exceeds `full_shape` in any dimension.
        """
        if not isinstance(full_shape, (list, tuple)):
            raise TypeError(
                f"`full_shape` must be a sequence (like tuple or list) instead of "
                f"{type(full_shape).__name__}"
            )
        if not isinstance(var_offset, (list, tuple)):
            raise TypeError(
                f"`var_offset` must be a sequence (like tuple or list) instead of "
                f"{type(var_offset).__name__}"
            )
        if len(var_offset) != len(full_shape):
            raise ValueError(
                f"Expected equal length, but `var_offset` is of length {len(var_offset)} while "
                f"full_shape is of length {len(full_shape)}."
            )
        for offset, shape in zip(var_offset, full_shape, strict=True):
            if offset < 0 or offset >= shape:
                raise ValueError(
                    f"Expected 0 <= offset < shape but found offset={offset}, shape={shape} for "
                    f"var_offset={var_offset}, full_shape={full_shape}"
                )
        self._full_shape = list(full_shape)
        self._var_offset = list(var_offset)

    @property
    def full_shape(self):
        """The full shape of the partitioned variable, a list of ints."""
        return self._full_shape

    @property
    def var_offset(self):
        """This partition's offset in the full variable, a list of ints."""
        return self._var_offset

    def single_offset(self, shape):
        """Returns the offset when the variable is partitioned in at most one dim.

        Args:
          shape: Tuple or list of `int` indicating the shape of one specific variable
            partition.

        Returns:
          `int` representing the offset in the dimension along which the variable is
          partitioned. Returns 0 if the variable is not being partitioned.
        """
        single_slice_dim = self.single_slice_dim(shape)
        if single_slice_dim is None:
            return 0
        return self.var_offset[single_slice_dim]

    def single_slice_dim(self, shape):
        """Returns the slice dim when the variable is partitioned only in one dim.

        Args:
          shape: Tuple or list of `int` indicating the shape of one specific variable
            partition.

        Returns:
          `int` representing the dimension that the variable is partitioned in, or `None` if
          the variable doesn't seem to be partitioned at all.

        Raises:
          TypeError: If `shape` is not a sequence.
          ValueError: If `shape` is not the same length as `self.full_shape`. If the variable
            is partitioned in more than one dimension.
        """
        if not isinstance(shape, (list, tuple)):
            raise TypeError(
                f"`shape` must be a sequence (like tuple or list) instead of {type(shape).__name__}"
            )
        if len(shape) != len(self.full_shape):
            raise ValueError(
                f"Expected equal length, but received shape={shape} of length {len(shape)} "
                f"while self.full_shape={self.full_shape} is of length {len(self.full_shape)}."
            )
        for i in range(len(shape)):
            if self.var_offset[i] + shape[i] > self.full_shape[i]:
                raise ValueError(
                    f"With self.var_offset={self.var_offset}, a partition of shape={shape} "
                    f"would exceed self.full_shape={self.full_shape} in dimension {i}."
                )
        slice_dim = None
        for i in range(len(shape)):
            if shape[i] == self.full_shape[i]:
                continue
            if slice_dim is not None:
                raise ValueError(
                    f"Cannot use single_slice_dim() with shape={shape} and "
                    f"self.full_shape={self.full_shape} since slice dim could be either "
                    f"dimension {slice_dim} or {i}."
                )
            slice_dim = i
        return slice_dim


class SaveSliceInfo:
    """Information on how to save this Variable as a slice (TF1's Variable.SaveSliceInfo).

    Provides internal support for saving variables as slices of a larger variable.
    """

    def __init__(self, full_name=None, full_shape=None, var_offset=None, var_shape=None):
        """Create a `SaveSliceInfo`.

        Args:
          full_name: Name of the full variable of which this `Variable` is a slice.
          full_shape: Shape of the full variable, as a list of int.
          var_offset: Offset of this `Variable` into the full variable, as a list of int.
          var_shape: Shape of this `Variable`, as a list of int.
        """
        self.full_name = full_name
        self.full_shape = full_shape
        self.var_offset = var_offset
        self.var_shape = var_shape

    @property
    def spec(self) -> str:
        """Computes the spec string used for saving, e.g. ``"10 4 0,5:0,4"``.

        Returns:
          The full shape, then per dimension ``offset,length``.
        """
        full_shape_str = " ".join(str(d) for d in self.full_shape) + " "
        sl_spec = ":".join(
            f"{offset},{length}"
            for offset, length in zip(self.var_offset, self.var_shape, strict=True)
        )
        return full_shape_str + sl_spec


class PartitionedVariable:
    """A container for partitioned `Variable` objects (TF1's ``tf.PartitionedVariable``).

    It iterates over its parts in order and converts to their concatenation (along the
    partitioned axis) where a `Tensor` is expected.
    """

    def __init__(self, name, shape, dtype, variable_list, partitions):
        """Creates a new partitioned variable wrapper.

        Variables passed via the variable_list must contain a save_slice_info field.
        Concatenation and iteration is in lexicographic order according to the var_offset
        property of the save_slice_info.

        Args:
          name: String. Overall name of the variables.
          shape: List of integers. Overall shape of the variables.
          dtype: Type of the variables.
          variable_list: List of `Variable` that comprise this partitioned variable.
          partitions: List of integers. Number of partitions for each dimension.

        Raises:
          TypeError: If `variable_list` is not a list of `Variable` objects, or `partitions`
            is not a list.
          ValueError: If `variable_list` is empty, or the `Variable` shape information does
            not match `shape`, or `partitions` has invalid values.
        """
        from varflow.variables import Variable

        if not isinstance(variable_list, (list, tuple)):
            raise TypeError(f"variable_list is not a list or tuple: {variable_list}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"partitions is not a list or tuple: {partitions}")
        if not all(p >= 1 for p in partitions):
            raise ValueError(f"partition values must be positive: {partitions}")
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        for v in variable_list:
            if not isinstance(v, Variable):
                raise TypeError(f"Not all entries in variable_list are variables: {variable_list}")
            if getattr(v, "_save_slice_info", None) is None:
                raise ValueError(f"All variables must have a save_slice_info available: {v.name}")
        if len(shape) != len(partitions):
            raise ValueError(f"len(shape) != len(partitions): {shape} vs. {partitions}")
        if v._save_slice_info.full_shape != list(shape):
            raise ValueError(
                f"All variables' full shapes must match shape: {shape}; but full shapes were: "
                f"{[v._save_slice_info.full_shape for v in variable_list]}"
            )
        self._variable_list = sorted(variable_list, key=lambda v: v._save_slice_info.var_offset)
        self._name = name
        self._shape = list(shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._partitions = list(partitions)
        self._as_tensor = None

    def __iter__(self):
        """Return an iterable for accessing the underlying partition Variables."""
        return iter(self._variable_list)

    def __len__(self):
        num_partition_axes = len([p for p in self._partitions if p > 1])
        if num_partition_axes > 1:
            raise ValueError(f"Cannot get a length for {num_partition_axes} > 1 partition axes")
        return len(self._variable_list)

    def _partition_axes(self):
        if all(p == 1 for p in self._partitions):
            return [0]
        return [i for i, p in enumerate(self._partitions) if p > 1]

    def _concat(self):
        """Returns the overall concatenated value as a `Tensor`.

        Returns:
          `Tensor` containing the concatenated value.
        """
        from varflow import array_ops
        from varflow.graph import name_scope

        if len(self._variable_list) == 1:
            with name_scope(None):
                return array_ops.identity(self._variable_list[0], name=self._name)
        partition_axes = self._partition_axes()
        if len(partition_axes) > 1:
            raise NotImplementedError(
                f"Cannot concatenate along more than one dimension: {partition_axes}.  Multi-axis "
                "partition concat is not supported"
            )
        with name_scope(self._name + "/ConcatPartitions/"):
            concatenated = array_ops.concat(self._variable_list, partition_axes[0])
        with name_scope(None):
            return array_ops.identity(concatenated, name=self._name)

    def as_tensor(self):
        """Returns the overall concatenated value as a `Tensor`.

        The returned tensor will not inherit the control dependencies from the scope where
        the value is used, which is similar to getting the value of `Variable`.

        Returns:
          `Tensor` containing the concatenated value.
        """
        from varflow.graph import control_dependencies

        with control_dependencies(None):
            return self._concat()

    def _as_graph_element(self):
        return self.as_tensor()

    @property
    def name(self):
        """The overall name of the partitioned variable (no ``:0``)."""
        return self._name

    @property
    def dtype(self):
        """The `DType` of the parts."""
        return self._dtype

    @property
    def shape(self):
        """The full `TensorShape`."""
        return self.get_shape()

    def get_shape(self):
        """The full `TensorShape` of the partitioned variable.

        Returns:
          A `TensorShape`.
        """
        return TensorShape(self._shape)

    @property
    def graph(self):
        """The `Graph` of the parts."""
        return self._variable_list[0].graph

    def _get_variable_list(self):
        return self._variable_list

    def _get_partitions(self):
        return self._partitions

    def _apply_assign_fn(self, assign_fn, value):
        from varflow import array_ops

        partition_axes = self._partition_axes()
        if len(partition_axes) > 1:
            raise NotImplementedError(
                f"Cannot do assign action along more than one dimension: {partition_axes}.  "
                "Multi-axis partition assign action is not supported "
            )
        from varflow.graph import convert_to_tensor

        value = convert_to_tensor(value, dtype=self._dtype)
        sizes = [v.get_shape().as_list()[partition_axes[0]] for v in self._variable_list]
        value_list = array_ops.split(value, sizes, axis=partition_axes[0])
        return [assign_fn(var, value_list[idx]) for idx, var in enumerate(self._variable_list)]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        """Assigns `value`, split along the partitioned axis, to the parts.

        Args:
          value: A `Tensor` of the full shape.
          use_locking: If `True`, use locking during the assignment.
          name: The name of the operation to be created.
          read_value: Kept for TF1's signature (each part's assign returns its new value).

        Returns:
          A list of the parts' assign ops.
        """
        return self._apply_assign_fn(
            lambda var, r_value: var.assign(r_value, use_locking=use_locking, name=name), value
        )

    def assign_add(self, value, use_locking=False, name=None, read_value=True):
        """Adds `value`, split along the partitioned axis, to the parts.

        Args:
          value: A `Tensor` of the full shape.
          use_locking: If `True`, use locking during the operation.
          name: The name of the operation to be created.
          read_value: Kept for TF1's signature.

        Returns:
          A list of the parts' assign_add ops.
        """
        return self._apply_assign_fn(
            lambda var, r_value: var.assign_add(r_value, use_locking=use_locking, name=name),
            value,
        )

    def assign_sub(self, value, use_locking=False, name=None, read_value=True):
        """Subtracts `value`, split along the partitioned axis, from the parts.

        Args:
          value: A `Tensor` of the full shape.
          use_locking: If `True`, use locking during the operation.
          name: The name of the operation to be created.
          read_value: Kept for TF1's signature.

        Returns:
          A list of the parts' assign_sub ops.
        """
        return self._apply_assign_fn(
            lambda var, r_value: var.assign_sub(r_value, use_locking=use_locking, name=name),
            value,
        )

    def __repr__(self):
        return (
            f"<varflow.PartitionedVariable '{self._name}' shape={tuple(self._shape)} "
            f"dtype={self._dtype.name} partitions={self._partitions}>"
        )


def _element_size(dtype, bytes_per_string_element):
    dtype = dtypes.as_dtype(dtype)
    if dtype.base_dtype == dtypes.string:
        return bytes_per_string_element
    return dtype.size


def variable_axis_size_partitioner(
    max_shard_bytes, axis=0, bytes_per_string_element=16, max_shards=None
):
    """Get a partitioner for VariableScope to keep shards below `max_shard_bytes`.

    This partitioner will shard a Variable along one axis, attempting to keep the maximum
    shard size below `max_shard_bytes`. In practice, this is not always possible when
    sharding along only one axis. When this happens, this axis is sharded as much as possible
    (i.e., every dimension becomes a separate shard).

    If the partitioner hits the `max_shards` limit, then each shard may end up larger than
    `max_shard_bytes`. By default `max_shards` equals `None` and no limit on the number of
    shards is enforced.

    One reasonable value for `max_shard_bytes` is `(64 << 20) - 1`, or almost `64MB`, to keep
    below the protobuf byte limit.

    Args:
      max_shard_bytes: The maximum size any given shard is allowed to be.
      axis: The axis to partition along. Default: outermost axis.
      bytes_per_string_element: If the `Variable` is of type string, this provides an
        estimate of how large each scalar in the `Variable` is.
      max_shards: The maximum number of shards in int created taking precedence over
        `max_shard_bytes`.

    Returns:
      A partition function usable as the `partitioner` argument to `variable_scope` and
      `get_variable`.

    Raises:
      ValueError: If any of the byte counts are non-positive.
    """
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError(
            "Both max_shard_bytes and bytes_per_string_element must be positive. "
            f"Currently, max_shard_bytes is {max_shard_bytes} and"
            f"bytes_per_string_element is {bytes_per_string_element}"
        )
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if not isinstance(shape, TensorShape):
            raise ValueError(f"shape is not a TensorShape: {shape}")  # noqa: TRY004 - as TF1
        if not shape.is_fully_defined():
            raise ValueError(f"shape is not fully defined: {shape}")
        element_size = _element_size(dtype, bytes_per_string_element)
        dims = shape.as_list()
        partitions = [1] * len(dims)
        bytes_per_slice = 1.0 * (shape.num_elements() / dims[axis]) * element_size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        axis_shards = math.ceil(1.0 * dims[axis] / slices_per_shard)
        if max_shards:
            axis_shards = min(max_shards, axis_shards)
        partitions[axis] = axis_shards
        return partitions

    return _partitioner


def min_max_variable_partitioner(
    max_partitions=1, axis=0, min_slice_size=256 << 10, bytes_per_string_element=16
):
    """Partitioner to allocate minimum size per slice.

    Returns a partitioner that partitions the variable of given shape and dtype such that
    each partition has a minimum of `min_slice_size` slice of the variable. The maximum
    number of such partitions (upper bound) is given by `max_partitions`.

    Args:
      max_partitions: Upper bound on the number of partitions. Defaults to 1.
      axis: Axis along which to partition the variable. Defaults to 0.
      min_slice_size: Minimum size of the variable slice per partition. Defaults to 256K.
      bytes_per_string_element: If the `Variable` is of type string, this provides an
        estimate of how large each scalar in the `Variable` is.

    Returns:
      A partition function usable as the `partitioner` argument to `variable_scope` and
      `get_variable`.
    """

    def _partitioner(shape, dtype):
        shape = as_shape(shape)
        if axis >= len(shape):
            raise ValueError(
                f"Cannot partition variable along axis {axis} when shape is only {shape}"
            )
        total_size_bytes = shape.num_elements() * _element_size(dtype, bytes_per_string_element)
        partitions = total_size_bytes / min_slice_size
        partitions_list = [1] * len(shape)
        partitions_list[axis] = max(
            1, min(shape.as_list()[axis], max_partitions, math.ceil(partitions))
        )
        return partitions_list

    return _partitioner


def fixed_size_partitioner(num_shards, axis=0):
    """Partitioner to specify a fixed number of shards along given axis.

    Args:
      num_shards: `int`, number of shards to partition variable.
      axis: `int`, axis to partition on.

    Returns:
      A partition function usable as the `partitioner` argument to `variable_scope` and
      `get_variable`.
    """

    def _partitioner(shape, **unused_args):
        shape = as_shape(shape)
        partitions_list = [1] * len(shape)
        partitions_list[axis] = min(num_shards, shape.as_list()[axis])
        return partitions_list

    return _partitioner


def _call_partitioner(partitioner, shape, dtype):
    """The partitioner's list for `shape`, checked as TF1 does."""
    if not shape.is_fully_defined():
        raise ValueError(
            f"Shape of a new partitioned variable must be fully defined, but instead was {shape}."
        )
    if shape.ndims < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: {shape}")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, (list, tuple)):
        raise ValueError(f"Partitioner must return a sequence, but saw: {slicing}")  # noqa: TRY004
    if len(slicing) != shape.ndims:
        raise ValueError(
            "Partitioner returned a partition list that does not match the Variable's rank: "
            f"{slicing} vs. {shape}"
        )
    if any(p < 1 for p in slicing):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {slicing}")
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError(
            f"Can only slice a variable along one dimension: shape: {shape}, partitioning: "
            f"{slicing}"
        )
    return list(slicing)


def _get_slice_dim_and_num_slices(slicing):
    for slice_dim, num_slices in enumerate(slicing):
        if num_slices > 1:
            return slice_dim, num_slices
    return 0, 1


def _iter_slices(full_shape, num_slices, slice_dim):
    """(offset, shape) of each slice; the first ``dim % num_slices`` are one longer."""
    num_slices_with_excess = full_shape[slice_dim] % num_slices
    offset = [0] * len(full_shape)
    min_slice_len = full_shape[slice_dim] // num_slices
    for i in range(num_slices):
        shape = full_shape[:]
        shape[slice_dim] = min_slice_len + bool(i < num_slices_with_excess)
        yield offset[:], shape
        offset[slice_dim] += shape[slice_dim]


def get_partitioned_variable(store, name, partitioner, shape, dtype, initializer, regularizer,
                             reuse, trainable, collections, validate_shape, constraint):  # fmt: skip
    """TF1's ``_VariableStore._get_partitioned_variable`` over varflow's variable store.

    Args:
      store: The graph's `_VariableStore`.
      name: The full name of the variable (scope included).
      partitioner: The partitioner, called as ``partitioner(shape=..., dtype=...)``.
      shape: The full shape.
      dtype: The element type.
      initializer: An initializer (called per part with a `PartitionInfo`), a `Tensor` or a
        value of the full shape (sliced per part), or None for the default.
      regularizer: Applied to each part.
      reuse: True, False/None or `AUTO_REUSE`, as in `get_variable`.
      trainable: Whether the parts are trainable.
      collections: The parts' collections.
      validate_shape: As in `get_variable`.
      constraint: As in `get_variable`.

    Returns:
      A `PartitionedVariable`.

    Raises:
      ValueError: On TF1's conditions (an unpartitioned variable of that name, reuse of a
        missing one, a different shape, dtype or partitioning).
    """
    from varflow import array_ops
    from varflow.graph import Tensor, convert_to_tensor, name_scope

    dtype = dtypes.as_dtype(dtype)
    initializing_from_value = initializer is not None and isinstance(initializer, Tensor)
    if name in store._vars:
        raise ValueError(
            "A partitioner was provided, but an unpartitioned version of the variable was "
            f"found: {name}.  Perhaps a variable of the same name was already created without "
            "partitioning?"
        )
    shape = as_shape(shape)
    if initializing_from_value:
        shape = shape.merge_with(initializer.shape)
    elif initializer is not None and not callable(initializer):
        shape = shape.merge_with(convert_to_tensor(initializer, dtype=dtype).shape)
    partitions = None
    if not reuse or partitioner:
        partitions = _call_partitioner(partitioner, shape, dtype)
    partitioned = store.__dict__.setdefault("_partitioned_vars", {})
    if name in partitioned:
        if reuse is False:
            raise ValueError(
                f"Partitioned variable with name {name} already exists. Did you mean to set "
                "reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
            )
        existing = partitioned[name]
        if not shape.is_compatible_with(existing.get_shape()):
            raise ValueError(
                f"Trying to reuse partitioned variable {name}, but specified shape {shape} and "
                f"found shape {existing.get_shape()}."
            )
        if not dtype.is_compatible_with(existing.dtype):
            raise ValueError(
                f"Trying to reuse partitioned variable {name}, but specified dtype "
                f"{dtype.name} and found dtype {existing.dtype.name}."
            )
        if partitions is not None and existing._get_partitions() != partitions:
            raise ValueError(
                f"Trying to reuse partitioned variable {name}, but specified partitions "
                f"{partitions} and found partitions {existing._get_partitions()}."
            )
        return existing
    if reuse is True:
        raise ValueError(
            f"PartitionedVariable {name} does not exist, or was not created with "
            "tf.get_variable(). Did you mean to set reuse=False or reuse=tf.AUTO_REUSE in "
            "VarScope?"
        )
    slice_dim, num_slices = _get_slice_dim_and_num_slices(partitions)
    if f"{name}/part_0" in store._vars:
        if f"{name}/part_{num_slices - 1}" not in store._vars:
            raise ValueError(
                "Partitioner returned a different partitioning than what was already found.  "
                f"Partitioner returned {num_slices} shards, and shard {name}/part_0 was found, "
                f"but {name}/part_{num_slices - 1} was not."
            )
        if f"{name}/part_{num_slices}" in store._vars:
            raise ValueError(
                "Partitioner returned a different partitioning than what was already found.  "
                f"Partitioner returned {num_slices} shards, and shard {name}/part_0 was found, "
                f"but so was the extra shard {name}/part_{num_slices}."
            )
    graph = store._graph
    parts = []
    for i, (var_offset, var_shape) in enumerate(
        _iter_slices(shape.as_list(), num_slices, slice_dim)
    ):
        partition_info = PartitionInfo(full_shape=shape.as_list(), var_offset=var_offset)
        var_full_name = f"{name}/part_{i}"
        part_dtype = dtype
        with graph.name_scope(""), name_scope(var_full_name + "/PartitionedInitializer"):
            if initializer is None or callable(initializer):
                init, init_shape = initializer, var_shape
            else:
                full = (
                    initializer
                    if isinstance(initializer, Tensor)
                    else convert_to_tensor(initializer, dtype=dtype)
                )
                init = array_ops.slice(full, var_offset, var_shape)
                part_dtype = init.dtype.base_dtype
                init_shape = None
        with graph.name_scope(""):
            var = store._get_single_variable(
                var_full_name, init_shape, part_dtype, init, regularizer, reuse, trainable,
                collections, validate_shape, constraint, partition_info=partition_info,
            )  # fmt: skip
        var._save_slice_info = SaveSliceInfo(name, shape.as_list(), var_offset, var_shape)
        parts.append(var)
    result = PartitionedVariable(
        name=name, shape=shape.as_list(), dtype=dtype, variable_list=parts, partitions=partitions
    )
    partitioned[name] = result
    return result


__all__ = [
    "PartitionInfo",
    "PartitionedVariable",
    "SaveSliceInfo",
    "fixed_size_partitioner",
    "min_max_variable_partitioner",
    "variable_axis_size_partitioner",
]
