"""Learning-rate schedule objects (Keras' ``learning_rate_schedule.py``, which TF1's
``tf.train.*_decay`` functions call).

Each schedule is a callable: ``schedule(step)`` builds, in the default graph, a scalar tensor
of ``step`` from graph ops (the values are computed by the C++ core at run time, so the
graph is built once and the rate follows the step). Everything is computed in the initial
learning rate's dtype with the step cast to it, as in TF. The formulas are C++
(``varflow/train/schedules.h``); this module keeps TF1's classes, arguments and conversion
rules, handing each argument to C++ as a ``_core.Arg`` that converts it where TF1 does.

``step`` may be omitted: ``schedule()`` uses ``tf.train.get_or_create_global_step()``. So a
schedule object can be passed directly as an optimizer's ``learning_rate`` (optimizers call
a callable learning rate with no arguments when they build the train op); pass the same
step to ``minimize(global_step=tf.train.get_global_step())`` so that it advances.
"""

from __future__ import annotations

from varflow import _core, array_ops, dtypes
from varflow.array_ops import cast
from varflow.graph import Tensor, convert_to_tensor, core_callback, get_default_graph
from varflow.train import training_util
from varflow.variables import Variable


def _step_or_global(step):
    if step is None:
        step = training_util.get_or_create_global_step()
    training_util._note_schedule_step(step)
    return step


class LearningRateSchedule:
    """Base class: ``__call__(step=None)`` returns the learning rate tensor for ``step``."""

    def __call__(self, step=None):
        """Builds the learning rate tensor for `step` in the default graph.

        Args:
          step: A scalar integer `Tensor` or `Variable`, the training step. Defaults to
            `tf.train.get_or_create_global_step()`, so a schedule object can be passed directly
            as an optimizer's `learning_rate`.

        Returns:
          A scalar `Tensor` of the initial learning rate's dtype, whose value follows the step
          at run time.
        """
        raise NotImplementedError("Learning rate schedule must override __call__")

    def get_config(self) -> dict:
        """Returns the constructor arguments of this schedule.

        Returns:
          A dict, which `from_config` turns back into the schedule.
        """
        raise NotImplementedError("Learning rate schedule must override get_config")

    @classmethod
    def from_config(cls, config):
        """Instantiates a `LearningRateSchedule` from its config.

        Args:
          config: Output of `get_config()`.

        Returns:
          A `LearningRateSchedule` instance.
        """
        return cls(**config)


def _as(value, dtype, name):
    """TF1's conversion of a schedule argument: tensors are cast to ``dtype``, Python numbers
    converted directly (no float32 round trip, so a float64 schedule keeps float64
    constants); ``dtype=None`` keeps the argument's own dtype."""
    if isinstance(value, (Tensor, Variable)):
        return cast(value, dtype) if dtype is not None else convert_to_tensor(value)
    return convert_to_tensor(value, dtype=dtype, name=name)


def _arg(value, numeric=False):
    """``value`` for the C++ schedule: converted by ``_as`` when C++ asks for it; ``numeric``
    also passes a Python number itself, for formulas that branch on it while building."""

    def build(dtype, name):
        return _as(value, None if dtype is None else dtypes.as_dtype(dtype), name)._output

    if numeric and isinstance(value, (int, float)):
        return _core.Arg(float(value), build)
    return _core.Arg(build)


def _plain(value):
    """``value`` converted as it is (TF1's ``convert_to_tensor(value)``), whatever dtype C++
    would prefer."""
    return _core.Arg(core_callback(lambda dtype, name: convert_to_tensor(value)._output))


def _graph():
    return get_default_graph()._core


def _name(name, default_name):
    """TF1's ``name_scope(name, default_name)`` argument."""
    return default_name if name is None else name


def _result(output):
    return get_default_graph()._tensor_for(output)


