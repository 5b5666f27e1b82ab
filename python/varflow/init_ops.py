"""TF1's random ops (``tf.random_uniform``, ``tf.random_normal``, ``tf.truncated_normal``) and
initializers (``tf.zeros_initializer``, ``tf.glorot_uniform_initializer``, ...).

An initializer is a callable ``init(shape, dtype=None, partition_info=None)`` returning a Tensor.

The random functions build TF1's graph ops (``RandomUniform``, ``RandomStandardNormal``,
``TruncatedNormal``, ``RandomUniformInt``), whose C++ kernels run Philox-4x32-10 exactly as
TensorFlow's CPU kernels do: with the same ``(seed, seed2)`` they give TF1's numbers bit for bit,
draw new values on every run, and start the sequence again in a new session. Random
initializers build the same ops in the same order as TF1's ``init_ops``, so a seeded TF1 script
gets TF1's initial values.

Seeds follow TF1's ``random_seed.get_seed``: ``tf.set_random_seed`` sets the graph-level seed;
an op without its own seed then takes the graph's op count at that moment (TF1's
``graph._last_id``, which counts every op created so far; varflow's equivalent is the number of
nodes in the graph, equal to TF1's as long as the script built the same ops, since varflow's
TF1-shaped functions create the same ops in the same order). TensorFlow 2.x's ``tf.compat.v1``
uses a per-graph counter of seeded calls instead; that is not what TF1 did and is not copied.
With neither seed set, the op draws a seed from the operating system.
"""

from __future__ import annotations

import math
import types

import numpy as np

from varflow import _core, dtypes
from varflow.graph import Tensor, constant, convert_to_tensor, get_default_graph, name_scope


# --- seeds -----------------------------------------------------------------------------------
def set_random_seed(seed) -> None:
    """TF1's ``tf.set_random_seed``: sets the graph-level seed of the default graph."""
    if seed is not None:
        seed = int(seed)
        if not -(2**63) <= seed < 2**63:
            seed %= 2**31 - 1  # TF1 truncates seeds to 31 bits; the core stores int64
    get_default_graph().seed = seed


def get_seed(op_seed):
    """TF1's ``random_seed.get_seed``: the ``(graph_seed, op_seed)`` pair for an op (the rule
    lives in the C++ core, train::random_seeds, which C++ hosts share)."""
    if op_seed is not None:
        op_seed = int(op_seed)
        if not -(2**63) <= op_seed < 2**63:
            op_seed %= 2**31 - 1  # TF1 truncates any Python int to 31 bits; the core takes int64
    return _core.random_seeds(get_default_graph()._core, op_seed)


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


def _random_op(op_type, inputs, dtype, seed1, seed2, name=None) -> Tensor:
    attrs = {
        "seed": 0 if seed1 is None else int(seed1),
        "seed2": 0 if seed2 is None else int(seed2),
    }
    if dtype is not None:
        attrs["dtype"] = dtype._core
    return get_default_graph().create_op(op_type, inputs, attrs, name=name or op_type)._outputs[0]


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """TF1's ``tf.random_uniform``: ``minval + (maxval - minval) * RandomUniform`` for floats
    (range ``[minval, maxval)``, ``maxval`` defaults to 1), ``RandomUniformInt`` for integers."""
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise TypeError(
            f"random_uniform supports float32, float64, int32 and int64, not {dtype.name}"
        )
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    with name_scope(name, "random_uniform", None) as scope:
        shape = _shape_tensor(shape)
        minval = convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = convert_to_tensor(maxval, dtype=dtype, name="max")
        seed1, seed2 = get_seed(seed)
        if dtype.is_integer:
            inputs = [shape, minval, maxval]
            return _random_op("RandomUniformInt", inputs, None, seed1, seed2, scope)
        from varflow import math_ops

        rnd = _random_op("RandomUniform", [shape], dtype, seed1, seed2)
        return math_ops.add(rnd * (maxval - minval), minval, name=scope)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """TF1's ``tf.random_normal``: ``mean + stddev * RandomStandardNormal``."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "random_normal", None) as scope:
        shape = _shape_tensor(shape)
        mean = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        seed1, seed2 = get_seed(seed)
        from varflow import math_ops

        rnd = _random_op("RandomStandardNormal", [shape], dtype, seed1, seed2)
        return math_ops.add(rnd * stddev, mean, name=scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """TF1's ``tf.truncated_normal``: normal values more than 2 stddev from the mean are
    redrawn (``mean + stddev * TruncatedNormal``)."""
    dtype = dtypes.as_dtype(dtype)
    with name_scope(name, "truncated_normal", None) as scope:
        shape = _shape_tensor(shape)
        mean = convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        seed1, seed2 = get_seed(seed)
        from varflow import math_ops

        rnd = _random_op("TruncatedNormal", [shape], dtype, seed1, seed2)
        return math_ops.add(rnd * stddev, mean, name=scope)


# --- initializers ----------------------------------------------------------------------------
class Initializer:
    """Base class of TF1's initializers."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from varflow import array_ops

        return array_ops.zeros(_shape_list(shape), dtypes.as_dtype(dtype or self.dtype))

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from varflow import array_ops

        return array_ops.ones(_shape_list(shape), dtypes.as_dtype(dtype or self.dtype))

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value: {type(value)} (expected Python scalar, list or "
                f"tuple of values, or numpy.ndarray)."
            )
        self.value = value
        self.dtype = dtypes.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dtype = dtypes.as_dtype(dtype or self.dtype)
        if verify_shape is None:
            verify_shape = self._verify_shape
        return constant(
            self.value, dtype=dtype, shape=_shape_list(shape), verify_shape=verify_shape
        )

    def get_config(self) -> dict:
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
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
    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
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
    def __call__(self, shape, dtype=None, partition_info=None):
        return truncated_normal(shape, self.mean, self.stddev, dtype or self.dtype, seed=self.seed)


def _compute_fans(shape):
    shape = list(shape)
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape
    else:
        receptive_field_size = 1
        for dim in shape[:-2]:
            receptive_field_size *= dim
        fan_in = shape[-2] * receptive_field_size
        fan_out = shape[-1] * receptive_field_size
    return int(fan_in), int(fan_out)


class VarianceScaling(Initializer):
    """TF1's ``variance_scaling_initializer(scale, mode, distribution, seed, dtype)``."""

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        dtype=dtypes.float32,
    ):
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
        scale_shape = shape
        if partition_info is not None and hasattr(partition_info, "full_shape"):
            scale_shape = list(partition_info.full_shape)
        fan_in, fan_out = _compute_fans(scale_shape)
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale /= max(1.0, fan_out)
        else:
            scale /= max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution in ("normal", "truncated_normal"):
            # constant from scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.)
            stddev = math.sqrt(scale) / 0.87962566103423978
            return truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    def __init__(self, seed=None, dtype=dtypes.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


def lecun_normal(seed=None):
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed=None):
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


def he_normal(seed=None):
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed=None):
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
    from varflow import variables

    return variables.variables_initializer(var_list, name=name)


def _global_variables():
    from varflow import variables

    return variables.global_variables_initializer()


def _local_variables():
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
