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
    """Applies exponential decay to the learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    `learning_rate * decay_rate ^ (global_step / decay_steps)`
    (the exponent floored when `staircase`).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: How often to apply decay (a scalar int `Tensor` or Python number, must be
        positive).
      decay_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The decay
        rate.
      staircase: Boolean. If `True` decay the learning rate at discrete intervals.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "exponential_decay")
    return _decayed(
        schedules.ExponentialDecay(learning_rate, decay_steps, decay_rate, staircase, name),
        global_step,
    )


def natural_exp_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """Applies natural exponential decay to the initial learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    `learning_rate * exp(-decay_rate * global_step / decay_steps)`
    (the exponent floored when `staircase`).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: How often to apply decay (a scalar int `Tensor` or Python number, must be
        positive).
      decay_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The decay
        rate.
      staircase: Boolean. If `True` decay the learning rate at discrete intervals.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "natural_exp_decay")
    schedule = schedules.NaturalExpDecay(learning_rate, decay_steps, decay_rate, staircase, name)
    schedule._default_name = "ExponentialTimeDecay"
    return _decayed(schedule, global_step)


def inverse_time_decay(
    learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None
):
    """Applies inverse time decay to the initial learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    `learning_rate / (1 + decay_rate * global_step / decay_steps)`
    (the quotient floored when `staircase`).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: How often to apply decay (a scalar int `Tensor` or Python number, must be
        positive).
      decay_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The decay
        rate.
      staircase: Boolean. If `True` decay the learning rate at discrete intervals.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
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
    """Applies a polynomial decay to the learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    `(learning_rate - end_learning_rate) * (1 - global_step / decay_steps) ^ power +
    end_learning_rate`, with `global_step` clipped to `decay_steps` (or, with `cycle`,
    `decay_steps` stretched to the next multiple that covers `global_step`).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: How often to apply decay (a scalar int `Tensor` or Python number, must be
        positive).
      end_learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        minimal end learning rate.
      power: A scalar `float32` or `float64` `Tensor` or a Python number. The power of the
        polynomial. Defaults to linear, 1.0.
      cycle: A boolean, whether or not it should cycle beyond decay_steps.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "polynomial_decay")
    return _decayed(
        schedules.PolynomialDecay(
            learning_rate, decay_steps, end_learning_rate, power, cycle, name
        ),
        global_step,
    )


def piecewise_constant(x, boundaries, values, name=None):
    """Piecewise constant from boundaries and interval values.

    Returns `values[0]` while `x <= boundaries[0]`, `values[1]` while `boundaries[0] < x <=
    boundaries[1]`, ..., and `values[-1]` when `x > boundaries[-1]`.

    Args:
      x: A 0-D scalar `Tensor`. Must be one of the following types: `float32`, `float64`,
        `uint8`, `int8`, `int16`, `int32`, `int64`.
      boundaries: A list of `Tensor`s or `int`s or `float`s with strictly increasing
        entries, and with all elements having the same type as `x`.
      values: A list of `Tensor`s or `float`s or `int`s that specifies the values for the
        intervals defined by `boundaries`. It should have one more element than
        `boundaries`, and all elements should have the same type.
      name: A string. Optional name of the operation. Defaults to 'PiecewiseConstant'.

    Returns:
      A 0-D Tensor. Its value is `values[0]` when `x <= boundaries[0]`, `values[1]` when
      `x > boundaries[0]` and `x <= boundaries[1]`, ..., and values[-1] when `x >
      boundaries[-1]`.

    Raises:
      ValueError: if types of `x` and `boundaries` do not match, or types of all `values`
        do not match or the number of elements in the lists does not match.
    """
    if x is None:
        raise ValueError("global_step is required for piecewise_constant.")
    return _decayed(schedules.PiecewiseConstantDecay(boundaries, values, name), x)


piecewise_constant_decay = piecewise_constant


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """Applies cosine decay to the learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    `learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * global_step / decay_steps)) +
    alpha)`, with `global_step` clipped to `decay_steps` (Loshchilov & Hutter, ICLR 2016).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of steps
        to decay over.
      alpha: A scalar `float32` or `float64` Tensor or a Python number. Minimum learning rate
        value as a fraction of learning_rate.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "cosine_decay")
    return _decayed(schedules.CosineDecay(learning_rate, decay_steps, alpha, name), global_step)


def cosine_decay_restarts(
    learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0, name=None
):
    """Applies cosine decay with restarts to the learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    a cosine decay over `first_decay_steps` that restarts with periods `t_mul` times
    longer and initial rates `m_mul` times smaller (SGDR, Loshchilov & Hutter, ICLR 2016).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      first_decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of
        steps to decay over.
      t_mul: A scalar `float32` or `float64` `Tensor` or a Python number. Used to derive the
        number of iterations in the i-th period.
      m_mul: A scalar `float32` or `float64` `Tensor` or a Python number. Used to derive the
        initial learning rate of the i-th period.
      alpha: A scalar `float32` or `float64` Tensor or a Python number. Minimum learning rate
        value as a fraction of the learning_rate.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
    _require_step(global_step, "cosine_decay_restarts")
    return _decayed(
        schedules.CosineDecayRestarts(learning_rate, first_decay_steps, t_mul, m_mul, alpha, name),
        global_step,
    )


def linear_cosine_decay(
    learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001, name=None
):
    """Applies linear cosine decay to the learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    `learning_rate * ((alpha + linear_decay) * cosine_decay + beta)` with
    `linear_decay = (decay_steps - global_step) / decay_steps` and `cosine_decay = 0.5 *
    (1 + cos(pi * 2 * num_periods * global_step / decay_steps))` (Bello et al., ICML 2017).
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of steps
        to decay over.
      num_periods: Number of periods in the cosine part of the decay. See computation above.
      alpha: See computation above.
      beta: See computation above.
      name: String. Optional name of the operation.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
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
    """Applies noisy linear cosine decay to the learning rate.

    It is commonly observed that a monotonically decreasing learning rate, whose degree of
    change is carefully chosen, results in a better performing model. This function applies
    a decay function to a provided initial learning rate, computing
    the linear cosine decay with Gaussian noise of variance `initial_variance / (1 +
    global_step) ^ variance_decay` added to the linear part, drawn afresh at every run.
    The rate follows the step at run time (the graph is built once).

    Args:
      learning_rate: A scalar `float32` or `float64` `Tensor` or a Python number. The
        initial learning rate.
      global_step: A scalar `int32` or `int64` `Tensor` or a Python number. Global step to
        use for the decay computation. Must not be negative.
      decay_steps: A scalar `int32` or `int64` `Tensor` or a Python number. Number of steps
        to decay over.
      initial_variance: initial variance for the noise. See computation above.
      variance_decay: decay for the noise's variance. See computation above.
      num_periods: Number of periods in the cosine part of the decay. See computation above.
      alpha: See computation above.
      beta: See computation above.
      name: String. Optional name of the operation.
      seed: An optional op seed for the noise (beyond TF1): with the graph seed it makes
        the noise reproducible.

    Returns:
      A scalar `Tensor` of the same type as `learning_rate`: the decayed learning rate.

    Raises:
      ValueError: if `global_step` is not supplied.
    """
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