class _RateDecay(LearningRateSchedule):
    """A schedule of (initial_learning_rate, decay_steps, decay_rate, staircase)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        """Creates the decay schedule.

        Args:
          initial_learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number.
            The initial learning rate.
          decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Must be
            positive. See the decay computation above.
          decay_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The decay
            rate.
          staircase: Boolean. If `True` decay the learning rate at discrete intervals
            (`step / decay_steps` is floored).
          name: String. Optional name of the operation. Defaults to the schedule's name.
        """
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step=None):
        step = _step_or_global(step)
        return _result(
            self._core_fn(
                _graph(),
                _arg(self.initial_learning_rate),
                _plain(step),
                _arg(self.decay_steps),
                _arg(self.decay_rate),
                bool(self.staircase),
                _name(self.name, self._default_name),
            )
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_RateDecay):
    """``lr * decay_rate ^ (step / decay_steps)``; the exponent floored when ``staircase``."""

    _default_name = "ExponentialDecay"
    _core_fn = staticmethod(_core.exponential_decay)


class NaturalExpDecay(ExponentialDecay):
    """``lr * exp(-decay_rate * p)``, built as exponential decay with rate ``exp(-decay_rate)``
    (as TF1's ``natural_exp_decay``)."""

    _default_name = "NaturalExpDecay"
    _core_fn = staticmethod(_core.natural_exp_decay)


class InverseTimeDecay(_RateDecay):
    """``lr / (1 + decay_rate * p)``, ``p = step / decay_steps`` (floored when ``staircase``)."""

    _default_name = "InverseTimeDecay"
    _core_fn = staticmethod(_core.inverse_time_decay)


class PolynomialDecay(LearningRateSchedule):
    """``(lr - end) * (1 - step/decay_steps)^power + end``; ``step`` is capped at
    ``decay_steps``, or with ``cycle`` ``decay_steps`` grows to the next multiple above step."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name=None,
    ):
        """Creates the polynomial decay schedule.

        The rate is `(initial_learning_rate - end_learning_rate) * (1 - step / decay_steps) ^
        power + end_learning_rate`, with `step` clipped to `decay_steps` (or, with `cycle`,
        `decay_steps` multiplied by the smallest whole number of cycles that covers `step`).

        Args:
          initial_learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number.
            The initial learning rate.
          decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Must be
            positive.
          end_learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
            minimal end learning rate.
          power: A scalar `float32` or `float64` `Tensor` or a Python number. The power of the
            polynomial. Defaults to linear, 1.0.
          cycle: A boolean, whether or not it should cycle beyond decay_steps.
          name: String. Optional name of the operation. Defaults to the schedule's name.
        """
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step=None):
        step = _step_or_global(step)
        return _result(
            _core.polynomial_decay(
                _graph(),
                _arg(self.initial_learning_rate),
                _plain(step),
                _arg(self.decay_steps),
                _arg(self.end_learning_rate),
                _arg(self.power),
                bool(self.cycle),
                _name(self.name, "PolynomialDecay"),
            )
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` for step <= boundaries[0], ``values[i]`` for boundaries[i-1] < step <=
    boundaries[i], ``values[-1]`` past the last boundary; one ``PiecewiseConstant`` op.

    Boundaries must have the step's dtype (int32 boundaries are promoted for an int64 step),
    else ValueError; all values must share one dtype, which is the result's.
    """

    def __init__(self, boundaries, values, name=None):
        """Piecewise constant from boundaries and interval values.

        The rate is `values[0]` while `step <= boundaries[0]`, `values[1]` while
        `boundaries[0] < step <= boundaries[1]`, ..., and `values[-1]` after the last boundary.

        Args:
          boundaries: A list of `Tensor`s or `int`s or `float`s with strictly increasing
            entries, and with all elements having the same type as the optimizer step.
          values: A list of `Tensor`s or `float`s or `int`s that specifies the values for the
            intervals defined by `boundaries`. It should have one more element than
            `boundaries`, and all elements should have the same type.
          name: String. Optional name of the operation. Defaults to the schedule's name.

        Raises:
          ValueError: if the number of elements in the lists do not match.
        """
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step=None):
        step = _step_or_global(step)
        if get_default_graph()._is_eager:
            # TF's eager schedule picks its value with Python conditionals, which take any
            # one-element step (seed 003 passes a list holding the step variable).
            step = convert_to_tensor(step)
            if step.shape.num_elements() == 1:
                step = array_ops.reshape(step, [])
        return _result(
            _core.piecewise_constant(
                _graph(),
                _plain(step),
                [_plain(b) for b in self.boundaries],
                [_plain(v) for v in self.values],
                _name(self.name, "PiecewiseConstant"),
            )
        )

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, ds) / ds)) + alpha)``."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None):
        """Creates the cosine decay schedule.

        The rate is `initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * step /
        decay_steps)) + alpha)`, with `step` clipped to `decay_steps`.

        Args:
          initial_learning_rate: A scalar `float32` or `float64` Tensor or a Python number. The
            initial learning rate.
          decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of steps
            to decay over.
          alpha: A scalar `float32` or `float64` Tensor or a Python number. Minimum learning rate
            value as a fraction of initial_learning_rate.
          name: String. Optional name of the operation. Defaults to the schedule's name.
        """
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name

    def __call__(self, step=None):
        step = _step_or_global(step)
        return _result(
            _core.cosine_decay(
                _graph(),
                _arg(self.initial_learning_rate),
                _plain(step),
                _arg(self.decay_steps),
                _arg(self.alpha),
                _name(self.name, "CosineDecay"),
            )
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """SGDR: cosine decay restarted after ``first_decay_steps * t_mul^i`` steps, the i-th
    restart's amplitude scaled by ``m_mul^i``. A tensor ``t_mul`` selects at run time between
    the ``t_mul == 1`` formula and the geometric one (TF's tf.cond)."""

    def __init__(
        self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
    ):
        """Creates the cosine decay schedule with warm restarts (SGDR, Loshchilov & Hutter).

        Args:
          initial_learning_rate: A scalar `float32` or `float64` Tensor or a Python number. The
            initial learning rate.
          first_decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of
            steps to decay over.
          t_mul: A scalar `float32` or `float64` `Tensor` or a Python number. Used to derive the
            number of iterations in the i-th period.
          m_mul: A scalar `float32` or `float64` `Tensor` or a Python number. Used to derive the
            initial learning rate of the i-th period.
          alpha: A scalar `float32` or `float64` Tensor or a Python number. Minimum learning rate
            value as a fraction of the initial_learning_rate.
          name: String. Optional name of the operation. Defaults to the schedule's name.
        """
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step=None):
        step = _step_or_global(step)
        return _result(
            _core.cosine_decay_restarts(
                _graph(),
                _arg(self.initial_learning_rate),
                _plain(step),
                _arg(self.first_decay_steps),
                _arg(self._t_mul, numeric=True),
                _arg(self._m_mul),
                _arg(self.alpha),
                _name(self.name, "SGDRDecay"),
            )
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


class LinearCosineDecay(LearningRateSchedule):
    """``lr * ((alpha + (ds - gs)/ds) * 0.5 * (1 + cos(2 pi num_periods gs/ds)) + beta)``,
    ``gs = min(step, ds)``."""

    def __init__(
        self, initial_learning_rate, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None
    ):
        """Creates the linear cosine decay schedule (Bello et al., ICML 2017).

        The rate is `initial_learning_rate * ((alpha + linear_decay) * cosine_decay + beta)`,
        with `linear_decay = (decay_steps - step) / decay_steps` and `cosine_decay = 0.5 * (1 +
        cos(pi * 2 * num_periods * step / decay_steps))`.

        Args:
          initial_learning_rate: A scalar `float32` or `float64` Tensor or a Python number. The
            initial learning rate.
          decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of steps
            to decay over.
          num_periods: Number of periods in the cosine part of the decay.
          alpha: See computation above.
          beta: See computation above.
          name: String. Optional name of the operation. Defaults to the schedule's name.
        """
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.num_periods = num_periods
        self.alpha = alpha
        self.beta = beta
        self.name = name

    def __call__(self, step=None):
        step = _step_or_global(step)
        return _result(
            _core.linear_cosine_decay(
                _graph(),
                _arg(self.initial_learning_rate),
                _plain(step),
                _arg(self.decay_steps),
                _arg(self.num_periods),
                _arg(self.alpha),
                _arg(self.beta),
                _name(self.name, "LinearCosineDecay"),
            )
        )

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "num_periods": self.num_periods,
            "alpha": self.alpha,
            "beta": self.beta,
            "name": self.name,
        }


