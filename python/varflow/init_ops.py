"""TF1's random ops (``tf.random_uniform``, ``tf.random_normal``, ``tf.truncated_normal``) and
initializers (``tf.zeros_initializer``, ``tf.glorot_uniform_initializer``, ...).

An initializer is a callable ``init(shape, dtype=None, partition_info=None)`` returning a Tensor.

The random functions build TF1's graph ops (``RandomUniform``, ``RandomStandardNormal``,
``TruncatedNormal``, ``RandomUniformInt``), whose C++ kernels run Philox-4x32-10 exactly as
TensorFlow's CPU kernels do: with the same ``(seed, seed2)`` they give TF1's numbers bit for bit,
draw new values on every run, and start the sequence again in a new session. Random
initializers build the same ops in the same order as TF1's ``init_ops``, so a seeded TF1 script
gets TF1's initial values.

The graphs are built by the C++ core (``varflow/train/initializers.h``: the random tensors,
the variance-scaling arithmetic, zeros and ones), which C++ hosts call too; this module keeps
TF1's signatures, defaults and errors and converts the arguments as TF1's Python does.

Seeds follow TF1's ``random_seed.get_seed``: ``tf.set_random_seed`` sets the graph-level seed;
an op without its own seed then takes the graph's op count at that moment (TF1's
``graph._last_id``, which counts every op created so far; varflow's equivalent is the number of
nodes in the graph, equal to TF1's as long as the script built the same ops, since varflow's
TF1-shaped functions create the same ops in the same order). TensorFlow 2.x's ``tf.compat.v1``
uses a per-graph counter of seeded calls instead; that is not what TF1 did and is not copied.
With neither seed set, the op draws a seed from the operating system.
"""

from __future__ import annotations

import types

import numpy as np

from varflow import _core, dtypes
from varflow.graph import Tensor, constant, convert_to_tensor, core_callback, get_default_graph


# --- seeds -----------------------------------------------------------------------------------
def set_random_seed(seed) -> None:
    """Sets the graph-level random seed for the default graph.

    Operations that rely on a random seed actually derive it from two seeds: the graph-level
    and operation-level seeds. This sets the graph-level seed. Its interactions with
    operation-level seeds are as in TF1: with a graph seed and no op seed, each op gets a
    deterministic seed from the graph seed and the op's position in the graph; with both,
    both are used; with neither, the op is seeded randomly.

    Args:
      seed: integer.
    """
    if seed is not None:
        seed = int(seed)
        if not -(2**63) <= seed < 2**63:
            seed %= 2**31 - 1  # TF1 truncates seeds to 31 bits; the core stores int64
    get_default_graph().seed = seed


def get_seed(op_seed):
    """Returns the local seeds an operation should use given an op-specific seed.

    Given operation-specific seed, `op_seed`, this helper function returns two seeds
    derived from graph-level and op-level seeds. The rule lives in the C++ core
    (`train::random_seeds`), which C++ hosts share.

    Args:
      op_seed: integer.

    Returns:
      A tuple of two integers that should be used for the local seed of this operation.
    """
    return _core.random_seeds(get_default_graph()._core, _op_seed(op_seed))


def _op_seed(op_seed):
    """An op-level seed as the core takes it (int64; TF1 truncates larger Python ints to 31
    bits)."""
    if op_seed is not None:
        op_seed = int(op_seed)
        if not -(2**63) <= op_seed < 2**63:
            op_seed %= 2**31 - 1
    return op_seed


def _shape_list(shape) -> list[int]:
    from varflow.tensor_shape import TensorShape

    dims = TensorShape(shape).as_list()
    if any(d is None for d in dims):
        raise ValueError(f"Initializer needs a fully defined shape, got {TensorShape(shape)}")
    return [int(d) for d in dims]


