"""TF1's learning-rate decay functions (``tf.train.exponential_decay`` and friends).

Each builds the decayed rate as a scalar tensor of ``global_step`` from graph ops (see
``varflow.train.schedules`` for the formulas), computed by the C++ core at every run, in the
learning rate's dtype. Nothing increments the step: pass the same variable to
``Optimizer.minimize(global_step=...)``. In eager mode each returns a callable instead (TF1's
``functools.partial(schedule, global_step)``), read anew by every optimizer step. ``global_step=None`` raises
``ValueError("global_step is required for <name>.")`` as TF before 2.0.
"""

from __future__ import annotations

import functools

from varflow.train import schedules


def _decayed(schedule, step):
    """The rate at `step`: a tensor when building a graph; in eager mode a callable (a
    functools.partial over the schedule, as TF1) whose value follows `step` at each call."""
    from varflow.eager.context import executing_eagerly

    if executing_eagerly():
        return functools.partial(schedule, step)
    return schedule(step)


def _require_step(global_step, fn_name):
    if global_step is None:
        raise ValueError(f"global_step is required for {fn_name}.")


def exponential_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """``learning_rate * decay_rate ^ (global_step / decay_steps)`` (exponent floored when
    ``staircase``)."""
    _require_step(global_step, "exponential_decay")
    return _decayed(
        schedules.ExponentialDecay(learning_rate, decay_steps, decay_rate, staircase, name),
        global_step,
    )


def natural_exp_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """``learning_rate * exp(-decay_rate * global_step / decay_steps)``."""
    _require_step(global_step, "natural_exp_decay")
    schedule = schedules.NaturalExpDecay(learning_rate, decay_steps, decay_rate, staircase, name)
    schedule._default_name = "ExponentialTimeDecay"
    return _decayed(schedule, global_step)


def inverse_time_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """``learning_rate / (1 + decay_rate * global_step / decay_steps)``."""
    _require_step(global_step, "inverse_time_decay")
    return _decayed(
        schedules.InverseTimeDecay(learning_rate, decay_steps, decay_rate, staircase, name),
        global_step,
    )


def polynomial_decay(
    learning_rate,
    global_step,
    decay_steps,
    end_learning_rate=0.0001,
    power=1.0,
    cycle=False,
    name=None,
):
    """``(learning_rate - end) * (1 - global_step / decay_steps) ^ power + end``."""
    _require_step(global_step, "polynomial_decay")
    return _decayed(
        schedules.PolynomialDecay(
            learning_rate, decay_steps, end_learning_rate, power, cycle, name
        ),
        global_step,
    )


def piecewise_constant(x, boundaries, values, name=None):
    """``values[i]`` for the interval of ``boundaries`` that holds ``x``."""
    if x is None:
        raise ValueError("global_step is required for piecewise_constant.")
    return _decayed(schedules.PiecewiseConstantDecay(boundaries, values, name), x)


piecewise_constant_decay = piecewise_constant


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """Cosine decay from ``learning_rate`` to ``alpha * learning_rate`` over ``decay_steps``."""
    _require_step(global_step, "cosine_decay")
    return _decayed(schedules.CosineDecay(learning_rate, decay_steps, alpha, name), global_step)


def cosine_decay_restarts(
    learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
):
    """Cosine decay with warm restarts (SGDR)."""
    _require_step(global_step, "cosine_decay_restarts")
    return _decayed(
        schedules.CosineDecayRestarts(learning_rate, first_decay_steps, t_mul, m_mul, alpha, name),
        global_step,
    )


def linear_cosine_decay(
    learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None
):
    """Linear cosine decay (Bello et al., 2017)."""
    _require_step(global_step, "linear_cosine_decay")
    return _decayed(
        schedules.LinearCosineDecay(learning_rate, decay_steps, num_periods, alpha, beta, name),
        global_step,
    )


def noisy_linear_cosine_decay(
    learning_rate,
    global_step,
    decay_steps,
    initial_variance=1.0,
    variance_decay=0.55,
    num_periods=0.5,
    alpha=0.0,
    beta=0.001,
    name=None,
    seed=None,
):
    """Linear cosine decay with Gaussian noise on the linear part, fresh at every run;
    ``seed`` (beyond TF1) with the graph seed makes the noise reproducible."""
    _require_step(global_step, "noisy_linear_cosine_decay")
    return _decayed(
        schedules.NoisyLinearCosineDecay(
            learning_rate,
            decay_steps,
            initial_variance,
            variance_decay,
            num_periods,
            alpha,
            beta,
            name,
            seed,
        ),
        global_step,
    )