class NoisyLinearCosineDecay(LinearCosineDecay):
    """Linear cosine decay with ``N(0, initial_variance / (1 + gs)^variance_decay)`` noise
    added to the linear part, drawn afresh at every run.

    The noise comes from the ``ScheduleStandardNormal`` op (a per-session counter-based
    generator), seeded like TF1's random ops from the graph seed (``tf.set_random_seed``) and
    ``seed`` (beyond TF1, which has no seed argument here): with either set, a new session
    replays the same sequence of noise; with neither, it differs every session.
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        initial_variance=1.0,
        variance_decay=0.55,
        num_periods=0.5,
        alpha=0.0,
        beta=0.001,
        name=None,
        seed=None,
    ):
        """Creates the noisy linear cosine decay schedule.

        As `LinearCosineDecay`, with Gaussian noise of variance `initial_variance / (1 + step)
        ^ variance_decay` added to the linear part, drawn afresh at every run.

        Args:
          initial_learning_rate: A scalar `float32` or `float64` Tensor or a Python number. The
            initial learning rate.
          decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of steps
            to decay over.
          initial_variance: initial variance for the noise. See computation above.
          variance_decay: decay for the noise's variance. See computation above.
          num_periods: Number of periods in the cosine part of the decay.
          alpha: See computation above.
          beta: See computation above.
          name: String. Optional name of the operation. Defaults to the schedule's name.
          seed: An optional op seed for the noise (beyond TF1): with the graph seed it makes
            the noise reproducible.
        """
        super().__init__(initial_learning_rate, decay_steps, num_periods, alpha, beta, name)
        self.initial_variance = initial_variance
        self.variance_decay = variance_decay
        self.seed = seed

    def __call__(self, step=None):
        step = _step_or_global(step)
        return _result(
            _core.noisy_linear_cosine_decay(
                _graph(),
                _arg(self.initial_learning_rate),
                _plain(step),
                _arg(self.decay_steps),
                _arg(self.initial_variance),
                _arg(self.variance_decay),
                _arg(self.num_periods),
                _arg(self.alpha),
                _arg(self.beta),
                _name(self.name, "NoisyLinearCosineDecay"),
                None if self.seed is None else int(self.seed),
            )
        )

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            initial_variance=self.initial_variance,
            variance_decay=self.variance_decay,
            seed=self.seed,
        )
        return config


__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "LinearCosineDecay",
    "NaturalExpDecay",
    "NoisyLinearCosineDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
]