def _assert_float_dtype(dtype) -> dtypes.DType:
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def _shape_tensor(shape) -> Tensor:
    """TF1's ``tensor_util.shape_tensor``: a Tensor as is, else an int32 (int64 if large)
    constant named ``shape``."""
    if isinstance(shape, Tensor):
        return shape
    from varflow.tensor_shape import TensorShape

    dims = _shape_list(shape) if isinstance(shape, TensorShape) else [int(d) for d in shape]
    dtype = dtypes.int64 if any(abs(d) >= 2**31 for d in dims) else dtypes.int32
    return constant(np.asarray(dims, dtype=dtype.as_numpy_dtype).reshape(-1), dtype, name="shape")


def _shape_arg(shape):
    """``shape`` for the C++ random tensors: converted by ``_shape_tensor`` where TF1 does."""
    return _core.Arg(core_callback(lambda dtype, name: _shape_tensor(shape)._output))


def _param_arg(value, dtype):
    """A parameter (bound, mean, stddev) for the C++ random tensors: ``convert_to_tensor(value,
    dtype, name)`` where TF1 converts it (TF1's errors for a tensor of another dtype)."""
    return _core.Arg(
        core_callback(lambda _, name: convert_to_tensor(value, dtype=dtype, name=name)._output)
    )


def _random(fn, shape, a, b, dtype, seed, name):
    graph = get_default_graph()
    out = fn(
        graph._core,
        _shape_arg(shape),
        _param_arg(a, dtype),
        _param_arg(b, dtype),
        dtype._core,
        _op_seed(seed),
        "" if name is None else name,
    )
    return graph._tensor_for(out)


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Outputs random values from a uniform distribution.

    The generated values follow a uniform distribution in the range `[minval, maxval)`. The
    lower bound `minval` is included in the range, while the upper bound `maxval` is
    excluded. For floats, the default range is `[0, 1)` (`minval + (maxval - minval) *
    RandomUniform`). For ints, at least `maxval` must be specified explicitly
    (`RandomUniformInt`).

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      minval: A 0-D Tensor or Python value of type `dtype`. The lower bound on the range of
        random values to generate. Defaults to 0.
      maxval: A 0-D Tensor or Python value of type `dtype`. The upper bound on the range of
        random values to generate. Defaults to 1 if `dtype` is floating point.
      dtype: The type of the output: `float32`, `float64`, `int32`, or `int64`.
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.
      name: A name for the operation (optional).

    Returns:
      A tensor of the specified shape filled with random uniform values.

    Raises:
      ValueError: If `dtype` is integral and `maxval` is not specified.
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise TypeError(
            f"random_uniform supports float32, float64, int32 and int64, not {dtype.name}"
        )
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    return _random(_core.random_uniform, shape, minval, maxval, dtype, seed, name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Outputs random values from a normal distribution.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      mean: A 0-D Tensor or Python value of type `dtype`. The mean of the normal
        distribution.
      stddev: A 0-D Tensor or Python value of type `dtype`. The standard deviation of the
        normal distribution.
      dtype: The type of the output.
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.
      name: A name for the operation (optional).

    Returns:
      A tensor of the specified shape filled with random normal values.
    """
    dtype = dtypes.as_dtype(dtype)
    return _random(_core.random_normal, shape, mean, stddev, dtype, seed, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Outputs random values from a truncated normal distribution.

    The generated values follow a normal distribution with specified mean and standard
    deviation, except that values whose magnitude is more than 2 standard deviations from
    the mean are dropped and re-picked.

    Args:
      shape: A 1-D integer Tensor or Python array. The shape of the output tensor.
      mean: A 0-D Tensor or Python value of type `dtype`. The mean of the truncated normal
        distribution.
      stddev: A 0-D Tensor or Python value of type `dtype`. The standard deviation of the
        normal distribution, before truncation.
      dtype: The type of the output.
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.
      name: A name for the operation (optional).

    Returns:
      A tensor of the specified shape filled with random truncated normal values.
    """
    dtype = dtypes.as_dtype(dtype)
    return _random(_core.truncated_normal, shape, mean, stddev, dtype, seed, name)


# --- initializers ----------------------------------------------------------------------------
def _filled(shape, value, dtype, name) -> Tensor:
    """TF1's zeros/ones of a static shape, built by the core (``train::filled``)."""
    graph = get_default_graph()
    dtype = dtypes.as_dtype(dtype)
    return graph._tensor_for(
        _core.filled(graph._core, _shape_list(shape), float(value), dtype._core, name)
    )


class Initializer:
    """Base class of TF1's initializers."""

    def __call__(self, shape, dtype=None, partition_info=None):
        """Returns a tensor object initialized as specified by the initializer.

        Args:
          shape: Shape of the tensor.
          dtype: Optional dtype of the tensor. If not provided use the initializer dtype.
          partition_info: Optional information about the possible partitioning of a tensor
            (accepted for TF1 compatibility; varflow does not partition variables).

        Returns:
          A `Tensor` of shape `shape` and dtype `dtype`.
        """
        raise NotImplementedError

    def get_config(self) -> dict:
        """Returns the configuration of the initializer as a JSON-serializable dict.

        Returns:
          A JSON-serializable Python dict, which `from_config` turns back into the initializer.
        """
        return {}

    @classmethod
    def from_config(cls, config):
        """Instantiates an initializer from a configuration dictionary.

        Args:
          config: A Python dictionary, typically the output of `get_config`.

        Returns:
          An initializer instance.
        """
        return cls(**config)


class Zeros(Initializer):
    """Initializer that generates tensors initialized to 0."""

    def __init__(self, dtype=dtypes.float32):
        """Creates the initializer.

        Args:
          dtype: The default data type of the tensors it makes.
        """
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _filled(shape, 0, dtype or self.dtype, "zeros")

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Initializer that generates tensors initialized to 1."""

    def __init__(self, dtype=dtypes.float32):
        """Creates the initializer.

        Args:
          dtype: The default data type of the tensors it makes.
        """
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return _filled(shape, 1, dtype or self.dtype, "ones")

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """Initializer that generates tensors with constant values.

    The resulting tensor is populated with values of type `dtype`, as specified by arguments
    `value` following the desired `shape` of the new tensor. `value` can be a scalar, or a
    list or array of exactly as many elements as the shape has (or, unless `verify_shape`,
    fewer: the last value fills the rest, as in TF1).
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        """Creates the initializer.

        Args:
          value: A Python scalar, list or tuple of values, or a N-dimensional numpy array. All
            elements of the initialized variable will be set to the corresponding value in the
            `value` argument.
          dtype: Default data type, used if no `dtype` argument is provided when calling the
            initializer.
          verify_shape: Boolean that enables verification of the shape of `value`. If `True`,
            the initializer will throw an error if the shape of `value` is not compatible with
            the shape of the initialized tensor.

        Raises:
          TypeError: If the input `value` is not one of the expected types.
        """
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value: {type(value)} (expected Python scalar, list or "
                f"tuple of values, or numpy.ndarray)."
            )
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        """Returns a tensor object initialized with the constant `value`.

        Args:
          shape: Shape of the tensor.
          dtype: Optional dtype of the tensor. If not provided use the initializer dtype.
          partition_info: Optional information about the possible partitioning of a tensor.
          verify_shape: Overrides the initializer's `verify_shape` if not None.

        Returns:
          A `Tensor` of shape `shape` and dtype `dtype`.

        Raises:
          TypeError: If `shape` and `value` do not fit each other and `verify_shape` is set.
        """
        dtype = dtypes.as_dtype(dtype or self.dtype)
        if verify_shape is None:
            verify_shape = self._verify_shape
        return constant(
            self.value, dtype=dtype, shape=_shape_list(shape), verify_shape=verify_shape
        )

    def get_config(self) -> dict:
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Initializer that generates tensors with a uniform distribution."""

    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
        """Creates the initializer.

        Args:
          minval: A python scalar or a scalar tensor. Lower bound of the range of random values
            to generate.
          maxval: A python scalar or a scalar tensor. Upper bound of the range of random values
            to generate. Defaults to 1 for float types.
          seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
            behavior.
          dtype: Default data type, used if no `dtype` argument is provided when calling the
            initializer.
        """
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_uniform(shape, self.minval, self.maxval, dtype or self.dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "minval": self.minval,
            "maxval": self.maxval,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class RandomNormal(Initializer):
    """Initializer that generates tensors with a normal distribution."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        """Creates the initializer.

        Args:
          mean: a python scalar or a scalar tensor. Mean of the random values to generate.
          stddev: a python scalar or a scalar tensor. Standard deviation of the random values to
            generate.
          seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
            behavior.
          dtype: Default data type, used if no `dtype` argument is provided when calling the
            initializer. Only floating point types are supported.
        """
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        return random_normal(shape, self.mean, self.stddev, dtype or self.dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "mean": self.mean,
            "stddev": self.stddev,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class TruncatedNormal(RandomNormal):
    """Initializer that generates a truncated normal distribution.

    These values are similar to values from a `random_normal_initializer` except that values
    more than two standard deviations from the mean are discarded and re-drawn. This is the
    recommended initializer for neural network weights and filters. It takes the same
    arguments as `random_normal_initializer`.
    """

    def __call__(self, shape, dtype=None, partition_info=None):
        return truncated_normal(shape, self.mean, self.stddev, dtype or self.dtype, seed=self.seed)


def _compute_fans(shape):
    """TF1's ``_compute_fans``: ``(fan_in, fan_out)`` of a weight shape (train::compute_fans)."""
    return tuple(_core.compute_fans([int(d) for d in shape]))


class VarianceScaling(Initializer):
    """Initializer capable of adapting its scale to the shape of weights tensors.

    With `distribution="truncated_normal" or "untruncated_normal"`, samples are drawn from a
    truncated/untruncated normal distribution with a mean of zero and a standard deviation
    (after truncation, if used) `stddev = sqrt(scale / n)` where n is:
      - number of input units in the weight tensor, if mode = "fan_in"
      - number of output units, if mode = "fan_out"
      - average of the numbers of input and output units, if mode = "fan_avg"

    With `distribution="uniform"`, samples are drawn from a uniform distribution within
    [-limit, limit], with `limit = sqrt(3 * scale / n)`.
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        dtype=dtypes.float32,
    ):
        """Creates the initializer.

        Args:
          scale: Scaling factor (positive float).
          mode: One of "fan_in", "fan_out", "fan_avg".
          distribution: Random distribution to use. One of "truncated_normal",
            "untruncated_normal" and "uniform" ("normal" is TF1's old name of
            "truncated_normal").
          seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
            behavior.
          dtype: Default data type, used if no `dtype` argument is provided when calling the
            initializer. Only floating point types are supported.

        Raises:
          ValueError: In case of an invalid value for the "scale", mode" or "distribution"
            arguments.
        """
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument:", mode)
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument:", distribution)
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _assert_float_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = _assert_float_dtype(dtype or self.dtype)
        shape = _shape_list(shape)
        scale_shape = None
        if partition_info is not None and hasattr(partition_info, "full_shape"):
            scale_shape = [int(d) for d in partition_info.full_shape]
        graph = get_default_graph()
        out = _core.variance_scaling(
            graph._core,
            shape,
            dtype._core,
            float(self.scale),
            self.mode,
            self.distribution,
            _op_seed(self.seed),
            scale_shape,
        )
        return graph._tensor_for(out)

    def get_config(self) -> dict:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class GlorotUniform(VarianceScaling):
    """The Glorot uniform initializer, also called Xavier uniform initializer.

    It draws samples from a uniform distribution within [-limit, limit] where `limit` is
    `sqrt(6 / (fan_in + fan_out))` where `fan_in` is the number of input units in the weight
    tensor and `fan_out` is the number of output units in the weight tensor.
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        """Creates the initializer.

        Args:
          seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
            behavior.
          dtype: Default data type, used if no `dtype` argument is provided when calling the
            initializer. Only floating point types are supported.
        """
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """The Glorot normal initializer, also called Xavier normal initializer.

    It draws samples from a truncated normal distribution centered on 0 with standard
    deviation (after truncation) given by `stddev = sqrt(2 / (fan_in + fan_out))` where
    `fan_in` is the number of input units in the weight tensor and `fan_out` is the number of
    output units in the weight tensor.
    """

    def __init__(self, seed=None, dtype=dtypes.float32):
        """Creates the initializer.

        Args:
          seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
            behavior.
          dtype: Default data type, used if no `dtype` argument is provided when calling the
            initializer. Only floating point types are supported.
        """
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


def lecun_normal(seed=None):
    """LeCun normal initializer.

    It draws samples from a truncated normal distribution with scale 1 / fan_in over `fan_in` (a
    `variance_scaling_initializer(scale=1, mode="fan_in", distribution=...)`).

    Args:
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.

    Returns:
      An initializer.
    """
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    """LeCun uniform initializer.

    It draws samples from a uniform distribution with scale 1 / fan_in over `fan_in` (a
    `variance_scaling_initializer(scale=1, mode="fan_in", distribution=...)`).

    Args:
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.

    Returns:
      An initializer.
    """
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


def he_normal(seed=None):
    """He normal initializer.

    It draws samples from a truncated normal distribution with scale 2 / fan_in over `fan_in` (a
    `variance_scaling_initializer(scale=2, mode="fan_in", distribution=...)`).

    Args:
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.

    Returns:
      An initializer.
    """
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
    """He uniform initializer.

    It draws samples from a uniform distribution with scale 2 / fan_in over `fan_in` (a
    `variance_scaling_initializer(scale=2, mode="fan_in", distribution=...)`).

    Args:
      seed: A Python integer. Used to create random seeds. See `tf.set_random_seed` for
        behavior.

    Returns:
      An initializer.
    """
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


# TF1's lower-case names (classes, as in TF1: call them to get an initializer).
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal


def _variables_initializer(var_list, name="init"):
    """Returns an op that initializes a list of variables (`tf.initializers.variables`).

    Args:
      var_list: List of `Variable` objects to initialize.
      name: Optional name for the returned operation.

    Returns:
      An `Operation` that runs the initializers of all the specified variables.
    """
    from varflow import variables

    return variables.variables_initializer(var_list, name=name)


def _global_variables():
    """Returns an op that initializes global variables (`tf.initializers.global_variables`).

    Returns:
      An `Operation` that initializes global variables in the graph.
    """
    from varflow import variables

    return variables.global_variables_initializer()


def _local_variables():
    """Returns an op that initializes all local variables (`tf.initializers.local_variables`).

    Returns:
      An `Operation` that initializes all local variables in the graph.
    """
    from varflow import variables

    return variables.local_variables_initializer()


# ``tf.initializers.*``
initializers = types.ModuleType("varflow.initializers", "TF1's tf.initializers namespace.")
initializers.zeros = Zeros
initializers.ones = Ones
initializers.constant = Constant
initializers.random_uniform = RandomUniform
initializers.random_normal = RandomNormal
initializers.truncated_normal = TruncatedNormal
initializers.variance_scaling = VarianceScaling
initializers.glorot_uniform = GlorotUniform
initializers.glorot_normal = GlorotNormal
initializers.lecun_normal = lecun_normal
initializers.lecun_uniform = lecun_uniform
initializers.he_normal = he_normal
initializers.he_uniform = he_uniform
initializers.variables = _variables_initializer
initializers.global_variables = _global_variables
initializers.local_variables = _local_variables

# ``tf.random.*`` (the TF1 names under the tf.random namespace)
random = types.ModuleType("varflow.random", "TF1's tf.random namespace.")
random.uniform = random_uniform
random.normal = random_normal
random.truncated_normal = truncated_normal
random.set_random_seed = set_random_seed
random.get_seed = get_seed
